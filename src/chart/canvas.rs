//! From a [`Figure`] to PNG bytes or an SVG string, and the parts every
//! chart shares: the white page, the title block, the legend strip, ticks.
//!
//! PNGs are drawn into an in-memory RGB buffer (through [`Raster`], which
//! fills wide polygons by rows) and encoded by [`super::encode`] (no image
//! stack, no files); SVGs are drawn into a `String`. The
//! legend sits in its own strip between the heading and the plot, so it can
//! never cover data, whatever the data look like.

use std::cell::RefCell;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{AXIS_TITLE_LINES, Room, SMALLEST_TEXT, TEXT_SCALES, plot_height, rows_height};
use super::figure::{Figure, HeatmapPlot, LegendItem, Plot, Swatch};
use super::raster::Raster;
use super::style::{Format, INK, MUTED, Placement, Size, Style, ensure_fonts};
use super::{draw_heat, draw_rows, draw_xy};

/// Drawing results carry a message; the caller adds which chart failed.
pub type Drawn<T = ()> = Result<T, String>;

/// Turn any displayable drawing error into a message.
pub fn fail<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

thread_local! {
    /// The pixels of the last PNG drawn on this thread, reused for the
    /// next: a chart's page is 2.9 MB, allocated, cleared by the kernel
    /// and painted white anew for every chart otherwise. What it held is
    /// never seen, as [`draw_figure`] paints the whole page first.
    static CANVAS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Render a figure as PNG bytes, its text sized for `placement`.
pub fn png(figure: &Figure, size: Size, placement: Placement) -> Drawn<Vec<u8>> {
    ensure_fonts()?;
    let (w, h) = (size.width, size.height);
    CANVAS.with(|canvas| {
        let mut pixels = canvas.borrow_mut();
        pixels.resize(w as usize * h as usize * 3, 255);
        {
            let root = Raster::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            let st = Style::placed(size, placement).drawn_as(Format::Png);
            draw_figure(&root, figure, &st)?;
            root.present().map_err(fail)?;
        }
        super::encode::png(&pixels, w, h)
    })
}

/// Render a figure as an SVG document, its text sized for `placement`.
pub fn svg(figure: &Figure, size: Size, placement: Placement) -> Drawn<String> {
    ensure_fonts()?;
    let mut text = String::new();
    {
        let root =
            SVGBackend::with_string(&mut text, (size.width, size.height)).into_drawing_area();
        let st = Style::placed(size, placement).drawn_as(Format::Svg);
        draw_figure(&root, figure, &st)?;
        root.present().map_err(fail)?;
    }
    Ok(text)
}

/// Lines of its name each row of a half-width figure has room for.
const HALF_WIDTH_ROW_LINES: i32 = 2;
/// More rows than this (a tornado shows 15) get one line each.
const MANY_ROWS: usize = 16;

/// The size a figure is drawn at for `placement`: `size`, except that a
/// plot of named rows set at half width (a report's figure) grows taller
/// until each row has room for two lines of its name at the full size
/// ([`Style::row_font`]), so long names wrap rather than shrink, and many rows do not
/// overlap.
pub fn placed_size(figure: &Figure, size: Size, placement: Placement) -> Size {
    let rows = match &figure.plot {
        Plot::Bars(p) => p.rows.len(),
        Plot::Tornado(p) => p.rows.len(),
        Plot::Forest(p) => p.rows.len(),
        Plot::Heatmap(p) => return heat_size(figure, p, size, placement),
        _ => return size,
    };
    if placement != Placement::Half || rows == 0 || ensure_fonts().is_err() {
        return size;
    }
    let st = Style::placed(size, placement);
    let pad = st.gap(24.0);
    let plot_width = size.width as i32 - pad - pad / 2;
    let room = match &figure.plot {
        Plot::Tornado(p) => draw_rows::notes_room(&p.notes, plot_width as u32, &st),
        Plot::Forest(p) => draw_rows::notes_room(&p.notes, plot_width as u32, &st),
        _ => Room::default(),
    };
    let area = size.height as i32 - heading(figure, &st).bottom - pad / 2;
    let have = rows_height(area.max(0) as u32, room, &st);
    // Many rows (a comparison of many scenarios, grouped by outcome) get
    // one line each, so the figure stays within a page.
    let lines = if rows <= MANY_ROWS {
        HALF_WIDTH_ROW_LINES
    } else {
        1
    };
    let row = lines * line_pitch(st.row_font().get_size()) + st.gap(12.0);
    let want = row * rows as i32;
    Size {
        height: size.height + (want - have).max(0) as u32,
        ..size
    }
}

/// A heat map set at half width grows taller (by half its height at most)
/// until its plot is long enough for its y title and its colour bar's
/// title, which run along it, to wrap onto three lines at the smallest
/// size rather than be cut.
fn heat_size(figure: &Figure, plot: &HeatmapPlot, size: Size, placement: Placement) -> Size {
    if placement != Placement::Half || ensure_fonts().is_err() {
        return size;
    }
    let st = Style::placed(size, placement);
    let label = st.label_font();
    let small = label.resize(label.get_size() * SMALLEST_TEXT);
    let longest = text_width(&plot.y_title, &small).max(text_width(&plot.value_title, &small));
    // A fifth more than a third of the text, for lines broken at words.
    let want = longest * 6 / 15;
    let pad = st.gap(24.0);
    let area = size.height as i32 - heading(figure, &st).bottom - pad / 2;
    let have = plot_height(area.max(0) as u32, Room::default(), &st, AXIS_TITLE_LINES);
    let grow = (want - have).clamp(0, size.height as i32 / 2);
    Size {
        height: size.height + grow as u32,
        ..size
    }
}

fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
    st: &Style,
) -> Drawn {
    let area = frame(root, figure, st)?;
    match &figure.plot {
        Plot::Histogram(p) => draw_xy::histogram(&area, p, st),
        Plot::Curves(p) => draw_xy::curves(&area, p, st),
        Plot::Panels(p) => draw_xy::panels(&area, p, st),
        Plot::Bars(p) => draw_rows::bars(&area, p, st),
        Plot::Tornado(p) => draw_rows::tornado(&area, p, st),
        Plot::Forest(p) => draw_rows::forest(&area, p, st),
        Plot::Heatmap(p) => draw_heat::heatmap(&area, p, st),
    }
}

/// The heading block of a figure as set: title and subtitle lines with
/// their fonts, legend entries with their places, and the y where the plot
/// area begins. Measured apart from drawing, so a figure's height can be
/// fitted to its rows before it is drawn.
struct Heading {
    title: (FontDesc<'static>, Vec<(String, i32)>),
    subtitle: (FontDesc<'static>, Vec<(String, i32)>),
    /// Each legend entry's label and the point left of its swatch.
    legend: Vec<(String, (i32, i32))>,
    bottom: i32,
}

fn heading(figure: &Figure, st: &Style) -> Heading {
    let pad = st.gap(24.0);
    let width = st.size.width as i32 - 2 * pad;
    // A long title (a chart of many scenarios, a long label) takes a
    // second line rather than losing its end.
    let mut y = pad;
    let (title_font, lines) = heading_lines(&figure.title, &st.title_font(), width);
    let mut title = Vec::new();
    for line in lines {
        title.push((line, y));
        y += text_height(&title_font) + st.gap(6.0);
    }
    y += st.gap(4.0);
    // The subtitle says what the chart comes from (scenarios, runs, seed):
    // a second line, or a little smaller, rather than losing the seed.
    let (sub_font, lines) = fit_lines(
        &figure.subtitle,
        &st.subtitle_font(),
        &TEXT_SCALES,
        width,
        2,
    );
    let mut subtitle = Vec::new();
    for line in lines {
        subtitle.push((line, y));
        y += line_pitch(sub_font.get_size());
    }
    y += st.gap(14.0) - (line_pitch(sub_font.get_size()) - text_height(&sub_font));
    let mut legend = Vec::new();
    if !figure.legend.is_empty() {
        y = legend_places(&figure.legend, (pad, y), width, st, &mut legend) + st.gap(8.0);
    }
    Heading {
        title: (title_font, title),
        subtitle: (sub_font, subtitle),
        legend,
        bottom: y,
    }
}

/// Fill the page, draw title, subtitle and legend; return the plot area.
/// The fill is the first thing drawn and covers every pixel: [`png`]
/// reuses its canvas and relies on it.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
    st: &Style,
) -> Drawn<DrawingArea<DB, Shift>> {
    root.fill(&WHITE).map_err(fail)?;
    let pad = st.gap(24.0);
    let set = heading(figure, st);
    let (font, lines) = &set.title;
    for (line, y) in lines {
        root.draw(&Text::new(line.as_str(), (pad, *y), font.color(&INK)))
            .map_err(fail)?;
    }
    let (font, lines) = &set.subtitle;
    for (line, y) in lines {
        root.draw(&Text::new(line.as_str(), (pad, *y), font.color(&MUTED)))
            .map_err(fail)?;
    }
    let font = st.tick_font();
    let swatch_w = st.gap(34.0);
    for (item, (label, (x, y))) in figure.legend.iter().zip(&set.legend) {
        let mid = y + text_height(&font) / 2;
        swatch(root, item.swatch, (*x, mid), swatch_w, st)?;
        let style = font.color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(
            label.as_str(),
            (x + swatch_w + st.gap(8.0), mid),
            style,
        ))
        .map_err(fail)?;
    }
    let (_, rest) = root.split_vertically(set.bottom);
    Ok(rest.margin(0, pad / 2, pad / 2, pad))
}

/// Lay legend items left to right, wrapping, into `places` (each label
/// with the point left of its swatch); returns the y below them.
fn legend_places(
    items: &[LegendItem],
    (left, top): (i32, i32),
    width: i32,
    st: &Style,
    places: &mut Vec<(String, (i32, i32))>,
) -> i32 {
    let font = st.tick_font();
    let line_h = text_height(&font) + st.gap(8.0);
    let swatch_w = st.gap(34.0);
    let (mut x, mut y) = (left, top);
    for item in items {
        let label = fit(&item.label, &font, width - swatch_w - st.gap(8.0));
        let item_w = swatch_w + st.gap(8.0) + text_width(&label, &font) + st.gap(26.0);
        if x > left && x + item_w > left + width {
            x = left;
            y += line_h;
        }
        places.push((label, (x, y)));
        x += item_w;
    }
    y + line_h
}

fn swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    kind: Swatch,
    (x, mid): (i32, i32),
    w: i32,
    st: &Style,
) -> Drawn {
    let half = st.gap(8.0);
    match kind {
        Swatch::Line(c, dash) => {
            let style = c.stroke_width(st.stroke(3.0));
            let Some((on, off)) = dash.pattern() else {
                return root
                    .draw(&PathElement::new(vec![(x, mid), (x + w, mid)], style))
                    .map_err(fail);
            };
            let (on, off) = (st.px(on, 2.0) as i32, st.px(off, 2.0) as i32);
            let mut x0 = x;
            while x0 < x + w {
                let x1 = (x0 + on).min(x + w);
                root.draw(&PathElement::new(vec![(x0, mid), (x1, mid)], style))
                    .map_err(fail)?;
                x0 = x1 + off;
            }
            Ok(())
        }
        Swatch::Patch(c, opacity) => root.draw(&Rectangle::new(
            [(x, mid - half), (x + w, mid + half)],
            c.mix(opacity).filled(),
        )),
        Swatch::Dot(c, filled) => {
            let r = st.px(7.0, 3.0).round() as i32;
            let centre = (x + w / 2, mid);
            let fill = if filled { c.filled() } else { WHITE.filled() };
            root.draw(&Circle::new(centre, r, fill)).map_err(fail)?;
            root.draw(&Circle::new(centre, r, c.stroke_width(st.stroke(2.5))))
        }
    }
    .map_err(fail)
}

/// Text width in pixels as the embedded font lays it out.
pub fn text_width(text: &str, font: &FontDesc) -> i32 {
    font.box_size(text)
        .map(|(w, _)| w as i32)
        .unwrap_or_else(|_| {
            // Without the font, assume an average glyph of 0.6 em.
            (text.chars().count() as f64 * font.get_size() * 0.6) as i32
        })
}

/// Line height of a font in pixels.
pub fn text_height(font: &FontDesc) -> i32 {
    font.get_size().round() as i32
}

/// `text`, cut with an ellipsis if wider than `max` pixels.
pub fn fit(text: &str, font: &FontDesc, max: i32) -> String {
    if text_width(text, font) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if text_width(&cut, font) <= max {
            return cut;
        }
    }
    String::new()
}

/// `text` broken into lines no wider than `max` pixels at word boundaries,
/// at most `max_lines` of them (the last cut with an ellipsis if need be).
pub fn wrap(text: &str, font: &FontDesc, max: i32, max_lines: usize) -> Vec<String> {
    let mut lines = wrap_all(text, font, max);
    if lines.len() > max_lines.max(1) {
        let rest = lines.split_off(max_lines.max(1) - 1).join(" ");
        lines.push(rest);
    }
    lines.into_iter().map(|l| fit(&l, font, max)).collect()
}

/// `text` broken into as many lines as it takes to keep each within `max`
/// pixels: at spaces, and within a word too long for a line after its
/// hyphens ("palmyra-israel-" / "escalation-sweida"). A word with no hyphen
/// that is wider than `max` stays whole, on a line of its own.
pub fn wrap_all(text: &str, font: &FontDesc, max: i32) -> Vec<String> {
    let mut pieces: Vec<(String, bool)> = Vec::new();
    for word in text.split_whitespace() {
        if text_width(word, font) <= max || !word.contains('-') {
            pieces.push((word.to_string(), true));
            continue;
        }
        let parts: Vec<&str> = word.split_inclusive('-').collect();
        for (k, part) in parts.iter().enumerate() {
            // Only the first part of a word follows a space.
            pieces.push((part.to_string(), k == 0));
        }
    }
    let mut lines: Vec<String> = Vec::new();
    for (piece, spaced) in pieces {
        match lines.last_mut() {
            Some(line) => {
                let joined = if spaced {
                    format!("{line} {piece}")
                } else {
                    format!("{line}{piece}")
                };
                if text_width(&joined, font) <= max {
                    *line = joined;
                } else {
                    lines.push(piece);
                }
            }
            None => lines.push(piece),
        }
    }
    lines
}

/// Distance between the baselines of two lines of text of `size` pixels.
pub fn line_pitch(size: f64) -> i32 {
    (size * 1.15).round() as i32
}

/// `text` at `font`'s size, or as little smaller (by `scales` of it) as
/// lets it fit in `max_lines` lines of at most `max` pixels; cut with an
/// ellipsis, at the smallest size, only if even that is not enough.
pub fn fit_lines(
    text: &str,
    font: &FontDesc<'static>,
    scales: &[f64],
    max: i32,
    max_lines: usize,
) -> (FontDesc<'static>, Vec<String>) {
    fits(text, font, scales, max, max_lines).unwrap_or_else(|| {
        let smallest = font.resize(font.get_size() * smallest_scale(scales));
        let lines = wrap(text, &smallest, max, max_lines);
        (smallest, lines)
    })
}

/// [`fit_lines`] when nothing needs to be cut: `None` when even the
/// smallest size needs more than `max_lines` lines.
pub fn fits(
    text: &str,
    font: &FontDesc<'static>,
    scales: &[f64],
    max: i32,
    max_lines: usize,
) -> Option<(FontDesc<'static>, Vec<String>)> {
    let base = font.get_size();
    scales.iter().find_map(|scale| {
        let sized = font.resize(base * scale);
        let lines = wrap_all(text, &sized, max);
        (lines.len() <= max_lines && lines.iter().all(|l| text_width(l, &sized) <= max))
            .then_some((sized, lines))
    })
}

/// The smallest of `scales` (1 when there are none).
pub fn smallest_scale(scales: &[f64]) -> f64 {
    scales.iter().copied().fold(1.0, f64::min)
}

/// A title as set in lines of at most `max` pixels: in `lines` lines, a
/// little smaller if need be; then in up to `most` lines at the smallest
/// size; cut only when even that is not enough.
pub fn fit_title(
    text: &str,
    font: &FontDesc<'static>,
    max: i32,
    (lines, most): (usize, usize),
) -> (FontDesc<'static>, Vec<String>) {
    let smallest = &TEXT_SCALES[TEXT_SCALES.len() - 1..];
    fits(text, font, &TEXT_SCALES, max, lines)
        .or_else(|| fits(text, font, smallest, max, most))
        .unwrap_or_else(|| fit_lines(text, font, smallest, max, most))
}

/// A chart title as set: two lines, a little smaller if need be, a third
/// line before anything is cut.
fn heading_lines(
    text: &str,
    font: &FontDesc<'static>,
    max: i32,
) -> (FontDesc<'static>, Vec<String>) {
    fit_title(text, font, max, (2, 3))
}

/// "Nice" tick positions covering `lo..=hi` with at most `max_ticks` ticks;
/// returns (step, ticks). `integer` keeps steps whole.
pub fn nice_ticks(lo: f64, hi: f64, max_ticks: usize, integer: bool) -> (f64, Vec<f64>) {
    let span = (hi - lo).abs();
    if !span.is_finite() || span == 0.0 || !lo.is_finite() {
        return (1.0, vec![lo]);
    }
    let raw = span / max_ticks.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if integer {
        step = step.max(1.0).round();
    }
    let first = (lo / step).ceil();
    let ticks = (0..=max_ticks * 2 + 1)
        .map(|i| (first + i as f64) * step)
        .take_while(|t| *t <= hi + step * 1e-9)
        .map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t })
        .collect();
    (step, ticks)
}

/// Steps to label on a time axis so that labels do not collide: every
/// k-th step, k from a calendar-friendly list.
pub fn time_ticks(labels: &[(u32, String)], plot_width: i32, font: &FontDesc) -> Vec<u32> {
    let widest = labels
        .iter()
        .map(|(_, l)| text_width(l, font))
        .max()
        .unwrap_or(0)
        + text_height(font);
    let (Some(first), Some(last)) = (labels.first(), labels.last()) else {
        return Vec::new();
    };
    let room = (plot_width / widest.max(1)).max(2) as u32;
    let span = last.0.saturating_sub(first.0).max(1);
    let stride = [1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120, 240, 600, 1200]
        .into_iter()
        .find(|s| span / s < room)
        .unwrap_or(span);
    labels
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| (s - first.0) % stride == 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::figure::{BarPlot, BarSeries, Interval, Scale};

    fn bars(title: &str, values: &[f64], color: RGBColor) -> Figure {
        Figure {
            title: title.into(),
            subtitle: "a subtitle".into(),
            legend: Vec::new(),
            plot: Plot::Bars(BarPlot {
                x_title: "chance".into(),
                rows: values.iter().map(|v| format!("row {v}")).collect(),
                series: vec![BarSeries {
                    color,
                    negative: None,
                    values: values
                        .iter()
                        .map(|&v| {
                            Some(Interval {
                                value: v,
                                lo: v * 0.9,
                                hi: v * 1.1,
                            })
                        })
                        .collect(),
                }],
                scale: Scale::Percent,
            }),
        }
    }

    /// A thread's canvas is reused from PNG to PNG: nothing of the chart
    /// drawn before shows in the next, larger or smaller.
    #[test]
    fn a_reused_canvas_draws_what_a_fresh_one_draws() {
        let first = bars("First", &[0.9, 0.8, 0.7, 0.95, 0.6], RGBColor(200, 30, 30));
        let second = bars("Second", &[0.1, 0.2], RGBColor(30, 30, 200));
        let small = Size {
            width: 500,
            height: 300,
        };
        let large = Size {
            width: 900,
            height: 700,
        };
        let fresh = |figure: Figure, size: Size| {
            std::thread::spawn(move || png(&figure, size, Placement::Full).unwrap())
                .join()
                .unwrap()
        };
        for (before, after) in [(large, small), (small, large), (large, large)] {
            png(&first, before, Placement::Full).unwrap();
            let reused = png(&second, after, Placement::Full).unwrap();
            assert!(reused == fresh(second.clone(), after));
            assert!(reused != fresh(first.clone(), after));
        }
    }

    #[test]
    fn ticks_are_round() {
        let (step, ticks) = nice_ticks(0.0, 1.0, 5, false);
        assert_eq!(step, 0.2);
        assert_eq!(ticks.len(), 6);
        let (step, ticks) = nice_ticks(-0.5, 15.5, 8, true);
        assert_eq!(step, 2.0);
        assert_eq!(ticks.first(), Some(&0.0));
        assert_eq!(nice_ticks(3.0, 3.0, 5, false).1, vec![3.0]);
        assert_eq!(nice_ticks(f64::NAN, 3.0, 5, false).1.len(), 1);
    }

    #[test]
    fn text_wraps_and_shrinks_before_it_is_cut() {
        super::super::style::ensure_fonts().expect("fonts");
        let font = Style::new(super::super::style::DEFAULT_SIZE).tick_font();
        let w = |t: &str| text_width(t, &font);
        let text = "A negative report by September 2026 (2nd report)";
        // Two lines where one is too narrow, every word kept.
        let lines = wrap_all(text, &font, w(text) * 2 / 3);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines.join(" "), text);
        // A long hyphenated name breaks after a hyphen.
        let name = "palmyra-israel-escalation-sweida";
        let lines = wrap_all(name, &font, w(name) * 2 / 3);
        assert_eq!(lines.concat(), name, "{lines:?}");
        assert!(lines.len() == 2 && lines[0].ends_with('-'), "{lines:?}");
        // Slightly too wide for two lines: a smaller size, nothing cut.
        let max = w(text) / 2 + w("ab");
        let (sized, lines) = fit_lines(text, &font, &[1.0, 0.9, 0.8], max * 9 / 10, 2);
        assert!(sized.get_size() < font.get_size());
        assert_eq!(lines.join(" "), text);
        // Far too wide: cut at the smallest size, as the last resort.
        let (sized, lines) = fit_lines(text, &font, &[1.0, 0.8], w("negative"), 2);
        assert_eq!(sized.get_size(), font.get_size() * 0.8);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
    }

    #[test]
    fn time_ticks_thin_out() {
        let labels: Vec<(u32, String)> = (0..=120)
            .map(|s| (s, format!("20{:02}-01", s % 100)))
            .collect();
        let font = Style::new(super::super::style::DEFAULT_SIZE).tick_font();
        let ticks = time_ticks(&labels, 1000, &font);
        assert!(ticks.len() >= 4 && ticks.len() <= 12, "{ticks:?}");
        assert_eq!(ticks[0], 0);
    }
}
