//! Outputs: exporters turn a [`Summary`] into bytes; [`files`] is the one
//! place that writes them, atomically.
//!
//! **Architecture invariant:** exporters are pure functions returning bytes
//! or strings, so tests compare them directly and nothing is half-written.

pub mod analysis;
pub mod files;
pub mod table;
pub mod tables;

pub use files::{OutputDir, RunsWriter, write_atomic};
