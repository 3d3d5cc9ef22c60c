//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use polsim::engine::{self, RunOptions, compile::compile};
use polsim::results::Results;
use polsim::scenario::{self, Disk, Model, Override};

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Load a scenario file relative to the repository root, panicking with the
/// rendered diagnostics if it does not check.
pub fn load(path: &str) -> Model {
    load_with(path, &[])
}

/// Load with `--set` style overrides ("name=value").
pub fn load_with(path: &str, sets: &[&str]) -> Model {
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).expect("override"))
        .collect();
    match scenario::load(&root().join(path), &Disk, &overrides) {
        Ok(m) => m,
        Err(report) => panic!("{path} does not check:\n{}", report.render(false)),
    }
}

/// Load a scenario from text (written to a temporary file).
pub fn load_text(text: &str) -> Model {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, text).expect("write");
    match scenario::load(&path, &Disk, &[]) {
        Ok(m) => m,
        Err(report) => panic!("scenario does not check:\n{}", report.render(false)),
    }
}

/// Simulate a model with the given runs, seed and threads.
pub fn simulate(model: &Model, runs: u64, seed: u64, threads: usize) -> Results {
    let program = compile(model, None);
    let options = RunOptions {
        runs,
        seed,
        threads,
        rows: false,
    };
    engine::simulate(model, &program, &options, None, &|_| {}, &mut |_| Ok(()))
        .unwrap_or_else(|e| panic!("simulation failed: {e}"))
}

/// The polsim binary, run from the repository root.
pub fn polsim() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("polsim").expect("binary");
    cmd.current_dir(root());
    cmd
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
