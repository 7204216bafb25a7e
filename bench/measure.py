#!/usr/bin/env python3
"""Runs a command a few times and reports its wall time and peak RSS.

    measure.py --reps 3 --timeout 600 --ok 0,1 --stderr LOG -- CMD ARG...

Each run's stdout goes to /dev/null and its stderr to LOG (appended). Wall time is measured with a
monotonic clock around spawn and wait. Peak RSS is "Maximum resident set size" as GNU time reports it
(`/usr/bin/time -f %M`): `ru_maxrss` of the command, i.e. the largest resident set of the process and
of every descendant it waited for (a maximum, not a sum). GNU time is used as the parent because a
child spawned straight from this Python process would be charged this process's own ~15 MB resident
set (Linux carries the parent's high-water mark across exec); without /usr/bin/time the figure falls
back to `wait4` on a direct child and has that floor. Prints one JSON object on stdout:
`{"wall_s": [...], "rss_kb": [...], "median_wall_s", "median_rss_kb", "exit_codes": [...]}`.
Exits 1 if a run times out or ends with an exit code not in `--ok`.
"""

import argparse
import json
import os
import signal
import statistics
import tempfile
import sys
import threading
import time


GNU_TIME = "/usr/bin/time"


def run_once(cmd, timeout, stderr_path):
    """One run: (wall seconds, peak RSS in KiB, exit code), or None on timeout."""
    report = None
    if os.access(GNU_TIME, os.X_OK):
        fd, report = tempfile.mkstemp(prefix="measure-", suffix=".rss")
        os.close(fd)
        cmd = [GNU_TIME, "-f", "%M", "-o", report, "--"] + cmd
    devnull = os.open(os.devnull, os.O_WRONLY)
    err = os.open(stderr_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
    try:
        start = time.perf_counter()
        pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions, setsid=True)
    finally:
        os.close(devnull)
        os.close(err)
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        os.killpg(pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    finally:
        timer.cancel()
    maxrss = usage.ru_maxrss
    if report is not None:
        with open(report, encoding="utf-8") as f:
            lines = f.read().split()
        os.unlink(report)
        if lines and lines[-1].isdigit():
            maxrss = int(lines[-1])
    if timed_out.is_set():
        return None
    return wall, maxrss, os.waitstatus_to_exitcode(status)


def main(argv):
    parser = argparse.ArgumentParser(description="wall time and peak RSS of a command")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--ok", default="0", help="comma-separated accepted exit codes")
    parser.add_argument("--stderr", default=os.devnull, help="file to append the command's stderr to")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        parser.error("no command given")
    ok = {int(c) for c in args.ok.split(",")}
    walls, rss, codes = [], [], []
    for _ in range(args.reps):
        result = run_once(cmd, args.timeout, args.stderr)
        if result is None:
            print(f"measure: timed out after {args.timeout:.0f} s: {' '.join(cmd)}", file=sys.stderr)
            return 1
        wall, maxrss, code = result
        if code not in ok:
            print(f"measure: exit code {code} (accepted: {args.ok}): {' '.join(cmd)}; see {args.stderr}", file=sys.stderr)
            return 1
        walls.append(round(wall, 4))
        rss.append(maxrss)
        codes.append(code)
    print(json.dumps({
        "wall_s": walls,
        "rss_kb": rss,
        "median_wall_s": statistics.median(walls),
        "median_rss_kb": statistics.median(rss),
        "exit_codes": codes,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
