//! Syntax tree of an expression, spans relative to the expression text.

use std::ops::Range;

/// A parsed expression node with the byte range it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Num(f64),
    Name(String),
    /// Text in quotes: a calendar date such as `'2026-06'`, which only
    /// `at(x, date)` accepts.
    Text(String),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `if c then a else b` or `if(c, a, b)`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call {
        name: String,
        name_span: Range<usize>,
        args: Vec<Expr>,
    },
    /// An element of an array: `violence[north]`, `neighbours[region, other]`.
    /// Each index is an element's name, a dimension's name or a whole number.
    Index {
        name: String,
        name_span: Range<usize>,
        indices: Vec<Expr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    /// `a % b`: the remainder of a / b, always in [0, |b|) (NaN when b is 0).
    Mod,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

/// Whether a value counts as "yes": any number but 0 and none (NaN).
#[inline(always)]
pub fn truthy(x: f64) -> bool {
    x != 0.0 && !x.is_nan()
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Pow => "^",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    /// True for operators whose result is a yes/no (1 or 0).
    pub fn is_logical(self) -> bool {
        matches!(
            self,
            BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::Eq
                | BinOp::Ne
                | BinOp::And
                | BinOp::Or
        )
    }

    /// The operator's meaning on numbers; booleans are 1 and 0.
    #[inline(always)]
    pub fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            BinOp::Mod => a.rem_euclid(b),
            BinOp::Pow => a.powf(b),
            BinOp::Lt => f64::from(a < b),
            BinOp::Le => f64::from(a <= b),
            BinOp::Gt => f64::from(a > b),
            BinOp::Ge => f64::from(a >= b),
            BinOp::Eq => f64::from(a == b),
            BinOp::Ne => f64::from(a != b),
            BinOp::And => f64::from(truthy(a) && truthy(b)),
            BinOp::Or => f64::from(truthy(a) || truthy(b)),
        }
    }
}

impl Expr {
    /// Visit every node, parents before children.
    pub fn walk(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Num(_) | ExprKind::Name(_) | ExprKind::Text(_) => {}
            ExprKind::Unary(_, a) => a.walk(f),
            ExprKind::Binary(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::If(c, a, b) => {
                c.walk(f);
                a.walk(f);
                b.walk(f);
            }
            ExprKind::Call { args, .. } | ExprKind::Index { indices: args, .. } => {
                args.iter().for_each(|a| a.walk(f))
            }
        }
    }
}
