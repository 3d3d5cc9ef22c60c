//! Why a distribution's arguments were rejected, in words that name the distribution, the
//! argument, the bad value and the rule.

use std::fmt;

use super::DistKind;

/// Which argument an error is about. Displays as e.g. "shape `a`", "`rate`", "weight `w2`".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgName {
    /// A fixed-position argument: `role` is a short description (may be empty), `name` the
    /// parameter name from the signature.
    Named {
        role: &'static str,
        name: &'static str,
    },
    /// The i-th weight of `choice` / `discrete`.
    Weight(usize),
    /// The i-th value of `discrete`.
    Value(usize),
    /// The i-th bin edge of `histogram`.
    Edge(usize),
}

impl fmt::Display for ArgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ArgName::Named { role: "", name } => write!(f, "`{name}`"),
            ArgName::Named { role, name } => write!(f, "{role} `{name}`"),
            ArgName::Weight(i) => write!(f, "weight `w{i}`"),
            ArgName::Edge(i) => write!(f, "edge `x{i}`"),
            ArgName::Value(i) => write!(f, "value `v{i}`"),
        }
    }
}

/// Why a distribution's arguments were rejected. Every message names the distribution, the
/// argument, the bad value and the rule it broke.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DistError {
    /// Unknown distribution name (for callers that look names up from user text).
    #[error(
        "unknown distribution `{0}`; expected one of: fixed, uniform, normal, lognormal, beta, pert, triangular, uniform_int, bernoulli, poisson, choice, discrete, exponential, gamma, metalog, histogram"
    )]
    UnknownKind(String),
    /// Wrong argument count, e.g. "wrong number of arguments: pert takes 3 (min, mode, max), got 2".
    #[error("wrong number of arguments: {kind} takes {} ({}), got {got}", kind.count_phrase(), kind.params())]
    WrongArity { kind: DistKind, got: usize },
    /// NaN or infinite where a finite number is required.
    #[error("{kind} {arg} must be a finite number, got {}", num(*value))]
    NotFinite {
        kind: DistKind,
        arg: ArgName,
        value: f64,
    },
    /// NaN where a number or +-inf is allowed (truncated-normal bounds).
    #[error("{kind} {arg} must be a number (inf and -inf are allowed), got NaN")]
    NotANumber { kind: DistKind, arg: ArgName },
    /// Must be strictly positive.
    #[error("{kind} {arg} must be > 0, got {}", num(*value))]
    NotPositive {
        kind: DistKind,
        arg: ArgName,
        value: f64,
    },
    /// Must be non-negative.
    #[error("{kind} {arg} must be >= 0, got {}", num(*value))]
    Negative {
        kind: DistKind,
        arg: ArgName,
        value: f64,
    },
    /// Must lie in a closed interval (probabilities, integer bounds, Poisson rate limit).
    #[error("{kind} {arg} must be in [{}, {}], got {}", num(*min), num(*max), num(*value))]
    OutOfRange {
        kind: DistKind,
        arg: ArgName,
        value: f64,
        min: f64,
        max: f64,
    },
    /// Above the largest supported value.
    #[error("{kind} {arg} must be <= {}, got {}", num(*max), num(*value))]
    TooLarge {
        kind: DistKind,
        arg: ArgName,
        value: f64,
        max: f64,
    },
    /// Must be a whole number.
    #[error("{kind} {arg} must be a whole number, got {}", num(*value))]
    NotWhole {
        kind: DistKind,
        arg: ArgName,
        value: f64,
    },
    /// Two arguments in the wrong order, e.g. "pert needs min <= mode <= max, got min 0.6 > max 0.3".
    #[error("{kind} needs {rule}, got {left} {} {op} {right} {}", num(*left_value), num(*right_value))]
    Order {
        kind: DistKind,
        rule: &'static str,
        left: &'static str,
        left_value: f64,
        op: &'static str,
        right: &'static str,
        right_value: f64,
    },
    /// The range between two finite bounds is too wide to represent (`hi - lo` overflows).
    #[error("{kind} range is too wide to represent: {hi_name} - {lo_name} overflows (got {lo_name} {}, {hi_name} {}); use smaller units", num(*lo), num(*hi))]
    RangeOverflow {
        kind: DistKind,
        lo_name: &'static str,
        lo: f64,
        hi_name: &'static str,
        hi: f64,
    },
    /// Weights of `choice`/`discrete` sum to zero (or overflow).
    #[error("{kind} weights must have a positive, finite sum, got {}", num(*sum))]
    BadWeightSum { kind: DistKind, sum: f64 },
    /// Elicited quantiles a three-term metalog cannot follow: its quantile
    /// function would turn back somewhere.
    #[error("metalog(p10 {}, p50 {}, p90 {}) is too skewed for a three-term metalog: the median must lie well inside [p10, p90] (its distances to them may differ by a factor of at most about 5)", num(*p10), num(*p50), num(*p90))]
    MetalogInfeasible { p10: f64, p50: f64, p90: f64 },
    /// A truncated normal whose interval has (numerically) zero probability.
    #[error("normal(mean {}, sd {}) truncated to [{}, {}] has zero probability mass (the interval is more than ~35 standard deviations into a tail, or excludes the mean when sd = 0); move the bounds or the mean", num(*mean), num(*sd), num(*lo), num(*hi))]
    EmptyTruncation {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
    },
}

/// Formats a number for messages and descriptions: plain decimal for ordinary magnitudes,
/// exponent notation for very large or very small ones. Both forms parse back exactly with
/// `f64::from_str` (Rust prints the shortest representation that round-trips).
pub(super) fn num(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || !a.is_finite() || (1e-5..1e16).contains(&a) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

impl DistError {
    /// The distribution kind the error is about, when there is one.
    pub fn kind(&self) -> Option<DistKind> {
        match self {
            DistError::UnknownKind(_) => None,
            DistError::WrongArity { kind, .. }
            | DistError::NotFinite { kind, .. }
            | DistError::NotANumber { kind, .. }
            | DistError::NotPositive { kind, .. }
            | DistError::Negative { kind, .. }
            | DistError::OutOfRange { kind, .. }
            | DistError::TooLarge { kind, .. }
            | DistError::NotWhole { kind, .. }
            | DistError::Order { kind, .. }
            | DistError::RangeOverflow { kind, .. }
            | DistError::BadWeightSum { kind, .. } => Some(*kind),
            DistError::EmptyTruncation { .. } => Some(DistKind::Normal),
            DistError::MetalogInfeasible { .. } => Some(DistKind::Metalog),
        }
    }
}
