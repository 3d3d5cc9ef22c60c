//! The decision view of `compare`: robust-decision metrics across variants.
//!
//! Every variant runs with the same seed and run indices, so run i of each
//! variant faces the same draws of everything the variants share (common
//! random numbers): run i is one *state of the world*, and comparing the
//! variants within it is meaningful. In each run, a variant's *regret* on
//! the chosen outcome is its shortfall against the best variant in that
//! same run (Savage's regret, as the robust decision making literature
//! uses it); a variant is *best* in a run when its regret there is zero
//! (ties count for each). *Satisficing* is the share of runs in which a
//! variant meets a stated condition (`--satisfice`).
//!
//! Over a sweep of one parameter, each grid value is a different world:
//! the same metrics at every value show which variant wins where.

use serde::Serialize;

use super::outcome_value;
use crate::engine::{Rows, RunOptions, SimError};
use crate::scenario::{MExpr, Model, OutcomeKind, VarId};
use crate::stats::{wilson_interval, z_for_level};
use crate::summary::LEVEL;

/// Which direction of the outcome is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Higher,
    Lower,
}

/// What to decide on: an outcome (by index in each model), its direction,
/// and optionally a condition each variant should meet (resolved in each).
pub struct Question<'a> {
    pub outcome: &'a str,
    pub outcomes: Vec<usize>,
    pub better: Better,
    pub satisfice: Option<(&'a str, Vec<MExpr>)>,
}

/// One variant's scores over a set of runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    pub scenario: String,
    /// Mean of the outcome over the runs counted.
    pub mean: f64,
    pub mean_regret: f64,
    /// Monte Carlo standard error of `mean_regret`.
    pub regret_mcse: f64,
    pub regret_lo: f64,
    pub regret_hi: f64,
    /// The 90th percentile of the regret over the runs counted.
    pub regret_p90: f64,
    pub max_regret: f64,
    /// Share of the runs counted in which this variant is best (ties count
    /// for each variant tied).
    pub best_share: f64,
    /// Share of all runs in which the variant meets `--satisfice`, with
    /// its 95% Wilson interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisficing: Option<(f64, f64, f64)>,
}

/// The decision metrics of every variant at one setting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scores {
    /// Runs in which every variant has a value of the outcome (the others
    /// are left out of regret, since "best" is undefined there).
    pub counted: u64,
    pub variants: Vec<Score>,
    /// The variant with the least mean regret (the first on a tie).
    pub winner: usize,
}

/// One grid value of a swept parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPoint {
    pub value: f64,
    pub scores: Scores,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweptDecision {
    pub parameter: String,
    pub points: Vec<SweepPoint>,
}

/// The decision view.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    pub outcome: String,
    /// The outcome's label in the first scenario.
    pub label: String,
    pub better: Better,
    pub runs: u64,
    pub seed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfice: Option<String>,
    pub scores: Scores,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweptDecision>,
}

/// Per-run values of one variant: the outcome, and whether it satisficed.
#[derive(Default)]
struct Column {
    values: Vec<f64>,
    met: Vec<bool>,
}

/// Run the variants (and, with `sweep`, each at every grid value of one
/// parameter) and score them. `names` label the variants.
pub fn decide(
    models: &[Model],
    names: &[String],
    question: &Question<'_>,
    sweep: Option<(&str, &[f64])>,
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Decision, SimError> {
    let k = models.len();
    let mut configs: Vec<Model> = models.to_vec();
    let mut grid: Vec<f64> = Vec::new();
    if let Some((name, values)) = sweep {
        let params: Vec<VarId> = models
            .iter()
            .map(|m| super::find_param(m, name))
            .collect::<Result<_, _>>()
            .map_err(SimError::Input)?;
        for &v in values {
            for (m, &p) in models.iter().zip(&params) {
                let mut m = m.clone();
                m.fix_param(p, v);
                configs.push(m);
            }
        }
        grid = values.to_vec();
    }
    let conditions: Vec<Option<MExpr>> = match &question.satisfice {
        Some((_, exprs)) => (0..configs.len())
            .map(|i| Some(exprs[i % k].clone()))
            .collect(),
        None => Vec::new(),
    };
    let kinds: Vec<OutcomeKind> = models
        .iter()
        .zip(&question.outcomes)
        .map(|(m, &o)| m.outcomes[o].kind.clone())
        .collect();
    let mut columns: Vec<Column> = (0..configs.len()).map(|_| Column::default()).collect();
    let mut on_rows = |rows: &[Rows]| -> std::io::Result<()> {
        for (i, (column, row)) in columns.iter_mut().zip(rows).enumerate() {
            let o = question.outcomes[i % k];
            let kind = &kinds[i % k];
            column
                .values
                .extend(row.outcomes[o].iter().map(|&v| outcome_value(kind, v)));
            column.met.extend_from_slice(&row.condition);
        }
        Ok(())
    };
    let setup = super::Setup {
        models: &configs,
        conditions: &conditions,
        injects: &[],
        row_params: false,
    };
    super::simulate_setup(&setup, false, options, progress, Some(&mut on_rows))?;
    let satisficing = question.satisfice.is_some();
    let scores = score(&columns[..k], names, question.better, satisficing);
    let sweep = sweep.map(|(name, _)| SweptDecision {
        parameter: name.to_string(),
        points: grid
            .iter()
            .enumerate()
            .map(|(g, &value)| SweepPoint {
                value,
                scores: score(
                    &columns[k * (g + 1)..k * (g + 2)],
                    names,
                    question.better,
                    satisficing,
                ),
            })
            .collect(),
    });
    Ok(Decision {
        outcome: question.outcome.to_string(),
        label: models[0].outcomes[question.outcomes[0]].doc.label.clone(),
        better: question.better,
        runs: options.runs,
        seed: options.seed,
        satisfice: question.satisfice.as_ref().map(|(t, _)| t.to_string()),
        scores,
        sweep,
    })
}

/// Score variants from their per-run values (`columns[v]`).
fn score(columns: &[Column], names: &[String], better: Better, satisficing: bool) -> Scores {
    let runs = columns.first().map_or(0, |c| c.values.len());
    let sign = match better {
        Better::Higher => 1.0,
        Better::Lower => -1.0,
    };
    let mut regrets: Vec<Vec<f64>> = vec![Vec::with_capacity(runs); columns.len()];
    let mut sums = vec![0.0; columns.len()];
    let mut wins = vec![0u64; columns.len()];
    for run in 0..runs {
        let values: Vec<f64> = columns.iter().map(|c| c.values[run]).collect();
        if values.iter().any(|v| v.is_nan()) {
            continue;
        }
        let best = values
            .iter()
            .map(|v| sign * v)
            .fold(f64::NEG_INFINITY, f64::max);
        for (v, value) in values.iter().enumerate() {
            let regret = best - sign * value;
            regrets[v].push(regret);
            sums[v] += value;
            if regret == 0.0 {
                wins[v] += 1;
            }
        }
    }
    let counted = regrets.first().map_or(0, Vec::len);
    let z = z_for_level(LEVEL);
    let variants: Vec<Score> = columns
        .iter()
        .enumerate()
        .map(|(v, column)| {
            let r = &mut regrets[v];
            let n = r.len() as f64;
            let mean = r.iter().sum::<f64>() / n;
            let var = r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
            let mcse = (var / n).sqrt();
            r.sort_by(f64::total_cmp);
            let p90 = if r.is_empty() {
                f64::NAN
            } else {
                // The order statistic at ceil(0.9 n): the smallest value
                // with at least 90% of the runs at or below it.
                r[((0.9 * n).ceil() as usize).clamp(1, r.len()) - 1]
            };
            let satisficing = satisficing.then(|| {
                let met = column.met.iter().filter(|&&m| m).count() as u64;
                let all = column.met.len() as u64;
                let (lo, hi) = wilson_interval(met, all, z);
                (met as f64 / all.max(1) as f64, lo, hi)
            });
            Score {
                scenario: names.get(v).cloned().unwrap_or_default(),
                mean: sums[v] / n,
                mean_regret: mean,
                regret_mcse: mcse,
                regret_lo: mean - z * mcse,
                regret_hi: mean + z * mcse,
                regret_p90: p90,
                max_regret: r.last().copied().unwrap_or(f64::NAN),
                best_share: wins[v] as f64 / n,
                satisficing,
            }
        })
        .collect();
    let winner = (0..variants.len())
        .reduce(|a, b| {
            if variants[b].mean_regret < variants[a].mean_regret {
                b
            } else {
                a
            }
        })
        .unwrap_or(0);
    Scores {
        counted: counted as u64,
        variants,
        winner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(values: &[f64], met: &[bool]) -> Column {
        Column {
            values: values.to_vec(),
            met: met.to_vec(),
        }
    }

    #[test]
    fn regret_is_the_shortfall_against_the_best_in_the_same_run() {
        // Three runs, two variants; higher is better.
        // run 0: a=3, b=1 -> regrets a 0, b 2
        // run 1: a=1, b=4 -> regrets a 3, b 0
        // run 2: a=2, b=2 -> both 0 (a tie counts as best for both)
        let a = column(&[3.0, 1.0, 2.0], &[true, false, true]);
        let b = column(&[1.0, 4.0, 2.0], &[false, false, true]);
        let names = vec!["a".to_string(), "b".to_string()];
        let s = score(&[a, b], &names, Better::Higher, true);
        assert_eq!(s.counted, 3);
        assert_eq!(s.variants[0].mean_regret, 1.0);
        assert!((s.variants[1].mean_regret - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(s.variants[0].max_regret, 3.0);
        assert_eq!(s.variants[1].max_regret, 2.0);
        assert!((s.variants[0].best_share - 2.0 / 3.0).abs() < 1e-15);
        assert!((s.variants[1].best_share - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(s.winner, 1);
        let (share, lo, hi) = s.variants[0].satisficing.unwrap();
        assert!((share - 2.0 / 3.0).abs() < 1e-15 && lo < share && hi > share);
        // Lower is better: the same data, the other way round.
        let a = column(&[3.0, 1.0, 2.0], &[]);
        let b = column(&[1.0, 4.0, 2.0], &[]);
        let s = score(&[a, b], &names, Better::Lower, false);
        assert!((s.variants[0].mean_regret - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(s.variants[1].mean_regret, 1.0);
        assert_eq!(s.winner, 0);
        assert!(s.variants[0].satisficing.is_none());
    }

    #[test]
    fn runs_without_a_value_in_some_variant_are_left_out() {
        let a = column(&[3.0, f64::NAN], &[]);
        let b = column(&[1.0, 4.0], &[]);
        let names = vec!["a".to_string(), "b".to_string()];
        let s = score(&[a, b], &names, Better::Higher, false);
        assert_eq!(s.counted, 1);
        assert_eq!(s.variants[1].mean_regret, 2.0);
        assert_eq!(s.variants[1].mean, 1.0);
    }
}
