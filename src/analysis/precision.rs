//! The stop rule of `run --precision`: how many runs are enough.
//!
//! A target precision p asks that every reported outcome's 95% interval be
//! narrow enough: for a probability (and each category's share) a
//! half-width of at most p, absolute; for a number, a half-width of its
//! mean's interval of at most p times the mean's size, relative. A number
//! that has no value in any run has no mean to make precise and is left
//! out.
//!
//! The runs grow in rounds. A round simulates runs 0..N from scratch and
//! summarises them; if some outcome misses the target, the next N is what
//! the widest miss needs at the rate 1/sqrt(N) (its half-width over its
//! goal, squared, times N, with 5% to spare), at least half as many runs
//! again (so the rounds are few), rounded up to whole chunks of
//! [`CHUNK_RUNS`], and at most the cap. Every decision is made from the
//! complete results of runs 0..N, which are the same bits on any number of
//! threads, and the result is exactly that of `--runs N` for the N it
//! stopped at.

use crate::engine::CHUNK_RUNS;
use crate::summary::{Miss, Summary};

/// The outcomes of `summary` that miss `target`.
pub fn misses(summary: &Summary, target: f64) -> Vec<Miss> {
    let mut out = Vec::new();
    for o in &summary.outcomes {
        let mut check = |name: String, half_width: f64, goal: f64| {
            if half_width > goal {
                out.push(Miss {
                    outcome: name,
                    half_width,
                    goal,
                });
            }
        };
        if let Some(e) = o.probability {
            check(o.name.clone(), (e.hi - e.p).max(e.p - e.lo), target);
        }
        for (category, e) in &o.categories {
            check(
                format!("{} = {category}", o.name),
                (e.hi - e.p).max(e.p - e.lo),
                target,
            );
        }
        if let Some(n) = &o.number
            && n.n > 0
        {
            let half_width = match n.mean_interval {
                Some([lo, hi]) => (hi - n.mean).max(n.mean - lo),
                None => crate::stats::z_for_level(crate::summary::LEVEL) * n.mcse,
            };
            check(o.name.clone(), half_width, target * n.mean.abs());
        }
    }
    out
}

/// The runs of the next round after `runs` missed as `misses` say, at most
/// `max_runs`.
pub fn next_runs(runs: u64, misses: &[Miss], max_runs: u64) -> u64 {
    let ratio = misses
        .iter()
        .map(|m| {
            if m.goal > 0.0 {
                m.half_width / m.goal
            } else {
                f64::INFINITY
            }
        })
        .fold(1.0, f64::max);
    let wanted = (runs as f64 * ratio * ratio * 1.05).min(max_runs as f64) as u64;
    let wanted = wanted.max(runs + runs.div_ceil(2));
    wanted
        .div_ceil(CHUNK_RUNS)
        .saturating_mul(CHUNK_RUNS)
        .min(max_runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn miss(half_width: f64, goal: f64) -> Miss {
        Miss {
            outcome: "x".into(),
            half_width,
            goal,
        }
    }

    #[test]
    fn the_next_round_is_what_the_widest_miss_needs_in_whole_chunks() {
        // Twice too wide: four times the runs, 5% to spare, whole chunks.
        assert_eq!(next_runs(10_000, &[miss(0.01, 0.005)], 1_000_000), 43_008);
        // Barely too wide: at least half as many runs again.
        assert_eq!(next_runs(10_000, &[miss(0.0051, 0.005)], 1_000_000), 15_360);
        // Never past the cap; a goal of zero asks for the cap.
        assert_eq!(next_runs(10_000, &[miss(0.1, 0.001)], 50_000), 50_000);
        assert_eq!(next_runs(10_000, &[miss(0.1, 0.0)], 60_000), 60_000);
    }
}
