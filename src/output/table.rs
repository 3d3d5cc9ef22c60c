//! The terminal table of outcomes.

use crate::format;
use crate::summary::{FEW_RUNS, NumberStats, Summary};

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

/// What a stop rule held to its target: a run's outcomes, a comparison's
/// paired differences, or a sweep's outcomes at every grid point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Outcomes,
    Differences,
    GridPoints,
}

impl Scope {
    /// The target in words, for a target `p` and its percentage `percent`.
    fn target(self, p: f64, percent: f64) -> String {
        match self {
            Scope::Outcomes => format!(
                "95% intervals within ±{p} (probabilities) and ±{percent}% of the mean (numbers)"
            ),
            Scope::Differences => format!(
                "95% intervals of the differences within ±{p} (probabilities) and ±{percent}% of the larger of the two means (numbers)"
            ),
            Scope::GridPoints => format!(
                "95% intervals at every grid point within ±{p} (probabilities) and ±{percent}% of the mean (numbers)"
            ),
        }
    }
}

/// The line that says how many runs `--precision` needed, or what it
/// could not reach, for a run's outcomes.
pub fn precision_note(p: &crate::summary::PrecisionRecord, runs: u64) -> String {
    precision_note_of(p, runs, Scope::Outcomes)
}

/// The line that says how many runs `--precision` needed, or what it
/// could not reach, for what `scope` says it held to the target.
pub fn precision_note_of(p: &crate::summary::PrecisionRecord, runs: u64, scope: Scope) -> String {
    let mut target = scope.target(p.target, p.target * 100.0);
    if !p.outcomes.is_empty() {
        target.push_str(&format!(" for {}", p.outcomes.join(", ")));
    }
    let rounds = if p.rounds == 1 {
        "1 round".to_string()
    } else {
        format!("{} rounds", p.rounds)
    };
    if p.met {
        return format!("precision: {target} after {runs} runs ({rounds})");
    }
    const SHOWN: usize = 6;
    let mut unmet: Vec<String> = p
        .unmet
        .iter()
        .take(SHOWN)
        .map(|m| {
            format!(
                "{} ±{} (goal ±{})",
                m.outcome,
                crate::format::number(m.half_width),
                crate::format::number(m.goal)
            )
        })
        .collect();
    if p.unmet.len() > SHOWN {
        unmet.push(format!("and {} more", p.unmet.len() - SHOWN));
    }
    format!(
        "precision: {target} not reached within --max-runs {} ({rounds}); still wider than asked: {}",
        p.max_runs,
        unmet.join(", ")
    )
}

/// The widest an outcome's label runs in the numbers table before it wraps
/// onto the next line: so the table fits 100 columns.
const LABEL_WIDTH: usize = 40;

/// Words of `text` in lines of at most `width` characters (a longer word
/// stands alone on its line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The numbers table: each outcome's mean, sd and quantiles on one line,
/// their Monte Carlo standard errors (±) on the line below, and a long
/// label wrapped beside them.
fn numbers_table(numbers: &[(&crate::summary::OutcomeSummary, &NumberStats)]) -> String {
    let mut rows = vec![
        [
            "Numbers (± its MCSE below each)",
            "mean",
            "sd",
            "p5",
            "p50",
            "p95",
        ]
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>(),
    ];
    let mut notes = Vec::new();
    for (o, n) in numbers {
        let mut label = o.label.clone();
        if !o.unit.is_empty() {
            label.push_str(&format!(" ({})", o.unit));
        }
        if n.none > 0 {
            notes.push(format!(
                "{}: over the {} of runs with a value (in the others it never happened)",
                o.label,
                format::share(n.n, n.n + n.none)
            ));
        }
        let values = [n.mean, n.sd, n.p5, n.p50, n.p95].map(format::number);
        let errors = match &n.spread_mcse {
            Some(m) => [n.mcse, m.sd, m.p5, m.p50, m.p95].map(format::plus_minus),
            None => [n.mcse, f64::NAN, f64::NAN, f64::NAN, f64::NAN].map(format::plus_minus),
        };
        let lines = wrap(&label, LABEL_WIDTH);
        for i in 0..lines.len().max(2) {
            let indent = if i == 0 { "  " } else { "    " };
            let mut row = vec![format!(
                "{indent}{}",
                lines.get(i).map_or("", |l| l.as_str())
            )];
            match i {
                0 => row.extend(values.iter().cloned()),
                1 => row.extend(errors.iter().cloned()),
                _ => {}
            }
            rows.push(row);
        }
    }
    let mut out = pad_table(&rows, 1);
    for note in notes {
        for (i, line) in wrap(&note, 96).iter().enumerate() {
            out.push_str(if i == 0 { "  " } else { "    " });
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The outcome table, as printed by `polsim run`.
pub fn render(s: &Summary) -> String {
    let p = &s.provenance;
    let mut out = String::new();
    let steps = format::quantity(p.steps as f64, &format!("{}s", p.step_unit));
    let horizon = match &p.start {
        Some(start) => format!("{steps} from {start}"),
        None => steps,
    };
    out.push_str(&format!(
        "{} — {} runs, seed {}, {horizon}\n",
        s.name, p.runs, p.seed
    ));
    if let Some(given) = &p.given {
        out.push_str(&format!(
            "given {given}: {} of {} runs kept ({})\n",
            p.kept_runs,
            p.runs,
            format::share(p.kept_runs, p.runs)
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
                format::probability(e.p),
                format!(
                    "[{}, {}]",
                    format::probability(e.lo),
                    format::probability(e.hi)
                ),
                format::probability(e.mcse),
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
        out.push('\n');
        out.push_str(&numbers_table(&numbers));
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
                    format::probability(e.p),
                    format!(
                        "[{}, {}]",
                        format::probability(e.lo),
                        format::probability(e.hi)
                    ),
                    format::probability(e.mcse),
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
