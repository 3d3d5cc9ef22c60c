//! The stop rule of `--precision` (run, compare, sweep): how many runs are
//! enough.
//!
//! A target precision p asks that every reported outcome's 95% interval be
//! narrow enough: for a probability (and each category's share) a
//! half-width of at most p, absolute; for a number, a half-width of its
//! mean's interval of at most p times the mean's size, relative. A number
//! that has no value in any run has no mean to make precise and is left
//! out. `--precision-for` restricts the rule to the outcomes it names.
//! `compare` holds its paired differences to the target, `sweep` every
//! outcome at every grid point ([`comparison_misses`], [`sweep_misses`]).
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

use super::compare::Comparison;
use super::sweep::{Axis, Point};
use crate::engine::CHUNK_RUNS;
use crate::scenario::Model;
use crate::summary::{LEVEL, Miss, PrecisionRecord, Summary};

/// A stop rule: the target, the cap on runs, and the outcomes it watches
/// (every reported outcome when empty).
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub target: f64,
    pub max_runs: u64,
    pub outcomes: Vec<String>,
}

impl Rule {
    /// Whether the rule watches outcome `name`.
    pub fn watches(&self, name: &str) -> bool {
        self.outcomes.is_empty() || self.outcomes.iter().any(|o| o == name)
    }

    /// Check that every outcome the rule names is one of `model`'s, with a
    /// "did you mean" for a misspelt one.
    pub fn check_names(&self, model: &Model) -> Result<(), String> {
        for name in &self.outcomes {
            super::find_outcome(model, name).map_err(|e| format!("--precision-for: {e}"))?;
        }
        Ok(())
    }
}

/// The half-width of an interval around `estimate`: its larger side.
fn half_width(estimate: f64, lo: f64, hi: f64) -> f64 {
    (hi - estimate).max(estimate - lo)
}

/// Push a miss when `half_width` is wider than `goal`.
fn check(out: &mut Vec<Miss>, outcome: String, half_width: f64, goal: f64) {
    if half_width > goal {
        out.push(Miss {
            outcome,
            half_width,
            goal,
        });
    }
}

/// The outcomes of `summary` that miss the rule's target.
pub fn misses(summary: &Summary, rule: &Rule) -> Vec<Miss> {
    let target = rule.target;
    let mut out = Vec::new();
    for o in summary.outcomes.iter().filter(|o| rule.watches(&o.name)) {
        if let Some(e) = o.probability {
            check(
                &mut out,
                o.name.clone(),
                half_width(e.p, e.lo, e.hi),
                target,
            );
        }
        for (category, e) in &o.categories {
            check(
                &mut out,
                format!("{} = {category}", o.name),
                half_width(e.p, e.lo, e.hi),
                target,
            );
        }
        if let Some(n) = &o.number
            && n.n > 0
        {
            let half_width = match n.mean_interval {
                Some([lo, hi]) => half_width(n.mean, lo, hi),
                None => crate::stats::z_for_level(LEVEL) * n.mcse,
            };
            check(&mut out, o.name.clone(), half_width, target * n.mean.abs());
        }
    }
    out
}

/// The paired differences of `comparison` that miss the rule's target: a
/// difference of probabilities (or of a category's shares) needs a 95%
/// half-width of at most the target, absolute; a difference of numbers at
/// most the target times the larger of the two scenarios' means, in size
/// (so a difference near zero, the usual case when a policy does little,
/// can still be made precise). A difference with no runs in both
/// scenarios has nothing to make precise and is left out.
pub fn comparison_misses(comparison: &Comparison, rule: &Rule) -> Vec<Miss> {
    let mut out = Vec::new();
    let mean_of = |scenario: usize, outcome: &str| {
        comparison
            .summaries
            .get(scenario)
            .and_then(|s| s.outcomes.iter().find(|o| o.name == outcome))
            .and_then(|o| o.number.as_ref())
            .filter(|n| n.n > 0)
            .map_or(0.0, |n| n.mean.abs())
    };
    for d in &comparison.differences {
        if d.pairs == 0 || !rule.watches(&d.outcome) {
            continue;
        }
        let scenario = comparison
            .summaries
            .get(d.scenario)
            .map_or(String::new(), |s| s.name.clone());
        let what = match &d.category {
            Some(c) => format!("{} = {c}", d.outcome),
            None => d.outcome.clone(),
        };
        let goal = if d.kind == "number" {
            rule.target * mean_of(0, &d.outcome).max(mean_of(d.scenario, &d.outcome))
        } else {
            rule.target
        };
        check(
            &mut out,
            format!("{what} ({scenario} - reference)"),
            half_width(d.diff, d.lo, d.hi),
            goal,
        );
    }
    out
}

/// The outcomes of every grid point of a sweep that miss the rule's
/// target, each named with its point (`deal at threat=0.5`).
pub fn sweep_misses(axes: &[Axis], points: &[Point], rule: &Rule) -> Vec<Miss> {
    let mut out = Vec::new();
    for p in points {
        let at: Vec<String> = axes
            .iter()
            .zip(&p.values)
            .map(|(a, v)| format!("{}={}", a.name, crate::format::as_typed(*v)))
            .collect();
        for mut m in misses(&p.summary, rule) {
            m.outcome = format!("{} at {}", m.outcome, at.join(", "));
            out.push(m);
        }
    }
    out
}

/// Run rounds of `first_runs`, then more, until `misses` finds nothing or
/// the cap is reached; `round(runs)` simulates runs 0..runs from scratch.
/// Returns the last round's result and the record of the rule.
pub fn until<T, E>(
    first_runs: u64,
    rule: &Rule,
    mut round: impl FnMut(u64) -> Result<T, E>,
    misses: impl Fn(&T) -> Vec<Miss>,
) -> Result<(T, u64, PrecisionRecord), E> {
    let mut runs = first_runs;
    let mut rounds = 0;
    loop {
        rounds += 1;
        let result = round(runs)?;
        let missed = misses(&result);
        if missed.is_empty() || runs >= rule.max_runs {
            let record = PrecisionRecord {
                target: rule.target,
                max_runs: rule.max_runs,
                rounds,
                met: missed.is_empty(),
                unmet: missed,
                outcomes: rule.outcomes.clone(),
            };
            return Ok((result, runs, record));
        }
        runs = next_runs(runs, &missed, rule.max_runs);
    }
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

    /// A round whose one outcome has the half-width 1/sqrt(runs), the
    /// Monte Carlo rate: a goal of 0.01 is met from 10,000 runs on.
    fn round(runs: u64) -> Result<f64, ()> {
        Ok(1.0 / (runs as f64).sqrt())
    }

    fn missed(half_width: &f64) -> Vec<Miss> {
        if *half_width > 0.01 {
            vec![miss(*half_width, 0.01)]
        } else {
            Vec::new()
        }
    }

    #[test]
    fn until_stops_at_the_first_round_that_meets_the_goal_or_at_the_cap() {
        let rule = |max_runs| Rule {
            target: 0.01,
            max_runs,
            outcomes: vec!["x".into()],
        };
        // 1000 runs: half-width 0.0316, (3.16)^2 * 1.05 * 1000 = 10,500
        // runs, in whole chunks 10,240 + 1024 = 11,264; met there.
        let (half_width, runs, record) = until(1000, &rule(1_000_000), round, missed).unwrap();
        assert_eq!(runs, 11_264);
        assert!(half_width <= 0.01);
        assert!(record.met && record.unmet.is_empty());
        assert_eq!(record.rounds, 2);
        assert_eq!(record.outcomes, vec!["x".to_string()]);
        // Capped below what it needs: it stops at the cap and says what missed.
        let (_, runs, record) = until(1000, &rule(5000), round, missed).unwrap();
        assert_eq!(runs, 5000);
        assert!(!record.met);
        assert_eq!(record.unmet.len(), 1);
        // Met in the first round: one round, the first round's runs.
        let (_, runs, record) = until(20_000, &rule(1_000_000), round, missed).unwrap();
        assert_eq!((runs, record.rounds, record.met), (20_000, 1, true));
    }

    #[test]
    fn a_rule_watches_every_outcome_or_only_those_it_names() {
        let mut rule = Rule {
            target: 0.01,
            max_runs: 10_000,
            outcomes: Vec::new(),
        };
        assert!(rule.watches("deal") && rule.watches("casualties"));
        rule.outcomes = vec!["deal".into()];
        assert!(rule.watches("deal") && !rule.watches("casualties"));
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
