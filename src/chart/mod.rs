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
mod draw_heat;
mod draw_rows;
mod draw_xy;
pub mod figure;
pub mod overlay;
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
pub use style::{DEFAULT_SIZE, Format, Size};
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
    pub fn png(&self, size: Size) -> Result<Vec<u8>, ChartError> {
        canvas::png(&self.figure, size).map_err(|message| self.error(message))
    }

    pub fn svg(&self, size: Size) -> Result<String, ChartError> {
        canvas::svg(&self.figure, size).map_err(|message| self.error(message))
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
/// '-' kept, anything else (a '/' in a quoted TOML key) made '-'.
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
    format!("{prefix}-{clean}")
}

/// Every chart of a run, in report order: the probabilities, then each
/// number outcome (histogram, exceedance) or category outcome, the fan chart
/// of each state and derived variable, and each event's cumulative chance.
/// Only what the scenario's `[charts]` selects is included.
pub fn for_run(model: &Model, summary: &Summary) -> Vec<Result<Chart, Skip>> {
    let select = &model.charts;
    let time = &model.info.time;
    let outcomes: Vec<_> = summary
        .outcomes
        .iter()
        .filter(|o| select.outcome(&o.name))
        .collect();
    let mut out = Vec::new();
    let probabilities: Vec<_> = outcomes
        .iter()
        .copied()
        .filter(|o| o.kind == "probability")
        .collect();
    if !probabilities.is_empty() {
        out.push(build::probabilities(&probabilities, summary));
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
    for s in summary.series.iter().filter(|s| select.variable(&s.name)) {
        out.push(build::fan(s, time, summary));
    }
    for e in summary.events.iter().filter(|e| select.event(&e.name)) {
        out.push(build::event(e, time, summary));
    }
    unique_names(&mut out);
    out
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
            OutcomeKind::Probability => probabilities = 1,
            OutcomeKind::Number => count += 2,
            OutcomeKind::Category(_) => count += 1,
        }
    }
    for v in &model.vars {
        count += match v.kind {
            VarKind::State { .. } | VarKind::Derived { .. } => {
                usize::from(select.variable(&v.name))
            }
            VarKind::Event { .. } => usize::from(select.event(&v.name)),
            _ => 0,
        };
    }
    count + probabilities
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
