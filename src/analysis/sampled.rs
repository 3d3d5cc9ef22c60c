//! Parameter draws from a Latin hypercube or a scrambled Sobol sequence
//! (`--sampling lhs|sobol` for `run`, `compare` and `sweep`), and the
//! intervals such draws need.
//!
//! **What is sampled.** Every parameter with a known, non-constant
//! distribution gets one coordinate of a point in the unit cube, mapped
//! through the distribution's quantile function (`Dist::quantiles`) and
//! injected in place of the parameter's own draw (`exec::Inject`). The
//! model's per-step randomness (events, draws in expressions) stays
//! pseudo-random, from the usual per-(seed, run, variable) streams.
//!
//! **Common random numbers.** A coordinate belongs to a parameter *name*:
//! when several models run together (compared variants, sweep grid points),
//! the names of all their parameters are listed once, in the first model's
//! order and then in order of appearance, and a parameter of that name reads
//! the same coordinate in every model. Run i of two variants then has the
//! same point, mapped through each variant's own distribution, and shares
//! every per-step draw as before.
//!
//! **Replicates.** Quasi-random points are not independent, so the i.i.d.
//! standard error sd/sqrt(n) does not describe their error (for a Sobol
//! sequence it usually overstates it, and nothing guarantees that it does).
//! The runs are cut into [`sobol::REPLICATES`] blocks (more when a block would
//! exceed [`qmc::SOBOL_POINTS`] points), each sampled from its own
//! independent randomisation (its own scramble, or its own Latin
//! hypercube). Block estimates are then independent and unbiased; the
//! reported estimate uses every run, its MCSE is the standard deviation of
//! the block estimates over sqrt(blocks), and its 95% interval is the
//! estimate ± t(blocks - 1) MCSE (randomised quasi-Monte Carlo; Owen 1997,
//! L'Ecuyer & Lemieux 2002). [`Replicates`] collects the block estimates of
//! a model's outcomes from its per-run rows and puts these intervals into
//! its summary.
//!
//! Every point is a pure function of (sampling, seed, runs, parameter
//! names), so results stay bit-identical on any number of threads.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::qmc::{self, Sampling};
use super::sobol;
use crate::engine::exec::Inject;
use crate::engine::{self, Program, Rows, RunOptions, SimError};
use crate::results::Results;
use crate::scenario::{Model, OutcomeKind};
use crate::stats::Moments;
use crate::summary::{self, Estimate, LEVEL, RunContext, SamplingRecord, Summary};

/// Fewest runs `--sampling lhs|sobol` accepts: two per replicate.
pub const MIN_RUNS: u64 = 2 * sobol::REPLICATES as u64;

/// The points of one sampled simulation: a column of uniforms per
/// parameter name, cut into independently randomised blocks of runs.
pub struct Plan {
    pub sampling: Sampling,
    /// Block r is runs `starts[r]..starts[r + 1]`.
    starts: Vec<usize>,
    /// The parameter each column belongs to.
    names: Vec<String>,
    /// `uniforms[d][run]`, in (0, 1).
    uniforms: Vec<Vec<f64>>,
}

impl Plan {
    /// The plan for `runs` runs of `models` run together, or `None` for
    /// pseudo-random sampling (the parameters' own draws). An error when
    /// the runs are too few for replicates, or the points too many to hold.
    pub fn new(
        sampling: Sampling,
        seed: u64,
        runs: u64,
        models: &[&Model],
    ) -> Result<Option<Plan>, String> {
        if sampling == Sampling::Random {
            return Ok(None);
        }
        let flag = format!("--sampling {}", name(sampling));
        if runs < MIN_RUNS {
            return Err(format!(
                "{flag} needs at least {MIN_RUNS} runs ({} independent replicates of at least 2), got {runs}; raise --runs",
                sobol::REPLICATES
            ));
        }
        let mut names: Vec<String> = Vec::new();
        for model in models {
            for (p, dist) in model.steerable_params() {
                let param = &model.var(p).name;
                if dist.quantile(0.0) < dist.quantile(1.0) && !names.contains(param) {
                    names.push(param.clone());
                }
            }
        }
        let count = usize::try_from(runs).unwrap_or(usize::MAX);
        // The uniforms, and each model's values mapped from them.
        let values = count
            .saturating_mul(names.len())
            .saturating_mul(models.len() + 1);
        if values > sobol::SOBOL_MAX_VALUES {
            return Err(format!(
                "{flag} with {} uncertain parameters in {} scenario(s) and {runs} runs would keep {values} values in memory (at most {}); lower --runs, or leave --sampling out",
                names.len(),
                models.len(),
                sobol::SOBOL_MAX_VALUES
            ));
        }
        let starts = sobol::split(count, sobol::REPLICATES);
        let mut uniforms: Vec<Vec<f64>> = vec![Vec::with_capacity(count); names.len()];
        let mut seeds = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x1a7e_5a3b_c0de_d00d);
        for block in starts.windows(2) {
            let points = qmc::points(sampling, seeds.next_u64(), names.len(), block[1] - block[0]);
            for (column, part) in uniforms.iter_mut().zip(points) {
                column.extend(part);
            }
        }
        Ok(Some(Plan {
            sampling,
            starts,
            names,
            uniforms,
        }))
    }

    /// Independent blocks the runs are cut into.
    pub fn replicates(&self) -> usize {
        self.starts.len() - 1
    }

    /// The block that holds `run`.
    pub fn block_of(&self, run: u64) -> usize {
        self.starts
            .partition_point(|&s| s as u64 <= run)
            .saturating_sub(1)
    }

    /// What a summary records of this plan.
    pub fn record(&self) -> SamplingRecord {
        SamplingRecord {
            sampling: name(self.sampling),
            replicates: self.replicates() as u64,
        }
    }

    /// Each of `model`'s parameters' values in every run (indexed like
    /// `model.params`), or `None` for a parameter that keeps its own
    /// definition (constant, or defined from other names). Mapping through
    /// quantile functions runs on every core.
    pub fn values(&self, model: &Model) -> Vec<Option<Vec<f64>>> {
        let steer = model.steerable_params();
        model
            .params
            .par_iter()
            .map(|&p| {
                let (_, dist) = steer.iter().find(|(q, _)| *q == p)?;
                if dist.quantile(0.0) >= dist.quantile(1.0) {
                    return None;
                }
                let dim = self.names.iter().position(|n| *n == model.var(p).name)?;
                Some(dist.quantiles(&self.uniforms[dim]))
            })
            .collect()
    }
}

/// The flag value naming a sampling.
pub fn name(sampling: Sampling) -> &'static str {
    match sampling {
        Sampling::Random => "random",
        Sampling::Lhs => "lhs",
        Sampling::Sobol => "sobol",
    }
}

/// Parameter values to inject, borrowed from [`Plan::values`].
pub struct Injected<'a> {
    columns: Vec<Option<&'a [f64]>>,
}

impl<'a> Injected<'a> {
    /// Inject `values`, except for the parameters at `keep` (indices into
    /// `model.params`), which keep their definitions (a sweep's fixed ones).
    pub fn new(values: &'a [Option<Vec<f64>>], keep: &[usize]) -> Injected<'a> {
        let columns = values
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Some(column) if !keep.contains(&i) => Some(column.as_slice()),
                _ => None,
            })
            .collect();
        Injected { columns }
    }
}

impl Inject for Injected<'_> {
    fn value(&self, param: usize, run: u64) -> Option<f64> {
        self.columns
            .get(param)?
            .as_ref()?
            .get(usize::try_from(run).ok()?)
            .copied()
    }
}

/// The results of one simulation, with the replicates its intervals come
/// from when the parameters were sampled.
pub struct Simulated {
    pub results: Results,
    sampled: Option<(Plan, Replicates)>,
}

impl Simulated {
    /// The summary, with replicate intervals for sampled parameters.
    pub fn summarize(&mut self, model: &Model, ctx: &RunContext) -> Summary {
        let mut summary = summary::summarize(model, &mut self.results, ctx);
        if let Some((plan, replicates)) = &self.sampled {
            replicates.apply(plan, &mut summary);
        }
        summary
    }
}

/// Simulate one model (compiled, with its condition) with its parameters
/// sampled as asked; `on_rows` receives each chunk's rows when
/// `options.rows` is set.
pub fn simulate(
    model: &Model,
    program: &Program,
    sampling: Sampling,
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    on_rows: &mut (dyn FnMut(&Rows) -> std::io::Result<()> + Send),
) -> Result<Simulated, SimError> {
    let plan =
        Plan::new(sampling, options.seed, options.runs, &[model]).map_err(SimError::Input)?;
    let values = plan.as_ref().map(|p| p.values(model)).unwrap_or_default();
    let injected = Injected::new(&values, &[]);
    let inject = plan.as_ref().map(|_| &injected as &(dyn Inject + Sync));
    let mut replicates = plan.as_ref().map(|p| Replicates::new(model, p));
    let deliver = options.rows;
    let options = RunOptions {
        rows: options.rows || plan.is_some(),
        ..options.clone()
    };
    let mut rows_sink = |rows: &Rows| -> std::io::Result<()> {
        if let (Some(r), Some(p)) = (replicates.as_mut(), plan.as_ref()) {
            r.add(p, rows);
        }
        if deliver { on_rows(rows) } else { Ok(()) }
    };
    let results = engine::simulate(model, program, &options, inject, progress, &mut rows_sink)?;
    Ok(Simulated {
        results,
        sampled: plan.zip(replicates),
    })
}

/// One reported quantity of a model: a probability outcome, a number
/// outcome's mean, or one category's share.
#[derive(Clone, Copy)]
enum Track {
    Probability(usize),
    Number(usize),
    Category(usize, usize),
}

/// Block-by-block estimates of a model's outcomes, over the runs kept.
///
/// The moments follow the engine's merge tree: run by run within a block
/// of runs (`engine::BLOCK_CHUNKS` chunks), then block by block in block
/// order into the totals; so the blocks of a sharded run, kept apart
/// ([`Replicates::take_runs_blocks`]) and folded in block order
/// ([`Replicates::fold`]), give the same bits.
pub struct Replicates {
    tracks: Vec<Track>,
    /// `blocks[replicate][track]`: the blocks of runs folded so far.
    blocks: Vec<Vec<Moments>>,
    /// The block of runs being accumulated, and its index.
    current: Vec<Vec<Moments>>,
    runs_block: Option<u64>,
    /// A shard's blocks of runs, kept apart, each flattened.
    kept: Option<Vec<Vec<Moments>>>,
}

impl Replicates {
    pub fn new(model: &Model, plan: &Plan) -> Replicates {
        let mut tracks = Vec::new();
        for (o, outcome) in model.outcomes.iter().enumerate() {
            match &outcome.kind {
                OutcomeKind::Probability => tracks.push(Track::Probability(o)),
                OutcomeKind::Number => tracks.push(Track::Number(o)),
                OutcomeKind::Category(names) => {
                    tracks.extend((0..names.len()).map(|c| Track::Category(o, c)));
                }
            }
        }
        let blocks = vec![vec![Moments::new(); tracks.len()]; plan.replicates()];
        Replicates {
            tracks,
            current: blocks.clone(),
            blocks,
            runs_block: None,
            kept: None,
        }
    }

    /// Replicates of a shard: each block of runs is kept apart for a part.
    pub fn for_shard(model: &Model, plan: &Plan) -> Replicates {
        Replicates {
            kept: Some(Vec::new()),
            ..Replicates::new(model, plan)
        }
    }

    /// The accumulators of each block of runs of a shard
    /// ([`Replicates::for_shard`]), in block order, each flattened
    /// replicate by replicate and track by track.
    pub fn take_runs_blocks(mut self) -> Vec<Vec<Moments>> {
        if self.runs_block.is_some() {
            self.end_runs_block();
        }
        self.kept.unwrap_or_default()
    }

    /// The moments of one block of runs, as [`Replicates::take_runs_blocks`]
    /// gives them: replicates times tracks.
    pub fn block_len(&self) -> usize {
        self.blocks.len() * self.tracks.len()
    }

    /// Folds one block of runs (as [`Replicates::take_runs_blocks`] gives
    /// it) into the totals; false when it has another shape.
    pub fn fold(&mut self, block: &[Moments]) -> bool {
        if block.len() != self.blocks.len() * self.tracks.len() {
            return false;
        }
        let mut at = block.iter();
        for total in self.blocks.iter_mut().flatten() {
            if let Some(m) = at.next() {
                total.merge(m);
            }
        }
        true
    }

    fn end_runs_block(&mut self) {
        let empty = vec![vec![Moments::new(); self.tracks.len()]; self.blocks.len()];
        let done = std::mem::replace(&mut self.current, empty);
        match self.kept.as_mut() {
            Some(kept) => kept.push(done.into_iter().flatten().collect()),
            None => {
                for (total, block) in self.blocks.iter_mut().zip(&done) {
                    for (t, m) in total.iter_mut().zip(block) {
                        t.merge(m);
                    }
                }
            }
        }
    }

    /// The totals over every run added, flattened as one block of runs
    /// ([`Replicates::fold`] into empty replicates gives them back bit for
    /// bit): what a sweep's part keeps of each grid point, whose runs are
    /// all simulated in one part.
    pub fn take_totals(self) -> Vec<Moments> {
        self.totals().into_iter().flatten().collect()
    }

    /// The totals: the folded blocks and the block being accumulated.
    fn totals(&self) -> Vec<Vec<Moments>> {
        let mut totals = self.blocks.clone();
        if self.runs_block.is_some() && self.kept.is_none() {
            for (total, block) in totals.iter_mut().zip(&self.current) {
                for (t, m) in total.iter_mut().zip(block) {
                    t.merge(m);
                }
            }
        }
        totals
    }

    /// Add one chunk's rows (of this model).
    pub fn add(&mut self, plan: &Plan, rows: &Rows) {
        let runs_block = rows.first_run / super::BLOCK_RUNS;
        if self.runs_block.is_some_and(|b| b != runs_block) {
            self.end_runs_block();
        }
        self.runs_block = Some(runs_block);
        for i in 0..rows.len() {
            if !rows.condition[i] {
                continue;
            }
            let block = &mut self.current[plan.block_of(rows.first_run + i as u64)];
            for (acc, track) in block.iter_mut().zip(&self.tracks) {
                let value = match *track {
                    Track::Probability(o) => {
                        super::outcome_value(&OutcomeKind::Probability, rows.outcomes[o][i])
                    }
                    Track::Number(o) => rows.outcomes[o][i],
                    Track::Category(o, c) => {
                        let v = rows.outcomes[o][i];
                        if v.is_nan() {
                            f64::NAN
                        } else {
                            f64::from(v == c as f64)
                        }
                    }
                };
                acc.add(value);
            }
        }
    }

    /// Replace the i.i.d. standard errors and intervals of `summary`'s
    /// outcomes by those of the replicates.
    pub fn apply(&self, plan: &Plan, summary: &mut Summary) {
        let totals = self.totals();
        for (t, track) in self.tracks.iter().enumerate() {
            let spread = Spread::of(totals.iter().map(|b| b[t].mean()));
            let outcome = match *track {
                Track::Probability(o) | Track::Number(o) | Track::Category(o, _) => {
                    &mut summary.outcomes[o]
                }
            };
            match *track {
                Track::Probability(_) => {
                    if let Some(e) = outcome.probability.as_mut() {
                        spread.widen(e);
                    }
                }
                Track::Number(_) => {
                    if let Some(n) = outcome.number.as_mut() {
                        n.mcse = spread.se;
                        n.mean_interval =
                            Some([n.mean - spread.t * spread.se, n.mean + spread.t * spread.se]);
                    }
                }
                Track::Category(_, c) => {
                    if let Some((_, e)) = outcome.categories.get_mut(c) {
                        spread.widen(e);
                    }
                }
            }
        }
        summary.provenance.sampling = Some(plan.record());
    }
}

/// The standard error of an estimate from its independent replicates, and
/// the t quantile its 95% interval uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub se: f64,
    pub t: f64,
}

impl Spread {
    /// From the block estimates (blocks with no estimate, e.g. no run kept,
    /// are left out); NaN with fewer than two.
    pub fn of(estimates: impl Iterator<Item = f64>) -> Spread {
        let values: Vec<f64> = estimates.filter(|v| v.is_finite()).collect();
        let count = values.len();
        if count < 2 {
            return Spread {
                se: f64::NAN,
                t: f64::NAN,
            };
        }
        let mean = values.iter().sum::<f64>() / count as f64;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1) as f64;
        Spread {
            se: (var / count as f64).sqrt(),
            t: sobol::t_quantile(count - 1, 0.5 + LEVEL / 2.0),
        }
    }

    /// A probability's MCSE and interval from the replicates. A share that
    /// is 0 or 1 in every run has no spread to measure (every replicate
    /// agrees); it keeps its Wilson interval, which is never degenerate.
    fn widen(&self, e: &mut Estimate) {
        if e.successes == 0 || e.successes == e.trials {
            return;
        }
        e.mcse = self.se;
        e.lo = (e.p - self.t * self.se).max(0.0);
        e.hi = (e.p + self.t * self.se).min(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_fall_in_their_blocks() {
        let starts = sobol::split(100, sobol::REPLICATES);
        let plan = Plan {
            sampling: Sampling::Lhs,
            starts: starts.clone(),
            names: Vec::new(),
            uniforms: Vec::new(),
        };
        assert_eq!(plan.replicates(), 8);
        for (b, w) in starts.windows(2).enumerate() {
            for run in w[0]..w[1] {
                assert_eq!(plan.block_of(run as u64), b);
            }
        }
    }

    /// Eight replicates 1, 2, ..., 8: sd 2.449, se 0.866, and t(7) at
    /// 0.975 is 2.3646 (any table of Student's t).
    #[test]
    fn spread_is_the_standard_error_of_the_replicates() {
        let s = Spread::of((1..=8).map(f64::from).chain([f64::NAN]));
        assert!((s.se - (6.0f64 / 8.0).sqrt()).abs() < 1e-12, "{s:?}");
        assert!((s.t - 2.3646).abs() < 1e-4, "{s:?}");
        assert!(Spread::of([1.0].into_iter()).se.is_nan());
    }
}
