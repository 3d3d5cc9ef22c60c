//! The partial-result file of a shard (`polsim run --shard K/M`): what
//! `polsim merge` needs to give exactly the outputs of one run.
//!
//! Layout (docs/scale.md describes it for readers):
//!
//! ```text
//! polsim part\n                 the magic line
//! {header as JSON}\n            one line: `Header`, readable with `head -2`
//! body                          little-endian binary: the shard's blocks
//! SHA-256 of all the above      32 bytes: a truncated or damaged file is refused
//! ```
//!
//! The body is a unit count, then per unit (a block of runs, or a grid
//! point) its index and a [`Unit`]: the accumulators (`Results`) of each
//! scenario simulated together, in the model's order (runs, kept runs, each
//! outcome (a tag, then counts, or moments and the exact values), each
//! variable's per-step moments and, at the steps that keep them, its
//! quantile values or, past the pilot, the brackets and counts of its
//! time series (a part's first block holds the counts of all its blocks),
//! each event's per-step counts, each parameter's
//! moments); then the paired-difference accumulators of a comparison; then
//! the per-run value columns of a sensitivity analysis; then the
//! replicates' moments of a run, comparison or sweep with sampled
//! parameters (a block of runs's, or a grid point's totals).
//! Floats are stored as their bits, so a merge reads back exactly what the
//! shard computed.
//!
//! A part file is untrusted input: every length is checked against the
//! bytes left and every shape against the model before anything is
//! allocated, and a mismatch is an error naming the file, never a panic.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::{BLOCK_CHUNKS, CHUNK_RUNS, Program};
use crate::results::{
    EventStep, OUTCOME_EXACT_CAP, OutcomeAcc, Results, SeriesBrackets, SeriesPlan, StepAcc,
};
use crate::scenario::Model;
use crate::stats::{Brackets, Moments, Paired, Quantiles, Tally};

/// The first line of every part file.
pub const MAGIC: &[u8] = b"polsim part\n";
/// The version of this layout; a merge refuses parts of another.
pub const FORMAT: u32 = 3;
/// The longest header line read (the scenario texts are inside it; each
/// file of a scenario is at most 16 MiB).
pub const MAX_HEADER_BYTES: usize = 256 << 20;

/// Everything about a shard's job that must be the same in every part of
/// one merge: the scenario (by content), the settings that change results,
/// the cut into blocks, and the program version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobSpec {
    /// The command whose outputs the merge writes (`run`).
    pub command: String,
    pub polsim_version: String,
    pub scenario: String,
    /// The scenario file as named on the command line (the outputs record it).
    pub scenario_file: String,
    /// SHA-256 of the scenario's content: every text it was assembled from.
    pub scenario_sha256: String,
    pub seed: u64,
    pub runs: u64,
    /// `--set` overrides, as `name=value`.
    pub overrides: Vec<String>,
    /// `--given` condition.
    pub given: Option<String>,
    /// `--sampling`.
    pub sampling: String,
    pub chunk_runs: u64,
    pub block_chunks: u64,
    /// What the job is cut into: blocks of runs (`run`) or grid points (`sweep`).
    pub units: u64,
    /// Shards the job is cut into (M of `--shard K/M`).
    pub shards: u64,
    /// A sweep's grid and what its outputs show.
    pub sweep: Option<SweepSpec>,
    /// A comparison's scenarios after the first (the first is `scenario`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
    /// A sensitivity analysis's method and outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<SensitivitySpec>,
    /// `run` or `compare` `--series`, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
}

/// One more scenario of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub scenario: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    /// Its own runs and seed (those of its file, or of `--runs` and
    /// `--seed`); every scenario runs with the first one's.
    pub runs: u64,
    pub seed: u64,
}

/// The flags of a sharded `sensitivity` that its merge needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SensitivitySpec {
    /// `--method`: rank, sobol or swing.
    pub method: String,
    /// `--outcome`, when one outcome was analysed.
    pub outcome: Option<String>,
}

/// What a part holds for one unit (a block of runs, or a sweep's grid point).
#[derive(Clone, Debug, Default)]
pub struct Unit {
    /// The accumulators of each scenario simulated together: one for `run`
    /// and a sweep's point, one per scenario for `compare`, one per setting
    /// for a swing analysis; none where only per-run values are kept.
    pub results: Vec<Results>,
    /// Paired differences accumulated over the unit's runs, in the
    /// analysis's order (`compare`, swing).
    pub paired: Vec<Paired>,
    /// Per-run values kept whole, in run order, one column each in the
    /// analysis's order (rank correlations, Sobol indices).
    pub values: Vec<Vec<f64>>,
    /// The replicates' moments with `--sampling lhs|sobol` (replicate by
    /// replicate, outcome by outcome): a block of runs's for a run or
    /// comparison, a grid point's totals over all its runs for a sweep.
    pub moments: Vec<Moments>,
}

impl Unit {
    /// A unit of one scenario's accumulators.
    pub fn of(results: Results) -> Unit {
        Unit {
            results: vec![results],
            ..Unit::default()
        }
    }
}

/// The flags of a sharded `sweep` that its merge needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// `--param NAME=LO..HI:STEPS`, as given.
    pub params: Vec<String>,
    pub outcome: Option<String>,
    /// `--threshold`, as its shortest decimal (read back exactly).
    pub threshold: Option<String>,
}

/// One text a scenario was read from, under the path it was read by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioText {
    pub path: String,
    pub text: String,
}

/// The header line of a part file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// [`FORMAT`].
    pub format: u32,
    pub job: JobSpec,
    /// K of `--shard K/M`, from 1.
    pub shard: u64,
    /// The units (blocks of runs, or grid points) this part holds: `first..end`.
    pub first: u64,
    pub end: u64,
    /// Runs this part holds.
    pub runs_held: u64,
    /// The scenario's texts, so a merge rebuilds the model anywhere.
    pub texts: Vec<ScenarioText>,
}

/// A part file that cannot be used, in words for the user.
#[derive(Clone, Debug, PartialEq)]
pub struct PartError(pub String);

impl std::fmt::Display for PartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The bytes of a part file holding `blocks` (unit `header.first` first):
/// the blocks of a run, or the grid points of a sweep. Results whose
/// quantiles are not held exactly cannot be stored (a block of 16,384 runs
/// never reaches an exact cap; a sharded sweep stays under it).
pub fn encode(header: &Header, blocks: &[Unit]) -> Result<Vec<u8>, PartError> {
    let mut out = Vec::from(MAGIC);
    let json = serde_json::to_vec(header).map_err(|e| PartError(e.to_string()))?;
    out.extend_from_slice(&json);
    out.push(b'\n');
    let mut w = Writer(out);
    w.u64(blocks.len() as u64);
    for (i, block) in blocks.iter().enumerate() {
        w.u64(header.first + i as u64);
        w.unit(block)?;
    }
    let mut out = w.0;
    let digest = Sha256::digest(&out);
    out.extend_from_slice(&digest);
    Ok(out)
}

/// The header of a part file from its first bytes (at least up to the end
/// of the header line).
pub fn read_header(bytes: &[u8]) -> Result<Header, PartError> {
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| {
        PartError("is not a polsim part file (it does not start with `polsim part`); name the files `polsim run --shard` wrote".into())
    })?;
    let end = rest
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| PartError("is cut short inside its header".into()))?;
    let header: Header = serde_json::from_slice(&rest[..end])
        .map_err(|e| PartError(format!("has a header polsim cannot read ({e})")))?;
    if header.format != FORMAT {
        return Err(PartError(format!(
            "is in part format {} but this polsim reads format {FORMAT}; merge with the polsim version that wrote it ({})",
            header.format, header.job.polsim_version
        )));
    }
    Ok(header)
}

/// The units of a whole part file, checked against its checksum, its
/// header and the shape of each scenario's results in `shapes` (with
/// per-step statistics or without, as `series` says).
pub fn decode(
    bytes: &[u8],
    shapes: &[(&Model, &Program)],
    series: bool,
) -> Result<(Header, Vec<(u64, Unit)>), PartError> {
    let header = read_header(bytes)?;
    if bytes.len() < 32 {
        return Err(PartError("is cut short".into()));
    }
    let (content, digest) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(content).as_slice() != digest {
        return Err(PartError(
            "is damaged or cut short (its checksum does not match); write it again with the same `polsim run --shard` command".into(),
        ));
    }
    let body_start = MAGIC.len()
        + content[MAGIC.len()..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(0)
        + 1;
    // A unit is a block of runs, or a sweep's grid point with all its runs.
    let block = BLOCK_CHUNKS * CHUNK_RUNS;
    let unit_runs = match &header.job.sweep {
        Some(_) => header.job.runs.clamp(block, OUTCOME_EXACT_CAP as u64),
        None => block,
    };
    let mut r = Reader {
        bytes: &content[body_start.min(content.len())..],
        at: 0,
        unit_runs,
    };
    let count = r.u64()?;
    if count != header.end.saturating_sub(header.first) {
        return Err(PartError(format!(
            "holds {count} units but its header says {}..{}",
            header.first, header.end
        )));
    }
    let mut blocks = Vec::new();
    for i in 0..count {
        let index = r.u64()?;
        if index != header.first + i {
            return Err(PartError(format!(
                "holds unit {index} where unit {} belongs",
                header.first + i
            )));
        }
        blocks.push((index, r.unit(shapes, series)?));
    }
    if r.at != r.bytes.len() {
        return Err(PartError("has bytes after its last block".into()));
    }
    Ok((header, blocks))
}

struct Writer(Vec<u8>);

impl Writer {
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    fn moments(&mut self, m: &Moments) {
        let (counts, floats) = m.state();
        counts.iter().for_each(|&c| self.u64(c));
        floats.iter().for_each(|&f| self.f64(f));
    }

    fn quantiles(&mut self, q: &Quantiles) -> Result<(), PartError> {
        let slices = || {
            q.exact_values().ok_or_else(|| {
                PartError("a block's quantiles are held in a sketch and cannot be stored".into())
            })
        };
        self.u64(q.none());
        self.u64(slices()?.map(|v| v.len() as u64).sum());
        slices()?.flatten().for_each(|&v| self.f64(v));
        Ok(())
    }

    fn unit(&mut self, unit: &Unit) -> Result<(), PartError> {
        self.u64(unit.results.len() as u64);
        for r in &unit.results {
            self.results(r)?;
        }
        self.u64(unit.paired.len() as u64);
        for p in &unit.paired {
            let (moments, none) = p.state();
            moments.iter().for_each(|m| self.moments(m));
            self.u64(none);
        }
        self.u64(unit.values.len() as u64);
        for column in &unit.values {
            self.u64(column.len() as u64);
            column.iter().for_each(|&v| self.f64(v));
        }
        self.u64(unit.moments.len() as u64);
        unit.moments.iter().for_each(|m| self.moments(m));
        Ok(())
    }

    fn results(&mut self, r: &Results) -> Result<(), PartError> {
        self.u64(r.runs);
        self.u64(r.kept);
        for acc in &r.outcomes {
            match acc {
                OutcomeAcc::Probability(p) => {
                    self.u64(0);
                    self.u64(p.successes);
                    self.u64(p.trials);
                }
                OutcomeAcc::Number { moments, quantiles } => {
                    self.u64(1);
                    self.moments(moments);
                    self.quantiles(quantiles)?;
                }
                OutcomeAcc::Category(counts) => {
                    self.u64(2);
                    self.u64(counts.len() as u64);
                    counts.iter().for_each(|&c| self.u64(c));
                }
            }
        }
        match &r.brackets {
            None => {
                self.u64(0);
                for per_step in &r.series {
                    for (t, acc) in per_step.iter().enumerate() {
                        self.step(acc, r.plan.keeps(t as u32))?;
                    }
                }
            }
            Some(brackets) => {
                self.u64(1);
                let mut words = Vec::new();
                for (s, per_step) in r.series.iter().enumerate() {
                    for t in 0..per_step.len() {
                        if r.plan.keeps(t as u32) {
                            brackets.get(s, t).encode(&mut words);
                        }
                    }
                }
                for (s, per_step) in r.series.iter().enumerate() {
                    for (t, acc) in per_step.iter().enumerate() {
                        words.extend(acc.moments.state().0);
                        words.extend(acc.moments.state().1.iter().map(|f| f.to_bits()));
                        if let Some(tally) = r.tally(s, t) {
                            tally.encode(brackets.get(s, t), &mut words);
                        }
                    }
                }
                self.u64(words.len() as u64);
                words.iter().for_each(|&w| self.u64(w));
            }
        }
        for per_step in &r.events {
            for e in per_step {
                self.u64(e.happened);
                self.u64(e.ever);
                self.f64(e.total);
            }
        }
        for m in &r.params {
            self.moments(m);
        }
        Ok(())
    }

    /// One variable at one step: its moments (a block's are all merged
    /// ones), and its quantile values where the plan keeps them.
    fn step(&mut self, acc: &StepAcc, keeps: bool) -> Result<(), PartError> {
        self.moments(&acc.moments);
        if keeps {
            self.quantiles(&acc.quantiles)?;
        } else if acc.quantiles.count() + acc.quantiles.none() > 0 {
            return Err(PartError(
                "a block keeps quantiles at a step the plan leaves out".into(),
            ));
        }
        Ok(())
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The most runs one unit holds.
    unit_runs: u64,
}

impl Reader<'_> {
    fn short() -> PartError {
        PartError("is cut short inside a block".into())
    }

    fn u64(&mut self) -> Result<u64, PartError> {
        let end = self.at.checked_add(8).ok_or_else(Self::short)?;
        let b = self.bytes.get(self.at..end).ok_or_else(Self::short)?;
        self.at = end;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    fn f64(&mut self) -> Result<f64, PartError> {
        Ok(f64::from_bits(self.u64()?))
    }

    /// A length of items of `size` bytes each that the bytes left can hold.
    fn len(&mut self, size: usize) -> Result<usize, PartError> {
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) / size;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= left)
            .ok_or_else(Self::short)
    }

    fn moments(&mut self) -> Result<Moments, PartError> {
        let mut counts = [0u64; 4];
        for c in &mut counts {
            *c = self.u64()?;
        }
        let mut floats = [0f64; 5];
        for f in &mut floats {
            *f = self.f64()?;
        }
        Ok(Moments::from_state(counts, floats))
    }

    /// Values into an empty accumulator (which keeps its cap).
    fn quantiles(&mut self, q: &mut Quantiles) -> Result<(), PartError> {
        let none = self.u64()?;
        let n = self.len(8)?;
        let most = self.unit_runs;
        if n > q.exact_cap() || n as u64 > most || none > most {
            return Err(PartError(format!(
                "holds {n} quantile values and {none} nones in one unit, more than its {most} runs"
            )));
        }
        for _ in 0..n {
            let v = self.f64()?;
            if v.is_nan() {
                return Err(PartError("holds a quantile value that is NaN".into()));
            }
            q.add(v);
        }
        for _ in 0..none {
            q.add(f64::NAN);
        }
        Ok(())
    }

    /// The time series past the pilot: every kept pair's brackets, then
    /// each step's moments and, where kept, its tally.
    fn tallies(&mut self, r: &mut Results) -> Result<(), PartError> {
        let n = self.len(8)?;
        let mut words = Vec::with_capacity(n);
        for _ in 0..n {
            words.push(self.u64()?);
        }
        let damaged = || PartError("holds time-series counts that do not add up".into());
        let mut it = words.into_iter();
        let mut next = || it.next();
        let steps = r.plan.steps as usize;
        let mut pairs = SeriesBrackets::new(r.series.len(), steps);
        for (s, per_step) in r.series.iter().enumerate() {
            for t in 0..per_step.len() {
                if r.plan.keeps(t as u32) {
                    pairs.set(s, t, Brackets::decode(&mut next).ok_or_else(damaged)?);
                }
            }
        }
        let brackets = std::sync::Arc::new(pairs);
        r.count_in(brackets.clone());
        let count = r.series.len();
        for (s, per_step) in r.series.iter_mut().enumerate() {
            for (t, acc) in per_step.iter_mut().enumerate() {
                let mut counts = [0u64; 4];
                for c in &mut counts {
                    *c = next().ok_or_else(damaged)?;
                }
                let mut floats = [0f64; 5];
                for f in &mut floats {
                    *f = f64::from_bits(next().ok_or_else(damaged)?);
                }
                acc.moments = Moments::from_state(counts, floats);
                if let Some(tally) = &mut r.tallies[t * count + s] {
                    *tally = Tally::decode(brackets.get(s, t), &mut next).ok_or_else(damaged)?;
                }
            }
        }
        if next().is_some() {
            return Err(damaged());
        }
        Ok(())
    }

    fn unit(&mut self, shapes: &[(&Model, &Program)], series: bool) -> Result<Unit, PartError> {
        let count = self.u64()?;
        if count != shapes.len() as u64 {
            return Err(PartError(format!(
                "holds the results of {count} scenario(s) per unit where its job has {}",
                shapes.len()
            )));
        }
        let mut unit = Unit::default();
        let plans = SeriesPlan::shared(shapes.iter().map(|s| (s.1, series)));
        for ((model, program), plan) in shapes.iter().zip(plans) {
            let mut results = Results::new(model, program, plan);
            self.results(&mut results)?;
            unit.results.push(results);
        }
        // Three moments (4 counts and 5 floats each) and a count.
        let paired = self.len(8 * (3 * 9 + 1))?;
        for _ in 0..paired {
            let moments = [self.moments()?, self.moments()?, self.moments()?];
            unit.paired.push(Paired::from_state(moments, self.u64()?));
        }
        let columns = self.len(8)?;
        for _ in 0..columns {
            let n = self.len(8)?;
            let mut column = Vec::with_capacity(n);
            for _ in 0..n {
                column.push(self.f64()?);
            }
            unit.values.push(column);
        }
        // Four counts and five floats each.
        let moments = self.len(8 * 9)?;
        for _ in 0..moments {
            unit.moments.push(self.moments()?);
        }
        Ok(unit)
    }

    fn results(&mut self, r: &mut Results) -> Result<(), PartError> {
        let mismatch = |what: &str| {
            PartError(format!(
                "does not fit the scenario: {what} differs; it was written for another version of the scenario"
            ))
        };
        r.runs = self.u64()?;
        r.kept = self.u64()?;
        for acc in &mut r.outcomes {
            let tag = self.u64()?;
            match (acc, tag) {
                (OutcomeAcc::Probability(p), 0) => {
                    p.successes = self.u64()?;
                    p.trials = self.u64()?;
                }
                (OutcomeAcc::Number { moments, quantiles }, 1) => {
                    *moments = self.moments()?;
                    self.quantiles(quantiles)?;
                }
                (OutcomeAcc::Category(counts), 2) => {
                    if self.len(8)? != counts.len() {
                        return Err(mismatch("a category outcome's categories"));
                    }
                    for c in counts.iter_mut() {
                        *c = self.u64()?;
                    }
                }
                _ => return Err(mismatch("an outcome's kind")),
            }
        }
        let plan = r.plan;
        match self.u64()? {
            0 => {
                for per_step in &mut r.series {
                    for (t, acc) in per_step.iter_mut().enumerate() {
                        acc.moments = self.moments()?;
                        if plan.keeps(t as u32) {
                            self.quantiles(&mut acc.quantiles)?;
                        }
                    }
                }
            }
            1 => self.tallies(r)?,
            _ => return Err(PartError("holds time series of an unknown kind".into())),
        }
        for per_step in &mut r.events {
            for e in per_step.iter_mut() {
                *e = EventStep {
                    happened: self.u64()?,
                    ever: self.u64()?,
                    total: self.f64()?,
                };
            }
        }
        for m in &mut r.params {
            *m = self.moments()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::engine::{self, RunOptions, compile::compile};
    use crate::scenario::{self, OneText};

    const SCENARIO: &str = "[scenario]\nname = \"t\"\nsteps = 3\n\n[parameters]\n\
        x = { dist = \"normal(1, 2)\" }\n\n[state.s]\ninit = 0\nupdate = \"s + x\"\n\n\
        [events.e]\np = 0.3\n\n[outcomes]\ntotal = { expr = \"s\", kind = \"number\" }\n\
        seen = \"count(e) >= 1\"\n";

    fn simulated() -> (Model, Program, Results) {
        let model = scenario::load(Path::new("t.toml"), &OneText(SCENARIO), &[])
            .unwrap_or_else(|r| panic!("{}", r.render(false)));
        let program = compile(&model, None);
        let options = RunOptions {
            runs: 3000,
            seed: 5,
            threads: 1,
            rows: false,
        };
        let results = engine::simulate(&model, &program, &options, None, &|_| {}, &mut |_| Ok(()))
            .unwrap_or_else(|e| panic!("{e}"));
        (model, program, results)
    }

    fn header() -> Header {
        Header {
            format: FORMAT,
            job: JobSpec {
                command: "run".into(),
                polsim_version: "0".into(),
                scenario: "t".into(),
                scenario_file: "t.toml".into(),
                scenario_sha256: String::new(),
                seed: 5,
                runs: 3000,
                overrides: Vec::new(),
                given: None,
                series: None,
                sampling: "random".into(),
                chunk_runs: CHUNK_RUNS,
                block_chunks: BLOCK_CHUNKS,
                units: 1,
                shards: 1,
                sweep: None,
                variants: Vec::new(),
                sensitivity: None,
            },
            shard: 1,
            first: 0,
            end: 1,
            runs_held: 3000,
            texts: Vec::new(),
        }
    }

    #[test]
    fn a_decoded_part_encodes_to_the_same_bytes() {
        let (model, program, results) = simulated();
        let mut paired = Paired::new();
        paired.add(1.5, 0.25);
        paired.add(f64::NAN, 1.0);
        let unit = Unit {
            results: vec![results],
            paired: vec![paired.clone()],
            values: vec![vec![0.5, f64::NAN], Vec::new()],
            moments: vec![Moments::new()],
        };
        let bytes = encode(&header(), std::slice::from_ref(&unit)).expect("encode");
        let (back, blocks) = decode(&bytes, &[(&model, &program)], true).expect("decode");
        assert_eq!(back, header());
        assert_eq!(blocks.len(), 1);
        let again = encode(&back, &[blocks[0].1.clone()]).expect("encode again");
        assert!(again == bytes, "a round trip changed the bytes");
        assert_eq!(blocks[0].1.results[0].runs, 3000);
        assert_eq!(blocks[0].1.paired, vec![paired]);
        assert_eq!(blocks[0].1.values[0][0], 0.5);
        assert!(blocks[0].1.values[0][1].is_nan());
        assert!(
            decode(&bytes, &[(&model, &program), (&model, &program)], true).is_err(),
            "a part of one scenario read as two"
        );
    }

    /// Any byte of the body changed (with a checksum that matches, as a
    /// deliberately altered file would have) gives a part or an error,
    /// never a panic.
    #[test]
    fn altered_bodies_are_refused_or_read_never_a_panic() {
        let (model, program, results) = simulated();
        let bytes = encode(&header(), &[Unit::of(results)]).expect("encode");
        let body = bytes.iter().position(|&b| b == b'}').unwrap_or(0);
        let content = bytes.len() - 32;
        for at in (body..content).step_by(97) {
            for flip in [0x01u8, 0xff] {
                let mut altered = bytes[..content].to_vec();
                altered[at] ^= flip;
                let digest = Sha256::digest(&altered);
                altered.extend_from_slice(&digest);
                let _ = decode(&altered, &[(&model, &program)], true);
            }
        }
        for cut in [0, 5, MAGIC.len(), body, content / 2, content - 1] {
            let mut short = bytes[..cut].to_vec();
            let digest = Sha256::digest(&short);
            short.extend_from_slice(&digest);
            assert!(
                decode(&short, &[(&model, &program)], true).is_err(),
                "cut at {cut}"
            );
        }
    }
}
