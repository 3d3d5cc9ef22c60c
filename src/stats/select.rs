//! Order statistics of values held in memory, without sorting them: the
//! quantiles of every (variable, step) pair of a time series come from
//! here, so it is written for speed.
//!
//! The values are dealt into equal-width buckets between their minimum and
//! maximum, counted, and only the buckets that hold a wanted rank are
//! looked into, bucketed again while they are large (a few far outliers
//! leave most values in one bucket at first) and finally selected by
//! `select_nth_unstable`. The mapping from value to bucket never decreases
//! (IEEE subtraction and multiplication by a positive number are monotone),
//! so a bucket holds a contiguous stretch of the sorted values, and the
//! result is the order statistic itself: the same bits as a full sort.
//! Two passes over the values of about ten instructions each replace the
//! several partitioning passes a quickselect per rank makes.

use super::quantiles::{from_total_key, sort_total, total_key};

/// Parts this small (or smaller) are selected directly.
const DIRECT: usize = 512;

/// Buckets at most (a power of two).
const MAX_BUCKETS: usize = 4096;

/// Rounds of bucketing at most before selecting directly.
const ROUNDS: u32 = 4;

/// The values at 0-based `ranks` (sorted, distinct, each below the count
/// of values) of the values of every part together, in `f64::total_cmp`
/// order: the parts (a chunk's values each) are read where they are, never
/// joined into one slice. The values lie in `[lo, hi]` and none is NaN:
/// the caller kept their extremes as they came, which spares a pass over
/// values long out of cache.
pub fn order_statistics_within(parts: &[&[f64]], ranks: &[usize], lo: f64, hi: f64) -> Vec<f64> {
    let mut out = vec![f64::NAN; ranks.len()];
    let range = Range { lo, hi, nan: false };
    select_into(parts, ranks, &mut out, ROUNDS, Some(range));
    out
}

fn select_into(
    parts: &[&[f64]],
    ranks: &[usize],
    out: &mut [f64],
    rounds: u32,
    known: Option<Range>,
) {
    if ranks.is_empty() {
        return;
    }
    let range = known.unwrap_or_else(|| {
        parts
            .iter()
            .map(|p| Range::of(p))
            .reduce(Range::union)
            .unwrap_or(Range::of(&[]))
    });
    if range.equal() {
        return range.fill_equal(parts, ranks, out);
    }
    let len: usize = parts.iter().map(|p| p.len()).sum();
    // A wanted bucket gets a `u8` slot: a few hundred ranks at most.
    let few = ranks.len() < usize::from(u8::MAX);
    let Some(buckets) = range
        .buckets(len)
        .filter(|_| len > DIRECT && rounds > 0 && few)
    else {
        return select_direct(parts, ranks, out);
    };
    let mask = MAX_BUCKETS - 1;
    let mut counts = vec![0u32; MAX_BUCKETS];
    let index: Vec<Vec<u16>> = parts.iter().map(|p| buckets.deal(p, &mut counts)).collect();
    // The bucket of each rank, and the values before that bucket.
    let mut target: Vec<(usize, usize)> = Vec::with_capacity(ranks.len());
    let (mut b, mut before) = (0usize, 0usize);
    for &r in ranks {
        while before + counts[b] as usize <= r {
            before += counts[b] as usize;
            b += 1;
        }
        target.push((b, before));
    }
    // A slot for each distinct bucket wanted, in bucket order.
    let mut slot = vec![u8::MAX; MAX_BUCKETS];
    let mut gathered: Vec<Vec<f64>> = Vec::new();
    for &(b, _) in &target {
        if slot[b] == u8::MAX {
            slot[b] = gathered.len() as u8;
            gathered.push(Vec::with_capacity(counts[b] as usize));
        }
    }
    // The distinct buckets wanted (`target` is in bucket order).
    let mut wanted: Vec<u16> = target.iter().map(|&(b, _)| b as u16).collect();
    wanted.dedup();
    for (part, index) in parts.iter().zip(&index) {
        let mut from = 0;
        #[cfg(target_arch = "x86_64")]
        if wanted.len() <= avx2::WANTED && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            from = unsafe { avx2::gather(part, index, &wanted, &slot, &mut gathered) };
        }
        for (&x, &b) in part.iter().zip(index).skip(from) {
            let s = slot[usize::from(b) & mask];
            if s != u8::MAX {
                gathered[usize::from(s)].push(x);
            }
        }
    }
    // Each wanted bucket with its ranks, counted from its first value.
    let mut i = 0;
    while i < ranks.len() {
        let (b, before) = target[i];
        let j = i + target[i..].iter().take_while(|t| t.0 == b).count();
        let local: Vec<usize> = ranks[i..j].iter().map(|r| r - before).collect();
        select_into(
            &[&gathered[usize::from(slot[b])]],
            &local,
            &mut out[i..j],
            rounds - 1,
            None,
        );
        i = j;
    }
}

/// [`order_statistics_within`], finding the extremes itself.
#[cfg(test)]
fn order_statistics(parts: &[&[f64]], ranks: &[usize]) -> Vec<f64> {
    let mut out = vec![f64::NAN; ranks.len()];
    select_into(parts, ranks, &mut out, ROUNDS, None);
    out
}

/// Orders `values` by `f64::total_cmp` where the rank windows `windows`
/// (0-based, inclusive, each within the values) need it, and only there:
/// the values are dealt into equal-width buckets in order, and the buckets
/// that hold a rank of a window are sorted. Afterwards the value at every
/// rank of a window is the one a full sort puts there, and every value
/// before (after) a bucket is less (greater) than each of its values, so a
/// search for the first or last place of such a value (`partition_point`
/// over the whole slice) finds the place it has in the sorted values.
/// Values that cannot be bucketed (a NaN, an infinity, a spread too wide
/// or too narrow), or few, are sorted whole; with no window, nothing
/// moves.
///
/// The brackets of the time-series quantiles read a pilot's values only
/// near five ranks: this spares sorting the other 85% of them.
pub fn sort_around(values: &mut [f64], windows: &[(usize, usize)]) {
    let n = values.len();
    if windows.is_empty() {
        return;
    }
    let Some(buckets) = Range::of(values).buckets(n).filter(|_| n > DIRECT) else {
        return sort_total(values);
    };
    let mask = MAX_BUCKETS - 1;
    let mut counts = vec![0u32; MAX_BUCKETS];
    let index = buckets.deal(values, &mut counts);
    // `starts[b]`: the place of bucket `b`'s first value.
    let mut starts = vec![0usize; MAX_BUCKETS + 1];
    for b in 0..MAX_BUCKETS {
        starts[b + 1] = starts[b] + counts[b] as usize;
    }
    // Dealt into their buckets as total-order keys, which sort faster
    // than the values (see `sort_total`).
    let mut next = starts.clone();
    let mut keys = vec![0i64; n];
    for (&x, &b) in values.iter().zip(&index) {
        let b = usize::from(b) & mask;
        keys[next[b]] = total_key(x);
        next[b] += 1;
    }
    // The bucket holding rank `r`.
    let bucket_of = |r: usize| starts.partition_point(|&s| s <= r) - 1;
    let mut windows = windows.to_vec();
    windows.sort_unstable();
    let mut sorted_to = 0;
    for (lo, hi) in windows {
        let (lo, hi) = (lo.min(n - 1), hi.min(n - 1));
        let from = starts[bucket_of(lo)].max(sorted_to);
        let to = starts[bucket_of(hi.max(lo)) + 1];
        if from < to {
            keys[from..to].sort_unstable();
            sorted_to = to;
        }
    }
    for (v, &k) in values.iter_mut().zip(&keys) {
        *v = from_total_key(k);
    }
}

/// The least and greatest of a part's values, and whether one is NaN.
struct Range {
    lo: f64,
    hi: f64,
    nan: bool,
}

impl Range {
    /// One branch-free pass, eight partial extremes side by side.
    fn of(values: &[f64]) -> Range {
        const W: usize = 8;
        let (mut lo, mut hi, mut nan) = ([f64::INFINITY; W], [f64::NEG_INFINITY; W], [false; W]);
        let chunks = values.chunks_exact(W);
        let rest = chunks.remainder();
        for c in chunks {
            for k in 0..W {
                let x = c[k];
                lo[k] = if x < lo[k] { x } else { lo[k] };
                hi[k] = if x > hi[k] { x } else { hi[k] };
                nan[k] |= x.is_nan();
            }
        }
        for (k, &x) in rest.iter().enumerate() {
            lo[k] = if x < lo[k] { x } else { lo[k] };
            hi[k] = if x > hi[k] { x } else { hi[k] };
            nan[k] |= x.is_nan();
        }
        Range {
            lo: lo.iter().fold(f64::INFINITY, |a, &b| a.min(b)),
            hi: hi.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b)),
            nan: nan.iter().any(|&n| n),
        }
    }

    /// The range of two parts' values together.
    fn union(self, other: Range) -> Range {
        Range {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
            nan: self.nan || other.nan,
        }
    }

    /// Every value compares equal (only the sign of a zero may differ).
    fn equal(&self) -> bool {
        !self.nan && self.lo == self.hi
    }

    /// The order statistics of values that all compare equal: one value,
    /// or, for zeros, the negative ones first.
    fn fill_equal(&self, parts: &[&[f64]], ranks: &[usize], out: &mut [f64]) {
        let negative = if self.lo == 0.0 {
            parts
                .iter()
                .flat_map(|p| p.iter())
                .filter(|x| x.is_sign_negative())
                .count()
        } else {
            0
        };
        for (o, &r) in out.iter_mut().zip(ranks) {
            *o = if self.lo != 0.0 {
                self.lo
            } else if r < negative {
                -0.0
            } else {
                0.0
            };
        }
    }

    /// Equal-width buckets between the extremes: `None` when a value is
    /// NaN or infinite, or the spread is too wide or too narrow for the
    /// buckets' width to be a finite number.
    fn buckets(&self, n: usize) -> Option<Buckets> {
        let count = (n / 4).clamp(16, MAX_BUCKETS);
        let width = self.hi - self.lo;
        let scale = count as f64 / width;
        let usable = !self.nan
            && self.lo.is_finite()
            && self.hi.is_finite()
            && width > 0.0
            && width.is_finite()
            && scale.is_finite();
        usable.then_some(Buckets {
            lo: self.lo,
            scale,
            count,
        })
    }
}

/// Equal-width buckets between a part's finite minimum and maximum.
struct Buckets {
    lo: f64,
    scale: f64,
    count: usize,
}

impl Buckets {
    /// The bucket of `x`, which lies between the values' minimum and
    /// maximum (so `at` lies in [0, count] up to rounding; the cast
    /// saturates, so a caller's wrong extremes give wrong buckets, never
    /// undefined behaviour).
    #[inline]
    fn of_value(&self, x: f64) -> usize {
        let at = (x - self.lo) * self.scale;
        (at as u32 as usize).min(self.count - 1)
    }
}

impl Buckets {
    /// Each value's bucket, in one pass that vectorises, with the values
    /// of each of the `MAX_BUCKETS` buckets added to `counts`. Bucket
    /// numbers are below `MAX_BUCKETS`, a power of two, so masking them is
    /// a no-op that spares a bounds check per value.
    fn deal(&self, values: &[f64], counts: &mut [u32]) -> Vec<u16> {
        let mask = MAX_BUCKETS - 1;
        let mut index: Vec<u16> = Vec::with_capacity(values.len());
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            unsafe { avx2::indices(self, values, &mut index) };
        }
        let done = index.len();
        index.extend(
            values[done..]
                .iter()
                .map(|&x| (self.of_value(x) & mask) as u16),
        );
        let counts = &mut counts[..MAX_BUCKETS];
        for &b in &index {
            counts[usize::from(b) & mask] += 1;
        }
        index
    }
}

/// The two passes over every value, four (sixteen) lanes to a register.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{Buckets, MAX_BUCKETS};
    use std::arch::x86_64::*;

    /// Wanted buckets at most for [`gather`].
    pub(super) const WANTED: usize = 8;

    /// Appends the bucket of each value of `values` in whole groups of
    /// four to `index` (empty, with room for them all), as
    /// [`Buckets::of_value`] finds it: the same arithmetic, rounded toward
    /// zero the same way, the values in range.
    #[target_feature(enable = "avx2")]
    pub(super) fn indices(buckets: &Buckets, values: &[f64], index: &mut Vec<u16>) {
        assert!(index.is_empty() && index.capacity() >= values.len());
        let whole = values.len() / 4 * 4;
        let lo = _mm256_set1_pd(buckets.lo);
        let scale = _mm256_set1_pd(buckets.scale);
        let last = _mm_set1_epi32((buckets.count - 1).min(MAX_BUCKETS - 1) as i32);
        let out = index.as_mut_ptr();
        for g in (0..whole).step_by(4) {
            // SAFETY: lanes g..g + 4 lie inside `values` (g + 4 <= whole),
            // and `index` has room for `values.len()` entries.
            unsafe {
                let x = _mm256_loadu_pd(values.as_ptr().add(g));
                // In [0, count] up to rounding: far inside `i32`.
                let at = _mm256_cvttpd_epi32(_mm256_mul_pd(_mm256_sub_pd(x, lo), scale));
                let b = _mm_packus_epi32(_mm_min_epi32(at, last), _mm_setzero_si128());
                _mm_storel_epi64(out.add(g).cast(), b);
            }
        }
        // SAFETY: the first `whole` entries were written just above.
        unsafe { index.set_len(whole) };
    }

    /// Pushes the values of `part` whose bucket (`index`) is one of
    /// `wanted` (at most [`WANTED`]) onto their slot's list, in order, for
    /// whole groups of sixteen; returns how many values it looked at.
    #[target_feature(enable = "avx2")]
    pub(super) fn gather(
        part: &[f64],
        index: &[u16],
        wanted: &[u16],
        slot: &[u8],
        gathered: &mut [Vec<f64>],
    ) -> usize {
        let n = part.len().min(index.len());
        let whole = n / 16 * 16;
        // No bucket is numbered `u16::MAX`: unused entries match nothing.
        let w: [__m256i; WANTED] = std::array::from_fn(|k| {
            _mm256_set1_epi16(wanted.get(k).copied().unwrap_or(u16::MAX) as i16)
        });
        for g in (0..whole).step_by(16) {
            // SAFETY: entries g..g + 16 lie inside `index` (g + 16 <= whole).
            let v = unsafe { _mm256_loadu_si256(index.as_ptr().add(g).cast()) };
            let mut hit = _mm256_cmpeq_epi16(v, w[0]);
            for wk in &w[1..] {
                hit = _mm256_or_si256(hit, _mm256_cmpeq_epi16(v, *wk));
            }
            // Two bits a lane; keep one.
            let mut bits = (_mm256_movemask_epi8(hit) as u32) & 0x5555_5555;
            while bits != 0 {
                let i = g + (bits.trailing_zeros() / 2) as usize;
                bits &= bits - 1;
                let s = slot[usize::from(index[i]) & (MAX_BUCKETS - 1)];
                gathered[usize::from(s)].push(part[i]);
            }
        }
        whole
    }
}

/// [`order_statistics_within`] by quickselect on the values' total-order keys.
fn select_direct(parts: &[&[f64]], ranks: &[usize], out: &mut [f64]) {
    let mut keys: Vec<i64> = parts
        .iter()
        .flat_map(|p| p.iter())
        .map(|&x| total_key(x))
        .collect();
    select_ranks(&mut keys, 0, ranks);
    for (o, &r) in out.iter_mut().zip(ranks) {
        *o = from_total_key(keys[r]);
    }
}

/// Puts the order statistics `ranks` (0-based, sorted, distinct, each
/// counted from `offset`, the place of `keys[0]` in the whole) in their
/// places: the middle one first, then those below it in the part below and
/// those above in the part above, so each selection works on a shrinking
/// part.
fn select_ranks(keys: &mut [i64], offset: usize, ranks: &[usize]) {
    if ranks.is_empty() || keys.is_empty() {
        return;
    }
    let m = ranks.len() / 2;
    let k = ranks[m] - offset;
    keys.select_nth_unstable(k);
    let (below, rest) = keys.split_at_mut(k);
    select_ranks(below, offset, &ranks[..m]);
    select_ranks(&mut rest[1..], offset + k + 1, &ranks[m + 1..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_at(values: &[f64], ranks: &[usize]) -> Vec<u64> {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        ranks.iter().map(|&r| v[r].to_bits()).collect()
    }

    /// Against a full sort, bit for bit, of one slice and of the same
    /// values in parts: smooth values, whole numbers, an atom beside a
    /// spread, far outliers (bucketed again), signed zeros, infinities and
    /// spreads too wide or too narrow to bucket.
    #[test]
    fn the_order_statistics_of_a_full_sort() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut unit = move || (next() >> 11) as f64 / (1u64 << 53) as f64;
        type Draw = fn(f64, f64) -> f64;
        let kinds: [(&str, Draw); 9] = [
            ("uniform", |u, _| u),
            ("whole numbers", |u, _| (u * 7.0).floor()),
            ("atom at zero", |u, v| if u < 0.6 { 0.0 } else { v }),
            ("signed zeros", |u, v| {
                if u < 0.5 {
                    -0.0
                } else if u < 0.7 {
                    0.0
                } else {
                    v - 0.5
                }
            }),
            ("far outliers", |u, v| if u < 0.001 { 1e12 * v } else { v }),
            ("heavy tail", |u, _| 1.0 / (1.0 - u).max(1e-300)),
            (
                "infinities",
                |u, v| if u < 0.01 { f64::INFINITY } else { v },
            ),
            (
                "too wide",
                |u, v| if u < 0.5 { -1e308 * v } else { 1e308 * v },
            ),
            ("too narrow", |u, _| if u < 0.5 { 0.0 } else { 5e-324 }),
        ];
        for (name, draw) in kinds {
            for n in [1, 2, 511, 513, 1000, 10_000, 40_000] {
                let values: Vec<f64> = (0..n).map(|_| draw(unit(), unit())).collect();
                let mut ranks: Vec<usize> = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]
                    .iter()
                    .flat_map(|p: &f64| {
                        let at = p * (n - 1) as f64;
                        [at.floor() as usize, (at.ceil() as usize).min(n - 1)]
                    })
                    .collect();
                ranks.sort_unstable();
                ranks.dedup();
                let got: Vec<u64> = order_statistics(&[&values], &ranks)
                    .iter()
                    .map(|x| x.to_bits())
                    .collect();
                assert_eq!(got, sorted_at(&values, &ranks), "{name}, n = {n}");
                // The same values cut into uneven parts, some empty, as the
                // chunks of a run hold them.
                let mut parts: Vec<&[f64]> = Vec::new();
                let mut rest = &values[..];
                for cut in [0, 7, 0, 1024, 300].iter().cycle() {
                    if rest.is_empty() {
                        break;
                    }
                    let (a, b) = rest.split_at((*cut).min(rest.len()));
                    parts.push(a);
                    rest = b;
                }
                let got: Vec<u64> = order_statistics(&parts, &ranks)
                    .iter()
                    .map(|x| x.to_bits())
                    .collect();
                assert_eq!(got, sorted_at(&values, &ranks), "{name} in parts, n = {n}");
                // With the extremes known, as `Quantiles` keeps them (in
                // the total order, so -0 is the least of the zeros).
                let lo = values.iter().copied().min_by(f64::total_cmp).unwrap();
                let hi = values.iter().copied().max_by(f64::total_cmp).unwrap();
                let got: Vec<u64> = order_statistics_within(&parts, &ranks, lo, hi)
                    .iter()
                    .map(|x| x.to_bits())
                    .collect();
                assert_eq!(got, sorted_at(&values, &ranks), "{name} within, n = {n}");
            }
        }
    }

    /// `sort_around` leaves every rank of its windows holding the value a
    /// full sort puts there, with values only reordered, for windows in
    /// any order, overlapping, at the ends, and for values it sorts whole.
    #[test]
    fn sort_around_puts_the_windows_ranks_in_place() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut unit = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in [1, 513, 4000, 20_000] {
            for kind in 0..4 {
                let values: Vec<f64> = (0..n)
                    .map(|_| {
                        let (u, v) = (unit(), unit());
                        match kind {
                            0 => u,
                            1 => (u * 5.0).floor(),
                            2 => {
                                if u < 0.001 {
                                    1e15 * v
                                } else {
                                    v
                                }
                            }
                            _ => {
                                if u < 0.01 {
                                    f64::NAN
                                } else {
                                    v
                                }
                            }
                        }
                    })
                    .collect();
                let last = n - 1;
                let windows = [
                    (n / 2, n / 2 + n / 10),
                    (0, n / 20),
                    (n / 3, n / 2),
                    (last, last),
                ];
                let mut arranged = values.clone();
                sort_around(&mut arranged, &windows);
                let mut full = values.clone();
                full.sort_by(f64::total_cmp);
                for &(lo, hi) in &windows {
                    for r in lo..=hi.min(last) {
                        assert_eq!(
                            arranged[r].to_bits(),
                            full[r].to_bits(),
                            "n = {n}, kind {kind}, rank {r}"
                        );
                    }
                }
                let mut bits: Vec<u64> = arranged.iter().map(|x| x.to_bits()).collect();
                let mut want: Vec<u64> = values.iter().map(|x| x.to_bits()).collect();
                bits.sort_unstable();
                want.sort_unstable();
                assert_eq!(bits, want);
            }
        }
    }
}
