//! What a compared scenario changes: the differences of its merged model
//! from the reference's, in words a reader can check against the files.
//!
//! A variant usually `extends` the reference and overrides a few
//! parameters, adds an intervention or rewrites an equation; the report
//! says which, from the models themselves (after every `extends` and
//! `--set` is applied), so it cannot disagree with what was run. Pure: two
//! models in, sentences out.

use crate::format;
use crate::scenario::{Intervention, MExpr, Model, Var, VarKind};

/// Each change of `variant` from `reference`, one sentence each, in the
/// order of the variant's file: parameters, equations (state, derived
/// variables, events), outcomes, then interventions and the horizon.
pub fn between(reference: &Model, variant: &Model) -> Vec<String> {
    let mut out = Vec::new();
    for var in &variant.vars {
        match reference.vars.iter().find(|v| v.name == var.name) {
            Some(before) if before.text != var.text || kind(before) != kind(var) => {
                out.push(changed(before, var));
            }
            Some(_) => {}
            None => out.push(format!(
                "adds the {} {} = {}",
                kind(var),
                var.title(),
                var.text
            )),
        }
    }
    for var in &reference.vars {
        if !variant.vars.iter().any(|v| v.name == var.name) {
            out.push(format!("drops the {} {}", kind(var), var.title()));
        }
    }
    for outcome in &variant.outcomes {
        match reference.outcomes.iter().find(|o| o.name == outcome.name) {
            Some(before) if before.expr != outcome.expr || before.kind != outcome.kind => {
                out.push(format!("redefines the outcome {}", outcome.title()));
            }
            Some(_) => {}
            None => out.push(format!("adds the outcome {}", outcome.title())),
        }
    }
    let key =
        |m: &Model, i: &Intervention| (m.var(i.var).name.clone(), i.from, i.to, i.value.clone());
    let before: Vec<_> = reference
        .interventions
        .iter()
        .map(|i| key(reference, i))
        .collect();
    let after: Vec<_> = variant
        .interventions
        .iter()
        .map(|i| key(variant, i))
        .collect();
    for (i, k) in variant.interventions.iter().zip(&after) {
        if !before.contains(k) {
            out.push(format!(
                "adds an intervention: {}",
                intervention(variant, i)
            ));
        }
    }
    for (i, k) in reference.interventions.iter().zip(&before) {
        if !after.contains(k) {
            out.push(format!(
                "drops the intervention: {}",
                intervention(reference, i)
            ));
        }
    }
    if reference.info.steps != variant.info.steps {
        out.push(format!(
            "runs {} instead of {}",
            format::quantity(
                variant.info.steps as f64,
                &format!("{}s", variant.info.time.unit)
            ),
            reference.info.steps
        ));
    }
    out
}

/// "It adds an intervention: ...; it sets the parameter ...", or "None: the
/// same model." when nothing differs.
pub fn listed(changes: &[String]) -> String {
    if changes.is_empty() {
        return "none: the same model.".to_string();
    }
    format!("it {}.", changes.join("; it "))
}

/// "The reference, with one change: it sets the parameter ... (was ...)":
/// the description of a variant that has none of its own.
pub fn described(changes: &[String]) -> String {
    match changes {
        [] => "The reference, unchanged: the same model.".to_string(),
        [one] => format!("The reference, with one change: it {one}."),
        many => format!(
            "The reference, with {} changes: it {}.",
            many.len(),
            many.join("; it ")
        ),
    }
}

fn kind(var: &Var) -> &'static str {
    match var.kind {
        VarKind::Param { .. } => "parameter",
        VarKind::State { .. } => "state",
        VarKind::Derived { .. } => "derived variable",
        VarKind::Event { .. } => "event",
    }
}

fn changed(before: &Var, after: &Var) -> String {
    let what = match after.kind {
        VarKind::Param { .. } => "sets the parameter",
        VarKind::State { .. } => "changes the state",
        VarKind::Derived { .. } => "changes the derived variable",
        VarKind::Event { .. } => "changes the event",
    };
    format!(
        "{what} {} to {} (was {})",
        after.title(),
        after.text,
        before.text
    )
}

/// "Insider attack set to 1 in step 3 (An IS operative attacks again.)".
fn intervention(model: &Model, i: &Intervention) -> String {
    let value = match &i.value {
        MExpr::Const(v) => format::number(*v),
        _ => "a formula".to_string(),
    };
    let time = &model.info.time;
    // A plain step number reads with its unit ("month 3"), a date alone.
    let step = |s: u32| {
        if time.label(1) == "1" {
            format!("{} {s}", time.unit)
        } else {
            time.label(s)
        }
    };
    let when = if i.from == i.to {
        format!("in {}", step(i.from))
    } else {
        format!("from {} to {}", step(i.from), step(i.to))
    };
    let mut text = format!("{} set to {value} {when}", model.var(i.var).title());
    if !i.doc.is_empty() {
        text.push_str(&format!(" ({})", i.doc.trim_end_matches('.')));
    }
    text
}
