//! The analysis commands: `compare`, `sweep`, `sensitivity`.
//!
//! Each writes its CSV and JSON, then (unless `--no-charts`) its charts, and
//! for `compare` a report. The chart flags are checked before anything is
//! simulated, so a mistyped `--size` costs nothing.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::{
    ChartArgs, SimArgs, apply_sim_args, load, out_folder, override_texts, sampling, slug,
    with_progress,
};
use crate::Error;
use crate::analysis::sensitivity::{self, Method};
use crate::analysis::sweep::{self, Axis};
use crate::analysis::{compare, find_outcome, precision};
use crate::chart::Skip;
use crate::diag::printable;
use crate::engine::RunOptions;
use crate::output::{OutputDir, analysis as export};
use crate::report;
use crate::scenario::{self, MExpr, Model};

/// Flags every analysis shares besides the simulation ones.
#[derive(Args, Debug, Clone)]
pub struct OutArgs {
    /// Write results into DIR (default: under output/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the results as JSON on stdout instead of the table
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Two or more scenario files (or bundled names), or one folder of variants;
    /// the first is the reference the others are compared with (in a folder: baseline.toml if present)
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Compare only the runs where this holds (in each scenario; differences over the runs where it holds in both), e.g. --given 'count(insider_attack) >= 1' or --given 'casualties > 10' (outcomes may be named)
    #[arg(long, value_name = "EXPR")]
    pub given: Option<String>,
    /// Compute only part K of M of the runs and write a partial result into
    /// --out DIR (default output/compare-<names>.parts/) for `polsim merge` (docs/scale.md)
    #[arg(long, value_name = "K/M")]
    pub shard: Option<String>,
    /// Also write summary.xlsx: every scenario's outcomes, time series and parameters, the paired differences, and the provenance as Excel sheets
    #[arg(long)]
    pub xlsx: bool,
    /// Keep each scenario's per-step statistics (compare.json, summary.xlsx) only for these: all,
    /// charted, none, or variables separated by commas; replaces the scenarios' `series` (a
    /// comparison draws no time series, so none makes it faster and lighter)
    #[arg(long, value_name = "CHOICE")]
    pub series: Option<String>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub charts: ChartArgs,
    #[command(flatten)]
    pub stop: super::StopArgs,
    #[command(flatten)]
    pub decide: super::decision::DecideArgs,
    #[command(flatten)]
    pub watch: super::watch::WatchArgs,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The scenario file (or a bundled name)
    pub file: PathBuf,
    /// A parameter and its grid: NAME=LO..HI:STEPS (STEPS values from LO to HI); give one or two
    #[arg(long = "param", value_name = "NAME=LO..HI:STEPS", required = true)]
    pub params: Vec<String>,
    /// The outcome to tabulate (default: the first); every outcome goes to sweep.csv
    #[arg(long, value_name = "NAME")]
    pub outcome: Option<String>,
    /// Report where a one-parameter sweep's estimate crosses this level, e.g. 0.5
    #[arg(long, value_name = "LEVEL")]
    pub threshold: Option<f64>,
    /// Compute only part K of M of the grid points and write a partial result into
    /// --out DIR (default output/<scenario-name>.parts/) for `polsim merge` (docs/scale.md)
    #[arg(long, value_name = "K/M")]
    pub shard: Option<String>,
    /// At every grid point, report only the runs where this holds, e.g. --given 'count(insider_attack) >= 1' or --given 'casualties > 10' (outcomes may be named)
    #[arg(long, value_name = "EXPR")]
    pub given: Option<String>,
    /// Also write summary.xlsx: the outcomes at every grid point, and the provenance as Excel sheets
    #[arg(long)]
    pub xlsx: bool,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub stop: super::StopArgs,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub charts: ChartArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MethodArg {
    /// Spearman and partial rank correlations from one ordinary run
    Rank,
    /// First-order and total Sobol indices (Saltelli sampling on a scrambled Sobol sequence, intervals from 8 replicates; --runs is the base sample size N, N*(k+2) runs in all)
    Sobol,
    /// Each parameter at its 10th and 90th percentile, the others at their medians
    Swing,
}

#[derive(Args, Debug)]
pub struct SensitivityArgs {
    /// The scenario file (or a bundled name)
    pub file: PathBuf,
    /// Analyse only this outcome (default: every number and probability outcome)
    #[arg(long, value_name = "NAME")]
    pub outcome: Option<String>,
    /// The method
    #[arg(long, value_enum, default_value = "rank")]
    pub method: MethodArg,
    /// Analyse only the runs where this holds (rank and swing), e.g. --given 'count(insider_attack) >= 1' or --given 'casualties > 10' (outcomes may be named)
    #[arg(long, value_name = "EXPR")]
    pub given: Option<String>,
    /// Compute only part K of M of the runs (for sobol, of the base sample) and write a partial
    /// result into --out DIR (default output/<scenario-name>.sensitivity-METHOD.parts/) for `polsim merge` (docs/scale.md)
    #[arg(long, value_name = "K/M")]
    pub shard: Option<String>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub charts: ChartArgs,
}

/// `--given` resolved in each model; a name missing from one is an error
/// that names it.
fn conditions(models: &[Model], text: &str) -> Result<Vec<MExpr>, Error> {
    models
        .iter()
        .map(|m| scenario::parse_extra(m, "--given", text).map_err(Error::Scenario))
        .collect()
}

fn options(model: &Model, sim: &SimArgs) -> RunOptions {
    RunOptions {
        runs: model.info.runs,
        seed: model.info.seed,
        threads: sim.threads,
        rows: false,
    }
}

/// Print the JSON or the table, as the flags ask.
/// Prints the JSON with `--json`, else the table unless `--quiet`; each
/// is made only when it is printed (a comparison's JSON is megabytes).
pub(super) fn show(out: &OutArgs, json: impl FnOnce() -> Vec<u8>, table: impl FnOnce() -> String) {
    if out.json {
        print!("{}", String::from_utf8_lossy(&json()));
    } else if !out.quiet {
        print!("{}", printable(&table()));
    }
}

pub(super) fn written(out: &OutArgs, dir: &Path, paths: &[PathBuf]) {
    if !out.quiet && !out.json {
        println!(
            "\n{}",
            printable(&crate::output::table::written(dir, paths))
        );
    }
}

/// The checked chart flags, or `None` with `--no-charts`; a bad `--format`
/// or `--size` is a usage error before any work is done.
/// Say which charts were not drawn and why (on stderr, so tables and JSON
/// on stdout stay clean).
fn tell_skipped(out: &OutArgs, skipped: &[Skip]) {
    if out.quiet {
        return;
    }
    for s in skipped {
        eprintln!(
            "{}",
            printable(&format!("note: no chart of {}: {}", s.title, s.reason))
        );
    }
}

/// The scenarios named on the command line; a single folder means its .toml files.
pub(super) fn scenario_files(files: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    if let [dir] = files
        && dir.is_dir()
    {
        let mut list: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| {
                Error::Io(std::io::Error::new(
                    e.kind(),
                    format!("cannot read folder {}: {e}", dir.display()),
                ))
            })?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        list.sort();
        if let Some(i) = list
            .iter()
            .position(|p| p.file_name().is_some_and(|n| n == "baseline.toml"))
        {
            let base = list.remove(i);
            list.insert(0, base);
        }
        return Ok(list);
    }
    Ok(files.to_vec())
}

pub fn cmd_compare(args: CompareArgs) -> Result<(), Error> {
    if let Some(shard) = &args.shard {
        return super::compare_shard::cmd_compare_shard(&args, shard);
    }
    if args.watch.watch {
        return super::watch::watch_compare(&args);
    }
    let (comparison, decision, dir, paths) = compare_once(&args, &mut |_, _| Ok(Vec::new()))?;
    match &decision {
        // With the decision view, the JSON on stdout holds both.
        Some(d) if args.out.json => println!(
            "{}",
            serde_json::json!({ "comparison": comparison, "decision": d })
        ),
        Some(d) => show(&args.out, Vec::new, || {
            format!(
                "{}{}",
                export::compare_table(&comparison),
                crate::output::decision::table(d)
            )
        }),
        None => show(
            &args.out,
            || export::compare_json(&comparison),
            || export::compare_table(&comparison),
        ),
    }
    written(&args.out, &dir, &paths);
    Ok(())
}

/// What one `compare` produced: the comparison, the decision view when
/// asked, the folder and the files written.
pub type Compared = (
    compare::Comparison,
    Option<crate::analysis::decision::Decision>,
    PathBuf,
    Vec<PathBuf>,
);

/// One `compare`: simulate, write the result set, return what it found.
pub fn compare_once(
    args: &CompareArgs,
    before_commit: &mut super::BeforeCommit<'_>,
) -> Result<Compared, Error> {
    let settings = args.charts.settings()?;
    let files = scenario_files(&args.files)?;
    if files.len() < 2 {
        return Err(Error::Usage(format!(
            "compare needs at least two scenarios, got {}; name two files, or a folder holding several",
            files.len()
        )));
    }
    // The scenarios are read and checked on every core; the first error
    // in the order of the files is the one reported.
    super::check_threads(args.sim.threads)?;
    super::use_threads(args.sim.threads);
    let loaded: Vec<Result<_, Error>> = files
        .par_iter()
        .map(|f| {
            let (mut m, o) = load(f, &args.sim.set, args.sim.root.as_deref())?;
            apply_sim_args(&mut m, &args.sim)?;
            // A comparison's charts draw no time series.
            super::apply_series(&mut m, args.series.as_deref(), false)?;
            Ok((m, o))
        })
        .collect();
    let mut models = Vec::new();
    let mut overrides = Vec::new();
    for result in loaded {
        let (m, o) = result?;
        models.push(m);
        overrides = override_texts(&o);
    }
    let names: Vec<String> = models.iter().map(|m| slug(&m.info.name)).collect();
    let dir = args
        .out
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(compare_folder(&models, &overrides)));
    // The folder is locked before the work, so a second writer stops at once.
    let out = OutputDir::create(dir, "compare").map_err(Error::Io)?;
    // Every scenario runs with the first one's runs and seed (or the flags').
    let mut options = options(&models[0], &args.sim);
    let stop = super::stop_rule(&args.stop, options.runs)?;
    if let Some(rule) = &stop {
        for m in &models {
            rule.check_names(m).map_err(Error::Usage)?;
        }
    }
    let conditions = match &args.given {
        Some(text) => Some(conditions(&models, text)?),
        None => None,
    };
    let how = compare::Options {
        given: args.given.as_deref().zip(conditions.as_deref()),
        sampling: sampling(&args.sim),
    };
    let quiet = args.out.quiet || args.out.json;
    let decide = |models: &[Model], options: &RunOptions| {
        super::decision::run(
            &args.decide,
            &args.sim,
            args.given.as_deref(),
            models,
            &names,
            options,
            quiet,
        )
    };
    // The decision view first, so a mistake in its flags costs no
    // simulation; with --precision it waits for the run count.
    let mut decision = match stop {
        None => decide(&models, &options)?,
        Some(_) => None,
    };
    let mut comparison = match &stop {
        None => with_progress(&models[0], quiet, |progress| {
            compare::compare_with(&models, &how, &options, progress)
        })
        .map_err(Error::from)?,
        Some(rule) => {
            let (mut comparison, runs, record) = precision::until(
                options.runs,
                rule,
                |runs| {
                    options.runs = runs;
                    models[0].info.runs = runs;
                    with_progress(&models[0], quiet, |progress| {
                        compare::compare_with(&models, &how, &options, progress)
                    })
                    .map_err(Error::from)
                },
                |comparison| precision::comparison_misses(comparison, rule),
            )?;
            for summary in &mut comparison.summaries {
                summary.provenance.precision = Some(record.clone());
            }
            options.runs = runs;
            decision = decide(&models, &options)?;
            comparison
        }
    };
    for summary in &mut comparison.summaries {
        summary.provenance.overrides = overrides.clone();
    }
    let mut paths = write_compare(
        &out,
        &comparison,
        decision.as_ref(),
        &models,
        &overrides,
        settings.as_ref(),
        args.xlsx,
    )?;
    let added = before_commit(&out, &paths)?;
    paths.extend(added);
    let dir = out.path.clone();
    out.commit().map_err(Error::Io)?;
    Ok((comparison, decision, dir, paths))
}

/// The folder name of a comparison of `models`: `compare-a-vs-b`, with
/// the overrides.
pub(super) fn compare_folder(models: &[Model], overrides: &[String]) -> String {
    let names: Vec<String> = models.iter().map(|m| slug(&m.info.name)).collect();
    let compared = if names.len() <= 3 {
        format!("compare-{}", names.join("-vs-"))
    } else {
        format!("compare-{}-and-{}-more", names[0], names.len() - 1)
    };
    out_folder(&compared, overrides, None)
}

/// Writes a comparison's files (compare.csv, compare.json, the decision
/// view's, and unless `--no-charts` its charts and report; summary.xlsx
/// with `xlsx`) into `out`.
pub(super) fn write_compare(
    out: &OutputDir,
    comparison: &compare::Comparison,
    decision: Option<&crate::analysis::decision::Decision>,
    models: &[Model],
    overrides: &[String],
    settings: Option<&report::ChartSettings>,
    xlsx: bool,
) -> Result<Vec<PathBuf>, Error> {
    let mut paths = vec![
        out.write("compare.csv", &export::compare_csv(comparison))
            .map_err(Error::Io)?,
        out.write("compare.json", &export::compare_json(comparison))
            .map_err(Error::Io)?,
    ];
    if let Some(d) = decision {
        paths.push(
            out.write("decision.csv", &crate::output::decision::csv(d))
                .map_err(Error::Io)?,
        );
        paths.push(
            out.write("decision.json", &crate::output::decision::json(d))
                .map_err(Error::Io)?,
        );
    }
    if xlsx {
        let today = report::date::today();
        paths.push(super::write_xlsx(
            out,
            crate::output::xlsx::compare_xlsx(comparison, &today),
        )?);
    }
    if let Some(settings) = settings {
        paths.extend(report::write_compare_decided(
            out, comparison, decision, models, overrides, settings,
        )?);
    }
    Ok(paths)
}

pub fn cmd_sweep(args: SweepArgs) -> Result<(), Error> {
    let settings = args.charts.settings_without_report("sweep")?;
    if let Some(shard) = &args.shard {
        if args.stop.precision.is_some() || args.stop.max_runs.is_some() {
            return Err(Error::Usage(
                "--precision decides the runs as it goes; shard a fixed --runs N (the N a --precision sweep reported)".into(),
            ));
        }
        return super::sweep_shard::cmd_sweep_shard(&args, shard);
    }
    let (mut model, overrides) = load(&args.file, &args.sim.set, args.sim.root.as_deref())?;
    let overrides = override_texts(&overrides);
    apply_sim_args(&mut model, &args.sim)?;
    let (axes, outcome) = sweep_axes(&model, &args.params, args.outcome.as_deref())?;
    let out = OutputDir::create(sweep_dir(&model, &overrides, &axes, &args.out), "sweep")
        .map_err(Error::Io)?;
    let mut options = options(&model, &args.sim);
    let stop = super::stop_rule(&args.stop, options.runs)?;
    if let Some(rule) = &stop {
        rule.check_names(&model).map_err(Error::Usage)?;
    }
    let condition = match &args.given {
        Some(text) => Some(conditions(std::slice::from_ref(&model), text)?.remove(0)),
        None => None,
    };
    let how = sweep::Options {
        given: args.given.as_deref().zip(condition.as_ref()),
        sampling: sampling(&args.sim),
    };
    let quiet = args.out.quiet || args.out.json;
    let points = match &stop {
        None => with_progress(&model, quiet, |progress| {
            sweep::sweep_with(&model, &axes, &how, &options, progress)
        })
        .map_err(Error::from)?,
        Some(rule) => {
            let (mut points, _, record) = precision::until(
                options.runs,
                rule,
                |runs| {
                    options.runs = runs;
                    model.info.runs = runs;
                    with_progress(&model, quiet, |progress| {
                        sweep::sweep_with(&model, &axes, &how, &options, progress)
                    })
                    .map_err(Error::from)
                },
                |points| precision::sweep_misses(&axes, points, rule),
            )?;
            for p in &mut points {
                p.summary.provenance.precision = Some(record.clone());
            }
            points
        }
    };
    write_sweep(
        out,
        &model,
        &axes,
        points,
        &overrides,
        outcome,
        args.threshold,
        settings.as_ref(),
        args.xlsx,
        &args.out,
    )
}

/// The axes of `--param` flags and the index of the outcome to tabulate.
pub fn sweep_axes(
    model: &Model,
    params: &[String],
    outcome: Option<&str>,
) -> Result<(Vec<Axis>, usize), Error> {
    if params.len() > 2 {
        return Err(Error::Usage(format!(
            "sweep takes one or two --param, got {}; sweep two at a time, or fix the others with --set",
            params.len()
        )));
    }
    let axes: Vec<Axis> = params
        .iter()
        .map(|p| Axis::parse(model, p))
        .collect::<Result<_, _>>()
        .map_err(Error::Usage)?;
    if axes.len() == 2 && axes[0].name == axes[1].name {
        return Err(Error::Usage(format!(
            "`{}` is swept twice; sweep two different parameters",
            axes[0].name
        )));
    }
    let outcome = match outcome {
        Some(name) => find_outcome(model, name).map_err(Error::Usage)?,
        None if model.outcomes.is_empty() => {
            return Err(Error::Usage("the scenario has no outcomes to sweep".into()));
        }
        None => 0,
    };
    Ok((axes, outcome))
}

/// Where a sweep's results go: `--out`, or output/NAME/sweep-PARAMS.
pub fn sweep_dir(model: &Model, overrides: &[String], axes: &[Axis], out: &OutArgs) -> PathBuf {
    let label: Vec<&str> = axes.iter().map(|a| a.name.as_str()).collect();
    out.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join(out_folder(&model.info.name, overrides, None))
            .join(format!("sweep-{}", label.join("-")))
    })
}

/// Write a sweep's files (sweep.csv, sweep.json, charts), commit them and
/// print its table: `sweep` and the merge of a sharded sweep end here alike.
#[allow(clippy::too_many_arguments)]
pub fn write_sweep(
    out: OutputDir,
    model: &Model,
    axes: &[Axis],
    mut points: Vec<sweep::Point>,
    overrides: &[String],
    outcome: usize,
    threshold: Option<f64>,
    settings: Option<&crate::report::ChartSettings>,
    xlsx: bool,
    args: &OutArgs,
) -> Result<(), Error> {
    for p in &mut points {
        p.summary.provenance.overrides = overrides.to_vec();
    }
    let mut paths = vec![
        out.write("sweep.csv", &export::sweep_csv(axes, &points))
            .map_err(Error::Io)?,
        out.write("sweep.json", &export::sweep_json(axes, &points))
            .map_err(Error::Io)?,
    ];
    if xlsx {
        let today = report::date::today();
        paths.push(super::write_xlsx(
            &out,
            crate::output::xlsx::sweep_xlsx(axes, &points, &today),
        )?);
    }
    let name = &model.outcomes[outcome].name;
    let mut skipped = Vec::new();
    if let Some(settings) = settings {
        let (files, skips) = report::write_sweep(&out, axes, &points, name, threshold, settings)?;
        paths.extend(files);
        skipped = skips;
    }
    let dir = out.path.clone();
    out.commit().map_err(Error::Io)?;
    show(
        args,
        || export::sweep_json(axes, &points),
        || export::sweep_table(axes, &points, name, threshold),
    );
    tell_skipped(args, &skipped);
    written(args, &dir, &paths);
    Ok(())
}

pub fn cmd_sensitivity(args: SensitivityArgs) -> Result<(), Error> {
    if let Some(shard) = &args.shard {
        return super::sensitivity_shard::cmd_sensitivity_shard(&args, shard);
    }
    let settings = args.charts.settings()?;
    let (mut model, overrides) = load(&args.file, &args.sim.set, args.sim.root.as_deref())?;
    let overrides = override_texts(&overrides);
    apply_sim_args(&mut model, &args.sim)?;
    let outcomes = sensitivity_outcomes(&model, args.outcome.as_deref())?;
    let method = method_of(args.method);
    check_uncertain(&model, method)?;
    let dir = args
        .out
        .out
        .clone()
        .unwrap_or_else(|| sensitivity_dir(&model, &overrides, method));
    let out = OutputDir::create(dir, "sensitivity").map_err(Error::Io)?;
    let options = options(&model, &args.sim);
    let sampling = sensitivity_sampling(method, args.sim.sampling)?;
    let condition = match &args.given {
        Some(text) => Some(conditions(std::slice::from_ref(&model), text)?.remove(0)),
        None => None,
    };
    let how = sensitivity::Options {
        sampling,
        given: args.given.as_deref().zip(condition.as_ref()),
    };
    let result = with_progress(&model, args.out.quiet || args.out.json, |progress| {
        sensitivity::analyse_with(&model, method, &how, &outcomes, &options, progress)
    });
    let s = result.map_err(Error::from)?;
    write_sensitivity(out, &s, &model, &overrides, settings.as_ref(), &args.out)
}

/// The outcomes a sensitivity analysis looks at: `--outcome`, or every
/// number and probability outcome.
pub(super) fn sensitivity_outcomes(
    model: &Model,
    outcome: Option<&str>,
) -> Result<Vec<usize>, Error> {
    let outcomes: Vec<usize> = match outcome {
        Some(name) => {
            let o = find_outcome(model, name).map_err(Error::Usage)?;
            if matches!(
                model.outcomes[o].kind,
                crate::scenario::OutcomeKind::Category(_)
            ) {
                return Err(Error::Usage(format!(
                    "`{name}` is a category outcome; sensitivity needs a number or a probability (write an outcome such as `{name} == 2` for one category)"
                )));
            }
            vec![o]
        }
        None => (0..model.outcomes.len())
            .filter(|&o| {
                !matches!(
                    model.outcomes[o].kind,
                    crate::scenario::OutcomeKind::Category(_)
                )
            })
            .collect(),
    };
    if outcomes.is_empty() {
        return Err(Error::Usage(
            "the scenario has no number or probability outcome to analyse".into(),
        ));
    }
    Ok(outcomes)
}

pub(super) fn method_of(arg: MethodArg) -> Method {
    match arg {
        MethodArg::Rank => Method::Rank,
        MethodArg::Sobol => Method::Sobol,
        MethodArg::Swing => Method::Swing,
    }
}

/// `--method`'s own word for a method.
pub(super) fn method_name(method: Method) -> &'static str {
    match method {
        Method::Rank => "rank",
        Method::Sobol => "sobol",
        Method::Swing => "swing",
    }
}

/// Refuses swing and sobol on a scenario without an uncertain parameter.
pub(super) fn check_uncertain(model: &Model, method: Method) -> Result<(), Error> {
    if model
        .steerable_params()
        .iter()
        .all(|(_, d)| d.kind() == crate::dist::DistKind::Fixed)
        && method != Method::Rank
    {
        return Err(Error::Usage(
            "no parameter of this scenario is uncertain, so there is nothing to analyse".into(),
        ));
    }
    Ok(())
}

/// The default folder of a sensitivity analysis.
pub(super) fn sensitivity_dir(model: &Model, overrides: &[String], method: Method) -> PathBuf {
    Path::new("output")
        .join(out_folder(&model.info.name, overrides, None))
        .join(format!("sensitivity-{}", method_name(method)))
}

/// The sampling of a sensitivity analysis: `--sampling` for sobol (a
/// scrambled Sobol sequence by default); rank and swing refuse one.
pub(super) fn sensitivity_sampling(
    method: Method,
    arg: Option<super::SamplingArg>,
) -> Result<crate::analysis::qmc::Sampling, Error> {
    Ok(match (method, arg) {
        (Method::Sobol, Some(s)) => s.sampling(),
        (Method::Sobol, None) => crate::analysis::qmc::Sampling::Sobol,
        (_, None | Some(super::SamplingArg::Random)) => crate::analysis::qmc::Sampling::Random,
        (_, Some(s)) => {
            return Err(Error::Usage(format!(
                "--sampling {} applies to --method sobol; rank and swing use each run's own draws",
                crate::analysis::sampled::name(s.sampling())
            )));
        }
    })
}

/// Writes a sensitivity analysis's files (and unless `--no-charts` its
/// charts) into `out`, commits them and prints the table or JSON.
pub(super) fn write_sensitivity(
    out: OutputDir,
    s: &sensitivity::Sensitivity,
    model: &Model,
    overrides: &[String],
    settings: Option<&report::ChartSettings>,
    out_args: &OutArgs,
) -> Result<(), Error> {
    let mut paths = vec![
        out.write("sensitivity.csv", &export::sensitivity_csv(s))
            .map_err(Error::Io)?,
        out.write("sensitivity.json", &export::sensitivity_json(s))
            .map_err(Error::Io)?,
    ];
    let mut skipped = Vec::new();
    if let Some(settings) = settings {
        let (files, skips) = report::write_sensitivity(&out, s, model, overrides, settings)?;
        paths.extend(files);
        skipped = skips;
    }
    let dir = out.path.clone();
    out.commit().map_err(Error::Io)?;
    show(
        out_args,
        || export::sensitivity_json(s),
        || export::sensitivity_table(s),
    );
    tell_skipped(out_args, &skipped);
    written(out_args, &dir, &paths);
    Ok(())
}
