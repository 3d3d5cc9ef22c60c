//! Drawing plots of named rows: bars with whiskers, tornadoes, forest plots.
//!
//! Rows run top to bottom in the order given, names on the left; values are
//! written beside each mark (or in a column right of the plot) so a printed
//! chart can be read without a ruler.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{
    self, Axis, Grid, Plotted, Room, RowSpace, TEXT_SCALES, TickLabels, plot_area_with, rows_height,
};
use super::canvas::{
    Drawn, fail, fit_lines, line_pitch, smallest_scale, text_height, text_width, wrap, wrap_all,
};
use super::draw_xy::min_max;
use super::figure::{BarPlot, ForestPlot, Interval, RowNotes, Scale, TornadoPlot};
use super::style::{AXIS, GRID, INK, MUTED, Style, light_text_on};

/// Share of a row's height the bars of one row take together, at most.
const ROW_FILL: f64 = 0.7;
/// Thickest a single bar may be at 1200x800, in pixels.
const MAX_BAR_PX: f64 = 70.0;

/// The share of a row the bars take: `ROW_FILL`, less when rows are tall.
fn row_fill<DB: DrawingBackend>(
    chart: &Plotted<'_, DB>,
    rows: usize,
    bars_per_row: usize,
    st: &Style,
) -> f64 {
    let (_, plot_y) = chart.plotting_area().get_pixel_range();
    let row_px = f64::from(plot_y.end - plot_y.start) / rows.max(1) as f64;
    let wanted = st.px(MAX_BAR_PX, 14.0) * bars_per_row as f64;
    (wanted / row_px.max(1.0)).min(ROW_FILL)
}

/// Where row names may go: 36% of the width, widening to `wide` where the
/// names need it to fit their rows.
fn row_space(area: (u32, u32), room: Room, wide: f64, st: &Style) -> RowSpace {
    RowSpace {
        height: rows_height(area.1, room, st),
        width: area.0 as i32,
        narrow: 0.36,
        wide,
    }
}

/// The widest share of the chart row names may take beside bars; beside a
/// plot with a column of notes on its right they get less.
const WIDE_NAMES: f64 = 0.5;
const WIDE_NAMES_WITH_NOTES: f64 = 0.42;

/// A value axis over `lo..hi` whose ticks read in the plot's scale.
fn value_axis(title: &str, lo: f64, hi: f64, pad: f64, scale: Scale) -> Axis {
    value_axis_ticks(title, lo, hi, pad, scale, 6)
}

/// [`value_axis`] with at most about `max_ticks` ticks.
fn value_axis_ticks(
    title: &str,
    lo: f64,
    hi: f64,
    pad: f64,
    scale: Scale,
    max_ticks: usize,
) -> Axis {
    let mut axis = Axis::number(title, lo, hi, pad, max_ticks, false);
    if scale == Scale::Percent
        && let TickLabels::Number { step } = axis.labels
    {
        axis.labels = TickLabels::Percent { step };
    }
    axis
}

/// A vertical line at x = `at` over the whole plot, when `at` is inside it.
fn vertical_line<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    at: f64,
    (x, y): (&Axis, &Axis),
    style: ShapeStyle,
) -> Drawn {
    if !(at.is_finite() && at > x.lo && at < x.hi) {
        return Ok(());
    }
    chart
        .draw_series(LineSeries::new(vec![(at, y.lo), (at, y.hi)], style))
        .map(|_| ())
        .map_err(fail)
}

pub fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &BarPlot,
    st: &Style,
) -> Drawn {
    let dim = area.dim_in_pixel();
    let y = Axis::rows(
        &plot.rows,
        row_space(dim, Room::default(), WIDE_NAMES, st),
        st,
    );
    let ends = plot.series.iter().flat_map(|s| {
        s.values
            .iter()
            .flatten()
            .flat_map(|v| [v.value, v.lo, v.hi])
    });
    let (lo, hi) = min_max(ends);
    let x = if plot.scale == Scale::Percent && lo >= 0.0 {
        // Headroom past the longest whisker keeps the values outside the bars.
        Axis::percent(&plot.x_title, hi * 1.12, 6)
    } else {
        // Room beyond both ends for the values written there, but none
        // beyond zero when every bar lies on one side of it.
        let mut axis = value_axis(&plot.x_title, lo.min(0.0), hi.max(0.0), 0.1, plot.scale);
        if lo >= 0.0 {
            axis.lo = 0.0;
        }
        if hi <= 0.0 {
            axis.hi = 0.0;
        }
        let (a, b) = (axis.lo, axis.hi);
        axis.ticks.retain(|t| *t >= a && *t <= b);
        axis
    };
    let mut chart = plot_area_with(area, &x, &y, st, Grid::Vertical, Room::default())?;
    let count = plot.series.len().max(1);
    let fill = row_fill(&chart, plot.rows.len(), count, st);
    let height = fill / count as f64;
    for (j, series) in plot.series.iter().enumerate() {
        for (i, value) in series.values.iter().enumerate() {
            let top = y.row_center(i) + fill / 2.0 - j as f64 * height;
            let (y0, y1) = (top - height, top);
            let Some(v) = value.filter(|v| v.value.is_finite()) else {
                note(&mut chart, "no data", (0.0, (y0 + y1) / 2.0), st)?;
                continue;
            };
            let color = match series.negative {
                Some(c) if v.value < 0.0 => c,
                _ => series.color,
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (v.value, y1)],
                    color.filled(),
                )))
                .map_err(fail)?;
            whisker(&mut chart, &v, (y0 + y1) / 2.0, height, INK, st)?;
            bar_label(&mut chart, &v, (y0, y1), (plot.scale, color), st)?;
        }
    }
    if x.lo < 0.0 {
        vertical_line(&mut chart, 0.0, (&x, &y), AXIS.stroke_width(st.stroke(1.5)))?;
    }
    Ok(())
}

/// The interval as a horizontal line with end caps.
fn whisker<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    v: &Interval,
    mid: f64,
    height: f64,
    color: RGBColor,
    st: &Style,
) -> Drawn {
    if !(v.lo.is_finite() && v.hi.is_finite()) {
        return Ok(());
    }
    let style = color.stroke_width(st.stroke(2.0));
    let bar_px = (chart.backend_coord(&(0.0, 0.0)).1 - chart.backend_coord(&(0.0, height)).1).abs();
    let cap = (bar_px / 4).clamp(2, st.gap(7.0));
    chart
        .draw_series(LineSeries::new(vec![(v.lo, mid), (v.hi, mid)], style))
        .map_err(fail)?;
    for end in [v.lo, v.hi] {
        let tick = PathElement::new(vec![(0, -cap), (0, cap)], style);
        chart
            .plotting_area()
            .draw(&(EmptyElement::at((end, mid)) + tick))
            .map_err(fail)?;
    }
    Ok(())
}

/// The value beyond the whisker's far end (right of a positive bar, left of
/// a negative one), or inside the bar when there is no room outside.
fn bar_label<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    v: &Interval,
    (y0, y1): (f64, f64),
    (scale, bar): (Scale, RGBColor),
    st: &Style,
) -> Drawn {
    let font = st.note_font();
    let bar_px = (chart.backend_coord(&(0.0, y0)).1 - chart.backend_coord(&(0.0, y1)).1).abs();
    if bar_px < text_height(&font) * 9 / 10 {
        return Ok(());
    }
    let text = scale.text(v.value);
    let width = text_width(&text, &font) + 2 * st.gap(8.0);
    let mid = (y0 + y1) / 2.0;
    let finite = |x: f64, or: f64| if x.is_finite() { x } else { or };
    let negative = v.value < 0.0;
    // The far end of the mark, and its near end (the bar's base at zero).
    let far = if negative {
        finite(v.lo, v.value).min(v.value)
    } else {
        finite(v.hi, v.value).max(v.value)
    };
    let (plot_x, _) = chart.plotting_area().get_pixel_range();
    let far_px = chart.backend_coord(&(far, mid)).0;
    let outside = if negative {
        far_px - plot_x.start >= width
    } else {
        plot_x.end - far_px >= width
    };
    let (anchor, at, color) = if outside {
        let anchor = if negative { HPos::Right } else { HPos::Left };
        (anchor, far, INK)
    } else {
        // Inside the bar, against its outer end but clear of the whisker.
        let inner = if negative {
            finite(v.hi, v.value).max(v.value)
        } else {
            finite(v.lo, v.value).min(v.value)
        };
        let room =
            (chart.backend_coord(&(inner, mid)).0 - chart.backend_coord(&(0.0, mid)).0).abs();
        if room < width {
            return Ok(());
        }
        let anchor = if negative { HPos::Left } else { HPos::Right };
        let ink = if light_text_on(bar) { WHITE } else { INK };
        (anchor, inner, ink)
    };
    let dx = if matches!(anchor, HPos::Left) {
        st.gap(8.0)
    } else {
        -st.gap(8.0)
    };
    let label = Text::new(
        text,
        (dx, 0),
        font.color(&color).pos(Pos::new(anchor, VPos::Center)),
    );
    chart
        .plotting_area()
        .draw(&(EmptyElement::at((at, mid)) + label))
        .map_err(fail)
}

fn note<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    text: &str,
    at: (f64, f64),
    st: &Style,
) -> Drawn {
    let style = st
        .note_font()
        .color(&MUTED)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let label = Text::new(text.to_string(), (st.gap(6.0), 0), style);
    chart
        .plotting_area()
        .draw(&(EmptyElement::at(at) + label))
        .map_err(fail)
}

/// How wide row names may grow beside a plot with `room` kept on its right.
fn notes_wide(room: Room) -> f64 {
    if room.right > 0 {
        WIDE_NAMES_WITH_NOTES
    } else {
        WIDE_NAMES
    }
}

/// Width of a notes column (0 when there are no notes): as wide as its
/// widest note or its heading, but at most [`NOTES_SHARE`] of the chart;
/// longer notes and headings wrap (see [`note_lines`]).
pub(super) fn notes_room(notes: &RowNotes, width: u32, st: &Style) -> Room {
    if notes.is_empty() {
        return Room::default();
    }
    let widest = notes
        .rows
        .iter()
        .map(|n| text_width(n, &st.note_font()))
        .chain(std::iter::once(text_width(
            &notes.heading,
            &st.heading_font(),
        )))
        .max()
        .unwrap_or(0);
    let column = widest.min((f64::from(width) * NOTES_SHARE) as i32);
    let (font, heading) = notes_heading(&notes.heading, column, st);
    Room {
        right: column + st.gap(28.0),
        top: line_pitch(font.get_size()) * heading.len().max(1) as i32 + st.gap(10.0),
        ..Room::default()
    }
}

/// The widest share of a chart a column of notes takes.
const NOTES_SHARE: f64 = 0.27;
/// Lines a note or the notes' heading may wrap onto.
const NOTE_LINES: usize = 3;

/// The notes' heading in at most two lines of `column` pixels.
fn notes_heading(heading: &str, column: i32, st: &Style) -> (FontDesc<'static>, Vec<String>) {
    fit_lines(heading, &st.heading_font(), &TEXT_SCALES, column, 2)
}

/// One note in lines of at most `max` pixels: whole, or broken before its
/// interval ("+0.060" over "(+0.048 to +0.072)"), or at spaces.
fn note_split(text: &str, font: &FontDesc<'static>, max: i32) -> Vec<String> {
    if text_width(text, font) <= max {
        return vec![text.to_string()];
    }
    if let Some((value, interval)) = text.split_once(" (") {
        let interval = format!("({interval}");
        if text_width(value, font) <= max && text_width(&interval, font) <= max {
            return vec![value.to_string(), interval];
        }
    }
    wrap_all(text, font, max)
}

/// Every note set at one size: the note font's, or as little smaller as
/// lets each fit in `lines` lines of `max` pixels; cut, at the smallest
/// size, only where even that is not enough.
fn note_lines(
    notes: &[String],
    st: &Style,
    max: i32,
    lines: usize,
) -> (FontDesc<'static>, Vec<Vec<String>>) {
    let base = st.note_font();
    let size = base.get_size();
    let set = |scale: f64| {
        let font = base.resize(size * scale);
        let split: Vec<Vec<String>> = notes.iter().map(|n| note_split(n, &font, max)).collect();
        (font, split)
    };
    let fitting = TEXT_SCALES.iter().find_map(|&scale| {
        let (font, split) = set(scale);
        split
            .iter()
            .all(|l| l.len() <= lines && l.iter().all(|x| text_width(x, &font) <= max))
            .then_some((font, split))
    });
    fitting.unwrap_or_else(|| {
        let font = base.resize(size * smallest_scale(&TEXT_SCALES));
        let cut = notes.iter().map(|n| wrap(n, &font, max, lines)).collect();
        (font, cut)
    })
}

/// The notes column: a heading above the first row, then each row's text
/// level with its row, left-aligned just right of the plot.
fn draw_notes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plotted<'_, DB>,
    y: &Axis,
    notes: &RowNotes,
    room: Room,
    st: &Style,
) -> Drawn {
    if notes.is_empty() {
        return Ok(());
    }
    let (base_x, base_y) = area.get_base_pixel();
    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    let left = plot_x.end - base_x + st.gap(18.0);
    let column = room.right - st.gap(28.0);
    let (font, heading) = notes_heading(&notes.heading, column, st);
    let pitch = line_pitch(font.get_size());
    let style = font.color(&MUTED).pos(Pos::new(HPos::Left, VPos::Bottom));
    let bottom = plot_y.start - base_y - st.gap(6.0);
    let n = heading.len() as i32;
    for (k, line) in heading.into_iter().enumerate() {
        let at = (left, bottom - (n - 1 - k as i32) * pitch);
        area.draw(&Text::new(line, at, style.clone()))
            .map_err(fail)?;
    }
    // As many lines as a row has room for, up to three.
    let row_px = (chart.backend_coord(&(y.lo, 0.0)).1 - chart.backend_coord(&(y.lo, 1.0)).1).abs();
    let room_lines =
        (row_px / line_pitch(st.note_font().get_size()).max(1)).clamp(1, NOTE_LINES as i32);
    let (font, lines) = note_lines(&notes.rows, st, column, room_lines as usize);
    let pitch = line_pitch(font.get_size());
    let style = font.color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, lines) in lines.into_iter().enumerate() {
        let mid = chart.backend_coord(&(y.lo, y.row_center(i))).1 - base_y;
        let first = mid - pitch * (lines.len() as i32 - 1) / 2;
        for (k, line) in lines.into_iter().enumerate() {
            area.draw(&Text::new(
                line,
                (left, first + k as i32 * pitch),
                style.clone(),
            ))
            .map_err(fail)?;
        }
    }
    Ok(())
}

pub fn tornado<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &TornadoPlot,
    st: &Style,
) -> Drawn {
    let dim = area.dim_in_pixel();
    let room = notes_room(&plot.notes, dim.0, st);
    let names: Vec<String> = plot.rows.iter().map(|r| r.0.clone()).collect();
    let y = Axis::rows(&names, row_space(dim, room, notes_wide(room), st), st);
    let x = tornado_axis(plot, dim, &y, room, st);
    let mut chart = plot_area_with(area, &x, &y, st, Grid::Vertical, room)?;
    let fill = row_fill(&chart, plot.rows.len(), 1, st);
    for (i, (_, low, high)) in plot.rows.iter().enumerate() {
        let mid = y.row_center(i);
        let (y0, y1) = (mid - fill / 2.0, mid + fill / 2.0);
        // The longer side first, so a shorter one on the same side shows on top.
        let mut sides = [(*low, plot.low_color), (*high, plot.high_color)];
        sides.sort_by(|a, b| {
            (b.0 - plot.baseline)
                .abs()
                .total_cmp(&(a.0 - plot.baseline).abs())
        });
        for (value, color) in sides.iter().filter(|s| s.0.is_finite()) {
            let rect = Rectangle::new([(plot.baseline, y0), (*value, y1)], color.filled());
            chart.draw_series(std::iter::once(rect)).map_err(fail)?;
        }
        for (k, (value, _)) in sides.iter().enumerate().filter(|s| s.1.0.is_finite()) {
            let same_side = (sides[0].0 - plot.baseline) * (sides[1].0 - plot.baseline) > 0.0;
            if k == 1 && same_side {
                continue;
            }
            end_label(&mut chart, *value, plot.baseline, mid, plot.scale, st)?;
        }
    }
    let line = vec![(plot.baseline, y.lo), (plot.baseline, y.hi)];
    chart
        .draw_series(LineSeries::new(line, INK.stroke_width(st.stroke(2.0))))
        .map_err(fail)?;
    draw_notes(area, &chart, &y, &plot.notes, room, st)
}

/// The values a tornado writes beyond its bars' ends: each with its width
/// in pixels, gap included, and whether it is written right of its value.
fn end_labels(plot: &TornadoPlot, st: &Style) -> Vec<(f64, i32, bool)> {
    let font = st.note_font();
    plot.rows
        .iter()
        .flat_map(|r| [r.1, r.2])
        .filter(|v| v.is_finite())
        .map(|v| {
            let width = st.gap(8.0) + text_width(&plot.scale.text(v), &font) + st.gap(4.0);
            (v, width, v >= plot.baseline)
        })
        .collect()
}

/// A tornado's value axis: its bars and baseline, widened on each side just
/// enough that every value written beyond a bar's end lies inside the plot,
/// clear of the row names on the left and the notes on the right.
fn tornado_axis(plot: &TornadoPlot, dim: (u32, u32), y: &Axis, room: Room, st: &Style) -> Axis {
    let values = plot.rows.iter().flat_map(|r| [r.1, r.2]);
    let (lo, hi) = min_max(values.chain(std::iter::once(plot.baseline)));
    let labels = end_labels(plot, st);
    let axis = |(a, b): (f64, f64)| value_axis(&plot.x_title, a, b, 0.0, plot.scale);
    // The plot's width depends a little on the axis (half its last tick
    // label may set the right margin): measure, fit, and measure again.
    let mut x = value_axis(&plot.x_title, lo, hi, 0.14, plot.scale);
    for _ in 0..2 {
        let width = axes::plot_width(dim, &x, y, st, room);
        let (a, b) = ends_with_room(lo, hi, &labels, width);
        // As many ticks (two at least) as their labels have room for side
        // by side; the fewest when even two are too wide.
        let choices: Vec<Axis> = (2..=6)
            .rev()
            .map(|n| value_axis_ticks(&plot.x_title, a, b, 0.0, plot.scale, n))
            .filter(|x| x.ticks.len() >= 2)
            .collect();
        x = match choices.iter().position(|x| ticks_fit(x, width, st)) {
            Some(k) => choices[k].clone(),
            None => choices.last().cloned().unwrap_or_else(|| axis((a, b))),
        };
    }
    x
}

/// Whether `x`'s tick labels, centred on their ticks, fit side by side in
/// a plot `width` pixels wide.
fn ticks_fit(x: &Axis, width: i32, st: &Style) -> bool {
    x.ticks.len() as i32 * (x.widest_label(st) + st.gap(12.0)) <= width
}

/// The ends of an axis over `lo..hi` in a plot `plot_px` wide such that
/// each label `(value, width, right)` written beside its value, right or
/// left of it, fits between the ends. Labels that cannot fit (about as
/// wide together as the plot) get at most four times the data's span, so
/// the bars stay visible.
pub(crate) fn ends_with_room(
    lo: f64,
    hi: f64,
    labels: &[(f64, i32, bool)],
    plot_px: i32,
) -> (f64, f64) {
    let (lo, hi) = if hi > lo { (lo, hi) } else { widen_flat(lo) };
    let px = f64::from(plot_px.max(1));
    let limit = 4.0 * (hi - lo);
    let (mut a, mut b) = (lo, hi);
    // The span is the fixed point of span = hi - lo + the labels' shares of
    // it; from the data's span upward it rises to it monotonically.
    for _ in 0..200 {
        let span = b - a;
        let share = |w: i32| f64::from(w) / px * span;
        let next_a = labels
            .iter()
            .filter(|l| !l.2)
            .map(|&(v, w, _)| v - share(w))
            .fold(lo, f64::min);
        let next_b = labels
            .iter()
            .filter(|l| l.2)
            .map(|&(v, w, _)| v + share(w))
            .fold(hi, f64::max);
        let done = (next_a - a).abs() + (next_b - b).abs() <= span * 1e-9;
        (a, b) = (next_a, next_b);
        if done || b - a > limit {
            break;
        }
    }
    if b - a > limit {
        let grow = (limit - (hi - lo)) / ((b - a) - (hi - lo));
        (a, b) = (lo - (lo - a) * grow, hi + (b - hi) * grow);
    }
    (a, b)
}

/// A span around a single value, for an axis whose data do not vary.
fn widen_flat(v: f64) -> (f64, f64) {
    let half = if v == 0.0 { 1.0 } else { v.abs() * 0.1 };
    (v - half, v + half)
}

/// The value written just beyond the end of a tornado bar.
fn end_label<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    value: f64,
    baseline: f64,
    mid: f64,
    scale: Scale,
    st: &Style,
) -> Drawn {
    let (anchor, dx) = if value >= baseline {
        (HPos::Left, st.gap(8.0))
    } else {
        (HPos::Right, -st.gap(8.0))
    };
    let style = st
        .note_font()
        .color(&INK)
        .pos(Pos::new(anchor, VPos::Center));
    let label = Text::new(scale.text(value), (dx, 0), style);
    chart
        .plotting_area()
        .draw(&(EmptyElement::at((value, mid)) + label))
        .map_err(fail)
}

/// Dots with interval whiskers against a reference line. A dot is filled
/// when its interval excludes the reference and hollow when it does not, so
/// "more than noise" can be read at a glance.
pub fn forest<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &ForestPlot,
    st: &Style,
) -> Drawn {
    let dim = area.dim_in_pixel();
    let room = notes_room(&plot.notes, dim.0, st);
    let names: Vec<String> = plot.rows.iter().map(|r| r.label.clone()).collect();
    let headings: Vec<bool> = plot.rows.iter().map(|r| r.heading).collect();
    let space = row_space(dim, room, notes_wide(room), st);
    let y = Axis::grouped_rows(&names, &headings, space, st);
    let ends = plot
        .rows
        .iter()
        .filter_map(|r| r.value)
        .flat_map(|v| [v.value, v.lo, v.hi]);
    let (lo, hi) = min_max(ends.chain(std::iter::once(plot.reference)));
    let x = value_axis(&plot.x_title, lo, hi, 0.06, plot.scale);
    let mut chart = plot_area_with(area, &x, &y, st, Grid::Vertical, room)?;
    // A faint rule above each heading but the first separates the groups.
    for (i, row) in plot.rows.iter().enumerate().skip(1) {
        if row.heading {
            let at = y.row_center(i) + 0.5;
            chart
                .draw_series(LineSeries::new(
                    vec![(x.lo, at), (x.hi, at)],
                    GRID.stroke_width(st.stroke(2.0)),
                ))
                .map_err(fail)?;
        }
    }
    vertical_line(
        &mut chart,
        plot.reference,
        (&x, &y),
        AXIS.stroke_width(st.stroke(2.0)),
    )?;
    let radius = st.px(7.0, 3.0).round() as i32;
    for (i, row) in plot.rows.iter().enumerate() {
        let Some(v) = row.value.filter(|v| v.value.is_finite()) else {
            if !row.heading {
                note(&mut chart, "no data", (x.lo, y.row_center(i)), st)?;
            }
            continue;
        };
        let mid = y.row_center(i);
        whisker(&mut chart, &v, mid, 0.5, row.color, st)?;
        let clear = v.lo.is_finite()
            && v.hi.is_finite()
            && (v.lo > plot.reference || v.hi < plot.reference);
        let fill = if clear {
            row.color.filled()
        } else {
            WHITE.filled()
        };
        let ring = row.color.stroke_width(st.stroke(2.5));
        // A thin ink edge keeps light colours (yellow) visible on white.
        let edge = INK.stroke_width(1);
        let dot = EmptyElement::at((v.value, mid))
            + Circle::new((0, 0), radius, fill)
            + Circle::new((0, 0), radius, ring)
            + Circle::new((0, 0), radius + st.stroke(1.5) as i32, edge);
        chart.plotting_area().draw(&dot).map_err(fail)?;
    }
    draw_notes(area, &chart, &y, &plot.notes, room, st)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::style::{DEFAULT_SIZE, Format, Placement, Size, ensure_fonts};

    /// A tornado as a sensitivity report draws it at half width: a chance
    /// with swings to both sides, long input names and a column of notes.
    fn tornado_plot() -> TornadoPlot {
        let rows = [
            ("Share of recruits vetted before deployment", 0.012, 0.948),
            ("Monthly rate of Islamic State attacks", 0.21, 0.93),
            ("Coalition trust lost per insider attack", 0.35, 0.62),
            ("Months until the Defence Ministry is included", 0.44, 0.51),
        ];
        TornadoPlot {
            x_title: "Chance of a negative report".into(),
            baseline: 0.47,
            rows: rows
                .iter()
                .map(|&(n, l, h)| (n.to_string(), l, h))
                .collect(),
            low_color: INK,
            high_color: MUTED,
            scale: Scale::Percent,
            notes: RowNotes {
                heading: "input: 10th → 90th percentile".into(),
                rows: vec!["0.1 → 0.9".into(); rows.len()],
            },
        }
    }

    /// Where each value label of `plot` lies across its plot, in pixels:
    /// (left edge, right edge), with the plot running from 0 to the width
    /// returned; the value axis is the tornado's own, or `fixed_pad` of
    /// the data's span beyond each end when given.
    fn label_extents(
        plot: &TornadoPlot,
        dim: (u32, u32),
        st: &Style,
        fixed_pad: Option<f64>,
    ) -> (Vec<(f64, f64)>, f64) {
        let room = notes_room(&plot.notes, dim.0, st);
        let names: Vec<String> = plot.rows.iter().map(|r| r.0.clone()).collect();
        let y = Axis::rows(&names, row_space(dim, room, notes_wide(room), st), st);
        let x = match fixed_pad {
            None => tornado_axis(plot, dim, &y, room, st),
            Some(pad) => {
                let values = plot.rows.iter().flat_map(|r| [r.1, r.2]);
                let (lo, hi) = min_max(values.chain(std::iter::once(plot.baseline)));
                value_axis(&plot.x_title, lo, hi, pad, plot.scale)
            }
        };
        let width = f64::from(axes::plot_width(dim, &x, &y, st, room));
        let at = |v: f64| (v - x.lo) / (x.hi - x.lo) * width;
        let extents = end_labels(plot, st)
            .into_iter()
            .map(|(v, w, right)| {
                let w = f64::from(w);
                if right {
                    (at(v), at(v) + w)
                } else {
                    (at(v) - w, at(v))
                }
            })
            .collect();
        (extents, width)
    }

    /// The tornado's value axis as drawn in `dim`, and its plot's width.
    fn axis_of(plot: &TornadoPlot, dim: (u32, u32), st: &Style) -> (Axis, i32) {
        let room = notes_room(&plot.notes, dim.0, st);
        let names: Vec<String> = plot.rows.iter().map(|r| r.0.clone()).collect();
        let y = Axis::rows(&names, row_space(dim, room, notes_wide(room), st), st);
        let x = tornado_axis(plot, dim, &y, room, st);
        let width = axes::plot_width(dim, &x, &y, st, room);
        (x, width)
    }

    fn inside((extents, width): &(Vec<(f64, f64)>, f64)) -> bool {
        extents
            .iter()
            .all(|&(left, right)| left >= -0.5 && right <= width + 0.5)
    }

    #[test]
    fn tornado_values_stay_inside_the_plot_clear_of_names_and_notes() {
        ensure_fonts().expect("fonts");
        let plot = tornado_plot();
        for (size, placement) in [
            (DEFAULT_SIZE, Placement::Half),
            (DEFAULT_SIZE, Placement::Full),
            (
                Size {
                    width: 800,
                    height: 600,
                },
                Placement::Half,
            ),
        ] {
            for format in Format::ALL {
                let st = Style::placed(size, placement).drawn_as(format);
                let dim = (size.width, size.height);
                let laid = label_extents(&plot, dim, &st, None);
                assert!(inside(&laid), "{size:?} {placement:?} {format:?}: {laid:?}");
                // The ticks' labels do not run into each other either.
                let (x, width) = axis_of(&plot, dim, &st);
                assert!(x.ticks.len() >= 2, "{:?}", x.ticks);
                assert!(ticks_fit(&x, width, &st), "{:?} in {width} px", x.ticks);
            }
        }
        // The fixed 14% of the span this replaced runs a label of the same
        // tornado out of its plot at half width, into the names.
        let st = Style::placed(DEFAULT_SIZE, Placement::Half);
        let dim = (DEFAULT_SIZE.width, DEFAULT_SIZE.height);
        assert!(!inside(&label_extents(&plot, dim, &st, Some(0.14))));
    }

    #[test]
    fn room_for_labels_is_the_least_that_fits() {
        // Data 0..1 in a 100 px plot; a 20 px label left of 0 and a 30 px
        // one right of 1: the span s solves s = 1 + 0.2 s + 0.3 s, so 2.
        let (a, b) = ends_with_room(0.0, 1.0, &[(0.0, 20, false), (1.0, 30, true)], 100);
        assert!((a + 0.4).abs() < 1e-6 && (b - 1.6).abs() < 1e-6, "{a} {b}");
        // Labels wider together than the plot cannot fit: the axis stops
        // growing at four times the data's span.
        let (a, b) = ends_with_room(0.0, 1.0, &[(0.0, 60, false), (1.0, 60, true)], 100);
        assert!((b - a - 4.0).abs() < 1e-6, "{a} {b}");
        // No labels: the data's own span.
        assert_eq!(ends_with_room(2.0, 3.0, &[], 100), (2.0, 3.0));
    }
}
