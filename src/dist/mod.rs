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
//! | `poisson` | rate | 0 <= rate <= [`MAX_POISSON_RATE`]; by inversion from one uniform below [`POISSON_INVERSION_MAX_RATE`] |
//! | `choice` | w0, w1, ... | weights >= 0 with a positive finite sum; draws index i with prob. w_i / sum |
//! | `discrete` | v0, w0, v1, w1, ... | pairs; same weight rules; draws v_i |
//! | `exponential` | rate | rate > 0 |
//! | `gamma` | shape, scale | both > 0 |
//! | `metalog` | p10, p50, p90 | p10 < p50 < p90; \|a3\| / a2 < 1.66711 (an increasing quantile function) |
//! | `histogram` | x0, w1, x1, w2, x2, ... | edges increasing; weights as for `choice`; uniform within a bin |
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

mod error;
mod form;
mod kinds;
mod quantile;
mod samplers;
#[cfg(test)]
mod tests;
mod trunc_normal;
mod validate;
mod ziggurat;

pub use error::{ArgName, DistError};
pub use kinds::{Counts, DistKind, KINDS, KindSpec};
pub use samplers::{POISSON_INVERSION_MAX_RATE, poisson_by_inversion};
pub use validate::{MAX_BETA_SHAPE, MAX_EXACT_INT, MAX_POISSON_RATE};
pub use ziggurat::{first_try as normal_first_try, first_try_parts as normal_first_try_parts};

use error::*;
use form::*;
use quantile::*;
use samplers::*;
use trunc_normal::*;
use validate::*;

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

    /// What a caller that draws the random words of many generators in one
    /// pass needs to know of the sampler: see [`Simple`].
    pub fn simple(&self) -> Option<Simple> {
        match self.form {
            Form::Uniform { lo, hi, width } => Some(Simple::Uniform { lo, hi, width }),
            Form::Normal { mean, sd } => Some(Simple::Normal { mean, sd }),
            Form::Beta { sampler, .. } if sampler.without_boost() => {
                Some(Simple::Beta(BetaFirstTry {
                    ratio: sampler,
                    pert: None,
                }))
            }
            Form::Pert {
                min,
                max,
                range,
                sampler,
                ..
            } if sampler.without_boost() => Some(Simple::Beta(BetaFirstTry {
                ratio: sampler,
                pert: Some((min, range, max)),
            })),
            _ => None,
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
            Form::Metalog { a1, a2, a3 } => metalog_quantile(a1, a2, a3, p),
            Form::Histogram { total } => histogram_quantile(&self.args, total, p),
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
            // E[logit(U)] = 0 and E[(U - 1/2) logit(U)] = 1/2 for U uniform on (0, 1).
            Form::Metalog { a1, a3, .. } => a1 + a3 / 2.0,
            Form::Histogram { .. } => self.histogram_moments().0,
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
            // E[logit(U)^2] = pi^2/3, E[(U - 1/2) logit(U)^2] = 0 and
            // E[(U - 1/2)^2 logit(U)^2] = pi^2/36 + 1/3 (Keelin 2016).
            Form::Metalog { a2, a3, .. } => {
                let pi2 = std::f64::consts::PI * std::f64::consts::PI;
                a2 * a2 * pi2 / 3.0 + a3 * a3 * (pi2 / 36.0 + 1.0 / 12.0)
            }
            Form::Histogram { .. } => self.histogram_moments().1,
        }
    }

    /// Standard deviation, `variance().sqrt()`.
    pub fn std_dev(&self) -> f64 {
        self.variance().sqrt()
    }

    /// (mean, variance) of a histogram: each bin is uniform, with mean
    /// (a + b) / 2 and second moment (a^2 + ab + b^2) / 3.
    fn histogram_moments(&self) -> (f64, f64) {
        let bins = || self.args.windows(3).step_by(2).map(|b| (b[0], b[1], b[2]));
        let total: f64 = bins().map(|(_, w, _)| w).sum();
        let mean: f64 = bins().map(|(a, w, b)| w / total * 0.5 * (a + b)).sum();
        let var: f64 = bins()
            .map(|(a, w, b)| {
                let (a, b) = (a - mean, b - mean);
                w / total * (a * a + a * b + b * b) / 3.0
            })
            .sum();
        (mean, var)
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

/// A standard normal draw (for the Gaussian copula of correlated parameters).
#[inline]
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

/// Samplers simple enough to be run from a word drawn in advance, with the
/// same bits as [`Dist::sample`]:
/// - `Uniform`: `(lo + u * width).min(hi)`, where `u` is the word's top 53
///   bits over 2^53 (`rand`'s `StandardUniform`);
/// - `Normal`: `mean + sd * z`, where `z` is [`normal_first_try`] of the
///   word, or, when that gives `None`, [`standard_normal`] of the generator
///   from that word on;
/// - `Beta`: a beta or PERT draw from four words ([`BetaFirstTry`]), or,
///   when they do not give one, [`Dist::fill`] from the first of them on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Simple {
    Uniform { lo: f64, hi: f64, width: f64 },
    Normal { mean: f64, sd: f64 },
    Beta(BetaFirstTry),
}

/// A generator holding one word drawn in advance: a sampler reads it as it
/// would read its generator's next word (and zeros after it).
struct OneWord(u64);

impl rand::TryRng for OneWord {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((std::mem::take(&mut self.0) >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(std::mem::take(&mut self.0))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = std::mem::take(&mut self.0).to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// A beta or PERT draw when both its gammas accept their first try: each
/// gamma reads a normal's word and a uniform's, as [`Dist::sample`] would
/// from the same four words in turn (shapes of 1 and more, where no gamma
/// needs a boost: every PERT, and most betas).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BetaFirstTry {
    ratio: samplers::BetaRatio,
    /// A PERT's `min`, `range` and `max`; `None` for a beta.
    pert: Option<(f64, f64, f64)>,
}

impl BetaFirstTry {
    /// The draw from `words` and whether [`Dist::sample`] would give it
    /// from them; when not, the value is meaningless.
    #[inline(always)]
    pub fn first_try(&self, words: [u64; 4]) -> (f64, bool) {
        let (b, ok) = self.ratio.first_try(words);
        match self.pert {
            Some((min, range, max)) => (samplers::pert_from_beta(min, range, max, b), ok),
            None => (b, ok),
        }
    }
}

/// The standard normal CDF.
pub fn normal_cdf(z: f64) -> f64 {
    norm_cdf(z)
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

/// Arguments at most that a [`Remembered`] keeps.
const REMEMBERED_ARGS: usize = 4;

/// What a per-call draw was last validated and precomputed with: its
/// arguments' bits and the result. A draw whose arguments repeat from one
/// call to the next (a parameter's value, the same at every step of a run,
/// as in `poisson(rate)`) then skips both: building a Poisson, Gamma or
/// Beta sampler costs more than the draw. Building is a pure function of
/// the kind and the arguments' bits, so a remembered form is the one
/// [`sample_with`] would build, and the draw is the same.
#[derive(Clone, Copy, Debug, Default)]
pub struct Remembered {
    last: Option<(DistKind, usize, [u64; REMEMBERED_ARGS], Form)>,
}

impl Remembered {
    /// The form built for `kind` and `args` last time, if these were they.
    #[inline]
    fn get(&self, kind: DistKind, args: &[f64]) -> Option<Form> {
        let (k, len, bits, form) = self.last.as_ref()?;
        let same = *k == kind
            && *len == args.len()
            && args.iter().zip(bits).all(|(a, b)| a.to_bits() == *b);
        same.then_some(*form)
    }

    /// Remembers `form` as built for `kind` and `args` (not when there are
    /// too many arguments to keep).
    fn set(&mut self, kind: DistKind, args: &[f64], form: Form) {
        if args.len() <= REMEMBERED_ARGS {
            let mut bits = [0; REMEMBERED_ARGS];
            for (b, a) in bits.iter_mut().zip(args) {
                *b = a.to_bits();
            }
            self.last = Some((kind, args.len(), bits, form));
        }
    }
}

/// [`sample_with`], reusing the form `memo` holds when `kind` and `args`
/// are the ones it was built for, and remembering a new one otherwise:
/// the same draw, and the same error for invalid arguments (which are
/// never remembered).
#[inline]
pub fn sample_remembered<R: Rng + ?Sized>(
    kind: DistKind,
    args: &[f64],
    memo: &mut Remembered,
    rng: &mut R,
) -> Result<f64, DistError> {
    let form = match memo.get(kind, args) {
        Some(form) => form,
        None => {
            let form = Form::build(kind, args)?;
            memo.set(kind, args, form);
            form
        }
    };
    Ok(form.sample(args, None, rng))
}
