#!/usr/bin/env bash
# Instruction count of one month of a small city, for a benchmark gate that
# does not depend on the machine's load.
#
# Runs `polis bench-step` twice under valgrind's callgrind, single-threaded:
# set-up only (--steps 0), then set-up and one month (--steps 1), both with
# RESIDENTS residents of scenarios/baseline.toml, and prints the difference of
# their totals (Ir): the instructions of the month alone.
#
#   bench/instructions.sh           print the count and the baseline's
#   bench/instructions.sh --check   exit 1 if the count grew by more than
#                                   MAX_GROWTH (default 0.02, 2%) over
#                                   bench/instructions-baseline.txt
#   bench/instructions.sh --update  write the count into the baseline file
#
# The count depends on the binary (compiler, profile, code) and the inputs,
# not on load; update the baseline after a change of toolchain.
# Environment: POLIS_BIN (a built polis, else `cargo build --release` is run),
# RESIDENTS (default 10000), MAX_GROWTH (default 0.02).
set -euo pipefail

cd "$(dirname "$0")/.."
baseline_file=bench/instructions-baseline.txt
residents="${RESIDENTS:-10000}"
max_growth="${MAX_GROWTH:-0.02}"
mode="${1:-}"
case "$mode" in
"" | --check | --update) ;;
*)
    echo "usage: bench/instructions.sh [--check | --update]" >&2
    exit 2
    ;;
esac

if ! command -v valgrind >/dev/null; then
    echo "error: valgrind is not installed (apt-get install valgrind)" >&2
    exit 2
fi
if [[ -z "${POLIS_BIN:-}" ]]; then
    cargo build --release --quiet
    POLIS_BIN=target/release/polis
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Total instructions (Ir) of `polis bench-step --steps $1`.
count() {
    local out="$tmp/callgrind.$1"
    if ! valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$POLIS_BIN" bench-step --residents "$residents" --steps "$1" --threads 1 \
        >"$tmp/log.$1" 2>&1; then
        cat "$tmp/log.$1" >&2
        echo "error: polis bench-step --steps $1 failed under valgrind" >&2
        exit 1
    fi
    awk '/^(summary|totals):/ { print $2; exit }' "$out"
}

setup=$(count 0)
total=$(count 1)
month=$((total - setup))
echo "instructions: $month (one month of $residents residents after set-up, 1 thread; set-up: $setup)"

base=""
if [[ -f "$baseline_file" ]]; then
    base=$(awk '/^instructions[[:space:]]*=/ { print $3; exit }' "$baseline_file")
fi

if [[ "$mode" == "--update" ]]; then
    cat >"$baseline_file" <<TEXT
# Instructions (callgrind Ir) of one month of a $residents-resident city
# (scenarios/baseline.toml) after set-up, on 1 thread: the total of
# \`polis bench-step --steps 1\` minus that of \`--steps 0\`.
# Written by \`bench/instructions.sh --update\`; checked by
# \`bench/instructions.sh --check\` (fails above +$(awk -v g="$max_growth" 'BEGIN { printf "%g", 100 * g }')%).
# The count depends on the binary (compiler, build profile, code) and the
# inputs, not on the machine's load.
# $(rustc --version 2>/dev/null || echo "rustc unknown"), $(valgrind --version), $(uname -m)
# set-up alone: $setup
instructions = $month
TEXT
    echo "wrote $baseline_file"
    exit 0
fi

if [[ -z "$base" ]]; then
    echo "no baseline in $baseline_file (write one with bench/instructions.sh --update)"
    [[ "$mode" == "--check" ]] && exit 1
    exit 0
fi

change=$(awk -v m="$month" -v b="$base" 'BEGIN { printf "%+.2f", 100 * (m - b) / b }')
echo "baseline:     $base ($change%)"
if [[ "$mode" == "--check" ]]; then
    if awk -v m="$month" -v b="$base" -v g="$max_growth" 'BEGIN { exit !(m > b * (1 + g)) }'; then
        echo "error: one month takes $change% more instructions than the baseline (bound: +$(awk -v g="$max_growth" 'BEGIN { printf "%g", 100 * g }')%)" >&2
        exit 1
    fi
    echo "ok: within +$(awk -v g="$max_growth" 'BEGIN { printf "%g", 100 * g }')% of the baseline"
fi
