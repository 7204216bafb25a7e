#!/usr/bin/env bash
# Load benchmark of `palisade webhook` over TLS on loopback, driven by oha (`cargo install oha`):
# AdmissionReview v1 Pod CREATEs, half admitted (a restricted pod) and half denied (a privileged
# pod), full built-in rule set, keep-alive connections. Measures:
#   1. process start to ready (/readyz 200), median of 5 starts;
#   2. saturation throughput (HTTP/1.1 and HTTP/2), reviews/s;
#   3. latency percentiles at a fixed 1,000 reviews/s;
#   4. RSS over a soak at 1,000 reviews/s (first, max, last), default 5 minutes.
# The load generator runs on the same 2-core machine, so its CPU use is part of the figures.
#
#   bench/webhook-load.sh
#   SOAK=60 SATURATION=10 bench/webhook-load.sh      # shorter runs
#   SKIP_BUILD=1 bench/webhook-load.sh               # use target/dist/palisade as built
#   PALISADE_BIN=target/release/palisade bench/webhook-load.sh   # measure that binary
#
# Everything it writes stays under bench/out/webhook/ (git-ignored). Every step is bounded in
# time and the webhook is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out/webhook"
SATURATION=${SATURATION:-20}   # seconds per saturation run
FIXED=${FIXED:-30}             # seconds at the fixed rate
SOAK=${SOAK:-300}              # seconds of the RSS soak
RATE=${RATE:-1000}             # reviews/s of the fixed-rate runs
CONNECTIONS=${CONNECTIONS:-32} # connections of a saturation run (split over the two bodies)
SKIP_BUILD=${SKIP_BUILD:-0}
PALISADE_BIN=${PALISADE_BIN:-}  # measure this binary (no build)
PORT=${PORT:-18443}
METRICS_PORT=${METRICS_PORT:-19090}
OHA=${OHA:-oha}

note() { printf '%s\n' "$*" >&2; }
# As in a container: no backtrace capture (regorus builds error values on some lookups, and with
# RUST_BACKTRACE set each one would capture a backtrace).
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
command -v "$OHA" >/dev/null || { note "oha not found: cargo install oha"; exit 2; }
mkdir -p "$OUT"
note "== machine: $(nproc) cores, $(uname -sr); load: $(uptime | sed 's/.*load/load/')"
SOURCE_BIN=${PALISADE_BIN:-target/dist/palisade}
if [ -z "$PALISADE_BIN" ] && [ "$SKIP_BUILD" != 1 ]; then
    note "== cargo build --profile dist"
    timeout 2400 cargo build --profile dist --quiet
fi
BIN="$OUT/palisade"   # a copy, so that a concurrent build cannot swap it mid-run
cp -p "$SOURCE_BIN" "$BIN"
note "== binary: $SOURCE_BIN, checkout $(git rev-parse --short HEAD)$(git diff --quiet || echo ' with uncommitted changes')"

# Certificates and request bodies.
rm -rf "$OUT/certs"
"$BIN" certs generate --service palisade-webhook --namespace palisade-system --out "$OUT/certs" >/dev/null
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
def review(name, sc, pod_sc):
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": "shop", "labels": {"app": name}},
           "spec": {"securityContext": pod_sc,
                    "containers": [{"name": "app", "image": "registry.example/app:1.4.2",
                                    "ports": [{"containerPort": 8080}],
                                    "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
                                    "securityContext": sc}]}}
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "0b7f6a52-4f6c-4e1c-9d1e-6f0f4a1b2c3d",
                        "kind": {"group": "", "version": "v1", "kind": "Pod"},
                        "resource": {"group": "", "version": "v1", "resource": "pods"},
                        "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
                        "requestResource": {"group": "", "version": "v1", "resource": "pods"},
                        "name": name, "namespace": "shop", "operation": "CREATE",
                        "userInfo": {"username": "system:serviceaccount:shop:deployer",
                                     "groups": ["system:serviceaccounts", "system:authenticated"]},
                        "object": pod, "oldObject": None, "dryRun": False,
                        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}}}
allowed = review("web", {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                         "readOnlyRootFilesystem": True},
                 {"runAsNonRoot": True, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}})
denied = review("debug", {"privileged": True}, {})
json.dump(allowed, open(f"{out}/allowed.json", "w"))
json.dump(denied, open(f"{out}/denied.json", "w"))
PY

PID=
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap stop EXIT
start() {
    "$BIN" webhook --cert "$OUT/certs/tls.crt" --key "$OUT/certs/tls.key" \
        --listen "127.0.0.1:$PORT" --metrics-listen "127.0.0.1:$METRICS_PORT" \
        --shutdown-delay 0s --log-format json 2>>"$OUT/webhook.log" &
    PID=$!
}
ready_ms() { # starts the webhook and prints milliseconds until /readyz answers 200
    python3 - "$BIN" "$OUT" "$PORT" "$METRICS_PORT" <<'PY'
import subprocess, sys, time, http.client
bin, out, port, mport = sys.argv[1:5]
t0 = time.monotonic()
p = subprocess.Popen([bin, "webhook", "--cert", f"{out}/certs/tls.crt", "--key", f"{out}/certs/tls.key",
                      "--listen", f"127.0.0.1:{port}", "--metrics-listen", f"127.0.0.1:{mport}",
                      "--shutdown-delay", "0s"], stderr=subprocess.DEVNULL)
try:
    while time.monotonic() - t0 < 10:
        try:
            c = http.client.HTTPConnection("127.0.0.1", int(mport), timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                print(round((time.monotonic() - t0) * 1000, 1))
                break
        except OSError:
            time.sleep(0.002)
finally:
    p.terminate(); p.wait(10)
PY
}

note "== start to ready (5 starts)"
starts=()
for _ in 1 2 3 4 5; do starts+=("$(ready_ms)"); done
ready=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n 3p)
note "   ${starts[*]} ms → median $ready ms"

start
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$METRICS_PORT/readyz" >/dev/null && break; sleep 0.05; done
HOST=palisade-webhook.palisade-system.svc
URL="https://$HOST:$PORT/validate"   # verified against the generated CA, as the API server does
oha_run() { # oha_run NAME BODY ARGS… → JSON result in $OUT/NAME.json
    local name=$1 body=$2; shift 2
    timeout 900 "$OHA" --no-tui --output-format json --cacert "$OUT/certs/ca.crt" \
        --connect-to "$HOST:$PORT:127.0.0.1:$PORT" -m POST \
        -H 'Content-Type: application/json' -D "$OUT/$body.json" "$@" "$URL" > "$OUT/$name.json"
}
pair() { # pair NAME ARGS… runs the allowed and the denied body at once
    local name=$1; shift
    oha_run "$name-allowed" allowed "$@" & local a=$!
    oha_run "$name-denied" denied "$@" & local d=$!
    wait "$a" "$d"
}
summary() { # summary NAME → "rps p50 p99 success"
    python3 - "$OUT" "$1" <<'PY'
import json, sys
out, name = sys.argv[1:3]
rps = 0; p50 = 0; p99 = 0; ok = 1.0; n = 0
for part in ("allowed", "denied"):
    d = json.load(open(f"{out}/{name}-{part}.json"))
    s = d["summary"]; pct = d["latencyPercentiles"]
    rps += s["requestsPerSec"]; ok = min(ok, s["successRate"]); n += sum(d.get("statusCodeDistribution", {}).values())
    p50 = max(p50, pct["p50"]); p99 = max(p99, pct["p99"])
print(f"{rps:.0f} {p50*1000:.2f} {p99*1000:.2f} {ok:.4f} {n}")
PY
}

note "== warm-up"
pair warmup -z 3s -c 4
half=$((CONNECTIONS / 2))
note "== saturation, HTTP/1.1, $CONNECTIONS connections, ${SATURATION}s"
pair sat-h1 -z "${SATURATION}s" -c "$half"
read -r h1_rps h1_p50 h1_p99 h1_ok h1_n <<< "$(summary sat-h1)"
note "   $h1_rps reviews/s (p50 $h1_p50 ms, p99 $h1_p99 ms, success $h1_ok, $h1_n responses)"
note "== saturation, HTTP/2, 2 connections × 16 streams, ${SATURATION}s"
pair sat-h2 -z "${SATURATION}s" -c 1 -p 16 --http2
read -r h2_rps h2_p50 h2_p99 h2_ok h2_n <<< "$(summary sat-h2)"
note "   $h2_rps reviews/s (p50 $h2_p50 ms, p99 $h2_p99 ms, success $h2_ok, $h2_n responses)"
note "== fixed rate $RATE reviews/s, ${FIXED}s"
pair fixed -z "${FIXED}s" -c 8 -q $((RATE / 2)) --latency-correction
read -r fx_rps fx_p50 fx_p99 fx_ok fx_n <<< "$(summary fixed)"
note "   $fx_rps reviews/s: p50 $fx_p50 ms, p99 $fx_p99 ms (success $fx_ok)"

note "== soak at $RATE reviews/s for ${SOAK}s, RSS every 5 s"
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
pair soak -z "${SOAK}s" -c 8 -q $((RATE / 2)) --latency-correction &
soak=$!
samples=()
while kill -0 "$soak" 2>/dev/null; do samples+=("$(rss)"); sleep 5; done
wait "$soak"
read -r sk_rps sk_p50 sk_p99 sk_ok sk_n <<< "$(summary soak)"
rss_first=$((${samples[1]:-${samples[0]}} / 1024))
rss_last=$((${samples[-1]} / 1024))
rss_max=$(($(printf '%s\n' "${samples[@]}" | sort -n | tail -1) / 1024))
note "   RSS first $rss_first MB, max $rss_max MB, last $rss_last MB; p99 $sk_p99 ms; $sk_n responses (success $sk_ok)"
curl -s "http://127.0.0.1:$METRICS_PORT/metrics" > "$OUT/metrics.txt"
stop

{
    echo "| measure | target | measured |"
    echo "|---|---|---|"
    echo "| process start to ready (median of 5) | < 300 ms | $ready ms |"
    echo "| saturation, HTTP/1.1, $CONNECTIONS connections | ≥ 5,000 reviews/s | $h1_rps reviews/s (p99 $h1_p99 ms) |"
    echo "| saturation, HTTP/2, 2 connections × 16 streams | ≥ 5,000 reviews/s | $h2_rps reviews/s (p99 $h2_p99 ms) |"
    echo "| latency at $RATE reviews/s | p99 < 5 ms | p50 $fx_p50 ms, p99 $fx_p99 ms |"
    echo "| RSS over ${SOAK}s at $RATE reviews/s | < 64 MB, flat | first $rss_first MB, max $rss_max MB, last $rss_last MB |"
} | tee "$OUT/results.md"
