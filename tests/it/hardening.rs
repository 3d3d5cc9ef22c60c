//! Scenario files from strangers, interrupted and concurrent runs, very
//! large inputs: the promises of docs/reliability.md, one test (or more)
//! each. Bad scenario files that fit in a file live in tests/bad/; the
//! cases here need a temporary folder (symlinks, FIFOs, long chains, huge
//! names) or a second process.

use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common;

const SMALL: &str = "[scenario]\nname = \"small\"\nsteps = 3\nruns = 200\nseed = 5\n\n\
[parameters]\nrisk = \"uniform(0.1, 0.3)\"\n\n[events.hit]\np = \"risk\"\n\n\
[outcomes]\nhits = \"count(hit)\"\n";

fn polsim_in(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("polsim")
        .expect("binary")
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .output()
        .expect("run polsim")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code 2, a message containing every `needle`, no panic.
fn refused(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(2), "{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} missing from:\n{err}");
    }
}

#[test]
fn extends_may_not_leave_the_scenario_folder_even_through_a_symlink() {
    let work = tempfile::tempdir().expect("tempdir");
    let models = work.path().join("models");
    fs::create_dir(&models).expect("mkdir");
    fs::write(work.path().join("secret.toml"), "password = \"hunter2\"\n").expect("write");
    fs::write(models.join("up.toml"), "extends = \"../secret.toml\"\n").expect("write");
    let out = polsim_in(work.path(), &["check", "models/up.toml"]);
    refused(&out, &["outside the folder tree `models`", "--root"]);
    assert!(!stderr(&out).contains("hunter2"));

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(work.path().join("secret.toml"), models.join("link.toml"))
            .expect("symlink");
        fs::write(models.join("via-link.toml"), "extends = \"link.toml\"\n").expect("write");
        let out = polsim_in(work.path(), &["check", "models/via-link.toml"]);
        refused(&out, &["outside the folder tree", "symlinks resolved"]);
        assert!(!stderr(&out).contains("hunter2"));
    }

    // --root widens the rule: the base is read (and then checked).
    let out = polsim_in(work.path(), &["check", "models/up.toml", "--root", "."]);
    let err = stderr(&out);
    assert!(err.contains("unknown"), "{err}");
    assert!(!err.contains("outside the folder"), "{err}");
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_without_hanging() {
    let work = tempfile::tempdir().expect("tempdir");
    let fifo = work.path().join("pipe.toml");
    let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path and a mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    fs::write(work.path().join("a.toml"), "extends = \"pipe.toml\"\n").expect("write");
    let started = Instant::now();
    let out = polsim_in(work.path(), &["check", "a.toml"]);
    refused(&out, &["a FIFO (named pipe), not a regular file"]);
    let out = polsim_in(work.path(), &["check", "pipe.toml"]);
    refused(&out, &["a FIFO"]);
    let out = polsim_in(work.path(), &["check", "/dev/zero"]);
    refused(&out, &["a device, not a regular file"]);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn files_over_16_mib_are_refused() {
    let work = tempfile::tempdir().expect("tempdir");
    let big = fs::File::create(work.path().join("big.toml")).expect("create");
    big.set_len(17 * 1024 * 1024).expect("grow");
    fs::write(work.path().join("a.toml"), "extends = \"big.toml\"\n").expect("write");
    let out = polsim_in(work.path(), &["check", "a.toml"]);
    refused(&out, &["larger than the limit of 16777216 bytes"]);
}

#[test]
fn a_chain_of_16000_extends_fails_fast() {
    let work = tempfile::tempdir().expect("tempdir");
    for i in 0..16_000 {
        fs::write(
            work.path().join(format!("v{i}.toml")),
            format!("extends = \"v{}.toml\"\n", i + 1),
        )
        .expect("write");
    }
    let started = Instant::now();
    let out = polsim_in(work.path(), &["check", "v0.toml"]);
    refused(&out, &["`extends` chain is too long: more than 64 files"]);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn the_scenario_hash_depends_on_content_only() {
    let work = tempfile::tempdir().expect("tempdir");
    fs::write(work.path().join("x.toml"), SMALL).expect("write");
    let hash = |file: &str, out: &str| {
        let ran = polsim_in(
            work.path(),
            &["run", file, "--no-charts", "--quiet", "--out", out],
        );
        assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
        let json: serde_json::Value = serde_json::from_slice(
            &fs::read(work.path().join(out).join("summary.json")).expect("summary.json"),
        )
        .expect("json");
        json["provenance"]["scenario_sha256"]
            .as_str()
            .expect("hash")
            .to_string()
    };
    let absolute = work.path().join("x.toml");
    let a = hash("x.toml", "a");
    assert_eq!(a, hash("./x.toml", "b"));
    assert_eq!(a, hash(absolute.to_str().expect("UTF-8"), "c"));
}

#[test]
fn the_hash_of_a_single_file_is_its_sha256() {
    use sha2::{Digest, Sha256};
    let text = fs::read(common::root().join("scenarios/examples/coin-flips.toml")).expect("read");
    let expected: String = Sha256::digest(&text)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let model = common::load("scenarios/examples/coin-flips.toml");
    assert_eq!(model.info.hash, expected);
}

// ------------------------------------------------------------ results

/// A run long enough to be interrupted: it holds its folder for minutes.
fn start_long_run(dir: &Path, out: &str) -> std::process::Child {
    fs::write(dir.join("long.toml"), SMALL).expect("write");
    std::process::Command::new(assert_cmd::cargo::cargo_bin("polsim"))
        .current_dir(dir)
        .args([
            "run",
            "long.toml",
            "--runs",
            "100000000",
            "--threads",
            "1",
            "--no-charts",
            "--quiet",
            "--out",
            out,
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start polsim")
}

/// Wait until `dir` holds an entry whose name contains `part`.
fn wait_for_entry(dir: &Path, part: &str) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        let found = fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().contains(part))
            })
            .unwrap_or(false);
        if found {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("read_dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn first_run(dir: &Path) -> Vec<u8> {
    fs::write(dir.join("small.toml"), SMALL).expect("write");
    let out = polsim_in(
        dir,
        &[
            "run",
            "small.toml",
            "--no-charts",
            "--quiet",
            "--out",
            "res",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fs::read(dir.join("res/summary.csv")).expect("summary.csv")
}

#[cfg(unix)]
fn signal(child: &std::process::Child, signal: i32) {
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
}

#[cfg(unix)]
#[test]
fn a_second_writer_stops_with_the_folder_and_the_process_named() {
    let work = tempfile::tempdir().expect("tempdir");
    let before = first_run(work.path());
    let mut long = start_long_run(work.path(), "res");
    assert!(wait_for_entry(work.path(), ".res.polsim-new-"));
    let second = polsim_in(
        work.path(),
        &[
            "run",
            "small.toml",
            "--no-charts",
            "--quiet",
            "--out",
            "res",
        ],
    );
    signal(&long, libc::SIGTERM);
    let _ = long.wait();
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(
        err.contains("res is being written by another polsim process")
            && err.contains(&format!("process id {}", long.id())),
        "{err}"
    );
    // The interrupted run left the first results whole and nothing else.
    assert_eq!(
        fs::read(work.path().join("res/summary.csv")).expect("read"),
        before
    );
    assert_eq!(entries(work.path()), ["long.toml", "res", "small.toml"]);
}

#[cfg(unix)]
#[test]
fn ctrl_c_and_sigterm_remove_the_temporary_folder() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let work = tempfile::tempdir().expect("tempdir");
        let before = first_run(work.path());
        let mut long = start_long_run(work.path(), "res");
        assert!(wait_for_entry(work.path(), ".res.polsim-new-"));
        signal(&long, sig);
        let status = long.wait().expect("wait");
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(sig), "{status:?}");
        assert_eq!(entries(work.path()), ["long.toml", "res", "small.toml"]);
        assert_eq!(
            fs::read(work.path().join("res/summary.csv")).expect("read"),
            before
        );
    }
}

#[cfg(unix)]
#[test]
fn a_killed_run_leaves_the_old_results_and_its_temporaries_go_at_the_next_start() {
    let work = tempfile::tempdir().expect("tempdir");
    let before = first_run(work.path());
    let mut long = start_long_run(work.path(), "res");
    assert!(wait_for_entry(work.path(), ".res.polsim-new-"));
    signal(&long, libc::SIGKILL);
    let _ = long.wait();
    assert_eq!(
        fs::read(work.path().join("res/summary.csv")).expect("read"),
        before
    );
    // The next run removes the killed run's staging folder, and sets the
    // result set it replaces aside for the run after it to remove.
    let again = polsim_in(
        work.path(),
        &[
            "run",
            "small.toml",
            "--no-charts",
            "--quiet",
            "--out",
            "res",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let listed = entries(work.path());
    assert_eq!(listed.len(), 4, "{listed:?}");
    assert!(listed[0].starts_with(".res.polsim-old-"), "{listed:?}");
    assert_eq!(listed[1..], ["long.toml", "res", "small.toml"]);
    assert_eq!(
        fs::read(work.path().join("res/summary.csv")).expect("read"),
        before
    );
}

#[test]
fn a_result_set_replaces_the_previous_one_whole() {
    let work = tempfile::tempdir().expect("tempdir");
    fs::write(work.path().join("small.toml"), SMALL).expect("write");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "small.toml",
            "--quiet",
            "--out",
            "res",
            "--format",
            "svg",
        ];
        args.extend_from_slice(extra);
        let out = polsim_in(work.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    };
    run(&["--runs-csv"]);
    assert!(work.path().join("res/runs.csv").exists());
    let graph = polsim_in(work.path(), &["graph", "small.toml", "--out", "res"]);
    assert_eq!(graph.status.code(), Some(0), "{}", stderr(&graph));
    run(&["--no-charts"]);
    let now = entries(&work.path().join("res"));
    // runs.csv, the charts and the reports were the previous run's: gone.
    // graph.dot and graph.svg are another command's: kept.
    assert_eq!(
        now,
        [
            ".polsim-files",
            "graph.dot",
            "graph.svg",
            "summary.csv",
            "summary.json",
            "timeseries.csv"
        ]
    );
}

#[test]
fn a_folder_holding_other_files_is_not_replaced() {
    let work = tempfile::tempdir().expect("tempdir");
    fs::write(work.path().join("small.toml"), SMALL).expect("write");
    fs::create_dir(work.path().join("mine")).expect("mkdir");
    fs::write(work.path().join("mine/notes.txt"), "mine").expect("write");
    let out = polsim_in(
        work.path(),
        &[
            "run",
            "small.toml",
            "--no-charts",
            "--quiet",
            "--out",
            "mine",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("it holds `notes.txt`, which polsim did not write"),
        "{err}"
    );
    assert_eq!(entries(&work.path().join("mine")), ["notes.txt"]);
    let out = polsim_in(
        work.path(),
        &["run", "small.toml", "--no-charts", "--quiet", "--out", "."],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("name a folder of its own"), "{err}");
}

// ------------------------------------------------------------ limits

#[test]
fn a_huge_thread_count_is_refused_at_once() {
    let work = tempfile::tempdir().expect("tempdir");
    fs::write(work.path().join("small.toml"), SMALL).expect("write");
    for threads in ["10000", "100000"] {
        let started = Instant::now();
        let out = polsim_in(
            work.path(),
            &["run", "small.toml", "--threads", threads, "--no-charts"],
        );
        refused(
            &out,
            &[&format!(
                "--threads {threads} is more than this machine can use"
            )],
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}

#[test]
fn many_default_charts_give_a_warning_that_points_at_the_charts_table() {
    let work = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("[scenario]\nname = \"wide\"\nsteps = 2\nruns = 10\n\n[derived]\n");
    for i in 0..100 {
        text.push_str(&format!("d{i} = \"{i}\"\n"));
    }
    fs::write(work.path().join("wide.toml"), text).expect("write");
    // --format svg with a tiny size: the warning is what is tested.
    let out = polsim_in(
        work.path(),
        &["run", "wide.toml", "--format", "svg", "--size", "400x300"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: this run will draw 100 charts") && err.contains("[charts]"),
        "{err}"
    );
}

#[test]
fn runs_csv_size_is_estimated_generously() {
    // 1000 runs of 3 columns: 63 kB at most.
    assert_eq!(polsim::cli::runs_csv_bytes(1000, 3), 63_000);
    assert_eq!(polsim::cli::human_bytes(9_800_000_000), "9.8 GB");
    let refusal = polsim::cli::runs_csv_refusal(10_000_000_000, 3_000_000_000);
    assert!(refusal.is_some_and(|m| m.contains("about 10.0 GB") && m.contains("3.0 GB")));
    assert!(polsim::cli::runs_csv_refusal(1_000, 3_000_000_000).is_none());
}

// ------------------------------------------------------------ hygiene

/// A cell a spreadsheet would run: starts with = + @, or - and not a number.
fn formula_like(cell: &str) -> bool {
    let risky = cell.starts_with(['=', '+', '@', '-']);
    risky && cell.parse::<f64>().is_err()
}

#[test]
fn csv_text_cells_cannot_become_formulas() {
    let work = tempfile::tempdir().expect("tempdir");
    let text = "[scenario]\nname = \"inject\"\nsteps = 2\nruns = 50\n\n[events.e]\np = 0.5\n\n\
[outcomes]\nhits = { expr = \"count(e)\", label = \"=HYPERLINK(\\\"http://evil\\\")\" }\n\
any = { expr = \"ever(e)\", label = \"@SUM(A1)\" }\n";
    fs::write(work.path().join("inject.toml"), text).expect("write");
    let out = polsim_in(
        work.path(),
        &[
            "run",
            "inject.toml",
            "--no-charts",
            "--quiet",
            "--runs-csv",
            "--out",
            "res",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary = fs::read_to_string(work.path().join("res/summary.csv")).expect("csv");
    assert!(
        summary.contains("'=HYPERLINK") && summary.contains("'@SUM"),
        "{summary}"
    );
    for file in ["summary.csv", "runs.csv", "timeseries.csv"] {
        let csv = fs::read_to_string(work.path().join("res").join(file)).expect("csv");
        for line in csv.lines() {
            for cell in line.split(',') {
                let cell = cell.trim_matches('"');
                assert!(!formula_like(cell), "{file}: {cell:?} in {line:?}");
            }
        }
    }
}

/// Found by the fuzzer: a mangled 47 kB file with 2,580 mistakes took
/// minutes to render. Reports print the first 100 and a count, and each
/// snippet costs its own lines, not the whole file.
#[test]
fn thousands_of_mistakes_are_reported_quickly_and_counted() {
    let work = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("[scenario]\nsteps = 2\n");
    for i in 0..20_000 {
        text.push_str(&format!("[derived.d{i}]\nexpr = \"nope{i} +\"\n"));
    }
    fs::write(work.path().join("many.toml"), text).expect("write");
    let started = Instant::now();
    let out = polsim_in(work.path(), &["check", "many.toml"]);
    refused(&out, &["more problems not shown; fix the ones above first"]);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_megabyte_name_is_echoed_shortened_and_control_characters_escaped() {
    let work = tempfile::tempdir().expect("tempdir");
    let long = "n".repeat(1_000_000);
    let text = format!(
        "[scenario]\nsteps = 2\n\n[derived]\nd = \"{long} + 1\"\n\"bell\\u0007\\u001b[31m\" = \"1\"\n"
    );
    fs::write(work.path().join("long.toml"), text).expect("write");
    let out = polsim_in(work.path(), &["check", "long.toml"]);
    let err = stderr(&out);
    assert!(!err.contains('\u{7}') && !err.contains('\u{1b}'), "{err}");
    assert!(err.len() < 20_000, "{} bytes of errors", err.len());
    assert_eq!(out.status.code(), Some(2), "{err}");
}

#[test]
fn labels_reach_the_terminal_without_control_characters() {
    let work = tempfile::tempdir().expect("tempdir");
    let text = "[scenario]\nname = \"ctl\"\nsteps = 2\nruns = 20\n\n[events.e]\np = 0.5\n\n\
[outcomes]\nhits = { expr = \"count(e)\", label = \"Hits\\u001b]0;owned\\u0007\\u0000\", unit = \"\\u001b[2J\" }\n";
    fs::write(work.path().join("ctl.toml"), text).expect("write");
    let out = polsim_in(
        work.path(),
        &["run", "ctl.toml", "--no-charts", "--out", "res"],
    );
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("Hits\\u{1b}]0;owned\\u{7}\\u{0}"), "{all}");
    assert!(!all.contains(['\u{1b}', '\u{7}', '\u{0}']), "{all}");
    let out = polsim_in(work.path(), &["check", "ctl.toml"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}
