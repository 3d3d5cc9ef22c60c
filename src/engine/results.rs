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
use crate::stats::{BatchMoments, Moments, Proportion, Quantiles};

/// Exact quantiles are kept for up to this many runs per outcome.
pub const OUTCOME_EXACT_CAP: usize = 1 << 20;
/// Time-series quantiles (fan charts, p5..p95 per step) come from the first
/// this-many runs, exactly; the time series' means and sds use every run.
/// A fixed subsample keeps them exact and cheap: past 10000 runs the
/// quantiles of a fan chart no longer change visibly.
pub const SERIES_EXACT_CAP: usize = 10_000;
/// ... as long as all the time series together keep at most this many
/// values (64 MB); beyond it fewer runs are kept, and for very long horizons
/// every run goes to the sketch instead, so memory stays bounded.
pub const SERIES_VALUE_BUDGET: usize = 8_000_000;
/// Fewer runs than this would make the quantiles too coarse: use the sketch.
pub const SERIES_MIN_RUNS: usize = 1_000;

/// How many runs feed the time-series quantiles for `quantities` (variables
/// times steps): `Some(runs)` exactly from the first runs, or `None` for a
/// sketch over every run.
pub fn series_cap(quantities: usize) -> Option<usize> {
    let cap = (SERIES_VALUE_BUDGET / quantities.max(1)).min(SERIES_EXACT_CAP);
    (cap >= SERIES_MIN_RUNS).then_some(cap)
}

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

impl StepAcc {
    /// The moments of every value added, merged or not yet.
    pub fn total_moments(&self) -> Moments {
        let mut m = self.moments.clone();
        m.merge(&self.batches.to_moments());
        m
    }
}

#[derive(Clone, Debug)]
pub struct StepAcc {
    /// The merged moments of every chunk so far.
    pub moments: Moments,
    /// This chunk's values, reduced into `moments` when chunks merge.
    pub batches: BatchMoments,
    pub quantiles: Quantiles,
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
    /// `events[e][t - 1]`.
    pub events: Vec<Vec<EventStep>>,
    /// The drawn values of each parameter (kept runs).
    pub params: Vec<Moments>,
    /// Runs whose values feed the time-series quantiles (see [`series_cap`]).
    pub series_cap: Option<u64>,
    /// Scratch for [`Results::add_step`]: whether each event has happened
    /// yet in each lane of the current batch.
    ever: Vec<[bool; LANES]>,
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

/// A categorical outcome whose value is not one of its categories.
#[derive(Clone, Debug, PartialEq)]
pub struct BadCategory {
    pub outcome: usize,
    pub lane: usize,
    pub value: f64,
}

impl Results {
    /// Empty accumulators; without `series`, per-step statistics are not kept.
    pub fn new(model: &Model, program: &Program, series: bool) -> Results {
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
        let series_cap = series_cap(program.series.len() * (steps + 1));
        let step_acc = || StepAcc {
            moments: Moments::new(),
            batches: BatchMoments::default(),
            quantiles: Quantiles::new(series_cap.unwrap_or(0)),
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
            events: program
                .events
                .iter()
                .map(|_| vec![EventStep::default(); steps])
                .collect(),
            params: program.params.iter().map(|_| Moments::new()).collect(),
            series_cap: series_cap.map(|c| c as u64),
            ever: vec![[false; LANES]; program.events.len()],
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
        let quantile_lanes = self
            .series_cap
            .map(|cap| cap.saturating_sub(first_run).min(n as u64) as usize);
        for (s, (spec, per_step)) in program.series.iter().zip(&mut self.series).enumerate() {
            if t == 0 && s >= program.states {
                break;
            }
            let values = &slots[spec.slot as usize][..n];
            let acc = &mut per_step[ti];
            acc.batches.add_slice(values);
            acc.quantiles
                .add_slice(&values[..quantile_lanes.unwrap_or(n)]);
        }
        if t == 0 {
            for ever in &mut self.ever {
                *ever = [false; LANES];
            }
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
            count_event_step(&mut per_step[ti - 1], once, lanes, n, None, ever);
        }
    }

    /// Add lanes `0..n` of a batch, keeping only runs whose condition holds.
    pub fn add_batch(
        &mut self,
        program: &Program,
        rec: &BatchRecord,
        n: usize,
        first_run: u64,
    ) -> Result<(), BadCategory> {
        let steps = program.steps as usize;
        let mut keep = [false; LANES];
        for (i, k) in keep.iter_mut().enumerate().take(n) {
            *k = truthy(rec.condition[i]);
        }
        let kept = keep[..n].iter().filter(|&&k| k).count();
        let all = kept == n;
        self.runs += n as u64;
        self.kept += kept as u64;
        let kept_lanes = Kept { keep, n, all };
        let mut buffer = [0.0; LANES];
        for (o, acc) in self.outcomes.iter_mut().enumerate() {
            let lanes = &rec.outcomes[o];
            match acc {
                OutcomeAcc::Probability(p) => {
                    for lane in (0..n).filter(|&i| keep[i]) {
                        p.add(truthy(lanes[lane]));
                    }
                }
                OutcomeAcc::Number { moments, quantiles } => {
                    let values = kept_lanes.gather(lanes, &mut buffer);
                    moments.add_slice(values);
                    for &v in values {
                        quantiles.add(v);
                    }
                }
                OutcomeAcc::Category(counts) => {
                    for lane in (0..n).filter(|&i| keep[i]) {
                        let v = lanes[lane];
                        let k = v as usize;
                        if v.is_nan() || v.fract() != 0.0 || v < 0.0 || k >= counts.len() {
                            return Err(BadCategory {
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
        // Series quantiles come from the first `series_cap` runs only (see
        // `series_cap`); their moments from every run.
        let quantile_lanes = self
            .series_cap
            .map(|cap| cap.saturating_sub(first_run).min(n as u64) as usize);
        for (s, per_step) in self.series.iter_mut().enumerate() {
            let first = if s < program.states { 0 } else { 1 };
            for (t, acc) in per_step.iter_mut().enumerate().skip(first) {
                let lanes = &rec.series[s * (steps + 1) + t];
                let values = kept_lanes.gather(lanes, &mut buffer);
                acc.batches.add_slice(values);
                match quantile_lanes {
                    Some(q) => {
                        for lane in (0..q).filter(|&i| keep[i]) {
                            acc.quantiles.add(lanes[lane]);
                        }
                    }
                    None => {
                        for &v in values {
                            acc.quantiles.add(v);
                        }
                    }
                }
            }
        }
        for (e, per_step) in self.events.iter_mut().enumerate() {
            let once = program.events[e].mode == EventMode::Once;
            let mut ever = [false; LANES];
            for (t, acc) in per_step.iter_mut().enumerate() {
                let lanes = &rec.events[e * steps + t];
                count_event_step(acc, once, lanes, n, Some(&keep), &mut ever);
            }
        }
        Ok(())
    }

    /// Merge the next chunk's results (chunks are merged in order).
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
        for (a, b) in self.series.iter_mut().zip(other.series) {
            for (x, y) in a.iter_mut().zip(b) {
                x.moments.merge(&y.moments);
                x.moments.merge(&y.batches.to_moments());
                x.quantiles.merge(y.quantiles);
            }
        }
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

/// Count one step of an event over lanes `0..n` (those kept, when `keep` is
/// given), branch-free: runs in which it happened (for a once-event: for the
/// first time), runs in which it has happened by now (`ever` carries that per
/// lane from step to step), and the sum of its values.
fn count_event_step(
    acc: &mut EventStep,
    once: bool,
    lanes: &[f64; LANES],
    n: usize,
    keep: Option<&[bool; LANES]>,
    ever: &mut [bool; LANES],
) {
    let (mut happened, mut by_now, mut total) = (0u64, 0u64, acc.total);
    for (lane, seen) in ever.iter_mut().enumerate().take(n) {
        if keep.is_some_and(|k| !k[lane]) {
            continue;
        }
        let v = lanes[lane];
        let now = v != 0.0;
        happened += u64::from(now & !(once & *seen));
        *seen |= now;
        by_now += u64::from(*seen);
        total += v;
    }
    acc.happened += happened;
    acc.ever += by_now;
    acc.total = total;
}
