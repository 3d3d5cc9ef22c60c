//! The expression language: `trust + 0.1 * repeal - if(attack, penalty, 0)`.
//!
//! Text is lexed and parsed once into an [`ast::Expr`] tree whose spans are
//! byte offsets into the expression's own text. The language knows nothing of
//! files, scenarios, threads or the engine: the scenario checker resolves names
//! and maps spans into the file, and the engine compiles resolved trees into
//! flat batched programs. [`builtins`] holds the one table of functions that
//! both the checker (arity, "did you mean") and the engine (semantics, constant
//! folding) use, so the two cannot disagree.

pub mod ast;
pub mod builtins;
pub mod lex;
pub mod math;
pub mod parse;

pub use ast::{BinOp, Expr, ExprKind, UnOp};
pub use parse::{ParseError, parse};
