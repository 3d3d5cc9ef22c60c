//! Drawing plots on a value or time axis: histograms and curves with bands.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{Axis, Grid, Plotted, Room, plot_area, plot_area_with, y_label_area};
use super::canvas::{Drawn, fail, fit, line_pitch, text_height, text_width};
use super::figure::{CurvePlot, Guide, HistogramPlot, Marker, PanelsPlot, Steps, XAxis};
use super::style::{INK, MAIN, SHADE, Style};

/// Bars of the share of runs per bin, a shaded range, labelled marker lines.
pub fn histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &HistogramPlot,
    st: &Style,
) -> Drawn {
    let lo = plot.bins.first().map_or(0.0, |b| b.0);
    let hi = plot.bins.last().map_or(1.0, |b| b.1);
    let x = Axis::number(&plot.x_title, lo, hi, 0.02, max_x_ticks(area), plot.integer);
    let top = plot.bins.iter().map(|b| b.2).fold(0.0, f64::max);
    // Headroom above the tallest bar holds the marker labels.
    let mut y = Axis::percent(&plot.y_title, top * 1.3, 6);
    y.hi = y.hi.max(top * 1.3).min(1.3);
    let mut chart = plot_area(area, &x, &y, st, Grid::Horizontal)?;
    if let Some((from, to)) = plot.shade {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(from, 0.0), (to, y.hi)],
                SHADE.mix(0.22).filled(),
            )))
            .map_err(fail)?;
    }
    let gap = if plot.integer { 0.12 } else { 0.0 };
    let bars = plot
        .bins
        .iter()
        .filter(|b| b.2 > 0.0)
        .map(|&(a, b, share)| {
            let inset = (b - a) * gap;
            Rectangle::new(
                [(a + inset, 0.0), (b - inset, share)],
                MAIN.mix(0.85).filled(),
            )
        });
    chart.draw_series(bars).map_err(fail)?;
    if !plot.integer {
        // Thin white seams so neighbouring bins stay distinct.
        let seams = plot
            .bins
            .iter()
            .filter(|b| b.2 > 0.0)
            .map(|&(a, b, share)| Rectangle::new([(a, 0.0), (b, share)], WHITE.stroke_width(1)));
        chart.draw_series(seams).map_err(fail)?;
    }
    // The lower of two values is labelled on its left, the higher on its
    // right, so neither label crosses the other line.
    let lowest = plot
        .markers
        .iter()
        .map(|m| m.value)
        .fold(f64::INFINITY, f64::min);
    let highest = plot
        .markers
        .iter()
        .map(|m| m.value)
        .fold(f64::NEG_INFINITY, f64::max);
    for (row, marker) in plot.markers.iter().enumerate() {
        let left = plot.markers.len() > 1 && marker.value == lowest && lowest < highest;
        draw_marker(&mut chart, marker, (row, left), y.hi, st)?;
    }
    Ok(())
}

/// A vertical line with its label in row `row` at the top of the plot, on
/// its left if `left` (and there is room), else on its right (if room).
fn draw_marker<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    marker: &Marker,
    (row, left): (usize, bool),
    top: f64,
    st: &Style,
) -> Drawn {
    if !marker.value.is_finite() {
        return Ok(());
    }
    let style = marker.color.stroke_width(st.stroke(2.5));
    let line = vec![(marker.value, 0.0), (marker.value, top)];
    if marker.dashed {
        let dash = st.gap(10.0) as u32;
        chart
            .draw_series(DashedLineSeries::new(line, dash, dash * 2 / 3, style))
            .map_err(fail)?;
    } else {
        chart
            .draw_series(LineSeries::new(line, style))
            .map_err(fail)?;
    }
    let font = st.note_font();
    let at = chart.backend_coord(&(marker.value, top));
    let (plot_x, _) = chart.plotting_area().get_pixel_range();
    let width = text_width(&marker.label, &font) + st.gap(10.0);
    let fits_left = at.0 - plot_x.start >= width;
    let fits_right = plot_x.end - at.0 >= width;
    let (h, dx) = if (left && fits_left) || !fits_right {
        (HPos::Right, -st.gap(7.0))
    } else {
        (HPos::Left, st.gap(7.0))
    };
    let dy = st.gap(6.0) + row as i32 * (text_height(&font) + st.gap(6.0));
    let text = Text::new(
        marker.label.clone(),
        (dx, dy),
        font.color(&INK).pos(Pos::new(h, VPos::Top)),
    );
    // A white backing keeps the label legible where it crosses a line.
    let w = width - st.gap(10.0);
    let (x0, x1) = if matches!(h, HPos::Left) {
        (dx, dx + w)
    } else {
        (dx - w, dx)
    };
    let pad = st.gap(3.0);
    let backing = Rectangle::new(
        [
            (x0 - pad, dy - pad),
            (x1 + pad, dy + text_height(&font) + pad),
        ],
        WHITE.mix(0.85).filled(),
    );
    chart
        .plotting_area()
        .draw(&(EmptyElement::at((marker.value, top)) + backing + text))
        .map_err(fail)
}

/// How many ticks fit across: one per ~110 px.
fn max_x_ticks<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> usize {
    let (w, _) = area.dim_in_pixel();
    ((w / 110) as usize).clamp(3, 12)
}

/// Lines over a value or time axis, each with its bands underneath.
pub fn curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &CurvePlot,
    st: &Style,
) -> Drawn {
    let x = x_axis(area, plot, st);
    let chart = plot_area(area, &x, &y_axis(plot, false), st, Grid::Horizontal)?;
    draw_curves(chart, plot, (&x, &y_axis(plot, false)), st)
}

/// Curve plots stacked top to bottom, each under its heading, their plots
/// aligned left and right; only the lowest writes the x axis's labels and
/// title, the ones above keep its ticks and grid.
pub fn panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &PanelsPlot,
    st: &Style,
) -> Drawn {
    let Some(lowest) = plot.panels.last() else {
        return Ok(());
    };
    let x = x_axis(area, &lowest.plot, st);
    let ys: Vec<Axis> = plot
        .panels
        .iter()
        .map(|p| y_axis(&p.plot, p.from_zero))
        .collect();
    // One label column for all, as wide as the widest needs (titles of up
    // to two lines).
    let left = ys.iter().map(|y| y_label_area(y, st, 2)).max().unwrap_or(0);
    let font = st.heading_font();
    let heading_h = line_pitch(font.get_size()) + st.gap(4.0);
    let (width, height) = area.dim_in_pixel();
    let total: f64 = plot.panels.iter().map(|p| p.weight.max(0.0)).sum();
    // The lowest panel also holds the x axis's labels and title.
    let x_strip = text_height(&st.tick_font()) + 2 * line_pitch(st.label_font().get_size());
    let shared = height as i32 - x_strip - st.gap(12.0) * (plot.panels.len() as i32 - 1);
    let mut top = 0;
    for (i, (panel, y)) in plot.panels.iter().zip(&ys).enumerate() {
        let last = i + 1 == plot.panels.len();
        let share = if total > 0.0 {
            panel.weight.max(0.0) / total
        } else {
            1.0 / plot.panels.len() as f64
        };
        let bottom = if last {
            height as i32
        } else {
            top + (f64::from(shared) * share).round() as i32
        };
        let slot = area
            .clone()
            .shrink((0, top), (width, (bottom - top).max(1) as u32));
        let heading = fit(&panel.heading, &font, width as i32 - left);
        slot.draw(&Text::new(
            heading,
            (left, st.gap(2.0)),
            font.color(&INK).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(fail)?;
        let room = Room {
            top: heading_h,
            left,
            bare_x: !last,
            ..Room::default()
        };
        let chart = plot_area_with(&slot, &x, y, st, Grid::Horizontal, room)?;
        draw_curves(chart, &panel.plot, (&x, y), st)?;
        top = bottom + st.gap(12.0);
    }
    Ok(())
}

/// The curves, bands and guides of `plot` on a chart already laid out.
fn draw_curves<DB: DrawingBackend>(
    mut chart: Plotted<'_, DB>,
    plot: &CurvePlot,
    (x, y): (&Axis, &Axis),
    st: &Style,
) -> Drawn {
    for curve in &plot.curves {
        for band in &curve.bands {
            let mut outline: Vec<(f64, f64)> = band.points.iter().map(|p| (p.0, p.2)).collect();
            outline.extend(band.points.iter().rev().map(|p| (p.0, p.1)));
            if outline.len() >= 3 {
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        outline,
                        curve.color.mix(band.opacity).filled(),
                    )))
                    .map_err(fail)?;
            }
        }
    }
    for curve in &plot.curves {
        let points = staircase(&curve.points, curve.steps, x.hi);
        let style = curve.color.stroke_width(st.stroke(3.0));
        match curve.dash.pattern() {
            None => chart
                .draw_series(LineSeries::new(points, style))
                .map_err(fail)?,
            Some((on, off)) => {
                let (on, off) = (st.px(on, 2.0) as u32, st.px(off, 2.0) as u32);
                chart
                    .draw_series(DashedLineSeries::new(points, on, off, style))
                    .map_err(fail)?
            }
        };
        let radius = if curve.points.len() == 1 {
            curve.dot_radius.max(4.5)
        } else {
            curve.dot_radius
        };
        if radius > 0.0 {
            let r = st.px(radius, 2.0).round() as i32;
            let dots = curve
                .points
                .iter()
                .map(|p| Circle::new(*p, r, curve.color.filled()));
            chart.draw_series(dots).map_err(fail)?;
        }
    }
    for (k, guide) in plot.guides.iter().enumerate() {
        draw_guide(&mut chart, guide, (x, y), k, st)?;
    }
    Ok(())
}

/// A reference line across the plot with its label: a horizontal one
/// labelled above its right end, a vertical one at its top (guide `k`
/// drops its label a line lower so two vertical labels do not collide).
fn draw_guide<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    guide: &Guide,
    (x, y): (&Axis, &Axis),
    k: usize,
    st: &Style,
) -> Drawn {
    let inside = |a: &Axis| guide.value.is_finite() && guide.value >= a.lo && guide.value <= a.hi;
    let line = if guide.horizontal {
        if !inside(y) {
            return Ok(());
        }
        vec![(x.lo, guide.value), (x.hi, guide.value)]
    } else {
        if !inside(x) {
            return Ok(());
        }
        vec![(guide.value, y.lo), (guide.value, y.hi)]
    };
    let style = guide.color.stroke_width(st.stroke(2.5));
    match guide.dash.pattern() {
        None => chart
            .draw_series(LineSeries::new(line, style))
            .map_err(fail)?,
        Some((on, off)) => {
            let (on, off) = (st.px(on, 2.0) as u32, st.px(off, 2.0) as u32);
            chart
                .draw_series(DashedLineSeries::new(line, on, off, style))
                .map_err(fail)?
        }
    };
    if guide.label.is_empty() {
        return Ok(());
    }
    let font = st.note_font();
    let pad = st.gap(6.0);
    let w = text_width(&guide.label, &font);
    let h = text_height(&font);
    let (at, (dx, dy), pos) = if guide.horizontal {
        (
            (x.hi, guide.value),
            (-pad, -pad),
            Pos::new(HPos::Right, VPos::Bottom),
        )
    } else {
        // Right of the line when it fits, else left of it.
        let (plot_x, _) = chart.plotting_area().get_pixel_range();
        let px = chart.backend_coord(&(guide.value, y.hi)).0;
        let dy = pad + k as i32 * (h + pad);
        if plot_x.end - px >= w + 2 * pad {
            (
                (guide.value, y.hi),
                (pad, dy),
                Pos::new(HPos::Left, VPos::Top),
            )
        } else {
            (
                (guide.value, y.hi),
                (-pad, dy),
                Pos::new(HPos::Right, VPos::Top),
            )
        }
    };
    // A white backing keeps the label legible over the curves.
    let (x0, y0) = match (pos.h_pos, pos.v_pos) {
        (HPos::Right, VPos::Bottom) => (dx - w, dy - h),
        (HPos::Right, _) => (dx - w, dy),
        (_, VPos::Bottom) => (dx, dy - h),
        _ => (dx, dy),
    };
    let p = st.gap(3.0);
    let backing = Rectangle::new(
        [(x0 - p, y0 - p), (x0 + w + p, y0 + h + p)],
        WHITE.mix(0.85).filled(),
    );
    let text = Text::new(guide.label.clone(), (dx, dy), font.color(&INK).pos(pos));
    chart
        .plotting_area()
        .draw(&(EmptyElement::at(at) + backing + text))
        .map_err(fail)
}

fn x_axis<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, plot: &CurvePlot, st: &Style) -> Axis {
    match &plot.x {
        XAxis::Time { title, labels } => {
            let (w, _) = area.dim_in_pixel();
            Axis::time(title, labels, w as i32 * 4 / 5, st)
        }
        XAxis::Value { title, integer } => {
            let xs = plot
                .curves
                .iter()
                .flat_map(|c| c.points.iter().map(|p| p.0));
            let (lo, hi) = min_max(xs);
            let pad = if *integer { 0.03 } else { 0.02 };
            Axis::number(title, lo, hi, pad, max_x_ticks(area), *integer)
        }
        XAxis::Percent { title } => Axis::percent(title, 1.0, max_x_ticks(area)),
    }
}

/// The y axis of `plot`'s values; from zero when `zero` (or lower).
fn y_axis(plot: &CurvePlot, zero: bool) -> Axis {
    let ys = plot.curves.iter().flat_map(|c| {
        let bands = c
            .bands
            .iter()
            .flat_map(|b| b.points.iter().flat_map(|p| [p.1, p.2]));
        c.points.iter().map(|p| p.1).chain(bands)
    });
    let guides: Vec<f64> = plot
        .guides
        .iter()
        .filter(|g| g.horizontal && g.value.is_finite())
        .map(|g| g.value)
        .collect();
    let floor = zero.then_some(0.0);
    let (lo, mut hi) = min_max(ys.chain(guides.iter().copied()).chain(floor));
    // A guide at the top of the range gets room above it for its label.
    if guides.iter().any(|g| *g >= hi) {
        hi += (hi - lo).abs().max(hi.abs() * 0.1) * 0.08;
    }
    if plot.y_percent {
        Axis::percent(&plot.y_title, hi, 6)
    } else {
        let mut axis = Axis::number(&plot.y_title, lo, hi, 0.05, 6, false);
        if zero && lo >= 0.0 {
            // A count's axis starts at zero itself, not a margin below it.
            axis.lo = 0.0;
            axis.ticks.retain(|t| *t >= 0.0);
        }
        axis
    }
}

/// Smallest and largest finite value; (0, 1) when there is none.
pub fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc: Option<(f64, f64)>, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
        .unwrap_or((0.0, 1.0))
}

/// The path through `points` for a step mode; `end` is where the last
/// value of an `After` step stops.
fn staircase(points: &[(f64, f64)], steps: Steps, end: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, p) in points.iter().enumerate() {
        match steps {
            Steps::None => out.push(*p),
            Steps::Before => {
                if let Some(prev) = i.checked_sub(1).and_then(|j| points.get(j)) {
                    out.push((prev.0, p.1));
                }
                out.push(*p);
            }
            Steps::After => {
                out.push(*p);
                let next = points.get(i + 1).map_or(end.max(p.0), |n| n.0);
                out.push((next, p.1));
            }
        }
    }
    out
}
