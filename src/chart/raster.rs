//! The PNG backend: plotters' bitmap backend, with wide polygons filled a
//! row at a time.
//!
//! plotters fills a polygon that is wider than it is tall (a fan chart's
//! band, a thick line polygonised) by sweeping its columns: one vertical
//! line a pixel wide per column, each blended pixel by pixel. Most of a
//! chart's pixels are painted that way, and a row of pixels blends eight
//! at a time where a column blends one. [`Raster`] runs plotters' own
//! sweep ([`rasterizer::fill_polygon`]) into a recorder, then paints the
//! recorded columns as horizontal runs, row by row, and replays every
//! other mark (the anti-aliased edge pixels, horizontal lines) in order.
//! The pixels covered are the same; a blended pixel may differ by one
//! level of a channel, as plotters rounds the two ways of blending
//! differently. Text is drawn from glyphs rasterised once
//! ([`super::glyphs`]). Everything else is passed to [`BitMapBackend`]
//! unchanged.

use plotters::prelude::{BitMapBackend, DrawingBackend};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, rasterizer,
};

type Failed = DrawingErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>;

/// [`BitMapBackend`] over an RGB buffer, filling wide polygons by rows.
pub struct Raster<'a> {
    inner: BitMapBackend<'a>,
}

impl<'a> Raster<'a> {
    /// Draws into `buffer`, `size.0 * size.1` RGB pixels.
    pub fn with_buffer(buffer: &'a mut [u8], size: (u32, u32)) -> Raster<'a> {
        Raster {
            inner: BitMapBackend::with_buffer(buffer, size),
        }
    }
}

impl DrawingBackend for Raster<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Failed> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Failed> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Failed> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Failed> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Failed> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), Failed> {
        let vertices: Vec<BackendCoord> = vertices.into_iter().collect();
        let mut marks = Marks::new(self.get_size());
        if rasterizer::fill_polygon(&mut marks, &vertices, style).is_err() {
            // The recorder never fails; should it, draw as plotters does.
            return rasterizer::fill_polygon(&mut self.inner, &vertices, style);
        }
        marks.paint(&mut self.inner)
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), Failed> {
        let size = self.inner.get_size();
        let inner = &mut self.inner;
        match super::glyphs::draw_text(text, style, pos, size, |at, color| {
            inner.draw_pixel(at, color)
        }) {
            Some(drawn) => drawn,
            None => self.inner.draw_text(text, style, pos),
        }
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), Failed> {
        self.inner.estimate_text_size(text, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Failed> {
        self.inner.blit_bitmap(pos, size, src)
    }
}

/// What plotters' polygon sweep drew, kept to be painted later.
enum Mark {
    Pixel(BackendCoord, BackendColor),
    Line(BackendCoord, BackendCoord, Stroke),
}

/// A line's colour and width, as given.
#[derive(Clone, Copy)]
struct Stroke {
    color: BackendColor,
    width: u32,
}

impl BackendStyle for Stroke {
    fn color(&self) -> BackendColor {
        self.color
    }

    fn stroke_width(&self) -> u32 {
        self.width
    }
}

/// A recorder for one polygon: the one-pixel columns of a sweep, which
/// all share the polygon's colour, and every other mark in order.
struct Marks {
    size: (u32, u32),
    /// Column `x`, rows `top..bottom`, in the order drawn (left to right).
    columns: Vec<(i32, i32, i32)>,
    color: Option<BackendColor>,
    others: Vec<Mark>,
}

impl Marks {
    fn new(size: (u32, u32)) -> Marks {
        Marks {
            size,
            columns: Vec::new(),
            color: None,
            others: Vec::new(),
        }
    }

    /// Paints the columns as runs along rows, then the other marks.
    fn paint(self, target: &mut BitMapBackend<'_>) -> Result<(), Failed> {
        if let Some(color) = self.color {
            paint_columns(target, &self.columns, color, self.size.1)?;
        }
        for mark in self.others {
            match mark {
                Mark::Pixel(p, c) => target.draw_pixel(p, c)?,
                Mark::Line(a, b, stroke) => target.draw_line(a, b, &stroke)?,
            }
        }
        Ok(())
    }
}

/// Paints one-pixel columns `(x, top, bottom)`, given left to right, as
/// the horizontal runs they make in each row: row `y` of columns `x0..=x1`
/// is one blended rectangle a pixel high. Where two columns of the same
/// `x` overlap, the overlap is painted twice, as plotters would.
fn paint_columns(
    target: &mut BitMapBackend<'_>,
    columns: &[(i32, i32, i32)],
    color: BackendColor,
    height: u32,
) -> Result<(), Failed> {
    let height = height as i32;
    let top = columns.iter().map(|c| c.1).min().unwrap_or(0).max(0);
    let bottom = columns.iter().map(|c| c.2).max().unwrap_or(0).min(height);
    if top >= bottom {
        return Ok(());
    }
    let rows = (bottom - top) as usize;
    // Per row: the first and last column of its open run.
    let mut first = vec![i32::MIN; rows];
    let mut last = vec![i32::MIN; rows];
    let run = |target: &mut BitMapBackend<'_>, y: i32, x0: i32, x1: i32| {
        target.draw_rect((x0, y), (x1 + 1, y + 1), &color, true)
    };
    for &(x, a, b) in columns {
        for y in a.max(top)..b.min(bottom) {
            let r = (y - top) as usize;
            if last[r] == x {
                run(target, y, x, x)?;
            } else if last[r] != i32::MIN && last[r] + 1 == x {
                last[r] = x;
            } else {
                if last[r] != i32::MIN {
                    run(target, y, first[r], last[r])?;
                }
                first[r] = x;
                last[r] = x;
            }
        }
    }
    for (r, (&x0, &x1)) in first.iter().zip(&last).enumerate() {
        if x1 != i32::MIN {
            run(target, top + r as i32, x0, x1)?;
        }
    }
    Ok(())
}

impl DrawingBackend for Marks {
    type ErrorType = std::convert::Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.others.push(Mark::Pixel(point, color));
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        let same = self
            .color
            .is_none_or(|c| c.rgb == color.rgb && c.alpha == color.alpha);
        if from.0 == to.0 && style.stroke_width() == 1 && same && color.alpha > 0.0 {
            self.color = Some(color);
            // The rows `BitMapBackend::draw_line` paints for this line.
            let (a, b) = if color.alpha >= 1.0 {
                (from.1.min(to.1), from.1.max(to.1) + 1)
            } else {
                (from.1.min(to.1 + 1), from.1.max(to.1 + 1))
            };
            self.columns.push((from.0, a, b));
        } else {
            let width = style.stroke_width();
            self.others
                .push(Mark::Line(from, to, Stroke { color, width }));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    /// A band, a polygon on one line, a thick zigzag line and a circle
    /// drawn through [`Raster`] and straight through [`BitMapBackend`]
    /// cover the same pixels, each within one level of each channel.
    #[test]
    fn the_same_pixels_as_plotters_draws() {
        let (w, h) = (300u32, 200u32);
        fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>) {
            area.fill(&WHITE).unwrap();
            let upper: Vec<(i32, i32)> =
                (0..=28).map(|i| (10 + 10 * i, 60 + (i * 7) % 23)).collect();
            let mut band = upper.clone();
            band.extend(upper.iter().rev().map(|&(x, y)| (x, y + 40 + (x % 17))));
            area.draw(&Polygon::new(band, RGBColor(20, 90, 200).mix(0.3).filled()))
                .unwrap();
            area.draw(&Polygon::new(
                vec![(5, 5), (290, 20), (150, 30)],
                RGBColor(200, 40, 10).filled(),
            ))
            .unwrap();
            // All on one vertical line: plotters draws it as a line.
            let flat = RGBColor(90, 0, 90).filled().stroke_width(5);
            area.draw(&Polygon::new(vec![(200, 40), (200, 90), (200, 60)], flat))
                .unwrap();
            let zigzag: Vec<(i32, i32)> = (0..=14).map(|i| (20 * i, 150 + 25 * (i % 2))).collect();
            let thick = ShapeStyle::from(&BLACK).stroke_width(6);
            area.draw(&PathElement::new(zigzag, thick)).unwrap();
            area.draw(&Circle::new(
                (150, 100),
                30,
                RGBColor(0, 150, 0).mix(0.5).filled(),
            ))
            .unwrap();
        }
        let mut ours = vec![255u8; (w * h * 3) as usize];
        let mut theirs = ours.clone();
        {
            let area = Raster::with_buffer(&mut ours, (w, h)).into_drawing_area();
            draw(&area);
            area.present().unwrap();
        }
        {
            let area = BitMapBackend::with_buffer(&mut theirs, (w, h)).into_drawing_area();
            draw(&area);
            area.present().unwrap();
        }
        let painted = theirs.iter().filter(|&&v| v != 255).count();
        assert!(painted > 20_000, "only {painted} channels painted");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            let (x, y) = ((i / 3) as u32 % w, (i / 3) as u32 / w);
            assert!(a.abs_diff(*b) <= 1, "pixel ({x}, {y}): {a} against {b}");
        }
    }
}
