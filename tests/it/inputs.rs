//! `[inputs]` (time series read from CSV, one column or an ensemble) and
//! the named categories of an event with exclusive outcomes, against values
//! worked out by hand.

use polsim::scenario::{self, Disk, Model};
use polsim::summary::{self, Summary};

use crate::common::simulate;

/// Load a scenario written beside its data files, in a folder of its own.
fn load_with_data(scenario: &str, files: &[(&str, &str)]) -> Model {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write data");
    }
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, scenario).expect("write scenario");
    match scenario::load(&path, &Disk, &[]) {
        Ok(m) => m,
        Err(report) => panic!("scenario does not check:\n{}", report.render(false)),
    }
}

fn summarize(model: &Model, runs: u64) -> Summary {
    let mut results = simulate(model, runs, 3, 0);
    summary::summarize(model, &mut results, &Default::default())
}

fn mean(s: &Summary, name: &str) -> f64 {
    s.outcomes
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| {
            o.number
                .as_ref()
                .map(|n| n.mean)
                .or(o.probability.map(|p| p.p))
        })
        .unwrap_or_else(|| panic!("no outcome `{name}`"))
}

#[test]
fn a_series_by_step_is_read_at_each_step_and_rows_outside_the_run_are_ignored() {
    let model = load_with_data(
        r#"
[scenario]
steps = 4
[inputs.aid]
file = "data/aid.csv"
column = "tonnes"
[state.stock]
init = 0
update = "stock + aid"
[derived]
aid_before = "prev(aid)"
[outcomes]
total = "stock"
third = "at(aid, 3)"
before_third = "at(aid_before, 3)"
last = "aid"
"#,
        &[(
            "data/aid.csv",
            "step,tonnes\n0,100\n1,2\n2,3\n3,5\n4,7\n9,100\n",
        )],
    );
    let s = summarize(&model, 64);
    // By hand: the stock adds steps 1 to 4's values, 2 + 3 + 5 + 7.
    assert_eq!(mean(&s, "total"), 17.0);
    assert_eq!(mean(&s, "third"), 5.0);
    assert_eq!(mean(&s, "before_third"), 3.0);
    assert_eq!(mean(&s, "last"), 7.0);
}

#[test]
fn a_series_by_date_holds_its_last_value_when_declared() {
    let model = load_with_data(
        r#"
[scenario]
steps = 5
step_unit = "month"
start = "2026-01"
[inputs.price]
file = "price.csv"
by = "date"
index = "month"
column = "index"
beyond = "hold"
[state.paid]
init = 0
update = "paid + price"
[outcomes]
paid = "paid"
may = "at(price, '2026-05')"
june = "at(price, '2026-06')"
"#,
        &[(
            "price.csv",
            "\"index\",month\n110,2025-12\n100,2026-01\n104,2026-02\n108,2026-03\n",
        )],
    );
    let s = summarize(&model, 64);
    // Steps 1 to 5 are 2026-02 to 2026-06; the data end at 2026-03 (step 2)
    // and its 108 is held: 104 + 108 + 108 + 108 + 108.
    assert_eq!(mean(&s, "paid"), 536.0);
    assert_eq!(mean(&s, "may"), 108.0);
    assert_eq!(mean(&s, "june"), 108.0);
}

const ENSEMBLE: &str = r#"
[scenario]
steps = 6
seed = 9
[parameters]
noise = "normal(0, 1)"
[inputs.rain]
file = "rain.csv"
columns = "*"
[outcomes]
dry = "rain == 0"
middle = "rain == 10"
wet = "rain == 20"
steady = "min(rain) == max(rain)"
level = "rain + 0 * noise"
"#;

const RAIN: &str =
    "step,dry,middle,wet\n1,0,10,20\n2,0,10,20\n3,0,10,20\n4,0,10,20\n5,0,10,20\n6,0,10,20\n";

#[test]
fn each_run_reads_one_column_of_an_ensemble_with_equal_chances() {
    let runs = 30_000u64;
    let model = load_with_data(ENSEMBLE, &[("rain.csv", RAIN)]);
    let s = summarize(&model, runs);
    // Each of the three columns is picked with chance 1/3; the tolerance is
    // five binomial standard errors.
    let se = (1.0 / 3.0 * 2.0 / 3.0 / runs as f64).sqrt();
    for name in ["dry", "middle", "wet"] {
        let p = mean(&s, name);
        assert!((p - 1.0 / 3.0).abs() <= 5.0 * se, "{name}: {p}");
    }
    // A run stays on its column at every step.
    assert_eq!(mean(&s, "steady"), 1.0);
}

/// The runs' values of `level`, run by run (from the per-run rows).
fn levels(model: &Model, runs: u64) -> Vec<f64> {
    let program = polsim::engine::compile::compile(model, None);
    let options = polsim::engine::RunOptions {
        runs,
        seed: model.info.seed,
        threads: 1,
        rows: true,
    };
    let index = model
        .outcomes
        .iter()
        .position(|o| o.name == "level")
        .expect("level");
    let mut out = Vec::new();
    polsim::engine::simulate(model, &program, &options, None, &|_| {}, &mut |rows| {
        out.extend_from_slice(&rows.outcomes[index]);
        Ok(())
    })
    .expect("simulate");
    out
}

#[test]
fn the_column_a_run_reads_is_kept_by_a_variant_that_changes_something_else() {
    let runs = 2000;
    let base = load_with_data(ENSEMBLE, &[("rain.csv", RAIN)]);
    let variant = load_with_data(
        &ENSEMBLE.replace("normal(0, 1)", "uniform(5, 9)"),
        &[("rain.csv", RAIN)],
    );
    let (a, b) = (levels(&base, runs), levels(&variant, runs));
    assert_eq!(a.len(), runs as usize);
    assert_eq!(a, b, "common random numbers: each run keeps its column");
    assert!(a.contains(&0.0) && a.contains(&10.0) && a.contains(&20.0));
}

#[test]
fn categories_are_named_in_expressions_and_in_outcomes() {
    let model = load_with_data(
        r#"
[scenario]
steps = 12
[events.talks]
outcomes = { deal = 0.1, breakdown = 0.05 }
once = true
otherwise = "open"
[derived]
ended_this_step = "talks != 'open' and prev(talks) == 'open'"
[outcomes]
agrees = "(talks == 'deal') == ever(deal)"
broke = "(talks == 'breakdown') == ever(breakdown)"
ended_once = "count(ended_this_step) == ever(deal or breakdown)"
result = "talks"
"#,
        &[],
    );
    let s = summarize(&model, 4000);
    // Run by run, the named comparison is the outcome's own event.
    assert_eq!(mean(&s, "agrees"), 1.0);
    assert_eq!(mean(&s, "broke"), 1.0);
    assert_eq!(mean(&s, "ended_once"), 1.0);
    let result = s
        .outcomes
        .iter()
        .find(|o| o.name == "result")
        .expect("result");
    assert_eq!(result.kind, "category");
    let names: Vec<&str> = result.categories.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["open", "deal", "breakdown"]);
    // Talks stay open with chance 0.85^12 (as in the vocabulary test).
    let open = result.categories[0].1.p;
    let want = 0.85f64.powi(12);
    let se = (want * (1.0 - want) / 4000.0).sqrt();
    assert!((open - want).abs() <= 5.0 * se, "open {open}, want {want}");
}

#[test]
fn a_data_file_outside_the_scenario_folder_is_refused() {
    let outer = tempfile::tempdir().expect("tempdir");
    std::fs::write(outer.path().join("secret.csv"), "step,x\n1,1\n").expect("write");
    let inner = outer.path().join("model");
    std::fs::create_dir_all(&inner).expect("mkdir");
    let path = inner.join("scenario.toml");
    std::fs::write(
        &path,
        "[scenario]\nsteps = 1\n[inputs.x]\nfile = \"../secret.csv\"\ncolumn = \"x\"\n[outcomes]\nx = \"x\"\n",
    )
    .expect("write");
    let report = scenario::load(&path, &Disk, &[]).expect_err("refused");
    let text = report.render(false);
    assert!(text.contains("cannot read data file"), "{text}");
    assert!(text.contains("outside the folder tree"), "{text}");
    assert!(
        !text.contains("1,1"),
        "the refused file is never quoted: {text}"
    );
}

#[test]
fn a_state_with_categories_is_written_and_read_by_name() {
    let model = load_with_data(
        r#"
[scenario]
steps = 6
[state.phase]
categories = ["calm", "tense", "war"]
init = "'calm'"
update = "if t == 2 then 'tense' else if t == 4 then 'war' else phase"
[derived]
at_war = "phase == 'war'"
[outcomes]
final = "phase"
tense_steps = "count(phase == 'tense')"
war_steps = "count(at_war)"
"#,
        &[],
    );
    let s = summarize(&model, 64);
    // By hand: the state is 'calm' until the end of step 2, 'tense' after
    // steps 2 and 3 (t = 2, 3 read it after the update of their own step),
    // 'war' from the end of step 4 on; aggregates see each step's values
    // after the state has advanced, so 'tense' at steps 2 and 3, 'war' at 4,
    // 5 and 6 for the state, and derived `at_war` (computed from the start
    // of the step's state) at steps 5 and 6.
    assert_eq!(mean(&s, "tense_steps"), 2.0);
    assert_eq!(mean(&s, "war_steps"), 2.0);
    let result = s
        .outcomes
        .iter()
        .find(|o| o.name == "final")
        .expect("final");
    let names: Vec<&str> = result.categories.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["calm", "tense", "war"]);
    assert_eq!(result.categories[2].1.p, 1.0);
}
