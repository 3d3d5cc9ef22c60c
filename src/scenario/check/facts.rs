//! What can be known of an expression without running it: its value when it is constant,
//! and whether it is a yes/no.

use super::*;
use crate::expr::ast::BinOp;
use crate::expr::builtins::{Func, Memory};

/// The value of an expression with no variables and no draws.
pub fn const_value(e: &MExpr) -> Option<f64> {
    const_value_with(e, &|_| None)
}

/// The value of an expression whose variables all have known values (`env`).
pub fn const_value_with(e: &MExpr, env: &dyn Fn(VarId) -> Option<f64>) -> Option<f64> {
    let const_value = |e: &MExpr| const_value_with(e, env);
    match e {
        MExpr::Const(v) => Some(*v),
        MExpr::Unary(UnOp::Neg, a) => const_value(a).map(|v| -v),
        MExpr::Unary(UnOp::Not, a) => {
            const_value(a).map(|v| f64::from(!crate::expr::ast::truthy(v)))
        }
        MExpr::Binary(op, a, b) => Some(op.apply(const_value(a)?, const_value(b)?)),
        MExpr::If(c, a, b) => {
            if crate::expr::ast::truthy(const_value(c)?) {
                const_value(a)
            } else {
                const_value(b)
            }
        }
        MExpr::Call(f, args) => {
            let values: Option<Vec<f64>> = args.iter().map(const_value).collect();
            Some(f.apply(&values?))
        }
        MExpr::Var(v) => env(*v),
        MExpr::Lookup(table, x) => const_value(x).map(|x| table.at(x)),
        MExpr::Time
        | MExpr::Random { .. }
        | MExpr::Resample(_)
        | MExpr::Agg { .. }
        | MExpr::Memory { .. } => None,
    }
}

/// True when an expression is a yes/no (its value is always 0 or 1).
pub fn is_logical(e: &MExpr, vars: &[Var]) -> bool {
    match e {
        MExpr::Binary(op, ..) => op.is_logical(),
        MExpr::Unary(UnOp::Not, _) => true,
        MExpr::Agg { agg: Agg::Ever, .. } => true,
        MExpr::Random { kind, .. } => *kind == DistKind::Bernoulli,
        MExpr::If(_, a, b) => is_logical(a, vars) && is_logical(b, vars),
        MExpr::Var(v) => matches!(
            vars.get(v.0 as usize).map(|v| &v.kind),
            Some(VarKind::Event {
                mode: EventMode::Once | EventMode::Repeat,
                ..
            })
        ),
        _ => false,
    }
}

/// What an outcome expression is when its type alone shows it can take
/// values other than 0 and 1 (a count, a step number, a sum or mean, a
/// constant other than 0 or 1), with the comparison that would make a
/// yes/no of it; `None` when it is or may be a yes/no. Expressions whose
/// range depends on values (`max(tension)`, `a * b`) are not judged here.
pub fn never_yes_no(e: &MExpr) -> Option<(&'static str, &'static str)> {
    match e {
        MExpr::Agg { agg, .. } => match agg {
            Agg::Count => Some(("a count", ">= 1")),
            Agg::First => Some(("a step number", "<= 12")),
            Agg::Sum => Some(("a sum over steps", ">= 1")),
            Agg::Mean => Some(("a mean over steps", "> 0.5")),
            _ => None,
        },
        MExpr::Const(v) if *v != 0.0 && *v != 1.0 => {
            Some(("a constant other than 0 or 1", "> 0.5"))
        }
        MExpr::Time => Some(("the step number", ">= 1")),
        _ => None,
    }
}

/// True when an expression is always 0 or 1, given which variables are
/// (`known`): a comparison, `not`, `and`/`or`, an event that happens at most
/// once a step, a constant 0 or 1, a product of yes/nos, `1 - x`, `min` or
/// `max` of yes/nos, an `if` whose branches are yes/nos, or the previous
/// value of one. Read by the charts, which draw a yes/no state as its
/// chance over time rather than as a spread.
pub fn is_yes_no_with(e: &MExpr, vars: &[Var], known: &dyn Fn(VarId) -> bool) -> bool {
    let yes_no = |e: &MExpr| is_yes_no_with(e, vars, known);
    match e {
        MExpr::Const(v) => *v == 0.0 || *v == 1.0,
        MExpr::Binary(BinOp::Mul, a, b) => yes_no(a) && yes_no(b),
        MExpr::Binary(BinOp::Sub, a, b) => matches!(**a, MExpr::Const(1.0)) && yes_no(b),
        MExpr::Call(Func::Min | Func::Max, args) => args.iter().all(yes_no),
        MExpr::If(_, a, b) => yes_no(a) && yes_no(b),
        MExpr::Var(v) => known(*v) || is_logical(e, vars),
        MExpr::Memory {
            kind: Memory::Prev | Memory::DelayFixed,
            input,
            init,
            ..
        } => yes_no(input) && init.as_deref().is_none_or(yes_no),
        // An outcome's view of a yes/no over the steps: its value at a
        // step, its largest or its smallest.
        MExpr::Agg {
            agg: Agg::At | Agg::Max | Agg::Min,
            arg,
            ..
        } => yes_no(arg),
        _ => is_logical(e, vars),
    }
}

/// The state and derived variables among `candidates` that are always 0 or
/// 1: the largest set whose every expression (a state's start and update, a
/// derived variable's formula, every intervention's value on it) is a
/// yes/no when the set's members are. A state that stays 0 or 1 if it was
/// so before is one, by induction over the steps.
pub fn yes_no_vars(
    vars: &[Var],
    interventions: &[Intervention],
    candidates: &[VarId],
) -> Vec<VarId> {
    let mut set: Vec<VarId> = candidates.to_vec();
    loop {
        let known = |v: VarId| set.contains(&v);
        let kept: Vec<VarId> = set
            .iter()
            .copied()
            .filter(|&v| {
                let own = match &vars[v.0 as usize].kind {
                    VarKind::State { init, update, .. } => {
                        is_yes_no_with(init, vars, &known) && is_yes_no_with(update, vars, &known)
                    }
                    VarKind::Derived { expr } => is_yes_no_with(expr, vars, &known),
                    _ => false,
                };
                own && interventions
                    .iter()
                    .filter(|i| i.var == v)
                    .all(|i| is_yes_no_with(&i.value, vars, &known))
            })
            .collect();
        if kept.len() == set.len() {
            return kept;
        }
        set = kept;
    }
}
