//! `[outcomes]`: each expression resolved with the aggregates, and its kind (probability,
//! number or category) declared or inferred.

use super::*;

impl Checker {
    /// The outcomes; `vars` (the variables checked so far) and the
    /// interventions say which states and derived variables are yes/nos, so
    /// an outcome that reads one (`trade_open`, `at(trade_open, 12)`) is a
    /// probability unless declared otherwise.
    pub(super) fn outcomes(
        &mut self,
        raw: &RawScenario,
        vars: &[Option<Var>],
        interventions: &[Intervention],
    ) -> Vec<Outcome> {
        let yes_no = YesNo::of(vars, interventions);
        let mut out = Vec::new();
        for (name, o) in &raw.outcomes {
            let Some(text) = &o.expr else {
                self.missing(name, "outcome", "expr", "expr = \"ever(repeal)\"");
                continue;
            };
            let Some(expr) = self.expression(text, Ctx::Outcome, &name.value) else {
                continue;
            };
            let kind = match o.kind.as_ref().map(|k| (k.value.as_str(), k.span)) {
                None => match &o.categories {
                    Some(_) => self.categories(name, o.categories.as_ref()),
                    None if self.category_names(&expr).is_some() => {
                        OutcomeKind::Category(self.category_names(&expr).unwrap_or_default())
                    }
                    None => {
                        if self.is_logical_here(&expr, raw) || yes_no.holds(&expr) {
                            OutcomeKind::Probability
                        } else {
                            OutcomeKind::Number
                        }
                    }
                },
                Some(("probability", _)) => {
                    if let Some((what, condition)) = never_yes_no(&expr) {
                        self.diags.push(
                            Diagnostic::new(
                                text.span_of(0..text.text.len()),
                                format!(
                                    "outcome `{}` is declared kind = \"probability\" but its expression is {what}, not a yes/no",
                                    name.value
                                ),
                            )
                            .help(format!(
                                "a probability outcome is 0 or 1 in every run: write a condition such as `{} {condition}`, or declare kind = \"number\"",
                                text.text.trim()
                            )),
                        );
                        continue;
                    }
                    OutcomeKind::Probability
                }
                Some(("number", _)) => OutcomeKind::Number,
                Some(("category", _)) => match (&o.categories, self.category_names(&expr)) {
                    (None, Some(names)) => OutcomeKind::Category(names),
                    _ => self.categories(name, o.categories.as_ref()),
                },
                Some((other, span)) => {
                    let mut d = Diagnostic::new(span, format!("unknown outcome kind `{other}`"));
                    d = match did_you_mean(other, ["probability", "number", "category"]) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("kind is one of: probability, number, category"),
                    };
                    self.diags.push(d);
                    continue;
                }
            };
            let mut reads_first = false;
            expr.walk(&mut |e| {
                reads_first |= matches!(
                    e,
                    MExpr::Agg {
                        agg: Agg::First,
                        ..
                    }
                )
            });
            let may_be_none = reads_first || o.may_be_none.as_ref().is_some_and(|b| b.value);
            out.push(Outcome {
                name: name.value.clone(),
                kind,
                may_be_none,
                expr,
                doc: to_doc(&o.doc),
                span: name.span,
            });
        }
        out
    }

    /// Whether an outcome is a yes/no, judged from the raw events.
    pub(super) fn is_logical_here(&self, e: &MExpr, raw: &RawScenario) -> bool {
        match e {
            MExpr::Var(v) => {
                let name = &self.vars[v.0 as usize].0;
                raw.events
                    .iter()
                    .any(|(n, ev)| &n.value == name && ev.rate.is_none())
            }
            MExpr::If(_, a, b) => self.is_logical_here(a, raw) && self.is_logical_here(b, raw),
            other => is_logical(other, &[]),
        }
    }

    pub(super) fn categories(
        &mut self,
        name: &Sp<String>,
        cats: Option<&Sp<Vec<String>>>,
    ) -> OutcomeKind {
        match cats {
            Some(c) if c.value.len() >= 2 => OutcomeKind::Category(c.value.clone()),
            Some(c) => {
                self.diags.push(
                    Diagnostic::new(
                        c.span,
                        format!("outcome `{}` needs at least two categories", name.value),
                    )
                    .help("e.g. categories = [\"deal\", \"open\", \"breakdown\"]"),
                );
                OutcomeKind::Number
            }
            None => {
                self.diags.push(
                    Diagnostic::new(name.span, format!("category outcome `{}` has no `categories`", name.value))
                        .help("add categories = [\"deal\", \"open\", \"breakdown\"]; the expression gives 0 for the first, 1 for the second..."),
                );
                OutcomeKind::Number
            }
        }
    }
}

/// The yes/no states and derived variables of a model being checked.
struct YesNo {
    /// Every variable, when all of them checked (otherwise nothing is
    /// inferred: the scenario is reported as wrong anyway).
    vars: Vec<Var>,
    set: Vec<VarId>,
}

impl YesNo {
    fn of(vars: &[Option<Var>], interventions: &[Intervention]) -> YesNo {
        let Some(vars) = vars.iter().cloned().collect::<Option<Vec<Var>>>() else {
            return YesNo {
                vars: Vec::new(),
                set: Vec::new(),
            };
        };
        let candidates: Vec<VarId> = (0..vars.len())
            .filter(|&i| {
                matches!(
                    vars[i].kind,
                    VarKind::State { .. } | VarKind::Derived { .. }
                )
            })
            .map(|i| VarId(i as u32))
            .collect();
        let set = yes_no_vars(&vars, interventions, &candidates);
        YesNo { vars, set }
    }

    /// Whether an outcome's expression is 0 or 1 in every run.
    fn holds(&self, e: &MExpr) -> bool {
        !self.vars.is_empty() && is_yes_no_with(e, &self.vars, &|v| self.set.contains(&v))
    }
}
