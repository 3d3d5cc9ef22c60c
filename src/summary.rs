//! Results -> the numbers a reader sees: per outcome, per step, per event.
//!
//! Pure: no files, no clock. The summary is what every exporter (terminal
//! table, CSV, JSON, charts, reports) reads, so they all agree.

use rayon::prelude::*;
use serde::Serialize;

use crate::results::{OutcomeAcc, Results, StepAcc};
use crate::scenario::{EventMode, Model, OutcomeKind, VarKind};
use crate::stats::{Proportion, SKETCH_ALPHA, wilson_interval, z_for_level};

/// Confidence level of every interval polsim reports.
pub const LEVEL: f64 = 0.95;
/// Quantiles reported for numbers and series.
pub const PROBS: [f64; 5] = crate::stats::REPORTED_PS;
/// Below this many kept runs, intervals are flagged as unreliable.
pub const FEW_RUNS: u64 = 100;

#[derive(Clone, Debug, Serialize)]
pub struct Provenance {
    pub polsim_version: String,
    pub scenario: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub runs: u64,
    pub steps: u32,
    pub step_unit: String,
    pub start: Option<String>,
    /// `--given` condition, when runs were filtered.
    pub given: Option<String>,
    pub kept_runs: u64,
    /// Parameters overridden with `--set`.
    pub overrides: Vec<String>,
    /// How the uncertain parameters were sampled, when not pseudo-random
    /// (`--sampling lhs|sobol`): the intervals then come from replicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampling: Option<SamplingRecord>,
    /// `--precision`: the target, and whether the runs met it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionRecord>,
}

/// What a run with `--precision` asked for and what it reached.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PrecisionRecord {
    /// The target: the largest half-width of a probability's 95% interval,
    /// and of a number's mean's, relative to the mean.
    pub target: f64,
    /// The cap on runs (`--max-runs`).
    pub max_runs: u64,
    /// Rounds simulated (each from run 0) before stopping.
    pub rounds: u32,
    /// Whether every outcome met the target.
    pub met: bool,
    /// The outcomes that did not, with their half-width and its goal.
    pub unmet: Vec<Miss>,
    /// `--precision-for`: the outcomes the rule watched; empty when it
    /// watched every reported outcome.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<String>,
}

/// An outcome (or a category of it) whose interval is wider than asked.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Miss {
    pub outcome: String,
    pub half_width: f64,
    pub goal: f64,
}

/// Parameters sampled by a Latin hypercube or a scrambled Sobol sequence,
/// in independently randomised replicates.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SamplingRecord {
    /// "lhs" or "sobol".
    pub sampling: &'static str,
    /// Independent replicates (blocks of runs) the intervals come from.
    pub replicates: u64,
}

impl Provenance {
    /// What sets this run apart from the scenario as written, in words a
    /// chart subtitle or a report heading can carry: "with threat=0.9, given
    /// count(incident) >= 1"; `None` for a plain run.
    pub fn what_if(&self) -> Option<String> {
        what_if(&self.overrides, self.given.as_deref())
    }
}

/// "with a=1, b=2, given COND", from `--set` overrides and a `--given`
/// condition; `None` when there are neither.
pub fn what_if(overrides: &[String], given: Option<&str>) -> Option<String> {
    let mut parts = Vec::new();
    if !overrides.is_empty() {
        parts.push(format!("with {}", overrides.join(", ")));
    }
    if let Some(given) = given {
        parts.push(format!("given {given}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A probability with its 95% Wilson interval and Monte Carlo standard error.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Estimate {
    pub p: f64,
    pub lo: f64,
    pub hi: f64,
    pub mcse: f64,
    pub successes: u64,
    pub trials: u64,
}

impl Estimate {
    pub fn new(successes: u64, trials: u64) -> Estimate {
        let prop = Proportion { successes, trials };
        let (lo, hi) = wilson_interval(successes, trials, z_for_level(LEVEL));
        Estimate {
            p: prop.estimate(),
            lo,
            hi,
            mcse: prop.mcse(),
            successes,
            trials,
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NumberStats {
    /// Runs with a value.
    pub n: u64,
    /// Runs with none (e.g. `first(e)` when `e` never happened).
    pub none: u64,
    pub mean: f64,
    pub sd: f64,
    pub mcse: f64,
    /// The 95% interval of the mean when it is not mean ± 1.96 MCSE: from
    /// replicates (a t interval), with `--sampling lhs|sobol`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_interval: Option<[f64; 2]>,
    pub min: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    pub max: f64,
    /// False when the quantiles come from the sketch (within 0.5% relative).
    pub exact_quantiles: bool,
    /// Outcomes only: the Monte Carlo standard errors of `sd` and of the
    /// quantiles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread_mcse: Option<SpreadMcse>,
}

/// The Monte Carlo standard errors of a number's spread statistics.
///
/// `sd`: the delta method's sqrt((m4 - s^4) / (4 s^2 n)), with m4 the
/// fourth central moment (for a normal outcome, s / sqrt(2n)). Quantile p:
/// from the order-statistic interval: the ranks n p ± z sqrt(n p (1 - p))
/// bound a 95% interval for the true quantile (the binomial count of
/// values below it), and the MCSE is that interval's width over 2z.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SpreadMcse {
    pub sd: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct OutcomeSummary {
    pub name: String,
    pub label: String,
    pub unit: String,
    pub doc: String,
    pub source: Vec<String>,
    /// "probability", "number" or "category".
    pub kind: &'static str,
    pub probability: Option<Estimate>,
    pub number: Option<NumberStats>,
    pub categories: Vec<(String, Estimate)>,
    /// For numbers: the shape of the distribution, for charts.
    pub distribution: Option<Distribution>,
}

impl OutcomeSummary {
    /// (estimate, lo, hi) of the outcome, or of one of its categories: a
    /// chance with its Wilson interval, or a mean with its normal interval.
    pub fn estimate(&self, category: Option<&str>) -> Option<(f64, f64, f64)> {
        if let Some(cat) = category {
            return self
                .categories
                .iter()
                .find(|(n, _)| n == cat)
                .map(|(_, e)| (e.p, e.lo, e.hi));
        }
        if let Some(e) = self.probability {
            return Some((e.p, e.lo, e.hi));
        }
        let n = self.number.as_ref()?;
        if let Some([lo, hi]) = n.mean_interval {
            return Some((n.mean, lo, hi));
        }
        let z = crate::stats::z_for_level(LEVEL);
        Some((n.mean, n.mean - z * n.mcse, n.mean + z * n.mcse))
    }
}

/// A number's distribution over runs: a histogram and CDF points.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Distribution {
    /// Bin edges (one more than counts); bin i is [edges[i], edges[i+1]).
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
    /// True when every value is a whole number (one bin per value if few).
    pub integer: bool,
    /// (value, P(X <= value)) points, increasing; at most `CDF_POINTS`.
    pub cdf: Vec<(f64, f64)>,
}

/// Histogram bins and CDF points kept per number outcome.
pub const HISTOGRAM_BINS: usize = 40;
pub const CDF_POINTS: usize = 200;

#[derive(Clone, Debug, Serialize)]
pub struct StepStats {
    pub step: u32,
    pub period: String,
    #[serde(flatten)]
    pub stats: NumberStats,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeriesSummary {
    pub name: String,
    pub label: String,
    /// "state" or "derived".
    pub kind: &'static str,
    pub unit: String,
    /// True when every value is 0 or 1 (the model says so before running):
    /// its mean at a step is the chance it is "yes" then.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub yes_no: bool,
    pub steps: Vec<StepStats>,
}

#[derive(Clone, Debug, Serialize)]
pub struct EventStepStats {
    pub step: u32,
    pub period: String,
    /// Chance that it happens at this step (a once-event: for the first time).
    pub in_step: Estimate,
    /// Chance that it has happened at least once by the end of this step.
    pub by_step: Estimate,
    /// Mean count at this step (count events; otherwise equal to the share of runs).
    pub mean_count: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct EventSummary {
    pub name: String,
    pub label: String,
    /// "once", "repeat" or "count".
    pub mode: &'static str,
    pub steps: Vec<EventStepStats>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ParamSummary {
    pub name: String,
    pub label: String,
    /// The definition as written, e.g. "pert(0.1, 0.3, 0.6)".
    pub definition: String,
    pub unit: String,
    pub doc: String,
    pub source: Vec<String>,
    pub mean: f64,
    pub sd: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub provenance: Provenance,
    pub name: String,
    pub description: String,
    pub outcomes: Vec<OutcomeSummary>,
    pub parameters: Vec<ParamSummary>,
    pub series: Vec<SeriesSummary>,
    pub events: Vec<EventSummary>,
    /// The relative accuracy of sketched quantiles, for the record.
    pub sketch_relative_error: f64,
}

/// Context the results alone do not carry.
#[derive(Clone, Debug, Default)]
pub struct RunContext {
    pub given: Option<String>,
    pub overrides: Vec<String>,
    /// Parameter definitions as written (name, text).
    pub definitions: Vec<(String, String)>,
}

pub fn summarize(model: &Model, results: &mut Results, ctx: &RunContext) -> Summary {
    let info = &model.info;
    let provenance = Provenance {
        polsim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: info.name.clone(),
        scenario_file: info.path.clone(),
        scenario_sha256: info.hash.clone(),
        seed: info.seed,
        runs: results.runs,
        steps: info.steps,
        step_unit: info.time.unit.clone(),
        start: info.time.start.clone(),
        given: ctx.given.clone(),
        kept_runs: results.kept,
        overrides: ctx.overrides.clone(),
        sampling: None,
        precision: None,
    };
    let kept = results.kept;
    // Outcomes and series are summarised on every core (sorting their exact
    // quantile buffers dominates); each is independent of the others.
    let outcomes = model
        .outcomes
        .par_iter()
        .zip(results.outcomes.par_iter_mut())
        .map(|(o, acc)| {
            let mut s = OutcomeSummary {
                name: o.name.clone(),
                label: o.title().to_string(),
                unit: o.doc.unit.clone(),
                doc: o.doc.doc.clone(),
                source: o.doc.source.clone(),
                kind: "number",
                probability: None,
                number: None,
                categories: Vec::new(),
                distribution: None,
            };
            match (acc, &o.kind) {
                (OutcomeAcc::Probability(p), _) => {
                    s.kind = "probability";
                    s.probability = Some(Estimate::new(p.successes, p.trials));
                }
                (OutcomeAcc::Number { moments, quantiles }, _) => {
                    let mut stats = number_stats(moments, quantiles);
                    stats.spread_mcse = Some(spread_mcse(&stats, quantiles));
                    s.number = Some(stats);
                    let h = quantiles.histogram(HISTOGRAM_BINS);
                    s.distribution = Some(Distribution {
                        edges: h.edges,
                        counts: h.counts,
                        integer: h.integer,
                        cdf: quantiles.cdf_points(CDF_POINTS),
                    });
                }
                (OutcomeAcc::Category(counts), OutcomeKind::Category(names)) => {
                    s.kind = "category";
                    s.categories = names
                        .iter()
                        .zip(counts.iter())
                        .map(|(n, &c)| (n.clone(), Estimate::new(c, kept)))
                        .collect();
                }
                _ => {}
            }
            s
        })
        .collect();
    let parameters = model
        .params
        .iter()
        .zip(&results.params)
        .map(|(&p, m)| {
            let var = model.var(p);
            let definition = ctx
                .definitions
                .iter()
                .find(|(n, _)| *n == var.name)
                .map(|(_, d)| d.clone())
                .or_else(|| match &var.kind {
                    VarKind::Param { dist: Some(d), .. } => Some(d.describe()),
                    _ => None,
                })
                .unwrap_or_default();
            ParamSummary {
                name: var.name.clone(),
                label: var.title().to_string(),
                definition,
                unit: var.doc.unit.clone(),
                doc: var.doc.doc.clone(),
                source: var.doc.source.clone(),
                mean: m.mean(),
                sd: m.sd(),
            }
        })
        .collect();
    let (series_vars, series_states) = model.series_vars();
    results.settle();
    let yes_no =
        crate::scenario::check::yes_no_vars(&model.vars, &model.interventions, &series_vars);
    let brackets = results.brackets.clone();
    let count = results.series.len();
    let tallies = &results.tallies;
    let tally = |s: usize, t: usize| tallies.get(t * count + s).and_then(Option::as_ref);
    let series = series_vars
        .par_iter()
        .zip(results.series.par_iter_mut())
        .enumerate()
        .map(|(i, (&v, per_step))| {
            let var = model.var(v);
            let first = if i < series_states { 0 } else { 1 };
            SeriesSummary {
                name: var.name.clone(),
                label: var.title().to_string(),
                kind: if first == 0 { "state" } else { "derived" },
                unit: var.doc.unit.clone(),
                yes_no: yes_no.contains(&v),
                steps: per_step
                    .iter_mut()
                    .enumerate()
                    .skip(first)
                    .map(|(t, acc)| StepStats {
                        step: t as u32,
                        period: info.time.label(t as u32),
                        stats: step_stats(acc, tally(i, t), brackets.as_ref().map(|b| b.get(i, t))),
                    })
                    .collect(),
            }
        })
        .collect();
    let events = model
        .events()
        .zip(&results.events)
        .map(|(v, per_step)| {
            let var = model.var(v);
            let mode = match var.kind {
                VarKind::Event {
                    mode: EventMode::Once,
                    ..
                } => "once",
                VarKind::Event {
                    mode: EventMode::Count,
                    ..
                } => "count",
                _ => "repeat",
            };
            EventSummary {
                name: var.name.clone(),
                label: var.title().to_string(),
                mode,
                steps: per_step
                    .iter()
                    .enumerate()
                    .map(|(i, e)| EventStepStats {
                        step: i as u32 + 1,
                        period: info.time.label(i as u32 + 1),
                        in_step: Estimate::new(e.happened, kept),
                        by_step: Estimate::new(e.ever, kept),
                        mean_count: if kept > 0 {
                            e.total / kept as f64
                        } else {
                            f64::NAN
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    Summary {
        provenance,
        name: info.name.clone(),
        description: info.description.clone(),
        outcomes,
        parameters,
        series,
        events,
        sketch_relative_error: SKETCH_ALPHA,
    }
}

fn number_stats(
    moments: &crate::stats::Moments,
    quantiles: &mut crate::stats::Quantiles,
) -> NumberStats {
    let q = quantiles.quantiles(&PROBS);
    stats_of(moments, &q, quantiles.is_exact())
}

/// A time series' statistics at one step: its quantiles from the pilot's
/// values or, past the pilot, from the counts in its brackets.
fn step_stats(
    acc: &mut StepAcc,
    tally: Option<&crate::stats::Tally>,
    brackets: Option<&crate::stats::Brackets>,
) -> NumberStats {
    let (q, exact) = acc.quantiles_at(tally, brackets, &PROBS);
    stats_of(&acc.moments, &q, exact)
}

/// The statistics of a quantity from its moments and its quantiles at
/// [`PROBS`].
fn stats_of(moments: &crate::stats::Moments, q: &[f64], exact_quantiles: bool) -> NumberStats {
    NumberStats {
        n: moments.count(),
        none: moments.none(),
        mean: moments.mean(),
        sd: moments.sd(),
        mcse: moments.mcse(),
        mean_interval: None,
        min: moments.min(),
        p5: q[0],
        p25: q[1],
        p50: q[2],
        p75: q[3],
        p95: q[4],
        max: moments.max(),
        exact_quantiles,
        spread_mcse: None,
    }
}

/// Points of the quantile function read to estimate the fourth moment once
/// the values are in the sketch.
const SKETCH_MOMENT_POINTS: usize = 4096;

/// The standard errors of `stats`' sd and quantiles (see [`SpreadMcse`]).
pub fn spread_mcse(stats: &NumberStats, quantiles: &mut crate::stats::Quantiles) -> SpreadMcse {
    let n = stats.n;
    let z = z_for_level(LEVEL);
    let quantile = |q: &mut crate::stats::Quantiles, p: f64| -> f64 {
        if n < 2 {
            return f64::NAN;
        }
        let half = z * (p * (1.0 - p) / n as f64).sqrt();
        let (lo, hi) = ((p - half).max(0.0), (p + half).min(1.0));
        let bounds = q.quantiles(&[lo, hi]);
        (bounds[1] - bounds[0]) / (2.0 * z)
    };
    let fourth = fourth_moment(stats, quantiles);
    let s2 = stats.sd * stats.sd;
    let sd = if n >= 2 && s2 > 0.0 {
        ((fourth - s2 * s2).max(0.0) / (4.0 * s2 * n as f64)).sqrt()
    } else if n >= 2 {
        0.0
    } else {
        f64::NAN
    };
    SpreadMcse {
        sd,
        p5: quantile(quantiles, PROBS[0]),
        p25: quantile(quantiles, PROBS[1]),
        p50: quantile(quantiles, PROBS[2]),
        p75: quantile(quantiles, PROBS[3]),
        p95: quantile(quantiles, PROBS[4]),
    }
}

/// The fourth central moment of the values: exact while every value is
/// kept (each sorted value read once), else from the quantile function
/// at evenly spaced probabilities.
fn fourth_moment(stats: &NumberStats, quantiles: &mut crate::stats::Quantiles) -> f64 {
    let n = stats.n as usize;
    if n < 2 || !stats.mean.is_finite() {
        return f64::NAN;
    }
    let fourth = |values: &[f64]| {
        let sum: f64 = values.iter().map(|v| (v - stats.mean).powi(4)).sum();
        sum / values.len() as f64
    };
    if let Some(values) = quantiles.sorted_exact()
        && values.len() == n
    {
        return fourth(values);
    }
    let ps: Vec<f64> = (0..SKETCH_MOMENT_POINTS)
        .map(|i| (i as f64 + 0.5) / SKETCH_MOMENT_POINTS as f64)
        .collect();
    fourth(&quantiles.quantiles(&ps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Moments, Quantiles};

    /// Standard normal draws by Box-Muller from a fixed xoshiro stream.
    fn normals(count: usize, seed: u64) -> Vec<f64> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut unit = || ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        (0..count)
            .map(|_| {
                let (u, v) = (unit(), unit());
                (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
            })
            .collect()
    }

    /// For n normal values the standard error of the sd is sigma /
    /// sqrt(2n), and of the p-quantile sqrt(p (1 - p) / n) / phi(z_p), with
    /// phi the normal density (Kendall & Stuart, The Advanced Theory of
    /// Statistics, vol. 1, 10.8 and 10.10). The estimates are noisy
    /// themselves: the sd's through the fourth moment (relative sd about
    /// 1.9 / sqrt(n), from the normal's moments up to the eighth), a
    /// quantile's through the gap between the order
    /// statistics that bound its interval (relative sd 1 / sqrt(k) for a
    /// gap of k ranks: 1960 at the median, 854 at p95, for n = 10^6). The
    /// tolerances are five of those standard deviations.
    #[test]
    fn spread_mcse_matches_the_normal_closed_forms() {
        let n = 1_000_000usize;
        let values = normals(n, 17);
        let mut moments = Moments::new();
        let mut quantiles = Quantiles::new(n);
        for &v in &values {
            moments.add(v);
            quantiles.add(v);
        }
        let mut stats = number_stats(&moments, &mut quantiles);
        assert!(quantiles.is_exact());
        let m = spread_mcse(&stats, &mut quantiles);
        let root_n = (n as f64).sqrt();
        let sd_truth = stats.sd / (2.0 * n as f64).sqrt();
        assert!((m.sd / sd_truth - 1.0).abs() < 5.0 * 1.9 / root_n, "{m:?}");
        let density = |z: f64| (-z * z / 2.0).exp() / std::f64::consts::TAU.sqrt();
        for (p, z, got, gap) in [
            (0.5, 0.0, m.p50, 1960.0),
            (0.95, 1.644_853_6, m.p95, 854.0),
            (0.05, -1.644_853_6, m.p5, 854.0),
        ] {
            let truth = (p * (1.0 - p) / n as f64).sqrt() / density(z);
            assert!(
                (got / truth - 1.0).abs() < 5.0 / f64::sqrt(gap),
                "p = {p}: {got} vs {truth}"
            );
        }
        // Integer values: the order-statistic interval of a quantile of a
        // count is one value, so it is known exactly at this run count.
        let mut counts = Quantiles::new(1000);
        let mut count_moments = Moments::new();
        for i in 0..1000 {
            counts.add(f64::from(i % 3));
            count_moments.add(f64::from(i % 3));
        }
        stats = number_stats(&count_moments, &mut counts);
        assert_eq!(spread_mcse(&stats, &mut counts).p50, 0.0);
    }
}
