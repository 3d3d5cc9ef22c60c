//! Charts an analyst can put straight into a paper, as PNG or SVG.
//!
//! Why it is built this way:
//!
//! - **Pure.** Every chart is a value ([`Chart`]) built from a [`Summary`];
//!   [`Chart::png`] and [`Chart::svg`] return bytes and a string. Nothing
//!   here touches files or the clock, so the report and the tests use the
//!   same calls and `crate::report` is the one place that writes.
//! - **No system fonts.** Text is drawn with DejaVu Sans compiled into the
//!   binary (registered once, see [`style::ensure_fonts`]), so a chart looks
//!   the same on a bare server as on a laptop and never fails for want of
//!   fontconfig.
//! - **One house style** ([`style`]): a colour-blind-safe palette, a title
//!   and subtitle naming the scenario, runs and seed, axis titles with units,
//!   calendar labels on time axes, a legend that never covers data.
//! - **Content apart from drawing.** Builders decide what a chart says
//!   ([`figure::Figure`]); one renderer draws any figure in either format.
//!   Data that cannot give an honest chart (no values, all missing) gives a
//!   [`Skip`] with the reason instead of an empty or misleading picture.
//!
//! Charts of one run: [`for_run`] (respecting the scenario's `[charts]`).
//! Charts across scenarios: [`overlay`]; of the analyses: [`compare`]
//! ([`for_comparison`]), [`sweep`] ([`for_sweep`]) and [`sensitivity`]
//! ([`for_sensitivity`]), the last drawing on [`tornado`].

pub mod axes;
pub mod build;
pub mod calibrate;
pub mod canvas;
pub mod compare;
pub mod decision;
pub mod discover;
mod draw_heat;
mod draw_rows;
mod draw_xy;
pub mod elements;
mod encode;
pub mod figure;
mod glyphs;
pub mod overlay;
mod raster;
pub mod sensitivity;
pub mod style;
pub mod sweep;
pub mod tornado;

use std::fmt;

pub use build::{categories, event, exceedance, fan, histogram, probabilities};
pub use compare::for_comparison;
pub use figure::Figure;
pub use overlay::{View, distribution_overlay, event_overlay, probability_overlay};
pub use sensitivity::for_sensitivity;
pub use style::{DEFAULT_SIZE, Format, Placement, Size};
pub use sweep::for_sweep;
pub use tornado::{Tornado, TornadoBar, tornado};

use crate::scenario::Model;
use crate::summary::Summary;

/// A chart ready to render.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File stem under `charts/`, e.g. "histogram-incidents".
    pub name: String,
    /// What the chart shows, for headings and alt text.
    pub title: String,
    /// How to read it, in full sentences, for the caption.
    pub caption: String,
    pub figure: Figure,
}

/// A chart that was not drawn, and why (said in the report).
#[derive(Clone, Debug, PartialEq)]
pub struct Skip {
    pub name: String,
    pub title: String,
    pub reason: String,
}

impl Skip {
    pub fn new(name: &str, title: &str, reason: &str) -> Skip {
        Skip {
            name: name.to_string(),
            title: title.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Drawing failed (an internal fault: the data were already checked).
#[derive(Clone, Debug, PartialEq)]
pub struct ChartError {
    pub chart: String,
    pub message: String,
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot draw chart {}: {}", self.chart, self.message)
    }
}

impl std::error::Error for ChartError {}

impl Chart {
    /// PNG bytes of the chart set at full width (a chart file).
    pub fn png(&self, size: Size) -> Result<Vec<u8>, ChartError> {
        self.png_placed(size, Placement::Full)
    }

    /// An SVG document of the chart set at full width (a chart file).
    pub fn svg(&self, size: Size) -> Result<String, ChartError> {
        self.svg_placed(size, Placement::Full)
    }

    /// PNG bytes with text sized for `placement` (a report's figures are
    /// [`Placement::Half`]).
    pub fn png_placed(&self, size: Size, placement: Placement) -> Result<Vec<u8>, ChartError> {
        let size = canvas::placed_size(&self.figure, size, placement);
        canvas::png(&self.figure, size, placement).map_err(|message| self.error(message))
    }

    /// An SVG document with text sized for `placement`.
    pub fn svg_placed(&self, size: Size, placement: Placement) -> Result<String, ChartError> {
        let size = canvas::placed_size(&self.figure, size, placement);
        canvas::svg(&self.figure, size, placement).map_err(|message| self.error(message))
    }

    /// The file's bytes in either format.
    pub fn render(&self, format: Format, size: Size) -> Result<Vec<u8>, ChartError> {
        match format {
            Format::Png => self.png(size),
            Format::Svg => self.svg(size).map(String::into_bytes),
        }
    }

    fn error(&self, message: String) -> ChartError {
        ChartError {
            chart: self.name.clone(),
            message,
        }
    }
}

/// A file stem from a prefix and a scenario name: letters, digits, '_' and
/// '-' kept, anything else (a '/' in a quoted TOML key, the brackets of an
/// array's element: `violence[north]` is `violence-north`) made '-', with
/// none left at the end.
pub fn stem(prefix: &str, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}-{}", clean.trim_end_matches('-'))
}

/// Every chart of a run, in report order (the groups' order when the
/// scenario declares `[[charts.groups]]`): see [`for_run_grouped`].
pub fn for_run(model: &Model, summary: &Summary) -> Vec<Result<Chart, Skip>> {
    for_run_grouped(model, summary)
        .into_iter()
        .flat_map(|g| g.charts)
        .collect()
}

/// Charts that answer one question, with the group's title and what it
/// asks (`None` for a run whose scenario declares no groups).
#[derive(Clone, Debug)]
pub struct Group {
    pub heading: Option<GroupHeading>,
    pub charts: Vec<Result<Chart, Skip>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupHeading {
    pub title: String,
    pub doc: String,
}

/// The title of the group of charts no declared group names.
pub const OTHER_CHARTS: &str = "Other charts";

/// A run's charts by group. Without `[[charts.groups]]`, one group: the
/// chances of the yes/no outcomes, then each number outcome (histogram,
/// exceedance) or category outcome, the chart of each state and derived
/// variable, and each event's chart, in the scenario's order, as far as
/// `[charts]` selects them. With groups, each group in turn draws the same
/// kinds of chart of what it names, in its own order, into a folder of its
/// own (`charts/01-TITLE/`); what the top-level lists select and no group
/// names follows under [`OTHER_CHARTS`].
pub fn for_run_grouped(model: &Model, summary: &Summary) -> Vec<Group> {
    let select = &model.charts;
    if select.groups.is_empty() {
        let outcomes = summary
            .outcomes
            .iter()
            .filter(|o| select.outcome(&o.name))
            .collect();
        let series = summary
            .series
            .iter()
            .filter(|s| select.variable(&s.name))
            .collect();
        let events = summary
            .events
            .iter()
            .filter(|e| select.event(&e.name))
            .collect();
        let mut charts = plan(model, summary, (outcomes, series, events), None);
        unique_names(&mut charts);
        return vec![Group {
            heading: None,
            charts,
        }];
    }
    let mut groups = Vec::new();
    let in_group = |name: &str, of: fn(&crate::scenario::ChartGroup) -> &Vec<String>| {
        select
            .groups
            .iter()
            .any(|g| of(g).iter().any(|n| n == name))
    };
    let headings = select
        .groups
        .iter()
        .map(|g| (g.title.clone(), g.doc.clone()))
        .chain(std::iter::once((OTHER_CHARTS.to_string(), String::new())));
    for (i, (title, doc)) in headings.enumerate() {
        let members = match select.groups.get(i) {
            Some(g) => (
                g.outcomes
                    .iter()
                    .filter_map(|n| summary.outcomes.iter().find(|o| o.name == *n))
                    .collect(),
                g.variables
                    .iter()
                    .filter_map(|n| summary.series.iter().find(|s| s.name == *n))
                    .collect(),
                g.events
                    .iter()
                    .filter_map(|n| summary.events.iter().find(|e| e.name == *n))
                    .collect(),
            ),
            None => (
                summary
                    .outcomes
                    .iter()
                    .filter(|o| select.outcome(&o.name) && !in_group(&o.name, |g| &g.outcomes))
                    .collect(),
                summary
                    .series
                    .iter()
                    .filter(|s| select.variable(&s.name) && !in_group(&s.name, |g| &g.variables))
                    .collect(),
                summary
                    .events
                    .iter()
                    .filter(|e| select.event(&e.name) && !in_group(&e.name, |g| &g.events))
                    .collect(),
            ),
        };
        let folder = format!("{:02}-{}", i + 1, slug(&title));
        let mut charts = plan(model, summary, members, Some(&title));
        for chart in &mut charts {
            let name = match chart {
                Ok(c) => &mut c.name,
                Err(s) => &mut s.name,
            };
            *name = format!("{folder}/{name}");
        }
        if charts.is_empty() {
            continue;
        }
        // Two groups with the same title get folders of different numbers.
        unique_names(&mut charts);
        groups.push(Group {
            heading: Some(GroupHeading { title, doc }),
            charts,
        });
    }
    groups
}

/// The outcomes, variables and events one group of charts shows.
type Members<'a> = (
    Vec<&'a crate::summary::OutcomeSummary>,
    Vec<&'a crate::summary::SeriesSummary>,
    Vec<&'a crate::summary::EventSummary>,
);

/// The charts of `members`, in order: one chart of the chances of the
/// yes/no outcomes (titled `question` in a group), each number outcome's
/// histogram and exceedance curve or category outcome's bars, each
/// variable's chart, each event's chart.
fn plan(
    model: &Model,
    summary: &Summary,
    (outcomes, series, events): Members<'_>,
    question: Option<&str>,
) -> Vec<Result<Chart, Skip>> {
    let time = &model.info.time;
    let mut out = Vec::new();
    let probabilities: Vec<_> = outcomes
        .iter()
        .copied()
        .filter(|o| o.kind == "probability")
        .collect();
    if !probabilities.is_empty() {
        let mut chart = build::probabilities(&probabilities, summary);
        if let (Some(question), Ok(chart)) = (question, &mut chart) {
            chart.title = question.to_string();
            chart.figure.title = question.to_string();
        }
        out.push(chart);
    }
    for o in &outcomes {
        match o.kind {
            "number" => {
                out.push(build::histogram(o, summary));
                out.push(build::exceedance(o, summary));
            }
            "category" => out.push(build::categories(o, summary)),
            _ => {}
        }
    }
    out.extend(elements::overlays(&series, time, summary));
    for s in series {
        out.push(build::fan(s, time, summary));
    }
    for e in events {
        out.push(build::event(e, time, summary));
    }
    out
}

/// A folder name from a group's title: lower-case letters and digits,
/// words joined by '-', at most 40 characters.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > 40 && !out.is_empty() {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() {
        "group".to_string()
    } else {
        out.chars().take(40).collect()
    }
}

/// How many charts [`for_run`] plans for `model` (before any is skipped),
/// known before the run: a large model without `[charts]` draws one per
/// outcome, variable and event, which is worth a warning.
pub fn for_run_count(model: &Model) -> usize {
    use crate::scenario::{OutcomeKind, VarKind};
    let select = &model.charts;
    let outcomes = model.outcomes.iter().filter(|o| select.outcome(&o.name));
    let mut probabilities = 0;
    let mut count = 0;
    for o in outcomes {
        match o.kind {
            // One chart of chances per group, at most.
            OutcomeKind::Probability => probabilities = select.groups.len().max(1),
            OutcomeKind::Number => count += 2,
            OutcomeKind::Category(_) => count += 1,
        }
    }
    let charted = |i: usize, name: &str| {
        select.variable(name) && model.keeps_series(crate::scenario::VarId(i as u32))
    };
    for (i, v) in model.vars.iter().enumerate() {
        count += match v.kind {
            VarKind::State { .. } | VarKind::Derived { .. } => usize::from(charted(i, &v.name)),
            VarKind::Event { .. } => usize::from(select.event(&v.name)),
            _ => 0,
        };
    }
    // and one chart of the elements of each arrayed variable
    let mut arrays: Vec<&str> = model
        .vars
        .iter()
        .enumerate()
        .filter(|(i, v)| {
            matches!(v.kind, VarKind::State { .. } | VarKind::Derived { .. })
                && charted(*i, &v.name)
        })
        .map(|(_, v)| crate::scenario::element_of(&v.name))
        .filter(|(_, element)| !element.is_empty())
        .map(|(array, _)| array)
        .collect();
    arrays.dedup();
    count + probabilities + arrays.len()
}

/// Two names that clean to the same stem get "-2", "-3"... so no chart
/// overwrites another.
fn unique_names(charts: &mut [Result<Chart, Skip>]) {
    let mut seen = std::collections::HashSet::new();
    for chart in charts.iter_mut() {
        let name = match chart {
            Ok(c) => &mut c.name,
            Err(s) => &mut s.name,
        };
        let base = name.clone();
        let mut k = 2;
        while !seen.insert(name.clone()) {
            *name = format!("{base}-{k}");
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_safe_file_names() {
        assert_eq!(stem("fan", "trust_level"), "fan-trust_level");
        assert_eq!(stem("fan", "../etc/x y"), "fan----etc-x-y");
    }

    #[test]
    fn duplicate_stems_get_suffixes() {
        let mut charts = vec![
            Err(Skip::new("fan-a-b", "", "")),
            Err(Skip::new("fan-a-b", "", "")),
            Err(Skip::new("fan-a-b", "", "")),
        ];
        unique_names(&mut charts);
        let names: Vec<_> = charts
            .iter()
            .map(|c| c.as_ref().unwrap_err().name.clone())
            .collect();
        assert_eq!(names, ["fan-a-b", "fan-a-b-2", "fan-a-b-3"]);
    }
}
