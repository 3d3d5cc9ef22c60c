//! `run --shard K/M` and `merge`: the parts of a run merge into exactly the
//! bytes of the single run (docs/scale.md), on any number of threads and
//! for any number of parts, including more parts than blocks; and a merge
//! refuses parts that do not belong together, with exit code 2.
//!
//! A block is 16 chunks of 1,024 runs (16,384 runs); the run counts below
//! are chosen to leave the last block and the last chunk short.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common;

const COIN_FLIPS: &str = "scenarios/examples/coin-flips.toml";
const FILES: [&str; 3] = ["summary.csv", "summary.json", "timeseries.csv"];
/// Four blocks, the last with one chunk of 500 runs (49 chunks in all, not
/// a multiple of the 16 chunks of a block).
const RUNS: &str = "49652";

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn polsim_in(dir: &Path, args: &[&str]) -> Ran {
    let output = common::polsim()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .output()
        .expect("run polsim");
    let ran = Ran {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !ran.stderr.contains("panicked"),
        "polsim panicked: {}",
        ran.stderr
    );
    ran
}

fn polsim(args: &[&str]) -> Ran {
    polsim_in(&common::root(), args)
}

fn ok(ran: Ran) -> Ran {
    assert_eq!(
        ran.code,
        Some(0),
        "expected success\nstdout:\n{}\nstderr:\n{}",
        ran.stdout,
        ran.stderr
    );
    ran
}

/// A refusal: exit code 2 and a message holding `words`.
fn refused(ran: Ran, words: &str) {
    assert_eq!(
        ran.code,
        Some(2),
        "expected exit 2\nstderr:\n{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains(words),
        "expected `{words}` in:\n{}",
        ran.stderr
    );
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// The part files in `dir`, in name order (part order).
fn parts_in(dir: &Path) -> Vec<PathBuf> {
    let mut parts: Vec<PathBuf> = fs::read_dir(dir)
        .expect("parts folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "polsim"))
        .collect();
    parts.sort();
    parts
}

/// Writes the M parts of `run ARGS` into `dir`, alternating 1 and 2
/// threads, and returns their paths.
fn write_parts(args: &[&str], shards: u64, dir: &Path) -> Vec<PathBuf> {
    for k in 1..=shards {
        let shard = format!("{k}/{shards}");
        let threads = if k % 2 == 0 { "2" } else { "1" };
        let mut all = args.to_vec();
        all.extend(["--shard", &shard, "--threads", threads, "--out", s(dir)]);
        ok(polsim(&all));
    }
    parts_in(dir)
}

fn merge(parts: &[PathBuf], out: &Path, extra: &[&str]) -> Ran {
    let mut args = vec!["merge", "--out", s(out)];
    args.extend(parts.iter().map(|p| s(p)));
    args.extend_from_slice(extra);
    polsim(&args)
}

fn assert_same_files(a: &Path, b: &Path, names: &[&str]) {
    for name in names {
        let x = fs::read(a.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let y = fs::read(b.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            x == y,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn parts_merge_into_the_bytes_of_one_run_for_any_number_of_parts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let single = tmp.path().join("single");
    let base = ["run", COIN_FLIPS, "--runs", RUNS, "--seed", "7", "--quiet"];
    let mut args = base.to_vec();
    args.extend(["--no-charts", "--threads", "2", "--out", s(&single)]);
    ok(polsim(&args));
    // 1, 2 and 3 parts; 4 = one block each; 6 parts for 4 blocks leaves two empty.
    for shards in [1, 2, 3, 4, 6] {
        let dir = tmp.path().join(format!("parts{shards}"));
        let parts = write_parts(&base, shards, &dir);
        assert_eq!(parts.len() as u64, shards);
        let merged = tmp.path().join(format!("merged{shards}"));
        ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
        assert_same_files(&single, &merged, &FILES);
    }
}

/// Past the pilot of 16,384 runs the time series are counted in brackets
/// the pilot fixes; a part that starts past the pilot runs the pilot alone
/// for its brackets, so the counts merge into the single run's bytes. The
/// Palmyra model has continuous states, shares clamped at 0 and 1, and
/// yes/no states: every kind of bracket.
#[test]
fn time_series_counted_past_the_pilot_merge_into_the_bytes_of_one_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let single = tmp.path().join("single");
    let scenario = "scenarios/palmyra/baseline.toml";
    let base = ["run", scenario, "--runs", "40000", "--quiet"];
    let mut args = base.to_vec();
    args.extend(["--no-charts", "--out", s(&single)]);
    ok(polsim(&args));
    let dir = tmp.path().join("parts");
    let parts = write_parts(&base, 3, &dir);
    let merged = tmp.path().join("merged");
    ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
    assert_same_files(&single, &merged, &FILES);
}

#[test]
fn a_what_if_run_with_a_condition_merges_too() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let single = tmp.path().join("single");
    let base = [
        "run",
        "scenarios/examples/deterrence.toml",
        "--runs",
        "40000",
        "--set",
        "threat=0.7",
        "--given",
        "count(incident) >= 1",
        "--quiet",
    ];
    let mut args = base.to_vec();
    args.extend(["--no-charts", "--threads", "1", "--out", s(&single)]);
    ok(polsim(&args));
    let parts = write_parts(&base, 3, &tmp.path().join("parts"));
    let merged = tmp.path().join("merged");
    ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
    assert_same_files(&single, &merged, &FILES);
}

#[test]
fn merged_charts_and_reports_are_the_single_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let single = tmp.path().join("single");
    let base = ["run", COIN_FLIPS, "--runs", "20000", "--quiet"];
    let chart = ["--format", "svg", "--size", "600x400"];
    let mut args = base.to_vec();
    args.extend(["--out", s(&single)]);
    args.extend(chart);
    ok(polsim(&args));
    let parts = write_parts(&base, 2, &tmp.path().join("parts"));
    let merged = tmp.path().join("merged");
    ok(merge(&parts, &merged, &chart));
    let files = snapshot(&single);
    assert!(
        files.keys().any(|n| n.ends_with(".svg")),
        "{:?}",
        files.keys()
    );
    assert!(
        files.keys().any(|n| n.ends_with(".html")),
        "{:?}",
        files.keys()
    );
    let merged_files = snapshot(&merged);
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        merged_files.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &files {
        assert!(merged_files[name] == *bytes, "{name} differs");
    }
}

/// Every file under `dir`, by its path relative to `dir`, with its bytes.
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
                    .expect("inside")
                    .display()
                    .to_string();
                out.insert(name, fs::read(&path).expect("read"));
            }
        }
    }
    out
}

/// Past 2^20 runs an outcome's quantiles are made exact by passes over the
/// runs again; a merge makes the same passes over the values its parts
/// hold. A one-step model keeps this test short.
#[test]
fn quantiles_past_the_exact_cap_are_refined_to_the_same_bits() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let scenario = tmp.path().join("tiny.toml");
    fs::write(
        &scenario,
        "[scenario]\nname = \"tiny\"\nsteps = 1\n\n[parameters]\nx = { dist = \"normal(10, 2)\" }\n\
         k = { dist = \"poisson(3)\" }\n\n[outcomes]\nvalue = { expr = \"x * x\", kind = \"number\" }\n\
         count = { expr = \"k\", kind = \"number\" }\n",
    )
    .expect("write scenario");
    let runs = ((1u64 << 20) + 3000).to_string();
    let base = ["run", s(&scenario), "--runs", &runs, "--quiet"];
    let single = tmp.path().join("single");
    let mut args = base.to_vec();
    args.extend(["--no-charts", "--out", s(&single)]);
    ok(polsim(&args));
    let parts = write_parts(&base, 2, &tmp.path().join("parts"));
    let merged = tmp.path().join("merged");
    ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
    assert_same_files(&single, &merged, &FILES);
}

/// The part files of a 3-part run of coin-flips with `extra` flags.
fn three_parts(tmp: &Path, name: &str, extra: &[&str]) -> Vec<PathBuf> {
    let mut base = vec!["run", COIN_FLIPS, "--runs", "40000", "--quiet"];
    base.extend_from_slice(extra);
    write_parts(&base, 3, &tmp.join(name))
}

#[test]
fn merge_refuses_missing_repeated_and_foreign_parts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("merged");
    let parts = three_parts(tmp.path(), "a", &[]);
    refused(
        merge(&[parts[0].clone(), parts[2].clone()], &out, &[]),
        "part 2 of 3 is missing",
    );
    refused(
        merge(
            &[
                parts[0].clone(),
                parts[1].clone(),
                parts[1].clone(),
                parts[2].clone(),
            ],
            &out,
            &[],
        ),
        "part 2 of 3 is named twice",
    );
    let seeded = three_parts(tmp.path(), "b", &["--seed", "99"]);
    refused(
        merge(
            &[parts[0].clone(), parts[1].clone(), seeded[2].clone()],
            &out,
            &[],
        ),
        "the seed differs (42 vs 99)",
    );
    let set = three_parts(tmp.path(), "c", &["--set", "p_breakthrough=0.1"]);
    refused(
        merge(
            &[set[0].clone(), parts[1].clone(), parts[2].clone()],
            &out,
            &[],
        ),
        "--set overrides",
    );
    // The same seed and runs cut into a different number of parts.
    let four = write_parts(
        &["run", COIN_FLIPS, "--runs", "40000", "--quiet"],
        4,
        &tmp.path().join("d"),
    );
    refused(
        merge(
            &[parts[0].clone(), four[1].clone(), parts[2].clone()],
            &out,
            &[],
        ),
        "number of parts",
    );
    assert!(!out.exists(), "a refused merge wrote {}", out.display());
}

#[test]
fn merge_refuses_parts_of_another_scenario_text_but_not_another_spelling_of_its_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let scenario = tmp.path().join("x.toml");
    let text = fs::read_to_string(common::root().join(COIN_FLIPS)).expect("coin-flips");
    fs::write(&scenario, &text).expect("write");
    let dir = tmp.path();
    let part = |path: &str, k: &str, out: &str| {
        ok(polsim_in(
            dir,
            &[
                "run", path, "--runs", "20000", "--shard", k, "--out", out, "--quiet",
            ],
        ))
    };
    // `./x.toml` and `x.toml` are one scenario: the same content hash.
    part("./x.toml", "1/2", "same");
    part("x.toml", "2/2", "same");
    let merged = dir.join("merged");
    ok(merge(
        &parts_in(&dir.join("same")),
        &merged,
        &["--no-charts", "--quiet"],
    ));
    // A scenario edited between the parts is another scenario.
    part("x.toml", "1/2", "edited");
    fs::write(&scenario, text.replace("0.05", "0.06")).expect("edit");
    part("x.toml", "2/2", "edited");
    refused(
        merge(&parts_in(&dir.join("edited")), &merged, &[]),
        "scenario content (SHA-256)",
    );
}

#[test]
fn merge_refuses_damaged_and_foreign_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("merged");
    let parts = three_parts(tmp.path(), "a", &[]);
    let mut bytes = fs::read(&parts[1]).expect("part");
    let middle = bytes.len() - 100;
    bytes[middle] ^= 1;
    fs::write(&parts[1], &bytes).expect("damage");
    refused(merge(&parts, &out, &[]), "is damaged or cut short");
    bytes.truncate(bytes.len() / 2);
    fs::write(&parts[1], &bytes).expect("cut");
    refused(merge(&parts, &out, &[]), "is damaged or cut short");
    let csv = tmp.path().join("summary.csv");
    fs::write(&csv, "outcome,mean\n").expect("write");
    refused(
        merge(&[parts[0].clone(), csv, parts[2].clone()], &out, &[]),
        "is not a polsim part file",
    );
    refused(
        merge(&[tmp.path().join("nowhere.polsim")], &out, &[]),
        "cannot read part file",
    );
}

/// With `--sampling lhs|sobol` every part draws the whole design and runs
/// its own runs' points; the replicates' moments are kept per block, so the
/// replicate intervals merge to the single run's (and comparison's) bits too.
#[test]
fn sampled_runs_merge_into_the_bytes_of_one_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (sampling, shards) in [("lhs", 3), ("sobol", 2)] {
        let base = [
            "run",
            DETERRENCE,
            "--runs",
            RUNS,
            "--seed",
            "4",
            "--sampling",
            sampling,
            "--quiet",
        ];
        let whole = tmp.path().join(format!("{sampling}-single"));
        single(&base, &["--no-charts"], &whole);
        let json = fs::read_to_string(whole.join("summary.json")).expect("summary.json");
        assert!(
            json.contains("\"replicates\": 8"),
            "{sampling}: no replicates"
        );
        let parts = write_parts(&base, shards, &tmp.path().join(format!("{sampling}-parts")));
        let merged = tmp.path().join(format!("{sampling}-merged"));
        ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
        assert_same_files(&whole, &merged, &FILES);
    }
    // A sampled comparison: its scenarios' replicates and the paired
    // differences' replicates are kept per block too.
    let base = [
        "compare",
        DETERRENCE,
        CREDIBLE,
        "--runs",
        RUNS,
        "--seed",
        "4",
        "--sampling",
        "sobol",
        "--quiet",
    ];
    let whole = tmp.path().join("compare-single");
    single(&base, &["--no-charts"], &whole);
    let parts = write_parts(&base, 3, &tmp.path().join("compare-parts"));
    let merged = tmp.path().join("compare-merged");
    ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
    assert_same_files(&whole, &merged, &["compare.csv", "compare.json"]);
    let lhs = parts_in(&tmp.path().join("lhs-parts"));
    let random = write_parts(
        &["run", DETERRENCE, "--runs", RUNS, "--seed", "4", "--quiet"],
        3,
        &tmp.path().join("random"),
    );
    refused(
        merge(
            &[lhs[0].clone(), random[1].clone(), lhs[2].clone()],
            &tmp.path().join("m"),
            &[],
        ),
        "the --sampling differs",
    );
}

/// A sampled sweep cut into parts: 5 grid points of 20,000 runs each (two
/// blocks of runs, the second part-filled), in 2 parts and in 3 (which do
/// not divide the points evenly). Each point's replicates accumulate block
/// of runs by block of runs as in one sweep, and its part keeps their
/// totals, so the intervals, charts and workbook are the single sweep's.
#[test]
fn sampled_sweep_parts_merge_into_the_bytes_of_one_sweep() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = |sampling: &'static str| {
        [
            "sweep",
            DETERRENCE,
            "--param",
            "threat=0..1:5",
            "--runs",
            "20000",
            "--seed",
            "4",
            "--outcome",
            "incursion_by_12",
            "--sampling",
            sampling,
            "--quiet",
        ]
    };
    for sampling in ["lhs", "sobol"] {
        let whole = tmp.path().join(format!("{sampling}-single"));
        single(&base(sampling), &[&SVG[..], &["--xlsx"]].concat(), &whole);
        let json = fs::read_to_string(whole.join("sweep.json")).expect("sweep.json");
        assert_eq!(
            json.matches("\"replicates\": 8").count(),
            5,
            "{sampling}: a point without its replicates"
        );
        for shards in [2, 3] {
            let parts = write_parts(
                &base(sampling),
                shards,
                &tmp.path().join(format!("{sampling}-parts{shards}")),
            );
            let merged = tmp.path().join(format!("{sampling}-merged{shards}"));
            ok(merge(
                &parts,
                &merged,
                &[&SVG[..], &["--xlsx", "--quiet"]].concat(),
            ));
            assert_same_tree(&whole, &merged);
        }
    }
    // Parts of another sampling, or of pseudo-random sampling, are parts of
    // another job.
    let lhs = parts_in(&tmp.path().join("lhs-parts3"));
    let sobol = parts_in(&tmp.path().join("sobol-parts3"));
    refused(
        merge(
            &[lhs[0].clone(), sobol[1].clone(), lhs[2].clone()],
            &tmp.path().join("mixed"),
            &[],
        ),
        "the --sampling differs",
    );
    let mut random = base("random").to_vec();
    random.truncate(random.len() - 3);
    random.push("--quiet");
    let random = write_parts(&random, 3, &tmp.path().join("random"));
    refused(
        merge(
            &[random[0].clone(), lhs[1].clone(), lhs[2].clone()],
            &tmp.path().join("mixed-random"),
            &[],
        ),
        "the --sampling differs",
    );
}

#[test]
fn shard_flags_are_checked_before_the_run() {
    for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
        refused(
            polsim(&["run", COIN_FLIPS, "--runs", "100", "--shard", bad]),
            "--shard",
        );
    }
    refused(
        polsim(&["run", COIN_FLIPS, "--shard", "1/2", "--precision", "0.01"]),
        "--precision decides the runs",
    );
    refused(
        polsim(&["run", COIN_FLIPS, "--shard", "1/2", "--runs-csv"]),
        "--runs-csv",
    );
    refused(
        polsim(&["run", COIN_FLIPS, "--shard", "1/2", "--watch"]),
        "--watch reruns",
    );
}

/// A sweep is cut by grid points: 21 points in 1, 4 and 30 parts (9 empty).
#[test]
fn sweep_parts_merge_into_the_bytes_of_one_sweep() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = [
        "sweep",
        "scenarios/examples/deterrence.toml",
        "--param",
        "threat=0..1:7",
        "--param",
        "base_risk=0.02..0.1:3",
        "--runs",
        "2000",
        "--outcome",
        "incursion_by_12",
        "--quiet",
    ];
    let single = tmp.path().join("single");
    let mut args = base.to_vec();
    args.extend(["--no-charts", "--out", s(&single)]);
    ok(polsim(&args));
    for shards in [1, 4, 30] {
        let parts = write_parts(&base, shards, &tmp.path().join(format!("parts{shards}")));
        let merged = tmp.path().join(format!("merged{shards}"));
        ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
        assert_same_files(&single, &merged, &["sweep.csv", "sweep.json"]);
    }
    // A part of another grid is another job.
    let other = write_parts(
        &[
            "sweep",
            "scenarios/examples/deterrence.toml",
            "--param",
            "threat=0..1:5",
            "--runs",
            "2000",
            "--quiet",
        ],
        4,
        &tmp.path().join("other"),
    );
    let mut mixed = parts_in(&tmp.path().join("parts4"));
    mixed[3] = other[3].clone();
    refused(
        merge(&mixed, &tmp.path().join("mixed"), &[]),
        "the sweep differs",
    );
}

const DETERRENCE: &str = "scenarios/examples/deterrence.toml";
const CREDIBLE: &str = "scenarios/examples/deterrence-credible.toml";
const PROVOCATION: &str = "scenarios/examples/deterrence-provocation.toml";

/// Charts as SVG at a small size: quick to draw, and text to compare.
const SVG: [&str; 4] = ["--format", "svg", "--size", "600x400"];

/// Writes the single analysis `args` (with `extra`) into `dir`.
fn single(args: &[&str], extra: &[&str], dir: &Path) {
    let mut all = args.to_vec();
    all.extend_from_slice(extra);
    all.extend(["--threads", "2", "--out", s(dir)]);
    ok(polsim(&all));
}

/// Every file of `a` (charts and reports too) is in `b` with the same bytes.
fn assert_same_tree(a: &Path, b: &Path) {
    let (x, y) = (snapshot(a), snapshot(b));
    assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
    for (name, bytes) in &x {
        assert!(y[name] == *bytes, "{name} differs");
    }
}

/// A comparison cut into parts: 49,652 runs are four blocks, so 3 parts do
/// not divide them evenly and 5 parts leave one empty. The paired
/// differences of every part fold into the single comparison's bits.
#[test]
fn compare_parts_merge_into_the_bytes_of_one_compare() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = [
        "compare",
        DETERRENCE,
        CREDIBLE,
        PROVOCATION,
        "--runs",
        RUNS,
        "--seed",
        "7",
        "--quiet",
    ];
    let whole = tmp.path().join("single");
    single(&base, &SVG, &whole);
    assert!(snapshot(&whole).keys().any(|n| n.ends_with(".svg")));
    assert!(snapshot(&whole).keys().any(|n| n.ends_with(".html")));
    let parts = write_parts(&base, 2, &tmp.path().join("parts2"));
    let merged = tmp.path().join("merged2");
    ok(merge(&parts, &merged, &[&SVG[..], &["--quiet"]].concat()));
    assert_same_tree(&whole, &merged);
    for shards in [1, 3, 5] {
        let parts = write_parts(&base, shards, &tmp.path().join(format!("parts{shards}")));
        let merged = tmp.path().join(format!("merged{shards}"));
        ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
        assert_same_files(&whole, &merged, &["compare.csv", "compare.json"]);
    }
}

#[test]
fn a_compare_with_a_condition_and_overrides_merges_too() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = [
        "compare",
        DETERRENCE,
        CREDIBLE,
        "--runs",
        RUNS,
        "--given",
        "incursion_by_12",
        "--set",
        "threat=0.6",
        "--quiet",
    ];
    let whole = tmp.path().join("single");
    single(&base, &["--no-charts"], &whole);
    let parts = write_parts(&base, 3, &tmp.path().join("parts"));
    let merged = tmp.path().join("merged");
    ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
    assert_same_files(&whole, &merged, &["compare.csv", "compare.json"]);
}

#[test]
fn compare_parts_of_other_scenarios_or_flags_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let runs = ["--runs", "40000", "--quiet"];
    let ab = write_parts(
        &[&["compare", DETERRENCE, CREDIBLE][..], &runs].concat(),
        2,
        &tmp.path().join("ab"),
    );
    let ac = write_parts(
        &[&["compare", DETERRENCE, PROVOCATION][..], &runs].concat(),
        2,
        &tmp.path().join("ac"),
    );
    refused(
        merge(&[ab[0].clone(), ac[1].clone()], &tmp.path().join("m"), &[]),
        "the compared scenarios differs",
    );
    let three = write_parts(
        &[&["compare", DETERRENCE, CREDIBLE, PROVOCATION][..], &runs].concat(),
        2,
        &tmp.path().join("abc"),
    );
    refused(
        merge(
            &[ab[0].clone(), three[1].clone()],
            &tmp.path().join("m"),
            &[],
        ),
        "the compared scenarios differs",
    );
    let run = three_parts(tmp.path(), "run", &[]);
    refused(
        merge(&[ab[0].clone(), run[1].clone()], &tmp.path().join("m"), &[]),
        "differs",
    );
    assert!(
        !tmp.path().join("m").exists(),
        "a refused merge wrote files"
    );
    let compare = ["compare", DETERRENCE, CREDIBLE, "--shard", "1/2"];
    refused(
        polsim(&[&compare[..], &["--decide", "incursion_by_12"]].concat()),
        "decision view",
    );
    refused(polsim(&[&compare[..], &["--watch"]].concat()), "--watch");
}

/// Every sensitivity method cut into parts: rank and swing by blocks of
/// runs, sobol by blocks of its base sample; each merges into the single
/// analysis's bytes, sobol's replicate intervals included.
#[test]
fn sensitivity_parts_merge_into_the_bytes_of_one_analysis() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[&str]); 4] = [
        (
            "rank",
            &[
                "sensitivity",
                DETERRENCE,
                "--method",
                "rank",
                "--runs",
                RUNS,
            ],
        ),
        (
            "rank-given",
            &[
                "sensitivity",
                DETERRENCE,
                "--method",
                "rank",
                "--runs",
                RUNS,
                "--given",
                "incursion_by_12",
            ],
        ),
        (
            "swing",
            &[
                "sensitivity",
                DETERRENCE,
                "--method",
                "swing",
                "--runs",
                RUNS,
                "--outcome",
                "incursion_by_12",
            ],
        ),
        (
            "sobol",
            &[
                "sensitivity",
                "tests/analytic/ishigami.toml",
                "--method",
                "sobol",
                "--runs",
                RUNS,
                "--sampling",
                "lhs",
            ],
        ),
    ];
    for (name, args) in cases {
        let base = [args, &["--seed", "11", "--quiet"]].concat();
        let whole = tmp.path().join(format!("{name}-single"));
        single(&base, &SVG, &whole);
        let shard_counts: &[u64] = if name == "sobol" { &[2, 3, 5] } else { &[3] };
        for &shards in shard_counts {
            let parts = write_parts(&base, shards, &tmp.path().join(format!("{name}-{shards}")));
            let merged = tmp.path().join(format!("{name}-merged{shards}"));
            ok(merge(&parts, &merged, &[&SVG[..], &["--quiet"]].concat()));
            assert_same_tree(&whole, &merged);
        }
    }
}

#[test]
fn sensitivity_parts_of_another_method_or_outcome_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = ["sensitivity", DETERRENCE, "--runs", "40000", "--quiet"];
    let rank = write_parts(
        &[&base[..], &["--method", "rank"]].concat(),
        2,
        &tmp.path().join("rank"),
    );
    let swing = write_parts(
        &[&base[..], &["--method", "swing"]].concat(),
        2,
        &tmp.path().join("swing"),
    );
    let one = write_parts(
        &[
            &base[..],
            &["--method", "rank", "--outcome", "incursion_by_12"],
        ]
        .concat(),
        2,
        &tmp.path().join("one"),
    );
    refused(
        merge(
            &[rank[0].clone(), swing[1].clone()],
            &tmp.path().join("m"),
            &[],
        ),
        "the sensitivity analysis differs",
    );
    refused(
        merge(
            &[rank[0].clone(), one[1].clone()],
            &tmp.path().join("m"),
            &[],
        ),
        "the sensitivity analysis differs",
    );
    assert!(
        !tmp.path().join("m").exists(),
        "a refused merge wrote files"
    );
}

/// `compare --series none` drops the scenarios' time series and nothing
/// else: the paired differences are the same bytes as with every series,
/// and shards merged give the single comparison's bytes.
#[test]
fn a_comparison_without_time_series_differs_only_in_them() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = [
        "compare", DETERRENCE, CREDIBLE, "--runs", "20000", "--seed", "3", "--quiet",
    ];
    let every = tmp.path().join("every");
    single(&base, &["--no-charts"], &every);
    let args = [&base[..], &["--series", "none"]].concat();
    let none = tmp.path().join("none");
    single(&args, &["--no-charts"], &none);
    assert_same_files(&every, &none, &["compare.csv"]);
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(none.join("compare.json")).expect("compare.json"))
            .expect("JSON");
    let summaries = json["summaries"].as_array().expect("summaries");
    assert_eq!(summaries.len(), 2);
    for s in summaries {
        assert_eq!(s["series"], serde_json::json!([]), "{}", s["name"]);
        assert!(!s["events"].as_array().expect("events").is_empty());
    }
    let parts = write_parts(&args, 2, &tmp.path().join("parts"));
    let merged = tmp.path().join("merged");
    ok(merge(&parts, &merged, &["--no-charts", "--quiet"]));
    assert_same_files(&none, &merged, &["compare.csv", "compare.json"]);
}
