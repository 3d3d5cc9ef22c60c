//! Categorical variables: an event with exclusive outcomes holds which one
//! happened (0 while none has, 1 for the first outcome, ...). Its values
//! have names: `otherwise` (or "none") for 0, then the outcomes' names, so
//! an expression may compare it with a name in quotes (`talks == "deal"`)
//! and an outcome that reports it is a category with those names. A state
//! may name its values too (`categories = ["deal", "open", "breakdown"]`),
//! and a categorical state's or a category outcome's own expressions may
//! give a value by its name (`init = "'open'"`).

use super::*;
use crate::expr::BinOp;
use crate::expr::builtins::Memory;

/// The name of value 0 when the event does not give one.
const NONE: &str = "none";

impl Checker {
    /// Name the values of every categorical state and event with
    /// exclusive outcomes; note those of category outcomes.
    pub(super) fn declare_categories(&mut self, raw: &RawScenario) {
        for (name, s) in &raw.state {
            let Some(cats) = &s.categories else { continue };
            if !self.good_categories(name, cats) {
                continue;
            }
            if let Some(&id) = self.names.get(&name.value) {
                self.categories.insert(id, cats.value.clone());
            }
            self.owner_categories
                .insert(name.value.clone(), cats.value.clone());
        }
        for (name, o) in &raw.outcomes {
            if let Some(cats) = &o.categories {
                self.owner_categories
                    .insert(name.value.clone(), cats.value.clone());
            }
        }
        for (name, e) in &raw.events {
            let Some(branches) = &e.outcomes else {
                if let Some(o) = &e.otherwise {
                    self.diags.push(
                        Diagnostic::new(o.span, format!("event `{}` has `otherwise` but no `outcomes`", name.value))
                            .help("`otherwise` names the category of an event with exclusive outcomes while none has happened, e.g. otherwise = \"open\""),
                    );
                }
                continue;
            };
            let zero = e.otherwise.as_ref().map_or(NONE, |o| o.value.as_str());
            let mut names = vec![zero.to_string()];
            names.extend(branches.value.iter().map(|(b, _)| b.value.clone()));
            if let Some(o) = &e.otherwise
                && branches.value.iter().any(|(b, _)| b.value == o.value)
            {
                self.diags.push(
                    Diagnostic::new(o.span, format!("`otherwise` of `{}` repeats the outcome `{}`", name.value, o.value))
                        .help("`otherwise` names the state while none of the outcomes has happened; give it a name of its own, e.g. \"open\""),
                );
            }
            if let Some(&id) = self.names.get(&name.value) {
                self.categories.insert(id, names);
            }
        }
    }

    /// At least two names, none repeated; reported otherwise.
    fn good_categories(&mut self, name: &Sp<String>, cats: &Sp<Vec<String>>) -> bool {
        let repeated = cats
            .value
            .iter()
            .enumerate()
            .find(|(i, c)| cats.value[..*i].contains(c));
        let problem = if cats.value.len() < 2 {
            Some(format!(
                "state `{}` needs at least two categories",
                name.value
            ))
        } else {
            repeated.map(|(_, c)| {
                format!(
                    "category \"{}\" of `{}` is named twice",
                    crate::diag::tidy(c),
                    name.value
                )
            })
        };
        match problem {
            Some(message) => {
                self.diags.push(
                    Diagnostic::new(cats.span, message)
                        .help("categories = [\"deal\", \"open\", \"breakdown\"] names the values 0, 1, 2 of the state"),
                );
                false
            }
            None => true,
        }
    }

    /// The value of a category name in the expressions of `owner`, a
    /// categorical state or a category outcome.
    pub(super) fn owner_category(&self, owner: &str, name: &str) -> Option<usize> {
        self.owner_categories
            .get(owner)?
            .iter()
            .position(|c| c == name)
    }

    /// The categorical variables, in the order of their ids.
    pub(super) fn category_list(&self) -> Vec<(VarId, Vec<String>)> {
        let mut list: Vec<(VarId, Vec<String>)> = self
            .categories
            .iter()
            .map(|(id, names)| (*id, names.clone()))
            .collect();
        list.sort_by_key(|(id, _)| *id);
        list
    }

    /// The categorical variable an expression reads as it is: the variable
    /// itself, its value some steps ago (`prev`), or at a step (`at`).
    fn categorical(&self, e: &MExpr) -> Option<VarId> {
        let id = match e {
            MExpr::Var(id) => *id,
            MExpr::Memory {
                kind: Memory::Prev,
                input,
                ..
            } => match **input {
                MExpr::Var(id) => id,
                _ => return None,
            },
            MExpr::Agg {
                agg: Agg::At, arg, ..
            } => match **arg {
                MExpr::Var(id) => id,
                _ => return None,
            },
            _ => return None,
        };
        self.categories.contains_key(&id).then_some(id)
    }

    /// The category names of an expression that reads a categorical
    /// variable as it is (for an outcome's kind).
    pub(super) fn category_names(&self, e: &MExpr) -> Option<Vec<String>> {
        self.categorical(e).map(|id| self.categories[&id].clone())
    }

    /// `talks == "deal"` (or `!=`, either way round): the name becomes the
    /// category's number.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn category_compare(
        &mut self,
        op: BinOp,
        a: &expr::Expr,
        b: &expr::Expr,
        span: Span,
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
        site: &mut u32,
    ) -> Option<MExpr> {
        let (value, name, text_first) = match (&a.kind, &b.kind) {
            (ExprKind::Text(n), _) if !matches!(b.kind, ExprKind::Text(_)) => (b, n, true),
            (_, ExprKind::Text(n)) if !matches!(a.kind, ExprKind::Text(_)) => (a, n, false),
            _ => {
                self.diags.push(
                    Diagnostic::new(span, format!("two texts compared in `{owner}`"))
                        .help("compare a categorical variable with one of its categories, e.g. `talks == \"deal\"`"),
                );
                return None;
            }
        };
        let resolved = self.resolve(value, text, ctx, owner, site)?;
        let name_span = text.span_of(if text_first {
            a.span.clone()
        } else {
            b.span.clone()
        });
        let Some(id) = self.categorical(&resolved) else {
            self.diags.push(
                Diagnostic::new(name_span, format!("text \"{}\" is not a value (in `{owner}`)", crate::diag::tidy(name)))
                    .label("only a categorical variable compares with a name")
                    .help("a name in quotes is a category of a categorical variable (an event with exclusive outcomes, or a state with `categories`), compared with `==` or `!=` (`talks == \"deal\"`), or a date in `at(x, '2026-06')`; numbers are written without quotes"),
            );
            return None;
        };
        if !matches!(op, BinOp::Eq | BinOp::Ne) {
            self.diags.push(
                Diagnostic::new(
                    span,
                    format!(
                        "categories have no order: `{}` cannot be compared with \"{}\" by size",
                        self.vars[id.0 as usize].0,
                        crate::diag::tidy(name)
                    ),
                )
                .help("compare categories with `==` or `!=`, e.g. `talks != \"breakdown\"`"),
            );
            return None;
        }
        let names = &self.categories[&id];
        let Some(index) = names.iter().position(|n| n == name) else {
            let var = &self.vars[id.0 as usize].0;
            let d = Diagnostic::new(
                name_span,
                format!("`{var}` has no category \"{}\"", crate::diag::tidy(name)),
            );
            let list = names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let d = match did_you_mean(name, names.iter().map(String::as_str)) {
                Some(s) => d.help(format!("did you mean \"{s}\"? its categories are {list}")),
                None => d.help(format!("its categories are {list} (the first holds while no outcome has happened; name it with `otherwise`)")),
            };
            self.diags.push(d);
            return None;
        };
        let number = Box::new(MExpr::Const(index as f64));
        Some(if text_first {
            MExpr::Binary(op, number, Box::new(resolved))
        } else {
            MExpr::Binary(op, Box::new(resolved), number)
        })
    }
}
