#!/usr/bin/env bash
# Speed and memory of the NetworkPolicy tools on generated worlds, and the same question put to
# IBM's network-config-analyzer (NCA) when it is installed.
#
#   bench/netpol-bench.sh                 # build target/dist/palisade, run everything
#   SKIP_BUILD=1 bench/netpol-bench.sh    # use target/dist/palisade as it is
#   NCA=0 bench/netpol-bench.sh           # skip NCA (it takes minutes)
#   NCA_BIN=path/to/nca bench/netpol-bench.sh
#   PALISADE_BIN=target/release/palisade bench/netpol-bench.sh   # measure that binary (no build)
#
# 1. NCA comparison: 20 namespaces × 50 pods, 200 policies, 10,000 flows. `palisade netpol
#    simulate` (median of 3) against NCA's connectivity map (`nca --connectivity …
#    --output_format txt_no_fw_rules`, 1 run), verdict by verdict (bench/nca-verdicts.py).
# 2. Scale: 5,000 workloads (20 namespaces × 250 Deployments), 2,000 policies, 1,000,000 flow
#    records: `netpol simulate` (JSON out), `netpol coverage`, and `netpol suggest` twice: on
#    records repeating a service graph (each workload talks to 8 peers: ~40,000 connections, as
#    a week's capture of a real cluster) and on records that are nearly all distinct
#    connections (the worst case: ~950,000 connections, gigabytes of YAML).
#    Targets: simulate < 5 s, coverage < 1 s, suggest < 5 s and < 200 MB.
# Everything stays under bench/out/ (git-ignored); every run has a time limit.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
REPS=${REPS:-3}
NCA=${NCA:-1}
NCA_BIN=${NCA_BIN:-$(command -v nca || echo "$ROOT/target/nca-venv/bin/nca")}
RUN_TIMEOUT=${RUN_TIMEOUT:-600}
SKIP_BUILD=${SKIP_BUILD:-0}
PALISADE_BIN=${PALISADE_BIN:-}
BIN="$OUT/bin/palisade-netpol"
MEASURE=(python3 "$ROOT/bench/measure.py")
mkdir -p "$OUT/logs" "$OUT/bin"
LOG="$OUT/logs"
note() { printf '%s\n' "$*" >&2; }
unset RUST_BACKTRACE RUST_LIB_BACKTRACE

note "== machine: $(nproc) cores; load: $(uptime | sed 's/.*load/load/')"
if busy=$(pgrep -a -x 'cargo|rustc' 2>/dev/null) && [ -n "$busy" ]; then
    note "== WARNING: compilers are running; figures will be noisy"
fi
SOURCE_BIN="$ROOT/target/dist/palisade"
if [ -n "$PALISADE_BIN" ]; then
    SOURCE_BIN=$PALISADE_BIN
elif [ "$SKIP_BUILD" != 1 ]; then
    note "== cargo build --profile dist"
    timeout 2400 cargo build --profile dist --quiet
fi
cp -p -- "$SOURCE_BIN" "$BIN"
note "== binary: $SOURCE_BIN of $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

gen() { # gen DIR ARGS… — regenerate only when the generator or the arguments changed
    local dir=$1; shift
    local stamp="$dir/.stamp" want
    want="$(sha256sum bench/gen-netpol-world.py | cut -c1-16) $*"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    note "== generating $dir ($*)"
    rm -rf -- "$dir"
    timeout 1200 python3 bench/gen-netpol-world.py "$@" --out "$dir"
    echo "$want" > "$stamp"
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# --- 1. NCA comparison -----------------------------------------------------------------------
W="$OUT/netpol-nca"
gen "$W" --namespaces 20 --pods 50 --policies 200 --flows 10000 --all-ports
"$BIN" netpol simulate --format json --flows "$W/flows.jsonl" "$W/world" > "$W/palisade.json" || [ $? -eq 1 ]
m=$("${MEASURE[@]}" --reps "$REPS" --timeout "$RUN_TIMEOUT" --ok 0,1 --stderr "$LOG/netpol-sim-10k.stderr" -- \
    "$BIN" netpol simulate --format json --flows "$W/flows.jsonl" "$W/world")
SIM10K=$(field "$m" median_wall_s); SIM10K_RSS=$(( $(field "$m" median_rss_kb) / 1024 ))
note "== palisade simulate, 10,000 flows: ${SIM10K}s, ${SIM10K_RSS} MB"
NCA_LINE="NCA: skipped"
if [ "$NCA" = 1 ] && [ -x "$NCA_BIN" ]; then
    note "== nca --connectivity (takes minutes)"
    m=$("${MEASURE[@]}" --reps 1 --timeout 1800 --ok 0,1,2,3,4,5,6,7,8 --stderr "$LOG/nca.stderr" -- \
        sh -c "cd '$W' && '$NCA_BIN' --connectivity world/policies.yaml --pod_list world/pods.yaml --ns_list world/namespaces.yaml --output_format txt_no_fw_rules --file_out nca.txt")
    NCA_S=$(field "$m" median_wall_s); NCA_RSS=$(( $(field "$m" median_rss_kb) / 1024 ))
    cmp=$(python3 bench/nca-verdicts.py "$W/flows.jsonl" "$W/palisade.json" "$W/nca.txt")
    ratio=$(python3 -c "print(f'{$NCA_S / $SIM10K:.0f}')")
    NCA_LINE="NCA: ${NCA_S}s, ${NCA_RSS} MB → palisade ${ratio}× faster; verdicts: $(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(f\"{d['agree']} of {d['flows']} agree ({d['skipped_to_itself']} flows to the pod itself not in NCA's map)\")" "$cmp")"
    note "== $NCA_LINE"
elif [ "$NCA" = 1 ]; then
    NCA_LINE="NCA: not installed ($NCA_BIN)"
fi

# --- 2. scale --------------------------------------------------------------------------------
S="$OUT/netpol-1m"
gen "$S" --namespaces 20 --pods 250 --policies 2000 --flows 1000000 --workloads
G="$OUT/netpol-1m-graph"
gen "$G" --namespaces 20 --pods 250 --policies 2000 --flows 1000000 --workloads --peers 8
run() { # run NAME OK ARGS…
    local name=$1 ok=$2; shift 2
    local m
    if ! m=$("${MEASURE[@]}" --reps "$REPS" --timeout "$RUN_TIMEOUT" --ok "$ok" --stderr "$LOG/netpol-$name.stderr" -- "$BIN" "$@"); then
        echo "failed or over ${RUN_TIMEOUT}s (see ${LOG#"$ROOT"/}/netpol-$name.stderr)"
        return
    fi
    echo "$(field "$m" median_wall_s)s, $(( $(field "$m" median_rss_kb) / 1024 )) MB"
}
SIM=$(run simulate-1m 0,1 netpol simulate --format json --flows "$S/flows.jsonl" "$S/world")
note "== simulate 1,000,000 flows × 2,000 policies: $SIM"
COV=$(run coverage 0,1 netpol coverage --format json "$S/world")
note "== coverage 5,000 workloads × 2,000 policies: $COV"
SUG=$(run suggest-graph 0 netpol suggest --flows "$G/flows.jsonl" "$G/world")
SUG_SIZE=$("$BIN" netpol suggest --flows "$G/flows.jsonl" "$G/world" 2>/dev/null | wc -c)
note "== suggest from 1,000,000 records of a service graph: $SUG ($(( SUG_SIZE / 1000000 )) MB of YAML)"
WORST=$(run suggest-distinct 0 netpol suggest --flows "$S/flows.jsonl" "$S/world")
WORST_SIZE=$("$BIN" netpol suggest --flows "$S/flows.jsonl" "$S/world" 2>/dev/null | wc -c)
note "== suggest from 1,000,000 distinct connections: $WORST ($(( WORST_SIZE / 1000000 )) MB of YAML)"

cat <<TABLE
| measure | target | measured |
|---|---|---|
| simulate 10,000 flows (20 ns × 50 pods, 200 policies) | ≥ 100× NCA | ${SIM10K}s, ${SIM10K_RSS} MB; ${NCA_LINE} |
| simulate 1,000,000 flows × 2,000 policies | < 5 s | ${SIM} |
| coverage 5,000 workloads × 2,000 policies | < 1 s | ${COV} |
| suggest from 1,000,000 records of a service graph (~40,000 connections) | < 5 s, < 200 MB | ${SUG}; $(( SUG_SIZE / 1000000 )) MB of YAML |
| suggest from 1,000,000 records, nearly all distinct connections (worst case) | — | ${WORST}; $(( WORST_SIZE / 1000000 )) MB of YAML |
TABLE
