//! The normal distribution truncated to an interval, computed in the tail where it keeps
//! full precision.

use super::*;

/// A truncated normal, stored in a "working orientation": when the whole interval lies above
/// the mean it is reflected to the lower tail, where Phi keeps full relative precision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct TruncNormal {
    mean: f64,
    sd: f64,
    lo: f64,
    hi: f64,
    /// True when working coordinates are z' = -(x - mean)/sd.
    reflect: bool,
    /// Standardized bounds in working orientation (a < b, a <= 0 or reflected so).
    a: f64,
    b: f64,
    /// Phi(a), Phi(b) in working orientation.
    pa: f64,
    pb: f64,
}

impl TruncNormal {
    pub(super) fn new(mean: f64, sd: f64, lo: f64, hi: f64) -> Option<TruncNormal> {
        let za = (lo - mean) / sd;
        let zb = (hi - mean) / sd;
        // Both bounds in the upper tail: use the symmetric lower-tail form.
        let reflect = za > 0.0;
        let (a, b) = if reflect { (-zb, -za) } else { (za, zb) };
        let (pa, pb) = (norm_cdf(a), norm_cdf(b));
        let mass = pb - pa;
        (mass >= MIN_TRUNCATION_MASS).then_some(TruncNormal {
            mean,
            sd,
            lo,
            hi,
            reflect,
            a,
            b,
            pa,
            pb,
        })
    }

    /// Maps u in [0, 1] (working orientation) to x, clamped into [lo, hi].
    pub(super) fn at_working_u(&self, u: f64) -> f64 {
        let z = norm_ppf(self.pa + u * (self.pb - self.pa));
        let z = if self.reflect { -z } else { z };
        (self.mean + self.sd * z).clamp(self.lo, self.hi)
    }

    pub(super) fn quantile(&self, p: f64) -> f64 {
        if p <= 0.0 {
            return self.lo;
        }
        if p >= 1.0 {
            return self.hi;
        }
        self.at_working_u(if self.reflect { 1.0 - p } else { p })
    }

    /// Standardized (working orientation) mean and variance.
    ///
    /// Closed forms (Johnson, Kotz & Balakrishnan, *Continuous Univariate Distributions* vol. 1,
    /// 2nd ed. 1994, sec. 10.1): with Z = Phi(b) - Phi(a),
    /// mean = (phi(a) - phi(b)) / Z,
    /// var  = 1 + (a phi(a) - b phi(b)) / Z - ((phi(a) - phi(b)) / Z)^2.
    pub(super) fn std_moments(&self) -> (f64, f64) {
        let mass = self.pb - self.pa;
        let (fa, fb) = (norm_pdf(self.a), norm_pdf(self.b));
        let t = |z: f64| {
            if z.is_infinite() {
                0.0
            } else {
                z * norm_pdf(z)
            }
        };
        let m = (fa - fb) / mass;
        let v = 1.0 + (t(self.a) - t(self.b)) / mass - m * m;
        // Truncating a log-concave density never increases its variance.
        (m, v.clamp(0.0, 1.0))
    }

    pub(super) fn mean(&self) -> f64 {
        let (m, _) = self.std_moments();
        let m = if self.reflect { -m } else { m };
        (self.mean + self.sd * m).clamp(self.lo, self.hi)
    }

    pub(super) fn variance(&self) -> f64 {
        let (_, v) = self.std_moments();
        self.sd * self.sd * v
    }
}
