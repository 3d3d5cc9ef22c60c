//! `[inputs]`: exogenous time series read from a CSV file, by step or by
//! date, one column or an ensemble of columns from which each run picks one.
//!
//! An input becomes a derived variable that reads a [`Table`] at the step:
//! the values of every column laid end to end, column m's step k at x = m ×
//! (steps + 1) + k, so a whole number x lands exactly on a point. An
//! ensemble also gets a parameter of its own, `NAME.member`, drawn as
//! `choice(1, 1, ...)` from a random stream keyed by that name: which column
//! a run reads, the same in every variant (common random numbers), and
//! listed with the other parameters in runs.csv.

use std::collections::HashMap;

use super::*;
use crate::expr::BinOp;
use crate::scenario::data::{self, Cell, DataFile};

/// An input read from its data, to be placed among the variables.
pub(super) struct Built {
    id: VarId,
    name: Sp<String>,
    table: Table,
    /// An ensemble's member parameter and its number of columns.
    member: Option<(VarId, Vec<String>)>,
    text: String,
    doc: RawDoc,
}

#[derive(Clone, Copy, PartialEq)]
enum By {
    Step,
    Date,
}

impl Checker {
    /// Read every input's data (already split from its file) into a table;
    /// declare an ensemble's member parameter. Every problem is reported.
    pub(super) fn read_inputs(&mut self, raw: &RawScenario, files: &[DataFile]) -> Vec<Built> {
        let mut built = Vec::new();
        for (name, input) in &raw.inputs {
            if input.file.is_none() {
                self.missing(name, "input", "file", "file = \"data/series.csv\"");
                continue;
            }
            let by = match input.by.as_ref().map(|b| b.value.as_str()) {
                None | Some("step") => Some(By::Step),
                Some("date") => Some(By::Date),
                Some(other) => {
                    let span = input.by.as_ref().map_or(name.span, |b| b.span);
                    self.diags.push(
                        Diagnostic::new(span, format!("`by` is \"step\" or \"date\", not \"{}\"", crate::diag::tidy(other)))
                            .help("by = \"step\" when the index column holds step numbers (1, 2, ...), by = \"date\" when it holds dates written as `start` is"),
                    );
                    None
                }
            };
            if by == Some(By::Date) && !self.time.has_calendar() {
                let span = input.by.as_ref().map_or(name.span, |b| b.span);
                self.diags.push(
                    Diagnostic::new(span, format!("input `{}` is read by date, but this scenario has no calendar", name.value))
                        .help("set `start` and a `step_unit` of month, quarter or year under [scenario], or number the rows by step with by = \"step\""),
                );
                continue;
            }
            let hold = match input.beyond.as_ref().map(|b| b.value.as_str()) {
                None | Some("error") => Some(false),
                Some("hold") => Some(true),
                Some(other) => {
                    let span = input.beyond.as_ref().map_or(name.span, |b| b.span);
                    self.diags.push(
                        Diagnostic::new(span, format!("`beyond` is \"error\" or \"hold\", not \"{}\"", crate::diag::tidy(other)))
                            .help("beyond = \"hold\" keeps the last row's value for the steps after the data end; without it, data that end before the run are an error"),
                    );
                    None
                }
            };
            let wanted = match (&input.column, &input.columns) {
                (Some(_), Some(cols)) => {
                    self.diags.push(
                        Diagnostic::new(cols.span, format!("input `{}` has both `column` and `columns`", name.value))
                            .help("give `column` for one series, or `columns` for an ensemble from which each run picks one"),
                    );
                    continue;
                }
                (Some(col), None) => Sp {
                    value: vec![col.value.clone()],
                    span: col.span,
                },
                (None, Some(cols)) => cols.clone(),
                (None, None) => {
                    self.missing(name, "input", "column", "column = \"value\" (one series) or columns = [\"a\", \"b\"] (an ensemble; \"*\" for every column)");
                    continue;
                }
            };
            let (Some(by), Some(hold)) = (by, hold) else {
                continue;
            };
            // A file that could not be read was reported where it was read.
            let Some(file) = files.iter().find(|f| f.input == name.value) else {
                continue;
            };
            let file_key = input.file.as_ref().map_or(name.span, |f| f.span);
            let csv = data::parse_csv(file.file, &file.text, &mut self.diags);
            if csv.header.is_empty() {
                self.diags.push(
                    Diagnostic::new(file_key, format!("data file of input `{}` is empty", name.value))
                        .help("the first line names the columns (e.g. `month,rainfall`), each later line is one step"),
                );
                continue;
            }
            let Some(index) = self.index_column(&csv, input.index.as_ref()) else {
                continue;
            };
            let Some(columns) = self.value_columns(&csv, index, &wanted) else {
                continue;
            };
            let Some(series) = self.series(name, &csv, index, &columns, by, hold, file_key) else {
                continue;
            };
            let stride = f64::from(self.steps) + 1.0;
            let mut table = Table {
                name: name.value.clone(),
                xs: Vec::new(),
                ys: Vec::new(),
            };
            for (m, values) in series.iter().enumerate() {
                for (k, &y) in values.iter().enumerate() {
                    table.xs.push(m as f64 * stride + (k + 1) as f64);
                    table.ys.push(y);
                }
            }
            let names: Vec<String> = columns
                .iter()
                .map(|&c| csv.header[c].text.clone())
                .collect();
            let text = format!(
                "input: {} of `{}` by {}{}",
                if names.len() == 1 {
                    format!("column `{}`", names[0])
                } else {
                    format!("{} columns (an ensemble; each run reads one)", names.len())
                },
                input.file.as_ref().map_or("", |f| f.value.as_str()),
                if by == By::Step { "step" } else { "date" },
                if hold { ", last value held" } else { "" }
            );
            let member = (names.len() > 1).then(|| {
                let id = VarId(self.vars.len() as u32);
                let member = format!("{}.member", name.value);
                self.vars.push((member.clone(), "parameter", name.span));
                self.names.insert(member, id);
                (id, names.clone())
            });
            built.push(Built {
                id: self.names[&name.value],
                name: name.clone(),
                table,
                member,
                text,
                doc: input.doc.clone(),
            });
        }
        built
    }

    /// Put the inputs among the variables; returns the ids of the inputs and
    /// of the member parameters.
    pub(super) fn place_inputs(
        &mut self,
        built: Vec<Built>,
        vars: &mut [Option<Var>],
    ) -> (Vec<VarId>, Vec<VarId>) {
        let (mut inputs, mut members) = (Vec::new(), Vec::new());
        for b in built {
            let x = match &b.member {
                None => MExpr::Time,
                Some((id, names)) => {
                    let weights = vec![1.0; names.len()];
                    let def = MExpr::Random {
                        kind: DistKind::Choice,
                        args: weights.iter().map(|&w| MExpr::Const(w)).collect(),
                        site: 0,
                    };
                    let dist = Dist::new(DistKind::Choice, &weights).ok();
                    let listing = names
                        .iter()
                        .enumerate()
                        .map(|(i, n)| format!("{i} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let doc = RawDoc {
                        doc: Some(Sp {
                            value: format!(
                                "Which column of the ensemble `{}` a run reads, each equally likely: {listing}",
                                b.name.value
                            ),
                            span: b.name.span,
                        }),
                        ..RawDoc::default()
                    };
                    let member_name = Sp {
                        value: format!("{}.member", b.name.value),
                        span: b.name.span,
                    };
                    let text = format!("choice({})", vec!["1"; names.len()].join(", "));
                    vars[id.0 as usize] =
                        Some(self.var(&member_name, VarKind::Param { def, dist }, &doc, text));
                    members.push(*id);
                    let stride = f64::from(self.steps) + 1.0;
                    MExpr::Binary(
                        BinOp::Add,
                        Box::new(MExpr::Binary(
                            BinOp::Mul,
                            Box::new(MExpr::Var(*id)),
                            Box::new(MExpr::Const(stride)),
                        )),
                        Box::new(MExpr::Time),
                    )
                }
            };
            let expr = MExpr::Lookup(Box::new(b.table), Box::new(x));
            vars[b.id.0 as usize] =
                Some(self.var(&b.name, VarKind::Derived { expr }, &b.doc, b.text));
            inputs.push(b.id);
        }
        (inputs, members)
    }

    /// The column holding steps or dates: `index`, or the first.
    fn index_column(&mut self, csv: &data::Csv, index: Option<&Sp<String>>) -> Option<usize> {
        let Some(index) = index else {
            return Some(0);
        };
        if let Some(i) = csv.header.iter().position(|c| c.text == index.value) {
            return Some(i);
        }
        self.no_column(csv, &index.value, index.span);
        None
    }

    fn no_column(&mut self, csv: &data::Csv, wanted: &str, span: Span) {
        let headers: Vec<&str> = csv.header.iter().map(|c| c.text.as_str()).collect();
        let d = Diagnostic::new(span, format!("the data file has no column `{wanted}`"));
        self.diags
            .push(match did_you_mean(wanted, headers.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!(
                    "its columns are: {}",
                    crate::diag::name_list(&headers, 12)
                )),
            });
    }

    /// The columns to read, by position; `"*"` is every column but the index.
    fn value_columns(
        &mut self,
        csv: &data::Csv,
        index: usize,
        wanted: &Sp<Vec<String>>,
    ) -> Option<Vec<usize>> {
        if wanted.value.iter().any(|w| w == "*") {
            let all: Vec<usize> = (0..csv.header.len()).filter(|&i| i != index).collect();
            if all.is_empty() || wanted.value.len() > 1 {
                self.diags.push(
                    Diagnostic::new(wanted.span, "`\"*\"` reads every column but the index, and stands alone")
                        .help("write columns = \"*\" for every column, or list the columns by name; the file needs at least one column besides the index"),
                );
                return None;
            }
            return Some(all);
        }
        if wanted.value.is_empty() {
            self.diags.push(
                Diagnostic::new(wanted.span, "`columns` lists no column").help(
                    "name at least one column, e.g. columns = [\"low\", \"central\", \"high\"]",
                ),
            );
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for w in &wanted.value {
            match csv.header.iter().position(|c| &c.text == w) {
                Some(i) if i == index => {
                    self.diags.push(
                        Diagnostic::new(wanted.span, format!("column `{w}` is the index column (the steps or dates)"))
                            .help("name the columns of values; set `index` if the steps are in another column"),
                    );
                    ok = false;
                }
                Some(i) if out.contains(&i) => {
                    self.diags.push(
                        Diagnostic::new(wanted.span, format!("column `{w}` is named twice"))
                            .help("an ensemble lists each column once"),
                    );
                    ok = false;
                }
                Some(i) => out.push(i),
                None => {
                    self.no_column(csv, w, wanted.span);
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// Each column's value at steps 1..=steps; `None` after reporting bad
    /// cells, repeated or missing steps, or data that end too soon.
    #[allow(clippy::too_many_arguments)]
    fn series(
        &mut self,
        name: &Sp<String>,
        csv: &data::Csv,
        index: usize,
        columns: &[usize],
        by: By,
        hold: bool,
        file_key: Span,
    ) -> Option<Vec<Vec<f64>>> {
        let before = self.diags.len();
        // step -> row
        let mut rows: HashMap<i64, usize> = HashMap::new();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); csv.rows.len()];
        for (r, row) in csv.rows.iter().enumerate() {
            let Some(step) = self.row_step(&row[index], by) else {
                continue;
            };
            if rows.insert(step, r).is_some() {
                self.diags.push(
                    Diagnostic::new(
                        row[index].span,
                        format!("{} has a second row", self.step_name(step)),
                    )
                    .help("each step has one row; remove or correct one of the two"),
                );
            }
            for &c in columns {
                if let Some(v) = self.value_cell(&row[c], &csv.header[c].text) {
                    values[r].push(v);
                }
            }
        }
        if self.diags.len() > before {
            return None;
        }
        let Some(last) = rows.keys().copied().max() else {
            self.diags.push(
                Diagnostic::new(file_key, format!("the data file of input `{}` has a header but no rows", name.value))
                    .help("each line after the header is one step: its step number or date, then its values"),
            );
            return None;
        };
        let mut out = vec![Vec::with_capacity(self.steps as usize); columns.len()];
        for k in 1..=i64::from(self.steps) {
            let r = match rows.get(&k) {
                Some(&r) => r,
                None if k > last && hold => rows[&last],
                None if k > last => {
                    let last_row = &csv.rows[rows[&last]][index];
                    let span = if last >= 1 { last_row.span } else { file_key };
                    self.diags.push(
                        Diagnostic::new(
                            span,
                            format!(
                                "the data of input `{}` end at {}, before {} of the run",
                                name.value,
                                self.step_name(last),
                                self.step_name(k)
                            ),
                        )
                        .help(format!(
                            "add rows up to {}, or write beyond = \"hold\" in [inputs.{}] to keep the last value after the data end",
                            self.step_name(i64::from(self.steps)),
                            name.value
                        )),
                    );
                    return None;
                }
                None => {
                    let next = (k + 1..=last).find(|s| rows.contains_key(s))?;
                    let cell = &csv.rows[rows[&next]][index];
                    let message = if rows.keys().any(|&s| s < k) {
                        format!(
                            "{} has no row: the rows jump to {} here",
                            self.step_name(k),
                            self.step_name(next)
                        )
                    } else {
                        format!(
                            "the data of input `{}` start at {}, after the run's first {}",
                            name.value,
                            self.step_name(next),
                            self.step_name(1)
                        )
                    };
                    self.diags.push(
                        Diagnostic::new(cell.span, message).help(format!(
                            "an input needs a row for every step of the run, from {} to {}; add the missing rows",
                            self.step_name(1),
                            self.step_name(i64::from(self.steps))
                        )),
                    );
                    return None;
                }
            };
            for (m, column) in out.iter_mut().enumerate() {
                column.push(values[r][m]);
            }
        }
        Some(out)
    }

    /// The step a row's index cell names.
    fn row_step(&mut self, cell: &Cell, by: By) -> Option<i64> {
        match by {
            By::Step => match cell.text.parse::<i64>() {
                Ok(step) => Some(step),
                Err(_) => {
                    let help = if self.time.has_calendar() && self.time.step_of(&cell.text).is_ok()
                    {
                        "this is a date: write by = \"date\" in the input to read the rows by date"
                            .to_string()
                    } else {
                        "with by = \"step\", the index column holds whole step numbers (1 is the run's first step)".to_string()
                    };
                    self.diags.push(
                        Diagnostic::new(
                            cell.span,
                            format!("\"{}\" is not a step number", crate::diag::tidy(&cell.text)),
                        )
                        .help(help),
                    );
                    None
                }
            },
            By::Date => match self.time.step_of(&cell.text) {
                Ok(step) => Some(step),
                Err(why) => {
                    self.diags.push(
                        Diagnostic::new(
                            cell.span,
                            format!(
                                "cannot read \"{}\" as a date of this scenario",
                                crate::diag::tidy(&cell.text)
                            ),
                        )
                        .help(why),
                    );
                    None
                }
            },
        }
    }

    /// A value cell as a finite number.
    fn value_cell(&mut self, cell: &Cell, column: &str) -> Option<f64> {
        let text = cell.text.trim();
        let (message, help) = if text.is_empty() {
            (
                format!("missing value in column `{column}`"),
                "fill in the value; an input needs a number at every step it covers".to_string(),
            )
        } else {
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => return Some(v),
                Ok(_) => (
                    format!("\"{}\" in column `{column}` is not a finite number", crate::diag::tidy(text)),
                    "an input's values are finite numbers; fill in an estimate or leave the step out of the run".to_string(),
                ),
                Err(_) => (
                    format!("\"{}\" in column `{column}` is not a number", crate::diag::tidy(text)),
                    "write plain numbers: a dot for decimals, no thousands separators, units or percent signs (e.g. 1234.5, 0.25)".to_string(),
                ),
            }
        };
        self.diags
            .push(Diagnostic::new(cell.span, message).help(help));
        None
    }

    /// "step 3 (2026-03)" with a calendar, else "step 3".
    fn step_name(&self, step: i64) -> String {
        match u32::try_from(step) {
            Ok(s) if self.time.has_calendar() => format!("step {step} ({})", self.time.label(s)),
            _ => format!("step {step}"),
        }
    }
}
