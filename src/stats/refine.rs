//! Exact quantiles past the sketch, by passes over the same values again.
//!
//! A [`Quantiles`] that outgrew its exact cap holds a sketch: exact counts
//! per bucket, each bucket about 1% wide. The engine can produce the same
//! values again (every run is reproducible from the seed and its index), so
//! the exact quantile is found by looking again, only near it:
//!
//! 1. From the sketch, the bucket holding each order statistic the type-7
//!    quantile needs is known, with the exact count of values below it.
//!    That bucket is the order statistic's first *window*.
//! 2. Each further pass gathers the values that fall inside each open
//!    window. When the window holds few enough values (known exactly from
//!    the previous pass) they are all kept, sorted, and the order statistic
//!    is read off: exact. Otherwise a histogram over the window's
//!    total-order keys is kept; the bin holding the order statistic becomes
//!    the next window, with the exact count of values below it.
//!
//! Windows narrow by the bin count each pass, so a few passes suffice; after
//! [`MAX_PASSES`] an order statistic still open is the middle of its window
//! and the quantile is marked not exact. Memory is what the caller allows
//! per window, whatever the number of values. The passes look at values by
//! what they are, never by the order they come in, so the result depends
//! only on the multiset of values: bit-identical on any number of threads.

use super::Quantiles;
use super::quantiles::{Class, Classifier, from_total_key, total_key, type7_from, type7_ranks};

/// Refinement passes after the first, at most.
pub const MAX_PASSES: usize = 6;

/// Values of a window held exactly, or histogram bins, at most.
const MAX_BINS: usize = 4096;

/// Where an order statistic lies: a sketch bucket, narrowed to a range of
/// total-order keys (inclusive).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Window {
    class: Class,
    lo: i64,
    hi: i64,
}

/// One order statistic: the `rank`-th smallest of the non-NaN values.
#[derive(Clone, Debug)]
struct Target {
    rank: u64,
    /// Values below the window.
    below: u64,
    /// Values inside the window.
    inside: u64,
    window: Window,
    value: Option<f64>,
}

/// What one pass keeps of a window's values.
#[derive(Clone, Debug)]
enum Gather {
    Values(Vec<f64>),
    /// Counts per bin, with the least and greatest key seen in each: a bin
    /// whose values are all equal gives its value at once.
    Bins {
        width: u128,
        counts: Vec<u64>,
        least: Vec<i64>,
        most: Vec<i64>,
    },
}

/// The refinement of one accumulator's quantiles at fixed probabilities.
#[derive(Clone, Debug)]
pub struct Refinement {
    ps: Vec<f64>,
    classifier: Classifier,
    range: (f64, f64),
    targets: Vec<Target>,
    /// The open windows of the current pass, each with what it gathered.
    windows: Vec<(Window, Gather)>,
    passes: usize,
}

/// One chunk's values inside the open windows of a pass.
#[derive(Clone, Debug)]
pub struct Probe {
    classifier: Classifier,
    windows: Vec<Window>,
    values: Vec<Vec<f64>>,
}

impl Probe {
    /// Keeps `x` for every open window it falls in.
    pub fn add(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        let class = self.classifier.class(x);
        let key = total_key(x);
        for (w, values) in self.windows.iter().zip(&mut self.values) {
            if w.class == class && (w.lo..=w.hi).contains(&key) {
                values.push(x);
            }
        }
    }

    pub fn add_slice(&mut self, xs: &[f64]) {
        for &x in xs {
            self.add(x);
        }
    }
}

impl Refinement {
    /// The refinement of `q`'s quantiles at `ps`, or `None` when `q` holds
    /// its values exactly (or none) and needs no refinement.
    pub fn new(q: &Quantiles, ps: &[f64]) -> Option<Refinement> {
        let classifier = q.classifier()?;
        let n = q.count();
        if n == 0 {
            return None;
        }
        let classes = q.classes();
        let mut ranks: Vec<u64> = ps
            .iter()
            .filter(|p| !p.is_nan())
            .flat_map(|&p| {
                let (a, b, _) = type7_ranks(n, p.clamp(0.0, 1.0));
                [a, b]
            })
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        let range = q.finite_range();
        let targets = ranks
            .into_iter()
            .map(|rank| {
                let mut below = 0u64;
                let mut found = (Class::PosInf, 0);
                for &(class, count) in &classes {
                    if below + count >= rank {
                        found = (class, count);
                        break;
                    }
                    below += count;
                }
                let (class, inside) = found;
                let (low, high) = classifier.bounds(class);
                let window = Window {
                    class,
                    lo: total_key(low.max(range.0)),
                    hi: total_key(high.min(range.1)),
                };
                let value = if rank == 1 {
                    Some(q.min())
                } else if rank == n {
                    Some(q.max())
                } else {
                    match class {
                        Class::NegInf => Some(f64::NEG_INFINITY),
                        Class::PosInf => Some(f64::INFINITY),
                        Class::Zero => Some(0.0),
                        Class::Neg(_) | Class::Pos(_) => None,
                    }
                };
                Target {
                    rank,
                    below,
                    inside,
                    window,
                    value,
                }
            })
            .collect();
        Some(Refinement {
            ps: ps.to_vec(),
            classifier,
            range,
            targets,
            windows: Vec::new(),
            passes: 0,
        })
    }

    /// Whether another pass is needed (and allowed).
    pub fn is_open(&self) -> bool {
        self.passes < MAX_PASSES && self.targets.iter().any(|t| t.value.is_none())
    }

    /// The distinct windows the next pass must look into.
    pub fn open_windows(&self) -> usize {
        let mut ws: Vec<Window> = Vec::new();
        for t in self.targets.iter().filter(|t| t.value.is_none()) {
            if !ws.contains(&t.window) {
                ws.push(t.window);
            }
        }
        ws.len()
    }

    /// Starts a pass in which each window keeps at most `allowance` values
    /// (or that many bins, up to 4096).
    pub fn begin_pass(&mut self, allowance: usize) {
        self.windows.clear();
        let allowance = allowance.max(64);
        for t in self.targets.iter().filter(|t| t.value.is_none()) {
            if self.windows.iter().any(|(w, _)| *w == t.window) {
                continue;
            }
            let w = t.window;
            let gather = if t.inside <= allowance as u64 {
                Gather::Values(Vec::with_capacity(t.inside as usize))
            } else {
                let bins = allowance.min(MAX_BINS);
                let span = (i128::from(w.hi) - i128::from(w.lo) + 1).max(1) as u128;
                Gather::Bins {
                    width: span.div_ceil(bins as u128),
                    counts: vec![0; bins],
                    least: vec![i64::MAX; bins],
                    most: vec![i64::MIN; bins],
                }
            };
            self.windows.push((w, gather));
        }
    }

    /// An empty probe for one chunk of the current pass.
    pub fn probe(&self) -> Probe {
        Probe {
            classifier: self.classifier,
            windows: self.windows.iter().map(|(w, _)| *w).collect(),
            values: vec![Vec::new(); self.windows.len()],
        }
    }

    /// Takes in a chunk's probe (in any order: only counts and sorted values
    /// are read).
    pub fn absorb(&mut self, probe: Probe) {
        for ((w, gather), values) in self.windows.iter_mut().zip(probe.values) {
            match gather {
                Gather::Values(all) => all.extend_from_slice(&values),
                Gather::Bins {
                    width,
                    counts,
                    least,
                    most,
                } => {
                    let last = counts.len() - 1;
                    for x in values {
                        // Every value of the window lies in its key range (a
                        // sketch bucket's first window spans the bucket
                        // generously, within the exact minimum and maximum).
                        let key = total_key(x);
                        let offset = (i128::from(key) - i128::from(w.lo)).max(0) as u128;
                        let bin = ((offset / *width) as usize).min(last);
                        counts[bin] += 1;
                        least[bin] = least[bin].min(key);
                        most[bin] = most[bin].max(key);
                    }
                }
            }
        }
    }

    /// Ends the pass: reads each order statistic whose window was kept
    /// whole, and narrows the others to the bin that holds them.
    pub fn end_pass(&mut self) {
        self.passes += 1;
        let windows = std::mem::take(&mut self.windows);
        for (w, mut gather) in windows {
            if let Gather::Values(values) = &mut gather {
                values.sort_unstable_by_key(|&x| total_key(x));
            }
            for t in self
                .targets
                .iter_mut()
                .filter(|t| t.value.is_none() && t.window == w)
            {
                let k = t.rank - t.below; // 1-based within the window
                match &gather {
                    Gather::Values(values) => {
                        t.value = values.get(k as usize - 1).copied();
                        if t.value.is_none() {
                            // Cannot happen when the values come again as
                            // they came the first time; leave it open.
                            t.inside = values.len() as u64;
                        }
                    }
                    Gather::Bins {
                        width,
                        counts,
                        least,
                        most,
                    } => {
                        let mut cum = 0u64;
                        for (j, &c) in counts.iter().enumerate() {
                            if cum + c >= k {
                                let start = i128::from(w.lo) + (j as u128 * width) as i128;
                                let end = (start + *width as i128 - 1).min(i128::from(w.hi));
                                t.below += cum;
                                t.inside = c;
                                // The bin narrowed to the values it saw.
                                t.window = Window {
                                    class: w.class,
                                    lo: least[j].max(start as i64),
                                    hi: most[j].min(end as i64),
                                };
                                if t.window.lo == t.window.hi {
                                    t.value = Some(from_total_key(t.window.lo));
                                }
                                break;
                            }
                            cum += c;
                        }
                    }
                }
            }
        }
    }

    /// The quantiles at the refinement's probabilities, recorded in `q`;
    /// exact unless an order statistic was still open after the last pass
    /// (its window's middle is used then).
    pub fn finish(self, q: &mut Quantiles) {
        let n = q.count();
        let mut exact = true;
        let (lo, hi) = self.range;
        let value_of = |rank: u64, exact: &mut bool| -> f64 {
            let Some(t) = self.targets.iter().find(|t| t.rank == rank) else {
                *exact = false;
                return f64::NAN;
            };
            t.value.unwrap_or_else(|| {
                *exact = false;
                let a = from_total_key(t.window.lo).max(lo);
                let b = from_total_key(t.window.hi).min(hi);
                a + (b - a) / 2.0
            })
        };
        let values = self
            .ps
            .iter()
            .map(|&p| {
                if p.is_nan() {
                    return f64::NAN;
                }
                let (r_lo, r_hi, h) = type7_ranks(n, p.clamp(0.0, 1.0));
                let a = value_of(r_lo, &mut exact);
                let b = value_of(r_hi, &mut exact);
                type7_from(a, b, h)
            })
            .collect();
        q.set_refined(&self.ps, values, exact);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    const PS: [f64; 9] = [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999, 1.0];

    /// Quantiles of `xs` held as a sketch (cap `cap`), refined by passes
    /// over `xs` in chunks of 1000 with `allowance` values per window.
    fn refined(xs: &[f64], cap: usize, allowance: usize) -> (Vec<f64>, bool, usize) {
        let mut q = Quantiles::new(cap);
        for c in xs.chunks(1000) {
            let mut part = Quantiles::new(cap);
            part.add_slice(c);
            q.merge(part);
        }
        let mut r = Refinement::new(&q, &PS).expect("a sketch needs refining");
        let mut passes = 0;
        while r.is_open() {
            r.begin_pass(allowance);
            // Chunks absorbed in reverse order: the order must not matter.
            for c in xs.chunks(1000).rev() {
                let mut probe = r.probe();
                probe.add_slice(c);
                r.absorb(probe);
            }
            r.end_pass();
            passes += 1;
        }
        r.finish(&mut q);
        (q.quantiles(&PS), q.is_exact(), passes)
    }

    /// The reference: every value held, type-7 quantiles (R's default).
    fn exact(xs: &[f64]) -> Vec<f64> {
        let mut q = Quantiles::new(xs.len());
        q.add_slice(xs);
        q.quantiles(&PS)
    }

    fn normals(n: usize, mean: f64, sd: f64, seed: u64) -> Vec<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let u: f64 = rng.random();
                let v: f64 = rng.random();
                mean + sd * (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos()
            })
            .collect()
    }

    fn assert_same_bits(got: &[f64], want: &[f64]) {
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(g.to_bits(), w.to_bits(), "p = {}: {g} vs {w}", PS[i]);
        }
    }

    #[test]
    fn refined_quantiles_are_the_exact_ones() {
        // normal(-5, 1): the case where the sketch alone was 31 standard
        // errors off at the median.
        let xs = normals(300_000, -5.0, 1.0, 1);
        let (got, is_exact, passes) = refined(&xs, 1000, 1 << 20);
        assert_same_bits(&got, &exact(&xs));
        assert!(is_exact);
        assert_eq!(passes, 1, "one pass when every window fits");
    }

    #[test]
    fn narrow_allowances_take_more_passes_to_the_same_answer() {
        let xs = normals(200_000, 3.0, 2.0, 2);
        let (got, is_exact, passes) = refined(&xs, 500, 64);
        assert_same_bits(&got, &exact(&xs));
        assert!(is_exact);
        assert!(passes >= 2, "{passes} passes");
    }

    #[test]
    fn tightly_clustered_values_are_separated() {
        // Every value in one sketch bucket: 1000 ± 1e-9.
        let xs: Vec<f64> = normals(50_000, 0.0, 1e-9, 3)
            .into_iter()
            .map(|x| 1000.0 + x)
            .collect();
        let (got, is_exact, _) = refined(&xs, 100, 64);
        assert_same_bits(&got, &exact(&xs));
        assert!(is_exact);
    }

    #[test]
    fn integers_zeros_signs_and_infinities() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let xs: Vec<f64> = (0..100_000)
            .map(|i| match i % 97 {
                0 => f64::INFINITY,
                1 => f64::NEG_INFINITY,
                2 => f64::NAN,
                3..=20 => 0.0,
                _ => f64::from(rng.random_range(-40i32..=60)),
            })
            .collect();
        let (got, is_exact, _) = refined(&xs, 100, 64);
        assert_same_bits(&got, &exact(&xs));
        assert!(is_exact);
        for g in got.iter().filter(|g| g.is_finite()) {
            assert_eq!(g.fract(), 0.0, "{g} is an integer quantile of integers");
        }
    }

    #[test]
    fn values_spanning_far_below_the_largest_share_a_collapsed_bucket() {
        // Magnitudes from 1e-300 to 1e3: the sketch collapses the lowest
        // buckets, and refinement still finds every order statistic.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let xs: Vec<f64> = (0..60_000)
            .map(|_| 10f64.powf(rng.random_range(-300.0..3.0)))
            .collect();
        let (got, is_exact, _) = refined(&xs, 100, 256);
        assert_same_bits(&got, &exact(&xs));
        assert!(is_exact);
    }

    #[test]
    fn exact_accumulators_need_no_refinement() {
        let mut q = Quantiles::new(10);
        q.add_slice(&[1.0, 2.0, 3.0]);
        assert!(Refinement::new(&q, &PS).is_none());
        assert!(Refinement::new(&Quantiles::new(0), &PS).is_none());
    }
}
