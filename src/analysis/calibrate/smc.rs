//! The steps of adaptive ABC-SMC (Lenormand, Jabot & Deffuant, "Adaptive
//! approximate Bayesian computation for complex models", *Computational
//! Statistics* 28, 2013), in the latent space of [`super::latent`]:
//!
//! 1. **Rejection:** draw `prior_runs` parameter sets from the prior,
//!    simulate each once, keep the `particles` closest to the data; the
//!    tolerance is the distance of the last one kept. Weights are equal.
//! 2. **Each generation:** propose `particles` new sets, each a kept
//!    particle (picked by weight) moved by a normal kernel with twice the
//!    population's weighted covariance (Beaumont et al. 2009); weight each
//!    by prior density over the mixture density of the proposals; pool them
//!    with the kept particles and keep the closest `particles`: the new
//!    tolerance is the distance of the last one kept, so it falls as far as
//!    the proposals allow.
//! 3. **Stop** when fewer than `min_acceptance` of the proposals made it
//!    into the population (the tolerance no longer falls), when the target
//!    tolerance is reached, or after `max_generations`.
//!
//! Every random number is read from a counter-based stream of (seed,
//! generation, particle), and everything else is computed in particle
//! order, so a calibration is the same on any number of threads.

use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use super::latent::{Prior, cholesky_ridged, ln_normal_kernel};
use crate::engine::rng;

/// ln(2 pi) / 2.
const HALF_LN_TAU: f64 = 0.918_938_533_204_672_8;

/// One member of the population.
#[derive(Clone, Debug, PartialEq)]
pub struct Particle {
    /// The latent point (one coordinate per calibrated parameter).
    pub latent: Vec<f64>,
    /// The parameter values it stands for.
    pub values: Vec<f64>,
    pub ln_weight: f64,
    pub distance: f64,
    /// The generation that proposed it (0: the rejection step).
    pub generation: usize,
}

/// The stream of particle `index` in `generation`, for `purpose`.
fn stream(seed: u64, generation: usize, index: usize, purpose: u64) -> rng::Stream {
    let key = rng::key(
        seed,
        0xca11_b8a7_e000_0000 ^ purpose ^ (generation as u64) << 8,
    );
    rng::Stream::open(key, rng::run_key(index as u64))
}

/// `count` prior draws.
pub fn prior_draws(prior: &Prior, seed: u64, count: usize) -> Vec<Vec<f64>> {
    (0..count)
        .into_par_iter()
        .map(|i| {
            let mut s = stream(seed, 0, i, 1);
            let z: Vec<f64> = (0..prior.dims())
                .map(|_| StandardNormal.sample(&mut s))
                .collect();
            prior.correlate(z)
        })
        .collect()
}

/// `count` standard normal numbers of particle `index` in `generation`:
/// the observation errors added to its simulated values (noisy ABC).
pub fn noise(seed: u64, generation: usize, index: usize, count: usize) -> Vec<f64> {
    let mut s = stream(seed, generation, index, 3);
    (0..count).map(|_| StandardNormal.sample(&mut s)).collect()
}

/// The perturbation kernel of a population: the Cholesky factor of twice
/// its weighted covariance.
pub fn kernel(population: &[Particle], dims: usize) -> Vec<f64> {
    let w = normalized(population);
    let mut mean = vec![0.0; dims];
    for (p, &wi) in population.iter().zip(&w) {
        for (m, x) in mean.iter_mut().zip(&p.latent) {
            *m += wi * x;
        }
    }
    let mut cov = vec![0.0; dims * dims];
    for (p, &wi) in population.iter().zip(&w) {
        for a in 0..dims {
            for b in 0..dims {
                cov[a * dims + b] += 2.0 * wi * (p.latent[a] - mean[a]) * (p.latent[b] - mean[b]);
            }
        }
    }
    cholesky_ridged(&cov, dims)
}

/// Normalised weights of a population.
pub fn normalized(population: &[Particle]) -> Vec<f64> {
    let top = population
        .iter()
        .map(|p| p.ln_weight)
        .fold(f64::NEG_INFINITY, f64::max);
    let raw: Vec<f64> = population
        .iter()
        .map(|p| (p.ln_weight - top).exp())
        .collect();
    let total: f64 = raw.iter().sum();
    raw.iter().map(|w| w / total).collect()
}

/// Kish's effective sample size of a population: (sum w)^2 / sum w^2.
pub fn ess(population: &[Particle]) -> f64 {
    let w = normalized(population);
    1.0 / w.iter().map(|x| x * x).sum::<f64>()
}

/// `count` proposals from `population` moved by the kernel `factor`, each
/// with its log importance weight.
pub fn propose(
    prior: &Prior,
    population: &[Particle],
    factor: &[f64],
    seed: u64,
    generation: usize,
    count: usize,
) -> Vec<(Vec<f64>, f64)> {
    let dims = prior.dims();
    let w = normalized(population);
    let mut cumulative = Vec::with_capacity(w.len());
    let mut acc = 0.0;
    for x in &w {
        acc += x;
        cumulative.push(acc);
    }
    let ln_w: Vec<f64> = w.iter().map(|x| x.ln()).collect();
    let ln_det_const = -(dims as f64) * HALF_LN_TAU;
    (0..count)
        .into_par_iter()
        .map(|i| {
            let mut s = stream(seed, generation, i, 2);
            let u: f64 = s.uniform() * acc;
            let parent = cumulative
                .partition_point(|&c| c <= u)
                .min(population.len() - 1);
            let z: Vec<f64> = (0..dims).map(|_| StandardNormal.sample(&mut s)).collect();
            let x: Vec<f64> = (0..dims)
                .map(|a| {
                    population[parent].latent[a]
                        + (0..=a).map(|k| factor[a * dims + k] * z[k]).sum::<f64>()
                })
                .collect();
            // The mixture density of the proposals at x, in logs.
            let terms: Vec<f64> = population
                .iter()
                .zip(&ln_w)
                .map(|(p, lw)| {
                    let d: Vec<f64> = x.iter().zip(&p.latent).map(|(a, b)| a - b).collect();
                    lw + ln_normal_kernel(factor, &d) + ln_det_const
                })
                .collect();
            let ln_q = ln_sum_exp(&terms);
            let ln_weight = prior.ln_density(&x) - ln_q;
            (x, ln_weight)
        })
        .collect()
}

fn ln_sum_exp(terms: &[f64]) -> f64 {
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return top;
    }
    top + terms.iter().map(|t| (t - top).exp()).sum::<f64>().ln()
}

/// The `keep` closest particles of `pool` (ties: the earlier in the pool),
/// in that order; NaN distances count as infinite.
pub fn closest(mut pool: Vec<Particle>, keep: usize) -> Vec<Particle> {
    let mut order: Vec<usize> = (0..pool.len()).collect();
    let key = |p: &Particle| {
        if p.distance.is_nan() {
            f64::INFINITY
        } else {
            p.distance
        }
    };
    order.sort_by(|&a, &b| key(&pool[a]).total_cmp(&key(&pool[b])).then(a.cmp(&b)));
    order.truncate(keep);
    let mut taken: Vec<Option<Particle>> = pool.drain(..).map(Some).collect();
    order.iter().filter_map(|&i| taken[i].take()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::{Dist, DistKind};

    fn particle(x: f64, distance: f64) -> Particle {
        Particle {
            latent: vec![x],
            values: vec![x],
            ln_weight: 0.0,
            distance,
            generation: 0,
        }
    }

    #[test]
    fn closest_keeps_the_nearest_and_puts_nan_last() {
        let pool = vec![
            particle(0.0, 3.0),
            particle(1.0, f64::NAN),
            particle(2.0, 1.0),
            particle(3.0, 1.0),
        ];
        let kept = closest(pool, 3);
        let xs: Vec<f64> = kept.iter().map(|p| p.latent[0]).collect();
        assert_eq!(xs, vec![2.0, 3.0, 0.0]);
    }

    #[test]
    fn proposals_are_weighted_by_prior_over_proposal_density() {
        // One particle at 0 with kernel sd 1 (factor [1]): the proposal
        // density is the standard normal, as is the prior, so every weight
        // is exactly 1 (ln 0).
        let prior = Prior {
            dists: vec![Dist::new(DistKind::Normal, &[0.0, 1.0]).unwrap()],
            groups: Vec::new(),
        };
        let proposals = propose(&prior, &[particle(0.0, 0.0)], &[1.0], 7, 1, 50);
        for (_, lw) in &proposals {
            assert!(lw.abs() < 1e-12, "{lw}");
        }
        // And the same seed gives the same proposals.
        assert_eq!(
            proposals,
            propose(&prior, &[particle(0.0, 0.0)], &[1.0], 7, 1, 50)
        );
    }

    #[test]
    fn ess_of_equal_and_unequal_weights() {
        let equal = vec![particle(0.0, 0.0); 4];
        assert!((ess(&equal) - 4.0).abs() < 1e-12);
        let mut one = equal.clone();
        for p in one.iter_mut().skip(1) {
            p.ln_weight = f64::NEG_INFINITY;
        }
        assert!((ess(&one) - 1.0).abs() < 1e-12);
    }
}
