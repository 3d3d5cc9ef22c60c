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
#   (Sobol);
# - an array's elements (the regional-conflict example), calibration (the
#   armed-group example), scenario discovery and the decision view (Palmyra,
#   and the deterrence example over a sweep);
# - the causal map's focused view (`polsim graph --focus`), its SVG drawn to
#   PNG by headless Chromium, the first page of the map's panels by question
#   (graph.html) as Chromium prints it, and the first two pages of the Palmyra report
#   as Chromium prints it, rendered by pdftoppm (poppler-utils). Where
#   Chromium or pdftoppm is missing, those pictures are skipped with a note.
#
# Charts are drawn at 900x600 and, where pngquant is installed, reduced to a
# 256-colour palette (the charts use a few colours; the files shrink by about
# two thirds), so the gallery stays small.
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
png=(--format png --size 900x600 --quiet)
export SOURCE_DATE_EPOCH=1795824000
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

# A yes/no state: still waiting for the breakthrough.
[state.waiting]
init = 1
update = "if(breakthrough, 0, waiting)"
label = "Still waiting for the breakthrough"

[charts]
outcomes = ["how_it_went"]
variables = ["waiting"]
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

"$polsim" sensitivity palmyra/baseline --method swing --outcome sanctions_return_by_dec_2027 \
  --runs 5000 "${png[@]}" --out "$work/swing"
"$polsim" sensitivity palmyra/baseline --method rank --outcome sanctions_return_by_dec_2027 \
  --runs 10000 "${png[@]}" --out "$work/rank"
"$polsim" sensitivity "$examples/deterrence.toml" --method sobol --outcome incursion_by_12 \
  --runs 20000 "${png[@]}" --out "$work/sobol"

# ---- arrays, calibration, discovery, decisions

"$polsim" run "$examples/regional-conflict.toml" --runs 5000 "${png[@]}" --out "$work/regions"
"$polsim" calibrate "$examples/armed-group.toml" --data "$examples/armed-group-observed.csv" \
  "${png[@]}" --out "$work/calibrate"
"$polsim" discover palmyra/baseline --where 'sanctions_return_by_dec_2027' --runs 5000 \
  "${png[@]}" --out "$work/discover"
"$polsim" compare palmyra/baseline palmyra/vetting_now palmyra/vetting_late \
  --decide trust_end --better higher --satisfice 'sanctions_return_by_dec_2027 == 0' \
  --runs 5000 "${png[@]}" --out "$work/decide"
"$polsim" compare "$examples/deterrence.toml" "$examples/deterrence-credible.toml" \
  "$examples/deterrence-provocation.toml" --decide peak_tension --better lower \
  --decide-sweep base_risk=0.02..0.12:6 --runs 5000 "${png[@]}" --out "$work/decide-sweep"

# ---- the causal map and the printed report (Chromium, pdftoppm)

"$polsim" graph palmyra/baseline --focus coalition_trust --depth 1 --out "$work/graph" >/dev/null
"$polsim" graph palmyra/baseline --no-parameters --out "$work/panels" >/dev/null
"$polsim" run palmyra/baseline --runs 5000 "${png[@]}" --out "$work/palmyra"
browser=""
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then browser="$name"; break; fi
done
chrome() {
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --hide-scrollbars --user-data-dir="$work/profile" "$@" \
    >"$work/chromium.log" 2>&1 || true
}
if [ -n "$browser" ]; then
  # The map as a page of its own, so Chromium draws the SVG at its size.
  printf '<!doctype html><body style="margin:0;background:#fff"><img src="graph.svg" style="width:900px">' \
    >"$work/graph/map.html"
  chrome --screenshot="$work/graph/map.png" --window-size=900,640 "file://$work/graph/map.html"
  chrome --no-pdf-header-footer --print-to-pdf="$work/palmyra/report.pdf" \
    "file://$work/palmyra/report.html"
  chrome --no-pdf-header-footer --print-to-pdf="$work/panels/graph.pdf" \
    "file://$work/panels/graph.html"
else
  echo "note: chromium not installed: no picture of the causal map or of the printed report"
fi
if [ -s "$work/panels/graph.pdf" ] && command -v pdftoppm >/dev/null 2>&1; then
  # The causal map's first panel as printed, at 100 dpi so its labels can be judged.
  pdftoppm -png -r 100 -f 1 -l 1 -singlefile "$work/panels/graph.pdf" "$work/panels/printed-1"
fi
if [ -s "$work/palmyra/report.pdf" ]; then
  if command -v pdftoppm >/dev/null 2>&1; then
    pdftoppm -png -r 72 -f 1 -l 2 "$work/palmyra/report.pdf" "$work/palmyra/page"
    # pdftoppm pads the page number to the width of the last one: page-01.
    for page in "$work/palmyra"/page-*.png; do
      number="${page##*-}"
      mv "$page" "$work/palmyra/printed-$((10#${number%.png})).png"
    done
  else
    echo "note: pdftoppm not installed (apt-get install poppler-utils): no picture of the printed report"
  fi
fi

mkdir -p "$gallery"
rm -f "$gallery"/*.png
copy() {
  if [ ! -s "$work/$1" ]; then
    echo "note: $1 was not made; docs/gallery/$2 left out"
    return
  fi
  if command -v pngquant >/dev/null 2>&1; then
    pngquant --force --strip --speed 1 --output "$gallery/$2" 256 -- "$work/$1"
  else
    cp "$work/$1" "$gallery/$2"
  fi
  echo "docs/gallery/$2"
}
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
copy compare-many/charts/compare-probability-sanctions_return_by_dec_2027.png compare-probability-many.png
copy compare-many/charts/differences-sanctions_return_by_dec_2027.png compare-differences-many.png
copy sweep/charts/sweep-incursion_by_12.png sweep.png
copy heatmap/charts/heatmap-incursion_by_12.png heatmap.png
copy swing/charts/swing-sanctions_return_by_dec_2027.png tornado.png
copy rank/charts/rank-sanctions_return_by_dec_2027.png rank.png
copy sobol/charts/sobol-incursion_by_12.png sobol.png
copy moods/charts/chance-waiting.png chance.png
copy regions/charts/elements-violence.png elements.png
copy calibrate/charts/fit-members.png calibrate-fit.png
copy calibrate/charts/calibrated-recruitment.png calibrate-posterior.png
copy discover/charts/discover-trajectory-box1.png discover-trajectory.png
copy discover/charts/discover-limits-box1.png discover-limits.png
copy decide/charts/decision-regret.png decision-regret.png
copy decide/charts/decision-satisficing.png decision-satisficing.png
copy decide-sweep/charts/decision-wins-where.png decision-wins-where.png
copy graph/map.png map-focus.png
copy panels/printed-1.png map-panel-printed.png
copy palmyra/printed-1.png report-page-1.png
copy palmyra/printed-2.png report-page-2.png
