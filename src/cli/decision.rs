//! The decision flags of `compare` (`--decide`, `--better`, `--satisfice`,
//! `--decide-sweep`), checked and run.

use clap::{Args, ValueEnum};

use super::{SimArgs, with_progress};
use crate::Error;
use crate::analysis::decision::{self, Better, Decision, Question};
use crate::analysis::find_outcome;
use crate::analysis::sweep::Axis;
use crate::engine::RunOptions;
use crate::scenario::{self, Model, OutcomeKind};

/// Which way an outcome is better (`--better`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BetterArg {
    /// More is better (revenue, trust, a chance of success)
    Higher,
    /// Less is better (casualties, cost, a chance of failure)
    Lower,
}

#[derive(Args, Debug, Clone, Default)]
pub struct DecideArgs {
    /// Decision view: score the scenarios as options on this outcome. In each run (the same
    /// draws for every scenario) the best scenario sets the mark, and each scenario's regret
    /// is its shortfall from it; reports mean, 90th-percentile and largest regret, and the
    /// share of runs each scenario is best in
    #[arg(long, value_name = "OUTCOME", help_heading = "Decision view")]
    pub decide: Option<String>,
    /// Whether a higher or a lower value of the --decide outcome is better
    #[arg(long, value_enum, value_name = "WAY", help_heading = "Decision view")]
    pub better: Option<BetterArg>,
    /// Also report the share of runs in which each scenario meets this condition
    /// (satisficing), e.g. --satisfice 'casualties < 50 and not ever(collapse)'; needs no --decide
    #[arg(long, value_name = "EXPR", help_heading = "Decision view")]
    pub satisfice: Option<String>,
    /// Score the scenarios again at each value of one parameter, fixed in every scenario,
    /// to see which wins where: NAME=LO..HI:STEPS (needs --decide)
    #[arg(long, value_name = "NAME=LO..HI:STEPS", help_heading = "Decision view")]
    pub decide_sweep: Option<String>,
}

impl DecideArgs {
    pub fn asked(&self) -> bool {
        self.decide.is_some()
            || self.better.is_some()
            || self.satisfice.is_some()
            || self.decide_sweep.is_some()
    }
}

/// Run the decision view when asked: `None` without its flags.
pub fn run(
    args: &DecideArgs,
    sim: &SimArgs,
    given: Option<&str>,
    models: &[Model],
    names: &[String],
    options: &RunOptions,
    quiet: bool,
) -> Result<Option<Decision>, Error> {
    if !args.asked() {
        return Ok(None);
    }
    if given.is_some() {
        return Err(Error::Usage(
            "the decision view (--decide, --satisfice) compares the scenarios over every run, so it cannot be combined with --given; drop --given, or write the condition into --satisfice".into(),
        ));
    }
    if sim
        .sampling
        .is_some_and(|s| s != super::SamplingArg::Random)
    {
        return Err(Error::Usage(
            "the decision view (--decide, --satisfice) reads each run's own random draws; leave out --sampling, or use --sampling random".into(),
        ));
    }
    if args.decide.is_none() && (args.better.is_some() || args.decide_sweep.is_some()) {
        return Err(Error::Usage(
            "--better and --decide-sweep go with --decide: name the outcome to decide on, e.g. --decide casualties --better lower".into(),
        ));
    }
    let (outcome, outcomes, better) = match &args.decide {
        Some(name) => {
            let Some(better) = args.better else {
                return Err(Error::Usage(format!(
                    "say which way `{name}` is better: add --better higher or --better lower"
                )));
            };
            let mut indices = Vec::new();
            for m in models {
                let o = find_outcome(m, name).map_err(Error::Usage)?;
                if matches!(m.outcomes[o].kind, OutcomeKind::Category(_)) {
                    return Err(Error::Usage(format!(
                        "`{name}` is a category outcome, which has no better or worse; decide on a number or a probability (write an outcome such as `{name} == 2` for one category)"
                    )));
                }
                indices.push(o);
            }
            let better = match better {
                BetterArg::Higher => Better::Higher,
                BetterArg::Lower => Better::Lower,
            };
            (name.clone(), indices, better)
        }
        // Satisficing alone: the first outcome stands in for regret.
        None => {
            let Some(first) = models[0].outcomes.first() else {
                return Err(Error::Usage(
                    "the scenarios have no outcome to score; add an [outcomes] entry".into(),
                ));
            };
            let name = first.name.clone();
            let indices = models
                .iter()
                .map(|m| find_outcome(m, &name))
                .collect::<Result<Vec<_>, _>>()
                .map_err(Error::Usage)?;
            (name, indices, Better::Higher)
        }
    };
    let satisfice = match &args.satisfice {
        Some(text) => {
            let exprs = models
                .iter()
                .map(|m| scenario::parse_extra(m, "--satisfice", text).map_err(Error::Scenario))
                .collect::<Result<Vec<_>, _>>()?;
            Some((text.as_str(), exprs))
        }
        None => None,
    };
    let axis = match &args.decide_sweep {
        Some(spec) => Some(Axis::parse(&models[0], spec).map_err(Error::Usage)?),
        None => None,
    };
    let question = Question {
        outcome: &outcome,
        outcomes,
        better,
        satisfice,
    };
    let sweep = axis
        .as_ref()
        .map(|a| (a.name.as_str(), a.values.as_slice()));
    let mut decision = with_progress(&models[0], quiet, |progress| {
        decision::decide(models, names, &question, sweep, options, progress)
    })
    .map_err(Error::from)?;
    if args.decide.is_none() {
        // Satisficing alone: no outcome was chosen, so there is no regret.
        decision.outcome.clear();
        decision.label.clear();
        for v in &mut decision.scores.variants {
            for x in [
                &mut v.mean,
                &mut v.mean_regret,
                &mut v.regret_mcse,
                &mut v.regret_lo,
                &mut v.regret_hi,
                &mut v.regret_p90,
                &mut v.max_regret,
                &mut v.best_share,
            ] {
                *x = f64::NAN;
            }
        }
    }
    Ok(Some(decision))
}
