#!/usr/bin/env bash
# Speed and memory of `palisade lint` on generated corpora of 1,000, 10,000 and 100,000 objects,
# and of Checkov on the 1,000-object corpus when `checkov` is installed.
#
#   bench/lint-bench.sh                       # sizes 1000 10000 100000, 3 runs each, median
#   SIZES="1000 10000" REPS=5 bench/lint-bench.sh
#   CHECKOV=0 bench/lint-bench.sh             # skip Checkov even if installed
#   SKIP_BUILD=1 bench/lint-bench.sh          # use target/dist/palisade as it is
#   PALISADE_BIN=/tmp/palisade bench/lint-bench.sh   # measure that binary (no build)
#
# Everything it writes stays under bench/out/ (git-ignored): corpora, logs, the results table.
# Every command runs under a time limit, so the script always ends by itself.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
SIZES=${SIZES:-"1000 10000 100000"}
REPS=${REPS:-3}
CHECKOV_REPS=${CHECKOV_REPS:-3}
CHECKOV=${CHECKOV:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}          # seconds per run; a size that exceeds it ends the palisade runs
BUILD_TIMEOUT=${BUILD_TIMEOUT:-2400}     # seconds for cargo build --profile dist
SKIP_BUILD=${SKIP_BUILD:-0}
PALISADE_BIN=${PALISADE_BIN:-}
BIN="$OUT/bin/palisade"   # a copy, so that a concurrent build cannot swap it mid-run
MEASURE=(python3 "$ROOT/bench/measure.py")

mkdir -p "$OUT/logs" "$OUT/bin"
LOG="$OUT/logs"
RESULTS="$OUT/results.md"

note() { printf '%s\n' "$*" >&2; }
# As in a container: no backtrace capture (RUST_BACKTRACE makes every error value capture one).
unset RUST_BACKTRACE RUST_LIB_BACKTRACE

# --- the machine -------------------------------------------------------------------------------
note "== machine: $(nproc) cores, $(uname -sr)"
note "== load: $(uptime)"
if busy=$(pgrep -a -x 'cargo|rustc' 2>/dev/null) && [ -n "$busy" ]; then
    note "== WARNING: compilers are running; figures will be noisy:"
    note "$(cut -c1-150 <<< "$busy")"
fi

# --- corpora (regenerated only when the generator or the size changed) -------------------------
gen_hash=$(sha256sum bench/gen-corpus.py | cut -c1-16)
for n in $SIZES; do
    dir="$OUT/corpus-$n"
    stamp="$dir/.stamp"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$gen_hash $n" ]; then
        note "== corpus $n: up to date ($dir)"
        continue
    fi
    note "== corpus $n: generating in $dir"
    rm -rf -- "$dir"
    timeout 1200 python3 bench/gen-corpus.py --objects "$n" --out "$dir"
    echo "$gen_hash $n" > "$stamp"
done

# --- build ---------------------------------------------------------------------------------------
SOURCE_BIN="$ROOT/target/dist/palisade"
if [ -n "$PALISADE_BIN" ]; then
    SOURCE_BIN=$PALISADE_BIN
    note "== PALISADE_BIN: measuring $SOURCE_BIN (no build)"
elif [ "$SKIP_BUILD" = 1 ]; then
    note "== SKIP_BUILD=1: using target/dist/palisade as built"
else
    note "== cargo build --profile dist"
    timeout "$BUILD_TIMEOUT" cargo build --profile dist --quiet
fi
cp -p -- "$SOURCE_BIN" "$BIN"
note "== binary: $SOURCE_BIN built $(date -r "$BIN" '+%F %T'); checkout $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' with uncommitted changes'); copied to ${BIN#"$ROOT"/}"

field() { # field JSON KEY → value of a top-level number field
    python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

# --- palisade ----------------------------------------------------------------------------------
# Run from bench/out so that no .palisade.yaml of the working directory changes what is linted.
cd "$OUT"
# Exit codes: 0 clean, 1 findings. Exit 2 (input error) is accepted only when every error is a
# rule that failed to evaluate (the corpus itself is valid); those are counted and reported.
declare -A WALL RSS FILES ERRS
TIMED_OUT=""
for n in $SIZES; do
    if [ -n "$TIMED_OUT" ]; then
        note "== palisade corpus $n: skipped (corpus $TIMED_OUT exceeded ${RUN_TIMEOUT}s)"
        continue
    fi
    dir="$OUT/corpus-$n"
    FILES[$n]=$(find "$dir" -name '*.yaml' | wc -l)
    # One untimed run: warms the page cache and checks that every object was linted.
    json="$OUT/lint-$n.json"
    err="$LOG/palisade-$n.warmup.stderr"
    rc=0
    timeout "$RUN_TIMEOUT" "$BIN" lint --format json "$dir" > "$json" 2> "$err" || rc=$?
    if [ "$rc" -eq 124 ]; then
        note "== palisade corpus $n: exceeded ${RUN_TIMEOUT}s; larger corpora skipped"
        TIMED_OUT=$n
        rm -f -- "$json"
        continue
    fi
    ERRS[$n]=$(grep -c '^palisade: error:' "$err" || true)
    other=$(grep '^palisade: error:' "$err" | grep -vc 'evaluation failed' || true)
    if [ "$rc" -gt 2 ] || { [ "$rc" -eq 2 ] && { [ "${ERRS[$n]}" -eq 0 ] || [ "$other" -ne 0 ]; }; }; then
        note "palisade lint failed on corpus $n (exit $rc); see $err"
        exit 1
    fi
    if [ "${ERRS[$n]}" -ne 0 ]; then
        note "== WARNING: corpus $n: ${ERRS[$n]} objects failed to evaluate (exit 2); first:"
        note "$(grep -m1 '^palisade: error:' "$err" | cut -c1-300)"
    fi
    summary=$(tail -c 4096 "$json" | python3 -c '
import re, sys
t = sys.stdin.read()
s = t[t.rfind("\"summary\""):]
get = lambda k: (re.search("\"%s\"\\s*:\\s*(\\d+)" % k, s) or [None, "?"])[1]
print(get("files"), get("objects"), get("findings"))')
    rm -f -- "$json"
    read -r s_files s_objects s_findings <<< "$summary"
    note "== palisade corpus $n: summary files=$s_files objects=$s_objects findings=$s_findings"
    if [ "$s_objects" != "$n" ]; then
        note "palisade reported $s_objects objects for corpus $n"
        exit 1
    fi
    note "== palisade corpus $n: $REPS timed runs"
    ok=0,1
    [ "${ERRS[$n]}" -ne 0 ] && ok=0,1,2
    if ! m=$("${MEASURE[@]}" --reps "$REPS" --timeout "$RUN_TIMEOUT" --ok "$ok" --stderr "$LOG/palisade-$n.stderr" \
        -- "$BIN" lint --format json "$dir"); then
        note "== palisade corpus $n: a timed run failed or exceeded ${RUN_TIMEOUT}s; larger corpora skipped"
        TIMED_OUT=$n
        continue
    fi
    note "   $m"
    WALL[$n]=$(field "$m" median_wall_s)
    RSS[$n]=$(field "$m" median_rss_kb)
done

# --- checkov -----------------------------------------------------------------------------------
first=${SIZES%% *}
CK_WALL=""
CK_RSS=""
CK_NOTE=""
if [ "$CHECKOV" != 1 ]; then
    CK_NOTE="Checkov skipped (CHECKOV=$CHECKOV)."
elif ! command -v checkov > /dev/null; then
    CK_NOTE="Checkov not installed (pip install checkov); skipped."
elif [ "$first" != 1000 ]; then
    CK_NOTE="Checkov runs only on the 1,000-object corpus; SIZES does not include it first."
else
    ck_version=$(timeout 120 checkov --version 2>/dev/null || echo unknown)
    note "== checkov $ck_version on corpus 1000: $CHECKOV_REPS timed runs"
    m=$("${MEASURE[@]}" --reps "$CHECKOV_REPS" --timeout "$RUN_TIMEOUT" --ok 0,1 --stderr "$LOG/checkov-1000.stderr" \
        -- checkov -d "$OUT/corpus-1000" --framework kubernetes --quiet --compact -o json --skip-download) || {
        CK_NOTE="Checkov failed or timed out; see $LOG/checkov-1000.stderr."
        m=""
    }
    if [ -n "$m" ]; then
        note "   $m"
        CK_WALL=$(field "$m" median_wall_s)
        CK_RSS=$(field "$m" median_rss_kb)
        CK_NOTE="Checkov $ck_version, \`checkov -d bench/out/corpus-1000 --framework kubernetes --quiet --compact -o json --skip-download\`."
    fi
fi

# --- table ---------------------------------------------------------------------------------------
{
    echo "| objects | files | wall s (median of $REPS) | peak RSS MB | objects/s | objects failing to evaluate |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for n in $SIZES; do
        if [ -z "${WALL[$n]:-}" ]; then
            echo "| $n | ${FILES[$n]:-} | > $RUN_TIMEOUT (not finished) | | | |"
            continue
        fi
        python3 -c '
import sys
n, files, wall, rss, errs = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
print(f"| {n:,} | {files} | {wall:.3f} | {rss / 1024:.1f} | {n / wall:,.0f} | {errs} |")' \
            "$n" "${FILES[$n]}" "${WALL[$n]}" "${RSS[$n]}" "${ERRS[$n]}"
    done
    echo
    if [ -n "$CK_WALL" ] && [ -n "${WALL[1000]:-}" ]; then
        python3 -c '
import sys
ckw, ckr, pw, pr = (float(x) for x in sys.argv[1:5])
print(f"| 1,000 objects | wall s | peak RSS MB |")
print(f"|---|---:|---:|")
print(f"| palisade | {pw:.3f} | {pr / 1024:.1f} |")
print(f"| Checkov (median of {sys.argv[5]}) | {ckw:.3f} | {ckr / 1024:.1f} |")
print(f"| Checkov / palisade | {ckw / pw:.1f}x | {ckr / pr:.1f}x |")' "$CK_WALL" "$CK_RSS" "${WALL[1000]}" "${RSS[1000]}" "$CHECKOV_REPS"
        echo
    fi
    echo "$CK_NOTE"
} | tee "$RESULTS"
note "== table written to ${RESULTS#"$ROOT"/}"
