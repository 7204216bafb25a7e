#!/usr/bin/env python3
"""Generates a deterministic NetworkPolicy world and observed flows for the netpol benchmarks.

    gen-netpol-world.py --namespaces 20 --pods 50 --policies 200 --flows 10000 --out DIR
        [--workloads] [--peers K] [--seed 1]

Writes DIR/world/{namespaces,pods,policies}.yaml (Pods with labels, container ports and status
IPs in 198.18.0.0/15; or, with --workloads, Deployments instead of Pods), and DIR/flows.jsonl
(Palisade flow records between those pods, on their declared ports and on random ones, plus
flows to external addresses in 198.19.0.0/16): by default every record a connection drawn
afresh (nearly all distinct: the worst case for aggregation), or, with --peers K, records
repeating a fixed service graph in which each pod talks to K peers on their declared ports, as
a capture of a real cluster over a week does. Policies mix ingress and egress rules with
podSelector, namespaceSelector (matchLabels and matchExpressions), ipBlock with except, numbered
and named ports and endPort ranges, and the policyTypes forms the API server accepts.
"""

import argparse
import json
import os
import random

APPS = ["web", "api", "db", "cache", "queue", "worker", "auth", "search", "mail", "metrics"]
TIERS = ["front", "back", "data"]
ENVS = ["prod", "staging", "dev"]
PORTS = [("http", 8080, "TCP"), ("grpc", 9090, "TCP"), ("db", 5432, "TCP"),
         ("dns", 53, "UDP"), ("cache", 6379, "TCP"), ("sctp", 9999, "SCTP")]


def pod_ip(ns, i):
    n = ns * 256 + i + 10
    return f"198.18.{n // 256}.{n % 256}"


def selector(rng, keys):
    if rng.random() < 0.15:
        return {}
    if rng.random() < 0.3:
        key, values = rng.choice(keys)
        op = rng.choice(["In", "NotIn", "Exists", "DoesNotExist"])
        expr = {"key": key, "operator": op}
        if op in ("In", "NotIn"):
            expr["values"] = rng.sample(values, k=min(2, len(values)))
        return {"matchExpressions": [expr]}
    key, values = rng.choice(keys)
    return {"matchLabels": {key: rng.choice(values)}}


POD_KEYS = [("app", APPS), ("tier", TIERS)]
NS_KEYS = [("env", ENVS), ("team", [f"t{i}" for i in range(5)])]


def peer(rng, ns_count):
    r = rng.random()
    if r < 0.15:
        block = {"cidr": "198.19.0.0/16"}
        if rng.random() < 0.5:
            block["except"] = [f"198.19.{rng.randrange(256)}.0/24"]
        return {"ipBlock": block}
    if r < 0.5:
        return {"podSelector": selector(rng, POD_KEYS)}
    if r < 0.75:
        return {"namespaceSelector": selector(rng, NS_KEYS)}
    return {"podSelector": selector(rng, POD_KEYS), "namespaceSelector": selector(rng, NS_KEYS)}


def ports(rng):
    if rng.random() < 0.25:
        return None
    out = []
    for _ in range(rng.randint(1, 2)):
        name, number, proto = rng.choice(PORTS)
        r = rng.random()
        if r < 0.3:
            out.append({"port": name, "protocol": proto})
        elif r < 0.45:
            out.append({"port": number, "endPort": number + 10, "protocol": proto})
        else:
            out.append({"port": number, "protocol": proto})
    return out


def rules(rng, key, ns_count):
    out = []
    for _ in range(rng.randint(1, 3)):
        rule = {}
        if rng.random() < 0.9:
            rule[key] = [peer(rng, ns_count) for _ in range(rng.randint(1, 2))]
        p = ports(rng)
        if p:
            rule["ports"] = p
        out.append(rule)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--namespaces", type=int, default=20)
    ap.add_argument("--pods", type=int, default=50, help="per namespace")
    ap.add_argument("--policies", type=int, default=200)
    ap.add_argument("--flows", type=int, default=10000)
    ap.add_argument("--workloads", action="store_true", help="Deployments instead of Pods")
    ap.add_argument("--all-ports", action="store_true",
                    help="every pod declares every named port (NCA ignores a pod that lacks a named port a policy uses)")
    ap.add_argument("--peers", type=int, default=0,
                    help="each pod talks to this many fixed peers; records repeat those connections")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    world = os.path.join(args.out, "world")
    os.makedirs(world, exist_ok=True)

    namespaces, pods = [], []
    for n in range(args.namespaces):
        name = f"ns{n}"
        labels = {"env": ENVS[n % 3], "team": f"t{n % 5}"}
        namespaces.append({"apiVersion": "v1", "kind": "Namespace",
                           "metadata": {"name": name, "labels": labels}})
        for i in range(args.pods):
            labels = {"app": APPS[i % len(APPS)], "tier": TIERS[i % 3], "id": f"p{i}"}
            declared = PORTS if args.all_ports else [PORTS[i % len(PORTS)], PORTS[(i + 2) % len(PORTS)]]
            container = {"name": "c", "image": "registry.example/app:1",
                         "ports": [{"name": pn, "containerPort": pp, "protocol": pr}
                                   for pn, pp, pr in declared]}
            pods.append((name, f"pod{i}", labels, pod_ip(n, i), declared, container))
    with open(os.path.join(world, "namespaces.yaml"), "w") as f:
        f.write("".join("---\n" + json.dumps(o) + "\n" for o in namespaces))
    with open(os.path.join(world, "pods.yaml"), "w") as f:
        for ns, name, labels, ip, _, container in pods:
            if args.workloads:
                obj = {"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": {"name": name, "namespace": ns},
                       "spec": {"selector": {"matchLabels": labels},
                                "template": {"metadata": {"labels": labels},
                                             "spec": {"containers": [container]}}}}
            else:
                obj = {"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": name, "namespace": ns, "labels": labels},
                       "spec": {"containers": [container]},
                       "status": {"podIP": ip, "podIPs": [{"ip": ip}]}}
            f.write("---\n" + json.dumps(obj) + "\n")
    with open(os.path.join(world, "policies.yaml"), "w") as f:
        for p in range(args.policies):
            ns = f"ns{p % args.namespaces}"
            spec = {"podSelector": selector(rng, POD_KEYS)}
            kind = rng.random()
            if kind < 0.45:
                spec["ingress"] = rules(rng, "from", args.namespaces)
            elif kind < 0.75:
                spec["policyTypes"] = ["Egress"]
                spec["egress"] = rules(rng, "to", args.namespaces)
            else:
                spec["policyTypes"] = ["Ingress", "Egress"]
                spec["ingress"] = rules(rng, "from", args.namespaces)
                spec["egress"] = rules(rng, "to", args.namespaces)
            obj = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                   "metadata": {"name": f"np{p}", "namespace": ns}, "spec": spec}
            f.write("---\n" + json.dumps(obj) + "\n")

    def end(pod, port=None):
        ns, name, labels, ip, _, _ = pod
        e = {"ip": ip, "namespace": ns, "labels": labels}
        if args.workloads:
            e["workload"] = f"Deployment/{name}"
        else:
            e["pod"] = name
        if port is not None:
            e["port"] = port
        return e

    def draw():
        """One connection: (proto, port, destination endpoint)."""
        if rng.random() < 0.05:
            return "TCP", 443, {"ip": f"198.19.{rng.randrange(256)}.{rng.randrange(1, 255)}", "port": 443}
        target = rng.choice(pods)
        if args.peers or rng.random() < 0.8:
            _, port, proto = rng.choice(target[4])
        else:
            proto, port = rng.choice(["TCP", "UDP"]), rng.randrange(1, 65536)
        return proto, port, end(target, port)

    graph = [[draw() for _ in range(args.peers)] for _ in pods] if args.peers else None
    with open(os.path.join(args.out, "flows.jsonl"), "w") as f:
        for k in range(args.flows):
            if graph:
                i = rng.randrange(len(pods))
                src = pods[i]
                proto, port, dst = rng.choice(graph[i])
            else:
                src = rng.choice(pods)
                proto, port, dst = draw()
            day = 1 + k % 7
            hour = 10 + k % 12 if graph else 11
            rec = {"ts": f"2026-11-0{day}T{hour + 1:02}:00:00.000Z", "node": f"node-{k % 7}",
                   "proto": proto, "src": end(src), "dst": dst, "count": 1 + k % 5,
                   "first_seen": f"2026-11-0{day}T{hour:02}:00:00.000Z",
                   "last_seen": f"2026-11-0{day}T{hour + 1:02}:00:00.000Z"}
            f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
