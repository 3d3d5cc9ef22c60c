//! Points in the unit cube for sampling uncertain parameters: pseudo-random,
//! a Latin hypercube, or a scrambled Sobol low-discrepancy sequence.
//!
//! A Sobol sensitivity analysis estimates integrals over the parameters'
//! joint distribution. Independent pseudo-random points leave gaps and
//! clumps, and the error of an average over n of them shrinks as
//! 1/sqrt(n). The Sobol sequence (Sobol' 1967) places its points so that
//! every dyadic box of the cube gets its share, and for smooth outcomes the
//! error shrinks nearly as fast as 1/n. Unscrambled, it is deterministic and
//! its error cannot be estimated; *scrambled*, each point is uniform on the
//! cube while the set keeps its even spread, so averages are unbiased, and
//! several independent scramblings give independent estimates whose spread
//! is an honest standard error (randomised quasi-Monte Carlo; Owen 1997,
//! L'Ecuyer & Lemieux 2002).
//!
//! The sequence here uses Joe & Kuo's (2008) direction numbers and Owen's
//! (1995) nested uniform scrambling, in the hash-based form of Burley (2020)
//! with Vegdahl's improved hash, both from the `sobol_burley` crate. That
//! scramble flips each binary digit of a coordinate according to the digits
//! before it, so it preserves the sequence's stratification exactly; its 32
//! digits are followed by uniform random ones (what a full-depth nested
//! scramble gives), so no coordinate is exactly 0 or 1 and every quantile
//! function stays finite. The crate offers at most
//! [`SOBOL_POINTS`] points and [`SOBOL_DIMENSIONS`] dimensions; callers keep
//! to the first limit (by splitting a larger sample into replicates), and
//! dimensions beyond the second get pseudo-random points.
//!
//! A Latin hypercube (McKay, Beckman & Conover 1979) of n points cuts each
//! axis into n equal intervals and puts exactly one point in each, in a
//! random order per axis and at a random place inside its interval: every
//! parameter's sample then covers its whole distribution evenly, while the
//! axes stay independent. It removes the part of an average's error that
//! comes from each parameter's own effect (the additive part of the
//! outcome), and its variance is never above n/(n - 1) times that of
//! random points (Owen 1997).
//!
//! Every column is a pure function of (seed, dimension), so the points do
//! not depend on threads or on the order of computation.

use rand::{Rng, RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use sobol_burley::parts::{owen_scramble_rev, sobol_rev};

/// Most points one scrambled Sobol sequence can give.
pub const SOBOL_POINTS: usize = 1 << 16;

/// Dimensions of the Sobol sequence; further dimensions are pseudo-random.
pub const SOBOL_DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// How points are placed in the unit cube.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sampling {
    /// Independent pseudo-random points (xoshiro256++).
    Random,
    /// A Latin hypercube: one point in each of `count` equal intervals of
    /// every axis, the intervals in a random order per axis.
    Lhs,
    /// An Owen-scrambled Sobol sequence.
    Sobol,
}

/// `dims` columns of `count` points in the open interval (0, 1):
/// `columns[d][i]` is coordinate `d` of point `i`. The same (sampling,
/// seed) gives the same points; different seeds give independent ones
/// (independent scramblings, for [`Sampling::Sobol`]). Points past
/// [`SOBOL_POINTS`] of a Sobol column are pseudo-random.
pub fn points(sampling: Sampling, seed: u64, dims: usize, count: usize) -> Vec<Vec<f64>> {
    (0..dims)
        .map(|d| {
            let mut rng = stream(seed, d);
            match sampling {
                Sampling::Lhs => latin_column(&mut rng, count),
                Sampling::Sobol if d < SOBOL_DIMENSIONS => {
                    // A random 32-bit key selects this column's scramble.
                    let key = (rng.next_u64() >> 32) as u32;
                    (0..count)
                        .map(|i| {
                            let digits = rng.next_u64();
                            if i < SOBOL_POINTS {
                                sobol_coordinate(i as u32, d as u32, key, digits)
                            } else {
                                unit(digits)
                            }
                        })
                        .collect()
                }
                _ => (0..count).map(|_| unit(rng.next_u64())).collect(),
            }
        })
        .collect()
}

/// One axis of a Latin hypercube of `count` points: interval i of the
/// `count` equal intervals holds exactly one point, the intervals shuffled
/// (Fisher-Yates) and each point placed uniformly inside its interval.
fn latin_column(rng: &mut Xoshiro256PlusPlus, count: usize) -> Vec<f64> {
    let mut cells: Vec<usize> = (0..count).collect();
    for i in (1..count).rev() {
        let j = rng.random_range(0..=i);
        cells.swap(i, j);
    }
    let width = 1.0 / count as f64;
    cells
        .into_iter()
        .map(|cell| ((cell as f64 + unit(rng.next_u64())) * width).min(BELOW_ONE))
        .collect()
}

/// Coordinate `dimension` of point `index` under the scramble `key`, with
/// the digits past the 32nd taken from `digits`.
fn sobol_coordinate(index: u32, dimension: u32, key: u32, digits: u64) -> f64 {
    let reversed = sobol_rev(index.reverse_bits(), dimension);
    let scrambled = owen_scramble_rev(reversed, key).reverse_bits();
    let u = (f64::from(scrambled) + unit(digits)) * TWO_TO_MINUS_32;
    // The sum can round up to 1 when the first 32 digits are all ones.
    u.min(BELOW_ONE)
}

const TWO_TO_MINUS_32: f64 = 1.0 / 4_294_967_296.0;

/// The largest double below 1.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

/// A uniform number in [2^-53, 1 - 2^-53] from 52 random bits: the centre of
/// one of 2^52 equal cells, so never 0 or 1.
fn unit(bits: u64) -> f64 {
    ((bits >> 12) as f64 + 0.5) * f64::EPSILON
}

/// The random stream of one dimension under one seed.
fn stream(seed: u64, dimension: usize) -> Xoshiro256PlusPlus {
    let mixed = seed ^ (dimension as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    Xoshiro256PlusPlus::seed_from_u64(mixed.rotate_left(17) ^ 0x5eed_0fd1_ce00)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_lie_strictly_inside_the_unit_interval() {
        for sampling in [Sampling::Random, Sampling::Lhs, Sampling::Sobol] {
            for column in points(sampling, 9, 6, 4096) {
                assert!(column.iter().all(|&u| u > 0.0 && u < 1.0), "{sampling:?}");
            }
        }
        assert_eq!(unit(u64::MAX), BELOW_ONE);
        assert!(unit(0) > 0.0);
    }

    #[test]
    fn the_same_seed_gives_the_same_points_and_another_seed_other_points() {
        let a = points(Sampling::Sobol, 1, 4, 256);
        assert_eq!(a, points(Sampling::Sobol, 1, 4, 256));
        let b = points(Sampling::Sobol, 2, 4, 256);
        assert!(a.iter().zip(&b).all(|(x, y)| x != y));
        // The first points of a longer sample are the points of a shorter one.
        let longer = points(Sampling::Sobol, 1, 4, 300);
        assert!(a.iter().zip(&longer).all(|(x, y)| x[..] == y[..256]));
    }

    /// A Latin hypercube puts exactly one point in each of the n equal
    /// intervals of every axis, and is the same for the same seed.
    #[test]
    fn latin_hypercube_columns_hold_one_point_per_interval() {
        for count in [1usize, 2, 7, 1000] {
            let cols = points(Sampling::Lhs, 11, 5, count);
            assert_eq!(cols, points(Sampling::Lhs, 11, 5, count));
            for col in &cols {
                let mut seen = vec![0u32; count];
                for &u in col {
                    assert!(u > 0.0 && u < 1.0);
                    seen[(u * count as f64) as usize] += 1;
                }
                assert!(seen.iter().all(|&c| c == 1), "{count}: {seen:?}");
            }
        }
        assert_ne!(
            points(Sampling::Lhs, 11, 1, 50),
            points(Sampling::Lhs, 12, 1, 50)
        );
    }

    /// Every elementary box of volume 2^-m holds exactly one of the first
    /// 2^m points: the (t, m, s)-net property with t = 0, which Sobol's
    /// first two dimensions have and nested scrambling preserves (Owen
    /// 1995). Random points fail this at once.
    #[test]
    fn scrambled_sobol_points_are_stratified_in_every_elementary_box() {
        let m = 8;
        let n = 1usize << m;
        for seed in [3, 4] {
            let cols = points(Sampling::Sobol, seed, 2, n);
            for a in 0..=m {
                let (cells_x, cells_y) = (1usize << a, 1usize << (m - a));
                let mut count = vec![0u32; n];
                for (&x, &y) in cols[0].iter().zip(&cols[1]) {
                    let cx = (x * cells_x as f64) as usize;
                    let cy = (y * cells_y as f64) as usize;
                    count[cx * cells_y + cy] += 1;
                }
                assert!(
                    count.iter().all(|&c| c == 1),
                    "boxes of 2^-{a} x 2^-{}: {count:?}",
                    m - a
                );
            }
        }
        // Each later dimension alone is stratified in the 2^m intervals.
        let cols = points(Sampling::Sobol, 5, 40, n);
        for (d, col) in cols.iter().enumerate() {
            let mut count = vec![0u32; n];
            for &u in col {
                count[(u * n as f64) as usize] += 1;
            }
            assert!(count.iter().all(|&c| c == 1), "dimension {d}");
        }
        let random = points(Sampling::Random, 5, 1, n);
        let mut count = vec![0u32; n];
        for &u in &random[0] {
            count[(u * n as f64) as usize] += 1;
        }
        assert!(count.iter().any(|&c| c != 1));
    }

    /// The mean of a smooth function over scrambled Sobol points is far more
    /// accurate than over random points: for the product of (x - 1/2)^2 + 1
    /// over 6 dimensions (exact mean (13/12)^6), the RMSE over 30 seeds at
    /// 4096 points is many times smaller. Owen (1997) gives an RMSE of
    /// o(n^-1/2) for scrambled nets; the margin asked here (10x) is a small
    /// part of the gain, which is near 100x.
    #[test]
    fn scrambled_sobol_means_beat_random_means() {
        let exact = (13.0f64 / 12.0).powi(6);
        let rmse = |sampling| {
            let mut sum = 0.0;
            for seed in 0..30 {
                let cols = points(sampling, seed, 6, 4096);
                let mean = (0..4096)
                    .map(|i| {
                        cols.iter()
                            .map(|c| (c[i] - 0.5).powi(2) + 1.0)
                            .product::<f64>()
                    })
                    .sum::<f64>()
                    / 4096.0;
                sum += (mean - exact).powi(2);
            }
            (sum / 30.0).sqrt()
        };
        let (sobol, random) = (rmse(Sampling::Sobol), rmse(Sampling::Random));
        assert!(sobol * 10.0 < random, "sobol {sobol} vs random {random}");
        assert!(sobol > 0.0);
    }
}
