#!/usr/bin/env bash
# Regenerate docs/gallery/*.png: one picture of every chart type polsim draws,
# from the bundled scenarios, for docs/gallery.md.
#
#   scripts/gallery.sh
#
# Charts of one run come from `polsim run` on scenarios/examples/coin-flips.toml
# (plus a variant that adds a category outcome). Comparison and tornado charts
# have no command of their own yet, so the ignored test `charts::gallery_images`
# draws them through the library (the tornado from scenarios/palmyra/baseline.toml
# when that model is present). Same seeds, same pictures.
set -euo pipefail

cd "$(dirname "$0")/.."
root="$(pwd)"
gallery="$root/docs/gallery"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
polsim="$root/target/release/polsim"

"$polsim" run scenarios/examples/coin-flips.toml --runs 20000 --format png --quiet --out "$work/coin"

cat >"$work/coin-moods.toml" <<EOF
# coin-flips with one more outcome, to show a category chart.
extends = "$root/scenarios/examples/coin-flips.toml"

[outcomes.how_it_went]
expr = "if(ever(breakthrough), 0, if(count(incident) > 5, 2, 1))"
kind = "category"
categories = ["breakthrough", "no breakthrough, calm", "no breakthrough, troubled"]
label = "How the two years went"

[charts]
outcomes = ["how_it_went"]
variables = []
events = []
EOF
"$polsim" run "$work/coin-moods.toml" --runs 20000 --format png --quiet --out "$work/moods"

POLSIM_GALLERY_DIR="$work/compare" \
  cargo test --release --quiet --test it charts::gallery_images -- --ignored --exact >/dev/null

mkdir -p "$gallery"
rm -f "$gallery"/*.png
copy() { cp "$1" "$gallery/$2"; echo "docs/gallery/$2"; }
copy "$work/coin/charts/histogram-incidents.png" histogram.png
copy "$work/coin/charts/exceedance-incidents.png" exceedance.png
copy "$work/coin/charts/probabilities.png" probabilities.png
copy "$work/moods/charts/categories-how_it_went.png" categories.png
copy "$work/coin/charts/fan-incidents_so_far.png" fan.png
copy "$work/coin/charts/event-breakthrough.png" event.png
copy "$work/compare/compare-exceedance-incidents.png" compare-exceedance.png
copy "$work/compare/compare-event-breakthrough.png" compare-event.png
copy "$work/compare/compare-probabilities.png" compare-probabilities.png
tornado=("$work"/compare/tornado-*.png)
copy "${tornado[0]}" tornado.png
