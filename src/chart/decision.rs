//! Charts of the decision view of `compare`: each scenario's regret and
//! satisficing share, and over a sweep which scenario wins where.

use super::build::legend_item;
use super::figure::{
    BarPlot, BarSeries, Curve, CurvePlot, Dash, Figure, Interval, Plot, Scale, Steps, Swatch, XAxis,
};
use super::style::{INK, MAIN, series_color};
use super::{Chart, Skip};
use crate::analysis::decision::{Better, Decision};
use crate::format;

/// Every chart of the decision view, in report order.
pub fn for_decision(d: &Decision) -> Vec<Result<Chart, Skip>> {
    let mut out = Vec::new();
    if !d.outcome.is_empty() {
        out.push(Ok(regret(d)));
    }
    if d.satisfice.is_some() {
        out.push(Ok(satisficing(d)));
    }
    if d.sweep.is_some() {
        out.push(Ok(wins_where(d, true)));
        out.push(Ok(wins_where(d, false)));
    }
    out
}

fn subtitle(d: &Decision) -> String {
    format!(
        "{} scenarios · {} runs each, the same draws run by run · seed {}",
        d.scores.variants.len(),
        format::count(d.runs),
        d.seed
    )
}

fn way(d: &Decision) -> &'static str {
    match d.better {
        Better::Higher => "higher",
        Better::Lower => "lower",
    }
}

fn regret(d: &Decision) -> Chart {
    let title = format!("Regret on {} ({} is better)", d.label, way(d));
    let rows = d
        .scores
        .variants
        .iter()
        .map(|v| v.scenario.clone())
        .collect();
    let values = d
        .scores
        .variants
        .iter()
        .map(|v| {
            Some(Interval {
                value: v.mean_regret,
                lo: v.regret_lo,
                hi: v.regret_hi,
            })
        })
        .collect();
    Chart {
        name: "decision-regret".into(),
        title: title.clone(),
        caption: format!(
            "In every run all scenarios face the same draws, so each run is one possible world. In each, the scenario with the {} value of `{}` sets the mark, and every scenario's regret is how far it falls short of that mark in that run. Each bar is a scenario's average regret over the runs, with its 95% interval; zero would mean it was the best choice in every world. The 90th-percentile and largest regrets, and the share of runs each scenario is best in, are in the table.",
            way(d),
            d.outcome
        ),
        figure: Figure {
            title,
            subtitle: subtitle(d),
            legend: vec![
                legend_item("mean regret", Swatch::Patch(MAIN, 1.0)),
                legend_item("95% interval", Swatch::Line(INK, Dash::Solid)),
            ],
            plot: Plot::Bars(BarPlot {
                x_title: "Mean shortfall against the best scenario in the same run".into(),
                rows,
                series: vec![BarSeries {
                    color: MAIN,
                    negative: None,
                    values,
                }],
                scale: Scale::Number,
            }),
        },
    }
}

fn satisficing(d: &Decision) -> Chart {
    let condition = d.satisfice.clone().unwrap_or_default();
    let title = format!("How often each scenario meets `{condition}`");
    let rows = d
        .scores
        .variants
        .iter()
        .map(|v| v.scenario.clone())
        .collect();
    let values = d
        .scores
        .variants
        .iter()
        .map(|v| {
            v.satisficing.map(|(share, lo, hi)| Interval {
                value: share,
                lo,
                hi,
            })
        })
        .collect();
    Chart {
        name: "decision-satisficing".into(),
        title: title.clone(),
        caption: format!(
            "The share of runs in which each scenario meets `{condition}` (satisficing: good enough, rather than best), with its 95% Wilson interval. A robust option meets the condition in most possible worlds."
        ),
        figure: Figure {
            title,
            subtitle: subtitle(d),
            legend: vec![
                legend_item("share of runs meeting it", Swatch::Patch(MAIN, 1.0)),
                legend_item("95% interval", Swatch::Line(INK, Dash::Solid)),
            ],
            plot: Plot::Bars(BarPlot {
                x_title: "Runs meeting the condition (%)".into(),
                rows,
                series: vec![BarSeries {
                    color: MAIN,
                    negative: None,
                    values,
                }],
                scale: Scale::Percent,
            }),
        },
    }
}

/// Over the sweep: each scenario's share of runs in which it is best
/// (`wins`), or its mean regret.
fn wins_where(d: &Decision, wins: bool) -> Chart {
    let Some(sweep) = &d.sweep else {
        unreachable!("wins_where is drawn only for a sweep")
    };
    let mut curves = Vec::new();
    let mut legend = Vec::new();
    for (i, v) in d.scores.variants.iter().enumerate() {
        let color = series_color(i);
        let dash = Dash::for_series(i);
        curves.push(Curve {
            color,
            points: sweep
                .points
                .iter()
                .map(|p| {
                    let s = &p.scores.variants[i];
                    (p.value, if wins { s.best_share } else { s.mean_regret })
                })
                .collect(),
            bands: Vec::new(),
            steps: Steps::None,
            dash,
            dot_radius: if sweep.points.len() <= 30 { 4.0 } else { 0.0 },
        });
        legend.push(legend_item(&v.scenario, Swatch::Line(color, dash)));
    }
    let (name, title, y_title, caption) = if wins {
        (
            "decision-wins-where",
            format!("Which scenario wins where, as {} varies", sweep.parameter),
            "Runs in which the scenario is best (%)".to_string(),
            format!(
                "At each value of {}, fixed in every scenario, the share of runs in which each scenario gives the {} `{}` of all (ties count for each, so shares can add up to more than 100%). Where one line is on top, that scenario is most often the best choice; where lines cross, the best choice changes.",
                sweep.parameter,
                if d.better == Better::Higher {
                    "highest"
                } else {
                    "lowest"
                },
                d.outcome
            ),
        )
    } else {
        (
            "decision-regret-sweep",
            format!("Mean regret as {} varies", sweep.parameter),
            "Mean shortfall against the best scenario in the same run".to_string(),
            format!(
                "At each value of {}, fixed in every scenario, each scenario's mean regret on `{}`: its average shortfall against the best scenario in the same run. The lowest line is the scenario with the least regret there; a scenario whose line stays low across the range is a robust choice.",
                sweep.parameter, d.outcome
            ),
        )
    };
    Chart {
        name: name.into(),
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(d),
            legend,
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Value {
                    title: sweep.parameter.clone(),
                    integer: false,
                },
                y_title,
                y_percent: wins,
                curves,
                guides: Vec::new(),
            }),
        },
    }
}
