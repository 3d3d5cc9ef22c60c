//! An array's elements on one chart: for a state or derived variable
//! declared over a dimension (`violence[north]`, `violence[east]`, ...), the
//! median of each element over time, each in its own colour and dash, with
//! its middle 50% of runs as a faint band, so regions can be compared at a
//! glance (each element also keeps its own fan chart).

use super::build::{legend_item, subtitle, time_labels, time_title, with_unit};
use super::figure::{Band, Curve, CurvePlot, Dash, Figure, Plot, Steps, Swatch, XAxis};
use super::style::{MUTED, series_color};
use super::{Chart, Skip, stem};
use crate::scenario::{TimeAxis, element_of};
use crate::summary::{SeriesSummary, Summary};

/// Above this many elements, bands are left out so the lines stay legible.
const MAX_BANDED: usize = 4;
/// Above this many elements, one chart would be a tangle: none is drawn.
const MAX_LINES: usize = 8;

/// One chart per arrayed variable among `series` (in the order of their
/// first elements).
pub fn overlays(
    series: &[&SeriesSummary],
    time: &TimeAxis,
    summary: &Summary,
) -> Vec<Result<Chart, Skip>> {
    let mut arrays: Vec<(&str, Vec<&SeriesSummary>)> = Vec::new();
    for s in series {
        let (array, element) = element_of(&s.name);
        if element.is_empty() {
            continue;
        }
        match arrays.iter_mut().find(|(a, _)| *a == array) {
            Some((_, list)) => list.push(s),
            None => arrays.push((array, vec![s])),
        }
    }
    arrays
        .into_iter()
        .filter(|(_, list)| list.len() > 1)
        .map(|(array, list)| overlay(array, &list, time, summary))
        .collect()
}

fn overlay(
    array: &str,
    list: &[&SeriesSummary],
    time: &TimeAxis,
    summary: &Summary,
) -> Result<Chart, Skip> {
    let name = stem("elements", array);
    // A label given in the scenario reads "Violence (north)" for an element.
    let element = element_of(&list[0].name).1.replace(',', ", ");
    let label = list[0]
        .label
        .strip_suffix(&format!(" ({element})"))
        .unwrap_or(array)
        .to_string();
    let title = format!("{label}, element by element");
    if list.len() > MAX_LINES {
        return Err(Skip::new(
            &name,
            &title,
            &format!(
                "it has {} elements, too many lines for one chart (each has its fan chart)",
                list.len()
            ),
        ));
    }
    let banded = list.len() <= MAX_BANDED;
    let finite = |s: &&crate::summary::StepStats| {
        [s.stats.p25, s.stats.p50, s.stats.p75]
            .iter()
            .all(|v| v.is_finite())
    };
    let mut first_step = u32::MAX;
    let mut last_step = 0;
    let mut curves = Vec::new();
    let mut legend = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let steps: Vec<_> = s.steps.iter().filter(finite).collect();
        if let (Some(a), Some(b)) = (steps.first(), steps.last()) {
            first_step = first_step.min(a.step);
            last_step = last_step.max(b.step);
        }
        let color = series_color(i);
        curves.push(Curve {
            color,
            points: steps
                .iter()
                .map(|st| (f64::from(st.step), st.stats.p50))
                .collect(),
            bands: if banded {
                vec![Band {
                    points: steps
                        .iter()
                        .map(|st| (f64::from(st.step), st.stats.p25, st.stats.p75))
                        .collect(),
                    opacity: 0.12,
                }]
            } else {
                Vec::new()
            },
            steps: Steps::None,
            dash: Dash::for_series(i),
            dot_radius: 0.0,
        });
        legend.push(legend_item(
            element_of(&s.name).1,
            Swatch::Line(color, Dash::for_series(i)),
        ));
    }
    if first_step > last_step {
        return Err(Skip::new(&name, &title, "it has no value at any step"));
    }
    // Say what the lines and the bands are; the colours say which element.
    legend.push(legend_item(
        "line: median",
        Swatch::Line(MUTED, Dash::Solid),
    ));
    if banded {
        legend.push(legend_item(
            "band: middle 50% of runs",
            Swatch::Patch(MUTED, 0.25),
        ));
    }
    let bands = if banded {
        "the faint band around each line holds its middle 50% of runs (25th to 75th percentile)"
    } else {
        "with this many elements the bands are left out, so that the lines stay legible; each element's fan chart shows its spread"
    };
    let caption = format!(
        "{label} in each element of its dimension over time: one line per element, the median across runs at each {unit}; {bands}.",
        unit = time.unit
    );
    Ok(Chart {
        name,
        title: title.clone(),
        caption,
        figure: Figure {
            title,
            subtitle: subtitle(summary),
            legend,
            plot: Plot::Curves(CurvePlot {
                x: XAxis::Time {
                    title: time_title(time),
                    labels: time_labels(time, first_step, last_step),
                },
                y_title: with_unit(&label, &list[0].unit),
                y_percent: false,
                curves,
                guides: Vec::new(),
            }),
        },
    })
}
