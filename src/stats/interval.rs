//! Proportions with Wilson score intervals, normal critical values, and the
//! paired-difference accumulator for comparing scenarios run by run.

use super::Moments;

/// A yes/no proportion: successes out of trials. The counts are exact
/// integers, so merging is exact and independent of order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Proportion {
    pub successes: u64,
    pub trials: u64,
}

impl Proportion {
    /// An empty proportion (0 of 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one trial.
    pub fn add(&mut self, yes: bool) {
        self.trials = self.trials.saturating_add(1);
        if yes {
            self.successes = self.successes.saturating_add(1);
        }
    }

    /// Adds another proportion's counts.
    pub fn merge(&mut self, o: &Proportion) {
        self.successes = self.successes.saturating_add(o.successes);
        self.trials = self.trials.saturating_add(o.trials);
    }

    /// `successes / trials`; `NaN` when there are no trials.
    pub fn estimate(&self) -> f64 {
        if self.trials == 0 {
            f64::NAN
        } else {
            self.successes.min(self.trials) as f64 / self.trials as f64
        }
    }

    /// Monte Carlo standard error `sqrt(p(1-p)/n)`; `NaN` when there are no
    /// trials. It is 0 when `p` is 0 or 1: prefer [`Proportion::wilson`] for
    /// intervals, which stays informative there.
    pub fn mcse(&self) -> f64 {
        let p = self.estimate();
        (p * (1.0 - p) / self.trials as f64).sqrt()
    }

    /// Wilson score interval at confidence level `level` (e.g. 0.95):
    /// `(lo, hi)`. `(0, 1)` when there are no trials. See [`wilson_interval`].
    pub fn wilson(&self, level: f64) -> (f64, f64) {
        wilson_interval(self.successes, self.trials, z_for_level(level))
    }
}

/// Wilson score interval for `successes` (k) out of `trials` (n) at normal
/// critical value `z`.
///
/// With `p̂ = k/n`:
///
/// ```text
///            p̂ + z²/(2n)  ±  z · sqrt( p̂(1 − p̂)/n + z²/(4n²) )
/// lo, hi  =  ─────────────────────────────────────────────────
///                              1 + z²/n
/// ```
///
/// This is the set of `p` for which the score test `|p̂ − p| / sqrt(p(1−p)/n)
/// ≤ z` does not reject: E. B. Wilson (1927), "Probable inference, the law of
/// succession, and statistical inference", *JASA* 22(158):209–212;
/// recommended over the Wald interval by A. Agresti & B. A. Coull (1998),
/// "Approximate is better than 'exact' for interval estimation of binomial
/// proportions", *The American Statistician* 52(2):119–126, and by
/// R. G. Newcombe (1998), *Statistics in Medicine* 17:857–872 (its worked
/// examples, e.g. 81/263 → (0.2553, 0.3662), are among this module's tests).
///
/// Edge cases: `n = 0` (or `z` NaN or infinite) gives `(0, 1)`; `k = 0` gives
/// `lo = 0` exactly and `k = n` gives `hi = 1` exactly; `k > n` is treated as
/// `k = n`; a negative `z` is used as `|z|`. The result is always within
/// `[0, 1]`.
pub fn wilson_interval(successes: u64, trials: u64, z: f64) -> (f64, f64) {
    if trials == 0 || !z.is_finite() {
        return (0.0, 1.0);
    }
    let k = successes.min(trials);
    let n = trials as f64;
    let p = k as f64 / n;
    let z = z.abs();
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let lo = if k == 0 {
        0.0
    } else {
        (center - half).clamp(0.0, 1.0)
    };
    let hi = if k == trials {
        1.0
    } else {
        (center + half).clamp(0.0, 1.0)
    };
    (lo, hi)
}

/// Two-sided normal critical value for a confidence level:
/// `z = Φ⁻¹((1 + level)/2) = √2 · erf⁻¹(level)`, e.g.
/// `0.95 → 1.959963984540054`.
///
/// `level ≤ 0` gives 0, `level ≥ 1` gives `+∞`, `NaN` gives `NaN`.
pub fn z_for_level(level: f64) -> f64 {
    if level.is_nan() {
        f64::NAN
    } else if level <= 0.0 {
        0.0
    } else if level >= 1.0 {
        f64::INFINITY
    } else {
        std::f64::consts::SQRT_2 * statrs::function::erf::erf_inv(level)
    }
}

/// A paired-difference accumulator for comparing two scenarios run by run
/// under common random numbers: run `i` of scenario A and run `i` of
/// scenario B share their random draws, so the per-run difference `a − b`
/// usually varies far less than either value.
///
/// [`Paired::add`] takes run `i`'s value in A and in B. A pair in which
/// either value is `NaN` (or whose difference is `NaN`, as for `∞ − ∞`)
/// counts as none and is left out of all three accumulators, so `a`, `b` and
/// the difference always cover the same runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Paired {
    a: Moments,
    b: Moments,
    diff: Moments,
    none: u64,
}

impl Paired {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds run `i`'s value in scenario A (`a`) and scenario B (`b`).
    pub fn add(&mut self, a: f64, b: f64) {
        let d = a - b;
        if d.is_nan() {
            self.none = self.none.saturating_add(1);
            return;
        }
        self.a.add(a);
        self.b.add(b);
        self.diff.add(d);
    }

    /// Adds the pairs `(a[i], b[i])` at once: each component's moments in
    /// one branch-free pass ([`Moments::add_slice`]) rather than a
    /// division per value. Equal to adding them one by one up to rounding;
    /// depends only on the batch, so a fixed batching is reproducible.
    /// Pairs whose difference is NaN are left out and counted in
    /// [`Paired::none`], as [`Paired::add`] does.
    pub fn add_slice(&mut self, a: &[f64], b: &[f64]) {
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let mut d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        if d.iter().any(|x| x.is_nan()) {
            let keep: Vec<usize> = (0..n).filter(|&i| !d[i].is_nan()).collect();
            self.none = self.none.saturating_add((n - keep.len()) as u64);
            let a: Vec<f64> = keep.iter().map(|&i| a[i]).collect();
            let b: Vec<f64> = keep.iter().map(|&i| b[i]).collect();
            d.retain(|x| !x.is_nan());
            self.a.add_slice(&a);
            self.b.add_slice(&b);
        } else {
            self.a.add_slice(a);
            self.b.add_slice(b);
        }
        self.diff.add_slice(&d);
    }

    /// Merges another accumulator (Chan et al. for each component).
    pub fn merge(&mut self, other: &Paired) {
        self.a.merge(&other.a);
        self.b.merge(&other.b);
        self.diff.merge(&other.diff);
        self.none = self.none.saturating_add(other.none);
    }

    /// Number of complete pairs.
    pub fn count(&self) -> u64 {
        self.diff.count()
    }

    /// The whole state, for a partial-result file: the moments of a, b and
    /// a - b, and the count of pairs left out. [`Paired::from_state`] gives
    /// back the same bits.
    pub fn state(&self) -> ([Moments; 3], u64) {
        (
            [self.a.clone(), self.b.clone(), self.diff.clone()],
            self.none,
        )
    }

    /// The accumulator whose [`Paired::state`] this is.
    pub fn from_state(moments: [Moments; 3], none: u64) -> Paired {
        let [a, b, diff] = moments;
        Paired { a, b, diff, none }
    }

    /// Number of pairs left out because a value was `NaN`.
    pub fn none(&self) -> u64 {
        self.none
    }

    /// Mean of `a − b` (`NaN` when empty).
    pub fn mean_diff(&self) -> f64 {
        self.diff.mean()
    }

    /// Sample standard deviation of `a − b` (`NaN` with fewer than 2 pairs).
    pub fn sd_diff(&self) -> f64 {
        self.diff.sd()
    }

    /// Monte Carlo standard error of the mean difference,
    /// `sd_diff / sqrt(count)`.
    pub fn mcse(&self) -> f64 {
        self.diff.mcse()
    }

    /// Normal confidence interval for the mean difference at `level`
    /// (e.g. 0.95): `mean_diff ± z · mcse`.
    pub fn interval(&self, level: f64) -> (f64, f64) {
        self.diff.interval(level)
    }

    /// Standard error the difference of means would have if the two scenarios
    /// had been run independently: `sqrt(var_a/n + var_b/n)`. Compare with
    /// [`Paired::mcse`] to see how much pairing narrows the interval.
    pub fn unpaired_se(&self) -> f64 {
        let n = self.count() as f64;
        (self.a.variance() / n + self.b.variance() / n).sqrt()
    }

    /// Pearson correlation between A and B across runs, from
    /// `var(a − b) = var a + var b − 2 cov(a, b)`. `NaN` with fewer than 2
    /// pairs or when either side is constant.
    pub fn correlation(&self) -> f64 {
        let (va, vb) = (self.a.variance(), self.b.variance());
        let cov = (va + vb - self.diff.variance()) / 2.0;
        let r = cov / (va * vb).sqrt();
        if r.is_nan() { r } else { r.clamp(-1.0, 1.0) }
    }

    /// The accumulator of scenario A's values.
    pub fn a(&self) -> &Moments {
        &self.a
    }

    /// The accumulator of scenario B's values.
    pub fn b(&self) -> &Moments {
        &self.b
    }

    /// The accumulator of the differences `a − b`.
    pub fn diff(&self) -> &Moments {
        &self.diff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch of pairs gives what adding them one by one gives, up to
    /// rounding, and leaves out the pairs with no difference.
    #[test]
    fn paired_add_slice_agrees_with_adding_one_by_one() {
        let a: Vec<f64> = (0..1000)
            .map(|i| (i as f64 * 0.37).sin() * 3.0 + 1.0)
            .collect();
        let mut b: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.11).cos() + 0.5).collect();
        b[17] = f64::NAN;
        b[400] = f64::NAN;
        let (mut one, mut batch) = (Paired::new(), Paired::new());
        for (x, y) in a.iter().zip(&b) {
            one.add(*x, *y);
        }
        for (xs, ys) in a.chunks(64).zip(b.chunks(64)) {
            batch.add_slice(xs, ys);
        }
        assert_eq!(batch.count(), 998);
        assert_eq!(batch.none(), 2);
        assert_eq!(batch.count(), one.count());
        let near = |x: f64, y: f64| (x - y).abs() <= 1e-12 * (1.0 + y.abs());
        assert!(near(batch.mean_diff(), one.mean_diff()));
        assert!(near(batch.sd_diff(), one.sd_diff()));
        assert!(near(batch.a().mean(), one.a().mean()));
        assert_eq!(batch.a().min(), one.a().min());
    }

    fn close(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
        (a.0 - b.0).abs() <= tol && (a.1 - b.1).abs() <= tol
    }

    const Z95: f64 = 1.959963984540054;

    #[test]
    fn z_values() {
        assert!((z_for_level(0.95) - Z95).abs() < 1e-9);
        // Φ⁻¹(0.95) and Φ⁻¹(0.995), standard table values.
        assert!((z_for_level(0.90) - 1.6448536269514722).abs() < 1e-9);
        assert!((z_for_level(0.99) - 2.5758293035489004).abs() < 1e-9);
        assert!((z_for_level(0.6826894921370859) - 1.0).abs() < 1e-9);
        assert_eq!(z_for_level(0.0), 0.0);
        assert_eq!(z_for_level(-1.0), 0.0);
        assert_eq!(z_for_level(1.0), f64::INFINITY);
        assert_eq!(z_for_level(2.0), f64::INFINITY);
        assert!(z_for_level(f64::NAN).is_nan());
        // Extremes stay finite and monotone.
        assert!(z_for_level(1e-300) >= 0.0 && z_for_level(1e-300) < 1e-299);
        let z_hi = z_for_level(1.0 - f64::EPSILON);
        assert!(z_hi.is_finite() && z_hi > z_for_level(0.999_999));
    }

    /// Reference values from the formula, checked independently:
    /// 0/10: centre = (1.92073/10)/(1.384146) = 0.138766, hi = 2·centre;
    /// 5/10: 0.5 ± 1.959964/1.384146·sqrt(0.025 + 0.0096037).
    /// The 81/263, 15/148, 0/20 and 1/29 cases are Newcombe's (1998) worked
    /// examples for the score method without continuity correction.
    #[test]
    fn wilson_reference_values() {
        let cases: [(u64, u64, (f64, f64)); 7] = [
            (0, 10, (0.0, 0.2775327998628892)),
            (5, 10, (0.23659309051256405, 0.763406909487436)),
            (3, 10, (0.10779126740630104, 0.6032218525388545)),
            (81, 263, (0.2552885198782743, 0.3662095769828001)),
            (15, 148, (0.06238639953073629, 0.160487241723308)),
            (0, 20, (0.0, 0.1611251580528193)),
            (1, 29, (0.006113214292762653, 0.17175521879320282)),
        ];
        for (k, n, want) in cases {
            let got = wilson_interval(k, n, Z95);
            assert!(close(got, want, 1e-12), "{k}/{n}: {got:?} vs {want:?}");
        }
        // Rounded, as usually quoted.
        let (lo, hi) = wilson_interval(81, 263, Z95);
        assert_eq!(((lo * 1e4).round(), (hi * 1e4).round()), (2553.0, 3662.0));
        let (lo, hi) = wilson_interval(0, 10, Z95);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 5e-5);
    }

    #[test]
    fn wilson_symmetry_and_edges() {
        for n in [1u64, 2, 7, 10, 100, 12345] {
            for k in 0..=n.min(50) {
                let (lo, hi) = wilson_interval(k, n, Z95);
                let (lo2, hi2) = wilson_interval(n - k, n, Z95);
                assert!((lo - (1.0 - hi2)).abs() < 1e-12, "{k}/{n}");
                assert!((hi - (1.0 - lo2)).abs() < 1e-12, "{k}/{n}");
                assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
                assert!(lo <= k as f64 / n as f64 && k as f64 / n as f64 <= hi);
            }
            let (lo, hi) = wilson_interval(n, n, Z95);
            assert_eq!(hi, 1.0);
            assert!(lo > 0.0);
        }
        let (lo, hi) = wilson_interval(5, 10, Z95);
        assert!((lo + hi - 1.0).abs() < 1e-15);
        assert_eq!(wilson_interval(0, 0, Z95), (0.0, 1.0));
        assert_eq!(wilson_interval(3, 0, Z95), (0.0, 1.0));
        assert_eq!(wilson_interval(3, 10, f64::NAN), (0.0, 1.0));
        assert_eq!(wilson_interval(3, 10, f64::INFINITY), (0.0, 1.0));
        assert_eq!(wilson_interval(12, 10, Z95), wilson_interval(10, 10, Z95));
        assert_eq!(wilson_interval(3, 10, -Z95), wilson_interval(3, 10, Z95));
        let (lo, hi) = wilson_interval(3, 10, 0.0);
        assert!((lo - 0.3).abs() < 1e-15 && (hi - 0.3).abs() < 1e-15);
        // Huge counts stay finite and tight.
        let (lo, hi) = wilson_interval(u64::MAX / 2, u64::MAX, Z95);
        assert!(lo < 0.5 && hi > 0.5 && hi - lo < 1e-8);
    }

    #[test]
    fn proportion_basics() {
        let mut p = Proportion::new();
        assert!(p.estimate().is_nan());
        assert!(p.mcse().is_nan());
        assert_eq!(p.wilson(0.95), (0.0, 1.0));
        for i in 0..10 {
            p.add(i % 2 == 0);
        }
        assert_eq!(
            p,
            Proportion {
                successes: 5,
                trials: 10
            }
        );
        assert_eq!(p.estimate(), 0.5);
        assert!((p.mcse() - (0.025f64).sqrt()).abs() < 1e-15);
        assert!(close(
            p.wilson(0.95),
            (0.23659309051256405, 0.763406909487436),
            1e-12
        ));

        let mut q = Proportion::new();
        q.add(true);
        q.add(false);
        let mut pq = p;
        pq.merge(&q);
        let mut qp = q;
        qp.merge(&p);
        assert_eq!(pq, qp);
        assert_eq!(pq.trials, 12);
        assert_eq!(pq.successes, 6);

        let none = Proportion {
            successes: 0,
            trials: 10,
        };
        assert_eq!(none.mcse(), 0.0);
        assert_eq!(none.wilson(0.95).0, 0.0);
    }

    #[test]
    fn paired_exact_mean_difference() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [0.5, 1.5, 2.0, 4.5];
        let mut p = Paired::new();
        for (x, y) in a.iter().zip(b.iter()) {
            p.add(*x, *y);
        }
        // Differences 0.5, 0.5, 1.0, -0.5: mean 0.375, squared deviations sum
        // 0.015625 + 0.015625 + 0.390625 + 0.765625 = 1.1875.
        assert_eq!(p.count(), 4);
        assert_eq!(p.mean_diff(), 0.375);
        assert!((p.sd_diff() - (1.1875f64 / 3.0).sqrt()).abs() < 1e-15);
        assert!((p.mcse() - (1.1875f64 / 3.0).sqrt() / 2.0).abs() < 1e-15);
        let (lo, hi) = p.interval(0.95);
        assert!((lo - (0.375 - Z95 * p.mcse())).abs() < 1e-12);
        assert!((hi - (0.375 + Z95 * p.mcse())).abs() < 1e-12);
        assert_eq!(p.a().mean(), 2.5);
        assert_eq!(p.b().mean(), 2.125);
    }

    #[test]
    fn pairing_narrows_the_interval_for_correlated_runs() {
        let mut s: u64 = 42;
        let mut u = || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut p = Paired::new();
        for _ in 0..2000 {
            // Shared "common random number" part plus small private noise.
            let common = 10.0 * u();
            p.add(common + 0.5 * u(), common + 0.2 + 0.5 * u());
        }
        assert!(p.correlation() > 0.9);
        assert!(p.unpaired_se() > 3.0 * p.mcse());
        assert!((p.mean_diff() + 0.2).abs() < 5.0 * p.mcse());
    }

    #[test]
    fn paired_nan_and_merge() {
        let mut p = Paired::new();
        p.add(1.0, f64::NAN);
        p.add(f64::NAN, 1.0);
        p.add(f64::INFINITY, f64::INFINITY);
        p.add(3.0, 1.0);
        assert_eq!(p.none(), 3);
        assert_eq!(p.count(), 1);
        assert_eq!(p.a().count(), 1);
        assert_eq!(p.mean_diff(), 2.0);
        assert!(p.sd_diff().is_nan());
        assert!(p.unpaired_se().is_nan());
        assert!(p.correlation().is_nan());

        let mut q = Paired::new();
        q.add(5.0, 2.0);
        q.add(f64::NAN, 0.0);
        let mut pq = p.clone();
        pq.merge(&q);
        assert_eq!(pq.count(), 2);
        assert_eq!(pq.none(), 4);
        assert_eq!(pq.mean_diff(), 2.5);
        assert_eq!(pq.sd_diff(), 0.5f64.sqrt());

        let empty = Paired::new();
        assert!(empty.mean_diff().is_nan());
        let (lo, hi) = empty.interval(0.95);
        assert!(lo.is_nan() && hi.is_nan());
    }
}
