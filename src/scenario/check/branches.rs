//! Events with several exclusive outcomes (`[events.talks] outcomes = { deal = "0.1",
//! breakdown = "0.05" }`): one random number a step decides among them, each outcome is
//! a yes/no event, and the event itself is the category of what happened.

use super::*;
use crate::expr::BinOp;
use crate::expr::builtins::Memory;

impl Checker {
    /// Build the outcomes' events and the event's category variable.
    pub(super) fn branches(
        &mut self,
        name: &Sp<String>,
        e: &super::super::raw::RawEvent,
        branches: &super::super::raw::RawBranches,
        vars: &mut [Option<Var>],
    ) {
        if let Some(extra) = e.p.as_ref().or(e.rate.as_ref()) {
            self.diags.push(
                Diagnostic::new(
                    extra.span,
                    format!("event `{}` has `outcomes`, so it takes no `p` or `rate`", name.value),
                )
                .help("each outcome has its chance in `outcomes`; the chance that none happens is what is left"),
            );
            return;
        }
        if branches.value.len() < 2 {
            self.diags.push(
                Diagnostic::new(
                    branches.span,
                    format!("event `{}` needs at least two outcomes", name.value),
                )
                .help("for a single yes/no outcome, write `p = ...` instead of `outcomes`"),
            );
            return;
        }
        let once = e.once.as_ref().is_some_and(|o| o.value);
        let mut chances = Vec::new();
        for (branch, text) in &branches.value {
            chances.push(self.expression(text, Ctx::Step, &branch.value));
        }
        let Some(chances) = chances.into_iter().collect::<Option<Vec<MExpr>>>() else {
            return;
        };
        let constants: Option<Vec<f64>> = chances.iter().map(const_value).collect();
        if let Some(values) = &constants {
            for ((branch, text), &v) in branches.value.iter().zip(values) {
                if !(0.0..=1.0).contains(&v) {
                    self.diags.push(
                        Diagnostic::new(
                            text.span,
                            format!(
                                "outcome `{}` of `{}` has probability {v}, which is not in [0, 1]",
                                branch.value, name.value
                            ),
                        )
                        .help("a probability per step is between 0 and 1, e.g. 0.05"),
                    );
                    return;
                }
            }
            let total: f64 = values.iter().sum();
            if total > 1.0 {
                self.diags.push(
                    Diagnostic::new(branches.span, format!("the outcomes of `{}` have chances adding up to {total}, more than 1", name.value))
                        .help("the outcomes exclude each other, so their chances add up to at most 1; what is left is the chance that none happens"),
                );
                return;
            }
        }
        let ids: Vec<VarId> = branches
            .value
            .iter()
            .map(|(b, _)| self.names[&b.value])
            .collect();
        // Once one outcome has happened, the event is over: no outcome can
        // happen after it (and the one that did stays 1).
        let ended = once.then(|| {
            ids.iter()
                .map(|&id| {
                    let call = MExpr::Memory {
                        kind: Memory::Prev,
                        input: Box::new(MExpr::Var(id)),
                        time: None,
                        init: None,
                        lag: 1,
                        id: self.memories,
                    };
                    self.memories += 1;
                    call
                })
                .reduce(|a, b| MExpr::Binary(BinOp::Or, Box::new(a), Box::new(b)))
        });
        let mut lower = MExpr::Const(0.0);
        let mut category: Option<MExpr> = None;
        for (i, (((branch, text), chance), &id)) in
            branches.value.iter().zip(chances).zip(&ids).enumerate()
        {
            let effective = match ended.clone().flatten() {
                Some(ended) => MExpr::If(
                    Box::new(ended),
                    Box::new(MExpr::Const(0.0)),
                    Box::new(chance.clone()),
                ),
                None => chance.clone(),
            };
            let mode = if once {
                EventMode::Once
            } else {
                EventMode::Repeat
            };
            let kind = VarKind::Event {
                mode,
                chance: effective,
                branch: Some(Branch {
                    group: name.value.clone(),
                    lower: lower.clone(),
                }),
            };
            vars[id.0 as usize] = Some(self.var(branch, kind, &e.doc, text.text.clone()));
            lower = MExpr::Binary(BinOp::Add, Box::new(lower), Box::new(chance));
            let term = MExpr::Binary(
                BinOp::Mul,
                Box::new(MExpr::Const((i + 1) as f64)),
                Box::new(MExpr::Var(id)),
            );
            category = Some(match category {
                Some(c) => MExpr::Binary(BinOp::Add, Box::new(c), Box::new(term)),
                None => term,
            });
        }
        let group = self.names[&name.value];
        let names = self.categories.get(&group).cloned().unwrap_or_default();
        let text = format!(
            "which outcome ({})",
            names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{i} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(expr) = category {
            vars[group.0 as usize] = Some(self.var(name, VarKind::Derived { expr }, &e.doc, text));
        }
    }
}
