//! Samplers that precompute from the arguments: gamma and beta by Marsaglia and Tsang's
//! method, Poisson by inversion, and the weight walks of `choice` and `discrete`.

use super::*;

/// Poisson rates below this are drawn by inversion from one uniform number
/// ([`poisson_by_inversion`]); higher ones by `rand_distr`'s rejection
/// method, which costs less than the search past about 40 steps.
pub const POISSON_INVERSION_MAX_RATE: f64 = 40.0;

/// The Poisson count at `u` in [0, 1): the smallest k with P(X <= k) > u
/// for X ~ Poisson(rate), found by summing the probabilities from 0, given
/// `p0 = exp(-rate)` (rate below [`POISSON_INVERSION_MAX_RATE`]).
///
/// One uniform per draw, where Knuth's multiplication method takes one
/// per unit of the count, and monotone in the rate for a fixed `u`: two
/// scenarios that draw the same stream at different rates get counts in
/// the same order (common random numbers), and a higher rate never gives a
/// lower count in the same run.
#[inline]
pub fn poisson_by_inversion(rate: f64, p0: f64, u: f64) -> f64 {
    if u < p0 {
        return 0.0;
    }
    // The sum walks on `STRIDE` counts at a time, every step's
    // probability and sum computed as the one-step walk computes them (so
    // the same count), with one branch a stride: it is then taken or not
    // as the rate makes likely, where a branch a count is mispredicted at
    // every draw's end.
    let (mut k, mut p, mut cdf) = (0u32, p0, p0);
    // The mass beyond k = 200 for a rate below 40 is below 1e-70: the cap
    // only guards against rounding.
    while k < 200 {
        let mut steps = 0u32;
        for j in 1..=STRIDE {
            p *= rate / f64::from(k + j);
            cdf += p;
            steps += u32::from(u >= cdf);
        }
        if steps < STRIDE {
            return f64::from(k + steps + 1);
        }
        k += STRIDE;
    }
    200.0
}

/// Counts a step of [`poisson_by_inversion`]'s walk covers (200 a whole
/// number of them, so its cap falls on a step's end).
const STRIDE: u32 = 8;
const _: () = assert!(200 % STRIDE == 0);

/// Gamma(shape, 1) by Marsaglia & Tsang (*ACM TOMS* 26(3), 2000), with their
/// boost `G(shape + 1) * U^(1/shape)` for shapes below 1. NumPy draws gammas
/// and betas this way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct StdGamma {
    d: f64,
    c: f64,
    /// 1 / shape for shapes below 1 (the boost), else 0.
    boost: f64,
}

impl StdGamma {
    pub(super) fn new(shape: f64) -> StdGamma {
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
    pub(super) fn core<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
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

    /// [`StdGamma::core`]'s first try from its normal's word and its
    /// uniform's, and whether `core` returns it (the normal accepted at its
    /// first try, `v > 0`, and the squeeze test passed; otherwise `core`
    /// goes on, reading more words or taking logs).
    #[inline(always)]
    pub(super) fn first_try(&self, normal: u64, uniform: u64) -> (f64, bool) {
        let (z, ok) = super::ziggurat::first_try_parts(normal);
        let v = 1.0 + self.c * z;
        let positive = v > 0.0;
        let v = v * v * v;
        let u: f64 = Open01.sample(&mut super::OneWord(uniform));
        let z2 = z * z;
        (self.d * v, ok && positive && u < 1.0 - 0.0331 * z2 * z2)
    }

    /// The natural log of a draw, exact for the tiny values small shapes give.
    #[inline]
    pub(super) fn sample_ln<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
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
pub(super) struct BetaRatio {
    x: StdGamma,
    y: StdGamma,
    /// a / (a + b): the chance of 1 in the limit where both gammas
    /// underflow even in logs (shapes near the smallest doubles).
    mean: f64,
}

impl BetaRatio {
    pub(super) fn new(a: f64, b: f64) -> BetaRatio {
        BetaRatio {
            x: StdGamma::new(a),
            y: StdGamma::new(b),
            mean: a / (a + b),
        }
    }

    /// Whether neither gamma needs a boost (both shapes 1 or more).
    pub(super) fn without_boost(&self) -> bool {
        self.x.boost == 0.0 && self.y.boost == 0.0
    }

    /// [`BetaRatio::sample`] from four words when both gammas accept
    /// their first try (and there is no boost), and whether they did.
    #[inline(always)]
    pub(super) fn first_try(&self, w: [u64; 4]) -> (f64, bool) {
        let (x, x_ok) = self.x.first_try(w[0], w[1]);
        let (y, y_ok) = self.y.first_try(w[2], w[3]);
        (x / (x + y), x_ok && y_ok && self.without_boost())
    }

    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        if self.without_boost() {
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

/// A PERT draw from its beta draw `b`: `b` scaled onto `[min, max]`.
#[inline(always)]
pub(super) fn pert_from_beta(min: f64, range: f64, max: f64, b: f64) -> f64 {
    (min + range * b).clamp(min, max)
}

/// Index of the first weight whose running sum exceeds `target` (zero weights are never
/// chosen); if rounding puts `target` at or past the total, the last positive weight.
#[inline]
pub(super) fn pick_linear(weights: impl Iterator<Item = f64>, target: f64) -> usize {
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
pub(super) struct CumTable {
    cum: Vec<f64>,
    last_positive: usize,
}

impl CumTable {
    /// Lists at most this long are sampled by the linear walk (faster for short lists).
    pub(super) const LINEAR_MAX: usize = 16;

    pub(super) fn new(weights: impl Iterator<Item = f64>) -> CumTable {
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
    pub(super) fn pick(&self, target: f64) -> usize {
        let i = self.cum.partition_point(|&c| c <= target);
        if i < self.cum.len() {
            i
        } else {
            self.last_positive
        }
    }
}
