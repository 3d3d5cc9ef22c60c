#!/usr/bin/env bash
# Fuzz the scenario loader and checker (fuzz/fuzz_targets/load_check.rs).
#
#   scripts/fuzz.sh [SECONDS] [JOBS]     default: 600 seconds, 1 job
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# The corpus is seeded from tests/bad/ and scenarios/ on every start and
# kept in fuzz/corpus/load_check (not committed); a crash is saved under
# fuzz/artifacts/load_check/ and reproduced with
#   cargo +nightly fuzz run load_check fuzz/artifacts/load_check/crash-...
# Record the hours, executions and findings in docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
jobs="${2:-1}"
corpus=fuzz/corpus/load_check
mkdir -p "$corpus"
find tests/bad scenarios -name '*.toml' -exec cp {} "$corpus/" \;
parallel=()
if [ "$jobs" -gt 1 ]; then
    parallel=(-jobs="$jobs" -workers="$jobs")
fi
exec cargo +nightly fuzz run load_check "$corpus" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "${parallel[@]}"
