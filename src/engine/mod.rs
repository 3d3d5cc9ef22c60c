//! The Monte Carlo engine: compiled program in, merged results out.
//!
//! Runs are cut into chunks of [`CHUNK_RUNS`] (fixed, whatever the thread
//! count); chunks run in parallel on a rayon pool, each in batches of
//! [`LANES`] runs, and their results are merged along a fixed tree: the
//! chunks of each block of [`BLOCK_CHUNKS`] in chunk order, then the blocks
//! in block order. Together with per-(seed, run, variable) random streams
//! this makes results bit-identical on any number of threads, and when the
//! blocks are computed by separate processes ([`shard`]) and merged. Chunks
//! flow through a pipeline: a bounded number run ahead of the last one
//! merged, and a new one starts as each is merged, so memory is bounded and
//! no thread waits at a barrier. Per-run rows leave through a callback (for
//! `runs.csv`).

mod bank;
pub mod compile;
pub mod exec;
pub mod program;
pub mod results;
pub mod rng;
pub mod shard;

use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;

use crate::scenario::Model;
use crate::stats::BatchMoments;
use bank::Bank;
use exec::{BatchRecord, Fault, Inject, Workspace};
pub use program::{LANES, Program};
use results::{Results, SeriesBrackets};

/// Runs per chunk: the unit of parallel work and of merging.
pub const CHUNK_RUNS: u64 = 1024;

/// Chunks per block: the unit of the merge tree and of shards. A block's
/// chunks are merged in chunk order into an empty `Results`, and blocks in
/// block order into the total; a shard holds whole blocks (16,384 runs).
pub const BLOCK_CHUNKS: u64 = 16;

/// The memory the per-step accumulators of chunks in flight may take
/// before fewer chunks are run at once (down to one).
const IN_FLIGHT_BUDGET: u64 = 1 << 30;

#[derive(Clone, Debug)]
pub struct RunOptions {
    pub runs: u64,
    pub seed: u64,
    /// 0 = all cores.
    pub threads: usize,
    /// Deliver per-run rows to the callback.
    pub rows: bool,
}

/// Per-run values of one chunk, in run order: what `runs.csv` holds and what
/// analyses that need every run (rank correlation, paired comparison) read.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    pub first_run: u64,
    /// `params[p][i]` for run `first_run + i`; empty when the job asked
    /// for none (`Job::row_params`).
    pub params: Vec<Vec<f64>>,
    pub outcomes: Vec<Vec<f64>>,
    pub condition: Vec<bool>,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.condition.len()
    }

    pub fn is_empty(&self) -> bool {
        self.condition.is_empty()
    }
}

/// A run stopped by the model itself: reproducible from the seed.
#[derive(Clone, Debug, PartialEq)]
pub struct RunError {
    pub what: String,
    pub name: String,
    pub step: u32,
    pub step_label: String,
    pub run: u64,
    pub message: String,
    pub inputs: Vec<(String, f64)>,
    pub seed: u64,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let when = if self.step_label == self.step.to_string() {
            format!("step {}", self.step)
        } else {
            format!("step {} ({})", self.step, self.step_label)
        };
        write!(
            f,
            "{} `{}` at {when} of run {}: {}",
            self.what, self.name, self.run, self.message
        )?;
        if !self.inputs.is_empty() {
            let values: Vec<String> = self
                .inputs
                .iter()
                .map(|(n, v)| format!("{n} = {v}"))
                .collect();
            write!(f, "\n  values in that run: {}", values.join(", "))?;
        }
        let hint = match self.what.as_str() {
            "event" => {
                "; to keep a probability in range on purpose, write clamp(..., 0, 1) in the file"
            }
            "state variable" => {
                "; look in its update for a division by zero, or ln or sqrt of a negative number"
            }
            "random draw in" => "; check the distribution's arguments in that expression",
            _ => "",
        };
        write!(
            f,
            "\n  the same run fails again with --seed {} (run index {}){hint}",
            self.seed, self.run
        )
    }
}

impl std::error::Error for RunError {}

/// One scenario to simulate: its model, program and optional parameter values.
#[derive(Clone, Copy)]
pub struct Job<'a> {
    pub model: &'a Model,
    pub program: &'a Program,
    pub inject: Option<&'a (dyn Inject + Sync)>,
    /// Keep per-step statistics of every variable (time series); analyses
    /// that need only outcomes turn this off to save memory and time.
    pub series: bool,
    /// Make the reported quantiles exact when a sketch holds the values
    /// (past the exact caps of `results`), by running the runs again;
    /// analyses that read no quantiles turn this off.
    pub exact_quantiles: bool,
    /// With `RunOptions::rows`, give each run's parameter values too
    /// (`Rows::params`); without, `params` is empty.
    pub row_params: bool,
}

/// A receiver of each chunk's per-run rows, one `Rows` per job. It runs
/// on the calling thread in chunk order, inside the simulation's thread
/// pool, so its own parallel work (`rayon`) shares the simulation's threads.
pub type RowsSink<'a> = dyn FnMut(&[Rows]) -> std::io::Result<()> + Send + 'a;

/// Simulate `options.runs` runs. `progress` is told how many runs are done;
/// `on_rows` receives each chunk's per-run rows in order when asked for.
pub fn simulate(
    model: &Model,
    program: &Program,
    options: &RunOptions,
    inject: Option<&(dyn Inject + Sync)>,
    progress: &(dyn Fn(u64) + Sync),
    on_rows: &mut (dyn FnMut(&Rows) -> std::io::Result<()> + Send),
) -> Result<Results, SimError> {
    let job = Job {
        model,
        program,
        inject,
        series: true,
        exact_quantiles: true,
        row_params: true,
    };
    let mut results = simulate_many(&[job], options, progress, &mut |rows: &[Rows]| match rows
        .first()
    {
        Some(r) => on_rows(r),
        None => Ok(()),
    })?;
    results
        .pop()
        .ok_or_else(|| SimError::Io(std::io::Error::other("no results")))
}

/// Simulate several scenarios in lockstep with the same seed and run
/// indices: chunk c of every job is computed together and its rows are
/// delivered together (one `Rows` per job, in job order), so run i of one
/// scenario can be paired with run i of another without holding every run in
/// memory. Common random numbers make such pairs share every draw the two
/// models have in common.
///
/// Chunks are merged along the fixed tree of [`BLOCK_CHUNKS`]: each block's
/// chunks into an empty `Results` in chunk order, then the blocks into the
/// total in block order. A shard (`shard::simulate_blocks`) computes whole
/// blocks the same way, so shards merged in block order give these bits.
pub fn simulate_many(
    jobs: &[Job<'_>],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    on_rows: &mut RowsSink<'_>,
) -> Result<Vec<Results>, SimError> {
    let pool = Pool::new(jobs, options)?;
    let plans = series_plans(jobs);
    let mut totals: Vec<Results> = jobs
        .iter()
        .zip(&plans)
        .map(|(j, plan)| Results::new(j.model, j.program, *plan))
        .collect();
    let blocks = 0..block_count(options.runs);
    simulate_blocks_with(
        jobs,
        options,
        &pool,
        blocks,
        progress,
        on_rows,
        &mut |job, _block, results| totals[job].merge(results),
    )?;
    refine(jobs, options, &pool.pool, pool.window, &mut totals)?;
    Ok(totals)
}

/// How each job keeps its time series (`None`: it does not), with the
/// pilot's budget shared by every job that keeps them.
pub fn series_plans(jobs: &[Job<'_>]) -> Vec<Option<results::SeriesPlan>> {
    results::SeriesPlan::shared(jobs.iter().map(|j| (j.program, j.series)))
}

/// Blocks of `runs` runs: the last may hold fewer than [`BLOCK_CHUNKS`] chunks.
pub fn block_count(runs: u64) -> u64 {
    runs.div_ceil(CHUNK_RUNS).div_ceil(BLOCK_CHUNKS)
}

/// The chunks of block `block` when `runs` runs are simulated.
pub fn block_chunks(block: u64, runs: u64) -> std::ops::Range<u64> {
    let chunks = runs.div_ceil(CHUNK_RUNS);
    (block * BLOCK_CHUNKS).min(chunks)..((block + 1) * BLOCK_CHUNKS).min(chunks)
}

/// The thread pool of a simulation and how many chunks it keeps in flight.
pub(crate) struct Pool {
    pub(crate) pool: rayon::ThreadPool,
    pub(crate) window: u64,
}

impl Pool {
    /// A pool of `options.threads` threads; refuses jobs whose per-step
    /// statistics could not be held.
    pub(crate) fn new(jobs: &[Job<'_>], options: &RunOptions) -> Result<Pool, SimError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads)
            .build()
            .map_err(|e| SimError::Io(std::io::Error::other(e.to_string())))?;
        let threads = pool.current_num_threads() as u64;
        let mut per_chunk = 0u64;
        let plans = series_plans(jobs);
        for (job, plan) in jobs.iter().zip(&plans) {
            let Some(plan) = plan else { continue };
            let (series, steps) = (job.program.series.len(), job.program.steps);
            let pairs = series * (steps as usize + 1);
            if pairs > results::MAX_SERIES_PAIRS {
                return Err(SimError::Input(format!(
                    "per-step statistics of {series} variables over {} steps ({pairs} values per run) \
                     would need about {:.1} GB; polsim keeps at most {} (variable, step) pairs: \
                     keep time series only for the variables you need (`series = [...]` or \
                     `series = \"charted\"` under [scenario]), or shorten the horizon (`steps`)",
                    steps,
                    chunk_bytes(job, plan) as f64 * (threads + 1) as f64 / 1e9,
                    results::MAX_SERIES_PAIRS
                )));
            }
            per_chunk += chunk_bytes(job, plan);
        }
        // Chunks in flight at once: four per thread keeps every core busy, but
        // each holds a `Results`; for models with very many per-step quantities
        // (long horizons) fewer are kept in flight, down to one.
        let window = (IN_FLIGHT_BUDGET / per_chunk.max(1)).clamp(1, threads * 4);
        Ok(Pool { pool, window })
    }
}

/// Simulates the chunks of `blocks`, merging each block's chunks in chunk
/// order into an empty `Results`, and hands every finished block to
/// `on_block(job, block, results)` in block order.
///
/// A job whose time series go past its pilot (`SeriesPlan::runs`) is
/// simulated in two stretches: the pilot's chunks keep their per-step
/// values; when the last of them is merged, the pilot's values fix each
/// pair's brackets (`Results::bracket_series`), and every later chunk
/// counts its values in them. A shard that starts past the pilot runs the
/// pilot's chunks alone first, for its brackets only: the same values, so
/// the same brackets as a single run.
pub(crate) fn simulate_blocks_with(
    jobs: &[Job<'_>],
    options: &RunOptions,
    pool: &Pool,
    blocks: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    on_rows: &mut RowsSink<'_>,
    on_block: &mut dyn FnMut(usize, u64, Results),
) -> Result<(), SimError> {
    let all = options.runs.div_ceil(CHUNK_RUNS);
    let first = (blocks.start.saturating_mul(BLOCK_CHUNKS)).min(all);
    let chunks = (blocks.end.saturating_mul(BLOCK_CHUNKS)).min(all);
    let plans = series_plans(jobs);
    // The chunks of each job's pilot, for the jobs that go past it.
    let pilots: Vec<Option<u64>> = plans
        .iter()
        .map(|plan| {
            plan.filter(|p| p.brackets(options.runs))
                .map(|p| p.runs / CHUNK_RUNS)
        })
        .collect();
    let mut brackets: Vec<Option<Arc<SeriesBrackets>>> = vec![None; jobs.len()];
    for (j, pilot) in pilots.iter().enumerate() {
        if let Some(p) = *pilot
            && first >= p
        {
            brackets[j] = Some(pilot_brackets(&jobs[j], plans[j], options, pool, p)?);
        }
    }
    let fresh = || -> Vec<Results> {
        jobs.iter()
            .zip(&plans)
            .map(|(j, plan)| Results::new(j.model, j.program, *plan))
            .collect()
    };
    let mut current = fresh();
    // Stretches of chunks, cut where a pilot ends.
    let mut cuts: Vec<u64> = pilots
        .iter()
        .flatten()
        .copied()
        .filter(|&p| p > first && p < chunks)
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut start = first;
    for end in cuts.into_iter().chain([chunks]) {
        let mut found: Vec<Option<Arc<SeriesBrackets>>> = vec![None; jobs.len()];
        let now = &brackets;
        // Past the pilot, time-series counts are kept per thread.
        let threads = pool.pool.current_num_threads();
        let banks: Vec<Option<Bank>> = now
            .iter()
            .map(|b| b.as_ref().map(|_| Bank::new(threads)))
            .collect();
        // The scenarios of a chunk run as tasks of their own: a stretch of
        // a single chunk (a compare's pilot) or the last chunks of a run
        // still use every thread. Each scenario's chunk is the same work
        // wherever it runs, and `merge` takes them in job order. Each task
        // allocates its own accumulators, so faulting in the pilot's values
        // is shared by every thread rather than left to the calling one.
        let work = |chunk: u64| -> Result<Vec<ChunkOut>, SimError> {
            jobs.par_iter()
                .zip(&plans)
                .zip(now)
                .zip(&banks)
                .map(|(((job, plan), b), bank)| {
                    let results = chunk_results(job, *plan, b.clone(), options, chunk);
                    run_chunk(job, options, chunk, results, bank.as_ref())
                })
                .collect()
        };
        let mut merge = |chunk: u64, out: Vec<ChunkOut>| -> Result<(), SimError> {
            let (chunk_results, rows): (Vec<Results>, Vec<Option<Rows>>) = out.into_iter().unzip();
            let rows: Vec<Rows> = rows.into_iter().flatten().collect();
            if chunk + 1 == end {
                // The last chunk of the stretch: no other chunk is running,
                // so each job's merge, and the adding of the counts every
                // thread kept for it, run on the pool's threads, job by job
                // (each job's own order is unchanged).
                pool.pool.install(|| {
                    current
                        .par_iter_mut()
                        .zip(chunk_results)
                        .zip(&banks)
                        .for_each(|((block, results), bank)| {
                            block.merge(results);
                            if let Some(bank) = bank {
                                bank.pay_into(block);
                            }
                        });
                });
            } else {
                for (block, results) in current.iter_mut().zip(chunk_results) {
                    block.merge(results);
                }
            }
            if !rows.is_empty() {
                pool.pool.install(|| on_rows(&rows)).map_err(SimError::Io)?;
            }
            for (j, pilot) in pilots.iter().enumerate() {
                if *pilot == Some(chunk + 1) {
                    found[j] = Some(pool.pool.install(|| current[j].bracket_series()));
                }
            }
            let block = chunk / BLOCK_CHUNKS;
            if chunk + 1 == block_chunks(block, options.runs).end {
                for (job, results) in std::mem::replace(&mut current, fresh())
                    .into_iter()
                    .enumerate()
                {
                    on_block(job, block, results);
                }
            }
            progress(
                ((chunk + 1) * CHUNK_RUNS)
                    .min(options.runs)
                    .saturating_sub(first * CHUNK_RUNS),
            );
            Ok(())
        };
        in_chunk_order(pool, start..end, &work, &mut merge)?;
        for (b, f) in brackets.iter_mut().zip(found) {
            if f.is_some() {
                *b = f;
            }
        }
        start = end;
    }
    Ok(())
}

/// The brackets of `job`'s time-series quantiles, from its pilot (chunks
/// `0..pilot`) run alone: for a shard whose blocks start past the pilot.
fn pilot_brackets(
    job: &Job<'_>,
    plan: Option<results::SeriesPlan>,
    options: &RunOptions,
    pool: &Pool,
    pilot: u64,
) -> Result<Arc<SeriesBrackets>, SimError> {
    let quiet = RunOptions {
        rows: false,
        ..options.clone()
    };
    let mut scratch = Results::new(job.model, job.program, plan);
    let work = |chunk: u64| {
        let results = chunk_results(job, plan, None, &quiet, chunk);
        run_chunk(job, &quiet, chunk, results, None).map(|(r, _)| r)
    };
    in_chunk_order(pool, 0..pilot, &work, &mut |_, results| {
        scratch.merge(results);
        Ok(())
    })?;
    Ok(pool.pool.install(|| scratch.bracket_series()))
}

/// Runs `work(chunk)` for every chunk of `chunks` on the pool's threads and
/// hands each result to `merge` on the calling thread, in chunk order.
///
/// A pipeline, not rounds: at most `pool.window` chunks are in flight past
/// the last one merged, and a new chunk starts as soon as one is merged, so
/// no thread waits for the slowest chunk of a round and merging overlaps the
/// work. The order of merges is fixed by chunk index, never by arrival, so
/// the result is the same on any number of threads. The first error in
/// chunk order is returned; chunks after it are not started, and those
/// already running are waited for and dropped.
fn in_chunk_order<T: Send>(
    pool: &Pool,
    chunks: std::ops::Range<u64>,
    work: &(dyn Fn(u64) -> Result<T, SimError> + Sync),
    merge: &mut dyn FnMut(u64, T) -> Result<(), SimError>,
) -> Result<(), SimError> {
    let (tx, rx) = std::sync::mpsc::channel::<(u64, Result<T, SimError>)>();
    pool.pool.in_place_scope(|scope| {
        let spawn = |chunk: u64| {
            let tx = tx.clone();
            scope.spawn(move |_| {
                // The receiver outlives every task (the scope waits for
                // them), so a send cannot fail while it is listening; after
                // an error it has stopped listening and the result is dropped.
                let _ = tx.send((chunk, work(chunk)));
            });
        };
        let mut next = chunks.start;
        let mut done = chunks.start;
        let mut waiting = std::collections::BTreeMap::new();
        while next < chunks.end && next < done + pool.window {
            spawn(next);
            next += 1;
        }
        while done < chunks.end {
            let Ok((chunk, out)) = rx.recv() else {
                // Unreachable while chunks are outstanding: `tx` is alive.
                break;
            };
            waiting.insert(chunk, out);
            while let Some(out) = waiting.remove(&done) {
                merge(done, out?)?;
                done += 1;
                if next < chunks.end {
                    spawn(next);
                    next += 1;
                }
            }
        }
        Ok(())
    })
}

/// The memory one chunk's per-step accumulators take.
fn chunk_bytes(job: &Job<'_>, plan: &results::SeriesPlan) -> u64 {
    let (series, steps) = (job.program.series.len() as u64, job.program.steps);
    let kept = series * u64::from(steps / plan.stride + 2);
    let per_pair = std::mem::size_of::<results::StepAcc>() + std::mem::size_of::<BatchMoments>();
    series * (u64::from(steps) + 1) * per_pair as u64 + kept * plan.runs.min(CHUNK_RUNS) * 8
}

/// Makes every reported quantile held in a sketch exact: the runs are run
/// again, looking only at values near each quantile (`stats::refine`), for
/// as many passes as that takes. Runs are reproducible from the seed and
/// their index, so each pass sees the same values; only counts and sorted
/// values are read, so the result does not depend on the thread count.
fn refine(
    jobs: &[Job<'_>],
    options: &RunOptions,
    pool: &rayon::ThreadPool,
    window: u64,
    totals: &mut [Results],
) -> Result<(), SimError> {
    let mut plans: Vec<Option<results::Refinements>> = jobs
        .iter()
        .zip(totals.iter())
        .map(|(job, total)| {
            job.exact_quantiles
                .then(|| results::Refinements::new(total))
        })
        .collect();
    let chunks = options.runs.div_ceil(CHUNK_RUNS);
    let quiet = RunOptions {
        rows: false,
        ..options.clone()
    };
    while plans.iter().flatten().any(results::Refinements::is_open) {
        let windows: usize = plans.iter().flatten().map(|p| p.open_windows()).sum();
        let allowance = refine_allowance(windows);
        for plan in plans.iter_mut().flatten() {
            plan.begin_pass(allowance);
        }
        let mut start = 0;
        while start < chunks {
            let end = (start + window).min(chunks);
            let plans_now = &plans;
            let outs: Vec<Result<Vec<ChunkOut>, SimError>> = pool.install(|| {
                (start..end)
                    .into_par_iter()
                    .map(|chunk| {
                        jobs.iter()
                            .zip(plans_now)
                            .filter_map(|(job, plan)| {
                                let plan = plan.as_ref().filter(|p| p.is_open())?;
                                let mut results = Results::new(job.model, job.program, None);
                                results.probes = Some(plan.probes());
                                Some(run_chunk(job, &quiet, chunk, results, None))
                            })
                            .collect()
                    })
                    .collect()
            });
            for out in outs {
                let open = plans.iter_mut().flatten().filter(|p| p.is_open());
                for (plan, (results, _)) in open.zip(out?) {
                    if let Some(probes) = results.probes {
                        plan.absorb(probes);
                    }
                }
            }
            start = end;
        }
        for plan in plans.iter_mut().flatten().filter(|p| p.is_open()) {
            plan.end_pass();
        }
    }
    for (plan, total) in plans.into_iter().zip(totals) {
        if let Some(plan) = plan {
            plan.finish(total);
        }
    }
    Ok(())
}

/// Values each refinement window may keep in a pass, when `windows` are open.
pub(crate) fn refine_allowance(windows: usize) -> usize {
    (results::REFINE_BUDGET / windows.max(1)).clamp(64, 1 << 22)
}

/// One job's results for one chunk, with its rows when asked for.
type ChunkOut = (Results, Option<Rows>);

/// Why a simulation stopped.
#[derive(Debug)]
pub enum SimError {
    Run(Box<RunError>),
    Io(std::io::Error),
    /// The request itself cannot be met (e.g. an analysis too large to hold).
    Input(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Run(e) => e.fmt(f),
            SimError::Io(e) => write!(f, "writing per-run rows failed: {e}"),
            SimError::Input(m) => f.write_str(m),
        }
    }
}

/// The empty accumulators of one chunk of `job`: with time series as
/// `plan` says, counted in `brackets` past the pilot, and room made for
/// the chunk's values.
fn chunk_results(
    job: &Job<'_>,
    plan: Option<results::SeriesPlan>,
    brackets: Option<Arc<SeriesBrackets>>,
    options: &RunOptions,
    chunk: u64,
) -> Results {
    let first = chunk * CHUNK_RUNS;
    let last = (first + CHUNK_RUNS).min(options.runs);
    let mut results = Results::new(job.model, job.program, plan);
    if let Some(brackets) = brackets.filter(|_| plan.is_some()) {
        results = results.with_brackets(brackets);
    }
    results.reserve(first, last - first);
    results
}

/// Runs one chunk into `results` (from [`chunk_results`]): accumulating
/// its statistics, counting its time series into this thread's tallies in
/// `bank` past the pilot, or, with `results.probes`, only looking for the
/// values a refinement pass needs.
fn run_chunk(
    job: &Job<'_>,
    options: &RunOptions,
    chunk: u64,
    mut results: Results,
    bank: Option<&Bank>,
) -> Result<(Results, Option<Rows>), SimError> {
    let (model, program, inject) = (job.model, job.program, job.inject);
    let first = chunk * CHUNK_RUNS;
    let last = (first + CHUNK_RUNS).min(options.runs);
    let mut ws = Workspace::new(program);
    // Without a condition every run is kept, so series and events can be
    // added step by step from the slots rather than copied into the record.
    let direct = program.condition.is_none();
    let mut rec = if direct {
        BatchRecord::direct(program)
    } else {
        BatchRecord::new(program, job.series)
    };
    let bank = bank.filter(|_| results.probes.is_none() && results.brackets.is_some());
    if let Some(bank) = bank {
        bank.lend(&mut results);
    }
    // Each column holds the chunk's runs: sized once, not grown by doubling.
    let len = (last - first) as usize;
    let mut rows = options.rows.then(|| Rows {
        first_run: first,
        params: (0..program.params.len())
            .filter(|_| job.row_params)
            .map(|_| Vec::with_capacity(len))
            .collect(),
        outcomes: (0..program.outcomes.len())
            .map(|_| Vec::with_capacity(len))
            .collect(),
        condition: Vec::with_capacity(len),
    });
    let mut run = first;
    while run < last {
        let n = ((last - run) as usize).min(LANES);
        let inject_dyn = inject.map(|i| i as &dyn Inject);
        let mut add_step =
            |t: u32, slots: &[exec::Lane]| results.add_step(program, t, slots, n, run);
        let on_step: Option<exec::OnStep<'_>> = if direct { Some(&mut add_step) } else { None };
        let ran = ws.run_batch_with(program, options.seed, run, n, inject_dyn, &mut rec, on_step);
        if let Err(fault) = ran {
            return Err(SimError::Run(Box::new(describe(
                model,
                program,
                &ws,
                fault,
                run,
                options.seed,
            ))));
        }
        if let Err(bad) = results.add_batch(program, &rec, n, run) {
            return Err(SimError::Run(Box::new(bad_outcome(
                model,
                program,
                &ws,
                &bad,
                run,
                options.seed,
            ))));
        }
        if let Some(rows) = rows.as_mut() {
            for (p, col) in rows.params.iter_mut().enumerate() {
                col.extend_from_slice(&rec.params[p][..n]);
            }
            for (o, col) in rows.outcomes.iter_mut().enumerate() {
                col.extend_from_slice(&rec.outcomes[o][..n]);
            }
            rows.condition.extend(
                rec.condition[..n]
                    .iter()
                    .map(|&c| crate::expr::ast::truthy(c)),
            );
        }
        run += n as u64;
    }
    if let Some(bank) = bank {
        bank.keep(&mut results);
    }
    Ok((results, rows))
}

/// The error for an outcome value a run must not give.
fn bad_outcome(
    model: &Model,
    program: &Program,
    ws: &Workspace,
    bad: &results::BadOutcome,
    first_run: u64,
    seed: u64,
) -> RunError {
    let o = &model.outcomes[bad.outcome];
    let message = match &o.kind {
        crate::scenario::OutcomeKind::Category(names) => format!(
            "its value {} is not a category number (0 to {}); a category outcome must give 0 for `{}`, 1 for the next, ...",
            bad.value,
            names.len().saturating_sub(1),
            names.first().cloned().unwrap_or_default()
        ),
        crate::scenario::OutcomeKind::Probability => format!(
            "its value {} is not yes (1) or no (0); a probability outcome must be a yes/no in \
             every run: write the condition you mean (such as `count(...) >= 1`), or declare \
             kind = \"number\"",
            bad.value
        ),
        _ => "it has no value (none, NaN) in this run; look in its expression for 0/0, or ln \
              or sqrt of a negative number; if a run may rightly have no value here, add \
              `may_be_none = true` to the outcome (outcomes that read `first(...)` may be none \
              already)"
            .to_string(),
    };
    let inputs = program
        .outcome_owners
        .get(bad.outcome)
        .map(|&owner| {
            program.owners[owner as usize]
                .inputs
                .iter()
                .map(|(name, slot)| (name.clone(), ws.slots[*slot as usize][bad.lane]))
                .collect()
        })
        .unwrap_or_default();
    RunError {
        what: "outcome".into(),
        name: o.name.clone(),
        step: model.info.steps,
        step_label: model.info.time.label(model.info.steps),
        run: first_run + bad.lane as u64,
        message,
        inputs,
        seed,
    }
}

fn describe(
    model: &Model,
    program: &Program,
    ws: &Workspace,
    fault: Fault,
    first_run: u64,
    seed: u64,
) -> RunError {
    let owner = &program.owners[fault.owner as usize];
    let inputs = owner
        .inputs
        .iter()
        .map(|(name, slot)| (name.clone(), ws.slots[*slot as usize][fault.lane]))
        .collect();
    let what = match owner.what {
        "draw" => "random draw in",
        "event" => "event",
        "state" => "state variable",
        other => other,
    };
    RunError {
        what: what.to_string(),
        name: owner.name.clone(),
        step: fault.step,
        step_label: model.info.time.label(fault.step),
        run: first_run + fault.lane as u64,
        message: fault.message,
        inputs,
        seed,
    }
}
