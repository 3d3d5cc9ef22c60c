#!/usr/bin/env bash
# One big machine, no scheduler: run a polsim job as PARTS parts, JOBS at a
# time (xargs -P), then merge them into the outputs of one run.
#
#   scripts/run-parts.sh scenarios/examples/coin-flips.toml 1000000 16 [FLAGS...]
#
# FLAGS (the same for every part): --seed 42, --set NAME=VALUE, --given 'EXPR'.
# Environment: COMMAND (run, compare, sensitivity or sweep; default run),
# JOBS (parts at once; default: the number of cores), WORK (default
# output/parts-job), POLSIM (default polsim). For compare, SCENARIO names
# the scenarios separated by spaces, in quotes:
#
#   COMMAND=compare scripts/run-parts.sh "base.toml variant.toml" 1000000 16
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 SCENARIO RUNS PARTS [FLAGS...]" >&2
  exit 2
fi
read -ra scenarios <<<"$1"
runs=$2 parts=$3
shift 3
work=${WORK:-output/parts-job}
polsim=${POLSIM:-polsim}
jobs=${JOBS:-$(nproc)}
mkdir -p "$work/parts"
# Each part runs on one thread; JOBS of them keep the cores busy.
seq 1 "$parts" | xargs -P "$jobs" -I K \
  "$polsim" "${COMMAND:-run}" "${scenarios[@]}" --runs "$runs" "$@" --shard "K/$parts" --threads 1 \
  --out "$work/parts" --quiet
"$polsim" merge "$work"/parts/part-*.polsim --out "$work/results"
