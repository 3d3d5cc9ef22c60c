//! Diagnostics: what went wrong in a scenario file, where, and how to fix it.
//!
//! Every problem the loader and the checker find becomes a [`Diagnostic`] that
//! points at a byte range of one source file. Checking collects diagnostics
//! instead of stopping at the first, so a file with three mistakes gets three
//! messages. Rendering (with file:line:col, the offending line and a caret)
//! happens once, at the edge, through `annotate-snippets`, the renderer cargo
//! itself uses.

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// Index of a file in a [`Sources`] table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span { file, start, end }
    }
}

/// One loaded text: a scenario file, a bundled scenario, or a `--set` value.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// What to call it in messages: the path as the user gave it, or `--set`.
    pub name: String,
    pub text: String,
}

/// Every text a scenario was assembled from, so spans can be shown.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Text under a span (clamped to the file, never panics).
    pub fn snippet(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        &text[start..end]
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let text = &self.get(file).text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// `path:line:col` of a span's start.
    pub fn location(&self, span: Span) -> String {
        let (line, col) = self.line_col(span.file, span.start);
        format!("{}:{}:{}", self.get(span.file).name, line, col)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// What is wrong, in one line.
    pub message: String,
    /// Where; `None` for problems with no place in a file (a missing file).
    pub span: Option<Span>,
    /// A short note under the caret.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span: Some(span),
            label: String::new(),
            help: None,
        }
    }

    pub fn nowhere(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span: None,
            label: String::new(),
            help: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// The most diagnostics one report prints; a file with thousands of
/// mistakes (a binary file, a mangled paste) gets the first ones and a count.
pub const MAX_SHOWN: usize = 100;

/// Every problem found in a scenario, with the texts needed to show them.
#[derive(Clone, Debug)]
pub struct Report {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Render all diagnostics, cargo style; `color` adds ANSI colours.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        // In file order, then by position: the order a reader fixes them in.
        let mut order: Vec<&Diagnostic> = self.diagnostics.iter().collect();
        order.sort_by_key(|d| d.span.map(|s| (s.file, s.start)));
        for diag in order.iter().take(MAX_SHOWN) {
            out.push_str(&render_one(&renderer, &self.sources, diag));
            out.push_str("\n\n");
        }
        let count = self.diagnostics.len();
        if count > MAX_SHOWN {
            out.push_str(&format!(
                "error: {} more problems not shown; fix the ones above first\n\n",
                count - MAX_SHOWN
            ));
        }
        out.push_str(&format!(
            "error: scenario has {count} problem{}; nothing was run",
            if count == 1 { "" } else { "s" }
        ));
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

fn render_one(renderer: &Renderer, sources: &Sources, diag: &Diagnostic) -> String {
    // Names and paths in messages come from the input: cut long ones and
    // make control characters visible. (annotate-snippets itself shows
    // control characters of the source lines as visible symbols, and cuts
    // long lines to the terminal width.)
    let message = tidy(&diag.message);
    let label = tidy(&diag.label);
    let help = diag.help.as_deref().map(tidy);
    let title = Level::ERROR.primary_title(message.as_str());
    let mut group = match diag.span {
        Some(span) => {
            let file = sources.get(span.file);
            let text = file.text.as_str();
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
            // Only the lines the span covers go to the renderer, with their
            // line number: rendering stays proportional to the lines shown,
            // not to the file, however many diagnostics a large file has.
            let first = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let last = text[end..].find('\n').map_or(text.len(), |i| end + i);
            let line = text[..first].bytes().filter(|&b| b == b'\n').count() + 1;
            let annotation = annotation_for(start - first..end - first, &label);
            Group::with_title(title).element(
                Snippet::source(&text[first..last])
                    .line_start(line)
                    .path(file.name.as_str())
                    .fold(true)
                    .annotation(annotation),
            )
        }
        None => Group::with_title(title),
    };
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}

fn annotation_for<'a>(
    range: std::ops::Range<usize>,
    label: &'a str,
) -> annotate_snippets::Annotation<'a> {
    let annotation = AnnotationKind::Primary.span(range);
    if label.is_empty() {
        annotation
    } else {
        annotation.label(label)
    }
}

/// The longest piece of input (a name, a path) echoed whole in a message;
/// longer ones are cut by [`clip`].
pub const MAX_ECHO_CHARS: usize = 200;

/// Input text to echo in a message: whole up to [`MAX_ECHO_CHARS`]
/// characters, else its start, an ellipsis and its length, so an error about
/// a 1 MB name prints a line, not a megabyte.
pub fn clip(text: &str) -> String {
    let count = text.chars().count();
    if count <= MAX_ECHO_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX_ECHO_CHARS / 2).collect();
    format!("{head}… ({count} characters)")
}

/// Text safe to print on a terminal: control characters (ESC, BEL, NUL,
/// CR, the C1 controls and the bidirectional overrides) are shown as
/// escapes such as `\u{1b}`, so a name cannot move the cursor, ring the
/// bell or recolour the terminal. Newlines and tabs stay.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    fn bad(c: char) -> bool {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A message for the terminal: every `quoted` piece longer than
/// [`MAX_ECHO_CHARS`] cut by [`clip`], control characters escaped. A newline
/// inside a message is kept.
pub fn tidy(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    for (i, piece) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&clip(piece));
        } else {
            out.push_str(piece);
        }
    }
    // Text outside quotes that is still very long (a path, a list) is cut too.
    let out = if out.chars().count() > 20 * MAX_ECHO_CHARS {
        clip_to(&out, 20 * MAX_ECHO_CHARS)
    } else {
        out
    };
    printable(&out).into_owned()
}

fn clip_to(text: &str, max: usize) -> String {
    let count = text.chars().count();
    let head: String = text.chars().take(max).collect();
    format!("{head}… ({count} characters)")
}

/// Edit distance counting a swap of neighbouring letters as one edit
/// (optimal string alignment), for "did you mean" hints: `stesp` is one
/// edit from `steps`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest candidate to a misspelt name, if any is close enough to be a
/// plausible typo (distance at most a third of the name, and at least 1).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let words = |s: &str| {
        let mut w: Vec<String> = s.split('_').map(str::to_lowercase).collect();
        w.sort();
        w
    };
    let name_words = words(name);
    candidates
        .into_iter()
        .map(|c| {
            // The same words in another order (`trust_attack_penalty` for
            // `attack_trust_penalty`) count as one edit.
            let d = if name.contains('_') && words(c) == name_words {
                1
            } else {
                edit_distance(name, c)
            };
            (d, c)
        })
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c.len()))
        .map(|(_, c)| c)
}

/// A list of names for a message, cut to the first `max` with a count.
pub fn name_list(names: &[&str], max: usize) -> String {
    if names.len() <= max {
        names.join(", ")
    } else {
        format!("{}, ... ({} in all)", names[..max].join(", "), names.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_echoes_are_cut_and_control_characters_escaped() {
        let long = "x".repeat(1_000_000);
        let tidy_message = tidy(&format!("unknown name `{long}` in `a`"));
        assert!(tidy_message.len() < 300, "{}", tidy_message.len());
        assert!(tidy_message.contains("(1000000 characters)"));
        assert!(tidy_message.ends_with("in `a`"));
        assert_eq!(
            printable("a\u{1b}[31mred\u{7}\0b\n"),
            "a\\u{1b}[31mred\\u{7}\\u{0}b\n"
        );
        assert_eq!(printable("plain"), "plain");
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn line_col_counts_lines_and_characters() {
        let mut sources = Sources::default();
        let f = sources.add("a.toml", "ab\ncdé f\n");
        assert_eq!(sources.line_col(f, 0), (1, 1));
        assert_eq!(sources.line_col(f, 3), (2, 1));
        // 'é' is two bytes; 'f' is the 5th character of line 2
        assert_eq!(sources.line_col(f, 8), (2, 5));
        assert_eq!(sources.location(Span::new(f, 4, 5)), "a.toml:2:2");
    }

    #[test]
    fn did_you_mean_finds_close_names_only() {
        let names = ["steps", "seed", "runs", "description"];
        assert_eq!(did_you_mean("stesp", names), Some("steps"));
        assert_eq!(did_you_mean("sed", names), Some("seed"));
        assert_eq!(did_you_mean("horizon", names), None);
        assert_eq!(
            did_you_mean("trust_attack_penalty", ["attack_trust_penalty", "trust"]),
            Some("attack_trust_penalty")
        );
    }

    #[test]
    fn render_shows_path_line_and_help() {
        let mut sources = Sources::default();
        let f = sources.add("x.toml", "[scenario]\nstesp = 3\n");
        let report = Report {
            sources,
            diagnostics: vec![
                Diagnostic::new(Span::new(f, 11, 16), "unknown key `stesp` in [scenario]")
                    .label("not a scenario setting")
                    .help("did you mean `steps`?"),
            ],
        };
        let text = report.render(false);
        assert!(text.contains("x.toml:2:1"), "{text}");
        assert!(text.contains("stesp = 3"), "{text}");
        assert!(text.contains("did you mean `steps`?"), "{text}");
        assert!(text.contains("1 problem"), "{text}");
    }
}
