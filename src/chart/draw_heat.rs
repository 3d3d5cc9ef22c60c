//! Drawing a heat map: a grid of values as coloured cells, with a colour bar.
//!
//! Cells are centred on their grid values and meet halfway between them, so
//! the axes read in the swept parameters' own units. Colours come from the
//! sequential scale in `style` (viridis), stretched over the values present
//! so that differences show; the colour bar beside the plot gives the
//! scale. When cells are large enough, each carries its value in text, so
//! nobody has to judge a number from a shade.

use crate::format;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontTransform, RGBColor};

use super::axes::{
    AXIS_TITLE_LINES, AXIS_TITLE_MOST_LINES, Axis, Grid, Plotted, Room, TEXT_SCALES, TickLabels,
    plot_area_with, plot_height, widen,
};
use super::canvas::{Drawn, fail, fit_title, line_pitch, nice_ticks, text_height, text_width};
use super::draw_xy::min_max;
use super::figure::{HeatmapPlot, Scale};
use super::style::{AXIS, INK, MISSING, MUTED, Style, light_text_on, sequential};

/// Label every grid value on an axis when there are at most this many.
const MAX_GRID_TICKS: usize = 11;

/// Cell boundaries: halfway between neighbours, half a gap beyond the ends.
pub fn edges(values: &[f64]) -> Vec<f64> {
    match values {
        [] => Vec::new(),
        [v] => {
            let (lo, hi) = widen(*v, *v);
            vec![(lo + v) / 2.0, (hi + v) / 2.0]
        }
        _ => {
            let n = values.len();
            let mut out = Vec::with_capacity(n + 1);
            out.push(values[0] - (values[1] - values[0]) / 2.0);
            out.extend(values.windows(2).map(|w| (w[0] + w[1]) / 2.0));
            out.push(values[n - 1] + (values[n - 1] - values[n - 2]) / 2.0);
            out
        }
    }
}

/// An axis over the cells: ticks on the grid values when they are few,
/// round ticks otherwise.
fn grid_axis(title: &str, values: &[f64], edges: &[f64]) -> Axis {
    let (lo, hi) = widen(
        edges.first().copied().unwrap_or(0.0),
        edges.last().copied().unwrap_or(1.0),
    );
    let (step, ticks) = if values.len() <= MAX_GRID_TICKS {
        let step = values
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .filter(|d| *d > 0.0)
            .fold(f64::INFINITY, f64::min);
        let step = if step.is_finite() { step } else { 1.0 };
        (step, values.to_vec())
    } else {
        nice_ticks(lo, hi, 8, false)
    };
    Axis {
        lo,
        hi,
        ticks,
        title: title.to_string(),
        labels: TickLabels::Number { step },
    }
}

/// What a colour bar's ticks and the cells say.
struct ColourScale {
    lo: f64,
    hi: f64,
    scale: Scale,
}

impl ColourScale {
    fn color(&self, v: f64) -> RGBColor {
        if !v.is_finite() {
            return MISSING;
        }
        sequential((v - self.lo) / (self.hi - self.lo))
    }
}

pub fn heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &HeatmapPlot,
    st: &Style,
) -> Drawn {
    let (xe, ye) = (edges(&plot.xs), edges(&plot.ys));
    let x = grid_axis(&plot.x_title, &plot.xs, &xe);
    let y = grid_axis(&plot.y_title, &plot.ys, &ye);
    let (lo, hi) = min_max(plot.values.iter().flatten().copied());
    let (lo, hi) = widen(lo, hi);
    let colours = ColourScale {
        lo,
        hi,
        scale: plot.scale,
    };
    let (bar_ticks, bar_step) = {
        let (step, ticks) = nice_ticks(lo, hi, 6, false);
        (ticks, step)
    };
    let tick_text = |v: f64| match plot.scale {
        Scale::Percent => format::percent_tick(v, bar_step),
        _ => format::tick(v, bar_step),
    };
    let font = st.tick_font();
    let widest_tick = bar_ticks
        .iter()
        .map(|t| text_width(&tick_text(*t), &font))
        .max()
        .unwrap_or(0);
    let bar_w = st.gap(24.0);
    // The colour bar's title runs along it, as long as the plot is tall
    // (about that of the area less the x axis's labels): a second line, or a
    // little smaller, then more lines at the smallest size, as an axis
    // title, before it is cut.
    let along = plot_height(area.dim_in_pixel().1, Room::default(), st, AXIS_TITLE_LINES);
    let (title_font, title) = fit_title(
        &plot.value_title,
        &st.label_font(),
        along,
        (2, AXIS_TITLE_MOST_LINES),
    );
    let title_w = line_pitch(title_font.get_size()) * title.len().max(1) as i32;
    let room = Room {
        right: st.gap(30.0)
            + bar_w
            + st.gap(10.0)
            + widest_tick
            + st.gap(14.0)
            + title_w
            + st.gap(8.0),
        top: 0,
        ..Room::default()
    };
    let mut chart = plot_area_with(area, &x, &y, st, Grid::Horizontal, room)?;
    draw_cells(&mut chart, plot, (&xe, &ye), &colours, st)?;
    if let Some(level) = plot.threshold {
        draw_boundary(&mut chart, plot, (&xe, &ye), level, st)?;
    }
    // The cells cover the axis lines' inner pixels; draw the frame again.
    let frame = vec![(x.lo, y.hi), (x.lo, y.lo), (x.hi, y.lo)];
    chart
        .draw_series(LineSeries::new(frame, AXIS.stroke_width(st.stroke(1.5))))
        .map_err(fail)?;
    let bar = ColourBar {
        ticks: &bar_ticks,
        text: &tick_text,
        width: bar_w,
        title: (&title_font, &title),
    };
    draw_colour_bar(area, &chart, &colours, &bar, st)
}

fn draw_cells<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    plot: &HeatmapPlot,
    (xe, ye): (&[f64], &[f64]),
    colours: &ColourScale,
    st: &Style,
) -> Drawn {
    let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
    // Cell size in pixels: the smallest, so one decision holds for all.
    let cell_w = xe
        .windows(2)
        .map(|w| (px(w[1], 0.0).0 - px(w[0], 0.0).0).abs())
        .min()
        .unwrap_or(0);
    let cell_h = ye
        .windows(2)
        .map(|w| (px(0.0, w[1]).1 - px(0.0, w[0]).1).abs())
        .min()
        .unwrap_or(0);
    let texts: Vec<Vec<String>> = plot
        .values
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| {
                    if v.is_finite() {
                        colours.scale.text(*v)
                    } else {
                        String::new()
                    }
                })
                .collect()
        })
        .collect();
    // The values at the note size, or as little smaller as lets every one
    // fit its cell; none written when even the smallest size does not fit.
    let base = st.note_font();
    let fitting = TEXT_SCALES.iter().find_map(|scale| {
        let font = base.resize(base.get_size() * scale);
        let widest = texts
            .iter()
            .flatten()
            .map(|t| text_width(t, &font))
            .max()
            .unwrap_or(0);
        (widest + st.gap(8.0) <= cell_w && text_height(&font) + st.gap(6.0) <= cell_h)
            .then_some(font)
    });
    let write_values = fitting.is_some();
    let font = fitting.unwrap_or(base);
    // Thin white seams between cells when they are large enough to keep them.
    let seam = cell_w >= 12 && cell_h >= 12;
    for (i, row) in plot.values.iter().enumerate() {
        let (Some(&y0), Some(&y1)) = (ye.get(i), ye.get(i + 1)) else {
            continue;
        };
        for (j, v) in row.iter().enumerate() {
            let (Some(&x0), Some(&x1)) = (xe.get(j), xe.get(j + 1)) else {
                continue;
            };
            let colour = colours.color(*v);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, y0), (x1, y1)],
                    colour.filled(),
                )))
                .map_err(fail)?;
            if seam {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x0, y0), (x1, y1)],
                        WHITE.stroke_width(1),
                    )))
                    .map_err(fail)?;
            }
            if write_values && v.is_finite() {
                let ink = if light_text_on(colour) { WHITE } else { INK };
                let text = Text::new(
                    texts[i][j].clone(),
                    (0, 0),
                    font.color(&ink).pos(Pos::new(HPos::Center, VPos::Center)),
                );
                let at = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
                chart
                    .plotting_area()
                    .draw(&(EmptyElement::at(at) + text))
                    .map_err(fail)?;
            }
        }
    }
    Ok(())
}

/// The edges between cells below `level` and cells at or above it: a white
/// line under an ink one, visible on every colour of the scale.
fn draw_boundary<DB: DrawingBackend>(
    chart: &mut Plotted<'_, DB>,
    plot: &HeatmapPlot,
    (xe, ye): (&[f64], &[f64]),
    level: f64,
    st: &Style,
) -> Drawn {
    let above = |i: usize, j: usize| -> Option<bool> {
        let v = *plot.values.get(i)?.get(j)?;
        v.is_finite().then_some(v >= level)
    };
    let mut segments: Vec<[(f64, f64); 2]> = Vec::new();
    for i in 0..plot.values.len() {
        for j in 0..plot.values[i].len() {
            let Some(here) = above(i, j) else { continue };
            if above(i, j + 1).is_some_and(|r| r != here)
                && let (Some(&x), Some(&y0), Some(&y1)) = (xe.get(j + 1), ye.get(i), ye.get(i + 1))
            {
                segments.push([(x, y0), (x, y1)]);
            }
            if above(i + 1, j).is_some_and(|u| u != here)
                && let (Some(&y), Some(&x0), Some(&x1)) = (ye.get(i + 1), xe.get(j), xe.get(j + 1))
            {
                segments.push([(x0, y), (x1, y)]);
            }
        }
    }
    for (colour, width) in [(WHITE, st.stroke(7.0)), (INK, st.stroke(3.0))] {
        for s in &segments {
            chart
                .draw_series(LineSeries::new(s.to_vec(), colour.stroke_width(width)))
                .map_err(fail)?;
        }
    }
    Ok(())
}

/// What the colour bar shows besides its colours.
struct ColourBar<'a> {
    ticks: &'a [f64],
    text: &'a dyn Fn(f64) -> String,
    width: i32,
    /// The title's font and lines, the first nearest the bar.
    title: (&'a FontDesc<'static>, &'a [String]),
}

/// A vertical strip of the scale right of the plot, as tall as the plot,
/// with ticks and labels on its right and the title turned along it.
fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plotted<'_, DB>,
    colours: &ColourScale,
    bar: &ColourBar<'_>,
    st: &Style,
) -> Drawn {
    let (base_x, base_y) = area.get_base_pixel();
    let (plot_x, plot_y) = chart.plotting_area().get_pixel_range();
    let left = plot_x.end - base_x + st.gap(30.0);
    let (top, bottom) = (plot_y.start - base_y, plot_y.end - base_y);
    let height = (bottom - top).max(1);
    let at =
        |v: f64| bottom - ((v - colours.lo) / (colours.hi - colours.lo) * f64::from(height)) as i32;
    for k in 0..height {
        let v = colours.lo + (colours.hi - colours.lo) * (f64::from(k) + 0.5) / f64::from(height);
        area.draw(&Rectangle::new(
            [(left, bottom - k - 1), (left + bar.width, bottom - k)],
            colours.color(v).filled(),
        ))
        .map_err(fail)?;
    }
    area.draw(&Rectangle::new(
        [(left, top), (left + bar.width, bottom)],
        AXIS.stroke_width(1),
    ))
    .map_err(fail)?;
    let font = st.tick_font();
    let tick_len = st.gap(6.0);
    let mut widest = 0;
    for &t in bar.ticks {
        if t < colours.lo || t > colours.hi {
            continue;
        }
        let y = at(t);
        area.draw(&PathElement::new(
            vec![(left + bar.width, y), (left + bar.width + tick_len, y)],
            AXIS.stroke_width(st.stroke(1.5)),
        ))
        .map_err(fail)?;
        let label = (bar.text)(t);
        widest = widest.max(text_width(&label, &font));
        area.draw(&Text::new(
            label,
            (left + bar.width + tick_len + st.gap(4.0), y),
            font.color(&MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(fail)?;
    }
    let (font, lines) = bar.title;
    let x = left + bar.width + tick_len + st.gap(10.0) + widest + st.gap(4.0);
    let pitch = line_pitch(font.get_size());
    let style = font
        .color(&AXIS)
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (k, line) in lines.iter().enumerate() {
        area.draw(&Text::new(
            line.as_str(),
            (x + k as i32 * pitch, (top + bottom) / 2),
            style.clone(),
        ))
        .map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_edges_fall_halfway() {
        assert_eq!(edges(&[0.0, 1.0, 2.0]), vec![-0.5, 0.5, 1.5, 2.5]);
        assert_eq!(edges(&[]), Vec::<f64>::new());
        assert_eq!(edges(&[2.0]).len(), 2);
    }

    #[test]
    fn few_grid_values_are_the_ticks() {
        let values = [0.1, 0.2, 0.3];
        let axis = grid_axis("x", &values, &edges(&values));
        assert_eq!(axis.ticks, values);
        assert_eq!(axis.label(0.2), "0.2");
        let many: Vec<f64> = (0..30).map(f64::from).collect();
        let axis = grid_axis("x", &many, &edges(&many));
        assert!(axis.ticks.len() < 12);
    }
}
