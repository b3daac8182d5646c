#!/usr/bin/env bash
# End-to-end test of report.html in a real browser.
#
# Installs Debian's chromium and python3 if needed, builds polis, makes a
# small run, sweep and comparison, writes report.html for each with
# `polis report`, opens each page offline in headless Chromium (a fresh
# profile, no network services) and takes a screenshot 1280 x 4000 pixels
# (a comparison's table of differences alone fills about the first 2,000).
# scripts/check-screenshot.py (python3, standard library only) then checks
# that each page rendered: not blank, many colours, and the charts' line
# colours present. Prints PASS and exits 0, or says what failed and exits 1.
#
# Run as root on a Debian machine: bash scripts/test-report.sh
# Takes a few minutes the first time (packages, build), under a minute after.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { echo "test-report: $*"; }
fail() {
    echo "test-report: FAIL: $*" >&2
    exit 1
}

started=$(date +%s)

# --- packages -------------------------------------------------------------
python=/usr/bin/python3
if ! command -v chromium >/dev/null || [[ ! -x "$python" ]]; then
    [[ "$(id -u)" -eq 0 ]] || fail "chromium or python3 is missing; run me as root to install them"
    say "installing chromium and python3"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium python3 >/dev/null
fi
say "$(chromium --version 2>/dev/null || echo 'chromium ?'), $($python --version)"

# --- build and outputs ------------------------------------------------------
cargo build --release --quiet
polis="$PWD/target/release/polis"
work="$(mktemp -d /tmp/polis-report.XXXXXX)"
profile="$(mktemp -d /tmp/polis-chromium.XXXXXX)"
cleanup() {
    rm -rf "$work" "$profile"
}
trap cleanup EXIT

say "a run, a sweep and a comparison (small)"
"$polis" run scenarios/imp-ilp-mei.toml --set simulation.residents=5000 --steps 36 \
    --out "$work/run" --quiet
cat >"$work/base.toml" <<'EOF'
[simulation]
residents = 3000
months = 24

[[events]]
month = 12
note = "transit faster"
set = { "city.speed_kmh" = 24.0 }
EOF
cat >"$work/sweep.toml" <<'EOF'
base = "base.toml"
replicates = 3
seed = 1

[parameters]
"city.speed_kmh" = [12.0, 30.0]
EOF
"$polis" sweep "$work/sweep.toml" --out "$work/sweep" --quiet
cat >"$work/cheaper.toml" <<'EOF'
extends = "base.toml"

[entrepreneurship]
startup_cost_months = 4.0
EOF
"$polis" compare "$work/base.toml" "$work/cheaper.toml" --replicates 3 \
    --out "$work/compare" --quiet

# --- pages and screenshots ----------------------------------------------------
# name, folder, line colours the page must show (1 for a run, 2 for two lines)
for spec in "run:1" "sweep:2" "compare:2"; do
    name="${spec%%:*}"
    colours="${spec##*:}"
    dir="$work/$name"
    "$polis" report "$dir" --quiet
    [[ -s "$dir/report.html" ]] || fail "$name: report.html is missing or empty"
    shot="$work/$name.png"
    # The page must open offline: nothing but the file itself is loaded.
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile/$name" --screenshot="$shot" --window-size=1280,4000 \
        "file://$dir/report.html" >"$work/$name.chromium.log" 2>&1 || {
        cat "$work/$name.chromium.log" >&2
        fail "$name: chromium could not take a screenshot"
    }
    [[ -s "$shot" ]] || {
        cat "$work/$name.chromium.log" >&2
        fail "$name: no screenshot written"
    }
    "$python" scripts/check-screenshot.py "$shot" "$colours" ||
        fail "$name: report.html did not render its charts (see above)"
done

say "PASS ($(($(date +%s) - started)) s)"
