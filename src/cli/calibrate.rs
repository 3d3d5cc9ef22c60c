//! `polsim calibrate FILE --data observed.csv`: flags, and the command.

use std::path::{Component, Path, PathBuf};

use clap::Args;

use super::{ChartArgs, load, out_folder, override_texts, use_threads};
use crate::Error;
use crate::analysis::calibrate::{self, Generation, Refused, Settings, observed};
use crate::diag::{clip, printable};
use crate::engine::RunOptions;
use crate::format;
use crate::output::{OutputDir, calibrate as export, table};
use crate::report;
use crate::scenario::Access;

/// What `polsim calibrate --help` says first.
pub const LONG_ABOUT: &str = "Find the values of a scenario's uncertain parameters that reproduce what has been observed.\n\n\
Give the observations as a CSV file with one observed value per line: the date (or step), \
the variable (a state or derived variable, or an event), the value, and optionally its \
standard error (sd), e.g.\n\n    date,variable,value,sd\n    2026-03,tension,0.41,0.05\n\n\
polsim starts from each parameter's distribution in the scenario (the prior), simulates \
the scenario many times, and keeps the parameter values whose runs come closest to the \
observations (approximate Bayesian computation: rejection, then ABC-SMC generations that \
search near the best values). The result (the posterior) says which values fit the data, \
and which parameters the data did and did not pin down.\n\n\
Writes, into output/<scenario>-calibrate/: posterior.csv (the parameter values kept, with \
weights), calibrated.toml (the scenario with those parameters drawn jointly from \
posterior.csv: run it, compare it, build policy variants on it), calibrate.html and \
calibrate.md (prior against posterior for each parameter, the fit over time, acceptance \
and effective sample size), generations.csv and the charts.";

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// The scenario file (.toml) whose parameters to calibrate
    pub file: PathBuf,
    /// The observations: a CSV file with columns date (or step), variable, value and optionally sd
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// How many parameter sets the posterior keeps (the population of each generation)
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub particles: usize,
    /// How many draws from the prior the first (rejection) step simulates (default: 10 x --particles)
    #[arg(long, value_name = "N")]
    pub runs: Option<usize>,
    /// The most ABC-SMC generations after the rejection step
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub generations: usize,
    /// Stop when fewer than this share of a generation's new parameter sets beat the ones kept
    #[arg(long, value_name = "SHARE", default_value_t = 0.05)]
    pub min_acceptance: f64,
    /// Stop once the runs kept come within this distance of the data, and keep only those: the
    /// root mean square of (simulated - observed) / sd (default: as close as the generations get)
    #[arg(long, value_name = "DISTANCE")]
    pub tolerance: Option<f64>,
    /// Random seed of the calibration (default: the scenario's `seed`); the same seed gives the same posterior
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Use at most K threads (default: all cores); results do not depend on it
    #[arg(long, value_name = "K", default_value_t = 0, hide_default_value = true)]
    pub threads: usize,
    /// Override a parameter before calibrating, as `run --set` does; repeatable
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Let the scenario read (extend) files anywhere inside DIR, not only inside its own folder
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Write results into DIR (default: output/<scenario-name>-calibrate/)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

fn usage(message: String) -> Error {
    Error::Usage(message)
}

fn settings(args: &CalibrateArgs, seed: u64) -> Result<Settings, Error> {
    if !(10..=1_000_000).contains(&args.particles) {
        return Err(usage(format!(
            "--particles {} is out of range: use 10 to 1000000 (1000 gives a smooth posterior)",
            args.particles
        )));
    }
    let prior_runs = args.runs.unwrap_or(args.particles.saturating_mul(10));
    if prior_runs < args.particles || prior_runs > crate::scenario::check::MAX_RUNS as usize {
        return Err(usage(format!(
            "--runs {prior_runs} is out of range: the rejection step keeps --particles ({}) of its runs, so give at least that many (10 times as many is usual)",
            args.particles
        )));
    }
    if !(args.min_acceptance > 0.0 && args.min_acceptance < 1.0) {
        return Err(usage(format!(
            "--min-acceptance {} is out of range: give a share between 0 and 1, e.g. 0.05",
            args.min_acceptance
        )));
    }
    if let Some(t) = args.tolerance
        && !(t > 0.0 && t.is_finite())
    {
        return Err(usage(format!(
            "--tolerance {t} is out of range: give a positive distance, e.g. 1 (runs within one sd of the observations on average)"
        )));
    }
    super::check_threads(args.threads)?;
    use_threads(args.threads);
    Ok(Settings {
        particles: args.particles,
        prior_runs,
        max_generations: args.generations,
        min_acceptance: args.min_acceptance,
        tolerance: args.tolerance,
        strict: args.tolerance.is_some(),
        seed,
        threads: args.threads,
    })
}

/// `to` relative to the folder `from` (both made absolute, lexically).
fn relative(to: &Path, from: &Path) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (to, from) = (abs(to), abs(from));
    let a: Vec<Component> = to.components().collect();
    let b: Vec<Component> = from.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return to;
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &a[common..] {
        out.push(c);
    }
    out
}

/// A path as a shell word.
fn shell(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

fn command(args: &CalibrateArgs, s: &Settings) -> String {
    let mut parts = vec![
        "polsim calibrate".to_string(),
        shell(&args.file),
        format!("--data {}", shell(&args.data)),
        format!("--particles {}", s.particles),
        format!("--runs {}", s.prior_runs),
        format!("--seed {}", s.seed),
    ];
    if args.generations != 10 {
        parts.push(format!("--generations {}", args.generations));
    }
    if args.min_acceptance != 0.05 {
        parts.push(format!("--min-acceptance {}", args.min_acceptance));
    }
    if let Some(t) = args.tolerance {
        parts.push(format!("--tolerance {t}"));
    }
    for set in &args.set {
        parts.push(format!("--set '{}'", set.replace('\'', "'\\''")));
    }
    if let Some(root) = &args.root {
        parts.push(format!("--root {}", shell(root)));
    }
    parts.join(" ")
}

pub fn cmd_calibrate(args: CalibrateArgs) -> Result<(), Error> {
    let chart_settings = args.charts.settings()?;
    if !args.file.is_file() {
        return Err(usage(format!(
            "calibrate needs the scenario as a file on disk (its calibrated variant extends it): `{}` is not a file; bundled scenarios are under scenarios/ in polsim's source",
            clip(&args.file.display().to_string())
        )));
    }
    let (model, overrides) = load(&args.file, &args.set, args.root.as_deref())?;
    let settings = settings(&args, args.seed.unwrap_or(model.info.seed))?;

    // The observations: a data file named on the command line, read under
    // the same rule as a scenario's files (regular, at most 16 MiB, text).
    let shown = clip(&args.data.display().to_string());
    let text = Access::for_scenario(&args.data, None)
        .read(&args.data)
        .map_err(|why| {
            usage(format!(
                "cannot read the observations `{shown}`: {why}; {}",
                why.help().replace("scenario file (.toml)", "CSV file")
            ))
        })?;
    let observations = observed::parse(&model, &shown, &text).map_err(|problems| {
        let count = problems.len();
        let mut message = format!(
            "the observations in `{shown}` have {count} problem{}:",
            if count == 1 { "" } else { "s" }
        );
        for p in problems.iter().take(20) {
            message.push_str(&format!("\n  {p}"));
        }
        if count > 20 {
            message.push_str(&format!("\n  ... and {} more", count - 20));
        }
        usage(message)
    })?;
    let set_values: Vec<(String, String)> = overrides
        .iter()
        .map(|o| (o.name.clone(), o.value.clone()))
        .collect();
    let overrides = override_texts(&overrides);
    let dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(format!(
            "{}-calibrate",
            out_folder(&model.info.name, &overrides, None)
        ))
    });
    let out = OutputDir::create(dir, "calibrate").map_err(Error::Io)?;

    let quiet = args.quiet;
    let progress = |g: &Generation| {
        if !quiet {
            let what = if g.index == 0 {
                "rejection".to_string()
            } else {
                format!("SMC generation {}", g.index)
            };
            eprintln!(
                "{what}: {} simulated, {} accepted, tolerance {}",
                format::count(g.simulated as u64),
                format::count(g.accepted as u64),
                format::number(g.tolerance)
            );
        }
    };
    let cal =
        calibrate::calibrate(&model, observations, &settings, &progress).map_err(|e| match e {
            Refused::Input(m) => usage(m),
            Refused::Sim(e) => Error::from(e),
        })?;

    // The calibrated scenario, in memory exactly as calibrated.toml reads.
    let weight = export::weight_column(&cal);
    let mut variant = calibrate::posterior_model(&model, &cal, "posterior.csv", &weight);
    variant.info.name = format!("{}-calibrated", model.info.name);
    let options = RunOptions {
        runs: model.info.runs,
        seed: model.info.seed,
        threads: args.threads,
        rows: false,
    };
    let mut results = crate::analysis::simulate_models(
        std::slice::from_ref(&variant),
        true,
        &options,
        &|_| {},
        None,
    )
    .map_err(Error::from)?;
    let predictive = crate::analysis::summaries(std::slice::from_ref(&variant), &mut results)
        .pop()
        .ok_or_else(|| Error::Io(std::io::Error::other("no posterior predictive results")))?;

    let scenario_dir = args
        .file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or(PathBuf::from("."), Path::to_path_buf);
    let extends = relative(&args.file, &out.path);
    let root = args.root.clone().unwrap_or(scenario_dir);
    let run_command = format!(
        "polsim run {} --root {}",
        shell(&out.path.join("calibrated.toml")),
        shell(&root)
    );
    let command = command(&args, &cal.settings);
    let mut written = vec![
        out.write("posterior.csv", &export::posterior_csv(&cal))
            .map_err(Error::Io)?,
        out.write(
            "calibrated.toml",
            export::variant_toml(
                &cal,
                &extends.display().to_string().replace('\\', "/"),
                &variant.info.name,
                &command,
                &set_values,
            )
            .as_bytes(),
        )
        .map_err(Error::Io)?,
        out.write("generations.csv", &export::generations_csv(&cal))
            .map_err(Error::Io)?,
    ];
    if let Some(chart_settings) = &chart_settings {
        let ctx = report::calibrate::Context {
            data_file: shown.clone(),
            command,
            run_command: run_command.clone(),
            predictive_runs: model.info.runs,
        };
        written.extend(report::write_calibration(
            &out,
            &model,
            &cal,
            &predictive,
            &ctx,
            chart_settings,
        )?);
    }
    let dir = out.path.clone();
    out.commit().map_err(Error::Io)?;
    if !quiet {
        print!("{}", printable(&export::table(&cal)));
        println!("\n{}", printable(&table::written(&dir, &written)));
        println!("run the calibrated scenario: {}", printable(&run_command));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_out_of_the_output_folder() {
        assert_eq!(
            relative(Path::new("/a/b/s.toml"), Path::new("/a/out/x")),
            Path::new("../../b/s.toml")
        );
        assert_eq!(
            relative(Path::new("/a/s.toml"), Path::new("/a")),
            Path::new("s.toml")
        );
    }
}
