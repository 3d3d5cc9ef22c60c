//! Raw scenario -> checked [`Model`]: names resolved, expressions parsed and
//! type-checked, distributions validated, evaluation order fixed.
//!
//! Every check runs and every problem becomes a diagnostic; the model is
//! returned only when there are none.

use std::collections::HashMap;

use super::model::*;
use super::raw::{ExprText, RawDoc, RawScenario, Sp};
use crate::diag::{Diagnostic, Span, did_you_mean};
use crate::dist::{Dist, DistKind};
use crate::expr::builtins::{self, Agg, Builtin};
use crate::expr::{self, ExprKind, UnOp};

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
}

pub struct Input {
    pub raw: RawScenario,
    /// Used when the file has no `[scenario] name`.
    pub default_name: String,
    pub path: String,
    pub hash: String,
}

pub fn check(input: Input) -> Result<Model, Vec<Diagnostic>> {
    let mut c = Checker {
        diags: Vec::new(),
        names: HashMap::new(),
        vars: Vec::new(),
        steps: 1,
    };
    let raw = input.raw;
    let info = c.info(&raw, input.default_name, input.path, input.hash);
    c.steps = info.steps;
    c.declare(&raw);
    let mut vars: Vec<Option<Var>> = vec![None; c.vars.len()];

    for (name, p) in &raw.parameters {
        let id = c.names[&name.value];
        let def = match &p.dist {
            Some(text) => c.expression(text, Ctx::Param, &name.value),
            None => {
                c.missing(
                    name,
                    "parameter",
                    "dist",
                    "dist = \"uniform(0, 1)\" or dist = 0.5",
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
            vars[id.0 as usize] = Some(c.var(name, VarKind::Param { def, dist }, &p.doc, text));
        }
    }
    for (name, s) in &raw.state {
        let id = c.names[&name.value];
        let init = match &s.init {
            Some(text) => c.expression(text, Ctx::Init, &name.value),
            None => {
                c.missing(name, "state variable", "init", "init = 0.5");
                None
            }
        };
        let update = match &s.update {
            Some(text) => c.expression(text, Ctx::Step, &name.value),
            None => {
                let example = format!(
                    "update = \"{} + 0.1\" (or update = \"{}\" to hold it constant)",
                    name.value, name.value
                );
                c.missing(name, "state variable", "update", &example);
                None
            }
        };
        if let (Some(lo), Some(hi)) = (&s.min, &s.max)
            && lo.value > hi.value
        {
            c.diags.push(
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
            vars[id.0 as usize] = Some(c.var(name, kind, &s.doc, text));
        }
    }
    for (name, d) in &raw.derived {
        let id = c.names[&name.value];
        let expr = match &d.expr {
            Some(text) => c.expression(text, Ctx::Step, &name.value),
            None => {
                c.missing(name, "derived variable", "expr", "expr = \"trust * 0.5\"");
                None
            }
        };
        if let Some(expr) = expr {
            let text = d.expr.as_ref().map_or(String::new(), |t| t.text.clone());
            vars[id.0 as usize] = Some(c.var(name, VarKind::Derived { expr }, &d.doc, text));
        }
    }
    for (name, e) in &raw.events {
        let id = c.names[&name.value];
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
                    c.diags.push(
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
                c.diags.push(
                    Diagnostic::new(rate.span, format!("event `{}` has both `p` and `rate`", name.value))
                        .help("`p` is a chance per step (yes/no); `rate` an expected count per step: keep one"),
                );
                continue;
            }
            (None, None) => {
                c.missing(
                    name,
                    "event",
                    "p",
                    "p = \"0.05\" (a chance per step), or rate = \"0.2\" (a count per step)",
                );
                continue;
            }
        };
        let Some(chance) = c.expression(text, Ctx::Step, &name.value) else {
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
            .filter_map(|v| fixed(v).map(|x| format!("{} = {x}", c.vars[v.0 as usize].0)))
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
                c.diags.push(
                    Diagnostic::new(
                        text.span,
                        if used.is_empty() {
                            format!("event `{}` has {what} {v}, which is not {rule}", name.value)
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
        vars[id.0 as usize] = Some(c.var(
            name,
            VarKind::Event { mode, chance },
            &e.doc,
            text.text.clone(),
        ));
    }

    let outcomes = c.outcomes(&raw);
    let interventions = c.interventions(&raw);
    let charts = c.charts(&raw);

    if !c.diags.is_empty() {
        return Err(c.diags);
    }
    let vars: Vec<Var> = vars.into_iter().flatten().collect();
    let param_ids: Vec<VarId> = raw
        .parameters
        .iter()
        .map(|(n, _)| c.names[&n.value])
        .collect();
    let states: Vec<VarId> = raw.state.iter().map(|(n, _)| c.names[&n.value]).collect();
    let step_ids: Vec<VarId> = raw
        .derived
        .iter()
        .map(|(n, _)| n)
        .chain(raw.events.iter().map(|(n, _)| n))
        .map(|n| c.names[&n.value])
        .collect();
    let params = c.order(&vars, &param_ids, |k| match k {
        VarKind::Param { def, .. } => def.vars(),
        _ => Vec::new(),
    });
    let step_order = c.order(&vars, &step_ids, |k| match k {
        VarKind::Derived { expr } => expr.vars(),
        VarKind::Event { chance, .. } => chance.vars(),
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
        charts,
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
}

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
        MExpr::Time | MExpr::Random { .. } | MExpr::Agg { .. } => None,
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

impl Checker {
    fn info(
        &mut self,
        raw: &RawScenario,
        default_name: String,
        path: String,
        hash: String,
    ) -> Info {
        let i = &raw.info;
        let runs = match &i.runs {
            Some(r) if !(1..=MAX_RUNS).contains(&r.value) => {
                self.diags.push(
                    Diagnostic::new(r.span, format!("runs = {} is out of range", r.value)).help(
                        format!("use between 1 and {MAX_RUNS} runs; 10000 is a good start"),
                    ),
                );
                DEFAULT_RUNS
            }
            Some(r) => r.value as u64,
            None => DEFAULT_RUNS,
        };
        let seed = match &i.seed {
            Some(s) if s.value < 0 => {
                self.diags.push(
                    Diagnostic::new(s.span, format!("seed = {} is negative", s.value))
                        .help("use a whole number >= 0"),
                );
                DEFAULT_SEED
            }
            Some(s) => s.value as u64,
            None => DEFAULT_SEED,
        };
        let steps = match &i.steps {
            Some(s) if !(1..=MAX_STEPS).contains(&s.value) => {
                self.diags.push(
                    Diagnostic::new(s.span, format!("steps = {} is out of range", s.value)).help(
                        format!("the horizon must be between 1 and {MAX_STEPS} steps"),
                    ),
                );
                1
            }
            Some(s) => s.value as u32,
            None => {
                if !raw.info_problems {
                    let span = i.name.as_ref().map(|n| n.span).or(raw.origin);
                    let d = Diagnostic {
                        message: "the scenario has no `steps` (its horizon)".into(),
                        span,
                        label: String::new(),
                        help: Some("add `steps = 24` (for example) under [scenario]".into()),
                    };
                    self.diags.push(d);
                }
                1
            }
        };
        let unit = i
            .step_unit
            .as_ref()
            .map_or("step".to_string(), |u| u.value.clone());
        let time = match TimeAxis::new(&unit, i.start.as_ref().map(|s| s.value.as_str())) {
            Ok(t) => t,
            Err(msg) => {
                if let Some(s) = &i.start {
                    self.diags.push(
                        Diagnostic::new(s.span, format!("cannot read start label \"{}\"", s.value))
                            .help(msg),
                    );
                }
                TimeAxis::plain(&unit)
            }
        };
        Info {
            name: i.name.as_ref().map_or(default_name, |n| n.value.clone()),
            description: i
                .description
                .as_ref()
                .map_or(String::new(), |d| d.value.clone()),
            runs,
            seed,
            steps,
            time,
            path,
            hash,
        }
    }

    /// Give every declared name an id; report bad and duplicate names.
    fn declare(&mut self, raw: &RawScenario) {
        let sections: [(&'static str, Vec<&Sp<String>>); 4] = [
            ("parameter", raw.parameters.iter().map(|(n, _)| n).collect()),
            ("state", raw.state.iter().map(|(n, _)| n).collect()),
            ("derived", raw.derived.iter().map(|(n, _)| n).collect()),
            ("event", raw.events.iter().map(|(n, _)| n).collect()),
        ];
        for (word, names) in sections {
            for name in names {
                self.check_name(name);
                if let Some(&prev) = self.names.get(&name.value) {
                    let (_, prev_word, _) = &self.vars[prev.0 as usize];
                    self.diags.push(
                        Diagnostic::new(
                            name.span,
                            format!("`{}` is declared twice (already a {prev_word})", name.value),
                        )
                        .help(
                            "every parameter, state, derived variable and event needs its own name",
                        ),
                    );
                    // Keep the id space dense: a duplicate still gets a slot.
                }
                let id = VarId(self.vars.len() as u32);
                self.vars.push((name.value.clone(), word, name.span));
                self.names.entry(name.value.clone()).or_insert(id);
            }
        }
        // A duplicate's entry points at the first declaration; make later ones
        // resolve to themselves so building them does not overwrite the first.
        let mut seen = HashMap::new();
        for (i, (name, ..)) in self.vars.iter().enumerate() {
            seen.insert(name.clone(), VarId(i as u32));
        }
        self.names = seen;
    }

    fn check_name(&mut self, name: &Sp<String>) {
        let n = &name.value;
        let valid = n
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            self.diags.push(
                Diagnostic::new(name.span, format!("`{n}` cannot be used as a name in expressions"))
                    .help("names start with a letter and use only letters, digits and _ (e.g. `coalition_trust`)"),
            );
        } else if n == "t"
            || n == "pi"
            || expr::lex::KEYWORDS.contains(&n.as_str())
            || builtins::is_builtin_name(n)
        {
            self.diags.push(
                Diagnostic::new(
                    name.span,
                    format!("`{n}` is a reserved word of the expression language"),
                )
                .help(format!("choose another name, e.g. `{n}_value`")),
            );
        }
    }

    fn missing(&mut self, name: &Sp<String>, what: &str, key: &str, example: &str) {
        self.diags.push(
            Diagnostic::new(name.span, format!("{what} `{}` has no `{key}`", name.value))
                .help(format!("add {example}")),
        );
    }

    fn var(&self, name: &Sp<String>, kind: VarKind, doc: &RawDoc, text: String) -> Var {
        Var {
            name: name.value.clone(),
            kind,
            text,
            doc: to_doc(doc),
            span: name.span,
        }
    }

    /// Parse and resolve one expression; `None` after reporting its problems.
    fn expression(&mut self, text: &ExprText, ctx: Ctx, owner: &str) -> Option<MExpr> {
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

    fn resolve(
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
            ExprKind::Name(name) => self.name(name, span, ctx, owner)?,
            ExprKind::Unary(op, a) => {
                MExpr::Unary(*op, Box::new(self.resolve(a, text, ctx, owner, site)?))
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

    fn name(&mut self, name: &str, span: Span, ctx: Ctx, owner: &str) -> Option<MExpr> {
        if name == "pi" {
            return Some(MExpr::Const(std::f64::consts::PI));
        }
        if name == "t" {
            return match ctx {
                Ctx::Param | Ctx::Init => {
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
            Ctx::Param | Ctx::Init => word == "parameter",
            Ctx::Intervention => word == "parameter" || word == "state",
            Ctx::Step | Ctx::Outcome | Ctx::AggArg => true,
        };
        if !allowed {
            let why = match ctx {
                Ctx::Param => {
                    "a parameter is drawn once before the run and may use only other parameters"
                }
                Ctx::Init => "an initial value is set before step 1 and may use only parameters",
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
    fn call(
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
        let Some(builtin) = builtins::lookup(name, args.len()) else {
            let mut d =
                Diagnostic::new(name_span, format!("unknown function `{name}` in `{owner}`"));
            d = match did_you_mean(name, builtins::all_names()) {
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
                                dist_example(kind)
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

    #[allow(clippy::too_many_arguments)]
    fn aggregate(
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
            let k = self
                .resolve(&args[1], text, Ctx::Outcome, owner, site)
                .as_ref()
                .and_then(const_value);
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

    fn outcomes(&mut self, raw: &RawScenario) -> Vec<Outcome> {
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
                Some(("category", _)) => self.categories(name, o.categories.as_ref()),
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
            out.push(Outcome {
                name: name.value.clone(),
                kind,
                expr,
                doc: to_doc(&o.doc),
                span: name.span,
            });
        }
        out
    }

    /// Whether an outcome is a yes/no, judged before the vars are built.
    fn is_logical_here(&self, e: &MExpr, raw: &RawScenario) -> bool {
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

    fn categories(&mut self, name: &Sp<String>, cats: Option<&Sp<Vec<String>>>) -> OutcomeKind {
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

    fn interventions(&mut self, raw: &RawScenario) -> Vec<Intervention> {
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
            let (from, to) = match (&iv.at, &iv.from, &iv.to) {
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
                        format!("intervention steps {from}..{to} are outside the run"),
                    )
                    .help(format!(
                        "steps run from {lowest} to {} for {} {word}",
                        self.steps,
                        article(word)
                    )),
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

    /// `[charts]` lists: each name must exist in its section.
    fn charts(&mut self, raw: &RawScenario) -> ChartSelection {
        let outcome_names: Vec<&str> = raw.outcomes.iter().map(|(n, _)| n.value.as_str()).collect();
        let variable_names: Vec<&str> = raw
            .state
            .iter()
            .map(|(n, _)| n.value.as_str())
            .chain(raw.derived.iter().map(|(n, _)| n.value.as_str()))
            .collect();
        let event_names: Vec<&str> = raw.events.iter().map(|(n, _)| n.value.as_str()).collect();
        let mut pick = |list: &Option<Sp<Vec<String>>>, names: &[&str], what: &str| {
            let list = list.as_ref()?;
            for name in &list.value {
                if !names.contains(&name.as_str()) {
                    let mut d = Diagnostic::new(
                        list.span,
                        format!(
                            "[charts] names `{name}`, which is not one of the scenario's {what}"
                        ),
                    );
                    d = match did_you_mean(name, names.iter().copied()) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(format!(
                            "the {what} are: {}",
                            crate::diag::name_list(names, 12)
                        )),
                    };
                    self.diags.push(d);
                }
            }
            Some(list.value.clone())
        };
        ChartSelection {
            outcomes: pick(&raw.charts.outcomes, &outcome_names, "outcomes"),
            variables: pick(
                &raw.charts.variables,
                &variable_names,
                "state or derived variables",
            ),
            events: pick(&raw.charts.events, &event_names, "events"),
        }
    }

    /// Topological order of `ids` by the dependencies `deps` gives (only those
    /// among `ids` count); ties keep file order. A cycle is reported by name.
    fn order(
        &mut self,
        vars: &[Var],
        ids: &[VarId],
        deps: impl Fn(&VarKind) -> Vec<VarId>,
    ) -> Vec<VarId> {
        let index: HashMap<VarId, usize> = ids.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let edges: Vec<Vec<usize>> = ids
            .iter()
            .map(|&v| {
                let mut d: Vec<usize> = deps(&vars[v.0 as usize].kind)
                    .iter()
                    .filter_map(|x| index.get(x).copied())
                    .collect();
                d.sort_unstable();
                d.dedup();
                d
            })
            .collect();
        // 0 = unvisited, 1 = on the stack, 2 = done
        let mut mark = vec![0u8; ids.len()];
        let mut order = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        for start in 0..ids.len() {
            if mark[start] == 0
                && let Some(cycle) = visit(start, &edges, &mut mark, &mut order, &mut stack)
            {
                let names: Vec<&str> = cycle
                    .iter()
                    .map(|&i| vars[ids[i].0 as usize].name.as_str())
                    .collect();
                let first = &vars[ids[cycle[0]].0 as usize];
                let path = names.join(" -> ");
                let d = if matches!(first.kind, VarKind::Param { .. }) {
                    Diagnostic::new(first.span, format!("parameters define each other in a cycle: {path}"))
                        .help("a parameter may use parameters drawn before it, but not itself through others; give one of them its own distribution")
                } else {
                    Diagnostic::new(first.span, format!("dependency cycle within a step: {path}"))
                        .help("each of these needs the others' current value; break the loop by making one of them a state variable, whose value is last step's")
                };
                self.diags.push(d);
                return Vec::new();
            }
        }
        order.into_iter().map(|i| ids[i]).collect()
    }
}

/// Depth-first search; returns the cycle (first node repeated at the end).
fn visit(
    n: usize,
    edges: &[Vec<usize>],
    mark: &mut [u8],
    order: &mut Vec<usize>,
    stack: &mut Vec<usize>,
) -> Option<Vec<usize>> {
    mark[n] = 1;
    stack.push(n);
    for &m in &edges[n] {
        if mark[m] == 1 {
            let pos = stack.iter().position(|&x| x == m).unwrap_or(0);
            let mut cycle = stack[pos..].to_vec();
            cycle.push(m);
            return Some(cycle);
        }
        if mark[m] == 0
            && let Some(c) = visit(m, edges, mark, order, stack)
        {
            return Some(c);
        }
    }
    stack.pop();
    mark[n] = 2;
    order.push(n);
    None
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

/// A valid call of each distribution, for hints.
fn dist_example(kind: DistKind) -> &'static str {
    match kind {
        DistKind::Fixed => "fixed(0.3)",
        DistKind::Uniform => "uniform(0.1, 0.4)",
        DistKind::Normal => "normal(0.5, 0.1) or normal(0.5, 0.1, 0, 1)",
        DistKind::LogNormal => "lognormal(0, 0.5)",
        DistKind::Beta => "beta(2, 5)",
        DistKind::Pert => "pert(0.1, 0.3, 0.6)",
        DistKind::Triangular => "triangular(0.1, 0.3, 0.6)",
        DistKind::UniformInt => "uniform_int(1, 6)",
        DistKind::Bernoulli => "bernoulli(0.3)",
        DistKind::Poisson => "poisson(2.5)",
        DistKind::Choice => "choice(0.5, 0.3, 0.2)",
        DistKind::Discrete => "discrete(1, 0.5, 3, 0.5)",
        DistKind::Exponential => "exponential(0.2)",
        DistKind::Gamma => "gamma(2, 1.5)",
    }
}
