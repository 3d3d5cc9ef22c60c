//! Which assumptions drive an outcome.
//!
//! Three methods, from cheap to thorough:
//!
//! - **rank**: Spearman rank correlation between each parameter's draws and
//!   the outcome over one ordinary run, and the partial rank correlation
//!   (PRCC: the correlation left once the other parameters' linear effects
//!   on the ranks are removed). Monotone effects only; cost: one run.
//! - **swing**: one parameter at a time at its 10th and 90th percentile, the
//!   others at their medians; the tornado chart of risk analysts. Cost: 2k+1
//!   runs of the scenario for k parameters.
//! - **sobol**: first-order and total Sobol indices, the share of the
//!   outcome's variance due to each parameter alone and with all its
//!   interactions (`sobol.rs`: Saltelli sampling on a scrambled Sobol
//!   sequence, centred estimators, standard errors from independent
//!   replicates). Cost: N(k+2) runs.
//!
//! Every estimate carries its Monte Carlo standard error: rank correlations
//! from Fisher's z, swing values from the runs of each setting (and the
//! swing itself from the run-by-run differences between its two settings),
//! Sobol indices from their replicates.
//!
//! Only parameters with a known distribution (a distribution call with
//! constant arguments, or a constant) can be steered; others keep their
//! definitions. Every configuration runs with the same seed, so the model's
//! own randomness (events, draws in expressions) is the same for row j of
//! every matrix. For a stochastic model the first-order indices then sum to
//! less than one; the remainder is the share of variance due to that inner
//! randomness and to interactions.

use rayon::prelude::*;
use serde::Serialize;

use super::qmc::Sampling;
use super::sobol::{self, Design};
use super::{outcome_value, pearson, ranks};
use crate::dist::Dist;
use std::ops::Range;

use crate::engine::{self, Job, Rows, RunOptions, SimError, compile::compile};
use crate::results::Results;
use crate::scenario::{MExpr, Model, OutcomeKind, VarId};
use crate::stats::Paired;
use crate::summary;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Rank,
    Sobol,
    Swing,
}

/// One parameter's effect on one outcome.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Effect {
    pub param: String,
    pub label: String,
    /// rank: Spearman's rho; sobol: first-order index; swing: outcome at the parameter's 10th percentile.
    pub a: f64,
    /// The 95% interval of `a`.
    pub a_lo: f64,
    pub a_hi: f64,
    /// The Monte Carlo standard error of `a`.
    pub a_mcse: f64,
    /// rank: partial rank correlation; sobol: total index; swing: outcome at the 90th percentile.
    pub b: f64,
    pub b_lo: f64,
    pub b_hi: f64,
    pub b_mcse: f64,
    /// swing only: the standard error of the swing `b - a`, from the
    /// run-by-run differences between the two settings (common random
    /// numbers make it smaller than `a_mcse` and `b_mcse` combined).
    pub swing_mcse: f64,
    /// swing only: the parameter's 10th and 90th percentiles.
    pub low_input: f64,
    pub high_input: f64,
}

impl Effect {
    /// The size used to sort a tornado: |rho|, the total index, or the swing's width.
    pub fn size(&self, method: Method) -> f64 {
        let s = match method {
            Method::Rank => self.a.abs(),
            Method::Sobol => self.b,
            Method::Swing => (self.b - self.a).abs(),
        };
        if s.is_nan() { -1.0 } else { s }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct OutcomeSensitivity {
    pub outcome: String,
    pub label: String,
    pub unit: String,
    pub kind: &'static str,
    /// swing: the outcome with every parameter at its median.
    pub baseline: f64,
    /// swing: the Monte Carlo standard error of `baseline`.
    pub baseline_mcse: f64,
    /// sobol: the outcome's variance over the A and B samples.
    pub variance: f64,
    /// Sorted by size, largest first.
    pub effects: Vec<Effect>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sensitivity {
    pub method: Method,
    /// Runs of the scenario made (N(k+2) for Sobol).
    pub total_runs: u64,
    /// Base sample size: runs per configuration.
    pub runs: u64,
    pub seed: u64,
    pub outcomes: Vec<OutcomeSensitivity>,
    /// Uncertain parameters that could not be steered: their definition is
    /// not a single distribution with constant arguments.
    pub not_steered: Vec<String>,
    /// sobol: how the parameters were sampled.
    pub design: Option<Design>,
    /// rank and swing: the `--given` condition runs were filtered by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
}

/// How an analysis samples and which runs it keeps.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// The sampling of a Sobol analysis (the other methods ignore it).
    pub sampling: Sampling,
    /// A `--given` condition (its text and its resolved form): rank and
    /// swing analyse only the runs where it holds; Sobol refuses it.
    pub given: Option<(&'a str, &'a MExpr)>,
}

/// Run the analysis for the chosen outcomes (indices into `model.outcomes`),
/// Sobol indices on a scrambled Sobol sequence.
pub fn analyse(
    model: &Model,
    method: Method,
    outcomes: &[usize],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sensitivity, SimError> {
    analyse_sampled(model, method, Sampling::Sobol, outcomes, options, progress)
}

/// [`analyse`], with the sampling of a Sobol analysis chosen (the other
/// methods ignore it).
pub fn analyse_sampled(
    model: &Model,
    method: Method,
    sampling: Sampling,
    outcomes: &[usize],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sensitivity, SimError> {
    let how = Options {
        sampling,
        given: None,
    };
    analyse_with(model, method, &how, outcomes, options, progress)
}

/// [`analyse`], with the sampling of a Sobol analysis and a `--given`
/// condition.
pub fn analyse_with(
    model: &Model,
    method: Method,
    how: &Options<'_>,
    outcomes: &[usize],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sensitivity, SimError> {
    let sampling = how.sampling;
    let given = how.given.map(|(_, e)| e);
    refuse_given(method, how)?;
    let steer = steered(model);
    let (results, design) = match method {
        Method::Rank => (rank(model, given, outcomes, options, progress)?, None),
        Method::Swing => (
            swing(model, &steer, given, outcomes, options, progress)?,
            None,
        ),
        Method::Sobol => {
            let (results, design) =
                sobol::sobol(model, &steer, outcomes, sampling, options, progress)?;
            (results, Some(design))
        }
    };
    Ok(wrap(model, method, how, options, results, design))
}

/// Parameters with a distribution to steer; fixed ones have nothing to vary.
fn steered(model: &Model) -> Vec<(VarId, Dist)> {
    model
        .steerable_params()
        .into_iter()
        .filter(|(_, d)| d.quantile(0.0) < d.quantile(1.0))
        .collect()
}

/// The analysis around each outcome's results.
fn wrap(
    model: &Model,
    method: Method,
    how: &Options<'_>,
    options: &RunOptions,
    results: Vec<OutcomeSensitivity>,
    design: Option<Design>,
) -> Sensitivity {
    let steer = steered(model);
    let fixed = |p: &VarId| {
        model
            .steerable_params()
            .iter()
            .any(|(s, d)| s == p && d.quantile(0.0) >= d.quantile(1.0))
    };
    let not_steered = model
        .params
        .iter()
        .filter(|p| !steer.iter().any(|(s, _)| s == *p) && !fixed(p))
        .map(|&p| model.var(p).name.clone())
        .collect();
    let total_runs = match method {
        Method::Rank => options.runs,
        Method::Swing => options.runs * (2 * steer.len() as u64 + 1),
        Method::Sobol => options.runs * (steer.len() as u64 + 2),
    };
    Sensitivity {
        method,
        total_runs,
        runs: options.runs,
        seed: options.seed,
        outcomes: results,
        not_steered,
        design,
        given: how.given.map(|(text, _)| text.to_string()),
    }
}

/// What one block of runs of a sharded analysis holds: the results of each
/// swing setting and the swings' paired accumulators (swing), or per-run
/// value columns (rank, sobol).
pub struct Block {
    pub results: Vec<Results>,
    pub paired: Vec<Paired>,
    pub values: Vec<Vec<f64>>,
}

/// The models whose accumulators a block holds: a swing analysis's
/// settings (the median setting, then each parameter's low and high);
/// none for rank and sobol, whose blocks hold per-run values.
pub fn block_models(model: &Model, method: Method) -> Vec<Model> {
    match method {
        Method::Swing => swing_settings(model, &steered(model)).0,
        Method::Rank | Method::Sobol => Vec::new(),
    }
}

/// The blocks `blocks` of an analysis (a shard of it; for sobol, blocks of
/// the base sample), kept apart. Every method can be cut so: each block is
/// computed as in the whole analysis, and [`from_blocks`] folds them.
pub fn analyse_blocks(
    model: &Model,
    method: Method,
    how: &Options<'_>,
    outcomes: &[usize],
    options: &RunOptions,
    blocks: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Block>, SimError> {
    refuse_given(method, how)?;
    let given = how.given.map(|(_, e)| e);
    let steer = steered(model);
    let columns = |cut: Vec<Vec<Vec<f64>>>| -> Vec<Block> {
        cut.into_iter()
            .map(|values| Block {
                results: Vec::new(),
                paired: Vec::new(),
                values,
            })
            .collect()
    };
    Ok(match method {
        Method::Rank => columns(rank_values(model, given, options, Some(blocks), progress)?),
        Method::Sobol => columns(sobol::sobol_values(
            model,
            &steer,
            outcomes,
            how.sampling,
            options,
            Some(blocks),
            progress,
        )?),
        Method::Swing => {
            let (models, _) = swing_settings(model, &steer);
            let (results, paired) =
                swing_blocks(&models, given, outcomes, options, Some(blocks), progress)?;
            let mut out: Vec<Block> = paired
                .into_iter()
                .map(|paired| Block {
                    results: Vec::new(),
                    paired,
                    values: Vec::new(),
                })
                .collect();
            for setting in results {
                for (b, r) in out.iter_mut().zip(setting) {
                    b.results.push(r);
                }
            }
            out
        }
    })
}

/// The analysis from its blocks' contents folded in block order: each
/// setting's results merged (quantiles made exact), the paired
/// accumulators merged, the value columns joined.
#[allow(clippy::too_many_arguments)]
pub fn from_blocks(
    model: &Model,
    method: Method,
    how: &Options<'_>,
    outcomes: &[usize],
    options: &RunOptions,
    results: Vec<Results>,
    paired: &[Paired],
    values: Vec<Vec<f64>>,
) -> Result<Sensitivity, SimError> {
    refuse_given(method, how)?;
    let given = how.given.map(|(_, e)| e);
    let steer = steered(model);
    let (out, design) = match method {
        Method::Rank => (rank_indices(model, given, outcomes, options, values)?, None),
        Method::Sobol => {
            let (out, design) =
                sobol::sobol_indices(model, &steer, outcomes, how.sampling, options.runs, values)?;
            (out, Some(design))
        }
        Method::Swing => {
            let (models, inputs) = swing_settings(model, &steer);
            let swings = paired.to_vec();
            if swings.len() != outcomes.len() * steer.len() || results.len() != models.len() {
                return Err(SimError::Input(
                    "the parts of a swing analysis do not hold its settings; write them again"
                        .into(),
                ));
            }
            let out = swing_effects(
                model, &steer, &inputs, &models, given, outcomes, options, results, &swings,
            )?;
            (out, None)
        }
    };
    Ok(wrap(model, method, how, options, out, design))
}

/// Sobol indices cannot be taken over the runs where a condition holds.
fn refuse_given(method: Method, how: &Options<'_>) -> Result<(), SimError> {
    match (method, how.given) {
        (Method::Sobol, Some((text, _))) => Err(SimError::Input(format!(
            "--given `{text}` cannot be used with --method sobol: Sobol indices split the variance of independently drawn parameters, and keeping only the runs where a condition holds makes them dependent; use --method rank or swing with --given, or leave --given out"
        ))),
        _ => Ok(()),
    }
}

pub(super) fn header(model: &Model, o: usize) -> OutcomeSensitivity {
    let out = &model.outcomes[o];
    OutcomeSensitivity {
        outcome: out.name.clone(),
        label: out.title().to_string(),
        unit: out.doc.unit.clone(),
        kind: match out.kind {
            OutcomeKind::Probability => "probability",
            OutcomeKind::Number => "number",
            OutcomeKind::Category(_) => "category",
        },
        baseline: f64::NAN,
        baseline_mcse: f64::NAN,
        variance: f64::NAN,
        effects: Vec::new(),
    }
}

pub(super) fn sort(effects: &mut [Effect], method: Method) {
    effects.sort_by(|x, y| y.size(method).total_cmp(&x.size(method)));
}

// ---------------------------------------------------------------- rank

fn rank(
    model: &Model,
    given: Option<&MExpr>,
    outcomes: &[usize],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<OutcomeSensitivity>, SimError> {
    let columns = rank_values(model, given, options, None, progress)?
        .pop()
        .unwrap_or_default();
    rank_indices(model, given, outcomes, options, columns)
}

/// The kept runs' values of every parameter, then of every outcome, one
/// column each: whole, or with `shard` only those blocks, cut at blocks.
fn rank_values(
    model: &Model,
    given: Option<&MExpr>,
    options: &RunOptions,
    shard: Option<Range<u64>>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Vec<Vec<f64>>>, SimError> {
    let program = compile(model, given);
    let options = RunOptions {
        rows: true,
        ..options.clone()
    };
    let width = model.params.len() + model.outcomes.len();
    let mut columns = super::BlockColumns::new(width, shard.is_some());
    let job = Job {
        model,
        program: &program,
        inject: None,
        series: false,
        exact_quantiles: false,
        row_params: true,
    };
    let mut sink = |rows: &[Rows]| {
        let Some(rows) = rows.first() else {
            return Ok(());
        };
        let kept = |column: &[f64]| -> Vec<f64> {
            column
                .iter()
                .zip(&rows.condition)
                .filter(|&(_, &keep)| keep)
                .map(|(&v, _)| v)
                .collect()
        };
        let cols = columns.at(rows.first_run);
        for (col, r) in cols
            .iter_mut()
            .zip(rows.params.iter().chain(&rows.outcomes))
        {
            col.extend(kept(r));
        }
        Ok(())
    };
    match shard {
        Some(blocks) => {
            engine::shard::simulate_blocks(&[job], &options, blocks, progress, &mut sink)?;
        }
        None => {
            engine::simulate_many(&[job], &options, progress, &mut sink)?;
        }
    }
    Ok(columns.finish())
}

/// Rank and partial rank correlations from the columns of [`rank_values`].
fn rank_indices(
    model: &Model,
    given: Option<&MExpr>,
    outcomes: &[usize],
    options: &RunOptions,
    mut columns: Vec<Vec<f64>>,
) -> Result<Vec<OutcomeSensitivity>, SimError> {
    if columns.len() != model.params.len() + model.outcomes.len() {
        return Err(SimError::Input(
            "the parts of a rank analysis do not hold a column per parameter and outcome; write them again"
                .into(),
        ));
    }
    let values = columns.split_off(model.params.len());
    let params = columns;
    if given.is_some() && values.first().is_some_and(Vec::is_empty) {
        return Err(no_run_kept(options));
    }
    // Parameters with draws of their own that vary across runs. A parameter
    // computed from others without a draw (`alarm_decay = 0.5^(1/half_life)`)
    // adds no information and would make the correlation matrix singular.
    let varying: Vec<usize> = (0..params.len())
        .filter(|&i| params[i].iter().any(|&v| v != params[i][0]))
        .filter(|&i| match &model.var(model.params[i]).kind {
            crate::scenario::VarKind::Param { def, .. } => def.is_random(),
            _ => false,
        })
        .collect();
    // Each outcome's ranks and partial correlations are independent of the
    // others': on every core, collected in outcome order.
    let out = outcomes
        .par_iter()
        .map(|&o| {
            let kind = &model.outcomes[o].kind;
            let mut res = header(model, o);
            let keep: Vec<usize> = (0..values[o].len())
                .filter(|&j| !values[o][j].is_nan() || *kind == OutcomeKind::Probability)
                .collect();
            let y: Vec<f64> = keep
                .iter()
                .map(|&j| outcome_value(kind, values[o][j]))
                .collect();
            let ry = ranks(&y);
            let rx: Vec<Vec<f64>> = varying
                .iter()
                .map(|&i| ranks(&keep.iter().map(|&j| params[i][j]).collect::<Vec<_>>()))
                .collect();
            let prcc = partial_correlations(&rx, &ry);
            let n = y.len() as f64;
            // The partial correlation is conditioned on the other parameters.
            let others = varying.len().saturating_sub(1) as f64;
            for (k, &i) in varying.iter().enumerate() {
                let rho = pearson(&rx[k], &ry);
                let spearman = Fisher::new(rho, n - 3.0);
                let partial = Fisher::new(prcc[k], n - 3.0 - others);
                let var = model.var(model.params[i]);
                res.effects.push(Effect {
                    param: var.name.clone(),
                    label: var.title().to_string(),
                    a: rho,
                    a_lo: spearman.lo,
                    a_hi: spearman.hi,
                    a_mcse: spearman.se,
                    b: prcc[k],
                    b_lo: partial.lo,
                    b_hi: partial.hi,
                    b_mcse: partial.se,
                    swing_mcse: f64::NAN,
                    low_input: f64::NAN,
                    high_input: f64::NAN,
                });
            }
            sort(&mut res.effects, Method::Rank);
            res
        })
        .collect();
    Ok(out)
}

/// A rank correlation's 95% interval and standard error by Fisher's z:
/// atanh(r) is close to normal with variance 1.06 / m, where m = n - 3 for
/// Spearman's rho (Fieller, Hartley & Pearson 1957) and n - 3 - q for a
/// partial correlation given q other inputs (Fisher 1924; the factor 1.06
/// carried over from rho, an approximation). The interval is tanh(z ± 1.96
/// sqrt(1.06 / m)); the standard error on the correlation's own scale is the
/// delta method's (1 - r^2) sqrt(1.06 / m).
struct Fisher {
    lo: f64,
    hi: f64,
    se: f64,
}

impl Fisher {
    fn new(r: f64, m: f64) -> Fisher {
        if r.is_nan() || m <= 0.0 {
            return Fisher {
                lo: f64::NAN,
                hi: f64::NAN,
                se: f64::NAN,
            };
        }
        let z = r.clamp(-0.999_999, 0.999_999).atanh();
        let se = (1.06 / m).sqrt();
        let q = crate::stats::z_for_level(crate::summary::LEVEL);
        Fisher {
            lo: (z - q * se).tanh(),
            hi: (z + q * se).tanh(),
            se: (1.0 - r * r) * se,
        }
    }
}

/// Partial correlation of each x with y given the other xs: from the inverse
/// P of the correlation matrix of (x_1..x_k, y), -P[i][y] / sqrt(P[i][i] P[y][y]).
fn partial_correlations(xs: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    let k = xs.len();
    let cols: Vec<&[f64]> = xs
        .iter()
        .map(Vec::as_slice)
        .chain(std::iter::once(y))
        .collect();
    let m = k + 1;
    let mut c = vec![vec![0.0; m]; m];
    for i in 0..m {
        for j in 0..m {
            c[i][j] = if i == j {
                1.0
            } else {
                pearson(cols[i], cols[j])
            };
        }
    }
    // A nearly singular matrix (inputs that are almost functions of each
    // other) gets a small ridge on the diagonal rather than no answer.
    let ridged = |eps: f64| {
        let mut r = c.clone();
        for (i, row) in r.iter_mut().enumerate() {
            row[i] += eps;
        }
        invert(r)
    };
    match invert(c.clone())
        .or_else(|| ridged(1e-9))
        .or_else(|| ridged(1e-6))
    {
        Some(p) => (0..k)
            .map(|i| -p[i][k] / (p[i][i] * p[k][k]).sqrt())
            .collect(),
        None => vec![f64::NAN; k],
    }
}

/// Gauss-Jordan inversion with partial pivoting; `None` if singular.
fn invert(mut a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut inv: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(i == j)).collect())
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs().is_nan() || a[pivot][col].abs() <= 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let d = a[col][col];
        for j in 0..n {
            a[col][j] /= d;
            inv[col][j] /= d;
        }
        for r in 0..n {
            if r != col {
                let f = a[r][col];
                if f != 0.0 {
                    for j in 0..n {
                        a[r][j] -= f * a[col][j];
                        inv[r][j] -= f * inv[col][j];
                    }
                }
            }
        }
    }
    Some(inv)
}

// ---------------------------------------------------------------- swing

/// The error when a `--given` condition keeps no run.
fn no_run_kept(options: &RunOptions) -> SimError {
    SimError::Input(format!(
        "no run satisfies --given (0 of {} runs); the condition may be impossible in this model, or rare: check it, or raise --runs",
        options.runs
    ))
}

fn swing(
    model: &Model,
    steer: &[(VarId, Dist)],
    given: Option<&MExpr>,
    outcomes: &[usize],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<OutcomeSensitivity>, SimError> {
    let (models, inputs) = swing_settings(model, steer);
    let (mut results, blocks) = swing_blocks(&models, given, outcomes, options, None, progress)?;
    let results = results.iter_mut().map(|r| r.remove(0)).collect();
    // The swings, block by block in block order: the merge tree of a shard.
    let mut swings = vec![Paired::new(); outcomes.len() * steer.len()];
    for block in &blocks {
        for (total, p) in swings.iter_mut().zip(block) {
            total.merge(p);
        }
    }
    swing_effects(
        model, steer, &inputs, &models, given, outcomes, options, results, &swings,
    )
}

/// The models of a swing analysis (the median setting, then each
/// parameter's 10th and 90th percentile setting) and each parameter's two
/// inputs.
fn swing_settings(model: &Model, steer: &[(VarId, Dist)]) -> (Vec<Model>, Vec<(f64, f64)>) {
    let medians: Vec<f64> = steer.iter().map(|(_, d)| d.quantile(0.5)).collect();
    let at = |which: Option<(usize, f64)>| {
        let mut m = model.clone();
        for (i, ((p, _), &median)) in steer.iter().zip(&medians).enumerate() {
            let v = match which {
                Some((k, v)) if k == i => v,
                _ => median,
            };
            m.fix_param(*p, v);
        }
        m
    };
    let mut models = vec![at(None)];
    let mut inputs = Vec::new();
    for (i, (_, d)) in steer.iter().enumerate() {
        let (lo, hi) = (d.quantile(0.1), d.quantile(0.9));
        inputs.push((lo, hi));
        models.push(at(Some((i, lo))));
        models.push(at(Some((i, hi))));
    }
    (models, inputs)
}

/// Every setting's results (`[setting][block]`: whole as one entry, or with
/// `shard` those blocks) and, per block of runs, the swings' paired
/// accumulators `[slot * k + parameter]`: run-by-run (90th - 10th percentile
/// setting), runs where either has no value left out, accumulated run by
/// run within the block.
#[allow(clippy::type_complexity)]
fn swing_blocks(
    models: &[Model],
    given: Option<&MExpr>,
    outcomes: &[usize],
    options: &RunOptions,
    shard: Option<Range<u64>>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Vec<Vec<Results>>, Vec<Vec<Paired>>), SimError> {
    let model = &models[0];
    let k = (models.len() - 1) / 2;
    let mut blocks: Vec<Vec<Paired>> = Vec::new();
    let mut block = None;
    let mut on_rows = |rows: &[Rows]| {
        let Some(first) = rows.first() else {
            return Ok(());
        };
        let this = first.first_run / super::BLOCK_RUNS;
        if block != Some(this) {
            block = Some(this);
            blocks.push(vec![Paired::new(); outcomes.len() * k]);
        }
        let Some(swings) = blocks.last_mut() else {
            return Ok(());
        };
        for (slot, &o) in outcomes.iter().enumerate() {
            let kind = &model.outcomes[o].kind;
            for (i, paired) in swings[slot * k..(slot + 1) * k].iter_mut().enumerate() {
                let (low, high) = (&rows[1 + 2 * i], &rows[2 + 2 * i]);
                for j in 0..low.len() {
                    if !(low.condition[j] && high.condition[j]) {
                        continue;
                    }
                    let (l, h) = (low.outcomes[o][j], high.outcomes[o][j]);
                    paired.add(outcome_value(kind, h), outcome_value(kind, l));
                }
            }
        }
        Ok(())
    };
    let conditions: Vec<Option<MExpr>> = vec![given.cloned(); models.len()];
    let setup = super::Setup {
        models,
        conditions: &conditions,
        injects: &[],
        row_params: false,
    };
    let results = match shard {
        Some(range) => {
            super::simulate_setup_blocks(&setup, false, options, range, progress, &mut on_rows)?
        }
        None => super::simulate_setup(&setup, false, options, progress, Some(&mut on_rows))?
            .into_iter()
            .map(|r| vec![r])
            .collect(),
    };
    Ok((results, blocks))
}

/// Each outcome's swings from every setting's results and the swings'
/// merged paired accumulators.
#[allow(clippy::too_many_arguments)]
fn swing_effects(
    model: &Model,
    steer: &[(VarId, Dist)],
    inputs: &[(f64, f64)],
    models: &[Model],
    given: Option<&MExpr>,
    outcomes: &[usize],
    options: &RunOptions,
    mut results: Vec<Results>,
    swings: &[Paired],
) -> Result<Vec<OutcomeSensitivity>, SimError> {
    let k = steer.len();
    if given.is_some() && results.iter().any(|r| r.kept == 0) {
        return Err(no_run_kept(options));
    }
    let summaries = super::summaries(models, &mut results);
    let mut out = Vec::new();
    for (slot, &o) in outcomes.iter().enumerate() {
        let mut res = header(model, o);
        let baseline = Estimate::of(&summaries[0], o);
        res.baseline = baseline.value;
        res.baseline_mcse = baseline.mcse;
        for (i, (p, _)) in steer.iter().enumerate() {
            if inputs[i].0 == inputs[i].1 {
                continue; // a fixed parameter has no swing
            }
            let var = model.var(*p);
            let (low, high) = (
                Estimate::of(&summaries[1 + 2 * i], o),
                Estimate::of(&summaries[2 + 2 * i], o),
            );
            res.effects.push(Effect {
                param: var.name.clone(),
                label: var.title().to_string(),
                a: low.value,
                a_lo: low.lo,
                a_hi: low.hi,
                a_mcse: low.mcse,
                b: high.value,
                b_lo: high.lo,
                b_hi: high.hi,
                b_mcse: high.mcse,
                swing_mcse: swings[slot * k + i].mcse(),
                low_input: inputs[i].0,
                high_input: inputs[i].1,
            });
        }
        sort(&mut res.effects, Method::Swing);
        out.push(res);
    }
    Ok(out)
}

/// An outcome's estimate in one setting: a probability with its Wilson
/// interval, or a mean with its normal interval; and its standard error.
struct Estimate {
    value: f64,
    lo: f64,
    hi: f64,
    mcse: f64,
}

impl Estimate {
    fn of(s: &summary::Summary, o: usize) -> Estimate {
        let out = &s.outcomes[o];
        if let Some(e) = out.probability {
            return Estimate {
                value: e.p,
                lo: e.lo,
                hi: e.hi,
                mcse: e.mcse,
            };
        }
        match &out.number {
            Some(n) => {
                let z = crate::stats::z_for_level(summary::LEVEL);
                Estimate {
                    value: n.mean,
                    lo: n.mean - z * n.mcse,
                    hi: n.mean + z * n.mcse,
                    mcse: n.mcse,
                }
            }
            None => Estimate {
                value: f64::NAN,
                lo: f64::NAN,
                hi: f64::NAN,
                mcse: f64::NAN,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn inverse_of_a_small_matrix() {
        let a = vec![vec![4.0, 7.0], vec![2.0, 6.0]];
        let inv = invert(a).unwrap();
        // inverse of [[4,7],[2,6]] is [[0.6,-0.7],[-0.2,0.4]]
        let want = [[0.6, -0.7], [-0.2, 0.4]];
        for i in 0..2 {
            for j in 0..2 {
                assert!((inv[i][j] - want[i][j]).abs() < 1e-12);
            }
        }
        assert!(invert(vec![vec![1.0, 2.0], vec![2.0, 4.0]]).is_none());
    }

    #[test]
    fn partial_correlation_isolates_each_input() {
        // y = x1 + x2 + small noise, x1 and x2 independent uniforms: given the
        // other input, each explains almost all that is left of y (the noise
        // has 1/100 of an input's variance, so the partial correlation is
        // 1/sqrt(1 + 0.01) = 0.995).
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut u = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let x1: Vec<f64> = (0..2000).map(|_| u()).collect();
        let x2: Vec<f64> = (0..2000).map(|_| u()).collect();
        let y: Vec<f64> = x1
            .iter()
            .zip(&x2)
            .map(|(a, b)| a + b + 0.1 * (u() - 0.5))
            .collect();
        let p = partial_correlations(&[x1, x2], &y);
        assert!(p.iter().all(|&r| (r - 0.995).abs() < 0.005), "{p:?}");
    }
}
