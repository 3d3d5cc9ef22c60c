//! What-if analyses built on the engine: comparing scenarios run by run,
//! sweeping parameters over a grid, and measuring which assumptions drive an
//! outcome.
//!
//! Every analysis runs its scenarios through `engine::simulate_many` with one
//! seed, so run i of every configuration shares every random draw the
//! configurations have in common (common random numbers). Differences between
//! configurations are then differences caused by what changed, not by luck,
//! and paired intervals are narrow.
//!
//! **Architecture invariant:** analyses are pure: they return values; the
//! CLI writes files and prints.

pub mod calibrate;
pub mod compare;
pub mod decision;
pub mod precision;
pub mod prim;
pub mod qmc;
pub mod sampled;
pub mod sensitivity;
pub mod sobol;
pub mod sweep;

use rayon::prelude::*;

use crate::engine::exec::Inject;
use crate::engine::{self, Job, Rows, RunOptions, SimError, compile::compile};
use crate::results::Results;
use crate::scenario::{MExpr, Model, OutcomeKind};
use crate::summary::{self, RunContext, Summary};

pub use crate::engine::RowsSink;

/// Compile and simulate several models in lockstep (same seed and run
/// indices), with or without time series and per-run rows.
pub fn simulate_models(
    models: &[Model],
    series: bool,
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    on_rows: Option<&mut RowsSink<'_>>,
) -> Result<Vec<Results>, SimError> {
    let setup = Setup {
        models,
        conditions: &[],
        injects: &[],
        row_params: false,
    };
    simulate_setup(&setup, series, options, progress, on_rows)
}

/// Models to run together, each with an optional `--given` condition and
/// optional injected parameter values (both indexed like `models`; a
/// missing entry means none).
pub struct Setup<'a> {
    pub models: &'a [Model],
    pub conditions: &'a [Option<MExpr>],
    pub injects: &'a [Option<&'a (dyn Inject + Sync)>],
    /// Whether the per-run rows carry the parameters' values (a
    /// comparison reads only the outcomes).
    pub row_params: bool,
}

/// [`simulate_models`] with conditions and injected values.
pub fn simulate_setup(
    setup: &Setup<'_>,
    series: bool,
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    on_rows: Option<&mut RowsSink<'_>>,
) -> Result<Vec<Results>, SimError> {
    let programs = setup.programs();
    let jobs = setup.jobs(&programs, series);
    let options = RunOptions {
        rows: on_rows.is_some(),
        ..options.clone()
    };
    let mut ignore = |_: &[Rows]| Ok(());
    engine::simulate_many(&jobs, &options, progress, on_rows.unwrap_or(&mut ignore))
}

/// The blocks `blocks` of [`simulate_setup`] (a shard of it), kept apart:
/// `[model][i]` is block `blocks.start + i` (`engine::shard`). The rows of
/// every chunk go to `on_rows`, in run order.
pub fn simulate_setup_blocks(
    setup: &Setup<'_>,
    series: bool,
    options: &RunOptions,
    blocks: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    on_rows: &mut RowsSink<'_>,
) -> Result<Vec<Vec<Results>>, SimError> {
    let programs = setup.programs();
    let jobs = setup.jobs(&programs, series);
    let options = RunOptions {
        rows: true,
        ..options.clone()
    };
    engine::shard::simulate_blocks(&jobs, &options, blocks, progress, on_rows)
}

impl Setup<'_> {
    fn programs(&self) -> Vec<engine::Program> {
        self.models
            .iter()
            .enumerate()
            .map(|(i, m)| compile(m, self.conditions.get(i).and_then(Option::as_ref)))
            .collect()
    }

    fn jobs<'a>(&'a self, programs: &'a [engine::Program], series: bool) -> Vec<Job<'a>> {
        self.models
            .iter()
            .zip(programs)
            .enumerate()
            .map(|(i, (model, program))| Job {
                model,
                program,
                inject: self.injects.get(i).copied().flatten(),
                series,
                exact_quantiles: true,
                row_params: self.row_params,
            })
            .collect()
    }
}

/// Runs in one block of the engine's merge tree (`engine::shard`).
pub const BLOCK_RUNS: u64 = engine::BLOCK_CHUNKS * engine::CHUNK_RUNS;

/// Per-run value columns, kept whole or cut at the engine's blocks of runs
/// (for the parts of a sharded analysis). Rows arrive in run order; joining
/// the cut columns in block order gives the whole ones.
pub struct BlockColumns {
    cut: bool,
    width: usize,
    block: Option<u64>,
    current: Vec<Vec<f64>>,
    done: Vec<Vec<Vec<f64>>>,
}

impl BlockColumns {
    /// `width` columns, cut at blocks when `cut`.
    pub fn new(width: usize, cut: bool) -> BlockColumns {
        BlockColumns {
            cut,
            width,
            block: None,
            current: vec![Vec::new(); width],
            done: Vec::new(),
        }
    }

    /// The columns to append the values of runs from `first_run` on.
    pub fn at(&mut self, first_run: u64) -> &mut [Vec<f64>] {
        let block = first_run / BLOCK_RUNS;
        if self.cut && self.block.is_some_and(|b| b != block) {
            let full = std::mem::replace(&mut self.current, vec![Vec::new(); self.width]);
            self.done.push(full);
        }
        self.block = Some(block);
        &mut self.current
    }

    /// The columns of each block (one entry, the whole columns, when not cut).
    pub fn finish(mut self) -> Vec<Vec<Vec<f64>>> {
        if !self.cut || self.block.is_some() {
            self.done.push(self.current);
        }
        self.done
    }
}

/// The summary of each model's results.
pub fn summaries(models: &[Model], results: &mut [Results]) -> Vec<Summary> {
    models
        .par_iter()
        .zip(results.par_iter_mut())
        .map(|(m, r)| summary::summarize(m, r, &RunContext::default()))
        .collect()
}

/// An outcome's per-run value as a number to analyse: a probability outcome
/// as 0/1 (none counts as no), a category as its index, a number as itself
/// (NaN = none).
pub fn outcome_value(kind: &OutcomeKind, v: f64) -> f64 {
    match kind {
        OutcomeKind::Probability => f64::from(v != 0.0 && !v.is_nan()),
        _ => v,
    }
}

/// Find an outcome by name, with a "did you mean" error.
pub fn find_outcome(model: &Model, name: &str) -> Result<usize, String> {
    model
        .outcomes
        .iter()
        .position(|o| o.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = model.outcomes.iter().map(|o| o.name.as_str()).collect();
            match crate::diag::did_you_mean(name, names.iter().copied()) {
                Some(s) => format!(
                    "`{name}` is not an outcome of {}; did you mean `{s}`?",
                    model.info.name
                ),
                None => format!(
                    "`{name}` is not an outcome of {}; its outcomes are: {}",
                    model.info.name,
                    crate::diag::name_list(&names, 12)
                ),
            }
        })
}

/// Find a parameter by name, with a "did you mean" error.
pub fn find_param(model: &Model, name: &str) -> Result<crate::scenario::VarId, String> {
    match model.find(name) {
        Some(id) if model.params.contains(&id) => Ok(id),
        Some(id) => Err(format!(
            "`{name}` is a {} variable, not a parameter; only parameters can be swept or overridden",
            model.var(id).kind.word()
        )),
        None => {
            let names: Vec<&str> = model
                .params
                .iter()
                .map(|&p| model.var(p).name.as_str())
                .collect();
            Err(
                match crate::diag::did_you_mean(name, names.iter().copied()) {
                    Some(s) => format!(
                        "`{name}` is not a parameter of {}; did you mean `{s}`?",
                        model.info.name
                    ),
                    None => format!(
                        "`{name}` is not a parameter of {}; its parameters are: {}",
                        model.info.name,
                        crate::diag::name_list(&names, 12)
                    ),
                },
            )
        }
    }
}

/// Ranks (1-based, ties get their average rank), for rank correlations.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = avg;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson correlation; NaN when either side is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 2 {
        return f64::NAN;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        f64::NAN
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), vec![1.0, 4.0, 2.5, 2.5]);
    }

    #[test]
    fn pearson_of_linear_data_is_one() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [3.0, 5.0, 7.0, 9.0];
        assert!((pearson(&x, &y) - 1.0).abs() < 1e-12);
        let z = [9.0, 7.0, 5.0, 3.0];
        assert!((pearson(&x, &z) + 1.0).abs() < 1e-12);
        assert!(pearson(&x, &[1.0; 4]).is_nan());
    }
}
