#!/usr/bin/env python3
"""Compares `palisade netpol simulate --format json` verdicts with the connectivity map that
network-config-analyzer (`nca --connectivity … --output_format txt_no_fw_rules`) prints.

    nca-verdicts.py FLOWS.jsonl PALISADE.json NCA.txt

For each flow (but a pod's flows to itself, which NCA's map leaves out), NCA's verdict is whether its map lists a connection from the source pod (or
address) to the destination pod (or address) that includes the flow's protocol and port.
Prints one JSON object: {"flows", "agree", "disagree", "examples": [...]} (the first $EXAMPLES
flows that differ, 5 by default).
"""

import ipaddress
import json
import os
import re
import sys


def parse_conns(text):
    text = text.strip()
    if text == "All connections":
        return "all"
    out = []
    for group in re.findall(r"\{([^}]*)\}", text):
        protos, _, ports = group.partition("dst_ports:")
        protos = [p for p in protos.replace("protocols:", "").split(",") if p]
        ranges = []
        for part in ports.strip(",").split(","):
            if not part:
                continue
            lo, _, hi = part.partition("-")
            ranges.append((int(lo), int(hi or lo)))
        out.append((set(protos), ranges or [(1, 65535)]))
    return out


def allows(conns, proto, port):
    if conns == "all":
        return True
    return any(proto in protos and any(lo <= port <= hi for lo, hi in ranges)
               for protos, ranges in conns)


def parse_end(text):
    text = text.strip()
    m = re.match(r"^(\S+)/(\S+)\[\w+\]$", text)
    if m:
        return ("pod", m.group(1), m.group(2))
    ranges = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        ranges.append((ipaddress.ip_address(lo), ipaddress.ip_address(hi or lo)))
    return ("ip", ranges)


def main():
    flows_path, ours_path, nca_path = sys.argv[1:4]
    pairs = {}
    ip_lines = []
    with open(nca_path) as f:
        for line in f:
            if "=>" not in line or " : " not in line:
                continue
            ends, _, conns = line.rpartition(" : ")
            src, _, dst = ends.partition("=>")
            src, dst, conns = parse_end(src), parse_end(dst), parse_conns(conns)
            if src[0] == "pod" and dst[0] == "pod":
                pairs.setdefault((src[1:], dst[1:]), []).append(conns)
            else:
                ip_lines.append((src, dst, conns))
    with open(ours_path) as f:
        ours = json.load(f)["flows"]

    def nca_verdict(flow):
        s, d = flow["src"], flow["dst"]
        proto, port = flow["proto"], d.get("port", 0)
        if "pod" in s and "pod" in d:
            listed = pairs.get(((s["namespace"], s["pod"]), (d["namespace"], d["pod"])), [])
            return any(allows(conns, proto, port) for conns in listed)
        for src, dst, conns in ip_lines:
            if not allows(conns, proto, port):
                continue
            ok = True
            for end, want in ((src, s), (dst, d)):
                if end[0] == "pod":
                    ok &= "pod" in want and end[1:] == (want["namespace"], want["pod"])
                else:
                    ip = ipaddress.ip_address(want["ip"]) if "pod" not in want else None
                    ok &= ip is not None and any(lo <= ip <= hi for lo, hi in end[1])
            if ok:
                return True
        return False

    agree, disagree, examples, own = 0, 0, [], 0
    with open(flows_path) as f:
        for line, mine in zip(f, ours):
            flow = json.loads(line)
            s, d = flow["src"], flow["dst"]
            if "pod" in s and (s.get("namespace"), s.get("pod")) == (d.get("namespace"), d.get("pod")):
                own += 1  # NCA's map leaves out a pod's connections to itself
                continue
            theirs = nca_verdict(flow)
            if theirs == (mine["verdict"] == "allowed"):
                agree += 1
            else:
                disagree += 1
                if len(examples) < int(os.environ.get("EXAMPLES", "5")):
                    examples.append({"flow": flow, "palisade": mine["verdict"],
                                     "nca": "allowed" if theirs else "blocked"})
    print(json.dumps({"flows": agree + disagree, "agree": agree, "disagree": disagree,
                      "skipped_to_itself": own,
                      "examples": examples}))


if __name__ == "__main__":
    main()
