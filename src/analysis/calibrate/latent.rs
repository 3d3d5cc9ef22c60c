//! The space calibration moves particles in: one standard normal
//! coordinate per calibrated parameter.
//!
//! A parameter's value is its distribution's quantile of the normal CDF of
//! its coordinate, `Q(Phi(x))`, so the prior of every parameter, of any
//! kind (bounded, skewed, whole-numbered), is the standard normal in this
//! space, and correlated parameters (`[[correlations]]`) are a correlated
//! normal there, exactly as the engine draws them (a Gaussian copula). The
//! prior density is then known in closed form everywhere and a Gaussian
//! perturbation kernel never leaves the prior's support, which is what the
//! importance weights of ABC-SMC need. The posterior found in this space
//! maps to the parameters' posterior through the same `Q(Phi(x))`.

use crate::dist::{Dist, normal_cdf};

/// ln(2 pi) / 2.
const HALF_LN_TAU: f64 = 0.918_938_533_204_672_8;

/// Coordinates beyond this many standard deviations are held at it: the
/// quantile of 0 or 1 would be infinite for an unbounded distribution.
const MAX_Z: f64 = 8.0;

/// The prior in latent space: independent standard normals, except groups
/// of correlated parameters with the Cholesky factor of their correlation.
#[derive(Clone, Debug)]
pub struct Prior {
    pub dists: Vec<Dist>,
    /// (coordinates of the group, lower-triangular factor, row-major).
    pub groups: Vec<(Vec<usize>, Vec<f64>)>,
}

impl Prior {
    pub fn dims(&self) -> usize {
        self.dists.len()
    }

    /// The parameter values of a latent point.
    pub fn values(&self, x: &[f64]) -> Vec<f64> {
        self.dists
            .iter()
            .zip(x)
            .map(|(d, &z)| d.quantile(normal_cdf(z.clamp(-MAX_Z, MAX_Z))))
            .collect()
    }

    /// A prior draw from independent standard normals `z` (correlated
    /// within each group by its factor).
    pub fn correlate(&self, mut z: Vec<f64>) -> Vec<f64> {
        for (coords, factor) in &self.groups {
            let part: Vec<f64> = coords.iter().map(|&c| z[c]).collect();
            for (row, &c) in coords.iter().enumerate() {
                z[c] = (0..=row)
                    .map(|k| factor[row * coords.len() + k] * part[k])
                    .sum();
            }
        }
        z
    }

    /// The log prior density at `x`.
    pub fn ln_density(&self, x: &[f64]) -> f64 {
        let mut grouped = vec![false; x.len()];
        let mut total = -(x.len() as f64) * HALF_LN_TAU;
        for (coords, factor) in &self.groups {
            let part: Vec<f64> = coords.iter().map(|&c| x[c]).collect();
            total += ln_normal_kernel(factor, &part);
            for &c in coords {
                grouped[c] = true;
            }
        }
        for (i, &v) in x.iter().enumerate() {
            if !grouped[i] {
                total -= 0.5 * v * v;
            }
        }
        total
    }
}

/// `-|L^-1 v|^2 / 2 - ln det L` for a lower-triangular `factor` L (n x n,
/// row-major): the log of a zero-mean normal density with covariance L L^T,
/// without its `n ln(2 pi) / 2`.
pub fn ln_normal_kernel(factor: &[f64], v: &[f64]) -> f64 {
    let n = v.len();
    let mut y = vec![0.0; n];
    let mut ln_det = 0.0;
    for i in 0..n {
        let mut s = v[i];
        for k in 0..i {
            s -= factor[i * n + k] * y[k];
        }
        y[i] = s / factor[i * n + i];
        ln_det += factor[i * n + i].ln();
    }
    -0.5 * y.iter().map(|a| a * a).sum::<f64>() - ln_det
}

/// The lower-triangular Cholesky factor of a symmetric matrix (row-major),
/// or `None` when it is not positive definite.
pub fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s.is_nan() || s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// A Cholesky factor of `a`, with a ridge added to the diagonal (growing
/// until it succeeds) when `a` is singular or nearly so; the identity when
/// nothing works (`a` not finite).
pub fn cholesky_ridged(a: &[f64], n: usize) -> Vec<f64> {
    if let Some(l) = cholesky(a, n) {
        return l;
    }
    let scale = (0..n)
        .map(|i| a[i * n + i].abs())
        .fold(0.0, f64::max)
        .max(1e-12);
    let mut ridge = 1e-10 * scale;
    for _ in 0..40 {
        let mut b = a.to_vec();
        for i in 0..n {
            b[i * n + i] += ridge;
        }
        if let Some(l) = cholesky(&b, n) {
            return l;
        }
        ridge *= 10.0;
    }
    (0..n * n)
        .map(|k| if k % (n + 1) == 0 { 1.0 } else { 0.0 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::DistKind;

    #[test]
    fn cholesky_of_a_known_matrix() {
        // [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, sqrt 2]] (by hand).
        let l = cholesky(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
        let want = [2.0, 0.0, 1.0, 2f64.sqrt()];
        for (a, b) in l.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{l:?}");
        }
        assert!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
        let ridged = cholesky_ridged(&[1.0, 1.0, 1.0, 1.0], 2);
        assert!(ridged.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn the_prior_is_standard_normal_and_maps_through_quantiles() {
        let prior = Prior {
            dists: vec![Dist::new(DistKind::Uniform, &[2.0, 4.0]).unwrap()],
            groups: Vec::new(),
        };
        // Phi(0) = 1/2: the median of uniform(2, 4) is 3.
        assert!((prior.values(&[0.0])[0] - 3.0).abs() < 1e-12);
        // The standard normal log density at 1: -1/2 - ln(2 pi)/2.
        assert!((prior.ln_density(&[1.0]) - (-0.5 - HALF_LN_TAU)).abs() < 1e-12);
        // A far coordinate is held, not infinite.
        assert!(prior.values(&[-40.0])[0] >= 2.0);
    }

    #[test]
    fn a_correlated_group_has_its_density() {
        // Correlation 0.6: L = [[1, 0], [0.6, 0.8]], det L = 0.8.
        let prior = Prior {
            dists: vec![Dist::new(DistKind::Normal, &[0.0, 1.0]).unwrap(); 2],
            groups: vec![(vec![0, 1], vec![1.0, 0.0, 0.6, 0.8])],
        };
        let x = prior.correlate(vec![1.0, 1.0]);
        assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12);
        // Bivariate normal density: -(x^2 - 2 r x y + y^2) / (2 (1 - r^2)) - ln(2 pi) - ln sqrt(1 - r^2).
        let (a, b, r) = (x[0], x[1], 0.6f64);
        let want = -(a * a - 2.0 * r * a * b + b * b) / (2.0 * (1.0 - r * r))
            - 2.0 * HALF_LN_TAU
            - (1.0 - r * r).sqrt().ln();
        assert!((prior.ln_density(&x) - want).abs() < 1e-12);
    }
}
