//! What a sensitivity analysis' report says, before it is HTML or Markdown.
//!
//! The same small document as a run's report, so sensitivity.html and
//! sensitivity.md look like report.html and compare.html: the top drivers
//! of each outcome first, then how the analysis was made, a table of the
//! largest effects on each outcome with their intervals, the charts, and
//! what is needed to reproduce it.

use crate::analysis::sensitivity::{Method, OutcomeSensitivity, Sensitivity};
use crate::chart::Skip;
use crate::format;

use super::content::{
    Block, Figure, FigureGroup, Report, Section, Table, charts_section, reproduce, rerun_command,
    shell_word, strings,
};

/// At most this many parameters in each outcome's table (all are in
/// sensitivity.csv).
pub const MAX_ROWS: usize = 15;

/// The scenario analysed, as the report names it.
#[derive(Clone, Debug)]
pub struct Analysed<'a> {
    /// The scenario's title (or name), with its overrides if any.
    pub title: &'a str,
    pub description: &'a str,
    pub file: &'a str,
    pub overrides: &'a [String],
}

/// Build the report of a sensitivity analysis.
pub fn build(
    s: &Sensitivity,
    scenario: &Analysed<'_>,
    figures: Vec<Figure>,
    skipped: Vec<Skip>,
    date: &str,
) -> Report {
    let byline = format!(
        "{} · {} runs per configuration, {} in all · seed {} · polsim {} · {date}",
        method_name(s.method),
        format::count(s.runs),
        format::count(s.total_runs),
        s.seed,
        env!("CARGO_PKG_VERSION")
    );
    Report {
        title: format!("What drives {}", scenario.title),
        description: scenario.description.to_string(),
        byline,
        sections: vec![
            super::findings::for_sensitivity(s),
            method(s),
            results(s),
            charts_section(
                vec![FigureGroup::ungrouped(figures, skipped)],
                "One chart per outcome analysed, its parameters sorted by the size of their effect; each caption says how to read it.",
                "No chart was drawn.",
            ),
            provenance(s, scenario, date),
        ],
    }
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Rank => "Rank correlation",
        Method::Sobol => "Sobol indices",
        Method::Swing => "Swing",
    }
}

fn method(s: &Sensitivity) -> Section {
    let how = match s.method {
        Method::Rank => {
            "Each run draws every uncertain parameter afresh; the Spearman rank correlation of a parameter's draws with the outcome over the runs says how closely the outcome rises (+) or falls (-) with it, and the partial rank correlation (PRCC) how closely once the other parameters' effects are taken out. Both see monotone effects only."
        }
        Method::Sobol => {
            "The first-order Sobol index of a parameter is the share of the outcome's variance due to it alone; the total index adds its interactions with the others. Their sum falls short of one by the share due to the model's own randomness (events, draws within a run)."
        }
        Method::Swing => {
            "Each parameter in turn is set to its 10th and then its 90th percentile while every other parameter stays at its median; the swing is the change in the outcome between the two. It shows the effect of one parameter alone, not of its interactions."
        }
    };
    let mut blocks = vec![Block::Para(how.to_string())];
    if let Some(given) = &s.given {
        blocks.push(Block::Para(format!(
            "Only the runs where {given} are counted."
        )));
    }
    if !s.not_steered.is_empty() {
        blocks.push(Block::Note(format!(
            "Not analysed, because their definitions are not a single distribution with constant arguments: {}.",
            s.not_steered.join(", ")
        )));
    }
    Section {
        id: "method",
        heading: "How it was measured".into(),
        blocks,
    }
}

fn results(s: &Sensitivity) -> Section {
    let header = match s.method {
        Method::Rank => [
            "Parameter",
            "Rank correlation",
            "95% interval",
            "Partial (PRCC)",
            "95% interval",
        ],
        Method::Sobol => [
            "Parameter",
            "First-order index",
            "95% interval",
            "Total index",
            "95% interval",
        ],
        Method::Swing => [
            "Parameter",
            "At its 10th percentile",
            "At its 90th percentile",
            "Swing",
            "95% interval of the swing",
        ],
    };
    let mut blocks = vec![Block::Para(format!(
        "The {MAX_ROWS} parameters with the largest effect on each outcome, largest first; sensitivity.csv has them all."
    ))];
    for o in &s.outcomes {
        blocks.push(Block::Subheading(o.label.clone()));
        if s.method == Method::Swing {
            blocks.push(Block::Para(format!(
                "With every parameter at its median: {}.",
                value(o, o.baseline)
            )));
        }
        blocks.push(Block::Table(Table {
            header: strings(&header),
            rows: o
                .effects
                .iter()
                .take(MAX_ROWS)
                .map(|e| row(s.method, o, e))
                .collect(),
            numbers_from: 1,
            prose: None,
            nowrap: Vec::new(),
        }));
    }
    Section {
        id: "results",
        heading: "Effects on each outcome".into(),
        blocks,
    }
}

/// A chance as a percentage, a number in its own terms.
fn value(o: &OutcomeSensitivity, x: f64) -> String {
    if o.kind == "number" {
        format::number(x)
    } else {
        format::percent(x)
    }
}

fn row(
    method: Method,
    o: &OutcomeSensitivity,
    e: &crate::analysis::sensitivity::Effect,
) -> Vec<String> {
    let signed = |x: f64| format::fixed(x, 2, true);
    let plain = |x: f64| format::fixed(x, 2, false);
    match method {
        Method::Rank => vec![
            e.label.clone(),
            signed(e.a),
            format!("{} to {}", signed(e.a_lo), signed(e.a_hi)),
            signed(e.b),
            format!("{} to {}", signed(e.b_lo), signed(e.b_hi)),
        ],
        Method::Sobol => vec![
            e.label.clone(),
            plain(e.a),
            format!("{} to {}", plain(e.a_lo), plain(e.a_hi)),
            plain(e.b),
            format!("{} to {}", plain(e.b_lo), plain(e.b_hi)),
        ],
        Method::Swing => {
            let swing = e.b - e.a;
            let z = crate::stats::z_for_level(crate::summary::LEVEL);
            let (lo, hi) = (swing - z * e.swing_mcse, swing + z * e.swing_mcse);
            let diff = |x: f64| {
                if o.kind == "number" {
                    format::signed_number(x)
                } else {
                    format::points(x)
                }
            };
            vec![
                e.label.clone(),
                value(o, e.a),
                value(o, e.b),
                diff(swing),
                format!("{} to {}", diff(lo), diff(hi)),
            ]
        }
    }
}

fn provenance(s: &Sensitivity, scenario: &Analysed<'_>, date: &str) -> Section {
    let mut facts = vec![
        (
            "polsim version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        ("Scenario file".to_string(), scenario.file.to_string()),
        ("Method".to_string(), method_name(s.method).to_string()),
        ("Seed".to_string(), s.seed.to_string()),
        ("Runs per configuration".to_string(), format::count(s.runs)),
        ("Runs in all".to_string(), format::count(s.total_runs)),
    ];
    if !scenario.overrides.is_empty() {
        facts.push((
            "Overrides (--set)".to_string(),
            scenario.overrides.join(", "),
        ));
    }
    facts.push(("Generated".to_string(), date.to_string()));
    let method = match s.method {
        Method::Rank => "rank",
        Method::Sobol => "sobol",
        Method::Swing => "swing",
    };
    // One outcome analysed: name it (every outcome is the default).
    let outcome = match s.outcomes.as_slice() {
        [one] => format!(" --outcome {}", shell_word(&one.outcome)),
        _ => String::new(),
    };
    let rerun = rerun_command(
        &format!(
            "polsim sensitivity {} --method {method}{outcome}",
            shell_word(scenario.file)
        ),
        s.seed,
        s.runs,
        scenario.overrides,
        s.given.as_deref(),
    );
    let mut blocks = vec![Block::Facts(facts)];
    blocks.extend(reproduce(
        "The same scenario, method, seed and runs give identical results on any machine and any number of threads. To reproduce:",
        rerun,
    ));
    Section {
        id: "provenance",
        heading: "Provenance".into(),
        blocks,
    }
}
