//! The engine against closed-form answers, and its reproducibility.
//!
//! Every statistical check uses a fixed seed and a tolerance of `Z` Monte
//! Carlo standard errors around a reference value worked out in the comment
//! beside it. With a fixed seed the tests are deterministic; `Z = 5` puts the
//! threshold so far in the tail (two-sided p about 6e-7) that a correct
//! engine would fail with a new seed less than once in a million tries.

use polsim::engine::exec::{BatchRecord, Workspace};
use polsim::engine::{self, Rows, RunOptions, SimError, compile::compile};
use polsim::output::tables;
use polsim::summary::{self, Summary};

use crate::common::{load_text, simulate};

const Z: f64 = 5.0;

fn summarize(text: &str, runs: u64, seed: u64) -> Summary {
    let model = load_text(text);
    let mut results = simulate(&model, runs, seed, 0);
    summary::summarize(&model, &mut results, &Default::default())
}

fn probability(s: &Summary, name: &str) -> polsim::summary::Estimate {
    s.outcomes
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| o.probability)
        .expect(name)
}

fn number(s: &Summary, name: &str) -> polsim::summary::NumberStats {
    s.outcomes
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| o.number.clone())
        .expect(name)
}

fn assert_close(what: &str, got: f64, want: f64, se: f64) {
    assert!(
        (got - want).abs() <= Z * se,
        "{what}: got {got}, want {want} ± {Z}×{se} (off by {:.1} SE)",
        (got - want).abs() / se
    );
}

const EVENTS: &str = r#"
[scenario]
steps = 24
[events.once_event]
p = 0.05
once = true
[events.repeating]
p = 0.2
[events.counted]
rate = 0.3
[outcomes]
ever_once = "ever(once_event)"
once_by_12 = "first(once_event) <= 12"
repeats = "count(repeating)"
counts = "count(counted)"
first_once = "first(once_event)"
"#;

#[test]
fn once_event_probability_matches_closed_form() {
    let runs = 40_000;
    let s = summarize(EVENTS, runs, 11);
    // P(ever within n steps) = 1 - (1 - p)^n with p = 0.05, n = 24: 0.708011...
    let want = 1.0 - 0.95f64.powi(24);
    let se = (want * (1.0 - want) / runs as f64).sqrt();
    assert_close("P(ever)", probability(&s, "ever_once").p, want, se);
    // within 12 steps: 1 - 0.95^12 = 0.459640...
    let want12 = 1.0 - 0.95f64.powi(12);
    let se12 = (want12 * (1.0 - want12) / runs as f64).sqrt();
    assert_close(
        "P(first <= 12)",
        probability(&s, "once_by_12").p,
        want12,
        se12,
    );
    // The first step, given it happened, is a truncated geometric:
    // E[T | T <= n] = sum_{k=1..n} k p q^(k-1) / (1 - q^n).
    let (p, q) = (0.05f64, 0.95f64);
    let mean_first: f64 =
        (1..=24).map(|k| k as f64 * p * q.powi(k - 1)).sum::<f64>() / (1.0 - q.powi(24));
    let n = number(&s, "first_once");
    assert_eq!(
        n.n + n.none,
        runs,
        "every run either has a first step or none"
    );
    assert_close("E[first | happened]", n.mean, mean_first, n.mcse);
}

#[test]
fn repeating_event_count_is_binomial() {
    let runs = 40_000;
    let s = summarize(EVENTS, runs, 12);
    // count ~ Binomial(24, 0.2): mean np = 4.8, variance np(1-p) = 3.84.
    let (mean, var) = (4.8, 3.84);
    let c = number(&s, "repeats");
    assert_close("mean count", c.mean, mean, (var / runs as f64).sqrt());
    // SE of a sample variance: sqrt((mu4 - sigma^4) / n), with the binomial's
    // fourth central moment mu4 = npq(1 + 3(n-2)pq) = 44.3904.
    let mu4 = 3.84 * (1.0 + 3.0 * 22.0 * 0.16);
    assert_close(
        "variance of count",
        c.sd * c.sd,
        var,
        ((mu4 - var * var) / runs as f64).sqrt(),
    );
}

#[test]
fn count_event_total_is_poisson() {
    let runs = 40_000;
    let s = summarize(EVENTS, runs, 13);
    // A sum of 24 Poisson(0.3) counts is Poisson(7.2): mean = variance = 7.2,
    // fourth central moment lambda(1 + 3 lambda).
    let lambda: f64 = 7.2;
    let c = number(&s, "counts");
    assert_close("mean total", c.mean, lambda, (lambda / runs as f64).sqrt());
    let mu4 = lambda * (1.0 + 3.0 * lambda);
    assert_close(
        "variance of total",
        c.sd * c.sd,
        lambda,
        ((mu4 - lambda * lambda) / runs as f64).sqrt(),
    );
}

#[test]
fn random_walk_variance_grows_linearly() {
    let text = r#"
[scenario]
steps = 24
[state.walk]
init = 0
update = "walk + normal(0, 1)"
[outcomes]
final = "walk"
"#;
    let runs = 20_000;
    let s = summarize(text, runs, 14);
    let series = &s.series[0];
    for t in [1usize, 6, 12, 24] {
        let st = &series.steps[t].stats;
        // Var(walk_t) = t; the SE of a normal sample variance is sigma^2 sqrt(2/(n-1)).
        let want = t as f64;
        let se = want * (2.0 / (runs as f64 - 1.0)).sqrt();
        assert_close(&format!("Var(walk_{t})"), st.sd * st.sd, want, se);
        assert_close(
            &format!("E[walk_{t}]"),
            st.mean,
            0.0,
            (want / runs as f64).sqrt(),
        );
    }
    assert_eq!(
        series.steps[0].stats.sd, 0.0,
        "the walk starts at exactly 0"
    );
}

#[test]
fn parameters_feed_states_with_bounds_and_feedback() {
    // A hard bound: x' = min(1, x + 0.125) reaches 1 at step 8 (0.125 is exact in binary).
    let text = r#"
[scenario]
steps = 15
[parameters]
step = "uniform(0.125, 0.125)"
[state.x]
init = 0
update = "x + step"
max = 1
[outcomes]
final = "x"
peak_step = "first(x >= 1)"
mean_x = "mean(x)"
"#;
    let s = summarize(text, 1_000, 1);
    let f = number(&s, "final");
    assert_eq!((f.min, f.max), (1.0, 1.0), "bounded at 1");
    let peak = number(&s, "peak_step");
    assert_eq!(peak.mean, 8.0, "x reaches 1 at step 8");
    // mean over steps 1..15 of min(1, 0.125 t) = (0.125 * (1 + ... + 8) + 7) / 15 = 11.5 / 15
    let m = number(&s, "mean_x");
    assert!(
        (m.mean - 11.5 / 15.0).abs() < 1e-12,
        "mean over time {}",
        m.mean
    );
}

#[test]
fn interventions_force_events_and_values() {
    let text = r#"
[scenario]
steps = 12
[events.attack]
p = 0
once = true
[state.level]
init = 5
update = "level + 1"
[[interventions]]
set = "attack"
at = 3
value = 1
[[interventions]]
set = "level"
from = 6
to = 8
value = 0
[outcomes]
attack_step = "first(attack)"
attacked = "ever(attack)"
level_at_8 = "at(level, 8)"
final = "level"
"#;
    let s = summarize(text, 500, 3);
    assert_eq!(number(&s, "attack_step").mean, 3.0);
    assert_eq!(probability(&s, "attacked").p, 1.0);
    // forced to 0 at steps 6..8, then +1 per step for 4 steps
    assert_eq!(number(&s, "level_at_8").mean, 0.0);
    assert_eq!(number(&s, "final").mean, 4.0);
}

#[test]
fn results_are_identical_on_any_number_of_threads() {
    let model = load_text(EVENTS);
    let bytes = |threads: usize| {
        let mut results = simulate(&model, 5_000, 99, threads);
        let s = summary::summarize(&model, &mut results, &Default::default());
        (tables::summary_json(&s), tables::timeseries_csv(&s))
    };
    let one = bytes(1);
    assert_eq!(one, bytes(2), "2 threads");
    assert_eq!(one, bytes(4), "4 threads");
}

#[test]
fn a_run_depends_only_on_seed_and_index() {
    // Runs 100..105 computed alone equal the same runs computed in a full batch.
    let model = load_text(EVENTS);
    let program = compile(&model, None);
    let mut ws = Workspace::new(&program);
    let mut full = BatchRecord::new(&program, true);
    ws.run_batch(&program, 7, 64, 64, None, &mut full).unwrap();
    let mut alone = BatchRecord::new(&program, true);
    ws.run_batch(&program, 7, 100, 5, None, &mut alone).unwrap();
    for o in 0..program.outcomes.len() {
        for lane in 0..5 {
            let (a, b) = (alone.outcomes[o][lane], full.outcomes[o][36 + lane]);
            assert!(
                a == b || (a.is_nan() && b.is_nan()),
                "outcome {o} run {}: {a} vs {b}",
                100 + lane
            );
        }
    }
}

fn rows(text: &str, runs: u64, seed: u64) -> Rows {
    let model = load_text(text);
    let program = compile(&model, None);
    let options = RunOptions {
        runs,
        seed,
        threads: 0,
        rows: true,
    };
    let mut all = Rows::default();
    engine::simulate(
        &model,
        &program,
        &options,
        None,
        &|_| {},
        &mut |r: &Rows| {
            if all.outcomes.is_empty() {
                all.outcomes = vec![Vec::new(); r.outcomes.len()];
            }
            for (a, b) in all.outcomes.iter_mut().zip(&r.outcomes) {
                a.extend_from_slice(b);
            }
            Ok(())
        },
    )
    .unwrap();
    all
}

#[test]
fn changing_one_variable_keeps_the_others_draws() {
    // Common random numbers: raising one event's chance leaves every draw of
    // the other event, run by run, exactly as it was.
    let base = r#"
[scenario]
steps = 12
[events.a]
p = 0.1
[events.b]
p = 0.3
[outcomes]
a_count = "count(a)"
b_count = "count(b)"
"#;
    let variant = base.replace("p = 0.1", "p = 0.4");
    let (x, y) = (rows(base, 3_000, 5), rows(&variant, 3_000, 5));
    assert_eq!(
        x.outcomes[1], y.outcomes[1],
        "b's counts are unchanged run by run"
    );
    assert_ne!(x.outcomes[0], y.outcomes[0], "a's counts changed");
    // and with 4x the chance, a happens at least as often in every run (same uniforms)
    assert!(
        x.outcomes[0]
            .iter()
            .zip(&y.outcomes[0])
            .all(|(lo, hi)| lo <= hi)
    );
}

#[test]
fn a_probability_out_of_range_stops_the_run_reproducibly() {
    let text = r#"
[scenario]
steps = 12
[parameters]
scale = "uniform(0.05, 0.2)"
[events.spike]
p = "scale * t"
[outcomes]
n = "count(spike)"
"#;
    let model = load_text(text);
    let program = compile(&model, None);
    let options = RunOptions {
        runs: 2_000,
        seed: 3,
        threads: 0,
        rows: false,
    };
    let run = || match engine::simulate(&model, &program, &options, None, &|_| {}, &mut |_| Ok(()))
    {
        Err(SimError::Run(e)) => *e,
        other => panic!("expected a run error, got {:?}", other.map(|r| r.runs)),
    };
    let e = run();
    assert_eq!(e.name, "spike");
    assert!(e.step >= 5 && e.step <= 12, "step {}", e.step);
    assert!(e.message.contains("outside [0, 1]"), "{}", e.message);
    assert!(
        e.inputs
            .iter()
            .any(|(n, v)| n == "scale" && *v * f64::from(e.step) > 1.0),
        "{:?}",
        e.inputs
    );
    assert_eq!(e, run(), "the same seed gives the same error");
}

#[test]
fn count_events_keep_common_random_numbers() {
    // A count event uses one uniform per step (inversion), so raising its rate
    // never lowers a run's count, and the next event's draws are untouched.
    let base = r#"
[scenario]
steps = 12
[events.a]
rate = 0.5
[events.b]
rate = 1.5
[outcomes]
a_total = "count(a)"
b_total = "count(b)"
"#;
    let variant = base.replace("rate = 0.5", "rate = 0.9");
    let (x, y) = (rows(base, 3_000, 6), rows(&variant, 3_000, 6));
    assert_eq!(
        x.outcomes[1], y.outcomes[1],
        "b's counts are unchanged run by run"
    );
    assert!(
        x.outcomes[0]
            .iter()
            .zip(&y.outcomes[0])
            .all(|(lo, hi)| lo <= hi),
        "monotone coupling"
    );
    assert!(x.outcomes[0] != y.outcomes[0]);
}

#[test]
fn state_interventions_read_last_steps_values() {
    // Freezing a state: from step 2 to 4, x takes last step's x (1), then
    // grows again: final x at step 5 is 2, and x at step 3 is 1.
    let freeze = r#"
[scenario]
steps = 5
[state.x]
init = 0
update = "x + 1"
[[interventions]]
set = "x"
from = 2
to = 4
value = "x"
[outcomes]
final = "x"
at3 = "at(x, 3)"
"#;
    let s = summarize(freeze, 64, 1);
    assert_eq!(number(&s, "final").mean, 2.0);
    assert_eq!(number(&s, "at3").mean, 1.0);
    // value = last step's x + 100 at every step: 100, 200, 300.
    let add = freeze
        .replace("value = \"x\"", "value = \"x + 100\"")
        .replace("from = 2\nto = 4", "from = 1");
    let s = summarize(&add.replace("steps = 5", "steps = 3"), 64, 1);
    assert_eq!(number(&s, "final").mean, 300.0);
}

#[test]
fn initial_interventions_see_every_initial_value() {
    // y is forced at step 0 to x's initial value, although x is declared
    // after y: in every run, of every batch, y equals x.
    let text = r#"
[scenario]
steps = 1
[parameters]
start = "uniform(0, 1)"
[state.y]
init = 10
update = "y"
[state.x]
init = "start"
update = "x"
[[interventions]]
set = "y"
at = 0
value = "max(x, 0)"
[outcomes]
same = "y == x"
"#;
    let s = summarize(text, 200, 4);
    assert_eq!(probability(&s, "same").p, 1.0);
}

#[test]
fn a_yes_no_event_forced_with_a_varying_value_stays_yes_no() {
    let text = r#"
[scenario]
steps = 6
[parameters]
u = "uniform(0.2, 1)"
[events.e]
p = 0
[[interventions]]
set = "e"
at = 2
value = "u"
[outcomes]
n = "count(e)"
"#;
    let s = summarize(text, 300, 5);
    let n = number(&s, "n");
    assert_eq!((n.min, n.max), (1.0, 1.0), "forced once, counted once");
}

/// A yes/no state read by an outcome is reported as a chance with its
/// Wilson interval. Reference: the state closes the first month the event
/// happens (10% a month, independently), so it is still open after 12
/// months with probability 0.9^12 = 0.28243.
#[test]
fn a_yes_no_state_outcome_is_a_chance_with_a_wilson_interval() {
    let text = r#"
[scenario]
steps = 12
[events.e]
p = 0.1
[state.open]
init = 1
update = "if(e, 0, open)"
[outcomes]
still_open = "open"
"#;
    let runs = 20_000;
    let s = summarize(text, runs, 11);
    let o = s
        .outcomes
        .iter()
        .find(|o| o.name == "still_open")
        .expect("outcome");
    assert_eq!(o.kind, "probability");
    assert!(o.number.is_none(), "a chance, not a number");
    let p = probability(&s, "still_open");
    let want = 0.9f64.powi(12);
    // Six MCSEs: far in the tail of the estimate's sampling distribution.
    assert!((p.p - want).abs() < 6.0 * p.mcse, "{} vs {want}", p.p);
    let (lo, hi) =
        polsim::stats::wilson_interval(p.successes, p.trials, polsim::stats::z_for_level(0.95));
    assert_eq!((p.lo, p.hi), (lo, hi));
    assert_eq!(p.trials, runs);
}

#[test]
fn a_count_rate_too_large_to_draw_stops_the_run() {
    let model = load_text(
        "[scenario]\nsteps = 2\n[parameters]\nk = \"uniform(1e20, 2e20)\"\n[events.e]\nrate = \"k\"\n[outcomes]\nn = \"count(e)\"\n",
    );
    let program = compile(&model, None);
    let options = RunOptions {
        runs: 100,
        seed: 1,
        threads: 1,
        rows: false,
    };
    match engine::simulate(&model, &program, &options, None, &|_| {}, &mut |_| Ok(())) {
        Err(SimError::Run(e)) => assert!(e.message.contains("too large"), "{}", e.message),
        other => panic!("expected a run error, got {:?}", other.map(|r| r.runs)),
    }
}

/// Runs without a condition add their per-step statistics straight from the
/// slots; runs with one go through the full per-batch record. A condition
/// that keeps every run must give the same statistics, bit for bit.
#[test]
fn step_by_step_statistics_equal_the_recorded_path() {
    let text = format!(
        "{EVENTS}\n[state.level]\ninit = \"uniform(0, 1)\"\nupdate = \"level * 0.9 + counted + normal(0, 0.1)\"\n[derived.double]\nexpr = \"2 * level\"\n"
    );
    let model = load_text(&text);
    let always = polsim::scenario::parse_extra(&model, "--given", "1").unwrap();
    let options = RunOptions {
        runs: 3000,
        seed: 17,
        threads: 1,
        rows: false,
    };
    let run = |condition: Option<&polsim::scenario::MExpr>| {
        let program = compile(&model, condition);
        let mut results =
            engine::simulate(&model, &program, &options, None, &|_| {}, &mut |_| Ok(())).unwrap();
        let s = summary::summarize(&model, &mut results, &Default::default());
        String::from_utf8(tables::timeseries_csv(&s)).unwrap()
    };
    let direct = run(None);
    assert!(
        direct.contains("level") && direct.contains("double"),
        "{direct}"
    );
    assert_eq!(direct, run(Some(&always)));
}

/// Sums and differences compile to one fused op (`Op::Lin`) and constant
/// operands to `Op::BinConst`; both must give the same bits as evaluating
/// the expression tree as written, left to right.
#[test]
fn fused_arithmetic_gives_the_bits_of_the_tree() {
    let model = load_text(
        r#"
[scenario]
steps = 1
[parameters]
a = { dist = "uniform(-1, 1)" }
b = { dist = "normal(0, 3)" }
c = { dist = "lognormal(0, 1)" }
[outcomes]
chain = "a - 0.3 * b + c * 2 - (-a) + 0.1 * (b - c) - 7"
consts = "(1 - a) / 3 + 2 * b * c - (c - 0.5) * 4"
"#,
    );
    let program = compile(&model, None);
    assert!(
        program
            .finish
            .iter()
            .any(|op| matches!(op, polsim::engine::program::Op::Lin { .. })),
        "{:?}",
        program.finish
    );
    let options = RunOptions {
        runs: 500,
        seed: 3,
        threads: 1,
        rows: true,
    };
    let mut checked = 0;
    engine::simulate(
        &model,
        &program,
        &options,
        None,
        &|_| {},
        &mut |rows: &Rows| {
            for i in 0..rows.len() {
                let (a, b, c) = (rows.params[0][i], rows.params[1][i], rows.params[2][i]);
                let chain = a - 0.3 * b + c * 2.0 - (-a) + 0.1 * (b - c) - 7.0;
                let consts = (1.0 - a) / 3.0 + 2.0 * b * c - (c - 0.5) * 4.0;
                assert_eq!(rows.outcomes[0][i].to_bits(), chain.to_bits(), "run {i}");
                assert_eq!(rows.outcomes[1][i].to_bits(), consts.to_bits(), "run {i}");
                checked += 1;
            }
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(checked, 500);
}

/// A subexpression shared by two variables is computed once per step; a
/// forced value must not leak into the other variable through that sharing,
/// and an expression reading the forced variable must see the forced value.
#[test]
fn shared_subexpressions_respect_interventions() {
    let s = summarize(
        r#"
[scenario]
steps = 6
[state.level]
init = 0.5
update = "level * 0.9 + 0.02"
[derived.a]
expr = "clamp(level * 0.5 + 0.1, 0, 1)"
[derived.b]
expr = "clamp(level * 0.5 + 0.1, 0, 1)"
[derived.c]
expr = "a * 2 + 0"
[[interventions]]
set = "a"
from = 1
value = 0.9
[outcomes]
final_a = "at(a, 6)"
final_b = "at(b, 6)"
final_c = "at(c, 6)"
"#,
        10,
        1,
    );
    // level at step 5 (b at step 6 reads it): 0.9^5 * 0.5 + 0.02 * (1 - 0.9^5) / 0.1
    let level5 = 0.9f64.powi(5) * 0.5 + 0.2 * (1.0 - 0.9f64.powi(5));
    assert!((number(&s, "final_a").mean - 0.9).abs() < 1e-12);
    assert!((number(&s, "final_b").mean - (level5 * 0.5 + 0.1)).abs() < 1e-12);
    assert!((number(&s, "final_c").mean - 1.8).abs() < 1e-12);
}

/// A model whose time series hold more values than their budget (20 states
/// over 1000 steps keep quantiles at every third step, from the first 2,388
/// runs: fewer than the usual 10,000), so at 3,000 runs their quantiles come
/// from a prefix of the runs.
fn long_walks() -> String {
    let mut text = String::from(
        "[scenario]\nsteps = 1000\n[state.walk]\ninit = 0\nupdate = \"walk + normal(0, 1)\"\n\
         [state.steps_up]\ninit = 0\nupdate = \"steps_up + ceil(uniform(0, 3))\"\n",
    );
    for i in 0..18 {
        text.push_str(&format!(
            "[state.flat{i}]\ninit = {i}\nupdate = \"flat{i}\"\n"
        ));
    }
    text.push_str("[outcomes]\nwalk_end = \"walk\"\nsteps_up_end = \"steps_up\"\n");
    text
}

/// The quantiles of `series` at its last step against those of `outcome`,
/// the same values held exactly: within `share` times sd / sqrt(n), or,
/// without a share, the same bits and marked exact. Every run counts.
fn last_step_matches_outcome(
    s: &summary::Summary,
    series: &str,
    outcome: &str,
    share: Option<f64>,
) {
    let want = number(s, outcome);
    let got = &s
        .series
        .iter()
        .find(|v| v.name == series)
        .expect(series)
        .steps
        .last()
        .expect("steps")
        .stats;
    assert_eq!(got.n, want.n, "{series}: every run");
    for (g, w) in [got.p5, got.p25, got.p50, got.p75, got.p95]
        .into_iter()
        .zip([want.p5, want.p25, want.p50, want.p75, want.p95])
    {
        match share {
            Some(k) => {
                let tolerance = k * want.sd / (want.n as f64).sqrt();
                assert!((g - w).abs() < tolerance, "{series}: {g} vs {w}");
            }
            None => assert_eq!(g.to_bits(), w.to_bits(), "{series}: {g} vs {w}"),
        }
    }
    assert_eq!(got.exact_quantiles, share.is_none(), "{series}");
}

/// Scenarios simulated together (a comparison of many variants) share the
/// pilot's budget: fifteen models of 10 variables over 24 steps hold no
/// more pilot values than one alone may, in whole chunks, where one alone
/// keeps the whole first block.
#[test]
fn scenarios_simulated_together_share_the_pilot_budget() {
    use polsim::engine::results::{SERIES_PILOT_RUNS, SERIES_VALUE_BUDGET, SeriesPlan};
    let kept = 10 * (24 + 2);
    let alone = SeriesPlan::new(10, 24, 1);
    assert_eq!(alone.runs, SERIES_PILOT_RUNS);
    let together = SeriesPlan::new(10, 24, 15);
    assert!(together.runs < alone.runs);
    assert!(15 * kept * together.runs as usize <= SERIES_VALUE_BUDGET);
    assert_eq!(together.runs % polsim::engine::CHUNK_RUNS, 0);
    assert!(together.runs >= polsim::engine::CHUNK_RUNS);
}

/// A long horizon keeps quantiles at every k-th step, and past its pilot
/// (shortened here by the budget) counts every run in brackets. The
/// reference: the same final values as outcomes (the same run indices give
/// the same values), every value held (type-7 quantiles). The count
/// `steps_up` is whole-numbered, so its quantiles are exact; the walk's
/// are read inside cells holding about one value each, within a quarter
/// of sd / sqrt(n) (the median's Monte Carlo error is 1.25 times that).
#[test]
fn long_horizons_keep_series_quantiles_at_a_stride_over_every_run() {
    let model = load_text(&long_walks());
    let plan = polsim::engine::results::SeriesPlan::new(20, 1000, 1);
    assert_eq!(plan.stride, 3);
    let runs = 3000;
    assert!(plan.runs < runs, "the budget must bind: {}", plan.runs);
    let mut results = simulate(&model, runs, 5, 1);
    let s = summary::summarize(&model, &mut results, &Default::default());
    last_step_matches_outcome(&s, "walk", "walk_end", Some(0.25));
    last_step_matches_outcome(&s, "steps_up", "steps_up_end", None);
    let walk = s.series.iter().find(|x| x.name == "walk").expect("walk");
    assert!(
        walk.steps[1].stats.p50.is_nan(),
        "no quantiles off the stride"
    );
    assert!(walk.steps[3].stats.p50.is_finite());
    assert!(walk.steps[1].stats.mean.is_finite(), "means at every step");
    // The same bytes on two threads.
    let mut two = simulate(&model, runs, 5, 2);
    let b = summary::summarize(&model, &mut two, &Default::default());
    assert_eq!(tables::timeseries_csv(&s), tables::timeseries_csv(&b));
}

/// Past 2^20 runs an outcome's values go to a sketch; the engine runs the
/// runs again to find the exact quantiles. The reference is every run's
/// value, collected from the per-run rows and sorted (type 7).
#[test]
fn outcome_quantiles_stay_exact_past_the_exact_cap() {
    let text = "[scenario]\nsteps = 3\n[parameters.x]\ndist = \"normal(-5, 1)\"\n\
                [events.hit]\np = 0.4\n[outcomes]\nlevel = \"x\"\nhits = \"count(hit)\"\n";
    let model = load_text(text);
    let program = compile(&model, None);
    let runs = polsim::engine::results::OUTCOME_EXACT_CAP as u64 + 50_000;
    let mut all: Vec<Vec<f64>> = vec![Vec::new(); 2];
    let go = |threads: usize, all: &mut Vec<Vec<f64>>| {
        let options = RunOptions {
            runs,
            seed: 9,
            threads,
            rows: true,
        };
        let mut results = engine::simulate(
            &model,
            &program,
            &options,
            None,
            &|_| {},
            &mut |r: &Rows| {
                for (col, values) in all.iter_mut().zip(&r.outcomes) {
                    col.extend_from_slice(values);
                }
                Ok(())
            },
        )
        .expect("runs");
        summary::summarize(&model, &mut results, &Default::default())
    };
    let s = go(1, &mut all);
    for (name, values) in ["level", "hits"].iter().zip(&all) {
        let mut q = polsim::stats::Quantiles::new(values.len());
        q.add_slice(values);
        let want = q.quantiles(&summary::PROBS);
        let got = number(&s, name);
        assert!(got.exact_quantiles, "{name}");
        for (g, w) in [got.p5, got.p25, got.p50, got.p75, got.p95]
            .into_iter()
            .zip(want)
        {
            assert_eq!(g.to_bits(), w.to_bits(), "{name}: {g} vs {w}");
        }
    }
    // Counts over 3 steps are whole numbers: so are their quantiles.
    let hits = number(&s, "hits");
    assert_eq!(hits.p50.fract(), 0.0);
    let mut none = Vec::new();
    let two = go(2, &mut none);
    assert_eq!(tables::summary_csv(&s), tables::summary_csv(&two));
}

/// Quantiles at 10^4, 10^6 and 3 x 10^6 runs (the last past the exact cap,
/// so refined): within 5 standard errors of the true quantiles of
/// normal(-5, 1) (z_0.05 = -1.6449, z_0.25 = -0.6745; the standard error of
/// the p-quantile is sqrt(p(1 - p) / n) / density), and whole numbers for a
/// count (binomial(3, 0.4): P(0) = 0.216, P(<= 1) = 0.648, P(<= 2) = 0.936,
/// so p5 = 0, median = 1, p95 = 3).
#[test]
fn quantiles_are_right_at_every_run_count() {
    let text = "[scenario]\nsteps = 3\n[parameters.x]\ndist = \"normal(-5, 1)\"\n\
                [events.hit]\np = 0.4\n[outcomes]\nlevel = \"x\"\nhits = \"count(hit)\"\n";
    let density = |z: f64| (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    for runs in [10_000u64, 1_000_000, 3_000_000] {
        let s = summarize(text, runs, 21);
        let level = number(&s, "level");
        assert!(level.exact_quantiles, "{runs} runs");
        for (p, z, got) in [
            (0.05, -1.6449, level.p5),
            (0.25, -0.6745, level.p25),
            (0.5, 0.0, level.p50),
            (0.75, 0.6745, level.p75),
            (0.95, 1.6449, level.p95),
        ] {
            let se = (p * (1.0 - p) / runs as f64).sqrt() / density(z);
            assert_close(&format!("p{p} at {runs} runs"), got, -5.0 + z, se);
        }
        let hits = number(&s, "hits");
        assert_eq!(
            (hits.p5, hits.p50, hits.p95),
            (0.0, 1.0, 3.0),
            "{runs} runs"
        );
    }
}

/// Past the pilot (16,384 runs) the time series count every run in the
/// brackets the pilot fixed. The reference is each state's value at the
/// last step taken as an outcome: its quantiles hold every run's value
/// exactly (type 7). The count `k` is whole-numbered, so its quantiles are
/// exact; the walk's are read inside cells of about n / 16,384 = 3.7 values,
/// a rank error of a few values, about 1e-4 sd; the bound asked, a tenth of
/// sd / sqrt(n), is below the median's Monte Carlo error (1.25 sd / sqrt(n))
/// by a factor of 12.
#[test]
fn series_quantiles_past_the_pilot_use_every_run() {
    let model = load_text(
        "[scenario]\nsteps = 6\n[state.x]\ninit = 0\nupdate = \"x + normal(0, 1)\"\n\
         [state.k]\ninit = 0\nupdate = \"k + (uniform(0, 1) < 0.3)\"\n\
         [outcomes]\nx_end = { expr = \"x\", kind = \"number\" }\nk_end = \"k\"\n",
    );
    let runs = 60_000;
    let mut results = simulate(&model, runs, 3, 1);
    assert!(results.brackets.is_some(), "past the pilot");
    let s = summary::summarize(&model, &mut results, &Default::default());
    last_step_matches_outcome(&s, "x", "x_end", Some(0.1));
    last_step_matches_outcome(&s, "k", "k_end", None);
    let mut two = simulate(&model, runs, 3, 2);
    let b = summary::summarize(&model, &mut two, &Default::default());
    assert_eq!(tables::timeseries_csv(&s), tables::timeseries_csv(&b));
}
