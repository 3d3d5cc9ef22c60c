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
//! differently. Text is drawn as plotters draws it, with each text's
//! glyph pixels remembered per thread, so a label that recurs across
//! charts is rasterised once. Everything else is passed to
//! [`BitMapBackend`] unchanged.

use plotters::prelude::{BitMapBackend, DrawingBackend};
use plotters_backend::text_anchor::{HPos, VPos};
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

    /// As plotters draws text (its default `draw_text`), with the glyphs'
    /// pixels remembered: a chart's tick labels, legends and axis titles
    /// recur from chart to chart, and rasterising glyph outlines was a
    /// tenth of a default run.
    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), Failed> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let glyphs = glyphs::of(text, style)?;
        let ((min_x, min_y), (max_x, max_y)) = glyphs.layout;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let (w, h) = self.get_size();
        for &(x, y, color) in glyphs.pixels.iter() {
            let (x, y) = transform.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                self.inner.draw_pixel((x, y), color)?;
            }
        }
        Ok(())
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

/// The pixels of texts drawn before, per thread.
mod glyphs {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    use plotters_backend::{BackendColor, BackendTextStyle, DrawingErrorKind};

    use super::Failed;

    /// A text as plotters' font draws it at (0, 0): its layout box and
    /// each pixel with its colour, in the order drawn.
    pub(super) struct Glyphs {
        pub(super) layout: ((i32, i32), (i32, i32)),
        pub(super) pixels: Vec<(i32, i32, BackendColor)>,
    }

    /// What the pixels of a text depend on: the text, the font (family,
    /// style, size) and the colour. The anchor and the rotation apply
    /// after.
    #[derive(Hash, PartialEq, Eq)]
    struct Key {
        text: String,
        family: String,
        style: String,
        size: u64,
        rgb: (u8, u8, u8),
        alpha: u64,
    }

    /// Texts remembered per thread at most; past it the memory starts
    /// afresh (a run's charts hold a few hundred distinct texts).
    const MOST: usize = 4096;

    thread_local! {
        static SEEN: RefCell<HashMap<Key, Rc<Glyphs>>> = RefCell::new(HashMap::new());
    }

    /// The pixels of `text` in `style`, drawn once per thread.
    pub(super) fn of<T: BackendTextStyle>(text: &str, style: &T) -> Result<Rc<Glyphs>, Failed> {
        let color = style.color();
        let key = Key {
            text: text.to_string(),
            family: style.family().as_str().to_string(),
            style: style.style().as_str().to_string(),
            size: style.size().to_bits(),
            rgb: color.rgb,
            alpha: color.alpha.to_bits(),
        };
        if let Some(found) = SEEN.with(|seen| seen.borrow().get(&key).cloned()) {
            return Ok(found);
        }
        let layout = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let mut pixels = Vec::new();
        style
            .draw(text, (0, 0), |x, y, c| {
                pixels.push((x, y, c));
                Ok::<(), std::convert::Infallible>(())
            })
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?
            .map_err(|never| match never {})?;
        let glyphs = Rc::new(Glyphs { layout, pixels });
        SEEN.with(|seen| {
            let mut seen = seen.borrow_mut();
            if seen.len() >= MOST {
                seen.clear();
            }
            seen.insert(key, Rc::clone(&glyphs));
        });
        Ok(glyphs)
    }
}

/// What plotters' polygon sweep drew, kept to be painted later.
enum Mark {
    Pixel(BackendCoord, BackendColor),
    Line(BackendCoord, BackendCoord, BackendColor),
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
                Mark::Line(a, b, c) => target.draw_line(a, b, &c)?,
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
            self.others.push(Mark::Line(from, to, color));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    /// A band, a thick zigzag line and a circle drawn through [`Raster`]
    /// and straight through [`BitMapBackend`] cover the same pixels, each
    /// within one level of each channel.
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
        assert!(ours != theirs, "no polygon was filled by rows");
        assert!(painted > 20_000, "only {painted} channels painted");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            let (x, y) = ((i / 3) as u32 % w, (i / 3) as u32 / w);
            assert!(a.abs_diff(*b) <= 1, "pixel ({x}, {y}): {a} against {b}");
        }
    }

    /// Text through [`Raster`], drawn the first time and from memory the
    /// second (and on another colour, size, anchor and rotation), is the
    /// same bytes as plotters draws.
    #[test]
    fn text_is_drawn_as_plotters_draws_it() {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        crate::chart::style::ensure_fonts().unwrap();
        let (w, h) = (240u32, 160u32);
        fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>) {
            area.fill(&WHITE).unwrap();
            for (i, (size, color)) in [(18.0, BLACK), (18.0, BLACK), (11.5, RED), (18.0, BLUE)]
                .into_iter()
                .enumerate()
            {
                let font = ("sans-serif", size).into_font().color(&color);
                let font = match i {
                    2 => font.transform(FontTransform::Rotate270),
                    3 => font.pos(Pos::new(HPos::Right, VPos::Bottom)),
                    _ => font,
                };
                let at = (20 + 50 * i as i32, 30 + 25 * i as i32);
                area.draw(&Text::new("Coalition trust 0.5", at, font))
                    .unwrap();
            }
        }
        let mut ours = vec![255u8; (w * h * 3) as usize];
        let mut theirs = ours.clone();
        for _ in 0..2 {
            ours.fill(255);
            let area = Raster::with_buffer(&mut ours, (w, h)).into_drawing_area();
            draw(&area);
            area.present().unwrap();
        }
        {
            let area = BitMapBackend::with_buffer(&mut theirs, (w, h)).into_drawing_area();
            draw(&area);
            area.present().unwrap();
        }
        assert!(theirs.iter().filter(|&&v| v != 255).count() > 1000);
        assert!(ours == theirs, "text pixels differ");
    }
}
