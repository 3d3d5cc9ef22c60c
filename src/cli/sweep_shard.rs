//! `polsim sweep FILE --param ... --shard K/M` and the merge of its parts.
//!
//! A sweep is cut by grid points: part K of M holds the points
//! `floor((K-1)P/M)..floor(KP/M)` of the P points, each simulated whole (all
//! its runs), so each point's results are the ones the whole sweep computes
//! for it: a point's runs are its own, merged along the engine's fixed tree.
//! The part stores every point's accumulators (`output::part`), and the
//! merge summarises them and writes what `sweep` writes.
//!
//! With `--sampling lhs|sobol` every part draws the whole design (a pure
//! function of sampling, seed and runs) and each point's replicates are
//! accumulated as in one sweep, block of runs by block of runs in block
//! order; the part keeps each point's replicate totals, which the merge
//! puts back unchanged, so the intervals are the single sweep's bits.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;

use super::analysis::{OutArgs, SweepArgs, sweep_axes, sweep_dir, write_sweep};
use super::shard::{
    header_of, job_spec, load_recorded, parse_shard, refused, tell_written, write_part,
};
use super::{SamplingArg, apply_sim_args, out_folder, override_texts, sampling, with_progress};
use crate::Error;
use crate::analysis::sampled::{self, Plan};
use crate::analysis::sweep::{self, Simulated};
use crate::engine::RunOptions;
use crate::engine::shard::cut;
use crate::output::OutputDir;
use crate::output::part::{self, Header, JobSpec, SweepSpec, Unit};
use crate::results::{OUTCOME_EXACT_CAP, Results};
use crate::scenario::{self, Model};
use crate::stats::Moments;

/// `polsim sweep FILE --param ... --shard K/M`.
pub fn cmd_sweep_shard(args: &SweepArgs, shard: &str) -> Result<(), Error> {
    let (k, m) = parse_shard(shard)?;
    if args.xlsx {
        return Err(Error::Usage(
            "--shard: --xlsx belongs to the merge: leave it out here, and write `polsim merge --xlsx PARTS`".into(),
        ));
    }
    let (mut model, overrides, texts) = load_recorded(&args.file, &args.sim)?;
    apply_sim_args(&mut model, &args.sim)?;
    if model.info.runs > OUTCOME_EXACT_CAP as u64 {
        return Err(Error::Usage(format!(
            "--shard: a sharded sweep takes at most {OUTCOME_EXACT_CAP} runs per grid point (exact quantiles past that share one budget across the grid); lower --runs, or run the points you need past it with `polsim run --set`"
        )));
    }
    let overrides = override_texts(&overrides);
    let (axes, _) = sweep_axes(&model, &args.params, args.outcome.as_deref())?;
    let condition = match &args.given {
        Some(text) => {
            Some(scenario::parse_extra(&model, "--given", text).map_err(Error::Scenario)?)
        }
        None => None,
    };
    let how = sweep::Options {
        given: args.given.as_deref().zip(condition.as_ref()),
        sampling: sampling(&args.sim),
    };
    let points = sweep::grid(&axes).len() as u64;
    let range = cut(points, k, m);
    let options = RunOptions {
        runs: model.info.runs,
        seed: model.info.seed,
        threads: args.sim.threads,
        rows: false,
    };
    let quiet = args.out.quiet || args.out.json;
    let simulated = with_progress(&model, quiet, |progress| {
        sweep::simulate_points(
            &model,
            &axes,
            &how,
            &options,
            range.start as usize..range.end as usize,
            progress,
        )
    })
    .map_err(Error::from)?;
    let header = Header {
        format: part::FORMAT,
        job: JobSpec {
            sweep: Some(SweepSpec {
                params: args.params.clone(),
                outcome: args.outcome.clone(),
                threshold: args.threshold.map(|t| t.to_string()),
            }),
            sampling: sampled::name(how.sampling).into(),
            ..job_spec("sweep", &model, &overrides, args.given.clone(), points, m)
        },
        shard: k,
        first: range.start,
        end: range.end,
        runs_held: simulated.results.iter().map(|r| r.runs).sum(),
        texts,
    };
    let label: Vec<&str> = axes.iter().map(|a| a.name.as_str()).collect();
    let dir = args.out.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!(
            "{}.sweep-{}.parts",
            out_folder(&model.info.name, &overrides, None),
            label.join("-")
        ))
    });
    let units: Vec<Unit> = simulated
        .into_points()
        .into_iter()
        .map(|(results, moments)| Unit {
            moments,
            ..Unit::of(results)
        })
        .collect();
    let (target, size) = write_part(&dir, &header, &units)?;
    if !quiet {
        let what = if range.is_empty() {
            format!(
                "no grid points: the sweep has {points}, fewer than the {m} parts; the merge accepts it"
            )
        } else {
            format!("grid points {}..{} of {points}", range.start + 1, range.end)
        };
        tell_written(k, m, &what, &target, size, &dir);
    }
    Ok(())
}

/// The merge of a sharded sweep's parts (already checked to belong
/// together and to cover every point once, in part order).
pub fn merge_sweep(
    parts: &[(PathBuf, Header)],
    model: Model,
    args: &super::shard::MergeArgs,
    settings: Option<&crate::report::ChartSettings>,
) -> Result<(), Error> {
    let job = &parts[0].1.job;
    let spec = job.sweep.clone().ok_or_else(|| {
        refused(
            &parts[0].0,
            &part::PartError("is a sweep's part without its grid".into()),
        )
    })?;
    let (axes, outcome) = sweep_axes(&model, &spec.params, spec.outcome.as_deref())?;
    let threshold = match &spec.threshold {
        Some(text) => Some(text.parse::<f64>().map_err(|_| {
            refused(
                &parts[0].0,
                &part::PartError(format!("has a threshold `{text}` that is not a number")),
            )
        })?),
        None => None,
    };
    let condition = match &job.given {
        Some(text) => {
            Some(scenario::parse_extra(&model, "--given", text).map_err(Error::Scenario)?)
        }
        None => None,
    };
    let program = crate::engine::compile::compile(&model, condition.as_ref());
    let sampling = SamplingArg::from_str(&job.sampling, false)
        .map_err(|_| {
            refused(
                &parts[0].0,
                &part::PartError(format!("names an unknown sampling `{}`", job.sampling)),
            )
        })?
        .sampling();
    let how = sweep::Options {
        given: job.given.as_deref().zip(condition.as_ref()),
        sampling,
    };
    // The design every part drew: the points the replicates belong to.
    let plan = Plan::new(sampling, job.seed, job.runs, &[&model])
        .map_err(Error::Usage)?
        .map(Arc::new);
    // Each part's points are summarised as it is read, so the merge holds
    // one part's accumulators at a time, whatever the size of the grid.
    let mut points = Vec::new();
    for (path, header) in parts {
        let (results, totals) = read_points(path, &model, &program)?;
        if results.iter().any(|r| r.runs != job.runs) {
            return Err(refused(
                path,
                &part::PartError(format!(
                    "holds a grid point with other than the sweep's {} runs; write it again",
                    job.runs
                )),
            ));
        }
        let first = points.len();
        debug_assert_eq!(first as u64, header.first);
        let mut simulated =
            Simulated::from_results(&model, &axes, first, results, plan.as_ref(), &totals)
                .map_err(|e| refused(path, &part::PartError(format!("{e}; write it again"))))?;
        points.extend(simulated.summarize(&how));
    }
    if points.len() as u64 != job.units {
        return Err(Error::Usage(format!(
            "the parts hold {} grid points where the sweep has {}; write the parts again",
            points.len(),
            job.units
        )));
    }
    let out_args = OutArgs {
        out: args.out.clone(),
        quiet: args.quiet,
        json: args.json,
    };
    let dir = sweep_dir(&model, &job.overrides, &axes, &out_args);
    let out = OutputDir::create(dir, "sweep").map_err(Error::Io)?;
    write_sweep(
        out,
        &model,
        &axes,
        points,
        &job.overrides,
        outcome,
        threshold,
        settings,
        args.xlsx,
        &out_args,
    )
}

/// The grid points a part holds, checked against the base model's shape,
/// and each point's replicate totals.
fn read_points(
    path: &Path,
    model: &Model,
    program: &crate::engine::Program,
) -> Result<(Vec<Results>, Vec<Vec<Moments>>), Error> {
    header_of(path)?;
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Usage(format!("cannot read part file {}: {e}", path.display())))?;
    let (_, points) =
        part::decode(&bytes, &[(model, program)], false).map_err(|e| refused(path, &e))?;
    let mut results = Vec::with_capacity(points.len());
    let mut totals = Vec::with_capacity(points.len());
    for (_, unit) in points {
        results.extend(unit.results);
        totals.push(unit.moments);
    }
    Ok((results, totals))
}
