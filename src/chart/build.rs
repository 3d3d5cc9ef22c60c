//! Charts of one run: from a [`Summary`] (and the model's calendar) to
//! [`Chart`]s, each with the sentence a caption needs to say how to read it.
//!
//! A builder returns `Err(Skip)` with a reason instead of drawing a chart that
//! would mislead or be empty (no run gave the outcome a value, every value is
//! missing), so the report can say why a chart is absent.

use crate::format;
use crate::scenario::TimeAxis;
use crate::summary::{Estimate, EventSummary, OutcomeSummary, SeriesSummary, Summary};

use super::figure::*;
use super::style::{ACCENT, INK, MAIN, SHADE};
use super::{Chart, Skip, stem};

/// Opacity of the 5-95% band; the 25-75% band adds `INNER_BAND` on top.
pub const OUTER_BAND: f64 = 0.18;
pub const INNER_BAND: f64 = 0.35;
/// How the two bands look where they overlap (for the legend).
pub const BOTH_BANDS: f64 = 1.0 - (1.0 - OUTER_BAND) * (1.0 - INNER_BAND);
/// Dots on discrete curves with at most this many points.
pub const MAX_DOTS: usize = 40;
/// Their radius at 1200x800.
pub const DOT_RADIUS: f64 = 4.5;

/// "coin-flips · 100,000 runs · seed 42"; a what-if run says what it
/// changed first ("coin-flips with p=0.1, given ever(b) · ..."), so a cut
/// subtitle keeps it, and how many runs the condition kept.
pub fn subtitle(summary: &Summary) -> String {
    let p = &summary.provenance;
    let mut text = scenario_named(&summary.name, p);
    text.push_str(&format!(
        " · {} runs · seed {}",
        format::count(p.runs),
        p.seed
    ));
    if p.kept_runs != p.runs {
        text.push_str(&format!(" · {} runs kept", format::count(p.kept_runs)));
    }
    text
}

/// The scenario's name, followed by its overrides and condition if any.
pub fn scenario_named(name: &str, p: &crate::summary::Provenance) -> String {
    match p.what_if() {
        Some(what_if) => format!("{name} {what_if}"),
        None => name.to_string(),
    }
}

/// "label (unit)", or the label alone.
pub fn with_unit(label: &str, unit: &str) -> String {
    if unit.is_empty() {
        label.to_string()
    } else {
        format!("{label} ({unit})")
    }
}

/// The title of a time axis: the unit when steps carry calendar labels.
pub fn time_title(time: &TimeAxis) -> String {
    if time.label(1) == "1" {
        time.axis_title()
    } else {
        let mut unit = time.unit.clone();
        if let Some(first) = unit.get(..1) {
            unit = first.to_uppercase() + &unit[1..];
        }
        unit
    }
}

/// (step, calendar label) for every step from `first` to `last`.
pub fn time_labels(time: &TimeAxis, first: u32, last: u32) -> Vec<(u32, String)> {
    (first..=last).map(|s| (s, time.label(s))).collect()
}

pub fn interval(e: &Estimate) -> Option<Interval> {
    e.p.is_finite().then_some(Interval {
        value: e.p,
        lo: e.lo,
        hi: e.hi,
    })
}

/// "in 71.1% of runs (71,050)", said when some runs have no value.
fn coverage_note(o: &OutcomeSummary) -> String {
    match &o.number {
        Some(n) if n.none > 0 => format!(
            " Only the {} runs ({}) in which it has a value are counted.",
            format::count(n.n),
            format::share(n.n, n.n + n.none)
        ),
        _ => String::new(),
    }
}

/// The distribution of a number outcome as a histogram.
pub fn histogram(o: &OutcomeSummary, summary: &Summary) -> Result<Chart, Skip> {
    let name = stem("histogram", &o.name);
    let skip = |reason: &str| Skip::new(&name, &o.label, reason);
    let (Some(dist), Some(stats)) = (&o.distribution, &o.number) else {
        return Err(skip("it is not a number outcome"));
    };
    let total: u64 = dist.counts.iter().sum();
    if total == 0 || dist.edges.len() != dist.counts.len() + 1 {
        return Err(skip("no run gave it a value"));
    }
    if dist.edges.iter().any(|e| !e.is_finite()) {
        return Err(skip("some values are infinite, so no scale fits them"));
    }
    let bins = dist
        .edges
        .windows(2)
        .zip(&dist.counts)
        .map(|(e, &c)| (e[0], e[1], c as f64 / total as f64))
        .collect();
    let half = if dist.integer { 0.5 } else { 0.0 };
    let shade = (stats.p5.is_finite() && stats.p95.is_finite())
        .then_some((stats.p5 - half, stats.p95 + half));
    let markers = vec![
        Marker {
            value: stats.p50,
            label: format!("median {}", format::number(stats.p50)),
            color: INK,
            dashed: false,
        },
        Marker {
            value: stats.mean,
            label: format!("mean {}", format::number(stats.mean)),
            color: ACCENT,
            dashed: true,
        },
    ];
    let mut legend = vec![
        legend_item(
            "middle 90% of runs (5th to 95th percentile)",
            Swatch::Patch(SHADE, 0.22),
        ),
        legend_item("median", Swatch::Line(INK, Dash::Solid)),
        legend_item("mean", Swatch::Line(ACCENT, Dash::Long)),
    ];
    // When some runs have no value (the month of an event that never
    // happened), the bars describe only the others: the chart says how many.
    let y_title = if stats.none > 0 {
        let share = format::share(stats.n, stats.n + stats.none);
        legend.insert(
            0,
            legend_item(
                &format!("bars: the {share} of runs in which it has a value"),
                Swatch::Patch(MAIN, 1.0),
            ),
        );
        format!("Share of the {share} of runs with a value (%)")
    } else {
        "Share of runs (%)".to_string()
    };
    let bars = if dist.integer
        && dist
            .edges
            .get(1)
            .zip(dist.edges.first())
            .is_some_and(|(b, a)| b - a <= 1.0)
    {
        "Each bar is the share of runs that gave this value."
    } else {
        "Each bar is the share of runs with a value in its range."
    };
    let caption = format!(
        "Distribution of {} over the runs. {bars} The solid line marks the median ({}), the dashed line the mean ({}); the shaded range holds the middle 90% of runs, from {} to {}.{}",
        o.label,
        format::number(stats.p50),
        format::number(stats.mean),
        format::number(stats.p5),
        format::number(stats.p95),
        coverage_note(o)
    );
    Ok(Chart {
        name,
        title: o.label.clone(),
        caption,
        figure: Figure {
            title: o.label.clone(),
            subtitle: subtitle(summary),
            legend,
            plot: Plot::Histogram(HistogramPlot {
                x_title: with_unit(&o.label, &o.unit),
                y_title,
                bins,
                integer: dist.integer,
                shade,
                markers,
            }),
        },
    })
}

pub fn legend_item(label: &str, swatch: Swatch) -> LegendItem {
    LegendItem {
        label: label.to_string(),
        swatch,
    }
}

/// P(X >= x) at each CDF point: one minus the CDF at the point before.
pub fn exceedance_points(cdf: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut below = 0.0_f64;
    cdf.iter()
        .filter(|(v, p)| v.is_finite() && p.is_finite())
        .map(|&(v, p)| {
            let point = (v, (1.0_f64 - below).clamp(0.0, 1.0));
            below = p;
            point
        })
        .collect()
}

/// The chance that a number outcome is at least each value.
pub fn exceedance(o: &OutcomeSummary, summary: &Summary) -> Result<Chart, Skip> {
    let name = stem("exceedance", &o.name);
    let Some(dist) = &o.distribution else {
        return Err(Skip::new(&name, &o.label, "it is not a number outcome"));
    };
    let points = exceedance_points(&dist.cdf);
    if points.is_empty() {
        return Err(Skip::new(&name, &o.label, "no run gave it a value"));
    }
    let title = format!("{}: chance of at least each value", o.label);
    let caption = format!(
        "Exceedance curve of {}. Find a value on the horizontal axis: the height of the curve there is the chance that the outcome is that value or more. The curve starts at 100% at the smallest value seen and falls to the chance of the largest.{}",
        o.label,
        coverage_note(o)
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(summary),
            legend: Vec::new(),
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Value {
                    title: with_unit(&o.label, &o.unit),
                    integer: dist.integer,
                },
                y_title: "Chance of at least this value (%)".into(),
                y_percent: true,
                curves: vec![Curve {
                    color: MAIN,
                    dash: Dash::Solid,
                    dot_radius: if dist.integer && points.len() <= MAX_DOTS {
                        DOT_RADIUS
                    } else {
                        0.0
                    },
                    steps: if dist.integer {
                        Steps::Before
                    } else {
                        Steps::None
                    },
                    points,
                    bands: Vec::new(),
                }],
                guides: Vec::new(),
            }),
        },
    })
}

/// Horizontal bars of probability with 95% intervals, one row per item.
fn bar_chart(
    name: String,
    title: &str,
    rows: Vec<(String, Option<Interval>)>,
    caption: String,
    summary: &Summary,
) -> Result<Chart, Skip> {
    if rows.iter().all(|r| r.1.is_none()) {
        return Err(Skip::new(
            &name,
            title,
            "no run was kept, so no chance can be estimated",
        ));
    }
    let (rows, values): (Vec<String>, Vec<Option<Interval>>) = rows.into_iter().unzip();
    Ok(Chart {
        name,
        title: title.to_string(),
        caption,
        figure: Figure {
            title: title.to_string(),
            subtitle: subtitle(summary),
            legend: vec![legend_item(
                "95% interval (Monte Carlo error only)",
                Swatch::Line(INK, Dash::Solid),
            )],
            plot: Plot::Bars(BarPlot {
                x_title: "Chance (%)".into(),
                rows,
                series: vec![BarSeries {
                    color: MAIN,
                    negative: None,
                    values,
                }],
                scale: Scale::Percent,
            }),
        },
    })
}

pub const INTERVAL_NOTE: &str = "The whisker is the 95% interval of the estimate (Wilson): it shows the noise from simulating a finite number of runs, not the uncertainty of the model's assumptions, which the runs already include.";

/// All probability outcomes on one chart.
pub fn probabilities(outcomes: &[&OutcomeSummary], summary: &Summary) -> Result<Chart, Skip> {
    let rows = outcomes
        .iter()
        .map(|o| (o.label.clone(), o.probability.as_ref().and_then(interval)))
        .collect();
    let caption = format!(
        "Estimated chance of each yes/no outcome: the bar's length, also written beside it. {INTERVAL_NOTE}"
    );
    bar_chart(
        "probabilities".into(),
        "Chance of each outcome",
        rows,
        caption,
        summary,
    )
}

/// The chance of each category of a category outcome.
pub fn categories(o: &OutcomeSummary, summary: &Summary) -> Result<Chart, Skip> {
    let rows = o
        .categories
        .iter()
        .map(|(c, e)| (c.clone(), interval(e)))
        .collect();
    let caption = format!(
        "Chance of each category of {}; the bars add up to 100%. {INTERVAL_NOTE}",
        o.label
    );
    bar_chart(
        stem("categories", &o.name),
        &o.label,
        rows,
        caption,
        summary,
    )
}

/// A fan chart: the median of a variable over time with 50% and 90% bands;
/// for a yes/no variable, its chance of being "yes" at each step instead
/// ([`yes_no_over_time`]).
pub fn fan(series: &SeriesSummary, time: &TimeAxis, summary: &Summary) -> Result<Chart, Skip> {
    if series.yes_no {
        return yes_no_over_time(series, time, summary);
    }
    let name = stem("fan", &series.name);
    let steps: Vec<_> = series
        .steps
        .iter()
        .filter(|s| {
            let st = &s.stats;
            [st.p5, st.p25, st.p50, st.p75, st.p95]
                .iter()
                .all(|v| v.is_finite())
        })
        .collect();
    let (Some(first), Some(last)) = (steps.first(), steps.last()) else {
        return Err(Skip::new(
            &name,
            &series.label,
            "it has no value at any step",
        ));
    };
    let x = |s: u32| f64::from(s);
    let band = |lo: fn(&crate::summary::NumberStats) -> f64,
                hi: fn(&crate::summary::NumberStats) -> f64,
                opacity| Band {
        points: steps
            .iter()
            .map(|s| (x(s.step), lo(&s.stats), hi(&s.stats)))
            .collect(),
        opacity,
    };
    let curve = Curve {
        color: MAIN,
        points: steps.iter().map(|s| (x(s.step), s.stats.p50)).collect(),
        bands: vec![
            band(|s| s.p5, |s| s.p95, OUTER_BAND),
            band(|s| s.p25, |s| s.p75, INNER_BAND),
        ],
        steps: Steps::None,
        dash: Dash::Solid,
        dot_radius: 0.0,
    };
    let legend = vec![
        legend_item("median", Swatch::Line(MAIN, Dash::Solid)),
        legend_item("middle 50% of runs", Swatch::Patch(MAIN, BOTH_BANDS)),
        legend_item("middle 90% of runs", Swatch::Patch(MAIN, OUTER_BAND)),
    ];
    let caption = format!(
        "Fan chart of {} over time. The line is the median across runs at each {unit}; the dark band holds the middle 50% of runs (25th to 75th percentile) and the light band the middle 90% (5th to 95th). The bands describe the spread of runs at each {unit}, not the path of any single run.",
        series.label,
        unit = time.unit
    );
    Ok(Chart {
        name,
        title: series.label.clone(),
        caption,
        figure: Figure {
            title: series.label.clone(),
            subtitle: subtitle(summary),
            legend,
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Time {
                    title: time_title(time),
                    labels: time_labels(time, first.step, last.step),
                },
                y_title: with_unit(&series.label, &series.unit),
                y_percent: false,
                curves: vec![curve],
                guides: Vec::new(),
            }),
        },
    })
}

/// A yes/no variable over time: the share of runs in which it is "yes" at
/// each step, with its 95% interval. A fan chart of a 0/1 variable would
/// show bands jumping between 0 and 1 and a median that hides the chance.
pub fn yes_no_over_time(
    series: &SeriesSummary,
    time: &TimeAxis,
    summary: &Summary,
) -> Result<Chart, Skip> {
    let name = stem("chance", &series.name);
    let kept = summary.provenance.kept_runs > 0;
    let estimates: Vec<(f64, Estimate)> = series
        .steps
        .iter()
        .filter(|s| kept && s.stats.n > 0 && s.stats.mean.is_finite())
        .map(|s| {
            let yes = (s.stats.mean * s.stats.n as f64).round() as u64;
            (f64::from(s.step), Estimate::new(yes, s.stats.n))
        })
        .collect();
    let (Some(first), Some(last)) = (series.steps.first(), estimates.last()) else {
        return Err(Skip::new(
            &name,
            &series.label,
            "no run was kept, so no chance can be estimated",
        ));
    };
    let unit = &time.unit;
    let title = format!("{}: chance it is yes in each {unit}", series.label);
    let peak = estimates
        .iter()
        .map(|(_, e)| e.p)
        .fold(f64::NEG_INFINITY, f64::max);
    let caption = format!(
        "{} is a yes/no: the line is the share of runs in which it is yes in each {unit}, the band that share's 95% interval (Monte Carlo error). In the last {unit} ({}) it is {}; at its highest, {}.",
        series.label,
        time.label(last.0 as u32),
        format::percent(last.1.p),
        format::percent(peak)
    );
    let steps_first = first.step;
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(summary),
            legend: vec![
                legend_item("share of runs", Swatch::Line(MAIN, Dash::Solid)),
                legend_item("95% interval", Swatch::Patch(MAIN, INNER_BAND)),
            ],
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Time {
                    title: time_title(time),
                    labels: time_labels(time, steps_first, last.0 as u32),
                },
                y_title: "Chance it is yes (%)".into(),
                y_percent: true,
                curves: vec![Curve {
                    color: MAIN,
                    points: estimates.iter().map(|(x, e)| (*x, e.p)).collect(),
                    bands: vec![Band {
                        points: estimates.iter().map(|(x, e)| (*x, e.lo, e.hi)).collect(),
                        opacity: INNER_BAND,
                    }],
                    steps: Steps::None,
                    dash: Dash::Solid,
                    dot_radius: 0.0,
                }],
                guides: Vec::new(),
            }),
        },
    })
}

/// Points and 95% band of "has happened by step s", from step 0 (never yet).
pub fn cumulative_points(ev: &EventSummary) -> (Vec<(f64, f64)>, BandPoints) {
    let kept = ev.steps.iter().filter(|s| s.by_step.p.is_finite());
    let mut points = vec![(0.0, 0.0)];
    let mut band = vec![(0.0, 0.0, 0.0)];
    for s in kept {
        let x = f64::from(s.step);
        points.push((x, s.by_step.p));
        band.push((x, s.by_step.lo, s.by_step.hi));
    }
    (points, band)
}

/// The chance that an event has happened at least once by each step; for
/// a count event, which can happen many times in a step, its expected count
/// instead ([`event_counts`]).
pub fn event(ev: &EventSummary, time: &TimeAxis, summary: &Summary) -> Result<Chart, Skip> {
    if ev.mode == "count" {
        return event_counts(ev, time, summary);
    }
    let name = stem("event", &ev.name);
    let (points, band) = cumulative_points(ev);
    let Some(last) = ev.steps.last().filter(|_| points.len() > 1) else {
        return Err(Skip::new(
            &name,
            &ev.label,
            "no run was kept, so no chance can be estimated",
        ));
    };
    let unit = &time.unit;
    let title = format!("{}: chance it has happened by each {unit}", ev.label);
    let caption = format!(
        "The height of the line at a {unit} is the chance that {} has happened at least once by the end of that {unit}; the band is the 95% interval of that estimate (Monte Carlo error). By the last {unit} ({}) it is {}.",
        ev.label,
        time.label(last.step),
        format::percent(last.by_step.p)
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(summary),
            legend: vec![
                legend_item("estimate", Swatch::Line(MAIN, Dash::Solid)),
                legend_item("95% interval", Swatch::Patch(MAIN, INNER_BAND)),
            ],
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Time {
                    title: time_title(time),
                    labels: time_labels(time, 0, last.step),
                },
                y_title: "Chance it has happened (%)".into(),
                y_percent: true,
                curves: vec![Curve {
                    color: MAIN,
                    points,
                    bands: vec![Band {
                        points: band,
                        opacity: INNER_BAND,
                    }],
                    steps: Steps::None,
                    dash: Dash::Solid,
                    dot_radius: 0.0,
                }],
                guides: Vec::new(),
            }),
        },
    })
}

/// A count event's expected number in each step, and its expected total by
/// the end of each step (the running sum of the first: an expectation of a
/// sum is the sum of the expectations). "The chance it has happened at
/// least once" would reach nearly 100% in the first step for a frequent
/// event and say nothing about how often it happens.
pub fn event_counts(ev: &EventSummary, time: &TimeAxis, summary: &Summary) -> Result<Chart, Skip> {
    let name = stem("event", &ev.name);
    let kept = summary.provenance.kept_runs > 0;
    let steps: Vec<_> = ev
        .steps
        .iter()
        .filter(|s| kept && s.mean_count.is_finite())
        .collect();
    let Some(last) = steps.last() else {
        return Err(Skip::new(
            &name,
            &ev.label,
            "no run was kept, so no count can be estimated",
        ));
    };
    let mut total = 0.0;
    let mut cumulative = vec![(0.0, 0.0)];
    let mut per_step = Vec::new();
    for s in &steps {
        let x = f64::from(s.step);
        total += s.mean_count;
        cumulative.push((x, total));
        per_step.push((x, s.mean_count));
    }
    let unit = &time.unit;
    let title = format!("{}: expected number by each {unit}", ev.label);
    let caption = format!(
        "Above, the expected (mean) number of {label} from the start to the end of each {unit}: {} by {}. Below, on its own scale, the expected number in that {unit} alone. Both are averages over the runs; a single run can have more or fewer.",
        format::number(total),
        time.label(last.step),
        label = ev.label,
    );
    let dots = if per_step.len() <= MAX_DOTS {
        DOT_RADIUS
    } else {
        0.0
    };
    let x = XAxis::Time {
        title: time_title(time),
        labels: time_labels(time, 0, last.step),
    };
    let panel = |heading: String, color, points, dot_radius, weight| Panel {
        heading,
        plot: CurvePlot {
            x: x.clone(),
            y_title: String::new(),
            y_percent: false,
            curves: vec![Curve {
                color,
                points,
                bands: Vec::new(),
                steps: Steps::None,
                dash: Dash::Solid,
                dot_radius,
            }],
            guides: Vec::new(),
        },
        weight,
        from_zero: true,
    };
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(summary),
            // Each panel's heading says what its line is.
            legend: Vec::new(),
            plot: Plot::Panels(PanelsPlot {
                panels: vec![
                    panel(
                        "Expected number so far (running total)".into(),
                        MAIN,
                        cumulative,
                        0.0,
                        3.0,
                    ),
                    panel(
                        format!("Expected number in each {unit}"),
                        ACCENT,
                        per_step,
                        dots,
                        2.0,
                    ),
                ],
            }),
        },
    })
}
