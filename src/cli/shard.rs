//! `polsim run FILE --shard K/M` and `polsim merge PART...`: one run cut
//! into parts that run anywhere, merged into exactly its outputs.
//!
//! A shard loads the scenario as `run` does, recording every text it reads
//! (the file and the files it extends), simulates its blocks
//! (`engine::shard`) and writes one part file (`output::part`) holding the
//! blocks, the texts and everything that changes results. `merge` checks
//! that the parts belong together and cover every block once, rebuilds the
//! model from the recorded texts (so it needs no access to the scenario's
//! files, and the scenario's content hash is checked again), folds the
//! blocks in block order, makes past-the-cap quantiles exact from the values
//! the blocks hold, and writes what `run` writes.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{
    ChartArgs, RunArgs, apply_sim_args, check_threads, definitions, out_folder, override_texts,
    print_run, store_for, use_threads, with_progress_of, write_run,
};
use crate::Error;
use crate::analysis::sampled::{self, Injected, Plan, Replicates};
use crate::engine::shard::{cut, refine_from_blocks, shard_blocks, simulate_blocks};
use crate::engine::{self, BLOCK_CHUNKS, CHUNK_RUNS, Job, Program, RunOptions, block_count};
use crate::output::part::{self, Header, JobSpec, MAX_HEADER_BYTES, ScenarioText, Unit};
use crate::output::{OutputDir, write_atomic};
use crate::results::{Results, SeriesPlan};
use crate::scenario::{self, Model, Override, Refusal, Store};
use crate::stats::{Moments, Paired};
use crate::summary::{self, RunContext};

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The part files `polsim run --shard K/M` wrote, every K from 1 to M once
    /// (e.g. output/NAME.parts/*.polsim)
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Write results into DIR (default: output/<scenario-name>/, as `run` would)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Use at most K threads for the summary and charts (default: all cores); results do not depend on it
    #[arg(long, value_name = "K", default_value_t = 0, hide_default_value = true)]
    pub threads: usize,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON on stdout instead of the table
    #[arg(long)]
    pub json: bool,
    /// Also write summary.xlsx (as `run --xlsx` and `sweep --xlsx` do)
    #[arg(long)]
    pub xlsx: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

/// `K/M` of `--shard`: part K (from 1) of M.
pub fn parse_shard(text: &str) -> Result<(u64, u64), Error> {
    let bad = || {
        Error::Usage(format!(
            "--shard {text}: write K/M, part K of M with 1 <= K <= M, e.g. --shard 3/8 (in a Slurm array: --shard $SLURM_ARRAY_TASK_ID/8)"
        ))
    };
    let (k, m) = text.split_once('/').ok_or_else(bad)?;
    let k: u64 = k.trim().parse().map_err(|_| bad())?;
    let m: u64 = m.trim().parse().map_err(|_| bad())?;
    if k == 0 || k > m {
        return Err(bad());
    }
    Ok((k, m))
}

/// A store that hands on what another reads and keeps a copy of each text.
struct Recording<'a> {
    inner: &'a dyn Store,
    texts: RefCell<Vec<ScenarioText>>,
}

impl Store for Recording<'_> {
    fn read(&self, path: &Path, top: &Path) -> Result<String, Refusal> {
        let text = self.inner.read(path, top)?;
        self.texts.borrow_mut().push(ScenarioText {
            path: path.display().to_string(),
            text: text.clone(),
        });
        Ok(text)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        self.inner.canonical(path)
    }
}

/// The texts a part recorded, read back under the paths they were read by;
/// nothing else exists (no disk).
struct Replay<'a>(&'a [ScenarioText]);

impl Store for Replay<'_> {
    fn read(&self, path: &Path, _top: &Path) -> Result<String, Refusal> {
        let shown = path.display().to_string();
        self.0
            .iter()
            .find(|t| t.path == shown)
            .map(|t| t.text.clone())
            .ok_or_else(|| {
                Refusal::Io(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "not among the texts the part file recorded",
                ))
            })
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }
}

/// Flags of `run` that a shard cannot honour, with what to do instead.
fn refuse_with_shard(args: &RunArgs) -> Result<(), Error> {
    let refusal = if args.stop.precision.is_some() || args.stop.max_runs.is_some() {
        Some(
            "--precision decides the runs as it goes; shard a fixed --runs N (the N a --precision run reported)",
        )
    } else if args.runs_csv {
        Some(
            "--runs-csv writes every run from one process; leave it out, or write runs.csv from a single run",
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

/// `polsim run FILE --shard K/M`.
pub fn cmd_run_shard(args: &RunArgs, shard: &str) -> Result<(), Error> {
    let (k, m) = parse_shard(shard)?;
    refuse_with_shard(args)?;
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from(scenario::bundled::DEFAULT));
    let (mut model, overrides, texts) = load_recorded(&file, &args.sim)?;
    apply_sim_args(&mut model, &args.sim)?;
    super::apply_series(&mut model, args.series.as_deref(), !args.charts.no_charts)?;
    let condition = match &args.given {
        Some(text) => {
            Some(scenario::parse_extra(&model, "--given", text).map_err(Error::Scenario)?)
        }
        None => None,
    };
    let program = engine::compile::compile(&model, condition.as_ref());
    let runs = model.info.runs;
    let blocks = shard_blocks(runs, k, m);
    let override_texts = override_texts(&overrides);
    let sampling = super::sampling(&args.sim);
    let spec = JobSpec {
        sampling: sampled::name(sampling).into(),
        series: args.series.clone(),
        ..job_spec(
            "run",
            &model,
            &override_texts,
            args.given.clone(),
            block_count(runs),
            m,
        )
    };
    // With sampled parameters every part draws the whole design (a pure
    // function of sampling, seed and runs) and reads its own runs' points.
    let plan = Plan::new(sampling, model.info.seed, runs, &[&model]).map_err(Error::Usage)?;
    let values = plan.as_ref().map(|p| p.values(&model)).unwrap_or_default();
    let injected = Injected::new(&values, &[]);
    let mut replicates = plan.as_ref().map(|p| Replicates::for_shard(&model, p));
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!(
            "{}.parts",
            out_folder(&model.info.name, &override_texts, args.given.as_deref())
        ))
    });
    let job = Job {
        model: &model,
        program: &program,
        inject: plan
            .as_ref()
            .map(|_| &injected as &(dyn engine::exec::Inject + Sync)),
        series: true,
        exact_quantiles: true,
        row_params: false,
    };
    let options = RunOptions {
        runs,
        seed: model.info.seed,
        threads: args.sim.threads,
        rows: plan.is_some(),
    };
    let quiet = args.quiet || args.json;
    let mut blocks_out = with_progress_of(&model, runs_in(&blocks, runs), quiet, |progress| {
        simulate_blocks(&[job], &options, blocks.clone(), progress, &mut |rows| {
            if let (Some(r), Some(p), Some(rows)) =
                (replicates.as_mut(), plan.as_ref(), rows.first())
            {
                r.add(p, rows);
            }
            Ok(())
        })
    })
    .map_err(Error::from)?;
    let mut moments = replicates
        .map(Replicates::take_runs_blocks)
        .unwrap_or_default()
        .into_iter();
    let held: Vec<Unit> = blocks_out
        .pop()
        .unwrap_or_default()
        .into_iter()
        .map(|results| Unit {
            moments: moments.next().unwrap_or_default(),
            ..Unit::of(results)
        })
        .collect();
    let runs_held: u64 = runs_in(&blocks, runs);
    let header = Header {
        format: part::FORMAT,
        job: spec,
        shard: k,
        first: blocks.start,
        end: blocks.end,
        runs_held,
        texts,
    };
    let (target, size) = write_part(&dir, &header, &held)?;
    if !quiet {
        tell_written(k, m, &runs_held_text(&blocks, runs, m), &target, size, &dir);
    }
    Ok(())
}

/// The runs of a simulation of `runs` runs that `blocks` hold.
pub fn runs_in(blocks: &std::ops::Range<u64>, runs: u64) -> u64 {
    let at = |b: u64| (b.saturating_mul(BLOCK_CHUNKS * CHUNK_RUNS)).min(runs);
    at(blocks.end) - at(blocks.start)
}

/// What a part of `blocks` holds, in words: `runs 0..16384 of 49652`.
pub fn runs_held_text(blocks: &std::ops::Range<u64>, runs: u64, m: u64) -> String {
    let first = (blocks.start.saturating_mul(BLOCK_CHUNKS * CHUNK_RUNS)).min(runs);
    let held = runs_in(blocks, runs);
    if held == 0 {
        format!(
            "no runs: {runs} runs make {} blocks of {} runs, fewer than the {m} parts; the merge accepts it",
            block_count(runs),
            BLOCK_CHUNKS * CHUNK_RUNS
        )
    } else {
        format!("runs {first}..{} of {runs}", first + held)
    }
}

/// The job of a part: `command` on `model` (the first scenario of a
/// comparison) with its overrides and condition, cut into `units` units and
/// `shards` parts; no sweep, comparison or sensitivity fields.
pub fn job_spec(
    command: &str,
    model: &Model,
    overrides: &[String],
    given: Option<String>,
    units: u64,
    shards: u64,
) -> JobSpec {
    JobSpec {
        command: command.into(),
        polsim_version: env!("CARGO_PKG_VERSION").into(),
        scenario: model.info.name.clone(),
        scenario_file: model.info.path.clone(),
        scenario_sha256: model.info.hash.clone(),
        seed: model.info.seed,
        runs: model.info.runs,
        overrides: overrides.to_vec(),
        given,
        sampling: "random".into(),
        chunk_runs: CHUNK_RUNS,
        block_chunks: BLOCK_CHUNKS,
        units,
        shards,
        sweep: None,
        variants: Vec::new(),
        sensitivity: None,
        series: None,
    }
}

/// Load a scenario as `run` does, keeping every text read.
pub fn load_recorded(
    file: &Path,
    sim: &super::SimArgs,
) -> Result<(Model, Vec<Override>, Vec<ScenarioText>), Error> {
    let overrides = super::parse_overrides(&sim.set)?;
    let (path, store) = store_for(file, sim.root.as_deref())?;
    let recording = Recording {
        inner: store.as_ref(),
        texts: RefCell::new(Vec::new()),
    };
    let model = scenario::load(&path, &recording, &overrides).map_err(Error::Scenario)?;
    Ok((model, overrides, recording.texts.into_inner()))
}

/// Write part `header.shard` into `dir`; its path and size.
pub fn write_part(dir: &Path, header: &Header, held: &[Unit]) -> Result<(PathBuf, u64), Error> {
    let bytes = part::encode(header, held).map_err(|e| Error::Usage(e.0))?;
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("cannot create {}: {e}", dir.display()),
        ))
    })?;
    let target = dir.join(part_name(header.shard, header.job.shards));
    write_atomic(&target, &bytes).map_err(Error::Io)?;
    Ok((target, bytes.len() as u64))
}

/// What a shard says when its part is written.
pub fn tell_written(k: u64, m: u64, what: &str, target: &Path, size: u64, dir: &Path) {
    println!(
        "wrote part {k} of {m} ({what}) to {} ({}); when every part is written: polsim merge {}/*.polsim",
        target.display(),
        crate::format::bytes(size),
        dir.display()
    );
}

/// The file name of part K of M: `part-03-of-16.polsim` (K padded so the
/// names sort in part order).
pub fn part_name(k: u64, m: u64) -> String {
    let width = m.to_string().len();
    format!("part-{k:0width$}-of-{m}.polsim")
}

/// The header of a part file, read from its first line(s) only.
pub fn header_of(path: &Path) -> Result<Header, Error> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::Usage(format!("cannot read part file {}: {e}", path.display())))?;
    let mut head = Vec::new();
    let mut reader = std::io::BufReader::new(file).take(MAX_HEADER_BYTES as u64);
    // The magic line, then the header line.
    for _ in 0..2 {
        std::io::BufRead::read_until(&mut reader, b'\n', &mut head)
            .map_err(|e| Error::Usage(format!("cannot read part file {}: {e}", path.display())))?;
    }
    part::read_header(&head).map_err(|e| refused(path, &e))
}

pub fn refused(path: &Path, e: &part::PartError) -> Error {
    Error::Usage(format!("part file {} {e}", path.display()))
}

/// The first field in which two parts' jobs differ, as `name (a vs b)`.
fn difference(a: &JobSpec, b: &JobSpec) -> Option<String> {
    let fields = |s: &JobSpec| -> Vec<(&'static str, String)> {
        vec![
            ("polsim version", s.polsim_version.clone()),
            ("command", s.command.clone()),
            ("seed", s.seed.to_string()),
            ("runs", s.runs.to_string()),
            ("--set overrides", format!("{:?}", s.overrides)),
            ("--given condition", format!("{:?}", s.given)),
            ("--sampling", s.sampling.clone()),
            ("number of parts (M of K/M)", s.shards.to_string()),
            ("sweep", format!("{:?}", s.sweep)),
            (
                "compared scenarios",
                format!(
                    "{:?}",
                    s.variants
                        .iter()
                        .map(|v| &v.scenario_file)
                        .collect::<Vec<_>>()
                ),
            ),
            ("sensitivity analysis", format!("{:?}", s.sensitivity)),
            (
                "cut (runs per chunk x chunks per block x blocks or grid points)",
                format!("{}x{}x{}", s.chunk_runs, s.block_chunks, s.units),
            ),
            ("scenario content (SHA-256)", s.scenario_sha256.clone()),
        ]
    };
    fields(a)
        .into_iter()
        .zip(fields(b))
        .find(|(x, y)| x.1 != y.1)
        .map(|((name, x), (_, y))| format!("{name} differs ({x} vs {y})"))
}

/// Checks that the parts come from one job and cover each of its parts
/// once; returns them sorted by K.
fn check_parts(parts: Vec<(PathBuf, Header)>) -> Result<Vec<(PathBuf, Header)>, Error> {
    let Some((first_path, first)) = parts.first().cloned() else {
        return Err(Error::Usage("name the part files to merge".into()));
    };
    for (path, h) in &parts {
        if let Some(what) = difference(&first.job, &h.job) {
            return Err(Error::Usage(format!(
                "{} and {} are parts of different jobs: the {what}; merge only the parts of one `--shard K/M` command, with only K changed",
                first_path.display(),
                path.display()
            )));
        }
    }
    if first.job.polsim_version != env!("CARGO_PKG_VERSION") {
        return Err(Error::Usage(format!(
            "the parts were written by polsim {} and this is polsim {}; merge with the version that wrote them",
            first.job.polsim_version,
            env!("CARGO_PKG_VERSION")
        )));
    }
    let shards = first.job.shards;
    let mut by_k: BTreeMap<u64, (PathBuf, Header)> = BTreeMap::new();
    for (path, h) in parts {
        if h.shard == 0 || h.shard > shards {
            return Err(Error::Usage(format!(
                "part file {} says it is part {} of {shards}",
                path.display(),
                h.shard
            )));
        }
        let expected = cut(h.job.units, h.shard, shards);
        if (h.first, h.end) != (expected.start, expected.end) {
            return Err(refused(
                &path,
                &part::PartError(format!(
                    "holds units {}..{} where part {} of {shards} holds {}..{}",
                    h.first, h.end, h.shard, expected.start, expected.end
                )),
            ));
        }
        if let Some((other, _)) = by_k.get(&h.shard) {
            return Err(Error::Usage(format!(
                "part {} of {shards} is named twice ({} and {}); name each part once",
                h.shard,
                other.display(),
                path.display()
            )));
        }
        by_k.insert(h.shard, (path, h));
    }
    let missing: Vec<String> = (1..=shards)
        .filter(|k| !by_k.contains_key(k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        let list =
            crate::diag::name_list(&missing.iter().map(String::as_str).collect::<Vec<_>>(), 12);
        let what = if missing.len() == 1 {
            format!("part {list} of {shards} is missing")
        } else {
            format!("parts {list} of {shards} are missing")
        };
        return Err(Error::Usage(format!(
            "{what} ({} of {shards} named); run `polsim run ... --shard K/{shards}` for each missing K, or name its file",
            by_k.len()
        )));
    }
    Ok(by_k.into_values().collect())
}

/// The model of a job, rebuilt from a part's recorded texts, and checked
/// against the job's content hash.
fn model_of(path: &Path, header: &Header) -> Result<(Model, Vec<Override>), Error> {
    let job = &header.job;
    let overrides = super::parse_overrides(&job.overrides)?;
    let model = rebuild(
        path,
        header,
        &job.scenario_file,
        &job.scenario_sha256,
        &overrides,
    )?;
    Ok((model, overrides))
}

/// Every scenario of a comparison's job, the first first, rebuilt from a
/// part's recorded texts.
pub fn models_of(path: &Path, header: &Header) -> Result<Vec<Model>, Error> {
    let (first, overrides) = model_of(path, header)?;
    let mut models = vec![first];
    for v in &header.job.variants {
        let mut model = rebuild(
            path,
            header,
            &v.scenario_file,
            &v.scenario_sha256,
            &overrides,
        )?;
        model.info.runs = v.runs;
        model.info.seed = v.seed;
        models.push(model);
    }
    Ok(models)
}

/// One scenario of a job, loaded from the part's texts, checked against its
/// recorded hash, with the job's runs and seed.
fn rebuild(
    path: &Path,
    header: &Header,
    file: &str,
    sha256: &str,
    overrides: &[Override],
) -> Result<Model, Error> {
    let job = &header.job;
    let store = Replay(&header.texts);
    let mut model = scenario::load(Path::new(file), &store, overrides).map_err(Error::Scenario)?;
    if model.info.hash != sha256 {
        return Err(refused(
            path,
            &part::PartError(
                "holds scenario texts that do not give its scenario hash; it was altered".into(),
            ),
        ));
    }
    model.info.runs = job.runs;
    model.info.seed = job.seed;
    // The shards checked the choice; a merge draws what was kept.
    super::apply_series(&mut model, job.series.as_deref(), false)?;
    Ok(model)
}

/// What the parts of a job hold, folded in unit order: each scenario's
/// results merged (and past-the-cap quantiles made exact from the values
/// the units hold, as the single run makes them), the paired accumulators
/// merged, the value columns joined.
pub struct Folded {
    pub results: Vec<Results>,
    pub paired: Vec<Paired>,
    pub values: Vec<Vec<f64>>,
    /// Each unit's replicate moments, in unit order.
    pub moments: Vec<Vec<Moments>>,
}

/// Reads every part (already checked to belong together, in part order)
/// and folds its units: the merge of any sharded job.
pub fn fold_parts(
    parts: &[(PathBuf, Header)],
    shapes: &[(&Model, &Program)],
    series: bool,
) -> Result<Folded, Error> {
    let read_units = |path: &Path| -> Result<Vec<(u64, Unit)>, Error> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Usage(format!("cannot read part file {}: {e}", path.display())))?;
        let (_, units) = part::decode(&bytes, shapes, series).map_err(|e| refused(path, &e))?;
        Ok(units)
    };
    let mut folded = Folded {
        results: shapes
            .iter()
            .zip(SeriesPlan::shared(shapes.iter().map(|s| (s.1, series))))
            .map(|((m, p), plan)| Results::new(m, p, plan))
            .collect(),
        paired: Vec::new(),
        values: Vec::new(),
        moments: Vec::new(),
    };
    let mut first = true;
    for (path, _) in parts {
        for (_, unit) in read_units(path)? {
            if first {
                folded.paired = vec![Paired::new(); unit.paired.len()];
                folded.values = vec![Vec::new(); unit.values.len()];
                first = false;
            }
            if unit.paired.len() != folded.paired.len() || unit.values.len() != folded.values.len()
            {
                return Err(refused(
                    path,
                    &part::PartError(
                        "holds units of another shape than the other parts; write it again".into(),
                    ),
                ));
            }
            for (total, r) in folded.results.iter_mut().zip(unit.results) {
                if !total.brackets_agree(&r) {
                    return Err(refused(
                        path,
                        &part::PartError(
                            "counts its time series in other brackets than the other parts \
                             (their pilots differ); write every part again with one polsim"
                                .into(),
                        ),
                    ));
                }
                total.merge(r);
            }
            for (total, p) in folded.paired.iter_mut().zip(&unit.paired) {
                total.merge(p);
            }
            for (column, v) in folded.values.iter_mut().zip(unit.values) {
                column.extend(v);
            }
            folded.moments.push(unit.moments);
        }
    }
    for (s, total) in folded.results.iter_mut().enumerate() {
        refine_from_blocks(total, &mut |visit| {
            for (path, _) in parts {
                for (_, unit) in read_units(path)? {
                    if let Some(r) = unit.results.get(s) {
                        visit(r);
                    }
                }
            }
            Ok::<(), Error>(())
        })?;
    }
    Ok(folded)
}

/// Refuses merged results that do not hold the job's runs.
pub fn check_runs(results: &[Results], runs: u64) -> Result<(), Error> {
    match results.iter().find(|r| r.runs != runs) {
        Some(r) => Err(Error::Usage(format!(
            "the parts hold {} runs but the job has {runs}; write the parts again",
            r.runs
        ))),
        None => Ok(()),
    }
}

/// `polsim merge PART...`.
pub fn cmd_merge(args: MergeArgs) -> Result<(), Error> {
    let chart_settings = args.charts.settings()?;
    check_threads(args.threads)?;
    use_threads(args.threads);
    let parts = args
        .parts
        .iter()
        .map(|p| Ok((p.clone(), header_of(p)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    let parts = check_parts(parts)?;
    let (first_path, first) = &parts[0];
    let (model, _) = model_of(first_path, first)?;
    let job = first.job.clone();
    match job.command.as_str() {
        "sweep" => {
            let settings = args.charts.settings_without_report("sweep")?;
            return super::sweep_shard::merge_sweep(&parts, model, &args, settings.as_ref());
        }
        "compare" => {
            return super::compare_shard::merge_compare(&parts, &args, chart_settings.as_ref());
        }
        "sensitivity" => {
            return super::sensitivity_shard::merge_sensitivity(
                &parts,
                model,
                &args,
                chart_settings.as_ref(),
            );
        }
        _ => {}
    }
    let condition = match &job.given {
        Some(text) => {
            Some(scenario::parse_extra(&model, "--given", text).map_err(Error::Scenario)?)
        }
        None => None,
    };
    let program = engine::compile::compile(&model, condition.as_ref());
    let mut folded = fold_parts(&parts, &[(&model, &program)], true)?;
    check_runs(&folded.results, job.runs)?;
    let mut total = folded.results.remove(0);
    let sampling = super::SamplingArg::from_str(&job.sampling, false)
        .map_err(|_| {
            refused(
                first_path,
                &part::PartError(format!("names an unknown sampling `{}`", job.sampling)),
            )
        })?
        .sampling();
    let plan = Plan::new(sampling, job.seed, job.runs, &[&model]).map_err(Error::Usage)?;
    let replicates = match &plan {
        Some(p) => {
            let mut r = Replicates::new(&model, p);
            if !folded.moments.iter().all(|m| r.fold(m)) {
                return Err(refused(
                    first_path,
                    &part::PartError(
                        "holds replicates of another shape than its sampling; write it again"
                            .into(),
                    ),
                ));
            }
            Some(r)
        }
        None => None,
    };
    if let Some(text) = &job.given
        && total.kept == 0
    {
        return Err(Error::Usage(format!(
            "no run satisfies --given `{text}` (0 of {} runs); the condition may be impossible in this model, or rare: check it, or raise --runs",
            total.runs
        )));
    }
    let ctx = RunContext {
        given: job.given.clone(),
        overrides: job.overrides.clone(),
        definitions: definitions(&model),
    };
    let mut summary = summary::summarize(&model, &mut total, &ctx);
    if let (Some(p), Some(r)) = (&plan, &replicates) {
        r.apply(p, &mut summary);
    }
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(out_folder(
            &model.info.name,
            &job.overrides,
            job.given.as_deref(),
        ))
    });
    let out = OutputDir::create(dir, "run").map_err(Error::Io)?;
    let (dir, written) = write_run(
        out,
        &model,
        &summary,
        chart_settings.as_ref(),
        args.xlsx,
        None,
        &mut |_, _| Ok(Vec::new()),
    )?;
    print_run(&summary, &dir, &written, args.json, args.quiet);
    Ok(())
}
