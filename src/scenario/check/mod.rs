//! Raw scenario -> checked [`Model`]: names resolved, expressions parsed and
//! type-checked, distributions validated, evaluation order fixed.
//!
//! Every check runs and every problem becomes a diagnostic; the model is
//! returned only when there are none.

use std::collections::HashMap;

use super::model::*;
use super::raw::{ExprText, RawDoc, RawPoints, RawScenario, RawSeries, Sp, StepRef};
use crate::diag::{Diagnostic, Span, did_you_mean};
use crate::dist::{Dist, DistKind};
use crate::expr::builtins::{self, Agg, Builtin};
use crate::expr::{self, ExprKind, UnOp};

mod branches;
mod categories;
mod charts;
mod correlations;
mod dates;
mod dimensions;
mod facts;
mod inputs;
mod interventions;
mod lookups;
mod memory;
mod mixture;
mod names;
mod order;
mod outcomes;
mod resolve;
mod series;
mod settings;
#[cfg(test)]
mod tests;
mod variables;

pub use facts::{
    const_value, const_value_with, is_logical, is_yes_no_with, never_yes_no, yes_no_vars,
};
pub use series::apply_series_flag;

/// Limits on the size of a scenario; beyond them a typo is likelier than intent.
pub const MAX_RUNS: i64 = 100_000_000;
pub const MAX_STEPS: i64 = 10_000;
pub const DEFAULT_RUNS: u64 = 10_000;
pub const DEFAULT_SEED: u64 = 1;

/// Where an expression sits decides which names it may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    /// A parameter's definition: other parameters only.
    Param,
    /// A state's initial value: parameters only.
    Init,
    /// Inside a step: everything but aggregates.
    Step,
    /// An intervention's value: parameters, states (last step's values) and `t`.
    Intervention,
    /// An outcome: everything, aggregates included.
    Outcome,
    /// The argument of an aggregate: per-step values, no nested aggregates.
    AggArg,
    /// A delay's time or initial value: fixed for the run, parameters only.
    Fixed,
}

pub struct Input {
    pub raw: RawScenario,
    /// The data files of `[inputs]`, as read through the scenario's store.
    pub data: Vec<crate::scenario::data::DataFile>,
    /// Used when the file has no `[scenario] name`.
    pub default_name: String,
    pub path: String,
    pub hash: String,
    /// The draws of parameters with `sample = { file, column }`, by
    /// parameter name (their files are read by the loader).
    pub samples: HashMap<String, Resample>,
    /// Problems met reading those files (a parameter among them has no
    /// definition).
    pub sample_problems: Vec<Diagnostic>,
}

pub fn check(input: Input) -> Result<Model, Vec<Diagnostic>> {
    check_all(input).map_err(dimensions::once_each)
}

fn check_all(input: Input) -> Result<Model, Vec<Diagnostic>> {
    let mut c = Checker {
        diags: Vec::new(),
        names: HashMap::new(),
        vars: Vec::new(),
        steps: 1,
        tables: Vec::new(),
        table_names: HashMap::new(),
        memories: 0,
        time: TimeAxis::plain("step"),
        arrays: dimensions::Arrays::default(),
        categories: HashMap::new(),
        owner_categories: HashMap::new(),
    };
    c.diags.extend(input.sample_problems);
    let raw = input.raw;
    let info = c.info(&raw, input.default_name, input.path, input.hash);
    c.steps = info.steps;
    c.time = info.time.clone();
    let raw = c.explode(raw);
    c.declare(&raw);
    c.check_array_names(&raw);
    let inputs = c.read_inputs(&raw, &input.data);
    c.lookups(&raw);
    let mut vars: Vec<Option<Var>> = vec![None; c.vars.len()];

    c.parameters(&raw, &input.samples, &mut vars);
    c.states(&raw, &mut vars);
    c.derived(&raw, &mut vars);
    c.events(&raw, &mut vars);
    let (input_ids, member_ids) = c.place_inputs(inputs, &mut vars);

    let interventions = c.interventions(&raw);
    let outcomes = c.outcomes(&raw, &vars, &interventions);
    let charts = c.charts(&raw);
    let series = c.kept_series(&raw, &charts);

    if !c.diags.is_empty() {
        return Err(c.diags);
    }
    let lookups = c
        .tables
        .iter()
        .zip(&raw.lookups)
        .filter_map(|(t, (_, l))| Some((t.clone()?, to_doc(&l.doc))))
        .collect();
    let vars: Vec<Var> = vars.into_iter().flatten().collect();
    let copula = c.correlations(&raw, &vars);
    if !c.diags.is_empty() {
        return Err(c.diags);
    }
    let param_ids: Vec<VarId> = raw
        .parameters
        .iter()
        .map(|(n, _)| c.names[&n.value])
        .chain(member_ids)
        .collect();
    let states: Vec<VarId> = raw.state.iter().map(|(n, _)| c.names[&n.value]).collect();
    let step_ids: Vec<VarId> = input_ids
        .into_iter()
        .chain(
            raw.derived
                .iter()
                .map(|(n, _)| n)
                .chain(raw.events.iter().flat_map(|(n, e)| {
                    let branches = e
                        .outcomes
                        .iter()
                        .flat_map(|b| b.value.iter().map(|(n, _)| n));
                    std::iter::once(n).chain(branches)
                }))
                .map(|n| c.names[&n.value]),
        )
        .collect();
    let params = c.order(&vars, &param_ids, |k| match k {
        VarKind::Param { def, .. } => def.vars(),
        _ => Vec::new(),
    });
    let step_order = c.order(&vars, &step_ids, |k| match k {
        VarKind::Derived { expr } => expr.vars_now(),
        VarKind::Event { chance, branch, .. } => {
            let mut now = chance.vars_now();
            if let Some(b) = branch {
                now.extend(b.lower.vars_now());
            }
            now
        }
        _ => Vec::new(),
    });
    if !c.diags.is_empty() {
        return Err(c.diags);
    }
    Ok(Model {
        info,
        vars,
        params,
        states,
        step_order,
        outcomes,
        interventions,
        copula,
        lookups,
        charts,
        series,
        categories: c.category_list(),
    })
}

/// Resolve an extra expression against a checked model, with the names and
/// aggregates an outcome may use (for `--given` and `--outcome` expressions).
/// `file` is the synthetic source holding `text` (e.g. "--given").
pub fn resolve_extra(
    model: &Model,
    file: crate::diag::FileId,
    text: &str,
    owner: &str,
) -> Result<MExpr, Vec<Diagnostic>> {
    let mut c = Checker {
        diags: Vec::new(),
        names: model
            .vars
            .iter()
            .enumerate()
            .map(|(i, v)| (v.name.clone(), VarId(i as u32)))
            .collect(),
        vars: model
            .vars
            .iter()
            .map(|v| (v.name.clone(), v.kind.word(), v.span))
            .collect(),
        steps: model.info.steps,
        tables: model.lookups.iter().map(|(t, _)| Some(t.clone())).collect(),
        table_names: model
            .lookups
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (t.name.clone(), i))
            .collect(),
        memories: 0,
        time: model.info.time.clone(),
        arrays: dimensions::Arrays::default(),
        categories: model.categories.iter().cloned().collect(),
        owner_categories: HashMap::new(),
    };
    // Outcomes can be named too: numbered after the variables, they are read
    // from their values at the end of the run (`engine::compile`).
    for o in &model.outcomes {
        if !c.names.contains_key(&o.name) {
            let id = VarId(c.vars.len() as u32);
            c.names.insert(o.name.clone(), id);
            c.vars.push((o.name.clone(), "outcome", o.span));
        }
    }
    let expr = ExprText {
        text: text.to_string(),
        span: Span::new(file, 0, text.len()),
        base: Some(0),
    };
    match c.expression(&expr, Ctx::Outcome, owner) {
        Some(e) if c.diags.is_empty() => Ok(e),
        _ => Err(c.diags),
    }
}

struct Checker {
    diags: Vec<Diagnostic>,
    names: HashMap<String, VarId>,
    /// (name, kind word, span) of every declared variable, by id.
    vars: Vec<(String, &'static str, Span)>,
    steps: u32,
    /// `[lookups]` by index (`None` for a table with a reported problem),
    /// and their names.
    tables: Vec<Option<Table>>,
    table_names: HashMap<String, usize>,
    /// Calls of functions with memory so far (their ids).
    memories: u32,
    /// The calendar, for dates given instead of step numbers.
    time: TimeAxis,
    /// Dimensions, arrays and constants (`dimensions.rs`).
    arrays: dimensions::Arrays,
    /// The category names of each categorical variable (an event with
    /// exclusive outcomes): value 0 is the first name, 1 the next, ...
    categories: HashMap<VarId, Vec<String>>,
    /// The category names of categorical states and of category outcomes,
    /// by name: their own expressions may give a value by its name.
    owner_categories: HashMap<String, Vec<String>>,
}

fn to_doc(doc: &RawDoc) -> Doc {
    Doc {
        doc: doc.doc.as_ref().map_or(String::new(), |d| d.value.clone()),
        source: doc.source.as_ref().map_or(Vec::new(), |s| s.value.clone()),
        unit: doc.unit.as_ref().map_or(String::new(), |u| u.value.clone()),
        label: doc
            .label
            .as_ref()
            .map_or(String::new(), |l| l.value.clone()),
    }
}

/// "a" or "an" before a word.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
