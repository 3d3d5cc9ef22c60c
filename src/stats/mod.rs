//! Mergeable statistical accumulators for the Monte Carlo engine.
//!
//! The engine splits the runs into chunks, fills one set of accumulators per
//! chunk (in parallel), and then merges the chunks' accumulators **in a fixed
//! order** (chunk 0, then chunk 1, ...). Every accumulator here is built for
//! that pattern:
//!
//! * **Bounded memory.** Each accumulator has a fixed size ([`Moments`],
//!   [`Proportion`], [`Paired`]) or a size bounded independently of the number
//!   of runs ([`Quantiles`]: at most `exact_cap` values, then a sketch whose
//!   bucket count depends only on the dynamic range of the data).
//! * **Mergeable.** `merge` combines two accumulators into the accumulator of
//!   the union of their inputs.
//! * **Deterministic.** Nothing depends on timing, hashing or thread identity,
//!   so a fixed sequence of `add` and `merge` calls always produces the same
//!   bits. Because the chunking and the merge order are fixed by the engine
//!   (not by the number of threads), results are bit-identical on any thread
//!   count.
//!
//! What is exact and what is not:
//!
//! * [`Proportion`] holds integer counts: merging is exact, associative and
//!   commutative. The [`wilson_interval`] derived from it is a closed formula.
//! * [`Moments`] (and [`Paired`], built from three of them) uses Welford's
//!   update and the pairwise merge of Chan, Golub & LeVeque. Counts, `min` and
//!   `max` are exact and order-independent; mean and variance are accurate to
//!   a few ulps times the number of updates, but floating-point addition is
//!   not associative, so *their last bits depend on the merge order*. This is
//!   why the engine merges in a fixed order: the result is then reproducible
//!   bit for bit.
//! * [`Quantiles`] is exact and **order-independent in its result**: the
//!   answers depend only on the multiset of values added, not on how they were
//!   split into chunks or in which order the chunks were merged. While the
//!   total count is at most `exact_cap`, every value is kept and the quantiles
//!   are the exact type-7 sample quantiles (R's default). Once the count
//!   exceeds the cap, the values are moved into a DDSketch (Masson, Rim & Lee,
//!   *DDSketch: a fast and fully-mergeable quantile sketch with
//!   relative-error guarantees*, VLDB 2019). Its buckets are integer counts
//!   keyed by a deterministic function of each value, so merging sketches adds
//!   integers and is exact; whether a value is in exact or sketch mode depends
//!   only on the total count, so the final state is the same for every merge
//!   order.
//!
//! The sketch's guarantee: for any `p` in `[0, 1]`, the sketch estimate `q̂`
//! and the exact type-1 sample quantile `q` (the `⌈n·p⌉`-th smallest value)
//! satisfy `|q̂ − q| ≤ SKETCH_ALPHA · |q|` with [`SKETCH_ALPHA`] = 0.5 %, for
//! values of either sign. Zeros are counted exactly (and reported as exactly
//! `0`), as are `±∞`; `p = 0` and `p = 1` return the exact minimum and
//! maximum.
//!
//! [`Tally`] holds the time series' quantiles past a pilot: integer counts
//! in cells fixed by the pilot's values ([`Brackets`]), so merging is exact
//! and order-independent too; see `tally.rs` for its accuracy.
//!
//! Missing values: `NaN` means "none" (for example "the step at which an
//! event first happened" when it never happened). Every accumulator counts
//! `NaN` inputs separately (`none()`) and leaves them out of moments and
//! quantiles. Infinite values are values: they are counted and take part in
//! min/max and quantiles. No function in this module panics on any input.

mod batch_moments;
mod cells;
mod interval;
mod moments;
mod quantiles;
mod refine;
mod regions;
mod select;
mod tally;

pub use batch_moments::{BatchMoments, add_each as add_each_batch};
pub use interval::{Paired, Proportion, wilson_interval, z_for_level};
pub use moments::Moments;
pub use quantiles::{DEFAULT_EXACT_CAP, Histogram, MAX_HISTOGRAM_BINS, Quantiles, SKETCH_ALPHA};
pub use refine::{MAX_PASSES, Probe, Refinement};
pub use tally::{BRACKET_Z, Brackets, Read, Tally, add_each as add_each_tally};

/// The probabilities of the quantiles every summary reports (p5, p25, p50,
/// p75, p95): the ones the engine refines to exactness.
pub const REPORTED_PS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];
