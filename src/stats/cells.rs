//! The cell of a value inside one of a [`super::Brackets`]' intervals, for
//! the grids whose cell follows from a formula: equal-width cells and
//! ladders of evenly spaced atoms (whole numbers, yes/no). Counting a
//! value past the pilot ends here for a third of the values of a typical
//! model, so it is written for speed; every other grid searches its own
//! values (`Interval::cell` in `tally.rs`).

use super::regions::BATCH;

/// What counting needs of an interval, beside the bounds so that the
/// common cases touch no other memory: a single cell (`cells <= 1`, none to
/// find), equal-width cells (`scale > 0`, `step == 0`), a ladder (`step >
/// 0`, `scale` its reciprocal), or, with `scale == 0`, the grid itself.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Fast {
    pub(super) offset: u32,
    pub(super) cells: u32,
    pub(super) lo: f64,
    pub(super) scale: f64,
    pub(super) step: f64,
}

impl Fast {
    /// The cell of `x`, inside an interval of equal-width cells.
    #[inline]
    pub(super) fn uniform_cell(&self, x: f64) -> u32 {
        self.offset + (((x - self.lo) * self.scale) as u32).min(self.cells - 1)
    }

    /// The cell of `x`, inside a ladder of `cells / 2 + 1` atoms `lo + k
    /// step`: cell `2k` for a value on atom `k`, `2k + 1` for one between
    /// it and the next (what `Interval::cell` gives). The quotient by the
    /// reciprocal may round either way past an atom, so the atoms either
    /// side of it are computed too and the one at or below `x` chosen, with
    /// no branch and no dependent step: the same operations as
    /// [`Fast::ladder_cells`] makes four lanes at a time.
    #[inline]
    pub(super) fn ladder_cell(&self, x: f64) -> u32 {
        let last = f64::from(self.cells / 2);
        // Truncation is the floor for a value inside the ladder (q >= 0).
        let k = f64::from((((x - self.lo) * self.scale) as u32).min(self.cells / 2));
        let at = self.lo + k * self.step;
        let below = self.lo + (k - 1.0) * self.step;
        let above = self.lo + (k + 1.0) * self.step;
        let down = (k > 0.0) & (at > x);
        let up = !down & (k < last) & (above <= x);
        let rung = if down {
            below
        } else if up {
            above
        } else {
            at
        };
        let k = k - f64::from(u8::from(down)) + f64::from(u8::from(up));
        let between = f64::from(u8::from(rung != x));
        (f64::from(self.offset) + 2.0 * k + between) as u32
    }

    /// [`Fast::ladder_cell`] of every value of `xs` (at most [`BATCH`]),
    /// into `out`: where most of a batch lies in a ladder (a count, a
    /// flag), all of its lanes at once rather than one by one. Lanes
    /// outside the ladder get a number to ignore.
    pub(super) fn ladder_cells(&self, xs: &[f64], out: &mut [u32; BATCH]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            return unsafe { avx2::ladder_cells(self, xs, out) };
        }
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = self.ladder_cell(x);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{BATCH, Fast};
    use std::arch::x86_64::*;

    /// [`Fast::ladder_cells`] four lanes to a register: the same IEEE
    /// operations as [`Fast::ladder_cell`] (the floor where it truncates,
    /// the same for the values inside the ladder), so the same cells.
    #[target_feature(enable = "avx2")]
    pub(super) fn ladder_cells(f: &Fast, xs: &[f64], out: &mut [u32; BATCH]) {
        let n = xs.len().min(BATCH);
        let whole = n / 4 * 4;
        let lo = _mm256_set1_pd(f.lo);
        let scale = _mm256_set1_pd(f.scale);
        let step = _mm256_set1_pd(f.step);
        let last = _mm256_set1_pd(f64::from(f.cells / 2));
        let offset = _mm256_set1_pd(f64::from(f.offset));
        let one = _mm256_set1_pd(1.0);
        let two = _mm256_set1_pd(2.0);
        let zero = _mm256_setzero_pd();
        for g in (0..whole).step_by(4) {
            // SAFETY: lanes g..g + 4 lie inside `xs` (g + 4 <= whole <= len).
            let x = unsafe { _mm256_loadu_pd(xs.as_ptr().add(g)) };
            let q = _mm256_mul_pd(_mm256_sub_pd(x, lo), scale);
            // `min_pd(q, last)` is `if q < last { q } else { last }`, as
            // `f64::min` is for every q but NaN (a lane outside the ladder).
            let k = _mm256_min_pd(_mm256_floor_pd(q), last);
            let at = _mm256_add_pd(lo, _mm256_mul_pd(k, step));
            let below = _mm256_add_pd(lo, _mm256_mul_pd(_mm256_sub_pd(k, one), step));
            let above = _mm256_add_pd(lo, _mm256_mul_pd(_mm256_add_pd(k, one), step));
            let down = _mm256_and_pd(
                _mm256_cmp_pd::<_CMP_GT_OQ>(k, zero),
                _mm256_cmp_pd::<_CMP_GT_OQ>(at, x),
            );
            let up = _mm256_andnot_pd(
                down,
                _mm256_and_pd(
                    _mm256_cmp_pd::<_CMP_LT_OQ>(k, last),
                    _mm256_cmp_pd::<_CMP_LE_OQ>(above, x),
                ),
            );
            let rung = _mm256_blendv_pd(_mm256_blendv_pd(at, below, down), above, up);
            let k = _mm256_add_pd(
                _mm256_sub_pd(k, _mm256_and_pd(down, one)),
                _mm256_and_pd(up, one),
            );
            let between = _mm256_and_pd(_mm256_cmp_pd::<_CMP_NEQ_UQ>(rung, x), one);
            let cell = _mm256_add_pd(_mm256_add_pd(offset, _mm256_mul_pd(two, k)), between);
            // SAFETY: out[g..g + 4] lies inside `out` (g + 4 <= 64).
            unsafe {
                _mm_storeu_si128(out.as_mut_ptr().add(g).cast(), _mm256_cvttpd_epi32(cell));
            }
        }
        for (o, &x) in out[whole..n].iter_mut().zip(&xs[whole..n]) {
            *o = f.ladder_cell(x);
        }
    }
}
