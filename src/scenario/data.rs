//! Data files that `[inputs]` name: read through the scenario's [`Store`]
//! (so under the file-access rule), then split into cells that keep their
//! place in the file, so every problem in the data gets a file:line:col.
//!
//! Only `.csv` files are read: no other kind of file is ever parsed and
//! quoted in a message. What the cells mean (steps, dates, numbers) is the
//! checker's business (`check/inputs.rs`).

use std::path::{Path, PathBuf};

use super::raw::{RawScenario, Sp};
use super::{Refusal, Store};
use crate::diag::{Diagnostic, FileId, Sources, Span, clip};

/// One data file as read, for the input that names it.
#[derive(Clone, Debug)]
pub struct DataFile {
    /// The input's name (`[inputs.NAME]`).
    pub input: String,
    pub file: FileId,
    pub text: String,
}

/// One cell of a CSV file, unquoted, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub span: Span,
}

/// A CSV file split into a header and rows of cells; blank lines are
/// skipped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csv {
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

/// Read the file of every input through the store, relative to the scenario
/// file that names it; each becomes a source, so messages can point into it.
pub fn read_input_files(
    raw: &RawScenario,
    top: &Path,
    store: &dyn Store,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Vec<DataFile> {
    let mut out = Vec::new();
    for (name, input) in &raw.inputs {
        let Some(file) = &input.file else { continue };
        if let Some(path) = data_path(file, sources, diags) {
            match store.read(&path, top) {
                Ok(text) => {
                    let id = sources.add(path.display().to_string(), text.clone());
                    out.push(DataFile {
                        input: name.value.clone(),
                        file: id,
                        text,
                    });
                }
                Err(refusal) => {
                    let help = match &refusal {
                        Refusal::Io(_) => "the path is relative to the scenario file that names it",
                        Refusal::TooLarge { .. } => {
                            "a scenario's data file may be at most 16 MiB; keep the rows the run needs"
                        }
                        Refusal::NotAFile { .. } => "name a CSV file saved on disk",
                        other => other.help(),
                    };
                    diags.push(
                        Diagnostic::new(
                            file.span,
                            format!(
                                "cannot read data file `{}` of input `{}`: {refusal}",
                                clip(&path.display().to_string()),
                                name.value
                            ),
                        )
                        .help(help),
                    );
                }
            }
        }
    }
    out
}

/// The path of a data file, relative to the file that names it; `None`
/// after reporting a name that is not a `.csv` file.
fn data_path(file: &Sp<String>, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Option<PathBuf> {
    if !file.value.to_ascii_lowercase().ends_with(".csv") {
        diags.push(
            Diagnostic::new(
                file.span,
                format!(
                    "`file` must name a CSV file ending in .csv, not `{}`",
                    clip(&file.value)
                ),
            )
            .help("save the series as comma-separated values with a header row, e.g. data/rainfall.csv"),
        );
        return None;
    }
    let named_in = Path::new(&sources.get(file.span.file).name);
    let dir = named_in.parent().map_or(PathBuf::new(), Path::to_path_buf);
    Some(dir.join(&file.value))
}

/// Split CSV text into cells: one record a line (`\n` or `\r\n`), cells
/// separated by commas, a cell in double quotes may hold commas and `""`
/// for a quote; spaces around a cell are dropped. The first non-blank line
/// is the header. Rows whose number of cells differs from the header's, and
/// quotes left open, are reported.
pub fn parse_csv(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) -> Csv {
    let mut csv = Csv::default();
    let mut offset = 0;
    let text = text.strip_prefix('\u{feff}').map_or(text, |t| {
        offset = 3;
        t
    });
    let mut first = true;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches('\n').trim_end_matches('\r');
        if body.trim().is_empty() {
            continue;
        }
        let Some(cells) = split_line(file, body, start, diags) else {
            continue;
        };
        if first {
            first = false;
            csv.header = cells;
            continue;
        }
        if cells.len() != csv.header.len() {
            diags.push(
                Diagnostic::new(
                    Span::new(file, start, start + body.len()),
                    format!(
                        "this row has {} cell{}, the header has {}",
                        cells.len(),
                        if cells.len() == 1 { "" } else { "s" },
                        csv.header.len()
                    ),
                )
                .help("every row needs one cell per column of the header, separated by commas; a missing value is a problem in the data, not an empty cell"),
            );
            continue;
        }
        csv.rows.push(cells);
    }
    csv
}

/// The cells of one line starting at file offset `start`.
fn split_line(
    file: FileId,
    line: &str,
    start: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Cell>> {
    let mut cells = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    loop {
        // One cell from i: skip leading spaces.
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let cell_start = i;
        let mut text = String::new();
        let raw_end;
        if i < bytes.len() && bytes[i] == b'"' {
            i += 1;
            let mut closed = false;
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        text.push('"');
                        i += 2;
                        continue;
                    }
                    closed = true;
                    i += 1;
                    break;
                }
                let ch = line[i..].chars().next().unwrap_or(' ');
                text.push(ch);
                i += ch.len_utf8();
            }
            if !closed {
                diags.push(
                    Diagnostic::new(
                        Span::new(file, start + cell_start, start + line.len()),
                        "a quoted cell is not closed on its line",
                    )
                    .help("close the quote with \"; a quote inside a quoted cell is written \"\", and a cell may not run over two lines"),
                );
                return None;
            }
            raw_end = i;
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            if i < bytes.len() && bytes[i] != b',' {
                diags.push(
                    Diagnostic::new(
                        Span::new(file, start + i, start + i + 1),
                        "text after a quoted cell",
                    )
                    .help("put the whole cell in the quotes, or a comma after the closing quote"),
                );
                return None;
            }
        } else {
            let end = line[i..].find(',').map_or(line.len(), |k| i + k);
            text = line[i..end].trim_end().to_string();
            raw_end = cell_start + text.len();
            i = end;
        }
        cells.push(Cell {
            text,
            span: Span::new(file, start + cell_start, start + raw_end),
        });
        if i >= bytes.len() {
            break;
        }
        // bytes[i] is a comma.
        i += 1;
    }
    Some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> (Csv, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let csv = parse_csv(FileId(0), text, &mut diags);
        (csv, diags)
    }

    #[test]
    fn splits_quoted_cells_and_keeps_places() {
        let (csv, diags) = cells("step, \"a, b\" ,c\r\n\n1,2,\"x\"\"y\"\n");
        assert!(diags.is_empty(), "{diags:?}");
        let texts: Vec<&str> = csv.header.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["step", "a, b", "c"]);
        assert_eq!(csv.rows.len(), 1);
        assert_eq!(csv.rows[0][2].text, "x\"y");
        // "1" is the first byte of the third line.
        assert_eq!(csv.rows[0][0].span.start, "step, \"a, b\" ,c\r\n\n".len());
        assert_eq!(csv.header[1].span.start, 6);
    }

    #[test]
    fn ragged_rows_and_open_quotes_are_reported() {
        let (csv, diags) = cells("step,a\n1,2,3\n2,\"open\n3,4\n");
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].message.contains("3 cells, the header has 2"));
        assert!(diags[1].message.contains("not closed"));
        assert_eq!(csv.rows.len(), 1);
    }

    #[test]
    fn empty_cells_are_cells() {
        let (csv, diags) = cells("a,b\n1,\n");
        assert!(diags.is_empty());
        assert_eq!(csv.rows[0][1].text, "");
    }
}
