//! The `polsim` binary driven from outside: `run` and `check`, their flags,
//! the files they write, exit codes, determinism, and a closed-form answer.
//!
//! Every run uses a fixed seed and a small run count, and writes into a
//! temporary directory through `--out`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use clap::CommandFactory;
use serde_json::Value;

use crate::common;

const COIN_FLIPS: &str = "scenarios/examples/coin-flips.toml";
const OUTCOMES: [&str; 4] = [
    "breakthrough_by_24",
    "breakthrough_by_12",
    "breakthrough_month",
    "incidents",
];

/// What one invocation did.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn ok(&self) -> &Ran {
        assert_eq!(
            self.code,
            Some(0),
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    fn no_crash(&self) -> &Ran {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("stack backtrace"),
            "{}",
            self.stderr
        );
        self
    }
}

fn polsim(args: &[&str]) -> Ran {
    let output = common::polsim()
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run polsim");
    Ran {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `polsim run` on coin-flips into `out` with a fixed seed, no charts.
fn run_coin_flips(out: &Path, runs: &str, extra: &[&str]) -> Ran {
    let out = out.to_str().expect("UTF-8 temp path");
    let mut args = vec![
        "run",
        COIN_FLIPS,
        "--runs",
        runs,
        "--seed",
        "2024",
        "--no-charts",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    polsim(&args)
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Header and records of a CSV file.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader
        .headers()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    (header, rows)
}

/// The JSON summary of one outcome, by name.
fn outcome<'a>(summary: &'a Value, name: &str) -> &'a Value {
    summary["outcomes"]
        .as_array()
        .expect("outcomes array")
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no outcome {name} in summary.json"))
}

/// Every file in a directory (recursively), with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .expect("inside dir")
                    .display()
                    .to_string();
                out.insert(name, fs::read(&path).expect("read"));
            }
        }
    }
    out
}

#[test]
fn run_prints_the_outcome_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ran = run_coin_flips(dir.path(), "2000", &[]);
    ran.ok().no_crash();
    let out = &ran.stdout;
    for needle in [
        "coin-flips",
        "2000 runs",
        "seed 2024",
        "Probabilities",
        "Numbers",
        "Breakthrough within 24 months",
        "Breakthrough within 12 months",
        "Month of the breakthrough",
        "Incidents over 24 months",
        "95% interval",
        "MCSE",
        "summary.csv",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
}

#[test]
fn run_writes_summary_and_timeseries_files_that_parse() {
    let dir = tempfile::tempdir().expect("tempdir");
    run_coin_flips(dir.path(), "2000", &[]).ok();

    let (header, rows) = read_csv(&dir.path().join("summary.csv"));
    assert_eq!(header, polsim::output::tables::SUMMARY_COLUMNS);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, OUTCOMES);
    for row in &rows {
        assert_eq!(row.len(), header.len(), "{row:?}");
        let n: u64 = row[4].parse().expect("n is a whole number");
        assert!(n > 0 && n <= 2000, "{row:?}");
    }

    let (header, rows) = read_csv(&dir.path().join("timeseries.csv"));
    assert_eq!(header, polsim::output::tables::TIMESERIES_COLUMNS);
    assert!(!rows.is_empty());
    for row in &rows {
        let step: u32 = row[2].parse().expect("step is a whole number");
        assert!(step <= 24, "{row:?}");
        if !row[5].is_empty() {
            let v: f64 = row[5].parse().expect("value is a number");
            assert!(v.is_finite(), "{row:?}");
        }
    }
    assert!(rows.iter().any(|r| r[0] == "incidents_so_far"));

    let summary = read_json(&dir.path().join("summary.json"));
    let p = &summary["provenance"];
    assert_eq!(p["polsim_version"], env!("CARGO_PKG_VERSION"));
    let sha = p["scenario_sha256"].as_str().expect("scenario_sha256");
    assert_eq!(sha.len(), 64, "{sha}");
    assert!(sha.chars().all(|c| c.is_ascii_hexdigit()), "{sha}");
    assert_eq!(p["seed"], 2024);
    assert_eq!(p["runs"], 2000);
    assert_eq!(p["overrides"], Value::Array(Vec::new()));
    for name in OUTCOMES {
        outcome(&summary, name);
    }
}

/// `series` keeps the per-step statistics of the variables it names and
/// nothing else changes: their rows of timeseries.csv, the events' rows and
/// the outcomes are the same bytes as with every series kept, at a run
/// count past the pilot (where the quantiles come from counting), and the
/// default charts are those of the kept variables.
#[test]
fn series_keeps_only_the_named_variables_and_changes_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = fs::read_to_string(common::root().join("benches/model.toml")).expect("bench model");
    let start = "start = \"2026-01\"\n";
    assert!(text.contains(start));
    let kept_text = text.replacen(
        start,
        &format!("{start}series = [\"trust\", \"talks_open\"]\n"),
        1,
    );
    let (all, kept) = (dir.path().join("all.toml"), dir.path().join("kept.toml"));
    fs::write(&all, &text).expect("write");
    fs::write(&kept, kept_text).expect("write");
    let run = |file: &Path, out: &str, runs: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let mut args = vec![
            "run",
            file.to_str().expect("UTF-8"),
            "--runs",
            runs,
            "--threads",
            "2",
            "--out",
            out.to_str().expect("UTF-8"),
        ];
        args.extend_from_slice(extra);
        polsim(&args).ok();
        out
    };
    let out_all = run(&all, "all", "20000", &["--no-charts"]);
    let out_kept = run(&kept, "kept", "20000", &["--no-charts"]);
    let (_, rows_all) = read_csv(&out_all.join("timeseries.csv"));
    let (_, rows_kept) = read_csv(&out_kept.join("timeseries.csv"));
    let variables = |rows: &[Vec<String>]| {
        let mut v: Vec<String> = rows
            .iter()
            .filter(|r| !r[1].starts_with("event"))
            .map(|r| r[0].clone())
            .collect();
        v.dedup();
        v
    };
    assert_eq!(variables(&rows_kept), ["trust", "talks_open"]);
    assert!(variables(&rows_all).len() > 10);
    let wanted: Vec<&Vec<String>> = rows_all
        .iter()
        .filter(|r| r[1].starts_with("event") || r[0] == "trust" || r[0] == "talks_open")
        .collect();
    assert_eq!(rows_kept.iter().collect::<Vec<_>>(), wanted);
    assert_eq!(
        fs::read(out_all.join("summary.csv")).expect("summary"),
        fs::read(out_kept.join("summary.csv")).expect("summary")
    );
    // Fan charts: only the kept variables'.
    let charts = run(&kept, "charts", "2000", &[]);
    let mut per_step: Vec<String> = fs::read_dir(charts.join("charts"))
        .expect("charts folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png") && (n.starts_with("fan-") || n.starts_with("chance-")))
        .collect();
    per_step.sort();
    assert_eq!(per_step, ["chance-talks_open.png", "fan-trust.png"]);
}

/// `run --series` replaces the scenario's choice: a bad name is refused
/// before the run with the right one suggested; charts a scenario names
/// must be kept unless no charts are drawn; and shards merged with the
/// flag give the single run's bytes.
#[test]
fn series_flag_replaces_the_scenario_choice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = |name: &str| dir.path().join(name).to_str().expect("UTF-8").to_string();
    let ran = polsim(&[
        "run",
        COIN_FLIPS,
        "--series",
        "incidents_so_fa",
        "--out",
        &out("a"),
    ]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("did you mean `incidents_so_far`?"),
        "{}",
        ran.stderr
    );
    assert!(!dir.path().join("a").exists());

    // The bundled Palmyra baseline charts variables by name.
    let ran = polsim(&[
        "run",
        "--series",
        "none",
        "--runs",
        "200",
        "--out",
        &out("b"),
    ]);
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("--series charted, or pass --no-charts"),
        "{}",
        ran.stderr
    );
    let args = [
        "run",
        "--series",
        "none",
        "--runs",
        "200",
        "--no-charts",
        "--out",
    ];
    polsim(&[&args[..], &[&out("c")]].concat()).ok();
    let (_, rows) = read_csv(&dir.path().join("c/timeseries.csv"));
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r[1].starts_with("event")), "{rows:?}");

    let run = [
        "run", COIN_FLIPS, "--runs", "20000", "--seed", "7", "--series", "none",
    ];
    for k in ["1/2", "2/2"] {
        polsim(&[&run[..], &["--shard", k, "--out", &out("parts")]].concat()).ok();
    }
    let parts: Vec<String> = fs::read_dir(dir.path().join("parts"))
        .expect("parts")
        .map(|e| {
            e.expect("entry")
                .path()
                .to_str()
                .expect("UTF-8")
                .to_string()
        })
        .collect();
    let mut merge = vec!["merge", "--no-charts", "--out"];
    let merged = out("merged");
    merge.push(&merged);
    merge.extend(parts.iter().map(String::as_str));
    polsim(&merge).ok();
    polsim(&[&run[..], &["--no-charts", "--out", &out("single")]].concat()).ok();
    for file in ["timeseries.csv", "summary.csv"] {
        assert_eq!(
            fs::read(dir.path().join("merged").join(file)).expect("merged"),
            fs::read(dir.path().join("single").join(file)).expect("single"),
            "{file}"
        );
    }
    let (_, rows) = read_csv(&dir.path().join("single/timeseries.csv"));
    assert!(rows.iter().all(|r| r[0] != "incidents_so_far"), "{rows:?}");
}

#[test]
fn runs_csv_has_one_row_per_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    // More than one chunk of runs, so rows from several chunks are joined.
    run_coin_flips(dir.path(), "1500", &["--runs-csv", "--threads", "2"]).ok();
    let (header, rows) = read_csv(&dir.path().join("runs.csv"));
    let mut expected = vec!["run", "p_breakthrough", "p_incident"];
    expected.extend(OUTCOMES);
    assert_eq!(header, expected);
    assert_eq!(rows.len(), 1500);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), header.len());
        assert_eq!(row[0], i.to_string(), "runs in order");
        assert_eq!(row[1], "0.05");
        assert_eq!(row[2], "0.2");
        assert!(row[3] == "0" || row[3] == "1", "{row:?}");
        // first(breakthrough) is empty when it never happened
        assert_eq!(row[5].is_empty(), row[3] == "0", "{row:?}");
    }
}

#[test]
fn json_flag_prints_only_json_on_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ran = run_coin_flips(dir.path(), "1000", &["--json"]);
    ran.ok();
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is one JSON document");
    assert_eq!(printed["provenance"]["runs"], 1000);
    assert_eq!(printed, read_json(&dir.path().join("summary.json")));
}

#[test]
fn quiet_prints_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("UTF-8 temp path");
    // With charts and reports (the default), which must stay quiet too.
    let ran = polsim(&[
        "run", COIN_FLIPS, "--runs", "1000", "--seed", "2024", "--quiet", "--out", out,
    ]);
    ran.ok();
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr, "");
    assert!(dir.path().join("summary.csv").is_file());
    let ran = run_coin_flips(dir.path(), "1000", &["-q", "--runs-csv"]);
    ran.ok();
    assert_eq!(ran.stdout, "");
    assert_eq!(ran.stderr, "");
}

#[test]
fn set_changes_the_result_and_is_recorded() {
    let base = tempfile::tempdir().expect("tempdir");
    let changed = tempfile::tempdir().expect("tempdir");
    run_coin_flips(base.path(), "2000", &[]).ok();
    run_coin_flips(changed.path(), "2000", &["--set", "p_incident=0.5"]).ok();
    let base = read_json(&base.path().join("summary.json"));
    let changed = read_json(&changed.path().join("summary.json"));
    let mean = |s: &Value| {
        outcome(s, "incidents")["number"]["mean"]
            .as_f64()
            .expect("mean")
    };
    // 24 months at 0.2 per month is 4.8 incidents; at 0.5 it is 12.
    assert!((mean(&base) - 4.8).abs() < 0.3, "{}", mean(&base));
    assert!((mean(&changed) - 12.0).abs() < 0.3, "{}", mean(&changed));
    assert_eq!(
        changed["provenance"]["overrides"],
        serde_json::json!(["p_incident=0.5"])
    );
    assert_eq!(base["provenance"]["overrides"], serde_json::json!([]));
}

#[test]
fn set_of_an_unknown_parameter_suggests_the_right_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let ran = run_coin_flips(&out, "100", &["--set", "p_incidnt=0.5"]);
    ran.no_crash();
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("p_incidnt"), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("did you mean `p_incident`?"),
        "{}",
        ran.stderr
    );
    assert!(
        !out.exists(),
        "nothing is written when the scenario does not check"
    );
    // check takes the same overrides
    let ran = polsim(&["check", COIN_FLIPS, "--set", "p_incidnt=0.5"]);
    assert_eq!(ran.code, Some(2));
    assert!(ran.stderr.contains("did you mean `p_incident`?"));
}

#[test]
fn set_without_equals_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ran = run_coin_flips(dir.path(), "100", &["--set", "bad"]);
    ran.no_crash();
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("`bad`"), "{}", ran.stderr);
    assert!(ran.stderr.contains("NAME=VALUE"), "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
}

#[test]
fn zero_runs_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ran = run_coin_flips(dir.path(), "0", &[]);
    ran.no_crash();
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("--runs 0"), "{}", ran.stderr);
    assert!(!dir.path().join("summary.csv").exists());
}

/// Every flag clap knows for a subcommand, as `--long` (and `-s`).
fn flags_of(name: &str) -> Vec<String> {
    let cmd = polsim::cli::Cli::command();
    let sub = cmd
        .find_subcommand(name)
        .unwrap_or_else(|| panic!("no subcommand {name}"));
    let mut out = Vec::new();
    for arg in sub.get_arguments() {
        if let Some(long) = arg.get_long() {
            out.push(format!("--{long}"));
        }
        if let Some(short) = arg.get_short() {
            out.push(format!("-{short}"));
        }
    }
    out
}

#[test]
fn help_mentions_every_flag() {
    let expected_run = [
        "--runs",
        "--seed",
        "--threads",
        "--set",
        "--out",
        "--runs-csv",
        "--quiet",
        "--json",
        "--no-charts",
        "--format",
        "--size",
    ];
    let run_flags = flags_of("run");
    for flag in expected_run {
        assert!(run_flags.iter().any(|f| f == flag), "run has no {flag}");
    }
    assert!(flags_of("check").iter().any(|f| f == "--set"));
    let subcommands = [
        "run",
        "check",
        "compare",
        "sweep",
        "sensitivity",
        "graph",
        "scenarios",
        "init",
    ];
    for (sub, flags) in subcommands.map(|sub| (sub, flags_of(sub))) {
        let ran = polsim(&[sub, "--help"]);
        ran.ok();
        for flag in &flags {
            assert!(
                ran.stdout.contains(flag.as_str()),
                "`polsim {sub} --help` does not mention {flag}:\n{}",
                ran.stdout
            );
        }
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dirs: Vec<_> = (0..3)
        .map(|_| tempfile::tempdir().expect("tempdir"))
        .collect();
    // 5000 runs = several chunks, split differently across threads.
    for (dir, threads) in dirs.iter().zip(["1", "2", "4"]) {
        run_coin_flips(dir.path(), "5000", &["--threads", threads]).ok();
    }
    let read = |d: &tempfile::TempDir, f: &str| fs::read(d.path().join(f)).expect("read");
    for file in ["summary.csv", "timeseries.csv"] {
        let first = read(&dirs[0], file);
        for (dir, threads) in dirs.iter().zip(["1", "2", "4"]).skip(1) {
            assert!(
                read(dir, file) == first,
                "{file} differs between --threads 1 and --threads {threads}"
            );
        }
    }
}

#[test]
fn check_prints_the_evaluation_order() {
    let ran = polsim(&["check", COIN_FLIPS]);
    ran.ok();
    assert_eq!(ran.stderr, "");
    let out = &ran.stdout;
    assert!(out.contains("ok"), "{out}");
    let first = out.lines().next().unwrap_or("");
    for count in ["2 parameters", "1 state variable", "2 events", "4 outcomes"] {
        assert!(first.contains(count), "missing {count:?} in {first:?}");
    }
    // Phases in order, and each name in its phase: each needle must come
    // after the one before it.
    let order = [
        "before step 1, once per run:",
        "parameter p_breakthrough = 0.05",
        "parameter p_incident = 0.2",
        "state     incidents_so_far = 0  (initial value)",
        "each step t = 1..steps, in this order:",
        "event     breakthrough = chance p_breakthrough (once)",
        "event     incident = chance p_incident",
        "then every state advances together:",
        "state     incidents_so_far = incidents_so_far + incident",
        "after the last step, outcomes:",
        "breakthrough_by_24 (probability)",
        "breakthrough_by_12 (probability)",
        "breakthrough_month (number)",
        "incidents (number)",
    ];
    let mut from = 0;
    for needle in order {
        match out[from..].find(needle) {
            Some(i) => from += i + needle.len(),
            None => panic!("{needle:?} missing or out of order in:\n{out}"),
        }
    }
}

#[test]
fn a_failing_run_leaves_previous_results_intact() {
    let work = tempfile::tempdir().expect("tempdir");
    let out = work.path().join("out");
    run_coin_flips(&out, "1500", &["--runs-csv"]).ok();
    let before = snapshot(&out);
    for f in ["summary.csv", "summary.json", "timeseries.csv", "runs.csv"] {
        assert!(before.contains_key(f), "{f} missing after the first run");
    }

    // Checks clean, fails at run time: the chance per step exceeds 1 at step 4.
    let failing = work.path().join("failing.toml");
    fs::write(
        &failing,
        "[scenario]\nname = \"failing\"\nsteps = 12\nruns = 3000\nseed = 3\n\n\
         [parameters]\np_base = \"uniform(0, 0.05)\"\n\n\
         [events.escalation]\np = \"p_base + 0.3 * t\"\n\n\
         [outcomes]\nescalated = \"ever(escalation)\"\n",
    )
    .expect("write scenario");
    let ran = polsim(&[
        "run",
        failing.to_str().expect("UTF-8 path"),
        "--no-charts",
        "--runs-csv",
        "--out",
        out.to_str().expect("UTF-8 path"),
    ]);
    ran.no_crash();
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(ran.stderr.contains("escalation"), "{}", ran.stderr);

    let after = snapshot(&out);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "files were added or removed (temporary files left behind?)"
    );
    for (name, bytes) in &before {
        assert!(after[name] == *bytes, "{name} changed");
    }
}

/// P(breakthrough within 24 months) = 1 - 0.95^24, within 5 Monte Carlo
/// standard errors.
#[test]
fn coin_flips_matches_its_closed_form() {
    let dir = tempfile::tempdir().expect("tempdir");
    run_coin_flips(dir.path(), "20000", &[]).ok();
    let summary = read_json(&dir.path().join("summary.json"));
    let p = &outcome(&summary, "breakthrough_by_24")["probability"];
    let estimate = p["p"].as_f64().expect("p");
    let mcse = p["mcse"].as_f64().expect("mcse");
    let exact = 1.0 - 0.95f64.powi(24);
    assert!(mcse > 0.0 && mcse < 0.01, "mcse {mcse}");
    assert!(
        (estimate - exact).abs() <= 5.0 * mcse,
        "estimate {estimate}, exact {exact}, mcse {mcse}"
    );
    assert_eq!(p["trials"], 20000);
}

/// A new user's first command: `polsim run` alone runs the bundled Palmyra
/// baseline, from any folder.
#[test]
fn run_without_a_file_runs_the_bundled_baseline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = assert_cmd::Command::cargo_bin("polsim")
        .expect("binary")
        .current_dir(dir.path())
        .args(["run", "--runs", "300", "--no-charts"])
        .output()
        .expect("run polsim");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("palmyra-baseline"), "{stdout}");
    assert!(stdout.contains("Caesar Act"), "{stdout}");
    assert!(
        dir.path()
            .join("output/palmyra-baseline/summary.json")
            .exists()
    );
}

#[test]
fn scenarios_lists_every_bundled_scenario() {
    let ran = polsim(&["scenarios"]);
    ran.ok();
    for name in [
        "palmyra/baseline",
        "palmyra/second_attack",
        "examples/coin-flips",
    ] {
        assert!(ran.stdout.contains(name), "{name} missing:\n{}", ran.stdout);
    }
    assert!(!ran.stdout.contains("does not check"), "{}", ran.stdout);
}

#[test]
fn init_writes_a_starter_that_checks_and_runs_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("my-model.toml");
    let file = file.to_str().expect("UTF-8 path");
    polsim(&["init", file]).ok();
    polsim(&["check", file]).ok();
    let out = dir.path().join("out");
    polsim(&[
        "run",
        file,
        "--runs",
        "200",
        "--no-charts",
        "--out",
        out.to_str().expect("UTF-8"),
    ])
    .ok();
    let text = std::fs::read_to_string(file).expect("starter");
    assert!(text.contains("name = \"my-model\""), "{text}");
    let again = polsim(&["init", file]);
    assert_eq!(again.code, Some(2), "{}", again.stderr);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn graph_writes_dot_and_svg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("UTF-8");
    polsim(&["graph", "scenarios/examples/coin-flips.toml", "--out", out]).ok();
    let dot = std::fs::read_to_string(dir.path().join("graph.dot")).expect("graph.dot");
    let svg = std::fs::read_to_string(dir.path().join("graph.svg")).expect("graph.svg");
    assert!(dot.contains("\ndigraph \"coin-flips\" {"), "{dot}");
    assert!(
        dot.contains("p_incident") && dot.contains("incident"),
        "{dot}"
    );
    assert!(
        svg.contains("<svg") && svg.contains("p_breakthrough"),
        "svg lacks a node label"
    );
    let piped = polsim(&["graph", "examples/coin-flips", "--dot"]);
    piped.ok();
    assert_eq!(piped.stdout, dot, "--dot prints the same DOT");
}

#[test]
fn graph_lists_loops_focuses_and_explains_a_misspelt_focus() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("UTF-8");
    let ran = polsim(&[
        "graph",
        "examples/deterrence",
        "--focus",
        "tension",
        "--depth",
        "1",
        "--out",
        out,
    ]);
    ran.ok();
    // deterrence: incidents raise tension, which makes incidents likelier.
    assert!(
        ran.stdout.contains("Feedback loops through tension:"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("R1 "), "{}", ran.stdout);
    let svg = std::fs::read_to_string(dir.path().join("graph.svg")).expect("graph.svg");
    assert!(svg.contains("Around"), "the drawing says what it shows");

    let json = polsim(&["graph", "examples/deterrence", "--json"]);
    json.ok();
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert!(value["edges"].as_array().is_some_and(|e| !e.is_empty()));
    let polarities: Vec<&str> = value["loops"]
        .as_array()
        .expect("loops")
        .iter()
        .filter_map(|l| l["polarity"].as_str())
        .collect();
    // tension forgets (a balancing loop of one) and feeds incidents that
    // raise it (reinforcing)
    assert_eq!(polarities, ["balancing", "reinforcing"], "{}", json.stdout);

    let typo = polsim(&["graph", "examples/deterrence", "--focus", "tensoin"]);
    assert_eq!(typo.code, Some(2), "{}", typo.stderr);
    assert!(
        typo.stderr.contains("did you mean `tension`?"),
        "{}",
        typo.stderr
    );
    let lone_depth = polsim(&["graph", "examples/deterrence", "--depth", "3"]);
    assert_eq!(lone_depth.code, Some(2), "{}", lone_depth.stderr);
    assert!(
        lone_depth.stderr.contains("--focus"),
        "{}",
        lone_depth.stderr
    );
}

#[test]
fn bundled_names_work_wherever_a_file_is_expected() {
    polsim(&["check", "palmyra/vetting_now"]).ok();
    let ran = polsim(&["check", "palmyra/vetting_nwo"]);
    assert_eq!(ran.code, Some(2));
    assert!(ran.stderr.contains("polsim scenarios"), "{}", ran.stderr);
}

/// `--set` and `--given` runs get folders of their own: a what-if never
/// overwrites the plain run, and its charts and report say what changed.
#[test]
fn what_if_runs_get_their_own_folder_and_say_so() {
    let work = tempfile::tempdir().expect("tempdir");
    let scenario = common::root().join("scenarios/examples/deterrence.toml");
    let run = |extra: &[&str]| {
        let mut cmd = common::polsim();
        cmd.current_dir(work.path())
            .arg("run")
            .arg(&scenario)
            .args(["--runs", "300", "-q", "--format", "svg"])
            .args(extra)
            .assert()
            .success();
    };
    run(&[]);
    let plain = work.path().join("output/deterrence");
    let before = fs::read(plain.join("summary.json")).expect("plain summary");
    run(&["--set", "threat=0.9"]);
    run(&["--given", "count(incident) >= 1"]);
    run(&["--set", "threat=0.9", "--given", "count(incident) >= 1"]);
    assert_eq!(
        fs::read(plain.join("summary.json")).expect("plain summary"),
        before,
        "a what-if run overwrote the plain run"
    );
    let set = work.path().join("output/deterrence--threat=0.9");
    let given = work
        .path()
        .join("output/deterrence--given-count-incident-ge-1");
    let both = work
        .path()
        .join("output/deterrence--threat=0.9--given-count-incident-ge-1");
    for dir in [&set, &given, &both] {
        assert!(
            dir.join("summary.json").is_file(),
            "{} missing",
            dir.display()
        );
    }

    let fan = |dir: &Path| fs::read_to_string(dir.join("charts/fan-tension.svg")).expect("chart");
    assert!(
        !fan(&plain).contains("with "),
        "plain subtitle names a what-if"
    );
    assert!(fan(&set).contains("deterrence with threat=0.9 · 300 runs"));
    assert!(fan(&given).contains("deterrence given count(incident) &gt;= 1 · 300 runs"));
    assert!(fan(&both).contains("deterrence with threat=0.9, given count(incident) &gt;= 1"));

    let html = fs::read_to_string(both.join("report.html")).expect("report");
    assert!(
        html.contains("<h1>deterrence with threat=0.9, given count(incident) &gt;= 1</h1>"),
        "report heading lacks the what-if"
    );
    assert!(
        html.contains("--set threat=0.9 --given &#39;count(incident) &gt;= 1&#39;"),
        "the command to reproduce lacks --given"
    );
    let plain_html = fs::read_to_string(plain.join("report.html")).expect("report");
    assert!(plain_html.contains("<h1>deterrence</h1>"));
}

#[test]
fn what_if_folder_names_are_readable_and_distinct() {
    use polsim::cli::out_folder;
    assert_eq!(out_folder("Deterrence", &[], None), "deterrence");
    assert_eq!(
        out_folder(
            "deterrence",
            &["base_risk=pert(0.05, 0.1, 0.2)".into()],
            None
        ),
        "deterrence--base_risk=pert-0.05-0.1-0.2"
    );
    assert_eq!(
        out_folder("palmyra-baseline", &[], Some("count(insider_attack) >= 1")),
        "palmyra-baseline--given-count-insider_attack-ge-1"
    );
    let long = |x: &str| {
        out_folder(
            "m",
            &[],
            Some(&format!(
                "ever(first_event_with_a_long_name) && {x} > 0.5 && count(e) < 3"
            )),
        )
    };
    let (a, b) = (long("alpha_value"), long("alpha_other"));
    assert_ne!(a, b, "two long conditions share a folder");
    assert!(a.len() <= "m--".len() + 50 + 9, "{a}");
    assert!(!a.contains('/') && !a.contains(' '), "{a}");
}

#[test]
fn color_follows_the_flag_and_no_color() {
    use polsim::cli::ColorChoice;
    let set = Some(std::ffi::OsStr::new("1"));
    let empty = Some(std::ffi::OsStr::new(""));
    assert!(ColorChoice::Auto.enabled(None, true));
    assert!(!ColorChoice::Auto.enabled(None, false));
    assert!(!ColorChoice::Auto.enabled(set, true), "NO_COLOR is ignored");
    assert!(
        ColorChoice::Auto.enabled(empty, true),
        "an empty NO_COLOR counts"
    );
    assert!(ColorChoice::Always.enabled(set, false));
    assert!(!ColorChoice::Never.enabled(None, true));

    let bad = common::root().join("tests/bad/unknown-name.toml");
    let stderr = |extra: &[&str]| {
        let out = common::polsim()
            .arg("check")
            .arg(&bad)
            .args(extra)
            .env_remove("NO_COLOR")
            .output()
            .expect("polsim");
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(
        stderr(&["--color", "always"]).contains("\u{1b}["),
        "no colour with --color always"
    );
    assert!(!stderr(&["--color", "never"]).contains('\u{1b}'));
    assert!(!stderr(&[]).contains('\u{1b}'), "colour on a pipe");
    let bad_flag = common::polsim()
        .args(["check", "x.toml", "--color", "sometimes"])
        .output()
        .expect("polsim");
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[test]
fn check_and_scenarios_speak_json() {
    let out = common::polsim()
        .args(["check", COIN_FLIPS, "--json"])
        .output()
        .expect("polsim");
    assert_eq!(out.status.code(), Some(0));
    let model: Value = serde_json::from_slice(&out.stdout).expect("check --json is JSON");
    assert_eq!(model["name"], "coin-flips");
    assert_eq!(model["steps"], 24);
    let names = |key: &str| -> Vec<String> {
        model[key]
            .as_array()
            .expect("a list")
            .iter()
            .map(|v| v["name"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(names("parameters"), ["p_breakthrough", "p_incident"]);
    assert_eq!(names("each_step"), ["breakthrough", "incident"]);
    assert_eq!(
        model["outcomes"].as_array().map(Vec::len),
        Some(OUTCOMES.len())
    );

    let bad = common::polsim()
        .args(["check", "tests/bad/unknown-name.toml", "--json"])
        .output()
        .expect("polsim");
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty(), "a failed check prints no JSON");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("error:"));

    let list = common::polsim()
        .args(["scenarios", "--json"])
        .output()
        .expect("polsim");
    let list: Value = serde_json::from_slice(&list.stdout).expect("scenarios --json is JSON");
    assert_eq!(list["default"], "palmyra/baseline");
    let scenarios = list["scenarios"].as_array().expect("a list");
    assert!(scenarios.iter().any(|s| {
        s["name"] == "palmyra/baseline"
            && s["description"]
                .as_str()
                .is_some_and(|d| d.contains("Palmyra"))
    }));
}

#[test]
fn completions_and_man_page_cover_every_command() {
    let text = |args: &[&str]| {
        let out = common::polsim().args(args).output().expect("polsim");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let bash = text(&["completions", "bash"]);
    let man = text(&["man"]);
    assert!(
        man.starts_with(".ie") && man.contains(".TH polsim 1"),
        "not a man page"
    );
    for command in [
        "run",
        "check",
        "compare",
        "sweep",
        "sensitivity",
        "graph",
        "scenarios",
        "init",
    ] {
        assert!(bash.contains(command), "bash completion lacks {command}");
        assert!(man.contains(command), "man page lacks {command}");
    }
    assert!(bash.contains("--color") && bash.contains("--given"));
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        assert!(text(&["completions", shell]).contains("polsim"), "{shell}");
    }
    let bad = common::polsim()
        .args(["completions", "tcsh"])
        .output()
        .expect("polsim");
    assert_eq!(bad.status.code(), Some(2));
}

/// The numbers table carries the MCSE of every statistic (±, beneath the
/// mean, sd and quantiles), wraps long labels, and keeps the bundled
/// Palmyra baseline's table within 100 columns.
#[test]
fn the_numbers_table_shows_every_mcse_within_100_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = crate::common::polsim()
        .args([
            "run",
            "palmyra/baseline",
            "--runs",
            "2000",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path().join("palmyra"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(out).unwrap();
    let (_, numbers) = table.split_once("Numbers (± its MCSE below each)").unwrap();
    let (numbers, _) = numbers.split_once("\n\n").unwrap();
    for line in table.lines().filter(|l| !l.starts_with("wrote ")) {
        assert!(
            line.chars().count() <= 100,
            "wider than 100 columns: {line}"
        );
    }
    // Every outcome's values line is followed by its line of five ± cells.
    let errors = numbers
        .lines()
        .filter(|l| l.matches('±').count() == 5)
        .count();
    let values = numbers
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("    ") && !l.contains(':'))
        .count();
    assert!(
        errors >= 15 && errors == values,
        "{errors} ± lines, {values} value lines:\n{numbers}"
    );
}
