//! Shards: a simulation cut into parts that run anywhere (separate
//! processes, machines, array tasks of a scheduler) and merge into exactly
//! the result of one run.
//!
//! The unit is the block of `BLOCK_CHUNKS` chunks. A single run merges
//! each block's chunks in chunk order into an empty `Results` and then the
//! blocks in block order ([`super::simulate_many`]); a shard computes whole
//! blocks the same way and keeps them apart ([`simulate_blocks`]), and the
//! merge folds every shard's blocks in block order: the same additions in
//! the same order, so the same bits. Shard K of M holds the blocks
//! `shard_blocks(runs, K, M)`: a fixed cut of the block indices, never of
//! arrival order.
//!
//! Quantiles need no order: a block's quantiles hold its values exactly
//! (16,384 runs is under every exact cap), and merged quantiles depend only
//! on the multiset of values. Past the exact cap of an outcome (2^20 runs) a
//! single run makes its quantiles exact by running the runs again
//! (`engine::refine`); a merge does the same passes over the values the
//! blocks hold ([`refine_from_blocks`]), which are the same values, so the
//! refined quantiles are the same bits without simulating again.

use std::ops::Range;

use super::results::{OutcomeAcc, Refinements, Results};
use super::{Job, Pool, RunOptions, SimError, block_count};

/// The blocks shard `shard` (1-based) of `shards` holds when `runs` runs are
/// simulated: `floor((K-1)B/M) .. floor(KB/M)` of the `B` blocks, so the
/// shards cover every block once, in order, and differ in size by at most
/// one block. With more shards than blocks some shards hold none.
pub fn shard_blocks(runs: u64, shard: u64, shards: u64) -> Range<u64> {
    cut(block_count(runs), shard, shards)
}

/// Shard `shard` (1-based) of `shards` of `units` things (blocks of runs,
/// grid points): `floor((K-1)U/M) .. floor(KU/M)`.
pub fn cut(units: u64, shard: u64, shards: u64) -> Range<u64> {
    let units = u128::from(units);
    let at = |k: u64| (units * u128::from(k) / u128::from(shards.max(1))) as u64;
    at(shard.saturating_sub(1))..at(shard)
}

/// Simulates `blocks` of every job: `[job][i]` is block `blocks.start + i`
/// of job `job`, each merged from its chunks in chunk order, not merged
/// with each other.
pub fn simulate_blocks(
    jobs: &[Job<'_>],
    options: &RunOptions,
    blocks: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
    on_rows: &mut super::RowsSink<'_>,
) -> Result<Vec<Vec<Results>>, SimError> {
    let pool = Pool::new(jobs, options)?;
    let mut out: Vec<Vec<Results>> = jobs.iter().map(|_| Vec::new()).collect();
    super::simulate_blocks_with(
        jobs,
        options,
        &pool,
        blocks,
        progress,
        on_rows,
        &mut |job, _block, mut results| {
            // Time-series counts add in any order: the first block holds
            // them all, so a part stores them once.
            if let Some(first) = out[job].first_mut() {
                first.absorb_tallies(&mut results);
            }
            out[job].push(results)
        },
    )?;
    Ok(out)
}

/// A source of stored blocks: hands each to the visitor it is given.
pub type Replay<'a, E> = dyn FnMut(&mut dyn FnMut(&Results)) -> Result<(), E> + 'a;

/// Makes the sketched outcome quantiles of `total` exact, as
/// `engine::refine` does for a single run, from the values the blocks hold
/// rather than from runs run again. `replay` hands every block that was
/// merged into `total` (in any order) to its argument, once per pass; its
/// error stops the refinement.
pub fn refine_from_blocks<E>(total: &mut Results, replay: &mut Replay<'_, E>) -> Result<(), E> {
    let mut plan = Refinements::new(total);
    while plan.is_open() {
        plan.begin_pass(super::refine_allowance(plan.open_windows()));
        replay(&mut |block: &Results| {
            let mut probes = plan.probes();
            for (o, acc) in block.outcomes.iter().enumerate() {
                if let OutcomeAcc::Number { quantiles, .. } = acc
                    && let Some(slices) = quantiles.exact_values()
                {
                    slices.for_each(|values| probes.add_outcome(o, values));
                }
            }
            plan.absorb(probes);
        })?;
        plan.end_pass();
    }
    plan.finish(total);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BLOCK_CHUNKS, CHUNK_RUNS};

    #[test]
    fn shards_cover_every_block_once_in_order() {
        for runs in [1, 1000, 16_384, 16_385, 100_000, 1_000_000, 12_345_678] {
            let blocks = block_count(runs);
            for shards in 1..=20 {
                let mut next = 0;
                for k in 1..=shards {
                    let range = shard_blocks(runs, k, shards);
                    assert_eq!(range.start, next, "runs {runs}, shard {k}/{shards}");
                    assert!(range.end >= range.start);
                    assert!(range.end - range.start <= blocks.div_ceil(shards));
                    next = range.end;
                }
                assert_eq!(next, blocks, "runs {runs}, {shards} shards");
            }
        }
    }

    #[test]
    fn a_block_is_sixteen_chunks_and_the_last_may_be_short() {
        let runs = 3 * BLOCK_CHUNKS * CHUNK_RUNS + 500;
        assert_eq!(block_count(runs), 4);
        assert_eq!(super::super::block_chunks(3, runs), 48..49);
        assert_eq!(super::super::block_chunks(0, runs), 0..16);
    }
}
