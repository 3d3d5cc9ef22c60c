//! Several scenarios on one chart, for comparing policies side by side.
//!
//! Each function takes `(scenario label, &Summary)` pairs; scenario `i`
//! keeps colour `i` on every chart of a comparison, so a reader learns the
//! colours once. A scenario that lacks the outcome or event asked for is
//! left out and named in the caption rather than failing the whole chart.

use crate::format;
use std::collections::BTreeMap;

use crate::summary::{OutcomeSummary, Summary};

use plotters::style::RGBColor;

use super::build::{
    DOT_RADIUS, INTERVAL_NOTE, MAX_DOTS, cumulative_points, exceedance_points, interval,
    legend_item, with_unit,
};
use super::figure::*;
use super::style::{INK, series_color};
use super::{Chart, Skip, stem};

/// Scenarios up to which an event overlay draws each line's interval band.
pub const MAX_BANDED: usize = 3;

/// Which side of a distribution to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Chance of at least each value (reads "risk of k or worse").
    Exceedance,
    /// Chance of at most each value (the CDF).
    Cumulative,
}

/// "Compared: A, B · 10,000 runs each · seed 42"; with more than three
/// scenarios, "9 scenarios compared with A · ..." (A, the reference, not
/// counted: the rows of a differences chart are the nine).
pub fn compare_subtitle(runs: &[(&str, &Summary)]) -> String {
    let names: Vec<&str> = runs.iter().map(|r| r.0).collect();
    let counts: Vec<u64> = runs.iter().map(|r| r.1.provenance.runs).collect();
    let seeds: Vec<u64> = runs.iter().map(|r| r.1.provenance.seed).collect();
    let same = |v: &[u64]| v.windows(2).all(|w| w[0] == w[1]);
    let runs_text = match counts.first() {
        Some(n) if same(&counts) => format!("{} runs each", format::count(*n)),
        _ => format!(
            "{} runs",
            counts
                .iter()
                .map(|n| format::count(*n))
                .collect::<Vec<_>>()
                .join(" / ")
        ),
    };
    let seed_text = match seeds.first() {
        Some(s) if same(&seeds) => format!("seed {s}"),
        _ => format!(
            "seeds {}",
            seeds
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(" / ")
        ),
    };
    // Beyond a few names the list would be cut off; the legend or the rows
    // name every scenario anyway.
    let compared = match names.as_slice() {
        [first, rest @ ..] if rest.len() >= 3 => {
            format!("{} scenarios compared with {first}", rest.len())
        }
        _ => format!("Compared: {}", names.join(", ")),
    };
    // Overrides apply to every scenario compared; the first one's say which.
    let what_if = runs
        .first()
        .and_then(|r| r.1.provenance.what_if())
        .map_or(String::new(), |w| format!(" · {w}"));
    format!("{compared}{what_if} · {runs_text} · {seed_text}")
}

fn missing_note(missing: &[&str], what: &str) -> String {
    if missing.is_empty() {
        String::new()
    } else {
        format!(
            " Not shown, because they have no such {what}: {}.",
            missing.join(", ")
        )
    }
}

fn scenario_legend(
    runs: &[(&str, &Summary)],
    present: &[usize],
    swatch: fn(usize, RGBColor) -> Swatch,
) -> Vec<LegendItem> {
    present
        .iter()
        .map(|&i| legend_item(runs[i].0, swatch(i, series_color(i))))
        .collect()
}

/// Scenario `i`'s line: its colour and its dash pattern.
fn line_swatch(i: usize, color: RGBColor) -> Swatch {
    Swatch::Line(color, Dash::for_series(i))
}

/// Earlier scenarios get larger dots, so equal values show as rings.
fn dot_radius(i: usize, scenarios: usize) -> f64 {
    DOT_RADIUS + 2.0 * scenarios.saturating_sub(i + 1) as f64
}

/// The distribution of one number outcome in each scenario.
pub fn distribution_overlay(
    runs: &[(&str, &Summary)],
    outcome: &str,
    view: View,
) -> Result<Chart, Skip> {
    let name = stem(
        if view == View::Exceedance {
            "compare-exceedance"
        } else {
            "compare-cdf"
        },
        outcome,
    );
    let find = |s: &'_ Summary| -> Option<OutcomeSummary> {
        s.outcomes
            .iter()
            .find(|o| {
                o.name == outcome && o.distribution.as_ref().is_some_and(|d| !d.cdf.is_empty())
            })
            .cloned()
    };
    let found: Vec<(usize, OutcomeSummary)> = runs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| find(r.1).map(|o| (i, o)))
        .collect();
    let Some((_, first)) = found.first() else {
        let label = runs
            .iter()
            .find_map(|r| r.1.outcomes.iter().find(|o| o.name == outcome))
            .map_or(outcome, |o| o.label.as_str());
        return Err(Skip::new(
            &name,
            label,
            "no scenario has a value for this number outcome",
        ));
    };
    let integer = found
        .iter()
        .all(|(_, o)| o.distribution.as_ref().is_some_and(|d| d.integer));
    let curves = found
        .iter()
        .filter_map(|(i, o)| {
            let cdf = &o.distribution.as_ref()?.cdf;
            let (points, steps) = match view {
                View::Exceedance => (exceedance_points(cdf), Steps::Before),
                View::Cumulative => (
                    cdf.iter().copied().filter(|p| p.0.is_finite()).collect(),
                    Steps::After,
                ),
            };
            let dotted = integer && points.len() <= MAX_DOTS;
            Some(Curve {
                color: series_color(*i),
                dash: Dash::for_series(*i),
                dot_radius: if dotted {
                    dot_radius(*i, runs.len())
                } else {
                    0.0
                },
                steps: if integer { steps } else { Steps::None },
                points,
                bands: Vec::new(),
            })
        })
        .collect();
    let (phrase, y_title) = match view {
        View::Exceedance => ("at least", "Chance of at least this value (%)"),
        View::Cumulative => ("at most", "Chance of at most this value (%)"),
    };
    let title = format!("{}: chance of {phrase} each value", first.label);
    let present: Vec<usize> = found.iter().map(|f| f.0).collect();
    let missing: Vec<&str> = runs
        .iter()
        .enumerate()
        .filter(|(i, _)| !present.contains(i))
        .map(|(_, r)| r.0)
        .collect();
    let caption = format!(
        "{} in each scenario, one line per scenario. Find a value on the horizontal axis: each line's height there is that scenario's chance that the outcome is {phrase} that value. Counted over the runs in which it has a value.{}",
        first.label,
        missing_note(&missing, "outcome")
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: compare_subtitle(runs),
            legend: scenario_legend(runs, &present, line_swatch),
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Value {
                    title: with_unit(&first.label, &first.unit),
                    integer,
                },
                y_title: y_title.into(),
                y_percent: true,
                curves,
                guides: Vec::new(),
            }),
        },
    })
}

/// The chance an event has happened by each step, in each scenario.
pub fn event_overlay(runs: &[(&str, &Summary)], event: &str) -> Result<Chart, Skip> {
    let name = stem("compare-event", event);
    let found: Vec<_> = runs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.1.events
                .iter()
                .find(|e| e.name == event && !e.steps.is_empty())
                .map(|e| (i, r.1, e))
        })
        .collect();
    let Some((_, first_summary, first)) = found.first() else {
        return Err(Skip::new(&name, event, "no scenario has this event"));
    };
    let mut labels: BTreeMap<u32, String> = BTreeMap::new();
    labels.insert(
        0,
        first_summary
            .provenance
            .start
            .clone()
            .unwrap_or_else(|| "0".into()),
    );
    for (_, _, e) in &found {
        for s in &e.steps {
            labels.entry(s.step).or_insert_with(|| s.period.clone());
        }
    }
    // Bands of more than a few scenarios overlap into a muddle; then the
    // lines alone are drawn and the caption says so.
    let banded = found.len() <= MAX_BANDED;
    let curves = found
        .iter()
        .map(|(i, _, e)| {
            let (points, band) = cumulative_points(e);
            Curve {
                color: series_color(*i),
                points,
                bands: if banded {
                    vec![Band {
                        points: band,
                        opacity: 0.15,
                    }]
                } else {
                    Vec::new()
                },
                steps: Steps::None,
                dash: Dash::for_series(*i),
                dot_radius: 0.0,
            }
        })
        .collect();
    let unit = first_summary.provenance.step_unit.clone();
    let calendar = labels.get(&1).is_some_and(|l| l != "1");
    let x_title = if calendar {
        capitalized(&unit)
    } else {
        unit.clone()
    };
    let present: Vec<usize> = found.iter().map(|f| f.0).collect();
    let missing: Vec<&str> = runs
        .iter()
        .enumerate()
        .filter(|(i, _)| !present.contains(i))
        .map(|(_, r)| r.0)
        .collect();
    let title = format!("{}: chance it has happened by each {unit}", first.label);
    let bands = if banded {
        "the faint band around each line is its 95% interval (Monte Carlo error)"
    } else {
        "with this many scenarios the 95% interval bands are left out, so that the lines stay legible"
    };
    let caption = format!(
        "One line per scenario: its height at a {unit} is the chance that {} has happened at least once by then; {bands}.{}",
        first.label,
        missing_note(&missing, "event")
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: compare_subtitle(runs),
            legend: scenario_legend(runs, &present, line_swatch),
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Time {
                    title: x_title,
                    labels: labels.into_iter().collect(),
                },
                y_title: "Chance it has happened (%)".into(),
                y_percent: true,
                curves,
                guides: Vec::new(),
            }),
        },
    })
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Every probability outcome, one bar per scenario in each row.
pub fn probability_overlay(runs: &[(&str, &Summary)]) -> Result<Chart, Skip> {
    let mut rows: Vec<(String, String)> = Vec::new();
    for (_, s) in runs {
        for o in s.outcomes.iter().filter(|o| o.kind == "probability") {
            if !rows.iter().any(|r| r.0 == o.name) {
                rows.push((o.name.clone(), o.label.clone()));
            }
        }
    }
    grouped_probabilities(
        runs,
        &rows,
        "compare-probabilities".into(),
        "Chance of each outcome, by scenario",
    )
}

/// The probability outcomes `rows` (name, label), one bar per scenario in
/// each row, in the order of the legend.
pub fn grouped_probabilities(
    runs: &[(&str, &Summary)],
    rows: &[(String, String)],
    name: String,
    title: &str,
) -> Result<Chart, Skip> {
    if rows.is_empty() {
        return Err(Skip::new(
            &name,
            title,
            "no scenario has a probability outcome",
        ));
    }
    let series = runs
        .iter()
        .enumerate()
        .map(|(i, (_, s))| BarSeries {
            color: series_color(i),
            negative: None,
            values: rows
                .iter()
                .map(|(n, _)| {
                    let o = s.outcomes.iter().find(|o| o.name == *n)?;
                    o.probability.as_ref().and_then(interval)
                })
                .collect(),
        })
        .collect();
    let all: Vec<usize> = (0..runs.len()).collect();
    let mut legend = scenario_legend(runs, &all, |_, c| Swatch::Patch(c, 1.0));
    legend.push(legend_item("95% interval", Swatch::Line(INK, Dash::Solid)));
    Ok(Chart {
        name,
        title: title.to_string(),
        caption: format!(
            "Estimated chance of each yes/no outcome in each scenario, one bar per scenario, in the order of the legend. {INTERVAL_NOTE}"
        ),
        figure: Figure {
            title: title.to_string(),
            subtitle: compare_subtitle(runs),
            legend,
            plot: Plot::Bars(BarPlot {
                x_title: "Chance (%)".into(),
                rows: rows.iter().map(|r| r.1.clone()).collect(),
                series,
                scale: Scale::Percent,
            }),
        },
    })
}

/// One probability outcome across many scenarios: a row per scenario, its
/// name beside its bar, so no legend is needed however many there are.
pub fn probability_by_scenario(runs: &[(&str, &Summary)], outcome: &str) -> Result<Chart, Skip> {
    let name = stem("compare-probability", outcome);
    let found = |s: &Summary| {
        s.outcomes
            .iter()
            .find(|o| o.name == outcome && o.kind == "probability")
            .cloned()
    };
    let Some(first) = runs.iter().find_map(|r| found(r.1)) else {
        return Err(Skip::new(
            &name,
            outcome,
            "no scenario has this probability outcome",
        ));
    };
    let values: Vec<Option<Interval>> = runs
        .iter()
        .map(|r| found(r.1).and_then(|o| o.probability.as_ref().and_then(interval)))
        .collect();
    if values.iter().all(Option::is_none) {
        return Err(Skip::new(
            &name,
            &first.label,
            "no run was kept, so no chance can be estimated",
        ));
    }
    let title = format!("{}: chance in each scenario", first.label);
    Ok(Chart {
        name,
        title: title.clone(),
        caption: format!(
            "Estimated chance of this outcome in each scenario, one row per scenario, the first being the reference. {INTERVAL_NOTE}"
        ),
        figure: Figure {
            title,
            subtitle: compare_subtitle(runs),
            legend: vec![legend_item(
                "95% interval (Monte Carlo error only)",
                Swatch::Line(INK, Dash::Solid),
            )],
            plot: Plot::Bars(BarPlot {
                x_title: "Chance (%)".into(),
                rows: runs
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        if i == 0 {
                            format!("{} (reference)", r.0)
                        } else {
                            r.0.to_string()
                        }
                    })
                    .collect(),
                series: vec![BarSeries {
                    color: super::style::MAIN,
                    negative: None,
                    values,
                }],
                scale: Scale::Percent,
            }),
        },
    })
}
