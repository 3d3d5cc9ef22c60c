//! The one table of built-in functions: names, arities, meanings, docs.
//!
//! Three families share the call syntax `name(args)`:
//! - pure functions (`max`, `clamp`, `logistic`, ...), folded when their
//!   arguments are constants;
//! - random draws (`normal(m, s)`, `bernoulli(p)`, ...), one of
//!   [`crate::dist::DistKind`], drawn from the enclosing variable's stream;
//! - aggregates over the run (`ever(e)`, `count(e)`, `first(e)`, one-argument
//!   `max`/`min`/`mean`, `sum`, `at`), allowed only in outcomes;
//! - functions with memory (`prev`, `delay_fixed`, `smooth`, `smooth3`,
//!   `delay1`, `delay3`, `trend`), whose value depends on earlier steps: each
//!   call keeps hidden state that the compiler creates;
//! - test inputs of the step `t` (`step`, `ramp`, `pulse`);
//! - `mixture(w1, d1, w2, d2, ...)`, a draw from one of several distributions.

use crate::dist::DistKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    Min,
    Max,
    Clamp,
    Abs,
    Exp,
    Ln,
    Log10,
    Sqrt,
    Pow,
    Floor,
    Ceil,
    Round,
    Logistic,
    Logit,
    Sin,
    Cos,
    Mod,
}

/// Aggregates over the steps of one run, for outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Agg {
    /// 1 if the argument was non-zero at any step.
    Ever,
    /// Sum of the argument over steps (for an event: how many steps it happened; for a count event: the total).
    Count,
    /// The first step at which the argument was non-zero; none if never.
    First,
    Max,
    Min,
    Mean,
    Sum,
    /// `at(x, k)`: the value of `x` at step `k` (a constant step number).
    At,
}

/// Functions whose value depends on earlier steps (system-dynamics delays,
/// smoothing and lags), with the meanings Vensim and Stella give them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Memory {
    /// `prev(x, k, before)`: what `x` was k steps ago.
    Prev,
    /// `delay_fixed(x, k, init)`: a pipeline delay of k whole steps.
    DelayFixed,
    /// `smooth(x, T, init)`: first-order exponential smoothing.
    Smooth,
    /// `smooth3(x, T, init)`: three first-order smoothings in a row, T/3 each.
    Smooth3,
    /// `delay1(x, T, init)`: a first-order material delay (smooth's equations).
    Delay1,
    /// `delay3(x, T, init)`: a third-order material delay (smooth3's equations).
    Delay3,
    /// `trend(x, T, initial_trend)`: growth of `x` per step relative to its average.
    Trend,
}

impl Memory {
    /// Stages of hidden state (for the lags: k, decided by the call).
    pub fn stages(self) -> usize {
        match self {
            Memory::Smooth3 | Memory::Delay3 => 3,
            _ => 1,
        }
    }

    /// Lags take a whole number of steps; the others a time constant.
    pub fn is_lag(self) -> bool {
        matches!(self, Memory::Prev | Memory::DelayFixed)
    }
}

/// Test inputs: functions of the step `t` that shape an input over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Input {
    /// `step(height, at)`: 0 before step `at`, `height` from it on.
    Step,
    /// `ramp(slope, start, end)`: rises by `slope` a step from `start` to `end`.
    Ramp,
    /// `pulse(start, width)`: 1 for `width` steps from `start`, else 0.
    Pulse,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Func(Func),
    Random(DistKind),
    Agg(Agg),
    Memory(Memory),
    Input(Input),
    /// `mixture(w1, d1, w2, d2, ...)`.
    Mixture,
}

/// (name, min args, one-line doc) of `mixture`, whose arguments come in
/// (weight, distribution) pairs.
pub const MIXTURE: (&str, usize, &str) = (
    "mixture",
    4,
    "mixture(w1, d1, w2, d2, ...): a draw from distribution d_i with chance proportional to w_i",
);

/// (name, function, min args, max args (None = any), one-line doc)
pub const FUNCS: &[(&str, Func, usize, Option<usize>, &str)] = &[
    ("min", Func::Min, 2, None, "smallest of its arguments"),
    ("max", Func::Max, 2, None, "largest of its arguments"),
    (
        "clamp",
        Func::Clamp,
        3,
        Some(3),
        "clamp(x, lo, hi): x limited to [lo, hi]",
    ),
    ("abs", Func::Abs, 1, Some(1), "absolute value"),
    ("exp", Func::Exp, 1, Some(1), "e to the power x"),
    ("ln", Func::Ln, 1, Some(1), "natural logarithm"),
    ("log10", Func::Log10, 1, Some(1), "base-10 logarithm"),
    ("sqrt", Func::Sqrt, 1, Some(1), "square root"),
    (
        "pow",
        Func::Pow,
        2,
        Some(2),
        "pow(x, y): x to the power y, same as x ^ y",
    ),
    (
        "floor",
        Func::Floor,
        1,
        Some(1),
        "largest whole number <= x",
    ),
    ("ceil", Func::Ceil, 1, Some(1), "smallest whole number >= x"),
    (
        "round",
        Func::Round,
        1,
        Some(1),
        "nearest whole number (halves away from zero)",
    ),
    (
        "logistic",
        Func::Logistic,
        1,
        Some(1),
        "1 / (1 + exp(-x)): maps any number into (0, 1)",
    ),
    (
        "logit",
        Func::Logit,
        1,
        Some(1),
        "ln(p / (1 - p)): the inverse of logistic",
    ),
    (
        "mod",
        Func::Mod,
        2,
        Some(2),
        "mod(a, b): the remainder of a / b, in [0, |b|); same as a % b",
    ),
    ("sin", Func::Sin, 1, Some(1), "sine (radians)"),
    ("cos", Func::Cos, 1, Some(1), "cosine (radians)"),
];

/// (name, aggregate, arity, one-line doc)
pub const AGGS: &[(&str, Agg, usize, &str)] = &[
    (
        "ever",
        Agg::Ever,
        1,
        "1 if the argument was non-zero (true) at any step of the run",
    ),
    (
        "count",
        Agg::Count,
        1,
        "number of steps the argument was true (for a count event: the total count)",
    ),
    (
        "first",
        Agg::First,
        1,
        "first step at which the argument was true; none if it never was",
    ),
    (
        "max",
        Agg::Max,
        1,
        "largest value of a variable over the run",
    ),
    (
        "min",
        Agg::Min,
        1,
        "smallest value of a variable over the run",
    ),
    (
        "mean",
        Agg::Mean,
        1,
        "mean value of a variable over the steps of the run",
    ),
    (
        "sum",
        Agg::Sum,
        1,
        "sum of a variable over the steps of the run",
    ),
    (
        "at",
        Agg::At,
        2,
        "at(x, k): value of x at step k (k a whole number)",
    ),
];

/// (name, function, min args, max args, one-line doc)
pub const MEMORY: &[(&str, Memory, usize, usize, &str)] = &[
    (
        "prev",
        Memory::Prev,
        1,
        3,
        "prev(x, k, before): the value x had k steps ago (k = 1 if left out); `before` for steps before the run",
    ),
    (
        "delay_fixed",
        Memory::DelayFixed,
        3,
        3,
        "delay_fixed(x, k, init): x as it was k whole steps ago; `init` until then",
    ),
    (
        "smooth",
        Memory::Smooth,
        2,
        3,
        "smooth(x, T, init): x smoothed exponentially with time constant T steps",
    ),
    (
        "smooth3",
        Memory::Smooth3,
        2,
        3,
        "smooth3(x, T, init): three smoothings in a row, T/3 steps each",
    ),
    (
        "delay1",
        Memory::Delay1,
        2,
        3,
        "delay1(x, T, init): the outflow of a first-order delay of average T steps",
    ),
    (
        "delay3",
        Memory::Delay3,
        2,
        3,
        "delay3(x, T, init): the outflow of a third-order delay of average T steps",
    ),
    (
        "trend",
        Memory::Trend,
        2,
        3,
        "trend(x, T, initial_trend): growth of x per step, relative to its average over T steps",
    ),
];

/// (name, input, min args, max args, one-line doc)
pub const INPUTS: &[(&str, Input, usize, usize, &str)] = &[
    (
        "step",
        Input::Step,
        2,
        2,
        "step(height, at): 0 before step `at`, `height` from it on",
    ),
    (
        "ramp",
        Input::Ramp,
        2,
        3,
        "ramp(slope, start, end): 0 until `start`, then rising by `slope` a step until `end`",
    ),
    (
        "pulse",
        Input::Pulse,
        1,
        2,
        "pulse(start, width): 1 for `width` steps (1 if left out) from step `start`, else 0",
    ),
];

impl Memory {
    pub fn name(self) -> &'static str {
        MEMORY.iter().find(|m| m.1 == self).map_or("?", |m| m.0)
    }
}

impl Input {
    pub fn name(self) -> &'static str {
        INPUTS.iter().find(|m| m.1 == self).map_or("?", |m| m.0)
    }
}

/// Resolve a call by name and argument count. Aggregates win over functions
/// when the counts match (`max(x)` is the run's maximum; `max(a, b)` the larger).
pub fn lookup(name: &str, nargs: usize) -> Option<Builtin> {
    if let Some(&(_, agg, arity, _)) = AGGS.iter().find(|a| a.0 == name)
        && (arity == nargs || FUNCS.iter().all(|f| f.0 != name))
    {
        return Some(Builtin::Agg(agg));
    }
    if let Some(&(_, func, ..)) = FUNCS.iter().find(|f| f.0 == name) {
        return Some(Builtin::Func(func));
    }
    if let Some(&(_, memory, ..)) = MEMORY.iter().find(|f| f.0 == name) {
        return Some(Builtin::Memory(memory));
    }
    if let Some(&(_, input, ..)) = INPUTS.iter().find(|f| f.0 == name) {
        return Some(Builtin::Input(input));
    }
    if name == MIXTURE.0 {
        return Some(Builtin::Mixture);
    }
    DistKind::from_name(name).map(Builtin::Random)
}

/// Every callable name, for "did you mean" hints.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    FUNCS
        .iter()
        .map(|f| f.0)
        .chain(AGGS.iter().map(|a| a.0))
        .chain(MEMORY.iter().map(|m| m.0))
        .chain(INPUTS.iter().map(|m| m.0))
        .chain([MIXTURE.0])
        .chain(DistKind::ALL.iter().map(|k| k.name()))
}

/// True if `name` is any built-in's name.
pub fn is_builtin_name(name: &str) -> bool {
    all_names().any(|n| n == name)
}

/// Built-ins added after scenarios were first written, whose names those
/// scenarios may already give their variables (`step`, `trend`, ...): such a
/// name may still name a variable, and a call `step(...)` still means the
/// function.
pub const NOT_RESERVED: &[&str] = &[
    "mod",
    "prev",
    "delay_fixed",
    "smooth",
    "smooth3",
    "delay1",
    "delay3",
    "trend",
    "step",
    "ramp",
    "pulse",
    "mixture",
];

/// True if `name` cannot name a variable: a built-in's, except those of
/// [`NOT_RESERVED`].
pub fn is_reserved_name(name: &str) -> bool {
    is_builtin_name(name) && !NOT_RESERVED.contains(&name)
}

impl Func {
    pub fn name(self) -> &'static str {
        FUNCS.iter().find(|f| f.1 == self).map_or("?", |f| f.0)
    }

    pub fn arity(self) -> (usize, Option<usize>) {
        FUNCS
            .iter()
            .find(|f| f.1 == self)
            .map_or((0, None), |f| (f.2, f.3))
    }

    /// The function of one argument, for the compiled `Unary` op.
    #[inline(always)]
    pub fn apply1(self, x: f64) -> f64 {
        match self {
            Func::Abs => x.abs(),
            Func::Exp => super::math::exp(x),
            Func::Ln => x.ln(),
            Func::Log10 => x.log10(),
            Func::Sqrt => x.sqrt(),
            Func::Floor => x.floor(),
            Func::Ceil => x.ceil(),
            Func::Round => x.round(),
            Func::Logistic => super::math::logistic(x),
            Func::Logit => (x / (1.0 - x)).ln(),
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Min | Func::Max | Func::Clamp | Func::Pow | Func::Mod => f64::NAN,
        }
    }

    /// The function of two arguments (`min`, `max`, `pow` and `mod`).
    #[inline(always)]
    pub fn apply2(self, a: f64, b: f64) -> f64 {
        match self {
            Func::Min => a.min(b),
            Func::Max => a.max(b),
            Func::Pow => a.powf(b),
            Func::Mod => a.rem_euclid(b),
            _ => f64::NAN,
        }
    }

    /// The function on any argument list: used to fold constants.
    pub fn apply(self, args: &[f64]) -> f64 {
        match (self, args) {
            (Func::Min, [first, rest @ ..]) => rest.iter().fold(*first, |m, &x| m.min(x)),
            (Func::Max, [first, rest @ ..]) => rest.iter().fold(*first, |m, &x| m.max(x)),
            (Func::Clamp, &[x, lo, hi]) => clamp(x, lo, hi),
            (Func::Pow | Func::Mod, &[a, b]) => self.apply2(a, b),
            (f, &[x]) => f.apply1(x),
            _ => f64::NAN,
        }
    }
}

/// `clamp(x, lo, hi)`; unlike `f64::clamp` it never panics (lo > hi gives hi,
/// NaN stays NaN).
#[inline(always)]
pub fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    let y = if x < lo { lo } else { x };
    if y > hi { hi } else { y }
}

impl Agg {
    pub fn name(self) -> &'static str {
        AGGS.iter().find(|a| a.1 == self).map_or("?", |a| a.0)
    }

    pub fn arity(self) -> usize {
        AGGS.iter().find(|a| a.1 == self).map_or(1, |a| a.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_against_its_definition() {
        let e = std::f64::consts::E;
        // (function, args, expected), each value worked out by hand
        let cases: &[(Func, &[f64], f64)] = &[
            (Func::Min, &[3.0, 1.0, 2.0], 1.0),
            (Func::Max, &[3.0, 1.0, 2.0], 3.0),
            (Func::Clamp, &[1.5, 0.0, 1.0], 1.0),
            (Func::Clamp, &[-1.0, 0.0, 1.0], 0.0),
            (Func::Clamp, &[0.3, 0.0, 1.0], 0.3),
            (Func::Abs, &[-2.5], 2.5),
            (Func::Exp, &[1.0], e),
            (Func::Ln, &[e], 1.0),
            (Func::Log10, &[1000.0], 3.0),
            (Func::Sqrt, &[9.0], 3.0),
            (Func::Pow, &[2.0, 10.0], 1024.0),
            (Func::Floor, &[-1.5], -2.0),
            (Func::Ceil, &[-1.5], -1.0),
            (Func::Round, &[2.5], 3.0),
            (Func::Round, &[-2.5], -3.0),
            (Func::Logistic, &[0.0], 0.5),
            (Func::Logistic, &[2.0f64.ln()], 2.0 / 3.0),
            (Func::Logit, &[0.5], 0.0),
            (Func::Logit, &[0.75], 3.0f64.ln()),
            (Func::Sin, &[std::f64::consts::FRAC_PI_2], 1.0),
            (Func::Cos, &[std::f64::consts::PI], -1.0),
            (Func::Mod, &[14.0, 12.0], 2.0),
            (Func::Mod, &[-1.0, 12.0], 11.0),
            (Func::Mod, &[7.5, -2.0], 1.5),
        ];
        for &(f, args, want) in cases {
            let got = f.apply(args);
            assert!(
                (got - want).abs() < 1e-12,
                "{}({args:?}) = {got}, want {want}",
                f.name()
            );
        }
    }

    #[test]
    fn logit_inverts_logistic() {
        for x in [-5.0, -0.3, 0.0, 1.7, 4.0] {
            let round_trip = Func::Logit.apply1(Func::Logistic.apply1(x));
            assert!((round_trip - x).abs() < 1e-9, "{x} -> {round_trip}");
        }
    }

    #[test]
    fn lookup_distinguishes_aggregate_and_function_by_arity() {
        assert_eq!(lookup("max", 1), Some(Builtin::Agg(Agg::Max)));
        assert_eq!(lookup("max", 2), Some(Builtin::Func(Func::Max)));
        assert_eq!(lookup("ever", 1), Some(Builtin::Agg(Agg::Ever)));
        assert_eq!(lookup("ever", 2), Some(Builtin::Agg(Agg::Ever)));
        assert_eq!(lookup("pert", 3), Some(Builtin::Random(DistKind::Pert)));
        assert_eq!(lookup("tan", 1), None);
        assert!(is_builtin_name("normal"));
        assert!(!is_builtin_name("trust"));
        assert!(is_reserved_name("normal") && is_builtin_name("step") && !is_reserved_name("step"));
        assert_eq!(lookup("step", 2), Some(Builtin::Input(Input::Step)));
        assert_eq!(lookup("smooth3", 2), Some(Builtin::Memory(Memory::Smooth3)));
        for name in NOT_RESERVED {
            assert!(is_builtin_name(name), "{name}");
        }
    }
}
