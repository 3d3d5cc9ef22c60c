//! `[outcomes]`: each expression resolved with the aggregates, and its kind (probability,
//! number or category) declared or inferred.

use super::*;

impl Checker {
    pub(super) fn outcomes(&mut self, raw: &RawScenario) -> Vec<Outcome> {
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
                        if self.is_logical_here(&expr, raw) {
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

    /// Whether an outcome is a yes/no, judged before the vars are built.
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
