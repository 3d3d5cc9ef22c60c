//! Axes: ranges, ticks, tick labels and the mesh, the same on every chart.
//!
//! Ticks are chosen here rather than by plotters, so that numbers are round,
//! probabilities read as percentages, whole-number data never gets a "2.5"
//! tick, and time axes show calendar labels spaced so they cannot collide.

use std::collections::HashMap;

use plotters::coord::Shift;
use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::canvas::{
    Drawn, fail, fit, nice_ticks, percent_label, text_height, text_width, tick_label, time_ticks,
};
use super::style::{AXIS, GRID, MUTED, Style};

pub type Coord = Cartesian2d<Ticked, Ticked>;

/// A linear f64 coordinate whose ticks are exactly the ones given.
#[derive(Clone)]
pub struct Ticked {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

impl Axis {
    fn coord(&self) -> Ticked {
        Ticked {
            inner: (self.lo..self.hi).into(),
            ticks: self.ticks.clone(),
        }
    }
}
pub type Plotted<'a, DB> = ChartContext<'a, DB, Coord>;

/// One axis: its range, where its ticks go and how they read.
#[derive(Clone, Debug)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub title: String,
    pub labels: TickLabels,
}

#[derive(Clone, Debug)]
pub enum TickLabels {
    Number {
        step: f64,
    },
    Percent {
        step: f64,
    },
    /// Fixed text per tick value (calendar labels, row names).
    Text(HashMap<i64, String>),
}

impl Axis {
    /// A numeric axis over `lo..hi` (padded by `pad` of the span each side).
    pub fn number(
        title: &str,
        lo: f64,
        hi: f64,
        pad: f64,
        max_ticks: usize,
        integer: bool,
    ) -> Axis {
        let (lo, hi) = widen(lo, hi);
        let span = hi - lo;
        let (lo, hi) = (lo - span * pad, hi + span * pad);
        let (step, ticks) = nice_ticks(lo, hi, max_ticks, integer);
        Axis {
            lo,
            hi,
            ticks,
            title: title.to_string(),
            labels: TickLabels::Number { step },
        }
    }

    /// A probability axis from 0 to a round ceiling above `max` (at most 100%).
    pub fn percent(title: &str, max: f64, max_ticks: usize) -> Axis {
        let top = if !max.is_finite() || max > 0.6 {
            1.0
        } else {
            let (step, ticks) = nice_ticks(0.0, max.max(0.01), 5, false);
            ticks
                .last()
                .map_or(1.0, |t| if *t < max { t + step } else { *t })
                .min(1.0)
        };
        let (step, ticks) = nice_ticks(0.0, top, max_ticks, false);
        Axis {
            lo: 0.0,
            hi: top,
            ticks,
            title: title.to_string(),
            labels: TickLabels::Percent { step },
        }
    }

    /// A time axis over steps, labelled with calendar labels that fit.
    pub fn time(title: &str, labels: &[(u32, String)], plot_width: i32, st: &Style) -> Axis {
        let chosen = time_ticks(labels, plot_width, &st.tick_font());
        let text: HashMap<i64, String> = labels
            .iter()
            .filter(|(s, _)| chosen.contains(s))
            .map(|(s, l)| (i64::from(*s), l.clone()))
            .collect();
        let first = labels.first().map_or(0.0, |l| f64::from(l.0));
        let last = labels.last().map_or(1.0, |l| f64::from(l.0));
        let (lo, hi) = widen(first, last);
        Axis {
            lo,
            hi,
            ticks: chosen.iter().map(|s| f64::from(*s)).collect(),
            title: title.to_string(),
            labels: TickLabels::Text(text),
        }
    }

    /// A vertical axis of named rows, the first row at the top; names are
    /// cut to `max_width` pixels.
    pub fn rows(names: &[String], max_width: i32, st: &Style) -> Axis {
        let font = st.tick_font();
        let n = names.len();
        let text: HashMap<i64, String> = names
            .iter()
            .enumerate()
            .map(|(i, name)| ((n - 1 - i) as i64, fit(name, &font, max_width)))
            .collect();
        Axis {
            lo: -0.5,
            hi: n as f64 - 0.5,
            ticks: (0..n).map(|i| i as f64).collect(),
            title: String::new(),
            labels: TickLabels::Text(text),
        }
    }

    /// Where row `i` (0 = top) sits on a `rows` axis.
    pub fn row_center(&self, i: usize) -> f64 {
        self.hi - 0.5 - i as f64
    }

    pub fn label(&self, value: f64) -> String {
        match &self.labels {
            TickLabels::Number { step } => tick_label(value, *step),
            TickLabels::Percent { step } => percent_label(value, *step),
            TickLabels::Text(map) => map
                .get(&(value.round() as i64))
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The widest tick label, in pixels.
    pub fn widest_label(&self, st: &Style) -> i32 {
        let font = st.tick_font();
        self.ticks
            .iter()
            .map(|t| text_width(&self.label(*t), &font))
            .max()
            .unwrap_or(0)
    }
}

/// A range that is never empty: a single value gets room around it.
pub fn widen(lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi > lo {
        return (lo, hi);
    }
    let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
    (lo - d, hi + d)
}

/// Which grid lines help read the plot: horizontal ones for a value read
/// off the y axis, vertical ones for bars read off the x axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grid {
    Horizontal,
    Vertical,
}

/// Build the coordinate system and draw axes, ticks, titles and grid.
pub fn plot_area<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: &Axis,
    y: &Axis,
    st: &Style,
    grid: Grid,
) -> Drawn<Plotted<'a, DB>> {
    let gap = st.gap(10.0);
    let x_area = text_height(&st.tick_font()) + text_height(&st.label_font()) + 3 * gap;
    let y_area = y.widest_label(st) + text_height(&st.label_font()) + 3 * gap;
    // Room for half of the last x label, which is centred on the right edge.
    let right = (x.widest_label(st) / 2 + st.gap(6.0)).max(st.gap(16.0));
    let mut chart = ChartBuilder::on(area)
        .margin_top(st.gap(8.0))
        .margin_right(right)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x.coord(), y.coord())
        .map_err(fail)?;
    let x_fmt = |v: &f64| x.label(*v);
    let y_fmt = |v: &f64| y.label(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x.title.as_str())
        .y_desc(y.title.as_str())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(st.tick_font().color(&MUTED))
        .axis_desc_style(st.label_font().color(&AXIS))
        .axis_style(AXIS.stroke_width(st.stroke(1.5)))
        .bold_line_style(GRID.stroke_width(st.stroke(1.0)))
        .set_all_tick_mark_size(st.gap(6.0));
    match grid {
        Grid::Horizontal => mesh.disable_x_mesh(),
        Grid::Vertical => mesh.disable_y_mesh(),
    };
    mesh.draw().map_err(fail)?;
    Ok(chart)
}
