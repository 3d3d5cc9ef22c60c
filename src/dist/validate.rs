//! The limits of each kind and the checks its constructor runs: every argument validated
//! before anything is built, so a built distribution cannot fail.

use super::*;

/// Largest integer magnitude for `uniform_int` bounds: every integer up to 2^53 is exactly
/// representable as f64, so draws are exact.
pub const MAX_EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// Largest Poisson rate (the limit of `rand_distr::Poisson`, beyond which draws could exceed
/// `u64::MAX`).
pub const MAX_POISSON_RATE: f64 = rand_distr::Poisson::<f64>::MAX_LAMBDA;

/// Largest beta shape. A beta with a shape this large is a near point mass (its sd is at most
/// 1.6e-5), and beyond it statrs' incomplete beta function, which the quantile inverts, loses
/// accuracy (its CDF error is ~1e-6 at 1e9 and grows quickly).
pub const MAX_BETA_SHAPE: f64 = 1e9;

/// Above this rate the Poisson quantile uses a Cornish–Fisher expansion instead of an exact
/// search over the incomplete gamma function (whose cost grows like sqrt(rate)).
pub(super) const POISSON_EXACT_MAX_RATE: f64 = 1e7;

/// Above this shape the gamma quantile uses the Wilson–Hilferty approximation instead of
/// inverting the incomplete gamma function (whose cost grows like sqrt(shape)).
pub(super) const GAMMA_EXACT_MAX_SHAPE: f64 = 1e7;

/// Smallest probability mass accepted for a truncated normal's interval (about 35.7 standard
/// deviations into a tail). Well above the smallest float so that `u * mass` never underflows
/// for the uniform draws `u >= 2^-53` used in sampling.
pub(super) const MIN_TRUNCATION_MASS: f64 = 1e-280;

/// The largest |a3| / a2 for which a three-term metalog's quantile function
/// is increasing (Keelin 2016, table 3: 1.66711).
pub(super) const METALOG_MAX_SKEW: f64 = 1.66711;

/// Iteration cap for the CDF-inverting solver (it needs at most ~2 x 64 steps: every second
/// step halves the bracket in float-bit space).
pub(super) const MAX_SOLVER_STEPS: usize = 200;

pub(super) const fn named(role: &'static str, name: &'static str) -> ArgName {
    ArgName::Named { role, name }
}

pub(super) fn finite(kind: DistKind, arg: ArgName, value: f64) -> Result<f64, DistError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(DistError::NotFinite { kind, arg, value })
    }
}

pub(super) fn positive(kind: DistKind, arg: ArgName, value: f64) -> Result<f64, DistError> {
    finite(kind, arg, value)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(DistError::NotPositive { kind, arg, value })
    }
}

pub(super) fn non_negative(kind: DistKind, arg: ArgName, value: f64) -> Result<f64, DistError> {
    finite(kind, arg, value)?;
    if value >= 0.0 {
        Ok(value)
    } else {
        Err(DistError::Negative { kind, arg, value })
    }
}

pub(super) fn not_nan(kind: DistKind, arg: ArgName, value: f64) -> Result<f64, DistError> {
    if value.is_nan() {
        Err(DistError::NotANumber { kind, arg })
    } else {
        Ok(value)
    }
}

pub(super) fn check_range(
    kind: DistKind,
    lo_name: &'static str,
    lo: f64,
    hi_name: &'static str,
    hi: f64,
) -> Result<f64, DistError> {
    let width = hi - lo;
    if width.is_finite() {
        Ok(width)
    } else {
        Err(DistError::RangeOverflow {
            kind,
            lo_name,
            lo,
            hi_name,
            hi,
        })
    }
}

/// Validates `min <= mode <= max` (finite) for pert/triangular; returns the range width.
pub(super) fn check_min_mode_max(
    kind: DistKind,
    min: f64,
    mode: f64,
    max: f64,
) -> Result<f64, DistError> {
    finite(kind, named("", "min"), min)?;
    finite(kind, named("", "mode"), mode)?;
    finite(kind, named("", "max"), max)?;
    let order = |left, left_value, right, right_value| DistError::Order {
        kind,
        rule: "min <= mode <= max",
        left,
        left_value,
        op: ">",
        right,
        right_value,
    };
    if min > max {
        return Err(order("min", min, "max", max));
    }
    if min > mode {
        return Err(order("min", min, "mode", mode));
    }
    if mode > max {
        return Err(order("mode", mode, "max", max));
    }
    check_range(kind, "min", min, "max", max)
}

pub(super) fn whole_bound(kind: DistKind, arg: ArgName, value: f64) -> Result<i64, DistError> {
    finite(kind, arg, value)?;
    if value.fract() != 0.0 {
        return Err(DistError::NotWhole { kind, arg, value });
    }
    if value.abs() > MAX_EXACT_INT {
        return Err(DistError::OutOfRange {
            kind,
            arg,
            value,
            min: -MAX_EXACT_INT,
            max: MAX_EXACT_INT,
        });
    }
    // Exact: |value| <= 2^53 and whole.
    Ok(value as i64)
}

/// Validates a weight list; returns the sequential sum (the same order the samplers use).
pub(super) fn check_weights<'a>(
    kind: DistKind,
    weights: impl Iterator<Item = &'a f64>,
) -> Result<f64, DistError> {
    let mut sum = 0.0;
    for (i, &w) in weights.enumerate() {
        non_negative(kind, ArgName::Weight(i), w)?;
        sum += w;
    }
    if sum > 0.0 && sum.is_finite() {
        Ok(sum)
    } else {
        Err(DistError::BadWeightSum { kind, sum })
    }
}
