//! Where each value of a batch falls among a few sorted bounds: the
//! counting step of [`super::tally`], run for every value of every
//! time-series quantity past the pilot, so it is written for speed.
//!
//! A value's *region* is how many bounds are at or below it. With the
//! bounds sorted, the regions are the gaps between them: even regions lie
//! between a tally's intervals, region `2j + 1` is interval `j`. NaN is at
//! or above no bound and is counted apart.
//!
//! The result is the same on every processor: only comparisons and
//! counts. On x86-64 with AVX2 the comparisons run four values to a
//! register, summed as a tree, and the regions are counted 32 values at a
//! time with byte compares and `popcnt`; elsewhere the same numbers come
//! lane by lane.

/// Bounds at most: both ends of five intervals.
pub const MAX_BOUNDS: usize = 10;

/// Lanes in a batch at most.
pub(super) const BATCH: usize = 64;

/// What comparing a batch of at most 64 values with the bounds found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scan {
    /// Non-NaN values per region.
    pub regions: [u32; MAX_BOUNDS + 1],
    /// The lanes of each odd region (`odd[j]` is region `2j + 1`) as a bit
    /// mask.
    pub odd: [u64; MAX_BOUNDS / 2],
    /// NaN values.
    pub nan: u32,
    /// Each lane's region (0 for NaN, `u8::MAX` past the values).
    pub codes: [u8; BATCH],
}

/// Scans `xs` (at most 64 values) against the first `used` of `bounds`,
/// which are sorted (a NaN bound, as at an open end, is at or below
/// nothing). Bounds past `used` are ignored.
pub fn scan(bounds: &[f64; MAX_BOUNDS], used: usize, xs: &[f64]) -> Scan {
    debug_assert!(xs.len() <= BATCH);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt")
    {
        // SAFETY: the processor supports AVX2 and POPCNT, checked just above.
        return unsafe { scan_avx2(bounds, used, xs) };
    }
    scan_scalar(bounds, used.min(MAX_BOUNDS), xs)
}

/// [`scan`] for a caller that runs with AVX2 and POPCNT already (checked
/// once for many batches): no check of the processor per batch.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
#[inline]
pub fn scan_avx2(bounds: &[f64; MAX_BOUNDS], used: usize, xs: &[f64]) -> Scan {
    match used {
        0 => avx2::scan::<0>(bounds, xs),
        1 | 2 => avx2::scan::<2>(bounds, xs),
        3 | 4 => avx2::scan::<4>(bounds, xs),
        5 | 6 => avx2::scan::<6>(bounds, xs),
        7 | 8 => avx2::scan::<8>(bounds, xs),
        _ => avx2::scan::<MAX_BOUNDS>(bounds, xs),
    }
}

/// The region of `x`: how many of `bounds` are at or below it.
#[inline]
pub(super) fn region(bounds: &[f64], x: f64) -> u8 {
    bounds.iter().map(|&b| u8::from(x >= b)).sum()
}

/// [`scan`] lane by lane.
fn scan_scalar(bounds: &[f64; MAX_BOUNDS], used: usize, xs: &[f64]) -> Scan {
    let mut found = Scan {
        regions: [0; MAX_BOUNDS + 1],
        odd: [0; MAX_BOUNDS / 2],
        nan: 0,
        codes: [u8::MAX; BATCH],
    };
    for (i, &x) in xs.iter().enumerate().take(BATCH) {
        found.codes[i] = region(&bounds[..used], x);
        if x.is_nan() {
            found.nan += 1;
            continue;
        }
        let r = found.codes[i] as usize;
        found.regions[r] += 1;
        if r % 2 == 1 {
            found.odd[r / 2] |= 1 << i;
        }
    }
    found
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{BATCH, MAX_BOUNDS, Scan, region};
    use std::arch::x86_64::*;

    /// [`super::scan`] against the first `N` bounds (bounds past the
    /// ones in use are NaN or ignored, so `N` may round up).
    #[target_feature(enable = "avx2,popcnt")]
    #[inline]
    pub(super) fn scan<const N: usize>(bounds: &[f64; MAX_BOUNDS], xs: &[f64]) -> Scan {
        let n = xs.len().min(BATCH);
        let whole = n / 4 * 4;
        let b: [__m256d; N] = std::array::from_fn(|k| _mm256_set1_pd(bounds[k]));
        // Lanes past `n` keep a region no value has.
        let mut codes = [u8::MAX; BATCH];
        let mut nan = 0u64;
        // The low byte of each 64-bit lane to bytes 0..2 (low half) and
        // 2..4 (high half); every other byte zero.
        let pick = _mm256_setr_epi8(
            0, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, //
            -1, -1, 0, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        );
        for g in (0..whole).step_by(4) {
            // SAFETY: lanes g..g + 4 lie inside `xs` (g + 4 <= whole <= len).
            let x = unsafe { _mm256_loadu_pd(xs.as_ptr().add(g)) };
            // All ones (-1) where x >= bound, ordered: NaN on either side
            // is 0. Summed as a tree, so no long chain of dependent adds.
            let mut m: [__m256i; N] =
                std::array::from_fn(|k| _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_GE_OQ>(x, b[k])));
            let mut len = N;
            while len > 1 {
                for k in 0..len / 2 {
                    m[k] = _mm256_add_epi64(m[2 * k], m[2 * k + 1]);
                }
                if len % 2 == 1 {
                    m[len / 2] = m[len - 1];
                }
                len = len.div_ceil(2);
            }
            let c = if N == 0 {
                _mm256_setzero_si256()
            } else {
                _mm256_sub_epi64(_mm256_setzero_si256(), m[0])
            };
            let unordered = _mm256_cmp_pd::<_CMP_UNORD_Q>(x, x);
            nan |= (_mm256_movemask_pd(unordered) as u64) << g;
            let p = _mm256_shuffle_epi8(c, pick);
            let four = _mm_or_si128(_mm256_castsi256_si128(p), _mm256_extracti128_si256::<1>(p));
            let word = _mm_cvtsi128_si32(four) as u32;
            codes[g..g + 4].copy_from_slice(&word.to_le_bytes());
        }
        for (i, &x) in xs.iter().enumerate().take(n).skip(whole) {
            codes[i] = region(&bounds[..N], x);
            nan |= u64::from(x.is_nan()) << i;
        }
        // SAFETY: `codes` holds 64 bytes, two registers.
        let (a, z) = unsafe {
            (
                _mm256_loadu_si256(codes.as_ptr().cast()),
                _mm256_loadu_si256(codes.as_ptr().add(32).cast()),
            )
        };
        let mut found = Scan {
            regions: [0; MAX_BOUNDS + 1],
            odd: [0; MAX_BOUNDS / 2],
            nan: nan.count_ones(),
            codes,
        };
        for r in 0..=N {
            let v = _mm256_set1_epi8(r as i8);
            let low = _mm256_movemask_epi8(_mm256_cmpeq_epi8(a, v)) as u32;
            let high = _mm256_movemask_epi8(_mm256_cmpeq_epi8(z, v)) as u32;
            let lanes = u64::from(low) | (u64::from(high) << 32);
            found.regions[r] = lanes.count_ones();
            if r % 2 == 1 {
                found.odd[r / 2] = lanes;
            }
        }
        // NaN is at or above no bound: it was counted in region 0.
        found.regions[0] -= found.nan;
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way in: lengths 0 to 64, each count of bounds in use, NaN
    /// values and bounds, values on the bounds and between them.
    #[test]
    fn the_fast_path_and_lane_by_lane_agree() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let sorted = [-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 2.5, 4.0, 7.0, 9.0];
        for used in 0..=MAX_BOUNDS {
            let mut bounds = [f64::NAN; MAX_BOUNDS];
            bounds[..used].copy_from_slice(&sorted[..used]);
            if used % 2 == 0 && used > 0 {
                // An open top end.
                bounds[used - 1] = f64::NAN;
            }
            for len in 0..=BATCH {
                let xs: Vec<f64> = (0..len)
                    .map(|_| match next() % 5 {
                        0 => sorted[(next() % 10) as usize],
                        1 => f64::NAN,
                        _ => (next() % 2_400) as f64 / 200.0 - 4.0,
                    })
                    .collect();
                let fast = scan(&bounds, used, &xs);
                let slow = scan_scalar(&bounds, used, &xs);
                assert_eq!(fast, slow, "used {used}, len {len}");
                let counted: u32 = slow.regions.iter().sum::<u32>() + slow.nan;
                assert_eq!(counted as usize, len);
                for (i, &x) in xs.iter().enumerate() {
                    let r = region(&bounds[..used], x) as usize;
                    let inside = slow.odd.iter().position(|m| m >> i & 1 == 1);
                    let expected = (!x.is_nan() && r % 2 == 1).then_some(r / 2);
                    assert_eq!(inside, expected, "lane {i} of {len}");
                }
            }
        }
    }
}
