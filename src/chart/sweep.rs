//! The charts of `polsim sweep`: how the chosen outcome responds across the
//! grid.
//!
//! One swept parameter gives a line with its 95% interval band, so a reader
//! sees both the trend and how sure each point is; a threshold is a dashed
//! line, and where the estimate first crosses it is marked, because that
//! crossing is usually the answer sought ("how large can it be before...").
//! Two parameters give a heat map: a line per value of one parameter would
//! be a tangle beyond a handful, while cells carry any grid in one picture,
//! with the values written in when the cells are large enough to read.

use crate::analysis::sweep::{Axis, Point, crossing};
use crate::format;
use crate::summary::{OutcomeSummary, Summary};

use super::build::{DOT_RADIUS, INNER_BAND, MAX_DOTS, legend_item, with_unit};
use super::figure::*;
use super::style::{INK, MAIN, MISSING, series_color};
use super::{Chart, Skip, stem};

/// Longest title that fits a 1200-pixel chart in the title font.
const MAX_TITLE_CHARS: usize = 66;

/// The charts of a sweep of `outcome` (its name) over `axes`.
pub fn for_sweep(
    axes: &[Axis],
    points: &[Point],
    outcome: &str,
    threshold: Option<f64>,
) -> Vec<Result<Chart, Skip>> {
    let skip = |reason: &str| vec![Err(Skip::new(&stem("sweep", outcome), outcome, reason))];
    let Some(first) = points
        .first()
        .and_then(|p| p.summary.outcomes.iter().find(|o| o.name == outcome))
    else {
        return skip("the sweep has no results for this outcome");
    };
    match axes {
        [axis] => vec![line(axis, points, first, threshold)],
        [rows, columns] => {
            if first.kind == "category" {
                first
                    .categories
                    .iter()
                    .map(|(cat, _)| heatmap((rows, columns), points, first, Some(cat), threshold))
                    .collect()
            } else {
                vec![heatmap((rows, columns), points, first, None, threshold)]
            }
        }
        _ => skip("only sweeps of one or two parameters are charted"),
    }
}

fn outcome_at<'a>(p: &'a Point, name: &str) -> Option<&'a OutcomeSummary> {
    p.summary.outcomes.iter().find(|o| o.name == name)
}

/// The estimate and its 95% interval at one point: a chance, a category's
/// chance, or a mean.
fn value_at(p: &Point, outcome: &str, category: Option<&str>) -> Option<(f64, f64, f64)> {
    let o = outcome_at(p, outcome)?;
    let est = o.estimate(category);
    est.filter(|e| e.0.is_finite())
}

/// "palmyra-baseline · 10 grid points × 2,000 runs · seed 7".
fn subtitle(summary: &Summary, points: usize) -> String {
    format!(
        "{} · {} grid points × {} runs · seed {}",
        super::build::scenario_named(&summary.name, &summary.provenance),
        format::count(points as u64),
        format::count(summary.provenance.runs),
        summary.provenance.seed
    )
}

/// A parameter's axis title: its label and unit, as the report names it.
fn param_title(summary: &Summary, name: &str) -> String {
    summary
        .parameters
        .iter()
        .find(|p| p.name == name)
        .map_or_else(|| name.to_string(), |p| with_unit(&p.label, &p.unit))
}

/// What the y axis (or the colour) measures.
fn measure(o: &OutcomeSummary, category: Option<&str>) -> (String, Scale) {
    match (o.kind, category) {
        ("number", _) => (
            with_unit(&format!("Mean {}", o.label), &o.unit),
            Scale::Number,
        ),
        (_, Some(cat)) => (format!("Chance of {cat} (%)"), Scale::Percent),
        _ => (format!("{} (%)", o.label), Scale::Percent),
    }
}

fn threshold_text(level: f64, scale: Scale) -> String {
    scale.text(level)
}

/// One parameter: the estimate across the grid with its interval band; a
/// category outcome gets a line per category.
fn line(
    axis: &Axis,
    points: &[Point],
    o: &OutcomeSummary,
    threshold: Option<f64>,
) -> Result<Chart, Skip> {
    let name = stem("sweep", &o.name);
    let Some(first) = points.first() else {
        return Err(Skip::new(&name, &o.label, "the sweep has no grid points"));
    };
    let categories: Vec<Option<&str>> = if o.kind == "category" {
        o.categories.iter().map(|(c, _)| Some(c.as_str())).collect()
    } else {
        vec![None]
    };
    let mut curves = Vec::new();
    let mut legend = Vec::new();
    let mut main: Vec<(f64, f64)> = Vec::new();
    for (k, cat) in categories.iter().enumerate() {
        let found: Vec<(f64, (f64, f64, f64))> = points
            .iter()
            .filter_map(|p| Some((*p.values.first()?, value_at(p, &o.name, *cat)?)))
            .collect();
        if found.is_empty() {
            continue;
        }
        let color = if cat.is_some() { series_color(k) } else { MAIN };
        let pts: Vec<(f64, f64)> = found.iter().map(|(x, e)| (*x, e.0)).collect();
        let band: BandPoints = found
            .iter()
            .filter(|(_, e)| e.1.is_finite() && e.2.is_finite())
            .map(|(x, e)| (*x, e.1, e.2))
            .collect();
        if let Some(cat) = cat {
            legend.push(legend_item(cat, Swatch::Line(color, Dash::for_series(k))));
        }
        if k == 0 {
            main = pts.clone();
        }
        curves.push(Curve {
            color,
            dot_radius: if pts.len() <= MAX_DOTS {
                DOT_RADIUS
            } else {
                0.0
            },
            points: pts,
            bands: vec![Band {
                points: band,
                opacity: if cat.is_some() { 0.18 } else { INNER_BAND },
            }],
            steps: Steps::None,
            dash: if cat.is_some() {
                Dash::for_series(k)
            } else {
                Dash::Solid
            },
        });
    }
    if curves.is_empty() {
        return Err(Skip::new(
            &name,
            &o.label,
            "it has no value at any grid point",
        ));
    }
    let (y_title, scale) = measure(o, None);
    let (y_title, y_percent) = if o.kind == "category" {
        ("Chance of each category (%)".to_string(), true)
    } else {
        (y_title, scale == Scale::Percent)
    };
    if o.kind != "category" {
        legend.push(legend_item(
            if o.kind == "number" {
                "mean"
            } else {
                "estimate"
            },
            Swatch::Line(MAIN, Dash::Solid),
        ));
    }
    legend.push(legend_item(
        "95% interval",
        Swatch::Patch(curves[0].color, INNER_BAND),
    ));
    let param = param_title(&first.summary, &axis.name);
    let mut guides = Vec::new();
    let mut crossing_text = String::new();
    if let Some(level) = threshold.filter(|l| l.is_finite() && o.kind != "category") {
        let shown = threshold_text(level, scale);
        guides.push(Guide {
            horizontal: true,
            value: level,
            label: format!("threshold {shown}"),
            color: INK,
            dash: Dash::Long,
        });
        legend.push(legend_item(
            &format!("threshold {shown}"),
            Swatch::Line(INK, Dash::Long),
        ));
        let (xs, ys): (Vec<f64>, Vec<f64>) = main.iter().copied().unzip();
        match crossing(&xs, &ys, level) {
            Some(x) => {
                guides.push(Guide {
                    horizontal: false,
                    value: x,
                    label: format!("crosses at {}", format::number(x)),
                    color: INK,
                    dash: Dash::Dotted,
                });
                crossing_text = format!(
                    " The estimate first crosses the threshold ({shown}, dashed) at {} ≈ {} (dotted line), by linear interpolation between grid values.",
                    param_label(&first.summary, &axis.name),
                    format::number(x)
                );
            }
            None => {
                crossing_text = format!(
                    " The estimate does not cross the threshold ({shown}, dashed) within the range swept."
                );
            }
        }
    }
    let reads = if o.kind == "category" {
        "One line per category: its height is the chance of that category at each value of the parameter, with a band for its 95% interval."
    } else if o.kind == "number" {
        "The line is the mean of the outcome at each value of the parameter, the band its 95% interval."
    } else {
        "The line is the estimated chance at each value of the parameter, the band its 95% interval."
    };
    let title = format!(
        "{} as {} varies",
        o.label,
        param_label(&first.summary, &axis.name)
    );
    let caption = format!(
        "{reads} At each grid value {} is fixed while every other parameter keeps its distribution, and every grid point shares its random numbers run by run, so the curve's changes are the parameter's effect rather than noise.{crossing_text}",
        param_label(&first.summary, &axis.name)
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(&first.summary, points.len()),
            legend,
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Value {
                    title: param,
                    integer: false,
                },
                y_title,
                y_percent,
                curves,
                guides,
            }),
        },
    })
}

fn param_label(summary: &Summary, name: &str) -> String {
    summary
        .parameters
        .iter()
        .find(|p| p.name == name)
        .map_or_else(|| name.to_string(), |p| p.label.clone())
}

/// Two parameters: the estimate in every cell of the grid.
fn heatmap(
    (rows, columns): (&Axis, &Axis),
    points: &[Point],
    o: &OutcomeSummary,
    category: Option<&str>,
    threshold: Option<f64>,
) -> Result<Chart, Skip> {
    let name = match category {
        Some(cat) => stem("heatmap", &format!("{}-{cat}", o.name)),
        None => stem("heatmap", &o.name),
    };
    let label = match category {
        Some(cat) => format!("{}: {cat}", o.label),
        None => o.label.clone(),
    };
    let Some(first) = points.first() else {
        return Err(Skip::new(&name, &label, "the sweep has no grid points"));
    };
    let width = columns.values.len();
    let values: Vec<Vec<f64>> = (0..rows.values.len())
        .map(|i| {
            (0..width)
                .map(|j| {
                    points
                        .get(i * width + j)
                        .and_then(|p| value_at(p, &o.name, category))
                        .map_or(f64::NAN, |e| e.0)
                })
                .collect()
        })
        .collect();
    if values.iter().flatten().all(|v| !v.is_finite()) {
        return Err(Skip::new(
            &name,
            &label,
            "it has no value at any grid point",
        ));
    }
    let (value_title, scale) = measure(o, category);
    let mut legend = Vec::new();
    let mut boundary = String::new();
    let threshold = threshold.filter(|l| l.is_finite());
    if let Some(level) = threshold {
        let shown = threshold_text(level, scale);
        legend.push(legend_item(
            &format!("boundary where the estimate reaches {shown}"),
            Swatch::Line(INK, Dash::Solid),
        ));
        boundary = format!(
            " The black line separates the cells below the threshold ({shown}) from those at or above it."
        );
    }
    if values.iter().flatten().any(|v| !v.is_finite()) {
        legend.push(legend_item("no value", Swatch::Patch(MISSING, 1.0)));
    }
    let full = format!(
        "{label} over {} and {}",
        param_label(&first.summary, &rows.name),
        param_label(&first.summary, &columns.name)
    );
    // A title that would be cut off names the parameters on the axes only.
    let title = if full.chars().count() > MAX_TITLE_CHARS {
        format!("{label} over two parameters")
    } else {
        full
    };
    let what = if o.kind == "number" {
        "the mean of the outcome"
    } else {
        "the estimated chance"
    };
    let caption = format!(
        "Each cell is {what} with {} fixed at the value on the vertical axis and {} at the value on the horizontal axis, every other parameter keeping its distribution. Colours run from dark purple (lowest) to yellow (highest), as the bar on the right shows; where cells are large enough their values are written in. Every cell shares its random numbers run by run, so differences between cells are the parameters' effect rather than noise.{boundary}",
        param_label(&first.summary, &rows.name),
        param_label(&first.summary, &columns.name)
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(&first.summary, points.len()),
            legend,
            plot: Plot::Heatmap(HeatmapPlot {
                x_title: param_title(&first.summary, &columns.name),
                y_title: param_title(&first.summary, &rows.name),
                xs: columns.values.clone(),
                ys: rows.values.clone(),
                values,
                value_title,
                scale,
                threshold,
            }),
        },
    })
}
