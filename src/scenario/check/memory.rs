//! Functions with memory (`prev`, `delay_fixed`, `smooth`, `smooth3`, `delay1`, `delay3`,
//! `trend`) and the test inputs (`step`, `ramp`, `pulse`): where they may sit, and the rules
//! of their lags, times and initial values.

use super::*;
use crate::expr::BinOp;
use crate::expr::builtins::{Func, Input, Memory};

impl Checker {
    /// A call of a function with memory, in a derived variable, event or state update.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn memory(
        &mut self,
        kind: Memory,
        span: Span,
        args: &[expr::Expr],
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
        site: &mut u32,
    ) -> Option<MExpr> {
        let name = kind.name();
        if ctx != Ctx::Step {
            let help = if matches!(ctx, Ctx::Outcome | Ctx::AggArg) {
                format!(
                    "compute it in a derived variable, e.g. `smoothed = \"{name}(...)\"`, and use that variable here"
                )
            } else {
                "use it in a derived variable, an event or a state's update".to_string()
            };
            self.diags.push(
                Diagnostic::new(
                    span,
                    format!(
                        "`{name}` keeps state from step to step, so it cannot be used in `{owner}`"
                    ),
                )
                .help(help),
            );
            return None;
        }
        let (input, lag, time) = if kind.is_lag() {
            let input = if kind == Memory::Prev {
                self.prev_input(&args[0], text, owner)
            } else {
                self.resolve(&args[0], text, ctx, owner, site)
            };
            let lag = match args.get(1) {
                Some(k) => self.lag(k, name, text, owner, site),
                None => Some(1),
            };
            (input, lag, None)
        } else {
            let input = self.resolve(&args[0], text, ctx, owner, site);
            let time = self.delay_time(kind, &args[1], text, owner, site);
            (input, Some(0), time.map(Box::new))
        };
        let init = match args.get(2) {
            Some(a) => Some(Box::new(self.resolve(a, text, Ctx::Fixed, owner, site)?)),
            None => None,
        };
        let (input, lag) = (input?, lag?);
        if !kind.is_lag() && time.is_none() {
            return None;
        }
        let id = self.memories;
        self.memories += 1;
        Some(MExpr::Memory {
            kind,
            input: Box::new(input),
            time,
            init,
            lag,
            id,
        })
    }

    /// `prev`'s first argument: the name of a state, derived variable or event.
    fn prev_input(&mut self, arg: &expr::Expr, text: &ExprText, owner: &str) -> Option<MExpr> {
        let span = text.span_of(arg.span.clone());
        let ExprKind::Name(name) = &arg.kind else {
            self.diags.push(
                Diagnostic::new(span, format!("`prev` needs the name of a variable (in `{owner}`)"))
                    .help("for the value of an expression some steps ago, use delay_fixed(expression, k, init)"),
            );
            return None;
        };
        let resolved = self.name(name, span, Ctx::Step, owner)?;
        match resolved {
            MExpr::Var(id) if self.vars[id.0 as usize].1 == "parameter" => {
                self.diags.push(
                    Diagnostic::new(span, format!("`{name}` is a parameter, the same at every step, so `prev({name})` is `{name}`"))
                        .help("use `prev` on a state, derived variable or event"),
                );
                None
            }
            MExpr::Var(_) => Some(resolved),
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        span,
                        format!("`prev` needs the name of a variable, not `{name}` (in `{owner}`)"),
                    )
                    .help("for an expression of `t`, write the expression with `t - k`"),
                );
                None
            }
        }
    }

    /// A lag: a whole number of steps from 1 to the horizon.
    fn lag(
        &mut self,
        arg: &expr::Expr,
        name: &str,
        text: &ExprText,
        owner: &str,
        site: &mut u32,
    ) -> Option<u32> {
        let span = text.span_of(arg.span.clone());
        let k = self
            .resolve(arg, text, Ctx::Fixed, owner, site)
            .as_ref()
            .and_then(const_value);
        match k {
            Some(k) if k.fract() == 0.0 && (1.0..=f64::from(self.steps)).contains(&k) => {
                Some(k as u32)
            }
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "the lag of `{name}` must be a whole number of steps from 1 to {}",
                            self.steps
                        ),
                    )
                    .help(format!(
                        "write e.g. `{name}(x, 3, 0)`: x as it was 3 steps ago, 0 before that"
                    )),
                );
                None
            }
        }
    }

    /// A smoothing or delay time: fixed for the run, and when it is a constant, long
    /// enough for a step-by-step integration (a step per stage).
    fn delay_time(
        &mut self,
        kind: Memory,
        arg: &expr::Expr,
        text: &ExprText,
        owner: &str,
        site: &mut u32,
    ) -> Option<MExpr> {
        let time = self.resolve(arg, text, Ctx::Fixed, owner, site)?;
        let least = kind.stages() as f64;
        if let Some(v) = const_value(&time)
            && !(v >= least && v.is_finite())
        {
            let per_stage = if kind.stages() > 1 {
                " (a step for each of its 3 stages)"
            } else {
                ""
            };
            self.diags.push(
                Diagnostic::new(
                    text.span_of(arg.span.clone()),
                    format!(
                        "the time of `{}` must be at least {least} step{}{per_stage}, got {v}",
                        kind.name(),
                        if least == 1.0 { "" } else { "s" }
                    ),
                )
                .help("the state is advanced once a step, so a shorter time would overshoot; for a faster response, use a shorter step_unit"),
            );
            return None;
        }
        Some(time)
    }

    /// `step`, `ramp` and `pulse`, written out as the expressions of `t` they stand for.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn test_input(
        &mut self,
        input: Input,
        span: Span,
        args: &[expr::Expr],
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
        site: &mut u32,
    ) -> Option<MExpr> {
        if matches!(ctx, Ctx::Param | Ctx::Init | Ctx::Fixed) {
            self.diags.push(
                Diagnostic::new(
                    span,
                    format!(
                        "`{}` depends on the step `t`, which is not defined in `{owner}`, set before step 1",
                        input.name()
                    ),
                )
                .help("use it in updates, derived variables, events and outcomes"),
            );
            return None;
        }
        let resolved: Vec<Option<MExpr>> = args
            .iter()
            .map(|a| self.resolve(a, text, ctx, owner, site))
            .collect();
        let args = resolved.into_iter().collect::<Option<Vec<_>>>()?;
        let t = || Box::new(MExpr::Time);
        let bin = |op, a: MExpr, b: MExpr| MExpr::Binary(op, Box::new(a), Box::new(b));
        Some(match (input, args.as_slice()) {
            // if(t >= at, height, 0)
            (Input::Step, [height, at]) => MExpr::If(
                Box::new(bin(BinOp::Ge, MExpr::Time, at.clone())),
                Box::new(height.clone()),
                Box::new(MExpr::Const(0.0)),
            ),
            // slope * (clamp(t, start, end) - start), or with no end max(t, start) - start
            (Input::Ramp, [slope, start, rest @ ..]) => {
                let held = match rest {
                    [end] => MExpr::Call(Func::Clamp, vec![*t(), start.clone(), end.clone()]),
                    _ => MExpr::Call(Func::Max, vec![*t(), start.clone()]),
                };
                bin(
                    BinOp::Mul,
                    slope.clone(),
                    bin(BinOp::Sub, held, start.clone()),
                )
            }
            // t >= start and t < start + width
            (Input::Pulse, [start, rest @ ..]) => {
                let width = rest.first().cloned().unwrap_or(MExpr::Const(1.0));
                bin(
                    BinOp::And,
                    bin(BinOp::Ge, MExpr::Time, start.clone()),
                    bin(
                        BinOp::Lt,
                        MExpr::Time,
                        bin(BinOp::Add, start.clone(), width),
                    ),
                )
            }
            _ => return None,
        })
    }
}
