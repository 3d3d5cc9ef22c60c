//! The one table of distribution kinds: the name users write, the arguments it takes, its
//! signature and a valid example for messages, and whether its draws are whole numbers.
//! Every property of a kind is read from [`KINDS`], so adding a kind is one row here (and its
//! family's arms in `form.rs`, where the arithmetic lives).

use std::fmt;

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
    Metalog,
    Histogram,
}

/// How many arguments a kind takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counts {
    /// Exactly this many.
    Exactly(usize),
    /// Either of two counts (`normal`: 2, or 4 when truncated).
    Either(usize, usize),
    /// At least this many (`choice`'s weights).
    AtLeast(usize),
    /// An even number, at least this many (`discrete`'s value-weight pairs).
    Pairs(usize),
    /// An odd number, at least this many (`histogram`'s edges around weights).
    Odd(usize),
}

impl Counts {
    fn accepts(self, n: usize) -> bool {
        match self {
            Counts::Exactly(k) => n == k,
            Counts::Either(a, b) => n == a || n == b,
            Counts::AtLeast(k) => n >= k,
            Counts::Pairs(k) => n >= k && n.is_multiple_of(2),
            Counts::Odd(k) => n >= k && !n.is_multiple_of(2),
        }
    }

    /// (min, max), max `None` when unbounded.
    fn range(self) -> (usize, Option<usize>) {
        match self {
            Counts::Exactly(k) => (k, Some(k)),
            Counts::Either(a, b) => (a.min(b), Some(a.max(b))),
            Counts::AtLeast(k) | Counts::Pairs(k) | Counts::Odd(k) => (k, None),
        }
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Counts::Exactly(k) => write!(f, "{k}"),
            Counts::Either(a, b) => write!(f, "{a} or {b}"),
            Counts::AtLeast(k) => write!(f, "at least {k}"),
            Counts::Pairs(k) => write!(f, "an even number >= {k}"),
            Counts::Odd(k) => write!(f, "an odd number >= {k}"),
        }
    }
}

/// One row of [`KINDS`].
#[derive(Clone, Copy, Debug)]
pub struct KindSpec {
    pub kind: DistKind,
    /// The name users write.
    pub name: &'static str,
    pub counts: Counts,
    /// A short signature for messages and docs, e.g. "pert(min, mode, max)".
    pub signature: &'static str,
    /// A valid call, for hints.
    pub example: &'static str,
    /// Draws are whole numbers.
    pub discrete: bool,
}

const fn spec(
    kind: DistKind,
    name: &'static str,
    counts: Counts,
    signature: &'static str,
    example: &'static str,
    discrete: bool,
) -> KindSpec {
    KindSpec {
        kind,
        name,
        counts,
        signature,
        example,
        discrete,
    }
}

/// Every kind, in declaration order.
#[rustfmt::skip]
pub const KINDS: &[KindSpec] = {
    use Counts::*;
    use DistKind as K;
    &[
        spec(K::Fixed, "fixed", Exactly(1), "fixed(value)", "fixed(0.3)", false),
        spec(K::Uniform, "uniform", Exactly(2), "uniform(lo, hi)", "uniform(0.1, 0.4)", false),
        spec(K::Normal, "normal", Either(2, 4), "normal(mean, sd[, lo, hi])", "normal(0.5, 0.1) or normal(0.5, 0.1, 0, 1)", false),
        spec(K::LogNormal, "lognormal", Exactly(2), "lognormal(mu, sigma)", "lognormal(0, 0.5)", false),
        spec(K::Beta, "beta", Exactly(2), "beta(a, b)", "beta(2, 5)", false),
        spec(K::Pert, "pert", Exactly(3), "pert(min, mode, max)", "pert(0.1, 0.3, 0.6)", false),
        spec(K::Triangular, "triangular", Exactly(3), "triangular(min, mode, max)", "triangular(0.1, 0.3, 0.6)", false),
        spec(K::UniformInt, "uniform_int", Exactly(2), "uniform_int(lo, hi)", "uniform_int(1, 6)", true),
        spec(K::Bernoulli, "bernoulli", Exactly(1), "bernoulli(p)", "bernoulli(0.3)", true),
        spec(K::Poisson, "poisson", Exactly(1), "poisson(rate)", "poisson(2.5)", true),
        spec(K::Choice, "choice", AtLeast(1), "choice(w0, w1, ...)", "choice(0.5, 0.3, 0.2)", true),
        spec(K::Discrete, "discrete", Pairs(2), "discrete(v0, w0, v1, w1, ...)", "discrete(1, 0.5, 3, 0.5)", false),
        spec(K::Exponential, "exponential", Exactly(1), "exponential(rate)", "exponential(0.2)", false),
        spec(K::Gamma, "gamma", Exactly(2), "gamma(shape, scale)", "gamma(2, 1.5)", false),
        spec(K::Metalog, "metalog", Exactly(3), "metalog(p10, p50, p90)", "metalog(2, 5, 12)", false),
        spec(K::Histogram, "histogram", Odd(3), "histogram(x0, w1, x1, w2, x2, ...)", "histogram(0, 1, 10, 3, 20, 1, 50)", false),
    ]
};

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
        DistKind::Metalog,
        DistKind::Histogram,
    ];

    /// This kind's row of [`KINDS`].
    pub fn spec(self) -> &'static KindSpec {
        // The table lists every kind in declaration order (a test checks it).
        &KINDS[self as usize]
    }

    /// Look up by the name users write ("pert", "uniform_int", ...).
    pub fn from_name(name: &str) -> Option<DistKind> {
        KINDS.iter().find(|k| k.name == name).map(|k| k.kind)
    }

    /// The name users write in scenario files.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Accepted argument counts: (min, max) where max None = unbounded (choice/discrete are
    /// variadic). Not every count in the range is valid: normal takes 2 or 4 and discrete an
    /// even number; see [`DistKind::accepts_arg_count`].
    pub fn arity(self) -> (usize, Option<usize>) {
        self.spec().counts.range()
    }

    /// Whether exactly `n` arguments is a valid count (normal: 2 or 4; discrete: even, >= 2).
    pub fn accepts_arg_count(self, n: usize) -> bool {
        self.spec().counts.accepts(n)
    }

    /// A short signature for error messages and docs, e.g. "pert(min, mode, max)".
    pub fn signature(self) -> &'static str {
        self.spec().signature
    }

    /// A valid call, for hints: "pert(0.1, 0.3, 0.6)".
    pub fn example(self) -> &'static str {
        self.spec().example
    }

    /// True when draws are whole numbers (uniform_int, bernoulli, poisson, choice).
    pub fn is_discrete(self) -> bool {
        self.spec().discrete
    }

    /// How many arguments, in words, for the arity error message.
    pub(super) fn count_phrase(self) -> String {
        self.spec().counts.to_string()
    }

    /// The parameter list of the signature, without the name and parentheses.
    pub(super) fn params(self) -> &'static str {
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
