//! Charts of scenario discovery (`polsim discover`): the peeling trajectory
//! a box is chosen from, and the chosen box's limits on each parameter.

use super::build::legend_item;
use super::figure::{
    Curve, CurvePlot, Dash, Figure, ForestPlot, ForestRow, Guide, Interval, Plot, RowNotes, Scale,
    Steps, Swatch, XAxis,
};
use super::style::{ACCENT, INK, MAIN, MUTED};
use super::{Chart, Skip, stem};
use crate::analysis::prim::{Discovery, FoundBox};
use crate::format;

/// The charts of every box found: its trajectory and its limits.
pub fn for_discovery(d: &Discovery, condition: &str, scenario: &str) -> Vec<Result<Chart, Skip>> {
    let mut out = Vec::new();
    for (k, b) in d.boxes.iter().enumerate() {
        out.push(Ok(trajectory(d, k, b, condition, scenario)));
        out.push(limits(d, k, b, condition, scenario));
    }
    out
}

fn subtitle(d: &Discovery, scenario: &str) -> String {
    format!(
        "{scenario} · {} runs, {} where the condition holds ({})",
        format::count(d.runs),
        format::count(d.cases),
        format::percent(d.cases as f64 / d.runs as f64)
    )
}

fn box_word(d: &Discovery, k: usize) -> String {
    if d.boxes.len() == 1 {
        "the box".into()
    } else {
        format!("box {}", k + 1)
    }
}

/// Coverage against density along the peeling trajectory, the chosen box
/// marked.
fn trajectory(d: &Discovery, k: usize, b: &FoundBox, condition: &str, scenario: &str) -> Chart {
    let points: Vec<(f64, f64)> = b
        .trajectory
        .iter()
        .map(|s| (s.coverage, s.density))
        .collect();
    let chosen = b.box_step();
    let base = b.cases_left as f64 / b.runs_left.max(1) as f64;
    let title = format!(
        "Peeling trajectory of {}: where `{condition}`",
        box_word(d, k)
    );
    let caption = format!(
        "Each dot is one box on PRIM's way from every run (right) to the densest box it found (left): across, the share of the runs where `{condition}` holds that fall inside the box (coverage); up, the share of the box's runs where it holds (density). Peeling trades coverage for density; pasting, at the end, widens the last box where that costs no density. The large dot is the box chosen ({} restricted parameters, coverage {}, density {}); the dashed line is the density over all runs considered ({}). Choose another box with --step N (the steps are numbered in discover-trajectory.csv).",
        chosen.restricted,
        format::percent(chosen.coverage),
        format::percent(chosen.density),
        format::percent(base)
    );
    Chart {
        name: stem("discover-trajectory", &format!("box{}", k + 1)),
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(d, scenario),
            legend: vec![
                legend_item("box on the trajectory", Swatch::Dot(MAIN, true)),
                legend_item("box chosen", Swatch::Dot(ACCENT, true)),
                // The value goes in the legend: a label on the line would
                // sit where the trajectory ends, on the same density.
                legend_item(
                    &format!("density over all runs ({})", format::percent(base)),
                    Swatch::Line(MUTED, Dash::Short),
                ),
            ],
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Percent {
                    title: "Coverage: share of the runs of interest inside the box (%)".into(),
                },
                y_title: "Density: share of the box's runs that are of interest (%)".into(),
                y_percent: true,
                curves: vec![
                    Curve {
                        color: MAIN,
                        points,
                        bands: Vec::new(),
                        steps: Steps::None,
                        dash: Dash::Solid,
                        dot_radius: 4.0,
                    },
                    Curve {
                        color: ACCENT,
                        points: vec![(chosen.coverage, chosen.density)],
                        bands: Vec::new(),
                        steps: Steps::None,
                        dash: Dash::Solid,
                        dot_radius: 10.0,
                    },
                ],
                guides: vec![Guide {
                    horizontal: true,
                    value: base,
                    label: String::new(),
                    color: MUTED,
                    dash: Dash::Short,
                }],
            }),
        },
    }
}

/// The chosen box's range on each restricted parameter, as a share of the
/// range the parameter's values spanned.
fn limits(
    d: &Discovery,
    k: usize,
    b: &FoundBox,
    condition: &str,
    scenario: &str,
) -> Result<Chart, Skip> {
    let name = stem("discover-limits", &format!("box{}", k + 1));
    let title = format!("Limits of {}: where `{condition}`", box_word(d, k));
    if b.restrictions.is_empty() {
        return Err(Skip::new(
            &name,
            &title,
            "the chosen box restricts no parameter (it holds every run)",
        ));
    }
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for r in &b.restrictions {
        let p = &d.parameters[r.parameter];
        let scale = |v: f64| (v - p.min) / (p.max - p.min);
        rows.push(ForestRow {
            label: p.label.clone(),
            heading: false,
            value: Some(Interval {
                value: scale(r.median_of_cases),
                lo: scale(r.low),
                hi: scale(r.high),
            }),
            color: MAIN,
        });
        notes.push(format!(
            "{} to {}",
            if r.cuts_low {
                format::number(r.low)
            } else {
                "lowest".into()
            },
            if r.cuts_high {
                format::number(r.high)
            } else {
                "highest".into()
            }
        ));
    }
    let step = b.box_step();
    let caption = format!(
        "Each line spans the chosen box's range on one parameter, drawn as a share of the range that parameter's values covered across the runs (0% its lowest value drawn, 100% its highest); the dot is the median value among the box's runs where `{condition}` holds. Parameters not listed are left free. The box holds {} of the runs ({}), {} of the runs of interest (coverage), and the condition holds in {} of its runs (density). Parameters are listed by how much each restriction matters: the first is the one whose removal would dilute the box most. The numbers on the right are the limits in the parameter's own units.",
        format::count(step.runs),
        format::percent(step.mass),
        format::percent(step.coverage),
        format::percent(step.density),
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(d, scenario),
            legend: vec![
                legend_item("range of the box", Swatch::Line(MAIN, Dash::Solid)),
                legend_item("median of the runs of interest", Swatch::Dot(MAIN, true)),
                legend_item("lowest value drawn", Swatch::Line(INK, Dash::Solid)),
            ],
            plot: Plot::Forest(ForestPlot {
                x_title: "Position within the values drawn (0% lowest, 100% highest)".into(),
                rows,
                // Just left of the lowest value drawn, so that a box
                // reaching it still gets a filled dot (a forest plot draws
                // hollow a dot whose interval touches its reference).
                reference: -1e-12,
                scale: Scale::Percent,
                notes: RowNotes {
                    heading: "box limits".into(),
                    rows: notes,
                },
            }),
        },
    })
}
