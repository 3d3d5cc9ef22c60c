//! Exporters for the analyses: terminal tables, CSV (long form) and JSON.

use crate::analysis::compare::Comparison;
use crate::analysis::qmc::Sampling;
use crate::analysis::sensitivity::{Method, Sensitivity};
use crate::analysis::sweep::{Axis, Point, crossing};
use crate::format;
use crate::output::table::Scope;
use crate::summary::OutcomeSummary;

fn csv_bytes(rows: Vec<Vec<String>>) -> Vec<u8> {
    super::csv_bytes(&rows)
}

fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

fn fmt_est(kind: &str, x: f64) -> String {
    if kind == "number" {
        format::number(x)
    } else {
        format::probability(x)
    }
}

fn signed(kind: &str, x: f64) -> String {
    if kind == "number" {
        format::signed_number(x)
    } else {
        let text = format::probability(x);
        if x > 0.0 { format!("+{text}") } else { text }
    }
}

// ---------------------------------------------------------------- compare

pub fn compare_table(c: &Comparison) -> String {
    let names: Vec<&str> = c.summaries.iter().map(|s| s.name.as_str()).collect();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(8).max(8);
    let mut out = format!(
        "compare — {} scenarios, {} runs each, seed {}; each difference is the scenario minus {}, paired run by run\n",
        names.len(),
        c.runs,
        c.seed,
        names.first().unwrap_or(&"")
    );
    if let Some(given) = &c.given {
        let kept: Vec<String> = c
            .summaries
            .iter()
            .map(|s| format!("{} {}", s.name, s.provenance.kept_runs))
            .collect();
        out.push_str(&format!(
            "given {given}: runs kept in {} of {}; differences over the runs kept in both\n",
            kept.join(", "),
            c.runs
        ));
    }
    if let Some(sampling) = &c.sampling {
        out.push_str(&format!(
            "{}\n",
            crate::output::table::sampling_note(sampling, "estimates and differences")
        ));
    }
    if let Some(precision) = c
        .summaries
        .first()
        .and_then(|s| s.provenance.precision.as_ref())
    {
        out.push_str(&format!(
            "{}\n",
            crate::output::table::precision_note_of(precision, c.runs, Scope::Differences)
        ));
    }
    let Some(first) = c.summaries.first() else {
        return out;
    };
    for o in &first.outcomes {
        let rows: Vec<(&str, Option<&str>)> = if o.categories.is_empty() {
            vec![(o.kind, None)]
        } else {
            o.categories
                .iter()
                .map(|(n, _)| ("category", Some(n.as_str())))
                .collect()
        };
        for (kind, category) in rows {
            let title = match category {
                Some(cat) => format!("{}: {cat}", o.label),
                None => o.label.clone(),
            };
            out.push_str(&format!(
                "\n{title} ({})\n",
                if kind == "number" {
                    "mean"
                } else {
                    "probability"
                }
            ));
            out.push_str(&format!(
                "  {:<width$}  {:>9}  {:<20}  {:>10}  {}\n",
                "scenario", "estimate", "95% interval", "difference", "95% interval"
            ));
            for (s, summary) in c.summaries.iter().enumerate() {
                let Some(so) = summary.outcomes.iter().find(|x| x.name == o.name) else {
                    out.push_str(&format!("  {:<width$}  (no such outcome)\n", summary.name));
                    continue;
                };
                let est = so.estimate(category);

                let Some((p, lo, hi)) = est else { continue };
                let interval = format!("[{}, {}]", fmt_est(kind, lo), fmt_est(kind, hi));
                let mut line = format!(
                    "  {:<width$}  {:>9}  {:<20}",
                    summary.name,
                    fmt_est(kind, p),
                    interval
                );
                if let Some(d) = c.differences.iter().find(|d| {
                    d.scenario == s && d.outcome == o.name && d.category.as_deref() == category
                }) {
                    line.push_str(&format!(
                        "  {:>10}  [{}, {}]",
                        signed(kind, d.diff),
                        signed(kind, d.lo),
                        signed(kind, d.hi)
                    ));
                    if d.pairs < c.runs && kind == "number" {
                        line.push_str(&format!("  over the {} runs with a value in both", d.pairs));
                    }
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
    }
    if !c.unmatched.is_empty() {
        out.push_str(&format!(
            "\nnot compared (missing or of another kind in some scenario): {}\n",
            c.unmatched.join(", ")
        ));
    }
    out
}

/// compare.csv: one row per scenario and outcome (and category).
pub fn compare_csv(c: &Comparison) -> Vec<u8> {
    let mut rows = vec![
        [
            "outcome",
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
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>(),
    ];
    for (s, summary) in c.summaries.iter().enumerate() {
        for o in &summary.outcomes {
            let mut push = |category: Option<&str>, est: (f64, f64, f64), kind: &str| {
                let d = c.differences.iter().find(|d| {
                    d.scenario == s && d.outcome == o.name && d.category.as_deref() == category
                });
                let mut row = vec![
                    o.name.clone(),
                    kind.to_string(),
                    category.unwrap_or("").to_string(),
                    summary.name.clone(),
                    num(est.0),
                    num(est.1),
                    num(est.2),
                ];
                match d {
                    Some(d) => row.extend([
                        num(d.diff),
                        num(d.lo),
                        num(d.hi),
                        num(d.mcse),
                        num(d.unpaired_se),
                    ]),
                    None => row.extend(std::iter::repeat_n(String::new(), 5)),
                }
                rows.push(row);
            };
            if o.categories.is_empty() {
                if let Some(est) = o.estimate(None) {
                    push(None, est, o.kind);
                }
            } else {
                for (name, e) in &o.categories {
                    push(Some(name), (e.p, e.lo, e.hi), "category");
                }
            }
        }
    }
    csv_bytes(rows)
}

/// compare.json: the bytes `serde_json` writes for the whole comparison,
/// with the scenarios' summaries (most of the file: every time series of
/// every scenario) written on every core. The rest is written with an
/// empty list of summaries, and the list, each summary indented to its
/// depth, is set in its place.
pub fn compare_json(c: &Comparison) -> Vec<u8> {
    use rayon::prelude::*;
    // Every field but the summaries, listed without `..`: a field added to
    // `Comparison` must be added here, or this does not compile.
    let shell = Comparison {
        runs: c.runs,
        seed: c.seed,
        summaries: Vec::new(),
        differences: c.differences.clone(),
        unmatched: c.unmatched.clone(),
        given: c.given.clone(),
        sampling: c.sampling.clone(),
    };
    let out = json(&shell);
    if c.summaries.is_empty() {
        return out;
    }
    // Pretty JSON puts the summaries one level inside the top object:
    // the list's items at four spaces, their fields at six.
    let key = b"\n  \"summaries\": []";
    let Some(at) = out.windows(key.len()).position(|w| w == key) else {
        return json(c);
    };
    // Each summary written and indented on a thread of its own. A newline
    // inside JSON is always between tokens (strings escape theirs), so
    // indenting after each one indents every line.
    let parts: Vec<Vec<u8>> = c
        .summaries
        .par_iter()
        .map(|s| {
            let plain = serde_json::to_vec_pretty(s).unwrap_or_default();
            let mut part = Vec::with_capacity(plain.len() + plain.len() / 4);
            part.extend_from_slice(b"    ");
            for (i, line) in plain.split(|&b| b == b'\n').enumerate() {
                if i > 0 {
                    part.extend_from_slice(b"\n    ");
                }
                part.extend_from_slice(line);
            }
            part
        })
        .collect();
    let mut list = Vec::with_capacity(parts.iter().map(|p| p.len() + 2).sum::<usize>() + 5);
    list.push(b'[');
    for (i, part) in parts.iter().enumerate() {
        list.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        list.extend_from_slice(part);
    }
    list.extend_from_slice(b"\n  ]");
    let open = at + key.len() - 2;
    let mut whole = Vec::with_capacity(out.len() + list.len());
    whole.extend_from_slice(&out[..open]);
    whole.extend_from_slice(&list);
    whole.extend_from_slice(&out[open + 2..]);
    whole
}

// ---------------------------------------------------------------- sweep

fn outcome_at<'a>(p: &'a Point, name: &str) -> Option<&'a OutcomeSummary> {
    p.summary.outcomes.iter().find(|o| o.name == name)
}

/// The sweep table for one outcome; with a threshold, where a 1-D curve crosses it.
pub fn sweep_table(
    axes: &[Axis],
    points: &[Point],
    outcome: &str,
    threshold: Option<f64>,
) -> String {
    let Some(first) = points.first().and_then(|p| outcome_at(p, outcome)) else {
        return String::new();
    };
    let kind = first.kind;
    let names: Vec<&str> = axes.iter().map(|a| a.name.as_str()).collect();
    let mut out = format!(
        "sweep of {} — {} grid points, {} runs each, seed {}; outcome: {}\n\n",
        names.join(" × "),
        points.len(),
        points[0].summary.provenance.runs,
        points[0].summary.provenance.seed,
        first.label
    );
    let provenance = &points[0].summary.provenance;
    if let Some(given) = &provenance.given {
        let kept: Vec<u64> = points
            .iter()
            .map(|p| p.summary.provenance.kept_runs)
            .collect();
        out.push_str(&format!(
            "given {given}: {} to {} of {} runs kept per grid point\n",
            kept.iter().min().unwrap_or(&0),
            kept.iter().max().unwrap_or(&0),
            provenance.runs
        ));
    }
    if let Some(sampling) = &provenance.sampling {
        out.push_str(&format!(
            "{}\n",
            crate::output::table::sampling_note(sampling, "estimates")
        ));
    }
    if let Some(precision) = &provenance.precision {
        out.push_str(&format!(
            "{}\n",
            crate::output::table::precision_note_of(precision, provenance.runs, Scope::GridPoints)
        ));
    }
    if provenance.given.is_some() || provenance.sampling.is_some() || provenance.precision.is_some()
    {
        out.push('\n');
    }
    if axes.len() == 1 {
        let w = axes[0].name.len().max(8);
        out.push_str(&format!(
            "  {:>w$}  {:>9}  95% interval\n",
            axes[0].name,
            if kind == "number" { "mean" } else { "estimate" }
        ));
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for p in points {
            if let Some((e, lo, hi)) = outcome_at(p, outcome).and_then(|o| o.estimate(None)) {
                out.push_str(&format!(
                    "  {:>w$}  {:>9}  [{}, {}]\n",
                    format::as_typed(p.values[0]),
                    fmt_est(kind, e),
                    fmt_est(kind, lo),
                    fmt_est(kind, hi)
                ));
                xs.push(p.values[0]);
                ys.push(e);
            }
        }
        if let Some(level) = threshold {
            match crossing(&xs, &ys, level) {
                Some(x) => out.push_str(&format!(
                    "\nthe estimate crosses {level} at {} ≈ {}\n",
                    axes[0].name,
                    format::number(x)
                )),
                None => out.push_str(&format!(
                    "\nthe estimate does not cross {level} within the range swept\n"
                )),
            }
        }
    } else if axes.len() == 2 {
        let (a, b) = (&axes[0], &axes[1]);
        out.push_str(&format!("  rows: {}, columns: {}\n", a.name, b.name));
        let mut header = format!("  {:>10}", "");
        for v in &b.values {
            header.push_str(&format!(" {:>9}", format::as_typed(*v)));
        }
        out.push_str(&header);
        out.push('\n');
        for (i, va) in a.values.iter().enumerate() {
            let mut line = format!("  {:>10}", format::as_typed(*va));
            for j in 0..b.values.len() {
                let est = points
                    .get(i * b.values.len() + j)
                    .and_then(|p| outcome_at(p, outcome))
                    .and_then(|o| o.estimate(None));
                line.push_str(&format!(
                    " {:>9}",
                    est.map_or("-".into(), |e| fmt_est(kind, e.0))
                ));
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// sweep.csv: one row per grid point and outcome (and category).
pub fn sweep_csv(axes: &[Axis], points: &[Point]) -> Vec<u8> {
    let mut header: Vec<String> = axes.iter().map(|a| a.name.clone()).collect();
    header.extend(
        [
            "outcome", "kind", "category", "estimate", "ci_low", "ci_high", "mcse",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let mut rows = vec![header];
    for p in points {
        for o in &p.summary.outcomes {
            let lead: Vec<String> = p.values.iter().map(|v| num(*v)).collect();
            if o.categories.is_empty() {
                if let Some((e, lo, hi)) = o.estimate(None) {
                    let mcse = o
                        .probability
                        .map(|x| x.mcse)
                        .or(o.number.as_ref().map(|n| n.mcse))
                        .unwrap_or(f64::NAN);
                    let mut row = lead.clone();
                    row.extend([
                        o.name.clone(),
                        o.kind.to_string(),
                        String::new(),
                        num(e),
                        num(lo),
                        num(hi),
                        num(mcse),
                    ]);
                    rows.push(row);
                }
            } else {
                for (name, e) in &o.categories {
                    let mut row = lead.clone();
                    row.extend([
                        o.name.clone(),
                        "category".into(),
                        name.clone(),
                        num(e.p),
                        num(e.lo),
                        num(e.hi),
                        num(e.mcse),
                    ]);
                    rows.push(row);
                }
            }
        }
    }
    csv_bytes(rows)
}

pub fn sweep_json(axes: &[Axis], points: &[Point]) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        parameters: Vec<(&'a str, &'a [f64])>,
        points: &'a [Point],
    }
    json(&Out {
        parameters: axes
            .iter()
            .map(|a| (a.name.as_str(), a.values.as_slice()))
            .collect(),
        points,
    })
}

// ---------------------------------------------------------------- sensitivity

pub fn sensitivity_table(s: &Sensitivity) -> String {
    let (method, heads): (&str, &[&str]) = match s.method {
        Method::Rank => (
            "rank correlation",
            &["Spearman rho [95%]", "MCSE", "partial (PRCC) [95%]", "MCSE"],
        ),
        Method::Sobol => (
            "Sobol indices",
            &["first-order [95%]", "MCSE", "total [95%]", "MCSE"],
        ),
        Method::Swing => (
            "swing (10th / 90th percentile, others at median)",
            &["at 10th pct", "at 90th pct", "swing", "MCSE"],
        ),
    };
    let mut out = format!(
        "sensitivity — {method}; {} runs per configuration, {} runs in all, seed {}\n",
        s.runs, s.total_runs, s.seed
    );
    if let Some(given) = &s.given {
        out.push_str(&format!("given {given}: only the runs where it holds\n"));
    }
    if let Some(d) = &s.design {
        out.push_str(&match d.sampling {
            _ if d.replicates < 2 => {
                "sampling: too few runs for independent replicates, so no MCSE\n".to_string()
            }
            Sampling::Sobol => format!(
                "sampling: scrambled Sobol sequence in {} independent replicates; MCSE from their spread\n",
                d.replicates
            ),
            Sampling::Lhs => format!(
                "sampling: Latin hypercube in {} independent replicates; MCSE from their spread\n",
                d.replicates
            ),
            Sampling::Random => format!(
                "sampling: pseudo-random, in {} independent replicates; MCSE from their spread\n",
                d.replicates
            ),
        });
    }
    if !s.not_steered.is_empty() {
        out.push_str(&format!(
            "not steered (defined from other parameters, by a mixture, or drawn from a file's rows): {}\n",
            s.not_steered.join(", ")
        ));
    }
    for o in &s.outcomes {
        out.push_str(&format!("\n{}", o.label));
        match s.method {
            Method::Swing => out.push_str(&format!(
                " — all parameters at their medians: {} (MCSE {})\n",
                format::number(o.baseline),
                format::number(o.baseline_mcse)
            )),
            Method::Sobol => out.push_str(&format!(" — variance {}\n", format::number(o.variance))),
            Method::Rank => out.push('\n'),
        }
        let mut rows: Vec<Vec<String>> = vec![
            std::iter::once("parameter")
                .chain(heads.iter().copied())
                .map(String::from)
                .collect(),
        ];
        for e in &o.effects {
            let cells = match s.method {
                Method::Rank => [
                    with_interval(e.a, e.a_lo, e.a_hi, |x| format!("{x:+.3}")),
                    format::number(e.a_mcse),
                    with_interval(e.b, e.b_lo, e.b_hi, |x| format!("{x:+.3}")),
                    format::number(e.b_mcse),
                ],
                Method::Sobol => [
                    with_interval(e.a, e.a_lo, e.a_hi, |x| format::fixed(x, 3, false)),
                    format::number(e.a_mcse),
                    with_interval(e.b, e.b_lo, e.b_hi, |x| format::fixed(x, 3, false)),
                    format::number(e.b_mcse),
                ],
                Method::Swing => [
                    format!(
                        "{} (at {})",
                        format::number(e.a),
                        format::number(e.low_input)
                    ),
                    format!(
                        "{} (at {})",
                        format::number(e.b),
                        format::number(e.high_input)
                    ),
                    signed("number", e.b - e.a),
                    format::number(e.swing_mcse),
                ],
            };
            rows.push(std::iter::once(e.label.clone()).chain(cells).collect());
        }
        out.push_str(&columns(&rows));
        if o.effects.is_empty() {
            out.push_str("  (no parameter varies)\n");
        }
    }
    out
}

/// "0.314 [0.300, 0.328]"; the estimate alone when there is no interval
/// (too few runs), "-" when there is no estimate.
fn with_interval(x: f64, lo: f64, hi: f64, fmt: impl Fn(f64) -> String) -> String {
    if x.is_nan() {
        "-".into()
    } else if lo.is_nan() || hi.is_nan() {
        fmt(x)
    } else {
        format!("{} [{}, {}]", fmt(x), fmt(lo), fmt(hi))
    }
}

/// Rows of cells as indented, left-aligned columns two spaces apart.
fn columns(rows: &[Vec<String>]) -> String {
    super::table::pad_table(rows, usize::MAX)
        .lines()
        .map(|line| format!("{}\n", format!("  {line}").trim_end()))
        .collect()
}

/// sensitivity.csv: one row per outcome and parameter.
pub fn sensitivity_csv(s: &Sensitivity) -> Vec<u8> {
    let (a, b) = match s.method {
        Method::Rank => ("spearman", "prcc"),
        Method::Sobol => ("first_order", "total"),
        Method::Swing => ("outcome_at_p10", "outcome_at_p90"),
    };
    let mut rows = vec![
        [
            "outcome",
            "parameter",
            a,
            &format!("{a}_low"),
            &format!("{a}_high"),
            &format!("{a}_mcse"),
            b,
            &format!("{b}_low"),
            &format!("{b}_high"),
            &format!("{b}_mcse"),
            "swing_mcse",
            "input_p10",
            "input_p90",
            "baseline",
            "baseline_mcse",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>(),
    ];
    for o in &s.outcomes {
        for e in &o.effects {
            rows.push(vec![
                o.outcome.clone(),
                e.param.clone(),
                num(e.a),
                num(e.a_lo),
                num(e.a_hi),
                num(e.a_mcse),
                num(e.b),
                num(e.b_lo),
                num(e.b_hi),
                num(e.b_mcse),
                num(e.swing_mcse),
                num(e.low_input),
                num(e.high_input),
                num(o.baseline),
                num(o.baseline_mcse),
            ]);
        }
    }
    csv_bytes(rows)
}

pub fn sensitivity_json(s: &Sensitivity) -> Vec<u8> {
    json(s)
}
