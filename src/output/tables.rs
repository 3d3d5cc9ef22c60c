//! CSV and JSON exporters.
//!
//! CSV columns are a stability boundary: scripts in R and pandas read them.
//! `summary.csv` has one row per outcome (one per category of a category
//! outcome); `timeseries.csv` is in long form (`variable, kind, step, period,
//! statistic, value, element`), ready for `pivot` or ggplot facets. An empty
//! field is a value that does not apply or does not exist (NaN).
//!
//! An element of an array (`violence[north]`) is named by its array in the
//! first column (`violence`) and by its element in the last (`north`; empty
//! for a variable that is not an array), so a script can facet by element.

use crate::scenario::element_of;
use crate::summary::{Estimate, NumberStats, Summary};

/// Columns of `summary.csv`.
pub const SUMMARY_COLUMNS: [&str; 26] = [
    "outcome",
    "label",
    "kind",
    "category",
    "n",
    "none",
    "mean",
    "sd",
    "mcse",
    "p5",
    "p25",
    "p50",
    "p75",
    "p95",
    "min",
    "max",
    "probability",
    "ci_low",
    "ci_high",
    "sd_mcse",
    "p5_mcse",
    "p25_mcse",
    "p50_mcse",
    "p75_mcse",
    "p95_mcse",
    "element",
];

/// Columns of `timeseries.csv`.
pub const TIMESERIES_COLUMNS: [&str; 7] = [
    "variable",
    "kind",
    "step",
    "period",
    "statistic",
    "value",
    "element",
];

fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

fn to_bytes(rows: Vec<Vec<String>>) -> Vec<u8> {
    super::csv_bytes(&rows)
}

fn number_cells(s: &NumberStats) -> Vec<String> {
    vec![
        s.n.to_string(),
        s.none.to_string(),
        num(s.mean),
        num(s.sd),
        num(s.mcse),
        num(s.p5),
        num(s.p25),
        num(s.p50),
        num(s.p75),
        num(s.p95),
        num(s.min),
        num(s.max),
    ]
}

fn estimate_cells(e: &Estimate) -> Vec<String> {
    let mut cells = vec![
        e.trials.to_string(),
        "0".into(),
        num(e.p),
        String::new(),
        num(e.mcse),
    ];
    cells.extend(std::iter::repeat_n(String::new(), 7));
    cells.extend([num(e.p), num(e.lo), num(e.hi)]);
    cells.extend(std::iter::repeat_n(String::new(), 6));
    cells
}

/// The `*_mcse` columns of a number's spread statistics.
fn spread_cells(s: &NumberStats) -> Vec<String> {
    match &s.spread_mcse {
        Some(m) => [m.sd, m.p5, m.p25, m.p50, m.p75, m.p95]
            .into_iter()
            .map(num)
            .collect(),
        None => vec![String::new(); 6],
    }
}

pub fn summary_csv(s: &Summary) -> Vec<u8> {
    let mut rows = vec![
        SUMMARY_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    ];
    for o in &s.outcomes {
        let (array, element) = element_of(&o.name);
        let start = rows.len();
        let head = |category: &str| {
            vec![
                array.to_string(),
                o.label.clone(),
                o.kind.to_string(),
                category.to_string(),
            ]
        };
        if let Some(p) = &o.probability {
            let mut row = head("");
            row.extend(estimate_cells(p));
            rows.push(row);
        }
        if let Some(n) = &o.number {
            let mut row = head("");
            row.extend(number_cells(n));
            row.extend([String::new(), String::new(), String::new()]);
            row.extend(spread_cells(n));
            rows.push(row);
        }
        for (name, e) in &o.categories {
            let mut row = head(name);
            row.extend(estimate_cells(e));
            rows.push(row);
        }
        for row in &mut rows[start..] {
            row.push(element.to_string());
        }
    }
    to_bytes(rows)
}

/// The statistics of a series at one step, named as the `stat` column of
/// the time series names them, in that order (timeseries.csv, the
/// spreadsheet's Time series sheet).
pub fn step_stats(n: &NumberStats) -> [(&'static str, f64); 7] {
    [
        ("mean", n.mean),
        ("sd", n.sd),
        ("p5", n.p5),
        ("p25", n.p25),
        ("p50", n.p50),
        ("p75", n.p75),
        ("p95", n.p95),
    ]
}

pub fn timeseries_csv(s: &Summary) -> Vec<u8> {
    let mut rows = vec![TIMESERIES_COLUMNS.iter().map(|c| c.to_string()).collect()];
    for series in &s.series {
        let (array, element) = element_of(&series.name);
        for st in &series.steps {
            let n = &st.stats;
            for (stat, v) in step_stats(n) {
                rows.push(vec![
                    array.to_string(),
                    series.kind.to_string(),
                    st.step.to_string(),
                    st.period.clone(),
                    stat.into(),
                    num(v),
                    element.to_string(),
                ]);
            }
        }
    }
    for e in &s.events {
        let (array, element) = element_of(&e.name);
        for st in &e.steps {
            let cells = [
                ("p_in_step", st.in_step.p),
                ("p_in_step_low", st.in_step.lo),
                ("p_in_step_high", st.in_step.hi),
                ("p_by_step", st.by_step.p),
                ("p_by_step_low", st.by_step.lo),
                ("p_by_step_high", st.by_step.hi),
                ("mean_count", st.mean_count),
            ];
            for (stat, v) in cells {
                rows.push(vec![
                    array.to_string(),
                    format!("event:{}", e.mode),
                    st.step.to_string(),
                    st.period.clone(),
                    stat.into(),
                    num(v),
                    element.to_string(),
                ]);
            }
        }
    }
    to_bytes(rows)
}

pub fn summary_json(s: &Summary) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(s).unwrap_or_default();
    out.push(b'\n');
    out
}
