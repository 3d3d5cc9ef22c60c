//! The compiled form of a model: flat lists of operations on numbered slots.
//!
//! A slot holds one value per lane (one lane per run of a batch). Every name
//! has been replaced by a slot index and every constant folded, so executing
//! a program does no lookup, no allocation and no I/O.

use crate::dist::{Dist, DistKind};
use crate::expr::BinOp;
use crate::expr::builtins::{Agg, Func};
use crate::scenario::{EventMode, Table, VarId};

/// Runs evaluated together, one per lane. 64 keeps a slot at 512 bytes: the
/// arithmetic loops vectorise and a model's slots stay in L2 cache.
pub const LANES: usize = 64;

pub type Slot = u32;

/// One operation over all lanes of a batch.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Copy {
        dst: Slot,
        src: Slot,
    },
    Fill {
        dst: Slot,
        value: f64,
    },
    Time {
        dst: Slot,
    },
    Neg {
        dst: Slot,
        a: Slot,
    },
    Not {
        dst: Slot,
        a: Slot,
    },
    Bin {
        op: BinOp,
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    /// A binary operation with a constant operand: `a op k`, or `k op a`
    /// when `k_left`.
    BinConst {
        op: BinOp,
        dst: Slot,
        a: Slot,
        k: f64,
        k_left: bool,
    },
    /// A left-to-right chain of sums and differences of scaled terms,
    /// `k0*x0 + k1*x1 + ...`, evaluated in one pass with the running sum in
    /// registers. A difference `- k*x` is the term `(-k)*x`, and `x` alone is
    /// `1*x`: IEEE arithmetic makes each the same bits as the tree it
    /// replaces.
    Lin {
        dst: Slot,
        terms: Vec<(Slot, f64)>,
    },
    /// A one-argument function.
    Un {
        f: Func,
        dst: Slot,
        a: Slot,
    },
    /// `min`, `max`, `pow` on two arguments.
    Fn2 {
        f: Func,
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    Clamp {
        dst: Slot,
        x: Slot,
        lo: Slot,
        hi: Slot,
    },
    Select {
        dst: Slot,
        c: Slot,
        a: Slot,
        b: Slot,
    },
    /// A lookup table read at `x`.
    Lookup {
        dst: Slot,
        x: Slot,
        table: Table,
    },
    /// A random draw whose arguments are constants: the sampler is built
    /// and validated once, at compile time.
    DrawConst {
        dst: Slot,
        dist: Dist,
        stream: u32,
    },
    /// A random draw with per-lane arguments `args` (slots), from stream `stream`.
    Draw {
        dst: Slot,
        kind: DistKind,
        args: Vec<Slot>,
        stream: u32,
        owner: u32,
    },
    /// An event's value for this step. `before` keeps a once-event's value
    /// from the previous step, for interventions.
    Event {
        dst: Slot,
        chance: Slot,
        mode: EventMode,
        stream: u32,
        owner: u32,
        before: Slot,
    },
    /// One of an event's exclusive outcomes: 1 when the step's random number
    /// of `stream` (shared by the group) lies in [lower, lower + chance).
    /// A once-group keeps an outcome that happened (`before`, as for events).
    Branch {
        dst: Slot,
        chance: Slot,
        lower: Slot,
        once: bool,
        stream: u32,
        owner: u32,
        before: Slot,
    },
    /// Correlated parameters through a Gaussian copula: a standard normal
    /// from each parameter's stream, correlated by the Cholesky factor
    /// (row-major, lower-triangular), mapped through the normal CDF and the
    /// parameter's quantile function into its slot.
    Copula {
        slots: Vec<Slot>,
        dists: Vec<Dist>,
        streams: Vec<u32>,
        cholesky: Vec<f64>,
    },
    /// Stop the run if a delay's time (in `src`) is below `min` steps or not
    /// a number: the hidden state advances once a step, so a shorter time
    /// would overshoot.
    AtLeast {
        src: Slot,
        min: f64,
        owner: u32,
    },
    /// Stop the run if a state's new value is NaN.
    Guard {
        src: Slot,
        owner: u32,
    },
    /// Advance a state variable: `dst = clamp(src, lo, hi)`; also `clamp`
    /// with constant bounds in any expression.
    Commit {
        dst: Slot,
        src: Slot,
        lo: f64,
        hi: f64,
    },
    /// An intervention: during steps `from..=to`, `dst = src`. For a
    /// once-event, `once_before` makes an earlier occurrence stick; a yes/no
    /// event (`yes_no`) takes 1 for any non-zero value, else 0.
    Force {
        dst: Slot,
        src: Slot,
        from: u32,
        to: u32,
        once_before: Option<Slot>,
        yes_no: bool,
    },
    /// Overwrite a parameter with supplied values when the run asks for it
    /// (sweeps and sensitivity analysis).
    Inject {
        dst: Slot,
        param: u32,
    },
    /// Update an aggregate with this step's value of `src`.
    Agg {
        agg: Agg,
        dst: Slot,
        src: Slot,
        step: u32,
    },
}

/// What the error messages of an operation need: whose it is and what it read.
#[derive(Clone, Debug, PartialEq)]
pub struct Owner {
    pub name: String,
    pub what: &'static str,
    /// The variables its expression reads, with their slots.
    pub inputs: Vec<(String, Slot)>,
}

/// A per-step quantity recorded for the time series.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSpec {
    pub var: VarId,
    pub slot: Slot,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventSpec {
    pub var: VarId,
    pub slot: Slot,
    pub mode: EventMode,
}

/// A compiled scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub slots: usize,
    /// Slots that hold constants, filled once per workspace.
    pub consts: Vec<(Slot, f64)>,
    /// Parameters, initial state, aggregate starting values (t = 0).
    pub init: Vec<Op>,
    /// One step.
    pub step: Vec<Op>,
    /// After the last step: outcome values.
    pub finish: Vec<Op>,
    /// Key of each random stream (hash of owner, role and draw site).
    pub streams: Vec<u64>,
    pub owners: Vec<Owner>,
    /// Parameters in model order (`Model::params`), with their slots.
    pub params: Vec<(VarId, Slot)>,
    /// The variables whose per-step statistics are kept
    /// (`Model::series_vars`): states (recorded from t = 0) then derived
    /// variables (from t = 1).
    pub series: Vec<SeriesSpec>,
    /// How many of `series` are states.
    pub states: usize,
    pub events: Vec<EventSpec>,
    pub outcomes: Vec<Slot>,
    /// The owner of each outcome (for error messages).
    pub outcome_owners: Vec<u32>,
    /// An extra yes/no evaluated at the end of each run (`--given`).
    pub condition: Option<Slot>,
    pub steps: u32,
}
