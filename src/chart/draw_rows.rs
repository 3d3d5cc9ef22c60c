//! Drawing plots of named rows: probability bars with whiskers, tornadoes.
//!
//! Rows run top to bottom in the order given, names on the left; values are
//! written beside each bar so a printed chart can be read without a ruler.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{Axis, Grid, Plotted, plot_area};
use super::canvas::{Drawn, fail, percent_text, text_height, text_width};
use super::draw_xy::min_max;
use super::figure::{BarPlot, Interval, TornadoPlot};
use super::style::{INK, MUTED, Style};
use crate::output::table::fmt_num;

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

/// Row names may take up to this share of the width.
fn row_name_width(area_width: u32) -> i32 {
    (f64::from(area_width) * 0.36) as i32
}

pub fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &BarPlot,
    st: &Style,
) -> Drawn {
    let (w, _) = area.dim_in_pixel();
    let y = Axis::rows(&plot.rows, row_name_width(w), st);
    let his = plot
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().map(|v| v.hi.max(v.value)));
    let (_, top) = min_max(his);
    let x = Axis::percent(&plot.x_title, top, 6);
    let mut chart = plot_area(area, &x, &y, st, Grid::Vertical)?;
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
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (v.value, y1)],
                    series.color.filled(),
                )))
                .map_err(fail)?;
            whisker(&mut chart, &v, (y0 + y1) / 2.0, height, st)?;
            bar_label(&mut chart, &v, (y0, y1), st)?;
        }
    }
    Ok(())
}

/// The interval as a horizontal line with end caps.
fn whisker<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    v: &Interval,
    mid: f64,
    height: f64,
    st: &Style,
) -> Drawn {
    if !(v.lo.is_finite() && v.hi.is_finite()) {
        return Ok(());
    }
    let style = INK.stroke_width(st.stroke(2.0));
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

/// "46.1%" right of the whisker, or inside the bar when there is no room.
fn bar_label<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    v: &Interval,
    (y0, y1): (f64, f64),
    st: &Style,
) -> Drawn {
    let font = st.note_font();
    let bar_px = (chart.backend_coord(&(0.0, y0)).1 - chart.backend_coord(&(0.0, y1)).1).abs();
    if bar_px < text_height(&font) * 9 / 10 {
        return Ok(());
    }
    let text = percent_text(v.value);
    let width = text_width(&text, &font) + 2 * st.gap(8.0);
    let mid = (y0 + y1) / 2.0;
    let end = if v.hi.is_finite() {
        v.hi.max(v.value)
    } else {
        v.value
    };
    let (plot_x, _) = chart.plotting_area().get_pixel_range();
    let right_of = chart.backend_coord(&(end, mid)).0;
    let (anchor, at, color) = if plot_x.end - right_of >= width {
        (HPos::Left, end, INK)
    } else {
        let start = if v.lo.is_finite() {
            v.lo.min(v.value)
        } else {
            v.value
        };
        if chart.backend_coord(&(start, mid)).0 - plot_x.start < width {
            return Ok(());
        }
        (HPos::Right, start, WHITE)
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

pub fn tornado<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &TornadoPlot,
    st: &Style,
) -> Drawn {
    let (w, _) = area.dim_in_pixel();
    let names: Vec<String> = plot.rows.iter().map(|r| r.0.clone()).collect();
    let y = Axis::rows(&names, row_name_width(w), st);
    let values = plot.rows.iter().flat_map(|r| [r.1, r.2]);
    let (lo, hi) = min_max(values.chain(std::iter::once(plot.baseline)));
    let x = Axis::number(&plot.x_title, lo, hi, 0.14, 6, false);
    let mut chart = plot_area(area, &x, &y, st, Grid::Vertical)?;
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
            end_label(&mut chart, *value, plot.baseline, mid, st)?;
        }
    }
    let line = vec![(plot.baseline, y.lo), (plot.baseline, y.hi)];
    chart
        .draw_series(LineSeries::new(line, INK.stroke_width(st.stroke(2.0))))
        .map_err(fail)?;
    Ok(())
}

/// The value written just beyond the end of a tornado bar.
fn end_label<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    value: f64,
    baseline: f64,
    mid: f64,
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
    let label = Text::new(fmt_num(value), (dx, 0), style);
    chart
        .plotting_area()
        .draw(&(EmptyElement::at((value, mid)) + label))
        .map_err(fail)
}
