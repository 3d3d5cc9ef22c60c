//! The report of scenario discovery (`polsim discover`): discover.html and
//! discover.md, one section per box found (its limits, its trajectory and
//! their charts), then how PRIM was run.

use std::path::PathBuf;

use super::content::{Block, Figure, Report, Section, Table};
use super::{ChartSettings, date, write_charts, write_report};
use crate::Error;
use crate::analysis::prim::Discovery;
use crate::format;
use crate::output::OutputDir;
use crate::output::discover::Asked;
use crate::scenario::Model;

/// Draw the charts and write discover.html and discover.md (and
/// discover.pdf with `--pdf`) into `out`.
pub fn write(
    out: &OutputDir,
    model: &Model,
    d: &Discovery,
    asked: &Asked<'_>,
    settings: &ChartSettings,
) -> Result<Vec<PathBuf>, Error> {
    let generated = date::today();
    let planned = crate::chart::discover::for_discovery(d, asked.condition, asked.scenario);
    let drawn = write_charts(out, planned, settings, true)?;
    let mut written = drawn.written;
    let mut report = build(model, d, asked, drawn.figures, &generated);
    for s in drawn.skipped {
        report.sections[0].blocks.push(Block::Note(format!(
            "No chart of {}: {}.",
            s.title, s.reason
        )));
    }
    written.extend(write_report(out, "discover", &report, settings)?);
    Ok(written)
}

/// The report's content; `figures` are the drawn charts, placed with their box.
pub fn build(
    model: &Model,
    d: &Discovery,
    asked: &Asked<'_>,
    mut figures: Vec<Figure>,
    date: &str,
) -> Report {
    let mut sections = vec![Section {
        id: "boxes",
        heading: "Where the condition concentrates".into(),
        blocks: vec![Block::Para(format!(
            "`{}` holds in {} of {} runs ({}). PRIM (Friedman and Fisher's patient rule induction) searched the values drawn for {} uncertain parameters for boxes, a range on some of the parameters, inside which it holds far more often. Coverage is the share of the runs where it holds that fall inside a box; density is the share of a box's runs where it holds. A box restricting few parameters with high coverage and density is a finding worth stating: \"when these parameters lie in these ranges, the condition is likely\".",
            asked.condition,
            format::count(d.cases),
            format::count(d.runs),
            format::share(d.cases, d.runs),
            d.parameters.len()
        ))],
    }];
    for (k, b) in d.boxes.iter().enumerate() {
        let s = b.box_step();
        let blocks = &mut sections[0].blocks;
        blocks.push(Block::Subheading(format!("Box {}", k + 1)));
        let mut text = format!(
            "Step {} of its peeling trajectory: {} runs ({} of all), coverage {}, density {}, {} restricted parameters.",
            b.chosen,
            format::count(s.runs),
            format::percent(s.mass),
            format::percent(s.coverage),
            format::percent(s.density),
            s.restricted
        );
        if k > 0 {
            text.push_str(&format!(
                " It was found among the {} runs the earlier boxes left ({} of them where the condition holds): another way the condition comes about.",
                format::count(b.runs_left),
                format::count(b.cases_left)
            ));
        }
        blocks.push(Block::Para(text));
        if !b.restrictions.is_empty() {
            let rows = b
                .restrictions
                .iter()
                .map(|r| {
                    let p = &d.parameters[r.parameter];
                    vec![
                        if p.label == p.name {
                            p.name.clone()
                        } else {
                            format!("{} ({})", p.label, p.name)
                        },
                        if r.cuts_low {
                            format::number(r.low)
                        } else {
                            "(lowest drawn)".into()
                        },
                        if r.cuts_high {
                            format::number(r.high)
                        } else {
                            "(highest drawn)".into()
                        },
                        format!("{} to {}", format::number(p.min), format::number(p.max)),
                        format::percent(r.density_without),
                    ]
                })
                .collect();
            blocks.push(Block::Table(Table {
                header: [
                    "Parameter",
                    "From",
                    "To",
                    "Values drawn",
                    "Density without this limit",
                ]
                .map(String::from)
                .to_vec(),
                rows,
                numbers_from: 1,
                prose: None,
                nowrap: vec![0],
            }));
        }
        let stem = format!("box{}", k + 1);
        let mine: Vec<Figure> = figures
            .iter()
            .filter(|f| f.name.ends_with(&stem))
            .cloned()
            .collect();
        figures.retain(|f| !f.name.ends_with(&stem));
        blocks.extend(mine.into_iter().map(Block::Figure));
    }
    let info = &model.info;
    sections.push(Section {
        id: "method",
        heading: "How it was found".into(),
        blocks: vec![
            Block::Para(format!(
                "Each peel cut {} of the box's runs off the low or the high end of one parameter, the cut raising the density most per run removed (EMA Workbench's default objective); peeling stopped when no cut raised the density or a box would hold under {} of all runs. Pasting then widened the last box where that lowered no density. The box chosen is the densest covering at least {} of the runs of interest left for it (--min-coverage), unless --step chose another.",
                format::percent(asked.peel_alpha),
                format::percent(asked.mass_min),
                format::percent(asked.min_coverage)
            )),
            Block::Facts(vec![
                ("Scenario file".into(), info.path.clone()),
                ("Scenario SHA-256".into(), info.hash.clone()),
                ("Condition (--where)".into(), asked.condition.to_string()),
                ("Runs".into(), format::count(d.runs)),
                ("Seed".into(), asked.seed.to_string()),
                (
                    "Parameters searched".into(),
                    d.parameters
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                ("polsim version".into(), env!("CARGO_PKG_VERSION").into()),
                ("Generated".into(), date.to_string()),
            ]),
        ],
    });
    Report {
        title: format!("Scenario discovery: {}", info.display_title()),
        description: format!(
            "Where `{}` holds, and under which conditions",
            asked.condition
        ),
        byline: format!(
            "{} runs · seed {} · polsim {} · {date}",
            format::count(d.runs),
            asked.seed,
            env!("CARGO_PKG_VERSION")
        ),
        sections,
    }
}
