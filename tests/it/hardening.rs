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
