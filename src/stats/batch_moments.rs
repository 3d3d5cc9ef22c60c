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
        add_each(std::slice::from_mut(self), |_| xs);
    }

    #[inline(always)]
    fn add_slice_body(&mut self, xs: &[f64]) {
        let Some(&first) = xs.first() else { return };
        let shift = if self.finite == 0 { first } else { self.shift };
        let (mut s1, mut s2, mut lo, mut hi) = (self.s1, self.s2, self.lo, self.hi);
        let chunks = xs.chunks_exact(W);
        let rest = chunks.remainder();
        for c in chunks {
            for k in 0..W {
                let x = c[k];
                let y = x - shift;
                s1[k] += y;
                s2[k] += y * y;
                lo[k] = if x < lo[k] { x } else { lo[k] };
                hi[k] = if x > hi[k] { x } else { hi[k] };
            }
        }
        for (k, &x) in rest.iter().enumerate() {
            let y = x - shift;
            s1[k] += y;
            s2[k] += y * y;
            lo[k] = if x < lo[k] { x } else { lo[k] };
            hi[k] = if x > hi[k] { x } else { hi[k] };
        }
        self.commit(xs, shift, s1, s2, lo, hi);
    }

    /// Keeps a batch's new partial sums, unless they are not finite: then
    /// a value was NaN or infinite (or so large that its square
    /// overflows), and the batch is added one by one instead.
    #[inline(always)]
    fn commit(
        &mut self,
        xs: &[f64],
        shift: f64,
        s1: [f64; W],
        s2: [f64; W],
        lo: [f64; W],
        hi: [f64; W],
    ) {
        let finite = s1.iter().chain(&s2).fold(0.0, |a, &v| a + v * 0.0) == 0.0;
        if !finite {
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

/// Adds one batch of values to each of several accumulators: `accs[i]`
/// takes `values(i)`. The instruction set is chosen once for them all.
pub fn add_each<'v>(accs: &mut [BatchMoments], values: impl Fn(usize) -> &'v [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor supports AVX2, checked just above.
        return unsafe { add_each_avx2(accs, values) };
    }
    for (i, acc) in accs.iter_mut().enumerate() {
        acc.add_slice_body(values(i));
    }
}

/// [`BatchMoments::add_slice_body`] on AVX2 registers: the same IEEE
/// operations on each partial sum in the same order (`min_pd(x, lo)` is
/// exactly `if x < lo { x } else { lo }`), so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn add_each_avx2<'v>(accs: &mut [BatchMoments], values: impl Fn(usize) -> &'v [f64]) {
    use std::arch::x86_64::*;
    const _: () = assert!(W == 8);
    for (i, acc) in accs.iter_mut().enumerate() {
        let xs = values(i);
        if xs.len() < W {
            acc.add_slice_body(xs);
            continue;
        }
        let shift = if acc.finite == 0 { xs[0] } else { acc.shift };
        let chunks = xs.chunks_exact(W);
        let rest = chunks.remainder();
        let (mut s1, mut s2, mut lo, mut hi) = (acc.s1, acc.s2, acc.lo, acc.hi);
        // SAFETY: every pointer below addresses 8 f64s in a `[f64; 8]` or in
        // a chunk of exactly 8 values, read and written as two halves of 4.
        unsafe {
            let sh = _mm256_set1_pd(shift);
            let load = |a: &[f64; W]| {
                (
                    _mm256_loadu_pd(a.as_ptr()),
                    _mm256_loadu_pd(a.as_ptr().add(4)),
                )
            };
            let (mut s1a, mut s1b) = load(&s1);
            let (mut s2a, mut s2b) = load(&s2);
            let (mut loa, mut lob) = load(&lo);
            let (mut hia, mut hib) = load(&hi);
            for c in chunks {
                let xa = _mm256_loadu_pd(c.as_ptr());
                let xb = _mm256_loadu_pd(c.as_ptr().add(4));
                let ya = _mm256_sub_pd(xa, sh);
                let yb = _mm256_sub_pd(xb, sh);
                s1a = _mm256_add_pd(s1a, ya);
                s1b = _mm256_add_pd(s1b, yb);
                s2a = _mm256_add_pd(s2a, _mm256_mul_pd(ya, ya));
                s2b = _mm256_add_pd(s2b, _mm256_mul_pd(yb, yb));
                loa = _mm256_min_pd(xa, loa);
                lob = _mm256_min_pd(xb, lob);
                hia = _mm256_max_pd(xa, hia);
                hib = _mm256_max_pd(xb, hib);
            }
            let store = |a: &mut [f64; W], x: __m256d, y: __m256d| {
                _mm256_storeu_pd(a.as_mut_ptr(), x);
                _mm256_storeu_pd(a.as_mut_ptr().add(4), y);
            };
            store(&mut s1, s1a, s1b);
            store(&mut s2, s2a, s2b);
            store(&mut lo, loa, lob);
            store(&mut hi, hia, hib);
        }
        for (k, &x) in rest.iter().enumerate() {
            let y = x - shift;
            s1[k] += y;
            s2[k] += y * y;
            lo[k] = if x < lo[k] { x } else { lo[k] };
            hi[k] = if x > hi[k] { x } else { hi[k] };
        }
        acc.commit(xs, shift, s1, s2, lo, hi);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instruction_set_gives_the_same_bits() {
        let batches: Vec<Vec<f64>> = vec![
            (0..64).map(|i| 3.0 + (i as f64 * 0.37).sin()).collect(),
            (0..37).map(|i| -(i as f64).cos() * 1e-3).collect(),
            (0..5).map(|i| i as f64).collect(),
            vec![1.0, f64::NAN, 2.0, 0.0, -0.0, 5.0, 6.0, 7.0, 8.0],
            vec![1e200; 16],
            (0..64).map(|i| -(i as f64)).collect(),
        ];
        let (mut wide, mut scalar) = (BatchMoments::default(), BatchMoments::default());
        for b in &batches {
            wide.add_slice(b);
            scalar.add_slice_body(b);
            assert_eq!(wide, scalar);
        }
        let (a, b) = (wide.to_moments(), scalar.to_moments());
        assert_eq!(a.mean().to_bits(), b.mean().to_bits());
        assert_eq!(a.sd().to_bits(), b.sd().to_bits());
    }

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
