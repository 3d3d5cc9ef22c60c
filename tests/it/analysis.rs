//! Analyses against answers known in closed form, and their command-line errors.

use polsim::analysis::compare::compare;
use polsim::analysis::sensitivity::{Method, Sensitivity, analyse};
use polsim::analysis::sweep::{Axis, crossing, sweep};
use polsim::engine::RunOptions;
use polsim::scenario::Model;

use crate::common::{load, load_text, polsim};

fn options(model: &Model, runs: u64) -> RunOptions {
    RunOptions {
        runs,
        seed: model.info.seed,
        threads: 0,
        rows: false,
    }
}

fn sensitivity(path: &str, method: Method, runs: u64) -> Sensitivity {
    let model = load(path);
    analyse(&model, method, &[0], &options(&model, runs), &|_| {}).expect("analysis runs")
}

/// Every estimate within 5 replicate standard errors of its closed form.
/// With 8 replicates the error over its SE follows Student's t with 7
/// degrees of freedom: P(|t| > 5) = 0.0016 per index, and the seed is fixed.
/// The SE floor of 1e-6 only guards indices whose replicates all agree to
/// rounding (an input with no effect at all).
fn assert_indices(s: &Sensitivity, truth: &[(&str, f64, f64)]) {
    let effects = &s.outcomes[0].effects;
    for &(param, first, total) in truth {
        let e = effects.iter().find(|e| e.param == param).expect(param);
        assert!(
            (e.a - first).abs() <= 5.0 * e.a_mcse.max(1e-6),
            "{param} first-order {} vs {first} (SE {})",
            e.a,
            e.a_mcse
        );
        assert!(
            (e.b - total).abs() <= 5.0 * e.b_mcse.max(1e-6),
            "{param} total {} vs {total} (SE {})",
            e.b,
            e.b_mcse
        );
        // The interval is the estimate ± t(7, 0.975) = 2.365 SE.
        assert!((e.a_hi - e.a - 2.3646 * e.a_mcse).abs() < 1e-3 * e.a_mcse.max(1e-12));
    }
}

#[test]
fn sobol_indices_of_the_ishigami_function() {
    // a = 7, b = 0.1 (Sobol' & Levitan 1999; Saltelli et al., Global
    // Sensitivity Analysis: The Primer, 2008, section 4.9):
    // V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2,
    // V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50).
    let (a, b, pi) = (7.0f64, 0.1f64, std::f64::consts::PI);
    let v = a * a / 8.0 + b * pi.powi(4) / 5.0 + b * b * pi.powi(8) / 18.0 + 0.5;
    let v1 = (1.0 + b * pi.powi(4) / 5.0).powi(2) / 2.0;
    let v2 = a * a / 8.0;
    let v13 = b * b * pi.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let s = sensitivity("tests/analytic/ishigami.toml", Method::Sobol, 20_000);
    assert_indices(
        &s,
        &[
            ("x1", v1 / v, (v1 + v13) / v),
            ("x2", v2 / v, v2 / v),
            ("x3", 0.0, v13 / v),
        ],
    );
}

#[test]
fn sobol_indices_of_the_g_function() {
    // a = [0, 1, 4.5, 9, 99, 99, 99, 99] (Saltelli & Sobol' 1995):
    // V_i = (1/3)/(1 + a_i)^2, V = prod(1 + V_i) - 1, S_i = V_i / V,
    // ST_i = V_i prod_{j != i}(1 + V_j) / V.
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
    let vi: Vec<f64> = a
        .iter()
        .map(|ai: &f64| (1.0 / 3.0) / (1.0 + ai).powi(2))
        .collect();
    let prod: f64 = vi.iter().map(|v| 1.0 + v).product();
    let v = prod - 1.0;
    let names = ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"];
    let truth: Vec<(&str, f64, f64)> = names
        .iter()
        .zip(&vi)
        .map(|(&n, &x)| (n, x / v, x * prod / (1.0 + x) / v))
        .collect();
    let s = sensitivity("tests/analytic/sobol_g.toml", Method::Sobol, 20_000);
    assert_indices(&s, &truth);
    // The ordering is right: x1 dominates, the a = 99 inputs do nothing.
    assert_eq!(s.outcomes[0].effects[0].param, "x1");
}

/// Sobol indices are shares of variance: adding a constant to the outcome or
/// scaling it changes none of them beyond rounding. (Before the outputs were
/// centred, adding 100 to the Ishigami function moved the first-order
/// estimates by several standard errors.)
#[test]
fn sobol_indices_ignore_a_shift_or_a_scale_of_the_outcome() {
    let text = std::fs::read_to_string(crate::common::root().join("tests/analytic/ishigami.toml"))
        .unwrap();
    let formula = "sin(x1) + 7 * sin(x2)^2 + 0.1 * x3^4 * sin(x1)";
    assert!(text.contains(formula));
    let run = |outcome: String| {
        let model = load_text(&text.replace(formula, &outcome));
        analyse(
            &model,
            Method::Sobol,
            &[0],
            &options(&model, 1_000),
            &|_| {},
        )
        .unwrap()
    };
    let base = run(formula.to_string());
    for changed in [
        format!("{formula} + 100"),
        format!("3 * ({formula})"),
        format!("1000 - 0.5 * ({formula})"),
    ] {
        let other = run(changed.clone());
        for (e, f) in base.outcomes[0]
            .effects
            .iter()
            .zip(&other.outcomes[0].effects)
        {
            assert_eq!(e.param, f.param, "{changed}");
            for (x, y) in [
                (e.a, f.a),
                (e.b, f.b),
                (e.a_mcse, f.a_mcse),
                (e.b_mcse, f.b_mcse),
            ] {
                assert!((x - y).abs() < 1e-9, "{changed}: {} {x} vs {y}", e.param);
            }
        }
    }
}

/// The Sobol design is computed before the runs and the runs are merged in
/// a fixed order: one thread and two give the same bytes.
#[test]
fn sobol_analysis_is_identical_on_any_thread_count() {
    let model = load("scenarios/examples/deterrence.toml");
    let json = |threads| {
        let options = RunOptions {
            threads,
            ..options(&model, 600)
        };
        let s = analyse(&model, Method::Sobol, &[0, 1], &options, &|_| {}).unwrap();
        polsim::output::analysis::sensitivity_json(&s)
    };
    assert_eq!(json(1), json(2));
}

const LINEAR: &str = r#"
[scenario]
steps = 1
seed = 5
[parameters]
strong = "uniform(0, 1)"
weak = "uniform(0, 1)"
none = "uniform(0, 1)"
[outcomes]
y = "3 * strong + weak"
"#;

#[test]
fn swing_measures_each_parameter_between_its_percentiles() {
    let model = load_text(LINEAR);
    let s = analyse(
        &model,
        Method::Swing,
        &[0],
        &options(&model, 2_000),
        &|_| {},
    )
    .unwrap();
    let o = &s.outcomes[0];
    // All at medians: 3 * 0.5 + 0.5 = 2 exactly (the outcome has no noise).
    assert!((o.baseline - 2.0).abs() < 1e-12, "{}", o.baseline);
    let swing = |name: &str| {
        let e = o.effects.iter().find(|e| e.param == name).unwrap();
        e.b - e.a
    };
    // p10..p90 of uniform(0, 1) is 0.1..0.9: swings 3 * 0.8 and 0.8 and 0.
    assert!((swing("strong") - 2.4).abs() < 1e-9);
    assert!((swing("weak") - 0.8).abs() < 1e-9);
    assert!(swing("none").abs() < 1e-12);
    assert_eq!(o.effects[0].param, "strong", "sorted by effect");
    // No chance in the model: every run agrees, so no Monte Carlo error.
    assert!(
        o.effects
            .iter()
            .all(|e| e.swing_mcse == 0.0 && e.a_mcse == 0.0)
    );
}

#[test]
fn swing_values_carry_their_monte_carlo_errors() {
    // Incidents ~ Binomial(24, p). With p_incident uniform(0.1, 0.3), the
    // swing runs from p = 0.12 to p = 0.28: means 2.88 and 6.72, a swing of
    // 3.84. The two settings share their uniforms run by run (common random
    // numbers), so each run's difference counts the months whose uniform
    // falls in [0.12, 0.28): Binomial(24, 0.16), variance 3.2256. Two
    // independent estimates would have variances 2.5344 and 4.8384.
    let model = crate::common::load_with(
        "scenarios/examples/coin-flips.toml",
        &["p_incident=uniform(0.1, 0.3)"],
    );
    let runs = 4_000;
    let incidents = model
        .outcomes
        .iter()
        .position(|o| o.name == "incidents")
        .unwrap();
    let s = analyse(
        &model,
        Method::Swing,
        &[incidents],
        &options(&model, runs),
        &|_| {},
    )
    .unwrap();
    let e = &s.outcomes[0].effects[0];
    assert_eq!(e.param, "p_incident");
    let n = runs as f64;
    assert!(
        (e.b - e.a - 3.84).abs() < 5.0 * e.swing_mcse,
        "swing {} ± {}",
        e.b - e.a,
        e.swing_mcse
    );
    // The SE of an SE estimated from 4000 runs is about 1.5% of it: 10% is
    // more than 6 of those.
    let paired = (3.2256 / n).sqrt();
    assert!(
        (e.swing_mcse / paired - 1.0).abs() < 0.1,
        "{} vs {paired}",
        e.swing_mcse
    );
    assert!((e.a_mcse / (2.5344 / n).sqrt() - 1.0).abs() < 0.1);
    assert!((e.b_mcse / (4.8384 / n).sqrt() - 1.0).abs() < 0.1);
    assert!(e.a_lo < e.a && e.a < e.a_hi);
}

#[test]
fn rank_correlation_finds_the_monotone_drivers() {
    let model = load_text(LINEAR);
    let s = analyse(&model, Method::Rank, &[0], &options(&model, 5_000), &|_| {}).unwrap();
    let e = |name: &str| {
        s.outcomes[0]
            .effects
            .iter()
            .find(|e| e.param == name)
            .unwrap()
            .clone()
    };
    // y is a deterministic increasing function of (strong, weak): both partial
    // rank correlations are near 1, the unrelated input's near 0.
    assert!(e("strong").a > 0.9, "rho strong {}", e("strong").a);
    assert!(e("weak").b > 0.5, "prcc weak {}", e("weak").b);
    // |rho| of an independent input: SE about 1/sqrt(n) = 0.014; 5 SE.
    assert!(
        e("none").a.abs() < 5.0 / (5_000f64).sqrt(),
        "rho none {}",
        e("none").a
    );
    // Its MCSE is Fisher's: (1 - rho^2) sqrt(1.06 / (n - 3)), and the
    // partial correlation's has one fewer degree of freedom per other input.
    let none = e("none");
    let fisher = (1.06f64 / (5_000.0 - 3.0)).sqrt();
    assert!((none.a_mcse - (1.0 - none.a * none.a) * fisher).abs() < 1e-12);
    let partial = (1.06f64 / (5_000.0 - 3.0 - 2.0)).sqrt();
    assert!((none.b_mcse - (1.0 - none.b * none.b) * partial).abs() < 1e-12);
    assert!(none.b_lo < none.b && none.b < none.b_hi);
}

#[test]
fn compare_recovers_a_known_shift_with_a_tight_paired_interval() {
    let base = r#"
[scenario]
steps = 6
seed = 8
[parameters]
x = "normal(0, 1)"
[state.level]
init = "x"
update = "level + normal(0, 1)"
[outcomes]
y = "level"
"#;
    let shifted = base.replace("y = \"level\"", "y = \"level + 0.5\"");
    let models = [load_text(base), load_text(&shifted)];
    let c = compare(&models, &options(&models[0], 4_000), &|_| {}).unwrap();
    let d = &c.differences[0];
    // Common random numbers: every run differs by exactly 0.5.
    assert!((d.diff - 0.5).abs() < 1e-12, "{}", d.diff);
    assert!(d.mcse < 1e-9, "paired SE {}", d.mcse);
    // Unpaired, the SE would be sqrt(2 * Var(y) / n) with Var(y) = 7 here.
    assert!(d.unpaired_se > 0.05, "unpaired SE {}", d.unpaired_se);
}

/// compare.json, whose summaries are written on several threads and set
/// into place, is the bytes `serde_json` writes for the whole comparison.
#[test]
fn compare_json_is_the_comparison_as_serde_json_writes_it() {
    let base = load("scenarios/examples/coin-flips.toml");
    let variant =
        crate::common::load_with("scenarios/examples/coin-flips.toml", &["p_incident=0.25"]);
    let third = crate::common::load_with("scenarios/examples/coin-flips.toml", &["p_incident=0.3"]);
    let models = [base, variant, third];
    let c = compare(&models, &options(&models[0], 2_000), &|_| {}).unwrap();
    let mut want = serde_json::to_vec_pretty(&c).unwrap();
    want.push(b'\n');
    let got = polsim::output::analysis::compare_json(&c);
    assert!(
        got == want,
        "compare.json differs from serde_json's own output"
    );
}

#[test]
fn paired_interval_is_much_narrower_than_an_unpaired_one() {
    let base = load("scenarios/examples/coin-flips.toml");
    let variant =
        crate::common::load_with("scenarios/examples/coin-flips.toml", &["p_incident=0.25"]);
    let models = [base, variant];
    let c = compare(&models, &options(&models[0], 20_000), &|_| {}).unwrap();
    let d = c
        .differences
        .iter()
        .find(|d| d.outcome == "incidents")
        .unwrap();
    // Mean incidents go from 24 x 0.2 = 4.8 to 24 x 0.25 = 6: a shift of 1.2.
    assert!(
        (d.diff - 1.2).abs() < 5.0 * d.mcse,
        "{} ± {}",
        d.diff,
        d.mcse
    );
    // With shared uniforms the per-run difference counts the months with u in
    // [0.2, 0.25): Binomial(24, 0.05), variance 1.14. Independent runs would
    // have variance 3.84 + 4.5 = 8.34: the paired SE is sqrt(8.34 / 1.14) = 2.7
    // times smaller (the estimated ratio has a relative SE of about 1%).
    let ratio = d.unpaired_se / d.mcse;
    assert!(
        (ratio - 2.705).abs() < 0.15,
        "paired {} vs unpaired {}: ratio {ratio}",
        d.mcse,
        d.unpaired_se
    );
    // The breakthrough does not depend on incidents: no difference at all.
    let b = c
        .differences
        .iter()
        .find(|d| d.outcome == "breakthrough_by_24")
        .unwrap();
    assert_eq!((b.diff, b.mcse), (0.0, 0.0));
}

#[test]
fn sweep_finds_where_a_probability_crosses_one_half() {
    let model = load("scenarios/examples/coin-flips.toml");
    let axis = Axis::parse(&model, "p_breakthrough=0.01..0.05:9").unwrap();
    let points = sweep(
        &model,
        std::slice::from_ref(&axis),
        &options(&model, 20_000),
        &|_| {},
    )
    .unwrap();
    let ys: Vec<f64> = points
        .iter()
        .map(|p| p.summary.outcomes[0].probability.unwrap().p)
        .collect();
    assert!(
        ys.windows(2).all(|w| w[0] < w[1]),
        "P(ever) rises with p: {ys:?}"
    );
    // 1 - (1 - p)^24 = 0.5 at p = 1 - 0.5^(1/24) = 0.028468. The grid step is
    // 0.005 and each estimate has SE <= 0.0036, so the interpolated crossing
    // is within 0.002 of it.
    let x = crossing(&axis.values, &ys, 0.5).unwrap();
    assert!((x - (1.0 - 0.5f64.powf(1.0 / 24.0))).abs() < 0.002, "{x}");
}

#[test]
fn given_keeps_only_the_runs_where_the_evidence_holds() {
    let dir = tempfile::tempdir().unwrap();
    let out = polsim()
        .args([
            "run",
            "scenarios/examples/coin-flips.toml",
            "--runs",
            "4000",
            "--json",
            "--given",
            "count(incident) >= 8",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let kept = json["provenance"]["kept_runs"].as_u64().unwrap();
    // P(Binomial(24, 0.2) >= 8) = 0.1091...: about 436 of 4000, within 5 SE (SE ~ 20).
    assert!((kept as f64 - 436.5).abs() < 5.0 * 19.7, "{kept}");
    let incidents = json["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "incidents")
        .unwrap();
    assert!(
        incidents["number"]["min"].as_f64().unwrap() >= 8.0,
        "only runs with 8 or more incidents"
    );
}

/// The JSON a command prints with `--json`.
fn json_of(args: &[&str], dir: &std::path::Path) -> serde_json::Value {
    let out = polsim()
        .args(args)
        .args(["--json", "--no-charts", "--out"])
        .arg(dir)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// A condition may name an outcome: `incidents >= 2`, where the outcome
/// `incidents` is `count(incident)`, keeps exactly the runs that
/// `count(incident) >= 2` keeps, with the same statistics.
#[test]
fn given_reads_outcomes_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = "scenarios/examples/deterrence.toml";
    let by_name = json_of(
        &["run", file, "--given", "incidents >= 2"],
        &dir.path().join("a"),
    );
    let by_expr = json_of(
        &["run", file, "--given", "count(incident) >= 2"],
        &dir.path().join("b"),
    );
    assert_eq!(by_name["outcomes"], by_expr["outcomes"]);
    let kept = by_name["provenance"]["kept_runs"].as_u64().unwrap();
    assert!(kept > 0 && kept < 10_000, "{kept}");
    // An outcome read inside an aggregate has no per-step values.
    polsim()
        .args([
            "run",
            file,
            "--given",
            "count(peak_tension) > 1",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path().join("c"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot use outcome `peak_tension` inside an aggregate",
        ));
}

/// `--given` in compare, sweep and sensitivity keeps the same runs as in
/// `run`: each scenario's (or grid point's, or setting's) kept count and
/// estimates equal those of `run --given` on it.
#[test]
fn given_works_in_compare_sweep_and_sensitivity() {
    let dir = tempfile::tempdir().unwrap();
    let (base, variant) = (
        "scenarios/examples/deterrence.toml",
        "scenarios/examples/deterrence-credible.toml",
    );
    let given = "peak_tension > 0.5";
    let run =
        |file: &str, name: &str| json_of(&["run", file, "--given", given], &dir.path().join(name));
    let (a, b) = (run(base, "a"), run(variant, "b"));
    let c = json_of(
        &["compare", base, variant, "--given", given],
        &dir.path().join("c"),
    );
    assert_eq!(c["given"], given);
    for (summary, alone) in [(&c["summaries"][0], &a), (&c["summaries"][1], &b)] {
        assert_eq!(
            summary["outcomes"][0]["probability"],
            alone["outcomes"][0]["probability"]
        );
        assert_eq!(
            summary["outcomes"][1]["number"],
            alone["outcomes"][1]["number"]
        );
    }
    assert_eq!(
        c["summaries"][1]["provenance"]["kept_runs"],
        b["provenance"]["kept_runs"]
    );
    // The paired difference covers the runs kept in both scenarios: no more
    // than either keeps.
    let pairs = c["differences"][0]["pairs"].as_u64().unwrap();
    assert!(pairs <= b["provenance"]["kept_runs"].as_u64().unwrap());
    assert!(pairs > 0);

    let fixed = json_of(
        &["run", base, "--set", "threat=0.5", "--given", given],
        &dir.path().join("f"),
    );
    let s = json_of(
        &["sweep", base, "--param", "threat=0..1:3", "--given", given],
        &dir.path().join("s"),
    );
    let at_half = &s["points"][1]["summary"];
    assert_eq!(
        at_half["outcomes"][0]["probability"],
        fixed["outcomes"][0]["probability"]
    );
    assert_eq!(
        at_half["provenance"]["kept_runs"],
        fixed["provenance"]["kept_runs"]
    );

    let swing = json_of(
        &["sensitivity", base, "--method", "swing", "--given", given],
        &dir.path().join("w"),
    );
    assert_eq!(swing["given"], given);
    let rank = json_of(
        &["sensitivity", base, "--given", given],
        &dir.path().join("r"),
    );
    assert!(
        rank["outcomes"][0]["effects"][0]["a"]
            .as_f64()
            .unwrap()
            .is_finite()
    );
    polsim()
        .args(["sensitivity", base, "--method", "sobol", "--runs", "512"])
        .args(["--given", given, "--no-charts", "--out"])
        .arg(dir.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot be used with --method sobol",
        ));
    polsim()
        .args([
            "compare",
            base,
            variant,
            "--given",
            "incidents > 99",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path().join("none"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no run of"));
}

#[test]
fn analysis_commands_reject_bad_arguments_clearly() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "sweep",
                "scenarios/examples/coin-flips.toml",
                "--param",
                "p_incidnt=0.1..0.3:5",
            ],
            "did you mean `p_incident`",
        ),
        (
            &[
                "sweep",
                "scenarios/examples/coin-flips.toml",
                "--param",
                "p_incident=0.3..0.1:5",
            ],
            "is empty",
        ),
        (
            &[
                "sweep",
                "scenarios/examples/coin-flips.toml",
                "--param",
                "p_incident=0.1..0.3",
            ],
            "STEPS",
        ),
        (
            &[
                "sweep",
                "scenarios/examples/coin-flips.toml",
                "--param",
                "incidents_so_far=0..1:3",
            ],
            "not a parameter",
        ),
        (
            &[
                "sensitivity",
                "scenarios/examples/coin-flips.toml",
                "--outcome",
                "incidens",
            ],
            "did you mean `incidents`",
        ),
        (
            &[
                "sensitivity",
                "scenarios/examples/coin-flips.toml",
                "--set",
                "p_incidnt=0.3",
            ],
            "did you mean `p_incident`",
        ),
        (
            &["compare", "scenarios/examples/coin-flips.toml"],
            "at least two scenarios",
        ),
        (
            &[
                "run",
                "scenarios/examples/coin-flips.toml",
                "--runs",
                "200",
                "--given",
                "count(incident) > 100",
            ],
            "no run satisfies",
        ),
        (
            &[
                "run",
                "scenarios/examples/coin-flips.toml",
                "--given",
                "count(incidnt) > 1",
            ],
            "did you mean `incident`",
        ),
    ];
    for (args, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let output = polsim()
            .args(*args)
            .arg("--out")
            .arg(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(message),
            "{args:?}: expected `{message}` in:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn compare_and_sensitivity_write_their_files() {
    let dir = tempfile::tempdir().unwrap();
    polsim()
        .args([
            "compare",
            "scenarios/examples/coin-flips.toml",
            "tests/analytic/ishigami.toml",
            "--runs",
            "500",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("compare.csv")).unwrap();
    assert!(
        csv.starts_with("outcome,kind,category,scenario,estimate"),
        "{csv}"
    );
    let dir = tempfile::tempdir().unwrap();
    polsim()
        .args([
            "sensitivity",
            "tests/analytic/ishigami.toml",
            "--method",
            "swing",
            "--runs",
            "200",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let csv = std::fs::read_to_string(dir.path().join("sensitivity.csv")).unwrap();
    assert!(csv.lines().count() == 4, "three parameters: {csv}");
    assert!(
        csv.starts_with(
            "outcome,parameter,outcome_at_p10,outcome_at_p10_low,outcome_at_p10_high,outcome_at_p10_mcse,"
        ) && csv.lines().next().unwrap().ends_with(",swing_mcse,input_p10,input_p90,baseline,baseline_mcse"),
        "{csv}"
    );
    // Too few runs for replicates: the table says so and shows no interval.
    let dir = tempfile::tempdir().unwrap();
    let out = polsim()
        .args([
            "sensitivity",
            "tests/analytic/ishigami.toml",
            "--method",
            "sobol",
            "--runs",
            "1",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8_lossy(&out);
    assert!(
        table.contains("too few runs for independent replicates"),
        "{table}"
    );
    assert!(!table.contains("NaN"), "{table}");
}
