//! The declared variables, section by section: each parameter, state variable, derived
//! variable and event checked and built into a [`Var`].

use super::*;

impl Checker {
    /// `[parameters]`: each `dist` resolved; a single distribution with constant arguments
    /// (or a constant) is kept as a [`Dist`], which sensitivity analysis can steer.
    pub(super) fn parameters(
        &mut self,
        raw: &RawScenario,
        samples: &HashMap<String, Resample>,
        vars: &mut [Option<Var>],
    ) {
        for (name, p) in &raw.parameters {
            let id = self.names[&name.value];
            if let Some(sample) = &p.sample {
                if let Some(r) = self.sampled(name, p, sample, samples) {
                    let text = sample_text(&r);
                    let kind = VarKind::Param {
                        def: MExpr::Resample(Box::new(r)),
                        dist: None,
                    };
                    vars[id.0 as usize] = Some(self.var(name, kind, &p.doc, text));
                }
                continue;
            }
            let def = match &p.dist {
                Some(text) => self.expression(text, Ctx::Param, &name.value),
                None => {
                    self.missing(
                        name,
                        "parameter",
                        "dist",
                        "dist = \"uniform(0, 1)\" or dist = 0.5 (or sample = { file = \"draws.csv\", column = \"x\" })",
                    );
                    None
                }
            };
            if let Some(def) = def {
                let dist = match &def {
                    MExpr::Const(v) => Dist::new(DistKind::Fixed, &[*v]).ok(),
                    MExpr::Random { kind, args, .. } => {
                        let consts: Option<Vec<f64>> = args.iter().map(const_value).collect();
                        consts.and_then(|a| Dist::new(*kind, &a).ok())
                    }
                    _ => None,
                };
                let text = p.dist.as_ref().map_or(String::new(), |t| t.text.clone());
                vars[id.0 as usize] =
                    Some(self.var(name, VarKind::Param { def, dist }, &p.doc, text));
            }
        }
    }

    /// A parameter drawn from a CSV file's rows: `file` and `column` given,
    /// no `dist` beside them, and the file read (its problems were reported
    /// by the loader).
    fn sampled(
        &mut self,
        name: &Sp<String>,
        p: &super::super::raw::RawParam,
        sample: &super::super::raw::RawSample,
        samples: &HashMap<String, Resample>,
    ) -> Option<Resample> {
        if let Some(dist) = &p.dist {
            self.diags.push(
                Diagnostic::new(
                    dist.span,
                    format!("parameter `{}` has both `dist` and `sample`", name.value),
                )
                .help("a parameter is either a distribution (`dist`) or drawn from a file's rows (`sample`); remove one"),
            );
            return None;
        }
        let example = "sample = { file = \"posterior.csv\", column = \"theta\" }";
        for (key, present) in [
            ("file", sample.file.is_some()),
            ("column", sample.column.is_some()),
        ] {
            if !present {
                self.diags.push(
                    Diagnostic::new(
                        sample.span,
                        format!("`sample` of parameter `{}` has no `{key}`", name.value),
                    )
                    .help(format!("name the CSV file and its column: {example}")),
                );
            }
        }
        samples.get(&name.value).cloned()
    }
    /// `[state]`: `init` and `update`, and bounds in order.
    pub(super) fn states(&mut self, raw: &RawScenario, vars: &mut [Option<Var>]) {
        for (name, s) in &raw.state {
            let id = self.names[&name.value];
            let init = match &s.init {
                Some(text) => self.expression(text, Ctx::Init, &name.value),
                None => {
                    self.missing(name, "state variable", "init", "init = 0.5");
                    None
                }
            };
            let update = match &s.update {
                Some(text) => self.expression(text, Ctx::Step, &name.value),
                None => {
                    let example = format!(
                        "update = \"{} + 0.1\" (or update = \"{}\" to hold it constant)",
                        name.value, name.value
                    );
                    self.missing(name, "state variable", "update", &example);
                    None
                }
            };
            if let (Some(lo), Some(hi)) = (&s.min, &s.max)
                && lo.value > hi.value
            {
                self.diags.push(
                    Diagnostic::new(
                        hi.span,
                        format!(
                            "state `{}` has max {} below its min {}",
                            name.value, hi.value, lo.value
                        ),
                    )
                    .help("swap them, or remove one bound"),
                );
            }
            if let (Some(init), Some(update)) = (init, update) {
                let kind = VarKind::State {
                    init,
                    update,
                    min: s.min.as_ref().map(|b| b.value),
                    max: s.max.as_ref().map(|b| b.value),
                };
                let text = format!(
                    "{} -> {}",
                    s.init.as_ref().map_or("", |t| t.text.as_str()),
                    s.update.as_ref().map_or("", |t| t.text.as_str())
                );
                vars[id.0 as usize] = Some(self.var(name, kind, &s.doc, text));
            }
        }
    }

    /// `[derived]`: one expression each.
    pub(super) fn derived(&mut self, raw: &RawScenario, vars: &mut [Option<Var>]) {
        for (name, d) in &raw.derived {
            let id = self.names[&name.value];
            let expr = match &d.expr {
                Some(text) => self.expression(text, Ctx::Step, &name.value),
                None => {
                    self.missing(name, "derived variable", "expr", "expr = \"trust * 0.5\"");
                    None
                }
            };
            if let Some(expr) = expr {
                let text = d.expr.as_ref().map_or(String::new(), |t| t.text.clone());
                vars[id.0 as usize] = Some(self.var(name, VarKind::Derived { expr }, &d.doc, text));
            }
        }
    }

    /// `[events]`: `p` or `rate` (not both), `once` only with `p`, and a constant chance
    /// (fixed parameters included) in range.
    pub(super) fn events(&mut self, raw: &RawScenario, vars: &mut [Option<Var>]) {
        for (name, e) in &raw.events {
            if let Some(branches) = &e.outcomes {
                self.branches(name, e, branches, vars);
                continue;
            }
            let id = self.names[&name.value];
            let once = e.once.as_ref().is_some_and(|o| o.value);
            let (mode, text) = match (&e.p, &e.rate) {
                (Some(p), None) => (
                    if once {
                        EventMode::Once
                    } else {
                        EventMode::Repeat
                    },
                    p,
                ),
                (None, Some(rate)) => {
                    if let Some(o) = e.once.as_ref().filter(|o| o.value) {
                        self.diags.push(
                            Diagnostic::new(
                                o.span,
                                format!(
                                    "event `{}` counts occurrences (`rate`), so it cannot be `once`",
                                    name.value
                                ),
                            )
                            .help(
                                "use `p` for a yes/no event that happens at most once, or drop `once`",
                            ),
                        );
                    }
                    (EventMode::Count, rate)
                }
                (Some(_), Some(rate)) => {
                    self.diags.push(
                        Diagnostic::new(rate.span, format!("event `{}` has both `p` and `rate`", name.value))
                            .help("`p` is a chance per step (yes/no); `rate` an expected count per step: keep one"),
                    );
                    continue;
                }
                (None, None) => {
                    self.missing(
                        name,
                        "event",
                        "p",
                        "p = \"0.05\" (a chance per step), or rate = \"0.2\" (a count per step)",
                    );
                    continue;
                }
            };
            let Some(chance) = self.expression(text, Ctx::Step, &name.value) else {
                continue;
            };
            // Fixed parameters are constants too: `p = "p_attack"` with
            // `p_attack = 1.5` (in the file or from --set) is caught here.
            let fixed = |id: VarId| match vars.get(id.0 as usize) {
                Some(Some(Var {
                    kind:
                        VarKind::Param {
                            def: MExpr::Const(v),
                            ..
                        },
                    ..
                })) => Some(*v),
                _ => None,
            };
            let used: Vec<String> = chance
                .vars()
                .into_iter()
                .filter_map(|v| fixed(v).map(|x| format!("{} = {x}", self.vars[v.0 as usize].0)))
                .collect();
            if let Some(v) = const_value_with(&chance, &fixed) {
                let bad = if mode == EventMode::Count {
                    v.is_nan() || v < 0.0 || !v.is_finite()
                } else {
                    !(0.0..=1.0).contains(&v)
                };
                if bad {
                    let (what, rule) = if mode == EventMode::Count {
                        ("rate", "a number >= 0")
                    } else {
                        ("probability", "in [0, 1]")
                    };
                    self.diags.push(
                        Diagnostic::new(
                            text.span,
                            if used.is_empty() {
                                format!(
                                    "event `{}` has {what} {v}, which is not {rule}",
                                    name.value
                                )
                            } else {
                                format!(
                                    "event `{}` has {what} {v} (from {}), which is not {rule}",
                                    name.value,
                                    used.join(", ")
                                )
                            },
                        )
                        .help(if mode == EventMode::Count {
                            "a rate is an expected count per step, e.g. 0.2"
                        } else {
                            "a probability per step is between 0 and 1, e.g. 0.05"
                        }),
                    );
                }
            }
            vars[id.0 as usize] = Some(self.var(
                name,
                VarKind::Event {
                    mode,
                    chance,
                    branch: None,
                },
                &e.doc,
                text.text.clone(),
            ));
        }
    }
}

/// How a parameter drawn from a file reads in `polsim check` and reports.
fn sample_text(r: &Resample) -> String {
    let weights = match &r.weight {
        Some(w) => format!("weighted by `{w}`"),
        None => "equally likely".to_string(),
    };
    format!(
        "column `{}` of a row of {} ({} rows, {weights})",
        r.column, r.file, r.rows
    )
}
