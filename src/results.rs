//! Results of a simulation: mergeable accumulators for outcomes, per-step
//! series, events and parameters.
//!
//! Each chunk of runs fills its own [`Results`]; chunks are merged in chunk
//! order, so the totals are bit-identical on any number of threads. Memory
//! is bounded whatever the run count: quantiles are exact up to a cap per
//! quantity and a relative-error sketch beyond it (see `stats::quantiles`).

use crate::engine::exec::BatchRecord;
use crate::engine::program::Program;
use crate::expr::ast::truthy;
use crate::scenario::{EventMode, Model, OutcomeKind};
use crate::stats::{Moments, Proportion, Quantiles};

/// Exact quantiles are kept for up to this many runs per outcome.
pub const OUTCOME_EXACT_CAP: usize = 1 << 20;
/// ... and for up to this many runs per variable and step of a time series,
pub const SERIES_EXACT_CAP: usize = 10_000;
/// ... as long as all the time series together keep at most this many
/// values (64 MB); beyond it the cap shrinks, and for very long horizons the
/// series go straight to the sketch, so memory stays bounded.
pub const SERIES_VALUE_BUDGET: usize = 8_000_000;

/// The exact-quantile cap per (variable, step) for `quantities` of them.
pub fn series_cap(quantities: usize) -> usize {
    let cap = SERIES_VALUE_BUDGET / quantities.max(1);
    if cap >= SERIES_EXACT_CAP {
        SERIES_EXACT_CAP
    } else if cap >= 1024 {
        cap
    } else {
        0
    }
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

#[derive(Clone, Debug)]
pub struct StepAcc {
    pub moments: Moments,
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
        let cap = series_cap(program.series.len() * (steps + 1));
        let step_acc = || StepAcc {
            moments: Moments::new(),
            quantiles: Quantiles::new(cap),
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
        }
    }

    /// Add lanes `0..n` of a batch, keeping only runs whose condition holds.
    pub fn add_batch(
        &mut self,
        program: &Program,
        rec: &BatchRecord,
        n: usize,
    ) -> Result<(), BadCategory> {
        let steps = program.steps as usize;
        let keep: Vec<bool> = (0..n).map(|i| truthy(rec.condition[i])).collect();
        self.runs += n as u64;
        self.kept += keep.iter().filter(|&&k| k).count() as u64;
        for (o, acc) in self.outcomes.iter_mut().enumerate() {
            let lanes = &rec.outcomes[o];
            for lane in (0..n).filter(|&i| keep[i]) {
                let v = lanes[lane];
                match acc {
                    OutcomeAcc::Probability(p) => p.add(truthy(v)),
                    OutcomeAcc::Number { moments, quantiles } => {
                        moments.add(v);
                        quantiles.add(v);
                    }
                    OutcomeAcc::Category(counts) => {
                        let k = v as usize;
                        if v.fract() != 0.0 || v < 0.0 || k >= counts.len() || v.is_nan() {
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
        for (s, per_step) in self.series.iter_mut().enumerate() {
            let first = if s < program.states { 0 } else { 1 };
            for (t, acc) in per_step.iter_mut().enumerate().skip(first) {
                let lanes = &rec.series[s * (steps + 1) + t];
                for lane in (0..n).filter(|&i| keep[i]) {
                    acc.moments.add(lanes[lane]);
                    acc.quantiles.add(lanes[lane]);
                }
            }
        }
        for (e, per_step) in self.events.iter_mut().enumerate() {
            let once = program.events[e].mode == EventMode::Once;
            for lane in (0..n).filter(|&i| keep[i]) {
                let mut ever = false;
                for (t, acc) in per_step.iter_mut().enumerate() {
                    let v = rec.events[e * steps + t][lane];
                    let now = v != 0.0;
                    let new = now && !ever;
                    if if once { new } else { now } {
                        acc.happened += 1;
                    }
                    ever |= now;
                    if ever {
                        acc.ever += 1;
                    }
                    acc.total += v;
                }
            }
        }
        for (i, m) in self.params.iter_mut().enumerate() {
            for lane in (0..n).filter(|&l| keep[l]) {
                m.add(rec.params[i][lane]);
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
