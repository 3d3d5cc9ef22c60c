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

use super::canvas::{
    Drawn, fail, fit_title, line_pitch, nice_ticks, text_height, text_width, time_ticks, wrap,
    wrap_all,
};
use super::style::{AXIS, GRID, INK, MUTED, Style};

pub type Coord = Cartesian2d<Ticked, Ticked>;
pub type Plotted<'a, DB> = ChartContext<'a, DB, Coord>;

/// Lines a row name may wrap onto.
const ROW_NAME_LINES: usize = 3;
/// Lines an axis title may wrap onto.
pub(super) const AXIS_TITLE_LINES: usize = 2;
/// The most lines an axis title or a colour bar's title wraps onto, at
/// the smallest size, before it is cut: a long title along a short axis (a
/// heat map's y axis, the narrow plot of a forest plot between its names
/// and its notes) takes four.
pub(super) const AXIS_TITLE_MOST_LINES: usize = 4;
/// Names of rows that fit their rows at no size down to [`SMALLEST_TEXT`]
/// (a comparison's many rows, one line each) shrink this far before they
/// are cut: in a report's figure, about 5 pt in print.
const ROW_TEXT_LAST_RESORT: f64 = 0.72;
/// Text may shrink to this share of its size to fit before it is cut: row
/// names and axis titles of a half-width figure stay above 5 pt in print.
pub(super) const SMALLEST_TEXT: f64 = 0.8;
/// The steps by which text shrinks towards [`SMALLEST_TEXT`].
pub(super) const TEXT_SCALES: [f64; 4] = [1.0, 0.92, 0.86, SMALLEST_TEXT];

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
    Rows(RowNames),
}

/// Row names as set: each row's lines, and the size they are set at.
#[derive(Clone, Debug)]
pub struct RowNames {
    pub rows: BTreeMap<i64, RowName>,
    /// Font size in pixels: the tick size, or smaller where names must
    /// shrink to fit their rows.
    pub size: f64,
}

/// What row names may take: the height of the plot they are set beside,
/// and the widest share of the chart their column may have.
#[derive(Clone, Copy, Debug)]
pub struct RowSpace {
    /// Height of the plot in pixels (see [`rows_height`]).
    pub height: i32,
    /// Width of the chart in pixels.
    pub width: i32,
    /// Share of the width the names start with.
    pub narrow: f64,
    /// Share of the width the names may widen to, to fit in their rows.
    pub wide: f64,
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
    /// to fit `space` (see [`Axis::grouped_rows`]).
    pub fn rows(names: &[String], space: RowSpace, st: &Style) -> Axis {
        Axis::grouped_rows(names, &[], space, st)
    }

    /// Named rows where `headings[i]` marks row `i` as a group heading
    /// (missing entries are ordinary rows). Names wrap onto as many lines
    /// as a row has room for (at most three); where that is not enough the
    /// name column widens, then the names shrink (to [`SMALLEST_TEXT`],
    /// then to [`ROW_TEXT_LAST_RESORT`]), and only then is a name cut with
    /// an ellipsis.
    pub fn grouped_rows(names: &[String], headings: &[bool], space: RowSpace, st: &Style) -> Axis {
        let n = names.len();
        let heading = |i: usize| headings.get(i).copied().unwrap_or(false);
        let row_px = space.height / n.max(1) as i32;
        let base = st.row_font().get_size();
        let widths = [space.narrow, (space.narrow + space.wide) / 2.0, space.wide]
            .map(|share| (f64::from(space.width) * share) as i32);
        let heading_width = space.width - st.gap(16.0);
        let fonts = |size: f64| (st.tick_font().resize(size), st.heading_font().resize(size));
        let room =
            |size: f64| (row_px / line_pitch(size).max(1)).clamp(1, ROW_NAME_LINES as i32) as usize;
        // Every name in at most `room` lines no wider than `width`, if
        // they all fit so.
        let fitting = |size: f64, width: i32| -> Option<Vec<Vec<String>>> {
            let (plain, bold) = fonts(size);
            names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let font = if heading(i) { &bold } else { &plain };
                    // A heading's row is empty: it may run across the plot.
                    let width = if heading(i) { heading_width } else { width };
                    let lines = wrap_all(name, font, width);
                    let fits = lines.len() <= room(size)
                        && lines.iter().all(|l| text_width(l, font) <= width);
                    fits.then_some(lines)
                })
                .collect()
        };
        let fitted = TEXT_SCALES
            .iter()
            .chain([&ROW_TEXT_LAST_RESORT])
            .find_map(|scale| {
                let size = base * scale;
                widths
                    .iter()
                    .find_map(|&width| fitting(size, width).map(|lines| (size, lines)))
            });
        let (size, lines) = fitted.unwrap_or_else(|| {
            let size = base * ROW_TEXT_LAST_RESORT;
            let (plain, bold) = fonts(size);
            let lines = names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let font = if heading(i) { &bold } else { &plain };
                    let width = if heading(i) { heading_width } else { widths[2] };
                    wrap(name, font, width, room(size))
                })
                .collect();
            (size, lines)
        });
        let rows = lines
            .into_iter()
            .enumerate()
            .map(|(i, lines)| {
                (
                    (n - 1 - i) as i64,
                    RowName {
                        lines,
                        heading: heading(i),
                    },
                )
            })
            .collect();
        Axis {
            lo: -0.5,
            hi: n as f64 - 0.5,
            // Headings name a group; only the rows with marks get a tick.
            ticks: (0..n)
                .filter(|&i| !heading(n - 1 - i))
                .map(|i| i as f64)
                .collect(),
            title: String::new(),
            labels: TickLabels::Rows(RowNames { rows, size }),
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
        if let TickLabels::Rows(names) = &self.labels {
            // Headings start at the left edge and may reach into the plot,
            // so only ordinary names set the width of the label column.
            let font = font.resize(names.size);
            return names
                .rows
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
/// for a column of notes or a colour bar, above it for their heading; and
/// how panels stacked over one x axis line up.
#[derive(Clone, Copy, Debug, Default)]
pub struct Room {
    pub right: i32,
    pub top: i32,
    /// The y axis's label column is at least this wide, so stacked panels'
    /// plots start at one x.
    pub left: i32,
    /// No x tick labels or title: a panel above another that shares its x
    /// axis (tick marks and the grid still show).
    pub bare_x: bool,
}

/// Height of the strip under a plot for x tick labels and a title of
/// `title_lines` lines.
fn x_label_area(st: &Style, title_lines: usize) -> i32 {
    let gap = st.gap(10.0);
    text_height(&st.tick_font())
        + line_pitch(st.label_font().get_size()) * title_lines as i32
        + 3 * gap
}

/// Width of the column left of a plot for `y`'s tick labels and title.
pub fn y_label_area(y: &Axis, st: &Style, title_lines: usize) -> i32 {
    let gap = st.gap(10.0);
    let title = if y.title.is_empty() {
        0
    } else {
        line_pitch(st.label_font().get_size()) * title_lines as i32
    };
    y.widest_label(st) + title + 3 * gap
}

/// How tall the plot drawn in an area `area_height` high will be at least
/// (under an x title of as many lines as it may take), for a y axis of
/// rows: their names are fitted to it before the plot is laid out.
pub fn rows_height(area_height: u32, room: Room, st: &Style) -> i32 {
    plot_height(area_height, room, st, AXIS_TITLE_MOST_LINES)
}

/// How tall the plot drawn in an area `area_height` high is under an x
/// title of `title_lines` lines.
pub fn plot_height(area_height: u32, room: Room, st: &Style, title_lines: usize) -> i32 {
    area_height as i32 - x_label_area(st, title_lines) - st.gap(8.0) - room.top.max(0)
}

/// An axis title as set: its font (possibly shrunk) and its lines.
fn title_lines(title: &str, st: &Style, max: i32, most: usize) -> (FontDesc<'static>, Vec<String>) {
    if title.is_empty() {
        return (st.label_font(), Vec::new());
    }
    // More lines, at the smallest size, before a word is cut.
    fit_title(title, &st.label_font(), max, (AXIS_TITLE_LINES, most))
}

/// The margins [`plot_area_with`] keeps around a plot.
struct Sides {
    top: i32,
    right: i32,
    /// The column left of the plot for the y tick labels and title.
    y_area: i32,
    y_title: (FontDesc<'static>, Vec<String>),
}

fn sides(height: i32, x: &Axis, y: &Axis, st: &Style, room: Room) -> Sides {
    // Room for half of the last x label, which is centred on the right edge
    // (below the plot, so it may share the room kept beside the plot).
    let right = (x.widest_label(st) / 2 + st.gap(6.0))
        .max(st.gap(16.0))
        .max(room.right.max(0));
    let top = st.gap(8.0) + room.top.max(0);
    // The y title is fitted to the height the plot would have under an x
    // title of two lines, the x title to the width left by the y title.
    let y_room = height - top - x_label_area(st, AXIS_TITLE_LINES);
    let y_title = title_lines(&y.title, st, y_room, AXIS_TITLE_MOST_LINES);
    let y_area = y_label_area(y, st, y_title.1.len()).max(room.left);
    Sides {
        top,
        right,
        y_area,
        y_title,
    }
}

/// The width in pixels of the plot [`plot_area_with`] lays out in an area
/// of `(width, height)`: what a chart that writes values inside its plot
/// measures them against before it picks its axis.
pub fn plot_width((width, height): (u32, u32), x: &Axis, y: &Axis, st: &Style, room: Room) -> i32 {
    let s = sides(height as i32, x, y, st, room);
    width as i32 - s.y_area - s.right
}

/// [`plot_area`] leaving `room` free beside the plot. Axis titles wrap onto
/// a second line, then shrink, before they are cut.
pub fn plot_area_with<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: &Axis,
    y: &Axis,
    st: &Style,
    grid: Grid,
    room: Room,
) -> Drawn<Plotted<'a, DB>> {
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);
    let Sides {
        top,
        right,
        y_area,
        y_title: (y_font, y_lines),
    } = sides(height, x, y, st, room);
    let (x_font, x_lines) = if room.bare_x {
        (st.label_font(), Vec::new())
    } else {
        title_lines(&x.title, st, width - y_area - right, AXIS_TITLE_MOST_LINES)
    };
    let x_area = if room.bare_x {
        st.gap(10.0)
    } else {
        x_label_area(st, x_lines.len())
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(top)
        .margin_right(right)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x.coord(), y.coord())
        .map_err(fail)?;
    let bare = room.bare_x;
    let x_fmt = |v: &f64| if bare { String::new() } else { x.label(*v) };
    let y_fmt = |v: &f64| y.label(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(st.tick_font().color(&MUTED))
        .axis_style(AXIS.stroke_width(st.stroke(1.5)))
        .bold_line_style(GRID.stroke_width(st.stroke(1.0)))
        .set_all_tick_mark_size(st.gap(6.0));
    match grid {
        Grid::Horizontal => mesh.disable_x_mesh(),
        Grid::Vertical => mesh.disable_y_mesh(),
    };
    mesh.draw().map_err(fail)?;
    draw_titles(area, &chart, (&x_font, &x_lines), (&y_font, &y_lines))?;
    if let TickLabels::Rows(rows) = &y.labels {
        draw_row_names(area, &chart, rows, st)?;
    }
    Ok(chart)
}

/// The x title's lines centred under the plot at the foot of the area, the
/// y title's turned to read upwards, centred beside the plot at the left
/// edge (as plotters places a one-line title).
fn draw_titles<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plotted<'_, DB>,
    (x_font, x_lines): (&FontDesc<'static>, &[String]),
    (y_font, y_lines): (&FontDesc<'static>, &[String]),
) -> Drawn {
    let (base_x, base_y) = area.get_base_pixel();
    let (_, height) = area.dim_in_pixel();
    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    let centre_x = (plot_x.start + plot_x.end) / 2 - base_x;
    let centre_y = (plot_y.start + plot_y.end) / 2 - base_y;
    let pitch = line_pitch(x_font.get_size());
    let n = x_lines.len() as i32;
    for (k, line) in x_lines.iter().enumerate() {
        let bottom = height as i32 - (n - 1 - k as i32) * pitch;
        let style = x_font
            .color(&AXIS)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        area.draw(&Text::new(line.clone(), (centre_x, bottom), style))
            .map_err(fail)?;
    }
    let pitch = line_pitch(y_font.get_size());
    for (k, line) in y_lines.iter().enumerate() {
        let style = y_font
            .transform(FontTransform::Rotate270)
            .color(&AXIS)
            .pos(Pos::new(HPos::Center, VPos::Top));
        area.draw(&Text::new(
            line.clone(),
            (k as i32 * pitch, centre_y),
            style,
        ))
        .map_err(fail)?;
    }
    Ok(())
}

/// Row names right-aligned left of the axis and centred on their rows, in
/// as many lines as the row height allows; group headings bold and
/// left-aligned at the edge of the chart.
fn draw_row_names<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plotted<'_, DB>,
    names: &RowNames,
    st: &Style,
) -> Drawn {
    let line_h = line_pitch(names.size);
    let (plain, bold) = (
        st.tick_font().resize(names.size),
        st.heading_font().resize(names.size),
    );
    let (base_x, base_y) = area.get_base_pixel();
    let row_px = (chart.backend_coord(&(0.0, 0.0)).1 - chart.backend_coord(&(0.0, 1.0)).1).abs();
    let room = (row_px / line_h.max(1)).max(1) as usize;
    let left = chart.x_range().start;
    let rows = &names.rows;
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
            let style = bold.color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
            (style, st.gap(4.0))
        } else {
            let style = plain.color(&MUTED).pos(Pos::new(HPos::Right, VPos::Top));
            (style, x - base_x - st.gap(10.0))
        };
        for (k, line) in shown.into_iter().enumerate() {
            let at = (at_x, first + k as i32 * line_h);
            if name.heading {
                // A heading may run past the axis into its empty row; a
                // white backing keeps the axis line from striking it out.
                let w = text_width(&line, &bold);
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
