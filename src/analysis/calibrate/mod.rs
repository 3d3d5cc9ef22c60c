//! `polsim calibrate`: which values of a scenario's uncertain parameters
//! reproduce what has been observed? Approximate Bayesian computation (ABC)
//! over the parameters with a known distribution (their prior), against
//! observations of state, derived variables and events over time.
//!
//! The engine runs unchanged: the observed points become outcomes
//! (`at(variable, step)`) of a copy of the model, the parameter values of
//! each particle are injected run by run (`exec::Inject`), and each
//! generation is one simulation on every core. A run's distance to the data
//! is the root mean square of its standardised residuals
//! `(simulated - observed) / scale`, the scale being the observation's `sd`
//! when the file gives one, else the spread (1.4826 x the median absolute
//! deviation, or the standard deviation) of that observation's simulated
//! values under the prior. An observation with an `sd` is compared with the
//! simulated value plus a normal error of that sd (noisy ABC), so the
//! posterior is that of the model with that measurement error.
//!
//! The algorithm is in [`smc`]; the space particles move in, in [`latent`].
//! Parameters defined from others, mixtures and parameters drawn from a
//! file are not calibrated: they keep their own draws, like the model's
//! own chance events.

pub mod latent;
pub mod observed;
pub mod smc;

use crate::analysis::{Setup, simulate_setup};
use crate::dist::DistKind;
use crate::engine::exec::Inject;
use crate::engine::{Rows, RunOptions, SimError, rng};
use crate::scenario::{Model, Outcome, OutcomeKind, VarId, VarKind};
use latent::{Prior, cholesky_ridged};
pub use observed::Observation;
use smc::Particle;

/// How a calibration runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The size of the population (the posterior sample).
    pub particles: usize,
    /// Prior draws simulated by the rejection step.
    pub prior_runs: usize,
    pub max_generations: usize,
    /// Stop when fewer than this share of a generation's proposals enter
    /// the population.
    pub min_acceptance: f64,
    /// Stop once the tolerance is at or below this distance; with
    /// `strict`, keep only particles within it.
    pub tolerance: Option<f64>,
    pub strict: bool,
    pub seed: u64,
    pub threads: usize,
}

/// A parameter the calibration moves, or one it leaves alone.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub id: VarId,
    /// Its index in `Model::params` (the engine's injection index).
    pub index: usize,
    /// As written in the scenario: its prior.
    pub prior: String,
}

/// One step of the calibration, as the report tabulates it.
#[derive(Clone, Debug, PartialEq)]
pub struct Generation {
    /// 0 is the rejection step.
    pub index: usize,
    pub simulated: usize,
    /// How many of this step's simulations are in the population after it.
    pub accepted: usize,
    /// The distance of the farthest particle kept.
    pub tolerance: f64,
    pub ess: f64,
}

/// What the data said about one parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Learned {
    pub prior_mean: f64,
    pub prior_sd: f64,
    /// 5th, 50th and 95th percentiles.
    pub prior_q: [f64; 3],
    pub posterior_mean: f64,
    pub posterior_sd: f64,
    pub posterior_q: [f64; 3],
    /// 1 - posterior variance / prior variance: near 1 when the data pin
    /// the parameter down, near 0 when they say nothing of it.
    pub contraction: f64,
}

impl Learned {
    /// In words, for the report and the terminal.
    pub fn verdict(&self) -> &'static str {
        if self.contraction >= 0.5 {
            "informed"
        } else if self.contraction >= 0.1 {
            "weakly informed"
        } else {
            "not informed"
        }
    }
}

/// A finished calibration.
#[derive(Clone, Debug)]
pub struct Calibration {
    pub params: Vec<Parameter>,
    /// Uncertain parameters left alone, with the reason.
    pub not_calibrated: Vec<(String, &'static str)>,
    pub observations: Vec<Observation>,
    /// The scale of each observation's residual.
    pub scales: Vec<f64>,
    /// Whether each scale is the observation's sd (else the prior spread).
    pub scale_from_sd: Vec<bool>,
    pub generations: Vec<Generation>,
    /// The posterior sample, closest first.
    pub particles: Vec<Particle>,
    /// Normalised weights of `particles`.
    pub weights: Vec<f64>,
    /// The prior draws of the rejection step, by parameter.
    pub prior_values: Vec<Vec<f64>>,
    pub learned: Vec<Learned>,
    pub ess: f64,
    /// Why the sequence stopped.
    pub stopped: String,
    pub settings: Settings,
}

impl Calibration {
    pub fn simulations(&self) -> usize {
        self.generations.iter().map(|g| g.simulated).sum()
    }

    /// The final tolerance.
    pub fn tolerance(&self) -> f64 {
        self.particles.last().map_or(f64::NAN, |p| p.distance)
    }
}

/// Why a calibration could not be made.
#[derive(Debug)]
pub enum Refused {
    /// The request or the data cannot give a posterior (exit code 2).
    Input(String),
    Sim(SimError),
}

impl From<SimError> for Refused {
    fn from(e: SimError) -> Refused {
        Refused::Sim(e)
    }
}

/// The parameters a calibration moves (a distribution with constant
/// arguments that is not a fixed value), and the others with the reason.
pub fn parameters(model: &Model) -> (Vec<Parameter>, Vec<(String, &'static str)>) {
    let mut moved = Vec::new();
    let mut left = Vec::new();
    for (index, &id) in model.params.iter().enumerate() {
        let var = model.var(id);
        let VarKind::Param { def, dist } = &var.kind else {
            continue;
        };
        match dist {
            Some(d) if d.kind() != DistKind::Fixed => moved.push(Parameter {
                name: var.name.clone(),
                id,
                index,
                prior: var.text.clone(),
            }),
            Some(_) => {}
            None => {
                let why = match def {
                    crate::scenario::MExpr::Resample(_) => "drawn from the rows of a file",
                    e if e.vars().is_empty() => "a mixture or a composite draw",
                    _ => "defined from other parameters",
                };
                left.push((var.name.clone(), why));
            }
        }
    }
    (moved, left)
}

/// The observed points of `observations` as outcomes of a copy of `model`
/// (one per distinct variable and step), and the outcome of each observation.
pub fn observed_model(
    model: &Model,
    observations: &[Observation],
) -> Result<(Model, Vec<usize>), Refused> {
    let mut points: Vec<(VarId, u32)> = Vec::new();
    let mut index = Vec::with_capacity(observations.len());
    for o in observations {
        let at = (o.var, o.step);
        let i = match points.iter().position(|p| *p == at) {
            Some(i) => i,
            None => {
                points.push(at);
                points.len() - 1
            }
        };
        index.push(i);
    }
    let mut sim = model.clone();
    sim.outcomes = points
        .iter()
        .map(|&(var, step)| {
            let name = model.var(var).name.clone();
            let text = format!("at({name}, {step})");
            let expr = crate::scenario::parse_extra(model, "--data", &text).map_err(|r| {
                Refused::Input(format!(
                    "cannot read {name} at step {step}: {}",
                    r.render(false)
                ))
            })?;
            Ok(Outcome {
                name: format!("{name}@{step}"),
                kind: OutcomeKind::Number,
                expr,
                may_be_none: true,
                doc: Default::default(),
                span: model.var(var).span,
            })
        })
        .collect::<Result<_, Refused>>()?;
    sim.charts = Default::default();
    Ok((sim, index))
}

/// Values for the calibrated parameters, run by run.
struct Injected<'a> {
    /// By position in `Model::params`: the column of values, when calibrated.
    columns: Vec<Option<&'a [f64]>>,
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

/// Simulate one run per point of `values` (`values[particle][parameter]`)
/// and return each run's outcomes (`[run][outcome]`).
fn simulate(
    sim: &Model,
    params: &[Parameter],
    values: &[Vec<f64>],
    seed: u64,
    threads: usize,
) -> Result<Vec<Vec<f64>>, SimError> {
    let by_param: Vec<Vec<f64>> = (0..params.len())
        .map(|k| values.iter().map(|v| v[k]).collect())
        .collect();
    let mut columns: Vec<Option<&[f64]>> = vec![None; sim.params.len()];
    for (p, column) in params.iter().zip(&by_param) {
        columns[p.index] = Some(column);
    }
    let inject = Injected { columns };
    let options = RunOptions {
        runs: values.len() as u64,
        seed,
        threads,
        rows: true,
    };
    let mut out: Vec<Vec<f64>> = Vec::with_capacity(values.len());
    let mut sink = |rows: &[Rows]| -> std::io::Result<()> {
        if let Some(r) = rows.first() {
            for i in 0..r.len() {
                out.push(r.outcomes.iter().map(|c| c[i]).collect());
            }
        }
        Ok(())
    };
    let injects: [Option<&(dyn Inject + Sync)>; 1] = [Some(&inject)];
    let setup = Setup {
        models: std::slice::from_ref(sim),
        conditions: &[],
        injects: &injects,
        row_params: false,
    };
    simulate_setup(&setup, false, &options, &|_| {}, Some(&mut sink))?;
    Ok(out)
}

/// The seed of the model's own randomness in a generation: the scenario's
/// seed for the rejection step, a seed of its own for each later one.
fn generation_seed(seed: u64, generation: usize) -> u64 {
    if generation == 0 {
        seed
    } else {
        rng::key(seed, 0x5eed_0000_0000 ^ generation as u64)
    }
}

/// Calibrate `model` to `observations`.
pub fn calibrate(
    model: &Model,
    observations: Vec<Observation>,
    settings: &Settings,
    progress: &dyn Fn(&Generation),
) -> Result<Calibration, Refused> {
    let (params, not_calibrated) = parameters(model);
    if params.is_empty() {
        return Err(Refused::Input(format!(
            "{} has no uncertain parameter to calibrate: calibration moves parameters with a distribution (such as `uniform(0, 1)` or `pert(0.1, 0.3, 0.6)`); give the parameters you want estimated a prior distribution",
            model.info.name
        )));
    }
    let prior = prior_of(model, &params);
    let (sim, point) = observed_model(model, &observations)?;
    let k = settings.particles;

    // 1. Rejection from the prior.
    let latent0 = smc::prior_draws(&prior, settings.seed, settings.prior_runs);
    let values0: Vec<Vec<f64>> = latent0.iter().map(|x| prior.values(x)).collect();
    let sims0 = simulate(&sim, &params, &values0, settings.seed, settings.threads)?;
    let (scales, scale_from_sd) = scales(&observations, &point, &sims0);
    // Observations with an sd are compared with a simulated value plus an
    // observation error of that sd (noisy ABC, Wilkinson 2013): the
    // posterior is then the one of the model with that measurement error,
    // and shrinking the tolerance does not make it overconfident.
    let distance = |outcomes: &[f64], generation: usize, index: usize| -> f64 {
        let errors = smc::noise(settings.seed, generation, index, observations.len());
        let mut total = 0.0;
        for (j, ((o, &p), s)) in observations.iter().zip(&point).zip(&scales).enumerate() {
            let simulated = outcomes[p] + o.sd.map_or(0.0, |sd| sd * errors[j]);
            let r = (simulated - o.value) / s;
            if !r.is_finite() {
                return f64::INFINITY;
            }
            total += r * r;
        }
        (total / observations.len() as f64).sqrt()
    };
    let pool: Vec<Particle> = latent0
        .into_iter()
        .zip(values0)
        .zip(&sims0)
        .enumerate()
        .map(|(i, ((latent, values), out))| Particle {
            latent,
            values,
            ln_weight: 0.0,
            distance: distance(out, 0, i),
            generation: 0,
        })
        .collect();
    let prior_values: Vec<Vec<f64>> = (0..params.len())
        .map(|j| pool.iter().map(|p| p.values[j]).collect())
        .collect();
    let mut population = smc::closest(pool, k);
    if population.iter().all(|p| !p.distance.is_finite()) {
        return Err(Refused::Input(format!(
            "no accepted particles: none of the {} runs from the prior gave a value at every observed point (a division by zero, or ln or sqrt of a negative number, at an observed step?); check the observed variables with `polsim run`",
            settings.prior_runs
        )));
    }
    let mut generations = vec![Generation {
        index: 0,
        simulated: settings.prior_runs,
        accepted: population.len(),
        tolerance: population.last().map_or(f64::NAN, |p| p.distance),
        ess: smc::ess(&population),
    }];
    progress(&generations[0]);

    // 2. Sequential generations.
    let target = settings.tolerance;
    let reached = |g: &Generation| target.is_some_and(|t| g.tolerance <= t);
    let mut stopped = if reached(&generations[0]) {
        "the rejection step reached the target tolerance".to_string()
    } else {
        String::new()
    };
    let mut g = 1;
    while stopped.is_empty() {
        if g > settings.max_generations {
            stopped = format!(
                "the limit of {} generations was reached",
                settings.max_generations
            );
            break;
        }
        let factor = smc::kernel(&population, prior.dims());
        let proposals = smc::propose(&prior, &population, &factor, settings.seed, g, k);
        let values: Vec<Vec<f64>> = proposals.iter().map(|(x, _)| prior.values(x)).collect();
        let sims = simulate(
            &sim,
            &params,
            &values,
            generation_seed(settings.seed, g),
            settings.threads,
        )?;
        let mut pool = population;
        pool.extend(
            proposals
                .into_iter()
                .zip(values)
                .zip(&sims)
                .enumerate()
                .map(|(i, (((latent, ln_weight), values), out))| Particle {
                    latent,
                    values,
                    ln_weight,
                    distance: distance(out, g, i),
                    generation: g,
                }),
        );
        population = smc::closest(pool, k);
        let accepted = population.iter().filter(|p| p.generation == g).count();
        let generation = Generation {
            index: g,
            simulated: k,
            accepted,
            tolerance: population.last().map_or(f64::NAN, |p| p.distance),
            ess: smc::ess(&population),
        };
        progress(&generation);
        let rate = accepted as f64 / k as f64;
        if reached(&generation) {
            stopped = format!(
                "the tolerance reached the target {}",
                crate::format::number(target.unwrap_or(f64::NAN))
            );
        } else if rate < settings.min_acceptance {
            stopped = format!(
                "only {} of the proposals improved on the population (below {}): the tolerance has stopped falling",
                crate::format::percent(rate),
                crate::format::percent(settings.min_acceptance)
            );
        }
        generations.push(generation);
        g += 1;
    }

    if settings.strict
        && let Some(t) = target
    {
        let closest = population.first().map_or(f64::NAN, |p| p.distance);
        population.retain(|p| p.distance <= t);
        if population.is_empty() {
            return Err(Refused::Input(format!(
                "no accepted particles: no simulation came within the tolerance {} of the data (the closest was at {} after {} simulations); the model may not be able to reproduce these observations (check their units, dates and variables), or allow a larger --tolerance",
                crate::format::number(t),
                crate::format::number(closest),
                generations.iter().map(|g| g.simulated).sum::<usize>()
            )));
        }
    }
    let weights = smc::normalized(&population);
    let learned = (0..params.len())
        .map(|j| learned(&prior_values[j], &population, &weights, j))
        .collect();
    Ok(Calibration {
        ess: smc::ess(&population),
        params,
        not_calibrated,
        observations,
        scales,
        scale_from_sd,
        generations,
        particles: population,
        weights,
        prior_values,
        learned,
        stopped,
        settings: settings.clone(),
    })
}

/// The calibrated scenario in memory: `model` with each calibrated
/// parameter drawn from the posterior rows, exactly as calibrated.toml
/// draws them from posterior.csv (`file` as written there, the values and
/// `weights` as written, which read back to the same numbers).
pub fn posterior_model(model: &Model, cal: &Calibration, file: &str, weight: &str) -> Model {
    let mut out = model.clone();
    for (j, p) in cal.params.iter().enumerate() {
        let pairs: Vec<f64> = cal
            .particles
            .iter()
            .zip(&cal.weights)
            .flat_map(|(x, &w)| [x.values[j], w])
            .collect();
        let Ok(dist) = crate::dist::Dist::new(DistKind::Discrete, &pairs) else {
            continue;
        };
        let resample = crate::scenario::Resample {
            key: file.to_string(),
            file: file.to_string(),
            column: p.name.clone(),
            weight: Some(weight.to_string()),
            rows: cal.particles.len(),
            dist: Box::new(dist),
        };
        if let Some(var) = out.vars.get_mut(p.id.0 as usize) {
            var.kind = VarKind::Param {
                def: crate::scenario::MExpr::Resample(Box::new(resample)),
                dist: None,
            };
            var.text = format!("column `{}` of a row of {file}", p.name);
        }
    }
    out.copula = None;
    out
}

/// The latent prior of the calibrated parameters, with the correlations
/// of `[[correlations]]` among them.
fn prior_of(model: &Model, params: &[Parameter]) -> Prior {
    let dists = params
        .iter()
        .map(|p| match &model.var(p.id).kind {
            VarKind::Param { dist: Some(d), .. } => d.clone(),
            _ => unreachable!("calibrated parameters have a distribution"),
        })
        .collect();
    let mut groups = Vec::new();
    if let Some(copula) = &model.copula {
        let n = copula.params.len();
        // The correlation matrix R = L L^T of the whole group.
        let l = &copula.cholesky;
        let coords: Vec<(usize, usize)> = copula
            .params
            .iter()
            .enumerate()
            .filter_map(|(i, id)| params.iter().position(|p| p.id == *id).map(|c| (i, c)))
            .collect();
        if coords.len() >= 2 {
            let m = coords.len();
            let mut r = vec![0.0; m * m];
            for (a, &(i, _)) in coords.iter().enumerate() {
                for (b, &(j, _)) in coords.iter().enumerate() {
                    r[a * m + b] = (0..n).map(|k| l[i * n + k] * l[j * n + k]).sum();
                }
            }
            groups.push((coords.iter().map(|c| c.1).collect(), cholesky_ridged(&r, m)));
        }
    }
    Prior { dists, groups }
}

/// The scale of each observation's residual: its sd, or the spread of its
/// simulated values under the prior.
fn scales(
    observations: &[Observation],
    point: &[usize],
    sims: &[Vec<f64>],
) -> (Vec<f64>, Vec<bool>) {
    observations
        .iter()
        .zip(point)
        .map(|(o, &p)| match o.sd {
            Some(sd) => (sd, true),
            None => {
                let values: Vec<f64> = sims
                    .iter()
                    .map(|s| s[p])
                    .filter(|v| v.is_finite())
                    .collect();
                (spread(&values, o.value), false)
            }
        })
        .unzip()
}

/// 1.4826 x the median absolute deviation, else the standard deviation,
/// else the size of the observed value, else 1: never zero.
fn spread(values: &[f64], observed: f64) -> f64 {
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            f64::NAN
        } else if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    let mut v = values.to_vec();
    let m = median(&mut v);
    let mut dev: Vec<f64> = values.iter().map(|x| (x - m).abs()).collect();
    let mad = 1.4826 * median(&mut dev);
    if mad > 0.0 {
        return mad;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    if sd > 0.0 {
        sd
    } else if observed != 0.0 {
        observed.abs()
    } else {
        1.0
    }
}

/// Weighted mean, sd and quantiles.
pub fn weighted_stats(values: &[f64], weights: &[f64]) -> (f64, f64, [f64; 3]) {
    let total: f64 = weights.iter().sum();
    let mean = values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total;
    let var = values
        .iter()
        .zip(weights)
        .map(|(v, w)| w * (v - mean).powi(2))
        .sum::<f64>()
        / total;
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let quantile = |p: f64| {
        let mut acc = 0.0;
        for &i in &order {
            acc += weights[i] / total;
            if acc >= p {
                return values[i];
            }
        }
        order.last().map_or(f64::NAN, |&i| values[i])
    };
    (
        mean,
        var.sqrt(),
        [quantile(0.05), quantile(0.5), quantile(0.95)],
    )
}

fn learned(prior: &[f64], population: &[Particle], weights: &[f64], j: usize) -> Learned {
    let (prior_mean, prior_sd, prior_q) = weighted_stats(prior, &vec![1.0; prior.len()]);
    let post: Vec<f64> = population.iter().map(|p| p.values[j]).collect();
    let (posterior_mean, posterior_sd, posterior_q) = weighted_stats(&post, weights);
    let contraction = if prior_sd > 0.0 {
        1.0 - (posterior_sd / prior_sd).powi(2)
    } else {
        0.0
    };
    Learned {
        prior_mean,
        prior_sd,
        prior_q,
        posterior_mean,
        posterior_sd,
        posterior_q,
        contraction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_quantiles_and_spread() {
        let (mean, sd, q) = weighted_stats(&[1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 1.0, 1.0]);
        assert_eq!(mean, 2.5);
        assert!((sd - 1.25f64.sqrt()).abs() < 1e-12);
        assert_eq!(q, [1.0, 2.0, 4.0]);
        // All weight on 3.
        let (mean, sd, q) = weighted_stats(&[1.0, 3.0], &[0.0, 2.0]);
        assert_eq!((mean, sd, q), (3.0, 0.0, [3.0, 3.0, 3.0]));
        // MAD of 1..5 is 1: the scale is 1.4826.
        assert!((spread(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.0) - 1.4826).abs() < 1e-12);
        assert_eq!(spread(&[2.0, 2.0], 5.0), 5.0);
    }
}
