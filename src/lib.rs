//! polsim: a policy-scenario risk simulator.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! scenario file --scenario--> Model --engine::compile--> Program
//!   --engine::simulate--> Results (mergeable accumulators)
//!   --summary--> Summary --output--> terminal, CSV, JSON
//! ```
//!
//! The command line (`cli`) is a thin shell over these stages.

pub mod analysis;
pub mod chart;
pub mod cli;
pub mod diag;
pub mod dist;
pub mod engine;
pub mod expr;
pub mod format;
pub mod graph;
pub mod output;
pub mod report;
pub use engine::results;
pub mod scenario;
pub mod stats;
pub mod summary;

use std::fmt;

/// Everything that can stop a command, with its exit code.
#[derive(Debug)]
pub enum Error {
    /// Mistakes in a scenario file (exit code 2).
    Scenario(diag::Report),
    /// A bad command-line argument (exit code 2).
    Usage(String),
    /// The model itself failed during a run (exit code 1).
    Run(Box<engine::RunError>),
    /// A file could not be written or read (exit code 1).
    Io(std::io::Error),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Scenario(_) | Error::Usage(_) => 2,
            Error::Run(_) | Error::Io(_) => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Scenario(r) => f.write_str(&r.render(false)),
            Error::Usage(m) => write!(f, "error: {m}"),
            Error::Run(e) => write!(f, "error: the run stopped: {e}"),
            Error::Io(e) => write!(f, "error: {e}"),
        }
    }
}

impl std::error::Error for Error {}
