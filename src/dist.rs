//! Probability distributions for uncertain parameters and random draws.
//!
//! Distributions are used in two places:
//!
//! 1. **Uncertain parameters**, drawn once per Monte Carlo run. These are built once as a
//!    [`Dist`] (validated up front) and sampled with [`Dist::sample`].
//! 2. **Random calls inside expressions** that are evaluated every step of every run, with
//!    arguments that can differ per run (e.g. `poisson(base_rate * growth)`). These go through
//!    [`sample_with`], which validates and draws in one call without allocating (the variadic
//!    `choice`/`discrete` walk their argument slice in place).
//!
//! Both paths share one construction and one sampling routine, so for the same RNG state they
//! produce bit-identical draws.
//!
//! # Why quantiles exist
//!
//! Sensitivity analysis needs the inverse CDF ([`Dist::quantile`]):
//!
//! * Sobol / Saltelli sampling generates points in the unit hypercube and maps each coordinate
//!   through the parameter's quantile function, so the parameter keeps its distribution while
//!   the design keeps its low-discrepancy structure.
//! * "Swing" (tornado) analysis moves one parameter at a time to its 10th and 90th percentiles.
//!
//! Continuous quantiles return `x` with `CDF(x) = p`. Discrete quantiles return the smallest
//! support value `x` with `CDF(x) >= p`. `p = 0` and `p = 1` return the ends of the support
//! (possibly `-inf`/`+inf`); `p` outside `[0, 1]` is clamped and `NaN` gives `NaN`.
//!
//! # Validation contract
//!
//! [`Dist::new`] and [`sample_with`] check every argument and return a [`DistError`] that names
//! the distribution, the argument, the offending value and the rule. After a successful
//! construction nothing can fail or panic: sampling, quantiles, moments and descriptions are
//! total functions. Every argument must be finite (`NaN`/`inf` are errors naming the argument),
//! except the bounds of a truncated normal, which may be `-inf`/`inf`. The rules per kind:
//!
//! | kind | arguments | rules |
//! |------|-----------|-------|
//! | `fixed` | value | |
//! | `uniform` | lo, hi | lo <= hi (equal gives lo) |
//! | `normal` | mean, sd | sd >= 0 |
//! | `normal` | mean, sd, lo, hi | sd >= 0, lo < hi (may be ±inf), [lo, hi] has non-negligible mass |
//! | `lognormal` | mu, sigma | sigma >= 0 (log of the draw is normal(mu, sigma)) |
//! | `beta` | a, b | 0 < a, b <= [`MAX_BETA_SHAPE`] |
//! | `pert` | min, mode, max | min <= mode <= max (all equal gives a fixed value); lambda = 4 |
//! | `triangular` | min, mode, max | min <= mode <= max |
//! | `uniform_int` | lo, hi | whole numbers, lo <= hi, within ±2^53 ([`MAX_EXACT_INT`]) |
//! | `bernoulli` | p | 0 <= p <= 1; draws 1 with probability p, else 0 |
//! | `poisson` | rate | 0 <= rate <= [`MAX_POISSON_RATE`] |
//! | `choice` | w0, w1, ... | weights >= 0 with a positive finite sum; draws index i with prob. w_i / sum |
//! | `discrete` | v0, w0, v1, w1, ... | pairs; same weight rules; draws v_i |
//! | `exponential` | rate | rate > 0 |
//! | `gamma` | shape, scale | both > 0 |
//!
//! Ranges (`hi - lo`, `max - min`) must also not overflow.
//!
//! Numerical notes: normal CDFs use `statrs::function::erf` (about 1e-10 relative accuracy);
//! beta and gamma quantiles invert `statrs`'s regularized incomplete beta/gamma functions with a
//! bracketed Newton/bisection solver in this module (statrs' own `inv_beta_reg` gives wrong
//! answers, panics or hangs for some valid shapes). For very large shapes/rates the exact
//! inversion becomes slow, so gamma quantiles with shape > 1e7 use the Wilson–Hilferty
//! approximation and Poisson quantiles with rate > 1e7 a Cornish–Fisher expansion (both
//! accurate to far better than Monte Carlo noise there).

use std::f64::consts::{PI, SQRT_2};
use std::fmt;

use rand::distr::{Distribution, Open01};
use rand::{Rng, RngExt};
use rand_distr::{Exp1, StandardNormal};
use statrs::function::{beta as sbeta, erf, gamma as sgamma};

// ---------------------------------------------------------------------------------------------
// Kinds
// ---------------------------------------------------------------------------------------------

/// Which family; the name is what users write in scenario files, e.g. `pert(0.1, 0.3, 0.6)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DistKind {
    Fixed,
    Uniform,
    Normal,
    LogNormal,
    Beta,
    Pert,
    Triangular,
    UniformInt,
    Bernoulli,
    Poisson,
    Choice,
    Discrete,
    Exponential,
    Gamma,
}

impl DistKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [DistKind] = &[
        DistKind::Fixed,
        DistKind::Uniform,
        DistKind::Normal,
        DistKind::LogNormal,
        DistKind::Beta,
        DistKind::Pert,
        DistKind::Triangular,
        DistKind::UniformInt,
        DistKind::Bernoulli,
        DistKind::Poisson,
        DistKind::Choice,
        DistKind::Discrete,
        DistKind::Exponential,
        DistKind::Gamma,
    ];

    /// Look up by the name users write: "fixed", "uniform", "normal", "lognormal", "beta", "pert",
    /// "triangular", "uniform_int", "bernoulli", "poisson", "choice", "discrete", "exponential",
    /// "gamma".
    pub fn from_name(name: &str) -> Option<DistKind> {
        DistKind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The name users write in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            DistKind::Fixed => "fixed",
            DistKind::Uniform => "uniform",
            DistKind::Normal => "normal",
            DistKind::LogNormal => "lognormal",
            DistKind::Beta => "beta",
            DistKind::Pert => "pert",
            DistKind::Triangular => "triangular",
            DistKind::UniformInt => "uniform_int",
            DistKind::Bernoulli => "bernoulli",
            DistKind::Poisson => "poisson",
            DistKind::Choice => "choice",
            DistKind::Discrete => "discrete",
            DistKind::Exponential => "exponential",
            DistKind::Gamma => "gamma",
        }
    }

    /// Accepted argument counts: (min, max) where max None = unbounded (choice/discrete are
    /// variadic). Not every count in the range is valid: normal takes 2 or 4 and discrete an
    /// even number; see [`DistKind::accepts_arg_count`].
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            DistKind::Fixed | DistKind::Bernoulli | DistKind::Poisson | DistKind::Exponential => {
                (1, Some(1))
            }
            DistKind::Uniform
            | DistKind::LogNormal
            | DistKind::Beta
            | DistKind::UniformInt
            | DistKind::Gamma => (2, Some(2)),
            DistKind::Normal => (2, Some(4)),
            DistKind::Pert | DistKind::Triangular => (3, Some(3)),
            DistKind::Choice => (1, None),
            DistKind::Discrete => (2, None),
        }
    }

    /// Whether exactly `n` arguments is a valid count (normal: 2 or 4; discrete: even, >= 2).
    pub fn accepts_arg_count(self, n: usize) -> bool {
        match self {
            DistKind::Normal => n == 2 || n == 4,
            DistKind::Discrete => n >= 2 && n.is_multiple_of(2),
            _ => {
                let (min, max) = self.arity();
                n >= min && max.is_none_or(|m| n <= m)
            }
        }
    }

    /// A short signature for error messages and docs, e.g. "pert(min, mode, max)".
    pub fn signature(self) -> &'static str {
        match self {
            DistKind::Fixed => "fixed(value)",
            DistKind::Uniform => "uniform(lo, hi)",
            DistKind::Normal => "normal(mean, sd[, lo, hi])",
            DistKind::LogNormal => "lognormal(mu, sigma)",
            DistKind::Beta => "beta(a, b)",
            DistKind::Pert => "pert(min, mode, max)",
            DistKind::Triangular => "triangular(min, mode, max)",
            DistKind::UniformInt => "uniform_int(lo, hi)",
            DistKind::Bernoulli => "bernoulli(p)",
            DistKind::Poisson => "poisson(rate)",
            DistKind::Choice => "choice(w0, w1, ...)",
            DistKind::Discrete => "discrete(v0, w0, v1, w1, ...)",
            DistKind::Exponential => "exponential(rate)",
            DistKind::Gamma => "gamma(shape, scale)",
        }
    }

    /// True when draws are whole numbers (uniform_int, bernoulli, poisson, choice).
    pub fn is_discrete(self) -> bool {
        matches!(
            self,
            DistKind::UniformInt | DistKind::Bernoulli | DistKind::Poisson | DistKind::Choice
        )
    }

    /// How many arguments, in words, for the arity error message.
    fn count_phrase(self) -> &'static str {
        match self {
            DistKind::Fixed | DistKind::Bernoulli | DistKind::Poisson | DistKind::Exponential => {
                "1"
            }
            DistKind::Uniform
            | DistKind::LogNormal
            | DistKind::Beta
            | DistKind::UniformInt
            | DistKind::Gamma => "2",
            DistKind::Normal => "2 or 4",
            DistKind::Pert | DistKind::Triangular => "3",
            DistKind::Choice => "at least 1",
            DistKind::Discrete => "an even number >= 2",
        }
    }

    /// The parameter list of the signature, without the name and parentheses.
    fn params(self) -> &'static str {
        let sig = self.signature();
        let start = sig.find('(').map_or(0, |i| i + 1);
        sig[start..].strip_suffix(')').unwrap_or(&sig[start..])
    }
}

impl fmt::Display for DistKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

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
}

impl fmt::Display for ArgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ArgName::Named { role: "", name } => write!(f, "`{name}`"),
            ArgName::Named { role, name } => write!(f, "{role} `{name}`"),
            ArgName::Weight(i) => write!(f, "weight `w{i}`"),
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
        "unknown distribution `{0}`; expected one of: fixed, uniform, normal, lognormal, beta, pert, triangular, uniform_int, bernoulli, poisson, choice, discrete, exponential, gamma"
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
fn num(x: f64) -> String {
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
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

/// Largest integer magnitude for `uniform_int` bounds: every integer up to 2^53 is exactly
/// representable as f64, so draws are exact.
pub const MAX_EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// Largest Poisson rate (the limit of `rand_distr::Poisson`, beyond which draws could exceed
/// `u64::MAX`).
pub const MAX_POISSON_RATE: f64 = rand_distr::Poisson::<f64>::MAX_LAMBDA;

/// Largest beta shape. A beta with a shape this large is a near point mass (its sd is at most
/// 1.6e-5), and beyond it statrs' incomplete beta function, which the quantile inverts, loses
/// accuracy (its CDF error is ~1e-6 at 1e9 and grows quickly).
pub const MAX_BETA_SHAPE: f64 = 1e9;

/// Above this rate the Poisson quantile uses a Cornish–Fisher expansion instead of an exact
/// search over the incomplete gamma function (whose cost grows like sqrt(rate)).
const POISSON_EXACT_MAX_RATE: f64 = 1e7;

/// Above this shape the gamma quantile uses the Wilson–Hilferty approximation instead of
/// inverting the incomplete gamma function (whose cost grows like sqrt(shape)).
const GAMMA_EXACT_MAX_SHAPE: f64 = 1e7;

/// Smallest probability mass accepted for a truncated normal's interval (about 35.7 standard
/// deviations into a tail). Well above the smallest float so that `u * mass` never underflows
/// for the uniform draws `u >= 2^-53` used in sampling.
const MIN_TRUNCATION_MASS: f64 = 1e-280;

/// Iteration cap for the CDF-inverting solver (it needs at most ~2 x 64 steps: every second
/// step halves the bracket in float-bit space).
const MAX_SOLVER_STEPS: usize = 200;

// ---------------------------------------------------------------------------------------------
// Validation helpers
// ---------------------------------------------------------------------------------------------

const fn named(role: &'static str, name: &'static str) -> ArgName {
    ArgName::Named { role, name }
}

fn finite(kind: DistKind, arg: ArgName, value: f64) -> Result<f64, DistError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(DistError::NotFinite { kind, arg, value })
    }
}

fn positive(kind: DistKind, arg: ArgName, value: f64) -> Result<f64, DistError> {
    finite(kind, arg, value)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(DistError::NotPositive { kind, arg, value })
    }
}

fn non_negative(kind: DistKind, arg: ArgName, value: f64) -> Result<f64, DistError> {
    finite(kind, arg, value)?;
    if value >= 0.0 {
        Ok(value)
    } else {
        Err(DistError::Negative { kind, arg, value })
    }
}

fn not_nan(kind: DistKind, arg: ArgName, value: f64) -> Result<f64, DistError> {
    if value.is_nan() {
        Err(DistError::NotANumber { kind, arg })
    } else {
        Ok(value)
    }
}

fn check_range(
    kind: DistKind,
    lo_name: &'static str,
    lo: f64,
    hi_name: &'static str,
    hi: f64,
) -> Result<f64, DistError> {
    let width = hi - lo;
    if width.is_finite() {
        Ok(width)
    } else {
        Err(DistError::RangeOverflow {
            kind,
            lo_name,
            lo,
            hi_name,
            hi,
        })
    }
}

/// Validates `min <= mode <= max` (finite) for pert/triangular; returns the range width.
fn check_min_mode_max(kind: DistKind, min: f64, mode: f64, max: f64) -> Result<f64, DistError> {
    finite(kind, named("", "min"), min)?;
    finite(kind, named("", "mode"), mode)?;
    finite(kind, named("", "max"), max)?;
    let order = |left, left_value, right, right_value| DistError::Order {
        kind,
        rule: "min <= mode <= max",
        left,
        left_value,
        op: ">",
        right,
        right_value,
    };
    if min > max {
        return Err(order("min", min, "max", max));
    }
    if min > mode {
        return Err(order("min", min, "mode", mode));
    }
    if mode > max {
        return Err(order("mode", mode, "max", max));
    }
    check_range(kind, "min", min, "max", max)
}

fn whole_bound(kind: DistKind, arg: ArgName, value: f64) -> Result<i64, DistError> {
    finite(kind, arg, value)?;
    if value.fract() != 0.0 {
        return Err(DistError::NotWhole { kind, arg, value });
    }
    if value.abs() > MAX_EXACT_INT {
        return Err(DistError::OutOfRange {
            kind,
            arg,
            value,
            min: -MAX_EXACT_INT,
            max: MAX_EXACT_INT,
        });
    }
    // Exact: |value| <= 2^53 and whole.
    Ok(value as i64)
}

/// Validates a weight list; returns the sequential sum (the same order the samplers use).
fn check_weights<'a>(
    kind: DistKind,
    weights: impl Iterator<Item = &'a f64>,
) -> Result<f64, DistError> {
    let mut sum = 0.0;
    for (i, &w) in weights.enumerate() {
        non_negative(kind, ArgName::Weight(i), w)?;
        sum += w;
    }
    if sum > 0.0 && sum.is_finite() {
        Ok(sum)
    } else {
        Err(DistError::BadWeightSum { kind, sum })
    }
}

// ---------------------------------------------------------------------------------------------
// Validated parameter forms (shared by Dist and sample_with; never allocate)
// ---------------------------------------------------------------------------------------------

/// A truncated normal, stored in a "working orientation": when the whole interval lies above
/// the mean it is reflected to the lower tail, where Phi keeps full relative precision.
#[derive(Clone, Copy, Debug, PartialEq)]
struct TruncNormal {
    mean: f64,
    sd: f64,
    lo: f64,
    hi: f64,
    /// True when working coordinates are z' = -(x - mean)/sd.
    reflect: bool,
    /// Standardized bounds in working orientation (a < b, a <= 0 or reflected so).
    a: f64,
    b: f64,
    /// Phi(a), Phi(b) in working orientation.
    pa: f64,
    pb: f64,
}

impl TruncNormal {
    fn new(mean: f64, sd: f64, lo: f64, hi: f64) -> Option<TruncNormal> {
        let za = (lo - mean) / sd;
        let zb = (hi - mean) / sd;
        // Both bounds in the upper tail: use the symmetric lower-tail form.
        let reflect = za > 0.0;
        let (a, b) = if reflect { (-zb, -za) } else { (za, zb) };
        let (pa, pb) = (norm_cdf(a), norm_cdf(b));
        let mass = pb - pa;
        (mass >= MIN_TRUNCATION_MASS).then_some(TruncNormal {
            mean,
            sd,
            lo,
            hi,
            reflect,
            a,
            b,
            pa,
            pb,
        })
    }

    /// Maps u in [0, 1] (working orientation) to x, clamped into [lo, hi].
    fn at_working_u(&self, u: f64) -> f64 {
        let z = norm_ppf(self.pa + u * (self.pb - self.pa));
        let z = if self.reflect { -z } else { z };
        (self.mean + self.sd * z).clamp(self.lo, self.hi)
    }

    fn quantile(&self, p: f64) -> f64 {
        if p <= 0.0 {
            return self.lo;
        }
        if p >= 1.0 {
            return self.hi;
        }
        self.at_working_u(if self.reflect { 1.0 - p } else { p })
    }

    /// Standardized (working orientation) mean and variance.
    ///
    /// Closed forms (Johnson, Kotz & Balakrishnan, *Continuous Univariate Distributions* vol. 1,
    /// 2nd ed. 1994, sec. 10.1): with Z = Phi(b) - Phi(a),
    /// mean = (phi(a) - phi(b)) / Z,
    /// var  = 1 + (a phi(a) - b phi(b)) / Z - ((phi(a) - phi(b)) / Z)^2.
    fn std_moments(&self) -> (f64, f64) {
        let mass = self.pb - self.pa;
        let (fa, fb) = (norm_pdf(self.a), norm_pdf(self.b));
        let t = |z: f64| {
            if z.is_infinite() {
                0.0
            } else {
                z * norm_pdf(z)
            }
        };
        let m = (fa - fb) / mass;
        let v = 1.0 + (t(self.a) - t(self.b)) / mass - m * m;
        // Truncating a log-concave density never increases its variance.
        (m, v.clamp(0.0, 1.0))
    }

    fn mean(&self) -> f64 {
        let (m, _) = self.std_moments();
        let m = if self.reflect { -m } else { m };
        (self.mean + self.sd * m).clamp(self.lo, self.hi)
    }

    fn variance(&self) -> f64 {
        let (_, v) = self.std_moments();
        self.sd * self.sd * v
    }
}

/// The validated, precomputed parameters of one distribution. `Copy` and allocation-free; the
/// variadic kinds keep only their weight sum and read values/weights from the argument slice.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Form {
    /// Also used for degenerate cases (sd = 0, lo == hi, rate 0, ...).
    Fixed(f64),
    Uniform {
        lo: f64,
        hi: f64,
        width: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    TruncNormal(TruncNormal),
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Beta {
        a: f64,
        b: f64,
        sampler: BetaRatio,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        range: f64,
        alpha: f64,
        beta: f64,
        sampler: BetaRatio,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    UniformInt {
        lo: i64,
        hi: i64,
    },
    Bernoulli(f64),
    Poisson {
        rate: f64,
        sampler: rand_distr::Poisson<f64>,
    },
    /// Weights are the whole argument slice.
    Choice {
        total: f64,
    },
    /// Arguments are (value, weight) pairs.
    Discrete {
        total: f64,
    },
    Exponential {
        rate: f64,
    },
    Gamma {
        shape: f64,
        scale: f64,
        sampler: rand_distr::Gamma<f64>,
    },
}

impl Form {
    /// Validates `args` for `kind` and precomputes what sampling needs. Never allocates.
    fn build(kind: DistKind, args: &[f64]) -> Result<Form, DistError> {
        use DistKind as K;
        if !kind.accepts_arg_count(args.len()) {
            return Err(DistError::WrongArity {
                kind,
                got: args.len(),
            });
        }
        let form = match (kind, args) {
            (K::Fixed, &[v]) => Form::Fixed(finite(kind, named("", "value"), v)?),
            (K::Uniform, &[lo, hi]) => {
                finite(kind, named("lower bound", "lo"), lo)?;
                finite(kind, named("upper bound", "hi"), hi)?;
                if lo > hi {
                    return Err(DistError::Order {
                        kind,
                        rule: "lo <= hi",
                        left: "lo",
                        left_value: lo,
                        op: ">",
                        right: "hi",
                        right_value: hi,
                    });
                }
                let width = check_range(kind, "lo", lo, "hi", hi)?;
                if width == 0.0 {
                    Form::Fixed(lo)
                } else {
                    Form::Uniform { lo, hi, width }
                }
            }
            (K::Normal, &[mean, sd]) => {
                finite(kind, named("", "mean"), mean)?;
                non_negative(kind, named("standard deviation", "sd"), sd)?;
                if sd == 0.0 {
                    Form::Fixed(mean)
                } else {
                    Form::Normal { mean, sd }
                }
            }
            (K::Normal, &[mean, sd, lo, hi]) => {
                finite(kind, named("", "mean"), mean)?;
                non_negative(kind, named("standard deviation", "sd"), sd)?;
                not_nan(kind, named("lower bound", "lo"), lo)?;
                not_nan(kind, named("upper bound", "hi"), hi)?;
                if lo >= hi {
                    return Err(DistError::Order {
                        kind,
                        rule: "lo < hi",
                        left: "lo",
                        left_value: lo,
                        op: ">=",
                        right: "hi",
                        right_value: hi,
                    });
                }
                let empty = DistError::EmptyTruncation { mean, sd, lo, hi };
                if sd == 0.0 {
                    if (lo..=hi).contains(&mean) {
                        Form::Fixed(mean)
                    } else {
                        return Err(empty);
                    }
                } else {
                    Form::TruncNormal(TruncNormal::new(mean, sd, lo, hi).ok_or(empty)?)
                }
            }
            (K::LogNormal, &[mu, sigma]) => {
                finite(kind, named("log-scale location", "mu"), mu)?;
                non_negative(kind, named("log-scale", "sigma"), sigma)?;
                if sigma == 0.0 {
                    Form::Fixed(mu.exp())
                } else {
                    Form::LogNormal { mu, sigma }
                }
            }
            (K::Beta, &[a, b]) => {
                let arg_a = named("shape", "a");
                let arg_b = named("shape", "b");
                for (arg, value) in [(arg_a, a), (arg_b, b)] {
                    positive(kind, arg, value)?;
                    if value > MAX_BETA_SHAPE {
                        return Err(DistError::TooLarge {
                            kind,
                            arg,
                            value,
                            max: MAX_BETA_SHAPE,
                        });
                    }
                }
                let sampler = BetaRatio::new(a, b);
                Form::Beta { a, b, sampler }
            }
            (K::Pert, &[min, mode, max]) => {
                let range = check_min_mode_max(kind, min, mode, max)?;
                if range == 0.0 {
                    Form::Fixed(min)
                } else {
                    // Standard PERT, lambda = 4 (Vose, *Risk Analysis*, 3rd ed. 2008, sec. 9.1).
                    // Divide first: 4 * (max - mode) can overflow when the range is near f64::MAX.
                    let alpha = 1.0 + 4.0 * ((mode - min) / range);
                    let beta = 1.0 + 4.0 * ((max - mode) / range);
                    let sampler = BetaRatio::new(alpha, beta);
                    Form::Pert {
                        min,
                        mode,
                        max,
                        range,
                        alpha,
                        beta,
                        sampler,
                    }
                }
            }
            (K::Triangular, &[min, mode, max]) => {
                let range = check_min_mode_max(kind, min, mode, max)?;
                if range == 0.0 {
                    Form::Fixed(min)
                } else {
                    Form::Triangular { min, mode, max }
                }
            }
            (K::UniformInt, &[lo, hi]) => {
                let l = whole_bound(kind, named("lower bound", "lo"), lo)?;
                let h = whole_bound(kind, named("upper bound", "hi"), hi)?;
                if l > h {
                    return Err(DistError::Order {
                        kind,
                        rule: "lo <= hi",
                        left: "lo",
                        left_value: lo,
                        op: ">",
                        right: "hi",
                        right_value: hi,
                    });
                }
                Form::UniformInt { lo: l, hi: h }
            }
            (K::Bernoulli, &[p]) => {
                let arg = named("probability", "p");
                finite(kind, arg, p)?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(DistError::OutOfRange {
                        kind,
                        arg,
                        value: p,
                        min: 0.0,
                        max: 1.0,
                    });
                }
                Form::Bernoulli(p)
            }
            (K::Poisson, &[rate]) => {
                let arg = named("", "rate");
                non_negative(kind, arg, rate)?;
                let out_of_range = DistError::OutOfRange {
                    kind,
                    arg,
                    value: rate,
                    min: 0.0,
                    max: MAX_POISSON_RATE,
                };
                if rate > MAX_POISSON_RATE {
                    return Err(out_of_range);
                }
                if rate == 0.0 {
                    Form::Fixed(0.0)
                } else {
                    let sampler = rand_distr::Poisson::new(rate).map_err(|_| out_of_range)?;
                    Form::Poisson { rate, sampler }
                }
            }
            (K::Choice, weights) => Form::Choice {
                total: check_weights(kind, weights.iter())?,
            },
            (K::Discrete, pairs) => {
                for (i, pair) in pairs.chunks_exact(2).enumerate() {
                    finite(kind, ArgName::Value(i), pair[0])?;
                }
                Form::Discrete {
                    total: check_weights(kind, pairs.iter().skip(1).step_by(2))?,
                }
            }
            (K::Exponential, &[rate]) => Form::Exponential {
                rate: positive(kind, named("", "rate"), rate)?,
            },
            (K::Gamma, &[shape, scale]) => {
                let arg_shape = named("", "shape");
                let arg_scale = named("", "scale");
                positive(kind, arg_shape, shape)?;
                positive(kind, arg_scale, scale)?;
                let sampler = rand_distr::Gamma::new(shape, scale).map_err(|e| match e {
                    rand_distr::GammaError::ShapeTooSmall => DistError::NotPositive {
                        kind,
                        arg: arg_shape,
                        value: shape,
                    },
                    _ => DistError::NotFinite {
                        kind,
                        arg: arg_scale,
                        value: scale,
                    },
                })?;
                Form::Gamma {
                    shape,
                    scale,
                    sampler,
                }
            }
            _ => {
                return Err(DistError::WrongArity {
                    kind,
                    got: args.len(),
                });
            }
        };
        Ok(form)
    }

    /// One draw. `args` are the validated arguments (read by choice/discrete); `cum`, when
    /// given, holds the cumulative weights of a choice/discrete for binary search — it selects
    /// exactly the same index as the linear walk.
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, args: &[f64], cum: Option<&CumTable>, rng: &mut R) -> f64 {
        match *self {
            Form::Fixed(v) => v,
            Form::Uniform { lo, hi, width } => {
                let u: f64 = rng.random();
                (lo + u * width).min(hi)
            }
            Form::Normal { mean, sd } => {
                let z: f64 = StandardNormal.sample(rng);
                mean + sd * z
            }
            Form::TruncNormal(ref t) => {
                let u: f64 = Open01.sample(rng);
                t.at_working_u(u)
            }
            Form::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Form::Beta { ref sampler, .. } => sampler.sample(rng),
            Form::Pert {
                min,
                max,
                range,
                ref sampler,
                ..
            } => (min + range * sampler.sample(rng)).clamp(min, max),
            Form::Triangular { min, mode, max } => {
                let u: f64 = rng.random();
                triangular_quantile(min, mode, max, u)
            }
            Form::UniformInt { lo, hi } => rng.random_range(lo..=hi) as f64,
            Form::Bernoulli(p) => {
                let u: f64 = rng.random();
                if u < p { 1.0 } else { 0.0 }
            }
            Form::Poisson { ref sampler, .. } => sampler.sample(rng),
            Form::Choice { total } => {
                let target = rng.random::<f64>() * total;
                let i = match cum {
                    Some(table) => table.pick(target),
                    None => pick_linear(args.iter().copied(), target),
                };
                i as f64
            }
            Form::Discrete { total } => {
                let target = rng.random::<f64>() * total;
                let i = match cum {
                    Some(table) => table.pick(target),
                    None => pick_linear(args.iter().skip(1).step_by(2).copied(), target),
                };
                args.get(2 * i).copied().unwrap_or(f64::NAN)
            }
            Form::Exponential { rate } => {
                let e: f64 = Exp1.sample(rng);
                e / rate
            }
            Form::Gamma { ref sampler, .. } => sampler.sample(rng),
        }
    }
}

/// Gamma(shape, 1) by Marsaglia & Tsang (*ACM TOMS* 26(3), 2000), with their
/// boost `G(shape + 1) * U^(1/shape)` for shapes below 1. NumPy draws gammas
/// and betas this way.
#[derive(Clone, Copy, Debug, PartialEq)]
struct StdGamma {
    d: f64,
    c: f64,
    /// 1 / shape for shapes below 1 (the boost), else 0.
    boost: f64,
}

impl StdGamma {
    fn new(shape: f64) -> StdGamma {
        let (s, boost) = if shape < 1.0 {
            (shape + 1.0, 1.0 / shape)
        } else {
            (shape, 0.0)
        };
        let d = s - 1.0 / 3.0;
        StdGamma {
            d,
            c: 1.0 / (9.0 * d).sqrt(),
            boost,
        }
    }

    /// A draw of G(shape + 1) (or of G(shape) when there is no boost).
    #[inline]
    fn core<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        loop {
            let z: f64 = StandardNormal.sample(rng);
            let v = 1.0 + self.c * z;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u: f64 = Open01.sample(rng);
            let z2 = z * z;
            if u < 1.0 - 0.0331 * z2 * z2 || u.ln() < 0.5 * z2 + self.d * (1.0 - v + v.ln()) {
                return self.d * v;
            }
        }
    }

    /// The natural log of a draw, exact for the tiny values small shapes give.
    #[inline]
    fn sample_ln<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let g = self.core(rng).ln();
        if self.boost > 0.0 {
            let u: f64 = Open01.sample(rng);
            g + u.ln() * self.boost
        } else {
            g
        }
    }
}

/// Beta(a, b) as the ratio X / (X + Y) of independent gammas (the method
/// NumPy uses; about three times faster than Cheng's algorithm). With a shape
/// below 1 the gammas can underflow, so the ratio is taken in logs there.
#[derive(Clone, Copy, Debug, PartialEq)]
struct BetaRatio {
    x: StdGamma,
    y: StdGamma,
    /// a / (a + b): the chance of 1 in the limit where both gammas
    /// underflow even in logs (shapes near the smallest doubles).
    mean: f64,
}

impl BetaRatio {
    fn new(a: f64, b: f64) -> BetaRatio {
        BetaRatio {
            x: StdGamma::new(a),
            y: StdGamma::new(b),
            mean: a / (a + b),
        }
    }

    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        if self.x.boost == 0.0 && self.y.boost == 0.0 {
            let x = self.x.core(rng);
            let y = self.y.core(rng);
            x / (x + y)
        } else {
            let lx = self.x.sample_ln(rng);
            let ly = self.y.sample_ln(rng);
            let d = ly - lx;
            if d.is_nan() {
                let u: f64 = rng.random();
                return if u < self.mean { 1.0 } else { 0.0 };
            }
            1.0 / (1.0 + d.exp())
        }
    }
}

/// Index of the first weight whose running sum exceeds `target` (zero weights are never
/// chosen); if rounding puts `target` at or past the total, the last positive weight.
#[inline]
fn pick_linear(weights: impl Iterator<Item = f64>, target: f64) -> usize {
    let mut acc = 0.0;
    let mut last_positive = 0;
    for (i, w) in weights.enumerate() {
        if w > 0.0 {
            acc += w;
            if target < acc {
                return i;
            }
            last_positive = i;
        }
    }
    last_positive
}

/// Cumulative weights in argument order, for O(log n) sampling of long choice/discrete lists.
#[derive(Clone, Debug, PartialEq)]
struct CumTable {
    cum: Vec<f64>,
    last_positive: usize,
}

impl CumTable {
    /// Lists at most this long are sampled by the linear walk (faster for short lists).
    const LINEAR_MAX: usize = 16;

    fn new(weights: impl Iterator<Item = f64>) -> CumTable {
        let mut acc = 0.0;
        let mut last_positive = 0;
        let cum = weights
            .enumerate()
            .map(|(i, w)| {
                if w > 0.0 {
                    acc += w;
                    last_positive = i;
                }
                acc
            })
            .collect();
        CumTable { cum, last_positive }
    }

    /// Same rule as [`pick_linear`]: first index with cumulative weight > target.
    fn pick(&self, target: f64) -> usize {
        let i = self.cum.partition_point(|&c| c <= target);
        if i < self.cum.len() {
            i
        } else {
            self.last_positive
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dist
// ---------------------------------------------------------------------------------------------

/// A validated distribution: constructing it checks every argument, so sampling cannot fail.
#[derive(Clone, Debug, PartialEq)]
pub struct Dist {
    kind: DistKind,
    args: Vec<f64>,
    form: Form,
    /// choice/discrete with many entries: cumulative weights in argument order (sampling).
    cum: Option<CumTable>,
    /// choice/discrete: (value, cumulative weight) sorted by value, positive weights only,
    /// equal values merged (quantiles). Empty for other kinds.
    by_value: Vec<(f64, f64)>,
}

impl Dist {
    /// Validates `args` for `kind` (the rules of each kind are tabled in the module docs).
    pub fn new(kind: DistKind, args: &[f64]) -> Result<Dist, DistError> {
        let form = Form::build(kind, args)?;
        let (cum, by_value) = match kind {
            DistKind::Choice | DistKind::Discrete => {
                let (values, weights): (Vec<f64>, Vec<f64>) = if kind == DistKind::Choice {
                    args.iter().enumerate().map(|(i, &w)| (i as f64, w)).unzip()
                } else {
                    args.chunks_exact(2).map(|c| (c[0], c[1])).unzip()
                };
                let cum = (weights.len() > CumTable::LINEAR_MAX)
                    .then(|| CumTable::new(weights.iter().copied()));
                let mut pairs: Vec<(f64, f64)> = values
                    .into_iter()
                    .zip(weights)
                    .filter(|&(_, w)| w > 0.0)
                    .collect();
                pairs.sort_by(|x, y| x.0.total_cmp(&y.0));
                let mut by_value: Vec<(f64, f64)> = Vec::with_capacity(pairs.len());
                let mut acc = 0.0;
                for (v, w) in pairs {
                    acc += w;
                    match by_value.last_mut() {
                        Some(last) if last.0 == v => last.1 = acc,
                        _ => by_value.push((v, acc)),
                    }
                }
                (cum, by_value)
            }
            _ => (None, Vec::new()),
        };
        Ok(Dist {
            kind,
            args: args.to_vec(),
            form,
            cum,
            by_value,
        })
    }

    /// Looks the kind up by name, then validates; e.g. `Dist::from_name("beta", &[2.0, 5.0])`.
    pub fn from_name(name: &str, args: &[f64]) -> Result<Dist, DistError> {
        let kind =
            DistKind::from_name(name).ok_or_else(|| DistError::UnknownKind(name.to_string()))?;
        Dist::new(kind, args)
    }

    /// A point mass at `value` (must be finite).
    pub fn fixed(value: f64) -> Result<Dist, DistError> {
        Dist::new(DistKind::Fixed, &[value])
    }

    pub fn kind(&self) -> DistKind {
        self.kind
    }

    /// The arguments as given to [`Dist::new`].
    pub fn args(&self) -> &[f64] {
        &self.args
    }

    /// One draw. Identical to [`sample_with`] with the same kind, arguments and RNG state.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.form.sample(&self.args, self.cum.as_ref(), rng)
    }

    /// One draw from each generator into the matching place of `out`: the
    /// same numbers as [`Dist::sample`] per generator, with the kind decided
    /// once for all of them.
    pub fn fill<R: Rng>(&self, rngs: &mut [R], out: &mut [f64]) {
        let pairs = out.iter_mut().zip(rngs);
        match self.form {
            Form::Fixed(v) => pairs.for_each(|(x, _)| *x = v),
            Form::Uniform { lo, hi, width } => pairs.for_each(|(x, r)| {
                let u: f64 = r.random();
                *x = (lo + u * width).min(hi);
            }),
            Form::Normal { mean, sd } => pairs.for_each(|(x, r)| {
                let z: f64 = StandardNormal.sample(r);
                *x = mean + sd * z;
            }),
            Form::Beta { ref sampler, .. } => pairs.for_each(|(x, r)| *x = sampler.sample(r)),
            Form::Bernoulli(p) => pairs.for_each(|(x, r)| {
                let u: f64 = r.random();
                *x = if u < p { 1.0 } else { 0.0 };
            }),
            ref form => {
                let cum = self.cum.as_ref();
                pairs.for_each(|(x, r)| *x = form.sample(&self.args, cum, r));
            }
        }
    }

    /// Inverse CDF at p in `[0, 1]` (p = 0 / 1 give the support's ends, possibly +-inf). For
    /// discrete kinds: the smallest value x with CDF(x) >= p. `p` outside [0, 1] is clamped;
    /// NaN gives NaN.
    /// The quantile at each of `ps`, as [`Dist::quantile`] gives it up to
    /// the solver's last bits (about 1e-15 relative). Kinds whose quantile
    /// is found by a solver (beta, PERT) solve in increasing order of p,
    /// each from the previous root, which takes a few steps instead of
    /// many: what mapping thousands of sample points needs.
    pub fn quantiles(&self, ps: &[f64]) -> Vec<f64> {
        let (a, b, min, range, max) = match self.form {
            Form::Beta { a, b, .. } => (a, b, 0.0, 1.0, 1.0),
            Form::Pert {
                min,
                max,
                range,
                alpha,
                beta,
                ..
            } => (alpha, beta, min, range, max),
            _ => return ps.iter().map(|&p| self.quantile(p)).collect(),
        };
        let mut order: Vec<usize> = (0..ps.len()).collect();
        order.sort_unstable_by(|&i, &j| ps[i].total_cmp(&ps[j]));
        let mut out = vec![f64::NAN; ps.len()];
        let mut previous = None;
        for i in order {
            let p = ps[i];
            if !(p > 0.0 && p < 1.0) {
                out[i] = self.quantile(p);
                continue;
            }
            let x = beta_quantile_from(a, b, p, previous);
            previous = Some(x);
            out[i] = if range == 1.0 && min == 0.0 {
                x
            } else {
                (min + range * x).clamp(min, max)
            };
        }
        out
    }

    pub fn quantile(&self, p: f64) -> f64 {
        if p.is_nan() {
            return f64::NAN;
        }
        let p = p.clamp(0.0, 1.0);
        match self.form {
            Form::Fixed(v) => v,
            Form::Uniform { lo, hi, width } => {
                if p >= 1.0 {
                    hi
                } else {
                    (lo + p * width).min(hi)
                }
            }
            Form::Normal { mean, sd } => mean + sd * norm_ppf(p),
            Form::TruncNormal(ref t) => t.quantile(p),
            Form::LogNormal { mu, sigma } => (mu + sigma * norm_ppf(p)).exp(),
            Form::Beta { a, b, .. } => beta_quantile(a, b, p),
            Form::Pert {
                min,
                max,
                range,
                alpha,
                beta,
                ..
            } => {
                if p >= 1.0 {
                    max
                } else {
                    (min + range * beta_quantile(alpha, beta, p)).clamp(min, max)
                }
            }
            Form::Triangular { min, mode, max } => triangular_quantile(min, mode, max, p),
            Form::UniformInt { lo, hi } => uniform_int_quantile(lo, hi, p),
            Form::Bernoulli(prob) => {
                // CDF(0) = 1 - prob; support is {1} when prob = 1 and {0} when prob = 0.
                if prob < 1.0 && p <= 1.0 - prob {
                    0.0
                } else {
                    1.0
                }
            }
            Form::Poisson { rate, .. } => poisson_quantile(rate, p),
            Form::Choice { .. } | Form::Discrete { .. } => self.discrete_quantile(p),
            Form::Exponential { rate } => -(-p).ln_1p() / rate,
            Form::Gamma { shape, scale, .. } => scale * std_gamma_quantile(shape, p),
        }
    }

    fn discrete_quantile(&self, p: f64) -> f64 {
        let Some(&(last_value, total)) = self.by_value.last() else {
            return f64::NAN; // unreachable: validation guarantees a positive weight
        };
        let target = p * total;
        let i = self.by_value.partition_point(|&(_, c)| c < target);
        self.by_value.get(i).map_or(last_value, |&(v, _)| v)
    }

    /// Closed-form mean (sources are cited in the tests).
    pub fn mean(&self) -> f64 {
        match self.form {
            Form::Fixed(v) => v,
            Form::Uniform { lo, width, .. } => lo + 0.5 * width,
            Form::Normal { mean, .. } => mean,
            Form::TruncNormal(ref t) => t.mean(),
            Form::LogNormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Form::Beta { a, b, .. } => a / (a + b),
            // (min + 4 mode + max) / 6, written as an offset from min to avoid overflow.
            Form::Pert {
                min, range, alpha, ..
            } => min + range * alpha / 6.0,
            Form::Triangular { min, mode, max } => min + (2.0 * (mode - min) + (max - mode)) / 3.0,
            Form::UniformInt { lo, hi } => 0.5 * (lo as f64 + hi as f64),
            Form::Bernoulli(p) => p,
            Form::Poisson { rate, .. } => rate,
            Form::Choice { .. } | Form::Discrete { .. } => self.weighted_moments().0,
            Form::Exponential { rate } => 1.0 / rate,
            Form::Gamma { shape, scale, .. } => shape * scale,
        }
    }

    /// Closed-form variance (truncated normal too; sources are cited in the tests).
    pub fn variance(&self) -> f64 {
        match self.form {
            Form::Fixed(_) => 0.0,
            Form::Uniform { width, .. } => width * width / 12.0,
            Form::Normal { sd, .. } => sd * sd,
            Form::TruncNormal(ref t) => t.variance(),
            Form::LogNormal { mu, sigma } => {
                let s2 = sigma * sigma;
                s2.exp_m1() * (2.0 * mu + s2).exp()
            }
            Form::Beta { a, b, .. } => a * b / ((a + b) * (a + b) * (a + b + 1.0)),
            Form::Pert {
                range, alpha, beta, ..
            } => range * range * alpha * beta / 252.0, // alpha + beta = 6: ab/(36 * 7)
            Form::Triangular { min, mode, max } => {
                let (l, r) = (mode - min, max - mode);
                (l * l + l * r + r * r) / 18.0
            }
            Form::UniformInt { lo, hi } => {
                let n = (hi - lo) as f64 + 1.0;
                (n * n - 1.0) / 12.0
            }
            Form::Bernoulli(p) => p * (1.0 - p),
            Form::Poisson { rate, .. } => rate,
            Form::Choice { .. } | Form::Discrete { .. } => self.weighted_moments().1,
            Form::Exponential { rate } => 1.0 / (rate * rate),
            Form::Gamma { shape, scale, .. } => shape * scale * scale,
        }
    }

    /// Standard deviation, `variance().sqrt()`.
    pub fn std_dev(&self) -> f64 {
        self.variance().sqrt()
    }

    /// (mean, variance) of choice/discrete, two-pass over the value-sorted table.
    fn weighted_moments(&self) -> (f64, f64) {
        let total = self.by_value.last().map_or(1.0, |&(_, c)| c);
        let mut prev = 0.0;
        let masses = self.by_value.iter().map(|&(v, c)| {
            let w = c - prev;
            prev = c;
            (v, w / total)
        });
        let pairs: Vec<(f64, f64)> = masses.collect();
        let mean: f64 = pairs.iter().map(|&(v, q)| v * q).sum();
        let var: f64 = pairs
            .iter()
            .map(|&(v, q)| q * (v - mean) * (v - mean))
            .sum();
        (mean, var)
    }

    /// e.g. "pert(0.1, 0.3, 0.6)" — round-trips through the scenario syntax. Numbers print in
    /// the shortest form that parses back exactly (exponent notation for very large/small
    /// magnitudes, `inf`/`-inf` for infinite truncation bounds).
    pub fn describe(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|&x| num(x)).collect();
        format!("{}({})", self.kind.name(), args.join(", "))
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Validates arguments without building anything (e.g. literal arguments at parse time).
pub fn validate(kind: DistKind, args: &[f64]) -> Result<(), DistError> {
    Form::build(kind, args).map(|_| ())
}

/// One draw with per-call arguments, for random calls inside expressions evaluated in a hot loop
/// (arguments differ per run). Does not allocate. Same validation as [`Dist::new`], and the same
/// draw as `Dist::new(kind, args)?.sample(rng)` for the same RNG state.
#[inline]
pub fn sample_with<R: Rng + ?Sized>(
    kind: DistKind,
    args: &[f64],
    rng: &mut R,
) -> Result<f64, DistError> {
    let form = Form::build(kind, args)?;
    Ok(form.sample(args, None, rng))
}

// ---------------------------------------------------------------------------------------------
// Closed-form quantiles
// ---------------------------------------------------------------------------------------------

/// Standard normal density.
fn norm_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// Standard normal CDF, Phi(z) = erfc(-z / sqrt 2) / 2 (accurate in the lower tail).
fn norm_cdf(z: f64) -> f64 {
    0.5 * erf::erfc(-z / SQRT_2)
}

/// Standard normal quantile, Phi^-1(p) = -sqrt 2 erfc^-1(2p) (p = 0 -> -inf, p = 1 -> inf).
fn norm_ppf(p: f64) -> f64 {
    -SQRT_2 * erf::erfc_inv(2.0 * p)
}

fn triangular_quantile(min: f64, mode: f64, max: f64, p: f64) -> f64 {
    // CDF (min a, mode c, max b): (x-a)^2 / ((b-a)(c-a)) below c, 1 - (b-x)^2/((b-a)(b-c)) above.
    // Square roots are split so the products cannot overflow.
    let range = max - min;
    let left = mode - min;
    let x = if p * range < left {
        min + (p * range).sqrt() * left.sqrt()
    } else {
        max - ((1.0 - p) * range).sqrt() * (max - mode).sqrt()
    };
    x.clamp(min, max)
}

/// Smallest k in lo..=hi with (k - lo + 1) / n >= p.
fn uniform_int_quantile(lo: i64, hi: i64, p: f64) -> f64 {
    let n = (hi - lo) as f64 + 1.0;
    let cdf = |k: f64| (k - lo as f64 + 1.0) / n;
    let mut k = (lo as f64 + (p * n).ceil() - 1.0).clamp(lo as f64, hi as f64);
    // Guard against rounding in p * n: step to the true smallest k.
    while k > lo as f64 && cdf(k - 1.0) >= p {
        k -= 1.0;
    }
    while k < hi as f64 && cdf(k) < p {
        k += 1.0;
    }
    k
}

// ---------------------------------------------------------------------------------------------
// Numerical inversion (beta, gamma) and the Poisson quantile
// ---------------------------------------------------------------------------------------------

/// Midpoint of [a, b] (0 <= a < b) in float-bit space: for non-negative floats the bit pattern
/// is monotone, so this halves the number of representable values in the bracket and reaches
/// any target (even 1e-300) in at most 64 steps.
fn bit_mid(a: f64, b: f64) -> f64 {
    let (ia, ib) = (a.to_bits(), b.to_bits());
    f64::from_bits(ia + (ib - ia) / 2)
}

/// Finds x in (lo, hi), 0 <= lo < hi finite, with `eval(x).0 == 0`, where `eval` returns
/// (residual, derivative) and the residual is nondecreasing in x (negative left of the root).
/// Safeguarded Newton: a Newton step is taken only when it stays inside the bracket, and every
/// Newton step that fails to halve the bracket is followed by a bisection in float-bit space,
/// so the loop always terminates within [`MAX_SOLVER_STEPS`].
fn solve_increasing(lo: f64, hi: f64, x0: f64, eval: impl Fn(f64) -> (f64, f64)) -> f64 {
    let (mut a, mut b) = (lo, hi);
    let mut x = if x0 > a && x0 < b { x0 } else { bit_mid(a, b) };
    let mut width = b.to_bits() - a.to_bits();
    let mut bisect_next = false;
    for _ in 0..MAX_SOLVER_STEPS {
        let (r, d) = eval(x);
        if r == 0.0 {
            return x;
        }
        if r < 0.0 {
            a = x;
        } else {
            b = x; // also NaN: shrink from above, still terminates
        }
        let new_width = b.to_bits() - a.to_bits();
        if new_width <= 1 {
            return b;
        }
        let halved = new_width <= width / 2;
        width = new_width;
        let newton = x - r / d;
        if !bisect_next && newton.is_finite() && newton > a && newton < b {
            if (newton - x).abs() <= 16.0 * f64::EPSILON * x.abs() {
                return newton;
            }
            x = newton;
            bisect_next = !halved;
        } else {
            x = bit_mid(a, b);
            bisect_next = false;
        }
    }
    x
}

/// Beta(a, b) quantile by inverting the regularized incomplete beta function I_x(a, b).
/// In the upper half (p > 1/2) it solves survival function = 1 - p instead, which keeps
/// precision there.
fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    beta_quantile_from(a, b, p, None)
}

/// [`beta_quantile`], with the solver started at `start` when given (a
/// nearby root, for many quantiles in increasing order).
fn beta_quantile_from(a: f64, b: f64, p: f64, start: Option<f64>) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    // Closed forms: Beta(1, b): F = 1 - (1-x)^b; Beta(a, 1): F = x^a.
    if a == 1.0 {
        return -((-p).ln_1p() / b).exp_m1();
    }
    if b == 1.0 {
        return (p.ln() / a).exp();
    }
    let ln_b = sbeta::checked_ln_beta(a, b).unwrap_or(f64::NAN);
    let upper = p > 0.5;
    let q = 1.0 - p;
    let eval = |x: f64| {
        let r = if upper {
            // Survival function: I_{1-x}(b, a) needs 1 - x exact (x >= 1/2); below that,
            // 1 - I_x(a, b) is accurate enough for a residual against 1 - p.
            let sf = if x >= 0.5 {
                sbeta::checked_beta_reg(b, a, 1.0 - x)
            } else {
                sbeta::checked_beta_reg(a, b, x).map(|c| 1.0 - c)
            };
            q - sf.unwrap_or(f64::NAN)
        } else {
            sbeta::checked_beta_reg(a, b, x).unwrap_or(f64::NAN) - p
        };
        let pdf = ((a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_b).exp();
        (r, pdf)
    };
    // Start from the moment-matched normal guess; the solver brackets anything.
    let m = a / (a + b);
    let s = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
    let x0 = start.unwrap_or_else(|| m + s * norm_ppf(p));
    solve_increasing(0.0, 1.0, x0, eval).clamp(0.0, 1.0)
}

/// Wilson–Hilferty: (X / k)^(1/3) is approximately normal with mean 1 - 1/(9k) and variance
/// 1/(9k) (Johnson, Kotz & Balakrishnan vol. 1, sec. 17.5).
fn wilson_hilferty(shape: f64, z: f64) -> f64 {
    let c = 1.0 / (9.0 * shape);
    let t = 1.0 - c + z * c.sqrt();
    shape * t * t * t
}

/// Quantile of Gamma(shape, scale = 1).
fn std_gamma_quantile(shape: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if shape == 1.0 {
        return -(-p).ln_1p();
    }
    let z = norm_ppf(p);
    let wh = wilson_hilferty(shape, z);
    if shape > GAMMA_EXACT_MAX_SHAPE {
        return wh.max(0.0);
    }
    let ln_g = sgamma::ln_gamma(shape);
    let upper = p > 0.5;
    let q = 1.0 - p;
    let eval = |x: f64| {
        let r = if upper {
            q - sgamma::checked_gamma_ur(shape, x).unwrap_or(f64::NAN)
        } else {
            sgamma::checked_gamma_lr(shape, x).unwrap_or(f64::NAN) - p
        };
        let pdf = ((shape - 1.0) * x.ln() - x - ln_g).exp();
        (r, pdf)
    };
    // Initial guess: Wilson–Hilferty, or for the far lower tail P(k, x) ~ x^k / Gamma(k + 1).
    let x0 = if wh > 0.0 {
        wh
    } else {
        ((p.ln() + sgamma::ln_gamma(shape + 1.0)) / shape).exp()
    };
    solve_increasing(0.0, f64::MAX, x0, eval)
}

/// Cornish–Fisher expansion of the Poisson quantile (cumulants all equal the rate), with a
/// continuity correction; see Johnson, Kemp & Kotz, *Univariate Discrete Distributions*, 3rd
/// ed. 2005, sec. 4.5. Returns a whole number >= 0.
fn poisson_cornish_fisher(rate: f64, z: f64) -> f64 {
    let s = rate.sqrt();
    let z2 = z * z;
    let y = rate + s * z + (z2 - 1.0) / 6.0 + (z2 * z - 3.0 * z) / (24.0 * s)
        - (2.0 * z2 * z - 5.0 * z) / (36.0 * s);
    (y - 0.5).ceil().max(0.0)
}

/// Smallest k >= 0 with P(X <= k) >= p for X ~ Poisson(rate), rate > 0.
/// P(X <= k) = Q(k + 1, rate), the regularized upper incomplete gamma function.
fn poisson_quantile(rate: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let z = norm_ppf(p);
    let guess = poisson_cornish_fisher(rate, z);
    if rate > POISSON_EXACT_MAX_RATE {
        return guess;
    }
    let upper = p > 0.5;
    let q = 1.0 - p;
    // ok(k) <=> CDF(k) >= p; in the upper half via the survival function P(k + 1, rate) <= 1 - p.
    let ok = |k: f64| {
        if upper {
            sgamma::checked_gamma_lr(k + 1.0, rate).map_or(true, |sf| sf <= q)
        } else {
            sgamma::checked_gamma_ur(k + 1.0, rate).map_or(true, |cdf| cdf >= p)
        }
    };
    // The expansion is poor for small rates; start from the mean there.
    let start = if rate >= 10.0 { guess } else { rate.floor() };
    // Gallop from the start to a bracket (lo fails, hi passes; lo = -1 means "below 0").
    let (mut lo, mut hi);
    let mut step = 1.0;
    if ok(start) {
        hi = start;
        lo = -1.0;
        for _ in 0..64 {
            let c = hi - step;
            if c < 0.0 {
                break;
            }
            if ok(c) {
                hi = c;
                step *= 2.0;
            } else {
                lo = c;
                break;
            }
        }
    } else {
        lo = start;
        hi = f64::INFINITY;
        for _ in 0..64 {
            let c = lo + step;
            if ok(c) {
                hi = c;
                break;
            }
            lo = c;
            step *= 2.0;
        }
        if hi.is_infinite() {
            return lo + 1.0; // unreachable for finite rates
        }
    }
    while hi - lo > 1.0 {
        let mid = ((lo + hi) * 0.5).floor();
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Tolerance for every statistical check, in standard errors. A 6-sigma deviation has
    /// two-sided probability about 2e-9 under a normal approximation, so a correct
    /// implementation essentially never fails; the seeds are fixed, so runs are deterministic.
    const Z_TAIL: f64 = 6.0;
    /// Draws per statistical check.
    const N: usize = 200_000;

    fn rng(seed: u64) -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(seed)
    }

    fn dist(kind: DistKind, args: &[f64]) -> Dist {
        match Dist::new(kind, args) {
            Ok(d) => d,
            Err(e) => panic!("{kind}{args:?} should be valid: {e}"),
        }
    }

    fn draws(d: &Dist, seed: u64) -> Vec<f64> {
        let mut r = rng(seed);
        (0..N).map(|_| d.sample(&mut r)).collect()
    }

    // ---- names --------------------------------------------------------------------------

    #[test]
    fn names_round_trip_and_signatures_match() {
        assert_eq!(DistKind::ALL.len(), 14);
        for &k in DistKind::ALL {
            assert_eq!(DistKind::from_name(k.name()), Some(k));
            assert!(k.signature().starts_with(&format!("{}(", k.name())));
            let (min, max) = k.arity();
            assert!(k.accepts_arg_count(min));
            if let Some(max) = max {
                assert!(k.accepts_arg_count(max));
                assert!(!k.accepts_arg_count(max + 1));
            }
            if min > 0 {
                assert!(!k.accepts_arg_count(min - 1));
            }
        }
        assert_eq!(DistKind::from_name("Normal"), None);
        assert_eq!(DistKind::from_name("gaussian"), None);
        assert!(!DistKind::Normal.accepts_arg_count(3));
        assert!(!DistKind::Discrete.accepts_arg_count(3));
        let discrete: Vec<_> = DistKind::ALL.iter().filter(|k| k.is_discrete()).collect();
        assert_eq!(
            discrete,
            [
                &DistKind::UniformInt,
                &DistKind::Bernoulli,
                &DistKind::Poisson,
                &DistKind::Choice
            ]
        );
        assert!(matches!(
            Dist::from_name("gaussian", &[0.0, 1.0]),
            Err(DistError::UnknownKind(_))
        ));
    }

    // ---- validation ---------------------------------------------------------------------

    const NAN: f64 = f64::NAN;
    const INF: f64 = f64::INFINITY;

    /// (kind, args, None = valid | Some(substring of the error message)).
    const VALIDATION: &[(DistKind, &[f64], Option<&str>)] = {
        use DistKind::*;
        &[
            (Fixed, &[1.5], None),
            (
                Fixed,
                &[],
                Some("wrong number of arguments: fixed takes 1 (value), got 0"),
            ),
            (
                Fixed,
                &[NAN],
                Some("fixed `value` must be a finite number, got NaN"),
            ),
            (
                Fixed,
                &[-INF],
                Some("fixed `value` must be a finite number, got -inf"),
            ),
            (Uniform, &[0.0, 1.0], None),
            (Uniform, &[1.0, 1.0], None),
            (
                Uniform,
                &[2.0, 1.0],
                Some("uniform needs lo <= hi, got lo 2 > hi 1"),
            ),
            (
                Uniform,
                &[0.0, INF],
                Some("uniform upper bound `hi` must be a finite number, got inf"),
            ),
            (Uniform, &[-1e308, 1e308], Some("uniform range is too wide")),
            (
                Uniform,
                &[0.0],
                Some("wrong number of arguments: uniform takes 2 (lo, hi), got 1"),
            ),
            (Normal, &[0.0, 1.0], None),
            (Normal, &[0.0, 0.0], None),
            (
                Normal,
                &[0.0, -1.0],
                Some("normal standard deviation `sd` must be >= 0, got -1"),
            ),
            (
                Normal,
                &[NAN, 1.0],
                Some("normal `mean` must be a finite number, got NaN"),
            ),
            (
                Normal,
                &[0.0, 1.0, 0.0],
                Some("wrong number of arguments: normal takes 2 or 4 (mean, sd[, lo, hi]), got 3"),
            ),
            (Normal, &[0.0, 1.0, -INF, 0.0], None),
            (Normal, &[0.0, 1.0, -INF, INF], None),
            (Normal, &[0.0, 1.0, 8.0, INF], None),
            (
                Normal,
                &[0.0, 1.0, 1.0, 1.0],
                Some("normal needs lo < hi, got lo 1 >= hi 1"),
            ),
            (
                Normal,
                &[0.0, 1.0, NAN, 1.0],
                Some(
                    "normal lower bound `lo` must be a number (inf and -inf are allowed), got NaN",
                ),
            ),
            (
                Normal,
                &[0.0, 1.0, 40.0, 50.0],
                Some("zero probability mass"),
            ),
            (
                Normal,
                &[0.0, 1.0, -50.0, -40.0],
                Some("zero probability mass"),
            ),
            (Normal, &[0.0, 0.0, 1.0, 2.0], Some("zero probability mass")),
            (Normal, &[0.0, 0.0, -1.0, 1.0], None),
            (LogNormal, &[0.0, 0.5], None),
            (
                LogNormal,
                &[0.0, -0.1],
                Some("lognormal log-scale `sigma` must be >= 0, got -0.1"),
            ),
            (Beta, &[2.0, 5.0], None),
            (
                Beta,
                &[-1.0, 2.0],
                Some("beta shape `a` must be > 0, got -1"),
            ),
            (Beta, &[2.0, 0.0], Some("beta shape `b` must be > 0, got 0")),
            (
                Beta,
                &[2.0, INF],
                Some("beta shape `b` must be a finite number, got inf"),
            ),
            (Beta, &[1e9, 1e9], None),
            (
                Beta,
                &[2e9, 1.0],
                Some("beta shape `a` must be <= 1000000000, got 2000000000"),
            ),
            (Pert, &[0.1, 0.3, 0.6], None),
            (Pert, &[1.0, 1.0, 1.0], None),
            (Pert, &[0.0, 0.0, 1.0], None),
            (
                Pert,
                &[0.6, 0.4, 0.3],
                Some("pert needs min <= mode <= max, got min 0.6 > max 0.3"),
            ),
            (
                Pert,
                &[0.0, 2.0, 1.0],
                Some("pert needs min <= mode <= max, got mode 2 > max 1"),
            ),
            (
                Pert,
                &[1.0, 2.0, 1.0],
                Some("pert needs min <= mode <= max, got mode 2 > max 1"),
            ),
            (
                Pert,
                &[0.1, 0.3],
                Some("wrong number of arguments: pert takes 3 (min, mode, max), got 2"),
            ),
            (Triangular, &[0.0, 1.0, 3.0], None),
            (
                Triangular,
                &[0.0, -1.0, 1.0],
                Some("triangular needs min <= mode <= max, got min 0 > mode -1"),
            ),
            (
                Triangular,
                &[0.0, NAN, 1.0],
                Some("triangular `mode` must be a finite number, got NaN"),
            ),
            (UniformInt, &[1.0, 6.0], None),
            (UniformInt, &[-3.0, -3.0], None),
            (
                UniformInt,
                &[1.5, 6.0],
                Some("uniform_int lower bound `lo` must be a whole number, got 1.5"),
            ),
            (
                UniformInt,
                &[6.0, 1.0],
                Some("uniform_int needs lo <= hi, got lo 6 > hi 1"),
            ),
            (
                UniformInt,
                &[0.0, 1e16],
                Some(
                    "uniform_int upper bound `hi` must be in [-9007199254740992, 9007199254740992], got 1e16",
                ),
            ),
            (Bernoulli, &[0.3], None),
            (Bernoulli, &[0.0], None),
            (Bernoulli, &[1.0], None),
            (
                Bernoulli,
                &[1.2],
                Some("bernoulli probability `p` must be in [0, 1], got 1.2"),
            ),
            (
                Bernoulli,
                &[-0.1],
                Some("bernoulli probability `p` must be in [0, 1], got -0.1"),
            ),
            (Poisson, &[0.0], None),
            (Poisson, &[2.5], None),
            (
                Poisson,
                &[-1.0],
                Some("poisson `rate` must be >= 0, got -1"),
            ),
            (
                Poisson,
                &[1e20],
                Some("poisson `rate` must be in [0, 1.844e19], got 1e20"),
            ),
            (
                Poisson,
                &[1.0, 2.0],
                Some("wrong number of arguments: poisson takes 1 (rate), got 2"),
            ),
            (Choice, &[1.0], None),
            (Choice, &[0.0, 1.0, 0.0], None),
            (
                Choice,
                &[],
                Some("wrong number of arguments: choice takes at least 1 (w0, w1, ...), got 0"),
            ),
            (
                Choice,
                &[0.0, 0.0],
                Some("choice weights must have a positive, finite sum, got 0"),
            ),
            (
                Choice,
                &[1.0, -1.0],
                Some("choice weight `w1` must be >= 0, got -1"),
            ),
            (
                Choice,
                &[1.0, INF],
                Some("choice weight `w1` must be a finite number, got inf"),
            ),
            (
                Choice,
                &[1e308, 1e308],
                Some("choice weights must have a positive, finite sum, got inf"),
            ),
            (Discrete, &[10.0, 1.0, 20.0, 3.0], None),
            (
                Discrete,
                &[10.0, 1.0, 20.0],
                Some(
                    "wrong number of arguments: discrete takes an even number >= 2 (v0, w0, v1, w1, ...), got 3",
                ),
            ),
            (
                Discrete,
                &[],
                Some("wrong number of arguments: discrete takes an even number >= 2"),
            ),
            (
                Discrete,
                &[10.0, -1.0],
                Some("discrete weight `w0` must be >= 0, got -1"),
            ),
            (
                Discrete,
                &[NAN, 1.0],
                Some("discrete value `v0` must be a finite number, got NaN"),
            ),
            (
                Discrete,
                &[1.0, 0.0, 2.0, 0.0],
                Some("discrete weights must have a positive, finite sum, got 0"),
            ),
            (Exponential, &[2.0], None),
            (
                Exponential,
                &[0.0],
                Some("exponential `rate` must be > 0, got 0"),
            ),
            (Gamma, &[2.0, 3.0], None),
            (Gamma, &[0.0, 1.0], Some("gamma `shape` must be > 0, got 0")),
            (
                Gamma,
                &[1.0, INF],
                Some("gamma `scale` must be a finite number, got inf"),
            ),
            (
                Gamma,
                &[1.0, -2.0],
                Some("gamma `scale` must be > 0, got -2"),
            ),
        ]
    };

    fn check_validation(kind: DistKind, args: &[f64], expected: Option<&str>) {
        let built = Dist::new(kind, args);
        let with = sample_with(kind, args, &mut rng(1));
        match (expected, &built) {
            (None, Ok(_)) => assert!(with.is_ok(), "{kind}{args:?}: sample_with disagrees"),
            (None, Err(e)) => panic!("{kind}{args:?}: expected Ok, got error `{e}`"),
            (Some(want), Ok(_)) => {
                panic!("{kind}{args:?}: expected error containing `{want}`, got Ok")
            }
            (Some(want), Err(e)) => {
                let msg = e.to_string();
                assert!(
                    msg.contains(want),
                    "{kind}{args:?}: error `{msg}` lacks `{want}`"
                );
                // Compared as text: errors may carry NaN, which is never == itself.
                let with_msg = with.err().map(|e| e.to_string());
                assert_eq!(
                    with_msg.as_deref(),
                    Some(msg.as_str()),
                    "{kind}{args:?}: sample_with disagrees"
                );
                let validate_msg = validate(kind, args).err().map(|e| e.to_string());
                assert_eq!(validate_msg.as_deref(), Some(msg.as_str()));
                assert_eq!(e.kind(), Some(kind));
            }
        }
    }

    #[test]
    fn validation_table() {
        for &(kind, args, expected) in VALIDATION {
            check_validation(kind, args, expected);
        }
        // Every kind has at least one valid and one invalid case in the table.
        for &k in DistKind::ALL {
            assert!(
                VALIDATION.iter().any(|c| c.0 == k && c.2.is_none()),
                "{k}: no valid case"
            );
            assert!(
                VALIDATION.iter().any(|c| c.0 == k && c.2.is_some()),
                "{k}: no invalid case"
            );
        }
    }

    /// No argument values make anything panic (or hang): all kinds, all argument counts up to
    /// 5, over a grid of awkward values; valid ones are sampled, inverted and described.
    #[test]
    fn no_panics_on_extreme_arguments() {
        let values = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            2.0,
            1e-300,
            5e-324,
            1e300,
            -1e300,
            f64::MAX,
            1e7,
            3e7,
            NAN,
            INF,
            -INF,
        ];
        let ps = [
            0.0,
            1e-300,
            1e-10,
            0.1,
            0.5,
            0.9,
            1.0 - 1e-12,
            1.0,
            -1.0,
            2.0,
            NAN,
        ];
        let mut r = rng(99);
        let mut valid = 0usize;
        let mut visit = |kind: DistKind, args: &[f64], r: &mut Xoshiro256PlusPlus| {
            if let Ok(d) = Dist::new(kind, args) {
                valid += 1;
                for _ in 0..3 {
                    let x = d.sample(r);
                    assert!(!x.is_nan(), "{d:?} sampled NaN");
                }
                for &p in &ps {
                    let q = d.quantile(p);
                    assert!(
                        !q.is_nan() || p.is_nan(),
                        "{} quantile({p}) is NaN",
                        d.describe()
                    );
                }
                let _ = (d.mean(), d.variance(), d.describe());
                assert!(sample_with(kind, args, r).is_ok());
            } else {
                assert!(sample_with(kind, args, r).is_err());
            }
        };
        for &k in DistKind::ALL {
            visit(k, &[], &mut r);
            for &a in &values {
                visit(k, &[a], &mut r);
                for &b in &values {
                    visit(k, &[a, b], &mut r);
                    for &c in &values {
                        visit(k, &[a, b, c], &mut r);
                    }
                }
            }
            // Four-argument forms (truncated normal, discrete pairs) on a smaller grid.
            let small = [0.0, 1.0, -1.0, 1e-300, 1e300, 40.0, -40.0, NAN, INF, -INF];
            for &a in &small {
                for &b in &small {
                    for &c in &small {
                        for &d in &small {
                            visit(k, &[a, b, c, d], &mut r);
                        }
                    }
                }
            }
            visit(k, &[1.0, 2.0, 3.0, 4.0, 5.0], &mut r);
        }
        assert!(valid > 1000, "only {valid} valid cases exercised");
    }

    // ---- moments ------------------------------------------------------------------------

    /// (kind, args, closed-form mean, closed-form variance). Sources:
    /// - uniform(lo, hi): (lo+hi)/2, (hi-lo)^2/12 (Johnson, Kotz & Balakrishnan [JKB],
    ///   *Continuous Univariate Distributions* vol. 2, ch. 26).
    /// - normal(m, s): m, s^2. lognormal(mu, s): exp(mu + s^2/2), (exp(s^2) - 1) exp(2mu + s^2)
    ///   (JKB vol. 1, ch. 14).
    /// - beta(a, b): a/(a+b), ab/((a+b)^2 (a+b+1)) (JKB vol. 2, ch. 25).
    /// - pert(min, mode, max): (min + 4 mode + max)/6, (mean-min)(max-mean)/7 (Vose, *Risk
    ///   Analysis*, 3rd ed. 2008, sec. 9.1; a beta with alpha + beta = 6).
    /// - triangular(a, c, b): (a+b+c)/3, (a^2+b^2+c^2-ab-ac-bc)/18 (JKB vol. 2, ch. 26).
    /// - uniform_int(lo, hi), n = hi-lo+1: (lo+hi)/2, (n^2-1)/12. bernoulli(p): p, p(1-p).
    ///   poisson(r): r, r (Johnson, Kemp & Kotz, *Univariate Discrete Distributions*, 2005).
    /// - choice / discrete: sum_i p_i v_i and sum_i p_i (v_i - mean)^2 by definition.
    /// - exponential(r): 1/r, 1/r^2. gamma(k, theta): k theta, k theta^2 (JKB vol. 1, ch. 17-19).
    fn moment_cases() -> Vec<(DistKind, Vec<f64>, f64, f64)> {
        use DistKind::*;
        let (mn, md, mx) = (0.1, 0.3, 0.6);
        let pert_mean = (mn + 4.0 * md + mx) / 6.0;
        let (ta, tc, tb): (f64, f64, f64) = (0.0, 1.0, 3.0);
        let lognormal_var = ((0.4f64 * 0.4).exp() - 1.0) * (2.0 * 0.1 + 0.16f64).exp();
        vec![
            (Fixed, vec![3.5], 3.5, 0.0),
            (Uniform, vec![2.0, 5.0], 3.5, 9.0 / 12.0),
            (Normal, vec![1.0, 2.0], 1.0, 4.0),
            (
                LogNormal,
                vec![0.1, 0.4],
                (0.1f64 + 0.08).exp(),
                lognormal_var,
            ),
            (Beta, vec![2.0, 5.0], 2.0 / 7.0, 10.0 / (49.0 * 8.0)),
            (Beta, vec![0.5, 0.5], 0.5, 0.25 / 2.0),
            (Beta, vec![0.3, 4.0], 0.3 / 4.3, 1.2 / (4.3 * 4.3 * 5.3)),
            (
                Pert,
                vec![mn, md, mx],
                pert_mean,
                (pert_mean - mn) * (mx - pert_mean) / 7.0,
            ),
            (
                Pert,
                vec![10.0, 10.0, 20.0],
                10.0 + 10.0 / 6.0,
                (10.0 / 6.0) * (10.0 - 10.0 / 6.0) / 7.0,
            ),
            (
                Triangular,
                vec![ta, tc, tb],
                (ta + tb + tc) / 3.0,
                (ta * ta + tb * tb + tc * tc - ta * tb - ta * tc - tb * tc) / 18.0,
            ),
            (UniformInt, vec![1.0, 6.0], 3.5, 35.0 / 12.0),
            (Bernoulli, vec![0.3], 0.3, 0.21),
            (Poisson, vec![0.05], 0.05, 0.05),
            (Poisson, vec![2.5], 2.5, 2.5),
            (Poisson, vec![30.0], 30.0, 30.0),
            // p = (.25, 0, .75) on {0, 1, 2}: mean 1.5, E[i^2] = 3.
            (Choice, vec![1.0, 0.0, 3.0], 1.5, 3.0 - 2.25),
            // p = (.25, .75) on {10, -5}: mean -1.25, E[v^2] = 43.75.
            (Discrete, vec![10.0, 1.0, -5.0, 3.0], -1.25, 43.75 - 1.5625),
            (Exponential, vec![2.0], 0.5, 0.25),
            (Gamma, vec![2.5, 1.5], 3.75, 2.5 * 2.25),
            (Gamma, vec![0.5, 2.0], 1.0, 2.0),
        ]
    }

    #[test]
    fn moments_match_closed_forms() {
        let cases = moment_cases();
        for &k in DistKind::ALL {
            assert!(cases.iter().any(|c| c.0 == k), "{k}: no moment case");
        }
        for (i, (kind, args, mean, var)) in cases.into_iter().enumerate() {
            let d = dist(kind, &args);
            let name = d.describe();
            // The implementation's closed forms agree with the ones written here.
            assert!(
                (d.mean() - mean).abs() <= 1e-12 * mean.abs().max(1.0),
                "{name}: mean() {} != {mean}",
                d.mean()
            );
            assert!(
                (d.variance() - var).abs() <= 1e-12 * var.max(1.0),
                "{name}: variance() {} != {var}",
                d.variance()
            );

            let xs = draws(&d, 1000 + i as u64);
            let n = xs.len() as f64;
            let m = xs.iter().sum::<f64>() / n;
            let s2 = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
            let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n;
            // Mean: standard error sd / sqrt(n).
            let tol_mean = Z_TAIL * (var / n).sqrt();
            assert!(
                (m - mean).abs() <= tol_mean + 1e-12,
                "{name}: sample mean {m} vs {mean} (tol {tol_mean})"
            );
            // Variance: Var(s^2) ~ (mu4 - sigma^4) / n for large n, with mu4 estimated from
            // the sample's fourth central moment.
            let tol_var = Z_TAIL * ((m4 - s2 * s2).max(0.0) / n).sqrt();
            assert!(
                (s2 - var).abs() <= tol_var + 1e-12,
                "{name}: sample variance {s2} vs {var} (tol {tol_var})"
            );
        }
    }

    // ---- quantiles ----------------------------------------------------------------------

    fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
        assert!(
            (got - want).abs() <= tol,
            "{what}: got {got:e}, want {want:e} (tol {tol:e})"
        );
    }

    #[test]
    fn quantile_closed_forms() {
        // Normal: median = mean; 0.975 quantile = mean + 1.959963984540054 sd (standard table).
        let n = dist(DistKind::Normal, &[3.0, 2.0]);
        assert_eq!(n.quantile(0.5), 3.0);
        assert_close(
            n.quantile(0.975),
            3.0 + 2.0 * 1.959963984540054,
            1e-12,
            "normal 0.975",
        );
        assert_eq!(n.quantile(0.0), -INF);
        assert_eq!(n.quantile(1.0), INF);
        // Uniform: linear.
        let u = dist(DistKind::Uniform, &[2.0, 6.0]);
        for p in [0.0, 0.1, 0.25, 0.5, 0.9, 1.0] {
            assert_close(u.quantile(p), 2.0 + 4.0 * p, 1e-15, "uniform");
        }
        // Beta(2, 5): median 0.26444998329566 (e.g. R `qbeta(0.5, 2, 5)`); other quantiles
        // checked against the closed-form CDF I_x(2, b) = 1 - (1-x)^b (1 + b x).
        let b = dist(DistKind::Beta, &[2.0, 5.0]);
        assert_close(
            b.quantile(0.5),
            0.264_449_983_295_66,
            1e-9,
            "beta(2,5) median",
        );
        for p in [1e-12, 1e-6, 0.01, 0.1, 0.3, 0.7, 0.9, 0.99, 1.0 - 1e-9] {
            let x = b.quantile(p);
            let cdf = 1.0 - (1.0 - x).powi(5) * (1.0 + 5.0 * x);
            assert_close(
                cdf,
                p,
                1e-9 * p.max(1e-3),
                &format!("beta(2,5) cdf(q({p}))"),
            );
        }
        // Beta(1/2, 1/2) (arcsine law): F(x) = (2/pi) asin(sqrt x), so Q(p) = sin^2(pi p / 2).
        let arcsine = dist(DistKind::Beta, &[0.5, 0.5]);
        for p in [1e-10, 0.01, 0.2, 0.5, 0.8, 0.99, 1.0 - 1e-10] {
            let want = (PI * p / 2.0).sin().powi(2);
            assert_close(
                arcsine.quantile(p),
                want,
                1e-9 * want.max(1e-3),
                &format!("arcsine q({p})"),
            );
        }
        // Beta(a, 1): Q(p) = p^(1/a); Beta(1, b): Q(p) = 1 - (1-p)^(1/b).
        assert_close(
            dist(DistKind::Beta, &[3.0, 1.0]).quantile(0.3),
            0.3f64.powf(1.0 / 3.0),
            1e-14,
            "beta(3,1)",
        );
        assert_close(
            dist(DistKind::Beta, &[1.0, 3.0]).quantile(0.3),
            1.0 - 0.7f64.powf(1.0 / 3.0),
            1e-14,
            "beta(1,3)",
        );
        // Extreme shapes that break statrs' inv_beta_reg: check via the CDF it inverts.
        for (a, bb, p) in [
            (1e-3, 1e5, 0.5),
            (1e-2, 3.0, 0.9),
            (0.5, 0.5, 1e-100),
            (300.0, 2e4, 0.05),
        ] {
            let x = dist(DistKind::Beta, &[a, bb]).quantile(p);
            let back = sbeta::beta_reg(a, bb, x);
            assert_close(back, p, 1e-6 * p, &format!("beta({a},{bb}) cdf(q({p}))"));
        }
        // Beta(1e-5, 3) at 0.9: the true quantile, about 0.9^(1e5), underflows; the answer is the
        // smallest positive float, where the CDF already exceeds 0.9.
        let tiny = dist(DistKind::Beta, &[1e-5, 3.0]).quantile(0.9);
        assert!(
            tiny <= 5e-324 && sbeta::beta_reg(1e-5, 3.0, 5e-324) >= 0.9,
            "{tiny}"
        );
        // PERT(0, m, 1) is Beta(alpha, beta); the symmetric one has median = mode.
        assert_close(
            dist(DistKind::Pert, &[0.0, 0.5, 1.0]).quantile(0.5),
            0.5,
            1e-12,
            "pert median",
        );
        // Triangular(0, 1, 3): F(x) = x^2/3 on [0, 1], so Q(p) = sqrt(3p) for p <= 1/3.
        assert_close(
            dist(DistKind::Triangular, &[0.0, 1.0, 3.0]).quantile(0.25),
            0.75f64.sqrt(),
            1e-15,
            "triangular",
        );
        // Exponential(r): -ln(1-p)/r. Gamma(1, s) equals it; Gamma(2, 1): F(x) = 1 - e^-x (1 + x).
        assert_close(
            dist(DistKind::Exponential, &[2.0]).quantile(0.5),
            2f64.ln() / 2.0,
            1e-15,
            "exponential",
        );
        assert_close(
            dist(DistKind::Gamma, &[1.0, 3.0]).quantile(0.5),
            3.0 * 2f64.ln(),
            1e-14,
            "gamma(1,3)",
        );
        let g2 = dist(DistKind::Gamma, &[2.0, 1.0]);
        for p in [1e-8, 0.05, 0.5, 0.95, 1.0 - 1e-9] {
            let x = g2.quantile(p);
            assert_close(
                1.0 - (-x).exp() * (1.0 + x),
                p,
                1e-9 * p.max(1e-3),
                &format!("gamma(2,1) q({p})"),
            );
        }
        for (k, p) in [(1e-3, 0.5), (0.1, 1e-6), (50.0, 0.999)] {
            let x = dist(DistKind::Gamma, &[k, 1.0]).quantile(p);
            assert_close(
                sgamma::gamma_lr(k, x),
                p,
                1e-8 * p,
                &format!("gamma({k}) q({p})"),
            );
        }
        // Wilson–Hilferty (used above 1e7) agrees with exact inversion at shape 1e6.
        for p in [0.01, 0.3, 0.5, 0.9, 0.999] {
            let exact = std_gamma_quantile(1e6, p);
            let wh = wilson_hilferty(1e6, norm_ppf(p));
            assert_close(wh, exact, 1e-9 * exact, &format!("Wilson-Hilferty q({p})"));
        }
        // Lognormal: exp of the normal quantile.
        assert_close(
            dist(DistKind::LogNormal, &[0.2, 0.7]).quantile(0.5),
            0.2f64.exp(),
            1e-15,
            "lognormal",
        );
    }

    #[test]
    fn discrete_quantiles() {
        // uniform_int(1, 6): smallest k with k/6 >= p.
        let die = dist(DistKind::UniformInt, &[1.0, 6.0]);
        for (p, want) in [
            (0.0, 1.0),
            (1.0 / 6.0, 1.0),
            (0.17, 2.0),
            (0.5, 3.0),
            (0.51, 4.0),
            (1.0, 6.0),
        ] {
            assert_eq!(die.quantile(p), want, "die q({p})");
        }
        // bernoulli(0.3): CDF(0) = 0.7.
        let b = dist(DistKind::Bernoulli, &[0.3]);
        assert_eq!(
            (
                b.quantile(0.0),
                b.quantile(0.7),
                b.quantile(0.71),
                b.quantile(1.0)
            ),
            (0.0, 0.0, 1.0, 1.0)
        );
        assert_eq!(dist(DistKind::Bernoulli, &[1.0]).quantile(0.0), 1.0);
        assert_eq!(dist(DistKind::Bernoulli, &[0.0]).quantile(1.0), 0.0);
        // choice(1, 0, 3): CDF 0.25 at 0, 0.25 at 1 (no mass), 1 at 2.
        let c = dist(DistKind::Choice, &[1.0, 0.0, 3.0]);
        assert_eq!(
            (
                c.quantile(0.0),
                c.quantile(0.25),
                c.quantile(0.26),
                c.quantile(1.0)
            ),
            (0.0, 0.0, 2.0, 2.0)
        );
        // discrete values out of order and repeated: sorted to -5 (3), 10 (1 + 2).
        let d = dist(
            DistKind::Discrete,
            &[10.0, 1.0, -5.0, 3.0, 10.0, 2.0, 99.0, 0.0],
        );
        assert_eq!(
            (
                d.quantile(0.0),
                d.quantile(0.5),
                d.quantile(0.51),
                d.quantile(1.0)
            ),
            (-5.0, -5.0, 10.0, 10.0)
        );
        assert_eq!(d.mean(), (-15.0 + 30.0) / 6.0);
        // Poisson: compare with direct summation of the pmf p_k = e^-r r^k / k!.
        for rate in [0.01, 0.5, 3.0, 25.0, 200.0] {
            let dist_p = dist(DistKind::Poisson, &[rate]);
            let mut cdf = Vec::new();
            let (mut pmf, mut acc) = (f64::exp(-rate), 0.0);
            for k in 0..2000 {
                acc += pmf;
                cdf.push(acc);
                pmf *= rate / (k as f64 + 1.0);
            }
            for i in 1..200 {
                let p = i as f64 / 200.0;
                if cdf.iter().any(|&c| (c - p).abs() < 1e-9) {
                    continue; // too close to a step for a float comparison
                }
                let want = cdf.iter().position(|&c| c >= p).map(|k| k as f64);
                assert_eq!(Some(dist_p.quantile(p)), want, "poisson({rate}) q({p})");
            }
            assert_eq!(dist_p.quantile(0.0), 0.0);
            assert_eq!(dist_p.quantile(1.0), INF);
        }
        assert_eq!(dist(DistKind::Poisson, &[0.0]).quantile(0.9), 0.0);
        // The Cornish–Fisher expansion (used above 1e7) is within one count of the exact
        // search at rate 1e6.
        for i in 1..50 {
            let p = i as f64 / 50.0;
            let exact = poisson_quantile(1e6, p);
            let cf = poisson_cornish_fisher(1e6, norm_ppf(p));
            assert!((exact - cf).abs() <= 1.0, "CF q({p}) {cf} vs exact {exact}");
        }
    }

    /// One representative per kind (plus a few variants) for the generic quantile checks.
    fn quantile_cases() -> Vec<(DistKind, Vec<f64>)> {
        let mut cases: Vec<(DistKind, Vec<f64>)> = moment_cases()
            .into_iter()
            .map(|(k, a, _, _)| (k, a))
            .collect();
        cases.extend([
            (DistKind::Normal, vec![0.0, 1.0, -1.0, 2.0]),
            (DistKind::Normal, vec![5.0, 2.0, 9.0, INF]),
            (DistKind::Normal, vec![0.0, 1.0, -INF, -3.0]),
            (
                DistKind::Choice,
                (0..40)
                    .map(|i| if i % 3 == 0 { 0.0 } else { i as f64 })
                    .collect(),
            ),
        ]);
        cases
    }

    #[test]
    fn many_quantiles_agree_with_one_at_a_time() {
        let ps: Vec<f64> = (0..500)
            .map(|i| ((i * 7919) % 499) as f64 / 498.0)
            .collect();
        for d in [
            dist(DistKind::Beta, &[2.0, 5.0]),
            dist(DistKind::Beta, &[0.5, 0.7]),
            dist(DistKind::Pert, &[0.1, 0.3, 0.9]),
            dist(DistKind::Normal, &[1.0, 2.0]),
        ] {
            for (&p, q) in ps.iter().zip(d.quantiles(&ps)) {
                let one = d.quantile(p);
                assert!(
                    q == one || (q - one).abs() <= 1e-12 * one.abs().max(1e-300),
                    "{d} at {p}: {q} vs {one}"
                );
            }
        }
    }

    #[test]
    fn quantile_is_monotone() {
        for (kind, args) in quantile_cases() {
            let d = dist(kind, &args);
            let mut prev = d.quantile(0.0);
            for i in 1..=1000 {
                let p = i as f64 / 1000.0;
                let q = d.quantile(p);
                assert!(q >= prev, "{}: q({p}) = {q} < {prev}", d.describe());
                prev = q;
            }
            // Out-of-range p is clamped.
            assert_eq!(d.quantile(-0.5), d.quantile(0.0));
            assert_eq!(d.quantile(1.5), d.quantile(1.0));
            assert!(d.quantile(NAN).is_nan());
        }
    }

    /// The empirical CDF of the draws at quantile(p) brackets p: with F the true CDF and x =
    /// quantile(p), F(x-) <= p <= F(x) (equality for continuous kinds). The binomial standard
    /// error of an empirical CDF value is at most 0.5 / sqrt(n).
    #[test]
    fn samples_agree_with_quantiles() {
        let tol = Z_TAIL * 0.5 / (N as f64).sqrt();
        for (i, (kind, args)) in quantile_cases().into_iter().enumerate() {
            let d = dist(kind, &args);
            let mut xs = draws(&d, 5000 + i as u64);
            xs.sort_by(f64::total_cmp);
            let n = xs.len() as f64;
            for p in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
                let x = d.quantile(p);
                let below = xs.partition_point(|&v| v < x) as f64 / n;
                let at_or_below = xs.partition_point(|&v| v <= x) as f64 / n;
                assert!(
                    at_or_below >= p - tol,
                    "{}: F^(q({p}) = {x}) = {at_or_below}",
                    d.describe()
                );
                assert!(
                    below <= p + tol,
                    "{}: F^(q({p}) = {x}-) = {below}",
                    d.describe()
                );
            }
        }
    }

    // ---- the two sampling paths ---------------------------------------------------------

    #[test]
    fn sample_with_matches_dist_sample() {
        let mut cases = quantile_cases();
        cases.extend([
            (DistKind::Uniform, vec![1.0, 1.0]),
            (DistKind::Normal, vec![0.0, 0.0]),
            (DistKind::Poisson, vec![0.0]),
            (DistKind::Poisson, vec![1e9]),
            (DistKind::Pert, vec![2.0, 2.0, 2.0]),
            (
                DistKind::Discrete,
                (0..60)
                    .map(|i| if i % 2 == 0 { i as f64 } else { (i % 7) as f64 })
                    .collect(),
            ),
        ]);
        for (i, (kind, args)) in cases.into_iter().enumerate() {
            let d = dist(kind, &args);
            let (mut r1, mut r2) = (rng(77 + i as u64), rng(77 + i as u64));
            for _ in 0..5000 {
                let a = d.sample(&mut r1);
                let b = sample_with(kind, &args, &mut r2);
                assert_eq!(b.map(f64::to_bits), Ok(a.to_bits()), "{}", d.describe());
            }
        }
    }

    // ---- truncated normal ---------------------------------------------------------------

    /// Truncated-normal mean, mean + sd (phi(a) - phi(b)) / (Phi(b) - Phi(a)) with a, b the
    /// standardized bounds (Johnson, Kotz & Balakrishnan vol. 1, eq. 13.134), computed here with
    /// statrs' Normal directly; valid away from the far tails.
    fn trunc_mean_reference(mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
        use statrs::distribution::{Continuous, ContinuousCDF, Normal};
        let std = Normal::new(0.0, 1.0).expect("standard normal");
        let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
        let z = std.cdf(b) - std.cdf(a);
        mean + sd * (std.pdf(a) - std.pdf(b)) / z
    }

    #[test]
    fn truncated_normal() {
        let cases: [(f64, f64, f64, f64); 6] = [
            (0.0, 1.0, -1.0, 2.0),
            (10.0, 3.0, 4.0, 11.0),
            (0.0, 1.0, 0.0, INF),
            (0.0, 1.0, -INF, -2.5),
            (1.0, 0.5, 3.0, 3.5), // both bounds in the upper tail: reflected form
            (0.0, 1.0, 8.0, INF), // far tail: mean is the inverse Mills ratio
        ];
        for (i, &(m, s, lo, hi)) in cases.iter().enumerate() {
            let d = dist(DistKind::Normal, &[m, s, lo, hi]);
            if i < 5 {
                let reference = trunc_mean_reference(m, s, lo, hi);
                assert_close(
                    d.mean(),
                    reference,
                    1e-9 * reference.abs().max(1.0),
                    "closed-form mean",
                );
            }
            let xs = draws(&d, 9000 + i as u64);
            assert!(
                xs.iter().all(|&x| (lo..=hi).contains(&x)),
                "{}: draw outside bounds",
                d.describe()
            );
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let tol = Z_TAIL * (d.variance() / n).sqrt();
            assert!(
                (mean - d.mean()).abs() <= tol,
                "{}: sample mean {mean} vs {} (tol {tol})",
                d.describe(),
                d.mean()
            );
            assert_eq!(d.quantile(0.0), lo);
            assert_eq!(d.quantile(1.0), hi);
        }
        // Far tail: E[Z | Z > 8] = phi(8)/Q(8) = 8.1211... (asymptotic x + 1/x - 2/x^3 + 10/x^5).
        let tail = dist(DistKind::Normal, &[0.0, 1.0, 8.0, INF]);
        let x: f64 = 8.0;
        assert_close(
            tail.mean(),
            x + 1.0 / x - 2.0 / x.powi(3) + 10.0 / x.powi(5),
            1e-4,
            "tail mean",
        );
        // Untruncated bounds give the plain normal.
        let full = dist(DistKind::Normal, &[1.0, 2.0, -INF, INF]);
        assert_close(full.mean(), 1.0, 1e-12, "full mean");
        assert_close(full.variance(), 4.0, 1e-12, "full variance");
        assert_eq!(full.quantile(0.5), 1.0);
    }

    // ---- describe -----------------------------------------------------------------------

    #[test]
    fn describe_round_trips() {
        let d = dist(DistKind::Pert, &[0.1, 0.3, 0.6]);
        assert_eq!(d.describe(), "pert(0.1, 0.3, 0.6)");
        assert_eq!(d.to_string(), "pert(0.1, 0.3, 0.6)");
        let mut cases = quantile_cases();
        cases.push((DistKind::Normal, vec![1e-300, 1e300, -INF, 1e-7]));
        for (kind, args) in cases {
            let d = dist(kind, &args);
            let text = d.describe();
            let (name, rest) = text.split_once('(').expect("has '('");
            let inner = rest.strip_suffix(')').expect("ends with ')'");
            let parsed: Vec<f64> = inner
                .split(", ")
                .map(|s| s.parse().expect("number"))
                .collect();
            let back = Dist::from_name(name, &parsed).expect("valid");
            assert_eq!(back, d, "{text}");
        }
    }
}
