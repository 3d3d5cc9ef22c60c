//! The house style: one place for colours, fonts, sizes and the chart flags.
//!
//! Every chart polsim draws takes its look from here, so a report reads as
//! one piece and a change of taste is one edit. The palette is Okabe-Ito,
//! chosen because its colours stay distinct under the common forms of colour
//! blindness and in greyscale print. Text sizes are set for a 1200x800 image
//! placed at page width (title about 30 px, labels about 20 px) and scale with
//! the image, so a larger or smaller chart keeps the same proportions. A
//! report sets its figures two to a row, at half that width, so they are
//! drawn with text and spacing larger in proportion ([`Placement::Half`]):
//! printed at about 90 mm wide their tick labels read at about 6.3 pt, not
//! 3.8. Sizes are the font's em, in PNG and SVG alike: plotters' own font
//! sizes are larger than the em by a factor that differs between its two
//! backends, which [`Style::drawn_as`] undoes.

use std::sync::OnceLock;

use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor, register_font};

/// Okabe-Ito colours, in the order series take them.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xF0, 0xE4, 0x42), // yellow (last: weak on white)
];
/// The colour of a single series.
pub const MAIN: RGBColor = PALETTE[0];
/// A second, contrasting colour (the mean line, a tornado's high end).
pub const ACCENT: RGBColor = PALETTE[3];
/// Light shading behind data (a histogram's 5-95% range).
pub const SHADE: RGBColor = PALETTE[5];
/// Titles and values.
pub const INK: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
/// Subtitles, tick labels, notes.
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Axis lines.
pub const AXIS: RGBColor = RGBColor(0x44, 0x44, 0x44);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);

/// Viridis at nine even stops, low (dark purple) to high (yellow): a
/// sequential scale that reads in order for every common form of colour
/// blindness and in greyscale, for heat maps.
pub const SEQUENTIAL: [RGBColor; 9] = [
    RGBColor(0x44, 0x01, 0x54),
    RGBColor(0x47, 0x2D, 0x7B),
    RGBColor(0x3B, 0x52, 0x8B),
    RGBColor(0x2C, 0x72, 0x8E),
    RGBColor(0x21, 0x90, 0x8C),
    RGBColor(0x27, 0xAD, 0x81),
    RGBColor(0x5D, 0xC8, 0x63),
    RGBColor(0xAA, 0xDC, 0x32),
    RGBColor(0xFD, 0xE7, 0x25),
];
/// A heat map's cells with no value: a grey that no stop of viridis is near.
pub const MISSING: RGBColor = RGBColor(0xD4, 0xD4, 0xD4);

/// The sequential colour at `t` in 0..=1 (clamped), between the stops.
pub fn sequential(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (SEQUENTIAL.len() - 1) as f64;
    let i = (pos.floor() as usize).min(SEQUENTIAL.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (SEQUENTIAL[i], SEQUENTIAL[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Whether text on `background` should be white rather than ink (by the
/// background's relative luminance).
pub fn light_text_on(background: RGBColor) -> bool {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(background.0) + 0.7152 * lin(background.1) + 0.0722 * lin(background.2);
    // White wins on contrast below this luminance (about 0.18).
    l < 0.18
}

/// The colour of series `i` (cycling after seven).
pub fn series_color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The size every chart is drawn at unless `--size` says otherwise.
pub const DEFAULT_SIZE: Size = Size {
    width: 1200,
    height: 800,
};
/// Smaller than this and labels no longer fit.
pub const MIN_SIZE: Size = Size {
    width: 400,
    height: 300,
};
/// Larger than this is a mistake (a 5000x5000 bitmap is 75 MB in memory).
pub const MAX_SIDE: u32 = 5000;

/// A chart's size in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    /// Parse `--size WIDTHxHEIGHT`; `Err` is the message for the user.
    pub fn parse(text: &str) -> Result<Size, String> {
        let usage = format!(
            "--size must be WIDTHxHEIGHT, e.g. 1600x900 (got \"{}\")",
            text.trim()
        );
        let (w, h) = text
            .trim()
            .split_once(['x', 'X'])
            .ok_or_else(|| usage.clone())?;
        let width: u32 = w.trim().parse().map_err(|_| usage.clone())?;
        let height: u32 = h.trim().parse().map_err(|_| usage.clone())?;
        if width < MIN_SIZE.width || height < MIN_SIZE.height {
            return Err(format!(
                "--size {width}x{height} is too small for legible labels: use at least {}x{}",
                MIN_SIZE.width, MIN_SIZE.height
            ));
        }
        if width > MAX_SIDE || height > MAX_SIDE {
            return Err(format!(
                "--size {width}x{height} is too large: use at most {MAX_SIDE} pixels a side"
            ));
        }
        Ok(Size { width, height })
    }
}

/// A chart file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Png, Format::Svg];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }

    /// Parse `--format png,svg` (already split at commas); duplicates are
    /// dropped, order kept. `Err` is the message for the user.
    pub fn parse_list(items: &[String]) -> Result<Vec<Format>, String> {
        let allowed = "use png, svg or both, comma-separated, e.g. --format png,svg";
        let mut out = Vec::new();
        for item in items {
            let word = item.trim().to_ascii_lowercase();
            let format = Format::ALL
                .into_iter()
                .find(|f| f.extension() == word)
                .ok_or_else(|| format!("unknown chart format \"{}\": {allowed}", item.trim()))?;
            if !out.contains(&format) {
                out.push(format);
            }
        }
        if out.is_empty() {
            return Err(format!("--format names no format: {allowed}"));
        }
        Ok(out)
    }
}

/// How wide a chart is set on the page it is read on, which decides how
/// large its text must be relative to the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// On its own at a page's (or a screen's) full width: the chart files.
    Full,
    /// Two to a row, as a report's figures are: text and spacing
    /// [`HALF_WIDTH_BOOST`] times larger relative to the image.
    Half,
}

/// How much larger a half-width figure's text is. A 1200 px chart set at
/// half a report's printed text width (A4 less 12 mm margins, 186 mm; less
/// a 6 mm gutter, 90 mm) shows 18 px tick labels at 3.8 pt; 1.65 times that
/// is 6.3 pt, axis titles and row names 7 pt and the title 10.5 pt, the
/// sizes journals ask of printed figures, while the chart keeps the
/// proportions of one drawn at 727x485.
pub const HALF_WIDTH_BOOST: f64 = 1.65;

/// What plotters' SVG backend calls a font's size, per pixel of its em:
/// it writes `font-size` as the size divided by 1.24, so a font asked for
/// at 18 would print at 14.5 px.
pub const SVG_SIZE_PER_EM: f64 = 1.24;

/// What plotters' bitmap backend calls a font's size, per pixel of its em:
/// ab_glyph scales a font to its height (ascender less descender), which
/// for DejaVu Sans is 2384/2048 of its em.
pub const BITMAP_SIZE_PER_EM: f64 = 2384.0 / 2048.0;

/// Font sizes and spacing for one chart size.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub size: Size,
    /// 1.0 at 1200x800 set at full width.
    pub scale: f64,
    pub placement: Placement,
    /// The size plotters is asked for per pixel of em, so the text drawn
    /// has the em this style documents ([`SVG_SIZE_PER_EM`],
    /// [`BITMAP_SIZE_PER_EM`]).
    pub size_per_em: f64,
}

impl Style {
    /// The style of a chart set at full width.
    pub fn new(size: Size) -> Style {
        Style::placed(size, Placement::Full)
    }

    /// The style of a chart of `size` set as `placement` says.
    pub fn placed(size: Size, placement: Placement) -> Style {
        let fit = (f64::from(size.width) / f64::from(DEFAULT_SIZE.width))
            .min(f64::from(size.height) / f64::from(DEFAULT_SIZE.height));
        let boost = match placement {
            Placement::Full => 1.0,
            Placement::Half => HALF_WIDTH_BOOST,
        };
        Style {
            size,
            scale: fit * boost,
            placement,
            // The larger of the two, so text measured for an SVG (or for
            // either, as `placed_size` does) is never narrower than drawn.
            size_per_em: SVG_SIZE_PER_EM,
        }
    }

    /// This style for the backend of `format`: fonts asked of plotters at
    /// the size that gives the documented em in that format.
    pub fn drawn_as(self, format: Format) -> Style {
        Style {
            size_per_em: match format {
                Format::Png => BITMAP_SIZE_PER_EM,
                Format::Svg => SVG_SIZE_PER_EM,
            },
            ..self
        }
    }

    /// `px` at 1200x800, scaled, never below `floor`.
    pub fn px(&self, px: f64, floor: f64) -> f64 {
        (px * self.scale).max(floor)
    }

    /// Whole pixels for spacing.
    pub fn gap(&self, px: f64) -> i32 {
        self.px(px, 2.0).round() as i32
    }

    /// A font whose em is `px` at 1200x800 (scaled, never below `floor`),
    /// in plotters' units for this style's backend.
    fn font(&self, px: f64, floor: f64, style: FontStyle) -> FontDesc<'static> {
        FontDesc::new(
            FontFamily::SansSerif,
            self.px(px, floor) * self.size_per_em,
            style,
        )
    }

    /// A font's em in pixels: what it prints at.
    pub fn em(&self, font: &FontDesc) -> f64 {
        font.get_size() / self.size_per_em
    }

    pub fn title_font(&self) -> FontDesc<'static> {
        // FontStyle::Bold in the FontDesc, not `.style(Bold)`: only this is
        // bold in bitmaps.
        self.font(30.0, 15.0, FontStyle::Bold)
    }

    pub fn subtitle_font(&self) -> FontDesc<'static> {
        self.normal(20.0, 12.0)
    }

    /// Axis titles.
    pub fn label_font(&self) -> FontDesc<'static> {
        self.normal(20.0, 12.0)
    }

    /// Tick labels, legend entries, row labels.
    pub fn tick_font(&self) -> FontDesc<'static> {
        self.normal(18.0, 11.0)
    }

    /// Names of the rows of a bar chart, a tornado or a forest plot: the
    /// tick-label size in a chart file, the axis-title size in a half-width
    /// figure (about 7 pt in print), where they are what a reader reads
    /// first and would otherwise print smallest.
    pub fn row_font(&self) -> FontDesc<'static> {
        match self.placement {
            Placement::Full => self.tick_font(),
            Placement::Half => self.label_font(),
        }
    }

    /// Group headings among row names (bold, tick-label size).
    pub fn heading_font(&self) -> FontDesc<'static> {
        self.font(18.0, 11.0, FontStyle::Bold)
    }

    /// Values written beside marks.
    pub fn note_font(&self) -> FontDesc<'static> {
        self.normal(17.0, 11.0)
    }

    fn normal(&self, px: f64, floor: f64) -> FontDesc<'static> {
        self.font(px, floor, FontStyle::Normal)
    }

    /// Line widths in whole pixels.
    pub fn stroke(&self, px: f64) -> u32 {
        self.px(px, 1.0).round() as u32
    }
}

/// Register the embedded DejaVu Sans as "sans-serif" (regular and bold),
/// once per process. Charts never look for system fonts, so they render the
/// same on a bare server as on a laptop.
pub fn ensure_fonts() -> Result<(), String> {
    static FONTS: OnceLock<Result<(), String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| "the embedded DejaVu Sans font did not load".to_string())?;
            register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
                .map_err(|_| "the embedded DejaVu Sans Bold font did not load".to_string())
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(
            Size::parse("1600x900"),
            Ok(Size {
                width: 1600,
                height: 900
            })
        );
        assert_eq!(Size::parse(" 800X600 ").map(|s| s.width), Ok(800));
        for bad in ["", "1600", "1600x", "x900", "axb", "-5x10", "1600x900x2"] {
            let err = Size::parse(bad).unwrap_err();
            assert!(err.contains("WIDTHxHEIGHT"), "{bad}: {err}");
        }
        assert!(
            Size::parse("100x100")
                .unwrap_err()
                .contains("at least 400x300")
        );
        assert!(Size::parse("9000x900").unwrap_err().contains("at most"));
    }

    #[test]
    fn formats_parse() {
        let list = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Format::parse_list(&list(&["svg", "PNG", "svg"])),
            Ok(vec![Format::Svg, Format::Png])
        );
        let err = Format::parse_list(&list(&["jpg"])).unwrap_err();
        assert!(err.contains("\"jpg\"") && err.contains("png, svg"), "{err}");
        assert!(Format::parse_list(&[]).is_err());
    }

    #[test]
    fn sequential_scale_runs_dark_to_light() {
        assert_eq!(sequential(0.0), SEQUENTIAL[0]);
        assert_eq!(sequential(1.0), SEQUENTIAL[8]);
        assert_eq!(sequential(f64::NAN), SEQUENTIAL[0]);
        assert_eq!(sequential(2.0), SEQUENTIAL[8]);
        assert!(light_text_on(sequential(0.1)));
        assert!(!light_text_on(sequential(0.9)));
    }

    #[test]
    fn fonts_scale_with_size() {
        let big = Style::new(Size {
            width: 2400,
            height: 1600,
        });
        assert!((big.em(&big.title_font()) - 60.0).abs() < 1e-9);
        let small = Style::new(MIN_SIZE);
        assert!(small.em(&small.tick_font()) >= 11.0);
        let default = Style::new(DEFAULT_SIZE);
        assert!((default.em(&default.label_font()) - 20.0).abs() < 1e-9);
    }

    #[test]
    fn half_width_figures_print_legibly() {
        // A report's text width in print is A4 less 12 mm margins, 186 mm;
        // a figure two to a row, less the 6 mm gutter, is 90 mm wide (the
        // report's print style). 1 pt = 0.3528 mm.
        let points = |style: &Style, px: f64| px / f64::from(style.size.width) * 90.0 / 0.3528;
        let full = Style::new(DEFAULT_SIZE);
        let half = Style::placed(DEFAULT_SIZE, Placement::Half);
        assert!(points(&full, full.em(&full.tick_font())) < 4.5);
        assert!(points(&half, half.em(&half.tick_font())) >= 6.25);
        assert!(points(&half, half.em(&half.row_font())) >= 7.0);
        assert!(points(&half, half.em(&half.title_font())) >= 10.0);
    }

    /// The size plotters is asked for is the em the style documents, once
    /// each backend's scaling is undone: an SVG's `font-size` is the size
    /// over 1.24 (plotters-svg's `draw_text`), a bitmap's em the size over
    /// the font's height in ems (ab_glyph's `PxScale`), read here from the
    /// embedded font itself.
    #[test]
    fn fonts_are_asked_for_at_the_documented_em_in_each_format() {
        let face = ttf_parser::Face::parse(dejavu::sans::regular(), 0).expect("font");
        let height = f64::from(face.ascender() - face.descender());
        assert_eq!(BITMAP_SIZE_PER_EM, height / f64::from(face.units_per_em()));
        let half = Style::placed(DEFAULT_SIZE, Placement::Half);
        let em = half.px(18.0, 11.0);
        let svg = half.drawn_as(Format::Svg).tick_font().get_size();
        let png = half.drawn_as(Format::Png).tick_font().get_size();
        assert!((svg / 1.24 - em).abs() < 1e-9, "{svg}");
        assert!((png / BITMAP_SIZE_PER_EM - em).abs() < 1e-9, "{png}");
    }
}
