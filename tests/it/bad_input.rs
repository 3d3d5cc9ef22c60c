//! The bad-input corpus: every `tests/bad/NAME.toml` is a scenario with a
//! mistake in it, and `tests/bad/NAME.expected` is exactly what
//! `polsim check tests/bad/NAME.toml` prints on stderr. Each must exit with
//! code 2, must not panic, and must print its expected message.
//!
//! Files in subfolders of tests/bad/ are not run directly: they are the
//! bases that top-level files extend, or inputs for the run-time test below.
//!
//! To update the expected messages deliberately, run
//! `POLSIM_BLESS=1 cargo test --test it bad_input` and review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common;

fn bad_dir() -> PathBuf {
    common::root().join("tests").join("bad")
}

fn blessing() -> bool {
    std::env::var("POLSIM_BLESS").is_ok_and(|v| v == "1")
}

/// The top-level `.toml` files of tests/bad/, sorted by name.
fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(bad_dir())
        .expect("tests/bad/ exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    out.sort();
    out
}

fn name_of(path: &Path) -> String {
    path.file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// Signs that the program crashed instead of reporting the problem.
fn crash_signs(stderr: &str) -> Option<&'static str> {
    [
        "panicked",
        "stack backtrace",
        "RUST_BACKTRACE",
        "overflowed its stack",
    ]
    .into_iter()
    .find(|sign| stderr.contains(sign))
}

/// Run `polsim check` on one case; `Err` describes how it failed.
fn check_case(path: &Path) -> Result<(), String> {
    let name = name_of(path);
    let relative = format!("tests/bad/{name}.toml");
    let output = common::polsim()
        .args(["check", &relative])
        .env_remove("RUST_BACKTRACE")
        .output()
        .map_err(|e| format!("{name}: cannot run polsim: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if let Some(sign) = crash_signs(&stderr) {
        return Err(format!(
            "{name}: crashed (stderr contains {sign:?}):\n{stderr}"
        ));
    }
    if output.status.code() != Some(2) {
        return Err(format!(
            "{name}: exit code {:?}, expected 2\nstdout:\n{stdout}\nstderr:\n{stderr}",
            output.status.code()
        ));
    }
    if !stdout.is_empty() {
        return Err(format!("{name}: printed on stdout:\n{stdout}"));
    }
    let expected_path = path.with_extension("expected");
    if blessing() {
        fs::write(&expected_path, &stderr)
            .map_err(|e| format!("{name}: cannot write {}: {e}", expected_path.display()))?;
        return Ok(());
    }
    let expected = fs::read_to_string(&expected_path).map_err(|e| {
        format!(
            "{name}: cannot read {} ({e}); run with POLSIM_BLESS=1 to create it\nstderr was:\n{stderr}",
            expected_path.display()
        )
    })?;
    if stderr != expected {
        return Err(format!(
            "{name}: stderr differs from {name}.expected (run with POLSIM_BLESS=1 to accept)\n\
             --- expected\n{expected}\n--- actual\n{stderr}"
        ));
    }
    Ok(())
}

#[test]
fn every_bad_file_gives_its_expected_message() {
    let cases = cases();
    assert!(
        cases.len() >= 25,
        "tests/bad/ has only {} cases",
        cases.len()
    );
    let failures: Vec<String> = cases.iter().filter_map(|p| check_case(p).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad-input cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_expected_file_has_its_scenario() {
    let mut orphans = Vec::new();
    for entry in fs::read_dir(bad_dir()).expect("tests/bad/ exists") {
        let path = entry.expect("readable directory entry").path();
        if path.extension().is_some_and(|e| e == "expected")
            && !path.with_extension("toml").is_file()
        {
            orphans.push(path.display().to_string());
        }
    }
    assert!(
        orphans.is_empty(),
        "expected files without a .toml: {orphans:?}"
    );
}

/// Every message names the file, a line and a column, and says how to fix it.
#[test]
fn expected_messages_are_located_and_helpful() {
    if blessing() {
        return;
    }
    // Known gaps would be listed here, to be removed as the messages improve.
    let unlocated: [&str; 0] = [];
    let without_help: [&str; 0] = [];
    let mut problems = Vec::new();
    for path in cases() {
        let name = name_of(&path);
        let Ok(text) = fs::read_to_string(path.with_extension("expected")) else {
            continue; // reported by the main test
        };
        if !text.ends_with("nothing was run\n") {
            problems.push(format!("{name}: does not end with the summary line"));
        }
        // One `error:` line per problem plus the summary line; each problem
        // needs its own `help:`.
        let errors = text.lines().filter(|l| l.starts_with("error: ")).count();
        let helps = text.lines().filter(|l| l.contains("= help: ")).count();
        if helps + 1 < errors && !without_help.contains(&name.as_str()) {
            problems.push(format!(
                "{name}: {} problems but only {helps} `help:` lines",
                errors.saturating_sub(1)
            ));
        }
        // Each problem points at `tests/bad/FILE.toml:LINE:COL` (an `extends`
        // chain may point into a base file in a subfolder, a bad cell into
        // the `.csv` data file an input reads).
        let located = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--> tests/bad/"))
            .filter(|place| {
                let mut parts = place.rsplitn(3, ':');
                let col = parts.next().unwrap_or("");
                let line = parts.next().unwrap_or("");
                parts
                    .next()
                    .is_some_and(|f| f.ends_with(".toml") || f.ends_with(".csv"))
                    && [line, col]
                        .iter()
                        .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            })
            .count();
        if located + 1 < errors && !unlocated.contains(&name.as_str()) {
            problems.push(format!(
                "{name}: {} problems but only {located} file:line:col locations",
                errors.saturating_sub(1)
            ));
        }
        if text.contains('\u{1b}') {
            problems.push(format!("{name}: contains colour codes"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn three_mistakes_give_three_messages() {
    let output = common::polsim()
        .args(["check", "tests/bad/three-mistakes.toml"])
        .output()
        .expect("run polsim");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors = stderr.lines().filter(|l| l.starts_with("error: ")).count();
    // Three problems plus the closing summary line.
    assert_eq!(errors, 4, "{stderr}");
    assert!(stderr.contains("scenario has 3 problems"), "{stderr}");
}

const LEAVES_RANGE: &str = "tests/bad/runtime/probability-leaves-range.toml";

/// Runs `polsim run FILE --no-charts --out OUT`: (exit code, stdout, stderr).
fn run_failing(file: &str, out: &Path) -> (Option<i32>, String, String) {
    let output = common::polsim()
        .args(["run", file, "--no-charts", "--out"])
        .arg(out)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run polsim");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A probability that leaves [0, 1] during a run (`p = "0.3 * t"` reaches 1.2
/// at step 4) stops the run with exit code 1 and a message naming the event,
/// the step, the run index and the value; the same seed repeats it exactly.
#[test]
fn run_time_probability_out_of_range_stops_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, stdout, stderr) = run_failing(LEAVES_RANGE, &dir.path().join("first"));
    assert_eq!(code, Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(crash_signs(&stderr).is_none(), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    for needle in [
        "event `escalation`",
        "step 4",
        "run 0",
        "1.2",
        "outside [0, 1]",
        "--seed 11",
        "run index 0",
        "clamp(",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
    let (code2, _, stderr2) = run_failing(LEAVES_RANGE, &dir.path().join("second"));
    assert_eq!(code2, Some(1));
    assert_eq!(stderr, stderr2, "the same seed must give the same message");
}

/// An outcome that is none (NaN) in some runs without reading `first(...)`
/// or saying `may_be_none = true` (here `sqrt` of a negative number) stops
/// the run with exit code 1, naming the outcome, the run and the values it
/// read; with `may_be_none = true` the same expression runs and counts those
/// runs as none.
#[test]
fn an_outcome_that_is_none_where_it_may_not_be_stops_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = run_failing(
        "tests/bad/runtime/outcome-none.toml",
        &dir.path().join("out"),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(crash_signs(&stderr).is_none(), "{stderr}");
    for needle in [
        "outcome `root`",
        "run 2",
        "x = 0.234",
        "--seed 3",
        "may_be_none = true",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
    assert!(!dir.path().join("out").join("summary.csv").exists());

    let text = std::fs::read_to_string("tests/bad/runtime/outcome-none.toml")
        .expect("read")
        .replace(
            r#"root = "sqrt(x - 0.5)""#,
            r#"root = { expr = "sqrt(x - 0.5)", may_be_none = true }"#,
        );
    let model = common::load_text(&text);
    let mut results = common::simulate(&model, 2000, 3, 0);
    let s = polsim::summary::summarize(&model, &mut results, &Default::default());
    let root = s.outcomes[0].number.clone().expect("a number");
    // P(x < 0.5) = 0.5 for x ~ uniform(0, 1): none in about half the runs
    // (binomial sd sqrt(2000 * 0.25) = 22.4; 5 sd = 112).
    assert!((root.none as f64 - 1000.0).abs() < 112.0, "{}", root.none);
}

/// A probability outcome whose value in a run is neither 0 nor 1 (here a
/// parameter drawn from 0, 1, 2, which checking cannot rule out) stops the
/// run with exit code 1 instead of reading 2 as "yes".
#[test]
fn a_probability_outcome_that_is_not_yes_no_in_a_run_stops_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = run_failing(
        "tests/bad/runtime/probability-not-yes-no.toml",
        &dir.path().join("out"),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(crash_signs(&stderr).is_none(), "{stderr}");
    for needle in [
        "outcome `high`",
        "value 2",
        "level = 2",
        "--seed 4",
        "kind = \"number\"",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
}

/// `kind = "probability"` is refused only where the expression's type shows
/// it is not a yes/no (tests/bad/probability-outcome-count.toml); yes/no
/// expressions of every form still check, and so do expressions whose range
/// depends on values.
#[test]
fn probability_outcomes_that_are_yes_no_still_check() {
    let model = common::load_text(
        r#"
[scenario]
steps = 12
[events.attack]
p = 0.1
[derived]
alarm = "attack or t > 6"
[outcomes]
a = { expr = "count(attack) >= 1", kind = "probability" }
b = { expr = "if(count(attack) > 2, 1, 0)", kind = "probability" }
c = { expr = "max(alarm)", kind = "probability" }
d = { expr = "ever(attack)", kind = "probability" }
e = { expr = "at(attack, 3)", kind = "probability" }
f = { expr = "1", kind = "probability" }
"#,
    );
    assert!(
        model
            .outcomes
            .iter()
            .all(|o| o.kind == polsim::scenario::OutcomeKind::Probability)
    );
    assert_eq!(model.outcomes.len(), 6);
}
