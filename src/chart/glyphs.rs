//! The PNG charts' text: each glyph rasterised once per thread and kept.
//!
//! plotters draws a string by rasterising the outline of every character
//! of it, every time, then blending the covered pixels one by one. A chart
//! draws the same few dozen characters (digits, a label's letters) at two
//! or three sizes, over and over: drawing text was about a third of the
//! time spent drawing the Palmyra charts, rasterising outlines much of
//! it. [`draw_text`] lays a string out
//! exactly as plotters' `ab_glyph` font code does (the same kerning, the
//! same advance summed in `f32`, each glyph placed at a whole pixel, the
//! same anchor and rotation) and blends the same pixels with the same
//! coverage, but takes each glyph's pixels from a per-thread table keyed
//! by font, size and character. The PNG bytes are the same as plotters'
//! (a test draws every character of the charts' text both ways).
//!
//! Only the embedded DejaVu Sans, regular and bold, is known here (the
//! fonts [`super::style::ensure_fonts`] registers); any other family or
//! style is left to plotters.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, ScaleFont};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendTextStyle, FontStyle};

/// A glyph at one size: where its covered pixels lie relative to the pen
/// (`x` from the pen's whole-pixel position, `y` from the text's top) and
/// how far it moves the pen.
struct Glyph {
    id: GlyphId,
    advance: f32,
    /// `(x, y, coverage)` of each pixel with some coverage.
    pixels: Vec<(i32, i32, f32)>,
}

/// Which of the two embedded fonts.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Face {
    Regular,
    Bold,
}

/// The embedded fonts, parsed once per process (`None` when one did not
/// parse; plotters then draws, and reports the error itself).
fn face(face: Face) -> Option<&'static FontRef<'static>> {
    static FACES: OnceLock<[Option<FontRef<'static>>; 2]> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        [
            FontRef::try_from_slice(dejavu::sans::regular()).ok(),
            FontRef::try_from_slice(dejavu::sans::bold()).ok(),
        ]
    });
    faces[face as usize].as_ref()
}

/// The glyphs rasterised so far on this thread: by face, size (its bits)
/// and character.
type Table = HashMap<(Face, u32, char), Rc<Glyph>>;

thread_local! {
    static GLYPHS: RefCell<Table> = RefCell::new(HashMap::new());
}

/// The glyph of `c` in `font` at `size` pixels, rasterised as plotters'
/// `ab_glyph` code does: at pen position zero, its rows shifted so that
/// `y = size / 2 + top of its pixel bounds`, truncated.
fn rasterise(font: &FontRef<'static>, size: f32, c: char) -> Glyph {
    let scaled = font.as_scaled(size);
    let id = scaled.glyph_id(c);
    let mut pixels = Vec::new();
    if let Some(outline) = scaled.outline_glyph(scaled.scaled_glyph(c)) {
        let y_shift = (size / 2.0 + outline.px_bounds().min.y) as i32;
        outline.draw(|x, y, coverage| {
            // A pixel with no coverage is left as it is when blended.
            if coverage > 0.0 {
                pixels.push((x as i32, y as i32 + y_shift, coverage));
            }
        });
    }
    Glyph {
        id,
        advance: scaled.h_advance(id),
        pixels,
    }
}

/// Draws `text` as plotters' default `DrawingBackend::draw_text` would,
/// calling `pixel` for each covered pixel inside `bounds` (width, height)
/// with its blended colour; `None` when the style's font is not one of the
/// embedded faces (the caller then lets plotters draw it).
pub fn draw_text<S: BackendTextStyle, E>(
    text: &str,
    style: &S,
    pos: BackendCoord,
    bounds: (u32, u32),
    mut pixel: impl FnMut(BackendCoord, BackendColor) -> Result<(), E>,
) -> Option<Result<(), E>> {
    let which = match (style.family().as_str(), style.style()) {
        ("sans-serif", FontStyle::Normal) => Face::Regular,
        ("sans-serif", FontStyle::Bold) => Face::Bold,
        _ => return None,
    };
    let font = face(which)?;
    let color = style.color();
    if color.alpha == 0.0 {
        return Some(Ok(()));
    }
    let ((min_x, min_y), (max_x, max_y)) = style.layout_box(text).ok()?;
    let (width, height) = (max_x - min_x, max_y - min_y);
    let dx = match style.anchor().h_pos {
        HPos::Left => 0,
        HPos::Right => -width,
        HPos::Center => -width / 2,
    };
    let dy = match style.anchor().v_pos {
        VPos::Top => 0,
        VPos::Center => -height / 2,
        VPos::Bottom => -height,
    };
    let transform = style.transform();
    let size = style.size() as f32;
    let scaled = font.as_scaled(size);
    let (w, h) = (bounds.0 as i32, bounds.1 as i32);
    GLYPHS.with(|table| {
        let mut pen = 0f32;
        let mut previous: Option<GlyphId> = None;
        for c in text.chars() {
            let glyph = Rc::clone(
                table
                    .borrow_mut()
                    .entry((which, size.to_bits(), c))
                    .or_insert_with(|| Rc::new(rasterise(font, size, c))),
            );
            if let Some(p) = previous {
                pen += scaled.kern(p, glyph.id);
            }
            previous = Some(glyph.id);
            let shift = pen as i32;
            for &(x, y, coverage) in &glyph.pixels {
                let (x, y) = transform.transform(x + shift + dx - min_x, y + dy - min_y);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && x < w && y >= 0 && y < h {
                    let blended = color.mix(f64::from(coverage));
                    if let Err(e) = pixel((x, y), blended) {
                        return Some(Err(e));
                    }
                }
            }
            pen += glyph.advance;
        }
        Some(Ok(()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;
    use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform};
    use plotters_backend::text_anchor::Pos;

    /// Text set as the charts set it (several sizes, both faces, three
    /// anchors, rotated axis titles, text running off the edges), drawn by
    /// plotters and from the table, gives the same bytes.
    #[test]
    fn the_table_draws_what_plotters_draws() {
        super::super::style::ensure_fonts().unwrap();
        let texts = [
            "0123456789 .,:;-+−±×%‰$€£ ()[]{}/\\|<>=?!'\"&#@*^_~",
            "Will there be further insider attacks? p5–p95, mean (95% CI)",
            "AVAWTo Ty fi fl ffi — Ünïcödé ÉÈÀ çñø ß",
            "coalition_trust_end",
        ];
        let (w, h) = (420u32, 260u32);
        let mut drawn = 0;
        let ink = RGBColor(20, 60, 120).mix(0.85);
        for size in [9.5, 12.0, 14.4, 17.0, 22.0] {
            for weight in [FontStyle::Normal, FontStyle::Bold] {
                for transform in [
                    FontTransform::None,
                    FontTransform::Rotate270,
                    FontTransform::Rotate90,
                ] {
                    for (hp, vp) in [
                        (HPos::Left, VPos::Top),
                        (HPos::Center, VPos::Center),
                        (HPos::Right, VPos::Bottom),
                    ] {
                        let style =
                            TextStyle::from(FontDesc::new(FontFamily::SansSerif, size, weight))
                                .color(&ink)
                                .transform(transform.clone())
                                .pos(Pos::new(hp, vp));
                        for (i, text) in texts.iter().enumerate() {
                            let pos = (30 + 90 * i as i32, 40 + 50 * i as i32);
                            let mut by_plotters = vec![255u8; (w * h * 3) as usize];
                            let mut by_table = by_plotters.clone();
                            BitMapBackend::with_buffer(&mut by_plotters, (w, h))
                                .draw_text(text, &style, pos)
                                .unwrap();
                            let mut backend = BitMapBackend::with_buffer(&mut by_table, (w, h));
                            draw_text(text, &style, pos, (w, h), |at, c| backend.draw_pixel(at, c))
                                .expect("the embedded face")
                                .unwrap();
                            drop(backend);
                            assert!(by_plotters == by_table, "{text:?} at {size} px");
                            drawn += by_plotters.iter().filter(|&&b| b != 255).count();
                        }
                    }
                }
            }
        }
        assert!(drawn > 100_000, "the text was drawn: {drawn}");
    }

    #[test]
    fn other_families_are_left_to_plotters() {
        let style = TextStyle::from(FontDesc::new(FontFamily::Serif, 12.0, FontStyle::Normal));
        let none = draw_text("x", &style, (0, 0), (10, 10), |_, _| Ok::<(), ()>(()));
        assert!(none.is_none());
    }
}
