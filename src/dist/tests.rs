//! Every kind against its definition: validation messages, closed-form moments and
//! quantiles, and draws against quantiles, with fixed seeds.

use super::*;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Tolerance for every statistical check, in standard errors. A 6-sigma deviation has
/// two-sided probability about 2e-9 under a normal approximation, so a correct
/// implementation essentially never fails; the seeds are fixed, so runs are deterministic.
const Z_TAIL: f64 = 6.0;
/// Draws per statistical check.
const N: usize = 200_000;

fn rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

fn dist(kind: DistKind, args: &[f64]) -> Dist {
    match Dist::new(kind, args) {
        Ok(d) => d,
        Err(e) => panic!("{kind}{args:?} should be valid: {e}"),
    }
}

fn draws(d: &Dist, seed: u64) -> Vec<f64> {
    let mut r = rng(seed);
    (0..N).map(|_| d.sample(&mut r)).collect()
}

// ---- names --------------------------------------------------------------------------

#[test]
fn names_round_trip_and_signatures_match() {
    assert_eq!(DistKind::ALL.len(), 16);
    assert_eq!(KINDS.len(), DistKind::ALL.len());
    for (i, &k) in DistKind::ALL.iter().enumerate() {
        assert_eq!(k as usize, i, "ALL is in declaration order");
        assert_eq!(k.spec().kind, k, "KINDS row {i} is {}", KINDS[i].name);
        assert_eq!(DistKind::from_name(k.name()), Some(k));
        assert!(k.signature().starts_with(&format!("{}(", k.name())));
        let (min, max) = k.arity();
        assert!(k.accepts_arg_count(min));
        if let Some(max) = max {
            assert!(k.accepts_arg_count(max));
            assert!(!k.accepts_arg_count(max + 1));
        }
        if min > 0 {
            assert!(!k.accepts_arg_count(min - 1));
        }
    }
    assert_eq!(DistKind::from_name("Normal"), None);
    assert_eq!(DistKind::from_name("gaussian"), None);
    assert!(!DistKind::Normal.accepts_arg_count(3));
    assert!(!DistKind::Discrete.accepts_arg_count(3));
    let discrete: Vec<_> = DistKind::ALL.iter().filter(|k| k.is_discrete()).collect();
    assert_eq!(
        discrete,
        [
            &DistKind::UniformInt,
            &DistKind::Bernoulli,
            &DistKind::Poisson,
            &DistKind::Choice
        ]
    );
    assert!(matches!(
        Dist::from_name("gaussian", &[0.0, 1.0]),
        Err(DistError::UnknownKind(_))
    ));
}

// ---- validation ---------------------------------------------------------------------

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

/// (kind, args, None = valid | Some(substring of the error message)).
const VALIDATION: &[(DistKind, &[f64], Option<&str>)] = {
    use DistKind::*;
    &[
        (Fixed, &[1.5], None),
        (
            Fixed,
            &[],
            Some("wrong number of arguments: fixed takes 1 (value), got 0"),
        ),
        (
            Fixed,
            &[NAN],
            Some("fixed `value` must be a finite number, got NaN"),
        ),
        (
            Fixed,
            &[-INF],
            Some("fixed `value` must be a finite number, got -inf"),
        ),
        (Uniform, &[0.0, 1.0], None),
        (Uniform, &[1.0, 1.0], None),
        (
            Uniform,
            &[2.0, 1.0],
            Some("uniform needs lo <= hi, got lo 2 > hi 1"),
        ),
        (
            Uniform,
            &[0.0, INF],
            Some("uniform upper bound `hi` must be a finite number, got inf"),
        ),
        (Uniform, &[-1e308, 1e308], Some("uniform range is too wide")),
        (
            Uniform,
            &[0.0],
            Some("wrong number of arguments: uniform takes 2 (lo, hi), got 1"),
        ),
        (Normal, &[0.0, 1.0], None),
        (Normal, &[0.0, 0.0], None),
        (
            Normal,
            &[0.0, -1.0],
            Some("normal standard deviation `sd` must be >= 0, got -1"),
        ),
        (
            Normal,
            &[NAN, 1.0],
            Some("normal `mean` must be a finite number, got NaN"),
        ),
        (
            Normal,
            &[0.0, 1.0, 0.0],
            Some("wrong number of arguments: normal takes 2 or 4 (mean, sd[, lo, hi]), got 3"),
        ),
        (Normal, &[0.0, 1.0, -INF, 0.0], None),
        (Normal, &[0.0, 1.0, -INF, INF], None),
        (Normal, &[0.0, 1.0, 8.0, INF], None),
        (
            Normal,
            &[0.0, 1.0, 1.0, 1.0],
            Some("normal needs lo < hi, got lo 1 >= hi 1"),
        ),
        (
            Normal,
            &[0.0, 1.0, NAN, 1.0],
            Some("normal lower bound `lo` must be a number (inf and -inf are allowed), got NaN"),
        ),
        (
            Normal,
            &[0.0, 1.0, 40.0, 50.0],
            Some("zero probability mass"),
        ),
        (
            Normal,
            &[0.0, 1.0, -50.0, -40.0],
            Some("zero probability mass"),
        ),
        (Normal, &[0.0, 0.0, 1.0, 2.0], Some("zero probability mass")),
        (Normal, &[0.0, 0.0, -1.0, 1.0], None),
        (LogNormal, &[0.0, 0.5], None),
        (
            LogNormal,
            &[0.0, -0.1],
            Some("lognormal log-scale `sigma` must be >= 0, got -0.1"),
        ),
        (Beta, &[2.0, 5.0], None),
        (
            Beta,
            &[-1.0, 2.0],
            Some("beta shape `a` must be > 0, got -1"),
        ),
        (Beta, &[2.0, 0.0], Some("beta shape `b` must be > 0, got 0")),
        (
            Beta,
            &[2.0, INF],
            Some("beta shape `b` must be a finite number, got inf"),
        ),
        (Beta, &[1e9, 1e9], None),
        (
            Beta,
            &[2e9, 1.0],
            Some("beta shape `a` must be <= 1000000000, got 2000000000"),
        ),
        (Pert, &[0.1, 0.3, 0.6], None),
        (Pert, &[1.0, 1.0, 1.0], None),
        (Pert, &[0.0, 0.0, 1.0], None),
        (
            Pert,
            &[0.6, 0.4, 0.3],
            Some("pert needs min <= mode <= max, got min 0.6 > max 0.3"),
        ),
        (
            Pert,
            &[0.0, 2.0, 1.0],
            Some("pert needs min <= mode <= max, got mode 2 > max 1"),
        ),
        (
            Pert,
            &[1.0, 2.0, 1.0],
            Some("pert needs min <= mode <= max, got mode 2 > max 1"),
        ),
        (
            Pert,
            &[0.1, 0.3],
            Some("wrong number of arguments: pert takes 3 (min, mode, max), got 2"),
        ),
        (Triangular, &[0.0, 1.0, 3.0], None),
        (
            Triangular,
            &[0.0, -1.0, 1.0],
            Some("triangular needs min <= mode <= max, got min 0 > mode -1"),
        ),
        (
            Triangular,
            &[0.0, NAN, 1.0],
            Some("triangular `mode` must be a finite number, got NaN"),
        ),
        (UniformInt, &[1.0, 6.0], None),
        (UniformInt, &[-3.0, -3.0], None),
        (
            UniformInt,
            &[1.5, 6.0],
            Some("uniform_int lower bound `lo` must be a whole number, got 1.5"),
        ),
        (
            UniformInt,
            &[6.0, 1.0],
            Some("uniform_int needs lo <= hi, got lo 6 > hi 1"),
        ),
        (
            UniformInt,
            &[0.0, 1e16],
            Some(
                "uniform_int upper bound `hi` must be in [-9007199254740992, 9007199254740992], got 1e16",
            ),
        ),
        (Bernoulli, &[0.3], None),
        (Bernoulli, &[0.0], None),
        (Bernoulli, &[1.0], None),
        (
            Bernoulli,
            &[1.2],
            Some("bernoulli probability `p` must be in [0, 1], got 1.2"),
        ),
        (
            Bernoulli,
            &[-0.1],
            Some("bernoulli probability `p` must be in [0, 1], got -0.1"),
        ),
        (Poisson, &[0.0], None),
        (Poisson, &[2.5], None),
        (
            Poisson,
            &[-1.0],
            Some("poisson `rate` must be >= 0, got -1"),
        ),
        (
            Poisson,
            &[1e20],
            Some("poisson `rate` must be in [0, 1.844e19], got 1e20"),
        ),
        (
            Poisson,
            &[1.0, 2.0],
            Some("wrong number of arguments: poisson takes 1 (rate), got 2"),
        ),
        (Choice, &[1.0], None),
        (Choice, &[0.0, 1.0, 0.0], None),
        (
            Choice,
            &[],
            Some("wrong number of arguments: choice takes at least 1 (w0, w1, ...), got 0"),
        ),
        (
            Choice,
            &[0.0, 0.0],
            Some("choice weights must have a positive, finite sum, got 0"),
        ),
        (
            Choice,
            &[1.0, -1.0],
            Some("choice weight `w1` must be >= 0, got -1"),
        ),
        (
            Choice,
            &[1.0, INF],
            Some("choice weight `w1` must be a finite number, got inf"),
        ),
        (
            Choice,
            &[1e308, 1e308],
            Some("choice weights must have a positive, finite sum, got inf"),
        ),
        (Discrete, &[10.0, 1.0, 20.0, 3.0], None),
        (
            Discrete,
            &[10.0, 1.0, 20.0],
            Some(
                "wrong number of arguments: discrete takes an even number >= 2 (v0, w0, v1, w1, ...), got 3",
            ),
        ),
        (
            Discrete,
            &[],
            Some("wrong number of arguments: discrete takes an even number >= 2"),
        ),
        (
            Discrete,
            &[10.0, -1.0],
            Some("discrete weight `w0` must be >= 0, got -1"),
        ),
        (
            Discrete,
            &[NAN, 1.0],
            Some("discrete value `v0` must be a finite number, got NaN"),
        ),
        (
            Discrete,
            &[1.0, 0.0, 2.0, 0.0],
            Some("discrete weights must have a positive, finite sum, got 0"),
        ),
        (Exponential, &[2.0], None),
        (
            Exponential,
            &[0.0],
            Some("exponential `rate` must be > 0, got 0"),
        ),
        (Gamma, &[2.0, 3.0], None),
        (Gamma, &[0.0, 1.0], Some("gamma `shape` must be > 0, got 0")),
        (
            Gamma,
            &[1.0, INF],
            Some("gamma `scale` must be a finite number, got inf"),
        ),
        (
            Gamma,
            &[1.0, -2.0],
            Some("gamma `scale` must be > 0, got -2"),
        ),
        (Metalog, &[2.0, 5.0, 12.0], None),
        (
            Metalog,
            &[5.0, 5.0, 12.0],
            Some("metalog needs p10 < p50 < p90, got p10 5 >= p50 5"),
        ),
        (Metalog, &[0.0, 1.0, 100.0], Some("too skewed")),
        (Histogram, &[0.0, 1.0, 10.0, 0.0, 20.0, 3.0, 50.0], None),
        (
            Histogram,
            &[0.0, 1.0, 10.0, 1.0, 5.0],
            Some("histogram needs edges in increasing order, got an edge 10 >= the next 5"),
        ),
        (
            Histogram,
            &[0.0, 0.0, 10.0],
            Some("histogram weights must have a positive, finite sum, got 0"),
        ),
        (
            Histogram,
            &[0.0, 1.0, 10.0, 2.0],
            Some("histogram takes an odd number >= 3 (x0, w1, x1, w2, x2, ...), got 4"),
        ),
    ]
};

fn check_validation(kind: DistKind, args: &[f64], expected: Option<&str>) {
    let built = Dist::new(kind, args);
    let with = sample_with(kind, args, &mut rng(1));
    match (expected, &built) {
        (None, Ok(_)) => assert!(with.is_ok(), "{kind}{args:?}: sample_with disagrees"),
        (None, Err(e)) => panic!("{kind}{args:?}: expected Ok, got error `{e}`"),
        (Some(want), Ok(_)) => {
            panic!("{kind}{args:?}: expected error containing `{want}`, got Ok")
        }
        (Some(want), Err(e)) => {
            let msg = e.to_string();
            assert!(
                msg.contains(want),
                "{kind}{args:?}: error `{msg}` lacks `{want}`"
            );
            // Compared as text: errors may carry NaN, which is never == itself.
            let with_msg = with.err().map(|e| e.to_string());
            assert_eq!(
                with_msg.as_deref(),
                Some(msg.as_str()),
                "{kind}{args:?}: sample_with disagrees"
            );
            let validate_msg = validate(kind, args).err().map(|e| e.to_string());
            assert_eq!(validate_msg.as_deref(), Some(msg.as_str()));
            assert_eq!(e.kind(), Some(kind));
        }
    }
}

#[test]
fn validation_table() {
    for &(kind, args, expected) in VALIDATION {
        check_validation(kind, args, expected);
    }
    // Every kind has at least one valid and one invalid case in the table.
    for &k in DistKind::ALL {
        assert!(
            VALIDATION.iter().any(|c| c.0 == k && c.2.is_none()),
            "{k}: no valid case"
        );
        assert!(
            VALIDATION.iter().any(|c| c.0 == k && c.2.is_some()),
            "{k}: no invalid case"
        );
    }
}

/// No argument values make anything panic (or hang): all kinds, all argument counts up to
/// 5, over a grid of awkward values; valid ones are sampled, inverted and described.
#[test]
fn no_panics_on_extreme_arguments() {
    let values = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        2.0,
        1e-300,
        5e-324,
        1e300,
        -1e300,
        f64::MAX,
        1e7,
        3e7,
        NAN,
        INF,
        -INF,
    ];
    let ps = [
        0.0,
        1e-300,
        1e-10,
        0.1,
        0.5,
        0.9,
        1.0 - 1e-12,
        1.0,
        -1.0,
        2.0,
        NAN,
    ];
    let mut r = rng(99);
    let mut valid = 0usize;
    let mut visit = |kind: DistKind, args: &[f64], r: &mut Xoshiro256PlusPlus| {
        if let Ok(d) = Dist::new(kind, args) {
            valid += 1;
            for _ in 0..3 {
                let x = d.sample(r);
                assert!(!x.is_nan(), "{d:?} sampled NaN");
            }
            for &p in &ps {
                let q = d.quantile(p);
                assert!(
                    !q.is_nan() || p.is_nan(),
                    "{} quantile({p}) is NaN",
                    d.describe()
                );
            }
            let _ = (d.mean(), d.variance(), d.describe());
            assert!(sample_with(kind, args, r).is_ok());
        } else {
            assert!(sample_with(kind, args, r).is_err());
        }
    };
    for &k in DistKind::ALL {
        visit(k, &[], &mut r);
        for &a in &values {
            visit(k, &[a], &mut r);
            for &b in &values {
                visit(k, &[a, b], &mut r);
                for &c in &values {
                    visit(k, &[a, b, c], &mut r);
                }
            }
        }
        // Four-argument forms (truncated normal, discrete pairs) on a smaller grid.
        let small = [0.0, 1.0, -1.0, 1e-300, 1e300, 40.0, -40.0, NAN, INF, -INF];
        for &a in &small {
            for &b in &small {
                for &c in &small {
                    for &d in &small {
                        visit(k, &[a, b, c, d], &mut r);
                    }
                }
            }
        }
        visit(k, &[1.0, 2.0, 3.0, 4.0, 5.0], &mut r);
    }
    assert!(valid > 1000, "only {valid} valid cases exercised");
}

// ---- moments ------------------------------------------------------------------------

/// (kind, args, closed-form mean, closed-form variance). Sources:
/// - uniform(lo, hi): (lo+hi)/2, (hi-lo)^2/12 (Johnson, Kotz & Balakrishnan [JKB],
///   *Continuous Univariate Distributions* vol. 2, ch. 26).
/// - normal(m, s): m, s^2. lognormal(mu, s): exp(mu + s^2/2), (exp(s^2) - 1) exp(2mu + s^2)
///   (JKB vol. 1, ch. 14).
/// - beta(a, b): a/(a+b), ab/((a+b)^2 (a+b+1)) (JKB vol. 2, ch. 25).
/// - pert(min, mode, max): (min + 4 mode + max)/6, (mean-min)(max-mean)/7 (Vose, *Risk
///   Analysis*, 3rd ed. 2008, sec. 9.1; a beta with alpha + beta = 6).
/// - triangular(a, c, b): (a+b+c)/3, (a^2+b^2+c^2-ab-ac-bc)/18 (JKB vol. 2, ch. 26).
/// - uniform_int(lo, hi), n = hi-lo+1: (lo+hi)/2, (n^2-1)/12. bernoulli(p): p, p(1-p).
///   poisson(r): r, r (Johnson, Kemp & Kotz, *Univariate Discrete Distributions*, 2005).
/// - choice / discrete: sum_i p_i v_i and sum_i p_i (v_i - mean)^2 by definition.
/// - exponential(r): 1/r, 1/r^2. gamma(k, theta): k theta, k theta^2 (JKB vol. 1, ch. 17-19).
fn moment_cases() -> Vec<(DistKind, Vec<f64>, f64, f64)> {
    use DistKind::*;
    let (mn, md, mx) = (0.1, 0.3, 0.6);
    let pert_mean = (mn + 4.0 * md + mx) / 6.0;
    let (ta, tc, tb): (f64, f64, f64) = (0.0, 1.0, 3.0);
    let lognormal_var = ((0.4f64 * 0.4).exp() - 1.0) * (2.0 * 0.1 + 0.16f64).exp();
    vec![
        (Fixed, vec![3.5], 3.5, 0.0),
        (Uniform, vec![2.0, 5.0], 3.5, 9.0 / 12.0),
        (Normal, vec![1.0, 2.0], 1.0, 4.0),
        (
            LogNormal,
            vec![0.1, 0.4],
            (0.1f64 + 0.08).exp(),
            lognormal_var,
        ),
        (Beta, vec![2.0, 5.0], 2.0 / 7.0, 10.0 / (49.0 * 8.0)),
        (Beta, vec![0.5, 0.5], 0.5, 0.25 / 2.0),
        (Beta, vec![0.3, 4.0], 0.3 / 4.3, 1.2 / (4.3 * 4.3 * 5.3)),
        (
            Pert,
            vec![mn, md, mx],
            pert_mean,
            (pert_mean - mn) * (mx - pert_mean) / 7.0,
        ),
        (
            Pert,
            vec![10.0, 10.0, 20.0],
            10.0 + 10.0 / 6.0,
            (10.0 / 6.0) * (10.0 - 10.0 / 6.0) / 7.0,
        ),
        (
            Triangular,
            vec![ta, tc, tb],
            (ta + tb + tc) / 3.0,
            (ta * ta + tb * tb + tc * tc - ta * tb - ta * tc - tb * tc) / 18.0,
        ),
        (UniformInt, vec![1.0, 6.0], 3.5, 35.0 / 12.0),
        (Bernoulli, vec![0.3], 0.3, 0.21),
        (Poisson, vec![0.05], 0.05, 0.05),
        (Poisson, vec![2.5], 2.5, 2.5),
        (Poisson, vec![30.0], 30.0, 30.0),
        (Poisson, vec![60.0], 60.0, 60.0),
        // p = (.25, 0, .75) on {0, 1, 2}: mean 1.5, E[i^2] = 3.
        (Choice, vec![1.0, 0.0, 3.0], 1.5, 3.0 - 2.25),
        // p = (.25, .75) on {10, -5}: mean -1.25, E[v^2] = 43.75.
        (Discrete, vec![10.0, 1.0, -5.0, 3.0], -1.25, 43.75 - 1.5625),
        (Exponential, vec![2.0], 0.5, 0.25),
        (Gamma, vec![2.5, 1.5], 3.75, 2.5 * 2.25),
        (Gamma, vec![0.5, 2.0], 1.0, 2.0),
        // Symmetric: a1 = 5, a2 = 3 / ln 9, a3 = 0: the logistic, mean 5,
        // variance a2^2 pi^2 / 3.
        (
            Metalog,
            vec![2.0, 5.0, 8.0],
            5.0,
            (3.0 / 9f64.ln()).powi(2) * PI * PI / 3.0,
        ),
        // Skewed: a2 = 5 / ln 9, a3 = 4 / (0.8 ln 9) = 5 / ln 9: mean
        // 5 + a3 / 2, variance a2^2 pi^2 / 3 + a3^2 (pi^2 / 36 + 1 / 12).
        (
            Metalog,
            vec![2.0, 5.0, 12.0],
            5.0 + 2.5 / 9f64.ln(),
            (5.0 / 9f64.ln()).powi(2) * (PI * PI / 3.0 + PI * PI / 36.0 + 1.0 / 12.0),
        ),
        // Weights 1 on [0, 10], 3 on [10, 20]: mean (5 + 3 * 15) / 4 = 12.5;
        // E[x^2] = (100 / 3 + 3 * 700 / 3) / 4 = 183.33..., so variance
        // 183.33... - 156.25.
        (
            Histogram,
            vec![0.0, 1.0, 10.0, 3.0, 20.0],
            12.5,
            (100.0 / 3.0 + 700.0) / 4.0 - 156.25,
        ),
    ]
}

#[test]
fn moments_match_closed_forms() {
    let cases = moment_cases();
    for &k in DistKind::ALL {
        assert!(cases.iter().any(|c| c.0 == k), "{k}: no moment case");
    }
    for (i, (kind, args, mean, var)) in cases.into_iter().enumerate() {
        let d = dist(kind, &args);
        let name = d.describe();
        // The implementation's closed forms agree with the ones written here.
        assert!(
            (d.mean() - mean).abs() <= 1e-12 * mean.abs().max(1.0),
            "{name}: mean() {} != {mean}",
            d.mean()
        );
        assert!(
            (d.variance() - var).abs() <= 1e-12 * var.max(1.0),
            "{name}: variance() {} != {var}",
            d.variance()
        );

        let xs = draws(&d, 1000 + i as u64);
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let s2 = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
        let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n;
        // Mean: standard error sd / sqrt(n).
        let tol_mean = Z_TAIL * (var / n).sqrt();
        assert!(
            (m - mean).abs() <= tol_mean + 1e-12,
            "{name}: sample mean {m} vs {mean} (tol {tol_mean})"
        );
        // Variance: Var(s^2) ~ (mu4 - sigma^4) / n for large n, with mu4 estimated from
        // the sample's fourth central moment.
        let tol_var = Z_TAIL * ((m4 - s2 * s2).max(0.0) / n).sqrt();
        assert!(
            (s2 - var).abs() <= tol_var + 1e-12,
            "{name}: sample variance {s2} vs {var} (tol {tol_var})"
        );
    }
}

// ---- quantiles ----------------------------------------------------------------------

fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:e}, want {want:e} (tol {tol:e})"
    );
}

#[test]
fn quantile_closed_forms() {
    // Normal: median = mean; 0.975 quantile = mean + 1.959963984540054 sd (standard table).
    let n = dist(DistKind::Normal, &[3.0, 2.0]);
    assert_eq!(n.quantile(0.5), 3.0);
    assert_close(
        n.quantile(0.975),
        3.0 + 2.0 * 1.959963984540054,
        1e-12,
        "normal 0.975",
    );
    assert_eq!(n.quantile(0.0), -INF);
    assert_eq!(n.quantile(1.0), INF);
    // Uniform: linear.
    let u = dist(DistKind::Uniform, &[2.0, 6.0]);
    for p in [0.0, 0.1, 0.25, 0.5, 0.9, 1.0] {
        assert_close(u.quantile(p), 2.0 + 4.0 * p, 1e-15, "uniform");
    }
    // Beta(2, 5): median 0.26444998329566 (e.g. R `qbeta(0.5, 2, 5)`); other quantiles
    // checked against the closed-form CDF I_x(2, b) = 1 - (1-x)^b (1 + b x).
    let b = dist(DistKind::Beta, &[2.0, 5.0]);
    assert_close(
        b.quantile(0.5),
        0.264_449_983_295_66,
        1e-9,
        "beta(2,5) median",
    );
    for p in [1e-12, 1e-6, 0.01, 0.1, 0.3, 0.7, 0.9, 0.99, 1.0 - 1e-9] {
        let x = b.quantile(p);
        let cdf = 1.0 - (1.0 - x).powi(5) * (1.0 + 5.0 * x);
        assert_close(
            cdf,
            p,
            1e-9 * p.max(1e-3),
            &format!("beta(2,5) cdf(q({p}))"),
        );
    }
    // Beta(1/2, 1/2) (arcsine law): F(x) = (2/pi) asin(sqrt x), so Q(p) = sin^2(pi p / 2).
    let arcsine = dist(DistKind::Beta, &[0.5, 0.5]);
    for p in [1e-10, 0.01, 0.2, 0.5, 0.8, 0.99, 1.0 - 1e-10] {
        let want = (PI * p / 2.0).sin().powi(2);
        assert_close(
            arcsine.quantile(p),
            want,
            1e-9 * want.max(1e-3),
            &format!("arcsine q({p})"),
        );
    }
    // Beta(a, 1): Q(p) = p^(1/a); Beta(1, b): Q(p) = 1 - (1-p)^(1/b).
    assert_close(
        dist(DistKind::Beta, &[3.0, 1.0]).quantile(0.3),
        0.3f64.powf(1.0 / 3.0),
        1e-14,
        "beta(3,1)",
    );
    assert_close(
        dist(DistKind::Beta, &[1.0, 3.0]).quantile(0.3),
        1.0 - 0.7f64.powf(1.0 / 3.0),
        1e-14,
        "beta(1,3)",
    );
    // Extreme shapes that break statrs' inv_beta_reg: check via the CDF it inverts.
    for (a, bb, p) in [
        (1e-3, 1e5, 0.5),
        (1e-2, 3.0, 0.9),
        (0.5, 0.5, 1e-100),
        (300.0, 2e4, 0.05),
    ] {
        let x = dist(DistKind::Beta, &[a, bb]).quantile(p);
        let back = sbeta::beta_reg(a, bb, x);
        assert_close(back, p, 1e-6 * p, &format!("beta({a},{bb}) cdf(q({p}))"));
    }
    // Beta(1e-5, 3) at 0.9: the true quantile, about 0.9^(1e5), underflows; the answer is the
    // smallest positive float, where the CDF already exceeds 0.9.
    let tiny = dist(DistKind::Beta, &[1e-5, 3.0]).quantile(0.9);
    assert!(
        tiny <= 5e-324 && sbeta::beta_reg(1e-5, 3.0, 5e-324) >= 0.9,
        "{tiny}"
    );
    // PERT(0, m, 1) is Beta(alpha, beta); the symmetric one has median = mode.
    assert_close(
        dist(DistKind::Pert, &[0.0, 0.5, 1.0]).quantile(0.5),
        0.5,
        1e-12,
        "pert median",
    );
    // Triangular(0, 1, 3): F(x) = x^2/3 on [0, 1], so Q(p) = sqrt(3p) for p <= 1/3.
    assert_close(
        dist(DistKind::Triangular, &[0.0, 1.0, 3.0]).quantile(0.25),
        0.75f64.sqrt(),
        1e-15,
        "triangular",
    );
    // Exponential(r): -ln(1-p)/r. Gamma(1, s) equals it; Gamma(2, 1): F(x) = 1 - e^-x (1 + x).
    assert_close(
        dist(DistKind::Exponential, &[2.0]).quantile(0.5),
        2f64.ln() / 2.0,
        1e-15,
        "exponential",
    );
    assert_close(
        dist(DistKind::Gamma, &[1.0, 3.0]).quantile(0.5),
        3.0 * 2f64.ln(),
        1e-14,
        "gamma(1,3)",
    );
    let g2 = dist(DistKind::Gamma, &[2.0, 1.0]);
    for p in [1e-8, 0.05, 0.5, 0.95, 1.0 - 1e-9] {
        let x = g2.quantile(p);
        assert_close(
            1.0 - (-x).exp() * (1.0 + x),
            p,
            1e-9 * p.max(1e-3),
            &format!("gamma(2,1) q({p})"),
        );
    }
    for (k, p) in [(1e-3, 0.5), (0.1, 1e-6), (50.0, 0.999)] {
        let x = dist(DistKind::Gamma, &[k, 1.0]).quantile(p);
        assert_close(
            sgamma::gamma_lr(k, x),
            p,
            1e-8 * p,
            &format!("gamma({k}) q({p})"),
        );
    }
    // Wilson–Hilferty (used above 1e7) agrees with exact inversion at shape 1e6.
    for p in [0.01, 0.3, 0.5, 0.9, 0.999] {
        let exact = std_gamma_quantile(1e6, p);
        let wh = wilson_hilferty(1e6, norm_ppf(p));
        assert_close(wh, exact, 1e-9 * exact, &format!("Wilson-Hilferty q({p})"));
    }
    // Lognormal: exp of the normal quantile.
    assert_close(
        dist(DistKind::LogNormal, &[0.2, 0.7]).quantile(0.5),
        0.2f64.exp(),
        1e-15,
        "lognormal",
    );
}

#[test]
fn metalog_and_histogram_quantiles() {
    // The metalog passes through the elicited quantiles.
    let m = dist(DistKind::Metalog, &[2.0, 5.0, 12.0]);
    for (p, want) in [(0.1, 2.0), (0.5, 5.0), (0.9, 12.0)] {
        assert_close(m.quantile(p), want, 1e-12, &format!("metalog q({p})"));
    }
    assert_eq!(m.quantile(0.0), -INF);
    assert_eq!(m.quantile(1.0), INF);
    // Weights 1, 0, 3 on [0, 10], [10, 20], [20, 50]: a quarter of the mass
    // lies in [0, 10]; the median is a third of the way into [20, 50].
    let h = dist(DistKind::Histogram, &[0.0, 1.0, 10.0, 0.0, 20.0, 3.0, 50.0]);
    for (p, want) in [
        (0.0, 0.0),
        (0.125, 5.0),
        (0.25, 10.0),
        (0.5, 30.0),
        (1.0, 50.0),
    ] {
        assert_close(h.quantile(p), want, 1e-12, &format!("histogram q({p})"));
    }
}

#[test]
fn discrete_quantiles() {
    // uniform_int(1, 6): smallest k with k/6 >= p.
    let die = dist(DistKind::UniformInt, &[1.0, 6.0]);
    for (p, want) in [
        (0.0, 1.0),
        (1.0 / 6.0, 1.0),
        (0.17, 2.0),
        (0.5, 3.0),
        (0.51, 4.0),
        (1.0, 6.0),
    ] {
        assert_eq!(die.quantile(p), want, "die q({p})");
    }
    // bernoulli(0.3): CDF(0) = 0.7.
    let b = dist(DistKind::Bernoulli, &[0.3]);
    assert_eq!(
        (
            b.quantile(0.0),
            b.quantile(0.7),
            b.quantile(0.71),
            b.quantile(1.0)
        ),
        (0.0, 0.0, 1.0, 1.0)
    );
    assert_eq!(dist(DistKind::Bernoulli, &[1.0]).quantile(0.0), 1.0);
    assert_eq!(dist(DistKind::Bernoulli, &[0.0]).quantile(1.0), 0.0);
    // choice(1, 0, 3): CDF 0.25 at 0, 0.25 at 1 (no mass), 1 at 2.
    let c = dist(DistKind::Choice, &[1.0, 0.0, 3.0]);
    assert_eq!(
        (
            c.quantile(0.0),
            c.quantile(0.25),
            c.quantile(0.26),
            c.quantile(1.0)
        ),
        (0.0, 0.0, 2.0, 2.0)
    );
    // discrete values out of order and repeated: sorted to -5 (3), 10 (1 + 2).
    let d = dist(
        DistKind::Discrete,
        &[10.0, 1.0, -5.0, 3.0, 10.0, 2.0, 99.0, 0.0],
    );
    assert_eq!(
        (
            d.quantile(0.0),
            d.quantile(0.5),
            d.quantile(0.51),
            d.quantile(1.0)
        ),
        (-5.0, -5.0, 10.0, 10.0)
    );
    assert_eq!(d.mean(), (-15.0 + 30.0) / 6.0);
    // Poisson: compare with direct summation of the pmf p_k = e^-r r^k / k!.
    for rate in [0.01, 0.5, 3.0, 25.0, 200.0] {
        let dist_p = dist(DistKind::Poisson, &[rate]);
        let mut cdf = Vec::new();
        let (mut pmf, mut acc) = (f64::exp(-rate), 0.0);
        for k in 0..2000 {
            acc += pmf;
            cdf.push(acc);
            pmf *= rate / (k as f64 + 1.0);
        }
        for i in 1..200 {
            let p = i as f64 / 200.0;
            if cdf.iter().any(|&c| (c - p).abs() < 1e-9) {
                continue; // too close to a step for a float comparison
            }
            let want = cdf.iter().position(|&c| c >= p).map(|k| k as f64);
            assert_eq!(Some(dist_p.quantile(p)), want, "poisson({rate}) q({p})");
        }
        assert_eq!(dist_p.quantile(0.0), 0.0);
        assert_eq!(dist_p.quantile(1.0), INF);
    }
    assert_eq!(dist(DistKind::Poisson, &[0.0]).quantile(0.9), 0.0);
    // The Cornish–Fisher expansion (used above 1e7) is within one count of the exact
    // search at rate 1e6.
    for i in 1..50 {
        let p = i as f64 / 50.0;
        let exact = poisson_quantile(1e6, p);
        let cf = poisson_cornish_fisher(1e6, norm_ppf(p));
        assert!((exact - cf).abs() <= 1.0, "CF q({p}) {cf} vs exact {exact}");
    }
}

/// One representative per kind (plus a few variants) for the generic quantile checks.
fn quantile_cases() -> Vec<(DistKind, Vec<f64>)> {
    let mut cases: Vec<(DistKind, Vec<f64>)> = moment_cases()
        .into_iter()
        .map(|(k, a, _, _)| (k, a))
        .collect();
    cases.extend([
        (DistKind::Normal, vec![0.0, 1.0, -1.0, 2.0]),
        (DistKind::Normal, vec![5.0, 2.0, 9.0, INF]),
        (DistKind::Normal, vec![0.0, 1.0, -INF, -3.0]),
        (
            DistKind::Choice,
            (0..40)
                .map(|i| if i % 3 == 0 { 0.0 } else { i as f64 })
                .collect(),
        ),
    ]);
    cases
}

#[test]
fn many_quantiles_agree_with_one_at_a_time() {
    let ps: Vec<f64> = (0..500)
        .map(|i| ((i * 7919) % 499) as f64 / 498.0)
        .collect();
    for d in [
        dist(DistKind::Beta, &[2.0, 5.0]),
        dist(DistKind::Beta, &[0.5, 0.7]),
        dist(DistKind::Pert, &[0.1, 0.3, 0.9]),
        dist(DistKind::Normal, &[1.0, 2.0]),
    ] {
        for (&p, q) in ps.iter().zip(d.quantiles(&ps)) {
            let one = d.quantile(p);
            assert!(
                q == one || (q - one).abs() <= 1e-12 * one.abs().max(1e-300),
                "{d} at {p}: {q} vs {one}"
            );
        }
    }
}

#[test]
fn quantile_is_monotone() {
    for (kind, args) in quantile_cases() {
        let d = dist(kind, &args);
        let mut prev = d.quantile(0.0);
        for i in 1..=1000 {
            let p = i as f64 / 1000.0;
            let q = d.quantile(p);
            assert!(q >= prev, "{}: q({p}) = {q} < {prev}", d.describe());
            prev = q;
        }
        // Out-of-range p is clamped.
        assert_eq!(d.quantile(-0.5), d.quantile(0.0));
        assert_eq!(d.quantile(1.5), d.quantile(1.0));
        assert!(d.quantile(NAN).is_nan());
    }
}

/// The empirical CDF of the draws at quantile(p) brackets p: with F the true CDF and x =
/// quantile(p), F(x-) <= p <= F(x) (equality for continuous kinds). The binomial standard
/// error of an empirical CDF value is at most 0.5 / sqrt(n).
#[test]
fn samples_agree_with_quantiles() {
    let tol = Z_TAIL * 0.5 / (N as f64).sqrt();
    for (i, (kind, args)) in quantile_cases().into_iter().enumerate() {
        let d = dist(kind, &args);
        let mut xs = draws(&d, 5000 + i as u64);
        xs.sort_by(f64::total_cmp);
        let n = xs.len() as f64;
        for p in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
            let x = d.quantile(p);
            let below = xs.partition_point(|&v| v < x) as f64 / n;
            let at_or_below = xs.partition_point(|&v| v <= x) as f64 / n;
            assert!(
                at_or_below >= p - tol,
                "{}: F^(q({p}) = {x}) = {at_or_below}",
                d.describe()
            );
            assert!(
                below <= p + tol,
                "{}: F^(q({p}) = {x}-) = {below}",
                d.describe()
            );
        }
    }
}

/// Poisson draws below the inversion limit fall on each count as often as its
/// probability e^-r r^k / k! says (Johnson, Kemp & Kotz, *Univariate Discrete
/// Distributions*, 2005, ch. 4), within `Z_TAIL` binomial standard errors; and for a
/// fixed uniform the count never falls as the rate rises.
#[test]
fn poisson_by_inversion_has_the_poisson_probabilities() {
    for (i, rate) in [0.3, 3.7, 25.0].into_iter().enumerate() {
        let d = dist(DistKind::Poisson, &[rate]);
        let xs = draws(&d, 9000 + i as u64);
        let n = xs.len() as f64;
        let mut pmf = (-rate).exp();
        for k in 0..60u32 {
            if k > 0 {
                pmf *= rate / f64::from(k);
            }
            let seen = xs.iter().filter(|&&x| x == f64::from(k)).count() as f64 / n;
            let tol = Z_TAIL * (pmf * (1.0 - pmf) / n).sqrt() + 1e-12;
            assert!(
                (seen - pmf).abs() <= tol,
                "poisson({rate}): P(X = {k}) {seen} against {pmf} (tol {tol})"
            );
        }
    }
    // The walk by strides gives the count of the walk one count at a time.
    let one_by_one = |rate: f64, u: f64| {
        let (mut k, mut p) = (0u32, (-rate).exp());
        let mut cdf = p;
        while u >= cdf && k < 200 {
            k += 1;
            p *= rate / f64::from(k);
            cdf += p;
        }
        f64::from(k)
    };
    let mut r = rng(9100);
    for _ in 0..100_000 {
        let rate = r.random::<f64>() * 40.0;
        let u: f64 = if r.random::<f64>() < 0.01 {
            1.0 - r.random::<f64>() * 1e-15
        } else {
            r.random()
        };
        let k = poisson_by_inversion(rate, (-rate).exp(), u);
        assert_eq!(k, one_by_one(rate, u), "rate {rate}, u {u}");
    }
    for u in [0.0, 0.01, 0.3, 0.5, 0.9, 0.999_999] {
        let mut last = 0.0;
        for step in 1..400 {
            let rate = f64::from(step) * 0.1;
            let k = poisson_by_inversion(rate, (-rate).exp(), u);
            assert!(k >= last, "u {u}: {k} at rate {rate} after {last}");
            last = k;
        }
    }
}

// ---- the two sampling paths ---------------------------------------------------------

#[test]
fn sample_with_matches_dist_sample() {
    let mut cases = quantile_cases();
    cases.extend([
        (DistKind::Uniform, vec![1.0, 1.0]),
        (DistKind::Normal, vec![0.0, 0.0]),
        (DistKind::Poisson, vec![0.0]),
        (DistKind::Poisson, vec![1e9]),
        (DistKind::Pert, vec![2.0, 2.0, 2.0]),
        (
            DistKind::Discrete,
            (0..60)
                .map(|i| if i % 2 == 0 { i as f64 } else { (i % 7) as f64 })
                .collect(),
        ),
    ]);
    for (i, (kind, args)) in cases.into_iter().enumerate() {
        let d = dist(kind, &args);
        let (mut r1, mut r2) = (rng(77 + i as u64), rng(77 + i as u64));
        for _ in 0..5000 {
            let a = d.sample(&mut r1);
            let b = sample_with(kind, &args, &mut r2);
            assert_eq!(b.map(f64::to_bits), Ok(a.to_bits()), "{}", d.describe());
        }
    }
}

/// A remembered form gives the draws and errors of building it afresh:
/// arguments that repeat, change, change sign only (-0.0 against 0.0),
/// turn invalid and valid again, and variadic lists too long to keep.
#[test]
fn sample_remembered_matches_sample_with() {
    let mut calls: Vec<(DistKind, Vec<f64>)> = Vec::new();
    for round in 0..40 {
        let rate = [3.5, 3.5, 0.0, -0.0, 30.0, f64::NAN, 3.5][round % 7];
        calls.push((DistKind::Poisson, vec![rate]));
        calls.push((DistKind::Poisson, vec![rate]));
        calls.push((DistKind::Beta, vec![0.8 + (round % 3) as f64, 6.0]));
        calls.push((DistKind::Pert, vec![1.0, 2.0, [4.0, 1.5][round % 2]]));
        calls.push((DistKind::Normal, vec![0.0, [1.0, -1.0][round % 2]]));
        calls.push((DistKind::Gamma, vec![2.0, 0.5]));
        calls.push((
            DistKind::Choice,
            (0..6).map(|i| (i + round % 2) as f64).collect(),
        ));
    }
    let mut memo = Remembered::default();
    let (mut r1, mut r2) = (rng(5), rng(5));
    for (kind, args) in &calls {
        for _ in 0..50 {
            // Errors as text: an error holding a NaN is not equal to itself.
            let want = sample_with(*kind, args, &mut r1)
                .map(f64::to_bits)
                .map_err(|e| e.to_string());
            let got = sample_remembered(*kind, args, &mut memo, &mut r2)
                .map(f64::to_bits)
                .map_err(|e| e.to_string());
            assert_eq!(got, want, "{} {args:?}", kind.name());
        }
    }
}

// ---- truncated normal ---------------------------------------------------------------

/// Truncated-normal mean, mean + sd (phi(a) - phi(b)) / (Phi(b) - Phi(a)) with a, b the
/// standardized bounds (Johnson, Kotz & Balakrishnan vol. 1, eq. 13.134), computed here with
/// statrs' Normal directly; valid away from the far tails.
fn trunc_mean_reference(mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    use statrs::distribution::{Continuous, ContinuousCDF, Normal};
    let std = Normal::new(0.0, 1.0).expect("standard normal");
    let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
    let z = std.cdf(b) - std.cdf(a);
    mean + sd * (std.pdf(a) - std.pdf(b)) / z
}

#[test]
fn truncated_normal() {
    let cases: [(f64, f64, f64, f64); 6] = [
        (0.0, 1.0, -1.0, 2.0),
        (10.0, 3.0, 4.0, 11.0),
        (0.0, 1.0, 0.0, INF),
        (0.0, 1.0, -INF, -2.5),
        (1.0, 0.5, 3.0, 3.5), // both bounds in the upper tail: reflected form
        (0.0, 1.0, 8.0, INF), // far tail: mean is the inverse Mills ratio
    ];
    for (i, &(m, s, lo, hi)) in cases.iter().enumerate() {
        let d = dist(DistKind::Normal, &[m, s, lo, hi]);
        if i < 5 {
            let reference = trunc_mean_reference(m, s, lo, hi);
            assert_close(
                d.mean(),
                reference,
                1e-9 * reference.abs().max(1.0),
                "closed-form mean",
            );
        }
        let xs = draws(&d, 9000 + i as u64);
        assert!(
            xs.iter().all(|&x| (lo..=hi).contains(&x)),
            "{}: draw outside bounds",
            d.describe()
        );
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let tol = Z_TAIL * (d.variance() / n).sqrt();
        assert!(
            (mean - d.mean()).abs() <= tol,
            "{}: sample mean {mean} vs {} (tol {tol})",
            d.describe(),
            d.mean()
        );
        assert_eq!(d.quantile(0.0), lo);
        assert_eq!(d.quantile(1.0), hi);
    }
    // Far tail: E[Z | Z > 8] = phi(8)/Q(8) = 8.1211... (asymptotic x + 1/x - 2/x^3 + 10/x^5).
    let tail = dist(DistKind::Normal, &[0.0, 1.0, 8.0, INF]);
    let x: f64 = 8.0;
    assert_close(
        tail.mean(),
        x + 1.0 / x - 2.0 / x.powi(3) + 10.0 / x.powi(5),
        1e-4,
        "tail mean",
    );
    // Untruncated bounds give the plain normal.
    let full = dist(DistKind::Normal, &[1.0, 2.0, -INF, INF]);
    assert_close(full.mean(), 1.0, 1e-12, "full mean");
    assert_close(full.variance(), 4.0, 1e-12, "full variance");
    assert_eq!(full.quantile(0.5), 1.0);
}

// ---- describe -----------------------------------------------------------------------

#[test]
fn describe_round_trips() {
    let d = dist(DistKind::Pert, &[0.1, 0.3, 0.6]);
    assert_eq!(d.describe(), "pert(0.1, 0.3, 0.6)");
    assert_eq!(d.to_string(), "pert(0.1, 0.3, 0.6)");
    let mut cases = quantile_cases();
    cases.push((DistKind::Normal, vec![1e-300, 1e300, -INF, 1e-7]));
    for (kind, args) in cases {
        let d = dist(kind, &args);
        let text = d.describe();
        let (name, rest) = text.split_once('(').expect("has '('");
        let inner = rest.strip_suffix(')').expect("ends with ')'");
        let parsed: Vec<f64> = inner
            .split(", ")
            .map(|s| s.parse().expect("number"))
            .collect();
        let back = Dist::from_name(name, &parsed).expect("valid");
        assert_eq!(back, d, "{text}");
    }
}

#[test]
fn the_ziggurat_first_try_is_rand_distrs() {
    // Whenever the first try from a word is accepted it is the number
    // `StandardNormal` gives from that word, and `StandardNormal` then used
    // no other word; when it is rejected, `StandardNormal` used more words.
    let mut r = rng(31);
    let (mut accepted, mut rejected) = (0u32, 0u32);
    for _ in 0..1_000_000 {
        let before = r.clone();
        let word = r.clone().next_u64();
        let z = standard_normal(&mut r);
        let mut one_word = before.clone();
        one_word.next_u64();
        match normal_first_try(word) {
            Some(x) => {
                assert_eq!(x.to_bits(), z.to_bits(), "word {word:#x}");
                assert_eq!(r, one_word, "word {word:#x}");
                accepted += 1;
            }
            None => {
                assert_ne!(r, one_word, "word {word:#x}");
                rejected += 1;
            }
        }
    }
    // About 1.2% of first tries are rejected (Marsaglia & Tsang's 256-layer
    // ziggurat): both paths were exercised many times.
    assert!(
        rejected > 5_000 && accepted > 980_000,
        "{rejected} {accepted}"
    );
}

#[test]
fn simple_samplers_are_the_ones_of_their_kinds() {
    let normal = dist(DistKind::Normal, &[1.5, 2.0]);
    assert_eq!(normal.simple(), Some(Simple::Normal { mean: 1.5, sd: 2.0 }));
    let uniform = dist(DistKind::Uniform, &[-1.0, 3.0]);
    assert_eq!(
        uniform.simple(),
        Some(Simple::Uniform {
            lo: -1.0,
            hi: 3.0,
            width: 4.0
        })
    );
    assert!(matches!(
        dist(DistKind::Beta, &[2.0, 3.0]).simple(),
        Some(Simple::Beta(_))
    ));
    assert!(matches!(
        dist(DistKind::Pert, &[0.0, 0.2, 1.0]).simple(),
        Some(Simple::Beta(_))
    ));
    // A shape below 1 needs the gamma's boost, which takes logs.
    assert_eq!(dist(DistKind::Beta, &[0.8, 3.0]).simple(), None);
    assert_eq!(dist(DistKind::LogNormal, &[0.0, 1.0]).simple(), None);
    assert_eq!(dist(DistKind::Normal, &[1.0, 0.0]).simple(), None);
}
