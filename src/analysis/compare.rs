//! Compare scenarios run by run.
//!
//! Every scenario runs with the same seed and run indices; thanks to common
//! random numbers, run i of scenario A and run i of scenario B share every
//! draw their models have in common. The difference of an outcome is then
//! estimated from the per-run differences (a paired design), whose standard
//! error is much smaller than that of two independent estimates whenever the
//! runs are positively correlated, which they are when the scenarios share
//! most of their model.

use serde::Serialize;

use super::outcome_value;
use crate::engine::{Rows, RunOptions, SimError};
use crate::scenario::{Model, OutcomeKind};
use crate::stats::{Paired, z_for_level};
use crate::summary::{LEVEL, Summary};

/// The paired difference of one outcome (or one category of it) between a
/// scenario and the first scenario.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Difference {
    pub outcome: String,
    pub label: String,
    /// "probability", "number" or "category".
    pub kind: &'static str,
    /// For a category outcome: which category's probability.
    pub category: Option<String>,
    /// Index of the scenario compared with the first (1, 2, ...).
    pub scenario: usize,
    /// Mean of (this scenario - the first), run by run.
    pub diff: f64,
    pub lo: f64,
    pub hi: f64,
    /// Standard error of `diff` from the paired runs.
    pub mcse: f64,
    /// What the standard error would be if the runs were independent.
    pub unpaired_se: f64,
    /// Runs with a value in both scenarios.
    pub pairs: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub runs: u64,
    pub seed: u64,
    pub summaries: Vec<Summary>,
    pub differences: Vec<Difference>,
    /// Outcomes of the first scenario that some other scenario lacks.
    pub unmatched: Vec<String>,
}

/// One tracked quantity: outcome `outcome` (by index in each model), with an
/// optional category index; one `Paired` per other scenario.
struct Track {
    name: String,
    label: String,
    kind: &'static str,
    category: Option<(usize, String)>,
    index: Vec<usize>,
    kinds: Vec<OutcomeKind>,
    paired: Vec<Paired>,
}

impl Track {
    fn value(&self, s: usize, v: f64) -> f64 {
        match &self.category {
            Some((c, _)) => {
                if v.is_nan() {
                    f64::NAN
                } else {
                    f64::from(v == *c as f64)
                }
            }
            None => outcome_value(&self.kinds[s], v),
        }
    }
}

/// Run every model with the same options and compare each with the first.
pub fn compare(
    models: &[Model],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Comparison, SimError> {
    let (mut tracks, unmatched) = tracks(models);
    let mut on_rows = |rows: &[Rows]| -> std::io::Result<()> {
        for track in tracks.iter_mut() {
            let first = &rows[0].outcomes[track.index[0]];
            for (s, row) in rows.iter().enumerate().skip(1) {
                let other = &row.outcomes[track.index[s]];
                for (&a, &b) in first.iter().zip(other) {
                    let (x, y) = (track.value(0, a), track.value(s, b));
                    // `Paired` takes (a, b) and estimates a - b: this scenario minus the first.
                    track.paired[s - 1].add(y, x);
                }
            }
        }
        Ok(())
    };
    let mut results = super::simulate_models(models, true, options, progress, Some(&mut on_rows))?;
    let summaries = super::summaries(models, &mut results);
    let z = z_for_level(LEVEL);
    let mut differences = Vec::new();
    for track in &tracks {
        for (s, p) in track.paired.iter().enumerate() {
            let (diff, mcse) = (p.mean_diff(), p.mcse());
            differences.push(Difference {
                outcome: track.name.clone(),
                label: track.label.clone(),
                kind: track.kind,
                category: track.category.as_ref().map(|(_, n)| n.clone()),
                scenario: s + 1,
                diff,
                lo: diff - z * mcse,
                hi: diff + z * mcse,
                mcse,
                unpaired_se: p.unpaired_se(),
                pairs: p.count(),
            });
        }
    }
    Ok(Comparison {
        runs: options.runs,
        seed: options.seed,
        summaries,
        differences,
        unmatched,
    })
}

/// The outcomes of the first model that every model has, with the same kind.
fn tracks(models: &[Model]) -> (Vec<Track>, Vec<String>) {
    let mut tracks = Vec::new();
    let mut unmatched = Vec::new();
    let Some(first) = models.first() else {
        return (tracks, unmatched);
    };
    for o in &first.outcomes {
        let index: Option<Vec<usize>> = models
            .iter()
            .map(|m| {
                m.outcomes
                    .iter()
                    .position(|x| x.name == o.name && same_kind(&x.kind, &o.kind))
            })
            .collect();
        let Some(index) = index else {
            unmatched.push(o.name.clone());
            continue;
        };
        let kinds: Vec<OutcomeKind> = models
            .iter()
            .zip(&index)
            .map(|(m, &i)| m.outcomes[i].kind.clone())
            .collect();
        let others = models.len() - 1;
        let base = |kind, category| Track {
            name: o.name.clone(),
            label: o.title().to_string(),
            kind,
            category,
            index: index.clone(),
            kinds: kinds.clone(),
            paired: vec![Paired::new(); others],
        };
        match &o.kind {
            OutcomeKind::Probability => tracks.push(base("probability", None)),
            OutcomeKind::Number => tracks.push(base("number", None)),
            OutcomeKind::Category(names) => {
                for (c, name) in names.iter().enumerate() {
                    tracks.push(base("category", Some((c, name.clone()))));
                }
            }
        }
    }
    (tracks, unmatched)
}

fn same_kind(a: &OutcomeKind, b: &OutcomeKind) -> bool {
    match (a, b) {
        (OutcomeKind::Category(x), OutcomeKind::Category(y)) => x == y,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}
