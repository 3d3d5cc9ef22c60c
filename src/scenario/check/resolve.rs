//! Expressions: parsed, then every name and call resolved against the declarations and
//! the place the expression sits ([`Ctx`]), into an [`MExpr`].

use super::*;

impl Checker {
    /// Parse and resolve one expression; `None` after reporting its problems.
    pub(super) fn expression(&mut self, text: &ExprText, ctx: Ctx, owner: &str) -> Option<MExpr> {
        let ast = match expr::parse(&text.text) {
            Ok(ast) => ast,
            Err(errors) => {
                for e in errors {
                    let mut d = Diagnostic::new(
                        text.span_of(e.span),
                        format!("in `{owner}`: {}", e.message),
                    );
                    if let Some(h) = e.help {
                        d = d.help(h);
                    }
                    self.diags.push(d);
                }
                return None;
            }
        };
        let mut site = 0;
        let before = self.diags.len();
        let resolved = self.resolve(&ast, text, ctx, owner, &mut site);
        if self.diags.len() > before {
            None
        } else {
            resolved
        }
    }

    pub(super) fn resolve(
        &mut self,
        e: &expr::Expr,
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
        site: &mut u32,
    ) -> Option<MExpr> {
        let span = text.span_of(e.span.clone());
        Some(match &e.kind {
            ExprKind::Num(v) => MExpr::Const(*v),
            ExprKind::Text(name) if self.owner_category(owner, name).is_some() => {
                MExpr::Const(self.owner_category(owner, name)? as f64)
            }
            ExprKind::Text(date) => {
                let help = match self.owner_categories.get(owner) {
                    Some(names) => format!(
                        "`{owner}`'s values are named {}; numbers are written without quotes",
                        names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
                    ),
                    None => "text in quotes is a date, and only `at(x, '2026-06')` takes one; numbers are written without quotes".to_string(),
                };
                self.diags.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "text \"{}\" is not a value (in `{owner}`)",
                            crate::diag::tidy(date)
                        ),
                    )
                    .help(help),
                );
                return None;
            }
            ExprKind::Name(name) => self.name(name, span, ctx, owner)?,
            ExprKind::Unary(op, a) => {
                MExpr::Unary(*op, Box::new(self.resolve(a, text, ctx, owner, site)?))
            }
            ExprKind::Binary(op, a, b)
                if matches!(a.kind, ExprKind::Text(_)) || matches!(b.kind, ExprKind::Text(_)) =>
            {
                return self.category_compare(*op, a, b, span, text, ctx, owner, site);
            }
            ExprKind::Binary(op, a, b) => {
                let a = self.resolve(a, text, ctx, owner, site);
                let b = self.resolve(b, text, ctx, owner, site);
                MExpr::Binary(*op, Box::new(a?), Box::new(b?))
            }
            ExprKind::If(c, a, b) => {
                let c = self.resolve(c, text, ctx, owner, site);
                let a = self.resolve(a, text, ctx, owner, site);
                let b = self.resolve(b, text, ctx, owner, site);
                MExpr::If(Box::new(c?), Box::new(a?), Box::new(b?))
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => {
                let name_span = text.span_of(name_span.clone());
                return self.call(name, name_span, span, args, text, ctx, owner, site);
            }
        })
    }

    pub(super) fn name(&mut self, name: &str, span: Span, ctx: Ctx, owner: &str) -> Option<MExpr> {
        if name == "pi" {
            return Some(MExpr::Const(std::f64::consts::PI));
        }
        if name == "t" {
            return match ctx {
                Ctx::Param | Ctx::Init | Ctx::Fixed => {
                    self.diags.push(
                        Diagnostic::new(span, format!("`t` (the step) is not defined in `{owner}`, which is set before step 1"))
                            .help("parameters and initial values are fixed before time starts; use `t` in updates, derived variables, events and outcomes"),
                    );
                    None
                }
                _ => Some(MExpr::Time),
            };
        }
        let Some(&id) = self.names.get(name) else {
            let candidates: Vec<&str> = self.vars.iter().map(|(n, ..)| n.as_str()).collect();
            let mut d = Diagnostic::new(span, format!("unknown name `{name}` in `{owner}`"))
                .label("not a parameter, state variable, derived variable or event");
            d = match did_you_mean(name, candidates.iter().copied().chain(["t"])) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None if self.table_names.contains_key(name) => d.help(format!("`{name}` is a lookup table: call it with a value, e.g. `{name}(x)`")),
                None if builtins::is_builtin_name(name) => d.help(format!("`{name}` is a function: call it with arguments, e.g. `{name}(...)`")),
                None => d.help("declare it under [parameters], [state], [derived] or [events], or fix the spelling"),
            };
            self.diags.push(d);
            return None;
        };
        let (_, word, _) = self.vars[id.0 as usize];
        if word == "outcome" && ctx != Ctx::Outcome {
            self.diags.push(
                Diagnostic::new(span, format!("`{owner}` cannot use outcome `{name}` inside an aggregate"))
                    .label("an outcome has one value per run, at its end")
                    .help(format!("compare the outcome itself, e.g. `{name} > 2`, or aggregate the variables it is computed from")),
            );
            return None;
        }
        let allowed = match ctx {
            Ctx::Param | Ctx::Init | Ctx::Fixed => word == "parameter",
            Ctx::Intervention => word == "parameter" || word == "state",
            Ctx::Step | Ctx::Outcome | Ctx::AggArg => true,
        };
        if !allowed {
            let why = match ctx {
                Ctx::Param => {
                    "a parameter is drawn once before the run and may use only other parameters"
                }
                Ctx::Init => "an initial value is set before step 1 and may use only parameters",
                Ctx::Fixed => {
                    "a delay's time and initial value are fixed before step 1 and may use only parameters"
                }
                _ => {
                    "an intervention's value may use parameters, state variables (last step's values) and `t`"
                }
            };
            self.diags.push(
                Diagnostic::new(span, format!("`{owner}` cannot use {word} `{name}`"))
                    .help(why.to_string()),
            );
            return None;
        }
        Some(MExpr::Var(id))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn call(
        &mut self,
        name: &str,
        name_span: Span,
        span: Span,
        args: &[expr::Expr],
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
        site: &mut u32,
    ) -> Option<MExpr> {
        if let Some(&index) = self.table_names.get(name) {
            return self.lookup_call(index, name, span, args, text, ctx, owner, site);
        }
        let Some(builtin) = builtins::lookup(name, args.len()) else {
            let mut d =
                Diagnostic::new(name_span, format!("unknown function `{name}` in `{owner}`"));
            let mut names: Vec<String> = self.table_names.keys().cloned().collect();
            names.sort_unstable();
            names.extend(builtins::all_names().map(String::from));
            d = match did_you_mean(name, names.iter().map(String::as_str)) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(
                    "see docs/scenario-format.md for the functions and distributions available",
                ),
            };
            self.diags.push(d);
            return None;
        };
        // Arity first, so messages say what the function takes.
        let (min, max, signature) = match builtin {
            Builtin::Func(f) => {
                let (lo, hi) = f.arity();
                let sig = builtins::FUNCS
                    .iter()
                    .find(|x| x.1 == f)
                    .map_or("", |x| x.4);
                (lo, hi, format!("`{}`: {sig}", f.name()))
            }
            Builtin::Random(k) => {
                let (lo, hi) = k.arity();
                (lo, hi, format!("`{}`", k.signature()))
            }
            Builtin::Memory(m) => {
                let row = builtins::MEMORY.iter().find(|x| x.1 == m);
                let (lo, hi, doc) = row.map_or((1, 1, ""), |x| (x.2, x.3, x.4));
                (lo, Some(hi), format!("`{doc}`"))
            }
            Builtin::Input(i) => {
                let row = builtins::INPUTS.iter().find(|x| x.1 == i);
                let (lo, hi, doc) = row.map_or((1, 1, ""), |x| (x.2, x.3, x.4));
                (lo, Some(hi), format!("`{doc}`"))
            }
            Builtin::Mixture => (
                builtins::MIXTURE.1,
                None,
                format!("`{}`", builtins::MIXTURE.2),
            ),
            Builtin::Agg(a) => {
                let doc = builtins::AGGS.iter().find(|x| x.1 == a).map_or("", |x| x.3);
                let args = if a.arity() == 2 { "x, k" } else { "x" };
                (
                    a.arity(),
                    Some(a.arity()),
                    format!("`{}({args})`: {doc}", a.name()),
                )
            }
        };
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            let want = match max {
                Some(m) if m == min => format!("{min}"),
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            self.diags.push(
                Diagnostic::new(
                    span,
                    format!(
                        "`{name}` takes {want} argument{}, got {}",
                        if want == "1" { "" } else { "s" },
                        args.len()
                    ),
                )
                .help(format!("see {signature}")),
            );
            return None;
        }
        match builtin {
            Builtin::Agg(agg) => self.aggregate(agg, name, span, args, text, ctx, owner, site),
            Builtin::Memory(m) => self.memory(m, span, args, text, ctx, owner, site),
            Builtin::Input(i) => self.test_input(i, span, args, text, ctx, owner, site),
            Builtin::Mixture => self.mixture(span, args, text, ctx, owner, site),
            Builtin::Func(f) => {
                let resolved: Vec<Option<MExpr>> = args
                    .iter()
                    .map(|a| self.resolve(a, text, ctx, owner, site))
                    .collect();
                Some(MExpr::Call(
                    f,
                    resolved.into_iter().collect::<Option<Vec<_>>>()?,
                ))
            }
            Builtin::Random(kind) => {
                if ctx == Ctx::AggArg {
                    self.diags.push(
                        Diagnostic::new(
                            span,
                            format!("a random draw cannot sit inside an aggregate (in `{owner}`)"),
                        )
                        .help("draw it in a derived variable and aggregate that variable"),
                    );
                    return None;
                }
                let resolved: Vec<Option<MExpr>> = args
                    .iter()
                    .map(|a| self.resolve(a, text, ctx, owner, site))
                    .collect();
                let args = resolved.into_iter().collect::<Option<Vec<_>>>()?;
                let consts: Option<Vec<f64>> = args.iter().map(const_value).collect();
                if let Some(values) = consts
                    && let Err(err) = Dist::new(kind, &values)
                {
                    self.diags.push(
                        Diagnostic::new(span, format!("invalid distribution in `{owner}`: {err}"))
                            .help(format!(
                                "`{}`, for example `{}`",
                                kind.signature(),
                                kind.example()
                            )),
                    );
                    return None;
                }
                let this = *site;
                *site += 1;
                Some(MExpr::Random {
                    kind,
                    args,
                    site: this,
                })
            }
        }
    }

    /// `name(x)` where `name` is a lookup table.
    #[allow(clippy::too_many_arguments)]
    fn lookup_call(
        &mut self,
        index: usize,
        name: &str,
        span: Span,
        args: &[expr::Expr],
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
        site: &mut u32,
    ) -> Option<MExpr> {
        if args.len() != 1 {
            self.diags.push(
                Diagnostic::new(
                    span,
                    format!(
                        "lookup `{name}` takes 1 argument (where to read the table), got {}",
                        args.len()
                    ),
                )
                .help(format!("write `{name}(x)` for the table's value at x")),
            );
            return None;
        }
        let arg = self.resolve(&args[0], text, ctx, owner, site)?;
        let table = self.tables.get(index).cloned().flatten()?;
        Some(MExpr::Lookup(Box::new(table), Box::new(arg)))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn aggregate(
        &mut self,
        agg: Agg,
        name: &str,
        span: Span,
        args: &[expr::Expr],
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
        site: &mut u32,
    ) -> Option<MExpr> {
        if ctx != Ctx::Outcome {
            let help = if ctx == Ctx::AggArg {
                "aggregates cannot be nested".to_string()
            } else {
                format!(
                    "`{name}(...)` summarises a whole run, so it belongs in [outcomes]; to track it during the run, use a state variable"
                )
            };
            self.diags.push(
                Diagnostic::new(
                    span,
                    format!(
                        "`{name}` is an aggregate over the run and cannot be used in `{owner}`"
                    ),
                )
                .help(help),
            );
            return None;
        }
        let arg = self.resolve(&args[0], text, Ctx::AggArg, owner, site)?;
        let step = if agg == Agg::At {
            let at_span = text.span_of(args[1].span.clone());
            let k = match &args[1].kind {
                ExprKind::Text(date) => {
                    let step = self.date_step(date, at_span, 1)?;
                    Some(step as f64)
                }
                _ => self
                    .resolve(&args[1], text, Ctx::Outcome, owner, site)
                    .as_ref()
                    .and_then(const_value),
            };
            match k {
                Some(k) if k.fract() == 0.0 && (1.0..=f64::from(self.steps)).contains(&k) => {
                    Some(k as u32)
                }
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            at_span,
                            format!(
                                "the step in `at(...)` must be a whole number from 1 to {}",
                                self.steps
                            ),
                        )
                        .help("write e.g. `at(trust, 6)` for the value at step 6; a state's value at step 0 is its `init`"),
                    );
                    return None;
                }
            }
        } else {
            None
        };
        Some(MExpr::Agg {
            agg,
            arg: Box::new(arg),
            step,
        })
    }
}
