//! The checked model: every name resolved to an index, every expression
//! type-checked, evaluation order fixed.
//!
//! **Invariant:** a `Model` that exists has passed checking; compiling it
//! into an engine program cannot fail. Nothing here knows TOML or serde.

use crate::diag::Span;
use crate::dist::{Dist, DistKind};
use crate::expr::builtins::{Agg, Func, Memory};
use crate::expr::{BinOp, UnOp};

/// Index of a variable in [`Model::vars`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarId(pub u32);

/// A resolved expression.
#[derive(Clone, Debug, PartialEq)]
pub enum MExpr {
    Const(f64),
    Var(VarId),
    /// The current step `t`.
    Time,
    Unary(UnOp, Box<MExpr>),
    Binary(BinOp, Box<MExpr>, Box<MExpr>),
    If(Box<MExpr>, Box<MExpr>, Box<MExpr>),
    Call(Func, Vec<MExpr>),
    /// A random draw; `site` numbers the draws of one owner so each gets its
    /// own random stream.
    Random {
        kind: DistKind,
        args: Vec<MExpr>,
        site: u32,
    },
    /// A function with memory (`prev`, `smooth`, `delay3`, ...): its hidden
    /// state is created by the compiler. `time` (the delay or averaging time)
    /// and `init` are fixed for the run; `lag` is a lag's whole number of
    /// steps; `id` numbers the calls of the whole model.
    Memory {
        kind: Memory,
        input: Box<MExpr>,
        time: Option<Box<MExpr>>,
        init: Option<Box<MExpr>>,
        lag: u32,
        id: u32,
    },
    /// A lookup table read at the argument's value.
    Lookup(Box<Table>, Box<MExpr>),
    /// One column of the row of a CSV file drawn for this run
    /// (`sample = { file, column }`); every draw of the same file in a run
    /// takes the same row.
    Resample(Box<Resample>),
    /// An aggregate over the run, only in outcomes. `step` is `at`'s step.
    Agg {
        agg: Agg,
        arg: Box<MExpr>,
        step: Option<u32>,
    },
}

impl MExpr {
    pub fn walk(&self, f: &mut impl FnMut(&MExpr)) {
        f(self);
        match self {
            MExpr::Const(_) | MExpr::Var(_) | MExpr::Time | MExpr::Resample(_) => {}
            MExpr::Unary(_, a) => a.walk(f),
            MExpr::Binary(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            MExpr::If(c, a, b) => {
                c.walk(f);
                a.walk(f);
                b.walk(f);
            }
            MExpr::Call(_, args) | MExpr::Random { args, .. } => {
                args.iter().for_each(|a| a.walk(f))
            }
            MExpr::Agg { arg, .. } | MExpr::Lookup(_, arg) => arg.walk(f),
            MExpr::Memory {
                input, time, init, ..
            } => {
                input.walk(f);
                for e in [time, init].into_iter().flatten() {
                    e.walk(f);
                }
            }
        }
    }

    /// Variables whose value of this step this expression needs: those of
    /// [`MExpr::vars`] except what a function with memory reads only at the
    /// end of the step (its input, when its state is not seeded from it) or
    /// before the run (its time and initial value). The order of a step
    /// follows these.
    pub fn vars_now(&self) -> Vec<VarId> {
        let mut out = Vec::new();
        self.collect_now(&mut out);
        out
    }

    fn collect_now(&self, out: &mut Vec<VarId>) {
        match self {
            MExpr::Var(v) => out.push(*v),
            MExpr::Const(_) | MExpr::Time | MExpr::Resample(_) => {}
            MExpr::Unary(_, a) | MExpr::Agg { arg: a, .. } | MExpr::Lookup(_, a) => {
                a.collect_now(out)
            }
            MExpr::Binary(_, a, b) => {
                a.collect_now(out);
                b.collect_now(out);
            }
            MExpr::If(c, a, b) => {
                for e in [c, a, b] {
                    e.collect_now(out);
                }
            }
            MExpr::Call(_, args) | MExpr::Random { args, .. } => {
                args.iter().for_each(|a| a.collect_now(out))
            }
            MExpr::Memory {
                kind, input, init, ..
            } => {
                if reads_input_now(*kind, init.is_some()) {
                    input.collect_now(out);
                }
            }
        }
    }
}

/// Whether a function with memory needs its input's value of this step
/// where it is read: a trend always (it compares the input with its
/// average), smoothing and delays only when their state is seeded from the
/// input at step 1 (no initial value given), lags never.
pub fn reads_input_now(kind: Memory, has_init: bool) -> bool {
    match kind {
        Memory::Prev | Memory::DelayFixed => false,
        Memory::Trend => true,
        Memory::Smooth | Memory::Smooth3 | Memory::Delay1 | Memory::Delay3 => !has_init,
    }
}

impl MExpr {
    /// Variables this expression reads (with repeats).
    pub fn vars(&self) -> Vec<VarId> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let MExpr::Var(v) = e {
                out.push(*v);
            }
        });
        out
    }

    pub fn is_random(&self) -> bool {
        let mut random = false;
        self.walk(&mut |e| random |= matches!(e, MExpr::Random { .. } | MExpr::Resample(_)));
        random
    }
}

/// A lookup table (a graphical function): points `(xs[i], ys[i])` with `xs`
/// strictly increasing, joined by straight lines and flat beyond the ends.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub name: String,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
}

impl Table {
    /// The table's value at `x`: linear between neighbouring points, the
    /// first point's `y` at or below the first `x`, the last point's at or
    /// above the last; NaN for NaN.
    #[inline]
    pub fn at(&self, x: f64) -> f64 {
        let (xs, ys) = (&self.xs, &self.ys);
        let (Some(&x0), Some(&xn)) = (xs.first(), xs.last()) else {
            return f64::NAN;
        };
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= x0 {
            return ys[0];
        }
        if x >= xn {
            return ys[ys.len() - 1];
        }
        // xs[i - 1] < x < ... : the segment [xs[i - 1], xs[i]] holds x.
        let i = xs.partition_point(|&v| v <= x);
        let (xa, xb, ya, yb) = (xs[i - 1], xs[i], ys[i - 1], ys[i]);
        ya + (x - xa) * (yb - ya) / (xb - xa)
    }
}

/// A parameter drawn from the rows of a CSV file: the values of one column,
/// with the rows' weights, as a discrete distribution over rows. The row is
/// picked from the stream of `key` (the file), so every parameter of the
/// same file takes the same row in a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Resample {
    /// The random stream's key: the file as the scenario names it.
    pub key: String,
    /// The file as read (for messages and `polsim check`).
    pub file: String,
    pub column: String,
    /// The weight column, when rows are not equally likely.
    pub weight: Option<String>,
    pub rows: usize,
    /// `discrete(value_1, weight_1, ...)` in row order.
    pub dist: Box<Dist>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventMode {
    /// Happens at most once, then stays true (a repeal passing).
    Once,
    /// May happen at any step, independently given its chance.
    Repeat,
    /// A Poisson count per step with the given rate.
    Count,
}

#[derive(Clone, Debug, PartialEq)]
pub enum VarKind {
    /// Drawn once per run. `dist` is set when the definition is a single
    /// distribution with constant arguments (or a constant): then quantiles are
    /// known and sensitivity analysis can steer it.
    Param {
        def: MExpr,
        dist: Option<Dist>,
    },
    State {
        init: MExpr,
        update: MExpr,
        min: Option<f64>,
        max: Option<f64>,
    },
    Derived {
        expr: MExpr,
    },
    Event {
        mode: EventMode,
        chance: MExpr,
        /// Set for one of an event's exclusive outcomes.
        branch: Option<Branch>,
    },
}

impl VarKind {
    pub fn word(&self) -> &'static str {
        match self {
            VarKind::Param { .. } => "parameter",
            VarKind::State { .. } => "state",
            VarKind::Derived { .. } => "derived",
            VarKind::Event { .. } => "event",
        }
    }
}

/// One of an event's exclusive outcomes: it happens when the step's random
/// number, shared by all the outcomes of `group`, lies in [lower, lower +
/// chance), `lower` being the chance of the outcomes listed before it.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub group: String,
    pub lower: MExpr,
}

/// What a name means to a reader: kept for reports, charts and docs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub doc: String,
    pub source: Vec<String>,
    pub unit: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    pub name: String,
    pub kind: VarKind,
    /// The defining expression as written (for a state: `init -> update`).
    pub text: String,
    pub doc: Doc,
    pub span: Span,
}

/// An array element's variable (`violence[north]`, `x[north,sdf]`) split
/// into its array's name and its element (`north`, `north,sdf`); any other
/// name is its own array's name, with no element. Names in the expression
/// language hold no `[`, so only an element's name splits.
pub fn element_of(name: &str) -> (&str, &str) {
    match name.strip_suffix(']').and_then(|n| n.split_once('[')) {
        Some((array, element)) => (array, element),
        None => (name, ""),
    }
}

impl Var {
    /// The label if given, else the name.
    pub fn title(&self) -> &str {
        if self.doc.label.is_empty() {
            &self.name
        } else {
            &self.doc.label
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum OutcomeKind {
    /// A yes/no per run; reported as a probability.
    Probability,
    /// A number per run (NaN = none, e.g. `first(e)` when `e` never happened).
    Number,
    /// A whole number 0..k-1 per run naming one of k categories.
    Category(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub kind: OutcomeKind,
    pub expr: MExpr,
    /// Whether a run may leave it without a value (*none*): it reads
    /// `first(...)`, or the scenario says so (`may_be_none = true`). A none
    /// anywhere else is an error in the run.
    pub may_be_none: bool,
    pub doc: Doc,
    pub span: Span,
}

impl Outcome {
    pub fn title(&self) -> &str {
        if self.doc.label.is_empty() {
            &self.name
        } else {
            &self.doc.label
        }
    }
}

/// Force a variable to a value over steps `from..=to`.
#[derive(Clone, Debug, PartialEq)]
pub struct Intervention {
    pub var: VarId,
    pub from: u32,
    pub to: u32,
    pub value: MExpr,
    pub doc: String,
}

/// Scenario-level settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    pub name: String,
    /// A human title for reports (`[scenario] title`); empty when not given.
    pub title: String,
    pub description: String,
    pub runs: u64,
    pub seed: u64,
    pub steps: u32,
    pub time: TimeAxis,
    /// The file the user named (the leaf of an `extends` chain).
    pub path: String,
    /// SHA-256 of every file the scenario was assembled from, in order.
    pub hash: String,
}

impl Info {
    /// The title to show a reader: `title`, or the name without one.
    pub fn display_title(&self) -> &str {
        if self.title.is_empty() {
            &self.name
        } else {
            &self.title
        }
    }
}

/// Calendar labels for steps: step 0 is `start`, each step one `unit` later.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeAxis {
    pub unit: String,
    pub start: Option<String>,
    calendar: Calendar,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Calendar {
    /// Step k is month `base + k` counted from year 0 (`YYYY-MM`).
    Month(i64),
    /// Quarter `base + k` (`YYYY-Qn`).
    Quarter(i64),
    /// Year `base + k`.
    Year(i64),
    /// No calendar: labels are step numbers.
    Plain,
}

impl TimeAxis {
    /// An axis labelled by step numbers.
    pub fn plain(unit: &str) -> TimeAxis {
        TimeAxis {
            unit: unit.to_string(),
            start: None,
            calendar: Calendar::Plain,
        }
    }

    /// Build from a unit ("month") and an optional start label ("2025-12").
    /// `Err` says which format the unit expects.
    pub fn new(unit: &str, start: Option<&str>) -> Result<TimeAxis, String> {
        let calendar = match (unit, start) {
            (_, None) => Calendar::Plain,
            ("month", Some(s)) => {
                let parsed = s
                    .split_once('-')
                    .and_then(|(y, m)| Some((y.parse::<i64>().ok()?, m.parse::<i64>().ok()?)));
                match parsed {
                    Some((y, m)) if (1..=12).contains(&m) && s.len() == 7 => {
                        Calendar::Month(y * 12 + m - 1)
                    }
                    _ => {
                        return Err(format!(
                            "a monthly scenario's `start` is written YYYY-MM, e.g. \"2025-12\"; got \"{s}\""
                        ));
                    }
                }
            }
            ("quarter", Some(s)) => {
                let parsed = s
                    .split_once("-Q")
                    .and_then(|(y, q)| Some((y.parse::<i64>().ok()?, q.parse::<i64>().ok()?)));
                match parsed {
                    Some((y, q)) if (1..=4).contains(&q) => Calendar::Quarter(y * 4 + q - 1),
                    _ => {
                        return Err(format!(
                            "a quarterly scenario's `start` is written YYYY-Qn, e.g. \"2025-Q4\"; got \"{s}\""
                        ));
                    }
                }
            }
            ("year", Some(s)) => match s.parse::<i64>() {
                Ok(y) => Calendar::Year(y),
                Err(_) => {
                    return Err(format!(
                        "a yearly scenario's `start` is a year, e.g. \"2025\"; got \"{s}\""
                    ));
                }
            },
            (_, Some(_)) => Calendar::Plain,
        };
        Ok(TimeAxis {
            unit: unit.to_string(),
            start: start.map(str::to_string),
            calendar,
        })
    }

    /// The calendar label of step `k`, e.g. "2026-03"; without a calendar,
    /// the start label at step 0 and "+k" after it, or the number itself.
    pub fn label(&self, step: u32) -> String {
        let k = i64::from(step);
        match self.calendar {
            Calendar::Month(m) => {
                let m = m + k;
                format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
            }
            Calendar::Quarter(q) => {
                let q = q + k;
                format!("{}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
            }
            Calendar::Year(y) => format!("{}", y + k),
            Calendar::Plain => match (&self.start, step) {
                (Some(s), 0) => s.clone(),
                _ => format!("{step}"),
            },
        }
    }

    /// The step a calendar date falls on (`"2026-07"` is step 6 of a
    /// monthly scenario starting `"2026-01"`), written as `start` is; the
    /// step may lie outside the run. `Err` says how dates are written here.
    pub fn step_of(&self, date: &str) -> Result<i64, String> {
        let (index, base, form) = match self.calendar {
            Calendar::Month(base) => (
                TimeAxis::new("month", Some(date)),
                base,
                "YYYY-MM, e.g. \"2026-07\"",
            ),
            Calendar::Quarter(base) => (
                TimeAxis::new("quarter", Some(date)),
                base,
                "YYYY-Qn, e.g. \"2026-Q3\"",
            ),
            Calendar::Year(base) => (
                TimeAxis::new("year", Some(date)),
                base,
                "YYYY, e.g. \"2030\"",
            ),
            Calendar::Plain => {
                return Err(
                    "dates need a calendar: set step_unit to month, quarter or year and a start, or give the step number"
                        .to_string(),
                );
            }
        };
        let index = index
            .map_err(|_| format!("dates in this scenario are {}s, written {form}", self.unit))?;
        match index.calendar {
            Calendar::Month(k) | Calendar::Quarter(k) | Calendar::Year(k) => Ok(k - base),
            Calendar::Plain => Err(format!("\"{date}\" is not a date")),
        }
    }

    /// Whether steps have calendar dates (months, quarters or years from a
    /// `start`), so a date can stand for a step.
    pub fn has_calendar(&self) -> bool {
        self.calendar != Calendar::Plain
    }

    /// Axis title, e.g. "month (step 0 = 2025-12)".
    pub fn axis_title(&self) -> String {
        match &self.start {
            Some(s) => format!("{} (0 = {s})", self.unit),
            None => self.unit.clone(),
        }
    }
}

/// Parameters drawn together through a Gaussian copula: `params` in this
/// order, and the lower-triangular Cholesky factor (row-major, n x n) of the
/// normal correlations that give the rank correlations asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Copula {
    pub params: Vec<VarId>,
    pub cholesky: Vec<f64>,
    /// The rank correlations as given: (parameter, parameter, rank).
    pub ranks: Vec<(VarId, VarId, f64)>,
}

/// A checked scenario, ready to compile.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub info: Info,
    pub vars: Vec<Var>,
    /// Parameters in the order they are drawn (a parameter may use earlier ones).
    pub params: Vec<VarId>,
    /// State variables in file order.
    pub states: Vec<VarId>,
    /// Derived variables and events in evaluation order within a step.
    pub step_order: Vec<VarId>,
    pub outcomes: Vec<Outcome>,
    pub interventions: Vec<Intervention>,
    /// `[[correlations]]`, when there are any.
    pub copula: Option<Copula>,
    /// `[lookups]`, in file order, with their documentation.
    pub lookups: Vec<(Table, Doc)>,
    /// What `[charts]` selects; `None` in a field means "all".
    pub charts: ChartSelection,
    /// The state and derived variables whose per-step statistics are kept
    /// (`[scenario] series`), sorted; `None` keeps every one. See
    /// [`Model::series_vars`].
    pub series: Option<Vec<VarId>>,
    /// Categorical variables (events with exclusive outcomes) and the names
    /// of their values 0, 1, ..., sorted by variable.
    pub categories: Vec<(VarId, Vec<String>)>,
}

/// Names chosen for charts in `[charts]`; `None` means every one (when no
/// group is declared; with groups, none beyond the groups' own).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartSelection {
    pub outcomes: Option<Vec<String>>,
    /// State and derived variables for fan charts.
    pub variables: Option<Vec<String>>,
    pub events: Option<Vec<String>>,
    /// `[[charts.groups]]`, in the order written: the report and the
    /// charts folder follow it.
    pub groups: Vec<ChartGroup>,
}

/// Charts that answer one question, drawn together under its title.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartGroup {
    pub title: String,
    pub doc: String,
    pub outcomes: Vec<String>,
    pub variables: Vec<String>,
    pub events: Vec<String>,
}

impl ChartSelection {
    pub fn outcome(&self, name: &str) -> bool {
        self.selects(&self.outcomes, |g| &g.outcomes, name)
    }

    pub fn variable(&self, name: &str) -> bool {
        self.selects(&self.variables, |g| &g.variables, name)
    }

    pub fn event(&self, name: &str) -> bool {
        self.selects(&self.events, |g| &g.events, name)
    }

    /// Named in a group, or in the top-level list (every name when there
    /// is neither a list nor a group).
    fn selects(
        &self,
        list: &Option<Vec<String>>,
        of_group: fn(&ChartGroup) -> &Vec<String>,
        name: &str,
    ) -> bool {
        let grouped = self
            .groups
            .iter()
            .any(|g| of_group(g).iter().any(|n| n == name));
        match list {
            Some(l) => grouped || l.iter().any(|n| n == name),
            None => grouped || self.groups.is_empty(),
        }
    }
}

impl Model {
    pub fn var(&self, id: VarId) -> &Var {
        &self.vars[id.0 as usize]
    }

    /// The names of a categorical variable's values, if it is one.
    pub fn categories_of(&self, id: VarId) -> Option<&[String]> {
        self.categories
            .iter()
            .find(|(v, _)| *v == id)
            .map(|(_, names)| names.as_slice())
    }

    pub fn find(&self, name: &str) -> Option<VarId> {
        self.vars
            .iter()
            .position(|v| v.name == name)
            .map(|i| VarId(i as u32))
    }

    /// Fix a parameter at a value for every run (sweeps, swing analysis).
    pub fn fix_param(&mut self, id: VarId, value: f64) {
        if let Some(var) = self.vars.get_mut(id.0 as usize)
            && let VarKind::Param { def, dist } = &mut var.kind
        {
            *def = MExpr::Const(value);
            *dist = Dist::new(DistKind::Fixed, &[value]).ok();
            var.text = format!("{value}");
        }
    }

    /// Parameters whose distribution is known (constant arguments): the ones
    /// sensitivity analysis can steer.
    pub fn steerable_params(&self) -> Vec<(VarId, Dist)> {
        self.params
            .iter()
            .filter_map(|&p| match &self.var(p).kind {
                VarKind::Param { dist: Some(d), .. } => Some((p, d.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn events(&self) -> impl Iterator<Item = VarId> + '_ {
        self.step_order
            .iter()
            .copied()
            .filter(|&v| matches!(self.var(v).kind, VarKind::Event { .. }))
    }

    /// Whether `v`'s per-step statistics are kept (`series`).
    pub fn keeps_series(&self, v: VarId) -> bool {
        self.series
            .as_ref()
            .is_none_or(|s| s.binary_search(&v).is_ok())
    }

    /// The variables whose per-step statistics are kept, as the time
    /// series list them: the kept states in file order, then the kept
    /// derived variables in step order; and how many of them are states.
    pub fn series_vars(&self) -> (Vec<VarId>, usize) {
        let kept = |v: &VarId| self.keeps_series(*v);
        let states: Vec<VarId> = self.states.iter().copied().filter(kept).collect();
        let count = states.len();
        let mut vars = states;
        vars.extend(self.derived().filter(kept));
        (vars, count)
    }

    pub fn derived(&self) -> impl Iterator<Item = VarId> + '_ {
        self.step_order
            .iter()
            .copied()
            .filter(|&v| matches!(self.var(v).kind, VarKind::Derived { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_interpolates_and_holds_its_ends() {
        let table = Table {
            name: "effect".into(),
            xs: vec![0.0, 2.0, 3.0],
            ys: vec![1.0, 5.0, -1.0],
        };
        // Worked by hand: on [0, 2] y = 1 + 2x; on [2, 3] y = 5 - 6(x - 2).
        let cases = [
            (-10.0, 1.0),
            (0.0, 1.0),
            (0.5, 2.0),
            (2.0, 5.0),
            (2.5, 2.0),
            (3.0, -1.0),
            (1e300, -1.0),
            (f64::NEG_INFINITY, 1.0),
        ];
        for (x, want) in cases {
            assert_eq!(table.at(x), want, "at({x})");
        }
        assert!(table.at(f64::NAN).is_nan());
    }

    #[test]
    fn calendar_labels() {
        let month = TimeAxis::new("month", Some("2025-12")).unwrap();
        assert_eq!(month.label(0), "2025-12");
        assert_eq!(month.label(1), "2026-01");
        assert_eq!(month.label(24), "2027-12");
        let quarter = TimeAxis::new("quarter", Some("2025-Q4")).unwrap();
        assert_eq!(quarter.label(1), "2026-Q1");
        let year = TimeAxis::new("year", Some("2025")).unwrap();
        assert_eq!(year.label(3), "2028");
        let plain = TimeAxis::new("week", Some("wk0")).unwrap();
        assert_eq!(plain.label(0), "wk0");
        assert_eq!(plain.label(5), "5");
        assert!(TimeAxis::new("month", Some("Dec 2025")).is_err());
        assert!(TimeAxis::new("month", Some("2025-13")).is_err());
        assert_eq!(month.step_of("2026-07"), Ok(7));
        assert_eq!(month.step_of("2025-12"), Ok(0));
        assert_eq!(month.step_of("2025-01"), Ok(-11));
        assert!(month.step_of("2026-7").is_err());
        assert_eq!(quarter.step_of("2027-Q2"), Ok(6));
        assert_eq!(year.step_of("2030"), Ok(5));
        assert!(plain.step_of("2026-01").is_err());
    }
}
