//! Quantiles of many quantities at any run count, in bounded memory: counts
//! inside brackets that a pilot sample fixes.
//!
//! The time series keep five quantiles (p5 ... p95) of every variable at
//! every step: up to thousands of quantities, each seeing every run. Keeping
//! their values costs memory linear in the runs; a relative-error sketch
//! (as [`super::Quantiles`] uses past its cap) is off by far more than the
//! Monte Carlo error at large run counts. A [`Tally`] is exact where it
//! matters and small everywhere else:
//!
//! 1. A **pilot** (the first runs, whose values are kept exactly) gives each
//!    quantile a *bracket*: the pilot's order statistics `z = 5` binomial
//!    standard deviations either side of its rank ([`Brackets::from_sorted`]).
//!    The quantile of all the runs lies inside its bracket unless the pilot
//!    was off by more than five of its own standard errors (chance below
//!    1e-6). Overlapping brackets merge into one interval.
//! 2. Every later value is **counted**: against each interval's ends (values
//!    at or above its low end, values above its high end), and, inside an
//!    interval, in a *cell*. Where the pilot's values inside an interval
//!    repeat (whole numbers, categories, a point mass), the cells are those
//!    values themselves and the gaps between them, so those quantiles are
//!    exact; otherwise the interval is cut into equal-width cells, about one
//!    per pilot value inside it.
//! 3. The order statistics a type-7 quantile needs are **found by counting**:
//!    the exact number of values below each interval and in each cell gives
//!    the cell holding each rank. An atom gives its value; a cell gives the
//!    point of its width matching the rank's place among the cell's values.
//!    With about `n / pilot` values per cell, the rank error is a small
//!    fraction of a cell for a smooth distribution: far below the Monte Carlo
//!    error, sqrt(n p (1 - p)) ranks. Should a rank fall outside every
//!    interval, it is read by linear interpolation between the nearest known
//!    ranks (the interval ends, the minimum and the maximum) and marked
//!    not exact.
//!
//! Counts are integers, so merging tallies is exact, associative and
//! commutative: the result depends only on the multiset of values, on any
//! number of threads or shards. Memory is a few thousand counters per
//! quantity whatever the run count. Values not yet placed in their cell
//! wait as cell numbers (`pending`) until there are more of them than cells:
//! a tally that has seen few values holds a short list rather than every
//! counter, and one that has seen many counts its cells in passes over one
//! short stretch of memory rather than one value at a time.

use super::cells::Fast;
use super::regions::Scan;
use super::{regions, select};

/// How many of the pilot's binomial standard deviations a bracket reaches
/// either side of its quantile's rank.
pub const BRACKET_Z: f64 = 5.0;

/// The ranks (0-based, inclusive) of a pilot of `m > 0` values that the
/// bracket of the quantile at `p` spans, before it is widened to whole runs
/// of equal values: `BRACKET_Z` binomial standard deviations (and two
/// ranks) either side of the quantile's rank.
fn rank_window(p: f64, m: usize) -> (usize, usize) {
    let p = p.clamp(0.0, 1.0);
    let centre = p * (m - 1) as f64;
    let half = BRACKET_Z * (p * (1.0 - p) * m as f64).sqrt() + 2.0;
    let lo = (centre - half).floor().max(0.0) as usize;
    let hi = ((centre + half).ceil() as usize).min(m - 1);
    (lo, hi)
}

/// Equal-width cells of an interval at most (an interval holding more pilot
/// values gets this many).
const MAX_UNIFORM_CELLS: usize = 4096;

/// Equal-width cells of an interval at least.
const MIN_UNIFORM_CELLS: usize = 16;

/// How an interval is cut into cells.
#[derive(Clone, Debug, PartialEq)]
enum Grid {
    /// The distinct values the pilot saw inside the interval, increasing:
    /// cell `2i` holds the values equal to `atoms[i]`, cell `2i + 1` those
    /// strictly between `atoms[i]` and `atoms[i + 1]`.
    Atoms(Atoms),
    /// `cells` cells of equal width `1 / scale` from `lo`; the last one is
    /// closed on the right.
    Uniform { cells: u32, scale: f64 },
    /// Atoms evenly spaced, `lo + i * step` for `i < atoms` (whole numbers,
    /// yes/no): cells as for `Atoms`, found without a search.
    Ladder { atoms: u32, step: f64 },
    /// A few atoms (the values the pilot saw more than once, and the ends)
    /// with equal-width cells between each two: a point mass beside a
    /// continuous part, such as a share that is often exactly 0.
    Mixed(Mixed),
}

/// The marks of a [`Grid::Mixed`] and the cells between them.
#[derive(Clone, Debug, PartialEq)]
struct Mixed {
    /// The atoms, increasing; the first is `lo` and the last `hi`.
    marks: Vec<f64>,
    /// Cells strictly between `marks[i]` and `marks[i + 1]` (at least one).
    between: Vec<u32>,
    /// Cells per unit of value between `marks[i]` and `marks[i + 1]`.
    scales: Vec<f64>,
    /// The cell of mark `i`; the cells between it and the next follow it.
    firsts: Vec<u32>,
}

/// Repeated values at most for a [`Grid::Mixed`].
const MAX_MARKS: usize = 8;

impl Mixed {
    /// `None` when a stretch between marks is too wide to cut evenly.
    fn new(marks: Vec<f64>, between: Vec<u32>) -> Option<Mixed> {
        let mut scales = Vec::with_capacity(between.len());
        let mut firsts = Vec::with_capacity(marks.len());
        let mut cell = 0u32;
        for (i, &m) in marks.iter().enumerate() {
            firsts.push(cell);
            cell += 1;
            if let Some(&n) = between.get(i) {
                let scale = f64::from(n) / (marks[i + 1] - m);
                if !(scale.is_finite() && scale > 0.0) || n == 0 {
                    return None;
                }
                scales.push(scale);
                cell += n;
            }
        }
        Some(Mixed {
            marks,
            between,
            scales,
            firsts,
        })
    }

    fn cells(&self) -> usize {
        self.marks.len() + self.between.iter().map(|&n| n as usize).sum::<usize>()
    }

    /// The cell of `x` (at least the first mark): the mark at or below it
    /// counted rather than searched for, and no branch on whether `x` is
    /// on it, since the values of a batch fall on marks and between them
    /// in no pattern a predictor could learn.
    #[inline]
    fn cell(&self, x: f64) -> u32 {
        let k = self
            .marks
            .iter()
            .map(|&m| usize::from(m <= x))
            .sum::<usize>();
        let i = k.max(1) - 1;
        // The stretch after mark `i`, or the last one for the last mark
        // (whose cell is the mark's, whatever the stretch gives).
        let j = i.min(self.between.len() - 1);
        let on_mark = (self.marks[i] == x) | (i + 1 == self.marks.len());
        let within = (((x - self.marks[i]) * self.scales[j]) as u32).min(self.between[j] - 1);
        self.firsts[i] + if on_mark { 0 } else { 1 + within }
    }

    fn value_in(&self, c: usize, at: f64) -> (f64, bool) {
        let c = c as u32;
        let i = self.firsts.partition_point(|&f| f <= c) - 1;
        if c == self.firsts[i] {
            return (self.marks[i], true);
        }
        let (a, b) = (self.marks[i], self.marks[i + 1]);
        let v = a + (f64::from(c - self.firsts[i] - 1) + at) / self.scales[i];
        (v.clamp(a, b), false)
    }
}

impl Grid {
    /// The atoms of an atom grid from `lo`, increasing (`None` for
    /// equal-width cells, or more atoms than intervals).
    fn atom_values(&self, lo: f64) -> Option<Vec<f64>> {
        match self {
            Grid::Atoms(a) if a.values.len() <= MAX_INTERVALS => Some(a.values.clone()),
            Grid::Ladder { atoms, step } if *atoms as usize <= MAX_INTERVALS => {
                Some((0..*atoms).map(|i| lo + f64::from(i) * step).collect())
            }
            _ => None,
        }
    }
}

/// Distinct values, increasing, with a guide that finds a value's place
/// in constant expected time: `guide[s]` is the number of values below
/// the start of the `s`-th of `guide.len()` equal slots of the range.
#[derive(Clone, Debug, PartialEq)]
struct Atoms {
    values: Vec<f64>,
    guide: Vec<u32>,
    /// Slots per unit of value (0 when the range is empty or infinite:
    /// then a binary search finds the place).
    scale: f64,
}

impl Atoms {
    fn new(values: Vec<f64>) -> Atoms {
        let (lo, hi) = (values[0], values[values.len() - 1]);
        let slots = 2 * values.len();
        let scale = slots as f64 / (hi - lo);
        if !(scale.is_finite() && scale > 0.0) {
            return Atoms {
                values,
                guide: Vec::new(),
                scale: 0.0,
            };
        }
        let guide = (0..slots)
            .map(|s| values.partition_point(|&a| a < lo + s as f64 / scale) as u32)
            .collect();
        Atoms {
            values,
            guide,
            scale,
        }
    }

    /// How many values are at or below `x` (`x` at least the first).
    #[inline]
    fn rank(&self, x: f64) -> usize {
        let values = &self.values;
        if self.guide.is_empty() {
            return values.partition_point(|&a| a <= x);
        }
        let slot = (((x - values[0]) * self.scale) as usize).min(self.guide.len() - 1);
        let mut k = self.guide[slot] as usize;
        // The slot's start may round to either side of `x`.
        while k > 0 && values[k - 1] > x {
            k -= 1;
        }
        while k < values.len() && values[k] <= x {
            k += 1;
        }
        k
    }
}

/// Intervals at most: one per reported quantile.
pub const MAX_INTERVALS: usize = 5;

/// The thresholds every value is compared with: each interval's low end
/// and the least value above its high end, NaN where there is no interval
/// (nothing is at or above NaN).
type Bounds = [f64; regions::MAX_BOUNDS];

/// One interval of a [`Brackets`]: `[lo, hi]`, cut into cells numbered
/// from `offset`.
#[derive(Clone, Debug, PartialEq)]
struct Interval {
    lo: f64,
    hi: f64,
    grid: Grid,
    offset: u32,
    /// Cells of the grid, counted once.
    cells: u32,
}

impl Interval {
    fn new(lo: f64, hi: f64, grid: Grid, offset: u32) -> Interval {
        let cells = match &grid {
            Grid::Atoms(a) => 2 * a.values.len() - 1,
            Grid::Uniform { cells, .. } => *cells as usize,
            Grid::Ladder { atoms, .. } => 2 * *atoms as usize - 1,
            Grid::Mixed(m) => m.cells(),
        } as u32;
        Interval {
            lo,
            hi,
            grid,
            offset,
            cells,
        }
    }

    fn cells(&self) -> usize {
        self.cells as usize
    }

    /// The atom `i` of a ladder.
    fn rung(&self, i: u32, step: f64) -> f64 {
        self.lo + f64::from(i) * step
    }

    /// The cell of `x`, which lies in `[lo, hi]`, counted from 0.
    #[inline]
    fn cell(&self, x: f64) -> u32 {
        match &self.grid {
            Grid::Atoms(a) => {
                let atoms = &a.values;
                // x >= atoms[0], so at least one atom is at most x.
                let k = a.rank(x).max(1);
                let i = (k - 1) as u32;
                if atoms[k - 1] == x { 2 * i } else { 2 * i + 1 }
            }
            Grid::Uniform { cells, scale } => (((x - self.lo) * scale) as u32).min(cells - 1),
            Grid::Mixed(m) => m.cell(x),
            Grid::Ladder { atoms, step } => {
                // The quotient may round either way past an atom: step back
                // or on to the rung at or below `x`.
                let mut i = (((x - self.lo) / step) as u32).min(atoms - 1);
                if i > 0 && self.rung(i, *step) > x {
                    i -= 1;
                }
                if i + 1 < *atoms && self.rung(i + 1, *step) <= x {
                    i += 1;
                }
                if self.rung(i, *step) == x {
                    2 * i
                } else {
                    2 * i + 1
                }
            }
        }
    }

    /// The value at place `at` in `(0, 1)` among the values of cell `c`,
    /// and whether it is exactly known (an atom's value).
    fn value_in(&self, c: usize, at: f64) -> (f64, bool) {
        match &self.grid {
            Grid::Atoms(a) => {
                let atoms = &a.values;
                let i = c / 2;
                if c.is_multiple_of(2) {
                    (atoms[i], true)
                } else {
                    let (a, b) = (atoms[i], atoms[i + 1]);
                    (a + (b - a) * at, false)
                }
            }
            Grid::Mixed(m) => m.value_in(c, at),
            Grid::Uniform { cells, .. } => {
                let w = (self.hi - self.lo) / f64::from(*cells);
                let v = self.lo + w * (c as f64 + at);
                (v.clamp(self.lo, self.hi), false)
            }
            Grid::Ladder { step, .. } => {
                let i = (c / 2) as u32;
                if c.is_multiple_of(2) {
                    (self.rung(i, *step), true)
                } else {
                    let (a, b) = (self.rung(i, *step), self.rung(i + 1, *step));
                    (a + (b - a) * at, false)
                }
            }
        }
    }
}

/// The grid of an interval whose pilot values (`inside`, sorted) repeat
/// at a few values and spread between them: those values and the ends as
/// marks, and between each two marks about one cell per pilot value there.
/// `None` when more values repeat, or every value does (whole numbers).
fn mixed_grid(inside: &[f64]) -> Option<Grid> {
    let mut marks: Vec<f64> = Vec::new();
    let mut between: Vec<u32> = Vec::new();
    let mut singles = 0usize;
    let mut run = 0usize;
    let mut since = 0u32;
    for (i, &x) in inside.iter().enumerate() {
        run += 1;
        let last = inside.get(i + 1).is_none_or(|&y| y != x);
        if !last {
            continue;
        }
        let end = i + 1 == inside.len() || marks.is_empty();
        if run > 1 || end {
            if !marks.is_empty() {
                between.push(since.clamp(1, MAX_UNIFORM_CELLS as u32));
            }
            marks.push(x);
            since = 0;
        } else {
            since += 1;
            singles += 1;
        }
        run = 0;
    }
    let repeated = inside.len() - singles - marks.len();
    if marks.len() > MAX_MARKS + 2 || singles == 0 || repeated == 0 {
        return None;
    }
    Mixed::new(marks, between).map(Grid::Mixed)
}

/// The grid of an interval whose pilot values repeat: its distinct values,
/// as a ladder when they are evenly spaced.
fn atoms_grid(atoms: Vec<f64>) -> Grid {
    let lo = atoms[0];
    let step = if atoms.len() > 1 {
        atoms[1] - atoms[0]
    } else {
        1.0
    };
    let even = step.is_finite()
        && step > 0.0
        && lo.is_finite()
        && atoms.len() < u32::MAX as usize
        && atoms
            .iter()
            .enumerate()
            .all(|(i, &a)| lo + i as f64 * step == a);
    if even {
        Grid::Ladder {
            atoms: atoms.len() as u32,
            step,
        }
    } else {
        Grid::Atoms(Atoms::new(atoms))
    }
}

/// Where one quantity counts its values: the intervals that hold its
/// quantiles, fixed from a pilot. Empty when the pilot had no values.
#[derive(Clone, Debug)]
pub struct Brackets {
    intervals: Vec<Interval>,
    cells: usize,
    bounds: Bounds,
    /// What counting needs of each interval, beside the bounds so that the
    /// common cases touch no other memory.
    fast: [Fast; MAX_INTERVALS],
}

/// Brackets are equal when their intervals are: the bounds and the fast
/// path follow from them (and the bounds pad with NaN, never equal).
impl PartialEq for Brackets {
    fn eq(&self, other: &Brackets) -> bool {
        self.intervals == other.intervals && self.cells == other.cells
    }
}

impl Default for Brackets {
    fn default() -> Brackets {
        Brackets::of(Vec::new(), 0)
    }
}

impl Brackets {
    fn of(intervals: Vec<Interval>, cells: usize) -> Brackets {
        let mut bounds = [f64::NAN; 2 * MAX_INTERVALS];
        for (j, iv) in intervals.iter().enumerate() {
            bounds[2 * j] = iv.lo;
            // Above `hi` is at or above the next value up; nothing is above
            // an infinite `hi`.
            bounds[2 * j + 1] = if iv.hi == f64::INFINITY {
                f64::NAN
            } else {
                iv.hi.next_up()
            };
        }
        let mut fast = [Fast::default(); MAX_INTERVALS];
        for (f, iv) in fast.iter_mut().zip(&intervals) {
            let (scale, step) = match iv.grid {
                Grid::Uniform { scale, .. } => (scale, 0.0),
                Grid::Ladder { step, .. } if (1.0 / step).is_finite() => (1.0 / step, step),
                _ => (0.0, 0.0),
            };
            *f = Fast {
                offset: iv.offset,
                cells: iv.cells,
                lo: iv.lo,
                scale,
                step,
            };
        }
        Brackets {
            intervals,
            cells,
            bounds,
            fast,
        }
    }

    /// The brackets of the quantiles at `ps`, as [`Brackets::from_sorted`]
    /// finds them, from a pilot's non-NaN values in any order: they are
    /// put in order only near the ranks the brackets read
    /// ([`select::sort_around`]), and left so.
    pub fn from_pilot(pilot: &mut [f64], ps: &[f64]) -> Brackets {
        let m = pilot.len();
        if m == 0 {
            return Brackets::default();
        }
        let windows: Vec<(usize, usize)> = ps
            .iter()
            .take(MAX_INTERVALS)
            .map(|&p| rank_window(p, m))
            .collect();
        select::sort_around(pilot, &windows);
        Brackets::from_sorted(pilot, ps)
    }

    /// The brackets of the quantiles at `ps` (at most [`MAX_INTERVALS`]
    /// of them; any more are left out) from a pilot's non-NaN values,
    /// sorted by `f64::total_cmp`, or at least in order around the ranks
    /// that [`rank_window`] gives (as [`select::sort_around`] leaves them).
    pub fn from_sorted(pilot: &[f64], ps: &[f64]) -> Brackets {
        let m = pilot.len();
        if m == 0 {
            return Brackets::default();
        }
        // Index ranges of the pilot, one per quantile, merged where they
        // overlap or touch.
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for &p in ps.iter().take(MAX_INTERVALS) {
            let (lo, hi) = rank_window(p, m);
            // Equal values belong to one interval: widen to all of them.
            let lo = pilot[..lo].partition_point(|v| v.total_cmp(&pilot[lo]).is_lt());
            let hi = hi + pilot[hi..].partition_point(|v| v.total_cmp(&pilot[hi]).is_le()) - 1;
            match ranges.last_mut() {
                Some(last) if lo <= last.1 + 1 => last.1 = last.1.max(hi),
                _ => ranges.push((lo, hi)),
            }
        }
        let mut pieces: Vec<(f64, f64, Grid)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            let inside = &pilot[a..=b];
            let (lo, hi) = (inside[0], inside[inside.len() - 1]);
            let mut atoms: Vec<f64> = inside.to_vec();
            atoms.dedup_by(|x, y| x.total_cmp(y).is_eq());
            let repeats = atoms.len() < inside.len();
            let span = hi - lo;
            let n = inside.len().clamp(MIN_UNIFORM_CELLS, MAX_UNIFORM_CELLS);
            let scale = n as f64 / span;
            let grid = if !repeats && scale.is_finite() && scale > 0.0 {
                Grid::Uniform {
                    cells: n as u32,
                    scale,
                }
            } else {
                mixed_grid(inside).unwrap_or_else(|| {
                    // -0 and +0 compare equal: one atom (the first, -0 when both).
                    atoms.dedup_by(|x, y| x == y);
                    atoms_grid(atoms)
                })
            };
            pieces.push((lo, hi, grid));
        }
        // A few atoms become an interval each while there are bounds to
        // spare: a value's region then names its atom, with no cell to find.
        loop {
            let spare = MAX_INTERVALS - pieces.len();
            let split = pieces
                .iter()
                .enumerate()
                .filter_map(|(i, (lo, _, g))| {
                    let atoms = g.atom_values(*lo)?;
                    (atoms.len() > 1 && atoms.len() - 1 <= spare).then_some((atoms.len(), i))
                })
                .min();
            let Some((_, i)) = split else { break };
            let (lo, _, grid) = pieces.remove(i);
            let atoms = grid.atom_values(lo).unwrap_or_default();
            for (k, a) in atoms.into_iter().enumerate() {
                pieces.insert(i + k, (a, a, atoms_grid(vec![a])));
            }
        }
        let mut intervals = Vec::with_capacity(pieces.len());
        let mut cells = 0usize;
        for (lo, hi, grid) in pieces {
            let interval = Interval::new(lo, hi, grid, cells as u32);
            cells += interval.cells();
            intervals.push(interval);
        }
        Brackets::of(intervals, cells)
    }

    /// Cells over all intervals: the counters a dense [`Tally`] holds.
    pub fn cells(&self) -> usize {
        self.cells
    }

    /// Intervals (at most one per quantile).
    pub fn intervals(&self) -> usize {
        self.intervals.len()
    }

    /// Writes the brackets as numbers: for `part` files. Read back with
    /// [`Brackets::decode`].
    pub fn encode(&self, out: &mut Vec<u64>) {
        out.push(self.intervals.len() as u64);
        for iv in &self.intervals {
            out.push(iv.lo.to_bits());
            out.push(iv.hi.to_bits());
            match &iv.grid {
                Grid::Atoms(Atoms { values: atoms, .. }) => {
                    out.push(0);
                    out.push(atoms.len() as u64);
                    out.extend(atoms.iter().map(|a| a.to_bits()));
                }
                Grid::Uniform { cells, scale } => {
                    out.push(1);
                    out.push(u64::from(*cells));
                    out.push(scale.to_bits());
                }
                Grid::Ladder { atoms, step } => {
                    out.push(2);
                    out.push(u64::from(*atoms));
                    out.push(step.to_bits());
                }
                Grid::Mixed(m) => {
                    out.push(3);
                    out.push(m.marks.len() as u64);
                    out.extend(m.marks.iter().map(|a| a.to_bits()));
                    out.extend(m.between.iter().map(|&n| u64::from(n)));
                }
            }
        }
    }

    /// Reads brackets written by [`Brackets::encode`], taking numbers from
    /// `next`; `None` when they do not describe valid brackets.
    pub fn decode(next: &mut dyn FnMut() -> Option<u64>) -> Option<Brackets> {
        let count = next()?;
        if count > MAX_INTERVALS as u64 {
            return None;
        }
        let mut intervals = Vec::new();
        let mut cells = 0usize;
        let mut last = f64::NEG_INFINITY;
        for _ in 0..count {
            let lo = f64::from_bits(next()?);
            let hi = f64::from_bits(next()?);
            if lo.is_nan() || hi.is_nan() || lo > hi || lo < last {
                return None;
            }
            last = hi;
            let grid = match next()? {
                0 => {
                    let len = next()?;
                    if len == 0 || len > (1 << 24) {
                        return None;
                    }
                    let mut atoms = Vec::new();
                    for _ in 0..len {
                        atoms.push(f64::from_bits(next()?));
                    }
                    if !spans(&atoms, lo, hi) {
                        return None;
                    }
                    Grid::Atoms(Atoms::new(atoms))
                }
                1 => {
                    let n = next()?;
                    let scale = f64::from_bits(next()?);
                    if n == 0 || n > MAX_UNIFORM_CELLS as u64 || !(scale.is_finite() && scale > 0.0)
                    {
                        return None;
                    }
                    Grid::Uniform {
                        cells: n as u32,
                        scale,
                    }
                }
                2 => {
                    let atoms = next()?;
                    let step = f64::from_bits(next()?);
                    let fits = atoms > 0
                        && atoms <= 1 << 24
                        && step.is_finite()
                        && step > 0.0
                        && lo + (atoms - 1) as f64 * step == hi;
                    if !fits {
                        return None;
                    }
                    Grid::Ladder {
                        atoms: atoms as u32,
                        step,
                    }
                }
                3 => {
                    let len = next()?;
                    if !(2..=MAX_MARKS as u64 + 2).contains(&len) {
                        return None;
                    }
                    let mut marks = Vec::new();
                    for _ in 0..len {
                        marks.push(f64::from_bits(next()?));
                    }
                    let mut between = Vec::new();
                    for _ in 1..len {
                        let n = next()?;
                        if n == 0 || n > MAX_UNIFORM_CELLS as u64 {
                            return None;
                        }
                        between.push(n as u32);
                    }
                    if !spans(&marks, lo, hi) {
                        return None;
                    }
                    Grid::Mixed(Mixed::new(marks, between)?)
                }
                _ => return None,
            };
            let interval = Interval::new(lo, hi, grid, cells as u32);
            cells += interval.cells();
            intervals.push(interval);
        }
        Some(Brackets::of(intervals, cells))
    }
}

/// Counts of one quantity's values against its [`Brackets`]. Every method
/// takes the brackets the tally was made for; mixing brackets is a bug the
/// engine never makes (and merged parts are checked before they meet).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    /// Values that are not NaN.
    count: u64,
    /// NaN values (none).
    none: u64,
    /// Values per region: region `c` holds the values with exactly `c`
    /// of the brackets' bounds at or below them, so even regions lie
    /// between intervals and region `2j + 1` is interval `j`.
    regions: [u64; 2 * MAX_INTERVALS + 1],
    /// Cells of values not yet counted in `counts`.
    pending: Vec<u32>,
    /// Values per cell; empty until `pending` outgrows it. A cell counts
    /// at most one value a run, and a simulation has at most 10^8 runs
    /// (`scenario::check::MAX_RUNS`), so 32 bits hold any count: half the
    /// memory of the largest part of a comparison's accumulators. Counts
    /// read from a part file saturate rather than wrap.
    counts: Vec<u32>,
}

impl Drop for Tally {
    fn drop(&mut self) {
        spare::give(std::mem::take(&mut self.pending));
    }
}

/// Buffers for the cells of values not yet counted, handed back and forth
/// between the threads that fill them (one per chunk of runs and
/// quantity) and the thread that merges them. Allocating them afresh made
/// the allocator grow and shrink a thread's heap for every chunk.
mod spare {
    use std::sync::Mutex;

    static BUFFERS: Mutex<Vec<Vec<u32>>> = Mutex::new(Vec::new());

    /// Buffers kept at most.
    const MOST: usize = 1 << 13;

    /// An empty buffer, with room for a chunk's values past the first
    /// doublings.
    pub(super) fn take() -> Vec<u32> {
        let reused = BUFFERS.lock().ok().and_then(|mut b| b.pop());
        reused.unwrap_or_else(|| Vec::with_capacity(256))
    }

    /// Keeps `buffer` for [`take`].
    pub(super) fn give(mut buffer: Vec<u32>) {
        if buffer.capacity() == 0 {
            return;
        }
        buffer.clear();
        if let Ok(mut b) = BUFFERS.lock()
            && b.len() < MOST
        {
            b.push(buffer);
        }
    }
}

/// Lanes of a batch inside one ladder from which all of its lanes' cells
/// are found at once ([`Fast::ladder_cells`]) rather than lane by lane.
const LADDER_BATCH: u32 = 16;

/// Whether every value of `xs` compares equal to `x` (never for NaN): in
/// groups of eight with no early exit, so that it vectorises.
#[inline]
fn all_equal(xs: &[f64], x: f64) -> bool {
    let mut same = true;
    let chunks = xs.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        same &= c.iter().fold(true, |a, &v| a & (v == x));
    }
    same & rest.iter().all(|&v| v == x)
}

/// Counts one batch of values into each of several tallies: `tallies[i]`
/// (when there is one) takes `values(i)` in `brackets(i)`. The instruction
/// set is chosen once for them all, not once per tally.
pub fn add_each<'b, 'v>(
    tallies: &mut [Option<Tally>],
    brackets: impl Fn(usize) -> &'b Brackets,
    values: impl Fn(usize) -> &'v [f64],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt")
    {
        // SAFETY: the processor supports AVX2 and POPCNT, checked just above.
        return unsafe { add_each_avx2(tallies, brackets, values) };
    }
    for (i, tally) in tallies.iter_mut().enumerate() {
        if let Some(tally) = tally {
            tally.add_slice_with(brackets(i), values(i), regions::scan);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
fn add_each_avx2<'b, 'v>(
    tallies: &mut [Option<Tally>],
    brackets: impl Fn(usize) -> &'b Brackets,
    values: impl Fn(usize) -> &'v [f64],
) {
    for (i, tally) in tallies.iter_mut().enumerate() {
        if let Some(tally) = tally {
            tally.add_slice_avx2(brackets(i), values(i));
        }
    }
}

/// The order statistics a quantile read from a [`Tally`] needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Read {
    pub value: f64,
    /// Every order statistic it needs is an atom: the value is the exact
    /// type-7 sample quantile.
    pub exact: bool,
}

impl Tally {
    /// Values counted, NaN excluded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// NaN values seen.
    pub fn none(&self) -> u64 {
        self.none
    }

    /// Values at or above interval `j`'s low end.
    fn at_or_above_lo(&self, j: usize) -> u64 {
        self.regions[2 * j + 1..].iter().sum()
    }

    /// Values above interval `j`'s high end.
    fn above_hi(&self, j: usize) -> u64 {
        self.regions[2 * j + 2..].iter().sum()
    }

    /// Counts `xs`.
    pub fn add_slice(&mut self, brackets: &Brackets, xs: &[f64]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("popcnt")
        {
            // SAFETY: the processor supports AVX2 and POPCNT, checked just
            // above.
            return unsafe { self.add_slice_avx2(brackets, xs) };
        }
        self.add_slice_with(brackets, xs, regions::scan);
    }

    /// [`Tally::add_slice`] compiled for AVX2, the regions' scan called
    /// with no check of the processor per batch (the closure has this
    /// function's target features).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt")]
    #[inline]
    fn add_slice_avx2(&mut self, brackets: &Brackets, xs: &[f64]) {
        self.add_slice_with(brackets, xs, |bounds, used, xs| {
            regions::scan_avx2(bounds, used, xs)
        });
    }

    /// [`Tally::add_slice`] with `scan` finding the regions.
    #[inline(always)]
    fn add_slice_with(
        &mut self,
        brackets: &Brackets,
        xs: &[f64],
        scan: impl Fn(&[f64; regions::MAX_BOUNDS], usize, &[f64]) -> Scan,
    ) {
        for batch in xs.chunks(64) {
            self.add_batch(brackets, batch, &scan);
        }
        if self.pending.len() > brackets.cells {
            self.settle(brackets);
        }
    }

    /// Counts at most 64 values: each value's region from its comparisons
    /// with the bounds ([`regions::scan`]), then the cell of each value
    /// inside an interval: those of every equal-width interval in one loop
    /// (a lane's region names its interval), so the loop's length is the
    /// batch's count of such values, not one short loop per interval.
    #[inline(always)]
    fn add_batch(
        &mut self,
        brackets: &Brackets,
        xs: &[f64],
        scan: impl Fn(&[f64; regions::MAX_BOUNDS], usize, &[f64]) -> Scan,
    ) {
        if let (Some(&first), Some(&last)) = (xs.first(), xs.last())
            && first == last
            && all_equal(xs, first)
        {
            return self.add_equal(brackets, first, xs.len());
        }
        let found = scan(&brackets.bounds, 2 * brackets.intervals.len(), xs);
        for (r, c) in self.regions.iter_mut().zip(found.regions) {
            *r += u64::from(c);
        }
        self.none += u64::from(found.nan);
        self.count += xs.len() as u64 - u64::from(found.nan);
        // Lanes of equal-width intervals, whose cells come from one
        // formula: found in one loop, whatever their interval.
        let mut uniform = 0u64;
        for (j, &lanes) in found.odd.iter().enumerate() {
            let f = brackets.fast[j];
            // A one-cell interval's count is its region's.
            if lanes == 0 || f.cells <= 1 {
                continue;
            }
            if f.step > 0.0 {
                if lanes.count_ones() >= LADDER_BATCH {
                    let mut cells = [0u32; regions::BATCH];
                    f.ladder_cells(xs, &mut cells);
                    self.push_cells(brackets, lanes, |i| cells[i]);
                } else {
                    self.push_cells(brackets, lanes, |i| f.ladder_cell(xs[i]));
                }
                continue;
            }
            if f.scale > 0.0 {
                uniform |= lanes;
                continue;
            }
            match &brackets.intervals[j].grid {
                Grid::Mixed(m) => self.push_cells(brackets, lanes, |i| f.offset + m.cell(xs[i])),
                _ => {
                    let interval = &brackets.intervals[j];
                    self.push_cells(brackets, lanes, |i| f.offset + interval.cell(xs[i]));
                }
            }
        }
        if uniform != 0 {
            let fast = &brackets.fast;
            self.push_cells(brackets, uniform, |i| {
                // The lane is in an odd region `2j + 1` of interval `j`.
                fast[usize::from(found.codes[i] >> 1)].uniform_cell(xs[i])
            });
        }
    }

    /// Counts `n` (at most 64) values that all compare equal to `x` (not
    /// NaN): a state still at its starting value, a flag no run has set
    /// yet. One value's region and cell stand for all of them (equal values
    /// share both, signed zeros included, since every comparison is IEEE).
    fn add_equal(&mut self, brackets: &Brackets, x: f64, n: usize) {
        let r = usize::from(regions::region(
            &brackets.bounds[..2 * brackets.intervals.len()],
            x,
        ));
        self.regions[r] += n as u64;
        self.count += n as u64;
        if r % 2 == 0 {
            return;
        }
        let j = r / 2;
        let f = brackets.fast[j];
        if f.cells <= 1 {
            return;
        }
        let cell = if f.step > 0.0 {
            f.ladder_cell(x)
        } else if f.scale > 0.0 {
            f.uniform_cell(x)
        } else {
            f.offset + brackets.intervals[j].cell(x)
        };
        let lanes = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        self.push_cells(brackets, lanes, |_| cell);
    }

    /// Appends `cell(i)` to the pending cells for each lane `i` of `lanes`.
    fn push_cells(&mut self, brackets: &Brackets, lanes: u64, cell: impl Fn(usize) -> u32) {
        if self.pending.capacity() == 0 {
            self.pending = spare::take();
        }
        let count = lanes.count_ones() as usize;
        if self.pending.capacity() - self.pending.len() < count {
            // Grown once to the most it holds before it is settled (more
            // than `cells`, then at most a batch more), not by doubling:
            // each growth on a worker thread is a system call as its heap
            // grows.
            let want = (brackets.cells + 2 * regions::BATCH).max(self.pending.len() + count);
            self.pending.reserve(want - self.pending.len());
        }
        let mut bits = lanes;
        for slot in &mut self.pending.spare_capacity_mut()[..count] {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            slot.write(cell(i));
        }
        let len = self.pending.len() + count;
        // SAFETY: the `count` slots past the length were written just
        // above, one per set bit of `lanes`, and `reserve` made room.
        unsafe { self.pending.set_len(len) };
    }

    /// Adds `other`'s counts: the tally of both sets of values.
    pub fn merge(&mut self, other: Tally, brackets: &Brackets) {
        self.count += other.count;
        self.none += other.none;
        for (a, b) in self.regions.iter_mut().zip(&other.regions) {
            *a += b;
        }
        if !other.counts.is_empty() {
            self.dense(brackets);
            for (a, &b) in self.counts.iter_mut().zip(&other.counts) {
                *a = a.saturating_add(b);
            }
        }
        let mut other = other;
        let theirs = std::mem::take(&mut other.pending);
        if self.pending.is_empty() && self.counts.is_empty() {
            spare::give(std::mem::replace(&mut self.pending, theirs));
        } else {
            self.pending.extend_from_slice(&theirs);
            spare::give(theirs);
        }
        if self.pending.len() > brackets.cells {
            self.settle(brackets);
        }
    }

    fn dense(&mut self, brackets: &Brackets) {
        if self.counts.is_empty() && brackets.cells > 0 {
            self.counts = vec![0; brackets.cells];
        }
    }

    /// Counts the pending values into their cells.
    fn settle(&mut self, brackets: &Brackets) {
        if self.pending.is_empty() {
            return;
        }
        self.dense(brackets);
        for &c in &self.pending {
            if let Some(n) = self.counts.get_mut(c as usize) {
                *n = n.saturating_add(1);
            }
        }
        self.pending.clear();
    }

    /// Values per cell, all counted (for part files and readers).
    pub fn cell_counts(&self, brackets: &Brackets) -> Vec<u64> {
        let mut counts = if self.counts.is_empty() {
            vec![0; brackets.cells]
        } else {
            self.counts.iter().map(|&c| u64::from(c)).collect()
        };
        for &c in &self.pending {
            if let Some(n) = counts.get_mut(c as usize) {
                *n += 1;
            }
        }
        for (j, iv) in brackets.intervals.iter().enumerate() {
            if iv.cells() == 1 {
                counts[iv.offset as usize] = self.regions[2 * j + 1];
            }
        }
        counts
    }

    /// Everything counted, as numbers: the non-NaN count, the NaN count,
    /// the count of each region, then every cell's count.
    pub fn encode(&self, brackets: &Brackets, out: &mut Vec<u64>) {
        out.push(self.count);
        out.push(self.none);
        out.extend(self.regions);
        out.extend(self.cell_counts(brackets));
    }

    /// Reads a tally written by [`Tally::encode`] for `brackets`; `None`
    /// when the counts do not add up.
    pub fn decode(brackets: &Brackets, next: &mut dyn FnMut() -> Option<u64>) -> Option<Tally> {
        let mut t = Tally::default();
        t.count = next()?;
        t.none = next()?;
        for r in &mut t.regions {
            *r = next()?;
        }
        let mut counts = Vec::with_capacity(brackets.cells);
        for _ in 0..brackets.cells {
            counts.push(u32::try_from(next()?).ok()?);
        }
        t.counts = counts;
        t.consistent(brackets).then_some(t)
    }

    /// Whether the regions add up to the count, each interval's cells to
    /// its region, and no value lies past the last interval's region.
    fn consistent(&self, brackets: &Brackets) -> bool {
        let counts = self.cell_counts(brackets);
        let r = brackets.intervals.len();
        let total = self.regions.iter().try_fold(0u64, |s, &c| s.checked_add(c));
        total == Some(self.count)
            && self.regions[2 * r + 1..].iter().all(|&c| c == 0)
            && brackets.intervals.iter().enumerate().all(|(j, iv)| {
                let cells = &counts[iv.offset as usize..iv.offset as usize + iv.cells()];
                cells.iter().try_fold(0u64, |s, &c| s.checked_add(c))
                    == Some(self.regions[2 * j + 1])
            })
    }

    /// The type-7 quantiles at `ps` of the values counted; `min` and `max`
    /// are the exact least and greatest values (from the moments), used
    /// only should a rank fall outside every interval. NaN when there are
    /// no values.
    pub fn quantiles(&self, brackets: &Brackets, ps: &[f64], min: f64, max: f64) -> Vec<Read> {
        let counts = self.cell_counts(brackets);
        let n = self.count;
        ps.iter()
            .map(|&p| {
                if n == 0 || p.is_nan() {
                    return Read {
                        value: f64::NAN,
                        exact: false,
                    };
                }
                let p = p.clamp(0.0, 1.0);
                let index = 1.0 + (n - 1) as f64 * p;
                let lower = index.floor();
                let h = index - lower;
                let r_lo = (lower as u64).clamp(1, n);
                let r_hi = (index.ceil() as u64).clamp(1, n);
                let a = self.order_statistic(brackets, &counts, r_lo, min, max);
                let b = if r_hi == r_lo {
                    a
                } else {
                    self.order_statistic(brackets, &counts, r_hi, min, max)
                };
                let value = if h > 0.0 && a.value != b.value {
                    (1.0 - h) * a.value + h * b.value
                } else {
                    a.value
                };
                Read {
                    value,
                    exact: a.exact && (h == 0.0 || b.exact),
                }
            })
            .collect()
    }

    /// The `rank`-th smallest value (1-based, at most `count`).
    fn order_statistic(
        &self,
        brackets: &Brackets,
        counts: &[u64],
        rank: u64,
        min: f64,
        max: f64,
    ) -> Read {
        let n = self.count;
        if rank == 1 && min.is_finite() {
            return Read {
                value: min,
                exact: true,
            };
        }
        if rank == n && max.is_finite() {
            return Read {
                value: max,
                exact: true,
            };
        }
        // Known (rank, value) points outside the intervals: the minimum,
        // each interval's ends, the maximum.
        let mut known_rank = 1u64;
        let mut known_value = min;
        for (j, iv) in brackets.intervals.iter().enumerate() {
            let below = n - self.at_or_above_lo(j);
            let inside = self.at_or_above_lo(j) - self.above_hi(j);
            if rank <= below {
                return interpolate((known_rank, known_value), (below + 1, iv.lo), rank);
            }
            if rank <= below + inside {
                let mut seen = below;
                let cells = &counts[iv.offset as usize..iv.offset as usize + iv.cells()];
                for (c, &count) in cells.iter().enumerate() {
                    if rank <= seen + count {
                        let at = (rank - seen) as f64 / (count + 1) as f64;
                        let (value, exact) = iv.value_in(c, at);
                        return Read { value, exact };
                    }
                    seen += count;
                }
                // Unreachable for a consistent tally: the cells hold `inside`.
                return Read {
                    value: iv.hi,
                    exact: false,
                };
            }
            known_rank = below + inside;
            known_value = iv.hi;
        }
        interpolate((known_rank, known_value), (n, max), rank)
    }
}

/// Whether `values` (non-empty) increase strictly from `lo` to `hi`: the
/// atoms or marks of an interval read from a part file.
fn spans(values: &[f64], lo: f64, hi: f64) -> bool {
    values.windows(2).all(|w| w[0] < w[1]) && values[0] == lo && values[values.len() - 1] == hi
}

/// The value at `rank` on the line through two known (rank, value) points.
fn interpolate(a: (u64, f64), b: (u64, f64), rank: u64) -> Read {
    let value = if b.0 > a.0 && a.1.is_finite() && b.1.is_finite() {
        a.1 + (b.1 - a.1) * (rank.saturating_sub(a.0)) as f64 / (b.0 - a.0) as f64
    } else if rank <= a.0 {
        a.1
    } else {
        b.1
    };
    Read {
        value,
        exact: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Quantiles;

    const PS: [f64; 5] = crate::stats::REPORTED_PS;

    /// A fixed xoshiro stream of uniforms in (0, 1).
    fn uniforms(count: usize, seed: u64) -> Vec<f64> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..count)
            .map(|_| ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64)
            .collect()
    }

    fn sorted(values: &[f64]) -> Vec<f64> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        v.sort_by(f64::total_cmp);
        v
    }

    /// Tallies `values` after a pilot of the first `pilot`, in chunks of
    /// 1024 merged in order, as the engine does.
    fn tally(values: &[f64], pilot: usize) -> (Brackets, Tally) {
        let brackets = Brackets::from_sorted(&sorted(&values[..pilot]), &PS);
        let mut total = Tally::default();
        for chunk in values.chunks(1024) {
            let mut t = Tally::default();
            for batch in chunk.chunks(64) {
                t.add_slice(&brackets, batch);
            }
            total.merge(t, &brackets);
        }
        (brackets, total)
    }

    fn exact(values: &[f64]) -> Vec<f64> {
        let mut q = Quantiles::new(values.len());
        values.iter().for_each(|&v| q.add(v));
        q.quantiles(&PS)
    }

    fn read(b: &Brackets, t: &Tally, values: &[f64]) -> Vec<Read> {
        let s = sorted(values);
        t.quantiles(b, &PS, s[0], s[s.len() - 1])
    }

    /// For 10^6 normal values the tally's quantiles are within a small
    /// fraction of a Monte Carlo standard error of the exact sample
    /// quantiles. The MCSE of the p-quantile of n standard normals is
    /// sqrt(p (1 - p) / n) / phi(z_p) (Kendall & Stuart, 10.10): 1.25e-3 at
    /// the median, 2.06e-3 at p5 and p95. A cell holds about n / 16,384 =
    /// 61 values, and linear placement inside a cell errs by far less than
    /// one cell's width (about 1e-4 here); the bound asked is a tenth of
    /// the MCSE.
    #[test]
    fn continuous_quantiles_are_far_inside_the_monte_carlo_error() {
        let n = 1_000_000;
        let u = uniforms(2 * n, 5);
        let values: Vec<f64> = (0..n)
            .map(|i| {
                let (a, b) = (u[2 * i], u[2 * i + 1]);
                (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
            })
            .collect();
        let (b, t) = tally(&values, 16_384);
        assert_eq!(t.count(), n as u64);
        let got = read(&b, &t, &values);
        let want = exact(&values);
        let phi = |z: f64| (-z * z / 2.0).exp() / std::f64::consts::TAU.sqrt();
        for ((&p, g), w) in PS.iter().zip(&got).zip(&want) {
            let z = [-1.644_853_6, -0.674_489_8, 0.0, 0.674_489_8, 1.644_853_6]
                [PS.iter().position(|&q| q == p).unwrap()];
            let mcse = (p * (1.0 - p) / n as f64).sqrt() / phi(z);
            assert!(
                (g.value - w).abs() < 0.1 * mcse,
                "p = {p}: {} against {w} (MCSE {mcse})",
                g.value
            );
            assert!(!g.exact);
        }
        // Memory: a few thousand counters, not a million values.
        assert!(b.cells() < 4000, "{} cells", b.cells());
    }

    /// Whole-number values (counts of events) give the exact quantiles.
    #[test]
    fn whole_numbers_give_exact_quantiles() {
        let n = 300_000;
        let u = uniforms(n, 9);
        // A geometric-like count: floor(-ln(u) * 3).
        let values: Vec<f64> = u.iter().map(|x| (-x.ln() * 3.0).floor()).collect();
        let (b, t) = tally(&values, 16_384);
        let got = read(&b, &t, &values);
        let want = exact(&values);
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.value, *w);
            assert!(g.exact);
        }
    }

    /// The branch-free ladder cell (quotient by the reciprocal) is the
    /// cell the grid gives, for steps that are not exact in binary, values
    /// on the rungs, between them and a hair either side of them.
    #[test]
    fn a_ladder_cell_found_fast_is_the_grids() {
        for (lo, step, atoms) in [
            (0.0, 1.0, 12u32),
            (0.0, 0.1, 40),
            (-3.0, 0.3, 25),
            (1e6, 0.01, 300),
            (0.5, 1.0 / 3.0, 90),
        ] {
            let grid = Grid::Ladder { atoms, step };
            let hi = lo + f64::from(atoms - 1) * step;
            let iv = Interval::new(lo, hi, grid, 7);
            let b = Brackets::of(vec![iv.clone()], 7 + iv.cells());
            let f = b.fast[0];
            assert!(f.step > 0.0);
            let mut all = Vec::new();
            for i in 0..atoms {
                let r = iv.rung(i, step);
                let mut xs = vec![r, r.next_up(), r.next_down(), r + step / 2.0];
                xs.retain(|&x| x >= lo && x <= hi);
                for &x in &xs {
                    assert_eq!(f.ladder_cell(x), 7 + iv.cell(x), "{x} on {lo} + k {step}");
                }
                all.extend(xs);
            }
            // All lanes at once, and a batch whose length is no multiple of 4.
            for batch in all.chunks(64).chain([&all[..7]]) {
                let mut cells = [0; regions::BATCH];
                f.ladder_cells(batch, &mut cells);
                for (&x, &c) in batch.iter().zip(&cells) {
                    assert_eq!(c, 7 + iv.cell(x), "{x} on {lo} + k {step}");
                }
            }
        }
    }

    /// A mixed grid's cell, counted with no branch, is the one a search
    /// for the mark at or below the value gives: on each mark, a hair
    /// either side of it, between marks and at the top end.
    #[test]
    fn a_mixed_cell_is_the_searched_ones() {
        let searched = |m: &Mixed, x: f64| {
            let k = m.marks.iter().take_while(|&&a| a <= x).count().max(1);
            let i = k - 1;
            if m.marks[i] == x || i + 1 == m.marks.len() {
                return m.firsts[i];
            }
            let within = ((x - m.marks[i]) * m.scales[i]) as u32;
            m.firsts[i] + 1 + within.min(m.between[i] - 1)
        };
        for (marks, between) in [
            (vec![0.0, 1.0], vec![7]),
            (vec![0.0, 0.25, 1.0], vec![3, 40]),
            (vec![-2.0, -1.5, 0.0, 0.1, 3.0], vec![1, 9, 2, 100]),
        ] {
            let m = Mixed::new(marks.clone(), between).unwrap();
            let mut xs = Vec::new();
            for w in marks.windows(2) {
                let (a, b) = (w[0], w[1]);
                xs.extend([
                    a,
                    a.next_up(),
                    b.next_down(),
                    (a + b) / 2.0,
                    a + (b - a) / 3.0,
                ]);
            }
            xs.push(marks[marks.len() - 1]);
            for x in xs {
                assert_eq!(m.cell(x), searched(&m, x), "{x} in {marks:?}");
            }
        }
    }

    /// A point mass with a continuous part (a state that stays 0 in most
    /// runs) gives the atom exactly and the rest closely.
    #[test]
    fn an_atom_beside_a_continuous_part() {
        let n = 200_000;
        let u = uniforms(2 * n, 11);
        let values: Vec<f64> = (0..n)
            .map(|i| {
                if u[2 * i] < 0.6 {
                    0.0
                } else {
                    u[2 * i + 1] * 10.0
                }
            })
            .collect();
        let (b, t) = tally(&values, 16_384);
        let got = read(&b, &t, &values);
        let want = exact(&values);
        assert_eq!(got[0].value, 0.0);
        assert_eq!(got[1].value, 0.0);
        assert_eq!(got[2].value, 0.0);
        assert!(got[2].exact);
        // p75 and p95: the uniform part's MCSE is about 10 sqrt(p (1 - p) /
        // n) / 0.4 ~ 0.024 at p75; ask for a tenth of it.
        for k in [3, 4] {
            assert!((got[k].value - want[k]).abs() < 2.4e-3, "{got:?} {want:?}");
        }
    }

    /// NaN values are none, not values, and infinities are values.
    #[test]
    fn nan_is_none_and_infinities_count() {
        let mut values: Vec<f64> = (0..50_000).map(|i| (i % 1000) as f64).collect();
        values[20_000] = f64::NAN;
        values[30_000] = f64::INFINITY;
        let (b, t) = tally(&values, 16_384);
        assert_eq!(t.none(), 1);
        assert_eq!(t.count(), 49_999);
        let got = read(&b, &t, &values);
        let want = exact(&values);
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.value, *w);
        }
    }

    /// Merging is commutative and associative: any grouping of the same
    /// values gives the same counts.
    #[test]
    fn merge_order_does_not_matter() {
        let u = uniforms(40_000, 3);
        let values: Vec<f64> = u.iter().map(|x| x * x * 100.0).collect();
        let b = Brackets::from_sorted(&sorted(&values[..2048]), &PS);
        let parts: Vec<Tally> = values
            .chunks(3000)
            .map(|c| {
                let mut t = Tally::default();
                t.add_slice(&b, c);
                t
            })
            .collect();
        let mut forward = Tally::default();
        for p in parts.iter().cloned() {
            forward.merge(p, &b);
        }
        let mut backward = Tally::default();
        for p in parts.iter().rev().cloned() {
            backward.merge(p, &b);
        }
        let mut halves = Tally::default();
        let (x, y) = parts.split_at(5);
        let mut left = Tally::default();
        x.iter().cloned().for_each(|p| left.merge(p, &b));
        let mut right = Tally::default();
        y.iter().cloned().for_each(|p| right.merge(p, &b));
        halves.merge(right, &b);
        halves.merge(left, &b);
        let counts = |t: &Tally| {
            let mut v = Vec::new();
            t.encode(&b, &mut v);
            v
        };
        assert_eq!(counts(&forward), counts(&backward));
        assert_eq!(counts(&forward), counts(&halves));
    }

    /// Batches whose values are all equal take a shortcut (one value's
    /// region and cell for all of them): the counts are those of the same
    /// values counted in mixed batches, for atoms, equal-width cells, a
    /// value between intervals, signed zeros and infinities.
    #[test]
    fn equal_batches_count_as_mixed_ones() {
        let u = uniforms(20_000, 11);
        let values: Vec<f64> = u
            .iter()
            .map(|&x| match (x * 10.0) as u32 {
                0..=2 => 0.0,
                3 => -0.0,
                4 => f64::INFINITY,
                5 | 6 => (x * 40.0).floor(),
                _ => x * x * 100.0,
            })
            .collect();
        let b = Brackets::from_sorted(&sorted(&values[..4096]), &PS);
        let count = |batches: &[f64]| {
            let mut t = Tally::default();
            for batch in batches.chunks(64) {
                t.add_slice(&b, batch);
            }
            let mut words = Vec::new();
            t.encode(&b, &mut words);
            words
        };
        // Mixed: the values as drawn. Equal: each value repeated to fill
        // a batch, and the mixed values repeated as often to match.
        let picks: Vec<f64> = values.iter().step_by(97).copied().collect();
        let equal: Vec<f64> = picks.iter().flat_map(|&x| [x; 64]).collect();
        let mut mixed = Vec::with_capacity(equal.len());
        for _ in 0..64 {
            mixed.extend_from_slice(&picks);
        }
        assert_eq!(count(&equal), count(&mixed));
        // Equal ends with a different value between them, and every value
        // counted as a batch of its own.
        for (k, &x) in picks.iter().enumerate().take(40) {
            let mut batch = vec![x; 64];
            batch[31] = picks[k + 1];
            let mut each = Tally::default();
            for v in &batch {
                each.add_slice(&b, std::slice::from_ref(v));
            }
            let mut words = Vec::new();
            each.encode(&b, &mut words);
            assert_eq!(count(&batch), words, "value {x}");
        }
    }

    /// A rank outside every bracket (a pilot far from the rest) is still
    /// read, from the nearest known ranks, and marked not exact.
    #[test]
    fn a_rank_outside_every_bracket_is_interpolated() {
        let pilot: Vec<f64> = (0..1000).map(|i| i as f64 / 1000.0).collect();
        let b = Brackets::from_sorted(&pilot, &[0.5]);
        let mut t = Tally::default();
        let later: Vec<f64> = (0..100_000).map(|i| 10.0 + i as f64 / 10_000.0).collect();
        t.add_slice(&b, &pilot);
        t.add_slice(&b, &later);
        let r = t.quantiles(&b, &[0.5], 0.0, later[later.len() - 1]);
        assert!(!r[0].exact);
        assert!(r[0].value > 0.5 && r[0].value < later[later.len() - 1]);
    }

    /// Brackets and tallies survive being written as numbers, and damaged
    /// numbers are refused rather than trusted.
    #[test]
    fn encode_decode_round_trip_and_refuse_damage() {
        let u = uniforms(20_000, 21);
        let values: Vec<f64> = u.iter().map(|x| (x * 7.0).floor() + x).collect();
        let (b, t) = tally(&values, 4096);
        let mut words = Vec::new();
        b.encode(&mut words);
        t.encode(&b, &mut words);
        let mut it = words.iter().copied();
        let b2 = Brackets::decode(&mut || it.next()).unwrap();
        let t2 = Tally::decode(&b2, &mut || it.next()).unwrap();
        assert_eq!(b, b2);
        assert_eq!(read(&b, &t, &values), read(&b2, &t2, &values));
        // A count changed: the cells no longer add up.
        let mut bad = words.clone();
        let last = bad.len() - 1;
        bad[last] += 1;
        let mut it = bad.iter().copied();
        let b3 = Brackets::decode(&mut || it.next()).unwrap();
        assert!(Tally::decode(&b3, &mut || it.next()).is_none());
        // Cut short: refused.
        let mut it = words[..words.len() / 2].iter().copied();
        let ok =
            Brackets::decode(&mut || it.next()).and_then(|b| Tally::decode(&b, &mut || it.next()));
        assert!(ok.is_none());
    }

    /// Brackets from a pilot put in order only near their ranks are the
    /// brackets of the fully sorted pilot: smooth values, whole numbers,
    /// an atom beside a spread, signed zeros, far outliers and infinities
    /// (which are sorted whole), at pilot sizes around the bucketing's.
    #[test]
    fn brackets_from_a_pilot_in_any_order_are_those_of_the_sorted_pilot() {
        type Draw = fn(f64, f64) -> f64;
        let kinds: [(&str, Draw); 7] = [
            ("smooth", |u, v| u + v * u),
            ("whole numbers", |u, _| (u * 9.0).floor()),
            ("atom at zero", |u, v| if u < 0.3 { 0.0 } else { v }),
            ("signed zeros", |u, v| {
                if u < 0.4 {
                    -0.0
                } else if u < 0.8 {
                    0.0
                } else {
                    v
                }
            }),
            ("far outliers", |u, v| if u < 0.002 { 1e9 * v } else { v }),
            (
                "infinities",
                |u, v| if u < 0.01 { f64::NEG_INFINITY } else { v },
            ),
            ("constant", |_, _| 2.5),
        ];
        for (name, draw) in kinds {
            for m in [1, 7, 600, 1024, 5000, 16_384] {
                let (u, v) = (uniforms(m, 31), uniforms(m, 32));
                let pilot: Vec<f64> = u.iter().zip(&v).map(|(&a, &b)| draw(a, b)).collect();
                let mut arranged = pilot.clone();
                let got = Brackets::from_pilot(&mut arranged, &PS);
                assert_eq!(
                    got,
                    Brackets::from_sorted(&sorted(&pilot), &PS),
                    "{name}, m = {m}"
                );
                // Only reordered.
                let bits = |v: &[f64]| {
                    let mut b: Vec<u64> = v.iter().map(|x| x.to_bits()).collect();
                    b.sort_unstable();
                    b
                };
                assert_eq!(bits(&arranged), bits(&pilot), "{name}, m = {m}");
            }
        }
    }
}
