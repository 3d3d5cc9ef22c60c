//! What a chart shows, as plain data, before any pixel is drawn.
//!
//! Builders (`build`, `overlay`, `tornado`) turn summaries into a [`Figure`];
//! the renderer (`canvas` and the `draw_*` modules) turns any figure into PNG
//! or SVG. Keeping the two apart means the choices a reader cares about
//! (which numbers, which order, which words) are testable without images, and
//! both formats come from one drawing path.

use crate::format;
use plotters::style::RGBColor;

/// A chart's content: heading, legend and one plot.
#[derive(Clone, Debug)]
pub struct Figure {
    pub title: String,
    pub subtitle: String,
    /// Drawn in a strip under the subtitle, never over the data.
    pub legend: Vec<LegendItem>,
    pub plot: Plot,
}

#[derive(Clone, Debug)]
pub struct LegendItem {
    pub label: String,
    pub swatch: Swatch,
}

#[derive(Clone, Copy, Debug)]
pub enum Swatch {
    Line(RGBColor, Dash),
    /// A filled patch with this opacity.
    Patch(RGBColor, f64),
    /// A dot, filled or hollow (a forest plot's estimates).
    Dot(RGBColor, bool),
}

/// A line's dash pattern. Overlays give each series its own, so lines that
/// coincide (common random numbers make that common) still show every colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Long,
    Short,
    Dotted,
}

impl Dash {
    /// The pattern of series `i`: solid first, then ever finer dashes.
    pub fn for_series(i: usize) -> Dash {
        [Dash::Solid, Dash::Long, Dash::Short, Dash::Dotted][i % 4]
    }

    /// (dash, gap) lengths in pixels at 1200x800; `None` for solid.
    pub fn pattern(self) -> Option<(f64, f64)> {
        match self {
            Dash::Solid => None,
            Dash::Long => Some((18.0, 9.0)),
            Dash::Short => Some((8.0, 6.0)),
            Dash::Dotted => Some((3.0, 5.0)),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Plot {
    Histogram(HistogramPlot),
    Bars(BarPlot),
    Curves(CurvePlot),
    /// Curve plots stacked one above another over one shared x axis.
    Panels(PanelsPlot),
    Tornado(TornadoPlot),
    Forest(ForestPlot),
    Heatmap(HeatmapPlot),
}

/// How the values of a plot are written: on ticks, beside marks, in cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// A chance in 0..=1, written as a percentage ("46.1%").
    Percent,
    /// About four significant digits, as in the terminal table ("0.4794").
    Number,
    /// As `Number`, with a sign on positive values, for differences ("+1.62").
    SignedNumber,
    /// A fixed number of decimals, with a sign when `signed` ("+0.12").
    Fixed { decimals: usize, signed: bool },
}

impl Scale {
    pub fn text(self, value: f64) -> String {
        if !value.is_finite() {
            return format::number(value);
        }
        match self {
            Scale::Percent => format::percent(value),
            Scale::Number => format::number(value),
            Scale::SignedNumber => format::signed_number(value),
            Scale::Fixed { decimals, signed } => format::fixed(value, decimals, signed),
        }
    }
}

/// Text written in a column right of the plot, one entry per row, under a
/// heading (a forest plot's numbers, a tornado's input values). Empty
/// entries leave their row blank.
#[derive(Clone, Debug, Default)]
pub struct RowNotes {
    pub heading: String,
    pub rows: Vec<String>,
}

impl RowNotes {
    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(String::is_empty)
    }
}

/// Bars over value ranges, with marked values and a shaded range.
#[derive(Clone, Debug)]
pub struct HistogramPlot {
    pub x_title: String,
    /// What the bars' heights are shares of ("Share of runs (%)").
    pub y_title: String,
    /// (from, to, share of runs in 0..=1), in order.
    pub bins: Vec<(f64, f64, f64)>,
    /// Whole-number data: ticks on whole numbers, gaps between bars.
    pub integer: bool,
    /// A range to shade behind the bars (the 5-95% range).
    pub shade: Option<(f64, f64)>,
    pub markers: Vec<Marker>,
}

/// A vertical line at a value, labelled at the top of the plot.
#[derive(Clone, Debug)]
pub struct Marker {
    pub value: f64,
    pub label: String,
    pub color: RGBColor,
    pub dashed: bool,
}

/// Horizontal bars from zero with interval whiskers; one group of bars per
/// row, one bar per series within a group. Values may be negative (a rank
/// correlation): bars then run left of a zero line.
#[derive(Clone, Debug)]
pub struct BarPlot {
    pub x_title: String,
    pub rows: Vec<String>,
    pub series: Vec<BarSeries>,
    pub scale: Scale,
}

#[derive(Clone, Debug)]
pub struct BarSeries {
    pub color: RGBColor,
    /// The colour of bars below zero, when the sign matters to the reader.
    pub negative: Option<RGBColor>,
    /// One per row; `None` where the series has no value for the row.
    pub values: Vec<Option<Interval>>,
}

/// A point estimate with an interval around it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

/// Lines (with optional bands) over a value or time axis.
#[derive(Clone, Debug)]
pub struct CurvePlot {
    pub x: XAxis,
    pub y_title: String,
    /// y is a probability: drawn as 0-100%.
    pub y_percent: bool,
    pub curves: Vec<Curve>,
    /// Reference lines drawn over the curves (a threshold, a crossing).
    pub guides: Vec<Guide>,
}

/// Curve plots stacked top to bottom, each with its own y axis and a
/// heading, sharing the x axis written under the lowest: for quantities
/// of one kind but very different size (a count in each step and its
/// running total), which on one scale would leave the smaller a flat line.
#[derive(Clone, Debug)]
pub struct PanelsPlot {
    pub panels: Vec<Panel>,
}

#[derive(Clone, Debug)]
pub struct Panel {
    /// What the panel shows, written above it.
    pub heading: String,
    /// Its curves; the x axis of the lowest panel is drawn for all.
    pub plot: CurvePlot,
    /// The panel's share of the height, relative to the others'.
    pub weight: f64,
    /// Its y axis starts at zero (or below), however far above zero the
    /// values lie: counts, whose size is the point.
    pub from_zero: bool,
}

/// A labelled straight line across the plot at one value.
#[derive(Clone, Debug)]
pub struct Guide {
    /// `true`: a horizontal line at y = `value`; `false`: vertical at x.
    pub horizontal: bool,
    pub value: f64,
    pub label: String,
    pub color: RGBColor,
    pub dash: Dash,
}

#[derive(Clone, Debug)]
pub enum XAxis {
    /// Numbers; `integer` puts ticks on whole numbers only.
    Value { title: String, integer: bool },
    /// Shares from 0 to 100%, labelled as percentages.
    Percent { title: String },
    /// Steps, labelled with calendar labels: (step, label) for every step.
    Time {
        title: String,
        labels: Vec<(u32, String)>,
    },
}

#[derive(Clone, Debug)]
pub struct Curve {
    pub color: RGBColor,
    pub points: Vec<(f64, f64)>,
    /// Drawn under the line, widest first.
    pub bands: Vec<Band>,
    /// Draw as a step function, and how.
    pub steps: Steps,
    pub dash: Dash,
    /// Radius of a dot on each point, in pixels at 1200x800 (0: no dots).
    /// Few points of discrete data get dots; overlays shrink them series by
    /// series so coinciding dots show as rings.
    pub dot_radius: f64,
}

/// How a curve joins its points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Steps {
    /// Straight lines between points.
    None,
    /// Each value holds from the previous point up to its own (a chance of
    /// "at least x" for whole numbers).
    Before,
    /// Each value holds from its point to the next (a chance of "at most x").
    After,
}

/// (x, low, high) along a band.
pub type BandPoints = Vec<(f64, f64, f64)>;

#[derive(Clone, Debug)]
pub struct Band {
    pub points: BandPoints,
    pub opacity: f64,
}

/// Bars from a baseline to the outcome at a low and a high input setting,
/// largest swing on top.
#[derive(Clone, Debug)]
pub struct TornadoPlot {
    pub x_title: String,
    pub baseline: f64,
    /// (row label, value at low, value at high), already sorted.
    pub rows: Vec<(String, f64, f64)>,
    pub low_color: RGBColor,
    pub high_color: RGBColor,
    pub scale: Scale,
    /// The input settings of each row, right of the plot (may be empty).
    pub notes: RowNotes,
}

/// Estimates with intervals against a reference line (zero difference):
/// one row per estimate, grouped under heading rows.
#[derive(Clone, Debug)]
pub struct ForestPlot {
    pub x_title: String,
    pub rows: Vec<ForestRow>,
    /// Where "no difference" lies (drawn as a solid line).
    pub reference: f64,
    pub scale: Scale,
    /// Each row's estimate and interval in words, right of the plot.
    pub notes: RowNotes,
}

#[derive(Clone, Debug)]
pub struct ForestRow {
    pub label: String,
    /// A group's heading (an outcome above its scenarios): bold, no mark.
    pub heading: bool,
    pub value: Option<Interval>,
    pub color: RGBColor,
}

/// A grid of values as coloured cells, with a colour bar for the scale.
#[derive(Clone, Debug)]
pub struct HeatmapPlot {
    pub x_title: String,
    pub y_title: String,
    /// Column positions (the second swept parameter), increasing.
    pub xs: Vec<f64>,
    /// Row positions (the first swept parameter), increasing upwards.
    pub ys: Vec<f64>,
    /// `values[i][j]` sits at (`xs[j]`, `ys[i]`); NaN where there is none.
    pub values: Vec<Vec<f64>>,
    /// What the colours measure, written beside the colour bar.
    pub value_title: String,
    pub scale: Scale,
    /// Outline the boundary between cells below and at or above this level.
    pub threshold: Option<f64>,
}
