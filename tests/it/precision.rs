//! The stop rule (`--precision`) of `compare` and `sweep`, and
//! `--precision-for` in run, compare and sweep.
//!
//! The property every test rests on: the rule only chooses a run count N,
//! and the files are then exactly those of `--runs N` (the rule's own
//! record aside). The run count is decided from complete rounds, so the
//! same bytes come out on any number of threads.

use std::path::Path;

use crate::common::polsim;

const REFERENCE: &str = "scenarios/examples/deterrence.toml";
const VARIANT: &str = "scenarios/examples/deterrence-credible.toml";

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(path)).unwrap()
}

/// Remove every `"precision"` key of a provenance, so a stopped result can
/// be compared with a fixed one.
fn without_record(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(p)) = map.get_mut("provenance") {
                p.remove("precision");
            }
            map.values_mut().for_each(without_record);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(without_record),
        _ => {}
    }
}

fn compare(dir: &Path, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join(name);
    polsim()
        .args(["compare", REFERENCE, VARIANT, "--no-charts", "-q", "--out"])
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    out
}

/// `compare --precision`: stops where every paired difference is precise
/// enough, with the same bytes on 1 and 3 threads, and compare.csv byte for
/// byte that of `--runs N` for the N it stopped at.
#[test]
fn compare_stops_where_every_difference_is_precise_and_equals_a_fixed_run_count() {
    let dir = tempfile::tempdir().unwrap();
    let rule = ["--runs", "1000", "--precision", "0.01"];
    let one = compare(
        dir.path(),
        "one",
        &[&rule[..], &["--threads", "1"]].concat(),
    );
    let three = compare(
        dir.path(),
        "three",
        &[&rule[..], &["--threads", "3"]].concat(),
    );
    assert_eq!(
        read(&one.join("compare.csv")),
        read(&three.join("compare.csv"))
    );
    assert_eq!(
        read(&one.join("compare.json")),
        read(&three.join("compare.json"))
    );

    let stopped = json(&one.join("compare.json"));
    let runs = stopped["runs"].as_u64().unwrap();
    let record = &stopped["summaries"][0]["provenance"]["precision"];
    assert_eq!(record["met"], true, "{record}");
    assert!(record["rounds"].as_u64().unwrap() >= 2, "{record}");
    assert!(runs > 1000 && runs.is_multiple_of(1024), "{runs}");
    // Every difference meets its goal: ±0.01 for a probability, ±1% of the
    // larger of the two scenarios' means for a number.
    let mean = |s: usize, outcome: &str| -> f64 {
        stopped["summaries"][s]["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == outcome)
            .and_then(|o| o["number"]["mean"].as_f64())
            .unwrap_or(0.0)
            .abs()
    };
    let differences = stopped["differences"].as_array().unwrap();
    assert!(differences.iter().any(|d| d["kind"] == "number"));
    for d in differences {
        let (diff, lo, hi) = (
            d["diff"].as_f64().unwrap(),
            d["lo"].as_f64().unwrap(),
            d["hi"].as_f64().unwrap(),
        );
        let outcome = d["outcome"].as_str().unwrap();
        let goal = if d["kind"] == "number" {
            0.01 * mean(0, outcome).max(mean(1, outcome))
        } else {
            0.01
        };
        assert!((hi - diff).max(diff - lo) <= goal, "{d}");
    }

    let fixed = compare(dir.path(), "fixed", &["--runs", &runs.to_string()]);
    assert_eq!(
        read(&one.join("compare.csv")),
        read(&fixed.join("compare.csv"))
    );
    let mut stopped = stopped;
    without_record(&mut stopped);
    assert_eq!(stopped, json(&fixed.join("compare.json")));
}

/// Out of reach within the cap: compare stops at --max-runs and names the
/// differences that are still too wide; the table says so.
#[test]
fn compare_stops_at_the_cap_and_names_what_missed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capped");
    let table = polsim()
        .args(["compare", REFERENCE, VARIANT, "--no-charts", "--out"])
        .arg(&out)
        .args([
            "--runs",
            "1000",
            "--precision",
            "0.001",
            "--max-runs",
            "3000",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    assert!(
        table.contains("not reached within --max-runs 3000"),
        "{table}"
    );
    assert!(
        table.contains("(deterrence-credible - reference)"),
        "{table}"
    );
    let result = json(&out.join("compare.json"));
    assert_eq!(result["runs"], 3000);
    let record = &result["summaries"][1]["provenance"]["precision"];
    assert_eq!(record["met"], false);
    assert!(!record["unmet"].as_array().unwrap().is_empty());
}

fn sweep(dir: &Path, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join(name);
    polsim()
        .args(["sweep", REFERENCE, "--param", "threat=0.2..0.8:3"])
        .args(["--no-charts", "-q", "--out"])
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    out
}

/// `sweep --precision`: every outcome at every grid point meets the
/// target; the same bytes on 1 and 3 threads, and sweep.csv byte for byte
/// that of `--runs N`.
#[test]
fn sweep_stops_where_every_grid_point_is_precise_and_equals_a_fixed_run_count() {
    let dir = tempfile::tempdir().unwrap();
    let rule = ["--runs", "500", "--precision", "0.02"];
    let one = sweep(
        dir.path(),
        "one",
        &[&rule[..], &["--threads", "1"]].concat(),
    );
    let three = sweep(
        dir.path(),
        "three",
        &[&rule[..], &["--threads", "3"]].concat(),
    );
    assert_eq!(read(&one.join("sweep.csv")), read(&three.join("sweep.csv")));
    assert_eq!(
        read(&one.join("sweep.json")),
        read(&three.join("sweep.json"))
    );

    let stopped = json(&one.join("sweep.json"));
    let points = stopped["points"].as_array().unwrap();
    let runs = points[0]["summary"]["provenance"]["runs"].as_u64().unwrap();
    assert!(runs > 500 && runs.is_multiple_of(1024), "{runs}");
    for p in points {
        assert_eq!(p["summary"]["provenance"]["precision"]["met"], true);
        for o in p["summary"]["outcomes"].as_array().unwrap() {
            if let Some(e) = o["probability"].as_object() {
                let (est, lo, hi) = (
                    e["p"].as_f64().unwrap(),
                    e["lo"].as_f64().unwrap(),
                    e["hi"].as_f64().unwrap(),
                );
                assert!((hi - est).max(est - lo) <= 0.02, "{o}");
            }
            if let Some(n) = o["number"].as_object() {
                let (mean, mcse) = (n["mean"].as_f64().unwrap(), n["mcse"].as_f64().unwrap());
                assert!(1.959964 * mcse <= 0.02 * mean.abs() * (1.0 + 1e-9), "{o}");
            }
        }
    }

    let fixed = sweep(dir.path(), "fixed", &["--runs", &runs.to_string()]);
    assert_eq!(read(&one.join("sweep.csv")), read(&fixed.join("sweep.csv")));
    let mut stopped = stopped;
    without_record(&mut stopped);
    assert_eq!(stopped, json(&fixed.join("sweep.json")));
}

/// `--precision-for` holds only the named outcomes to the target: a run
/// that watches one outcome stops where that one is precise, at no more
/// runs than a run that watches them all, and its record names it.
#[test]
fn precision_for_watches_only_the_named_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| -> serde_json::Value {
        let out = polsim()
            .args(["run", REFERENCE, "--runs", "1000", "--json", "--no-charts"])
            .args(["--precision", "0.01", "--out"])
            .arg(dir.path().join(name))
            .args(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let all = run("all", &[]);
    let one = run("one", &["--precision-for", "peak_tension"]);
    let record = &one["provenance"]["precision"];
    assert_eq!(record["met"], true);
    assert_eq!(record["outcomes"], serde_json::json!(["peak_tension"]));
    assert!(all["provenance"]["precision"].get("outcomes").is_none());
    let (runs_all, runs_one) = (
        all["provenance"]["runs"].as_u64().unwrap(),
        one["provenance"]["runs"].as_u64().unwrap(),
    );
    // The probability outcome needs far more runs than peak tension's mean:
    // a 1% chance-scale target on a ~8% probability against a 1% relative
    // target on a mean with a small coefficient of variation.
    assert!(runs_one < runs_all, "{runs_one} vs {runs_all}");
    let peak = one["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "peak_tension")
        .unwrap();
    let (mean, mcse) = (
        peak["number"]["mean"].as_f64().unwrap(),
        peak["number"]["mcse"].as_f64().unwrap(),
    );
    assert!(1.959964 * mcse <= 0.01 * mean * (1.0 + 1e-9));
}

/// A misspelt outcome name in `--precision-for` is a usage error with a
/// suggestion, in run, compare and sweep alike, before anything runs;
/// `--precision-for` without `--precision` says what is missing.
#[test]
fn precision_for_misspelt_or_alone_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let misspelt = ["--precision", "0.01", "--precision-for", "peak_tensoin"];
    let commands: [&[&str]; 3] = [
        &["run", REFERENCE],
        &["compare", REFERENCE, VARIANT],
        &["sweep", REFERENCE, "--param", "threat=0.2..0.8:3"],
    ];
    for (i, command) in commands.iter().enumerate() {
        polsim()
            .args(*command)
            .args(misspelt)
            .args(["--no-charts", "--out"])
            .arg(dir.path().join(i.to_string()))
            .assert()
            .code(2)
            .stderr(predicates::str::contains("did you mean `peak_tension`?"));
    }
    polsim()
        .args(["run", REFERENCE, "--precision-for", "peak_tension", "--out"])
        .arg(dir.path().join("alone"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("add --precision"));
}
