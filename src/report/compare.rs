//! What a comparison's report says, before it is HTML or Markdown.
//!
//! The same small document as a run's report ([`Report`]), so compare.html
//! and compare.md come from the same renderers as report.html and report.md
//! and look alike. It says which scenarios were compared and how (common
//! random numbers, and why that makes the paired intervals narrow), gives
//! every estimate and difference with its interval, shows the charts, and
//! records what is needed to reproduce the numbers.

use crate::analysis::compare::{Comparison, Difference};
use crate::chart::Skip;
use crate::chart::compare::scenario_labels;
use crate::format;
use crate::summary::{FEW_RUNS, OutcomeSummary, Summary};

use super::content::{
    Block, Figure, Report, Section, Table, reproduce, rerun_command, shell_word, strings,
};

/// Build the report of a comparison.
pub fn build(
    c: &Comparison,
    changes: &[Vec<String>],
    figures: Vec<Figure>,
    skipped: Vec<Skip>,
    overrides: &[String],
    date: &str,
) -> Report {
    let labels = scenario_labels(&c.summaries);
    let reference = labels
        .first()
        .cloned()
        .unwrap_or_else(|| "the first scenario".into());
    let version = c
        .summaries
        .first()
        .map_or(env!("CARGO_PKG_VERSION").to_string(), |s| {
            s.provenance.polsim_version.clone()
        });
    let byline = format!(
        "{} scenarios · {} runs each · seed {} · polsim {version} · {date}",
        c.summaries.len(),
        format::count(c.runs),
        c.seed
    );
    // Beyond three names the title would fill the page; the table names all.
    let title = match labels.as_slice() {
        [_, _, _, _, ..] => format!("Comparison of {} scenarios with {reference}", labels.len()),
        _ => format!("Comparison: {}", labels.join(" vs ")),
    };
    let title = match crate::summary::what_if(overrides, None) {
        Some(what_if) => format!("{title}, {what_if}"),
        None => title,
    };
    Report {
        title,
        description: format!(
            "Every scenario compared run by run with {reference}, the first named."
        ),
        byline,
        sections: vec![
            super::findings::for_comparison(c, &labels),
            scenarios(c, &labels, changes),
            results(c, &labels, &reference),
            charts(figures, skipped),
            provenance(c, &labels, overrides, date),
        ],
    }
}

/// The median of (independent-runs SE / paired SE) over the differences.
fn median_gain(differences: &[Difference]) -> Option<f64> {
    let mut ratios: Vec<f64> = differences
        .iter()
        .map(|d| d.unpaired_se / d.mcse)
        .filter(|r| r.is_finite() && *r > 0.0)
        .collect();
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    Some(if n % 2 == 1 {
        ratios[n / 2]
    } else {
        (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0
    })
}

/// What a scenario is: the reference's description; a variant's own,
/// followed by what it changes from the reference, or (a variant that
/// kept the reference's description or has none) "the reference, with"
/// its changes.
fn what_it_is(c: &Comparison, i: usize, changes: Option<&Vec<String>>) -> String {
    let description = &c.summaries[i].description;
    let Some(changes) = changes.filter(|_| i > 0) else {
        return description.clone();
    };
    let inherited = c
        .summaries
        .first()
        .is_some_and(|r| r.description == *description);
    if inherited || description.trim().is_empty() {
        return super::changes::described(changes);
    }
    format!(
        "{description} Changes from the reference: {}",
        super::changes::listed(changes)
    )
}

fn scenarios(c: &Comparison, labels: &[String], changes: &[Vec<String>]) -> Section {
    let rows = c
        .summaries
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (s, label))| {
            let role = if i == 0 { "reference" } else { "compared" };
            vec![
                label.clone(),
                role.to_string(),
                what_it_is(c, i, changes.get(i)),
                s.provenance.scenario_file.clone(),
            ]
        })
        .collect();
    let mut crn = "How the comparison works: every scenario runs with the same seed and the same run numbers, and each variable draws its random numbers from its own stream, keyed by the seed, the run and the variable's name. Run i of every scenario therefore shares every random draw the scenarios have in common (common random numbers): the same luck, unless the change itself alters it. A difference is the average of the run-by-run differences, so luck common to both scenarios cancels out, and its 95% interval is much narrower than the intervals of the two estimates it compares.".to_string();
    if let Some(gain) = median_gain(&c.differences) {
        crn.push_str(&format!(
            " Here the paired standard errors are, at the median, {} times smaller than they would be had the scenarios been run with independent random numbers.",
            format::fixed(gain, 1, false)
        ));
    }
    let mut blocks = vec![
        Block::Table(Table {
            header: strings(&["Scenario", "Role", "What it is", "File"]),
            rows,
            numbers_from: 4,
            prose: Some(2),
            nowrap: vec![0],
        }),
        Block::Para(crn),
    ];
    if c.runs < FEW_RUNS {
        blocks.push(Block::Note(format!(
            "Only {} runs per scenario: intervals from fewer than {FEW_RUNS} runs are unreliable. Run more.",
            c.runs
        )));
    }
    Section {
        id: "scenarios",
        heading: "Scenarios compared".into(),
        blocks,
    }
}

/// The rows of one outcome (or category): one per scenario.
fn rows_of(
    c: &Comparison,
    labels: &[String],
    first: &OutcomeSummary,
    category: Option<&str>,
    number: bool,
) -> Vec<Vec<String>> {
    let title = match category {
        Some(cat) => format!("{}: {cat}", first.label),
        None => first.label.clone(),
    };
    let value = |x: f64| {
        if number {
            format::number(x)
        } else {
            format::percent(x)
        }
    };
    let diff = |x: f64| {
        if number {
            format::signed_number(x)
        } else {
            format::points(x)
        }
    };
    let mut rows = Vec::new();
    for (s, (summary, label)) in c.summaries.iter().zip(labels).enumerate() {
        let found = summary
            .outcomes
            .iter()
            .find(|o| o.name == first.name)
            .and_then(|o| o.estimate(category));
        let mut row = vec![
            if s == 0 { title.clone() } else { String::new() },
            label.clone(),
        ];
        if number {
            row.insert(
                1,
                if s == 0 {
                    first.unit.clone()
                } else {
                    String::new()
                },
            );
        }
        match found {
            Some((e, lo, hi)) if e.is_finite() => {
                row.push(value(e));
                row.push(format!("{} to {}", value(lo), value(hi)));
            }
            Some(_) => row.extend(["no value".to_string(), String::new()]),
            None => row.extend(["no such outcome".to_string(), String::new()]),
        }
        let d = c.differences.iter().find(|d| {
            d.scenario == s && d.outcome == first.name && d.category.as_deref() == category
        });
        match d.filter(|d| d.diff.is_finite()) {
            Some(d) => {
                row.push(diff(d.diff));
                row.push(format!("{} to {}", diff(d.lo), diff(d.hi)));
            }
            None => row.extend([String::new(), String::new()]),
        }
        rows.push(row);
    }
    rows
}

fn results(c: &Comparison, labels: &[String], reference: &str) -> Section {
    let mut blocks = vec![Block::Para(format!(
        "Each scenario's estimate comes with its 95% interval (Monte Carlo error only). The difference is the scenario minus {reference}, averaged run by run, with its 95% interval; differences of chances are in percentage points (from 40% to 45% is +5.0). An interval that excludes zero marks a difference larger than simulation noise."
    ))];
    let Some(first) = c.summaries.first() else {
        blocks.push(Block::Para("There are no scenarios to compare.".into()));
        return Section {
            id: "results",
            heading: "Results".into(),
            blocks,
        };
    };
    let mut chances = Vec::new();
    let mut numbers = Vec::new();
    for o in &first.outcomes {
        match o.kind {
            "number" => numbers.extend(rows_of(c, labels, o, None, true)),
            "category" => {
                for (cat, _) in &o.categories {
                    chances.extend(rows_of(c, labels, o, Some(cat), false));
                }
            }
            _ => chances.extend(rows_of(c, labels, o, None, false)),
        }
    }
    let diff_header = "Difference".to_string();
    if !chances.is_empty() {
        blocks.push(Block::Subheading("Chances".into()));
        blocks.push(Block::Table(Table {
            header: vec![
                "Outcome".into(),
                "Scenario".into(),
                "Chance".into(),
                "95% interval".into(),
                "Difference (points)".into(),
                "95% interval".into(),
            ],
            rows: chances,
            numbers_from: 2,
            prose: None,
            nowrap: vec![1],
        }));
    }
    if !numbers.is_empty() {
        blocks.push(Block::Subheading("Numbers (means)".into()));
        blocks.push(Block::Table(Table {
            header: vec![
                "Outcome".into(),
                "Unit".into(),
                "Scenario".into(),
                "Mean".into(),
                "95% interval".into(),
                diff_header,
                "95% interval".into(),
            ],
            rows: numbers,
            numbers_from: 3,
            prose: None,
            nowrap: vec![2],
        }));
    }
    if !c.unmatched.is_empty() {
        blocks.push(Block::Note(format!(
            "Not compared, because some scenario lacks them or has them as another kind of outcome: {}.",
            c.unmatched.join(", ")
        )));
    }
    Section {
        id: "results",
        heading: "Results".into(),
        blocks,
    }
}

fn charts(figures: Vec<Figure>, skipped: Vec<Skip>) -> Section {
    super::content::charts_section(
        vec![super::content::FigureGroup::ungrouped(figures, skipped)],
        "Each chart's caption says how to read it. Every scenario keeps its colour and line pattern on every chart, in the order of the table above.",
        "The first scenario's [charts] selection names no chart.",
    )
}

fn provenance(c: &Comparison, labels: &[String], overrides: &[String], date: &str) -> Section {
    let version = c
        .summaries
        .first()
        .map_or(env!("CARGO_PKG_VERSION").to_string(), |s| {
            s.provenance.polsim_version.clone()
        });
    let mut facts = vec![
        ("polsim version".to_string(), version),
        ("Seed".to_string(), c.seed.to_string()),
        ("Runs per scenario".to_string(), format::count(c.runs)),
    ];
    if !overrides.is_empty() {
        facts.push((
            "Overrides (--set, every scenario)".to_string(),
            overrides.join(", "),
        ));
    }
    if let Some(precision) = c
        .summaries
        .first()
        .and_then(|s| s.provenance.precision.as_ref())
    {
        let note = crate::output::table::precision_note_of(
            precision,
            c.runs,
            crate::output::table::Scope::Differences,
        );
        facts.push((
            "Stop rule (--precision)".to_string(),
            note.trim_start_matches("precision: ").to_string(),
        ));
    }
    facts.push(("Generated".to_string(), date.to_string()));
    let files: Vec<Vec<String>> = c
        .summaries
        .iter()
        .zip(labels)
        .map(|(s, label): (&Summary, &String)| {
            vec![
                label.clone(),
                s.provenance.scenario_file.clone(),
                s.provenance.scenario_sha256.clone(),
            ]
        })
        .collect();
    let mut head = "polsim compare".to_string();
    for s in &c.summaries {
        head.push(' ');
        head.push_str(&shell_word(&s.provenance.scenario_file));
    }
    let rerun = rerun_command(&head, c.seed, c.runs, overrides, None);
    Section {
        id: "provenance",
        heading: "Provenance".into(),
        blocks: vec![
            Block::Facts(facts),
            Block::Table(Table {
                header: strings(&["Scenario", "File", "SHA-256"]),
                rows: files,
                numbers_from: 3,
                prose: None,
                nowrap: vec![0],
            }),
        ]
        .into_iter()
        .chain(reproduce(
            "The same scenario files, seed and number of runs give identical results on any machine and any number of threads; only the date above changes. To reproduce:",
            rerun,
        ))
        .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_gain_ignores_degenerate_pairs() {
        let d = |mcse: f64, unpaired: f64| Difference {
            outcome: "x".into(),
            label: "x".into(),
            kind: "number",
            category: None,
            scenario: 1,
            diff: 0.0,
            lo: 0.0,
            hi: 0.0,
            mcse,
            unpaired_se: unpaired,
            pairs: 10,
        };
        assert_eq!(median_gain(&[]), None);
        assert_eq!(
            median_gain(&[d(0.0, 1.0), d(1.0, 4.0), d(1.0, 2.0)]),
            Some(3.0)
        );
    }
}
