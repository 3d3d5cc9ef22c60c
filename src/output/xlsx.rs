//! summary.xlsx: the summary as an Excel workbook, for analysts who work
//! in a spreadsheet.
//!
//! The sheets hold what the CSV files hold, as typed cells: numbers are
//! numbers (full precision, shown through a number format), chances are
//! percentages, counts have separators, texts are texts (never formulas, so
//! a label cannot run as one). Each sheet has a bold, frozen header row and
//! columns as wide as their contents. Units, which the CSV files leave to
//! summary.json, get a column of their own.
//!
//! - `Outcomes`: every column of summary.csv, and the unit;
//! - `Time series`: timeseries.csv in the same long form, and the unit;
//! - `Parameters`: each parameter's distribution as written, label, unit,
//!   and the mean and standard deviation of its drawn values;
//! - `Provenance`: what makes the results reproducible (scenario, content
//!   hash, seed, runs, overrides, condition, polsim's version, the date).
//!
//! A comparison adds `Differences` (compare.csv) and a `scenario` column to
//! every sheet; a sweep keys its outcomes by the swept values. The date is
//! passed in (read once at the edge, as the reports do), so the same
//! inputs give the same bytes.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::tables::{SUMMARY_COLUMNS, TIMESERIES_COLUMNS, step_stats};
use crate::analysis::compare::Comparison;
use crate::analysis::sweep::{Axis, Point};
use crate::scenario::element_of;
use crate::summary::{Estimate, NumberStats, OutcomeSummary, Summary};

/// Rows a worksheet can hold (Excel's limit), the header included.
const MAX_ROWS: usize = 1_048_576;
/// Characters a cell can hold (Excel's limit).
const MAX_TEXT: usize = 32_767;
/// The widest a column is made, in characters; longer texts wrap in Excel's
/// formula bar rather than widening the sheet.
const MAX_WIDTH: usize = 60;

/// One cell: its type decides its number format.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Text(String),
    /// A whole number shown with separators (runs, counts).
    Count(u64),
    /// A quantity, shown as Excel's General format shows it.
    Number(f64),
    /// A chance, shown as a percentage.
    Percent(f64),
    Empty,
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// The width in characters the cell takes on screen, about.
    fn width(&self) -> usize {
        match self {
            Cell::Text(t) => t.chars().count(),
            Cell::Count(n) => {
                let digits = n.to_string().len();
                digits + (digits - 1) / 3
            }
            // General shows at most about 11 characters.
            Cell::Number(x) => format!("{x}").len().min(11),
            Cell::Percent(x) => format!("{:.2}%", x * 100.0).len(),
            Cell::Empty => 0,
        }
    }
}

/// A number cell, or a percentage when `chance`.
fn quantity(x: f64, chance: bool) -> Cell {
    if x.is_nan() {
        Cell::Empty
    } else if chance {
        Cell::Percent(x)
    } else {
        Cell::Number(x)
    }
}

/// A sheet before it is written: its header and rows.
struct Sheet {
    name: &'static str,
    header: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

/// What tells the summaries of one workbook apart: the names of the key
/// columns, and each summary's cells in them (none for a single run).
struct Keyed<'a> {
    names: Vec<String>,
    entries: Vec<(Vec<Cell>, &'a Summary)>,
}

/// summary.xlsx of one run (or of a merge of shards). `written` is the
/// date the result set is written, "YYYY-MM-DD".
pub fn run_xlsx(summary: &Summary, written: &str) -> Result<Vec<u8>, XlsxError> {
    let keyed = Keyed {
        names: Vec::new(),
        entries: vec![(Vec::new(), summary)],
    };
    let sheets = [
        outcomes_sheet(&keyed),
        timeseries_sheet(&keyed),
        parameters_sheet(&keyed),
        provenance_sheet(&keyed, written, &[]),
    ];
    workbook(&sheets, &summary.name, written)
}

/// summary.xlsx of a comparison: every scenario's outcomes, time series and
/// parameters with a `scenario` column, and the paired differences.
pub fn compare_xlsx(c: &Comparison, written: &str) -> Result<Vec<u8>, XlsxError> {
    let keyed = Keyed {
        names: vec!["scenario".into()],
        entries: c
            .summaries
            .iter()
            .map(|s| (vec![Cell::text(&s.name)], s))
            .collect(),
    };
    let sheets = [
        outcomes_sheet(&keyed),
        differences_sheet(c),
        timeseries_sheet(&keyed),
        parameters_sheet(&keyed),
        provenance_sheet(&keyed, written, &[]),
    ];
    let title = c.summaries.first().map_or("", |s| s.name.as_str());
    workbook(&sheets, title, written)
}

/// summary.xlsx of a sweep: the outcomes at every grid point, keyed by the
/// swept values, and the provenance (the grid's own time series are not
/// kept: sweep.csv has none either).
pub fn sweep_xlsx(axes: &[Axis], points: &[Point], written: &str) -> Result<Vec<u8>, XlsxError> {
    let keyed = Keyed {
        names: axes.iter().map(|a| a.name.clone()).collect(),
        entries: points
            .iter()
            .map(|p| {
                let keys = p.values.iter().map(|&v| quantity(v, false)).collect();
                (keys, &p.summary)
            })
            .collect(),
    };
    let swept: Vec<String> = axes
        .iter()
        .map(|a| {
            let lo = a.values.first().copied().unwrap_or(f64::NAN);
            let hi = a.values.last().copied().unwrap_or(f64::NAN);
            format!("{} from {lo} to {hi} in {} values", a.name, a.values.len())
        })
        .collect();
    // Every point shares the scenario, seed and runs: one column says them.
    let first = Keyed {
        names: Vec::new(),
        entries: keyed.entries.iter().take(1).cloned().collect(),
    };
    let extra = [("swept", Cell::Text(swept.join("; ")))];
    let sheets = [
        outcomes_sheet(&keyed),
        provenance_sheet(&first, written, &extra),
    ];
    let title = points.first().map_or("", |p| p.summary.name.as_str());
    workbook(&sheets, title, written)
}

// ------------------------------------------------------------------ sheets

fn header(keyed: &Keyed<'_>, columns: &[&str]) -> Vec<String> {
    let mut header = keyed.names.clone();
    header.extend(columns.iter().map(|c| c.to_string()));
    header
}

/// The Outcomes sheet: summary.csv's columns, with the unit after the label.
fn outcomes_sheet(keyed: &Keyed<'_>) -> Sheet {
    let mut columns: Vec<&str> = SUMMARY_COLUMNS.to_vec();
    columns.insert(2, "unit");
    let mut rows = Vec::new();
    for (keys, summary) in &keyed.entries {
        for o in &summary.outcomes {
            for mut row in outcome_rows(o) {
                let mut full = keys.clone();
                full.append(&mut row);
                rows.push(full);
            }
        }
    }
    Sheet {
        name: "Outcomes",
        header: header(keyed, &columns),
        rows,
    }
}

/// An outcome's rows, as summary.csv lays them out: one for a chance or a
/// number, one per category.
fn outcome_rows(o: &OutcomeSummary) -> Vec<Vec<Cell>> {
    let (array, element) = element_of(&o.name);
    let head = |category: &str| {
        vec![
            Cell::text(array),
            Cell::text(&o.label),
            Cell::text(&o.unit),
            Cell::text(o.kind),
            Cell::text(category),
        ]
    };
    let mut rows = Vec::new();
    if let Some(p) = &o.probability {
        rows.push([head(""), estimate_cells(p)].concat());
    }
    if let Some(n) = &o.number {
        rows.push([head(""), number_cells(n)].concat());
    }
    for (name, e) in &o.categories {
        rows.push([head(name), estimate_cells(e)].concat());
    }
    for row in &mut rows {
        row.push(Cell::text(element));
    }
    rows
}

/// n .. p95_mcse of a chance (summary.csv's layout).
fn estimate_cells(e: &Estimate) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Count(e.trials),
        Cell::Count(0),
        quantity(e.p, true),
        Cell::Empty,
        quantity(e.mcse, true),
    ];
    cells.extend(std::iter::repeat_n(Cell::Empty, 7));
    cells.extend([
        quantity(e.p, true),
        quantity(e.lo, true),
        quantity(e.hi, true),
    ]);
    cells.extend(std::iter::repeat_n(Cell::Empty, 6));
    cells
}

/// n .. p95_mcse of a number (summary.csv's layout).
fn number_cells(s: &NumberStats) -> Vec<Cell> {
    let mut cells = vec![Cell::Count(s.n), Cell::Count(s.none)];
    cells.extend(
        [
            s.mean, s.sd, s.mcse, s.p5, s.p25, s.p50, s.p75, s.p95, s.min, s.max,
        ]
        .into_iter()
        .map(|x| quantity(x, false)),
    );
    cells.extend(std::iter::repeat_n(Cell::Empty, 3));
    match &s.spread_mcse {
        Some(m) => cells.extend(
            [m.sd, m.p5, m.p25, m.p50, m.p75, m.p95]
                .into_iter()
                .map(|x| quantity(x, false)),
        ),
        None => cells.extend(std::iter::repeat_n(Cell::Empty, 6)),
    }
    cells
}

/// The Time series sheet: timeseries.csv's long form, with the unit after
/// the value. A yes/no variable's mean and an event's chances are
/// percentages.
fn timeseries_sheet(keyed: &Keyed<'_>) -> Sheet {
    let mut columns: Vec<&str> = TIMESERIES_COLUMNS.to_vec();
    columns.insert(6, "unit");
    let mut rows = Vec::new();
    for (keys, summary) in &keyed.entries {
        for series in &summary.series {
            let (array, element) = element_of(&series.name);
            for st in &series.steps {
                let n = &st.stats;
                for (stat, v) in step_stats(n) {
                    let chance = series.yes_no && stat == "mean";
                    let mut row = keys.clone();
                    row.extend([
                        Cell::text(array),
                        Cell::text(series.kind),
                        Cell::Count(u64::from(st.step)),
                        Cell::text(&st.period),
                        Cell::text(stat),
                        quantity(v, chance),
                        Cell::text(&series.unit),
                        Cell::text(element),
                    ]);
                    rows.push(row);
                }
            }
        }
        for e in &summary.events {
            let (array, element) = element_of(&e.name);
            for st in &e.steps {
                for (stat, v) in [
                    ("p_in_step", st.in_step.p),
                    ("p_in_step_low", st.in_step.lo),
                    ("p_in_step_high", st.in_step.hi),
                    ("p_by_step", st.by_step.p),
                    ("p_by_step_low", st.by_step.lo),
                    ("p_by_step_high", st.by_step.hi),
                    ("mean_count", st.mean_count),
                ] {
                    let mut row = keys.clone();
                    row.extend([
                        Cell::text(array),
                        Cell::Text(format!("event:{}", e.mode)),
                        Cell::Count(u64::from(st.step)),
                        Cell::text(&st.period),
                        Cell::text(stat),
                        quantity(v, stat != "mean_count"),
                        Cell::Empty,
                        Cell::text(element),
                    ]);
                    rows.push(row);
                }
            }
        }
    }
    Sheet {
        name: "Time series",
        header: header(keyed, &columns),
        rows,
    }
}

/// The Parameters sheet: each parameter as written, and its drawn values.
fn parameters_sheet(keyed: &Keyed<'_>) -> Sheet {
    let columns = [
        "parameter",
        "label",
        "distribution",
        "unit",
        "drawn_mean",
        "drawn_sd",
        "doc",
        "source",
    ];
    let mut rows = Vec::new();
    for (keys, summary) in &keyed.entries {
        for p in &summary.parameters {
            let mut row = keys.clone();
            row.extend([
                Cell::text(&p.name),
                Cell::text(&p.label),
                Cell::text(&p.definition),
                Cell::text(&p.unit),
                quantity(p.mean, false),
                quantity(p.sd, false),
                Cell::text(&p.doc),
                Cell::Text(p.source.join("; ")),
            ]);
            rows.push(row);
        }
    }
    Sheet {
        name: "Parameters",
        header: header(keyed, &columns),
        rows,
    }
}

/// A row of the Provenance sheet: its name, and how to read it.
type Fact = (&'static str, fn(&Summary) -> Cell);

/// An estimate of an outcome or of one of its categories: (category,
/// kind, (estimate, low, high)).
type Row<'a> = (Option<&'a str>, &'a str, Option<(f64, f64, f64)>);

/// The Provenance sheet: one row per fact, one column per summary.
fn provenance_sheet(keyed: &Keyed<'_>, written: &str, extra: &[(&str, Cell)]) -> Sheet {
    let facts: [Fact; 14] = [
        ("scenario", |s| Cell::text(&s.provenance.scenario)),
        ("scenario file", |s| Cell::text(&s.provenance.scenario_file)),
        ("content hash (SHA-256)", |s| {
            Cell::text(&s.provenance.scenario_sha256)
        }),
        // A seed can exceed what a spreadsheet's number holds exactly.
        ("seed", |s| Cell::Text(s.provenance.seed.to_string())),
        ("runs", |s| Cell::Count(s.provenance.runs)),
        ("runs kept (--given)", |s| {
            Cell::Count(s.provenance.kept_runs)
        }),
        ("given (--given)", |s| {
            Cell::text(s.provenance.given.as_deref().unwrap_or("none"))
        }),
        ("overrides (--set)", |s| {
            let o = &s.provenance.overrides;
            Cell::Text(if o.is_empty() {
                "none".into()
            } else {
                o.join(", ")
            })
        }),
        ("steps", |s| Cell::Count(u64::from(s.provenance.steps))),
        ("step unit", |s| Cell::text(&s.provenance.step_unit)),
        ("start", |s| {
            Cell::text(s.provenance.start.as_deref().unwrap_or(""))
        }),
        ("sampling", |s| {
            Cell::Text(match &s.provenance.sampling {
                Some(r) => format!("{} in {} replicates", r.sampling, r.replicates),
                None => "random".into(),
            })
        }),
        ("precision (--precision)", |s| {
            Cell::Text(match &s.provenance.precision {
                Some(p) => format!(
                    "±{} in {} rounds ({})",
                    p.target,
                    p.rounds,
                    if p.met { "met" } else { "not met" }
                ),
                None => "none".into(),
            })
        }),
        ("polsim version", |s| {
            Cell::text(&s.provenance.polsim_version)
        }),
    ];
    let mut rows: Vec<Vec<Cell>> = facts
        .iter()
        .map(|(name, fact)| {
            let mut row = vec![Cell::text(*name)];
            row.extend(keyed.entries.iter().map(|(_, s)| fact(s)));
            row
        })
        .collect();
    for (name, cell) in extra {
        rows.push(vec![Cell::text(*name), cell.clone()]);
    }
    rows.push(vec![Cell::text("written"), Cell::text(written)]);
    let mut header = vec!["fact".to_string()];
    if keyed.entries.len() == 1 {
        header.push("value".into());
    } else {
        header.extend(keyed.entries.iter().map(|(_, s)| s.name.clone()));
    }
    Sheet {
        name: "Provenance",
        header,
        rows,
    }
}

/// The Differences sheet of a comparison: compare.csv's rows.
fn differences_sheet(c: &Comparison) -> Sheet {
    let columns = [
        "outcome",
        "label",
        "kind",
        "category",
        "scenario",
        "estimate",
        "ci_low",
        "ci_high",
        "diff",
        "diff_low",
        "diff_high",
        "diff_mcse",
        "unpaired_se",
        "pairs",
    ];
    let mut rows = Vec::new();
    for (s, summary) in c.summaries.iter().enumerate() {
        for o in &summary.outcomes {
            let mut entries: Vec<Row<'_>> = Vec::new();
            if o.categories.is_empty() {
                entries.push((None, o.kind, o.estimate(None)));
            } else {
                for (name, e) in &o.categories {
                    entries.push((Some(name), "category", Some((e.p, e.lo, e.hi))));
                }
            }
            for (category, kind, est) in entries {
                let Some((p, lo, hi)) = est else { continue };
                let chance = kind != "number";
                let mut row = vec![
                    Cell::text(&o.name),
                    Cell::text(&o.label),
                    Cell::text(kind),
                    Cell::text(category.unwrap_or("")),
                    Cell::text(&summary.name),
                    quantity(p, chance),
                    quantity(lo, chance),
                    quantity(hi, chance),
                ];
                let d = c.differences.iter().find(|d| {
                    d.scenario == s && d.outcome == o.name && d.category.as_deref() == category
                });
                match d {
                    Some(d) => row.extend([
                        quantity(d.diff, chance),
                        quantity(d.lo, chance),
                        quantity(d.hi, chance),
                        quantity(d.mcse, chance),
                        quantity(d.unpaired_se, chance),
                        Cell::Count(d.pairs),
                    ]),
                    None => row.extend(std::iter::repeat_n(Cell::Empty, 6)),
                }
                rows.push(row);
            }
        }
    }
    Sheet {
        name: "Differences",
        header: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

// ----------------------------------------------------------------- writing

/// The workbook's bytes: every sheet written, its properties dated
/// `written` rather than now.
fn workbook(sheets: &[Sheet], title: &str, written: &str) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let mut properties = DocProperties::new()
        .set_title(cut(title))
        .set_comment("Written by polsim");
    if let Some(date) = date_of(written) {
        properties = properties.set_creation_datetime(&date);
    }
    book.set_properties(&properties);
    let formats = Formats {
        header: Format::new()
            .set_bold()
            .set_border_bottom(FormatBorder::Thin),
        percent: Format::new().set_num_format("0.00%"),
        count: Format::new().set_num_format("#,##0"),
    };
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name)?;
        write_sheet(ws, sheet, &formats)?;
    }
    book.save_to_buffer()
}

struct Formats {
    header: Format,
    percent: Format,
    count: Format,
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, formats: &Formats) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = sheet.header.iter().map(|h| h.chars().count()).collect();
    for (col, name) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, cut(name), &formats.header)?;
    }
    // A sheet longer than Excel allows keeps its first rows and says so in
    // its last; the CSV file has them all.
    let room = MAX_ROWS - 2;
    for (i, row) in sheet.rows.iter().take(room).enumerate() {
        let r = (i + 1) as u32;
        for (col, cell) in row.iter().enumerate() {
            if col >= widths.len() {
                widths.push(0);
            }
            widths[col] = widths[col].max(cell.width());
            let c = col as u16;
            match cell {
                Cell::Text(t) if !t.is_empty() => {
                    ws.write_string(r, c, cut(t))?;
                }
                Cell::Count(n) => {
                    ws.write_number_with_format(r, c, *n as f64, &formats.count)?;
                }
                Cell::Number(x) => write_number(ws, r, c, *x, None)?,
                Cell::Percent(x) => write_number(ws, r, c, *x, Some(&formats.percent))?,
                Cell::Text(_) | Cell::Empty => {}
            }
        }
    }
    if sheet.rows.len() > room {
        ws.write_string(
            (room + 1) as u32,
            0,
            format!(
                "{} more rows than a sheet holds: the CSV file has them all",
                sheet.rows.len() - room
            ),
        )?;
    }
    for (col, width) in widths.iter().enumerate() {
        let chars = (*width).clamp(4, MAX_WIDTH) + 2;
        ws.set_column_width(col as u16, chars as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A number, or its text where a spreadsheet has no number for it (an
/// infinite mean).
fn write_number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    x: f64,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    if !x.is_finite() {
        ws.write_string(row, col, if x > 0.0 { "inf" } else { "-inf" })?;
    } else if let Some(format) = format {
        ws.write_number_with_format(row, col, x, format)?;
    } else {
        ws.write_number(row, col, x)?;
    }
    Ok(())
}

/// A text cut to what a cell holds.
fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_TEXT {
        text.to_string()
    } else {
        text.chars().take(MAX_TEXT).collect()
    }
}

/// "YYYY-MM-DD" as a date, when it is one.
fn date_of(text: &str) -> Option<ExcelDateTime> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_what_is_shown() {
        assert_eq!(Cell::Count(1_234_567).width(), "1,234,567".len());
        assert_eq!(Cell::Count(7).width(), 1);
        assert_eq!(Cell::Percent(0.0423).width(), "4.23%".len());
        assert_eq!(Cell::Number(0.123_456_789_012_345).width(), 11);
        assert_eq!(Cell::text("événement").width(), 9);
    }

    #[test]
    fn a_missing_value_is_an_empty_cell_and_a_chance_a_percentage() {
        assert_eq!(quantity(f64::NAN, true), Cell::Empty);
        assert_eq!(quantity(0.5, true), Cell::Percent(0.5));
        assert_eq!(quantity(2.0, false), Cell::Number(2.0));
    }

    #[test]
    fn dates_are_read_or_refused() {
        assert!(date_of("2026-11-28").is_some());
        assert!(date_of("2026-13-01").is_none());
        assert!(date_of("today").is_none());
    }

    #[test]
    fn texts_are_cut_to_what_a_cell_holds() {
        let long = "x".repeat(MAX_TEXT + 5);
        assert_eq!(cut(&long).len(), MAX_TEXT);
        assert_eq!(cut("short"), "short");
    }
}
