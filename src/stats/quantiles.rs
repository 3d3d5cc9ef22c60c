//! Quantiles: exact while the values fit in a cap, then a DDSketch with a
//! relative-error guarantee. Merging is exact and order-independent.

use std::collections::VecDeque;

/// Relative accuracy of the sketch: every sketch quantile is within
/// `SKETCH_ALPHA · |q|` of the exact (type-1) sample quantile `q`.
pub const SKETCH_ALPHA: f64 = 0.005;

/// A reasonable default for [`Quantiles::new`]: up to 100 000 values
/// (800 kB) are kept exactly.
pub const DEFAULT_EXACT_CAP: usize = 100_000;

/// Upper limit on the number of histogram bins (larger requests are capped).
pub const MAX_HISTOGRAM_BINS: usize = 1 << 20;

/// Counters per sign at most: magnitudes more than `ln γ · MAX_BUCKETS`
/// (about 41) e-folds below the largest share the lowest bucket.
const MAX_BUCKETS: usize = 4096;

/// Bucket growth factor `γ = (1 + α) / (1 − α)`: bucket `k` holds the
/// magnitudes in `(γ^(k−1), γ^k]`.
const GAMMA: f64 = (1.0 + SKETCH_ALPHA) / (1.0 - SKETCH_ALPHA);

/// `ln γ`, computed once.
fn ln_gamma() -> f64 {
    GAMMA.ln()
}

/// Bucket key of a finite magnitude `a > 0` (subnormals included). Keys lie
/// within about ±75 000 for all finite `f64`.
fn key_of(a: f64) -> i32 {
    (a.ln() / ln_gamma()).ceil() as i32
}

/// Representative magnitude of bucket `k`: `2γ^k / (γ + 1) = γ^k (1 − α)`,
/// within relative error `α` of every magnitude in `(γ^(k−1), γ^k]`.
/// Computed in log space so it cannot overflow before the final `exp`.
fn value_of(k: i32) -> f64 {
    (f64::from(k) * ln_gamma() + (1.0 - SKETCH_ALPHA).ln()).exp()
}

/// Dense bucket counts for keys `offset .. offset + counts.len()`. The range
/// always spans exactly the smallest to the largest key ever added, so the
/// state depends only on the multiset of keys.
#[derive(Clone, Debug, Default)]
struct Store {
    offset: i32,
    counts: VecDeque<u64>,
}

impl Store {
    /// The lowest key a bucket may have now: keys below it are collapsed
    /// into it, so a store never holds more than [`MAX_BUCKETS`] counters.
    /// The collapse depends only on the largest key, so the state is still a
    /// function of the multiset of keys.
    fn floor(&self) -> i64 {
        let top = i64::from(self.offset) + self.counts.len() as i64 - 1;
        top - MAX_BUCKETS as i64 + 1
    }

    /// The bucket a key lands in (its own, or the collapsed lowest one).
    fn bucket_of(&self, key: i32) -> i32 {
        if self.counts.is_empty() {
            return key;
        }
        i64::from(key).max(self.floor()) as i32
    }

    fn add(&mut self, key: i32, n: u64) {
        if n == 0 {
            return;
        }
        if self.counts.is_empty() {
            self.offset = key;
            self.counts.push_back(n);
            return;
        }
        let key = self.bucket_of(key);
        if key < self.offset {
            for _ in key..self.offset {
                self.counts.push_front(0);
            }
            self.offset = key;
        }
        // key >= offset here; i64 avoids any overflow in the subtraction.
        let idx = (i64::from(key) - i64::from(self.offset)) as usize;
        if idx >= self.counts.len() {
            self.counts.resize(idx + 1, 0);
        }
        self.counts[idx] = self.counts[idx].saturating_add(n);
        if self.counts.len() > MAX_BUCKETS {
            let excess = self.counts.len() - MAX_BUCKETS;
            let low: u64 = self.counts.drain(..excess).sum();
            self.counts[0] = self.counts[0].saturating_add(low);
            self.offset += excess as i32;
        }
    }

    fn merge(&mut self, other: &Store) {
        for (k, c) in other.iter() {
            self.add(k, c);
        }
    }

    fn len(&self) -> usize {
        self.counts.len()
    }

    /// `(key, count)` in increasing key order, including empty buckets.
    fn iter(&self) -> impl DoubleEndedIterator<Item = (i32, u64)> + '_ {
        let offset = self.offset;
        self.counts
            .iter()
            .enumerate()
            .map(move |(i, &c)| (offset.saturating_add(i as i32), c))
    }
}

/// DDSketch over the finite values (infinities are counted by `Quantiles`).
#[derive(Clone, Debug, Default)]
struct Sketch {
    pos: Store,
    neg: Store,
    zeros: u64,
}

impl Sketch {
    fn add(&mut self, x: f64) {
        if x > 0.0 {
            self.pos.add(key_of(x), 1);
        } else if x < 0.0 {
            self.neg.add(key_of(-x), 1);
        } else if x == 0.0 {
            self.zeros = self.zeros.saturating_add(1);
        }
    }

    fn add_all(&mut self, xs: &[f64]) {
        for &x in xs {
            if x.is_finite() {
                self.add(x);
            }
        }
    }

    fn merge(&mut self, other: &Sketch) {
        self.pos.merge(&other.pos);
        self.neg.merge(&other.neg);
        self.zeros = self.zeros.saturating_add(other.zeros);
    }

    fn buckets(&self) -> usize {
        self.pos.len() + self.neg.len() + usize::from(self.zeros > 0)
    }
}

/// Which sketch bucket a value falls in, in increasing value order:
/// what the exact refinement of a quantile (`stats::refine`) matches in its
/// later passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Class {
    NegInf,
    Neg(i32),
    Zero,
    Pos(i32),
    PosInf,
}

/// The bucket of any value under a sketch's final collapse floors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Classifier {
    pos_floor: i64,
    neg_floor: i64,
}

impl Classifier {
    /// The bucket of a non-NaN value.
    pub(super) fn class(&self, x: f64) -> Class {
        if x == f64::INFINITY {
            Class::PosInf
        } else if x == f64::NEG_INFINITY {
            Class::NegInf
        } else if x > 0.0 {
            Class::Pos(i64::from(key_of(x)).max(self.pos_floor) as i32)
        } else if x < 0.0 {
            Class::Neg(i64::from(key_of(-x)).max(self.neg_floor) as i32)
        } else {
            Class::Zero
        }
    }

    /// Values certainly bracketing a bucket: `[low, high]`, with the
    /// collapsed lowest bucket reaching to zero.
    pub(super) fn bounds(&self, class: Class) -> (f64, f64) {
        let magnitude = |k: i32| (f64::from(k) * ln_gamma()).exp();
        match class {
            Class::NegInf => (f64::NEG_INFINITY, f64::NEG_INFINITY),
            Class::PosInf => (f64::INFINITY, f64::INFINITY),
            Class::Zero => (-0.0, 0.0),
            Class::Pos(k) => {
                let low = if i64::from(k) <= self.pos_floor {
                    0.0
                } else {
                    magnitude(k.saturating_sub(2))
                };
                (low, magnitude(k.saturating_add(1)))
            }
            Class::Neg(k) => {
                let high = if i64::from(k) <= self.neg_floor {
                    -0.0
                } else {
                    -magnitude(k.saturating_sub(2))
                };
                (-magnitude(k.saturating_add(1)), high)
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Repr {
    /// Every non-NaN value (infinities included): `values` and then each of
    /// `parts`, which hold the buffers of merged accumulators as they came
    /// (a merge moves buffers instead of copying values; they are joined
    /// once, when the values are first read in order). `sorted` means
    /// `parts` is empty and `values` is sorted by `f64::total_cmp`.
    Exact {
        values: Vec<f64>,
        parts: Vec<Vec<f64>>,
        sorted: bool,
    },
    Sketch(Sketch),
}

/// Appends every buffer of `parts` to `values`, with one allocation.
fn join(values: &mut Vec<f64>, parts: &mut Vec<Vec<f64>>) {
    if parts.is_empty() {
        return;
    }
    values.reserve_exact(parts.iter().map(Vec::len).sum());
    for p in parts.drain(..) {
        values.extend_from_slice(&p);
    }
}

/// Histogram of the values.
///
/// `edges` has `counts.len() + 1` entries (both empty when there is nothing
/// to show). Bin `i` is `[edges[i], edges[i+1])`, the last bin closed on the
/// right. When `integer` is true all values are integers, every edge is a
/// half-integer and each bin covers the same whole number of integers (one
/// integer per bin when the range is small enough).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
    pub integer: bool,
}

/// Quantiles: exact while the values fit in `exact_cap` values, then a
/// relative-error sketch (DDSketch, Masson, Rim & Lee, VLDB 2019) with
/// relative accuracy [`SKETCH_ALPHA`] (0.5 %) for values of either sign, and
/// exact zero handling.
///
/// * `NaN` is "none": counted by [`Quantiles::none`], otherwise ignored.
///   `±∞` are values, kept exactly (as counts in sketch mode).
/// * **Order-independent merging.** The results depend only on the multiset
///   of values added: in exact mode the values are sorted before use (by
///   `f64::total_cmp`, a total order, so the sorted sequence is unique); in
///   sketch mode each value goes to a bucket fixed by its own magnitude and
///   merging adds integer counts. The switch from exact to sketch happens as
///   soon as the total count exceeds the cap, whether by `add` or `merge`, so
///   the mode is also a function of the multiset. When two accumulators with
///   different caps are merged, the smaller cap is kept.
/// * **Bounded memory.** Exact mode keeps at most `exact_cap` values. The
///   sketch has one counter per bucket between the smallest and largest
///   bucket seen for each sign: about `ln(max/min) / ln γ + 1` counters,
///   where `ln γ ≈ 0.0100` (4 146 for data spanning `1e-9..1e9`), and never
///   more than 4 096 per sign: magnitudes more than about 41 e-folds (a
///   factor 6e17) below the largest of their sign share the lowest bucket,
///   which then has no relative guarantee. The engine's reported quantiles
///   do not rely on the sketch: it refines them to the exact values (see
///   `stats::refine`).
/// * **Sorting.** Reading quantiles in exact mode needs sorted values. The
///   `&mut self` readers ([`Quantiles::quantiles`], [`Quantiles::quantile`],
///   [`Quantiles::cdf_points`], [`Quantiles::histogram`], and
///   [`Quantiles::finish`]) sort the buffer in place once and remember it;
///   this never changes any result. [`Quantiles::quantiles_ref`] works on
///   `&self` and sorts a copy if the buffer is not yet sorted.
///
/// Exact mode returns Hyndman & Fan's type-7 quantile (R's default);
/// sketch mode returns the DDSketch estimate of the type-1 quantile
/// (the `⌈n·p⌉`-th smallest value), within `SKETCH_ALPHA` relative error of
/// it. In both modes `p = 0` and `p = 1` give the exact minimum and maximum.
#[derive(Clone, Debug)]
pub struct Quantiles {
    cap: usize,
    none: u64,
    /// Non-NaN values, infinities included.
    count: u64,
    pos_inf: u64,
    neg_inf: u64,
    /// Minimum and maximum of the finite values (`+∞`/`−∞` while there are
    /// none), compared with `total_cmp` so signed zeros are deterministic.
    lo: f64,
    hi: f64,
    /// Whether every finite value is an integer.
    all_integer: bool,
    repr: Repr,
    /// Exact quantiles found by refinement passes over the same values
    /// (see `stats::refine`), which the sketch alone cannot give.
    refined: Option<Box<Refined>>,
}

/// Quantiles at given probabilities, found by refinement.
#[derive(Clone, Debug)]
struct Refined {
    ps: Vec<f64>,
    values: Vec<f64>,
    /// Whether every one is the exact type-7 sample quantile.
    exact: bool,
}

impl Default for Quantiles {
    fn default() -> Self {
        Self::new(DEFAULT_EXACT_CAP)
    }
}

/// What [`Quantiles::add_slice`] needs to know of a slice of values, in
/// one pass that vectorises: their least and greatest (in the total order
/// of `f64::total_cmp`, so -0 before +0) and whether all are whole numbers;
/// `None` if any is NaN or infinite.
struct Scan {
    lo: f64,
    hi: f64,
    all_integer: bool,
}

impl Scan {
    fn of(xs: &[f64]) -> Option<Scan> {
        const W: usize = 4;
        // 2^52: from here on every double is a whole number; below it,
        // `(a + 2^52) - 2^52` rounds `a` to a whole number, so it gives
        // back `a` exactly when `a` is one.
        const BIG: f64 = 4_503_599_627_370_496.0;
        let (mut lo, mut hi) = ([f64::INFINITY; W], [f64::NEG_INFINITY; W]);
        let (mut bad, mut frac) = ([0.0f64; W], [false; W]);
        let chunks = xs.chunks_exact(W);
        let rest = chunks.remainder();
        let mut visit = |k: usize, x: f64| {
            lo[k] = if x < lo[k] { x } else { lo[k] };
            hi[k] = if x > hi[k] { x } else { hi[k] };
            // `x * 0` is NaN exactly when x is NaN or infinite.
            bad[k] += x * 0.0;
            let a = x.abs();
            frac[k] |= a < BIG && (a + BIG) - BIG != a;
        };
        for c in chunks {
            for (k, &x) in c.iter().enumerate() {
                visit(k, x);
            }
        }
        for (k, &x) in rest.iter().enumerate() {
            visit(k, x);
        }
        if bad.iter().any(|b| b.is_nan()) {
            return None;
        }
        let mut lo = lo.iter().fold(f64::INFINITY, |m, &x| m.min(x));
        let mut hi = hi.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x));
        // `<` does not order -0 and +0; the total order puts -0 first.
        if lo == 0.0 {
            lo = if xs.iter().any(|x| x.to_bits() == (-0.0f64).to_bits()) {
                -0.0
            } else {
                0.0
            };
        }
        if hi == 0.0 {
            hi = if xs.iter().any(|x| x.to_bits() == 0) {
                0.0
            } else {
                -0.0
            };
        }
        Some(Scan {
            lo,
            hi,
            all_integer: !frac.iter().any(|&f| f),
        })
    }
}

impl Quantiles {
    /// An empty accumulator keeping up to `exact_cap` values exactly
    /// (`0` means sketch mode from the first value).
    pub fn new(exact_cap: usize) -> Self {
        Self {
            cap: exact_cap,
            none: 0,
            count: 0,
            pos_inf: 0,
            neg_inf: 0,
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            all_integer: true,
            repr: Repr::Exact {
                values: Vec::new(),
                parts: Vec::new(),
                sorted: true,
            },
            refined: None,
        }
    }

    /// Records the quantiles at `ps` that refinement passes found; readers
    /// asking for exactly these probabilities get them. Adding or merging
    /// values forgets them.
    pub fn set_refined(&mut self, ps: &[f64], values: Vec<f64>, exact: bool) {
        self.refined = Some(Box::new(Refined {
            ps: ps.to_vec(),
            values,
            exact,
        }));
    }

    /// The refined quantile at `p`, if refinement found one.
    fn refined_at(&self, p: f64) -> Option<f64> {
        let r = self.refined.as_ref()?;
        r.ps.iter().position(|&q| q == p).map(|i| r.values[i])
    }

    /// Adds one value. `NaN` is ignored but counted in [`Quantiles::none`].
    pub fn add(&mut self, x: f64) {
        self.refined = None;
        if x.is_nan() {
            self.none = self.none.saturating_add(1);
            return;
        }
        self.count = self.count.saturating_add(1);
        if x == f64::INFINITY {
            self.pos_inf = self.pos_inf.saturating_add(1);
        } else if x == f64::NEG_INFINITY {
            self.neg_inf = self.neg_inf.saturating_add(1);
        } else {
            if x.total_cmp(&self.lo).is_lt() {
                self.lo = x;
            }
            if x.total_cmp(&self.hi).is_gt() {
                self.hi = x;
            }
            if x.fract() != 0.0 {
                self.all_integer = false;
            }
        }
        match &mut self.repr {
            Repr::Exact {
                values,
                parts,
                sorted,
            } => {
                if *sorted && values.last().is_some_and(|l| l.total_cmp(&x).is_gt()) {
                    *sorted = false;
                }
                values.push(x);
                if self.count > self.cap as u64 {
                    let mut s = Sketch::default();
                    s.add_all(values);
                    parts.iter().for_each(|p| s.add_all(p));
                    self.repr = Repr::Sketch(s);
                }
            }
            Repr::Sketch(s) => {
                if x.is_finite() {
                    s.add(x);
                }
            }
        }
    }

    /// Makes room for `n` more values without reallocating, as far as the
    /// exact cap allows (a sketch needs no room).
    pub fn reserve(&mut self, n: usize) {
        let room = (self.cap as u64).saturating_sub(self.count).min(n as u64) as usize;
        if let Repr::Exact { values, .. } = &mut self.repr {
            values.reserve_exact(room);
        }
    }

    /// Adds several values: the same result as adding them one by one, with
    /// one pass for the bounds and one copy into the exact buffer when they
    /// are all finite and fit.
    pub fn add_slice(&mut self, xs: &[f64]) {
        self.refined = None;
        let fits = matches!(self.repr, Repr::Exact { .. })
            && self.count + xs.len() as u64 <= self.cap as u64;
        let scan = if fits { Scan::of(xs) } else { None };
        let Some(scan) = scan else {
            for &x in xs {
                self.add(x);
            }
            return;
        };
        if scan.lo.total_cmp(&self.lo).is_lt() {
            self.lo = scan.lo;
        }
        if scan.hi.total_cmp(&self.hi).is_gt() {
            self.hi = scan.hi;
        }
        self.all_integer &= scan.all_integer;
        self.count += xs.len() as u64;
        if let Repr::Exact { values, sorted, .. } = &mut self.repr {
            values.extend_from_slice(xs);
            *sorted = false;
        }
    }

    /// Merges `other` into `self`, as if all its values had been added here.
    /// Takes `other` by value so its buffers can be reused. The result does
    /// not depend on which side is which, nor on the order of a series of
    /// merges.
    pub fn merge(&mut self, other: Quantiles) {
        self.refined = None;
        self.cap = self.cap.min(other.cap);
        self.none = self.none.saturating_add(other.none);
        self.count = self.count.saturating_add(other.count);
        self.pos_inf = self.pos_inf.saturating_add(other.pos_inf);
        self.neg_inf = self.neg_inf.saturating_add(other.neg_inf);
        if other.lo.total_cmp(&self.lo).is_lt() {
            self.lo = other.lo;
        }
        if other.hi.total_cmp(&self.hi).is_gt() {
            self.hi = other.hi;
        }
        self.all_integer &= other.all_integer;

        let mine = std::mem::replace(
            &mut self.repr,
            Repr::Exact {
                values: Vec::new(),
                parts: Vec::new(),
                sorted: true,
            },
        );
        let exact_fits = self.count <= self.cap as u64;
        self.repr = match (mine, other.repr) {
            (
                Repr::Exact {
                    values: a,
                    parts: mut a_parts,
                    ..
                },
                Repr::Exact {
                    values: b,
                    parts: b_parts,
                    ..
                },
            ) if exact_fits => {
                // The buffers move; no value is copied.
                a_parts.extend(b_parts);
                for v in [a, b] {
                    if !v.is_empty() {
                        a_parts.push(v);
                    }
                }
                let values = a_parts.pop().unwrap_or_default();
                Repr::Exact {
                    sorted: values.is_empty() && a_parts.is_empty(),
                    values,
                    parts: a_parts,
                }
            }
            (
                Repr::Exact {
                    values: a,
                    parts: a_parts,
                    ..
                },
                Repr::Exact {
                    values: b,
                    parts: b_parts,
                    ..
                },
            ) => {
                let mut s = Sketch::default();
                for v in [&a, &b].into_iter().chain(&a_parts).chain(&b_parts) {
                    s.add_all(v);
                }
                Repr::Sketch(s)
            }
            (Repr::Sketch(mut s), Repr::Exact { values, parts, .. })
            | (Repr::Exact { values, parts, .. }, Repr::Sketch(mut s)) => {
                s.add_all(&values);
                parts.iter().for_each(|p| s.add_all(p));
                Repr::Sketch(s)
            }
            (Repr::Sketch(a), Repr::Sketch(b)) => {
                let (mut big, small) = if a.buckets() >= b.buckets() {
                    (a, b)
                } else {
                    (b, a)
                };
                big.merge(&small);
                Repr::Sketch(big)
            }
        };
    }

    /// Number of values added, excluding `NaN` (infinities included).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Every value held, in no particular order and in one or more
    /// slices, while the values are held exactly (`None` for a sketch).
    /// With [`Quantiles::none`] they give back the same accumulator: add
    /// them (and that many NaNs) to an empty one.
    pub fn exact_values(&self) -> Option<impl Iterator<Item = &[f64]>> {
        match &self.repr {
            Repr::Exact { values, parts, .. } => Some(
                std::iter::once(&values[..])
                    .chain(parts.iter().map(|p| &p[..]))
                    .filter(|v| !v.is_empty()),
            ),
            Repr::Sketch(_) => None,
        }
    }

    /// The values held exactly, joined into one slice that the caller may
    /// reorder (the order of the values never changes a result); `None`
    /// once they are in a sketch.
    pub fn exact_values_mut(&mut self) -> Option<&mut [f64]> {
        match &mut self.repr {
            Repr::Exact {
                values,
                parts,
                sorted,
            } => {
                join(values, parts);
                *sorted = false;
                Some(&mut values[..])
            }
            Repr::Sketch(_) => None,
        }
    }

    /// Number of `NaN` ("none") values seen.
    pub fn none(&self) -> u64 {
        self.none
    }

    /// Whether the quantiles read are exact: all values are still held, or
    /// refinement found the exact quantiles.
    pub fn is_exact(&self) -> bool {
        matches!(self.repr, Repr::Exact { .. }) || self.refined.as_ref().is_some_and(|r| r.exact)
    }

    /// Whether the values are held in a sketch (quantiles then need
    /// refinement to be exact).
    pub fn is_sketch(&self) -> bool {
        matches!(self.repr, Repr::Sketch(_))
    }

    /// The cap on the number of values held exactly.
    pub fn exact_cap(&self) -> usize {
        self.cap
    }

    /// Number of sketch counters in use (0 in exact mode): the memory the
    /// sketch needs, in units of 8 bytes.
    pub fn sketch_buckets(&self) -> usize {
        match &self.repr {
            Repr::Exact { .. } => 0,
            Repr::Sketch(s) => s.buckets(),
        }
    }

    /// What places a value in its sketch bucket, detached from the sketch
    /// (`None` in exact mode).
    pub(super) fn classifier(&self) -> Option<Classifier> {
        let Repr::Sketch(s) = &self.repr else {
            return None;
        };
        let floor = |st: &Store| {
            if st.counts.is_empty() {
                i64::MIN
            } else {
                st.floor()
            }
        };
        Some(Classifier {
            pos_floor: floor(&s.pos),
            neg_floor: floor(&s.neg),
        })
    }

    /// `(bucket, count)` of every non-empty bucket in increasing value
    /// order, infinities and zeros included (empty in exact mode).
    pub(super) fn classes(&self) -> Vec<(Class, u64)> {
        let Repr::Sketch(s) = &self.repr else {
            return Vec::new();
        };
        std::iter::once((Class::NegInf, self.neg_inf))
            .chain(s.neg.iter().rev().map(|(k, c)| (Class::Neg(k), c)))
            .chain(std::iter::once((Class::Zero, s.zeros)))
            .chain(s.pos.iter().map(|(k, c)| (Class::Pos(k), c)))
            .chain(std::iter::once((Class::PosInf, self.pos_inf)))
            .filter(|&(_, c)| c > 0)
            .collect()
    }

    /// The exact finite minimum and maximum (`+∞`, `−∞` when there are none).
    pub(super) fn finite_range(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }

    /// Exact smallest value (`NaN` when empty).
    pub fn min(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else if self.neg_inf > 0 {
            f64::NEG_INFINITY
        } else if self.finite_count() > 0 {
            self.lo
        } else {
            f64::INFINITY
        }
    }

    /// Exact largest value (`NaN` when empty).
    pub fn max(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else if self.pos_inf > 0 {
            f64::INFINITY
        } else if self.finite_count() > 0 {
            self.hi
        } else {
            f64::NEG_INFINITY
        }
    }

    fn finite_count(&self) -> u64 {
        self.count
            .saturating_sub(self.pos_inf)
            .saturating_sub(self.neg_inf)
    }

    /// Sorts the exact-mode buffer in place (no-op if already sorted or in
    /// sketch mode). Never changes any result; the `&mut` readers call it.
    pub fn finish(&mut self) {
        match &mut self.repr {
            Repr::Exact {
                values,
                parts,
                sorted,
            } if !*sorted => {
                join(values, parts);
                sort_total(values);
                *sorted = true;
            }
            _ => {}
        }
    }

    /// Every value held, sorted (in `f64::total_cmp` order), while the
    /// values are held exactly; `None` for a sketch.
    pub fn sorted_exact(&mut self) -> Option<&[f64]> {
        self.finish();
        match &self.repr {
            Repr::Exact { values, .. } => Some(values),
            Repr::Sketch(_) => None,
        }
    }

    /// Quantiles at each probability in `ps` (each clamped to `[0, 1]`; a
    /// `NaN` probability gives `NaN`). Sorts the exact buffer in place once.
    /// All `NaN` when `count() == 0`.
    pub fn quantiles(&mut self, ps: &[f64]) -> Vec<f64> {
        self.finish();
        self.quantiles_ref(ps)
    }

    /// The same numbers as [`Quantiles::quantiles`], found by selecting the
    /// order statistics they need rather than sorting every value, when
    /// the values are held exactly and not sorted yet: about a third of
    /// the time for the five quantiles of a time-series step. The buffer
    /// is left unsorted (its order never changes a result).
    pub fn quantiles_selected(&mut self, ps: &[f64]) -> Vec<f64> {
        let n = self.count as usize;
        let Repr::Exact {
            values,
            parts,
            sorted: false,
        } = &mut self.repr
        else {
            return self.quantiles(ps);
        };
        if self.refined.is_some() || n == 0 {
            return self.quantiles(ps);
        }
        let held: usize = values.len() + parts.iter().map(Vec::len).sum::<usize>();
        if held != n {
            return self.quantiles(ps);
        }
        // The chunks' buffers are read where they are: joining them would
        // copy every value into memory touched for the first time.
        let slices: Vec<&[f64]> = std::iter::once(&values[..])
            .chain(parts.iter().map(|p| &p[..]))
            .filter(|p| !p.is_empty())
            .collect();
        let mut ranks: Vec<usize> = Vec::with_capacity(2 * ps.len());
        for &p in ps.iter().filter(|p| !p.is_nan()) {
            let (lo, hi, _) = type7_ranks(n as u64, p.clamp(0.0, 1.0));
            ranks.extend([lo as usize - 1, hi as usize - 1]);
        }
        ranks.sort_unstable();
        ranks.dedup();
        // The extremes were kept as the values came (infinities apart).
        let lo = if self.neg_inf > 0 {
            f64::NEG_INFINITY
        } else {
            self.lo
        };
        let hi = if self.pos_inf > 0 {
            f64::INFINITY
        } else {
            self.hi
        };
        let found = super::select::order_statistics_within(&slices, &ranks, lo, hi);
        let at = |rank: u64| found[ranks.partition_point(|&r| r < rank as usize - 1)];
        ps.iter()
            .map(|&p| {
                if p.is_nan() {
                    return f64::NAN;
                }
                let (lo, hi, h) = type7_ranks(n as u64, p.clamp(0.0, 1.0));
                type7_from(at(lo), at(hi), h)
            })
            .collect()
    }

    /// The quantile at probability `p`; see [`Quantiles::quantiles`].
    pub fn quantile(&mut self, p: f64) -> f64 {
        self.finish();
        self.quantile_sorted(p, self.sorted_values())
    }

    /// As [`Quantiles::quantiles`], without mutating: if the exact buffer is
    /// not sorted yet (no `&mut` reader or [`Quantiles::finish`] has run since
    /// the last `add`/`merge`), a sorted copy is made for this call.
    pub fn quantiles_ref(&self, ps: &[f64]) -> Vec<f64> {
        let copy;
        let sorted = match &self.repr {
            Repr::Exact {
                values,
                parts,
                sorted: false,
            } => {
                let mut v = values.clone();
                join(&mut v, &mut parts.clone());
                sort_total(&mut v);
                copy = v;
                &copy[..]
            }
            _ => self.sorted_values(),
        };
        ps.iter()
            .map(|&p| self.quantile_sorted(p, sorted))
            .collect()
    }

    /// The exact buffer if in exact mode (sorted only if `finish` ran).
    fn sorted_values(&self) -> &[f64] {
        match &self.repr {
            Repr::Exact { values, .. } => values,
            Repr::Sketch(_) => &[],
        }
    }

    /// Quantile given the sorted exact values (ignored in sketch mode).
    fn quantile_sorted(&self, p: f64, sorted: &[f64]) -> f64 {
        if self.count == 0 || p.is_nan() {
            return f64::NAN;
        }
        if let Some(v) = self.refined_at(p) {
            return v;
        }
        let p = p.clamp(0.0, 1.0);
        match &self.repr {
            Repr::Exact { .. } => type7(sorted, p),
            Repr::Sketch(s) => {
                let k = type1_rank(self.count, p);
                if k <= 1 {
                    return self.min();
                }
                if k >= self.count {
                    return self.max();
                }
                let mut cum = 0u64;
                for (v, c) in self.sketch_atoms(s) {
                    cum = cum.saturating_add(c);
                    if cum >= k {
                        return v;
                    }
                }
                self.max()
            }
        }
    }

    /// `(value, count)` for each sketch bucket with a non-zero count, in
    /// increasing value order, representatives clamped to the exact finite
    /// range `[lo, hi]` (which can only reduce the error).
    fn sketch_atoms<'a>(&'a self, s: &'a Sketch) -> impl Iterator<Item = (f64, u64)> + 'a {
        let (lo, hi) = (self.lo, self.hi);
        let clamp = move |v: f64| v.max(lo).min(hi);
        std::iter::once((f64::NEG_INFINITY, self.neg_inf))
            .chain(
                s.neg
                    .iter()
                    .rev()
                    .map(move |(k, c)| (clamp(-value_of(k)), c)),
            )
            .chain(std::iter::once((0.0, s.zeros)))
            .chain(s.pos.iter().map(move |(k, c)| (clamp(value_of(k)), c)))
            .chain(std::iter::once((f64::INFINITY, self.pos_inf)))
            .filter(|&(_, c)| c > 0)
    }

    /// `(value, count)` for each distinct value (exact mode, sorted buffer)
    /// or each non-empty bucket (sketch mode), in increasing value order.
    fn atoms(&self) -> Box<dyn Iterator<Item = (f64, u64)> + '_> {
        match &self.repr {
            Repr::Exact { values, .. } => Box::new(ExactAtoms { values, i: 0 }),
            Repr::Sketch(s) => Box::new(self.sketch_atoms(s)),
        }
    }

    /// Points `(value, P(X ≤ value))` of the empirical CDF, for drawing CDF
    /// or exceedance (`1 − P`) charts.
    ///
    /// Values are strictly increasing and the last point is `(max, 1.0)`.
    /// With at most `max_points` distinct values (exact mode) or buckets
    /// (sketch mode), every step of the CDF is returned; otherwise the
    /// points are the values at `max_points` evenly spaced ranks from the
    /// minimum to the maximum, each with its exact cumulative proportion (in
    /// sketch mode: the bucket's representative value and the proportion up
    /// to and including that bucket). Empty when `count() == 0` or
    /// `max_points == 0`.
    pub fn cdf_points(&mut self, max_points: usize) -> Vec<(f64, f64)> {
        self.finish();
        if self.count == 0 || max_points == 0 {
            return Vec::new();
        }
        let n = self.count;
        let nf = n as f64;
        let mut out: Vec<(f64, f64)> = Vec::new();
        let mut emit = |v: f64, cum: u64| {
            let p = cum as f64 / nf;
            match out.last_mut() {
                Some(last) if last.0 == v => last.1 = p,
                _ => out.push((v, p)),
            }
        };
        let distinct = self.atoms().take(max_points.saturating_add(1)).count();
        let mut cum = 0u64;
        if distinct > max_points
            && let Repr::Exact { values, .. } = &self.repr
        {
            Self::exact_cdf_points(values, max_points, &mut emit);
        } else if distinct <= max_points {
            for (v, c) in self.atoms() {
                cum = cum.saturating_add(c);
                emit(v, cum);
            }
        } else {
            let m = max_points as u128;
            let rank = |j: u128| cdf_target_rank(j, m, n);
            let mut j = 0u128;
            let mut next = rank(0);
            for (v, c) in self.atoms() {
                cum = cum.saturating_add(c);
                let mut hit = false;
                while j < m && next <= cum {
                    hit = true;
                    j += 1;
                    next = rank(j);
                }
                if hit {
                    emit(v, cum);
                }
                if j >= m {
                    break;
                }
            }
        }
        // In sketch mode the top bucket's representative may lie below the
        // exact maximum; F(max) = 1 is exact, so report that point.
        if let Some(last) = out.last_mut() {
            last.0 = self.max();
        }
        out
    }

    /// The points of [`Quantiles::cdf_points`] for more than `max_points`
    /// distinct values held exactly and sorted: each target rank's value
    /// and the count at or below it found by binary search, so the cost is
    /// the points', not the values'. The same points as walking every run
    /// of equal values: a run is emitted when a target rank falls in it.
    fn exact_cdf_points(sorted: &[f64], max_points: usize, emit: &mut impl FnMut(f64, u64)) {
        let n = sorted.len() as u64;
        let m = max_points as u128;
        let rank = |j: u128| cdf_target_rank(j, m, n);
        let mut j = 0u128;
        while j < m {
            let v = sorted[rank(j) as usize - 1];
            // The run of values equal to `v`: its first value (as the walk
            // reports it: `-0.0` before `0.0`) and the count through it.
            let first = sorted[sorted.partition_point(|&x| x < v)];
            let cum = sorted.partition_point(|&x| x <= v) as u64;
            while j < m && rank(j) <= cum {
                j += 1;
            }
            emit(first, cum);
        }
    }

    /// Histogram of the values over `[min, max]` of the finite values, with
    /// `bins` equal-width bins (`0` is taken as 1, and at most
    /// [`MAX_HISTOGRAM_BINS`] are made).
    ///
    /// For integer-valued data the edges are half-integers and each bin
    /// covers `w = ⌈(max − min + 1) / bins⌉` whole integers, so with a range
    /// of at most `bins` integers there is one bin per integer. A single
    /// non-integer value `x` gets one bin `[x − |x|/100, x + |x|/100]`.
    /// Infinite values are counted in the first (`−∞`) or last (`+∞`) bin, so
    /// the counts add up to `count()`; when there are no finite values at all
    /// the histogram is empty. In sketch mode each bucket's count is placed
    /// at its representative value (rounded for integer data), so bin counts
    /// are exact up to the sketch's 0.5 % relative resolution.
    pub fn histogram(&mut self, bins: usize) -> Histogram {
        self.finish();
        if self.finite_count() == 0 {
            return Histogram::default();
        }
        let bins = bins.clamp(1, MAX_HISTOGRAM_BINS);
        let (lo, hi) = (self.lo, self.hi);
        // Integers below 2^52 in magnitude: every half-integer edge is exact.
        let integer = self.all_integer && lo.abs().max(hi.abs()) < 4_503_599_627_370_496.0;
        let edges: Vec<f64> = if integer {
            // A whole number of values per bin, and a round one (1, 2, 5,
            // 10, 20, 50...), with bins starting at its multiples: a bin
            // then holds 0-4, 5-9..., never a value split between bins.
            let span = hi - lo + 1.0;
            let w = nice_width((span / bins as f64).ceil().max(1.0));
            let start = (lo / w).floor() * w;
            let nb = (((hi + 1.0 - start) / w).ceil() as usize).max(1);
            (0..=nb).map(|i| start - 0.5 + i as f64 * w).collect()
        } else if lo == hi {
            let d = lo.abs() / 100.0;
            vec![lo - d, hi + d]
        } else {
            // Computed on halves so that no intermediate overflows even for
            // [-f64::MAX, f64::MAX]; scaling by 2 is exact for normal numbers.
            let b = bins as f64;
            let half_width = (hi * 0.5) / b - (lo * 0.5) / b;
            let mut e: Vec<f64> = (0..bins)
                .map(|i| 2.0 * (lo * 0.5 + i as f64 * half_width))
                .collect();
            e[0] = lo;
            e.push(hi);
            e
        };
        let nb = edges.len() - 1;
        if let Repr::Exact { values, .. } = &self.repr
            && let Some(counts) = exact_bin_counts(values, &edges)
        {
            return Histogram {
                edges,
                counts,
                integer,
            };
        }
        let mut counts = vec![0u64; nb];
        let (first, last) = (edges[0], edges[nb]);
        let sketch = !self.is_exact();
        for (v, c) in self.atoms() {
            let idx = if v == f64::NEG_INFINITY {
                0
            } else if v == f64::INFINITY {
                nb - 1
            } else {
                let v = if integer && sketch { v.round() } else { v };
                // First guess by arithmetic (halved to avoid overflow), then
                // corrected so the bin agrees with the edges exactly.
                let t = (v * 0.5 - first * 0.5) / (last * 0.5 - first * 0.5);
                let mut i = ((t * nb as f64).floor() as usize).min(nb - 1);
                while i > 0 && v < edges[i] {
                    i -= 1;
                }
                while i + 1 < nb && v >= edges[i + 1] {
                    i += 1;
                }
                i
            };
            counts[idx] = counts[idx].saturating_add(c);
        }
        Histogram {
            edges,
            counts,
            integer,
        }
    }
}

/// The `j`-th of `m` target ranks of [`Quantiles::cdf_points`] among `n`
/// values, 1-based and evenly spaced: `1 = r_0 <= ... <= r_{m-1} = n`.
fn cdf_target_rank(j: u128, m: u128, n: u64) -> u64 {
    if m == 1 {
        n
    } else {
        1 + (j * u128::from(n - 1) / (m - 1)) as u64
    }
}

/// The counts of [`Quantiles::histogram`]'s bins for values held exactly
/// and sorted: a value's bin is the number of inner edges at or below it
/// (the first bin also takes what lies below, the last what lies above), so
/// each bin's count is the difference of two binary searches. `None` if the
/// inner edges decrease anywhere (then the values are placed one by one).
fn exact_bin_counts(sorted: &[f64], edges: &[f64]) -> Option<Vec<u64>> {
    let nb = edges.len() - 1;
    let mut below = Vec::with_capacity(nb + 1);
    below.push(0);
    for &e in &edges[1..nb] {
        below.push(sorted.partition_point(|&x| x < e));
    }
    below.push(sorted.len());
    below
        .windows(2)
        .map(|w| w[1].checked_sub(w[0]).map(|c| c as u64))
        .collect()
}

/// The smallest of 1, 2, 5, 10, 20, 50... that is at least `w`.
fn nice_width(w: f64) -> f64 {
    let mut unit = 1.0;
    loop {
        for step in [1.0, 2.0, 5.0] {
            if step * unit >= w {
                return step * unit;
            }
        }
        unit *= 10.0;
    }
}

/// Runs of equal values in a sorted slice.
struct ExactAtoms<'a> {
    values: &'a [f64],
    i: usize,
}

impl Iterator for ExactAtoms<'_> {
    type Item = (f64, u64);

    /// The run's end is found by galloping: one comparison for a value
    /// held once (continuous data), a logarithmic number for a long run (a
    /// count many runs share), never a walk over the run.
    fn next(&mut self) -> Option<(f64, u64)> {
        let v = *self.values.get(self.i)?;
        let start = self.i;
        let rest = &self.values[start + 1..];
        // `rest[..equal]` all equal `v`; the run ends before `rest[end]`.
        let (mut equal, mut end) = (0, 1);
        while end <= rest.len() && rest[end - 1] == v {
            equal = end;
            end *= 2;
        }
        let end = end.min(rest.len());
        // Equal values are adjacent in the sorted buffer (`-0.0` and `0.0`
        // included), so `== v` holds on a prefix.
        self.i = start + 1 + equal + rest[equal..end].partition_point(|&x| x == v);
        Some((v, (self.i - start) as u64))
    }
}

/// Sorts into `f64::total_cmp` order, on integer keys that order the same
/// way (the mapping `total_cmp` itself uses): branch-free comparisons make
/// this about twice as fast as sorting with the comparator, and values with
/// equal keys are the same bits, so the result is identical.
pub(super) fn sort_total(values: &mut [f64]) {
    let mut keys: Vec<i64> = values.iter().map(|&x| total_key(x)).collect();
    keys.sort_unstable();
    for (v, k) in values.iter_mut().zip(keys) {
        *v = from_total_key(k);
    }
}

/// An integer that orders as `f64::total_cmp` orders the value (the mapping
/// `total_cmp` itself uses).
pub(super) fn total_key(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ ((((b >> 63) as u64) >> 1) as i64)
}

/// The value of a [`total_key`] (the mapping is its own inverse).
pub(super) fn from_total_key(k: i64) -> f64 {
    f64::from_bits(total_key(f64::from_bits(k as u64)) as u64)
}

/// The two 1-based ranks and the weight of the type-7 quantile at `p` of
/// `n > 0` values, computed as [`type7`] computes them.
pub(super) fn type7_ranks(n: u64, p: f64) -> (u64, u64, f64) {
    let index = 1.0 + (n - 1) as f64 * p;
    let lo = index.floor();
    let h = index - lo;
    let r_lo = (lo as u64).clamp(1, n);
    let r_hi = (index.ceil() as u64).clamp(1, n);
    (r_lo, r_hi, h)
}

/// The type-7 value from its two order statistics.
pub(super) fn type7_from(a: f64, b: f64, h: f64) -> f64 {
    if h > 0.0 && a != b {
        (1.0 - h) * a + h * b
    } else {
        a
    }
}

/// Hyndman & Fan type 7 on sorted, non-empty `x`, `p` in `[0, 1]`, computed
/// the way R's `quantile.default` does: `index = 1 + (n − 1)p`,
/// `lo = ⌊index⌋`, `h = index − lo`, result `(1 − h)·x[lo] + h·x[lo + 1]`
/// unless `h = 0` or the two order statistics are equal.
fn type7(x: &[f64], p: f64) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let (r_lo, r_hi, h) = type7_ranks(x.len() as u64, p);
    type7_from(x[r_lo as usize - 1], x[r_hi as usize - 1], h)
}

/// 1-based rank of the type-1 quantile: `⌈n·p⌉`, at least 1 and at most `n`.
fn type1_rank(n: u64, p: f64) -> u64 {
    let k = (n as f64 * p).ceil();
    if k < 1.0 {
        1
    } else if k >= n as f64 {
        n
    } else {
        k as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn build(xs: &[f64], cap: usize) -> Quantiles {
        let mut q = Quantiles::new(cap);
        for &x in xs {
            q.add(x);
        }
        q
    }

    fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
        // Box–Muller; 1 - u keeps the log argument in (0, 1].
        let u: f64 = rng.random();
        let v: f64 = rng.random();
        (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    const PS: [f64; 17] = [
        0.0, 1e-4, 0.001, 0.01, 0.05, 0.1, 0.25, 0.333, 0.5, 0.667, 0.75, 0.9, 0.95, 0.99, 0.999,
        0.9999, 1.0,
    ];

    /// Expected values are R's `quantile(x, probs)` (type 7), worked by hand:
    /// index = 1 + (n − 1)p, result x[⌊index⌋] + frac · (next − x[⌊index⌋]).
    #[test]
    fn exact_type7_matches_r() {
        // quantile(c(1,2,3,4,10), c(.05,.5,.95)) = 1.2, 3, 8.8
        // (index 1.2 → 1 + .2·1; 3 → 3; 4.8 → 4 + .8·6).
        let mut q = build(&[10.0, 2.0, 4.0, 1.0, 3.0], 100);
        let got = q.quantiles(&[0.05, 0.5, 0.95]);
        for (g, w) in got.iter().zip([1.2, 3.0, 8.8]) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
        // quantile(1:10, c(.1,.25,.5,.75,.9)) = 1.9, 3.25, 5.5, 7.75, 9.1
        let xs: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let mut q = build(&xs, 100);
        let got = q.quantiles(&[0.1, 0.25, 0.5, 0.75, 0.9]);
        for (g, w) in got.iter().zip([1.9, 3.25, 5.5, 7.75, 9.1]) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
        // quantile(c(3,1,4,1,5,9,2,6), c(0,.33,1)) = 1, 2.31, 9
        // (sorted 1 1 2 3 4 5 6 9; index 3.31 → 2 + .31·1).
        let mut q = build(&[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0], 100);
        let got = q.quantiles(&[0.0, 0.33, 1.0]);
        for (g, w) in got.iter().zip([1.0, 2.31, 9.0]) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
        // quantile(c(-5,-1,0,2.5), .5) = -0.5; quantile(7, .3) = 7
        assert!((build(&[2.5, -5.0, 0.0, -1.0], 10).quantile(0.5) + 0.5).abs() < 1e-15);
        assert_eq!(build(&[7.0], 10).quantile(0.3), 7.0);
        // Out-of-range p is clamped, NaN p gives NaN.
        let mut q = build(&[1.0, 2.0], 10);
        assert_eq!(q.quantile(-1.0), 1.0);
        assert_eq!(q.quantile(2.0), 2.0);
        assert!(q.quantile(f64::NAN).is_nan());
    }

    #[test]
    fn empty_and_none() {
        let mut q = Quantiles::new(10);
        q.add(f64::NAN);
        q.add(f64::NAN);
        assert_eq!(q.count(), 0);
        assert_eq!(q.none(), 2);
        assert!(q.quantile(0.5).is_nan());
        assert!(q.min().is_nan() && q.max().is_nan());
        assert!(q.cdf_points(10).is_empty());
        assert_eq!(q.histogram(10), Histogram::default());
        q.add(4.0);
        assert_eq!(q.count(), 1);
        assert_eq!(q.quantiles(&[0.0, 0.5, 1.0]), vec![4.0, 4.0, 4.0]);
    }

    #[test]
    fn converts_to_sketch_when_cap_exceeded() {
        let mut q = Quantiles::new(10);
        for i in 0..10 {
            q.add(f64::from(i));
        }
        assert!(q.is_exact());
        assert_eq!(q.sketch_buckets(), 0);
        q.add(f64::NAN); // none does not count towards the cap
        assert!(q.is_exact());
        q.add(10.0);
        assert!(!q.is_exact());
        assert_eq!(q.count(), 11);
        assert_eq!(q.none(), 1);
        assert_eq!(q.min(), 0.0);
        assert_eq!(q.max(), 10.0);
        // Type-1 median of 0..=10 is the 6th smallest, 5.
        assert!((q.quantile(0.5) - 5.0).abs() <= 5.0 * SKETCH_ALPHA);

        // By merge: two exact halves whose total exceeds the cap.
        let mut a = build(&[1.0, 2.0, 3.0], 5);
        let b = build(&[4.0, 5.0, 6.0], 5);
        a.merge(b);
        assert!(!a.is_exact());
        assert_eq!(a.count(), 6);
        // ...and exactly at the cap it stays exact.
        let mut a = build(&[1.0, 2.0], 5);
        a.merge(build(&[4.0, 5.0, 6.0], 5));
        assert!(a.is_exact());
        assert_eq!(a.quantile(0.5), 4.0);

        // Cap 0: sketch from the first value; smaller cap wins on merge.
        let q0 = build(&[1.0], 0);
        assert!(!q0.is_exact());
        let mut a = build(&[1.0, 2.0], 100);
        a.merge(build(&[3.0], 2));
        assert_eq!(a.exact_cap(), 2);
        assert!(!a.is_exact());
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// Splits `xs` into chunks, builds one accumulator per chunk, and merges
    /// them in several orders; everything must agree bit for bit with each
    /// other and with one sequential pass.
    fn check_order_independence(xs: &[f64], cap: usize, chunk_sizes: &[usize]) -> Quantiles {
        let mut chunks: Vec<Quantiles> = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while start < xs.len() {
            let end = (start + chunk_sizes[i % chunk_sizes.len()]).min(xs.len());
            chunks.push(build(&xs[start..end], cap));
            start = end;
            i += 1;
        }
        let merge_in = |order: &[usize]| {
            let mut acc = Quantiles::new(cap);
            for &k in order {
                acc.merge(chunks[k].clone());
            }
            acc
        };
        let n = chunks.len();
        let forward: Vec<usize> = (0..n).collect();
        let backward: Vec<usize> = (0..n).rev().collect();
        let mut shuffled = forward.clone();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for k in (1..n).rev() {
            let j = rng.random_range(0..=k);
            shuffled.swap(k, j);
        }
        let mut reference = build(xs, cap);
        let want = reference.quantiles(&PS);
        let want_cdf = reference.cdf_points(50);
        let want_hist = reference.histogram(20);
        for order in [&forward, &backward, &shuffled] {
            let mut q = merge_in(order);
            assert_eq!(q.is_exact(), reference.is_exact());
            assert_eq!(q.count(), reference.count());
            assert_eq!(q.none(), reference.none());
            assert_eq!(q.sketch_buckets(), reference.sketch_buckets());
            assert_eq!(bits(&q.quantiles(&PS)), bits(&want));
            let cdf = q.cdf_points(50);
            assert_eq!(cdf.len(), want_cdf.len());
            for (a, b) in cdf.iter().zip(&want_cdf) {
                assert_eq!(
                    (a.0.to_bits(), a.1.to_bits()),
                    (b.0.to_bits(), b.1.to_bits())
                );
            }
            assert_eq!(q.histogram(20), want_hist);
        }
        // Tree-shaped merge: pairs first, then the pairs.
        let mut level = chunks.clone();
        while level.len() > 1 {
            let mut next = Vec::new();
            let mut it = level.into_iter();
            while let Some(mut a) = it.next() {
                if let Some(b) = it.next() {
                    a.merge(b);
                }
                next.push(a);
            }
            level = next;
        }
        let mut tree = level.pop().unwrap();
        assert_eq!(bits(&tree.quantiles(&PS)), bits(&want));
        reference
    }

    #[test]
    fn merge_order_independent_exact_mode() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let xs: Vec<f64> = (0..3000)
            .map(|i| match i % 7 {
                0 => f64::NAN,
                1 => 0.0,
                2 => -0.0,
                3 => (normal(&mut rng) * 5.0).round(),
                _ => normal(&mut rng) * 1e3,
            })
            .collect();
        let q = check_order_independence(&xs, 10_000, &[1, 17, 250, 3, 999]);
        assert!(q.is_exact());
    }

    #[test]
    fn merge_order_independent_across_conversion() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let xs: Vec<f64> = (0..20_000)
            .map(|i| match i % 11 {
                0 => f64::NAN,
                1 => 0.0,
                2 => f64::INFINITY,
                3 => f64::NEG_INFINITY,
                _ => normal(&mut rng).exp() * if i % 2 == 0 { 1.0 } else { -3.0 },
            })
            .collect();
        // Each chunk below the cap, total above it: conversion during merge.
        let q = check_order_independence(&xs, 5_000, &[1000, 37, 4000]);
        assert!(!q.is_exact());
        // Some chunks above the cap on their own.
        let q = check_order_independence(&xs, 500, &[1000, 37, 4000, 499]);
        assert!(!q.is_exact());
    }

    /// Checks every sketch quantile against the exact type-1 quantile of the
    /// same data.
    fn check_sketch_accuracy(xs: &[f64], name: &str) {
        let mut q = build(xs, 1000);
        assert!(!q.is_exact(), "{name}");
        let mut sorted: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        let n = sorted.len() as u64;
        let mut ps: Vec<f64> = (0..=1000).map(|i| f64::from(i) / 1000.0).collect();
        ps.extend_from_slice(&PS);
        let got = q.quantiles(&ps);
        for (&p, &est) in ps.iter().zip(&got) {
            let exact = sorted[(type1_rank(n, p) - 1) as usize];
            if exact.is_infinite() {
                assert_eq!(est, exact, "{name}: p={p}");
                continue;
            }
            // Magnitudes far below the largest of their sign share the
            // collapsed lowest bucket: no relative guarantee there.
            let largest = sorted
                .iter()
                .filter(|x| x.is_finite() && x.signum() == exact.signum())
                .fold(0.0f64, |m, x| m.max(x.abs()));
            let floor = largest * (-(MAX_BUCKETS as f64 - 2.0) * ln_gamma()).exp();
            if exact != 0.0 && exact.abs() < floor {
                assert!(est.abs() <= floor * GAMMA * GAMMA, "{name}: p={p}");
                continue;
            }
            let err = (est - exact).abs();
            assert!(
                err <= SKETCH_ALPHA * exact.abs() * (1.0 + 1e-9),
                "{name}: p={p} est={est} exact={exact}"
            );
            if exact == 0.0 {
                assert_eq!(est, 0.0, "{name}: p={p}");
            }
        }
        assert_eq!(got[0], sorted[0]);
        assert_eq!(*got.last().unwrap(), *sorted.last().unwrap());
        // Monotone in p.
        let mono = q.quantiles(&PS);
        assert!(mono.windows(2).all(|w| w[0] <= w[1]), "{name}");
    }

    #[test]
    fn sketch_within_alpha_of_exact() {
        let n = 200_000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(20_240_601);
        let xs: Vec<f64> = (0..n).map(|_| 100.0 + 15.0 * normal(&mut rng)).collect();
        check_sketch_accuracy(&xs, "normal(100, 15)");
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        check_sketch_accuracy(&xs, "standard normal (mixed signs)");
        let xs: Vec<f64> = (0..n).map(|_| (2.0 * normal(&mut rng)).exp()).collect();
        check_sketch_accuracy(&xs, "lognormal(0, 2)");
        let xs: Vec<f64> = (0..n)
            .map(|i| match i % 5 {
                0 | 1 => 0.0,
                2 => -(3.0 * normal(&mut rng)).exp(),
                3 => f64::NAN,
                _ => 1e6 * normal(&mut rng).exp(),
            })
            .collect();
        check_sketch_accuracy(&xs, "mixed signs with 40% zeros");
        let xs: Vec<f64> = (0..n)
            .map(|_| (normal(&mut rng) * 30.0).round().abs())
            .collect();
        check_sketch_accuracy(&xs, "integers with ties");
        let xs: Vec<f64> = (0..n)
            .map(|i| match i % 100 {
                0 => f64::INFINITY,
                1 => f64::NEG_INFINITY,
                2 => f64::MIN_POSITIVE / 8.0, // subnormal
                3 => f64::MAX,
                _ => -normal(&mut rng).exp(),
            })
            .collect();
        check_sketch_accuracy(&xs, "extremes");
    }

    #[test]
    fn sketch_memory_is_bounded() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut q = Quantiles::new(1000);
        for _ in 0..300_000 {
            let e: f64 = rng.random_range(-9.0..=9.0);
            q.add(10f64.powf(e));
        }
        q.add(1e-9);
        q.add(1e9);
        let b = q.sketch_buckets();
        // ln(1e18) / ln γ ≈ 4145.6 buckets.
        assert!(b < 5000, "{b} buckets");
        assert!(b > 4000, "{b} buckets");
        // Adding more data in the same range does not grow it.
        for _ in 0..100_000 {
            let e: f64 = rng.random_range(-9.0..=9.0);
            q.add(-(10f64.powf(e)));
        }
        assert!(q.sketch_buckets() < 2 * 4200);
        // Whole f64 range, both signs: still bounded.
        let mut q = Quantiles::new(0);
        for x in [f64::MAX, f64::MIN_POSITIVE / 1e10, -f64::MAX, -5e-324, 0.0] {
            q.add(x);
        }
        assert!(q.sketch_buckets() < 2 * 150_000 + 1);
        assert_eq!(q.quantile(0.0), -f64::MAX);
        assert_eq!(q.quantile(1.0), f64::MAX);
    }

    #[test]
    fn infinities_and_zeros() {
        let xs = [f64::INFINITY, 1.0, f64::NEG_INFINITY, 0.0, -0.0, 2.0];
        for cap in [100, 0] {
            let mut q = build(&xs, cap);
            assert_eq!(q.count(), 6);
            assert_eq!(q.min(), f64::NEG_INFINITY);
            assert_eq!(q.max(), f64::INFINITY);
            assert_eq!(q.quantile(0.0), f64::NEG_INFINITY);
            assert_eq!(q.quantile(1.0), f64::INFINITY);
            let h = q.histogram(4);
            assert_eq!(h.counts.iter().sum::<u64>(), 6);
            let cdf = q.cdf_points(100);
            assert_eq!(cdf.first().unwrap().0, f64::NEG_INFINITY);
            assert_eq!(*cdf.last().unwrap(), (f64::INFINITY, 1.0));
        }
        // Sketch: type-1 p=0.5 of 6 values is the 3rd smallest: a zero.
        let mut q = build(&xs, 0);
        assert_eq!(q.quantile(0.5), 0.0);
        // Only infinities.
        let mut q = build(&[f64::INFINITY, f64::INFINITY], 10);
        assert_eq!(q.quantile(0.5), f64::INFINITY);
        assert_eq!(q.min(), f64::INFINITY);
        assert_eq!(q.histogram(5), Histogram::default());
        let mut q = build(&[f64::INFINITY, f64::NEG_INFINITY], 10);
        assert!(q.quantile(0.5).is_nan()); // R: (1-h)·(-Inf) + h·Inf
        let _ = q.cdf_points(3);
    }

    #[test]
    fn cdf_points_exact_steps() {
        let mut q = build(&[3.0, 1.0, 2.0, 2.0, f64::NAN], 100);
        assert_eq!(q.cdf_points(10), vec![(1.0, 0.25), (2.0, 0.75), (3.0, 1.0)]);
        assert_eq!(q.cdf_points(1), vec![(3.0, 1.0)]);
        assert_eq!(q.cdf_points(2), vec![(1.0, 0.25), (3.0, 1.0)]);
        assert!(q.cdf_points(0).is_empty());

        // Subsampled: strictly increasing values, non-decreasing P, ends at
        // the minimum and at (max, 1).
        let xs: Vec<f64> = (0..10_000).map(|i| f64::from(i).sqrt()).collect();
        for cap in [100_000, 100] {
            let mut q = build(&xs, cap);
            let pts = q.cdf_points(101);
            // Sketch buckets near 100 hold ~200 values, so some targets share one.
            let at_least = if cap > 10_000 { 101 } else { 50 };
            assert!(pts.len() <= 101 && pts.len() >= at_least, "{}", pts.len());
            assert!(pts.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
            assert_eq!(*pts.last().unwrap(), (q.max(), 1.0));
            assert_eq!(pts[0].0, 0.0);
            if cap > 10_000 {
                assert_eq!(pts[0].1, 1e-4);
                // Rank 1 + 50·9999/100 = 5000 → value sqrt(4999), P = 0.5.
                assert_eq!(pts[50], (4999f64.sqrt(), 0.5));
            }
        }
    }

    /// Data sets whose runs of equal values are long, short and absent,
    /// with signed zeros and infinities: for the exact paths' tests.
    fn awkward_sets() -> Vec<Vec<f64>> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(41);
        let normals: Vec<f64> = (0..20_000).map(|_| rng.random::<f64>() - 0.3).collect();
        let counts: Vec<f64> = (0..20_000)
            .map(|_| (rng.random::<f64>() * 12.0).floor().powi(2))
            .collect();
        let mut zeros: Vec<f64> = (0..3000)
            .map(|i| match i % 5 {
                0 => -0.0,
                1 => 0.0,
                2 => f64::from(i % 7) * 0.5,
                3 => f64::NEG_INFINITY,
                _ => f64::INFINITY,
            })
            .collect();
        zeros.extend([1e-300, -1e-300, 5e-324]);
        vec![normals, counts, zeros, vec![2.5; 100], vec![1.0, 2.0]]
    }

    #[test]
    fn exact_histogram_matches_placing_each_value() {
        for xs in awkward_sets() {
            let mut q = build(&xs, xs.len());
            assert!(q.is_exact());
            for bins in [1, 2, 7, 40, 1000] {
                let h = q.histogram(bins);
                // Each value placed by the edges themselves: the number of
                // inner edges at or below it.
                let nb = h.edges.len() - 1;
                let mut want = vec![0u64; nb];
                for &v in &xs {
                    want[h.edges[1..nb].iter().filter(|&&e| e <= v).count()] += 1;
                }
                assert_eq!(h.counts, want, "{bins} bins of {:?}", &xs[..2]);
            }
        }
    }

    #[test]
    fn exact_cdf_points_match_walking_every_run() {
        for xs in awkward_sets() {
            let mut q = build(&xs, xs.len());
            let sorted = q.sorted_exact().unwrap().to_vec();
            let n = sorted.len() as u64;
            for max_points in [1, 2, 3, 10, 200, 5000] {
                // Every run of equal values with its count through it; a
                // run is a point when a target rank falls in it.
                let mut want: Vec<(f64, f64)> = Vec::new();
                let m = max_points as u64;
                let rank = |j: u64| if m == 1 { n } else { 1 + j * (n - 1) / (m - 1) };
                let (mut i, mut j) = (0, 0);
                let distinct = sorted.chunk_by(|a, b| a == b).count();
                while i < sorted.len() {
                    let v = sorted[i];
                    while i < sorted.len() && sorted[i] == v {
                        i += 1;
                    }
                    let mut hit = distinct <= max_points;
                    while j < m && rank(j) <= i as u64 {
                        hit = true;
                        j += 1;
                    }
                    if hit {
                        want.push((v, i as f64 / n as f64));
                    }
                }
                want.last_mut().unwrap().0 = q.max();
                // Bits, so that `-0.0` and `0.0` differ.
                let bits = |pts: Vec<(f64, f64)>| -> Vec<(u64, u64)> {
                    pts.iter()
                        .map(|(v, p)| (v.to_bits(), p.to_bits()))
                        .collect()
                };
                assert_eq!(
                    bits(q.cdf_points(max_points)),
                    bits(want),
                    "{max_points} points"
                );
            }
        }
    }

    #[test]
    fn histogram_integer_data() {
        // Small integer range: one bin per integer.
        let mut q = build(&[0.0, 1.0, 1.0, 3.0, 3.0, 3.0, f64::NAN], 100);
        let h = q.histogram(10);
        assert!(h.integer);
        assert_eq!(h.edges, vec![-0.5, 0.5, 1.5, 2.5, 3.5]);
        assert_eq!(h.counts, vec![1, 2, 0, 3]);

        // Wider range than bins: ceil(101/10) = 11 integers a bin, rounded
        // up to 20, with bins at multiples of 20 (0-19, 20-39, ...).
        let xs: Vec<f64> = (0..=100).map(f64::from).collect();
        let h = build(&xs, 1000).histogram(10);
        assert!(h.integer);
        assert_eq!(h.counts.len(), 6);
        assert_eq!(h.edges[0], -0.5);
        assert_eq!(h.edges[1], 19.5);
        assert_eq!(h.counts, vec![20, 20, 20, 20, 20, 1]);

        // Bins start at a multiple of their width, wherever the data start.
        let xs: Vec<f64> = (13..=60).map(f64::from).collect();
        let h = build(&xs, 1000).histogram(10);
        assert_eq!(h.edges.first(), Some(&9.5));
        assert_eq!(h.edges[1], 14.5);
        assert_eq!(h.counts[0], 2); // 13, 14
        assert_eq!(h.counts.iter().sum::<u64>(), 48);

        // Sketch mode keeps small integers exact (bucket width < 1 below 100).
        let xs: Vec<f64> = (0..5000).map(|i| f64::from(i % 50)).collect();
        let mut exact = build(&xs, 10_000);
        let mut sketch = build(&xs, 10);
        assert!(!sketch.is_exact());
        assert_eq!(sketch.histogram(50), exact.histogram(50));
        assert_eq!(exact.histogram(50).counts, vec![100; 50]);

        // A single integer value.
        let h = build(&[7.0, 7.0], 10).histogram(3);
        assert_eq!(h.edges, vec![6.5, 7.5]);
        assert_eq!(h.counts, vec![2]);
    }

    #[test]
    fn histogram_float_data() {
        let mut q = build(&[0.0, 0.25, 0.5, 0.75, 1.0, 0.1], 100);
        let h = q.histogram(4);
        assert!(!h.integer);
        assert_eq!(h.edges, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(h.counts, vec![2, 1, 1, 2]); // last bin closed on the right

        let h = build(&[0.5], 10).histogram(0);
        assert_eq!(h.edges, vec![0.5 - 0.005, 0.5 + 0.005]);
        assert_eq!(h.counts, vec![1]);

        // Extreme range: no overflow, all counted, edges increasing.
        let xs = [-f64::MAX, -1.5, 0.5, f64::MAX / 3.0, f64::MAX];
        for cap in [10, 0] {
            let h = build(&xs, cap).histogram(7);
            assert_eq!(h.counts.iter().sum::<u64>(), 5);
            assert!(h.edges.iter().all(|e| e.is_finite()));
            assert!(h.edges.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(h.counts[0], 1);
            assert_eq!(h.counts[6], 1);
        }

        // Sketch mode: a bin's count can differ from the exact one only by
        // values within the sketch's relative resolution of one of its edges.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let xs: Vec<f64> = (0..50_000)
            .map(|_| rng.random::<f64>() * 10.0 + 0.5)
            .collect();
        let he = build(&xs, 100_000).histogram(10);
        let hs = build(&xs, 100).histogram(10);
        assert_eq!(he.edges, hs.edges);
        assert_eq!(hs.counts.iter().sum::<u64>(), 50_000);
        for (i, (a, b)) in he.counts.iter().zip(&hs.counts).enumerate() {
            let near = |e: f64| {
                xs.iter()
                    .filter(|&&x| (x - e).abs() <= 2.0 * SKETCH_ALPHA * x.abs())
                    .count() as u64
            };
            let slack = near(he.edges[i]) + near(he.edges[i + 1]);
            assert!(
                a.abs_diff(*b) <= slack,
                "bin {i}: {a} vs {b}, slack {slack}"
            );
            assert!(a.abs_diff(*b) < 1000);
        }
    }

    /// Random mixes of ordinary and special values, random caps and
    /// arguments: nothing panics and the basic invariants hold.
    #[test]
    fn no_panics_on_special_inputs() {
        let specials = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            f64::MAX,
            -f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            1.0,
            -1.0,
            0.5,
            1e300,
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(99);
        for round in 0..100 {
            let cap = rng.random_range(0..20usize);
            let mut parts: Vec<Quantiles> = Vec::new();
            for _ in 0..rng.random_range(1..4) {
                let mut q = Quantiles::new(cap + rng.random_range(0..3usize));
                for _ in 0..rng.random_range(0..30) {
                    let x = if rng.random::<f64>() < 0.6 {
                        specials[rng.random_range(0..specials.len())]
                    } else {
                        normal(&mut rng) * 10f64.powi(rng.random_range(-5..5))
                    };
                    q.add(x);
                }
                parts.push(q);
            }
            let mut q = parts.pop().unwrap();
            for p in parts {
                q.merge(p);
            }
            let ps = [
                -1.0,
                0.0,
                1e-300,
                0.3,
                0.5,
                0.999_999,
                1.0,
                2.0,
                f64::NAN,
                f64::INFINITY,
            ];
            let v = q.quantiles(&ps);
            assert_eq!(v.len(), ps.len());
            assert_eq!(q.quantiles_ref(&ps).len(), ps.len());
            let bins = [0, 1, 3, 10, usize::MAX][round % 5];
            let h = q.histogram(bins);
            if !h.counts.is_empty() {
                assert_eq!(h.edges.len(), h.counts.len() + 1);
                assert_eq!(h.counts.iter().sum::<u64>(), q.count());
            }
            let pts = q.cdf_points([0, 1, 2, 5, usize::MAX][round % 5]);
            if let Some(&(v, p)) = pts.last() {
                assert_eq!(p, 1.0);
                assert_eq!(v.to_bits(), q.max().to_bits());
            }
            assert!(pts.windows(2).all(|w| w[0].0 < w[1].0));
            let _ = (q.min(), q.max(), q.sketch_buckets(), q.is_exact());
        }
    }

    #[test]
    fn quantiles_ref_does_not_need_mut() {
        let q = build(&[5.0, 1.0, 4.0, 2.0, 3.0], 100);
        assert_eq!(q.quantiles_ref(&[0.0, 0.5, 1.0]), vec![1.0, 3.0, 5.0]);
        let mut q2 = q.clone();
        q2.finish();
        assert_eq!(q2.quantiles_ref(&[0.25]), q.quantiles_ref(&[0.25]));
        let s = build(&[5.0, 1.0, 4.0, 2.0, 3.0], 2);
        assert_eq!(s.quantiles_ref(&[0.0, 1.0]), vec![1.0, 5.0]);
    }

    #[test]
    fn sketch_key_boundaries() {
        // Powers of γ sit on bucket edges; every value's representative is
        // within α of it, including at and around the edges.
        for k in [-3000, -1, 0, 1, 2, 500, 3000] {
            let edge = (f64::from(k) * ln_gamma()).exp();
            for x in [edge * (1.0 - 1e-12), edge, edge * (1.0 + 1e-12)] {
                let r = value_of(key_of(x));
                assert!((r - x).abs() <= SKETCH_ALPHA * x * (1.0 + 1e-9), "{k} {x}");
            }
        }
        assert_eq!(key_of(1.0), 0);
        // Keys for the whole finite range stay near ±72 000 (bounded stores).
        assert!((70_000..75_000).contains(&key_of(f64::MAX)));
        assert!((-75_000..-70_000).contains(&key_of(5e-324)));
    }

    /// Selection gives the bits a full sort gives: whole numbers with many
    /// ties, infinities, signed zeros, merged parts, every probability
    /// from 0 to 1 and NaN, and counts from 1 up.
    #[test]
    fn selected_quantiles_equal_sorted_ones() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let ps = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0, 0.3333, f64::NAN];
        for n in (1..40).chain([257, 1000, 4099]) {
            let mut q = Quantiles::new(1 << 20);
            for part in 0..3 {
                let mut other = Quantiles::new(1 << 20);
                for _ in 0..n {
                    let x = match next() % 8 {
                        0 => (next() % 5) as f64,
                        1 => -0.0,
                        2 if part == 1 => f64::INFINITY,
                        3 if part == 2 => f64::NEG_INFINITY,
                        _ => (next() % 1_000_000) as f64 / 977.0 - 300.0,
                    };
                    other.add(x);
                }
                q.merge(other);
            }
            let mut sorted = q.clone();
            let want = sorted.quantiles(&ps);
            let got = q.quantiles_selected(&ps);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "n = {n}");
        }
    }

    #[test]
    fn add_slice_equals_adding_one_by_one() {
        let batches: [&[f64]; 8] = [
            &[0.0, -0.0, 0.0, 0.0, 0.0],
            &[-0.0, -0.0],
            &[1.0, -2.0, 3.0, 3.0],
            &[0.5, -0.0, 1e300],
            &[f64::NAN, 2.0],
            &[f64::INFINITY, 7.0],
            &[
                4.0,
                5.0,
                6.0,
                -4_503_599_627_370_495.5,
                9_007_199_254_740_993.0,
            ],
            &[-3.0, -1e-300, 2.0, 0.0, 8.0],
        ];
        for cap in [0, 5, 100] {
            let (mut a, mut b) = (Quantiles::new(cap), Quantiles::new(cap));
            for batch in batches {
                a.add_slice(batch);
                for &x in batch {
                    b.add(x);
                }
                assert_eq!(a.count(), b.count());
                assert_eq!(a.none(), b.none());
                assert_eq!(a.is_exact(), b.is_exact());
                assert_eq!(a.all_integer, b.all_integer, "cap {cap}");
                assert_eq!(a.lo.to_bits(), b.lo.to_bits(), "cap {cap}");
                assert_eq!(a.hi.to_bits(), b.hi.to_bits(), "cap {cap}");
                let ps = [0.0, 0.1, 0.5, 0.9, 1.0];
                let bits = |q: &mut Quantiles| {
                    q.quantiles(&ps)
                        .iter()
                        .map(|x| x.to_bits())
                        .collect::<Vec<_>>()
                };
                assert_eq!(bits(&mut a), bits(&mut b), "cap {cap}");
            }
        }
    }

    #[test]
    fn sorting_on_keys_equals_sorting_with_total_cmp() {
        let mut v = vec![
            3.0,
            -0.0,
            0.0,
            f64::NEG_INFINITY,
            -1e300,
            5e-324,
            f64::INFINITY,
            -2.5,
            1.0,
            -0.0,
        ];
        v.extend((0..1000).map(|i| ((i * 7919) % 1009) as f64 - 500.5));
        let mut want = v.clone();
        want.sort_unstable_by(f64::total_cmp);
        sort_total(&mut v);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&v), bits(&want));
    }
}
