//! polsim's integration tests, one binary (one link step) for all of them.
//!
//! - `arrays`: arrays over dimensions against the same model written out, run by run; element streams; reductions; CSV constants; `--set` on an element.
//! - `engine`: the engine against closed-form answers; determinism across threads.
//! - `cli`: the `polsim` binary driven with assert_cmd: run, check, --set, outputs.
//! - `bad_input`: every file in tests/bad/ gives its expected message and exit code 2.
//! - `analysis`: compare, sweep, sensitivity and --given against known answers.
//! - `palmyra`: the bundled Palmyra model behaves as the article argues.
//! - `precision`: the stop rule of `compare` and `sweep` gives the bytes of a fixed run count; `--precision-for`.
//! - `golden`: summary.csv, summary.json and timeseries.csv byte for byte (re-bless: `POLSIM_BLESS=1 cargo test golden`).
//! - `hardening`: untrusted files, interrupted and concurrent runs, resource limits (docs/reliability.md).
//! - `sampling`: `--sampling lhs|sobol` against a closed-form mean; replicate intervals; threads; common random numbers.
//! - `discover`: `discover` finds a known box; the decision view of `compare` against closed forms; `--watch` reruns on a save.
//! - `shard`: `run --shard K/M` parts merged by `merge` give the single run's bytes; refusals.
//! - `charts`: every chart type is drawn, decodes, and is not blank; the reports are complete.
//! - `pdf`: `--pdf` reports parsed back: page count, A4, embedded fonts, one image per chart, extractable text.
//! - `samples`: parameters drawn from a CSV file's rows: whole rows, weights, threads, common random numbers, errors.
//! - `calibrate`: `polsim calibrate` recovers known parameters from synthetic data; its files, determinism and bad input.
//! - `vocabulary`: lookups, lags, delays, test inputs and dates against hand computations and closed forms.
//! - `inputs`: `[inputs]` time series from CSV and named categories, against hand computations.
//! - `xlsx`: summary.xlsx of run, compare, sweep and merge read back against their CSV files.

mod common;

mod analysis;
mod arrays;
mod bad_input;
mod calibrate;
mod charts;
mod cli;
mod discover;
mod engine;
mod golden;
mod hardening;
mod inputs;
mod palmyra;
mod pdf;
mod precision;
mod samples;
mod sampling;
mod shard;
mod vocabulary;
mod xlsx;
