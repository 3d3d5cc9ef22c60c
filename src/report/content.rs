//! What a run's report says, before it is HTML or Markdown.
//!
//! The report is built once as a small document ([`Report`]: sections of
//! paragraphs, tables, key-value lists and figures) and rendered twice, so
//! report.html and report.md cannot drift apart. Text here is plain and
//! unescaped; each renderer escapes for its own format.

use crate::chart::{Chart, GroupHeading, Skip};
use crate::format;
use crate::scenario::Model;
use crate::summary::{Estimate, FEW_RUNS, OutcomeSummary, Summary};

/// A drawn chart as the report shows it.
#[derive(Clone, Debug)]
pub struct Figure {
    pub name: String,
    pub title: String,
    pub caption: String,
    /// The chart as an SVG document, for inlining.
    pub svg: String,
    /// The chart as PNG bytes, for report.pdf (empty when no PDF is written).
    pub png: Vec<u8>,
}

impl Figure {
    /// The title as the caption's lead-in: with a full stop, unless it
    /// already ends in a question mark or other closing punctuation.
    pub fn lead(&self) -> String {
        if self.title.ends_with(['.', '?', '!', ':']) {
            self.title.clone()
        } else {
            format!("{}.", self.title)
        }
    }

    pub fn new(chart: &Chart, svg: String, png: Vec<u8>) -> Figure {
        Figure {
            name: chart.name.clone(),
            title: chart.title.clone(),
            caption: chart.caption.clone(),
            svg,
            png,
        }
    }
}

/// The drawn charts of one group (or of a report without groups), and
/// those that could not be drawn.
#[derive(Clone, Debug, Default)]
pub struct FigureGroup {
    pub heading: Option<GroupHeading>,
    pub figures: Vec<Figure>,
    pub skipped: Vec<Skip>,
}

impl FigureGroup {
    /// Charts with no group heading.
    pub fn ungrouped(figures: Vec<Figure>, skipped: Vec<Skip>) -> FigureGroup {
        FigureGroup {
            heading: None,
            figures,
            skipped,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Report {
    pub title: String,
    pub description: String,
    /// One line under the title: runs, seed, horizon, date.
    pub byline: String,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug)]
pub struct Section {
    /// Anchor for links within the document.
    pub id: &'static str,
    pub heading: String,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug)]
pub enum Block {
    Para(String),
    /// A smaller heading inside a section.
    Subheading(String),
    Table(Table),
    /// Term and description pairs.
    Facts(Vec<(String, String)>),
    Figure(Figure),
    /// A remark set apart (a chart left out and why).
    Note(String),
    /// A command to type, shown verbatim.
    Code(String),
    /// A list of short statements (the key findings).
    List(Vec<String>),
}

#[derive(Clone, Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns from this index on hold numbers (right-aligned).
    pub numbers_from: usize,
    /// A column of running text, given room to read as prose.
    pub prose: Option<usize>,
    /// Columns of names kept on one line (a scenario name would otherwise
    /// break at its hyphens).
    pub nowrap: Vec<usize>,
}

fn interval_text(e: &Estimate) -> String {
    format!("{} to {}", format::percent(e.lo), format::percent(e.hi))
}

/// Build the report of one run.
pub fn build(model: &Model, summary: &Summary, groups: Vec<FigureGroup>, date: &str) -> Report {
    let p = &summary.provenance;
    let info = &model.info;
    let byline = format!(
        "{} runs · seed {} · {} from {} · polsim {} · {date}",
        format::count(p.runs),
        p.seed,
        format::quantity(p.steps as f64, &format!("{}s", p.step_unit)),
        info.time.label(0),
        p.polsim_version
    );
    Report {
        title: crate::chart::build::scenario_named(model.info.display_title(), p),
        description: summary.description.clone(),
        byline,
        sections: vec![
            super::findings::for_run(summary),
            outcomes(summary),
            parameters(summary),
            charts(groups),
            provenance(model, summary, date),
        ],
    }
}

fn outcomes(summary: &Summary) -> Section {
    let kept = summary.provenance.kept_runs;
    let mut blocks = vec![Block::Para(format!(
        "Estimates over {} runs. A chance comes with its 95% interval, which measures the noise from simulating a finite number of runs (not the uncertainty in the assumptions, which the runs already carry). A number is described by its mean and the spread of its values across runs.",
        format::count(kept)
    ))];
    if kept < FEW_RUNS {
        blocks.push(Block::Note(format!(
            "Only {kept} runs were kept: intervals from fewer than {FEW_RUNS} runs are unreliable. Run more."
        )));
    }
    let by_kind = |k: &'static str| summary.outcomes.iter().filter(move |o| o.kind == k);
    let probs: Vec<Vec<String>> = by_kind("probability")
        .filter_map(|o| {
            o.probability.as_ref().map(|e| {
                vec![
                    o.label.clone(),
                    format::percent(e.p),
                    interval_text(e),
                    format::percent(e.mcse),
                ]
            })
        })
        .collect();
    if !probs.is_empty() {
        blocks.push(Block::Subheading("Chances".into()));
        blocks.push(Block::Table(Table {
            header: strings(&["Outcome", "Chance", "95% interval", "Monte Carlo error"]),
            rows: probs,
            numbers_from: 1,
            prose: None,
            nowrap: Vec::new(),
        }));
    }
    let numbers: Vec<Vec<String>> = by_kind("number").filter_map(number_row).collect();
    if !numbers.is_empty() {
        blocks.push(Block::Subheading(
            "Numbers, each value with ± its Monte Carlo standard error".into(),
        ));
        blocks.push(Block::Table(Table {
            header: strings(&[
                "Outcome",
                "Unit",
                "Mean",
                "SD",
                "5%",
                "Median",
                "95%",
                "Runs with a value",
            ]),
            rows: numbers,
            numbers_from: 2,
            prose: None,
            nowrap: Vec::new(),
        }));
    }
    for o in by_kind("category") {
        blocks.push(Block::Subheading(o.label.clone()));
        blocks.push(Block::Table(Table {
            header: strings(&["Category", "Chance", "95% interval"]),
            rows: o
                .categories
                .iter()
                .map(|(c, e)| vec![c.clone(), format::percent(e.p), interval_text(e)])
                .collect(),
            numbers_from: 1,
            prose: None,
            nowrap: Vec::new(),
        }));
    }
    let meanings: Vec<(String, String)> = summary
        .outcomes
        .iter()
        .filter(|o| !o.doc.is_empty() || !o.source.is_empty())
        .map(|o| (o.label.clone(), with_sources(&o.doc, &o.source)))
        .collect();
    if !meanings.is_empty() {
        blocks.push(Block::Subheading("What the outcomes mean".into()));
        blocks.push(Block::Facts(meanings));
    }
    Section {
        id: "outcomes",
        heading: "Outcomes".into(),
        blocks,
    }
}

fn number_row(o: &OutcomeSummary) -> Option<Vec<String>> {
    let n = o.number.as_ref()?;
    let total = n.n + n.none;
    // Each statistic over its standard error, on two lines of one cell.
    let with_error = |value: f64, error: Option<f64>| {
        let error = format::plus_minus(error.unwrap_or(f64::NAN));
        if error.is_empty() {
            format::number(value)
        } else {
            format!("{}\n{error}", format::number(value))
        }
    };
    let spread = n.spread_mcse.as_ref();
    Some(vec![
        o.label.clone(),
        o.unit.clone(),
        with_error(n.mean, Some(n.mcse)),
        with_error(n.sd, spread.map(|m| m.sd)),
        with_error(n.p5, spread.map(|m| m.p5)),
        with_error(n.p50, spread.map(|m| m.p50)),
        with_error(n.p95, spread.map(|m| m.p95)),
        format::share(n.n, total),
    ])
}

fn with_sources(doc: &str, source: &[String]) -> String {
    match (doc.is_empty(), source.is_empty()) {
        (_, true) => doc.to_string(),
        (true, false) => format!("Source: {}", source.join("; ")),
        (false, false) => format!("{doc} Source: {}", source.join("; ")),
    }
}

pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn parameters(summary: &Summary) -> Section {
    let blocks = if summary.parameters.is_empty() {
        vec![Block::Para("This scenario has no parameters.".into())]
    } else {
        let rows = summary
            .parameters
            .iter()
            .map(|p| {
                let name = if p.label == p.name {
                    p.name.clone()
                } else {
                    format!("{} ({})", p.label, p.name)
                };
                vec![
                    name,
                    p.definition.clone(),
                    p.unit.clone(),
                    p.doc.clone(),
                    p.source.join("; "),
                    format::number(p.mean),
                    format::number(p.sd),
                ]
            })
            .collect();
        vec![
            Block::Para(
                "Each parameter is drawn once per run from its definition; the mean and SD are those of the values drawn. A definition that is a plain number is held fixed."
                    .into(),
            ),
            Block::Table(Table {
                header: strings(&["Parameter", "Definition", "Unit", "What it is", "Source", "Mean drawn", "SD drawn"]),
                rows,
                numbers_from: 5,
                prose: Some(3),
                nowrap: Vec::new(),
            }),
        ]
    };
    Section {
        id: "parameters",
        heading: "Uncertain parameters".into(),
        blocks,
    }
}

fn charts(groups: Vec<FigureGroup>) -> Section {
    charts_section(
        groups,
        "Each chart's caption says how to read it. Every chart names the scenario, the number of runs and the seed it comes from.",
        "The scenario's [charts] selection names no chart.",
    )
}

/// The "Charts" section of a report: an introduction, then each group's
/// title, what it asks, its figures, and a note for each chart that could
/// not be drawn.
pub(crate) fn charts_section(groups: Vec<FigureGroup>, intro: &str, empty: &str) -> Section {
    let mut blocks = vec![Block::Para(intro.into())];
    if groups
        .iter()
        .all(|g| g.figures.is_empty() && g.skipped.is_empty())
    {
        blocks.push(Block::Para(empty.into()));
    }
    for group in groups {
        if let Some(heading) = group.heading {
            blocks.push(Block::Subheading(heading.title));
            if !heading.doc.is_empty() {
                blocks.push(Block::Para(heading.doc));
            }
        }
        blocks.extend(group.figures.into_iter().map(Block::Figure));
        blocks.extend(
            group
                .skipped
                .into_iter()
                .map(|s| Block::Note(format!("No chart of {}: {}.", s.title, s.reason))),
        );
    }
    Section {
        id: "charts",
        heading: "Charts".into(),
        blocks,
    }
}

fn provenance(model: &Model, summary: &Summary, date: &str) -> Section {
    let p = &summary.provenance;
    let mut facts = vec![
        ("polsim version".to_string(), p.polsim_version.clone()),
        ("Scenario file".to_string(), p.scenario_file.clone()),
        ("Scenario SHA-256".to_string(), p.scenario_sha256.clone()),
        ("Seed".to_string(), p.seed.to_string()),
        ("Runs".to_string(), format::count(p.runs)),
        ("Runs kept".to_string(), format::count(p.kept_runs)),
        (
            "Horizon".to_string(),
            format!(
                "{}, {} to {}",
                format::quantity(p.steps as f64, &format!("{}s", p.step_unit)),
                model.info.time.label(0),
                model.info.time.label(p.steps)
            ),
        ),
    ];
    if let Some(given) = &p.given {
        facts.push(("Condition (--given)".to_string(), given.clone()));
    }
    if !p.overrides.is_empty() {
        facts.push(("Overrides (--set)".to_string(), p.overrides.join(", ")));
    }
    if let Some(sampling) = &p.sampling {
        facts.push((
            "Sampling (--sampling)".to_string(),
            crate::output::table::sampling_note(sampling, "outcomes")
                .trim_start_matches("sampling: ")
                .to_string(),
        ));
    }
    if let Some(precision) = &p.precision {
        facts.push((
            "Stop rule (--precision)".to_string(),
            crate::output::table::precision_note(precision, p.runs)
                .trim_start_matches("precision: ")
                .to_string(),
        ));
    }
    facts.push(("Generated".to_string(), date.to_string()));
    let rerun = rerun_command(
        &format!("polsim run {}", shell_word(&p.scenario_file)),
        p.seed,
        p.runs,
        &p.overrides,
        p.given.as_deref(),
    );
    let mut rerun = rerun;
    if let Some(sampling) = &p.sampling {
        rerun.push_str(&format!(" --sampling {}", sampling.sampling));
    }
    let mut blocks = vec![Block::Facts(facts)];
    blocks.extend(reproduce(
        "The same scenario file, seed and number of runs give identical results on any machine and any number of threads; only the date above changes. To reproduce:",
        rerun,
    ));
    let exact = summary
        .outcomes
        .iter()
        .filter_map(|o| o.number.as_ref())
        .all(|n| n.exact_quantiles);
    blocks.push(Block::Para(if exact {
        "Means, SDs, chances and the outcomes' quantiles are exact over every run; each carries its Monte Carlo standard error.".to_string()
    } else {
        format!(
            "Some outcome quantiles come from a sketch accurate to within {} of the value; means, SDs and chances are exact over the runs.",
            format::percent(summary.sketch_relative_error)
        )
    }));
    Section {
        id: "provenance",
        heading: "Provenance".into(),
        blocks,
    }
}

/// The command line that reproduces a run or a comparison: `head` (the
/// command and its files), the seed and runs, every `--set` and the
/// `--given` condition, each quoted for a POSIX shell.
pub(crate) fn rerun_command(
    head: &str,
    seed: u64,
    runs: u64,
    overrides: &[String],
    given: Option<&str>,
) -> String {
    let mut rerun = format!("{head} --seed {seed} --runs {runs}");
    for o in overrides {
        rerun.push_str(&format!(" --set {}", shell_word(o)));
    }
    if let Some(given) = given {
        rerun.push_str(&format!(" --given {}", shell_word(given)));
    }
    rerun
}

/// The "to reproduce" paragraph and its command.
pub(crate) fn reproduce(intro: &str, rerun: String) -> [Block; 2] {
    [Block::Para(intro.into()), Block::Code(rerun)]
}

/// A word a POSIX shell reads back unchanged (quoted only when needed).
pub(crate) fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_to_reproduce_carries_overrides_and_the_condition() {
        let rerun = rerun_command(
            "polsim run a.toml",
            7,
            500,
            &["x=pert(1, 2, 3)".to_string()],
            Some("count(e) >= 1"),
        );
        assert_eq!(
            rerun,
            "polsim run a.toml --seed 7 --runs 500 --set 'x=pert(1, 2, 3)' --given 'count(e) >= 1'"
        );
    }

    #[test]
    fn a_caption_leads_with_the_title_and_one_full_stop() {
        let figure = |title: &str| Figure {
            name: "x".into(),
            title: title.into(),
            caption: String::new(),
            svg: String::new(),
            png: Vec::new(),
        };
        assert_eq!(figure("Coalition trust").lead(), "Coalition trust.");
        assert_eq!(figure("Does it recover?").lead(), "Does it recover?");
        assert_eq!(figure("Done.").lead(), "Done.");
    }

    #[test]
    fn shell_words_round_trip() {
        assert_eq!(shell_word("scenarios/a.toml"), "scenarios/a.toml");
        assert_eq!(shell_word("x=pert(1, 2, 3)"), "'x=pert(1, 2, 3)'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
