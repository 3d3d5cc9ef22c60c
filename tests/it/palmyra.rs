//! The bundled Palmyra model behaves as the article argues.
//!
//! Each behavioural test is a paired comparison: the baseline and a variant
//! (or two `--set` overrides) are simulated with the same seed and the same
//! runs, so every variable shares its random numbers run by run (common
//! random numbers) and the per-run differences are tight. A test asserts
//! that the mean difference lies in the direction the article implies and is
//! more than five standard errors from zero. The standard error is that of
//! the per-run paired differences, sd(diff) / sqrt(n).
//!
//! Then: every claim C1..C16 is cited by the baseline, and every bundled
//! scenario checks and runs clean.

use std::path::Path;

use polsim::engine::{self, RunOptions, compile::compile};
use polsim::scenario::{Model, OutcomeKind};
use polsim::summary::summarize;

use crate::common::{load, load_with, root, simulate};

const BASELINE: &str = "scenarios/palmyra/baseline.toml";
/// Runs per simulation: enough for > 5 standard errors on every effect
/// below, few enough that the whole module takes seconds.
const RUNS: u64 = 2000;
const SEED: u64 = 9001;
/// How many standard errors a difference must clear.
const Z: f64 = 5.0;

/// Every outcome's value in every run: `values[outcome][run]`.
fn per_run(model: &Model, runs: u64, seed: u64) -> Vec<Vec<f64>> {
    let program = compile(model, None);
    let options = RunOptions {
        runs,
        seed,
        threads: 0,
        rows: true,
    };
    let mut values = vec![Vec::with_capacity(runs as usize); model.outcomes.len()];
    engine::simulate(model, &program, &options, None, &|_| {}, &mut |rows| {
        for (col, chunk) in values.iter_mut().zip(&rows.outcomes) {
            col.extend_from_slice(chunk);
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("simulation of {} failed: {e}", model.info.name));
    values
}

fn outcome(model: &Model, name: &str) -> usize {
    model
        .outcomes
        .iter()
        .position(|o| o.name == name)
        .unwrap_or_else(|| panic!("{} has no outcome `{name}`", model.info.name))
}

/// Runs of two models with the same seed, for paired comparisons.
struct Pair {
    a: (Model, Vec<Vec<f64>>),
    b: (Model, Vec<Vec<f64>>),
}

impl Pair {
    fn new(a: Model, b: Model) -> Pair {
        let ra = per_run(&a, RUNS, SEED);
        let rb = per_run(&b, RUNS, SEED);
        Pair {
            a: (a, ra),
            b: (b, rb),
        }
    }

    /// Mean and standard error of f(b) - f(a) over runs, where `f` maps an
    /// outcome's per-run value (e.g. a category number to 0/1).
    fn diff_by(&self, name: &str, f: impl Fn(f64) -> f64) -> (f64, f64) {
        let xa = &self.a.1[outcome(&self.a.0, name)];
        let xb = &self.b.1[outcome(&self.b.0, name)];
        let d: Vec<f64> = xa.iter().zip(xb).map(|(&x, &y)| f(y) - f(x)).collect();
        assert!(
            d.iter().all(|v| v.is_finite()),
            "`{name}` has runs without a value"
        );
        let n = d.len() as f64;
        let mean = d.iter().sum::<f64>() / n;
        let var = d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, (var / n).sqrt())
    }

    fn diff(&self, name: &str) -> (f64, f64) {
        self.diff_by(name, |v| v)
    }

    /// Assert that b - a is positive (`up`) or negative, by more than Z
    /// standard errors.
    fn assert_shift(&self, name: &str, up: bool, f: impl Fn(f64) -> f64) {
        let (mean, se) = self.diff_by(name, f);
        let z = if se > 0.0 {
            mean / se
        } else {
            f64::INFINITY * mean.signum()
        };
        let wanted = if up { z > Z } else { z < -Z };
        assert!(
            wanted,
            "`{name}`: {} minus {} = {mean:.4} (se {se:.4}, z {z:.1}); expected it to {} by more than {Z} se",
            self.b.0.info.name,
            self.a.0.info.name,
            if up { "rise" } else { "fall" },
        );
    }

    fn assert_up(&self, name: &str) {
        self.assert_shift(name, true, |v| v);
    }

    fn assert_down(&self, name: &str) {
        self.assert_shift(name, false, |v| v);
    }
}

fn variant(file: &str) -> Model {
    load(&format!("scenarios/palmyra/{file}"))
}

/// Category outcomes are 0 deal, 1 open, 2 breakdown.
fn is_breakdown(v: f64) -> f64 {
    f64::from(v == 2.0)
}

#[test]
fn more_infiltration_means_less_repeal_and_less_trust() {
    // Expected: down. More embedded operatives mean more insider attacks
    // (C9), each of which costs trust (C6) and pauses Congress, and the
    // repeal's chance depends on trust (C4).
    let pair = Pair::new(
        load_with(BASELINE, &["infiltration_initial=4"]),
        load_with(BASELINE, &["infiltration_initial=16"]),
    );
    pair.assert_up("further_attacks");
    pair.assert_down("repeal_within_12");
    pair.assert_down("repeal_within_24");
    pair.assert_down("trust_end");
}

#[test]
fn vetting_at_once_means_fewer_attacks() {
    // Expected: fewer. Starting the reform at once removes embedded
    // operatives sooner and screens new recruits earlier (C10); its
    // disruption of joint operations (C16) costs less than that.
    let pair = Pair::new(load(BASELINE), variant("vetting_now.toml"));
    pair.assert_down("further_attacks");
    pair.assert_down("casualties");
    // The trade-off the article warns of: while the reform runs, joint work
    // is disrupted, so trust six months on is lower than in the baseline.
    pair.assert_down("trust_at_6");
}

#[test]
fn a_second_attack_costs_trust_and_strengthens_the_sdf() {
    // Expected: trust at month 6 down (C6, C9: each insider attack costs
    // trust, more if it hits joint activity); SDF leverage up (C14, C15:
    // the SDF argues the government is compromised, and Damascus's
    // counter-terrorism credibility falls); repeal less likely (C4).
    let pair = Pair::new(load(BASELINE), variant("second_attack.toml"));
    pair.assert_down("trust_at_6");
    pair.assert_up("sdf_leverage_end");
    pair.assert_down("repeal_within_12");
}

#[test]
fn growing_israeli_backing_makes_a_sweida_breakdown_likelier() {
    // Expected: up. Israeli backing raises the Sweida factions' leverage and
    // stiffens them against a settlement (C14).
    let pair = Pair::new(load(BASELINE), variant("israel_backing_grows.toml"));
    pair.assert_shift("sweida_talks_result", true, is_breakdown);
    pair.assert_up("sweida_leverage_end");
    // The SDF talks do not depend on Israeli backing: identical run by run.
    let (mean, _) = pair.diff("sdf_leverage_end");
    assert_eq!(mean, 0.0, "Israeli backing must not move the SDF talks");
}

#[test]
fn bringing_in_defence_early_means_more_leaks() {
    // Expected: up. The coalition fears leaks from the Defence Ministry
    // (C13); including it early exposes coalition information to them.
    let pair = Pair::new(load(BASELINE), variant("defence_early.toml"));
    pair.assert_up("leaks");
}

#[test]
fn a_stalled_repeal_costs_trust_and_weakens_damascus_in_both_talks() {
    // Expected: trust down (the repeal's boost to trust never comes, C4,
    // C5); both factions' leverage up, i.e. Damascus's hand weaker (no
    // sanctions relief to offer, lower credibility, C14).
    let pair = Pair::new(load(BASELINE), variant("repeal_stalled.toml"));
    pair.assert_down("repeal_within_24");
    pair.assert_down("trust_end");
    pair.assert_up("sdf_leverage_end");
    pair.assert_up("sweida_leverage_end");
}

#[test]
fn the_baseline_cites_every_claim() {
    let model = load(BASELINE);
    let cited: Vec<&str> = model
        .vars
        .iter()
        .flat_map(|v| v.doc.source.iter())
        .chain(model.outcomes.iter().flat_map(|o| o.doc.source.iter()))
        .map(String::as_str)
        .collect();
    for i in 1..=16 {
        let id = format!("C{i}");
        assert!(
            cited.contains(&id.as_str()),
            "no element of the baseline cites {id}"
        );
    }
    // Only the brief's claims are cited.
    for id in &cited {
        let n: Option<u32> = id.strip_prefix('C').and_then(|n| n.parse().ok());
        assert!(
            n.is_some_and(|n| (1..=16).contains(&n)),
            "unknown claim id `{id}`"
        );
    }
    // Every parameter, state, derived variable, event and outcome says what
    // it is and which claims it carries.
    for v in &model.vars {
        assert!(!v.doc.doc.is_empty(), "`{}` has no doc", v.name);
        assert!(!v.doc.source.is_empty(), "`{}` has no source", v.name);
    }
    for o in &model.outcomes {
        assert!(!o.doc.doc.is_empty(), "outcome `{}` has no doc", o.name);
        assert!(!o.doc.label.is_empty(), "outcome `{}` has no label", o.name);
        assert!(
            !o.doc.source.is_empty(),
            "outcome `{}` has no source",
            o.name
        );
    }
}

#[test]
fn the_baseline_is_calibrated_away_from_certainty() {
    // Not a claim of the article: a guard that the baseline stays an
    // interesting model (no key outcome pinned at 0 or 1).
    let model = load(BASELINE);
    let mut results = simulate(&model, RUNS, SEED, 0);
    let summary = summarize(&model, &mut results, &Default::default());
    let get = |name: &str| {
        summary
            .outcomes
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("no outcome `{name}`"))
    };
    let p = |name: &str| get(name).probability.expect("a probability").p;
    let (r6, r12, r24) = (
        p("repeal_within_6"),
        p("repeal_within_12"),
        p("repeal_within_24"),
    );
    assert!(
        r6 < r12 && r12 < r24,
        "repeal chances must grow with time: {r6} {r12} {r24}"
    );
    assert!(
        (0.25..=0.75).contains(&r12),
        "repeal within 12 months: {r12}"
    );
    for talks in ["sdf_talks_result", "sweida_talks_result"] {
        let o = get(talks);
        let names: Vec<&str> = o.categories.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["deal", "open", "breakdown"]);
        for (name, e) in &o.categories {
            assert!((0.1..=0.8).contains(&e.p), "{talks} {name}: {}", e.p);
        }
    }
    assert!(matches!(
        model.outcomes[outcome(&model, "sdf_talks_result")].kind,
        OutcomeKind::Category(_)
    ));
}

fn toml_files(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "toml") {
            let rel = path.strip_prefix(root()).expect("under the root");
            out.push(rel.to_string_lossy().into_owned());
        }
    }
}

#[test]
fn every_bundled_scenario_checks_and_runs() {
    let mut files = Vec::new();
    toml_files(&root().join("scenarios"), &mut files);
    for needed in ["scenarios/examples/coin-flips.toml", BASELINE] {
        assert!(files.iter().any(|f| f == needed), "{needed} is missing");
    }
    let mut names = Vec::new();
    for file in &files {
        let model = load(file); // panics with the diagnostics if it does not check
        let mut results = simulate(&model, 500, model.info.seed, 0);
        assert_eq!(results.runs, 500, "{file}");
        let summary = summarize(&model, &mut results, &Default::default());
        for o in &summary.outcomes {
            if let Some(e) = o.probability {
                assert!((0.0..=1.0).contains(&e.p), "{file}: {} = {}", o.name, e.p);
            }
            if let Some(n) = &o.number {
                assert!(
                    n.n == 0 || n.mean.is_finite(),
                    "{file}: {} has mean {}",
                    o.name,
                    n.mean
                );
            }
        }
        if file.starts_with("scenarios/palmyra/") {
            assert!(
                !names.contains(&model.info.name),
                "{file}: scenario name `{}` is used twice",
                model.info.name
            );
            names.push(model.info.name.clone());
        }
    }
}
