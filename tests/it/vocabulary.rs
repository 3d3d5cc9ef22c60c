//! The modeller's vocabulary (lookup tables, lags, `mod`, delays and
//! smoothing, test inputs) against values worked out by hand or in closed
//! form. The models here are deterministic, so every run gives the same
//! value and the checks are exact up to rounding.

use polsim::summary::{self, Summary};

use crate::common::{load_text, simulate};

fn summarize(text: &str) -> Summary {
    let model = load_text(text);
    let mut results = simulate(&model, 64, 1, 0);
    summary::summarize(&model, &mut results, &Default::default())
}

/// The mean of a number outcome, or the chance of a yes/no one (an outcome
/// that reads a yes/no such as `pulse(4, 2)` is a probability); every run
/// has the same value here.
fn value(s: &Summary, name: &str) -> f64 {
    let outcome = s.outcomes.iter().find(|o| o.name == name);
    outcome
        .and_then(|o| o.number.as_ref().map(|n| n.mean))
        .or_else(|| outcome.and_then(|o| o.probability).map(|p| p.p))
        .unwrap_or_else(|| panic!("no outcome `{name}`"))
}

fn assert_near(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-12 * want.abs().max(1.0),
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn a_lookup_interpolates_between_points_and_is_flat_beyond_them() {
    let s = summarize(
        r#"
[scenario]
steps = 6
[lookups]
effect = [[1, 10], [3, 30], [4, 0]]
[derived]
y = "effect(t)"
z = "effect(t - 0.5)"
[outcomes]
y1 = "at(y, 1)"
y2 = "at(y, 2)"
y3 = "at(y, 3)"
y35 = "at(z, 4)"
y6 = "at(y, 6)"
z1 = "at(z, 1)"
"#,
    );
    // Between (1, 10) and (3, 30) the line is 10 + 10 (x - 1); between
    // (3, 30) and (4, 0) it is 30 - 30 (x - 3); flat outside [1, 4].
    for (name, want) in [
        ("y1", 10.0),
        ("y2", 20.0),
        ("y3", 30.0),
        ("y35", 15.0),
        ("y6", 0.0),
        ("z1", 10.0),
    ] {
        assert_near(name, value(&s, name), want);
    }
}

#[test]
fn mod_gives_a_season_that_repeats() {
    let s = summarize(
        r#"
[scenario]
steps = 30
step_unit = "month"
start = "2025-12"
[derived]
month_of_year = "(t - 1) % 12 + 1"
same = "mod(t - 1, 12) + 1"
[outcomes]
m1 = "at(month_of_year, 1)"
m12 = "at(month_of_year, 12)"
m13 = "at(month_of_year, 13)"
m26 = "at(same, 26)"
negative = "-1 % 12"
precedence = "2 * 7 % 4"
"#,
    );
    // Step 1 is January 2026: months 1, 12, then 1 again at step 13; step 26
    // is February 2028. -1 % 12 is 11 (the remainder is never negative);
    // `*` and `%` bind equally, left to right: (2 * 7) % 4 = 2.
    for (name, want) in [
        ("m1", 1.0),
        ("m12", 12.0),
        ("m13", 1.0),
        ("m26", 2.0),
        ("negative", 11.0),
        ("precedence", 2.0),
    ] {
        assert_near(name, value(&s, name), want);
    }
}

#[test]
fn prev_and_delay_fixed_read_earlier_steps() {
    let s = summarize(
        r#"
[scenario]
steps = 8
[state.s]
init = 5
update = "s + 1"
[derived]
d = "10 * t"
prev_s = "prev(s)"
prev_d2 = "prev(d, 2)"
prev_d2_before = "prev(d, 2, -1)"
late = "delay_fixed(d + 1, 3, 7)"
[outcomes]
prev_s_1 = "at(prev_s, 1)"
prev_s_4 = "at(prev_s, 4)"
prev_d2_2 = "at(prev_d2, 2)"
prev_d2_5 = "at(prev_d2, 5)"
before_1 = "at(prev_d2_before, 1)"
late_3 = "at(late, 3)"
late_4 = "at(late, 4)"
late_8 = "at(late, 8)"
"#,
    );
    // In step t the state s reads 5 + (t - 1), so prev(s) reads what s read
    // a step earlier, t + 3, and its initial value 5 in step 1. d is 10 t, so
    // prev(d, 2) is 10 (t - 2) from step 3 and 0 (or the stated -1) before;
    // delay_fixed(d + 1, 3, 7) is 10 (t - 3) + 1 from step 4, 7 before.
    for (name, want) in [
        ("prev_s_1", 5.0),
        ("prev_s_4", 7.0),
        ("prev_d2_2", 0.0),
        ("prev_d2_5", 30.0),
        ("before_1", -1.0),
        ("late_3", 7.0),
        ("late_4", 11.0),
        ("late_8", 51.0),
    ] {
        assert_near(name, value(&s, name), want);
    }
}

/// P(Binomial(n, a) >= 3): the step response of three first-order stages,
/// each moving a fraction a of its gap a step (the third success of n
/// Bernoulli(a) trials).
fn three_stage_response(n: i32, a: f64) -> f64 {
    let below: f64 = (0..3)
        .map(|j| {
            let choose = (0..j).fold(1.0, |c, i| c * f64::from(n - i) / f64::from(i + 1));
            choose * a.powi(j) * (1.0 - a).powi(n - j)
        })
        .sum();
    1.0 - below
}

#[test]
fn smoothing_and_delays_answer_a_step_as_in_closed_form() {
    let s = summarize(
        r#"
[scenario]
steps = 20
[derived]
input = "step(10, 3)"
sm = "smooth(input, 4)"
sm_init = "smooth(input, 4, 2)"
d1 = "delay1(input, 4)"
d3 = "delay3(input, 6)"
s3 = "smooth3(input, 6)"
[outcomes]
sm_3 = "at(sm, 3)"
sm_4 = "at(sm, 4)"
sm_8 = "at(sm, 8)"
sm_20 = "at(sm, 20)"
sm_init_1 = "at(sm_init, 1)"
sm_init_2 = "at(sm_init, 2)"
d1_8 = "at(d1, 8)"
d3_5 = "at(d3, 5)"
d3_6 = "at(d3, 6)"
d3_7 = "at(d3, 7)"
d3_13 = "at(d3, 13)"
s3_13 = "at(s3, 13)"
"#,
    );
    // A step of 10 at step 3. smooth with time 4 starts from the input (0)
    // and closes a quarter of the gap a step, from the input of the step
    // before: 10 (1 - 0.75^n) at step 3 + n (Sterman, Business Dynamics,
    // 2000, ch. 11, in discrete time). With initial value 2 it is 2 at step
    // 1 and 2 + (0 - 2) / 4 = 1.5 at step 2. delay1 has smooth's equations.
    // delay3 with time 6 is three stages of time 2: 10 P(Bin(n, 1/2) >= 3)
    // at step 3 + n; smooth3 has the same equations.
    let smooth = |n: i32| 10.0 * (1.0 - 0.75f64.powi(n));
    let delay3 = |n: i32| 10.0 * three_stage_response(n, 0.5);
    for (name, want) in [
        ("sm_3", 0.0),
        ("sm_4", smooth(1)),
        ("sm_8", smooth(5)),
        ("sm_20", smooth(17)),
        ("sm_init_1", 2.0),
        ("sm_init_2", 1.5),
        ("d1_8", smooth(5)),
        ("d3_5", 0.0),
        ("d3_6", delay3(3)),
        ("d3_7", delay3(4)),
        ("d3_13", delay3(10)),
        ("s3_13", delay3(10)),
    ] {
        assert_near(name, value(&s, name), want);
    }
    // Hand values: 2.5 one step after the step; 1.25 = 10 / 8 three steps after.
    assert_near("sm_4 by hand", value(&s, "sm_4"), 2.5);
    assert_near("d3_6 by hand", value(&s, "d3_6"), 1.25);
}

#[test]
fn trend_of_steady_growth_is_its_rate() {
    let s = summarize(
        r#"
[scenario]
steps = 12
[derived]
x = "100 * 1.05 ^ t"
growth = "trend(x, 4, 0.05)"
[outcomes]
g1 = "at(growth, 1)"
g12 = "at(growth, 12)"
"#,
    );
    // With x growing 5% a step and the average started at x / (1 + 0.05 * 4),
    // the average stays x / 1.2 (A' = A + (x - A) / 4 keeps the ratio), so
    // the trend (x - A) / (4 A) is 0.05 at every step.
    assert_near("g1", value(&s, "g1"), 0.05);
    assert_near("g12", value(&s, "g12"), 0.05);
}

#[test]
fn test_inputs_step_ramp_and_pulse() {
    let s = summarize(
        r#"
[scenario]
steps = 10
[derived]
stepped = "step(2, 3)"
ramped = "ramp(0.5, 2, 6)"
open_ramp = "ramp(1, 3)"
pulsed = "pulse(4, 2)"
blip = "pulse(4)"
[outcomes]
step_2 = "at(stepped, 2)"
step_3 = "at(stepped, 3)"
ramp_1 = "at(ramped, 1)"
ramp_4 = "at(ramped, 4)"
ramp_10 = "at(ramped, 10)"
open_10 = "at(open_ramp, 10)"
pulse_3 = "at(pulsed, 3)"
pulse_4 = "at(pulsed, 4)"
pulse_5 = "at(pulsed, 5)"
pulse_6 = "at(pulsed, 6)"
blip_total = "sum(blip)"
"#,
    );
    // A pulse is 0 or 1 at every step, so reading it is a chance.
    let pulse = s.outcomes.iter().find(|o| o.name == "pulse_4");
    assert_eq!(pulse.map(|o| o.kind), Some("probability"));
    // step: 0 before step 3, 2 from it. ramp(0.5, 2, 6): 0.5 a step from 2
    // to 6, so 1 at step 4 and 2 from step 6. ramp(1, 3): t - 3 after 3.
    // pulse(4, 2): 1 at steps 4 and 5 only; pulse(4): one step.
    for (name, want) in [
        ("step_2", 0.0),
        ("step_3", 2.0),
        ("ramp_1", 0.0),
        ("ramp_4", 1.0),
        ("ramp_10", 2.0),
        ("open_10", 7.0),
        ("pulse_3", 0.0),
        ("pulse_4", 1.0),
        ("pulse_5", 1.0),
        ("pulse_6", 0.0),
        ("blip_total", 1.0),
    ] {
        assert_near(name, value(&s, name), want);
    }
}

#[test]
fn a_smoothing_with_an_initial_value_may_close_a_loop() {
    let s = summarize(
        r#"
[scenario]
steps = 3
[derived]
a = "smooth(b, 2, 0)"
b = "a + 1"
[outcomes]
a_1 = "at(a, 1)"
a_2 = "at(a, 2)"
a_3 = "at(a, 3)"
"#,
    );
    // a starts at 0; b = a + 1; each step a closes half the gap to b:
    // 0, 0 + (1 - 0) / 2 = 0.5, 0.5 + (1.5 - 0.5) / 2 = 1.
    for (name, want) in [("a_1", 0.0), ("a_2", 0.5), ("a_3", 1.0)] {
        assert_near(name, value(&s, name), want);
    }
}

#[test]
fn a_smoothing_time_below_a_step_stops_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("short.toml");
    std::fs::write(
        &file,
        "[scenario]\nsteps = 5\n[parameters]\nlag = \"uniform(0.2, 0.9)\"\n[derived]\nx = \"smooth(t, lag)\"\n[outcomes]\nend = \"x\"\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let ran = crate::common::polsim()
        .args(["run", "--runs", "100", "--no-charts", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .expect("polsim runs");
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert_eq!(ran.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a delay or smoothing time is 0."),
        "{stderr}"
    );
    assert!(stderr.contains("at least 1"), "{stderr}");
}

#[test]
fn a_variable_may_keep_a_name_the_vocabulary_now_uses() {
    let s = summarize(
        r#"
[scenario]
steps = 4
[parameters]
step = 0.5
[derived]
trend = "step * 2"
both = "trend + step(10, 3)"
[outcomes]
both_2 = "at(both, 2)"
both_3 = "at(both, 3)"
"#,
    );
    // `step` and `trend` name variables here (1 = 0.5 * 2); `step(10, 3)` is
    // still the test input, 0 at step 2 and 10 at step 3.
    assert_near("both_2", value(&s, "both_2"), 1.0);
    assert_near("both_3", value(&s, "both_3"), 11.0);
}

#[test]
fn dates_stand_for_the_steps_they_fall_on() {
    let s = summarize(
        r#"
[scenario]
steps = 12
step_unit = "month"
start = "2026-01"
[state.level]
init = 0
update = "level + 1"
[derived]
marked = "t"
[[interventions]]
set = "level"
at = "2026-07"
value = 100
[[interventions]]
set = "marked"
from = "2026-10"
to = "2026-11"
value = -1
[outcomes]
level_june = 'at(level, "2026-06")'
level_july = "at(level, '2026-07')"
level_august = "at(level, '2026-08')"
marked_september = "at(marked, '2026-09')"
marked_october = "at(marked, '2026-10')"
marked_november = "at(marked, '2026-11')"
marked_december = "at(marked, '2026-12')"
"#,
    );
    // Step 0 is January 2026, so June is step 5, July step 6 (where the
    // state is forced to 100 at the end of the step) and August step 7
    // (101). marked is t, forced to -1 in October and November (steps 9, 10).
    for (name, want) in [
        ("level_june", 5.0),
        ("level_july", 100.0),
        ("level_august", 101.0),
        ("marked_september", 8.0),
        ("marked_october", -1.0),
        ("marked_november", -1.0),
        ("marked_december", 11.0),
    ] {
        assert_near(name, value(&s, name), want);
    }
}

#[test]
fn a_title_heads_the_report_and_the_name_still_names_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("titled.toml");
    std::fs::write(
        &file,
        "[scenario]\nname = \"titled\"\ntitle = \"Will the truce hold?\"\nsteps = 3\n[events.e]\np = 0.5\n[outcomes]\nany = \"ever(e)\"\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    crate::common::polsim()
        .args(["run", "--runs", "200", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(html.contains("<h1>Will the truce hold?</h1>"), "{html}");
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.starts_with("# Will the truce hold?"), "{md}");
    let checked = crate::common::polsim()
        .args(["check"])
        .arg(&file)
        .output()
        .expect("polsim check");
    let listing = String::from_utf8_lossy(&checked.stdout);
    assert!(listing.contains("title: Will the truce hold?"), "{listing}");
}

#[test]
fn a_mixture_draws_each_part_with_its_weight() {
    let runs = 40_000u64;
    let model = load_text(
        r#"
[scenario]
steps = 1
[parameters]
pooled = "mixture(0.3, normal(0, 1), 0.7, normal(10, 1))"
[outcomes]
value = "pooled"
low = "pooled < 5"
"#,
    );
    let mut results = simulate(&model, runs, 3, 0);
    let s = summary::summarize(&model, &mut results, &Default::default());
    // Mean 0.3 * 0 + 0.7 * 10 = 7; variance 0.3 + 0.7 (within the parts)
    // + 0.3 * 0.7 * 10^2 (between them) = 22. The first part lies below 5
    // and the second above it (but for 3e-7 of its mass): P(low) = 0.3.
    let mean = value(&s, "value");
    let se = (22.0 / runs as f64).sqrt();
    assert!(
        (mean - 7.0).abs() <= 5.0 * se,
        "mean {mean}, want 7 ± 5 × {se}"
    );
    let low = s
        .outcomes
        .iter()
        .find(|o| o.name == "low")
        .and_then(|o| o.probability)
        .expect("low")
        .p;
    let se = (0.21 / runs as f64).sqrt();
    assert!(
        (low - 0.3).abs() <= 5.0 * se,
        "P(low) {low}, want 0.3 ± 5 × {se}"
    );
}

#[test]
fn exclusive_outcomes_share_one_random_number() {
    let runs = 40_000u64;
    let model = load_text(
        r#"
[scenario]
steps = 12
[events.talks]
outcomes = { deal = 0.1, breakdown = 0.05 }
once = true
[events.clashes]
outcomes = { small = 0.3, large = "0.1" }
[outcomes]
deal = "ever(deal)"
breakdown = "ever(breakdown)"
both = "ever(deal) and ever(breakdown)"
still_open = "talks == 0"
ended_in_deal = "talks == 1"
small_clashes = "count(small)"
small_and_large = "count(small and large)"
"#,
    );
    let mut results = simulate(&model, runs, 5, 0);
    let s = summary::summarize(&model, &mut results, &Default::default());
    let p = |name: &str| {
        s.outcomes
            .iter()
            .find(|o| o.name == name)
            .and_then(|o| o.probability)
            .unwrap_or_else(|| panic!("{name}"))
            .p
    };
    let check = |name: &str, want: f64| {
        let got = p(name);
        let se = (want * (1.0 - want) / runs as f64).sqrt().max(1e-9);
        assert!(
            (got - want).abs() <= 5.0 * se,
            "{name}: {got}, want {want} ± 5 × {se}"
        );
    };
    // Talks go on with chance 0.85 a month and, when they end, end in a deal
    // with chance 0.1 / 0.15: P(deal within 12) = (0.1 / 0.15)(1 - 0.85^12).
    let ended = 1.0 - 0.85f64.powi(12);
    check("deal", 0.1 / 0.15 * ended);
    check("breakdown", 0.05 / 0.15 * ended);
    check("still_open", 0.85f64.powi(12));
    check("ended_in_deal", 0.1 / 0.15 * ended);
    // The outcomes exclude each other: never both, in any run or step.
    assert_eq!(p("both"), 0.0);
    assert_eq!(value(&s, "small_and_large"), 0.0);
    // Repeating outcomes: 12 steps of chance 0.3 give 3.6 small clashes.
    let small = value(&s, "small_clashes");
    let se = (12.0 * 0.3 * 0.7 / runs as f64).sqrt();
    assert!((small - 3.6).abs() <= 5.0 * se, "small clashes {small}");
}

/// Spearman's rank correlation of two columns (no ties: continuous draws).
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let ranks = |v: &[f64]| {
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        for (k, &i) in order.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let cov: f64 = rx
        .iter()
        .zip(&ry)
        .map(|(a, b)| (a - mean) * (b - mean))
        .sum();
    let var: f64 = rx.iter().map(|a| (a - mean) * (a - mean)).sum();
    cov / var
}

/// The parameter columns of runs.csv after `polsim run --runs-csv`.
fn drawn(text: &str, runs: u64, columns: &[&str]) -> Vec<Vec<f64>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("correlated.toml");
    std::fs::write(&file, text).expect("write");
    let out = dir.path().join("out");
    crate::common::polsim()
        .args([
            "run",
            "--runs",
            &runs.to_string(),
            "--runs-csv",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("runs.csv")).expect("runs.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let index: Vec<usize> = columns
        .iter()
        .map(|c| header.iter().position(|h| h == c).expect("column"))
        .collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|x| x.parse().expect("number")).collect())
        .collect();
    index
        .iter()
        .map(|&i| rows.iter().map(|r| r[i]).collect())
        .collect()
}

const CORRELATED: &str = r#"
[scenario]
steps = 1
seed = 4
[parameters]
a = "normal(0, 1)"
b = "beta(2, 5)"
c = "uniform(0, 10)"
d = "pert(1, 2, 4)"
[[correlations]]
between = ["a", "b"]
rank = 0.6
[[correlations]]
between = ["b", "c"]
rank = -0.3
[outcomes]
total = "a + b + c + d"
"#;

#[test]
fn correlated_parameters_have_the_rank_correlations_asked_for() {
    let runs = 20_000;
    let cols = drawn(CORRELATED, runs, &["a", "b", "c", "d"]);
    // The Spearman correlation of n draws has a standard error of about
    // (1 - r^2) / sqrt(n) (Fieller, Hartley and Pearson, Biometrika 1957);
    // five of them is the tolerance. a and c are given no correlation (0 in
    // the copula's matrix), and d is outside the copula: both near 0.
    let n = runs as f64;
    for (i, j, want) in [
        (0, 1, 0.6),
        (1, 2, -0.3),
        (0, 2, 0.0),
        (0, 3, 0.0),
        (1, 3, 0.0),
    ] {
        let got = spearman(&cols[i], &cols[j]);
        let se = (1.0 - want * want) / n.sqrt();
        assert!(
            (got - want).abs() <= 5.0 * se,
            "columns {i}, {j}: Spearman {got}, want {want} ± 5 × {se}"
        );
    }
}

#[test]
fn a_variant_of_an_uncorrelated_parameter_keeps_the_correlated_draws() {
    let base = drawn(CORRELATED, 500, &["a", "b", "c"]);
    let variant = CORRELATED.replace("d = \"pert(1, 2, 4)\"", "d = \"uniform(5, 6)\"");
    let changed = drawn(&variant, 500, &["a", "b", "c"]);
    assert_eq!(
        base, changed,
        "the correlated parameters' draws changed run by run"
    );
}
