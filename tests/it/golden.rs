//! Golden files: `summary.csv`, `summary.json` and `timeseries.csv` of
//! tests/golden/golden.toml at its fixed seed, compared byte for byte with
//! tests/golden/*. Renaming, reordering or dropping a column, or changing a
//! number's formatting, fails here.
//!
//! The numbers change whenever the random streams or the statistics change
//! (the engine's generator is being replaced, for one). After such a change,
//! on purpose, re-bless with one command and review the diff:
//!
//! ```text
//! POLSIM_BLESS=1 cargo test golden
//! git diff tests/golden/
//! ```
//!
//! The one field that varies between builds, `polsim_version` in the
//! provenance, is stored as `<version>`; the report's date is not in these
//! files (and `SOURCE_DATE_EPOCH` is set anyway). The results must also be
//! the same on 1 and 3 threads.

use std::fs;
use std::path::Path;

use crate::common;

const FILES: [&str; 3] = ["summary.csv", "summary.json", "timeseries.csv"];

fn blessing() -> bool {
    std::env::var("POLSIM_BLESS").is_ok_and(|v| v == "1")
}

/// The version is the one field that legitimately differs between builds.
fn normalise(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    if name != "summary.json" {
        return bytes;
    }
    let text = String::from_utf8(bytes).expect("summary.json is UTF-8");
    let version = format!("\"polsim_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    text.replace(&version, "\"polsim_version\": \"<version>\"")
        .into_bytes()
}

fn run(out: &Path, threads: &str) {
    let output = common::polsim()
        .env("SOURCE_DATE_EPOCH", "0")
        .args([
            "run",
            "tests/golden/golden.toml",
            "--no-charts",
            "--quiet",
            "--threads",
            threads,
            "--out",
            out.to_str().expect("UTF-8 path"),
        ])
        .output()
        .expect("run polsim");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn golden_output_files_match_byte_for_byte() {
    let golden = common::root().join("tests/golden");
    let work = tempfile::tempdir().expect("tempdir");
    for threads in ["1", "3"] {
        let out = work.path().join(format!("threads-{threads}"));
        run(&out, threads);
        for name in FILES {
            let actual = normalise(name, fs::read(out.join(name)).expect("output file"));
            let path = golden.join(name);
            if blessing() {
                fs::write(&path, &actual).expect("bless");
                continue;
            }
            let expected = fs::read(&path).unwrap_or_else(|_| {
                panic!(
                    "{} missing: run `POLSIM_BLESS=1 cargo test golden`",
                    path.display()
                )
            });
            if actual != expected {
                let actual = String::from_utf8_lossy(&actual);
                let expected = String::from_utf8_lossy(&expected);
                let first = actual
                    .lines()
                    .zip(expected.lines())
                    .position(|(a, e)| a != e)
                    .unwrap_or(0);
                panic!(
                    "{name} (--threads {threads}) differs from tests/golden/{name}, first at line {}:\n  got:      {}\n  expected: {}\nIf the change is deliberate: POLSIM_BLESS=1 cargo test golden, and review git diff tests/golden/",
                    first + 1,
                    actual.lines().nth(first).unwrap_or("(end of file)"),
                    expected.lines().nth(first).unwrap_or("(end of file)"),
                );
            }
        }
    }
}
