//! Outputs: exporters turn a [`Summary`] into bytes; [`files`] is the one
//! place that writes them, atomically.
//!
//! **Architecture invariant:** exporters are pure functions returning bytes
//! or strings, so tests compare them directly and nothing is half-written.

pub mod analysis;
pub mod calibrate;
pub mod decision;
pub mod discover;
pub mod files;
pub mod part;
pub mod table;
pub mod tables;
pub mod xlsx;

pub use files::{OutputDir, RunsWriter, write_atomic};

use std::borrow::Cow;

/// A CSV cell as written by every CSV exporter: text that a spreadsheet
/// would run as a formula (a label such as `=HYPERLINK(...)`, `+1+2`,
/// `@SUM(...)`, or text starting with a tab or carriage return) gets a
/// leading `'`, as OWASP's CSV-injection advice says, so it shows as text.
/// Numbers, negative ones included, are written as they are.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Rows to CSV bytes, every cell through [`csv_cell`].
pub fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        // Writing to a Vec cannot fail.
        let cells: Vec<Cow<'_, str>> = row.iter().map(|c| csv_cell(c)).collect();
        let _ = w.write_record(cells.iter().map(|c| c.as_bytes()));
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_neutralised_and_numbers_kept() {
        let cases = [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+2", "'+1+2"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-0.25", "-0.25"),
            ("+3", "+3"),
            ("-1e-5", "-1e-5"),
            ("plain", "plain"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(csv_cell(input), want, "{input:?}");
        }
        assert_eq!(
            csv_bytes(&[vec!["=1+1".into(), "-2".into()]]),
            b"'=1+1,-2\n"
        );
    }
}
