//! Command-line definitions (clap) and the commands they run.
//!
//! Flags are parsed into the `Args` structs, then turned into validated
//! settings before any work starts; each command is a short function over
//! the library's pipeline.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use sha2::{Digest, Sha256};

pub mod analysis;
pub mod calibrate;
pub mod compare_shard;
pub mod decision;
pub mod discover;
pub mod sensitivity_shard;
pub mod shard;
pub mod sweep_shard;
pub mod watch;

use crate::Error;
use crate::analysis::qmc::Sampling;
use crate::analysis::{precision, sampled};
use crate::diag::{Report, printable};
use crate::engine::{self, Rows, RunOptions, compile::compile};
use crate::output::{OutputDir, RunsWriter, table, tables, xlsx};
use crate::scenario::{self, Disk, DiskWithRoot, Model, Override, VarKind, bundled, check};
use crate::summary::{self, RunContext};

#[derive(Parser, Debug)]
#[command(
    name = "polsim",
    version,
    about = "Policy-scenario risk simulator: Monte Carlo runs of a causal model written as a TOML scenario file",
    long_about = "polsim runs a scenario file (uncertain parameters, state that evolves step by step, \
stochastic events, interventions and outcomes) many thousands of times and reports the distribution \
of outcomes with honest intervals.\n\nStart with `polsim run scenarios/examples/coin-flips.toml`."
)]
pub struct Cli {
    /// Colour in error messages: auto (when stderr is a terminal and NO_COLOR
    /// is not set), always, or never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

impl ChartArgs {
    /// The checked chart settings, or `None` with `--no-charts`; a bad
    /// `--format` or `--size` is a usage error.
    /// With `--no-charts --pdf` only the PDF is written, without charts.
    pub fn settings(&self) -> Result<Option<crate::report::ChartSettings>, Error> {
        if self.no_charts && !self.pdf {
            return Ok(None);
        }
        Ok(Some(crate::report::ChartSettings {
            formats: crate::chart::Format::parse_list(&self.format).map_err(Error::Usage)?,
            size: crate::chart::Size::parse(&self.size).map_err(Error::Usage)?,
            pdf: self.pdf,
            charts: !self.no_charts,
        }))
    }

    /// The settings of a command that writes charts but no report (`sweep`):
    /// `--pdf` is a usage error there, not silently ignored.
    pub fn settings_without_report(
        &self,
        command: &str,
    ) -> Result<Option<crate::report::ChartSettings>, Error> {
        if self.pdf {
            return Err(Error::Usage(format!(
                "--pdf: {command} writes charts but no report to print; --pdf is for run, merge, compare, sensitivity, calibrate and discover"
            )));
        }
        self.settings()
    }
}

/// When to colour messages (`--color`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour: `--color always` or `never` decides; `auto`
    /// colours a terminal unless the `NO_COLOR` variable is set to anything
    /// but the empty string (https://no-color.org).
    pub fn enabled(self, no_color: Option<&std::ffi::OsStr>, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario's Monte Carlo simulation and report its outcomes
    Run(RunArgs),
    /// Check a scenario for mistakes and show the order in which it is evaluated
    Check(CheckArgs),
    /// Compare scenarios run by run (same seed, common random numbers), with paired differences
    Compare(analysis::CompareArgs),
    /// Fix one or two parameters on a grid and see how outcomes respond
    Sweep(analysis::SweepArgs),
    /// Find which parameters drive each outcome (rank correlation, Sobol indices or swing)
    Sensitivity(analysis::SensitivityArgs),
    /// Find the parameter values that reproduce observed data (approximate Bayesian computation)
    #[command(long_about = calibrate::LONG_ABOUT)]
    Calibrate(calibrate::CalibrateArgs),
    /// Find the conditions behind an outcome: parameter ranges where a condition holds (PRIM)
    ///
    /// polsim runs the scenario, notes in every run whether the --where condition held and
    /// which values the uncertain parameters took, and searches those values with PRIM
    /// (patient rule induction, as in EMA Workbench) for boxes: ranges on a few parameters
    /// inside which the condition is concentrated.
    ///
    /// Each box comes with its coverage (the share of the runs where the condition holds that
    /// fall inside it), its density (the share of its runs where the condition holds) and the
    /// number of parameters it restricts. The peeling trajectory shows the trade-off between
    /// coverage and density to choose a box from (--step).
    ///
    /// Example: polsim discover palmyra/baseline --where 'sanctions_return_by_dec_2027'
    Discover(discover::DiscoverArgs),
    /// Merge the partial results of `run --shard K/M` into the outputs of one run
    Merge(shard::MergeArgs),
    /// Draw the model's causal map: which name reads which (DOT and SVG)
    Graph(GraphArgs),
    /// List the scenarios bundled with polsim
    Scenarios(ScenariosArgs),
    /// Write a commented starter scenario to edit
    Init(InitArgs),
    /// Print a shell completion script, e.g. `polsim completions bash > ~/.local/share/bash-completion/completions/polsim`
    Completions(CompletionsArgs),
    /// Print polsim's manual page (roff), e.g. `polsim man > polsim.1`
    Man,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, elvish, fish, powershell or zsh
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// The scenario file (.toml) or a bundled scenario name
    pub file: PathBuf,
    /// Write graph.dot, graph.svg and (when the scenario declares chart groups) graph.html, one panel per question, into DIR (default: output/<scenario-name>/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the DOT text on stdout instead of writing files (for piping into Graphviz)
    #[arg(long)]
    pub dot: bool,
    /// Leave out the parameters: draw only the causal chain (state, derived
    /// variables, events, outcomes), easier to read for large models
    #[arg(long)]
    pub no_parameters: bool,
    /// Draw only the neighbourhood of NAME (a variable or an outcome), and
    /// list the feedback loops through it
    #[arg(long, value_name = "NAME")]
    pub focus: Option<String>,
    /// With --focus: how many edges upstream and downstream of NAME to draw
    #[arg(long, value_name = "K", default_value_t = crate::graph::DEFAULT_DEPTH, requires = "focus")]
    pub depth: usize,
    /// Which way the causal chain runs in graph.svg: lr (left to right), tb
    /// (top to bottom), or auto (the way that prints larger on a page)
    #[arg(long, value_name = "WAY", default_value = "auto", value_parser = ["auto", "lr", "tb"])]
    pub direction: String,
    /// Print the map (nodes, signed edges, feedback loops) as JSON on stdout instead of writing files
    #[arg(long, conflicts_with = "dot")]
    pub json: bool,
    /// Let the scenario read (extend) files anywhere inside DIR, not only inside its own folder
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The file to create, e.g. my-model.toml
    pub file: PathBuf,
    /// Overwrite the file if it exists
    #[arg(long)]
    pub force: bool,
}

/// Flags shared by every command that simulates.
#[derive(Args, Debug, Clone)]
pub struct SimArgs {
    /// How many runs to simulate (default: the scenario's `runs`, else 10000)
    #[arg(long, value_name = "N")]
    pub runs: Option<u64>,
    /// Random seed; the same seed, scenario and runs give identical results (default: the scenario's `seed`)
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Use at most K threads (default: all cores; at most 4 per core); results do not depend on it
    #[arg(long, value_name = "K", default_value_t = 0, hide_default_value = true)]
    pub threads: usize,
    /// Override a parameter with a value or a distribution, e.g. --set vetting=0.3 or --set 'vetting=pert(0.1,0.3,0.6)'; repeatable
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Let scenarios read (extend) files anywhere inside DIR, not only inside the folder of the scenario named
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// How the uncertain parameters are sampled: random (each run draws its own; the default),
    /// lhs (Latin hypercube) or sobol (scrambled Sobol sequence); lhs and sobol take their
    /// intervals from 8 independently randomised replicates (sensitivity: for --method sobol, default sobol)
    #[arg(long, value_enum, value_name = "SCHEME")]
    pub sampling: Option<SamplingArg>,
}

/// `--sampling`: how the uncertain parameters' values are placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SamplingArg {
    /// Every run draws its own values (pseudo-random)
    Random,
    /// A Latin hypercube: each parameter's range cut into as many equal-probability intervals as runs, one run in each
    Lhs,
    /// An Owen-scrambled Sobol low-discrepancy sequence
    Sobol,
}

impl SamplingArg {
    pub fn sampling(self) -> Sampling {
        match self {
            SamplingArg::Random => Sampling::Random,
            SamplingArg::Lhs => Sampling::Lhs,
            SamplingArg::Sobol => Sampling::Sobol,
        }
    }
}

/// The sampling `run`, `compare` and `sweep` use: pseudo-random unless asked.
pub fn sampling(sim: &SimArgs) -> Sampling {
    sim.sampling.map_or(Sampling::Random, SamplingArg::sampling)
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The scenario file (.toml) or a bundled scenario name such as palmyra/second_attack
    /// (default: the bundled Palmyra baseline)
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Write results into DIR (default: output/<scenario-name>/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write every run's parameters and outcomes to runs.csv (streamed to disk; refused before the run if the disk cannot hold it)
    #[arg(long)]
    pub runs_csv: bool,
    /// Also write summary.xlsx: outcomes, time series, parameters and provenance as Excel sheets
    #[arg(long)]
    pub xlsx: bool,
    /// Print nothing but errors (no table, no progress bar)
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON on stdout instead of the table
    #[arg(long)]
    pub json: bool,
    /// Keep per-step statistics (timeseries.csv, fan charts) only for these: all, charted (the
    /// variables the charts draw), none, or state and derived variables separated by commas;
    /// replaces the scenario's `series` (default: the scenario's, else all)
    #[arg(long, value_name = "CHOICE")]
    pub series: Option<String>,
    /// Report only the runs where this holds, e.g. --given 'count(insider_attack) >= 1' or --given 'casualties > 10' (outcomes may be named)
    #[arg(long, value_name = "EXPR")]
    pub given: Option<String>,
    #[command(flatten)]
    pub stop: StopArgs,
    /// Compute only part K of M of the runs (K from 1 to M) and write a partial result
    /// into --out DIR (default output/<scenario-name>.parts/) for `polsim merge`; the merged
    /// outputs are those of one run, byte for byte (docs/scale.md)
    #[arg(long, value_name = "K/M")]
    pub shard: Option<String>,
    #[command(flatten)]
    pub charts: ChartArgs,
    #[command(flatten)]
    pub watch: watch::WatchArgs,
}

/// The stop rule: `--precision`, `--max-runs`, `--precision-for` (run,
/// compare, sweep).
#[derive(Args, Debug, Clone, Default)]
pub struct StopArgs {
    /// Run until every outcome is this precise: each probability's 95% interval within ±P,
    /// each mean's within ±P times the mean (0.005: ±0.005 and ±0.5%); --runs is the first
    /// round. compare: every difference, numbers relative to the larger of the two means;
    /// sweep: every outcome at every grid point
    #[arg(long, value_name = "P")]
    pub precision: Option<f64>,
    /// The most runs --precision may reach (default 1000000)
    #[arg(long, value_name = "N")]
    pub max_runs: Option<u64>,
    /// Hold only these outcomes to --precision, comma-separated, e.g. --precision-for deal,casualties
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub precision_for: Vec<String>,
}

/// How charts and reports are drawn.
#[derive(Args, Debug, Clone)]
pub struct ChartArgs {
    /// Skip the charts and the HTML/Markdown reports (with --pdf: write only
    /// the PDF report, without charts)
    #[arg(long)]
    pub no_charts: bool,
    /// Write the report as an A4 PDF too (report.pdf beside report.html),
    /// made by polsim itself, no browser needed
    #[arg(long)]
    pub pdf: bool,
    /// Chart file formats, comma-separated: png, svg
    #[arg(
        long,
        value_name = "FORMATS",
        value_delimiter = ',',
        default_value = "png,svg"
    )]
    pub format: Vec<String>,
    /// Chart size in pixels, WIDTHxHEIGHT
    #[arg(long, value_name = "WxH", default_value = "1200x800")]
    pub size: String,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The scenario file (.toml) or a bundled scenario name
    pub file: PathBuf,
    /// Check with these parameter overrides applied, as `run --set` would
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Let the scenario read (extend) files anywhere inside DIR, not only inside its own folder
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print the checked model as JSON on stdout (mistakes still go to stderr, exit code 2)
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ScenariosArgs {
    /// Print the list as JSON on stdout: name and description of each
    #[arg(long)]
    pub json: bool,
}

pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => cmd_run(args),
        Command::Check(args) => cmd_check(args),
        Command::Compare(args) => analysis::cmd_compare(args),
        Command::Sweep(args) => analysis::cmd_sweep(args),
        Command::Sensitivity(args) => analysis::cmd_sensitivity(args),
        Command::Calibrate(args) => calibrate::cmd_calibrate(args),
        Command::Discover(args) => discover::cmd_discover(args),
        Command::Merge(args) => shard::cmd_merge(args),
        Command::Graph(args) => cmd_graph(args),
        Command::Scenarios(args) => cmd_scenarios(args),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "polsim", &mut std::io::stdout());
            Ok(())
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut page)
                .map_err(Error::Io)?;
            std::io::Write::write_all(&mut std::io::stdout(), &page).map_err(Error::Io)
        }
        Command::Init(args) => cmd_init(args),
    }
}

/// Load a scenario with `--set` overrides; command-line settings win.
/// `root` (`--root DIR`) widens the folder the scenario may read from.
pub fn load(
    file: &Path,
    sets: &[String],
    root: Option<&Path>,
) -> Result<(Model, Vec<Override>), Error> {
    let overrides = parse_overrides(sets)?;
    let (path, store) = store_for(file, root)?;
    let model = scenario::load(&path, store.as_ref(), &overrides).map_err(Error::Scenario)?;
    Ok((model, overrides))
}

/// `run --series`: which variables keep per-step statistics, in place of
/// the scenario's `series`; `charts` when charts will be drawn (then every
/// variable `[charts]` names must be kept).
pub fn apply_series(model: &mut Model, series: Option<&str>, charts: bool) -> Result<(), Error> {
    match series {
        Some(choice) => {
            scenario::check::apply_series_flag(model, choice, charts).map_err(Error::Usage)
        }
        None => Ok(()),
    }
}

/// `--set NAME=VALUE` flags, parsed.
pub fn parse_overrides(sets: &[String]) -> Result<Vec<Override>, Error> {
    sets.iter()
        .map(|s| Override::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::Usage)
}

/// Where a scenario named on the command line is read from: the path to
/// load and the store that reads it.
pub fn store_for(
    file: &Path,
    root: Option<&Path>,
) -> Result<(PathBuf, Box<dyn scenario::Store>), Error> {
    if let Some(root) = root
        && !root.is_dir()
    {
        return Err(Error::Usage(format!(
            "--root {}: not a folder; name the folder scenarios may read from",
            crate::diag::clip(&root.display().to_string())
        )));
    }
    // A path that exists is read from disk; otherwise a bundled scenario of
    // that name (`palmyra/baseline`), so bundled models run from anywhere.
    let bundled_name = if file.exists() {
        None
    } else {
        bundled::find(&file.to_string_lossy())
    };
    Ok(match (bundled_name, root) {
        (Some(name), _) => (PathBuf::from(name), Box::new(bundled::Bundled)),
        (None, None) => (file.to_path_buf(), Box::new(Disk)),
        (None, Some(root)) => (
            file.to_path_buf(),
            Box::new(DiskWithRoot(root.to_path_buf())),
        ),
    })
}

/// Apply `--runs` and `--seed` to a loaded model.
pub fn apply_sim_args(model: &mut Model, sim: &SimArgs) -> Result<(), Error> {
    if let Some(runs) = sim.runs {
        if runs == 0 || runs > check::MAX_RUNS as u64 {
            return Err(Error::Usage(format!(
                "--runs {runs} is out of range: use 1 to {}",
                check::MAX_RUNS
            )));
        }
        model.info.runs = runs;
    }
    if let Some(seed) = sim.seed {
        model.info.seed = seed;
    }
    check_threads(sim.threads)?;
    use_threads(sim.threads);
    Ok(())
}

/// Size the shared thread pool, which summaries, charts and the analyses'
/// sampling run on, to `--threads` (the simulation builds its own pool of
/// the same size): so `--threads 1` means one thread throughout. Only the
/// first call has an effect.
pub(crate) fn use_threads(threads: usize) {
    if threads > 0 {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
}

/// The most threads `--threads` may ask for: 4 per core, and at least 64
/// (so a determinism check with a few threads works on any machine). More
/// cannot run faster, and tens of thousands exhaust the system's threads.
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (4 * cores).max(64)
}

pub(crate) fn check_threads(threads: usize) -> Result<(), Error> {
    let max = max_threads();
    if threads > max {
        return Err(Error::Usage(format!(
            "--threads {threads} is more than this machine can use: polsim runs at most {max} threads here (4 per core, at least 64); leave --threads out to use every core"
        )));
    }
    Ok(())
}

/// A directory name from a scenario name: lower case, words joined by '-'.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-').to_string();
    if trimmed.is_empty() {
        "scenario".into()
    } else {
        trimmed
    }
}

/// `--set` overrides as provenance records them: `name=value`.
pub fn override_texts(overrides: &[Override]) -> Vec<String> {
    overrides
        .iter()
        .map(|o| format!("{}={}", o.name, o.value))
        .collect()
}

/// The folder name of a run: the scenario's [`slug`], and for a what-if run
/// a readable suffix naming its overrides and condition, so that it never
/// overwrites the plain run's results: `deterrence--threat=0.9`,
/// `palmyra-baseline--given-count-insider_attack-ge-1`. A suffix longer
/// than 60 characters is cut and ends in a hash of the whole, so two long
/// what-ifs still get two folders.
pub fn out_folder(name: &str, overrides: &[String], given: Option<&str>) -> String {
    let mut parts: Vec<String> = overrides.iter().map(|o| folder_word(o)).collect();
    if let Some(given) = given {
        parts.push(format!("given-{}", folder_word(given)));
    }
    let base = slug(name);
    if parts.is_empty() {
        return base;
    }
    let suffix = parts.join("--");
    if suffix.chars().count() <= 60 {
        return format!("{base}--{suffix}");
    }
    let digest = Sha256::digest(suffix.as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let cut: String = suffix.chars().take(50).collect();
    format!("{base}--{}-{hash}", cut.trim_end_matches(['-', '.', '=']))
}

/// Text as a piece of a folder name: letters, digits, `_`, `.` and the `=`
/// of an override kept; comparisons spelt out (`>=` is `ge`); anything
/// else one `-`.
fn folder_word(text: &str) -> String {
    let mut spaced = text.to_string();
    for (op, word) in [
        (">=", "-ge-"),
        ("<=", "-le-"),
        ("==", "-eq-"),
        ("!=", "-ne-"),
        (">", "-gt-"),
        ("<", "-lt-"),
        ("&&", "-and-"),
        ("||", "-or-"),
    ] {
        spaced = spaced.replace(op, word);
    }
    let mut out = String::new();
    for (i, c) in spaced.chars().enumerate() {
        let keep = c.is_alphanumeric() || c == '_' || c == '.' || (c == '=' && i > 0);
        if keep {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn cmd_run(args: RunArgs) -> Result<(), Error> {
    if args.watch.watch {
        return watch::watch_run(&args);
    }
    if let Some(shard) = &args.shard {
        return shard::cmd_run_shard(&args, shard);
    }
    let (summary, dir, written) = run_once(&args, &mut |_, _| Ok(Vec::new()))?;
    print_run(&summary, &dir, &written, args.json, args.quiet);
    Ok(())
}

/// Print a run's table and the files written (or the JSON, or nothing).
/// `run` and `merge` end here alike.
pub fn print_run(
    summary: &summary::Summary,
    dir: &Path,
    written: &[PathBuf],
    json: bool,
    quiet: bool,
) {
    if json {
        print!(
            "{}",
            String::from_utf8_lossy(&tables::summary_json(summary))
        );
    } else if !quiet {
        // Labels and units are the scenario's free text: no control
        // characters reach the terminal.
        print!("{}", printable(&table::render(summary)));
        println!("\n{}", printable(&table::written(dir, written)));
    }
}

/// What `--watch` adds to a result set before it is committed (the live
/// reload of the report): given the folder and the files written, the
/// files it wrote.
pub type BeforeCommit<'a> = dyn FnMut(&OutputDir, &[PathBuf]) -> Result<Vec<PathBuf>, Error> + 'a;

/// One `run`: simulate, write the result set, and return the summary, the
/// folder and the files written.
pub fn run_once(
    args: &RunArgs,
    before_commit: &mut BeforeCommit<'_>,
) -> Result<(summary::Summary, PathBuf, Vec<PathBuf>), Error> {
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from(bundled::DEFAULT));
    // Bad chart flags are reported before a long run, not after it.
    let chart_settings = args.charts.settings()?;
    let (mut model, overrides) = load(&file, &args.sim.set, args.sim.root.as_deref())?;
    apply_sim_args(&mut model, &args.sim)?;
    apply_series(&mut model, args.series.as_deref(), !args.charts.no_charts)?;
    let stop = stop_rule(&args.stop, model.info.runs)?;
    if let Some(rule) = &stop {
        rule.check_names(&model).map_err(Error::Usage)?;
    }
    let condition = match &args.given {
        Some(text) => {
            Some(scenario::parse_extra(&model, "--given", text).map_err(Error::Scenario)?)
        }
        None => None,
    };
    let program = compile(&model, condition.as_ref());
    let override_texts = override_texts(&overrides);
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(out_folder(
            &model.info.name,
            &override_texts,
            args.given.as_deref(),
        ))
    });
    // The folder is locked before the run, so a second writer stops at once.
    let out = OutputDir::create(dir, "run").map_err(Error::Io)?;
    if !args.charts.no_charts {
        warn_many_charts(&model, args.quiet || args.json);
    }

    let ctx = RunContext {
        given: args.given.clone(),
        overrides: override_texts,
        definitions: definitions(&model),
    };
    let (summary, runs_writer) = match &stop {
        None => run_round(&model, &program, args, &out, &ctx)?,
        Some(rule) => {
            let ((mut summary, writer), runs, record) = precision::until(
                model.info.runs,
                rule,
                |runs| {
                    model.info.runs = runs;
                    run_round(&model, &program, args, &out, &ctx)
                },
                |(summary, _)| precision::misses(summary, rule),
            )?;
            model.info.runs = runs;
            summary.provenance.precision = Some(record);
            (summary, writer)
        }
    };
    let (dir, written) = write_run(
        out,
        &model,
        &summary,
        chart_settings.as_ref(),
        args.xlsx,
        runs_writer,
        before_commit,
    )?;
    Ok((summary, dir, written))
}

/// Write a run's result set (summary.csv, summary.json, timeseries.csv,
/// summary.xlsx when asked, runs.csv when streamed, charts and reports) and
/// commit it; return the folder and the files written. `run` and `merge`
/// end here alike.
pub fn write_run(
    out: OutputDir,
    model: &Model,
    summary: &summary::Summary,
    chart_settings: Option<&crate::report::ChartSettings>,
    with_xlsx: bool,
    runs_writer: Option<RunsWriter>,
    before_commit: &mut BeforeCommit<'_>,
) -> Result<(PathBuf, Vec<PathBuf>), Error> {
    // The tables are written while the charts are drawn: on one core,
    // the other cores drawing charts, rather than with them all waiting.
    let tables = || -> Result<Vec<PathBuf>, Error> {
        let mut written = vec![
            out.write("summary.csv", &tables::summary_csv(summary))
                .map_err(Error::Io)?,
            out.write("summary.json", &tables::summary_json(summary))
                .map_err(Error::Io)?,
            out.write("timeseries.csv", &tables::timeseries_csv(summary))
                .map_err(Error::Io)?,
        ];
        if with_xlsx {
            let today = crate::report::date::today();
            written.push(write_xlsx(&out, xlsx::run_xlsx(summary, &today))?);
        }
        if let Some(w) = runs_writer {
            written.push(w.commit().map_err(Error::Io)?);
        }
        Ok(written)
    };
    let charts = || {
        chart_settings
            .map(|settings| crate::report::write_run(&out, model, summary, settings))
            .transpose()
    };
    let (tables, charts) = rayon::join(tables, charts);
    let mut written = tables?;
    written.extend(charts?.unwrap_or_default());
    let added = before_commit(&out, &written)?;
    written.extend(added);
    let dir = out.path.clone();
    out.commit().map_err(Error::Io)?;
    Ok((dir, written))
}

/// Write summary.xlsx from an exporter's result.
pub fn write_xlsx(
    out: &OutputDir,
    bytes: Result<Vec<u8>, rust_xlsxwriter::XlsxError>,
) -> Result<PathBuf, Error> {
    let bytes = bytes.map_err(|e| {
        Error::Io(std::io::Error::other(format!(
            "cannot make summary.xlsx: {e}"
        )))
    })?;
    out.write("summary.xlsx", &bytes).map_err(Error::Io)
}

/// The default cap on runs for `--precision`.
pub const DEFAULT_MAX_RUNS: u64 = 1_000_000;

/// `--precision`, `--max-runs` and `--precision-for`, checked: the stop
/// rule, or `None` without `--precision`. The outcome names are checked
/// against the model by [`precision::Rule::check_names`].
pub fn stop_rule(args: &StopArgs, first_runs: u64) -> Result<Option<precision::Rule>, Error> {
    let Some(target) = args.precision else {
        if let Some(max) = args.max_runs {
            return Err(Error::Usage(format!(
                "--max-runs {max} caps the runs of --precision; add --precision (e.g. --precision 0.005), or use --runs for a fixed number of runs"
            )));
        }
        if !args.precision_for.is_empty() {
            return Err(Error::Usage(format!(
                "--precision-for {} names the outcomes --precision holds to its target; add --precision (e.g. --precision 0.005)",
                args.precision_for.join(",")
            )));
        }
        return Ok(None);
    };
    if !(target > 0.0 && target < 1.0) {
        return Err(Error::Usage(format!(
            "--precision {target} is out of range: give the half-width of a 95% interval between 0 and 1, e.g. 0.005 (probabilities within ±0.005, means within ±0.5%)"
        )));
    }
    let max_runs = args.max_runs.unwrap_or(DEFAULT_MAX_RUNS.max(first_runs));
    if max_runs > check::MAX_RUNS as u64 || max_runs < first_runs {
        return Err(Error::Usage(format!(
            "--max-runs {max_runs} is out of range: use {first_runs} (the first round's runs, from --runs or the scenario) to {}",
            check::MAX_RUNS
        )));
    }
    let mut outcomes: Vec<String> = Vec::new();
    for name in &args.precision_for {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Usage(
                "--precision-for has an empty name; give outcome names separated by commas, e.g. --precision-for deal,casualties".into(),
            ));
        }
        if !outcomes.iter().any(|o| o == name) {
            outcomes.push(name.to_string());
        }
    }
    Ok(Some(precision::Rule {
        target,
        max_runs,
        outcomes,
    }))
}

/// Simulate `model.info.runs` runs from run 0 and summarise them, writing
/// runs.csv afresh when asked.
fn run_round(
    model: &Model,
    program: &engine::Program,
    args: &RunArgs,
    out: &OutputDir,
    ctx: &RunContext,
) -> Result<(summary::Summary, Option<RunsWriter>), Error> {
    let given = args.given.is_some();
    let mut runs_writer = if args.runs_csv {
        let header = runs_header(model, given);
        check_runs_csv_space(out, model.info.runs, header.len())?;
        Some(out.runs_writer("runs.csv", &header).map_err(Error::Io)?)
    } else {
        None
    };
    let options = RunOptions {
        runs: model.info.runs,
        seed: model.info.seed,
        threads: args.sim.threads,
        rows: runs_writer.is_some(),
    };
    let mut on_rows = |rows: &Rows| -> std::io::Result<()> {
        if let Some(w) = runs_writer.as_mut() {
            for i in 0..rows.len() {
                let mut cells = vec![(rows.first_run + i as u64).to_string()];
                cells.extend(rows.params.iter().map(|c| cell(c[i])));
                cells.extend(rows.outcomes.iter().map(|c| cell(c[i])));
                if given {
                    cells.push(u8::from(rows.condition[i]).to_string());
                }
                w.row(&cells)?;
            }
        }
        Ok(())
    };
    let result = with_progress(model, args.quiet || args.json, |progress| {
        sampled::simulate(
            model,
            program,
            sampling(&args.sim),
            &options,
            progress,
            &mut on_rows,
        )
    });
    let mut simulated = result.map_err(Error::from)?;
    if let Some(text) = &args.given
        && simulated.results.kept == 0
    {
        return Err(Error::Usage(format!(
            "no run satisfies --given `{text}` (0 of {} runs); the condition may be impossible in this model, or rare: check it, or raise --runs",
            simulated.results.runs
        )));
    }
    Ok((simulated.summarize(model, ctx), runs_writer))
}

/// The columns of runs.csv.
fn runs_header(model: &Model, given: bool) -> Vec<String> {
    let mut header = vec!["run".to_string()];
    header.extend(model.params.iter().map(|&p| model.var(p).name.clone()));
    header.extend(model.outcomes.iter().map(|o| o.name.clone()));
    if given {
        header.push("given".into());
    }
    header
}

/// Bytes per cell of runs.csv, generously: a number such as
/// `0.12345678901234567` and its comma.
const RUNS_CSV_CELL_BYTES: u64 = 21;

/// Refuse `--runs-csv` when the disk cannot hold it, before the run.
fn check_runs_csv_space(out: &OutputDir, runs: u64, columns: usize) -> Result<(), Error> {
    let estimate = runs_csv_bytes(runs, columns);
    let Some(free) = out.free_bytes() else {
        return Ok(());
    };
    match runs_csv_refusal(estimate, free) {
        Some(why) => Err(Error::Io(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            format!(
                "{why} ({runs} runs x {columns} columns, into {}); lower --runs, free some space, or write elsewhere with --out DIR",
                out.path.display()
            ),
        ))),
        None => Ok(()),
    }
}

/// Why runs.csv of about `estimate` bytes does not fit in `free` bytes,
/// leaving 64 MB for the other files and for everyone else on the disk.
pub fn runs_csv_refusal(estimate: u64, free: u64) -> Option<String> {
    let margin = 64_000_000;
    (estimate.saturating_add(margin) > free).then(|| {
        format!(
            "--runs-csv would write about {}, but only {} is free there",
            human_bytes(estimate),
            human_bytes(free)
        )
    })
}

/// The size runs.csv may reach: a row per run, a cell per column.
pub fn runs_csv_bytes(runs: u64, columns: usize) -> u64 {
    runs.saturating_mul((columns as u64).saturating_mul(RUNS_CSV_CELL_BYTES))
}

pub use crate::format::bytes as human_bytes;

/// Above this many default charts, say so and point at `[charts]`.
pub const MANY_CHARTS: usize = 60;

/// Without `[charts]`, every outcome, variable and event gets a chart; for
/// a large model that takes minutes, so say so before the run.
fn warn_many_charts(model: &Model, quiet: bool) {
    let count = crate::chart::for_run_count(model);
    if count > MANY_CHARTS && !quiet {
        eprintln!(
            "warning: this run will draw {count} charts (one per outcome, variable and event, since the scenario has no [charts] table), which takes a while; choose the charts you want in [charts] (docs/scenario-format.md#charts), or pass --no-charts"
        );
    }
}

fn cell(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// Parameter definitions as written, for tables and reports.
pub fn definitions(model: &Model) -> Vec<(String, String)> {
    model
        .params
        .iter()
        .map(|&p| (model.var(p).name.clone(), model.var(p).text.clone()))
        .collect()
}

/// Run `work` with a progress callback that drives a bar on a terminal
/// (for long runs, unless `quiet`), and clear the bar afterwards.
pub fn with_progress<T>(
    model: &Model,
    quiet: bool,
    work: impl FnOnce(&(dyn Fn(u64) + Sync)) -> T,
) -> T {
    with_progress_of(model, model.info.runs, quiet, work)
}

/// [`with_progress`] counting against `runs` runs: a shard's own runs.
pub fn with_progress_of<T>(
    model: &Model,
    runs: u64,
    quiet: bool,
    work: impl FnOnce(&(dyn Fn(u64) + Sync)) -> T,
) -> T {
    let bar = progress_bar(model, runs, quiet);
    let progress = |done: u64| {
        if let Some(b) = &bar {
            b.set_position(done);
        }
    };
    let result = work(&progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    result
}

fn progress_bar(model: &Model, runs: u64, quiet: bool) -> Option<indicatif::ProgressBar> {
    let work = runs.saturating_mul(u64::from(model.info.steps));
    if quiet || !std::io::stderr().is_terminal() || work < 2_000_000 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(runs);
    // indicatif's own {per_sec} prints "137,244.5994/s": the rate is
    // written by the format module instead ("137,245 runs/s").
    let style = indicatif::ProgressStyle::with_template(
        "{bar:40} {human_pos}/{human_len} runs  {rate}  eta {eta}",
    )
    .map(|style| {
        style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let rate = crate::format::rate(state.per_sec());
                let _ = write!(w, "{}", rate.replace("/s", " runs/s"));
            },
        )
    })
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

fn cmd_check(args: CheckArgs) -> Result<(), Error> {
    let (model, _) = load(&args.file, &args.set, args.root.as_deref())?;
    if args.json {
        println!("{}", checked_json(&model));
        return Ok(());
    }
    print!("{}", printable(&evaluation_order(&model)));
    Ok(())
}

fn cmd_graph(args: GraphArgs) -> Result<(), Error> {
    let (model, _) = load(&args.file, &[], args.root.as_deref())?;
    let options = crate::graph::Options {
        parameters: !args.no_parameters,
        focus: args.focus.clone(),
        depth: args.depth,
        direction: match args.direction.as_str() {
            "lr" => Some(crate::graph::Direction::LeftToRight),
            "tb" => Some(crate::graph::Direction::TopToBottom),
            _ => None,
        },
    };
    let map = crate::graph::Map::new(&model, &options).map_err(|e| Error::Usage(e.to_string()))?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&map.json()).unwrap_or_default()
        );
        return Ok(());
    }
    let dot = map.dot();
    if args.dot {
        print!("{dot}");
        return Ok(());
    }
    let svg = map.svg().map_err(|e| {
        Error::Io(std::io::Error::other(format!(
            "cannot lay out the graph: {e}"
        )))
    })?;
    let dir = args
        .out
        .unwrap_or_else(|| PathBuf::from("output").join(slug(&model.info.name)));
    // The whole map of a scenario with chart groups also comes as one
    // panel per question, set out in graph.html, which prints readably.
    let panels = if args.focus.is_none() {
        crate::graph::panels(&model)
    } else {
        Vec::new()
    };
    // Each panel whole, or in parts where whole it would print too small.
    let mut drawn = Vec::new();
    for panel in &panels {
        drawn.push(crate::graph::fit(&model, panel, &options).map_err(|e| {
            Error::Io(std::io::Error::other(format!(
                "cannot lay out the graph: {e}"
            )))
        })?);
    }
    let out = OutputDir::create(dir, "graph").map_err(Error::Io)?;
    let dot_path = out.write("graph.dot", dot.as_bytes()).map_err(Error::Io)?;
    let svg_path = out.write("graph.svg", svg.as_bytes()).map_err(Error::Io)?;
    let page_path = if drawn.is_empty() {
        None
    } else {
        let page = crate::graph::page(&model.info.name, &drawn, "graph.svg");
        Some(
            out.write("graph.html", page.as_bytes())
                .map_err(Error::Io)?,
        )
    };
    out.commit().map_err(Error::Io)?;
    let (nodes, edges) = map.size();
    println!(
        "wrote {} and {} ({nodes} nodes, {edges} edges); `dot -Tpng {}` renders the DOT with Graphviz if you have it",
        dot_path.display(),
        svg_path.display(),
        dot_path.display()
    );
    if let Some(path) = page_path {
        println!(
            "wrote {}: the map in {} panels, one per chart group, to print",
            path.display(),
            drawn.len()
        );
    }
    print!("{}", map.loops_text(GRAPH_LOOPS_PRINTED));
    Ok(())
}

/// Loops `graph` prints on the terminal, at most.
const GRAPH_LOOPS_PRINTED: usize = 30;

fn cmd_scenarios(args: ScenariosArgs) -> Result<(), Error> {
    let mut rows = Vec::new();
    for (name, _) in bundled::all() {
        let description = match scenario::load(Path::new(name), &bundled::Bundled, &[]) {
            Ok(m) => m.info.description,
            Err(r) => format!("(does not check: {} problems)", r.diagnostics.len()),
        };
        rows.push((name.trim_end_matches(".toml").to_string(), description));
    }
    if args.json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(name, description)| {
                serde_json::json!({ "name": name, "description": description })
            })
            .collect();
        let default = bundled::DEFAULT.trim_end_matches(".toml");
        println!(
            "{}",
            serde_json::json!({ "default": default, "scenarios": list })
        );
        return Ok(());
    }
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    println!(
        "Bundled scenarios (run one with `polsim run NAME`; `polsim run` alone runs {}):\n",
        bundled::DEFAULT.trim_end_matches(".toml")
    );
    for (name, description) in rows {
        println!("  {name:<width$}  {}", first_sentence(&description));
    }
    Ok(())
}

fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    match text.find(". ") {
        Some(i) => &text[..=i],
        None => text,
    }
}

/// The starter scenario `polsim init` writes.
pub const STARTER: &str = include_str!("../starter.toml");

fn cmd_init(args: InitArgs) -> Result<(), Error> {
    if args.file.exists() && !args.force {
        return Err(Error::Usage(format!(
            "{} already exists; choose another name or add --force to overwrite it",
            args.file.display()
        )));
    }
    let name = args
        .file
        .file_stem()
        .map_or("my-model".to_string(), |s| s.to_string_lossy().into_owned());
    let text = STARTER
        .replace("\"NAME\"", &format!("{name:?}"))
        .replace("NAME.toml", &args.file.display().to_string());
    crate::output::write_atomic(&args.file, text.as_bytes()).map_err(Error::Io)?;
    println!(
        "wrote {}: edit it, then `polsim check {}` and `polsim run {}`",
        args.file.display(),
        args.file.display(),
        args.file.display()
    );
    Ok(())
}

/// What a metalog fitted to elicited quantiles implies, for the expert to
/// check against their judgment: its tails, mean and spread.
fn metalog_fit(d: &crate::dist::Dist) -> String {
    let q = |p: f64| crate::format::number(d.quantile(p));
    format!(
        "fit: three-term metalog through p10, p50, p90; implies p1 {}, p5 {}, p95 {}, p99 {}; mean {}, sd {}",
        q(0.01),
        q(0.05),
        q(0.95),
        q(0.99),
        crate::format::number(d.mean()),
        crate::format::number(d.std_dev())
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The text `polsim check` prints: counts, then every variable in order.
/// `check --json`: the checked model's settings and its names in
/// evaluation order (parameters, then each step's derived variables and
/// events, then the states that advance together), and its outcomes.
pub fn checked_json(model: &Model) -> serde_json::Value {
    let info = &model.info;
    let entry = |v: scenario::VarId| {
        let var = model.var(v);
        serde_json::json!({ "name": var.name, "kind": var.kind.word(), "definition": var.text })
    };
    serde_json::json!({
        "ok": true,
        "file": info.path,
        "name": info.name,
        "description": info.description,
        "steps": info.steps,
        "step_unit": info.time.unit,
        "start": info.time.label(0),
        "runs": info.runs,
        "seed": info.seed,
        "parameters": model.params.iter().map(|&p| entry(p)).collect::<Vec<_>>(),
        "each_step": model.step_order.iter().map(|&v| entry(v)).collect::<Vec<_>>(),
        "states": model.states.iter().map(|&s| entry(s)).collect::<Vec<_>>(),
        "outcomes": model.outcomes.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
        "series": model.series_vars().0.iter().map(|&v| model.var(v).name.clone()).collect::<Vec<_>>(),
        "interventions": model.interventions.len(),
    })
}

/// The files parameters are drawn from, each with its parameters.
fn sampled_files(model: &Model) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    for &p in &model.params {
        if let VarKind::Param {
            def: scenario::MExpr::Resample(r),
            ..
        } = &model.var(p).kind
        {
            let name = model.var(p).name.clone();
            match files.iter_mut().find(|(f, _)| *f == r.file) {
                Some((_, names)) => names.push(name),
                None => files.push((r.file.clone(), vec![name])),
            }
        }
    }
    files
}

pub fn evaluation_order(model: &Model) -> String {
    let info = &model.info;
    let count = |k: &str| model.vars.iter().filter(|v| v.kind.word() == k).count();
    let mut out = format!(
        "{}: ok — {}, {}, {}, {}, {}, {}\n",
        info.path,
        plural(count("parameter"), "parameter"),
        plural(count("state"), "state variable"),
        plural(count("derived"), "derived variable"),
        plural(count("event"), "event"),
        plural(model.outcomes.len(), "outcome"),
        plural(model.interventions.len(), "intervention")
    );
    if !info.title.is_empty() {
        out.push_str(&format!("title: {}\n", info.title));
    }
    out.push_str(&format!(
        "horizon: {} {}s from {} ({} to {}); {} runs, seed {}\n",
        info.steps,
        info.time.unit,
        info.time.label(0),
        info.time.label(1),
        info.time.label(info.steps),
        info.runs,
        info.seed
    ));
    if model.series.is_some() {
        let (kept, _) = model.series_vars();
        let names: Vec<&str> = kept.iter().map(|&v| model.var(v).name.as_str()).collect();
        out.push_str(&format!(
            "time series kept for {} of {}{}\n",
            names.len(),
            plural(
                count("state") + count("derived"),
                "state and derived variable"
            ),
            if names.is_empty() {
                String::new()
            } else {
                format!(": {}", crate::diag::name_list(&names, 12))
            }
        ));
    }
    out.push('\n');
    let mut n = 0;
    let mut line = |out: &mut String, word: &str, name: &str, text: &str| {
        n += 1;
        out.push_str(&format!("  {n:>3}. {word:<9} {name} = {text}\n"));
    };
    if !model.lookups.is_empty() {
        out.push_str("lookup tables (straight lines between the points, flat beyond the ends):\n");
        for (table, _) in &model.lookups {
            let points: Vec<String> = table
                .xs
                .iter()
                .zip(&table.ys)
                .map(|(x, y)| format!("({x}, {y})"))
                .collect();
            out.push_str(&format!("       {}: {}\n", table.name, points.join(" ")));
        }
    }
    out.push_str("before step 1, once per run:\n");
    for &p in &model.params {
        let v = model.var(p);
        line(&mut out, "parameter", &v.name, &v.text);
        if let VarKind::Param { dist: Some(d), .. } = &v.kind
            && d.kind() == crate::dist::DistKind::Metalog
        {
            out.push_str(&format!("            {}\n", metalog_fit(d)));
        }
    }
    for &s in &model.states {
        let v = model.var(s);
        let init = v.text.split(" -> ").next().unwrap_or("");
        line(
            &mut out,
            "state",
            &v.name,
            &format!("{init}  (initial value)"),
        );
    }
    if let Some(copula) = &model.copula {
        out.push_str("  drawn together (rank correlations, Gaussian copula):\n");
        for &(a, b, rank) in &copula.ranks {
            out.push_str(&format!(
                "            {} ~ {}: {rank}\n",
                model.var(a).name,
                model.var(b).name
            ));
        }
    }
    for (file, names) in sampled_files(model) {
        out.push_str(&format!(
            "  drawn together from the rows of {file} (one row per run, the same for each): {}\n",
            names.join(", ")
        ));
    }
    out.push_str("each step t = 1..steps, in this order:\n");
    for &v in &model.step_order {
        let var = model.var(v);
        let word = match var.kind {
            VarKind::Event {
                mode: scenario::EventMode::Once,
                ..
            } => "event",
            VarKind::Event {
                mode: scenario::EventMode::Count,
                ..
            } => "count",
            VarKind::Event { .. } => "event",
            _ => "derived",
        };
        let text = match var.kind {
            VarKind::Event {
                mode: scenario::EventMode::Once,
                ..
            } => format!("chance {} (once)", var.text),
            VarKind::Event {
                mode: scenario::EventMode::Count,
                ..
            } => format!("rate {}", var.text),
            VarKind::Event { .. } => format!("chance {}", var.text),
            _ => var.text.clone(),
        };
        line(&mut out, word, &var.name, &text);
    }
    out.push_str("  then every state advances together:\n");
    for &s in &model.states {
        let v = model.var(s);
        let update = v.text.split(" -> ").nth(1).unwrap_or("");
        line(&mut out, "state", &v.name, update);
    }
    if !model.interventions.is_empty() {
        out.push_str("interventions:\n");
        for iv in &model.interventions {
            let steps = if iv.from == iv.to {
                format!("step {} ({})", iv.from, info.time.label(iv.from))
            } else {
                format!("steps {}..{}", iv.from, iv.to)
            };
            out.push_str(&format!(
                "       {} forced at {steps}\n",
                model.var(iv.var).name
            ));
        }
    }
    out.push_str("after the last step, outcomes:\n");
    for o in &model.outcomes {
        let kind = match &o.kind {
            scenario::OutcomeKind::Probability => "probability".to_string(),
            scenario::OutcomeKind::Number => "number".to_string(),
            scenario::OutcomeKind::Category(c) => format!("category: {}", c.join(" / ")),
        };
        out.push_str(&format!("       {} ({kind})\n", o.name));
    }
    out
}

impl From<engine::SimError> for Error {
    fn from(e: engine::SimError) -> Error {
        match e {
            engine::SimError::Run(r) => Error::Run(r),
            engine::SimError::Io(io) => Error::Io(io),
            engine::SimError::Input(m) => Error::Usage(m),
        }
    }
}

/// Render a scenario report for stderr, coloured as `--color` and
/// `NO_COLOR` say.
pub fn render_report(report: &Report, color: ColorChoice) -> String {
    let no_color = std::env::var_os("NO_COLOR");
    report.render(color.enabled(no_color.as_deref(), std::io::stderr().is_terminal()))
}
