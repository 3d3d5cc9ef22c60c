//! Charts of a calibration: each parameter's prior against its posterior,
//! and the fit over time (the posterior predictive fan of each observed
//! variable, with the observed points).

use crate::analysis::calibrate::{Calibration, Observation};
use crate::format;
use crate::scenario::TimeAxis;
use crate::summary::{SeriesSummary, Summary};

use super::build::{self, BOTH_BANDS, OUTER_BAND, legend_item};
use super::figure::*;
use super::style::{ACCENT, INK, MAIN, MUTED};
use super::{Chart, Skip, stem};

/// Bins of the prior and posterior histograms.
const BINS: usize = 25;

/// Every chart of a calibration, in report order: one per parameter, then
/// one per observed state or derived variable.
pub fn all(cal: &Calibration, predictive: &Summary, time: &TimeAxis) -> Vec<Result<Chart, Skip>> {
    let subtitle = subtitle(cal, predictive);
    let mut out: Vec<Result<Chart, Skip>> = (0..cal.params.len())
        .map(|j| prior_posterior(cal, j, &subtitle))
        .collect();
    let mut variables: Vec<&str> = Vec::new();
    for o in &cal.observations {
        if !variables.contains(&o.variable.as_str()) {
            variables.push(&o.variable);
        }
    }
    for name in variables {
        let observed: Vec<&Observation> = cal
            .observations
            .iter()
            .filter(|o| o.variable == name)
            .collect();
        out.push(match predictive.series.iter().find(|s| s.name == name) {
            Some(series) => fit(series, &observed, time, predictive, &subtitle),
            None if predictive.events.iter().any(|e| e.name == name) => Err(Skip::new(
                &stem("fit", name),
                name,
                "the fit over time is drawn for state and derived variables; an event's observations enter the distance but have no fan chart",
            )),
            None => Err(Skip::new(
                &stem("fit", name),
                name,
                "the scenario's `series` does not keep this variable's per-step statistics; add it there to draw its fit over time",
            )),
        });
    }
    out
}

fn subtitle(cal: &Calibration, predictive: &Summary) -> String {
    format!(
        "{} · {} particles (ESS {}) · seed {}",
        predictive.name,
        format::count(cal.particles.len() as u64),
        format::number(cal.ess),
        cal.settings.seed
    )
}

/// Densities of `values` (weighted) over the bins of `edges`.
fn density(values: &[f64], weights: &[f64], edges: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    let (lo, hi) = (edges[0], edges[edges.len() - 1]);
    let width = (hi - lo) / (edges.len() - 1) as f64;
    let mut mass = vec![0.0; edges.len() - 1];
    for (&v, &w) in values.iter().zip(weights) {
        if v.is_finite() && v >= lo && v <= hi {
            let i = (((v - lo) / width) as usize).min(mass.len() - 1);
            mass[i] += w / total;
        }
    }
    mass.iter().map(|m| m / width).collect()
}

/// The prior's histogram (the rejection step's draws) and the posterior's
/// (weighted particles) on the same bins.
fn prior_posterior(cal: &Calibration, j: usize, subtitle: &str) -> Result<Chart, Skip> {
    let p = &cal.params[j];
    let name = stem("calibrated", &p.name);
    let prior = &cal.prior_values[j];
    let post: Vec<f64> = cal.particles.iter().map(|x| x.values[j]).collect();
    let mut sorted: Vec<f64> = prior
        .iter()
        .chain(&post)
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    if sorted.is_empty() || at(0.995) <= at(0.005) {
        return Err(Skip::new(
            &name,
            &p.name,
            "its prior and posterior draws are all the same value",
        ));
    }
    let (lo, hi) = (at(0.005), at(0.995));
    let edges: Vec<f64> = (0..=BINS)
        .map(|i| lo + (hi - lo) * i as f64 / BINS as f64)
        .collect();
    let stairs = |d: Vec<f64>| -> Vec<(f64, f64)> {
        let mut pts: Vec<(f64, f64)> = edges[..BINS]
            .iter()
            .copied()
            .zip(d.iter().copied())
            .collect();
        pts.push((hi, d[BINS - 1]));
        pts
    };
    let prior_d = stairs(density(prior, &vec![1.0; prior.len()], &edges));
    let post_d = stairs(density(&post, &cal.weights, &edges));
    // The filled area under the posterior, step by step.
    let mut band = Vec::new();
    for w in post_d.windows(2) {
        band.push((w[0].0, 0.0, w[0].1));
        band.push((w[1].0, 0.0, w[0].1));
    }
    let l = &cal.learned[j];
    let posterior = Curve {
        color: MAIN,
        points: post_d,
        bands: vec![Band {
            points: band,
            opacity: OUTER_BAND,
        }],
        steps: Steps::After,
        dash: Dash::Solid,
        dot_radius: 0.0,
    };
    let prior_curve = Curve {
        color: MUTED,
        points: prior_d,
        bands: Vec::new(),
        steps: Steps::After,
        dash: Dash::Long,
        dot_radius: 0.0,
    };
    let caption = format!(
        "Prior (dashed: the {} draws of the rejection step) against posterior (filled: the {} weighted particles) of {}. The posterior's median is {} with 90% of its weight from {} to {}, against {} from {} to {} under the prior; its variance is {} smaller than the prior's, so the data {} it.",
        format::count(prior.len() as u64),
        format::count(post.len() as u64),
        p.name,
        format::number(l.posterior_q[1]),
        format::number(l.posterior_q[0]),
        format::number(l.posterior_q[2]),
        format::number(l.prior_q[1]),
        format::number(l.prior_q[0]),
        format::number(l.prior_q[2]),
        format::percent(l.contraction.max(0.0)),
        match l.verdict() {
            "informed" => "inform",
            "weakly informed" => "weakly inform",
            _ => "say little about",
        }
    );
    Ok(Chart {
        name,
        title: format!("{}: prior and posterior", p.name),
        caption,
        figure: Figure {
            title: format!("{}: prior and posterior", p.name),
            subtitle: subtitle.to_string(),
            legend: vec![
                legend_item("prior", Swatch::Line(MUTED, Dash::Long)),
                legend_item("posterior", Swatch::Patch(MAIN, OUTER_BAND)),
            ],
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Value {
                    title: p.name.clone(),
                    integer: false,
                },
                y_title: "density".into(),
                y_percent: false,
                curves: vec![prior_curve, posterior],
                guides: Vec::new(),
            }),
        },
    })
}

/// The posterior predictive fan of `series`, with the observed points.
fn fit(
    series: &SeriesSummary,
    observed: &[&Observation],
    time: &TimeAxis,
    predictive: &Summary,
    subtitle: &str,
) -> Result<Chart, Skip> {
    let mut chart = build::fan(series, time, predictive)?;
    chart.name = stem("fit", &series.name);
    chart.title = format!("{}: fit to the observations", series.label);
    chart.figure.title = chart.title.clone();
    chart.figure.subtitle = subtitle.to_string();
    chart.figure.legend = vec![
        legend_item(
            "posterior predictive median",
            Swatch::Line(MAIN, Dash::Solid),
        ),
        legend_item("middle 50% of runs", Swatch::Patch(MAIN, BOTH_BANDS)),
        legend_item("middle 90% of runs", Swatch::Patch(MAIN, OUTER_BAND)),
        legend_item("observed", Swatch::Dot(ACCENT, true)),
    ];
    let inside = observed
        .iter()
        .filter(|o| {
            series
                .steps
                .iter()
                .any(|s| s.step == o.step && o.value >= s.stats.p5 && o.value <= s.stats.p95)
        })
        .count();
    if let Plot::Curves(plot) = &mut chart.figure.plot {
        for o in observed {
            // One curve per point: a lone point is drawn as a dot, no line.
            plot.curves.push(Curve {
                color: ACCENT,
                points: vec![(f64::from(o.step), o.value)],
                bands: Vec::new(),
                steps: Steps::None,
                dash: Dash::Solid,
                dot_radius: 0.0,
            });
            if let Some(sd) = o.sd {
                plot.curves.push(Curve {
                    color: INK,
                    points: vec![
                        (f64::from(o.step), o.value - sd),
                        (f64::from(o.step), o.value + sd),
                    ],
                    bands: Vec::new(),
                    steps: Steps::None,
                    dash: Dash::Solid,
                    dot_radius: 0.0,
                });
            }
        }
    }
    chart.caption = format!(
        "{} over time under the posterior: the runs of the calibrated scenario (its parameters drawn from the posterior sample), as a fan (median, middle 50% and middle 90% of runs at each {}), with the observations as dots{}. {} of the {} observations lie inside the middle 90%. A good fit has the dots inside the bands, not all to one side.",
        series.label,
        time.unit,
        if observed.iter().any(|o| o.sd.is_some()) {
            " (bars: plus and minus one observation sd)"
        } else {
            ""
        },
        inside,
        observed.len()
    );
    Ok(chart)
}
