//! Arrays over named dimensions: an arrayed model is the model written out
//! element by element, run by run; each element keeps its own random
//! stream; reductions, constants from a CSV file and `--set` on one element.

use polsim::engine::{self, Rows, RunOptions, compile::compile};
use polsim::scenario::{self, Disk, Model, Override};

use crate::common::load_text;

/// Every outcome of every run, in run order (`[outcome][run]`).
fn per_run(model: &Model, runs: u64, seed: u64) -> Vec<Vec<f64>> {
    let program = compile(model, None);
    let options = RunOptions {
        runs,
        seed,
        threads: 2,
        rows: true,
    };
    let mut all: Vec<Vec<f64>> = Vec::new();
    engine::simulate(model, &program, &options, None, &|_| {}, &mut |r: &Rows| {
        if all.is_empty() {
            all = vec![Vec::new(); r.outcomes.len()];
        }
        for (a, b) in all.iter_mut().zip(&r.outcomes) {
            a.extend_from_slice(b);
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("simulation failed: {e}"));
    all
}

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

const ARRAYED: &str = r#"
[scenario]
steps = 18

[dimensions]
region = ["a", "b", "c"]
other = { same_as = "region" }

[constants]
weight = { over = ["region", "other"], value = [[0, 0.5, 0], [0.25, 0, 0.75], [0, 1, 0]] }
base = { over = "region", value = [0.1, 0.2, 0.3] }
decay = 0.9

[parameters.grievance]
over = "region"
dist = "beta(2, 5)"
[parameters.grievance.elements]
b = "beta(4, 4)"

[parameters.tempo]
over = "region"
shared = true
dist = "lognormal(0, 0.2)"

[state.v]
over = "region"
init = "base * grievance"
update = "decay * v + 0.2 * clash + 0.1 * spill + normal(0, 0.01)"
min = 0
max = 1
[state.v.elements.c]
init = 0.5

[derived.spill]
over = "region"
expr = "sum(weight[region, other] * v[other], other)"

[derived.calm]
expr = "mean(v, region) < 0.2 and all(v < 0.5, region)"

[events.clash]
over = "region"
p = "clamp(tempo * (0.05 + 0.5 * v * grievance), 0, 1)"

[events.riot]
over = "region"
rate = "0.3 * v"

[events.uprising]
over = "region"
p = "if v > 0.4 then 0.2 else 0"
once = true

[outcomes]
peak = { over = "region", expr = "max(v)" }
clashes = { over = "region", expr = "count(clash)" }
total = "count(clash, region) + count(riot, region)"
any_uprising = "ever(uprising, region)"
first_uprising = "first(uprising, region)"
worst = "max(v, region)"
best = "min(v, region)"
calm_months = "count(calm)"
"#;

/// The same model written out by hand, as a modeller would without arrays:
/// the neighbours' terms unrolled, reductions spelt out.
const WRITTEN_OUT: &str = r#"
[scenario]
steps = 18

[parameters]
grievance_a = "beta(2, 5)"
grievance_b = "beta(4, 4)"
grievance_c = "beta(2, 5)"
tempo = "lognormal(0, 0.2)"

[state.v_a]
init = "0.1 * grievance_a"
update = "0.9 * v_a + 0.2 * clash_a + 0.1 * spill_a + normal(0, 0.01)"
min = 0
max = 1
[state.v_b]
init = "0.2 * grievance_b"
update = "0.9 * v_b + 0.2 * clash_b + 0.1 * spill_b + normal(0, 0.01)"
min = 0
max = 1
[state.v_c]
init = 0.5
update = "0.9 * v_c + 0.2 * clash_c + 0.1 * spill_c + normal(0, 0.01)"
min = 0
max = 1

[derived]
spill_a = "0.5 * v_b"
spill_b = "0.25 * v_a + 0.75 * v_c"
spill_c = "1 * v_b"
calm = "(v_a + v_b + v_c) / 3 < 0.2 and (v_a < 0.5 and v_b < 0.5 and v_c < 0.5)"

[events]
clash_a = { p = "clamp(tempo * (0.05 + 0.5 * v_a * grievance_a), 0, 1)" }
clash_b = { p = "clamp(tempo * (0.05 + 0.5 * v_b * grievance_b), 0, 1)" }
clash_c = { p = "clamp(tempo * (0.05 + 0.5 * v_c * grievance_c), 0, 1)" }
riot_a = { rate = "0.3 * v_a" }
riot_b = { rate = "0.3 * v_b" }
riot_c = { rate = "0.3 * v_c" }
uprising_a = { p = "if v_a > 0.4 then 0.2 else 0", once = true }
uprising_b = { p = "if v_b > 0.4 then 0.2 else 0", once = true }
uprising_c = { p = "if v_c > 0.4 then 0.2 else 0", once = true }

[outcomes]
peak_a = "max(v_a)"
peak_b = "max(v_b)"
peak_c = "max(v_c)"
clashes_a = "count(clash_a)"
clashes_b = "count(clash_b)"
clashes_c = "count(clash_c)"
total = "count(clash_a) + count(clash_b) + count(clash_c) + (count(riot_a) + count(riot_b) + count(riot_c))"
any_uprising = "ever(uprising_a) or ever(uprising_b) or ever(uprising_c)"
first_uprising = "min(first(uprising_a), first(uprising_b), first(uprising_c))"
worst = "max(v_a, v_b, v_c)"
best = "min(v_a, v_b, v_c)"
calm_months = "count(calm)"
"#;

#[test]
fn an_arrayed_model_is_the_model_written_out_run_by_run() {
    let arrayed = load_text(ARRAYED);
    let mut written = load_text(WRITTEN_OUT);
    // Random streams are keyed by a variable's name, and an element's
    // variable is named `v[a]`: give the written-out variables the names
    // the arrayed model gives its elements, so both draw the same numbers.
    for var in &mut written.vars {
        if let Some((array, element)) = var.name.rsplit_once('_')
            && ["a", "b", "c"].contains(&element)
        {
            var.name = format!("{array}[{element}]");
        }
    }
    let names = |m: &Model| -> Vec<String> {
        let mut v: Vec<String> = m.vars.iter().map(|v| v.name.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(names(&arrayed), names(&written));
    let (x, y) = (per_run(&arrayed, 3000, 7), per_run(&written, 3000, 7));
    assert_eq!(x.len(), y.len());
    for (o, (a, b)) in x.iter().zip(&y).enumerate() {
        assert!(
            same_bits(a, b),
            "outcome {} differs between the arrayed and written-out models",
            arrayed.outcomes[o].name
        );
    }
    // The comparison is not vacuous: things happen.
    let total = arrayed
        .outcomes
        .iter()
        .position(|o| o.name == "total")
        .expect("total");
    assert!(x[total].iter().sum::<f64>() > 1000.0);
}

#[test]
fn adding_an_element_leaves_the_others_draws_unchanged() {
    let three = r#"
[scenario]
steps = 12
[dimensions]
region = ["north", "east", "south"]
[parameters.g]
over = "region"
dist = "uniform(0, 1)"
[events.clash]
over = "region"
p = "0.3 * g"
[outcomes]
g_out = { over = "region", expr = "g" }
clashes = { over = "region", expr = "count(clash)" }
"#;
    let four = three.replace(
        r#"["north", "east", "south"]"#,
        r#"["north", "east", "south", "west"]"#,
    );
    let (m3, m4) = (load_text(three), load_text(&four));
    let (x, y) = (per_run(&m3, 2000, 3), per_run(&m4, 2000, 3));
    for (i, o) in m3.outcomes.iter().enumerate() {
        let j = m4
            .outcomes
            .iter()
            .position(|p| p.name == o.name)
            .expect("same outcome");
        assert!(same_bits(&x[i], &y[j]), "{} changed", o.name);
    }
    // and the elements draw independently of each other
    let (a, b) = (&x[0], &x[1]);
    assert!(a.iter().zip(b).any(|(p, q)| p != q));
}

#[test]
fn reductions_and_constants_give_the_values_worked_by_hand() {
    let m = load_text(
        r#"
[scenario]
steps = 2
[dimensions]
region = "r1..r4"
[constants]
level = { over = "region", value = [0.5, -1, 2, 0.25] }
[derived.x]
over = "region"
expr = "level * t"
[outcomes]
total = "sum(x, region)"
average = "mean(x, region)"
low = "min(x, region)"
high = "max(x, region)"
some_negative = "any(x < 0, region)"
all_negative = "all(x < 0, region)"
third = "x[r3]"
positives = "sum(if x > 0 then 1 else 0, region)"
"#,
    );
    let out = per_run(&m, 64, 1);
    let value = |name: &str| {
        let i = m.outcomes.iter().position(|o| o.name == name).expect(name);
        out[i][0]
    };
    // At t = 2: x = [1, -2, 4, 0.5].
    assert_eq!(value("total"), 3.5);
    assert_eq!(value("average"), 3.5 / 4.0);
    assert_eq!(value("low"), -2.0);
    assert_eq!(value("high"), 4.0);
    assert_eq!(value("some_negative"), 1.0);
    assert_eq!(value("all_negative"), 0.0);
    assert_eq!(value("third"), 4.0);
    assert_eq!(value("positives"), 3.0);
}

#[test]
fn a_constant_from_a_csv_file_is_the_same_as_one_in_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let in_file = r#"
[scenario]
steps = 6
[dimensions]
region = ["north", "south"]
other = { same_as = "region" }
[constants.link]
over = ["region", "other"]
value = [[0, 0.4], [0.9, 0]]
[parameters.g]
over = "region"
dist = "uniform(0, 1)"
[state.v]
over = "region"
init = "g"
update = "0.5 * v + sum(link[region, other] * v[other], other)"
[outcomes]
v_end = { over = "region", expr = "v" }
"#;
    // Columns in another order than the dimension lists them, on purpose.
    std::fs::write(
        dir.path().join("link.csv"),
        "from,south,north\nsouth,0,0.9\nnorth,0.4,0\n",
    )
    .expect("write");
    let from_csv = in_file.replace("value = [[0, 0.4], [0.9, 0]]", "file = \"link.csv\"");
    let load = |text: &str, name: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        scenario::load(&path, &Disk, &[])
            .unwrap_or_else(|r| panic!("does not check:\n{}", r.render(false)))
    };
    let (a, b) = (load(in_file, "a.toml"), load(&from_csv, "b.toml"));
    let (x, y) = (per_run(&a, 500, 2), per_run(&b, 500, 2));
    assert!(same_bits(&x[0], &y[0]) && same_bits(&x[1], &y[1]));
}

#[test]
fn set_changes_one_element_or_every_element() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.toml");
    std::fs::write(
        &path,
        r#"
[scenario]
steps = 3
[dimensions]
region = ["north", "east"]
[parameters.tempo]
over = "region"
dist = "uniform(1, 2)"
[parameters.tempo.elements]
north = 5
[outcomes]
drawn = { over = "region", expr = "tempo" }
"#,
    )
    .expect("write");
    let set = |sets: &[&str]| {
        let o: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
        let m = scenario::load(&path, &Disk, &o).unwrap_or_else(|r| panic!("{}", r.render(false)));
        let out = per_run(&m, 64, 1);
        (out[0][0], out[1][0])
    };
    let (north, east) = set(&["tempo[east]=1.2"]);
    assert_eq!((north, east), (5.0, 1.2));
    // The whole array: every element, its overrides included.
    assert_eq!(set(&["tempo=0.7"]), (0.7, 0.7));
    let err = scenario::load(&path, &Disk, &[Override::parse("tempo[west]=1").unwrap()])
        .expect_err("unknown element");
    assert!(
        err.render(false)
            .contains("`west` is not an element of `region`")
    );
}

#[test]
fn the_regional_example_runs_with_an_element_column_and_element_charts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    crate::common::polsim()
        .args([
            "run",
            "scenarios/examples/regional-conflict.toml",
            "--runs",
            "500",
            "-q",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let timeseries = std::fs::read_to_string(out.join("timeseries.csv")).expect("timeseries.csv");
    assert!(timeseries.starts_with("variable,kind,step,period,statistic,value,element\n"));
    assert!(timeseries.contains("\nviolence,state,3,2026-04,p50,"));
    assert!(
        timeseries
            .lines()
            .any(|l| l.starts_with("violence,state,3,") && l.ends_with(",east"))
    );
    let summary = std::fs::read_to_string(out.join("summary.csv")).expect("summary.csv");
    assert!(summary.lines().any(|l| {
        l.starts_with("uprising,Uprising within 24 months (west),probability,")
            && l.ends_with(",west")
    }));
    assert!(
        summary
            .lines()
            .any(|l| l.starts_with("any_uprising,") && l.ends_with(','))
    );
    for chart in [
        "elements-violence.png",
        "fan-violence-north.png",
        "event-clash-west.png",
    ] {
        assert!(out.join("charts").join(chart).is_file(), "{chart}");
    }
}

#[test]
fn a_constant_file_outside_the_scenario_folder_is_refused_unread() {
    // The file-access rule of docs/scenario-format.md holds for data files:
    // the message names the rule and quotes none of the file.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::fs::write(dir.path().join("secret.csv"), "r,v\nnorth,42\n").expect("write");
    let path = dir.path().join("sub").join("s.toml");
    std::fs::write(
        &path,
        "[scenario]\nsteps = 2\n[dimensions]\nregion = [\"north\"]\n[constants.k]\nover = \"region\"\nfile = \"../secret.csv\"\n[outcomes]\nx = \"k[north]\"\n",
    )
    .expect("write");
    let report = scenario::load(&path, &Disk, &[]).expect_err("refused");
    let text = report.render(false);
    assert!(text.contains("outside the folder tree"), "{text}");
    assert!(!text.contains("42"), "{text}");
}
