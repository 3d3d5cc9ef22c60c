//! Quantile functions: closed forms where they exist, numerical inversion of the
//! regularized incomplete beta and gamma functions for beta, PERT and gamma, and the
//! Poisson quantile.

use super::*;

/// Standard normal density.
pub(super) fn norm_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// Standard normal CDF, Phi(z) = erfc(-z / sqrt 2) / 2 (accurate in the lower tail).
pub(super) fn norm_cdf(z: f64) -> f64 {
    0.5 * erf::erfc(-z / SQRT_2)
}

/// Standard normal quantile, Phi^-1(p) = -sqrt 2 erfc^-1(2p) (p = 0 -> -inf, p = 1 -> inf).
pub(super) fn norm_ppf(p: f64) -> f64 {
    -SQRT_2 * erf::erfc_inv(2.0 * p)
}

pub(super) fn triangular_quantile(min: f64, mode: f64, max: f64, p: f64) -> f64 {
    // CDF (min a, mode c, max b): (x-a)^2 / ((b-a)(c-a)) below c, 1 - (b-x)^2/((b-a)(b-c)) above.
    // Square roots are split so the products cannot overflow.
    let range = max - min;
    let left = mode - min;
    let x = if p * range < left {
        min + (p * range).sqrt() * left.sqrt()
    } else {
        max - ((1.0 - p) * range).sqrt() * (max - mode).sqrt()
    };
    x.clamp(min, max)
}

/// The coefficients (a1, a2, a3) of the three-term metalog through
/// (0.1, p10), (0.5, p50), (0.9, p90): at y = 1/2 the logit is 0, so a1 = p50;
/// at y = 0.1 and 0.9 it is -ln 9 and ln 9, and (y - 1/2) is -0.4 and 0.4.
pub(super) fn metalog_coefficients(p10: f64, p50: f64, p90: f64) -> (f64, f64, f64) {
    let l = 9f64.ln();
    (
        p50,
        (p90 - p10) / (2.0 * l),
        (p90 + p10 - 2.0 * p50) / (0.8 * l),
    )
}

/// The three-term metalog's quantile function.
pub(super) fn metalog_quantile(a1: f64, a2: f64, a3: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    a1 + (a2 + a3 * (p - 0.5)) * (p / (1.0 - p)).ln()
}

/// The histogram's quantile: linear within each bin, so the bin holding
/// `p * total` of the weight and the point that far through it. `args` are
/// edges around weights (x0, w1, x1, ...).
pub(super) fn histogram_quantile(args: &[f64], total: f64, p: f64) -> f64 {
    let target = p * total;
    let mut acc = 0.0;
    let mut last = args.first().copied().unwrap_or(f64::NAN);
    for bin in args.windows(3).step_by(2) {
        let (lo, w, hi) = (bin[0], bin[1], bin[2]);
        if w <= 0.0 {
            continue;
        }
        if target <= acc + w {
            let share = ((target - acc) / w).clamp(0.0, 1.0);
            return (lo + share * (hi - lo)).clamp(lo, hi);
        }
        acc += w;
        last = hi;
    }
    last
}

/// Smallest k in lo..=hi with (k - lo + 1) / n >= p.
pub(super) fn uniform_int_quantile(lo: i64, hi: i64, p: f64) -> f64 {
    let n = (hi - lo) as f64 + 1.0;
    let cdf = |k: f64| (k - lo as f64 + 1.0) / n;
    let mut k = (lo as f64 + (p * n).ceil() - 1.0).clamp(lo as f64, hi as f64);
    // Guard against rounding in p * n: step to the true smallest k.
    while k > lo as f64 && cdf(k - 1.0) >= p {
        k -= 1.0;
    }
    while k < hi as f64 && cdf(k) < p {
        k += 1.0;
    }
    k
}

/// Midpoint of [a, b] (0 <= a < b) in float-bit space: for non-negative floats the bit pattern
/// is monotone, so this halves the number of representable values in the bracket and reaches
/// any target (even 1e-300) in at most 64 steps.
pub(super) fn bit_mid(a: f64, b: f64) -> f64 {
    let (ia, ib) = (a.to_bits(), b.to_bits());
    f64::from_bits(ia + (ib - ia) / 2)
}

/// Finds x in (lo, hi), 0 <= lo < hi finite, with `eval(x).0 == 0`, where `eval` returns
/// (residual, derivative) and the residual is nondecreasing in x (negative left of the root).
/// Safeguarded Newton: a Newton step is taken only when it stays inside the bracket, and every
/// Newton step that fails to halve the bracket is followed by a bisection in float-bit space,
/// so the loop always terminates within [`MAX_SOLVER_STEPS`].
pub(super) fn solve_increasing(lo: f64, hi: f64, x0: f64, eval: impl Fn(f64) -> (f64, f64)) -> f64 {
    let (mut a, mut b) = (lo, hi);
    let mut x = if x0 > a && x0 < b { x0 } else { bit_mid(a, b) };
    let mut width = b.to_bits() - a.to_bits();
    let mut bisect_next = false;
    for _ in 0..MAX_SOLVER_STEPS {
        let (r, d) = eval(x);
        if r == 0.0 {
            return x;
        }
        if r < 0.0 {
            a = x;
        } else {
            b = x; // also NaN: shrink from above, still terminates
        }
        let new_width = b.to_bits() - a.to_bits();
        if new_width <= 1 {
            return b;
        }
        let halved = new_width <= width / 2;
        width = new_width;
        let newton = x - r / d;
        if !bisect_next && newton.is_finite() && newton > a && newton < b {
            if (newton - x).abs() <= 16.0 * f64::EPSILON * x.abs() {
                return newton;
            }
            x = newton;
            bisect_next = !halved;
        } else {
            x = bit_mid(a, b);
            bisect_next = false;
        }
    }
    x
}

/// Beta(a, b) quantile by inverting the regularized incomplete beta function I_x(a, b).
/// In the upper half (p > 1/2) it solves survival function = 1 - p instead, which keeps
/// precision there.
pub(super) fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    beta_quantile_from(a, b, p, None)
}

/// [`beta_quantile`], with the solver started at `start` when given (a
/// nearby root, for many quantiles in increasing order).
pub(super) fn beta_quantile_from(a: f64, b: f64, p: f64, start: Option<f64>) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    // Closed forms: Beta(1, b): F = 1 - (1-x)^b; Beta(a, 1): F = x^a.
    if a == 1.0 {
        return -((-p).ln_1p() / b).exp_m1();
    }
    if b == 1.0 {
        return (p.ln() / a).exp();
    }
    let ln_b = sbeta::checked_ln_beta(a, b).unwrap_or(f64::NAN);
    let upper = p > 0.5;
    let q = 1.0 - p;
    let eval = |x: f64| {
        let r = if upper {
            // Survival function: I_{1-x}(b, a) needs 1 - x exact (x >= 1/2); below that,
            // 1 - I_x(a, b) is accurate enough for a residual against 1 - p.
            let sf = if x >= 0.5 {
                sbeta::checked_beta_reg(b, a, 1.0 - x)
            } else {
                sbeta::checked_beta_reg(a, b, x).map(|c| 1.0 - c)
            };
            q - sf.unwrap_or(f64::NAN)
        } else {
            sbeta::checked_beta_reg(a, b, x).unwrap_or(f64::NAN) - p
        };
        let pdf = ((a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_b).exp();
        (r, pdf)
    };
    // Start from the moment-matched normal guess; the solver brackets anything.
    let m = a / (a + b);
    let s = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
    let x0 = start.unwrap_or_else(|| m + s * norm_ppf(p));
    solve_increasing(0.0, 1.0, x0, eval).clamp(0.0, 1.0)
}

/// Wilson–Hilferty: (X / k)^(1/3) is approximately normal with mean 1 - 1/(9k) and variance
/// 1/(9k) (Johnson, Kotz & Balakrishnan vol. 1, sec. 17.5).
pub(super) fn wilson_hilferty(shape: f64, z: f64) -> f64 {
    let c = 1.0 / (9.0 * shape);
    let t = 1.0 - c + z * c.sqrt();
    shape * t * t * t
}

/// Quantile of Gamma(shape, scale = 1).
pub(super) fn std_gamma_quantile(shape: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if shape == 1.0 {
        return -(-p).ln_1p();
    }
    let z = norm_ppf(p);
    let wh = wilson_hilferty(shape, z);
    if shape > GAMMA_EXACT_MAX_SHAPE {
        return wh.max(0.0);
    }
    let ln_g = sgamma::ln_gamma(shape);
    let upper = p > 0.5;
    let q = 1.0 - p;
    let eval = |x: f64| {
        let r = if upper {
            q - sgamma::checked_gamma_ur(shape, x).unwrap_or(f64::NAN)
        } else {
            sgamma::checked_gamma_lr(shape, x).unwrap_or(f64::NAN) - p
        };
        let pdf = ((shape - 1.0) * x.ln() - x - ln_g).exp();
        (r, pdf)
    };
    // Initial guess: Wilson–Hilferty, or for the far lower tail P(k, x) ~ x^k / Gamma(k + 1).
    let x0 = if wh > 0.0 {
        wh
    } else {
        ((p.ln() + sgamma::ln_gamma(shape + 1.0)) / shape).exp()
    };
    solve_increasing(0.0, f64::MAX, x0, eval)
}

/// Cornish–Fisher expansion of the Poisson quantile (cumulants all equal the rate), with a
/// continuity correction; see Johnson, Kemp & Kotz, *Univariate Discrete Distributions*, 3rd
/// ed. 2005, sec. 4.5. Returns a whole number >= 0.
pub(super) fn poisson_cornish_fisher(rate: f64, z: f64) -> f64 {
    let s = rate.sqrt();
    let z2 = z * z;
    let y = rate + s * z + (z2 - 1.0) / 6.0 + (z2 * z - 3.0 * z) / (24.0 * s)
        - (2.0 * z2 * z - 5.0 * z) / (36.0 * s);
    (y - 0.5).ceil().max(0.0)
}

/// Smallest k >= 0 with P(X <= k) >= p for X ~ Poisson(rate), rate > 0.
/// P(X <= k) = Q(k + 1, rate), the regularized upper incomplete gamma function.
pub(super) fn poisson_quantile(rate: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let z = norm_ppf(p);
    let guess = poisson_cornish_fisher(rate, z);
    if rate > POISSON_EXACT_MAX_RATE {
        return guess;
    }
    let upper = p > 0.5;
    let q = 1.0 - p;
    // ok(k) <=> CDF(k) >= p; in the upper half via the survival function P(k + 1, rate) <= 1 - p.
    let ok = |k: f64| {
        if upper {
            sgamma::checked_gamma_lr(k + 1.0, rate).map_or(true, |sf| sf <= q)
        } else {
            sgamma::checked_gamma_ur(k + 1.0, rate).map_or(true, |cdf| cdf >= p)
        }
    };
    // The expansion is poor for small rates; start from the mean there.
    let start = if rate >= 10.0 { guess } else { rate.floor() };
    // Gallop from the start to a bracket (lo fails, hi passes; lo = -1 means "below 0").
    let (mut lo, mut hi);
    let mut step = 1.0;
    if ok(start) {
        hi = start;
        lo = -1.0;
        for _ in 0..64 {
            let c = hi - step;
            if c < 0.0 {
                break;
            }
            if ok(c) {
                hi = c;
                step *= 2.0;
            } else {
                lo = c;
                break;
            }
        }
    } else {
        lo = start;
        hi = f64::INFINITY;
        for _ in 0..64 {
            let c = lo + step;
            if ok(c) {
                hi = c;
                break;
            }
            lo = c;
            step *= 2.0;
        }
        if hi.is_infinite() {
            return lo + 1.0; // unreachable for finite rates
        }
    }
    while hi - lo > 1.0 {
        let mid = ((lo + hi) * 0.5).floor();
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}
