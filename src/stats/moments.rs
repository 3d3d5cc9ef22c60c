//! Running mean, variance, minimum and maximum, mergeable across chunks.

use super::BatchMoments;

/// Mean, variance, min, max by Welford's online update, with Chan et al.'s
/// parallel merge.
///
/// * `NaN` inputs are "none": counted by [`Moments::none`], otherwise ignored.
/// * Infinite inputs are values: they count in [`Moments::count`] and in
///   `min`/`max`; the mean becomes `±∞` (`NaN` if both signs occurred) and the
///   variance `NaN`. They are kept out of the running sums, so finite values
///   that follow an infinity are not lost.
/// * The finite values are accumulated relative to a shift (the first finite
///   value seen), which keeps Welford's update accurate for data with a large
///   offset such as `1e12 + U(0, 1)`; [`Moments::merge`] reconciles the two
///   shifts (the same device as statrs' `OnlineMoments`).
///
/// Updates: Welford (1962), *Technometrics* 4(3); merge: Chan, Golub &
/// LeVeque (1979), "Updating formulae and a pairwise algorithm for computing
/// sample variances". Counts, `min` and `max` are exact and independent of
/// merge order; mean and variance are deterministic for a fixed sequence of
/// `add`/`merge` calls (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Moments {
    /// Finite values accumulated in `shift`/`mean`/`m2`.
    finite: u64,
    pos_inf: u64,
    neg_inf: u64,
    none: u64,
    /// The first finite value seen; `mean` and `m2` are moments of `x - shift`.
    shift: f64,
    mean: f64,
    m2: f64,
    /// Valid only when `count() > 0`.
    min: f64,
    max: f64,
}

impl Moments {
    /// An empty accumulator.
    /// Moments of `finite` finite values from their summaries: `mean` and
    /// `m2` are of `x - shift`.
    pub(crate) fn from_parts(
        finite: u64,
        shift: f64,
        mean: f64,
        m2: f64,
        min: f64,
        max: f64,
    ) -> Self {
        Moments {
            finite,
            shift,
            mean,
            m2,
            min,
            max,
            ..Moments::default()
        }
    }

    pub fn new() -> Self {
        Self::default()
    }

    /// The whole state as plain numbers, for a partial-result file:
    /// the counts (finite, +inf, -inf, none) and the floats (shift, mean,
    /// m2, min, max). [`Moments::from_state`] gives back the same bits.
    pub fn state(&self) -> ([u64; 4], [f64; 5]) {
        (
            [self.finite, self.pos_inf, self.neg_inf, self.none],
            [self.shift, self.mean, self.m2, self.min, self.max],
        )
    }

    /// The accumulator whose [`Moments::state`] this is.
    pub fn from_state(counts: [u64; 4], floats: [f64; 5]) -> Moments {
        let [finite, pos_inf, neg_inf, none] = counts;
        let [shift, mean, m2, min, max] = floats;
        Moments {
            finite,
            pos_inf,
            neg_inf,
            none,
            shift,
            mean,
            m2,
            min,
            max,
        }
    }

    /// Adds one value. `NaN` counts as none; `±∞` count as values.
    pub fn add(&mut self, x: f64) {
        if x.is_nan() {
            self.none = self.none.saturating_add(1);
            return;
        }
        if self.count() == 0 {
            self.min = x;
            self.max = x;
        } else {
            // total_cmp orders -0.0 before 0.0, so the result does not depend
            // on the order in which signed zeros arrive.
            if x.total_cmp(&self.min).is_lt() {
                self.min = x;
            }
            if x.total_cmp(&self.max).is_gt() {
                self.max = x;
            }
        }
        if x == f64::INFINITY {
            self.pos_inf = self.pos_inf.saturating_add(1);
            return;
        }
        if x == f64::NEG_INFINITY {
            self.neg_inf = self.neg_inf.saturating_add(1);
            return;
        }
        if self.finite == 0 {
            self.shift = x;
        }
        self.finite = self.finite.saturating_add(1);
        let y = x - self.shift;
        let delta = y - self.mean;
        self.mean += delta / self.finite as f64;
        self.m2 += delta * (y - self.mean);
    }

    /// Adds a batch of values at once: one branch-free pass over the batch
    /// ([`BatchMoments`]), then one merge, instead of a division per value.
    /// The result equals adding the values one by one up to rounding, and
    /// depends only on the batch, so a fixed batching keeps results
    /// reproducible. Batches holding NaN or infinities take the one-by-one
    /// path.
    pub fn add_slice(&mut self, xs: &[f64]) {
        let mut batch = BatchMoments::default();
        batch.add_slice(xs);
        self.merge(&batch.to_moments());
    }

    /// Merges `other` into `self`, as if all of `other`'s values had been
    /// added to `self` (Chan, Golub & LeVeque's pairwise update).
    pub fn merge(&mut self, other: &Moments) {
        let self_count = self.count();
        if other.count() > 0 {
            if self_count == 0 {
                self.min = other.min;
                self.max = other.max;
            } else {
                if other.min.total_cmp(&self.min).is_lt() {
                    self.min = other.min;
                }
                if other.max.total_cmp(&self.max).is_gt() {
                    self.max = other.max;
                }
            }
        }
        self.none = self.none.saturating_add(other.none);
        self.pos_inf = self.pos_inf.saturating_add(other.pos_inf);
        self.neg_inf = self.neg_inf.saturating_add(other.neg_inf);
        if other.finite == 0 {
            return;
        }
        if self.finite == 0 {
            self.finite = other.finite;
            self.shift = other.shift;
            self.mean = other.mean;
            self.m2 = other.m2;
            return;
        }
        let na = self.finite as f64;
        let nb = other.finite as f64;
        let n = na + nb;
        // Difference of the two means, in self's frame. Grouping the shift
        // difference and the mean difference separately keeps this accurate
        // when both shifts are large and close (the usual case).
        let delta = (other.shift - self.shift) + (other.mean - self.mean);
        self.mean += delta * (nb / n);
        self.m2 += other.m2 + delta * delta * (na * (nb / n));
        self.finite = self.finite.saturating_add(other.finite);
    }

    /// Number of values added, excluding `NaN` (infinities included).
    pub fn count(&self) -> u64 {
        self.finite
            .saturating_add(self.pos_inf)
            .saturating_add(self.neg_inf)
    }

    /// Number of `NaN` ("none") values seen.
    pub fn none(&self) -> u64 {
        self.none
    }

    /// Arithmetic mean; `NaN` when `count() == 0`. `+∞` (`-∞`) if any value
    /// was `+∞` (`-∞`), `NaN` if both were seen.
    pub fn mean(&self) -> f64 {
        match (self.pos_inf > 0, self.neg_inf > 0) {
            (true, true) => f64::NAN,
            (true, false) => f64::INFINITY,
            (false, true) => f64::NEG_INFINITY,
            (false, false) if self.finite == 0 => f64::NAN,
            (false, false) => self.shift + self.mean,
        }
    }

    /// Sample variance (divisor `n - 1`); `NaN` when `count() < 2` or when an
    /// infinite value was seen.
    pub fn variance(&self) -> f64 {
        if self.count() < 2 || self.pos_inf > 0 || self.neg_inf > 0 {
            return f64::NAN;
        }
        // Rounding can leave m2 a hair below zero for constant data.
        (self.m2 / (self.finite - 1) as f64).max(0.0)
    }

    /// Sample standard deviation, `sqrt(variance())`.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Smallest value (`NaN` when empty).
    pub fn min(&self) -> f64 {
        if self.count() == 0 {
            f64::NAN
        } else {
            self.min
        }
    }

    /// Largest value (`NaN` when empty).
    pub fn max(&self) -> f64 {
        if self.count() == 0 {
            f64::NAN
        } else {
            self.max
        }
    }

    /// Monte Carlo standard error of the mean: `sd / sqrt(count)`
    /// (`NaN` when `count() < 2`).
    pub fn mcse(&self) -> f64 {
        self.sd() / (self.count() as f64).sqrt()
    }

    /// Normal-approximation confidence interval for the mean at confidence
    /// `level` (e.g. 0.95): `mean ± z · mcse`. `(NaN, NaN)` when
    /// `count() < 2`.
    pub fn interval(&self, level: f64) -> (f64, f64) {
        let m = self.mean();
        let h = super::z_for_level(level) * self.mcse();
        (m - h, m + h)
    }
}

impl Extend<f64> for Moments {
    fn extend<I: IntoIterator<Item = f64>>(&mut self, iter: I) {
        for x in iter {
            self.add(x);
        }
    }
}

impl FromIterator<f64> for Moments {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut m = Moments::new();
        m.extend(iter);
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        if a == b {
            0.0
        } else {
            (a - b).abs() / a.abs().max(b.abs())
        }
    }

    fn two_pass(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        (mean, ss / (n - 1.0))
    }

    /// A fixed, irregular data set (a simple LCG, so no RNG dependency).
    fn lcg_data(n: usize, offset: f64, scale: f64) -> Vec<f64> {
        let mut s: u64 = 0x2545_f491_4f6c_dd1d;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                offset + scale * ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.3)
            })
            .collect()
    }

    #[test]
    fn add_slice_agrees_with_adding_one_by_one() {
        let data: Vec<f64> = (0..200)
            .map(|i| 1e6 + ((i * 37) % 101) as f64 * 0.25)
            .collect();
        let mut one = Moments::new();
        data.iter().for_each(|&x| one.add(x));
        let mut batched = Moments::new();
        for chunk in data.chunks(64) {
            batched.add_slice(chunk);
        }
        assert_eq!(one.count(), batched.count());
        assert!((one.mean() - batched.mean()).abs() <= 1e-12 * one.mean().abs());
        assert!((one.variance() - batched.variance()).abs() <= 1e-9 * one.variance());
        assert_eq!((one.min(), one.max()), (batched.min(), batched.max()));
        let mut with_nan = Moments::new();
        with_nan.add_slice(&[1.0, f64::NAN, 3.0]);
        assert_eq!(
            (with_nan.count(), with_nan.none(), with_nan.mean()),
            (2, 1, 2.0)
        );
    }

    #[test]
    fn known_dataset() {
        // [2,4,4,4,5,5,7,9]: mean 5, sum of squared deviations 32, var 32/7.
        let m: Moments = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
            .into_iter()
            .collect();
        assert_eq!(m.count(), 8);
        assert_eq!(m.none(), 0);
        assert_eq!(m.mean(), 5.0);
        assert!(rel(m.variance(), 32.0 / 7.0) < 1e-15);
        assert!(rel(m.sd(), (32.0f64 / 7.0).sqrt()) < 1e-15);
        assert!(rel(m.mcse(), (32.0f64 / 7.0).sqrt() / 8f64.sqrt()) < 1e-15);
        assert_eq!(m.min(), 2.0);
        assert_eq!(m.max(), 9.0);
    }

    #[test]
    fn matches_two_pass() {
        for (offset, scale) in [(0.0, 1.0), (-3.0, 1e-6), (1e9, 17.0), (0.0, 1e8)] {
            let xs = lcg_data(10_000, offset, scale);
            let m: Moments = xs.iter().copied().collect();
            let (mean, var) = two_pass(&xs);
            assert!(rel(m.mean(), mean) < 1e-13, "{offset} {scale}");
            assert!(rel(m.variance(), var) < 1e-11, "{offset} {scale}");
            let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            assert_eq!(m.min(), lo);
            assert_eq!(m.max(), hi);
        }
    }

    #[test]
    fn merge_at_every_kind_of_split_matches_one_pass() {
        let xs = lcg_data(1000, 1e12, 1.0);
        let whole: Moments = xs.iter().copied().collect();
        for split in [0, 1, 2, 7, 333, 500, 998, 999, 1000] {
            let mut a: Moments = xs[..split].iter().copied().collect();
            let b: Moments = xs[split..].iter().copied().collect();
            a.merge(&b);
            assert_eq!(a.count(), whole.count());
            assert_eq!(a.min(), whole.min());
            assert_eq!(a.max(), whole.max());
            assert!(rel(a.mean(), whole.mean()) < 1e-12, "split {split}");
            assert!(rel(a.variance(), whole.variance()) < 1e-12, "split {split}");
        }
        // Many chunks, merged in order.
        for chunk in [1, 3, 64, 999] {
            let mut acc = Moments::new();
            for c in xs.chunks(chunk) {
                acc.merge(&c.iter().copied().collect());
            }
            assert_eq!(acc.count(), 1000);
            assert!(rel(acc.mean(), whole.mean()) < 1e-12);
            assert!(rel(acc.variance(), whole.variance()) < 1e-12);
        }
    }

    /// After statrs' `merge_reconciles_different_offsets`: two accumulators
    /// with different shifts, on data with a large offset.
    #[test]
    fn merge_reconciles_different_offsets() {
        let a: Vec<f64> = (0..500).map(|i| 1e12 + i as f64 * 1e-3).collect();
        let b: Vec<f64> = (0..500).map(|i| 1e12 + 5.0 + i as f64 * 1e-3).collect();
        let mut ma: Moments = a.iter().copied().collect();
        let mb: Moments = b.iter().copied().collect();
        let mw: Moments = a.iter().chain(b.iter()).copied().collect();
        ma.merge(&mb);
        assert!(rel(ma.variance(), mw.variance()) < 1e-12);
        assert!(rel(ma.mean(), mw.mean()) < 1e-14);
        // And against the exact answer: the data are {0..499}e-3 and
        // 5 + {0..499}e-3 shifted by 1e12 (up to the spacing of f64 there).
        let (_, var) = two_pass(
            &a.iter()
                .chain(b.iter())
                .map(|x| x - 1e12)
                .collect::<Vec<_>>(),
        );
        assert!(rel(ma.variance(), var) < 1e-9);
    }

    #[test]
    fn large_offset_stays_accurate() {
        // Powers of two: every value is exact, so the reference is exact.
        let step = 1.0 / 1024.0;
        let xs: Vec<f64> = (0..100 * 1024)
            .map(|i| 2f64.powi(40) + (i % 1024) as f64 * step)
            .collect();
        let n = xs.len() as f64;
        let pop = ((1024.0 * 1024.0 - 1.0) / 12.0) * step * step;
        let m: Moments = xs.iter().copied().collect();
        assert!(rel(m.variance(), pop * n / (n - 1.0)) < 1e-13);
        assert!(rel(m.mean(), 2f64.powi(40) + 511.5 * step) < 1e-15);
    }

    #[test]
    fn merge_with_empty_is_identity_bit_for_bit() {
        let a: Moments = lcg_data(100, 3.0, 2.0).into_iter().collect();
        let mut b = a.clone();
        b.merge(&Moments::new());
        assert_eq!(a, b);
        let mut c = Moments::new();
        c.merge(&a);
        assert_eq!(a, c);
    }

    #[test]
    fn fixed_merge_order_is_reproducible() {
        let xs = lcg_data(5000, 10.0, 3.0);
        let run = || {
            let mut acc = Moments::new();
            for c in xs.chunks(123) {
                acc.merge(&c.iter().copied().collect());
            }
            acc
        };
        let (a, b) = (run(), run());
        assert_eq!(a.mean().to_bits(), b.mean().to_bits());
        assert_eq!(a.variance().to_bits(), b.variance().to_bits());
    }

    #[test]
    fn nan_is_none() {
        let mut m = Moments::new();
        for x in [f64::NAN, 1.0, f64::NAN, 3.0, f64::NAN] {
            m.add(x);
        }
        assert_eq!(m.count(), 2);
        assert_eq!(m.none(), 3);
        assert_eq!(m.mean(), 2.0);
        assert_eq!(m.variance(), 2.0);
        assert_eq!(m.min(), 1.0);
        assert_eq!(m.max(), 3.0);

        let mut other = Moments::new();
        other.add(f64::NAN);
        m.merge(&other);
        assert_eq!(m.none(), 4);
        assert_eq!(m.count(), 2);

        let all_none: Moments = [f64::NAN, f64::NAN].into_iter().collect();
        assert_eq!(all_none.count(), 0);
        assert_eq!(all_none.none(), 2);
        assert!(all_none.mean().is_nan());
        assert!(all_none.variance().is_nan());
        assert!(all_none.sd().is_nan());
        assert!(all_none.mcse().is_nan());
        assert!(all_none.min().is_nan());
        assert!(all_none.max().is_nan());
    }

    #[test]
    fn small_counts() {
        let empty = Moments::new();
        assert_eq!(empty.count(), 0);
        assert!(empty.mean().is_nan());
        let (lo, hi) = empty.interval(0.95);
        assert!(lo.is_nan() && hi.is_nan());

        let one: Moments = [4.5].into_iter().collect();
        assert_eq!(one.mean(), 4.5);
        assert!(one.variance().is_nan());
        assert!(one.mcse().is_nan());
        assert_eq!(one.min(), 4.5);

        let constant: Moments = std::iter::repeat_n(0.1, 1000).collect();
        assert_eq!(constant.variance(), 0.0);
    }

    #[test]
    fn infinities_are_values() {
        let m: Moments = [1.0, f64::INFINITY, 3.0].into_iter().collect();
        assert_eq!(m.count(), 3);
        assert_eq!(m.mean(), f64::INFINITY);
        assert!(m.variance().is_nan());
        assert_eq!(m.max(), f64::INFINITY);
        assert_eq!(m.min(), 1.0);

        let both: Moments = [f64::NEG_INFINITY, 2.0, f64::INFINITY]
            .into_iter()
            .collect();
        assert!(both.mean().is_nan());
        assert_eq!(both.min(), f64::NEG_INFINITY);

        // The finite part survives an infinity merged in and out of order.
        let mut a: Moments = [f64::NEG_INFINITY].into_iter().collect();
        a.merge(&[2.0, 4.0].into_iter().collect());
        assert_eq!(a.mean(), f64::NEG_INFINITY);
        assert_eq!(a.count(), 3);

        // Huge finite values overflow to non-finite results without panicking.
        let big: Moments = [f64::MAX, -f64::MAX, f64::MAX].into_iter().collect();
        assert_eq!(big.count(), 3);
        let _ = (big.mean(), big.variance(), big.mcse(), big.interval(0.9));
    }

    #[test]
    fn signed_zero_min_is_order_independent() {
        let a: Moments = [0.0, -0.0].into_iter().collect();
        let b: Moments = [-0.0, 0.0].into_iter().collect();
        assert_eq!(a.min().to_bits(), b.min().to_bits());
        assert_eq!(a.max().to_bits(), b.max().to_bits());
        assert!(a.min().is_sign_negative());
    }

    #[test]
    fn interval_uses_normal_quantile() {
        let m: Moments = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
            .into_iter()
            .collect();
        let (lo, hi) = m.interval(0.95);
        let h = 1.959963984540054 * m.mcse();
        assert!((lo - (5.0 - h)).abs() < 1e-12);
        assert!((hi - (5.0 + h)).abs() < 1e-12);
    }
}
