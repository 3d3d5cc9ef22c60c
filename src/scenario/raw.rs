//! The scenario file as written: TOML walked by hand into plain structs that
//! keep a span for every value.
//!
//! serde stops at the first error; this walker reports every unknown key,
//! wrong type and missing field in the file, each pointed at its place, then
//! carries on. Nothing here interprets expressions or names: that is
//! the checker's job (`check/`). This is the only module that knows TOML.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, FileId, Span, did_you_mean};

/// A value with the place it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

/// The text of an expression and how to map offsets in it back to the file.
#[derive(Clone, Debug, PartialEq)]
pub struct ExprText {
    pub text: String,
    /// The whole TOML value.
    pub span: Span,
    /// File offset of the expression's first byte, when offsets map one to
    /// one (no escapes in the string); otherwise errors point at the value.
    pub base: Option<usize>,
}

impl ExprText {
    /// Map a range inside the expression text to a file span.
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        match self.base {
            Some(base) => Span::new(
                self.span.file,
                base + range.start,
                base + range.end.max(range.start),
            ),
            None => self.span,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawInfo {
    pub name: Option<Sp<String>>,
    pub title: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub runs: Option<Sp<i64>>,
    pub seed: Option<Sp<i64>>,
    pub steps: Option<Sp<i64>>,
    pub step_unit: Option<Sp<String>>,
    pub start: Option<Sp<String>>,
    /// Which variables keep per-step statistics (`series`).
    pub series: Option<Sp<RawSeries>>,
}

/// `[scenario] series`: the variables whose per-step statistics are kept.
#[derive(Clone, Debug, PartialEq)]
pub enum RawSeries {
    /// `"all"`: every state and derived variable.
    All,
    /// `"charted"`: those the charts draw.
    Charted,
    /// A list of state and derived variables (arrays by name), each
    /// with where it is written.
    Names(Vec<Sp<String>>),
}

/// Documentation fields every declared name may carry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawDoc {
    pub doc: Option<Sp<String>>,
    pub source: Option<Sp<Vec<String>>>,
    pub unit: Option<Sp<String>>,
    pub label: Option<Sp<String>>,
}

/// Arrays: the dimensions an entry is declared over (`over = "region"`), and
/// its per-element overrides (`[state.violence.elements.north]`), each an
/// entry of the same kind whose fields replace the shared ones.
#[derive(Clone, Debug, PartialEq)]
pub struct RawOver<T> {
    pub over: Option<Sp<Vec<String>>>,
    pub elements: Option<Sp<Entries<T>>>,
}

impl<T> Default for RawOver<T> {
    fn default() -> Self {
        RawOver {
            over: None,
            elements: None,
        }
    }
}

impl<T> RawOver<T> {
    /// A variant's `over` and overrides replace the base's when given.
    fn merge(self, over: RawOver<T>) -> RawOver<T> {
        RawOver {
            over: over.over.or(self.over),
            elements: over.elements.or(self.elements),
        }
    }
}

/// `[dimensions]`: a list of elements, a range (`"1..5"`, `"r1..r5"`), or
/// the same elements as another dimension (`same_as`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawDimension {
    pub elements: Option<Sp<Vec<String>>>,
    pub same_as: Option<Sp<String>>,
    pub doc: RawDoc,
}

/// Numbers as written in a constant: one number, or nested lists.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValues {
    Num(f64),
    List(Vec<Sp<RawValues>>),
}

/// `[constants]`: a named number, or an array of numbers over dimensions,
/// given in the file (`value`) or read from a CSV file (`file`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawConstant {
    pub value: Option<Sp<RawValues>>,
    pub over: Option<Sp<Vec<String>>>,
    pub file: Option<Sp<String>>,
    /// The text of `file`, read by the loader through the scenario's store
    /// (this module reads no files), with its place among the sources.
    pub loaded: Option<(FileId, String)>,
    pub doc: RawDoc,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawParam {
    pub dist: Option<ExprText>,
    /// `sample = { file = "...", column = "...", weight = "..." }`: drawn
    /// from the rows of a CSV file instead of a distribution.
    pub sample: Option<RawSample>,
    /// Over a dimension: one draw for every element.
    pub shared: Option<Sp<bool>>,
    pub array: RawOver<RawParam>,
    pub doc: RawDoc,
}

/// A parameter drawn from a column of a CSV file (`sample = { ... }`).
#[derive(Clone, Debug, PartialEq)]
pub struct RawSample {
    /// The file, relative to the scenario file that names it.
    pub file: Option<Sp<String>>,
    pub column: Option<Sp<String>>,
    /// A column of row weights; rows are equally likely without it.
    pub weight: Option<Sp<String>>,
    /// The whole `sample` value.
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawState {
    pub init: Option<ExprText>,
    pub update: Option<ExprText>,
    pub min: Option<Sp<f64>>,
    pub max: Option<Sp<f64>>,
    pub array: RawOver<RawState>,
    /// Names of the values 0, 1, ...: a categorical state.
    pub categories: Option<Sp<Vec<String>>>,
    pub doc: RawDoc,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawDerived {
    pub expr: Option<ExprText>,
    pub array: RawOver<RawDerived>,
    pub doc: RawDoc,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawEvent {
    /// Chance per step (a yes/no event).
    pub p: Option<ExprText>,
    /// Exclusive outcomes, each with its chance per step, decided by one
    /// random number.
    pub outcomes: Option<RawBranches>,
    /// Expected count per step (a Poisson count event).
    pub rate: Option<ExprText>,
    pub once: Option<Sp<bool>>,
    pub array: RawOver<RawEvent>,
    /// The category's name while none of the exclusive outcomes has happened.
    pub otherwise: Option<Sp<String>>,
    pub doc: RawDoc,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawOutcome {
    pub expr: Option<ExprText>,
    pub kind: Option<Sp<String>>,
    pub categories: Option<Sp<Vec<String>>>,
    pub may_be_none: Option<Sp<bool>>,
    pub array: RawOver<RawOutcome>,
    pub doc: RawDoc,
}

/// A step as written: its number, or a calendar date (`"2026-07"`).
#[derive(Clone, Debug, PartialEq)]
pub enum StepRef {
    Number(i64),
    Date(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawIntervention {
    pub span: Span,
    pub target: Option<Sp<String>>,
    pub at: Option<Sp<StepRef>>,
    pub from: Option<Sp<StepRef>>,
    pub to: Option<Sp<StepRef>>,
    pub value: Option<ExprText>,
    pub doc: Option<Sp<String>>,
}

/// Named expressions as written (an event's exclusive outcomes).
pub type RawBranches = Sp<Vec<(Sp<String>, ExprText)>>;

/// A lookup table's points as written, each with its place.
pub type RawPoints = Sp<Vec<Sp<(f64, f64)>>>;

/// A lookup table: `points = [[x0, y0], [x1, y1], ...]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawLookup {
    /// Each point as written; a point that is not two numbers was reported
    /// here and left out.
    pub points: Option<RawPoints>,
    pub doc: RawDoc,
}

/// `[inputs.NAME]`: a time series read from a column (or an ensemble of
/// columns) of a CSV file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawInput {
    /// The CSV file, relative to the scenario file that names it.
    pub file: Option<Sp<String>>,
    /// One column: the series.
    pub column: Option<Sp<String>>,
    /// Several columns (or `"*"`, every column but the index): an ensemble
    /// from which each run picks one.
    pub columns: Option<Sp<Vec<String>>>,
    /// The column that says which step a row is (default: the first).
    pub index: Option<Sp<String>>,
    /// `"step"` (step numbers) or `"date"` (calendar dates).
    pub by: Option<Sp<String>>,
    /// After the data's last row: `"error"` (the default) or `"hold"`.
    pub beyond: Option<Sp<String>>,
    pub doc: RawDoc,
}

/// `[[correlations]]`: a rank correlation between two parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct RawCorrelation {
    pub span: Span,
    pub between: Option<Sp<Vec<String>>>,
    pub rank: Option<Sp<f64>>,
    /// Why the parameters move together, for readers of the file.
    pub doc: Option<Sp<String>>,
}

/// Named entries keep file order (the order of outputs and tie-breaks).
pub type Entries<T> = Vec<(Sp<String>, T)>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawScenario {
    pub extends: Option<Sp<String>>,
    pub info: RawInfo,
    pub dimensions: Entries<RawDimension>,
    pub constants: Entries<RawConstant>,
    pub parameters: Entries<RawParam>,
    pub state: Entries<RawState>,
    pub derived: Entries<RawDerived>,
    pub events: Entries<RawEvent>,
    pub outcomes: Entries<RawOutcome>,
    pub lookups: Entries<RawLookup>,
    pub inputs: Entries<RawInput>,
    pub interventions: Vec<RawIntervention>,
    pub correlations: Vec<RawCorrelation>,
    pub charts: RawCharts,
    /// Where to point a problem of the whole scenario (a missing `steps`):
    /// the start of the file.
    pub origin: Option<Span>,
    /// True when `[scenario]` already had a reported problem (so a missing
    /// setting is likely the same mistake and is not reported twice).
    pub info_problems: bool,
}

impl RawScenario {
    /// The names of the state variables, then of the derived variables, as
    /// the file lists them.
    pub fn variable_names(&self) -> Vec<&str> {
        let states = self.state.iter().map(|(n, _)| n.value.as_str());
        states
            .chain(self.derived.iter().map(|(n, _)| n.value.as_str()))
            .collect()
    }
}

/// `[charts]`: which outcomes, variables and events get charts (all if unset).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawCharts {
    pub outcomes: Option<Sp<Vec<String>>>,
    pub variables: Option<Sp<Vec<String>>>,
    pub events: Option<Sp<Vec<String>>>,
    /// `[[charts.groups]]`: charts grouped by the question they answer.
    pub groups: Option<Vec<RawChartGroup>>,
}

/// One `[[charts.groups]]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct RawChartGroup {
    pub span: Span,
    pub title: Option<Sp<String>>,
    pub doc: Option<Sp<String>>,
    pub outcomes: Option<Sp<Vec<String>>>,
    pub variables: Option<Sp<Vec<String>>>,
    pub events: Option<Sp<Vec<String>>>,
}

const TOP_KEYS: &[&str] = &[
    "extends",
    "scenario",
    "parameters",
    "state",
    "derived",
    "events",
    "outcomes",
    "interventions",
    "charts",
    "lookups",
    "correlations",
    "dimensions",
    "constants",
    "inputs",
];
const CHART_KEYS: &[&str] = &["outcomes", "variables", "events", "groups"];
const CHART_GROUP_KEYS: &[&str] = &["title", "doc", "outcomes", "variables", "events"];
const INFO_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "runs",
    "seed",
    "steps",
    "step_unit",
    "start",
    "series",
];
const DOC_KEYS: &[&str] = &["doc", "source", "unit", "label"];
const PARAM_KEYS: &[&str] = &["dist", "sample", "shared", "over", "elements"];
const SAMPLE_KEYS: &[&str] = &["file", "column", "weight"];
const STATE_KEYS: &[&str] = &[
    "init",
    "update",
    "min",
    "max",
    "categories",
    "over",
    "elements",
];
const DERIVED_KEYS: &[&str] = &["expr", "over", "elements"];
const EVENT_KEYS: &[&str] = &[
    "p",
    "rate",
    "once",
    "outcomes",
    "otherwise",
    "over",
    "elements",
];
const OUTCOME_KEYS: &[&str] = &[
    "expr",
    "kind",
    "categories",
    "may_be_none",
    "over",
    "elements",
];
const DIMENSION_KEYS: &[&str] = &["elements", "same_as"];
const CONSTANT_KEYS: &[&str] = &["value", "over", "file"];
const LOOKUP_KEYS: &[&str] = &["points"];
const INPUT_KEYS: &[&str] = &["file", "column", "columns", "index", "by", "beyond"];
const CORRELATION_KEYS: &[&str] = &["between", "rank", "doc"];
const INTERVENTION_KEYS: &[&str] = &["set", "at", "from", "to", "value", "doc"];

/// A typical value of an integer key, for examples in messages.
fn int_example(key: &str) -> i64 {
    match key {
        "runs" => 10000,
        "seed" => 1,
        "steps" => 24,
        _ => 3,
    }
}

/// Parse one scenario file's text. Every problem is pushed to `diags`; what
/// could be read is returned regardless.
pub fn read(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) -> RawScenario {
    let (doc, errors) = DeTable::parse_recoverable(text);
    for err in &errors {
        let span = err.span().unwrap_or(0..0);
        diags.push(
            Diagnostic::new(Span::new(file, span.start, span.end), format!("TOML syntax: {}", err.message().trim()))
                .help("see docs/scenario-format.md for the file's layout; strings need quotes, tables [brackets]"),
        );
    }
    if !errors.is_empty() {
        // A broken file gives unreliable structure: report syntax only.
        return RawScenario::default();
    }
    let mut w = Walker { file, text, diags };
    let mut raw = RawScenario::default();
    let mut top = w.fields(doc.get_ref(), "the top level", TOP_KEYS);
    raw.extends = top.string(&mut w, "extends");
    raw.origin = Some(Span::new(file, 0, 0));
    let before_info = w.diags.len();
    if let Some(t) = top
        .table(&mut w, "scenario")
        .and_then(|t| t.get_ref().as_table())
    {
        let mut f = w.fields(t, "[scenario]", INFO_KEYS);
        raw.info = RawInfo {
            name: f.string(&mut w, "name"),
            title: f.string(&mut w, "title"),
            description: f.string(&mut w, "description"),
            runs: f.int(&mut w, "runs"),
            seed: f.int(&mut w, "seed"),
            steps: f.int(&mut w, "steps"),
            step_unit: f.string(&mut w, "step_unit"),
            start: f.string_or_int(&mut w, "start"),
            series: f.series(&mut w, "series"),
        };
        f.finish(&mut w);
    }
    raw.info_problems = w.diags.len() > before_info;
    if let Some(t) = top.table(&mut w, "dimensions") {
        raw.dimensions = w.entries(t, "dimensions", "elements", DIMENSION_KEYS, |w, f| {
            RawDimension {
                elements: f.strings(w, "elements"),
                same_as: f.string(w, "same_as"),
                doc: f.doc(w),
            }
        });
    }
    if let Some(t) = top.table(&mut w, "constants") {
        raw.constants = w.entries(t, "constants", "value", CONSTANT_KEYS, |w, f| RawConstant {
            value: f.values(w, "value"),
            over: f.strings(w, "over"),
            file: f.string(w, "file"),
            loaded: None,
            doc: f.doc(w),
        });
    }
    if let Some(t) = top.table(&mut w, "parameters") {
        raw.parameters = w.entries(t, "parameters", "dist", PARAM_KEYS, read_param);
    }
    if let Some(t) = top.table(&mut w, "state") {
        raw.state = w.entries(t, "state", "", STATE_KEYS, read_state);
    }
    if let Some(t) = top.table(&mut w, "derived") {
        raw.derived = w.entries(t, "derived", "expr", DERIVED_KEYS, read_derived);
    }
    if let Some(t) = top.table(&mut w, "events") {
        raw.events = w.entries(t, "events", "", EVENT_KEYS, read_event);
    }
    if let Some(t) = top.table(&mut w, "outcomes") {
        raw.outcomes = w.entries(t, "outcomes", "expr", OUTCOME_KEYS, read_outcome);
    }
    if let Some(t) = top.table(&mut w, "lookups") {
        raw.lookups = w.entries(t, "lookups", "points", LOOKUP_KEYS, |w, f| RawLookup {
            points: f.points(w, "points"),
            doc: f.doc(w),
        });
    }
    if let Some(t) = top.table(&mut w, "inputs") {
        raw.inputs = w.entries(t, "inputs", "", INPUT_KEYS, |w, f| RawInput {
            file: f.string(w, "file"),
            column: f.string(w, "column"),
            columns: f.strings(w, "columns"),
            index: f.string(w, "index"),
            by: f.string(w, "by"),
            beyond: f.string(w, "beyond"),
            doc: f.doc(w),
        });
    }
    if let Some(t) = top
        .table(&mut w, "charts")
        .and_then(|t| t.get_ref().as_table())
    {
        let mut f = w.fields(t, "[charts]", CHART_KEYS);
        raw.charts = RawCharts {
            outcomes: f.strings(&mut w, "outcomes"),
            variables: f.strings(&mut w, "variables"),
            events: f.strings(&mut w, "events"),
            groups: f.take(&mut w, "groups").map(|list| w.chart_groups(list)),
        };
        f.finish(&mut w);
    }
    if let Some(list) = top.take(&mut w, "interventions") {
        raw.interventions = w.interventions(list);
    }
    if let Some(list) = top.take(&mut w, "correlations") {
        raw.correlations = w.correlations(list);
    }
    top.finish(&mut w);
    raw
}

fn read_param<'i>(w: &mut Walker<'_, 'i>, f: &mut Fields<'_, 'i>) -> RawParam {
    RawParam {
        dist: f.expr(w, "dist"),
        sample: f.sample(w, "sample"),
        shared: f.bool(w, "shared"),
        array: f.over(w, "parameters", "dist", PARAM_KEYS, read_param),
        doc: f.doc(w),
    }
}

fn read_state<'i>(w: &mut Walker<'_, 'i>, f: &mut Fields<'_, 'i>) -> RawState {
    RawState {
        init: f.expr(w, "init"),
        update: f.expr(w, "update"),
        min: f.float(w, "min"),
        max: f.float(w, "max"),
        categories: f.strings(w, "categories"),
        array: f.over(w, "state", "", STATE_KEYS, read_state),
        doc: f.doc(w),
    }
}

fn read_derived<'i>(w: &mut Walker<'_, 'i>, f: &mut Fields<'_, 'i>) -> RawDerived {
    RawDerived {
        expr: f.expr(w, "expr"),
        array: f.over(w, "derived", "expr", DERIVED_KEYS, read_derived),
        doc: f.doc(w),
    }
}

fn read_event<'i>(w: &mut Walker<'_, 'i>, f: &mut Fields<'_, 'i>) -> RawEvent {
    RawEvent {
        p: f.expr(w, "p"),
        outcomes: f.expr_table(w, "outcomes"),
        rate: f.expr(w, "rate"),
        once: f.bool(w, "once"),
        otherwise: f.string(w, "otherwise"),
        array: f.over(w, "events", "", EVENT_KEYS, read_event),
        doc: f.doc(w),
    }
}

fn read_outcome<'i>(w: &mut Walker<'_, 'i>, f: &mut Fields<'_, 'i>) -> RawOutcome {
    RawOutcome {
        expr: f.expr(w, "expr"),
        kind: f.string(w, "kind"),
        categories: f.strings(w, "categories"),
        may_be_none: f.bool(w, "may_be_none"),
        array: f.over(w, "outcomes", "expr", OUTCOME_KEYS, read_outcome),
        doc: f.doc(w),
    }
}

struct Walker<'a, 'i> {
    file: FileId,
    text: &'i str,
    diags: &'a mut Vec<Diagnostic>,
}

/// The keys of one table, marked as they are read; what is left is unknown.
struct Fields<'t, 'i> {
    table: &'t DeTable<'i>,
    used: Vec<bool>,
    what: String,
    allowed: Vec<&'static str>,
}

impl<'i> Walker<'_, 'i> {
    fn span(&self, r: std::ops::Range<usize>) -> Span {
        Span::new(self.file, r.start, r.end)
    }

    fn fields<'t>(
        &self,
        table: &'t DeTable<'i>,
        what: &str,
        allowed: &[&'static str],
    ) -> Fields<'t, 'i> {
        Fields {
            table,
            used: vec![false; table.len()],
            what: what.to_string(),
            allowed: allowed.to_vec(),
        }
    }

    fn type_error(&mut self, value: &Spanned<DeValue<'i>>, key: &str, want: &str, example: &str) {
        let span = self.span(value.span());
        self.diags.push(
            Diagnostic::new(
                span,
                format!(
                    "`{key}` must be {want}, found {}",
                    value.get_ref().type_str()
                ),
            )
            .help(format!("for example: {key} = {example}")),
        );
    }

    /// A table of named entries, e.g. `[parameters.x]` or `[derived] y = "a*b"`.
    /// With a `short_key`, an entry may be written as a bare value, short for
    /// `{ short_key = value }`.
    fn entries<T>(
        &mut self,
        table: &Spanned<DeValue<'i>>,
        section: &str,
        short_key: &'static str,
        keys: &[&'static str],
        mut build: impl FnMut(&mut Self, &mut Fields<'_, 'i>) -> T,
    ) -> Entries<T> {
        let Some(t) = table.get_ref().as_table() else {
            return Vec::new();
        };
        let mut allowed: Vec<&'static str> = keys.to_vec();
        allowed.extend_from_slice(DOC_KEYS);
        let mut out = Vec::new();
        for (key, value) in t.iter() {
            let name = Sp {
                value: key.get_ref().to_string(),
                span: self.span(key.span()),
            };
            let entry = match value.get_ref() {
                DeValue::Table(inner) => {
                    let mut f =
                        self.fields(inner, &format!("[{section}.{}]", name.value), &allowed);
                    let entry = build(self, &mut f);
                    f.finish(self);
                    entry
                }
                DeValue::String(_)
                | DeValue::Integer(_)
                | DeValue::Float(_)
                | DeValue::Array(_)
                    if !short_key.is_empty() =>
                {
                    // Build from a one-key view of the bare value.
                    let mut single = DeTable::new();
                    single.insert(Spanned::new(key.span(), short_key.into()), value.clone());
                    let mut f =
                        self.fields(&single, &format!("[{section}.{}]", name.value), &allowed);
                    let entry = build(self, &mut f);
                    f.finish(self);
                    entry
                }
                _ => {
                    let span = self.span(value.span());
                    let help = if short_key.is_empty() {
                        format!(
                            "write a table: [{section}.{}] with its keys ({})",
                            name.value,
                            keys.join(", ")
                        )
                    } else {
                        format!(
                            "write `{} = \"expression\"` or a table [{section}.{}] with {}",
                            name.value,
                            name.value,
                            keys.join(", ")
                        )
                    };
                    self.diags.push(
                        Diagnostic::new(
                            span,
                            format!(
                                "`{}` in [{section}] must be a table, found {}",
                                name.value,
                                value.get_ref().type_str()
                            ),
                        )
                        .help(help),
                    );
                    continue;
                }
            };
            out.push((name, entry));
        }
        out
    }

    fn correlations(&mut self, list: &Spanned<DeValue<'i>>) -> Vec<RawCorrelation> {
        let Some(items) = list.get_ref().as_array() else {
            let span = self.span(list.span());
            self.diags.push(
                Diagnostic::new(span, "`correlations` must be a list of tables")
                    .help("write each as its own [[correlations]] table (double brackets), with between = [\"a\", \"b\"] and rank = 0.5"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let Some(t) = item.get_ref().as_table() else {
                self.type_error(item, "correlations", "a list of tables", "[[correlations]]");
                continue;
            };
            let mut f = self.fields(t, "[[correlations]]", CORRELATION_KEYS);
            out.push(RawCorrelation {
                span: self.span(item.span()),
                between: f.strings(self, "between"),
                rank: f.float(self, "rank"),
                doc: f.string(self, "doc"),
            });
            f.finish(self);
        }
        out
    }

    fn chart_groups(&mut self, list: &Spanned<DeValue<'i>>) -> Vec<RawChartGroup> {
        let example = "[[charts.groups]]";
        let Some(items) = list.get_ref().as_array() else {
            self.type_error(list, "groups", "a list of tables", example);
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let Some(t) = item.get_ref().as_table() else {
                self.type_error(item, "groups", "a list of tables", example);
                continue;
            };
            let mut f = self.fields(t, "[[charts.groups]]", CHART_GROUP_KEYS);
            out.push(RawChartGroup {
                span: self.span(item.span()),
                title: f.string(self, "title"),
                doc: f.string(self, "doc"),
                outcomes: f.strings(self, "outcomes"),
                variables: f.strings(self, "variables"),
                events: f.strings(self, "events"),
            });
            f.finish(self);
        }
        out
    }

    fn interventions(&mut self, list: &Spanned<DeValue<'i>>) -> Vec<RawIntervention> {
        let Some(items) = list.get_ref().as_array() else {
            let span = self.span(list.span());
            self.diags.push(
                Diagnostic::new(span, "`interventions` must be a list of tables")
                    .help("write each intervention as its own [[interventions]] table (double brackets), with keys set, at (or from/to) and value"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let Some(t) = item.get_ref().as_table() else {
                self.type_error(
                    item,
                    "interventions",
                    "a list of tables",
                    "[[interventions]]",
                );
                continue;
            };
            let mut f = self.fields(t, "[[interventions]]", INTERVENTION_KEYS);
            out.push(RawIntervention {
                span: self.span(item.span()),
                target: f.string(self, "set"),
                at: f.step(self, "at"),
                from: f.step(self, "from"),
                to: f.step(self, "to"),
                value: f.expr(self, "value"),
                doc: f.string(self, "doc"),
            });
            f.finish(self);
        }
        out
    }
}

impl<'t, 'i> Fields<'t, 'i> {
    fn take(&mut self, _w: &mut Walker<'_, 'i>, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        let (index, (_, value)) = self
            .table
            .iter()
            .enumerate()
            .find(|(_, (k, _))| k.get_ref() == key)?;
        self.used[index] = true;
        Some(value)
    }

    fn table(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        let v = self.take(w, key)?;
        if v.get_ref().is_table() {
            Some(v)
        } else {
            w.type_error(
                v,
                key,
                "a table",
                &format!("[{key}] on a line of its own, then its keys"),
            );
            None
        }
    }

    fn string(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<Sp<String>> {
        let v = self.take(w, key)?;
        match v.get_ref().as_str() {
            Some(s) => Some(Sp {
                value: s.to_string(),
                span: w.span(v.span()),
            }),
            None => {
                w.type_error(v, key, "a string", "\"...\"");
                None
            }
        }
    }

    /// A label such as `start = "2025-12"` or `start = 2025`.
    fn string_or_int(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<Sp<String>> {
        let v = self.take(w, key)?;
        let span = w.span(v.span());
        match v.get_ref() {
            DeValue::String(s) => Some(Sp {
                value: s.to_string(),
                span,
            }),
            DeValue::Integer(i) => Some(Sp {
                value: i.as_str().to_string(),
                span,
            }),
            DeValue::Datetime(d) => Some(Sp {
                value: d.to_string(),
                span,
            }),
            _ => {
                w.type_error(v, key, "a string", "\"2025-12\"");
                None
            }
        }
    }

    fn int(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<Sp<i64>> {
        let v = self.take(w, key)?;
        let span = w.span(v.span());
        match v.get_ref() {
            DeValue::Integer(i) => {
                match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => Some(Sp { value: n, span }),
                    Err(_) => {
                        w.diags.push(
                            Diagnostic::new(span, format!("`{key}` is too large a number"))
                                .help("use a smaller whole number"),
                        );
                        None
                    }
                }
            }
            DeValue::Float(f) => {
                w.diags.push(
                    Diagnostic::new(
                        span,
                        format!("`{key}` must be a whole number, found {}", f.as_str()),
                    )
                    .help(format!(
                        "write it without a decimal point, e.g. {key} = {}",
                        int_example(key)
                    )),
                );
                None
            }
            _ => {
                w.type_error(v, key, "a whole number", &int_example(key).to_string());
                None
            }
        }
    }

    /// A step: a whole number, or a calendar date in quotes.
    fn step(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<Sp<StepRef>> {
        let v = self.take(w, key)?;
        if let Some(date) = v.get_ref().as_str() {
            return Some(Sp {
                value: StepRef::Date(date.to_string()),
                span: w.span(v.span()),
            });
        }
        let n = self.int(w, key)?;
        Some(Sp {
            value: StepRef::Number(n.value),
            span: n.span,
        })
    }

    fn float(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<Sp<f64>> {
        let v = self.take(w, key)?;
        let span = w.span(v.span());
        let parsed = number(v.get_ref());
        if parsed.is_none() {
            w.type_error(v, key, "a number", "0.5");
        }
        parsed.map(|value| Sp { value, span })
    }

    fn bool(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<Sp<bool>> {
        let v = self.take(w, key)?;
        match v.get_ref().as_bool() {
            Some(b) => Some(Sp {
                value: b,
                span: w.span(v.span()),
            }),
            None => {
                w.type_error(v, key, "true or false", "true");
                None
            }
        }
    }

    /// A string, or an array of strings (`source = "C1"` or `["C1", "C7"]`).
    fn strings(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<Sp<Vec<String>>> {
        let v = self.take(w, key)?;
        let span = w.span(v.span());
        match v.get_ref() {
            DeValue::String(s) => Some(Sp {
                value: vec![s.to_string()],
                span,
            }),
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref().as_str() {
                        Some(s) => out.push(s.to_string()),
                        None => w.type_error(item, key, "a list of strings", "[\"C1\", \"C7\"]"),
                    }
                }
                Some(Sp { value: out, span })
            }
            _ => {
                w.type_error(v, key, "a string or a list of strings", "[\"C1\", \"C7\"]");
                None
            }
        }
    }

    /// `"all"`, `"charted"` or a list of names (`series`).
    fn series(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<Sp<RawSeries>> {
        let v = self.take(w, key)?;
        let span = w.span(v.span());
        let example = "[\"trust\", \"violence\"]";
        let value = match v.get_ref() {
            DeValue::String(s) if s.as_ref() == "all" => RawSeries::All,
            DeValue::String(s) if s.as_ref() == "charted" => RawSeries::Charted,
            DeValue::String(s) => {
                w.diags.push(
                    Diagnostic::new(
                        span,
                        format!("`{key} = \"{s}\"` is not a choice of variables"),
                    )
                    .help(format!(
                        "write \"all\" (the default), \"charted\" (the variables the charts draw) \
                         or a list of state and derived variables, e.g. {key} = {example}"
                    )),
                );
                return None;
            }
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref().as_str() {
                        Some(s) => out.push(Sp {
                            value: s.to_string(),
                            span: w.span(item.span()),
                        }),
                        None => w.type_error(item, key, "a list of variable names", example),
                    }
                }
                RawSeries::Names(out)
            }
            _ => {
                w.type_error(
                    v,
                    key,
                    "\"all\", \"charted\" or a list of variable names",
                    example,
                );
                return None;
            }
        };
        Some(Sp { value, span })
    }

    /// A list of `[x, y]` pairs of numbers (a lookup table's points).
    fn points(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<RawPoints> {
        let v = self.take(w, key)?;
        let example = "[[0, 0], [0.5, 0.8], [1, 1]]";
        let Some(items) = v.get_ref().as_array() else {
            w.type_error(v, key, "a list of [x, y] pairs", example);
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let pair: Option<Vec<f64>> = item
                .get_ref()
                .as_array()
                .map(|xy| xy.iter().map(|n| number(n.get_ref())).collect())
                .and_then(|xy: Vec<Option<f64>>| xy.into_iter().collect());
            match pair.as_deref() {
                Some(&[x, y]) => out.push(Sp {
                    value: (x, y),
                    span: w.span(item.span()),
                }),
                _ => {
                    let span = w.span(item.span());
                    w.diags.push(
                        Diagnostic::new(
                            span,
                            format!("each point of `{key}` must be a pair of numbers [x, y]"),
                        )
                        .help(format!("for example: {key} = {example}")),
                    );
                }
            }
        }
        Some(Sp {
            value: out,
            span: w.span(v.span()),
        })
    }

    /// A parameter's `sample = { file = "...", column = "...", weight = "..." }`.
    fn sample(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<RawSample> {
        let v = self.take(w, key)?;
        let Some(table) = v.get_ref().as_table() else {
            w.type_error(
                v,
                key,
                "a table naming a CSV file and a column",
                "{ file = \"posterior.csv\", column = \"theta\" }",
            );
            return None;
        };
        let mut f = w.fields(table, "`sample`", SAMPLE_KEYS);
        let sample = RawSample {
            file: f.string(w, "file"),
            column: f.string(w, "column"),
            weight: f.string(w, "weight"),
            span: w.span(v.span()),
        };
        f.finish(w);
        Some(sample)
    }

    /// `over` (a dimension or a list of them) and `elements` (per-element
    /// overrides, each read as an entry of the section).
    fn over<T>(
        &mut self,
        w: &mut Walker<'_, 'i>,
        section: &str,
        short_key: &'static str,
        keys: &[&'static str],
        build: fn(&mut Walker<'_, 'i>, &mut Fields<'_, 'i>) -> T,
    ) -> RawOver<T> {
        let over = self.strings(w, "over");
        let elements = self.take(w, "elements").and_then(|v| {
            if !v.get_ref().is_table() {
                w.type_error(
                    v,
                    "elements",
                    "a table of element names and overrides",
                    "{ north = \"0.4\" }",
                );
                return None;
            }
            let span = w.span(v.span());
            let keys: Vec<&'static str> = keys
                .iter()
                .copied()
                .filter(|k| !matches!(*k, "over" | "elements" | "shared"))
                .collect();
            let value = w.entries(v, &format!("{section}.elements"), short_key, &keys, build);
            Some(Sp { value, span })
        });
        RawOver { over, elements }
    }

    /// A number or nested lists of numbers (a constant's value).
    fn values(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<Sp<RawValues>> {
        fn walk<'i>(
            w: &mut Walker<'_, 'i>,
            key: &str,
            v: &Spanned<DeValue<'i>>,
        ) -> Option<Sp<RawValues>> {
            let span = w.span(v.span());
            let value = match v.get_ref() {
                DeValue::Array(items) => RawValues::List(
                    items
                        .iter()
                        .map(|item| walk(w, key, item))
                        .collect::<Option<Vec<_>>>()?,
                ),
                other => match number(other) {
                    Some(n) => RawValues::Num(n),
                    None => {
                        w.type_error(v, key, "a number or a list of numbers", "[0.2, 0.4, 0.1]");
                        return None;
                    }
                },
            };
            Some(Sp { value, span })
        }
        let v = self.take(w, key)?;
        walk(w, key, v)
    }

    /// An expression: a string of the expression language, or a bare number.
    fn expr(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<ExprText> {
        let v = self.take(w, key)?;
        expr_value(w, key, v)
    }

    /// A table of named expressions (`outcomes = { deal = "0.1", ... }`).
    fn expr_table(&mut self, w: &mut Walker<'_, 'i>, key: &str) -> Option<RawBranches> {
        let v = self.take(w, key)?;
        let Some(table) = v.get_ref().as_table() else {
            w.type_error(
                v,
                key,
                "a table of names and chances",
                "{ deal = \"0.1\", breakdown = \"0.05\" }",
            );
            return None;
        };
        let mut out = Vec::new();
        for (name, value) in table.iter() {
            let name = Sp {
                value: name.get_ref().to_string(),
                span: w.span(name.span()),
            };
            if let Some(e) = expr_value(w, &name.value, value) {
                out.push((name, e));
            }
        }
        Some(Sp {
            value: out,
            span: w.span(v.span()),
        })
    }

    fn doc(&mut self, w: &mut Walker<'_, 'i>) -> RawDoc {
        RawDoc {
            doc: self.string(w, "doc"),
            source: self.strings(w, "source"),
            unit: self.string(w, "unit"),
            label: self.string(w, "label"),
        }
    }

    /// Report every key that no reader asked for.
    fn finish(self, w: &mut Walker<'_, 'i>) {
        for (index, (key, value)) in self.table.iter().enumerate() {
            if self.used[index] {
                continue;
            }
            let name = key.get_ref();
            let span = w.span(key.span());
            let message = if self.what == "the top level" && value.get_ref().is_table() {
                format!("unknown section `[{name}]`")
            } else {
                format!("unknown key `{name}` in {}", self.what)
            };
            let mut d = Diagnostic::new(span, message).label("not recognised here");
            d = match closest_key(name, &self.allowed) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!(
                    "the keys allowed here are: {}",
                    self.allowed.join(", ")
                )),
            };
            w.diags.push(d);
        }
    }
}

/// An expression from a TOML value: a string of the expression language, or a bare number.
fn expr_value<'i>(w: &mut Walker<'_, 'i>, key: &str, v: &Spanned<DeValue<'i>>) -> Option<ExprText> {
    let range = v.span();
    let span = w.span(range.clone());
    let raw = w.text.get(range.clone()).unwrap_or("");
    match v.get_ref() {
        DeValue::String(s) => {
            let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
                3
            } else {
                1
            };
            let mut inner_start = range.start + quote;
            let mut inner = raw
                .get(quote..raw.len().saturating_sub(quote))
                .unwrap_or("");
            if quote == 3 && inner.starts_with('\n') {
                inner = &inner[1..];
                inner_start += 1;
            }
            let base = (inner == s.as_ref()).then_some(inner_start);
            Some(ExprText {
                text: s.to_string(),
                span,
                base,
            })
        }
        DeValue::Integer(_) | DeValue::Float(_) => Some(ExprText {
            text: raw.replace('_', ""),
            span,
            base: (!raw.contains('_')).then_some(range.start),
        }),
        _ => {
            w.type_error(
                v,
                key,
                "an expression in quotes, or a number",
                "\"0.3 * trust\"",
            );
            None
        }
    }
}

/// A TOML integer or float as a number (`inf`, `-inf` and `nan` included).
fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .or(match f.as_str() {
                "inf" | "+inf" => Some(f64::INFINITY),
                "-inf" => Some(f64::NEG_INFINITY),
                _ => None,
            }),
        _ => None,
    }
}

/// The allowed key a misspelt `name` most likely meant: a close spelling
/// (`stesp` for `steps`), else the one allowed key that `name` starts with
/// or that starts with `name` (`prob` or `probability` for `p`, `dis` for
/// `dist`).
fn closest_key<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    if let Some(close) = did_you_mean(name, allowed.iter().copied()) {
        return Some(close);
    }
    let lower = name.to_lowercase();
    let mut related = allowed
        .iter()
        .copied()
        .filter(|key| lower.starts_with(key) || key.starts_with(lower.as_str()));
    match (related.next(), related.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// Merge a variant over its base: scenario settings and each named entry's
/// fields override one by one (a variant can change a parameter's `dist` and
/// keep its `doc`); new entries are appended; interventions accumulate.
pub fn merge(base: RawScenario, over: RawScenario) -> RawScenario {
    fn pick<T>(b: Option<T>, o: Option<T>) -> Option<T> {
        o.or(b)
    }
    fn merge_doc(b: RawDoc, o: RawDoc) -> RawDoc {
        RawDoc {
            doc: pick(b.doc, o.doc),
            source: pick(b.source, o.source),
            unit: pick(b.unit, o.unit),
            label: pick(b.label, o.label),
        }
    }
    fn merge_entries<T>(base: Entries<T>, over: Entries<T>, f: impl Fn(T, T) -> T) -> Entries<T> {
        let mut out = base;
        for (name, entry) in over {
            match out.iter().position(|(n, _)| n.value == name.value) {
                Some(i) => {
                    let (_, old) = out.remove(i);
                    out.insert(i, (name, f(old, entry)));
                }
                None => out.push((name, entry)),
            }
        }
        out
    }
    let info = RawInfo {
        name: pick(base.info.name, over.info.name),
        title: pick(base.info.title, over.info.title),
        description: pick(base.info.description, over.info.description),
        runs: pick(base.info.runs, over.info.runs),
        seed: pick(base.info.seed, over.info.seed),
        steps: pick(base.info.steps, over.info.steps),
        step_unit: pick(base.info.step_unit, over.info.step_unit),
        start: pick(base.info.start, over.info.start),
        series: pick(base.info.series, over.info.series),
    };
    let mut interventions = base.interventions;
    interventions.extend(over.interventions);
    let mut correlations = base.correlations;
    correlations.extend(over.correlations);
    RawScenario {
        extends: None,
        origin: over.origin.or(base.origin),
        info_problems: base.info_problems || over.info_problems,
        charts: RawCharts {
            outcomes: pick(base.charts.outcomes, over.charts.outcomes),
            variables: pick(base.charts.variables, over.charts.variables),
            events: pick(base.charts.events, over.charts.events),
            groups: pick(base.charts.groups, over.charts.groups),
        },
        info,
        dimensions: merge_entries(base.dimensions, over.dimensions, |b, o| RawDimension {
            elements: pick(b.elements, o.elements),
            same_as: pick(b.same_as, o.same_as),
            doc: merge_doc(b.doc, o.doc),
        }),
        constants: merge_entries(base.constants, over.constants, |b, o| {
            // `value` and `file` are alternatives: the variant's one wins.
            let (value, file) = if o.value.is_some() || o.file.is_some() {
                (o.value, o.file)
            } else {
                (b.value, b.file)
            };
            RawConstant {
                value,
                file,
                loaded: None,
                over: pick(b.over, o.over),
                doc: merge_doc(b.doc, o.doc),
            }
        }),
        parameters: merge_entries(base.parameters, over.parameters, |b, o| {
            // `dist` and `sample` are alternatives: a variant that sets one
            // drops the base's other.
            let (dist, sample) = if o.dist.is_some() || o.sample.is_some() {
                (o.dist, o.sample)
            } else {
                (b.dist, b.sample)
            };
            RawParam {
                dist,
                sample,
                shared: pick(b.shared, o.shared),
                array: b.array.merge(o.array),
                doc: merge_doc(b.doc, o.doc),
            }
        }),
        state: merge_entries(base.state, over.state, |b, o| RawState {
            init: pick(b.init, o.init),
            update: pick(b.update, o.update),
            min: pick(b.min, o.min),
            max: pick(b.max, o.max),
            array: b.array.merge(o.array),
            categories: pick(b.categories, o.categories),
            doc: merge_doc(b.doc, o.doc),
        }),
        derived: merge_entries(base.derived, over.derived, |b, o| RawDerived {
            expr: pick(b.expr, o.expr),
            array: b.array.merge(o.array),
            doc: merge_doc(b.doc, o.doc),
        }),
        events: merge_entries(base.events, over.events, |b, o| {
            // `p`, `rate` and `outcomes` are alternatives: a variant that sets
            // one drops the others, and `once` with them (it belongs to `p`).
            let outcomes = if o.p.is_some() || o.rate.is_some() {
                o.outcomes.clone()
            } else {
                pick(b.outcomes, o.outcomes.clone())
            };
            let (p, rate, once) = if o.outcomes.is_some() {
                (o.p, o.rate, pick(b.once, o.once))
            } else if o.rate.is_some() {
                (o.p, o.rate, o.once)
            } else if o.p.is_some() {
                let once = if b.p.is_some() {
                    pick(b.once, o.once)
                } else {
                    o.once
                };
                (o.p, None, once)
            } else {
                (b.p, b.rate, pick(b.once, o.once))
            };
            RawEvent {
                p,
                outcomes,
                rate,
                once,
                array: b.array.merge(o.array),
                otherwise: pick(b.otherwise, o.otherwise),
                doc: merge_doc(b.doc, o.doc),
            }
        }),
        lookups: merge_entries(base.lookups, over.lookups, |b, o| RawLookup {
            points: pick(b.points, o.points),
            doc: merge_doc(b.doc, o.doc),
        }),
        inputs: merge_entries(base.inputs, over.inputs, |b, o| {
            // `column` and `columns` are alternatives: a variant that sets
            // one drops the base's other.
            let (column, columns) = if o.column.is_some() || o.columns.is_some() {
                (o.column, o.columns)
            } else {
                (b.column, b.columns)
            };
            RawInput {
                file: pick(b.file, o.file),
                column,
                columns,
                index: pick(b.index, o.index),
                by: pick(b.by, o.by),
                beyond: pick(b.beyond, o.beyond),
                doc: merge_doc(b.doc, o.doc),
            }
        }),
        outcomes: merge_entries(base.outcomes, over.outcomes, |b, o| RawOutcome {
            expr: pick(b.expr, o.expr),
            kind: pick(b.kind, o.kind),
            categories: pick(b.categories, o.categories),
            may_be_none: pick(b.may_be_none, o.may_be_none),
            array: b.array.merge(o.array),
            doc: merge_doc(b.doc, o.doc),
        }),
        interventions,
        correlations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_keys_find_the_key_meant() {
        let event = ["p", "rate", "once", "doc", "source", "unit", "label"];
        assert_eq!(closest_key("prob", &event), Some("p"));
        assert_eq!(closest_key("probability", &event), Some("p"));
        assert_eq!(closest_key("rates", &event), Some("rate"));
        assert_eq!(closest_key("chance", &event), None);
        // Two keys share the prefix: no guess.
        assert_eq!(closest_key("d", &["dist", "doc"]), None);
    }

    fn read_str(text: &str) -> (RawScenario, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let raw = read(FileId(0), text, &mut diags);
        (raw, diags)
    }

    #[test]
    fn reads_every_section() {
        let (raw, diags) = read_str(
            r#"
[scenario]
name = "x"
steps = 12
start = "2025-12"
[parameters]
a = "uniform(0, 1)"
b = 0.5
[parameters.c]
dist = "pert(1, 2, 3)"
source = ["C1", "C2"]
[state.s]
init = 0
update = "s + a"
[derived]
d = "s * 2"
[events.e]
p = "a"
once = true
[outcomes]
o = "ever(e)"
[[interventions]]
set = "e"
at = 3
value = 1
"#,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(raw.info.steps.as_ref().map(|s| s.value), Some(12));
        assert_eq!(raw.parameters.len(), 3);
        assert_eq!(
            raw.parameters[1].1.dist.as_ref().map(|e| e.text.as_str()),
            Some("0.5")
        );
        assert_eq!(
            raw.parameters[2]
                .1
                .doc
                .source
                .as_ref()
                .map(|s| s.value.len()),
            Some(2)
        );
        assert_eq!(raw.events[0].1.once.as_ref().map(|b| b.value), Some(true));
        assert_eq!(raw.interventions.len(), 1);
    }

    #[test]
    fn expression_offsets_map_into_the_file() {
        let text = "[derived]\nd = \"s * 2\"\n";
        let (raw, _) = read_str(text);
        let e = raw.derived[0].1.expr.as_ref().unwrap();
        let span = e.span_of(4..5);
        assert_eq!(&text[span.start..span.end], "2");
    }

    #[test]
    fn every_unknown_key_is_reported() {
        let (_, diags) =
            read_str("[scenario]\nstesp = 3\nruns = 10\nseeed = 1\n[outcome]\nx = 1\n");
        let messages: Vec<_> = diags.iter().map(|d| d.message.clone()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            diags[0].help.as_deref().unwrap_or("").contains("steps"),
            "{diags:?}"
        );
        assert!(
            diags
                .iter()
                .any(|d| d.help.as_deref().unwrap_or("").contains("outcomes")),
            "{diags:?}"
        );
    }

    #[test]
    fn wrong_types_are_reported() {
        let (_, diags) =
            read_str("[scenario]\nsteps = \"ten\"\nruns = 1.5\n[events.e]\nonce = 1\n");
        assert_eq!(diags.len(), 3, "{diags:?}");
    }

    #[test]
    fn syntax_error_has_a_span() {
        let (_, diags) = read_str("[scenario\nsteps = 3\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.starts_with("TOML syntax"));
    }

    #[test]
    fn merge_of_events_switches_between_chance_and_rate() {
        let (base, _) = read_str("[events.e]\np = 0.1\nonce = true\n");
        // a new chance keeps `once`
        let (over, _) = read_str("[events.e]\np = 0.2\n");
        let e = &merge(base.clone(), over).events[0].1;
        assert_eq!(e.once.as_ref().map(|o| o.value), Some(true));
        // a rate replaces the chance, and `once` goes with it
        let (over, _) = read_str("[events.e]\nrate = 0.5\n");
        let e = &merge(base, over).events[0].1;
        assert!(e.p.is_none() && e.once.is_none() && e.rate.is_some());
    }

    #[test]
    fn merge_overrides_fields_and_keeps_the_rest() {
        let (base, _) = read_str(
            "[parameters.a]\ndist = \"uniform(0, 1)\"\ndoc = \"kept\"\n[parameters.b]\ndist = 1\n",
        );
        let (over, _) = read_str("[parameters.a]\ndist = 0.5\n[parameters.c]\ndist = 2\n");
        let merged = merge(base, over);
        let names: Vec<_> = merged
            .parameters
            .iter()
            .map(|(n, _)| n.value.as_str())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        let a = &merged.parameters[0].1;
        assert_eq!(a.dist.as_ref().map(|e| e.text.as_str()), Some("0.5"));
        assert_eq!(a.doc.doc.as_ref().map(|d| d.value.as_str()), Some("kept"));
    }
}
