//! The terminal table of outcomes.

use crate::summary::{FEW_RUNS, Summary};

/// A number to about four significant digits, whole numbers without decimals.
pub fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        return "-".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == x.round() && x.abs() < 1e9 {
        return format!("{x:.0}");
    }
    let a = x.abs();
    if !(1e-4..1e6).contains(&a) {
        return format!("{x:.3e}");
    }
    let decimals = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.decimals$}")
}

/// One line naming the files a command wrote: the folder, then the files in
/// it, with files in subfolders counted rather than listed.
pub fn written(dir: &std::path::Path, paths: &[std::path::PathBuf]) -> String {
    let mut top = Vec::new();
    let mut sub: Vec<(String, usize)> = Vec::new();
    for p in paths {
        let rel = p.strip_prefix(dir).unwrap_or(p);
        let mut parts = rel.components();
        match (parts.next(), parts.next()) {
            (Some(folder), Some(_)) => {
                let name = folder.as_os_str().to_string_lossy().into_owned();
                match sub.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, count)) => *count += 1,
                    None => sub.push((name, 1)),
                }
            }
            _ => top.push(rel.display().to_string()),
        }
    }
    let mut items = top;
    items.extend(
        sub.into_iter()
            .map(|(name, n)| format!("{name}/ ({n} file{})", if n == 1 { "" } else { "s" })),
    );
    format!("wrote {}: {}", dir.display(), items.join(", "))
}

/// A probability to four decimals.
pub fn fmt_p(p: f64) -> String {
    if p.is_nan() {
        "-".into()
    } else {
        format!("{p:.4}")
    }
}

/// Rows of cells as columns two spaces apart, left-aligned before column
/// `right_from` and right-aligned from it; trailing spaces trimmed.
pub(super) fn pad_table(rows: &[Vec<String>], right_from: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let w = widths[c];
            if c > 0 {
                line.push_str("  ");
            }
            if c >= right_from {
                line.push_str(&format!("{cell:>w$}"));
            } else {
                line.push_str(&format!("{cell:<w$}"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The outcome table, as printed by `polsim run`.
/// The line that says how parameters were sampled and where the intervals
/// come from.
pub fn sampling_note(s: &crate::summary::SamplingRecord, what: &str) -> String {
    let scheme = match s.sampling {
        "lhs" => "Latin hypercube",
        "sobol" => "scrambled Sobol sequence",
        other => other,
    };
    format!(
        "sampling: {scheme} in {} independent replicates; intervals and MCSE of {what} from their spread",
        s.replicates
    )
}

/// The line that says how many runs `--precision` needed, or what it
/// could not reach.
pub fn precision_note(p: &crate::summary::PrecisionRecord, runs: u64) -> String {
    let target = format!(
        "95% intervals within ±{} (probabilities) and ±{}% of the mean (numbers)",
        p.target,
        p.target * 100.0
    );
    let rounds = if p.rounds == 1 {
        "1 round".to_string()
    } else {
        format!("{} rounds", p.rounds)
    };
    if p.met {
        return format!("precision: {target} after {runs} runs ({rounds})");
    }
    let unmet: Vec<String> = p
        .unmet
        .iter()
        .map(|m| {
            format!(
                "{} ±{} (goal ±{})",
                m.outcome,
                fmt_num(m.half_width),
                fmt_num(m.goal)
            )
        })
        .collect();
    format!(
        "precision: not reached within --max-runs {} ({rounds}); still wider than asked: {}",
        p.max_runs,
        unmet.join(", ")
    )
}

pub fn render(s: &Summary) -> String {
    let p = &s.provenance;
    let mut out = String::new();
    let horizon = match &p.start {
        Some(start) => format!("{} {}s from {start}", p.steps, p.step_unit),
        None => format!("{} {}s", p.steps, p.step_unit),
    };
    out.push_str(&format!(
        "{} — {} runs, seed {}, {horizon}\n",
        s.name, p.runs, p.seed
    ));
    if let Some(given) = &p.given {
        out.push_str(&format!(
            "given {given}: {} of {} runs kept ({:.1}%)\n",
            p.kept_runs,
            p.runs,
            100.0 * p.kept_runs as f64 / p.runs.max(1) as f64
        ));
        if p.kept_runs < FEW_RUNS {
            out.push_str(&format!(
                "warning: only {} runs satisfy the condition; intervals are wide and may mislead (raise --runs)\n",
                p.kept_runs
            ));
        }
    }
    for o in &p.overrides {
        out.push_str(&format!("--set {o}\n"));
    }
    if let Some(precision) = &p.precision {
        out.push_str(&format!("{}\n", precision_note(precision, p.runs)));
    }
    if let Some(sampling) = &p.sampling {
        out.push_str(&format!("{}\n", sampling_note(sampling, "outcomes")));
    }

    let probs: Vec<_> = s
        .outcomes
        .iter()
        .filter_map(|o| o.probability.map(|e| (o, e)))
        .collect();
    if !probs.is_empty() {
        let mut rows = vec![vec![
            "Probabilities".to_string(),
            "estimate".into(),
            "95% interval".into(),
            "MCSE".into(),
        ]];
        for (o, e) in probs {
            rows.push(vec![
                format!("  {}", o.label),
                fmt_p(e.p),
                format!("[{}, {}]", fmt_p(e.lo), fmt_p(e.hi)),
                fmt_p(e.mcse),
            ]);
        }
        out.push('\n');
        out.push_str(&pad_table(&rows, 1));
    }

    let numbers: Vec<_> = s
        .outcomes
        .iter()
        .filter_map(|o| o.number.as_ref().map(|n| (o, n)))
        .collect();
    if !numbers.is_empty() {
        let mut rows = vec![
            ["Numbers", "mean", "sd", "p5", "p50", "p95", "MCSE"]
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>(),
        ];
        let mut notes = Vec::new();
        for (o, n) in numbers {
            let mut label = format!("  {}", o.label);
            if !o.unit.is_empty() {
                label.push_str(&format!(" ({})", o.unit));
            }
            if n.none > 0 {
                let total = n.n + n.none;
                notes.push(format!(
                    "  {}: over the {}% of runs where it has a value (in the others it never happened)",
                    o.label,
                    fmt_num(100.0 * n.n as f64 / total.max(1) as f64)
                ));
            }
            rows.push(vec![
                label,
                fmt_num(n.mean),
                fmt_num(n.sd),
                fmt_num(n.p5),
                fmt_num(n.p50),
                fmt_num(n.p95),
                fmt_num(n.mcse),
            ]);
        }
        out.push('\n');
        out.push_str(&pad_table(&rows, 1));
        for note in notes {
            out.push_str(&note);
            out.push('\n');
        }
    }

    let cats: Vec<_> = s
        .outcomes
        .iter()
        .filter(|o| !o.categories.is_empty())
        .collect();
    if !cats.is_empty() {
        let mut rows = vec![vec![
            "Categories".to_string(),
            "estimate".into(),
            "95% interval".into(),
            "MCSE".into(),
        ]];
        for o in cats {
            rows.push(vec![format!("  {}", o.label)]);
            for (name, e) in &o.categories {
                rows.push(vec![
                    format!("    {name}"),
                    fmt_p(e.p),
                    format!("[{}, {}]", fmt_p(e.lo), fmt_p(e.hi)),
                    fmt_p(e.mcse),
                ]);
            }
        }
        out.push('\n');
        out.push_str(&pad_table(&rows, 1));
    }
    if s.outcomes.is_empty() {
        out.push_str("\n(no outcomes declared: add an [outcomes] table to the scenario)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formatting() {
        let cases = [
            (3.0, "3"),
            (0.12345, "0.1235"),
            (12.3456, "12.35"),
            (1234.5678, "1235"),
            (-0.5, "-0.5000"),
            (f64::NAN, "-"),
            (1.5e-5, "1.500e-5"),
            (7.801e-4, "0.000780"),
        ];
        for (x, want) in cases {
            assert_eq!(fmt_num(x), want, "{x}");
        }
    }
}
