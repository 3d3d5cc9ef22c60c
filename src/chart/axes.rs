//! Axes: ranges, ticks, tick labels and the mesh, the same on every chart.
//!
//! Ticks are chosen here rather than by plotters, so that numbers are round,
//! probabilities read as percentages, whole-number data never gets a "2.5"
//! tick, time axes show calendar labels spaced so they cannot collide, and
//! row names wrap onto several lines instead of losing their ends.

use crate::format;
use std::collections::BTreeMap;
use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{Drawn, fail, fit, nice_ticks, text_height, text_width, time_ticks, wrap};
use super::style::{AXIS, GRID, INK, MUTED, Style};

pub type Coord = Cartesian2d<Ticked, Ticked>;
pub type Plotted<'a, DB> = ChartContext<'a, DB, Coord>;

/// Lines a row name may wrap onto.
const ROW_NAME_LINES: usize = 3;

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
    /// Fixed text per tick value (calendar labels).
    Text(BTreeMap<i64, String>),
    /// Row names, wrapped onto lines; drawn by `draw_row_names`, not by the
    /// mesh, because plotters' tick labels are single lines.
    Rows(BTreeMap<i64, RowName>),
}

/// A row's name as drawn: its lines, and whether it heads a group.
#[derive(Clone, Debug)]
pub struct RowName {
    pub lines: Vec<String>,
    /// Group headings are bold, in ink, and start at the left edge.
    pub heading: bool,
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
            let last = ticks
                .last()
                .map_or(1.0, |t| if *t < max { t + step } else { *t });
            last.min(1.0)
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
        let text: BTreeMap<i64, String> = labels
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

    /// A vertical axis of named rows, the first row at the top; names wrap
    /// to lines of at most `max_width` pixels.
    pub fn rows(names: &[String], max_width: i32, st: &Style) -> Axis {
        Axis::grouped_rows(names, &[], max_width, st)
    }

    /// Named rows where `headings[i]` marks row `i` as a group heading
    /// (missing entries are ordinary rows).
    pub fn grouped_rows(names: &[String], headings: &[bool], max_width: i32, st: &Style) -> Axis {
        let n = names.len();
        let text = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let heading = headings.get(i).copied().unwrap_or(false);
                let font = if heading {
                    st.heading_font()
                } else {
                    st.tick_font()
                };
                let lines = wrap(name, &font, max_width, ROW_NAME_LINES);
                ((n - 1 - i) as i64, RowName { lines, heading })
            })
            .collect();
        Axis {
            lo: -0.5,
            hi: n as f64 - 0.5,
            // Headings name a group; only the rows with marks get a tick.
            ticks: (0..n)
                .filter(|&i| !headings.get(n - 1 - i).copied().unwrap_or(false))
                .map(|i| i as f64)
                .collect(),
            title: String::new(),
            labels: TickLabels::Rows(text),
        }
    }

    /// Where row `i` (0 = top) sits on a `rows` axis.
    pub fn row_center(&self, i: usize) -> f64 {
        self.hi - 0.5 - i as f64
    }

    pub fn label(&self, value: f64) -> String {
        match &self.labels {
            TickLabels::Number { step } => format::tick(value, *step),
            TickLabels::Percent { step } => format::percent_tick(value, *step),
            TickLabels::Text(map) => map
                .get(&(value.round() as i64))
                .cloned()
                .unwrap_or_default(),
            TickLabels::Rows(_) => String::new(),
        }
    }

    /// The widest tick label (or line of a row name), in pixels.
    pub fn widest_label(&self, st: &Style) -> i32 {
        let font = st.tick_font();
        if let TickLabels::Rows(rows) = &self.labels {
            // Headings start at the left edge and may reach into the plot,
            // so only ordinary names set the width of the label column.
            return rows
                .values()
                .filter(|r| !r.heading)
                .flat_map(|r| &r.lines)
                .map(|l| text_width(l, &font))
                .max()
                .unwrap_or(0);
        }
        self.ticks
            .iter()
            .map(|t| text_width(&self.label(*t), &font))
            .max()
            .unwrap_or(0)
    }

    fn coord(&self) -> Ticked {
        Ticked {
            inner: (self.lo..self.hi).into(),
            ticks: self.ticks.clone(),
        }
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
    plot_area_with(area, x, y, st, grid, Room::default())
}

/// Pixels kept free around the plot beyond what its axes need: right of it
/// for a column of notes or a colour bar, above it for their heading.
#[derive(Clone, Copy, Debug, Default)]
pub struct Room {
    pub right: i32,
    pub top: i32,
}

/// [`plot_area`] leaving `room` free beside the plot.
pub fn plot_area_with<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: &Axis,
    y: &Axis,
    st: &Style,
    grid: Grid,
    room: Room,
) -> Drawn<Plotted<'a, DB>> {
    let gap = st.gap(10.0);
    let extra_right = room.right.max(0);
    let x_area = text_height(&st.tick_font()) + text_height(&st.label_font()) + 3 * gap;
    let y_area = y.widest_label(st) + text_height(&st.label_font()) + 3 * gap;
    // Room for half of the last x label, which is centred on the right edge
    // (below the plot, so it may share the room kept beside the plot).
    let right = (x.widest_label(st) / 2 + st.gap(6.0))
        .max(st.gap(16.0))
        .max(extra_right);
    let top = st.gap(8.0) + room.top.max(0);
    let mut chart = ChartBuilder::on(area)
        .margin_top(top)
        .margin_right(right)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x.coord(), y.coord())
        .map_err(fail)?;
    let (width, height) = area.dim_in_pixel();
    let label_font = st.label_font();
    let x_title = fit(&x.title, &label_font, width as i32 - y_area - right);
    let y_title = fit(&y.title, &label_font, height as i32 - x_area - top);
    let x_fmt = |v: &f64| x.label(*v);
    let y_fmt = |v: &f64| y.label(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_title)
        .y_desc(y_title)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(st.tick_font().color(&MUTED))
        .axis_desc_style(label_font.color(&AXIS))
        .axis_style(AXIS.stroke_width(st.stroke(1.5)))
        .bold_line_style(GRID.stroke_width(st.stroke(1.0)))
        .set_all_tick_mark_size(st.gap(6.0));
    match grid {
        Grid::Horizontal => mesh.disable_x_mesh(),
        Grid::Vertical => mesh.disable_y_mesh(),
    };
    mesh.draw().map_err(fail)?;
    if let TickLabels::Rows(rows) = &y.labels {
        draw_row_names(area, &chart, rows, st)?;
    }
    Ok(chart)
}

/// Row names right-aligned left of the axis and centred on their rows, in
/// as many lines as the row height allows; group headings bold and
/// left-aligned at the edge of the chart.
fn draw_row_names<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plotted<'_, DB>,
    rows: &BTreeMap<i64, RowName>,
    st: &Style,
) -> Drawn {
    let line_h = text_height(&st.tick_font()) + st.gap(3.0);
    let (base_x, base_y) = area.get_base_pixel();
    let row_px = (chart.backend_coord(&(0.0, 0.0)).1 - chart.backend_coord(&(0.0, 1.0)).1).abs();
    let room = (row_px / line_h.max(1)).max(1) as usize;
    let left = chart.x_range().start;
    for (&row, name) in rows {
        let lines = &name.lines;
        let shown = if lines.len() > room {
            let mut kept = lines[..room - 1].to_vec();
            kept.push(format!("{}…", lines[room - 1]));
            kept
        } else {
            lines.clone()
        };
        let (x, y) = chart.backend_coord(&(left, row as f64));
        let first = if name.heading {
            // A heading sits at the foot of its row, just above its group,
            // however tall the rows are.
            let foot = chart.backend_coord(&(left, row as f64 - 0.5)).1;
            (foot - base_y - line_h * shown.len() as i32 - st.gap(2.0)).max(y - base_y - row_px / 2)
        } else {
            y - base_y - line_h * shown.len() as i32 / 2
        };
        let (style, at_x) = if name.heading {
            let style = st
                .heading_font()
                .color(&INK)
                .pos(Pos::new(HPos::Left, VPos::Top));
            (style, st.gap(4.0))
        } else {
            let style = st
                .tick_font()
                .color(&MUTED)
                .pos(Pos::new(HPos::Right, VPos::Top));
            (style, x - base_x - st.gap(10.0))
        };
        for (k, line) in shown.into_iter().enumerate() {
            let at = (at_x, first + k as i32 * line_h);
            if name.heading {
                // A heading may run past the axis into its empty row; a
                // white backing keeps the axis line from striking it out.
                let w = text_width(&line, &st.heading_font());
                let pad = st.gap(4.0);
                area.draw(&Rectangle::new(
                    [
                        (at.0 - pad, at.1 - line_h / 2),
                        (at.0 + w + pad, at.1 + line_h),
                    ],
                    WHITE.filled(),
                ))
                .map_err(fail)?;
            }
            area.draw(&Text::new(line, at, style.clone()))
                .map_err(fail)?;
        }
    }
    Ok(())
}
