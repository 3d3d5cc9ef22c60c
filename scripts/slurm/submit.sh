#!/usr/bin/env bash
# Submit a polsim job (run, compare, sensitivity or sweep) as a Slurm job
# array of parts, and a merge job that starts when every part has
# succeeded. Run it from the folder the paths below are relative to (a
# shared file system the compute nodes also see).
#
#   scripts/slurm/submit.sh
#
# Edit these lines (or set the variables in the environment):
COMMAND=${COMMAND:-run}           # run, compare, sensitivity or sweep
SCENARIO=${SCENARIO:-scenarios/examples/coin-flips.toml} # scenario file or bundled name; compare: several, e.g. "base.toml variant.toml"
RUNS=${RUNS:-1000000}             # runs in all (sensitivity: per configuration; sobol: the base sample N; sweep: per grid point)
PARTS=${PARTS:-16}                # array tasks, one part each (at most one per 16,384 runs does work; sweep: per grid point)
FLAGS=${FLAGS:-"--seed 42"}       # the same for every part: --seed, --set NAME=VALUE, --given 'EXPR'; sensitivity: --method sobol; sweep: --param NAME=LO..HI:STEPS
WORK=${WORK:-output/slurm-job}    # parts go to $WORK/parts, the results to $WORK/results
POLSIM=${POLSIM:-polsim}          # the polsim binary, as the compute nodes see it
MERGE_FLAGS=${MERGE_FLAGS:-""}    # e.g. --no-charts, --format svg
SBATCH_FLAGS=${SBATCH_FLAGS:-""}  # e.g. --partition=short --account=myproject --time=01:00:00
# ---------------------------------------------------------------------------
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK/parts" "$WORK/logs"
export COMMAND SCENARIO RUNS PARTS FLAGS WORK POLSIM MERGE_FLAGS
# shellcheck disable=SC2086 # SBATCH_FLAGS is a list of flags
array=$(sbatch --parsable $SBATCH_FLAGS --export=ALL --array="1-$PARTS" \
  --output="$WORK/logs/part-%a.out" "$here/part.sbatch")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable $SBATCH_FLAGS --export=ALL --dependency="afterok:$array" \
  --output="$WORK/logs/merge.out" "$here/merge.sbatch")
merge=${merge%%;*}
echo "submitted parts as job array $array (1-$PARTS) and the merge as job $merge"
echo "results: $WORK/results (squeue -j $array,$merge shows progress)"
