//! `exp` without branches, so the interpreter's loops over 64 lanes
//! vectorise.
//!
//! The system `exp` is a call per value that no compiler can vectorise; in
//! a model with a `logistic` or `exp` in its step it was the largest single
//! cost of the interpreter. This one is the classic fdlibm algorithm
//! (`e_exp.c`, Sun Microsystems 1993: Cody-Waite reduction by ln 2, a
//! degree-5 Remez rational approximation on |r| <= ln(2)/2, error below
//! 1 ulp), written so every step is a plain IEEE operation or an integer
//! operation on the bits: no table, no branch, no fused multiply-add. So
//! the scalar loop and its AVX2 form give the same bits, and the result
//! does not depend on the processor, the C library or the thread.
//!
//! It is never more than 1 ulp from the exact value, like SLEEF's vector
//! `exp` (`expd4_u10`), and has the last bit of a correctly rounded `exp`
//! in about 93% of inputs (see the tests): the figures a model reports
//! have four significant digits, and a last bit moves none of them.

/// The constants of fdlibm's `e_exp.c`, by their bits as published.
/// ln 2 split so that `k * LN2_HI` is exact for |k| < 2^11.
const LN2_HI: f64 = f64::from_bits(0x3fe62e42fee00000);
const LN2_LO: f64 = f64::from_bits(0x3dea39ef35793c76);
const INV_LN2: f64 = f64::from_bits(0x3ff71547652b82fe);
/// 1.5 * 2^52: adding it rounds to the nearest integer, which then sits in
/// the low bits of the sum.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// Above this, exp overflows to infinity; below `UNDER`, it is 0.
const OVER: f64 = f64::from_bits(0x40862e42fefa39ef);
const UNDER: f64 = f64::from_bits(0xc0874910d52d3051);

const P1: f64 = f64::from_bits(0x3fc555555555553e);
const P2: f64 = f64::from_bits(0xbf66c16c16bebd93);
const P3: f64 = f64::from_bits(0x3f11566aaf25de2c);
const P4: f64 = f64::from_bits(0xbebbbd41c5d26bf1);
const P5: f64 = f64::from_bits(0x3e66376972bea4d0);

/// 2^k for an integer-valued `k` in [-1022, 1023], from its bits.
#[inline(always)]
fn pow2(k: f64) -> f64 {
    let bits = (k + ROUND).to_bits().wrapping_sub(ROUND.to_bits());
    f64::from_bits(bits.wrapping_add(1023) << 52)
}

/// e^x, within 1 ulp of the exact value; `exp(NaN)` is NaN,
/// `exp(+inf)` is +inf and `exp(-inf)` is 0.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // Clamped (NaN passes through) so the exponent arithmetic below stays
    // in range; the ends are put right at the end.
    let xc = x.clamp(-750.0, 710.0);
    // x = k ln 2 + r, |r| <= ln(2)/2.
    let k = (xc * INV_LN2 + ROUND) - ROUND;
    let hi = xc - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    // y * 2^k in two exact halves, so neither factor leaves the normal
    // range and a subnormal result is rounded once.
    let k1 = (k * 0.5 + ROUND) - ROUND;
    let k2 = k - k1;
    let e = y * pow2(k1) * pow2(k2);
    if x > OVER {
        f64::INFINITY
    } else if x < UNDER {
        0.0
    } else {
        e
    }
}

/// 1 / (1 + e^-x).
#[inline(always)]
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + exp(-x))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two finite doubles of
    /// the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn special_values() {
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        assert!(ulps(exp(1.0), std::f64::consts::E) <= 1);
        assert_eq!(exp(710.0), f64::INFINITY);
        assert_eq!(exp(-745.2), 0.0);
        // The smallest subnormal, and the largest finite result.
        assert_eq!(exp(-745.1), 5e-324);
        assert!(exp(OVER).is_finite());
        assert_eq!(logistic(0.0), 0.5);
        assert_eq!(logistic(f64::INFINITY), 1.0);
        assert_eq!(logistic(f64::NEG_INFINITY), 0.0);
        assert!(logistic(f64::NAN).is_nan());
    }

    /// Against the C library's `exp` (glibc's is below 0.502 ulp, so
    /// correctly rounded nearly always) over the whole finite range and
    /// densely near 0, where models live: never more than 1 ulp apart.
    /// fdlibm's algorithm rounds the other way in about 7% of inputs (as
    /// measured here); at most 10% may differ.
    #[test]
    fn within_one_ulp_of_the_system_exp() {
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            // SplitMix64 (Steele, Lea & Flood 2014).
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut differ = 0;
        let n = 400_000;
        for i in 0..n {
            let u = next();
            let x = match i % 4 {
                0 => -745.0 + u * (709.7 + 745.0),
                1 => -20.0 + 40.0 * u,
                2 => -1.0 + 2.0 * u,
                _ => (-1e-8 + 2e-8 * u) * 1e-3,
            };
            let (ours, libm) = (exp(x), x.exp());
            let d = ulps(ours, libm);
            assert!(d <= 1, "exp({x:e}) = {ours:e}, libm {libm:e}: {d} ulp");
            differ += usize::from(d != 0);
        }
        assert!(differ * 10 < n, "{differ} of {n} differ from libm");
    }

    #[test]
    fn logistic_matches_its_definition() {
        for x in [-30.0f64, -3.0, -0.5, 0.25, 2.0, 40.0] {
            let want = 1.0 / (1.0 + (-x).exp());
            assert!(ulps(logistic(x), want) <= 2, "{x}");
        }
    }
}
