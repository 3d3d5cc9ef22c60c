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
//!   interactions. Saltelli sampling (matrices A, B and A with column i from
//!   B), the Saltelli (2010) first-order estimator and Jansen's (1999) total
//!   estimator, with bootstrap percentile intervals. Cost: N(k+2) runs.
//!
//! Only parameters with a known distribution (a distribution call with
//! constant arguments, or a constant) can be steered; others keep their
//! definitions. Every configuration runs with the same seed, so the model's
//! own randomness (events, draws in expressions) is the same for row j of
//! every matrix. For a stochastic model the first-order indices then sum to
//! less than one; the remainder is the share of variance due to that inner
//! randomness and to interactions.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use super::{outcome_value, pearson, ranks};
use crate::dist::Dist;
use crate::engine::exec::Inject;
use crate::engine::{self, Job, Rows, RunOptions, SimError, compile::compile};
use crate::scenario::{Model, OutcomeKind, VarId};
use crate::summary;

/// Most per-run values a Sobol analysis may keep (1.6 GB).
pub const SOBOL_MAX_VALUES: usize = 200_000_000;

/// Bootstrap resamples for Sobol intervals.
pub const BOOTSTRAP: usize = 200;

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
    pub a_lo: f64,
    pub a_hi: f64,
    /// rank: partial rank correlation; sobol: total index; swing: outcome at the 90th percentile.
    pub b: f64,
    pub b_lo: f64,
    pub b_hi: f64,
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
}

/// Run the analysis for the chosen outcomes (indices into `model.outcomes`).
pub fn analyse(
    model: &Model,
    method: Method,
    outcomes: &[usize],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Sensitivity, SimError> {
    // Parameters with a distribution to steer; fixed ones have nothing to vary.
    let steer: Vec<(VarId, Dist)> = model
        .steerable_params()
        .into_iter()
        .filter(|(_, d)| d.quantile(0.0) < d.quantile(1.0))
        .collect();
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
    let (results, total_runs) = match method {
        Method::Rank => (rank(model, outcomes, options, progress)?, options.runs),
        Method::Swing => (
            swing(model, &steer, outcomes, options, progress)?,
            options.runs * (2 * steer.len() as u64 + 1),
        ),
        Method::Sobol => (
            sobol(model, &steer, outcomes, options, progress)?,
            options.runs * (steer.len() as u64 + 2),
        ),
    };
    Ok(Sensitivity {
        method,
        total_runs,
        runs: options.runs,
        seed: options.seed,
        outcomes: results,
        not_steered,
    })
}

fn header(model: &Model, o: usize) -> OutcomeSensitivity {
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
        variance: f64::NAN,
        effects: Vec::new(),
    }
}

fn sort(effects: &mut [Effect], method: Method) {
    effects.sort_by(|x, y| y.size(method).total_cmp(&x.size(method)));
}

// ---------------------------------------------------------------- rank

fn rank(
    model: &Model,
    outcomes: &[usize],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<OutcomeSensitivity>, SimError> {
    let program = compile(model, None);
    let options = RunOptions {
        rows: true,
        ..options.clone()
    };
    let mut params: Vec<Vec<f64>> = vec![Vec::new(); model.params.len()];
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); model.outcomes.len()];
    let job = Job {
        model,
        program: &program,
        inject: None,
        series: false,
    };
    engine::simulate_many(&[job], &options, progress, &mut |rows: &[Rows]| {
        let Some(rows) = rows.first() else {
            return Ok(());
        };
        for (col, r) in params.iter_mut().zip(&rows.params) {
            col.extend_from_slice(r);
        }
        for (col, r) in values.iter_mut().zip(&rows.outcomes) {
            col.extend_from_slice(r);
        }
        Ok(())
    })?;
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
    let mut out = Vec::new();
    for &o in outcomes {
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
        for (k, &i) in varying.iter().enumerate() {
            let rho = pearson(&rx[k], &ry);
            let (lo, hi) = fisher_interval(rho, n);
            let var = model.var(model.params[i]);
            res.effects.push(Effect {
                param: var.name.clone(),
                label: var.title().to_string(),
                a: rho,
                a_lo: lo,
                a_hi: hi,
                b: prcc[k],
                b_lo: f64::NAN,
                b_hi: f64::NAN,
                low_input: f64::NAN,
                high_input: f64::NAN,
            });
        }
        sort(&mut res.effects, Method::Rank);
        out.push(res);
    }
    Ok(out)
}

/// 95% interval of a Spearman correlation by Fisher's z with the
/// Fieller, Hartley & Pearson (1957) variance 1.06 / (n - 3).
fn fisher_interval(rho: f64, n: f64) -> (f64, f64) {
    if rho.is_nan() || n <= 3.0 {
        return (f64::NAN, f64::NAN);
    }
    let z = rho.clamp(-0.999_999, 0.999_999).atanh();
    let se = (1.06 / (n - 3.0)).sqrt();
    let q = crate::stats::z_for_level(crate::summary::LEVEL);
    ((z - q * se).tanh(), (z + q * se).tanh())
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

fn swing(
    model: &Model,
    steer: &[(VarId, Dist)],
    outcomes: &[usize],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<OutcomeSensitivity>, SimError> {
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
    let mut results = super::simulate_models(&models, false, options, progress, None)?;
    let summaries = super::summaries(&models, &mut results);
    let value = |s: &summary::Summary, o: usize| {
        let out = &s.outcomes[o];
        out.probability
            .map(|e| e.p)
            .or(out.number.as_ref().map(|n| n.mean))
            .unwrap_or(f64::NAN)
    };
    let mut out = Vec::new();
    for &o in outcomes {
        let mut res = header(model, o);
        res.baseline = value(&summaries[0], o);
        for (i, (p, _)) in steer.iter().enumerate() {
            if inputs[i].0 == inputs[i].1 {
                continue; // a fixed parameter has no swing
            }
            let var = model.var(*p);
            res.effects.push(Effect {
                param: var.name.clone(),
                label: var.title().to_string(),
                a: value(&summaries[1 + 2 * i], o),
                a_lo: f64::NAN,
                a_hi: f64::NAN,
                b: value(&summaries[2 + 2 * i], o),
                b_lo: f64::NAN,
                b_hi: f64::NAN,
                low_input: inputs[i].0,
                high_input: inputs[i].1,
            });
        }
        sort(&mut res.effects, Method::Swing);
        out.push(res);
    }
    Ok(out)
}

// ---------------------------------------------------------------- sobol

/// Parameter values per (model parameter index, run), for injection.
struct Matrix {
    columns: Vec<Option<Vec<f64>>>,
}

impl Inject for Matrix {
    fn value(&self, param: usize, run: u64) -> Option<f64> {
        self.columns
            .get(param)?
            .as_ref()?
            .get(run as usize)
            .copied()
    }
}

fn uniforms(seed: u64, label: u64, k: usize, n: usize) -> Vec<Vec<f64>> {
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(seed ^ label.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    (0..k)
        .map(|_| {
            (0..n)
                .map(|_| ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64)
                .collect()
        })
        .collect()
}

fn sobol(
    model: &Model,
    steer: &[(VarId, Dist)],
    outcomes: &[usize],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<OutcomeSensitivity>, SimError> {
    let n = options.runs as usize;
    let k = steer.len();
    // Every run's value is kept per outcome: N (k + 2) numbers each.
    let values = n
        .saturating_mul(k + 2)
        .saturating_mul(outcomes.len().max(1));
    if values > SOBOL_MAX_VALUES {
        return Err(SimError::Input(format!(
            "a Sobol analysis of {} outcome(s) with {k} parameters and --runs {n} would keep {values} values in memory (at most {SOBOL_MAX_VALUES}); \
             lower --runs (the base sample N) or analyse one --outcome at a time",
            outcomes.len()
        )));
    }
    let ua = uniforms(options.seed, 1, k, n);
    let ub = uniforms(options.seed, 2, k, n);
    let index_of = |p: VarId| {
        model
            .params
            .iter()
            .position(|&q| q == p)
            .unwrap_or(usize::MAX)
    };
    let to_values = |u: &[Vec<f64>]| -> Vec<Vec<f64>> {
        steer
            .iter()
            .zip(u)
            .map(|((_, d), col)| col.iter().map(|&x| d.quantile(x)).collect())
            .collect()
    };
    let (va, vb) = (to_values(&ua), to_values(&ub));
    let matrix = |cols: Vec<&Vec<f64>>| {
        let mut columns = vec![None; model.params.len()];
        for ((p, _), col) in steer.iter().zip(cols) {
            if let Some(slot) = columns.get_mut(index_of(*p)) {
                *slot = Some(col.clone());
            }
        }
        Matrix { columns }
    };
    let mut matrices = vec![matrix(va.iter().collect()), matrix(vb.iter().collect())];
    for i in 0..k {
        matrices.push(matrix(
            (0..k)
                .map(|j| if j == i { &vb[j] } else { &va[j] })
                .collect(),
        ));
    }
    let program = compile(model, None);
    let jobs: Vec<Job> = matrices
        .iter()
        .map(|m| Job {
            model,
            program: &program,
            inject: Some(m as &(dyn Inject + Sync)),
            series: false,
        })
        .collect();
    // f[o][matrix][run]
    let mut f: Vec<Vec<Vec<f64>>> = vec![vec![Vec::with_capacity(n); jobs.len()]; outcomes.len()];
    let options = RunOptions {
        rows: true,
        ..options.clone()
    };
    engine::simulate_many(&jobs, &options, progress, &mut |rows: &[Rows]| {
        for (slot, &o) in outcomes.iter().enumerate() {
            let kind = &model.outcomes[o].kind;
            for (m, r) in rows.iter().enumerate() {
                f[slot][m].extend(r.outcomes[o].iter().map(|&v| outcome_value(kind, v)));
            }
        }
        Ok(())
    })?;
    let mut out = Vec::new();
    for (slot, &o) in outcomes.iter().enumerate() {
        let mut res = header(model, o);
        let fo = &f[slot];
        let rows: Vec<usize> = (0..n)
            .filter(|&j| fo.iter().all(|m| m[j].is_finite()))
            .collect();
        let all: Vec<usize> = (0..rows.len()).collect();
        res.variance = variance(fo, &rows, &all);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(options.seed ^ 0xb007_5742);
        let resamples: Vec<Vec<usize>> = (0..BOOTSTRAP)
            .map(|_| {
                (0..rows.len())
                    .map(|_| (rng.next_u64() % rows.len().max(1) as u64) as usize)
                    .collect()
            })
            .collect();
        for (i, (p, _)) in steer.iter().enumerate() {
            let (s1, st) = indices(fo, &rows, &all, i);
            let boot: Vec<(f64, f64)> = resamples
                .iter()
                .map(|pick| indices(fo, &rows, pick, i))
                .collect();
            let (s1_lo, s1_hi) = percentile_interval(boot.iter().map(|b| b.0).collect());
            let (st_lo, st_hi) = percentile_interval(boot.iter().map(|b| b.1).collect());
            let var = model.var(*p);
            res.effects.push(Effect {
                param: var.name.clone(),
                label: var.title().to_string(),
                a: s1,
                a_lo: s1_lo,
                a_hi: s1_hi,
                b: st,
                b_lo: st_lo,
                b_hi: st_hi,
                low_input: f64::NAN,
                high_input: f64::NAN,
            });
        }
        sort(&mut res.effects, Method::Sobol);
        out.push(res);
    }
    Ok(out)
}

/// Variance of f(A) and f(B) pooled, over the picked rows.
fn variance(f: &[Vec<f64>], rows: &[usize], pick: &[usize]) -> f64 {
    let values: Vec<f64> = pick
        .iter()
        .flat_map(|&j| [f[0][rows[j]], f[1][rows[j]]])
        .collect();
    let n = values.len() as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let mean = values.iter().sum::<f64>() / n;
    values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)
}

/// First-order (Saltelli et al. 2010, eq. b in table 2) and total (Jansen
/// 1999) indices of parameter i over the picked rows; f = [A, B, AB_1..AB_k].
fn indices(f: &[Vec<f64>], rows: &[usize], pick: &[usize], i: usize) -> (f64, f64) {
    let v = variance(f, rows, pick);
    let n = pick.len() as f64;
    if v.is_nan() || v <= 0.0 || n == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let (a, b, ab) = (&f[0], &f[1], &f[2 + i]);
    let (mut first, mut total) = (0.0, 0.0);
    for &p in pick {
        let j = rows[p];
        first += b[j] * (ab[j] - a[j]);
        total += (a[j] - ab[j]) * (a[j] - ab[j]);
    }
    (first / n / v, total / (2.0 * n) / v)
}

/// 2.5% and 97.5% percentiles of bootstrap estimates.
fn percentile_interval(mut values: Vec<f64>) -> (f64, f64) {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    values.sort_by(f64::total_cmp);
    let at = |p: f64| values[((values.len() - 1) as f64 * p).round() as usize];
    (at(0.025), at(0.975))
}

#[cfg(test)]
mod tests {
    use super::*;

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
