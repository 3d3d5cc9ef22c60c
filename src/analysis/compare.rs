//! Compare scenarios run by run.
//!
//! Every scenario runs with the same seed and run indices; thanks to common
//! random numbers, run i of scenario A and run i of scenario B share every
//! draw their models have in common. The difference of an outcome is then
//! estimated from the per-run differences (a paired design), whose standard
//! error is much smaller than that of two independent estimates whenever the
//! runs are positively correlated, which they are when the scenarios share
//! most of their model.
//!
//! The paired accumulators follow the engine's merge tree: run by run
//! within a block of runs ([`super::BLOCK_RUNS`] runs), then
//! block by block in block order into the total. A sharded comparison
//! ([`compare_blocks`]) keeps its blocks apart, and [`from_blocks`] folds
//! every part's blocks in block order: the same additions in the same order,
//! so the same bits as one `compare`.

use rayon::prelude::*;
use serde::Serialize;

use super::outcome_value;
use super::qmc::Sampling;
use super::sampled::{Injected, Plan, Replicates, Spread};
use crate::engine::exec::Inject;
use crate::engine::{Rows, RunOptions, SimError};
use crate::results::Results;
use crate::scenario::{MExpr, Model, OutcomeKind};
use crate::stats::{Moments, Paired, z_for_level};
use crate::summary::{LEVEL, SamplingRecord, Summary};

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
    /// `--given`: the condition every scenario's runs were filtered by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    /// `--sampling lhs|sobol`: how the parameters were sampled; every
    /// interval then comes from independent replicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampling: Option<SamplingRecord>,
}

/// What a comparison runs besides the models: a `--given` condition (its
/// text and its resolved form in each model) and the parameters' sampling.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    pub given: Option<(&'a str, &'a [MExpr])>,
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

/// One tracked quantity: outcome `outcome` (by index in each model), with an
/// optional category index; one `Paired` per other scenario.
struct Track {
    name: String,
    label: String,
    kind: &'static str,
    category: Option<(usize, String)>,
    index: Vec<usize>,
    kinds: Vec<OutcomeKind>,
    /// The total, one per other scenario.
    paired: Vec<Paired>,
    /// The block of runs being accumulated, one per other scenario.
    current: Vec<Paired>,
    /// `blocks[replicate][scenario - 1]`, with sampled parameters.
    blocks: Vec<Vec<Paired>>,
    /// The same for the block of runs being accumulated.
    current_blocks: Vec<Vec<Paired>>,
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
    compare_with(models, &Options::default(), options, progress)
}

/// [`compare`] with a `--given` condition and a parameter sampling. Each
/// scenario's estimates cover its own runs where the condition holds; a
/// paired difference covers the runs where it holds in both scenarios.
pub fn compare_with(
    models: &[Model],
    how: &Options<'_>,
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Comparison, SimError> {
    let Sampled { plan, values } = Sampled::new(models, how, options)?;
    let injected: Vec<Injected> = values.iter().map(|v| Injected::new(v, &[])).collect();
    let injects = as_injects(&injected);
    let (mut tracks, unmatched) = tracks(models);
    let blocks = plan.as_ref().map_or(0, Plan::replicates);
    with_replicates(&mut tracks, blocks);
    let mut replicates: Vec<Replicates> = match &plan {
        Some(p) => models.iter().map(|m| Replicates::new(m, p)).collect(),
        None => Vec::new(),
    };
    let mut block = None;
    let mut on_rows = |rows: &[Rows]| -> std::io::Result<()> {
        if let Some(p) = &plan {
            for (r, row) in replicates.iter_mut().zip(rows) {
                r.add(p, row);
            }
        }
        if let Some(done) = begin_block(&mut tracks, &mut block, rows) {
            merge_block(&mut tracks, &done);
        }
        add_rows(&mut tracks, rows, plan.as_ref());
        Ok(())
    };
    let conditions = conditions(how);
    let setup = super::Setup {
        models,
        conditions: &conditions,
        injects: &injects,
        // The paired differences and replicates read only the outcomes.
        row_params: false,
    };
    let results = super::simulate_setup(&setup, true, options, progress, Some(&mut on_rows))?;
    let done = take_block(&mut tracks);
    merge_block(&mut tracks, &done);
    let plan = plan.as_ref().map(|p| (p, replicates.as_slice()));
    finish(models, how, options, results, &tracks, unmatched, plan)
}

/// The sampled parameters of a comparison (with `--sampling lhs|sobol`):
/// the design, and each scenario's points of it; empty without one.
struct Sampled {
    plan: Option<Plan>,
    values: Vec<Vec<Option<Vec<f64>>>>,
}

impl Sampled {
    fn new(models: &[Model], how: &Options<'_>, options: &RunOptions) -> Result<Sampled, SimError> {
        let refs: Vec<&Model> = models.iter().collect();
        let plan =
            Plan::new(how.sampling, options.seed, options.runs, &refs).map_err(SimError::Input)?;
        let values = match &plan {
            Some(p) => models.iter().map(|m| p.values(m)).collect(),
            None => Vec::new(),
        };
        Ok(Sampled { plan, values })
    }
}

/// Each scenario's injected parameters, as the engine takes them.
fn as_injects<'a>(injected: &'a [Injected<'a>]) -> Vec<Option<&'a (dyn Inject + Sync)>> {
    injected
        .iter()
        .map(|i| Some(i as &(dyn Inject + Sync)))
        .collect()
}

/// The `--given` condition of every scenario, or none.
fn conditions(how: &Options<'_>) -> Vec<Option<MExpr>> {
    match how.given {
        Some((_, exprs)) => exprs.iter().cloned().map(Some).collect(),
        None => Vec::new(),
    }
}

/// One block of runs of a sharded comparison: each scenario's accumulators
/// and the paired accumulators of its runs, in the order [`from_blocks`]
/// reads them.
pub struct Block {
    pub results: Vec<Results>,
    pub paired: Vec<Paired>,
    /// With sampled parameters, each scenario's replicates' moments of the
    /// block, one scenario after the other.
    pub moments: Vec<Moments>,
}

/// Gives the tracks `replicates` replicate accumulators each.
fn with_replicates(tracks: &mut [Track], replicates: usize) {
    for track in tracks.iter_mut() {
        track.blocks = vec![track.paired.clone(); replicates];
        track.current_blocks = track.blocks.clone();
    }
}

/// The blocks `blocks` of a comparison (a shard of it), kept apart. With
/// sampled parameters every shard draws the whole design and runs its own
/// runs' points.
pub fn compare_blocks(
    models: &[Model],
    how: &Options<'_>,
    options: &RunOptions,
    blocks: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Block>, SimError> {
    let Sampled { plan, values } = Sampled::new(models, how, options)?;
    let injected: Vec<Injected> = values.iter().map(|v| Injected::new(v, &[])).collect();
    let injects = as_injects(&injected);
    let (mut tracks, _) = tracks(models);
    with_replicates(&mut tracks, plan.as_ref().map_or(0, Plan::replicates));
    let mut replicates: Vec<Replicates> = match &plan {
        Some(p) => models.iter().map(|m| Replicates::for_shard(m, p)).collect(),
        None => Vec::new(),
    };
    let mut paired = Vec::new();
    let mut block = None;
    let mut on_rows = |rows: &[Rows]| -> std::io::Result<()> {
        if let Some(p) = &plan {
            for (r, row) in replicates.iter_mut().zip(rows) {
                r.add(p, row);
            }
        }
        if let Some(done) = begin_block(&mut tracks, &mut block, rows) {
            paired.push(done);
        }
        add_rows(&mut tracks, rows, plan.as_ref());
        Ok(())
    };
    let conditions = conditions(how);
    let setup = super::Setup {
        models,
        conditions: &conditions,
        injects: &injects,
        // The paired differences and replicates read only the outcomes.
        row_params: false,
    };
    let results =
        super::simulate_setup_blocks(&setup, true, options, blocks, progress, &mut on_rows)?;
    if block.is_some() {
        paired.push(take_block(&mut tracks));
    }
    // results[scenario][block] to one `Block` per block.
    let mut per_block: Vec<Block> = paired
        .into_iter()
        .map(|paired| Block {
            results: Vec::new(),
            paired,
            moments: Vec::new(),
        })
        .collect();
    for scenario in results {
        for (b, r) in per_block.iter_mut().zip(scenario) {
            b.results.push(r);
        }
    }
    for r in replicates {
        for (b, m) in per_block.iter_mut().zip(r.take_runs_blocks()) {
            b.moments.extend(m);
        }
    }
    Ok(per_block)
}

/// The comparison from the merged accumulators of its blocks: `results`
/// folded per scenario in block order (quantiles made exact), `paired` the
/// blocks' paired accumulators folded in block order, and with sampled
/// parameters `moments` each block's replicate moments, in block order.
pub fn from_blocks(
    models: &[Model],
    how: &Options<'_>,
    options: &RunOptions,
    results: Vec<Results>,
    paired: &[Paired],
    moments: &[Vec<Moments>],
) -> Result<Comparison, SimError> {
    let refs: Vec<&Model> = models.iter().collect();
    let plan =
        Plan::new(how.sampling, options.seed, options.runs, &refs).map_err(SimError::Input)?;
    let (mut tracks, unmatched) = tracks(models);
    let replicate_count = plan.as_ref().map_or(0, Plan::replicates);
    with_replicates(&mut tracks, replicate_count);
    let expected = tracks.len() * models.len().saturating_sub(1) * (1 + replicate_count);
    if paired.len() != expected {
        return Err(SimError::Input(format!(
            "the parts hold {} paired accumulators where the comparison has {expected}; write them again",
            paired.len()
        )));
    }
    // Into empty accumulators: a copy of the folded ones.
    merge_block(&mut tracks, paired);
    let mut replicates: Vec<Replicates> = match &plan {
        Some(p) => models.iter().map(|m| Replicates::new(m, p)).collect(),
        None => Vec::new(),
    };
    for block in moments {
        let mut at = 0;
        for r in replicates.iter_mut() {
            let end = at + r.block_len();
            if !block.get(at..end).is_some_and(|m| r.fold(m)) {
                return Err(SimError::Input(
                    "the parts hold replicates of another shape than the comparison's sampling; write them again".into(),
                ));
            }
            at = end;
        }
    }
    let plan = plan.as_ref().map(|p| (p, replicates.as_slice()));
    finish(models, how, options, results, &tracks, unmatched, plan)
}

/// When `rows` begin a new block of runs, the accumulators of the block
/// before (if any), and the tracks reset for the new one.
fn begin_block(
    tracks: &mut [Track],
    block: &mut Option<u64>,
    rows: &[Rows],
) -> Option<Vec<Paired>> {
    let this = rows.first()?.first_run / super::BLOCK_RUNS;
    let before = block.replace(this);
    match before {
        Some(b) if b != this => Some(take_block(tracks)),
        _ => None,
    }
}

/// The block's accumulators, track by track and scenario by scenario,
/// then with sampled parameters track by track, replicate by replicate and
/// scenario by scenario; the tracks are left empty for the next block.
fn take_block(tracks: &mut [Track]) -> Vec<Paired> {
    let mut out = Vec::new();
    for t in tracks.iter_mut() {
        let empty = vec![Paired::new(); t.current.len()];
        out.extend(std::mem::replace(&mut t.current, empty));
    }
    for t in tracks.iter_mut() {
        for reps in t.current_blocks.iter_mut() {
            let empty = vec![Paired::new(); reps.len()];
            out.extend(std::mem::replace(reps, empty));
        }
    }
    out
}

/// Merges a block's accumulators (as [`take_block`] gave them) into the totals.
fn merge_block(tracks: &mut [Track], block: &[Paired]) {
    let mut at = block.iter();
    for track in tracks.iter_mut() {
        for total in track.paired.iter_mut() {
            if let Some(p) = at.next() {
                total.merge(p);
            }
        }
    }
    for track in tracks.iter_mut() {
        for total in track.blocks.iter_mut().flatten() {
            if let Some(p) = at.next() {
                total.merge(p);
            }
        }
    }
}

/// Adds one chunk's rows (one `Rows` per scenario) to the current block.
///
/// The pairs of a chunk are added at once (`Paired::add_slice`), and with
/// sampled parameters once per replicate block the chunk reaches into: the
/// same batches in a single run and in a shard, so the same bits. Each
/// track is a task of its own (on the simulation's threads: see
/// `engine::RowsSink`); a track's accumulators see the same batches in the
/// same order whichever thread adds them.
fn add_rows(tracks: &mut [Track], rows: &[Rows], plan: Option<&Plan>) {
    tracks
        .par_iter_mut()
        .for_each(|track| add_track_rows(track, rows, plan));
}

/// [`add_rows`] for one track.
fn add_track_rows(track: &mut Track, rows: &[Rows], plan: Option<&Plan>) {
    let first = &rows[0];
    let (mut ys, mut xs, mut blocks) = (Vec::new(), Vec::new(), Vec::new());
    for (s, row) in rows.iter().enumerate().skip(1) {
        let (a_values, b_values) = (
            &first.outcomes[track.index[0]],
            &row.outcomes[track.index[s]],
        );
        ys.clear();
        xs.clear();
        blocks.clear();
        for i in 0..row.len() {
            if !(first.condition[i] && row.condition[i]) {
                continue;
            }
            xs.push(track.value(0, a_values[i]));
            ys.push(track.value(s, b_values[i]));
            if let Some(p) = plan {
                blocks.push(p.block_of(row.first_run + i as u64));
            }
        }
        // `Paired` takes (a, b) and estimates a - b: this scenario minus the first.
        track.current[s - 1].add_slice(&ys, &xs);
        // Runs come in order, so each replicate block's are one stretch.
        let mut start = 0;
        while start < blocks.len() {
            let block = blocks[start];
            let end = start + blocks[start..].iter().take_while(|&&b| b == block).count();
            track.current_blocks[block][s - 1].add_slice(&ys[start..end], &xs[start..end]);
            start = end;
        }
    }
}

/// The comparison from every scenario's results and the tracks' totals.
fn finish(
    models: &[Model],
    how: &Options<'_>,
    options: &RunOptions,
    mut results: Vec<Results>,
    tracks: &[Track],
    unmatched: Vec<String>,
    plan: Option<(&Plan, &[Replicates])>,
) -> Result<Comparison, SimError> {
    if let Some((text, _)) = how.given
        && let Some(r) = results.iter().position(|r| r.kept == 0)
    {
        return Err(SimError::Input(format!(
            "no run of {} satisfies --given `{text}` (0 of {} runs); the condition may be impossible in this scenario, or rare: check it, or raise --runs",
            models[r].info.name, options.runs
        )));
    }
    let mut summaries = super::summaries(models, &mut results);
    if let Some((p, replicates)) = plan {
        for (summary, r) in summaries.iter_mut().zip(replicates) {
            r.apply(p, summary);
        }
    }
    for summary in summaries.iter_mut() {
        summary.provenance.given = how.given.map(|(text, _)| text.to_string());
    }
    let z = z_for_level(LEVEL);
    let mut differences = Vec::new();
    for track in tracks {
        for (s, p) in track.paired.iter().enumerate() {
            let diff = p.mean_diff();
            let (mcse, z) = if plan.is_some() {
                let spread = Spread::of(track.blocks.iter().map(|b| b[s].mean_diff()));
                (spread.se, spread.t)
            } else {
                (p.mcse(), z)
            };
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
        given: how.given.map(|(text, _)| text.to_string()),
        sampling: plan.map(|(p, _)| p.record()),
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
            current: vec![Paired::new(); others],
            blocks: Vec::new(),
            current_blocks: Vec::new(),
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
