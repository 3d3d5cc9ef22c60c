//! Exporters of the decision view of `compare`: its terminal table,
//! decision.csv and decision.json.

use crate::analysis::decision::{Better, Decision, Score};
use crate::format;

fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

fn regret_asked(d: &Decision) -> bool {
    !d.outcome.is_empty()
}

/// The direction in words.
pub fn better_word(b: Better) -> &'static str {
    match b {
        Better::Higher => "higher is better",
        Better::Lower => "lower is better",
    }
}

/// The terminal table of the decision view.
pub fn table(d: &Decision) -> String {
    let width = d
        .scores
        .variants
        .iter()
        .map(|v| v.scenario.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = String::from("\ndecision view");
    if regret_asked(d) {
        out.push_str(&format!(
            " — {} (`{}`, {}); regret: the shortfall against the best scenario in the same run, over {} runs",
            d.label,
            d.outcome,
            better_word(d.better),
            format::count(d.scores.counted)
        ));
        if d.scores.counted < d.runs {
            out.push_str(" with a value in every scenario");
        }
    }
    out.push('\n');
    let satisfice = d.satisfice.as_deref();
    let mut header = format!("  {:<width$}", "scenario");
    if regret_asked(d) {
        header.push_str(&format!(
            "  {:>9}  {:>9}  {:<22}  {:>9}  {:>9}  {:>7}",
            "mean", "regret", "95% interval", "90th pct", "largest", "best in"
        ));
    }
    if satisfice.is_some() {
        header.push_str(&format!("  {:>7}  {}", "meets", "95% interval"));
    }
    out.push_str(header.trim_end());
    out.push('\n');
    for (i, v) in d.scores.variants.iter().enumerate() {
        let mut line = format!("  {:<width$}", v.scenario);
        if regret_asked(d) {
            line.push_str(&format!(
                "  {:>9}  {:>9}  {:<22}  {:>9}  {:>9}  {:>7}",
                format::number(v.mean),
                format::number(v.mean_regret),
                format!(
                    "[{}, {}]",
                    format::number(v.regret_lo),
                    format::number(v.regret_hi)
                ),
                format::number(v.regret_p90),
                format::number(v.max_regret),
                format::percent(v.best_share)
            ));
        }
        if let Some((share, lo, hi)) = v.satisficing {
            line.push_str(&format!(
                "  {:>7}  [{}, {}]",
                format::percent(share),
                format::percent(lo),
                format::percent(hi)
            ));
        }
        if regret_asked(d) && i == d.scores.winner {
            line.push_str("  <- least regret");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if let Some(text) = satisfice {
        out.push_str(&format!(
            "  meets: share of all runs in which `{text}` holds for that scenario\n"
        ));
    }
    if let Some(sweep) = &d.sweep {
        out.push_str(&format!(
            "\nwhich scenario wins where — {} fixed at each value in every scenario (mean regret; * least)\n",
            sweep.parameter
        ));
        let pw = sweep.parameter.chars().count().max(6);
        let widths: Vec<usize> = d
            .scores
            .variants
            .iter()
            .map(|v| v.scenario.chars().count().max(10))
            .collect();
        let mut header = format!("  {:>pw$}", sweep.parameter);
        for (v, w) in d.scores.variants.iter().zip(&widths) {
            header.push_str(&format!("  {:>w$} ", v.scenario));
        }
        header.push_str("  least regret");
        out.push_str(&header);
        out.push('\n');
        for p in &sweep.points {
            let mut line = format!("  {:>pw$}", format::number(p.value));
            for (i, (v, w)) in p.scores.variants.iter().zip(&widths).enumerate() {
                let mark = if i == p.scores.winner { "*" } else { " " };
                line.push_str(&format!("  {:>w$}{mark}", format::number(v.mean_regret)));
            }
            let winner = &p.scores.variants[p.scores.winner].scenario;
            line.push_str(&format!("  {winner}"));
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn score_cells(v: &Score) -> Vec<String> {
    let (share, lo, hi) = v.satisficing.unwrap_or((f64::NAN, f64::NAN, f64::NAN));
    vec![
        v.scenario.clone(),
        num(v.mean),
        num(v.mean_regret),
        num(v.regret_lo),
        num(v.regret_hi),
        num(v.regret_mcse),
        num(v.regret_p90),
        num(v.max_regret),
        num(v.best_share),
        num(share),
        num(lo),
        num(hi),
    ]
}

/// decision.csv: one row per scenario (and per grid value with a sweep).
pub fn csv(d: &Decision) -> Vec<u8> {
    let mut header: Vec<String> = Vec::new();
    if let Some(sweep) = &d.sweep {
        header.push(sweep.parameter.clone());
    }
    header.extend(
        [
            "scenario",
            "mean",
            "mean_regret",
            "regret_low",
            "regret_high",
            "regret_mcse",
            "regret_p90",
            "max_regret",
            "best_share",
            "satisficing",
            "satisficing_low",
            "satisficing_high",
            "least_regret",
        ]
        .map(String::from),
    );
    let mut rows = vec![header];
    match &d.sweep {
        None => {
            for (i, v) in d.scores.variants.iter().enumerate() {
                let mut row = score_cells(v);
                row.push(u8::from(regret_asked(d) && i == d.scores.winner).to_string());
                rows.push(row);
            }
        }
        Some(sweep) => {
            // The scenarios as defined first (the parameter's cell empty),
            // then at each grid value.
            for (i, v) in d.scores.variants.iter().enumerate() {
                let mut row = vec![String::new()];
                row.extend(score_cells(v));
                row.push(u8::from(i == d.scores.winner).to_string());
                rows.push(row);
            }
            for p in &sweep.points {
                for (i, v) in p.scores.variants.iter().enumerate() {
                    let mut row = vec![num(p.value)];
                    row.extend(score_cells(v));
                    row.push(u8::from(i == p.scores.winner).to_string());
                    rows.push(row);
                }
            }
        }
    }
    super::csv_bytes(&rows)
}

/// decision.json.
pub fn json(d: &Decision) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(d).unwrap_or_default();
    out.push(b'\n');
    out
}
