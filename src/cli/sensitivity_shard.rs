//! `polsim sensitivity FILE --shard K/M` and the merge of its parts.
//!
//! Every method is cut by blocks of runs, as `run` is (for sobol, blocks of
//! the base sample N: each part runs its rows of every Saltelli matrix, from
//! the design of the whole analysis). A part holds, per block, what the
//! method's estimates are made from (`analysis::sensitivity::analyse_blocks`):
//! rank and sobol the per-run values, swing each setting's accumulators and
//! the swings' paired accumulators. The merge folds the blocks in block
//! order and computes the estimates (and sobol's replicate intervals) from
//! exactly what the single analysis computes them from.

use std::path::PathBuf;

use clap::ValueEnum;

use super::analysis::{
    OutArgs, SensitivityArgs, check_uncertain, method_name, method_of, sensitivity_dir,
    sensitivity_outcomes, sensitivity_sampling, write_sensitivity,
};
use super::shard::{
    MergeArgs, check_runs, fold_parts, job_spec, load_recorded, parse_shard, refused,
    runs_held_text, runs_in, tell_written, write_part,
};
use super::{SamplingArg, apply_sim_args, out_folder, override_texts, with_progress_of};
use crate::Error;
use crate::analysis::sampled;
use crate::analysis::sensitivity::{self, Method};
use crate::engine::shard::shard_blocks;
use crate::engine::{RunOptions, block_count, compile::compile};
use crate::output::OutputDir;
use crate::output::part::{self, Header, JobSpec, SensitivitySpec, Unit};
use crate::report::ChartSettings;
use crate::scenario::{self, Model};

/// `polsim sensitivity FILE --shard K/M`.
pub fn cmd_sensitivity_shard(args: &SensitivityArgs, shard: &str) -> Result<(), Error> {
    let (k, m) = parse_shard(shard)?;
    let (mut model, overrides, texts) = load_recorded(&args.file, &args.sim)?;
    apply_sim_args(&mut model, &args.sim)?;
    let overrides = override_texts(&overrides);
    let outcomes = sensitivity_outcomes(&model, args.outcome.as_deref())?;
    let method = method_of(args.method);
    check_uncertain(&model, method)?;
    let sampling = sensitivity_sampling(method, args.sim.sampling)?;
    let condition = match &args.given {
        Some(text) => {
            Some(scenario::parse_extra(&model, "--given", text).map_err(Error::Scenario)?)
        }
        None => None,
    };
    let how = sensitivity::Options {
        sampling,
        given: args.given.as_deref().zip(condition.as_ref()),
    };
    let runs = model.info.runs;
    let options = RunOptions {
        runs,
        seed: model.info.seed,
        threads: args.sim.threads,
        rows: false,
    };
    let blocks = shard_blocks(runs, k, m);
    let quiet = args.out.quiet || args.out.json;
    let held = with_progress_of(&model, runs_in(&blocks, runs), quiet, |progress| {
        sensitivity::analyse_blocks(
            &model,
            method,
            &how,
            &outcomes,
            &options,
            blocks.clone(),
            progress,
        )
    })
    .map_err(Error::from)?;
    let units: Vec<Unit> = held
        .into_iter()
        .map(|b| Unit {
            results: b.results,
            paired: b.paired,
            values: b.values,
            moments: Vec::new(),
        })
        .collect();
    let header = Header {
        format: part::FORMAT,
        job: JobSpec {
            sampling: sampled::name(sampling).into(),
            sensitivity: Some(SensitivitySpec {
                method: method_name(method).into(),
                outcome: args.outcome.clone(),
            }),
            ..job_spec(
                "sensitivity",
                &model,
                &overrides,
                args.given.clone(),
                block_count(runs),
                m,
            )
        },
        shard: k,
        first: blocks.start,
        end: blocks.end,
        runs_held: runs_in(&blocks, runs),
        texts,
    };
    let dir = args.out.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!(
            "{}.sensitivity-{}.parts",
            out_folder(&model.info.name, &overrides, None),
            method_name(method)
        ))
    });
    let (target, size) = write_part(&dir, &header, &units)?;
    if !quiet {
        let what = runs_held_text(&blocks, runs, m);
        let what = match method {
            Method::Sobol => format!("{what} of the base sample"),
            Method::Rank | Method::Swing => what,
        };
        tell_written(k, m, &what, &target, size, &dir);
    }
    Ok(())
}

/// The merge of a sharded sensitivity analysis's parts (already checked to
/// belong together and to cover every block once, in part order).
pub fn merge_sensitivity(
    parts: &[(PathBuf, Header)],
    model: Model,
    args: &MergeArgs,
    settings: Option<&ChartSettings>,
) -> Result<(), Error> {
    let (path, header) = &parts[0];
    let job = &header.job;
    let broken = |what: &str| refused(path, &part::PartError(what.to_string()));
    let spec = job
        .sensitivity
        .clone()
        .ok_or_else(|| broken("is a sensitivity analysis's part without its method"))?;
    let method = match spec.method.as_str() {
        "rank" => Method::Rank,
        "sobol" => Method::Sobol,
        "swing" => Method::Swing,
        other => return Err(broken(&format!("names an unknown method `{other}`"))),
    };
    let sampling = SamplingArg::from_str(&job.sampling, false)
        .map_err(|_| broken(&format!("names an unknown sampling `{}`", job.sampling)))?
        .sampling();
    let outcomes = sensitivity_outcomes(&model, spec.outcome.as_deref())?;
    let condition = match &job.given {
        Some(text) => {
            Some(scenario::parse_extra(&model, "--given", text).map_err(Error::Scenario)?)
        }
        None => None,
    };
    let settings_models = sensitivity::block_models(&model, method);
    let programs: Vec<_> = settings_models
        .iter()
        .map(|m| compile(m, condition.as_ref()))
        .collect();
    let shapes: Vec<_> = settings_models.iter().zip(&programs).collect();
    let folded = fold_parts(parts, &shapes, false)?;
    check_runs(&folded.results, job.runs)?;
    let how = sensitivity::Options {
        sampling,
        given: job.given.as_deref().zip(condition.as_ref()),
    };
    let options = RunOptions {
        runs: job.runs,
        seed: job.seed,
        threads: args.threads,
        rows: false,
    };
    let s = sensitivity::from_blocks(
        &model,
        method,
        &how,
        &outcomes,
        &options,
        folded.results,
        &folded.paired,
        folded.values,
    )
    .map_err(Error::from)?;
    let out_args = OutArgs {
        out: args.out.clone(),
        quiet: args.quiet,
        json: args.json,
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| sensitivity_dir(&model, &job.overrides, method));
    let out = OutputDir::create(dir, "sensitivity").map_err(Error::Io)?;
    write_sensitivity(out, &s, &model, &job.overrides, settings, &out_args)
}
