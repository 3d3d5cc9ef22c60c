//! The bundled Palmyra model behaves as the article argues.
//!
//! Each behavioural test is a paired comparison: the baseline and a variant
//! (or two `--set` overrides) are simulated with the same seed and the same
//! runs, so every variable shares its random numbers run by run (common
//! random numbers) and the per-run differences are tight. A test asserts
//! that the mean difference lies in the direction the sources imply, more
//! than five standard errors from zero, and within a plausible range of
//! magnitude (widened by four standard errors, so Monte Carlo noise alone
//! cannot fail it). The standard error is that of the per-run paired
//! differences, sd(diff) / sqrt(n).
//!
//! Then: the law as enacted (E1-E4) holds in the baseline, every uncertain
//! parameter moves at least one outcome, every claim C1..C16 and fact
//! E1..E4 is carried by the elements that express it, and every bundled
//! scenario checks and runs clean.

use std::path::Path;

use polsim::analysis::sensitivity::{Method, analyse};
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
/// How many standard errors a magnitude range is widened by.
const TOL: f64 = 4.0;

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

    /// Assert a direction as [`Pair::assert_shift`] and that the mean
    /// difference b - a lies in [lo, hi], give or take TOL standard errors.
    fn assert_range(&self, name: &str, lo: f64, hi: f64) {
        assert!(lo < hi && (lo > 0.0 || hi < 0.0), "a range of one sign");
        self.assert_shift(name, lo > 0.0, |v| v);
        let (mean, se) = self.diff(name);
        assert!(
            mean >= lo - TOL * se && mean <= hi + TOL * se,
            "`{name}`: {} minus {} = {mean:.4} (se {se:.4}); expected within [{lo}, {hi}]",
            self.b.0.info.name,
            self.a.0.info.name,
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

fn variant_pair(file: &str) -> Pair {
    Pair::new(load(BASELINE), variant(file))
}

#[test]
fn more_infiltration_means_more_attacks_and_a_likelier_return_of_sanctions() {
    // More embedded operatives mean more insider attacks (C9), each of which
    // costs trust (C6); the counter-ISIS condition of the reports reads
    // trust (E3), so negative reports and the return of sanctions (E4) are
    // likelier.
    let pair = Pair::new(
        load_with(BASELINE, &["infiltration_initial=4"]),
        load_with(BASELINE, &["infiltration_initial=16"]),
    );
    pair.assert_range("further_attacks", 0.3, 2.0);
    pair.assert_up("negative_reports");
    pair.assert_up("sanctions_return_by_dec_2027");
    pair.assert_down("trust_end");
}

#[test]
fn the_repeal_pending_keeps_the_articles_view() {
    // The article's view (C4): the repeal is uncertain, so relief comes
    // later or not at all; reports count only once it is in force, so
    // sanctions are less likely to return within the horizon; Damascus's
    // hand in both talks is weaker without relief (C14).
    let pair = variant_pair("repeal_pending.toml");
    pair.assert_range("repeal_within_12", -0.85, -0.25);
    pair.assert_range("repeal_within_24", -0.6, -0.1);
    pair.assert_range("sanctions_return_by_dec_2027", -0.15, -0.03);
    pair.assert_range("sdf_leverage_end", 0.005, 0.06);
    pair.assert_range("sweida_leverage_end", 0.005, 0.06);
}

#[test]
fn no_reform_costs_lives_trust_and_the_reports() {
    // Reform is two-sided: without it nothing removes operatives or screens
    // recruits (C10), nothing earns credit with the coalition or in the
    // reports (foreign fighters stay in senior posts, E3), and there is no
    // disruption (C16). The net must be a cost, as the article's "urgent"
    // implies.
    let pair = variant_pair("no_reform.toml");
    pair.assert_range("further_attacks", 0.2, 1.0);
    pair.assert_range("casualties", 0.7, 4.0);
    pair.assert_range("trust_end", -0.12, -0.02);
    pair.assert_range("negative_reports", 0.05, 0.5);
    pair.assert_range("sanctions_return_by_dec_2027", 0.01, 0.08);
    pair.assert_up("sdf_leverage_end");
}

#[test]
fn vetting_at_once_pays_and_late_or_failed_vetting_costs() {
    // At once: fewer attacks and casualties (C10); its credit outweighs its
    // disruption (C16) by the end, so trust is higher and negative reports
    // fewer (E3, E4).
    let now = variant_pair("vetting_now.toml");
    now.assert_range("further_attacks", -0.4, -0.05);
    now.assert_range("casualties", -1.5, -0.2);
    now.assert_range("trust_end", 0.005, 0.05);
    now.assert_range("negative_reports", -0.2, -0.02);
    now.assert_range("two_negative_in_row", -0.06, -0.01);
    // Late: delaying reform no longer helps Damascus with Washington.
    let late = variant_pair("vetting_late.toml");
    late.assert_range("further_attacks", 0.15, 0.8);
    late.assert_range("sanctions_return_by_dec_2027", 0.01, 0.06);
    // Before a late reform starts, joint work is spared its disruption.
    late.assert_up("trust_at_6");
    // Failed: all the disruption, little of the effect.
    let failed = variant_pair("vetting_fails.toml");
    failed.assert_range("further_attacks", 0.2, 0.9);
    failed.assert_range("trust_end", -0.08, -0.01);
}

#[test]
fn a_second_attack_costs_trust_strengthens_the_factions_and_risks_sanctions() {
    // Trust down (C6, C9); the factions' hand stronger, through the
    // narrative and through Damascus's lower credibility (C14, C15); a
    // worse showing on the counter-ISIS condition of later reports (E3).
    let pair = variant_pair("second_attack.toml");
    pair.assert_range("trust_at_6", -0.15, -0.04);
    pair.assert_range("sdf_leverage_end", 0.01, 0.06);
    pair.assert_range("negative_reports", 0.04, 0.3);
    pair.assert_range("two_negative_in_row", 0.015, 0.1);
    pair.assert_shift("sdf_talks_result", true, is_breakdown);
}

#[test]
fn a_larger_is_campaign_means_many_more_attacks() {
    let pair = variant_pair("is_campaign_larger.toml");
    pair.assert_range("further_attacks", 0.8, 3.0);
    pair.assert_range("coalition_casualties", 1.0, 8.0);
    pair.assert_range("sanctions_return_by_dec_2027", 0.015, 0.1);
    pair.assert_range("trust_end", -0.15, -0.04);
    let rising = variant_pair("is_tempo_rising.toml");
    rising.assert_range("further_attacks", 0.3, 1.2);
    let retaliation = variant_pair("us_retaliation.toml");
    retaliation.assert_range("further_attacks", -0.5, -0.1);
}

#[test]
fn exposure_grows_with_cooperation_and_the_defence_ministry() {
    // Two-sided cooperation (C9, C12, C13): bringing in the Defence
    // Ministry early means more leaks and more attacks on coalition
    // personnel; limiting cooperation means fewer, at a cost in trust.
    let early = variant_pair("defence_early.toml");
    early.assert_range("leaks", 0.7, 2.5);
    early.assert_range("attacks_on_coalition", 0.1, 0.6);
    let limited = variant_pair("us_limits_cooperation.toml");
    limited.assert_range("attacks_on_coalition", -0.5, -0.1);
    limited.assert_range("leaks", -0.6, -0.1);
    limited.assert_range("trust_end", -0.05, -0.005);
}

#[test]
fn israeli_backing_and_escalation_stiffen_sweida_and_feed_the_reports() {
    // Backing raises the Sweida factions' leverage and stiffens them (C14);
    // an escalation makes a clash with Israel and a Sweida breakdown
    // likelier, both of which count against Damascus in the reports (E3).
    let grows = variant_pair("israel_backing_grows.toml");
    grows.assert_shift("sweida_talks_result", true, is_breakdown);
    grows.assert_range("sweida_leverage_end", 0.05, 0.2);
    let escalation = variant_pair("israel_escalation_sweida.toml");
    escalation.assert_range("sweida_leverage_end", 0.05, 0.2);
    escalation.assert_range("sweida_breakdown_by_dec_2027", 0.04, 0.2);
    escalation.assert_range("negative_reports", 0.02, 0.3);
    // Israel does not act on the insider attacks.
    let (mean, _) = escalation.diff("further_attacks");
    assert!(mean.abs() < 0.01, "further attacks moved by {mean}");
}

#[test]
fn a_negative_first_report_raises_the_risk_of_sanctions() {
    // One more negative report would make two in a row (E4); meanwhile
    // the factions play on the risk (C14).
    let pair = variant_pair("negative_first_report.toml");
    pair.assert_range("negative_report_by_mar_2026", 0.4, 0.95);
    pair.assert_range("sanctions_return_by_dec_2027", 0.03, 0.15);
    pair.assert_range("sdf_leverage_end", 0.002, 0.03);
}

#[test]
fn base_leverage_and_israeli_backing_act_on_the_talks() {
    // The talks' chances are set against even leverage, not against each
    // faction's own base, so the base and Israel's existing backing (C14)
    // move the talks.
    let sdf = Pair::new(
        load_with(BASELINE, &["sdf_base_leverage=0.4"]),
        load_with(BASELINE, &["sdf_base_leverage=0.6"]),
    );
    sdf.assert_up("sdf_breakdown_by_dec_2027");
    sdf.assert_shift("sdf_talks_result", false, |v| f64::from(v == 0.0));
    let israel = Pair::new(
        load_with(BASELINE, &["israel_backing_initial=0.2"]),
        load_with(BASELINE, &["israel_backing_initial=0.5"]),
    );
    israel.assert_up("sweida_breakdown_by_dec_2027");
    israel.assert_up("sweida_leverage_end");
}

#[test]
fn trust_returns_toward_a_level_and_does_not_drift_up() {
    // With no further insider attacks and no leaks, trust recovers from the
    // Palmyra shock toward the level cooperation supports; it does not run
    // to full trust. Cut cooperation back to where it was and the level is
    // the pre-attack one.
    let calm = load_with(
        BASELINE,
        &[
            "infiltration_initial=0",
            "recruitment_inflow=0",
            "leak_rate_interior=0",
            "leak_rate_defence=0",
            "cooperation_growth=0",
            "reform_trust_credit=0",
            "repeal_trust_boost=0",
            "trust_before_attack=0.55",
        ],
    );
    let runs = per_run(&calm, RUNS, SEED);
    let trust = &runs[outcome(&calm, "trust_end")];
    let max = trust.iter().cloned().fold(f64::MIN, f64::max);
    assert!(max <= 0.55 + 1e-9, "trust rose above its level: {max}");
    let mean = trust.iter().sum::<f64>() / trust.len() as f64;
    assert!(mean > 0.48, "trust did not recover: {mean}");
}

/// Every uncertain parameter moves at least one outcome by more than five
/// swing standard errors (10th to 90th percentile, all others at their
/// medians). The repeal's own parameters act only while it is pending: they
/// are checked in `repeal_pending`.
#[test]
fn every_uncertain_parameter_moves_an_outcome() {
    let pending_only = [
        "repeal_max_hazard",
        "repeal_trust_midpoint",
        "repeal_trust_slope",
        "repeal_pause",
    ];
    for (file, only) in [
        (BASELINE, None),
        ("scenarios/palmyra/repeal_pending.toml", Some(&pending_only)),
    ] {
        let model = load(file);
        let outcomes: Vec<usize> = (0..model.outcomes.len())
            .filter(|&i| !matches!(model.outcomes[i].kind, OutcomeKind::Category(_)))
            .collect();
        let options = RunOptions {
            runs: 2000,
            seed: SEED,
            threads: 0,
            rows: false,
        };
        let s = analyse(&model, Method::Swing, &outcomes, &options, &|_| {}).expect("swing");
        let mut best: std::collections::BTreeMap<&str, f64> = Default::default();
        for o in &s.outcomes {
            for e in &o.effects {
                let z = if e.swing_mcse > 0.0 {
                    (e.b - e.a).abs() / e.swing_mcse
                } else if e.b != e.a {
                    f64::INFINITY
                } else {
                    0.0
                };
                let b = best.entry(e.param.as_str()).or_insert(0.0);
                *b = b.max(z);
            }
        }
        assert!(!best.is_empty(), "{file}: nothing steered");
        for (param, z) in &best {
            if only.is_some_and(|o| !o.contains(param)) {
                continue;
            }
            if only.is_none() && pending_only.contains(param) {
                continue;
            }
            assert!(*z > Z, "{file}: `{param}` moves no outcome (best z {z:.1})");
        }
    }
}

#[test]
fn the_baseline_follows_the_law_as_enacted() {
    // E1: the repeal is in force from the first simulated month in every
    // run. E2: reports fall in March 2026 and every six months after, and
    // only then. E4: sanctions return only in a report month, only after
    // two negative reports in a row, and not in every such run.
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
    assert_eq!(p("repeal_within_6"), 1.0);
    assert_eq!(
        get("repeal_month").number.as_ref().expect("a number").mean,
        1.0
    );
    let by = [
        p("negative_report_by_mar_2026"),
        p("negative_report_by_sep_2026"),
        p("negative_report_by_mar_2027"),
        p("negative_report_by_sep_2027"),
    ];
    assert!(by.windows(2).all(|w| w[0] < w[1]), "by report date: {by:?}");
    assert!((0.05..=0.6).contains(&by[0]), "first report: {}", by[0]);
    let (two, back) = (p("two_negative_in_row"), p("sanctions_return_by_dec_2027"));
    assert!(
        back > 0.0 && back < two,
        "two in a row {two}, sanctions back {back}"
    );

    let runs = per_run(&model, RUNS, SEED);
    let months = &runs[outcome(&model, "sanctions_return_month")];
    assert!(months.iter().any(|m| m.is_finite()));
    for m in months.iter().filter(|m| m.is_finite()) {
        assert!([9.0, 15.0, 21.0].contains(m), "sanctions back in month {m}");
    }
    let count = &runs[outcome(&model, "negative_reports")];
    assert!(count.iter().all(|&c| (0.0..=4.0).contains(&c)));

    // Trust is not pinned: after the shock it recovers in some runs and not
    // in others; the talks are not decided in advance.
    let above = p("trust_above_before_attack");
    assert!(
        (0.1..=0.6).contains(&above),
        "trust above its level: {above}"
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

/// Each claim and fact, and elements that must carry it in a given role.
const CARRIERS: &[(&str, &[(&str, &str)])] = &[
    (
        "C1",
        &[
            ("coalition_trust", "state"),
            ("casualties_per_attack", "parameter"),
            ("coalition_casualties", "derived"),
        ],
    ),
    (
        "C2",
        &[
            ("retaliation_strength", "parameter"),
            ("us_strike_pressure", "state"),
        ],
    ),
    (
        "C3",
        &[
            ("us_support_initial", "parameter"),
            ("us_support", "state"),
            ("conditions_shortfall", "derived"),
        ],
    ),
    (
        "C4",
        &[
            ("caesar_repeal", "event"),
            ("repeal_max_hazard", "parameter"),
            ("sanctions_relief", "derived"),
        ],
    ),
    (
        "C5",
        &[
            ("coalition_trust", "state"),
            ("ct_credibility", "derived"),
            ("credibility_reference", "parameter"),
        ],
    ),
    (
        "C6",
        &[
            ("attack_trust_penalty", "parameter"),
            ("reputation", "state"),
        ],
    ),
    (
        "C7",
        &[("tempo_growth", "parameter"), ("is_tempo", "state")],
    ),
    (
        "C8",
        &[("intel_capacity", "state"), ("interdiction", "derived")],
    ),
    (
        "C9",
        &[
            ("infiltration", "state"),
            ("attack_on_joint_activity", "event"),
            ("exposure", "derived"),
        ],
    ),
    (
        "C10",
        &[
            ("vetting_reform_starts", "event"),
            ("vetting_effect", "parameter"),
            ("reform_trust_credit", "parameter"),
            ("foreign_fighter_shortfall", "state"),
        ],
    ),
    (
        "C11",
        &[
            ("coordination_quality", "parameter"),
            ("coordination_flaw_exposed", "event"),
        ],
    ),
    (
        "C12",
        &[
            ("cooperation_depth", "state"),
            ("cooperation_exposure", "parameter"),
        ],
    ),
    (
        "C13",
        &[
            ("defence_ministry_included", "event"),
            ("leak", "event"),
            ("defence_exposure", "parameter"),
        ],
    ),
    (
        "C14",
        &[
            ("sdf_leverage", "state"),
            ("sweida_leverage", "state"),
            ("israeli_backing", "state"),
            ("sdf_breakdown", "event"),
            ("sweida_breakdown", "event"),
        ],
    ),
    (
        "C15",
        &[
            ("narrative_leverage_jump", "parameter"),
            ("credibility_weight_reputation", "parameter"),
        ],
    ),
    (
        "C16",
        &[
            ("vetting_disruption", "parameter"),
            ("joint_ops_factor", "derived"),
        ],
    ),
    (
        "E1",
        &[
            ("repeal_enacted", "parameter"),
            ("caesar_repeal", "event"),
            ("sanctions_relief", "derived"),
        ],
    ),
    (
        "E2",
        &[
            ("first_report_step", "parameter"),
            ("report_interval", "parameter"),
            ("report_due", "derived"),
            ("negative_report", "event"),
        ],
    ),
    (
        "E3",
        &[
            ("conditions_shortfall", "derived"),
            ("foreign_fighter_shortfall", "state"),
            ("israel_clash", "event"),
        ],
    ),
    (
        "E4",
        &[
            ("snapback_chance", "parameter"),
            ("last_report_negative", "state"),
            ("sanctions_return", "event"),
        ],
    ),
];

#[test]
fn every_claim_and_fact_is_carried_by_the_elements_that_express_it() {
    let model = load(BASELINE);
    for (id, carriers) in CARRIERS {
        for (name, role) in *carriers {
            let v = model
                .vars
                .iter()
                .find(|v| v.name == *name)
                .unwrap_or_else(|| panic!("{id}: no element `{name}`"));
            assert_eq!(v.kind.word(), *role, "{id}: `{name}` is not a {role}");
            assert!(
                v.doc.source.iter().any(|s| s == id),
                "{id}: `{name}` does not cite it"
            );
        }
    }
    // The carriers that are events or states are read by the chain: each
    // appears in some other element's definition.
    for (id, carriers) in CARRIERS {
        for (name, _) in *carriers {
            let read = model.vars.iter().any(|v| {
                v.name != *name
                    && v.text
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|w| w == *name)
            }) || model
                .outcomes
                .iter()
                .any(|o| o.doc.source.iter().any(|s| s == id));
            assert!(read, "{id}: `{name}` is read by nothing");
        }
    }
}

#[test]
fn the_baseline_cites_every_claim_and_fact() {
    let model = load(BASELINE);
    let cited: Vec<&str> = model
        .vars
        .iter()
        .flat_map(|v| v.doc.source.iter())
        .chain(model.outcomes.iter().flat_map(|o| o.doc.source.iter()))
        .map(String::as_str)
        .collect();
    let ids: Vec<String> = (1..=16)
        .map(|i| format!("C{i}"))
        .chain((1..=4).map(|i| format!("E{i}")))
        .collect();
    for id in &ids {
        assert!(
            cited.contains(&id.as_str()),
            "no element of the baseline cites {id}"
        );
    }
    // Only the brief's claims and facts are cited.
    for id in &cited {
        assert!(
            ids.iter().any(|i| i == id),
            "unknown claim or fact id `{id}`"
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
