//! `polsim compare A B ... --shard K/M` and the merge of its parts.
//!
//! A comparison is cut by blocks of runs, as `run` is: part K of M holds
//! the blocks `engine::shard::shard_blocks(runs, K, M)` of every scenario,
//! each with the paired accumulators of its runs (`analysis::compare`
//! accumulates them run by run within a block and block by block into the
//! total, in a single comparison as in a part). The part carries every
//! scenario's texts, so the merge rebuilds all of them, folds the blocks in
//! block order and writes what `compare` writes.

use std::path::PathBuf;

use clap::ValueEnum;

use super::analysis::{CompareArgs, OutArgs, compare_folder, scenario_files, show, written};
use super::shard::{
    MergeArgs, check_runs, fold_parts, job_spec, load_recorded, models_of, parse_shard, refused,
    runs_held_text, runs_in, tell_written, write_part,
};
use super::{SamplingArg, apply_sim_args, override_texts, with_progress_of};
use crate::Error;
use crate::analysis::compare;
use crate::analysis::sampled;
use crate::engine::shard::shard_blocks;
use crate::engine::{RunOptions, block_count, compile::compile};
use crate::output::part::{self, Header, JobSpec, ScenarioText, Unit, Variant};
use crate::output::{OutputDir, analysis as export};
use crate::report::ChartSettings;
use crate::scenario::{self, MExpr, Model};

/// Flags of `compare` that a part cannot honour, with what to do instead.
fn refuse_with_shard(args: &CompareArgs) -> Result<(), Error> {
    let refusal = if args.watch.watch {
        Some("--watch reruns as the files change; a part is written once")
    } else if args.decide.asked() {
        Some(
            "the decision view (--decide, --satisfice) is not cut into parts; run it on one machine, or leave it out",
        )
    } else if args.xlsx {
        Some(
            "--xlsx belongs to the merge: leave it out here, and write `polsim merge --xlsx PARTS`",
        )
    } else {
        None
    };
    match refusal {
        Some(why) => Err(Error::Usage(format!("--shard: {why}"))),
        None => Ok(()),
    }
}

/// `polsim compare A B ... --shard K/M`.
pub fn cmd_compare_shard(args: &CompareArgs, shard: &str) -> Result<(), Error> {
    let (k, m) = parse_shard(shard)?;
    refuse_with_shard(args)?;
    let files = scenario_files(&args.files)?;
    if files.len() < 2 {
        return Err(Error::Usage(format!(
            "compare needs at least two scenarios, got {}; name two files, or a folder holding several",
            files.len()
        )));
    }
    let mut models = Vec::new();
    let mut overrides = Vec::new();
    let mut texts: Vec<ScenarioText> = Vec::new();
    for f in &files {
        let (mut model, o, read) = load_recorded(f, &args.sim)?;
        apply_sim_args(&mut model, &args.sim)?;
        super::apply_series(&mut model, args.series.as_deref(), false)?;
        for t in read {
            match texts.iter().find(|x| x.path == t.path) {
                Some(x) if x.text != t.text => {
                    return Err(Error::Usage(format!(
                        "{} changed while the scenarios were read; write the part again",
                        t.path
                    )));
                }
                Some(_) => {}
                None => texts.push(t),
            }
        }
        models.push(model);
        overrides = override_texts(&o);
    }
    let conditions = given_in(&models, args.given.as_deref())?;
    let sampling = super::sampling(&args.sim);
    let how = compare::Options {
        given: args.given.as_deref().zip(conditions.as_deref()),
        sampling,
    };
    let runs = models[0].info.runs;
    let options = RunOptions {
        runs,
        seed: models[0].info.seed,
        threads: args.sim.threads,
        rows: false,
    };
    let blocks = shard_blocks(runs, k, m);
    let quiet = args.out.quiet || args.out.json;
    let held = with_progress_of(&models[0], runs_in(&blocks, runs), quiet, |progress| {
        compare::compare_blocks(&models, &how, &options, blocks.clone(), progress)
    })
    .map_err(Error::from)?;
    let units: Vec<Unit> = held
        .into_iter()
        .map(|b| Unit {
            results: b.results,
            paired: b.paired,
            values: Vec::new(),
            moments: b.moments,
        })
        .collect();
    let header = Header {
        format: part::FORMAT,
        job: JobSpec {
            sampling: sampled::name(sampling).into(),
            series: args.series.clone(),
            variants: models[1..]
                .iter()
                .map(|v| Variant {
                    scenario: v.info.name.clone(),
                    scenario_file: v.info.path.clone(),
                    scenario_sha256: v.info.hash.clone(),
                    runs: v.info.runs,
                    seed: v.info.seed,
                })
                .collect(),
            ..job_spec(
                "compare",
                &models[0],
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
        PathBuf::from("output").join(format!("{}.parts", compare_folder(&models, &overrides)))
    });
    let (target, size) = write_part(&dir, &header, &units)?;
    if !quiet {
        tell_written(k, m, &runs_held_text(&blocks, runs, m), &target, size, &dir);
    }
    Ok(())
}

/// `--given` resolved in each model, or `None` without one.
fn given_in(models: &[Model], given: Option<&str>) -> Result<Option<Vec<MExpr>>, Error> {
    given
        .map(|text| {
            models
                .iter()
                .map(|m| scenario::parse_extra(m, "--given", text).map_err(Error::Scenario))
                .collect()
        })
        .transpose()
}

/// The merge of a sharded comparison's parts (already checked to belong
/// together and to cover every block once, in part order).
pub fn merge_compare(
    parts: &[(PathBuf, Header)],
    args: &MergeArgs,
    settings: Option<&ChartSettings>,
) -> Result<(), Error> {
    let (path, header) = &parts[0];
    let job = &header.job;
    let models = models_of(path, header)?;
    let conditions = given_in(&models, job.given.as_deref())?;
    let programs: Vec<_> = models
        .iter()
        .enumerate()
        .map(|(i, m)| compile(m, conditions.as_ref().and_then(|c| c.get(i))))
        .collect();
    let shapes: Vec<_> = models.iter().zip(&programs).collect();
    let folded = fold_parts(parts, &shapes, true)?;
    check_runs(&folded.results, job.runs)?;
    let sampling = SamplingArg::from_str(&job.sampling, false)
        .map_err(|_| {
            refused(
                path,
                &part::PartError(format!("names an unknown sampling `{}`", job.sampling)),
            )
        })?
        .sampling();
    let how = compare::Options {
        given: job.given.as_deref().zip(conditions.as_deref()),
        sampling,
    };
    let options = RunOptions {
        runs: job.runs,
        seed: job.seed,
        threads: args.threads,
        rows: false,
    };
    let mut comparison = compare::from_blocks(
        &models,
        &how,
        &options,
        folded.results,
        &folded.paired,
        &folded.moments,
    )
    .map_err(Error::from)?;
    for summary in &mut comparison.summaries {
        summary.provenance.overrides = job.overrides.clone();
    }
    let out_args = OutArgs {
        out: args.out.clone(),
        quiet: args.quiet,
        json: args.json,
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(compare_folder(&models, &job.overrides)));
    let out = OutputDir::create(dir, "compare").map_err(Error::Io)?;
    let paths = super::analysis::write_compare(
        &out,
        &comparison,
        None,
        &models,
        &job.overrides,
        settings,
        args.xlsx,
    )?;
    let dir = out.path.clone();
    out.commit().map_err(Error::Io)?;
    show(
        &out_args,
        || export::compare_json(&comparison),
        || export::compare_table(&comparison),
    );
    written(&out_args, &dir, &paths);
    Ok(())
}
