//! The tornado chart: which inputs move an outcome most.
//!
//! Sensitivity analysis sets each input in turn to a low and a high value
//! with the others at their baseline, and records the outcome. Sorting the
//! inputs by how far the outcome swings puts the assumptions worth arguing
//! about at the top. The input here is deliberately plain ([`Tornado`]) so
//! any analysis can feed it.

use super::build::legend_item;
use super::figure::*;
use super::style::{ACCENT, INK, MAIN};
use super::{Chart, Skip};

/// At most this many bars; more would not be legible at the default size.
pub const MAX_BARS: usize = 15;

/// One input: the outcome with the input at its low and at its high value.
#[derive(Clone, Debug, PartialEq)]
pub struct TornadoBar {
    pub label: String,
    pub low: f64,
    pub high: f64,
    /// Written right of the plot on this input's row (its two settings);
    /// empty for none.
    pub note: String,
}

impl TornadoBar {
    /// How far the outcome moves between the input's two settings.
    pub fn swing(&self) -> f64 {
        (self.high - self.low).abs()
    }
}

/// What a tornado chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Tornado {
    /// File stem, e.g. "tornado-incidents".
    pub name: String,
    pub title: String,
    pub subtitle: String,
    /// The outcome's axis title, with its unit.
    pub outcome: String,
    /// The outcome with every input at its baseline.
    pub baseline: f64,
    pub bars: Vec<TornadoBar>,
    /// Legend words for the two settings, e.g. "input at its 10th percentile".
    pub low_label: String,
    pub high_label: String,
    /// How the outcome's values are written (a chance as a percentage).
    pub scale: Scale,
    /// The heading over the bars' notes, e.g. "input: 10th → 90th percentile".
    pub notes_heading: String,
    /// The caption's account of what was done; `None` for the generic one.
    pub caption: Option<String>,
}

/// Bars sorted by swing, largest first (ties by label); bars with a missing
/// value are dropped, and at most [`MAX_BARS`] are kept.
pub fn sorted_bars(bars: &[TornadoBar]) -> Vec<TornadoBar> {
    let mut kept: Vec<TornadoBar> = bars
        .iter()
        .filter(|b| b.low.is_finite() && b.high.is_finite())
        .cloned()
        .collect();
    kept.sort_by(|a, b| {
        b.swing()
            .total_cmp(&a.swing())
            .then_with(|| a.label.cmp(&b.label))
    });
    kept.truncate(MAX_BARS);
    kept
}

pub fn tornado(t: &Tornado) -> Result<Chart, Skip> {
    if !t.baseline.is_finite() {
        return Err(Skip::new(
            &t.name,
            &t.title,
            "the baseline value is missing",
        ));
    }
    let bars = sorted_bars(&t.bars);
    if bars.is_empty() {
        return Err(Skip::new(
            &t.name,
            &t.title,
            "no input has both a low and a high result",
        ));
    }
    let dropped = t.bars.len() - bars.len();
    let dropped_note = if dropped > 0 {
        format!(" {dropped} inputs with smaller or missing effects are not shown.")
    } else {
        String::new()
    };
    let account = t.caption.clone().unwrap_or_else(|| {
        format!(
            "Each bar shows how {} changes when one input is moved from its baseline to its low value (blue) and to its high value (vermillion), all else held at baseline ({}).",
            t.outcome,
            t.scale.text(t.baseline)
        )
    });
    let caption = format!(
        "{account} Inputs are sorted by the size of that swing, largest on top: the top bars are the assumptions that matter most. A bar whose colours are swapped (vermillion on the left) is an input that lowers the outcome as it rises.{dropped_note}"
    );
    let notes = RowNotes {
        heading: t.notes_heading.clone(),
        rows: bars.iter().map(|b| b.note.clone()).collect(),
    };
    Ok(Chart {
        name: t.name.clone(),
        title: t.title.clone(),
        caption,
        figure: Figure {
            title: t.title.clone(),
            subtitle: t.subtitle.clone(),
            legend: vec![
                legend_item(&t.low_label, Swatch::Patch(MAIN, 1.0)),
                legend_item(&t.high_label, Swatch::Patch(ACCENT, 1.0)),
                legend_item(
                    &format!("baseline {}", t.scale.text(t.baseline)),
                    Swatch::Line(INK, Dash::Solid),
                ),
            ],
            plot: Plot::Tornado(TornadoPlot {
                x_title: t.outcome.clone(),
                baseline: t.baseline,
                rows: bars.into_iter().map(|b| (b.label, b.low, b.high)).collect(),
                low_color: MAIN,
                high_color: ACCENT,
                scale: t.scale,
                notes,
            }),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, low: f64, high: f64) -> TornadoBar {
        TornadoBar {
            label: label.into(),
            low,
            high,
            note: String::new(),
        }
    }

    #[test]
    fn sorted_by_swing_missing_dropped() {
        let bars = [
            bar("a", 1.0, 2.0),
            bar("b", -3.0, 3.0),
            bar("c", f64::NAN, 1.0),
            bar("d", 5.0, 4.0),
        ];
        let labels: Vec<_> = sorted_bars(&bars).into_iter().map(|b| b.label).collect();
        assert_eq!(labels, ["b", "a", "d"]);
    }

    #[test]
    fn too_many_bars_are_cut() {
        let bars: Vec<_> = (0..30)
            .map(|i| bar(&format!("x{i}"), 0.0, f64::from(i)))
            .collect();
        let kept = sorted_bars(&bars);
        assert_eq!(kept.len(), MAX_BARS);
        assert_eq!(kept[0].label, "x29");
    }
}
