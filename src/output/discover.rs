//! Exporters of scenario discovery (`polsim discover`): the terminal table,
//! discover-boxes.csv, discover-trajectory.csv and discover.json.

use serde::Serialize;

use crate::analysis::prim::{Discovery, FoundBox, Move, Options};
use crate::format;

/// What was asked, kept beside the result in the JSON.
#[derive(Clone, Debug, Serialize)]
pub struct Asked<'a> {
    pub scenario: &'a str,
    pub condition: &'a str,
    pub seed: u64,
    pub peel_alpha: f64,
    pub paste_alpha: f64,
    pub mass_min: f64,
    pub min_coverage: f64,
}

impl<'a> Asked<'a> {
    pub fn new(scenario: &'a str, condition: &'a str, seed: u64, o: &Options) -> Asked<'a> {
        Asked {
            scenario,
            condition,
            seed,
            peel_alpha: o.peel_alpha,
            paste_alpha: o.paste_alpha,
            mass_min: o.mass_min,
            min_coverage: o.min_coverage,
        }
    }
}

fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

fn move_word(m: Move) -> &'static str {
    match m {
        Move::Start => "start",
        Move::Peel => "peel",
        Move::Paste => "paste",
    }
}

/// Trajectory rows to show in the terminal: all of a short trajectory; of
/// a long one about a dozen evenly spaced, always with the first, the
/// chosen and the last.
fn shown_steps(b: &FoundBox) -> Vec<usize> {
    let n = b.trajectory.len();
    if n <= 16 {
        return (0..n).collect();
    }
    let mut keep: Vec<usize> = (0..12).map(|k| k * (n - 1) / 11).collect();
    keep.push(b.chosen);
    keep.sort_unstable();
    keep.dedup();
    keep
}

/// The terminal table: each box's limits, then its trajectory.
pub fn table(d: &Discovery, asked: &Asked<'_>) -> String {
    let mut out = format!(
        "discover — {}: `{}` holds in {} of {} runs ({}); PRIM over {} parameters, seed {}\n",
        asked.scenario,
        asked.condition,
        format::count(d.cases),
        format::count(d.runs),
        format::share(d.cases, d.runs),
        d.parameters.len(),
        asked.seed
    );
    let width = d
        .parameters
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    for (k, b) in d.boxes.iter().enumerate() {
        let s = b.box_step();
        out.push_str(&format!(
            "\nBox {} (step {} of the trajectory): coverage {}, density {}, {} runs ({} of all), {} restricted\n",
            k + 1,
            b.chosen,
            format::percent(s.coverage),
            format::percent(s.density),
            format::count(s.runs),
            format::percent(s.mass),
            if s.restricted == 1 {
                "1 parameter".to_string()
            } else {
                format!("{} parameters", s.restricted)
            }
        ));
        if k > 0 {
            out.push_str(&format!(
                "  (found among the {} runs the earlier boxes left, {} of them of interest)\n",
                format::count(b.runs_left),
                format::count(b.cases_left)
            ));
        }
        if b.restrictions.is_empty() {
            out.push_str("  it restricts no parameter: nothing concentrates the condition\n");
        } else {
            out.push_str(&format!(
                "  {:<width$}  {:>10}  {:>10}  {:<24}  {}\n",
                "parameter", "from", "to", "values drawn", "density without it"
            ));
            for r in &b.restrictions {
                let p = &d.parameters[r.parameter];
                let from = if r.cuts_low {
                    format::number(r.low)
                } else {
                    "(lowest)".into()
                };
                let to = if r.cuts_high {
                    format::number(r.high)
                } else {
                    "(highest)".into()
                };
                out.push_str(&format!(
                    "  {:<width$}  {:>10}  {:>10}  {:<24}  {}\n",
                    p.name,
                    from,
                    to,
                    format!("{} to {}", format::number(p.min), format::number(p.max)),
                    format::percent(r.density_without)
                ));
            }
        }
        out.push_str(&format!(
            "\n  trajectory of box {} (every step in discover-trajectory.csv; choose one with --step N):\n",
            k + 1
        ));
        out.push_str(&format!(
            "  {:>5}  {:<6}  {:>9}  {:>8}  {:>10}  {}\n",
            "step", "move", "coverage", "density", "runs", "restricted"
        ));
        for i in shown_steps(b) {
            let s = &b.trajectory[i];
            let mark = if i == b.chosen { "  <- chosen" } else { "" };
            out.push_str(&format!(
                "  {:>5}  {:<6}  {:>9}  {:>8}  {:>10}  {:>10}{mark}\n",
                i,
                move_word(s.how),
                format::percent(s.coverage),
                format::percent(s.density),
                format::count(s.runs),
                s.restricted
            ));
        }
    }
    out
}

/// discover-boxes.csv: one row per box and parameter.
pub fn boxes_csv(d: &Discovery) -> Vec<u8> {
    let mut rows = vec![
        [
            "box",
            "step",
            "parameter",
            "restricted",
            "low",
            "high",
            "min_drawn",
            "max_drawn",
            "density_without",
            "median_of_cases",
            "coverage",
            "density",
            "mass",
            "runs",
            "cases",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (k, b) in d.boxes.iter().enumerate() {
        let s = b.box_step();
        for (j, p) in d.parameters.iter().enumerate() {
            let r = b.restrictions.iter().find(|r| r.parameter == j);
            let (lo, hi) = s.limits[j];
            rows.push(vec![
                (k + 1).to_string(),
                b.chosen.to_string(),
                p.name.clone(),
                u8::from(r.is_some()).to_string(),
                num(lo),
                num(hi),
                num(p.min),
                num(p.max),
                r.map_or(String::new(), |r| num(r.density_without)),
                r.map_or(String::new(), |r| num(r.median_of_cases)),
                num(s.coverage),
                num(s.density),
                num(s.mass),
                s.runs.to_string(),
                s.cases.to_string(),
            ]);
        }
    }
    super::csv_bytes(&rows)
}

/// discover-trajectory.csv: every step of every box, with its limits.
pub fn trajectory_csv(d: &Discovery) -> Vec<u8> {
    let mut header: Vec<String> = [
        "box",
        "step",
        "move",
        "chosen",
        "coverage",
        "density",
        "mass",
        "runs",
        "cases",
        "restricted",
    ]
    .map(String::from)
    .to_vec();
    for p in &d.parameters {
        header.push(format!("{}_low", p.name));
        header.push(format!("{}_high", p.name));
    }
    let mut rows = vec![header];
    for (k, b) in d.boxes.iter().enumerate() {
        for (i, s) in b.trajectory.iter().enumerate() {
            let mut row = vec![
                (k + 1).to_string(),
                i.to_string(),
                move_word(s.how).to_string(),
                u8::from(i == b.chosen).to_string(),
                num(s.coverage),
                num(s.density),
                num(s.mass),
                s.runs.to_string(),
                s.cases.to_string(),
                s.restricted.to_string(),
            ];
            for &(lo, hi) in &s.limits {
                row.push(num(lo));
                row.push(num(hi));
            }
            rows.push(row);
        }
    }
    super::csv_bytes(&rows)
}

/// discover.json: what was asked and everything found.
pub fn json(d: &Discovery, asked: &Asked<'_>) -> Vec<u8> {
    #[derive(Serialize)]
    struct Doc<'a> {
        #[serde(flatten)]
        asked: &'a Asked<'a>,
        #[serde(flatten)]
        discovery: &'a Discovery,
    }
    let mut out = serde_json::to_vec_pretty(&Doc {
        asked,
        discovery: d,
    })
    .unwrap_or_default();
    out.push(b'\n');
    out
}
