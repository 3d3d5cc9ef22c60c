//! The charts of `polsim compare`: each scenario's chances side by side, the
//! paired differences against the first scenario, and overlays of every
//! number outcome's distribution and every shared event.
//!
//! What reads well changes with the number of scenarios, so the layout does
//! too. With a few scenarios, chances are grouped bars told apart by colour;
//! beyond [`GROUPED_MAX_SCENARIOS`] colours would repeat and a legend would
//! have to be decoded bar by bar, so each outcome gets its own chart with the
//! scenarios named on their rows. Differences are forest plots: rows that
//! share a unit share an axis (every chance, in percentage points; number
//! outcomes with the same unit), one row per scenario under a heading per
//! outcome, paged so that no chart holds more than [`MAX_FOREST_ROWS`] rows.

use crate::analysis::compare::{Comparison, Difference};
use crate::scenario::ChartSelection;
use crate::summary::Summary;

use super::build::{legend_item, with_unit};
use super::figure::*;
use super::overlay::{
    View, compare_subtitle, distribution_overlay, event_overlay, grouped_probabilities,
    probability_by_scenario,
};
use super::style::{INK, MUTED, series_color};
use super::{Chart, Skip, stem, unique_names};

/// Up to this many scenarios, chances are grouped bars in scenario colours.
pub const GROUPED_MAX_SCENARIOS: usize = 5;
/// Bars on one grouped chart, at most; more outcomes go on further pages.
pub const MAX_GROUPED_BARS: usize = 24;
/// Rows (headings included) on one forest plot, at most.
pub const MAX_FOREST_ROWS: usize = 24;

/// The scenarios' names as charts show them: the scenario names, with the
/// file name added where two scenarios share a name, and a number if even
/// that does not tell them apart.
pub fn scenario_labels(summaries: &[Summary]) -> Vec<String> {
    let names: Vec<String> = summaries.iter().map(|s| s.name.clone()).collect();
    let mut labels: Vec<String> = summaries
        .iter()
        .map(|s| {
            if names.iter().filter(|n| **n == s.name).count() > 1 {
                let file = std::path::Path::new(&s.provenance.scenario_file)
                    .file_stem()
                    .map_or(String::new(), |f| f.to_string_lossy().into_owned());
                format!("{} ({file})", s.name)
            } else {
                s.name.clone()
            }
        })
        .collect();
    for i in 0..labels.len() {
        if labels[..i].contains(&labels[i]) {
            labels[i] = format!("{} #{}", labels[i], i + 1);
        }
    }
    labels
}

/// Every chart of a comparison, in report order; `select` is the first
/// scenario's `[charts]` selection.
pub fn for_comparison(c: &Comparison, select: &ChartSelection) -> Vec<Result<Chart, Skip>> {
    let labels = scenario_labels(&c.summaries);
    let runs: Vec<(&str, &Summary)> = labels
        .iter()
        .map(String::as_str)
        .zip(&c.summaries)
        .collect();
    let Some(first) = c.summaries.first() else {
        return vec![Err(Skip::new(
            "compare",
            "Comparison",
            "there are no scenarios to compare",
        ))];
    };
    let mut out = probabilities(&runs, select);
    out.extend(differences(c, &labels, select));
    for o in first
        .outcomes
        .iter()
        .filter(|o| o.kind == "number" && select.outcome(&o.name))
    {
        out.push(distribution_overlay(&runs, &o.name, View::Exceedance));
    }
    for e in first.events.iter().filter(|e| select.event(&e.name)) {
        let shared = c
            .summaries
            .iter()
            .all(|s| s.events.iter().any(|x| x.name == e.name));
        if shared {
            out.push(event_overlay(&runs, &e.name));
        }
    }
    unique_names(&mut out);
    out
}

/// The chances of every selected probability outcome of the first scenario.
fn probabilities(runs: &[(&str, &Summary)], select: &ChartSelection) -> Vec<Result<Chart, Skip>> {
    let Some((_, first)) = runs.first() else {
        return Vec::new();
    };
    let rows: Vec<(String, String)> = first
        .outcomes
        .iter()
        .filter(|o| o.kind == "probability" && select.outcome(&o.name))
        .map(|o| (o.name.clone(), o.label.clone()))
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    if runs.len() > GROUPED_MAX_SCENARIOS {
        return rows
            .iter()
            .map(|(name, _)| probability_by_scenario(runs, name))
            .collect();
    }
    let per_page = (MAX_GROUPED_BARS / runs.len().max(1)).max(1);
    let pages: Vec<&[(String, String)]> = rows.chunks(per_page).collect();
    let count = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(p, page)| {
            let (name, title) = if count == 1 {
                (
                    "compare-probabilities".to_string(),
                    "Chance of each outcome, by scenario".to_string(),
                )
            } else {
                (
                    if p == 0 {
                        "compare-probabilities".to_string()
                    } else {
                        format!("compare-probabilities-{}", p + 1)
                    },
                    format!(
                        "Chance of each outcome, by scenario{}",
                        outcome_range(p * per_page, page.len(), rows.len())
                    ),
                )
            };
            grouped_probabilities(runs, page, name, &title)
        })
        .collect()
}

/// Which of `total` outcomes a chart holding `len` of them, from the
/// `first` (counting from 0), shows: "" when it holds them all, else
/// " (outcome 7 of 18)" or " (outcomes 4\u{2013}6 of 18)".
fn outcome_range(first: usize, len: usize, total: usize) -> String {
    match len {
        _ if len >= total => String::new(),
        1 => format!(" (outcome {} of {total})", first + 1),
        _ => format!(
            " (outcomes {}\u{2013}{} of {total})",
            first + 1,
            first + len
        ),
    }
}

/// Which differences can share an axis: every chance (in percentage
/// points), or number outcomes with the same non-empty unit.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Family {
    Chances,
    Unit(String),
    /// A number outcome without a unit: alone on its axis.
    Alone(String),
}

/// One outcome (or one category of it) and its differences, one row per
/// scenario compared with the first.
struct Block {
    family: Family,
    /// File-name part for the chart that starts with this block.
    key: String,
    label: String,
    unit: String,
    rows: Vec<(usize, Option<Interval>)>,
}

fn blocks(c: &Comparison, select: &ChartSelection) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for d in c.differences.iter().filter(|d| select.outcome(&d.outcome)) {
        let (label, key) = match &d.category {
            Some(cat) => (
                format!("{}: {cat}", d.label),
                format!("{}-{cat}", d.outcome),
            ),
            None => (d.label.clone(), d.outcome.clone()),
        };
        let row = (d.scenario, difference_interval(d));
        if let Some(b) = out.iter_mut().find(|b| b.key == key) {
            b.rows.push(row);
            continue;
        }
        let unit = unit_of(c, &d.outcome);
        let family = match (d.kind, unit.is_empty()) {
            ("number", true) => Family::Alone(d.outcome.clone()),
            ("number", false) => Family::Unit(unit.clone()),
            _ => Family::Chances,
        };
        out.push(Block {
            family,
            key,
            label,
            unit,
            rows: vec![row],
        });
    }
    out
}

fn unit_of(c: &Comparison, outcome: &str) -> String {
    c.summaries
        .first()
        .and_then(|s| s.outcomes.iter().find(|o| o.name == outcome))
        .map_or(String::new(), |o| o.unit.clone())
}

/// A difference as plotted: chances in percentage points.
fn difference_interval(d: &Difference) -> Option<Interval> {
    let k = if d.kind == "number" { 1.0 } else { 100.0 };
    d.diff.is_finite().then_some(Interval {
        value: d.diff * k,
        lo: d.lo * k,
        hi: d.hi * k,
    })
}

/// Forest plots of the paired differences, grouped by family and paged.
fn differences(
    c: &Comparison,
    labels: &[String],
    select: &ChartSelection,
) -> Vec<Result<Chart, Skip>> {
    let reference = labels.first().map_or("the first scenario", String::as_str);
    let all = blocks(c, select);
    if all.is_empty() {
        return if c.summaries.len() > 1 {
            vec![Err(Skip::new(
                "differences",
                "Differences from the first scenario",
                "no outcome is shared by every scenario",
            ))]
        } else {
            Vec::new()
        };
    }
    let compared = c.summaries.len().saturating_sub(1);
    // With one scenario compared, each outcome is one row and needs no heading.
    let headed = compared > 1;
    let rows_of = |b: &Block| b.rows.len() + usize::from(headed);
    let mut families: Vec<Family> = Vec::new();
    for b in &all {
        if !families.contains(&b.family) {
            families.push(b.family.clone());
        }
    }
    let runs: Vec<(&str, &Summary)> = labels
        .iter()
        .map(String::as_str)
        .zip(&c.summaries)
        .collect();
    let mut out = Vec::new();
    for family in families {
        let members: Vec<&Block> = all.iter().filter(|b| b.family == family).collect();
        let mut pages: Vec<Vec<&Block>> = vec![Vec::new()];
        let mut used = 0;
        for b in members {
            let n = rows_of(b);
            if used + n > MAX_FOREST_ROWS
                && let Some(last) = pages.last()
                && !last.is_empty()
            {
                pages.push(Vec::new());
                used = 0;
            }
            if let Some(last) = pages.last_mut() {
                last.push(b);
            }
            used += n;
        }
        let outcomes: usize = pages.iter().map(Vec::len).sum();
        let mut first = 0;
        for page in pages {
            // A chart of one outcome names it in its title; a chart of some
            // of the family's outcomes says which of them it holds.
            let page_note = if page.len() == 1 {
                String::new()
            } else {
                outcome_range(first, page.len(), outcomes)
            };
            first += page.len();
            out.push(Ok(forest_chart(
                &page,
                &family,
                (labels, reference, headed),
                &page_note,
                &runs,
            )));
        }
    }
    out
}

/// Decimals that tell the ends of the narrowest interval apart: one chart
/// writes all its numbers alike, neither "0.008891" beside "6.9" nor
/// intervals that read "0.01 to 0.01".
fn decimals_for(values: impl Iterator<Item = Interval>) -> usize {
    let narrowest = values
        .map(|v| (v.hi - v.lo) / 2.0)
        .filter(|w| w.is_finite() && *w > 0.0)
        .fold(f64::INFINITY, f64::min);
    if narrowest.is_finite() {
        (-narrowest.log10()).ceil().clamp(0.0, 6.0) as usize
    } else {
        2
    }
}

/// One forest plot of `page`'s blocks.
fn forest_chart(
    page: &[&Block],
    family: &Family,
    (labels, reference, headed): (&[String], &str, bool),
    page_note: &str,
    runs: &[(&str, &Summary)],
) -> Chart {
    let chances = *family == Family::Chances;
    let scale = Scale::Fixed {
        decimals: if chances {
            1
        } else {
            decimals_for(page.iter().flat_map(|b| b.rows.iter().filter_map(|r| r.1)))
        },
        signed: true,
    };
    // A chart of one outcome names it in its title: no heading row needed.
    let headings = headed && page.len() > 1;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for b in page {
        if headings {
            rows.push(ForestRow {
                label: b.label.clone(),
                heading: true,
                value: None,
                color: INK,
            });
            notes.push(String::new());
        }
        for &(s, value) in &b.rows {
            rows.push(ForestRow {
                label: if headed {
                    labels.get(s).cloned().unwrap_or_default()
                } else {
                    b.label.clone()
                },
                heading: false,
                value,
                color: series_color(s),
            });
            notes.push(value.map_or(String::new(), |v| {
                format!(
                    "{} ({} to {})",
                    scale.text(v.value),
                    scale.text(v.lo),
                    scale.text(v.hi)
                )
            }));
        }
    }
    let first = page.first();
    let key = first.map_or("", |b| b.key.as_str());
    let (title, x_title) = match (page.len(), family) {
        (1, _) => (
            format!(
                "{}: difference from {reference}",
                first.map_or("", |b| b.label.as_str())
            ),
            if chances {
                format!("Difference from {reference} (percentage points)")
            } else {
                with_unit(
                    &format!("Difference from {reference}"),
                    first.map_or("", |b| b.unit.as_str()),
                )
            },
        ),
        (_, Family::Chances) => (
            format!("Chances: difference from {reference}"),
            format!("Difference from {reference} (percentage points)"),
        ),
        (_, _) => {
            let unit = first.map_or("", |b| b.unit.as_str());
            (
                format!("Outcomes in {unit}: difference from {reference}"),
                with_unit(&format!("Difference from {reference}"), unit),
            )
        }
    };
    let units = if chances {
        " Chances are compared in percentage points: a change from 40% to 45% is +5."
    } else {
        ""
    };
    let rows_are = match (headed, headings) {
        (true, true) => "one row per scenario under each outcome",
        (true, false) => "one row per scenario",
        _ => "one row per outcome",
    };
    let caption = format!(
        "Paired differences from {reference}, {rows_are}: each dot is the average, run by run, of the outcome in that scenario minus the outcome in {reference}, and its whisker is the 95% interval of that average. Right of the vertical line the outcome is higher than in {reference}, left of it lower. A filled dot's interval excludes zero, so the difference is more than simulation noise; a hollow dot's interval includes zero. The numbers on the right repeat each difference and its interval.{units} The scenarios share their random numbers run by run, so luck common to both cancels and these intervals are much narrower than those of the estimates themselves."
    );
    Chart {
        name: stem("differences", key),
        title: format!("{title}{page_note}"),
        caption,
        figure: Figure {
            title: format!("{title}{page_note}"),
            subtitle: compare_subtitle(runs),
            legend: vec![
                legend_item(
                    "interval excludes zero: a real difference",
                    Swatch::Dot(MUTED, true),
                ),
                legend_item(
                    "interval includes zero: could be noise",
                    Swatch::Dot(MUTED, false),
                ),
                legend_item("95% interval", Swatch::Line(MUTED, Dash::Solid)),
            ],
            plot: Plot::Forest(ForestPlot {
                x_title,
                rows,
                reference: 0.0,
                scale,
                notes: RowNotes {
                    heading: "difference (95% interval)".into(),
                    rows: notes,
                },
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(value: f64, half: f64) -> Interval {
        Interval {
            value,
            lo: value - half,
            hi: value + half,
        }
    }

    #[test]
    fn decimals_follow_the_narrowest_interval() {
        assert_eq!(decimals_for([iv(6.9, 0.2), iv(1.6, 0.22)].into_iter()), 1);
        assert_eq!(
            decimals_for([iv(-0.0084, 0.0012), iv(0.1, 0.003)].into_iter()),
            3
        );
        assert_eq!(decimals_for([iv(120.0, 30.0)].into_iter()), 0);
        assert_eq!(decimals_for([iv(0.0, 0.0)].into_iter()), 2);
    }

    #[test]
    fn duplicate_scenario_names_are_told_apart() {
        let summary = |name: &str, file: &str| Summary {
            provenance: crate::summary::Provenance {
                polsim_version: String::new(),
                scenario: name.into(),
                scenario_file: file.into(),
                scenario_sha256: String::new(),
                seed: 1,
                runs: 1,
                steps: 1,
                step_unit: "month".into(),
                start: None,
                given: None,
                kept_runs: 1,
                overrides: Vec::new(),
                sampling: None,
                precision: None,
            },
            name: name.into(),
            description: String::new(),
            outcomes: Vec::new(),
            parameters: Vec::new(),
            series: Vec::new(),
            events: Vec::new(),
            sketch_relative_error: 0.005,
        };
        let labels = scenario_labels(&[
            summary("a", "x/a.toml"),
            summary("b", "x/one.toml"),
            summary("b", "y/two.toml"),
            summary("b", "z/two.toml"),
        ]);
        assert_eq!(labels, ["a", "b (one)", "b (two)", "b (two) #4"]);
    }
}
