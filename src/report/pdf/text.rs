//! Line breaking on measured glyph widths.
//!
//! Text breaks at spaces; a word wider than the line breaks after a `_`,
//! `/` or `-` (a long identifier such as `intel_capacity_growth`, a file
//! path), and only failing that between two characters, so nothing ever
//! runs past its column. A paragraph may mix faces (a caption's bold
//! title, then its text).

use super::fonts::{Face, Fonts};

/// A piece of a line in one face.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub face: Face,
    pub text: String,
    pub width: f32,
}

/// One laid-out line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    pub spans: Vec<Span>,
    pub width: f32,
}

impl Line {
    /// The line's text, for tests.
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    fn push(&mut self, face: Face, text: &str, width: f32) {
        self.width += width;
        match self.spans.last_mut() {
            Some(last) if last.face == face => {
                last.text.push_str(text);
                last.width += width;
            }
            _ => self.spans.push(Span {
                face,
                text: text.to_string(),
                width,
            }),
        }
    }
}

/// Rounding room: a line measured as the sum of its words may come out a
/// hair wider than the same text measured whole (a column's natural width).
const SLACK: f32 = 0.01;

/// Where a too-long word may break: after one of these.
fn breaks_after(c: char) -> bool {
    matches!(c, '_' | '/' | '-' | ',' | '=' | '(' | ':')
}

/// The pieces of a word that may not be broken further (a word split after
/// each `_`, `/`, ...).
pub fn pieces(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        if breaks_after(c) {
            let end = i + c.len_utf8();
            out.push(&word[start..end]);
            start = end;
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

/// Break `runs` (text in faces, read one after the other) into lines at
/// most `width` points wide, at `size` points. Spaces collapse, as in HTML;
/// a newline in the text starts a new line.
pub fn wrap(fonts: &mut Fonts, runs: &[(Face, &str)], size: f32, width: f32) -> Vec<Line> {
    let mut lines = vec![Line::default()];
    // Whether a space is owed before the next word on the current line.
    let mut space_pending = false;
    for &(face, text) in runs {
        let space = fonts.width(face, size, " ");
        for (n, hard_line) in text.split('\n').enumerate() {
            if n > 0 {
                lines.push(Line::default());
                space_pending = false;
            }
            if hard_line.starts_with(char::is_whitespace) {
                space_pending = true;
            }
            let mut any_word = false;
            for word in hard_line.split_whitespace() {
                place_word(
                    fonts,
                    &mut lines,
                    face,
                    word,
                    size,
                    width,
                    space,
                    space_pending,
                );
                space_pending = true;
                any_word = true;
            }
            if any_word {
                space_pending = hard_line.ends_with(char::is_whitespace);
            }
        }
    }
    if lines.len() > 1 && lines.last().is_some_and(|l| l.spans.is_empty()) {
        lines.pop();
    }
    lines
}

#[allow(clippy::too_many_arguments)]
fn place_word(
    fonts: &mut Fonts,
    lines: &mut Vec<Line>,
    face: Face,
    word: &str,
    size: f32,
    width: f32,
    space: f32,
    space_pending: bool,
) {
    let word_width = fonts.width(face, size, word);
    let Some(line) = lines.last_mut() else {
        return;
    };
    let empty = line.spans.is_empty();
    let gap = if empty || !space_pending { 0.0 } else { space };
    if line.width + gap + word_width <= width + SLACK {
        if gap > 0.0 {
            line.push(face, " ", gap);
        }
        line.push(face, word, word_width);
        return;
    }
    if !empty && word_width <= width + SLACK {
        let mut line = Line::default();
        line.push(face, word, word_width);
        lines.push(line);
        return;
    }
    // Too long for any line: break it, after a `_` or `/` where possible.
    if !empty {
        lines.push(Line::default());
    }
    for piece in pieces(word) {
        let piece_width = fonts.width(face, size, piece);
        let line = lines.last_mut().expect("a line is open");
        if line.width + piece_width <= width + SLACK {
            line.push(face, piece, piece_width);
            continue;
        }
        if !line.spans.is_empty() && piece_width <= width + SLACK {
            let mut fresh = Line::default();
            fresh.push(face, piece, piece_width);
            lines.push(fresh);
            continue;
        }
        for c in piece.chars() {
            let mut buf = [0u8; 4];
            let c = c.encode_utf8(&mut buf);
            let w = fonts.width(face, size, c);
            let line = lines.last_mut().expect("a line is open");
            if line.width + w > width + SLACK && !line.spans.is_empty() {
                lines.push(Line::default());
            }
            lines.last_mut().expect("a line is open").push(face, c, w);
        }
    }
}

/// The width of the widest piece no break can split: the narrowest a
/// column holding `text` can be without breaking inside a word.
pub fn min_width(fonts: &mut Fonts, face: Face, size: f32, text: &str) -> f32 {
    text.split_whitespace()
        .flat_map(pieces)
        .map(|p| fonts.width(face, size, p))
        .fold(0.0, f32::max)
}

/// The width of the widest line of `text` left unbroken.
pub fn max_width(fonts: &mut Fonts, face: Face, size: f32, text: &str) -> f32 {
    text.lines()
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            fonts.width(face, size, &words.join(" "))
        })
        .fold(0.0, f32::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(Line::text).collect()
    }

    #[test]
    fn lines_break_at_spaces_and_never_overflow() {
        let mut fonts = Fonts::new().expect("fonts");
        let text = "The quick brown fox jumps over the lazy dog, again and again.";
        let width = fonts.width(Face::Regular, 10.0, "The quick brown fox");
        let lines = wrap(&mut fonts, &[(Face::Regular, text)], 10.0, width);
        assert_eq!(texts(&lines)[0], "The quick brown fox");
        assert!(lines.len() >= 3, "{:?}", texts(&lines));
        for line in &lines {
            assert!(line.width <= width + 0.01, "{}", line.text());
        }
        assert_eq!(texts(&lines).join(" "), text);
    }

    #[test]
    fn long_identifiers_break_after_underscores_then_anywhere() {
        let mut fonts = Fonts::new().expect("fonts");
        let width = fonts.width(Face::Regular, 10.0, "capacity_growth");
        let lines = wrap(
            &mut fonts,
            &[(Face::Regular, "intel_capacity_growth")],
            10.0,
            width,
        );
        assert_eq!(texts(&lines), ["intel_capacity_", "growth"]);
        let narrow = fonts.width(Face::Regular, 10.0, "abc");
        let lines = wrap(&mut fonts, &[(Face::Regular, "abcdefgh")], 10.0, narrow);
        assert_eq!(texts(&lines), ["abc", "def", "gh"]);
        assert_eq!(pieces("a_b/c"), ["a_", "b/", "c"]);
    }

    #[test]
    fn faces_mix_on_one_line_and_newlines_break() {
        let mut fonts = Fonts::new().expect("fonts");
        let lines = wrap(
            &mut fonts,
            &[
                (Face::Bold, "Title."),
                (Face::Regular, " What it shows.\nNext"),
            ],
            10.0,
            500.0,
        );
        assert_eq!(texts(&lines), ["Title. What it shows.", "Next"]);
        assert_eq!(lines[0].spans[0].face, Face::Bold);
        assert_eq!(lines[0].spans[1].face, Face::Regular);
    }
}
