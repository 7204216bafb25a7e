#!/usr/bin/env bash
# Load test of `palisade probe` with real kernel traffic: a node network namespace routing
# between 4 client pods and 1 backend behind an nftables DNAT "Service", RATE new TCP
# connections per second for SECONDS seconds, and the probe running in the node namespace.
# Reports connections made vs connections the probe counted, with its ENOBUFS/resync metrics.
#
# Usage (root; needs ip, nft, python3):
#   bench/probe-load.sh                        # 2000/s for 30 s, default 8 MiB socket buffer
#   RCVBUF=16384 bench/probe-load.sh           # tiny buffer: forces ENOBUFS and resyncs
#   RATE=500 SECONDS_=10 bench/probe-load.sh
#   KEEP_LOG=/tmp/probe.log bench/probe-load.sh   # keep the probe's log
# Only 198.18.0.0/15 addresses, only inside namespaces this script makes and deletes.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-2000}
DURATION=${SECONDS_:-30}
RCVBUF=${RCVBUF:-8388608}
BIN=${PALISADE_BIN:-target/release/palisade}
CLIENTS=4
[ "$(id -u)" = 0 ] || { echo "probe-load: needs root" >&2; exit 2; }
for tool in ip nft python3; do command -v "$tool" >/dev/null || { echo "probe-load: needs $tool" >&2; exit 2; }; done
[ -x "$BIN" ] || cargo build --release --bin palisade

ID="pl$$"
NODE="$ID-node"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in $(ip netns list | awk '{print $1}' | grep "^$ID-" || true); do ip netns del "$ns"; done
  if [ -n "${KEEP_LOG:-}" ] && [ -f "$WORK/probe.log" ]; then cp "$WORK/probe.log" "$KEEP_LOG"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

add_pod() { # name address index
  ip netns add "$1"
  ip -n "$NODE" link add "veth$3" type veth peer name eth0 netns "$1"
  ip -n "$1" addr add "$2/32" dev eth0
  ip -n "$1" link set eth0 up
  ip -n "$1" link set lo up
  ip -n "$1" route add 198.18.0.1 dev eth0
  ip -n "$1" route add 198.18.0.0/15 via 198.18.0.1
  ip -n "$NODE" link set "veth$3" up
  ip -n "$NODE" addr add 198.18.0.1/32 dev "veth$3"
  ip -n "$NODE" route add "$2/32" dev "veth$3"
  ip netns exec "$1" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
}

ip netns add "$NODE"
ip -n "$NODE" link set lo up
ip netns exec "$NODE" sysctl -qw net.ipv4.ip_forward=1
add_pod "$ID-srv" 198.18.0.30 0
for i in $(seq 1 $CLIENTS); do add_pod "$ID-c$i" "198.18.1.$i" "$i"; done
printf 'table ip svc {\n chain pre {\n  type nat hook prerouting priority dstnat;\n  ip daddr 198.18.100.1 tcp dport 80 dnat to 198.18.0.30:8080\n }\n}\n' \
  | ip netns exec "$NODE" nft -f -

cat >"$WORK/server.py" <<'EOF'
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.30", 8080)); s.listen(4096); s.settimeout(1.0)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    try:
        c, _ = s.accept(); c.close()
    except OSError:
        pass
EOF
cat >"$WORK/client.py" <<'EOF'
import socket, sys, time
rate, seconds = float(sys.argv[1]), float(sys.argv[2])
made = failed = 0
start = time.time()
while True:
    elapsed = time.time() - start
    if elapsed >= seconds:
        break
    due = int(elapsed * rate) + 1
    while made + failed < due:
        try:
            c = socket.create_connection(("198.18.100.1", 80), timeout=2); c.close(); made += 1
        except OSError:
            failed += 1
    time.sleep(0.001)
print(made, failed)
EOF

cat >"$WORK/inventory.yaml" <<EOF
kind: List
items:
- {kind: Service, metadata: {name: load, namespace: bench}, spec: {clusterIP: 198.18.100.1}}
- kind: Pod
  metadata: {name: server-0, namespace: bench, labels: {app: server}, ownerReferences: [{kind: StatefulSet, name: server, controller: true}]}
  status: {podIP: 198.18.0.30}
$(for i in $(seq 1 $CLIENTS); do printf -- '- kind: Pod\n  metadata: {name: client-%s, namespace: bench, labels: {app: client}, ownerReferences: [{kind: DaemonSet, name: client, controller: true}]}\n  status: {podIP: 198.18.1.%s}\n' "$i" "$i"; done)
EOF

ip netns exec "$ID-srv" python3 "$WORK/server.py" $((DURATION + 15)) & PIDS+=($!)
ip netns exec "$NODE" "$BIN" probe --inventory "$WORK/inventory.yaml" --node load-node --no-http \
  --output "$WORK/flows.jsonl" --duration $((DURATION + 8)) --flush-interval 5 \
  --receive-buffer "$RCVBUF" --log-format json 2>"$WORK/probe.log" & PROBE=$!
sleep 2
per_client=$(python3 -c "print($RATE / $CLIENTS)")
for i in $(seq 1 $CLIENTS); do
  ip netns exec "$ID-c$i" python3 "$WORK/client.py" "$per_client" "$DURATION" >"$WORK/client$i.out" & PIDS+=($!)
done
for pid in "${PIDS[@]:1}"; do wait "$pid"; done
wait "$PROBE"

made=$(cat "$WORK"/client*.out | awk '{m += $1} END {print m}')
failed=$(cat "$WORK"/client*.out | awk '{f += $2} END {print f}')
counted=$(python3 - "$WORK/flows.jsonl" <<'EOF'
import json, sys
last = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["dst"].get("service") == "bench/load":
        key = json.dumps([r["src"].get("workload"), r["dst"].get("workload"), r["dst"].get("port"), r["proto"]])
        last[key] = r["count"]
print(sum(last.values()))
EOF
)
summary=$(grep '"probe stopped"' "$WORK/probe.log" | tail -1)
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['fields'].get('$1'))" "$summary"; }
echo "rate=${RATE}/s duration=${DURATION}s receive_buffer=${RCVBUF}"
echo "connections made: $made (failed: $failed)"
echo "connections counted by the probe: $counted"
echo "events received: $(field events)  dump entries: $(field dump_entries)  enobufs: $(field enobufs)  resyncs: $(field resyncs)"
