//! The PDF's fonts: DejaVu, the family the charts draw with, embedded from
//! the `dejavu` crate (never a system font), measured with `ttf-parser` and
//! cut down to the glyphs the document uses with `subsetter`.
//!
//! Each face is written as a Type 0 font over a TrueType CIDFont with the
//! Identity-H encoding: the bytes in a content stream are the subset's
//! glyph ids, two bytes each, so any character DejaVu has can be shown.
//! A ToUnicode map turns the glyph ids back into text, so the PDF can be
//! searched and its text copied. There is no shaping or kerning: polsim's
//! reports are in scripts written left to right, one glyph per character.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use ttf_parser::{Face as TtfFace, GlyphId};

/// The faces a report uses, by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Face {
    Regular,
    Bold,
    /// Tables: narrower letters fit more columns on a page.
    Condensed,
    CondensedBold,
    /// Commands to type.
    Mono,
}

/// Each face with its PostScript name and its bytes.
/// A face's bytes, from the `dejavu` crate.
type FontData = fn() -> &'static [u8];

const FACES: [(Face, &str, FontData); 5] = [
    (Face::Regular, "DejaVuSans", dejavu::sans::regular),
    (Face::Bold, "DejaVuSans-Bold", dejavu::sans::bold),
    (
        Face::Condensed,
        "DejaVuSansCondensed",
        dejavu::sans_condensed::regular,
    ),
    (
        Face::CondensedBold,
        "DejaVuSansCondensed-Bold",
        dejavu::sans_condensed::bold,
    ),
    (Face::Mono, "DejaVuSansMono", dejavu::sans_mono::regular),
];

impl Face {
    /// The resource name content streams select the face by.
    pub fn resource(self) -> Name<'static> {
        Name(match self {
            Face::Regular => b"F1",
            Face::Bold => b"F2",
            Face::Condensed => b"F3",
            Face::CondensedBold => b"F4",
            Face::Mono => b"F5",
        })
    }
}

/// One face: its parsed tables, the glyphs used so far (renumbered for the
/// subset) and the text each stands for.
struct Loaded {
    face: Face,
    name: &'static str,
    data: &'static [u8],
    ttf: TtfFace<'static>,
    units_per_em: f32,
    /// Each character's glyph, advance and the character the glyph shows
    /// (itself, or `?` where the face lacks it), so measuring is a lookup.
    advances: BTreeMap<char, (u16, u16, char)>,
    remapper: GlyphRemapper,
    /// The character each subset glyph shows (for ToUnicode).
    text: BTreeMap<u16, char>,
}

/// The fonts of one document.
pub struct Fonts {
    loaded: Vec<Loaded>,
}

impl Fonts {
    /// Parse every face; an error here means a broken build of the
    /// `dejavu` crate, not bad input.
    pub fn new() -> Result<Fonts, String> {
        let mut loaded = Vec::new();
        for (face, name, bytes) in FACES {
            let data = bytes();
            let ttf = TtfFace::parse(data, 0).map_err(|e| format!("font {name}: {e}"))?;
            loaded.push(Loaded {
                face,
                name,
                data,
                units_per_em: f32::from(ttf.units_per_em()),
                ttf,
                advances: BTreeMap::new(),
                remapper: GlyphRemapper::new(),
                text: BTreeMap::new(),
            });
        }
        Ok(Fonts { loaded })
    }

    fn get(&mut self, face: Face) -> &mut Loaded {
        // FACES lists every face, so the index is always found.
        let at = FACES.iter().position(|(f, _, _)| *f == face).unwrap_or(0);
        &mut self.loaded[at]
    }

    /// The width of `text` set in `face` at `size` points.
    pub fn width(&mut self, face: Face, size: f32, text: &str) -> f32 {
        let font = self.get(face);
        let units: u32 = text.chars().map(|c| u32::from(font.glyph(c).1)).sum();
        units as f32 * size / font.units_per_em
    }

    /// `text` as the bytes of a content stream's string in `face`: each
    /// character's glyph id in the subset, big-endian. The glyphs are
    /// recorded for embedding.
    pub fn encode(&mut self, face: Face, text: &str) -> Vec<u8> {
        let font = self.get(face);
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (glyph, _, shown) = font.glyph(c);
            let cid = font.remapper.remap(glyph);
            // Copied text is what the page shows: a character the face
            // lacks copies as the `?` drawn for it.
            font.text.entry(cid).or_insert(shown);
            bytes.extend_from_slice(&cid.to_be_bytes());
        }
        bytes
    }

    /// Write every face that shows a glyph as a Type 0 font; returns each
    /// written face with the reference of its font dictionary.
    pub fn embed(&self, pdf: &mut Pdf, next: &mut Ref) -> Result<Vec<(Face, Ref)>, String> {
        let mut written = Vec::new();
        for font in &self.loaded {
            if font.text.is_empty() {
                continue;
            }
            written.push((font.face, font.embed(pdf, next)?));
        }
        Ok(written)
    }
}

impl Loaded {
    /// A character's glyph id, advance and the character shown: one the
    /// face lacks shows as `?`, as a browser without the font would.
    fn glyph(&mut self, c: char) -> (u16, u16, char) {
        if let Some(&known) = self.advances.get(&c) {
            return known;
        }
        let wanted = if c.is_control() { ' ' } else { c };
        let (glyph, shown) = match self.ttf.glyph_index(wanted) {
            Some(glyph) => (glyph, wanted),
            None => (self.ttf.glyph_index('?').unwrap_or(GlyphId(0)), '?'),
        };
        let advance = self.ttf.glyph_hor_advance(glyph).unwrap_or(0);
        self.advances.insert(c, (glyph.0, advance, shown));
        (glyph.0, advance, shown)
    }

    fn embed(&self, pdf: &mut Pdf, next: &mut Ref) -> Result<Ref, String> {
        let mut alloc = || next.bump();
        let (type0, cid, descriptor, file, cmap) = (alloc(), alloc(), alloc(), alloc(), alloc());
        let subset = subsetter::subset(self.data, 0, &self.remapper)
            .map_err(|e| format!("font {}: cannot subset: {e}", self.name))?;
        // A subset's name starts with a tag of six capitals that differs
        // between subsets; derived from the glyphs, so it is reproducible.
        let mut hash = Sha256::new();
        for cid in self.text.keys() {
            hash.update(cid.to_be_bytes());
        }
        let tag: String = hash
            .finalize()
            .iter()
            .take(6)
            .map(|b| char::from(b'A' + b % 26))
            .collect();
        let base = format!("{tag}+{}", self.name);
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        pdf.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);

        let scale = |units: f32| units * 1000.0 / self.units_per_em;
        let mut widths: Vec<f32> = Vec::new();
        for old in self.remapper.remapped_gids() {
            let advance = self.ttf.glyph_hor_advance(GlyphId(old)).unwrap_or(0);
            widths.push(scale(f32::from(advance)));
        }
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(Name(base.as_bytes()))
            .system_info(system)
            .font_descriptor(descriptor)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let bbox = self.ttf.global_bounding_box();
        let mut flags = FontFlags::NON_SYMBOLIC;
        if self.face == Face::Mono {
            flags |= FontFlags::FIXED_PITCH;
        }
        let cap = self.ttf.capital_height().unwrap_or(self.ttf.ascender());
        pdf.font_descriptor(descriptor)
            .name(Name(base.as_bytes()))
            .flags(flags)
            .bbox(Rect::new(
                scale(f32::from(bbox.x_min)),
                scale(f32::from(bbox.y_min)),
                scale(f32::from(bbox.x_max)),
                scale(f32::from(bbox.y_max)),
            ))
            .italic_angle(self.ttf.italic_angle())
            .ascent(scale(f32::from(self.ttf.ascender())))
            .descent(scale(f32::from(self.ttf.descender())))
            .cap_height(scale(f32::from(cap)))
            .stem_v(if matches!(self.face, Face::Bold | Face::CondensedBold) {
                140.0
            } else {
                80.0
            })
            .font_file2(file);

        let compressed = super::deflate(&subset);
        pdf.stream(file, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);

        let mut unicode = UnicodeCmap::new(Name(b"polsim-UCS"), system);
        for (&cid, &c) in &self.text {
            unicode.pair(cid, c);
        }
        let unicode = unicode.finish();
        pdf.cmap(cmap, &super::deflate(&unicode))
            .filter(Filter::FlateDecode);
        Ok(type0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyphs_are_numbered_in_first_use_and_a_missing_one_copies_as_shown() {
        let mut fonts = Fonts::new().expect("fonts");
        // The subset keeps glyph 0 (.notdef) first, so "ab" are CIDs 1 and 2.
        assert_eq!(fonts.encode(Face::Regular, "aba"), [0, 1, 0, 2, 0, 1]);
        // DejaVu has no CJK: 中 is drawn as `?`, and copies as `?` too.
        let missing = fonts.encode(Face::Regular, "中");
        assert_eq!(missing, fonts.encode(Face::Regular, "?"));
        let cid = u16::from_be_bytes([missing[0], missing[1]]);
        assert_eq!(fonts.get(Face::Regular).text.get(&cid), Some(&'?'));
        // Widths scale with the size; a bold face is wider.
        let regular = fonts.width(Face::Regular, 10.0, "polsim");
        assert!((fonts.width(Face::Regular, 20.0, "polsim") - 2.0 * regular).abs() < 1e-3);
        assert!(fonts.width(Face::Bold, 10.0, "polsim") > regular);
        assert!(fonts.width(Face::Condensed, 10.0, "polsim") < regular);
    }
}
