//! `[[interventions]]`: the forced variable, the steps (inside the run) and the value.

use super::*;

impl Checker {
    /// A step as written, as a number; a date that cannot be read is reported
    /// (`None`). Whether the step is inside the run is checked by the caller.
    fn step_number(&mut self, step: &Sp<StepRef>) -> Option<Sp<i64>> {
        let value = match &step.value {
            StepRef::Number(n) => *n,
            StepRef::Date(date) => self.date(date, step.span)?,
        };
        Some(Sp {
            value,
            span: step.span,
        })
    }

    pub(super) fn interventions(&mut self, raw: &RawScenario) -> Vec<Intervention> {
        let mut out = Vec::new();
        for iv in &raw.interventions {
            let Some(target) = &iv.target else {
                self.diags.push(
                    Diagnostic::new(
                        iv.span,
                        "intervention has no `set` (the variable or event it forces)",
                    )
                    .help("add set = \"attack\" (for example)"),
                );
                continue;
            };
            let Some(&id) = self.names.get(&target.value) else {
                let candidates: Vec<&str> = self.vars.iter().map(|(n, ..)| n.as_str()).collect();
                let mut d = Diagnostic::new(
                    target.span,
                    format!("intervention sets unknown name `{}`", target.value),
                );
                if let Some(s) = did_you_mean(&target.value, candidates.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.diags.push(d);
                continue;
            };
            let word = self.vars[id.0 as usize].1;
            if word == "parameter" {
                self.diags.push(
                    Diagnostic::new(target.span, format!("`{}` is a parameter, fixed for the whole run", target.value))
                        .help(format!("to fix it, override its dist in a variant (dist = 0.3) or run with --set {}=0.3", target.value)),
                );
                continue;
            }
            let lowest = if word == "state" { 0 } else { 1 };
            let dated = [&iv.at, &iv.from, &iv.to].iter().any(|s| {
                matches!(
                    s,
                    Some(Sp {
                        value: StepRef::Date(_),
                        ..
                    })
                )
            });
            let [at, from, to] =
                [&iv.at, &iv.from, &iv.to].map(|s| s.as_ref().map(|s| self.step_number(s)));
            if [&at, &from, &to].iter().any(|s| matches!(s, Some(None))) {
                continue;
            }
            let [at, from, to] = [at, from, to].map(Option::flatten);
            let (from, to) = match (&at, &from, &to) {
                (Some(at), None, None) => (at.value, at.value),
                (None, Some(f), to) => (
                    f.value,
                    to.as_ref().map_or(i64::from(self.steps), |t| t.value),
                ),
                (None, None, Some(t)) => (i64::from(lowest), t.value),
                (None, None, None) => {
                    self.diags.push(
                        Diagnostic::new(
                            iv.span,
                            format!("intervention on `{}` says no step", target.value),
                        )
                        .help("add at = 3 (one step), or from = 3 and optionally to = 6 (a range)"),
                    );
                    continue;
                }
                (Some(at), ..) => {
                    self.diags.push(
                        Diagnostic::new(
                            at.span,
                            "an intervention has either `at` or `from`/`to`, not both",
                        )
                        .help("keep `at` for one step, or `from`/`to` for a range"),
                    );
                    continue;
                }
            };
            let span = iv
                .at
                .as_ref()
                .or(iv.from.as_ref())
                .or(iv.to.as_ref())
                .map_or(iv.span, |s| s.span);
            if from < i64::from(lowest) || to > i64::from(self.steps) || from > to {
                self.diags.push(
                    Diagnostic::new(
                        span,
                        if dated {
                            format!("intervention steps {from}..{to} (from the dates given) are outside the run")
                        } else {
                            format!("intervention steps {from}..{to} are outside the run")
                        },
                    )
                    .help(if dated {
                        format!(
                            "steps run from {lowest} ({}) to {} ({}) for {} {word}",
                            self.time.label(lowest as u32),
                            self.steps,
                            self.time.label(self.steps),
                            article(word)
                        )
                    } else {
                        format!(
                            "steps run from {lowest} to {} for {} {word}",
                            self.steps,
                            article(word)
                        )
                    }),
                );
                continue;
            }
            let Some(text) = &iv.value else {
                self.diags.push(
                    Diagnostic::new(iv.span, format!("intervention on `{}` has no `value`", target.value))
                        .help("add value = 1 (an event happens), value = 0 (it does not), or a number for a variable"),
                );
                continue;
            };
            let Some(value) = self.expression(
                text,
                Ctx::Intervention,
                &format!("intervention on {}", target.value),
            ) else {
                continue;
            };
            let yes_no = raw
                .events
                .iter()
                .any(|(n, e)| n.value == target.value && e.rate.is_none());
            if yes_no
                && let Some(v) = const_value(&value)
                && v != 0.0
                && v != 1.0
            {
                self.diags.push(
                    Diagnostic::new(text.span, format!("event `{}` can only be forced to 1 (happens) or 0 (does not), not {v}", target.value))
                        .help("use value = 1 or value = 0; to force a count, declare the event with `rate`"),
                );
                continue;
            }
            out.push(Intervention {
                var: id,
                from: from as u32,
                to: to as u32,
                value,
                doc: iv.doc.as_ref().map_or(String::new(), |d| d.value.clone()),
            });
        }
        out
    }
}
