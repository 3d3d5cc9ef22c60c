#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (munge, slurmctld, slurmd,
# all as root), submits a polsim run and a polsim compare, each as a job
# array of parts and a merge that depends on it, with
# scripts/slurm/submit.sh, and compares the merged outputs with a single
# run and a single compare byte for byte. Then stops what it started.
#
#   scripts/slurm/test-cluster.sh            (from a clone; run by .ci/run)
#
# Needs root; installs slurm-wlm and munge with apt-get when they are
# missing, and says so and skips (exit 0) where it cannot.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

skip() { echo "slurm test skipped: $*"; exit 0; }

[ "$(id -u)" = 0 ] || skip "it runs the Slurm daemons as root, and this is not root"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get"
  echo "installing slurm-wlm and munge"
  timeout 600 bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null' \
    || skip "slurm-wlm and munge could not be installed"
fi

POLSIM=${POLSIM:-$root/target/debug/polsim}
[ -x "$POLSIM" ] || cargo build --quiet
[ -x "$POLSIM" ] || { echo "no polsim binary at $POLSIM"; exit 1; }

dir=$(mktemp -d /tmp/polsim-slurm.XXXXXX)
chmod 755 "$dir"
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${keep:-0}" = 1 ]; then echo "kept $dir"; else rm -rf "$dir"; fi
}
trap stop EXIT

# munge: a fresh key and its own socket, so a system munged is left alone.
mkdir -p "$dir/munge" && chmod 700 "$dir/munge"
head -c 1024 /dev/urandom > "$dir/munge/key" && chmod 400 "$dir/munge/key"
munged --foreground --force --key-file="$dir/munge/key" --socket="$dir/munge/socket" \
  --pid-file="$dir/munge/pid" --seed-file="$dir/munge/seed" --log-file="$dir/munge/log" \
  2>>"$dir/munge/log" &
pids+=($!)

# A one-node cluster on this host, on ports of its own.
host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$dir/state" "$dir/spool" "$dir/log"
cat > "$dir/slurm.conf" <<EOF
ClusterName=polsim-test
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf
sleep 1
slurmctld -D -i -f "$SLURM_CONF" >"$dir/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$dir/log/slurmd.out" 2>&1 &
pids+=($!)

ready=0
for _ in $(seq 1 60); do
  if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then ready=1; break; fi
  sleep 1
done
if [ "$ready" != 1 ]; then
  tail -n 20 "$dir"/log/* "$dir/munge/log" || true
  echo "the one-node Slurm cluster did not come up"
  exit 1
fi
echo "one-node Slurm cluster up ($host, $cpus CPUs)"

# The jobs: coin-flips, 50,000 runs in 5 parts (4 blocks of 16,384 runs, so
# one part is empty), and two deterrence scenarios compared over 40,000
# runs in 2 parts; charts as SVG.
export SOURCE_DATE_EPOCH=1767225600
work=$dir/job
SCENARIO=$root/scenarios/examples/coin-flips.toml RUNS=50000 PARTS=5 FLAGS="--seed 7" \
  WORK=$work POLSIM=$POLSIM MERGE_FLAGS="--format svg --size 600x400" \
  scripts/slurm/submit.sh
examples=$root/scenarios/examples
compare_work=$dir/compare-job
COMMAND=compare SCENARIO="$examples/deterrence.toml $examples/deterrence-credible.toml" \
  RUNS=40000 PARTS=2 FLAGS="--seed 7" WORK=$compare_work POLSIM=$POLSIM \
  MERGE_FLAGS="--format svg --size 600x400" scripts/slurm/submit.sh
done_merge=0
for _ in $(seq 1 300); do
  if [ -z "$(squeue -h -o %i 2>/dev/null)" ]; then done_merge=1; break; fi
  sleep 1
done
if [ "$done_merge" != 1 ] || [ ! -f "$work/results/summary.json" ] \
  || [ ! -f "$compare_work/results/compare.json" ]; then
  squeue || true
  tail -n 20 "$work"/logs/* "$compare_work"/logs/* "$dir"/log/*.log || true
  echo "the Slurm jobs did not finish with results"
  exit 1
fi
ls "$work/parts"

"$POLSIM" run "$root/scenarios/examples/coin-flips.toml" --runs 50000 --seed 7 \
  --format svg --size 600x400 --out "$dir/single" --quiet
if ! diff -r "$dir/single" "$work/results" >/dev/null; then
  diff -rq "$dir/single" "$work/results" || true
  echo "FAIL: the merged Slurm job differs from the single run"
  exit 1
fi
echo "ok: the Slurm job array's merged outputs are the single run's, byte for byte ($(find "$work/results" -type f | wc -l) files)"
"$POLSIM" compare "$examples/deterrence.toml" "$examples/deterrence-credible.toml" \
  --runs 40000 --seed 7 --format svg --size 600x400 --out "$dir/single-compare" --quiet
if ! diff -r "$dir/single-compare" "$compare_work/results" >/dev/null; then
  diff -rq "$dir/single-compare" "$compare_work/results" || true
  echo "FAIL: the merged Slurm compare differs from the single compare"
  exit 1
fi
echo "ok: the merged Slurm compare is the single compare, byte for byte ($(find "$compare_work/results" -type f | wc -l) files)"
