//! Moments of the many per-step quantities of a time series, accumulated a
//! batch at a time with no reduction per batch.

use super::Moments;

/// Partial sums kept side by side (one per vector lane).
const W: usize = 8;

/// Mean, variance, min and max of one quantity over the runs of a chunk.
///
/// A run's batch of values goes into eight interleaved partial sums of
/// `x - shift` and `(x - shift)^2` (the shift is the chunk's first value),
/// with partial minima and maxima alongside: one branch-free pass that stays
/// in vector registers, with no horizontal sum and no merge per batch. The
/// partials are reduced once, by [`BatchMoments::to_moments`], when the
/// chunk's results are merged. A batch holding NaN or an infinity takes the
/// exact one-by-one path of [`Moments`] instead. The grouping of every sum
/// is fixed by the order of the values, so results are reproducible bit for
/// bit.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchMoments {
    finite: u64,
    shift: f64,
    s1: [f64; W],
    s2: [f64; W],
    lo: [f64; W],
    hi: [f64; W],
    /// Values of batches that held NaN or an infinity.
    slow: Moments,
}

impl Default for BatchMoments {
    fn default() -> Self {
        BatchMoments {
            finite: 0,
            shift: 0.0,
            s1: [0.0; W],
            s2: [0.0; W],
            lo: [f64::INFINITY; W],
            hi: [f64::NEG_INFINITY; W],
            slow: Moments::new(),
        }
    }
}

impl BatchMoments {
    /// Adds a batch of values.
    pub fn add_slice(&mut self, xs: &[f64]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            return unsafe { self.add_slice_avx2(xs) };
        }
        self.add_slice_body(xs)
    }

    /// The same operations in the same order on wider registers: the same bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn add_slice_avx2(&mut self, xs: &[f64]) {
        self.add_slice_body(xs)
    }

    #[inline(always)]
    fn add_slice_body(&mut self, xs: &[f64]) {
        let Some(&first) = xs.first() else { return };
        let shift = if self.finite == 0 { first } else { self.shift };
        let (mut s1, mut s2, mut lo, mut hi) = (self.s1, self.s2, self.lo, self.hi);
        // `x * 0` is NaN exactly when x is NaN or infinite.
        let mut bad = [0.0f64; W];
        let chunks = xs.chunks_exact(W);
        let rest = chunks.remainder();
        for c in chunks {
            for k in 0..W {
                let x = c[k];
                let y = x - shift;
                s1[k] += y;
                s2[k] += y * y;
                bad[k] += x * 0.0;
                lo[k] = if x < lo[k] { x } else { lo[k] };
                hi[k] = if x > hi[k] { x } else { hi[k] };
            }
        }
        for (k, &x) in rest.iter().enumerate() {
            let y = x - shift;
            s1[k] += y;
            s2[k] += y * y;
            bad[k] += x * 0.0;
            lo[k] = if x < lo[k] { x } else { lo[k] };
            hi[k] = if x > hi[k] { x } else { hi[k] };
        }
        if bad.iter().any(|b| b.is_nan()) {
            for &x in xs {
                self.slow.add(x);
            }
            return;
        }
        (self.s1, self.s2, self.lo, self.hi) = (s1, s2, lo, hi);
        self.shift = shift;
        self.finite += xs.len() as u64;
    }

    /// The moments of every value added.
    pub fn to_moments(&self) -> Moments {
        let mut m = Moments::new();
        if self.finite > 0 {
            let total =
                |a: &[f64; W]| ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
            let n = self.finite as f64;
            let sum = total(&self.s1);
            let mean = sum / n;
            let m2 = (total(&self.s2) - sum * mean).max(0.0);
            let lo = self
                .lo
                .iter()
                .fold(f64::INFINITY, |a, &b| if b < a { b } else { a });
            let hi = self
                .hi
                .iter()
                .fold(f64::NEG_INFINITY, |a, &b| if b > a { b } else { a });
            m = Moments::from_parts(self.finite, self.shift, mean, m2, lo, hi);
        }
        m.merge(&self.slow);
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_moments_one_by_one() {
        let batches: Vec<Vec<f64>> = vec![
            (0..64).map(|i| 1e6 + (i as f64 * 0.37).sin()).collect(),
            (0..37).map(|i| 1e6 + (i as f64).cos()).collect(),
            vec![1e6, f64::NAN, 1e6 + 2.0],
            vec![f64::INFINITY],
            (0..64).map(|i| 1e6 - i as f64 * 0.01).collect(),
        ];
        let mut fast = BatchMoments::default();
        let mut exact = Moments::new();
        for b in &batches {
            fast.add_slice(b);
            for &x in b {
                exact.add(x);
            }
        }
        let m = fast.to_moments();
        assert_eq!(m.count(), exact.count());
        assert_eq!(m.none(), exact.none());
        assert_eq!(m.min(), exact.min());
        assert_eq!(m.max(), exact.max());
        assert!(m.mean().is_infinite() && exact.mean().is_infinite());
        // Without the infinity the mean and sd agree to rounding.
        let mut fast = BatchMoments::default();
        let mut exact = Moments::new();
        for b in batches
            .iter()
            .filter(|b| !b.iter().any(|x| x.is_infinite()))
        {
            fast.add_slice(b);
            b.iter().for_each(|&x| exact.add(x));
        }
        let m = fast.to_moments();
        assert!((m.mean() - exact.mean()).abs() < 1e-9 * exact.mean().abs());
        assert!(
            (m.sd() - exact.sd()).abs() < 1e-9 * exact.sd(),
            "{} {}",
            m.sd(),
            exact.sd()
        );
        assert_eq!(m.count(), exact.count());
    }
}
