#!/usr/bin/env bash
# Runs a command when the machine is idle, and says afterwards whether anything else competed for
# the CPU while it ran. For benchmarks on a machine shared with builds and other people's runs.
#
#   bench/when-quiet.sh [-w MAX_WAIT_SECONDS] CMD ARG...
#
# Idle means: no cargo or rustc process, and under 15 % of all CPU time used over two seconds.
# Waits at most MAX_WAIT_SECONDS (default 1800) for that, then runs CMD anyway. While CMD runs, a
# watcher samples `top` every few seconds for processes outside CMD's own process tree using more
# than 20 % of a core. Prints the verdict on stderr — "quiet: yes" or "quiet: no (…)" — and exits
# with CMD's exit code.
set -uo pipefail

max_wait=1800
if [ "${1:-}" = "-w" ]; then
    max_wait=$2
    shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [-w MAX_WAIT_SECONDS] CMD ARG..." >&2; exit 2; }

cpu_busy_percent() { # share of all CPU time used over two seconds, in percent
    read -r _ u1 n1 s1 i1 w1 q1 sq1 st1 _ < /proc/stat
    sleep 2
    read -r _ u2 n2 s2 i2 w2 q2 sq2 st2 _ < /proc/stat
    local busy=$(((u2 + n2 + s2 + q2 + sq2 + st2) - (u1 + n1 + s1 + q1 + sq1 + st1)))
    local idle=$(((i2 + w2) - (i1 + w1)))
    echo $((100 * busy / (busy + idle + 1)))
}

busy() {
    pgrep -x 'cargo|rustc' > /dev/null && return 0
    [ "$(cpu_busy_percent)" -ge 15 ]
}

waited=0
while busy && [ "$waited" -lt "$max_wait" ]; do
    sleep 5
    waited=$((waited + 7))
done
if busy; then
    echo "when-quiet: still busy after ${max_wait}s; running anyway" >&2
fi
echo "when-quiet: start $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

tree_of() { # PIDs of the descendants of $1
    ps -eo pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END { for (p in parent) { q = p; while (q in parent && q != root && q > 1) q = parent[q]; if (q == root) print p } }'
}

me=$$
seen=$(mktemp)
(
    while :; do
        # Busy processes, then this script's process tree (the command and everything it starts),
        # listed before and after the sample so that a run that starts or ends meanwhile counts.
        before=$(tree_of "$me")
        busy_now=$(top -b -n 2 -d 1 -w 200 | awk '
            /^top -/ { block++ }
            block == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 > 20 { print $1, $9 "%", $12 }')
        ours=" $(echo $before $(tree_of "$me")) "
        if [ -n "$busy_now" ]; then
            awk -v ours="$ours" 'index(ours, " " $1 " ") == 0' <<< "$busy_now" >> "$seen"
        fi
        pgrep -a -x 'cargo|rustc' | cut -c1-120 >> "$seen"
        sleep 2
    done
) 2> /dev/null &
watcher=$!

"$@"
rc=$?

pkill -P "$watcher" 2> /dev/null
kill "$watcher" 2> /dev/null
wait "$watcher" 2> /dev/null
if [ -s "$seen" ]; then
    echo "when-quiet: quiet: no ($(sort -u "$seen" | wc -l) competing samples, e.g. $(sort -u "$seen" | head -3 | tr '\n' ';'))" >&2
else
    echo "when-quiet: quiet: yes" >&2
fi
echo "when-quiet: end $(date +%T), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
rm -f "$seen"
exit "$rc"
