//! The charts of `polsim sensitivity`, one per analysed outcome.
//!
//! Each method answers "which assumptions matter?" in its own terms, and
//! each gets the chart that shows those terms without translation:
//!
//! - **rank**: signed bars of Spearman's rho, so the direction of each
//!   effect is as visible as its size, with the 95% interval as a whisker;
//! - **sobol**: first-order and total indices side by side, because the gap
//!   between them is the interaction a reader needs to see;
//! - **swing**: the risk analyst's tornado around the outcome with every
//!   parameter at its median, with the input settings written beside it.
//!
//! Parameters are sorted by importance and cut to the top [`TOP`], since a
//! chart of seventy bars says less than one of fifteen; the subtitle says
//! when some were left out, and the CSV holds them all.

use crate::analysis::sensitivity::{Effect, Method, OutcomeSensitivity, Sensitivity};
use crate::format;

use super::build::{legend_item, with_unit};
use super::figure::*;
use super::style::{ACCENT, INK, MAIN, PALETTE};
use super::tornado::{MAX_BARS, Tornado, TornadoBar, tornado};
use super::{Chart, Skip, stem, unique_names};

/// Parameters shown per chart, at most.
pub const TOP: usize = MAX_BARS;

/// One chart per outcome of `s`, an analysis of the scenario `scenario`.
pub fn for_sensitivity(s: &Sensitivity, scenario: &str) -> Vec<Result<Chart, Skip>> {
    let mut out: Vec<Result<Chart, Skip>> = s
        .outcomes
        .iter()
        .map(|o| match s.method {
            Method::Rank => rank(s, o, scenario),
            Method::Sobol => sobol(s, o, scenario),
            Method::Swing => swing(s, o, scenario),
        })
        .collect();
    unique_names(&mut out);
    out
}

/// "palmyra-baseline · 2,000 runs · seed 7 · top 15 of 70 parameters".
fn subtitle(s: &Sensitivity, scenario: &str, shown: usize, of: usize) -> String {
    let runs = match s.method {
        Method::Rank => format!("{} runs", format::count(s.runs)),
        Method::Swing => format!(
            "{} runs per setting, {} in all",
            format::count(s.runs),
            format::count(s.total_runs)
        ),
        Method::Sobol => format!(
            "base sample {}, {} runs in all",
            format::count(s.runs),
            format::count(s.total_runs)
        ),
    };
    let mut text = format!("{scenario} · {runs} · seed {}", s.seed);
    if shown < of {
        text.push_str(&format!(" · top {shown} of {of} parameters"));
    }
    text
}

/// The top effects with a finite size, in the analysis' order (largest
/// first), and how many had one.
fn top(
    o: &OutcomeSensitivity,
    method: Method,
    finite: impl Fn(&Effect) -> bool,
) -> (Vec<&Effect>, usize) {
    let mut kept: Vec<&Effect> = o.effects.iter().filter(|e| finite(e)).collect();
    kept.sort_by(|a, b| b.size(method).total_cmp(&a.size(method)));
    let count = kept.len();
    kept.truncate(TOP);
    (kept, count)
}

fn cut_note(shown: usize, of: usize) -> String {
    if shown < of {
        format!(
            " Only the {shown} parameters with the largest effects are drawn; sensitivity.csv lists all {of}."
        )
    } else {
        String::new()
    }
}

fn rank(s: &Sensitivity, o: &OutcomeSensitivity, scenario: &str) -> Result<Chart, Skip> {
    let name = stem("rank", &o.outcome);
    if o.effects.is_empty() {
        return Err(Skip::new(
            &name,
            &o.label,
            "no parameter varies from run to run, so there is nothing to correlate",
        ));
    }
    let (effects, count) = top(o, Method::Rank, |e| e.a.is_finite());
    if effects.is_empty() {
        return Err(Skip::new(
            &name,
            &o.label,
            "the outcome does not vary from run to run, so no parameter correlates with it",
        ));
    }
    let title = format!("{}: rank correlation with each parameter", o.label);
    let caption = format!(
        "Each bar is the Spearman rank correlation between a parameter's values and {} over {} runs in which every parameter is drawn from its distribution: +1 if the outcome always rises with the parameter, -1 if it always falls, 0 if there is no steady relation. Blue bars are parameters that raise the outcome, vermillion bars parameters that lower it; the longest bars, at the top, matter most. The whisker is the 95% interval (Fisher z){}: a whisker that crosses zero means this many runs cannot tell the direction. The correlation of one parameter includes what it shares with parameters correlated with it; the partial rank correlation in sensitivity.csv removes that.{}",
        o.label,
        format::count(s.runs),
        largest_mcse(&effects, |e| e.a_mcse),
        cut_note(effects.len(), count)
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(s, scenario, effects.len(), count),
            legend: vec![
                legend_item("higher parameter, higher outcome", Swatch::Patch(MAIN, 1.0)),
                legend_item(
                    "higher parameter, lower outcome",
                    Swatch::Patch(ACCENT, 1.0),
                ),
                legend_item("95% interval", Swatch::Line(INK, Dash::Solid)),
            ],
            plot: Plot::Bars(BarPlot {
                x_title: format!("Spearman rank correlation with {}", o.label),
                rows: effects.iter().map(|e| e.label.clone()).collect(),
                series: vec![BarSeries {
                    color: MAIN,
                    negative: Some(ACCENT),
                    values: effects
                        .iter()
                        .map(|e| interval(e.a, e.a_lo, e.a_hi))
                        .collect(),
                }],
                scale: Scale::Fixed {
                    decimals: 2,
                    signed: true,
                },
            }),
        },
    })
}

fn sobol(s: &Sensitivity, o: &OutcomeSensitivity, scenario: &str) -> Result<Chart, Skip> {
    let name = stem("sobol", &o.outcome);
    if o.effects.is_empty() {
        return Err(Skip::new(
            &name,
            &o.label,
            "no parameter is uncertain, so none can explain any variance",
        ));
    }
    if !(o.variance.is_finite() && o.variance > 0.0) {
        return Err(Skip::new(
            &name,
            &o.label,
            "the outcome does not vary over the samples, so there is no variance to share out",
        ));
    }
    let (effects, count) = top(o, Method::Sobol, |e| e.a.is_finite() || e.b.is_finite());
    if effects.is_empty() {
        return Err(Skip::new(&name, &o.label, "no index could be estimated"));
    }
    let title = format!("{}: Sobol indices of each parameter", o.label);
    let caption = format!(
        "For each parameter, the share of the variance of {} that it explains alone (first-order index, blue) and together with all its interactions with other parameters (total index, orange), sorted by the total index. A total index well above the first-order one marks a parameter that matters through interactions. Whiskers are 95% intervals from {} independently sampled replicates{}; small negative estimates are noise around zero. The model's own chance events are shared by every sample, so the first-order indices add up to less than one: the rest is interactions and the model's own randomness.{}",
        o.label,
        s.design.map_or(0, |d| d.replicates),
        largest_mcse(&effects, |e| e.a_mcse.max(e.b_mcse)),
        cut_note(effects.len(), count)
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(s, scenario, effects.len(), count),
            legend: vec![
                legend_item(
                    "first-order: the parameter alone",
                    Swatch::Patch(PALETTE[0], 1.0),
                ),
                legend_item(
                    "total: with its interactions",
                    Swatch::Patch(PALETTE[1], 1.0),
                ),
                legend_item("95% interval", Swatch::Line(INK, Dash::Solid)),
            ],
            plot: Plot::Bars(BarPlot {
                x_title: format!("Sobol index (share of the variance of {})", o.label),
                rows: effects.iter().map(|e| e.label.clone()).collect(),
                series: vec![
                    BarSeries {
                        color: PALETTE[0],
                        negative: None,
                        values: effects
                            .iter()
                            .map(|e| interval(e.a, e.a_lo, e.a_hi))
                            .collect(),
                    },
                    BarSeries {
                        color: PALETTE[1],
                        negative: None,
                        values: effects
                            .iter()
                            .map(|e| interval(e.b, e.b_lo, e.b_hi))
                            .collect(),
                    },
                ],
                scale: Scale::Fixed {
                    decimals: 2,
                    signed: false,
                },
            }),
        },
    })
}

fn swing(s: &Sensitivity, o: &OutcomeSensitivity, scenario: &str) -> Result<Chart, Skip> {
    let name = stem("swing", &o.outcome);
    if o.effects.is_empty() {
        return Err(Skip::new(
            &name,
            &o.label,
            "no parameter is uncertain, so none can swing",
        ));
    }
    let percent = o.kind == "probability";
    let scale = if percent {
        Scale::Percent
    } else {
        Scale::Number
    };
    let (effects, count) = top(o, Method::Swing, |e| e.a.is_finite() && e.b.is_finite());
    let bars: Vec<TornadoBar> = effects
        .iter()
        .map(|e| TornadoBar {
            label: e.label.clone(),
            low: e.a,
            high: e.b,
            note: format!(
                "{} → {}",
                format::number(e.low_input),
                format::number(e.high_input)
            ),
        })
        .collect();
    let outcome = if percent {
        format!("{} (%)", o.label)
    } else {
        with_unit(&o.label, &o.unit)
    };
    let account = format!(
        "Each parameter in turn is set to its 10th percentile (blue) and its 90th percentile (vermillion) while every other parameter stays at its median; the bars run from {} with every parameter at its median ({}, the black line) to its value at each setting. The two settings of each parameter are written on the right. Every setting shares the model's own chance events run by run, so the bars show the parameter's effect rather than luck{}.",
        o.label,
        scale.text(o.baseline),
        largest_mcse(&effects, |e| e.swing_mcse)
    );
    let mut chart = tornado(&Tornado {
        name,
        title: format!("{}: swing of each parameter", o.label),
        subtitle: subtitle(s, scenario, bars.len(), count),
        outcome,
        baseline: o.baseline,
        bars,
        low_label: "parameter at its 10th percentile".into(),
        high_label: "at its 90th percentile".into(),
        scale,
        notes_heading: "10th → 90th percentile".into(),
        caption: Some(account),
    })?;
    chart.caption.push_str(&cut_note(effects.len(), count));
    Ok(chart)
}

/// ", with Monte Carlo standard errors of at most X (sensitivity.csv lists
/// each)" for the drawn effects, or nothing when none is known.
fn largest_mcse(effects: &[&Effect], mcse: impl Fn(&Effect) -> f64) -> String {
    let largest = effects
        .iter()
        .map(|e| mcse(e))
        .filter(|v| v.is_finite())
        .fold(f64::NAN, f64::max);
    if largest.is_nan() {
        String::new()
    } else {
        format!(
            ", with Monte Carlo standard errors of at most {} (sensitivity.csv lists each)",
            format::number(largest)
        )
    }
}

/// A bar's value with its whisker; no bar for an estimate that is not finite.
fn interval(value: f64, lo: f64, hi: f64) -> Option<Interval> {
    value.is_finite().then_some(Interval { value, lo, hi })
}
