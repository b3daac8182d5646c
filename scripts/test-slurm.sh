#!/usr/bin/env bash
# End-to-end test of polis sweeps on a real, one-node Slurm cluster.
#
# Installs Slurm and MUNGE from Debian's packages if needed, starts munged,
# slurmctld and slurmd on this machine with a minimal configuration of its
# own (in a temporary folder, named by SLURM_CONF; /etc/slurm is left as it
# is), and submits a small sweep as a job array with
# scripts/slurm/sweep.sbatch (sbatch --wait), then its merge as a dependent
# job with scripts/slurm/merge.sbatch. The merged tables must be byte-identical to
# those of the same sweep run here without Slurm (runs.csv without its
# wall_seconds column). Prints PASS and exits 0, or prints the differences
# (and the daemons' logs) and exits 1. The daemons it started are stopped at
# the end.
#
# Run as root on a Debian machine: bash scripts/test-slurm.sh
# Takes a few minutes the first time (packages, build), under a minute after.
set -euo pipefail

cd "$(dirname "$0")/.."
repo="$PWD"
export PATH="$HOME/.cargo/bin:/usr/sbin:/sbin:$PATH"

say() { echo "test-slurm: $*"; }
fail() {
    echo "test-slurm: FAIL: $*" >&2
    exit 1
}

[[ "$(id -u)" -eq 0 ]] || fail "run me as root (I install packages and start daemons)"
started=$(date +%s)

# --- packages -------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
say "$(slurmctld -V), munge $(dpkg-query -W -f='${Version}' munge 2>/dev/null || echo '?')"

# --- working folder and clean-up --------------------------------------------
work="$(mktemp -d /tmp/polis-slurm.XXXXXX)"
chmod 755 "$work"
pids_to_stop=()
cleanup() {
    local rc=$?
    set +e
    for pidfile in "${pids_to_stop[@]}"; do
        if [[ -s "$pidfile" ]]; then
            pid="$(cat "$pidfile")"
            kill "$pid" 2>/dev/null
            for _ in $(seq 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
        fi
    done
    if [[ $rc -ne 0 ]]; then
        for log in "$work"/slurmctld.log "$work"/slurmd.log "$work"/*.out; do
            [[ -f "$log" ]] || continue
            echo "--- last lines of $log ---" >&2
            tail -n 25 "$log" >&2
        done
    fi
    if [[ -n "${KEEP_SLURM_TEST:-}" ]]; then
        say "kept $work"
    else
        rm -rf "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT

# --- MUNGE ----------------------------------------------------------------
if [[ ! -s /etc/munge/munge.key ]]; then
    say "creating /etc/munge/munge.key"
    mkdir -p /etc/munge
    if [[ -x /usr/sbin/mungekey ]]; then
        /usr/sbin/mungekey --create --keyfile=/etc/munge/munge.key --force
    else
        dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
    fi
fi
chown munge:munge /etc/munge /etc/munge/munge.key
chmod 700 /etc/munge
chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 755 /run/munge
install -d -o munge -g munge -m 700 /var/log/munge /var/lib/munge
if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
    say "munged is already running"
else
    say "starting munged"
    runuser -u munge -- /usr/sbin/munged
    pids_to_stop+=(/run/munge/munged.pid)
    for _ in $(seq 50); do
        munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
        sleep 0.1
    done
    munge -n </dev/null | unmunge >/dev/null || fail "munged does not answer"
fi

# --- Slurm configuration and daemons -----------------------------------------
host="$(hostname -s)"
cpus="$(nproc)"
mem_total="$(free -m | awk '/^Mem:/ { print $2 }')"
mem=$((mem_total - mem_total / 10 - 256))
((mem >= 256)) || mem=256
mkdir -p "$work/etc" "$work/state" "$work/spool"
export SLURM_CONF="$work/etc/slurm.conf"
cat >"$SLURM_CONF" <<EOF
# A one-node cluster for testing polis; written by scripts/test-slurm.sh.
ClusterName=polis
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ReturnToService=2
MpiDefault=none
# No cgroups: plain process tracking, no task binding, no accounting.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Keep finished jobs known long enough for a dependency on them.
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

say "starting slurmctld and slurmd ($cpus CPUs, ${mem} MB)"
slurmctld -c -f "$SLURM_CONF"
pids_to_stop+=("$work/slurmctld.pid")
slurmd -f "$SLURM_CONF"
pids_to_stop+=("$work/slurmd.pid")

state=""
for _ in $(seq 120); do
    state="$(sinfo -h -N -n "$host" -o '%t' 2>/dev/null || true)"
    [[ "$state" == idle* ]] && break
    if [[ "$state" == down* || "$state" == drain* ]]; then
        scontrol update nodename="$host" state=resume 2>/dev/null || true
    fi
    sleep 0.5
done
[[ "$state" == idle* ]] || fail "the node is not idle after 60 s (state: '${state:-none}')"
say "node $host is idle"

# --- polis ------------------------------------------------------------------
if command -v cargo >/dev/null; then
    cargo build --release --quiet
fi
polis="$repo/target/release/polis"
[[ -x "$polis" ]] || fail "$polis is missing and cargo is not installed"

# A tiny sweep: 2 points x 2 replicates of a 1,500-resident, 4-month city.
cat >"$work/base.toml" <<'EOF'
[simulation]
residents = 1500
months = 4
EOF
cat >"$work/sweep.toml" <<'EOF'
base = "base.toml"
replicates = 2
seed = 7

[parameters]
"entrepreneurship.startup_cost_months" = [6.0, 12.0]
EOF

cd "$work"
say "submitting the sweep as a job array of 2 tasks and waiting for it"
if ! jobid="$(timeout 300 sbatch --wait --parsable --array=0-1 --cpus-per-task=1 \
    --mem-per-cpu=256M --time=00:10:00 --output="$work/sweep-%A_%a.out" \
    --export=ALL,SWEEP="$work/sweep.toml",OUT="$work/slurm",POLIS="$polis" \
    "$repo/scripts/slurm/sweep.sbatch")"; then
    fail "a task of the job array failed or did not finish in 300 s"
fi
jobid="${jobid%%;*}"
say "job array $jobid done; submitting the merge with --dependency=afterok:$jobid"
timeout 300 sbatch --wait --dependency="afterok:$jobid" --cpus-per-task=1 --mem=256M \
    --time=00:10:00 --output="$work/merge-%j.out" \
    --export=ALL,OUT="$work/slurm",POLIS="$polis" \
    "$repo/scripts/slurm/merge.sbatch" >/dev/null \
    || fail "the merge job failed or did not finish in 300 s"
for f in "$work"/sweep-*.out "$work"/merge-*.out; do
    sed "s|^|  $(basename "$f"): |" "$f"
done
grep -q "shard 0/2 done" "$work"/sweep-*_0.out || fail "task 0 did not run shard 0/2"
grep -q "shard 1/2 done" "$work"/sweep-*_1.out || fail "task 1 did not run shard 1/2"

say "running the same sweep without Slurm"
env -u SLURM_ARRAY_TASK_ID -u SLURM_ARRAY_TASK_COUNT -u SLURM_ARRAY_TASK_MIN \
    "$polis" sweep "$work/sweep.toml" --out "$work/local" --quiet

different=0
for f in timeseries.csv summary.csv datapackage.json; do
    if ! cmp -s "$work/slurm/$f" "$work/local/$f"; then
        echo "test-slurm: $f differs:" >&2
        diff "$work/slurm/$f" "$work/local/$f" | head -n 20 >&2 || true
        different=1
    fi
done
without_wall_seconds() { sed 's/,[^,]*$//' "$1"; }
if ! diff <(without_wall_seconds "$work/slurm/runs.csv") \
    <(without_wall_seconds "$work/local/runs.csv") >"$work/runs.diff"; then
    echo "test-slurm: runs.csv differs (wall_seconds aside):" >&2
    head -n 20 "$work/runs.diff" >&2
    different=1
fi
[[ $different -eq 0 ]] || fail "the Slurm sweep and the local sweep differ"
runs=$(($(wc -l <"$work/slurm/runs.csv") - 1))
say "$runs runs; timeseries.csv, summary.csv, datapackage.json and runs.csv match"
echo "PASS ($(($(date +%s) - started)) s)"
