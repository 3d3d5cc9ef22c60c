#!/usr/bin/env bash
# Regenerate docs/gallery/*.png: one picture of every chart type polsim draws,
# for docs/gallery.md, each made by the command a user would type.
#
#   scripts/gallery.sh
#
# - charts of one run: `polsim run` on scenarios/examples/coin-flips.toml (plus
#   a variant that adds a category outcome and a count event);
# - comparisons: `polsim compare` on the deterrence example and its two
#   variants, on three Palmyra scenarios (the chances of several outcomes),
#   and on all ten Palmyra scenarios for the many-scenario layouts;
# - sweeps: `polsim sweep` of the deterrence example over one and two
#   parameters;
# - sensitivity: `polsim sensitivity` of the Palmyra baseline (rank, swing:
#   seventy parameters, the top fifteen drawn) and of the deterrence example
#   (Sobol).
#
# Same seeds, same pictures.
set -euo pipefail

cd "$(dirname "$0")/.."
root="$(pwd)"
gallery="$root/docs/gallery"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
polsim="${CARGO_TARGET_DIR:-$root/target}/release/polsim"
png=(--format png --quiet)
examples=scenarios/examples

# ---- one run

"$polsim" run "$examples/coin-flips.toml" --runs 20000 "${png[@]}" --out "$work/coin"

cat >"$work/coin-moods.toml" <<EOF
# coin-flips with one more outcome and a count event, to show a category
# chart and the chart of a count event.
extends = "$root/$examples/coin-flips.toml"

[outcomes.how_it_went]
expr = "if(ever(breakthrough), 0, if(count(incident) > 5, 2, 1))"
kind = "category"
categories = ["breakthrough", "no breakthrough, calm", "no breakthrough, troubled"]
label = "How the two years went"

# A count event: protests, 1.5 a month on average (Poisson).
[events.protest]
rate = "1.5"
label = "Protests"

[charts]
outcomes = ["how_it_went"]
variables = []
events = ["protest"]
EOF
"$polsim" run "$work/coin-moods.toml" --root "$root" --runs 20000 "${png[@]}" --out "$work/moods"

# ---- comparisons

"$polsim" compare "$examples/deterrence.toml" "$examples/deterrence-credible.toml" \
  "$examples/deterrence-provocation.toml" --runs 20000 "${png[@]}" --out "$work/compare"
"$polsim" compare palmyra/baseline palmyra/second_attack palmyra/vetting_now \
  --runs 5000 "${png[@]}" --out "$work/compare-three"
"$polsim" compare scenarios/palmyra --runs 5000 "${png[@]}" --out "$work/compare-many"

# ---- sweeps

"$polsim" sweep "$examples/deterrence.toml" --param threat=0..1:11 \
  --outcome incursion_by_12 --threshold 0.05 --runs 20000 "${png[@]}" --out "$work/sweep"
"$polsim" sweep "$examples/deterrence.toml" --param base_risk=0.02..0.12:6 \
  --param threat=0..1:6 --outcome incursion_by_12 --threshold 0.05 --runs 20000 \
  "${png[@]}" --out "$work/heatmap"

# ---- sensitivity

"$polsim" sensitivity palmyra/baseline --method swing --outcome repeal_within_12 \
  --runs 5000 "${png[@]}" --out "$work/swing"
"$polsim" sensitivity palmyra/baseline --method rank --outcome repeal_within_12 \
  --runs 10000 "${png[@]}" --out "$work/rank"
"$polsim" sensitivity "$examples/deterrence.toml" --method sobol --outcome incursion_by_12 \
  --runs 20000 "${png[@]}" --out "$work/sobol"

mkdir -p "$gallery"
rm -f "$gallery"/*.png
copy() { cp "$work/$1" "$gallery/$2"; echo "docs/gallery/$2"; }
copy coin/charts/histogram-incidents.png histogram.png
copy coin/charts/histogram-breakthrough_month.png histogram-some-runs.png
copy coin/charts/exceedance-incidents.png exceedance.png
copy coin/charts/probabilities.png probabilities.png
copy moods/charts/categories-how_it_went.png categories.png
copy coin/charts/fan-incidents_so_far.png fan.png
copy coin/charts/event-breakthrough.png event.png
copy moods/charts/event-protest.png event-count.png
copy compare-three/charts/compare-probabilities.png compare-probabilities.png
copy compare/charts/differences-peak_tension.png compare-differences.png
copy compare/charts/compare-exceedance-incidents.png compare-exceedance.png
copy compare/charts/compare-event-incursion.png compare-event.png
copy compare-many/charts/compare-probability-repeal_within_12.png compare-probability-many.png
copy compare-many/charts/differences-repeal_within_6.png compare-differences-many.png
copy sweep/charts/sweep-incursion_by_12.png sweep.png
copy heatmap/charts/heatmap-incursion_by_12.png heatmap.png
copy swing/charts/swing-repeal_within_12.png tornado.png
copy rank/charts/rank-repeal_within_12.png rank.png
copy sobol/charts/sobol-incursion_by_12.png sobol.png
