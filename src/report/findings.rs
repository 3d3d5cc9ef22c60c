//! "Key findings": the few sentences at the top of a report that a reader
//! who goes no further should take away, written from the results.
//!
//! A run's findings are its headline estimates: every chance with its 95%
//! interval, the most likely category of each category outcome, and the
//! median and middle 90% of each number. A comparison's are its largest
//! paired differences from the reference: chances by their size in
//! percentage points, numbers by their size relative to the reference's
//! mean, those larger than simulation noise first. Every number is
//! formatted by `crate::format`, so it reads as in the tables below.

use crate::analysis::compare::{Comparison, Difference};
use crate::analysis::sensitivity::{Effect, Method, OutcomeSensitivity, Sensitivity};
use crate::format;
use crate::summary::{Estimate, OutcomeSummary, Summary};

use super::content::{Block, Section};

/// At most this many chances, numbers and categories in a run's findings.
const MAX_CHANCES: usize = 8;
const MAX_NUMBERS: usize = 4;
const MAX_CATEGORIES: usize = 3;
/// At most this many differences of chances, and of numbers, in a
/// comparison's findings.
const MAX_CHANCE_DIFFERENCES: usize = 5;
const MAX_NUMBER_DIFFERENCES: usize = 3;

/// The key findings of one run.
pub fn for_run(summary: &Summary) -> Section {
    let p = &summary.provenance;
    let mut items = Vec::new();
    if let Some(given) = &p.given {
        items.push(format!(
            "Only the runs where {given} are counted: {} of {} ({}).",
            format::count(p.kept_runs),
            format::count(p.runs),
            format::share(p.kept_runs, p.runs)
        ));
    }
    let kind = |k: &'static str| summary.outcomes.iter().filter(move |o| o.kind == k);
    items.extend(kind("probability").take(MAX_CHANCES).filter_map(chance));
    items.extend(kind("category").take(MAX_CATEGORIES).filter_map(likeliest));
    items.extend(kind("number").take(MAX_NUMBERS).filter_map(number));
    let intro = format!(
        "Headline results over {} runs. Intervals are 95% intervals of the estimate: they measure the noise of simulating a finite number of runs; the uncertainty of the assumptions is already in the estimate.",
        format::count(p.kept_runs)
    );
    section(intro, items, "The scenario declares no outcomes.")
}

/// "Caesar Act repealed within 12 months: 23.5% (95% interval 22.7% to 24.4%)."
fn chance(o: &OutcomeSummary) -> Option<String> {
    let e = o.probability?;
    Some(format!(
        "{}: {} ({}).",
        o.label,
        format::percent(e.p),
        interval(&e)
    ))
}

/// "95% interval 22.7% to 24.4%".
fn interval(e: &Estimate) -> String {
    format!(
        "95% interval {} to {}",
        format::percent(e.lo),
        format::percent(e.hi)
    )
}

/// "SDF talks by December 2027: most likely open (43.3%, 95% interval ...)."
fn likeliest(o: &OutcomeSummary) -> Option<String> {
    let (name, e) = o
        .categories
        .iter()
        .filter(|(_, e)| e.p.is_finite())
        .max_by(|a, b| a.1.p.total_cmp(&b.1.p))?;
    Some(format!(
        "{}: most likely {name} ({}, {}).",
        o.label,
        format::percent(e.p),
        interval(e)
    ))
}

/// "Further insider attacks: median 1 attack; 90% of runs between 0 and 3."
fn number(o: &OutcomeSummary) -> Option<String> {
    let n = o.number.as_ref()?;
    if n.n == 0 {
        return None;
    }
    let mut text = format!(
        "{}: median {}; 90% of runs between {} and {} (mean {}).",
        o.label,
        format::quantity(n.p50, &o.unit),
        format::number(n.p5),
        format::number(n.p95),
        format::number(n.mean)
    );
    if n.none > 0 {
        text.push_str(&format!(
            " It has a value in {} of runs.",
            format::share(n.n, n.n + n.none)
        ));
    }
    Some(text)
}

/// The key findings of a comparison; `labels` names the scenarios, the
/// first being the reference.
pub fn for_comparison(c: &Comparison, labels: &[String]) -> Section {
    let reference = labels.first().map_or("the reference", String::as_str);
    let finite = |d: &&Difference| d.diff.is_finite() && d.lo.is_finite() && d.hi.is_finite();
    let mut chances: Vec<&Difference> = c
        .differences
        .iter()
        .filter(finite)
        .filter(|d| d.kind != "number")
        .collect();
    chances.sort_by(|a, b| {
        clear(b)
            .cmp(&clear(a))
            .then(b.diff.abs().total_cmp(&a.diff.abs()))
    });
    let mut numbers: Vec<(&Difference, f64)> = c
        .differences
        .iter()
        .filter(finite)
        .filter(|d| d.kind == "number")
        .filter_map(|d| {
            let mean = reference_mean(c, &d.outcome)?;
            (mean != 0.0).then(|| (d, d.diff / mean.abs()))
        })
        .collect();
    numbers.sort_by(|a, b| {
        clear(b.0)
            .cmp(&clear(a.0))
            .then(b.1.abs().total_cmp(&a.1.abs()))
    });
    let name = |d: &Difference| labels.get(d.scenario).map_or("?", String::as_str);
    let mut items: Vec<String> = chances
        .iter()
        .take(MAX_CHANCE_DIFFERENCES)
        .map(|d| {
            format!(
                "{}: {} {} percentage points against {reference} (95% interval {} to {}){}.",
                name(d),
                outcome_name(d),
                format::points(d.diff),
                format::points(d.lo),
                format::points(d.hi),
                noise_note(d)
            )
        })
        .collect();
    items.extend(numbers.iter().take(MAX_NUMBER_DIFFERENCES).map(|(d, relative)| {
        format!(
            "{}: {} {} against {reference} (95% interval {} to {}; {} of the reference's mean){}.",
            name(d),
            outcome_name(d),
            format::signed_number(d.diff),
            format::signed_number(d.lo),
            format::signed_number(d.hi),
            format::signed_percent(*relative),
            noise_note(d)
        )
    }));
    let intro = format!(
        "The largest differences from {reference}, each the scenario minus {reference} averaged run by run over {} paired runs: chances in percentage points (from 40% to 45% is +5.0), numbers in their units. Differences larger than simulation noise (their interval excludes zero) come first.",
        format::count(c.runs)
    );
    section(intro, items, "There is no difference to report.")
}

/// Whether a difference's interval excludes zero.
fn clear(d: &Difference) -> bool {
    d.lo > 0.0 || d.hi < 0.0
}

fn noise_note(d: &Difference) -> &'static str {
    if clear(d) {
        ""
    } else {
        ", within simulation noise"
    }
}

fn outcome_name(d: &Difference) -> String {
    match &d.category {
        Some(cat) => format!("{}: {cat}", d.label),
        None => d.label.clone(),
    }
}

fn reference_mean(c: &Comparison, outcome: &str) -> Option<f64> {
    let o = c
        .summaries
        .first()?
        .outcomes
        .iter()
        .find(|o| o.name == outcome)?;
    o.number.as_ref().map(|n| n.mean).filter(|m| m.is_finite())
}

fn section(intro: String, items: Vec<String>, empty: &str) -> Section {
    let mut blocks = vec![Block::Para(intro)];
    if items.is_empty() {
        blocks.push(Block::Para(empty.into()));
    } else {
        blocks.push(Block::List(items));
    }
    Section {
        id: "findings",
        heading: "Key findings".into(),
        blocks,
    }
}

/// At most this many drivers of each outcome, and outcomes, in a
/// sensitivity analysis' findings.
const MAX_DRIVERS: usize = 3;
const MAX_DRIVEN: usize = 8;

/// The key findings of a sensitivity analysis: the top drivers of each
/// outcome, largest first, each with its measure and 95% interval.
pub fn for_sensitivity(s: &Sensitivity) -> Section {
    let items = s
        .outcomes
        .iter()
        .take(MAX_DRIVEN)
        .filter_map(|o| {
            let drivers: Vec<String> = o
                .effects
                .iter()
                .filter(|e| e.size(s.method) >= 0.0)
                .take(MAX_DRIVERS)
                .map(|e| driver(s.method, o, e))
                .collect();
            (!drivers.is_empty())
                .then(|| format!("{}: driven most by {}.", o.label, drivers.join("; then ")))
        })
        .collect();
    let intro = match s.method {
        Method::Rank => {
            "The parameters whose draws go most closely with each outcome (Spearman rank correlation: +1 when the outcome always rises with the parameter, -1 when it always falls), with 95% intervals."
        }
        Method::Sobol => {
            "The parameters that account for most of each outcome's variance (total Sobol index: the share due to the parameter, alone and with its interactions), with 95% intervals."
        }
        Method::Swing => {
            "The parameters that move each outcome most when taken from their 10th to their 90th percentile, the others at their medians, with the outcome at each end."
        }
    };
    section(
        intro.to_string(),
        items,
        "No outcome has a driver to report.",
    )
}

/// "Attack penalty (rank correlation +0.45, 95% interval +0.43 to +0.47)".
fn driver(method: Method, o: &OutcomeSensitivity, e: &Effect) -> String {
    let value = |x: f64| {
        if o.kind == "number" {
            format::number(x)
        } else {
            format::percent(x)
        }
    };
    match method {
        Method::Rank => format!(
            "{} (rank correlation {}, 95% interval {} to {})",
            e.label,
            format::fixed(e.a, 2, true),
            format::fixed(e.a_lo, 2, true),
            format::fixed(e.a_hi, 2, true)
        ),
        Method::Sobol => format!(
            "{} (total index {}, 95% interval {} to {})",
            e.label,
            format::fixed(e.b, 2, false),
            format::fixed(e.b_lo, 2, false),
            format::fixed(e.b_hi, 2, false)
        ),
        Method::Swing => format!(
            "{} (from {} at its 10th percentile to {} at its 90th)",
            e.label,
            value(e.a),
            value(e.b)
        ),
    }
}
