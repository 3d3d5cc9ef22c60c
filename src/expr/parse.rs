//! A Pratt parser for expressions.
//!
//! Precedence, loosest first: `if/then/else`; `or`; `and`; `not`;
//! comparisons (`< <= > >= == !=`, not chainable); `+ -`; `* /`; unary `-`;
//! `^` (right-associative, so `-2^2` is -4 and `2^3^2` is 512).

use std::ops::Range;

use super::ast::{BinOp, Expr, ExprKind, UnOp};
use super::lex::{Tok, lex};

/// A syntax error, located in the expression text.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl ParseError {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> ParseError {
        ParseError {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> ParseError {
        self.help = Some(help.into());
        self
    }
}

/// Parse a whole expression. Lexical errors are all reported; parsing stops
/// at the first syntax error (the rest of the text cannot be trusted).
pub fn parse(text: &str) -> Result<Expr, Vec<ParseError>> {
    let toks = lex(text)?;
    if toks.len() > MAX_TOKENS {
        return Err(vec![
            ParseError::new(
                0..text.len(),
                format!(
                    "the expression is too long ({} tokens, at most {MAX_TOKENS})",
                    toks.len() - 1
                ),
            )
            .help("split it into named [derived] variables"),
        ]);
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    if p.peek() == &Tok::Eof {
        return Err(vec![
            ParseError::new(0..text.len(), "empty expression")
                .help("write a number or a formula, e.g. `0.5` or `trust * 0.9`"),
        ]);
    }
    let expr = p.expr(0).map_err(|e| vec![e])?;
    if p.peek() != &Tok::Eof {
        let (tok, span) = p.toks[p.pos].clone();
        let help = match tok {
            Tok::Ident(_) | Tok::Num(_) | Tok::LParen => {
                "an operator (such as `*` or `+`) is missing between two values"
            }
            Tok::RParen => "this `)` has no matching `(`",
            _ => "remove it, or complete the expression around it",
        };
        return Err(vec![
            ParseError::new(
                span,
                format!("unexpected {} after a complete expression", tok.describe()),
            )
            .help(help),
        ]);
    }
    Ok(expr)
}

/// Longest expression accepted, in tokens: every later stage recurses over
/// the tree, so its size is bounded here, where the message can be clear.
pub const MAX_TOKENS: usize = 1000;
/// Deepest nesting of parentheses, calls and operators accepted.
pub const MAX_DEPTH: usize = 64;

struct Parser {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    depth: usize,
}

const CMP_BP: u8 = 4;

fn infix(tok: &Tok) -> Option<(BinOp, u8, u8)> {
    // (operator, left binding power, right binding power)
    Some(match tok {
        Tok::Or => (BinOp::Or, 1, 2),
        Tok::And => (BinOp::And, 2, 3),
        Tok::Lt => (BinOp::Lt, CMP_BP, CMP_BP + 1),
        Tok::Le => (BinOp::Le, CMP_BP, CMP_BP + 1),
        Tok::Gt => (BinOp::Gt, CMP_BP, CMP_BP + 1),
        Tok::Ge => (BinOp::Ge, CMP_BP, CMP_BP + 1),
        Tok::EqEq => (BinOp::Eq, CMP_BP, CMP_BP + 1),
        Tok::Ne => (BinOp::Ne, CMP_BP, CMP_BP + 1),
        Tok::Plus => (BinOp::Add, 5, 6),
        Tok::Minus => (BinOp::Sub, 5, 6),
        Tok::Star => (BinOp::Mul, 6, 7),
        Tok::Slash => (BinOp::Div, 6, 7),
        Tok::Percent => (BinOp::Mod, 6, 7),
        Tok::Caret => (BinOp::Pow, 9, 8),
        _ => return None,
    })
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn span(&self) -> Range<usize> {
        self.toks[self.pos].1.clone()
    }

    fn bump(&mut self) -> (Tok, Range<usize>) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn expect(&mut self, want: Tok, context: &str) -> Result<Range<usize>, ParseError> {
        if *self.peek() == want {
            Ok(self.bump().1)
        } else {
            let found = self.peek().describe();
            Err(ParseError::new(
                self.span(),
                format!("expected {} {context}, found {found}", want.describe()),
            ))
        }
    }

    fn expr(&mut self, min_bp: u8) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(
                self.span(),
                format!("the expression is nested too deeply (more than {MAX_DEPTH} levels)"),
            )
            .help("split it into named [derived] variables"));
        }
        let result = self.expr_inner(min_bp);
        self.depth -= 1;
        result
    }

    fn expr_inner(&mut self, min_bp: u8) -> Result<Expr, ParseError> {
        let mut lhs = self.prefix()?;
        let mut last_cmp: Option<Range<usize>> = None;
        while let Some((op, lbp, rbp)) = infix(self.peek()) {
            if lbp < min_bp {
                break;
            }
            let op_span = self.bump().1;
            if lbp == CMP_BP {
                if let Some(prev) = last_cmp {
                    return Err(ParseError::new(
                        prev.start..op_span.end,
                        "comparisons cannot be chained",
                    )
                    .help("write `a < b and b < c`"));
                }
                last_cmp = Some(op_span.clone());
            }
            let rhs = self.expr(rbp)?;
            let span = lhs.span.start..rhs.span.end;
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        Ok(lhs)
    }

    fn prefix(&mut self) -> Result<Expr, ParseError> {
        let (tok, span) = self.bump();
        match tok {
            Tok::Num(v) => Ok(Expr {
                kind: ExprKind::Num(v),
                span,
            }),
            Tok::Text(s) => Ok(Expr {
                kind: ExprKind::Text(s),
                span,
            }),
            Tok::True => Ok(Expr {
                kind: ExprKind::Num(1.0),
                span,
            }),
            Tok::False => Ok(Expr {
                kind: ExprKind::Num(0.0),
                span,
            }),
            Tok::Minus => {
                // binds tighter than * but looser than ^
                let operand = self.expr(7)?;
                let span = span.start..operand.span.end;
                Ok(Expr {
                    kind: ExprKind::Unary(UnOp::Neg, Box::new(operand)),
                    span,
                })
            }
            Tok::Plus => self.expr(7),
            Tok::Not => {
                let operand = self.expr(3)?;
                let span = span.start..operand.span.end;
                Ok(Expr {
                    kind: ExprKind::Unary(UnOp::Not, Box::new(operand)),
                    span,
                })
            }
            Tok::LParen => {
                let inner = self.expr(0)?;
                if *self.peek() != Tok::RParen {
                    return Err(self.unclosed(span, "(", "`("));
                }
                let close = self.bump().1;
                Ok(Expr {
                    kind: inner.kind,
                    span: span.start..close.end,
                })
            }
            Tok::If => self.conditional(span),
            Tok::Ident(name) => {
                if *self.peek() == Tok::LParen {
                    let open = self.bump().1;
                    let (args, close) = self.args(span.start..open.end, &name)?;
                    Ok(Expr {
                        kind: ExprKind::Call {
                            name,
                            name_span: span.clone(),
                            args,
                        },
                        span: span.start..close.end,
                    })
                } else if *self.peek() == Tok::LBracket {
                    let open = self.bump().1;
                    let (indices, close) = self.indices(span.start..open.end, &name)?;
                    Ok(Expr {
                        kind: ExprKind::Index {
                            name,
                            name_span: span.clone(),
                            indices,
                        },
                        span: span.start..close.end,
                    })
                } else {
                    Ok(Expr {
                        kind: ExprKind::Name(name),
                        span,
                    })
                }
            }
            Tok::Eof => Err(ParseError::new(span, "the expression ends too early")
                .help("a value is missing after the last operator")),
            other => {
                let after_percent = self.pos >= 2 && self.toks[self.pos - 2].0 == Tok::Percent;
                let error = ParseError::new(
                    span,
                    format!("expected a value, found {}", other.describe()),
                );
                Err(if after_percent {
                    error
                        .help("`%` is the remainder (`t % 12`), not a percentage: write 50% as 0.5")
                } else {
                    error
                })
            }
        }
    }

    /// An error for a `(` never closed: pointed at the `(`, not at the end.
    fn unclosed(&self, open: Range<usize>, what: &str, shown: &str) -> ParseError {
        let found = self.peek().describe();
        let span = if *self.peek() == Tok::Eof {
            open
        } else {
            self.span()
        };
        ParseError::new(span, format!("`{what}` is not closed (found {found})")).help(format!(
            "add `)` to close {shown}`, or a `,` between arguments"
        ))
    }

    /// After `name(`: comma-separated arguments up to `)`.
    fn args(
        &mut self,
        open: Range<usize>,
        name: &str,
    ) -> Result<(Vec<Expr>, Range<usize>), ParseError> {
        let mut args = Vec::new();
        if *self.peek() == Tok::RParen {
            return Ok((args, self.bump().1));
        }
        loop {
            args.push(self.expr(0)?);
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RParen => return Ok((args, self.bump().1)),
                _ => return Err(self.unclosed(open, &format!("{name}("), &format!("`{name}("))),
            }
        }
    }

    /// After `name[`: comma-separated indices up to `]`, each a name or a
    /// whole number.
    fn indices(
        &mut self,
        open: Range<usize>,
        name: &str,
    ) -> Result<(Vec<Expr>, Range<usize>), ParseError> {
        let mut indices = Vec::new();
        loop {
            let (tok, span) = self.bump();
            let kind = match tok {
                Tok::Ident(n) => ExprKind::Name(n),
                Tok::Num(v) => ExprKind::Num(v),
                other => {
                    return Err(ParseError::new(
                        span,
                        format!("expected an element or a dimension in `{name}[...]`, found {}", other.describe()),
                    )
                    .help(format!("write e.g. `{name}[north]` (an element) or `{name}[region]` (the element of the equation)")));
                }
            };
            indices.push(Expr { kind, span });
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RBracket => return Ok((indices, self.bump().1)),
                _ => {
                    let found = self.peek().describe();
                    let span = if *self.peek() == Tok::Eof {
                        open
                    } else {
                        self.span()
                    };
                    return Err(ParseError::new(
                        span,
                        format!("`{name}[` is not closed (found {found})"),
                    )
                    .help(format!(
                        "close it with `]`: `{name}[north]`, or separate indices with `,`"
                    )));
                }
            }
        }
    }

    /// `if c then a else b`, or the call form `if(c, a, b)`.
    fn conditional(&mut self, if_span: Range<usize>) -> Result<Expr, ParseError> {
        let cond = if *self.peek() == Tok::LParen {
            let open = self.bump().1;
            let (args, close) = self.args(if_span.start..open.end, "if")?;
            match args.len() {
                3 if *self.peek() != Tok::Then => {
                    let mut it = args.into_iter().map(Box::new);
                    let (Some(c), Some(a), Some(b)) = (it.next(), it.next(), it.next()) else {
                        return Err(ParseError::new(
                            if_span.start..close.end,
                            "`if` takes 3 arguments",
                        ));
                    };
                    return Ok(Expr {
                        kind: ExprKind::If(c, a, b),
                        span: if_span.start..close.end,
                    });
                }
                1 if *self.peek() == Tok::Then => {
                    let mut it = args.into_iter();
                    let Some(inner) = it.next() else {
                        return Err(ParseError::new(
                            if_span.start..close.end,
                            "`if` needs a condition",
                        ));
                    };
                    Expr {
                        kind: inner.kind,
                        span: if_span.end..close.end,
                    }
                }
                n => {
                    return Err(ParseError::new(if_span.start..close.end, format!("`if` takes 3 arguments, got {n}"))
                        .help("write `if(condition, value_if_true, value_if_false)` or `if condition then a else b`"));
                }
            }
        } else {
            self.expr(1)?
        };
        self.expect(Tok::Then, "after the condition of `if`")?;
        let a = self.expr(0)?;
        self.expect(Tok::Else, "in `if ... then ... else ...`")
            .map_err(|e| e.help("every `if` needs an `else` value"))?;
        let b = self.expr(0)?;
        let span = if_span.start..b.span.end;
        Ok(Expr {
            kind: ExprKind::If(Box::new(cond), Box::new(a), Box::new(b)),
            span,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Render a tree fully parenthesised, to check precedence in tables.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Num(v) => format!("{v}"),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Text(t) => format!("'{t}'"),
            ExprKind::Unary(UnOp::Neg, a) => format!("(-{})", show(a)),
            ExprKind::Unary(UnOp::Not, a) => format!("(not {})", show(a)),
            ExprKind::Binary(op, a, b) => format!("({} {} {})", show(a), op.symbol(), show(b)),
            ExprKind::If(c, a, b) => format!("if({}, {}, {})", show(c), show(a), show(b)),
            ExprKind::Index { name, indices, .. } => {
                format!(
                    "{name}[{}]",
                    indices.iter().map(show).collect::<Vec<_>>().join(", ")
                )
            }
            ExprKind::Call { name, args, .. } => {
                format!(
                    "{name}({})",
                    args.iter().map(show).collect::<Vec<_>>().join(", ")
                )
            }
        }
    }

    #[test]
    fn precedence_table() {
        let cases = [
            ("1 + 2 * 3", "(1 + (2 * 3))"),
            ("(1 + 2) * 3", "((1 + 2) * 3)"),
            ("-2^2", "(-(2 ^ 2))"),
            ("a + b % 12 * 2", "(a + ((b % 12) * 2))"),
            ("at(x, '2026-06')", "at(x, '2026-06')"),
            ("at(x, \"2026-Q3\")", "at(x, '2026-Q3')"),
            ("2^3^2", "(2 ^ (3 ^ 2))"),
            ("a - b - c", "((a - b) - c)"),
            ("a / b * c", "((a / b) * c)"),
            (
                "a < b and c >= d or not e",
                "(((a < b) and (c >= d)) or (not e))",
            ),
            ("not a == b", "(not (a == b))"),
            ("if a > 1 then b else c + 1", "if((a > 1), b, (c + 1))"),
            ("if(a, b, c) * 2", "(if(a, b, c) * 2)"),
            ("if (a) then 1 else 0", "if(a, 1, 0)"),
            ("max(a, b * 2, 3)", "max(a, (b * 2), 3)"),
            ("f()", "f()"),
            ("true + false", "(1 + 0)"),
            ("2 * -x", "(2 * (-x))"),
            ("v[north] * 2", "(v[north] * 2)"),
            (
                "sum(m[region, other] * v[other], other)",
                "sum((m[region, other] * v[other]), other)",
            ),
            ("age[3]^2", "(age[3] ^ 2)"),
        ];
        for (text, want) in cases {
            let e = parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(show(&e), want, "{text}");
        }
    }

    #[test]
    fn error_table() {
        // (input, span of the error, a word the message must contain)
        let cases = [
            ("", 0..0, "empty"),
            ("1 +", 3..3, "ends too early"),
            ("(1 + 2", 0..1, "not closed"),
            ("logistic((x - 1)", 0..9, "`logistic(` is not closed"),
            ("a b", 2..3, "unexpected name"),
            ("1 < 2 < 3", 2..7, "chained"),
            ("if a then b", 11..11, "else"),
            ("if(a, b)", 0..8, "3 arguments"),
            ("max(1, 2", 0..4, "`max(` is not closed"),
            ("a <> b", 2..4, "`<>`"),
            ("1e999", 0..5, "too large"),
            ("1 + )", 4..5, "expected a value"),
            ("v[north", 0..2, "`v[` is not closed"),
            ("v[1 + 2]", 4..5, "`v[` is not closed"),
            ("v[]", 2..3, "expected an element"),
        ];
        for (text, span, word) in cases {
            let errs = parse(text).expect_err(text);
            assert_eq!(errs[0].span, span, "{text}: {errs:?}");
            assert!(
                errs[0].message.contains(word),
                "{text}: {}",
                errs[0].message
            );
        }
    }

    #[test]
    fn deep_or_long_expressions_are_refused_not_overflowed() {
        let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
        assert!(
            parse(&deep).unwrap_err()[0]
                .message
                .contains("nested too deeply")
        );
        let long = vec!["1"; 5000].join(" + ");
        assert!(parse(&long).unwrap_err()[0].message.contains("too long"));
        let fine = vec!["x"; 400].join(" + ");
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn spans_cover_their_text() {
        let text = "trust + max(a, 2)";
        let e = parse(text).unwrap();
        assert_eq!(e.span, 0..text.len());
        if let ExprKind::Binary(_, _, rhs) = &e.kind {
            assert_eq!(&text[rhs.span.clone()], "max(a, 2)");
        } else {
            panic!("not a binary node");
        }
    }
}
