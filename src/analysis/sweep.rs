//! Sweep one or two parameters over a grid.
//!
//! At each grid point the swept parameters are fixed; every other parameter
//! keeps its distribution. All points run with the same seed, so they share
//! every other random draw run by run and the curve across the grid is
//! smooth: its wiggles are the parameter's effect, not sampling noise.

use std::sync::Arc;

use serde::Serialize;

use super::find_param;
use super::qmc::Sampling;
use super::sampled::{Injected, Plan, Replicates};
use crate::engine::exec::Inject;
use crate::engine::{Rows, RunOptions, SimError};
use crate::results::Results;
use crate::scenario::{MExpr, Model, VarId};
use crate::stats::Moments;
use crate::summary::{self, RunContext, Summary};

/// One swept parameter: `NAME=LO..HI:STEPS`.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub name: String,
    pub param: VarId,
    pub values: Vec<f64>,
}

/// Largest number of grid values along one axis.
pub const MAX_STEPS: usize = 1000;

impl Axis {
    /// Parse `NAME=LO..HI:STEPS` against a model.
    pub fn parse(model: &Model, spec: &str) -> Result<Axis, String> {
        let usage = "write --param NAME=LO..HI:STEPS, e.g. --param infiltration=0.01..0.2:20";
        let (name, range) = spec
            .split_once('=')
            .ok_or_else(|| format!("`{spec}` has no `=`; {usage}"))?;
        let name = name.trim();
        let param = find_param(model, name)?;
        let (bounds, steps) = range
            .split_once(':')
            .ok_or_else(|| format!("`{spec}` has no `:STEPS`; {usage}"))?;
        let (lo, hi) = bounds
            .split_once("..")
            .ok_or_else(|| format!("`{spec}` has no `LO..HI` range; {usage}"))?;
        let number = |text: &str, what: &str| {
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    format!(
                        "{what} `{}` in `{spec}` is not a number; {usage}",
                        text.trim()
                    )
                })
        };
        let (lo, hi) = (number(lo, "LO")?, number(hi, "HI")?);
        let steps: usize = steps.trim().parse().map_err(|_| {
            format!(
                "STEPS `{}` in `{spec}` is not a whole number; {usage}",
                steps.trim()
            )
        })?;
        if hi <= lo {
            return Err(format!(
                "the range {lo}..{hi} in `{spec}` is empty: HI must be greater than LO"
            ));
        }
        if !(2..=MAX_STEPS).contains(&steps) {
            return Err(format!(
                "STEPS = {steps} in `{spec}`: use 2 to {MAX_STEPS} grid values"
            ));
        }
        let values = (0..steps)
            .map(|i| lo + (hi - lo) * i as f64 / (steps - 1) as f64)
            .collect();
        Ok(Axis {
            name: name.to_string(),
            param,
            values,
        })
    }
}

/// One grid point and its results.
#[derive(Clone, Debug, Serialize)]
pub struct Point {
    /// The swept parameters' values, in axis order.
    pub values: Vec<f64>,
    pub summary: Summary,
}

/// What a sweep runs besides the grid: a `--given` condition (its text and
/// its resolved form) and the sampling of the parameters not swept.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    pub given: Option<(&'a str, &'a MExpr)>,
    pub sampling: Sampling,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            given: None,
            sampling: Sampling::Random,
        }
    }
}

/// Run every grid point (the first axis varies slowest).
pub fn sweep(
    model: &Model,
    axes: &[Axis],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Point>, SimError> {
    sweep_with(model, axes, &Options::default(), options, progress)
}

/// [`sweep`] with a `--given` condition and a parameter sampling. Every grid
/// point uses the same points for the parameters not swept (common random
/// numbers), and with a condition reports only the runs where it holds.
pub fn sweep_with(
    model: &Model,
    axes: &[Axis],
    how: &Options<'_>,
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Point>, SimError> {
    let count = grid(axes).len();
    let mut simulated = simulate_points(model, axes, how, options, 0..count, progress)?;
    Ok(simulated.summarize(how))
}

/// Every grid point's values, in axis order (the first axis varies slowest).
pub fn grid(axes: &[Axis]) -> Vec<Vec<f64>> {
    let mut grid: Vec<Vec<f64>> = vec![Vec::new()];
    for axis in axes {
        grid = grid
            .into_iter()
            .flat_map(|prefix| {
                axis.values.iter().map(move |&v| {
                    let mut p = prefix.clone();
                    p.push(v);
                    p
                })
            })
            .collect();
    }
    grid
}

/// The model of each grid point: the swept parameters fixed.
pub fn point_models(model: &Model, axes: &[Axis], grid: &[Vec<f64>]) -> Vec<Model> {
    grid.iter()
        .map(|values| {
            let mut m = model.clone();
            for (axis, &v) in axes.iter().zip(values) {
                m.fix_param(axis.param, v);
            }
            m
        })
        .collect()
}

/// Grid points simulated, not yet summarised: `results[i]` is point
/// `first + i`. A sweep cut into shards (`sweep --shard K/M`) simulates a
/// range of points in each and summarises them in the merge; each point's
/// results are those of the whole sweep, since every point's runs are its
/// own (only the refinement of quantiles past 2^20 runs shares a budget
/// between points, which is why shards stay under it).
///
/// With `--sampling lhs|sobol` each point also has its replicates, whose
/// moments accumulate run by run within a block of runs and block by block
/// in block order (`sampled::Replicates`); a part keeps each point's
/// replicate totals ([`Simulated::into_points`]), and the merge puts them
/// back ([`Simulated::from_results`]) bit for bit.
pub struct Simulated {
    pub first: usize,
    pub grid: Vec<Vec<f64>>,
    pub models: Vec<Model>,
    pub results: Vec<Results>,
    plan: Option<Arc<Plan>>,
    replicates: Vec<Replicates>,
}

/// Simulates the grid points `points` (indices into [`grid`]).
pub fn simulate_points(
    model: &Model,
    axes: &[Axis],
    how: &Options<'_>,
    options: &RunOptions,
    points: std::ops::Range<usize>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Simulated, SimError> {
    let all = grid(axes);
    let grid: Vec<Vec<f64>> = all
        .get(points.clone())
        .map(<[Vec<f64>]>::to_vec)
        .unwrap_or_default();
    let models = point_models(model, axes, &grid);
    let plan =
        Plan::new(how.sampling, options.seed, options.runs, &[model]).map_err(SimError::Input)?;
    // The swept parameters keep their fixed values; the others share one
    // set of sampled values across the grid.
    let swept: Vec<usize> = axes
        .iter()
        .filter_map(|a| model.params.iter().position(|&p| p == a.param))
        .collect();
    let values = plan.as_ref().map(|p| p.values(model)).unwrap_or_default();
    let injected = Injected::new(&values, &swept);
    let injects: Vec<Option<&(dyn Inject + Sync)>> = match &plan {
        Some(_) => vec![Some(&injected as &(dyn Inject + Sync)); models.len()],
        None => Vec::new(),
    };
    let conditions: Vec<Option<MExpr>> = match how.given {
        Some((_, e)) => vec![Some(e.clone()); models.len()],
        None => Vec::new(),
    };
    let mut replicates: Vec<Replicates> = match &plan {
        Some(p) => models.iter().map(|m| Replicates::new(m, p)).collect(),
        None => Vec::new(),
    };
    let mut on_rows = |rows: &[Rows]| -> std::io::Result<()> {
        if let Some(p) = &plan {
            for (r, row) in replicates.iter_mut().zip(rows) {
                r.add(p, row);
            }
        }
        Ok(())
    };
    let setup = super::Setup {
        models: &models,
        conditions: &conditions,
        injects: &injects,
        row_params: false,
    };
    let sink: Option<&mut super::RowsSink<'_>> = plan.as_ref().map(|_| &mut on_rows as _);
    let results = super::simulate_setup(&setup, false, options, progress, sink)?;
    if let Some((text, _)) = how.given
        && let Some(i) = results.iter().position(|r| r.kept == 0)
    {
        let at: Vec<String> = axes
            .iter()
            .zip(&grid[i])
            .map(|(a, v)| format!("{} = {v}", a.name))
            .collect();
        return Err(SimError::Input(format!(
            "no run satisfies --given `{text}` at {} (0 of {} runs); the condition may be impossible there, or rare: check it, or raise --runs",
            at.join(", "),
            options.runs
        )));
    }
    Ok(Simulated {
        first: points.start,
        grid,
        models,
        results,
        plan: plan.map(Arc::new),
        replicates,
    })
}

impl Simulated {
    /// Grid points whose results were computed elsewhere (the parts of a
    /// sharded sweep), in grid order from point `first`, with each point's
    /// replicate totals under the sweep's sampling plan (`None` for
    /// pseudo-random sampling, and then no totals). An error when the
    /// totals do not fit the plan and the points' outcomes.
    pub fn from_results(
        model: &Model,
        axes: &[Axis],
        first: usize,
        results: Vec<Results>,
        plan: Option<&Arc<Plan>>,
        totals: &[Vec<Moments>],
    ) -> Result<Simulated, String> {
        let grid: Vec<Vec<f64>> = grid(axes)
            .into_iter()
            .skip(first)
            .take(results.len())
            .collect();
        let models = point_models(model, axes, &grid);
        let misfit = || "holds replicates of another shape than its sampling".to_string();
        let replicates = match plan {
            Some(p) if totals.len() == models.len() => {
                let mut all = Vec::with_capacity(models.len());
                for (m, t) in models.iter().zip(totals) {
                    let mut r = Replicates::new(m, p);
                    if !r.fold(t) {
                        return Err(misfit());
                    }
                    all.push(r);
                }
                all
            }
            None if totals.iter().all(Vec::is_empty) => Vec::new(),
            _ => return Err(misfit()),
        };
        Ok(Simulated {
            first,
            grid,
            models,
            results,
            plan: plan.cloned(),
            replicates,
        })
    }

    /// Each point's results and replicate totals (flattened replicate by
    /// replicate and outcome by outcome; empty without sampled parameters),
    /// as a part keeps them.
    pub fn into_points(self) -> Vec<(Results, Vec<Moments>)> {
        let mut totals = self.replicates.into_iter().map(Replicates::take_totals);
        self.results
            .into_iter()
            .map(|r| (r, totals.next().unwrap_or_default()))
            .collect()
    }

    /// Each point's summary.
    pub fn summarize(&mut self, how: &Options<'_>) -> Vec<Point> {
        let context = RunContext {
            given: how.given.map(|(text, _)| text.to_string()),
            ..RunContext::default()
        };
        let (plan, replicates) = (&self.plan, &self.replicates);
        self.grid
            .iter()
            .cloned()
            .zip(self.models.iter().zip(self.results.iter_mut()))
            .enumerate()
            .map(|(i, (values, (m, r)))| {
                let mut summary = summary::summarize(m, r, &context);
                if let (Some(p), Some(reps)) = (plan.as_deref(), replicates.get(i)) {
                    reps.apply(p, &mut summary);
                }
                Point { values, summary }
            })
            .collect()
    }
}

/// Where a 1-D sweep's estimate crosses `level`, by linear interpolation
/// between grid values: the first crossing, if any.
pub fn crossing(xs: &[f64], ys: &[f64], level: f64) -> Option<f64> {
    xs.windows(2).zip(ys.windows(2)).find_map(|(x, y)| {
        let (a, b) = (y[0] - level, y[1] - level);
        if a == 0.0 {
            Some(x[0])
        } else if a * b < 0.0 {
            Some(x[0] + (x[1] - x[0]) * a / (a - b))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_interpolates() {
        let xs = [0.0, 1.0, 2.0];
        let ys = [0.8, 0.6, 0.2];
        assert_eq!(crossing(&xs, &ys, 0.5), Some(1.25));
        assert_eq!(crossing(&xs, &ys, 0.9), None);
    }
}
