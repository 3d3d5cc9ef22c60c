//! The decision view's section of the comparison report: regret, the share
//! of runs each scenario is best in, satisficing, and over a sweep which
//! scenario wins where.

use super::content::{Block, Figure, Section, Table};
use crate::analysis::decision::Decision;
use crate::format;
use crate::output::decision::better_word;

/// Whether a drawn chart belongs to the decision view.
pub fn is_decision_chart(name: &str) -> bool {
    name.starts_with("decision-")
}

/// The "Decision" section, with the decision view's charts.
pub fn section(d: &Decision, figures: Vec<Figure>) -> Section {
    let mut blocks = Vec::new();
    let regret = !d.outcome.is_empty();
    if regret {
        blocks.push(Block::Para(format!(
            "The scenarios are scored as options on {} (`{}`, {}). All of them run with the same draws run by run, so each run is one possible world in which every option can be judged against the others. In each run the best option sets the mark, and an option's regret is its shortfall from that mark; the table gives each option's mean regret (with its 95% interval), its 90th-percentile and largest regret over {} runs, and the share of runs in which it is the best option (ties count for each). An option with low regret across the runs is a robust choice: it is seldom far from the best, whatever the world turns out to be.",
            d.label,
            d.outcome,
            better_word(d.better),
            format::count(d.scores.counted)
        )));
    }
    if let Some(text) = &d.satisfice {
        blocks.push(Block::Para(format!(
            "Satisficing: the share of all runs in which each option meets `{text}`, with its 95% Wilson interval."
        )));
    }
    let mut header: Vec<String> = vec!["Scenario".into()];
    if regret {
        header.extend(
            [
                "Mean",
                "Mean regret",
                "95% interval",
                "90th percentile regret",
                "Largest regret",
                "Best in",
            ]
            .map(String::from),
        );
    }
    if d.satisfice.is_some() {
        header.extend(["Meets the condition", "95% interval"].map(String::from));
    }
    let rows = d
        .scores
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut row = vec![if regret && i == d.scores.winner {
                format!("{} (least regret)", v.scenario)
            } else {
                v.scenario.clone()
            }];
            if regret {
                row.extend([
                    format::number(v.mean),
                    format::number(v.mean_regret),
                    format!(
                        "{} to {}",
                        format::number(v.regret_lo),
                        format::number(v.regret_hi)
                    ),
                    format::number(v.regret_p90),
                    format::number(v.max_regret),
                    format::percent(v.best_share),
                ]);
            }
            if let Some((share, lo, hi)) = v.satisficing {
                row.extend([
                    format::percent(share),
                    format!("{} to {}", format::percent(lo), format::percent(hi)),
                ]);
            }
            row
        })
        .collect();
    blocks.push(Block::Table(Table {
        header,
        rows,
        numbers_from: 1,
        prose: None,
        nowrap: vec![0],
    }));
    if let Some(sweep) = &d.sweep {
        blocks.push(Block::Subheading(format!(
            "Which scenario wins where, as {} varies",
            sweep.parameter
        )));
        blocks.push(Block::Para(format!(
            "{} was fixed at each value below in every scenario, and the options scored again there. Each cell is a scenario's mean regret; the last column names the option with the least.",
            sweep.parameter
        )));
        let mut header = vec![sweep.parameter.clone()];
        header.extend(d.scores.variants.iter().map(|v| v.scenario.clone()));
        header.push("Least regret".into());
        let rows = sweep
            .points
            .iter()
            .map(|p| {
                let mut row = vec![format::number(p.value)];
                row.extend(
                    p.scores
                        .variants
                        .iter()
                        .map(|v| format::number(v.mean_regret)),
                );
                row.push(p.scores.variants[p.scores.winner].scenario.clone());
                row
            })
            .collect();
        blocks.push(Block::Table(Table {
            header,
            rows,
            numbers_from: 0,
            prose: None,
            nowrap: Vec::new(),
        }));
    }
    blocks.extend(figures.into_iter().map(Block::Figure));
    Section {
        id: "decision",
        heading: "Decision".into(),
        blocks,
    }
}
