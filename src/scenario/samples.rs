//! Parameters drawn from the rows of a CSV file:
//! `sample = { file = "posterior.csv", column = "theta", weight = "w" }`.
//!
//! Each run draws one row of the file (every row equally likely, or in
//! proportion to the weight column) and every parameter that names the same
//! file reads its own column of that same row, so the joint distribution of
//! the file's columns (a posterior from calibration, a table of expert
//! scenarios, bootstrap replicates) is kept whole.
//!
//! The file is read here, at load time, through the scenario [`Store`]: the
//! file-access rule of `access.rs` applies to it as to the scenario itself.
//! Its content is data, never a scenario: a message names the file, line and
//! column, and quotes at most a clipped cell.
//!
//! Which row a run takes comes from a random stream of the file's own (the
//! key is the file as written in the scenario that names it), so two
//! variants that read the same file share, run by run, the rows they draw:
//! common random numbers hold.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::raw::{RawSample, RawScenario, Sp};
use super::{Refusal, Store};
use crate::diag::{Diagnostic, Sources, clip, name_list};
use crate::dist::{Dist, DistKind};
use crate::scenario::model::Resample;

/// The rows of one data file, as numbers by column, or why they are not.
struct Table {
    /// How the file is named in messages (the path as resolved).
    shown: String,
    header: Vec<String>,
    /// `cells[row][column]`: the raw text, parsed per column when asked.
    cells: Vec<Vec<String>>,
    /// The file's line of each row (1-based), for messages.
    lines: Vec<u64>,
}

/// Read the file of every parameter with a `sample` and build its draw.
/// Problems go to `diags`, each once per file or column; the map holds the
/// parameters whose draw could be built.
pub fn read(
    raw: &RawScenario,
    top: &Path,
    store: &dyn Store,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<String, Resample> {
    let mut tables: HashMap<PathBuf, Option<Table>> = HashMap::new();
    // The stream key of each file: as written, unless two different files
    // of this scenario are written alike (from different folders).
    let mut keys: HashMap<String, PathBuf> = HashMap::new();
    // The weight column each file was first drawn with: rows are shared, so
    // every parameter of a file must weight them alike.
    let mut weights: HashMap<PathBuf, (Option<String>, String)> = HashMap::new();
    let mut out = HashMap::new();
    for (name, param) in &raw.parameters {
        let Some(sample) = &param.sample else {
            continue;
        };
        if param.dist.is_some() {
            continue; // reported by the checker
        }
        let (Some(file), Some(column)) = (&sample.file, &sample.column) else {
            continue; // reported by the checker
        };
        let declared_in = Path::new(&sources.get(file.span.file).name);
        let path = normalize(
            &declared_in
                .parent()
                .map_or(PathBuf::new(), Path::to_path_buf)
                .join(&file.value),
        );
        let table = tables
            .entry(path.clone())
            .or_insert_with(|| load_table(&path, file, top, store, diags));
        let Some(table) = table else {
            continue;
        };
        let weight = sample.weight.as_ref().map(|w| w.value.clone());
        match weights.get(&path) {
            Some((first, other)) if *first != weight => {
                let shown = |w: &Option<String>| {
                    w.as_ref().map_or("no `weight`".to_string(), |w| {
                        format!("weight = \"{}\"", clip(w))
                    })
                };
                diags.push(
                    Diagnostic::new(
                        sample.span,
                        format!(
                            "parameters `{other}` and `{}` draw rows of `{}` with different weights ({} and {})",
                            name.value,
                            table.shown,
                            shown(first),
                            shown(&weight)
                        ),
                    )
                    .help("the parameters of one file share each run's row, so they must name the same `weight` column (or none)"),
                );
                continue;
            }
            Some(_) => {}
            None => {
                weights.insert(path.clone(), (weight, name.value.clone()));
            }
        }
        let written = normalize(Path::new(&file.value)).display().to_string();
        let key = match keys.get(&written) {
            Some(p) if *p != path => format!("{written}|{}", path.display()),
            _ => {
                keys.insert(written.clone(), path.clone());
                written
            }
        };
        if let Some(r) = build(table, sample, column, key, diags) {
            out.insert(name.value.clone(), r);
        }
    }
    out
}

/// Lexically tidy a path: `a/./b/../c` is `a/c` (the access rule resolves
/// symlinks on the real read).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn load_table(
    path: &Path,
    file: &Sp<String>,
    top: &Path,
    store: &dyn Store,
    diags: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let shown = clip(&path.display().to_string());
    let text = match store.read(path, top) {
        Ok(text) => text,
        Err(refusal) => {
            let help = match &refusal {
                Refusal::Io(_) => {
                    "the file is relative to the scenario file that names it; check the name and folder"
                }
                Refusal::TooLarge { .. } => {
                    "a data file may be at most 16 MiB; thin the rows (every k-th row keeps the distribution)"
                }
                other => other.help(),
            };
            diags.push(
                Diagnostic::new(
                    file.span,
                    format!("cannot read data file `{shown}`: {refusal}"),
                )
                .help(help),
            );
            return None;
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            diags.push(csv_error(file, &shown, &e));
            return None;
        }
    };
    if header.iter().all(String::is_empty) {
        diags.push(
            Diagnostic::new(file.span, format!("data file `{shown}` is empty"))
                .help("a sample file needs a header line naming its columns, then one row per sample, e.g. `theta,weight` then `0.31,1`"),
        );
        return None;
    }
    let mut cells = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                lines.push(r.position().map_or(0, |p| p.line()));
                cells.push(r.iter().map(str::to_string).collect());
            }
            Err(e) => {
                diags.push(csv_error(file, &shown, &e));
                return None;
            }
        }
    }
    if cells.is_empty() {
        diags.push(
            Diagnostic::new(
                file.span,
                format!("data file `{shown}` has a header but no rows"),
            )
            .help("add one row per sample under the header line"),
        );
        return None;
    }
    Some(Table {
        shown,
        header,
        cells,
        lines,
    })
}

fn csv_error(file: &Sp<String>, shown: &str, e: &csv::Error) -> Diagnostic {
    let line = e
        .position()
        .map_or(String::new(), |p| format!(":{}", p.line()));
    let what = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} fields, the header {expected_len}"),
        _ => e.to_string(),
    };
    Diagnostic::new(file.span, format!("data file `{shown}{line}`: {what}")).help(
        "each row of a sample file has one value per column of its header, separated by commas",
    )
}

/// The draw of `column` (and the weights of `sample.weight`) from a table.
fn build(
    table: &Table,
    sample: &RawSample,
    column: &Sp<String>,
    key: String,
    diags: &mut Vec<Diagnostic>,
) -> Option<Resample> {
    let values = numbers(table, column, diags, false);
    let weights = match &sample.weight {
        Some(w) => Some(numbers(table, w, diags, true)?),
        None => None,
    };
    let values = values?;
    if let Some(w) = &weights
        && w.iter().all(|&x| x == 0.0)
    {
        let weight = sample.weight.as_ref().map_or(column, |w| w);
        diags.push(
            Diagnostic::new(
                weight.span,
                format!(
                    "every weight in column `{}` of `{}` is zero",
                    clip(&weight.value),
                    table.shown
                ),
            )
            .help("at least one row needs a positive weight; leave out `weight` to draw rows equally often"),
        );
        return None;
    }
    let pairs: Vec<f64> = values
        .iter()
        .enumerate()
        .flat_map(|(i, &v)| [v, weights.as_ref().map_or(1.0, |w| w[i])])
        .collect();
    let dist = match Dist::new(DistKind::Discrete, &pairs) {
        Ok(d) => d,
        Err(e) => {
            diags.push(
                Diagnostic::new(sample.span, format!("rows of `{}`: {e}", table.shown))
                    .help("check the file's values and weights"),
            );
            return None;
        }
    };
    Some(Resample {
        key,
        file: table.shown.clone(),
        column: column.value.clone(),
        weight: sample.weight.as_ref().map(|w| w.value.clone()),
        rows: values.len(),
        dist: Box::new(dist),
    })
}

/// A column of the table as finite numbers (non-negative ones for
/// weights), each problem reported with the file's line.
fn numbers(
    table: &Table,
    column: &Sp<String>,
    diags: &mut Vec<Diagnostic>,
    weight: bool,
) -> Option<Vec<f64>> {
    let Some(index) = table.header.iter().position(|h| *h == column.value) else {
        let names: Vec<&str> = table.header.iter().map(String::as_str).collect();
        let columns = format!("the file's columns are: {}", name_list(&names, 12));
        let help = match crate::diag::did_you_mean(&column.value, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? {columns}"),
            None => columns,
        };
        diags.push(
            Diagnostic::new(
                column.span,
                format!(
                    "data file `{}` has no column `{}`",
                    table.shown,
                    clip(&column.value)
                ),
            )
            .help(help),
        );
        return None;
    };
    let mut out = Vec::with_capacity(table.cells.len());
    let mut bad = 0usize;
    for (row, line) in table.cells.iter().zip(&table.lines) {
        let cell = row.get(index).map_or("", String::as_str);
        let value = cell.parse::<f64>().ok().filter(|v| v.is_finite());
        let problem = match value {
            None if cell.is_empty() => Some("the value is missing".to_string()),
            None => Some(format!("`{}` is not a finite number", clip(cell))),
            Some(v) if weight && v < 0.0 => Some(format!("the weight {v} is negative")),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            bad += 1;
            // The first few problems of a column; the rest are counted.
            if bad <= 3 {
                let help = if weight {
                    "weights are numbers of at least 0 (they need not sum to 1)"
                } else {
                    "every row of a sampled column needs a number, such as 0.25 or 1e-3"
                };
                diags.push(
                    Diagnostic::new(
                        column.span,
                        format!(
                            "data file `{}:{line}`: column `{}`: {problem}",
                            table.shown,
                            clip(&column.value)
                        ),
                    )
                    .help(help),
                );
            }
            continue;
        }
        out.push(value.unwrap_or(f64::NAN));
    }
    if bad > 3 {
        diags.push(
            Diagnostic::new(
                column.span,
                format!(
                    "data file `{}`: column `{}` has {} more rows like these",
                    table.shown,
                    clip(&column.value),
                    bad - 3
                ),
            )
            .help("fix or remove those rows"),
        );
    }
    (bad == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(normalize(Path::new("a/./b/../c.csv")), Path::new("a/c.csv"));
        assert_eq!(normalize(Path::new("../x.csv")), Path::new("../x.csv"));
        assert_eq!(normalize(Path::new("./x.csv")), Path::new("x.csv"));
    }
}
