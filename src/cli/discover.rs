//! `polsim discover`: under which parameter values does a condition hold?
//!
//! Runs the scenario once with the condition of `--where` evaluated in
//! every run, keeps every run's uncertain parameter values, and hands them
//! to PRIM (`analysis::prim`). Writes the boxes, the trajectory, the JSON,
//! the charts and discover.html / discover.md.

use std::path::PathBuf;

use clap::Args;

use super::analysis::OutArgs;
use super::{ChartArgs, SimArgs, apply_sim_args, load, out_folder, override_texts, sampling};
use crate::Error;
use crate::analysis::prim::{self, Data, Options, PrimError};
use crate::analysis::sampled;
use crate::diag::printable;
use crate::engine::{Rows, RunOptions, compile::compile};
use crate::output::{OutputDir, discover as export};
use crate::scenario;

#[derive(Args, Debug)]
pub struct DiscoverArgs {
    /// The scenario file (or a bundled name)
    pub file: PathBuf,
    /// The condition to explain, over a run as in --given, e.g. --where 'ever(sweida_breakdown)'
    /// or --where 'casualties > 10' (outcomes may be named)
    #[arg(long = "where", value_name = "EXPR", required = true)]
    pub condition: String,
    /// Find up to K boxes: each next box is sought among the runs the earlier ones left out
    /// (another way the condition comes about); stops early when no box concentrates it
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub boxes: usize,
    /// Choose the densest box that still covers at least this share of the runs of interest
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub min_coverage: f64,
    /// Take the first box at step N of its peeling trajectory instead (see the trajectory table)
    #[arg(long, value_name = "N")]
    pub step: Option<usize>,
    /// The share of a box's runs one peeling step cuts off
    #[arg(long, value_name = "SHARE", default_value_t = 0.05)]
    pub peel: f64,
    /// The share of a box's runs one pasting step adds back
    #[arg(long, value_name = "SHARE", default_value_t = 0.05)]
    pub paste: f64,
    /// The smallest share of all runs a box may hold (minimum support)
    #[arg(long, value_name = "SHARE", default_value_t = 0.05)]
    pub min_mass: f64,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub out: OutArgs,
    #[command(flatten)]
    pub charts: ChartArgs,
}

impl DiscoverArgs {
    /// The checked PRIM options.
    fn options(&self) -> Result<Options, Error> {
        for (flag, value, max) in [
            ("--peel", self.peel, 0.5),
            ("--paste", self.paste, 0.5),
            ("--min-mass", self.min_mass, 1.0),
            ("--min-coverage", self.min_coverage, 1.0),
        ] {
            if !(value > 0.0 && value < max || (value == max && max == 1.0)) {
                return Err(Error::Usage(format!(
                    "{flag} {value} is out of range: give a share above 0 and {} {max}, e.g. {flag} 0.05",
                    if max == 1.0 { "at most" } else { "below" }
                )));
            }
        }
        if !(1..=20).contains(&self.boxes) {
            return Err(Error::Usage(format!(
                "--boxes {} is out of range: ask for 1 to 20 boxes",
                self.boxes
            )));
        }
        Ok(Options {
            peel_alpha: self.peel,
            paste_alpha: self.paste,
            mass_min: self.min_mass,
            min_coverage: self.min_coverage,
            boxes: self.boxes,
            step: self.step,
        })
    }
}

/// The most parameter values `discover` holds (800 MB).
pub const MAX_VALUES: u64 = 100_000_000;

pub fn cmd_discover(args: DiscoverArgs) -> Result<(), Error> {
    let settings = args.charts.settings()?;
    let options = args.options()?;
    let (mut model, overrides) = load(&args.file, &args.sim.set, args.sim.root.as_deref())?;
    let overrides = override_texts(&overrides);
    apply_sim_args(&mut model, &args.sim)?;
    // PRIM holds every run's parameter values in memory.
    let values = model.info.runs.saturating_mul(model.params.len() as u64);
    if values > MAX_VALUES {
        return Err(Error::Usage(format!(
            "discover keeps every run's parameter values in memory: {} runs x {} parameters is more than {} values; lower --runs to at most {}",
            model.info.runs,
            model.params.len(),
            MAX_VALUES,
            MAX_VALUES / model.params.len().max(1) as u64
        )));
    }
    let condition =
        scenario::parse_extra(&model, "--where", &args.condition).map_err(Error::Scenario)?;
    let program = compile(&model, Some(&condition));
    let dir = args.out.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join(out_folder(&model.info.name, &overrides, None))
            .join(out_folder(
                "discover",
                std::slice::from_ref(&args.condition),
                None,
            ))
    });
    let out = OutputDir::create(dir, "discover").map_err(Error::Io)?;
    let run_options = RunOptions {
        runs: model.info.runs,
        seed: model.info.seed,
        threads: args.sim.threads,
        rows: true,
    };
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); model.params.len()];
    let mut cases: Vec<bool> = Vec::new();
    let mut on_rows = |rows: &Rows| -> std::io::Result<()> {
        for (column, values) in columns.iter_mut().zip(&rows.params) {
            column.extend_from_slice(values);
        }
        cases.extend_from_slice(&rows.condition);
        Ok(())
    };
    let result = super::with_progress(&model, args.out.quiet || args.out.json, |progress| {
        sampled::simulate(
            &model,
            &program,
            sampling(&args.sim),
            &run_options,
            progress,
            &mut on_rows,
        )
    });
    result.map_err(Error::from)?;
    let names: Vec<String> = model
        .params
        .iter()
        .map(|&p| model.var(p).name.clone())
        .collect();
    let data = Data {
        names: &names,
        columns: &columns,
        cases: &cases,
    };
    let mut found = prim::discover(&data, &options).map_err(|e| refusal(e, &args.condition))?;
    for p in &mut found.parameters {
        if let Some(&v) = model.params.iter().find(|&&v| model.var(v).name == p.name) {
            p.label = model.var(v).title().to_string();
        }
    }
    let scenario_name = match crate::summary::what_if(&overrides, None) {
        Some(what_if) => format!("{} {what_if}", model.info.name),
        None => model.info.name.clone(),
    };
    let asked = export::Asked::new(&scenario_name, &args.condition, model.info.seed, &options);
    let json = export::json(&found, &asked);
    let mut paths = vec![
        out.write("discover-boxes.csv", &export::boxes_csv(&found))
            .map_err(Error::Io)?,
        out.write("discover-trajectory.csv", &export::trajectory_csv(&found))
            .map_err(Error::Io)?,
        out.write("discover.json", &json).map_err(Error::Io)?,
    ];
    if let Some(settings) = &settings {
        paths.extend(crate::report::discover::write(
            &out, &model, &found, &asked, settings,
        )?);
    }
    let dir = out.path.clone();
    out.commit().map_err(Error::Io)?;
    if args.out.json {
        print!("{}", String::from_utf8_lossy(&json));
    } else if !args.out.quiet {
        print!("{}", printable(&export::table(&found, &asked)));
        println!(
            "\n{}",
            printable(&crate::output::table::written(&dir, &paths))
        );
    }
    Ok(())
}

/// Why PRIM could not run, in the analyst's terms.
fn refusal(e: PrimError, condition: &str) -> Error {
    Error::Usage(match e {
        PrimError::NoCases { runs } => format!(
            "no run meets --where `{condition}` (0 of {runs} runs), so there is nothing to explain; the condition may be impossible in this model, or rare: check it, or raise --runs"
        ),
        PrimError::AllCases { runs } => format!(
            "every run meets --where `{condition}` ({runs} of {runs} runs), so no parameter values can set it apart; state a narrower condition, e.g. a threshold on an outcome such as --where 'casualties > 10'"
        ),
        PrimError::NoParameters => "no parameter of this scenario varies from run to run (all are fixed, or fixed by --set), so there are no conditions to search; give a parameter a distribution".to_string(),
        PrimError::NoSuchStep { step, steps } => format!(
            "--step {step} is past the end of the peeling trajectory, which has steps 0 to {}; pick one of those (the trajectory table lists them)",
            steps - 1
        ),
    })
}
