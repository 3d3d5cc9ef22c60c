//! `mixture(w1, d1, w2, d2, ...)`: a draw from one of several distributions (experts'
//! views pooled), written out as a `choice` of the component and the components' draws.

use super::*;
use crate::expr::BinOp;

impl Checker {
    /// The mixture as `if(k == 0, d1, if(k == 1, d2, ...))` with `k = choice(w1, w2, ...)`:
    /// the choice and every component draw from streams of their own (each a draw site),
    /// so a variant that changes one component leaves the others' draws unchanged.
    pub(super) fn mixture(
        &mut self,
        span: Span,
        args: &[expr::Expr],
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
        site: &mut u32,
    ) -> Option<MExpr> {
        if !args.len().is_multiple_of(2) {
            self.diags.push(
                Diagnostic::new(
                    span,
                    format!("`mixture` takes (weight, distribution) pairs, got {} arguments", args.len()),
                )
                .help("write e.g. mixture(0.6, pert(1, 2, 4), 0.4, normal(5, 1)): a weight before each distribution"),
            );
            return None;
        }
        let mut ok = true;
        for pair in args.chunks_exact(2) {
            let is_draw = matches!(&pair[1].kind, ExprKind::Call { name, .. }
                if matches!(builtins::lookup(name, 0), Some(Builtin::Random(_))));
            if !is_draw {
                self.diags.push(
                    Diagnostic::new(
                        text.span_of(pair[1].span.clone()),
                        format!("each part of `mixture` is a distribution, such as normal(5, 1) (in `{owner}`)"),
                    )
                    .help("write the weight, then the distribution: mixture(0.6, pert(1, 2, 4), 0.4, normal(5, 1)); for a fixed value, write fixed(3)"),
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let weights: Vec<Option<MExpr>> = args
            .iter()
            .step_by(2)
            .map(|w| self.resolve(w, text, ctx, owner, site))
            .collect();
        let weights = weights.into_iter().collect::<Option<Vec<_>>>()?;
        let consts: Option<Vec<f64>> = weights.iter().map(const_value).collect();
        if let Some(values) = consts
            && Dist::new(DistKind::Choice, &values).is_err()
        {
            let message = match values.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
                Some(i) => format!(
                    "the weight of part {} is {}, not a number >= 0",
                    i + 1,
                    values[i]
                ),
                None => "its weights do not have a positive sum".to_string(),
            };
            self.diags.push(
                Diagnostic::new(span, format!("invalid mixture in `{owner}`: {message}"))
                    .help("the weights are the chances of each part, up to a common factor: e.g. 0.6 and 0.4, or 3 and 2"),
            );
            return None;
        }
        let choice_site = *site;
        *site += 1;
        let parts: Vec<Option<MExpr>> = args
            .iter()
            .skip(1)
            .step_by(2)
            .map(|d| self.resolve(d, text, ctx, owner, site))
            .collect();
        let parts = parts.into_iter().collect::<Option<Vec<_>>>()?;
        let index = MExpr::Random {
            kind: DistKind::Choice,
            args: weights,
            site: choice_site,
        };
        let mut parts = parts.into_iter().enumerate().rev();
        let (_, last) = parts.next()?;
        Some(parts.fold(last, |rest, (i, part)| {
            MExpr::If(
                Box::new(MExpr::Binary(
                    BinOp::Eq,
                    Box::new(index.clone()),
                    Box::new(MExpr::Const(i as f64)),
                )),
                Box::new(part),
                Box::new(rest),
            )
        }))
    }
}
