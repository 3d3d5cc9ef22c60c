//! Results of a simulation: mergeable accumulators for outcomes, per-step
//! series, events and parameters.
//!
//! Each chunk of runs fills its own [`Results`]; chunks are merged in chunk
//! order, so the totals are bit-identical on any number of threads. Memory
//! is bounded whatever the run count: quantiles are exact up to a cap per
//! quantity and a relative-error sketch beyond it (see `stats::quantiles`).

use super::LANES;
use super::exec::BatchRecord;
use super::program::Program;
use crate::expr::ast::truthy;
use crate::scenario::{EventMode, Model, OutcomeKind};
use std::sync::Arc;

use rayon::prelude::*;

use crate::stats::{
    BatchMoments, Brackets, Moments, Probe, Proportion, Quantiles, REPORTED_PS, Refinement, Tally,
    add_each_batch, add_each_tally,
};

/// Exact quantiles are kept for up to this many runs per outcome; beyond,
/// a sketch, which refinement passes make exact (see [`Refinements`]).
pub const OUTCOME_EXACT_CAP: usize = 1 << 20;
/// Time-series quantiles (fan charts, p5..p95 per step) are kept for at
/// most about this many (variable, step) pairs: for long horizons at every
/// k-th step and the last (means and sds stay at every step).
pub const SERIES_QUANTILE_PAIRS: usize = 8192;
/// Time-series quantiles come from a pilot of the first runs, kept
/// exactly, and past it from counts in brackets the pilot fixes
/// (`stats::Tally`): the pilot is one block of runs ...
pub const SERIES_PILOT_RUNS: u64 = super::CHUNK_RUNS * super::BLOCK_CHUNKS;
/// ... as long as all the pairs together hold at most this many pilot
/// values (128 MB), over every scenario simulated together (a comparison
/// of many variants shares it); with more pairs the pilot is shorter, of
/// whole chunks.
pub const SERIES_VALUE_BUDGET: usize = 16_000_000;
/// Per-step statistics are kept for at most this many (variable, step)
/// pairs (about 1.1 GB for a chunk's accumulators); larger models are
/// refused before they run.
pub const MAX_SERIES_PAIRS: usize = 2_000_000;
/// Values all refinement windows together may hold in one pass (256 MB).
pub const REFINE_BUDGET: usize = 32_000_000;

/// Which steps of the time series keep quantiles, and how long their pilot is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesPlan {
    /// Quantiles at steps `0, k, 2k, ...` and at the last step.
    pub stride: u32,
    pub steps: u32,
    /// The pilot: runs `0..runs` keep their values exactly (a whole number
    /// of chunks). Up to this many runs the quantiles are exact; past it
    /// they are counted in the brackets the pilot fixes.
    pub runs: u64,
}

impl SeriesPlan {
    /// The plan for `series` variables over `steps` steps, in a
    /// simulation of `share` scenarios that keep time series (1 alone),
    /// which share the pilot's budget.
    pub fn new(series: usize, steps: u32, share: usize) -> SeriesPlan {
        let pairs = series.max(1) * (steps as usize + 1);
        let stride = pairs
            .div_ceil(SERIES_QUANTILE_PAIRS)
            .clamp(1, steps.max(1) as usize) as u32;
        let kept = series.max(1) * ((steps / stride) as usize + 2);
        SeriesPlan {
            stride,
            steps,
            runs: ((SERIES_VALUE_BUDGET / share.max(1) / kept) as u64)
                .clamp(super::CHUNK_RUNS, SERIES_PILOT_RUNS)
                / super::CHUNK_RUNS
                * super::CHUNK_RUNS,
        }
    }

    /// The plans of programs simulated together, each with whether it
    /// keeps time series (`None` where it does not): those that do share
    /// the pilot's budget.
    pub fn shared<'p>(
        programs: impl Iterator<Item = (&'p Program, bool)> + Clone,
    ) -> Vec<Option<SeriesPlan>> {
        let share = programs.clone().filter(|p| p.1).count();
        programs
            .map(|(p, keep)| keep.then(|| SeriesPlan::new(p.series.len(), p.steps, share)))
            .collect()
    }

    /// Whether step `t` keeps quantiles.
    pub fn keeps(&self, t: u32) -> bool {
        t.is_multiple_of(self.stride) || t == self.steps
    }

    /// Whether `runs` runs go past the pilot, so that the quantiles are
    /// counted in brackets.
    pub fn brackets(&self, runs: u64) -> bool {
        runs > self.runs
    }
}

/// The brackets of every (variable, step) pair's quantiles, fixed from the
/// pilot, empty at steps that keep no quantiles. Shared by every chunk of a
/// simulation. Step-major (`pairs[t * series + s]`), like the tallies that
/// count in them: adding a step's values walks one short stretch of each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeriesBrackets {
    series: usize,
    pairs: Vec<Brackets>,
}

impl SeriesBrackets {
    /// Empty brackets for `series` variables over steps `0..=steps`.
    pub fn new(series: usize, steps: usize) -> SeriesBrackets {
        SeriesBrackets {
            series,
            pairs: vec![Brackets::default(); series * (steps + 1)],
        }
    }

    pub fn get(&self, s: usize, t: usize) -> &Brackets {
        &self.pairs[t * self.series + s]
    }

    pub fn set(&mut self, s: usize, t: usize, brackets: Brackets) {
        self.pairs[t * self.series + s] = brackets;
    }
}

// A handful per model, never copied in a hot loop: boxing would only add an
// indirection to every value added.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum OutcomeAcc {
    Probability(Proportion),
    Number {
        moments: Moments,
        quantiles: Quantiles,
    },
    /// Runs per category.
    Category(Vec<u64>),
}

#[derive(Clone, Debug)]
pub struct StepAcc {
    /// The merged moments of every chunk so far.
    pub moments: Moments,
    /// The pilot's values, exactly (empty past the pilot).
    pub quantiles: Quantiles,
}

impl StepAcc {
    /// The type-7 quantiles at `ps` and whether they are exact: from the
    /// values while the pilot holds them all, else from the pair's `tally`
    /// counted in `brackets`.
    pub fn quantiles_at(
        &mut self,
        tally: Option<&Tally>,
        brackets: Option<&Brackets>,
        ps: &[f64],
    ) -> (Vec<f64>, bool) {
        match (tally, brackets) {
            (Some(tally), Some(b)) => {
                let reads = tally.quantiles(b, ps, self.moments.min(), self.moments.max());
                let exact = reads.iter().all(|r| r.exact);
                (reads.into_iter().map(|r| r.value).collect(), exact)
            }
            _ => (
                self.quantiles.quantiles_selected(ps),
                self.quantiles.is_exact(),
            ),
        }
    }
}

/// An event at one step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EventStep {
    /// Runs in which it happened at this step (for a once-event: for the first time).
    pub happened: u64,
    /// Runs in which it had happened at least once by the end of this step.
    pub ever: u64,
    /// Sum of the event's count at this step over runs (count events).
    pub total: f64,
}

#[derive(Clone, Debug)]
pub struct Results {
    /// Runs simulated.
    pub runs: u64,
    /// Runs kept (all of them unless a condition filters runs).
    pub kept: u64,
    pub outcomes: Vec<OutcomeAcc>,
    /// `series[s][t]`: states (t = 0..=steps) then derived variables (t = 0 unused).
    pub series: Vec<Vec<StepAcc>>,
    /// This chunk's per-step values, reduced into `series[s][t].moments`
    /// when chunks merge: `step_batches[t * series.len() + s]`. Kept apart
    /// from the rest, step by step, so that adding a step's values walks
    /// one short stretch of memory.
    step_batches: Vec<BatchMoments>,
    /// Past the pilot: each pair's counts in its brackets,
    /// `tallies[t * series.len() + s]` (`None` at steps that keep no
    /// quantiles), or empty. Apart from `series` and step-major for the
    /// same reason as `step_batches`: the per-step accumulators of the
    /// pilot are not touched while a chunk counts.
    pub tallies: Vec<Option<Tally>>,
    /// `events[e][t - 1]`.
    pub events: Vec<Vec<EventStep>>,
    /// The drawn values of each parameter (kept runs).
    pub params: Vec<Moments>,
    /// Which steps keep time-series quantiles.
    pub plan: SeriesPlan,
    /// Past the pilot: where each pair counts its values (`None` while the
    /// quantiles are the values themselves).
    pub brackets: Option<Arc<SeriesBrackets>>,
    /// During a refinement pass: what this chunk looks for, and nothing
    /// else is accumulated.
    pub probes: Option<Probes>,
    /// Per outcome: whether a run may leave it without a value.
    may_be_none: Vec<bool>,
    /// Scratch for [`Results::add_step`]: whether each event has happened
    /// yet in each lane of the current batch.
    ever: Vec<u64>,
}

/// Which lanes of a batch are kept (`--given`).
struct Kept {
    keep: [bool; LANES],
    n: usize,
    all: bool,
}

impl Kept {
    /// The kept values of a slot, in lane order.
    fn gather<'b>(&self, lanes: &'b [f64; LANES], buffer: &'b mut [f64; LANES]) -> &'b [f64] {
        if self.all {
            return &lanes[..self.n];
        }
        let mut m = 0;
        for lane in (0..self.n).filter(|&i| self.keep[i]) {
            buffer[m] = lanes[lane];
            m += 1;
        }
        &buffer[..m]
    }
}

/// An outcome value a run must not give: a category outcome's value that
/// is not one of its categories, a probability outcome's that is not 0 or
/// 1, or none (NaN) where none is not allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct BadOutcome {
    pub outcome: usize,
    pub lane: usize,
    pub value: f64,
}

impl Results {
    /// Empty accumulators; per-step statistics are kept by `series`'s plan,
    /// and not at all without one.
    pub fn new(model: &Model, program: &Program, series: Option<SeriesPlan>) -> Results {
        let steps = model.info.steps as usize;
        let outcomes = model
            .outcomes
            .iter()
            .map(|o| match &o.kind {
                OutcomeKind::Probability => OutcomeAcc::Probability(Proportion::default()),
                OutcomeKind::Number => OutcomeAcc::Number {
                    moments: Moments::new(),
                    quantiles: Quantiles::new(OUTCOME_EXACT_CAP),
                },
                OutcomeKind::Category(names) => OutcomeAcc::Category(vec![0; names.len()]),
            })
            .collect();
        let plan = series.unwrap_or_else(|| SeriesPlan::new(program.series.len(), steps as u32, 1));
        let series = series.is_some();
        let step_acc = || StepAcc {
            moments: Moments::new(),
            quantiles: Quantiles::new(plan.runs as usize),
        };
        let step_batches = if series {
            vec![BatchMoments::default(); program.series.len() * (steps + 1)]
        } else {
            Vec::new()
        };
        Results {
            runs: 0,
            kept: 0,
            outcomes,
            series: if series {
                program
                    .series
                    .iter()
                    .map(|_| (0..=steps).map(|_| step_acc()).collect())
                    .collect()
            } else {
                Vec::new()
            },
            step_batches,
            tallies: Vec::new(),
            events: program
                .events
                .iter()
                .map(|_| vec![EventStep::default(); steps])
                .collect(),
            params: program.params.iter().map(|_| Moments::new()).collect(),
            plan,
            brackets: None,
            probes: None,
            may_be_none: model.outcomes.iter().map(|o| o.may_be_none).collect(),
            ever: vec![0; program.events.len()],
        }
    }

    /// Makes room in the quantile buffers for runs `first..first + runs`
    /// (a chunk), so adding them does not reallocate as it goes.
    pub fn reserve(&mut self, first: u64, runs: u64) {
        for o in &mut self.outcomes {
            if let OutcomeAcc::Number { quantiles, .. } = o {
                quantiles.reserve(runs as usize);
            }
        }
        let series_runs = self.plan.runs.saturating_sub(first).min(runs) as usize;
        if series_runs > 0 && self.brackets.is_none() {
            for per_step in &mut self.series {
                for (t, acc) in per_step.iter_mut().enumerate() {
                    if self.plan.keeps(t as u32) {
                        acc.quantiles.reserve(series_runs);
                    }
                }
            }
        }
    }

    /// Counts this accumulator's per-step values in `brackets` from now on
    /// (for a chunk past the pilot).
    pub fn with_brackets(mut self, brackets: Arc<SeriesBrackets>) -> Results {
        self.count_in(brackets);
        self
    }

    /// Counts the per-step values in `brackets` from now on: every kept
    /// step gets an empty tally.
    pub fn count_in(&mut self, brackets: Arc<SeriesBrackets>) {
        let count = self.series.len();
        let plan = self.plan;
        self.tallies = (0..count * (plan.steps as usize + 1))
            .map(|i| plan.keeps((i / count) as u32).then(Tally::default))
            .collect();
        self.brackets = Some(brackets);
    }

    /// Pair `(s, t)`'s counts past the pilot, if it has any.
    pub fn tally(&self, s: usize, t: usize) -> Option<&Tally> {
        let count = self.series.len();
        self.tallies.get(t * count + s).and_then(Option::as_ref)
    }

    /// Ends the pilot: fixes each pair's brackets from the values held
    /// (the pilot's, all of them exact), counts those values in them, and
    /// returns the brackets for the chunks after the pilot.
    pub fn bracket_series(&mut self) -> Arc<SeriesBrackets> {
        let steps = self.plan.steps as usize;
        let plan = self.plan;
        // Pair by pair on the current thread pool: the pilot's values are
        // put in order (near the quantiles' ranks) once, for the pair's
        // brackets, and counted in them; then both are set in their
        // (step-major) places.
        let per_variable: Vec<Vec<(Brackets, Option<Tally>)>> = self
            .series
            .par_iter_mut()
            .map(|per_step| {
                per_step
                    .iter_mut()
                    .enumerate()
                    .map(|(t, acc)| {
                        let mut pilot = std::mem::replace(&mut acc.quantiles, Quantiles::new(0));
                        if !plan.keeps(t as u32) {
                            return (Brackets::default(), None);
                        }
                        let b = match pilot.exact_values_mut() {
                            Some(values) => Brackets::from_pilot(values, &REPORTED_PS),
                            None => Brackets::default(),
                        };
                        let mut tally = Tally::default();
                        for values in pilot.exact_values().into_iter().flatten() {
                            tally.add_slice(&b, values);
                        }
                        for _ in 0..pilot.none() {
                            tally.add_slice(&b, &[f64::NAN]);
                        }
                        (b, Some(tally))
                    })
                    .collect()
            })
            .collect();
        let count = self.series.len();
        let mut all = SeriesBrackets::new(count, steps);
        let mut tallies: Vec<Option<Tally>> = (0..count * (steps + 1)).map(|_| None).collect();
        for (s, per_step) in per_variable.into_iter().enumerate() {
            for (t, (b, tally)) in per_step.into_iter().enumerate() {
                all.set(s, t, b);
                tallies[t * count + s] = tally;
            }
        }
        let brackets = Arc::new(all);
        self.tallies = tallies;
        self.brackets = Some(brackets.clone());
        brackets
    }

    /// Moves `other`'s time-series counts into this one's (they share the
    /// brackets), leaving `other` with its moments only: what a shard
    /// keeps of its blocks, since counts add in any order. Does nothing
    /// when either counts in no brackets.
    pub fn absorb_tallies(&mut self, other: &mut Results) {
        let (Some(mine), Some(theirs)) = (&self.brackets, &other.brackets) else {
            return;
        };
        if !Arc::ptr_eq(mine, theirs) && mine != theirs {
            return;
        }
        let tallies = other.take_tallies();
        self.add_tallies(tallies);
        other.brackets = None;
    }

    /// Takes every pair's time-series counts out, leaving none.
    pub fn take_tallies(&mut self) -> Vec<Option<Tally>> {
        std::mem::take(&mut self.tallies)
    }

    /// Puts back counts taken by [`Results::take_tallies`] from an
    /// accumulator of the same model and brackets, in place of this one's.
    pub fn put_tallies(&mut self, tallies: Vec<Option<Tally>>) {
        self.tallies = tallies;
    }

    /// Adds counts taken by [`Results::take_tallies`] from an accumulator
    /// of the same model and brackets to this one's.
    pub fn add_tallies(&mut self, tallies: Vec<Option<Tally>>) {
        let Some(brackets) = self.brackets.clone() else {
            return;
        };
        if self.tallies.is_empty() {
            self.tallies = tallies;
            return;
        }
        let count = self.series.len();
        for (i, (mine, theirs)) in self.tallies.iter_mut().zip(tallies).enumerate() {
            match (mine, theirs) {
                (Some(mine), Some(theirs)) => {
                    mine.merge(theirs, brackets.get(i % count, i / count))
                }
                (mine @ None, theirs) => *mine = theirs,
                _ => {}
            }
        }
    }

    /// Whether merging `other` into this one counts in the same brackets
    /// (or either has none).
    pub fn brackets_agree(&self, other: &Results) -> bool {
        match (&self.brackets, &other.brackets) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
            _ => true,
        }
    }

    /// Add step `t` of lanes `0..n` (runs `first_run..`) straight from the
    /// slots, for runs that no condition filters: every series' value at `t`
    /// and, for `t >= 1`, every event's. The same statistics, in the same
    /// order, as [`Results::add_batch`] computes from a full record.
    pub fn add_step(
        &mut self,
        program: &Program,
        t: u32,
        slots: &[[f64; LANES]],
        n: usize,
        first_run: u64,
    ) {
        let ti = t as usize;
        if self.probes.is_some() {
            return;
        }
        let quantile_lanes = if self.plan.keeps(t) {
            self.plan.runs.saturating_sub(first_run).min(n as u64) as usize
        } else {
            0
        };
        let count = self.series.len();
        // Without per-step statistics `series` is empty, and so is this.
        let live = if t == 0 {
            program.states.min(count)
        } else {
            count
        };
        let specs = &program.series;
        add_each_batch(&mut self.step_batches[ti * count..ti * count + live], |s| {
            &slots[specs[s].slot as usize][..n]
        });
        if let Some(brackets) = &self.brackets {
            if self.plan.keeps(t) && !self.tallies.is_empty() {
                add_each_tally(
                    &mut self.tallies[ti * count..ti * count + live],
                    |s| brackets.get(s, ti),
                    |s| &slots[specs[s].slot as usize][..n],
                );
            }
        } else if quantile_lanes > 0 {
            for (spec, per_step) in specs.iter().zip(&mut self.series).take(live) {
                let values = &slots[spec.slot as usize][..quantile_lanes];
                per_step[ti].quantiles.add_slice(values);
            }
        }
        if t == 0 {
            self.ever.fill(0);
            return;
        }
        for ((spec, per_step), ever) in program
            .events
            .iter()
            .zip(&mut self.events)
            .zip(&mut self.ever)
        {
            let once = spec.mode == EventMode::Once;
            let lanes = &slots[spec.slot as usize];
            count_event_step(&mut per_step[ti - 1], once, lanes, n, u64::MAX, ever);
        }
    }

    /// Add lanes `0..n` of a batch, keeping only runs whose condition holds.
    pub fn add_batch(
        &mut self,
        program: &Program,
        rec: &BatchRecord,
        n: usize,
        first_run: u64,
    ) -> Result<(), BadOutcome> {
        let steps = program.steps as usize;
        let mut keep = [false; LANES];
        for (i, k) in keep.iter_mut().enumerate().take(n) {
            *k = truthy(rec.condition[i]);
        }
        let kept = keep[..n].iter().filter(|&&k| k).count();
        let all = kept == n;
        let kept_lanes = Kept { keep, n, all };
        let mut buffer = [0.0; LANES];
        if let Some(probes) = &mut self.probes {
            probes.add_batch(rec, &kept_lanes);
            return Ok(());
        }
        self.runs += n as u64;
        self.kept += kept as u64;
        for (o, acc) in self.outcomes.iter_mut().enumerate() {
            let lanes = &rec.outcomes[o];
            match acc {
                OutcomeAcc::Probability(p) => {
                    // Yes (1), no (0) or none (no): anything else is a
                    // model that is not the yes/no it says it is.
                    if let Some(lane) =
                        (0..n).find(|&i| !(lanes[i] == 0.0 || lanes[i] == 1.0 || lanes[i].is_nan()))
                    {
                        return Err(BadOutcome {
                            outcome: o,
                            lane,
                            value: lanes[lane],
                        });
                    }
                    for lane in (0..n).filter(|&i| keep[i]) {
                        p.add(truthy(lanes[lane]));
                    }
                }
                OutcomeAcc::Number { moments, quantiles } => {
                    if let Some(lane) = (0..n).find(|&i| !self.may_be_none[o] && lanes[i].is_nan())
                    {
                        return Err(BadOutcome {
                            outcome: o,
                            lane,
                            value: f64::NAN,
                        });
                    }
                    let values = kept_lanes.gather(lanes, &mut buffer);
                    moments.add_slice(values);
                    quantiles.add_slice(values);
                }
                OutcomeAcc::Category(counts) => {
                    for lane in (0..n).filter(|&i| keep[i]) {
                        let v = lanes[lane];
                        let k = v as usize;
                        if v.is_nan() || v.fract() != 0.0 || v < 0.0 || k >= counts.len() {
                            return Err(BadOutcome {
                                outcome: o,
                                lane,
                                value: v,
                            });
                        }
                        counts[k] += 1;
                    }
                }
            }
        }
        for (i, moments) in self.params.iter_mut().enumerate() {
            moments.add_slice(kept_lanes.gather(&rec.params[i], &mut buffer));
        }
        if rec.direct {
            return Ok(());
        }
        // Series quantiles come from the first `plan.runs` runs.
        let quantile_lanes = self.plan.runs.saturating_sub(first_run).min(n as u64) as usize;
        let count = self.series.len();
        for (s, per_step) in self.series.iter_mut().enumerate() {
            let first = if s < program.states { 0 } else { 1 };
            for (t, acc) in per_step.iter_mut().enumerate().skip(first) {
                let lanes = &rec.series[s * (steps + 1) + t];
                let values = kept_lanes.gather(lanes, &mut buffer);
                self.step_batches[t * count + s].add_slice(values);
                let tally = self.tallies.get_mut(t * count + s).and_then(Option::as_mut);
                if let (Some(tally), Some(brackets)) = (tally, &self.brackets) {
                    tally.add_slice(brackets.get(s, t), values);
                } else if self.plan.keeps(t as u32) {
                    for lane in (0..quantile_lanes).filter(|&i| keep[i]) {
                        acc.quantiles.add(lanes[lane]);
                    }
                }
            }
        }
        for (e, per_step) in self.events.iter_mut().enumerate() {
            let once = program.events[e].mode == EventMode::Once;
            let mut ever = 0u64;
            let keep = lane_mask(&keep, n);
            for (t, acc) in per_step.iter_mut().enumerate() {
                let lanes = &rec.events[e * steps + t];
                count_event_step(acc, once, lanes, n, keep, &mut ever);
            }
        }
        Ok(())
    }

    /// Merge the next chunk's results (chunks are merged in order).
    /// Reduces this chunk's own per-step values into the merged moments
    /// (for a `Results` that took values itself rather than only merges).
    pub fn settle(&mut self) {
        let count = self.series.len();
        for (s, per_step) in self.series.iter_mut().enumerate() {
            for (t, acc) in per_step.iter_mut().enumerate() {
                let batch = std::mem::take(&mut self.step_batches[t * count + s]);
                acc.moments.merge(&batch.to_moments());
            }
        }
    }

    pub fn merge(&mut self, other: Results) {
        self.runs += other.runs;
        self.kept += other.kept;
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes) {
            match (a, b) {
                (OutcomeAcc::Probability(a), OutcomeAcc::Probability(b)) => a.merge(&b),
                (
                    OutcomeAcc::Number { moments, quantiles },
                    OutcomeAcc::Number {
                        moments: m2,
                        quantiles: q2,
                    },
                ) => {
                    moments.merge(&m2);
                    quantiles.merge(q2);
                }
                (OutcomeAcc::Category(a), OutcomeAcc::Category(b)) => {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x += y;
                    }
                }
                _ => {}
            }
        }
        let count = self.series.len();
        if self.brackets.is_none() && other.brackets.is_some() {
            // The first merge past the pilot into an empty total.
            self.brackets = other.brackets.clone();
        }
        for (s, (a, b)) in self.series.iter_mut().zip(other.series).enumerate() {
            for (t, (x, y)) in a.iter_mut().zip(b).enumerate() {
                x.moments.merge(&y.moments);
                x.moments
                    .merge(&other.step_batches[t * count + s].to_moments());
                x.quantiles.merge(y.quantiles);
            }
        }
        self.add_tallies(other.tallies);
        for (a, b) in self.events.iter_mut().zip(other.events) {
            for (x, y) in a.iter_mut().zip(b) {
                x.happened += y.happened;
                x.ever += y.ever;
                x.total += y.total;
            }
        }
        for (a, b) in self.params.iter_mut().zip(other.params) {
            a.merge(&b);
        }
    }
}

/// What the chunks of a refinement pass look for: one probe per outcome
/// whose quantiles are being refined.
#[derive(Clone, Debug, Default)]
pub struct Probes {
    outcomes: Vec<Option<Probe>>,
}

impl Probes {
    /// Looks at values of outcome `outcome` (the kept runs' values, as a
    /// chunk would add them): refinement from stored values rather than
    /// from runs run again.
    pub fn add_outcome(&mut self, outcome: usize, values: &[f64]) {
        if let Some(Some(probe)) = self.outcomes.get_mut(outcome) {
            probe.add_slice(values);
        }
    }

    fn add_batch(&mut self, rec: &BatchRecord, kept: &Kept) {
        let mut buffer = [0.0; LANES];
        for (probe, lanes) in self.outcomes.iter_mut().zip(&rec.outcomes) {
            if let Some(probe) = probe {
                probe.add_slice(kept.gather(lanes, &mut buffer));
            }
        }
    }
}

/// The refinement of every sketched outcome quantile of one [`Results`] to
/// the exact value (see `stats::refine`): the engine runs the same runs
/// again, pass after pass, while any is open. (Time-series quantiles never
/// reach a sketch: past their pilot they are counted in brackets, see
/// [`SeriesPlan`] and `stats::Tally`.)
#[derive(Clone, Debug)]
pub struct Refinements {
    outcomes: Vec<Option<Refinement>>,
}

impl Refinements {
    /// What `results` needs refined: the reported quantiles of every number
    /// outcome held in a sketch.
    pub fn new(results: &Results) -> Refinements {
        Refinements {
            outcomes: results
                .outcomes
                .iter()
                .map(|o| match o {
                    OutcomeAcc::Number { quantiles, .. } => {
                        Refinement::new(quantiles, &REPORTED_PS)
                    }
                    _ => None,
                })
                .collect(),
        }
    }

    fn open(&mut self) -> impl Iterator<Item = &mut Refinement> {
        self.outcomes.iter_mut().flatten().filter(|r| r.is_open())
    }

    /// Whether another pass is needed.
    pub fn is_open(&self) -> bool {
        self.outcomes.iter().flatten().any(Refinement::is_open)
    }

    /// The windows the next pass looks into.
    pub fn open_windows(&self) -> usize {
        self.outcomes
            .iter()
            .flatten()
            .filter(|r| r.is_open())
            .map(Refinement::open_windows)
            .sum()
    }

    /// Starts a pass in which each window keeps at most `allowance` values.
    pub fn begin_pass(&mut self, allowance: usize) {
        self.open().for_each(|r| r.begin_pass(allowance));
    }

    /// Empty probes for one chunk of the current pass.
    pub fn probes(&self) -> Probes {
        Probes {
            outcomes: self
                .outcomes
                .iter()
                .map(|r| r.as_ref().filter(|r| r.is_open()).map(Refinement::probe))
                .collect(),
        }
    }

    /// Takes in one chunk's probes.
    pub fn absorb(&mut self, probes: Probes) {
        for (r, probe) in self.outcomes.iter_mut().zip(probes.outcomes) {
            if let (Some(r), Some(probe)) = (r, probe) {
                r.absorb(probe);
            }
        }
    }

    /// Ends the pass.
    pub fn end_pass(&mut self) {
        self.open().for_each(Refinement::end_pass);
    }

    /// Records the refined quantiles in `results`.
    pub fn finish(self, results: &mut Results) {
        for (r, acc) in self.outcomes.into_iter().zip(&mut results.outcomes) {
            if let (Some(r), OutcomeAcc::Number { quantiles, .. }) = (r, acc) {
                r.finish(quantiles);
            }
        }
    }
}

/// Count one step of an event over lanes `0..n` (those set in `keep`),
/// branch-free on bit masks of the lanes: runs in which it happened (for a
/// once-event: for the first time), runs in which it has happened by now
/// (`ever` carries that per lane from step to step), and the sum of its
/// values.
fn count_event_step(
    acc: &mut EventStep,
    once: bool,
    lanes: &[f64; LANES],
    n: usize,
    keep: u64,
    ever: &mut u64,
) {
    const _: () = assert!(LANES == 64);
    let live = keep
        & if n == LANES {
            u64::MAX
        } else {
            (1u64 << n) - 1
        };
    let (mut now, total) = event_lanes(lanes, live);
    now &= live;
    let first = if once { now & !*ever } else { now };
    *ever |= now;
    acc.happened += u64::from(first.count_ones());
    acc.ever += u64::from((*ever & live).count_ones());
    acc.total += total;
}

/// The lanes whose value is not 0, as a bit mask, and the sum of the values
/// in the lanes set in `live`. An event's value is a whole number (0 or 1,
/// or a count), so its sum is exact in any order: eight partial sums, then
/// one, give the same bits as a sum lane by lane, without its chain of
/// dependent adds.
fn event_lanes(lanes: &[f64; LANES], live: u64) -> (u64, f64) {
    #[cfg(target_arch = "x86_64")]
    if live == u64::MAX && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor supports AVX2, checked just above.
        return unsafe { event_lanes_avx2(lanes) };
    }
    let (mut now, mut total) = (0u64, [0.0f64; 8]);
    for (lane, &v) in lanes.iter().enumerate() {
        now |= u64::from(v != 0.0) << lane;
        total[lane % 8] += if (live >> lane) & 1 == 1 { v } else { 0.0 };
    }
    (now, total.iter().sum())
}

/// [`event_lanes`] for a full batch, four lanes to a register.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn event_lanes_avx2(lanes: &[f64; LANES]) -> (u64, f64) {
    use std::arch::x86_64::*;
    let (mut now, mut total) = (0u64, [0.0f64; 8]);
    // SAFETY: each group of 8 lanes lies inside `lanes`, and `total` holds 8.
    unsafe {
        let zero = _mm256_setzero_pd();
        let (mut ta, mut tb) = (zero, zero);
        for g in 0..LANES / 8 {
            let a = _mm256_loadu_pd(lanes.as_ptr().add(8 * g));
            let b = _mm256_loadu_pd(lanes.as_ptr().add(8 * g + 4));
            let ma = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_NEQ_UQ>(a, zero)) as u64;
            let mb = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_NEQ_UQ>(b, zero)) as u64;
            now |= (ma | (mb << 4)) << (8 * g);
            ta = _mm256_add_pd(ta, a);
            tb = _mm256_add_pd(tb, b);
        }
        _mm256_storeu_pd(total.as_mut_ptr(), ta);
        _mm256_storeu_pd(total.as_mut_ptr().add(4), tb);
    }
    (now, total.iter().sum())
}

/// The lanes `0..n` of a batch whose flag is set, as a bit mask.
fn lane_mask(flags: &[bool; LANES], n: usize) -> u64 {
    flags[..n]
        .iter()
        .enumerate()
        .fold(0, |m, (lane, &f)| m | (u64::from(f) << lane))
}
