//! Tokens of the expression language.

use std::ops::Range;

use super::parse::ParseError;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Num(f64),
    Ident(String),
    /// Text in quotes, `"2026-06"` or `'2026-06'`: a calendar date.
    Text(String),
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    LParen,
    RParen,
    /// `[` and `]`: an element of an array, `violence[north]`.
    LBracket,
    RBracket,
    Comma,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    And,
    Or,
    Not,
    If,
    Then,
    Else,
    True,
    False,
    Eof,
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Num(n) => format!("number `{n}`"),
            Tok::Ident(s) => format!("name `{s}`"),
            Tok::Text(s) => format!("text \"{s}\""),
            Tok::Eof => "end of expression".to_string(),
            other => format!("`{}`", other.text()),
        }
    }

    fn text(&self) -> &'static str {
        match self {
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Caret => "^",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::If => "if",
            Tok::Then => "then",
            Tok::Else => "else",
            Tok::True => "true",
            Tok::False => "false",
            Tok::Num(_) | Tok::Ident(_) | Tok::Text(_) | Tok::Eof => "",
        }
    }
}

/// Words the language reserves; they cannot name variables.
pub const KEYWORDS: &[&str] = &["and", "or", "not", "if", "then", "else", "true", "false"];

/// Split an expression into tokens, each with its byte range. The last token
/// is always `Eof`. Returns every lexical error found, not only the first.
pub fn lex(text: &str) -> Result<Vec<(Tok, Range<usize>)>, Vec<ParseError>> {
    let bytes = text.as_bytes();
    let mut toks = Vec::new();
    let mut errors = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s = &text[start..i];
            match s.parse::<f64>() {
                Ok(v) if v.is_infinite() => errors.push(
                    ParseError::new(start..i, format!("`{s}` is too large a number"))
                        .help("numbers must be below about 1.8e308"),
                ),
                Ok(v) => toks.push((Tok::Num(v), start..i)),
                Err(_) => errors.push(ParseError::new(start..i, format!("`{s}` is not a number"))),
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &text[start..i];
            let tok = match word {
                "and" => Tok::And,
                "or" => Tok::Or,
                "not" => Tok::Not,
                "if" => Tok::If,
                "then" => Tok::Then,
                "else" => Tok::Else,
                "true" => Tok::True,
                "false" => Tok::False,
                _ => Tok::Ident(word.to_string()),
            };
            toks.push((tok, start..i));
            continue;
        }
        if c == b'"' || c == b'\'' {
            match text[i + 1..].find(c as char) {
                Some(len) => {
                    let inner = &text[i + 1..i + 1 + len];
                    toks.push((Tok::Text(inner.to_string()), start..i + len + 2));
                    i += len + 2;
                }
                None => {
                    errors.push(
                        ParseError::new(start..text.len(), "text in quotes is not closed")
                            .help("close it with the same quote it opens with, e.g. '2026-06'"),
                    );
                    i = text.len();
                }
            }
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            (b'<', Some(b'=')) => (Tok::Le, 2),
            (b'<', Some(b'>')) => {
                errors.push(
                    ParseError::new(start..start + 2, "`<>` is not an operator here")
                        .help("write `!=` for \"not equal\""),
                );
                (Tok::Ne, 2)
            }
            (b'>', Some(b'=')) => (Tok::Ge, 2),
            (b'=', Some(b'=')) => (Tok::EqEq, 2),
            (b'!', Some(b'=')) => (Tok::Ne, 2),
            (b'&', Some(b'&')) => {
                errors.push(
                    ParseError::new(start..start + 2, "`&&` is not an operator here")
                        .help("write `and`"),
                );
                (Tok::And, 2)
            }
            (b'|', Some(b'|')) => {
                errors.push(
                    ParseError::new(start..start + 2, "`||` is not an operator here")
                        .help("write `or`"),
                );
                (Tok::Or, 2)
            }
            (b'*', Some(b'*')) => {
                errors.push(
                    ParseError::new(start..start + 2, "`**` is not an operator here")
                        .help("write `^` for powers"),
                );
                (Tok::Caret, 2)
            }
            (b'+', _) => (Tok::Plus, 1),
            (b'-', _) => (Tok::Minus, 1),
            (b'*', _) => (Tok::Star, 1),
            (b'/', _) => (Tok::Slash, 1),
            (b'%', _) => (Tok::Percent, 1),
            (b'^', _) => (Tok::Caret, 1),
            (b'(', _) => (Tok::LParen, 1),
            (b')', _) => (Tok::RParen, 1),
            (b'[', _) => (Tok::LBracket, 1),
            (b']', _) => (Tok::RBracket, 1),
            (b',', _) => (Tok::Comma, 1),
            (b'<', _) => (Tok::Lt, 1),
            (b'>', _) => (Tok::Gt, 1),
            (b'=', _) => {
                errors.push(
                    ParseError::new(start..start + 1, "`=` is not an operator in expressions")
                        .help("write `==` to compare"),
                );
                (Tok::EqEq, 1)
            }
            (b'!', _) => {
                errors.push(
                    ParseError::new(start..start + 1, "`!` is not an operator here")
                        .help("write `not`"),
                );
                (Tok::Not, 1)
            }
            _ => {
                let ch = text[start..].chars().next().unwrap_or('?');
                let len = ch.len_utf8();
                errors.push(ParseError::new(start..start + len, format!("unexpected character `{ch}`")).help(
                    "expressions use numbers, names, + - * / % ^, comparisons, and/or/not, if/then/else and function calls",
                ));
                i += len;
                continue;
            }
        };
        toks.push((tok, start..start + len));
        i += len;
    }
    toks.push((Tok::Eof, text.len()..text.len()));
    if errors.is_empty() {
        Ok(toks)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        lex(text).unwrap().into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn numbers_names_and_operators() {
        assert_eq!(
            kinds("1.5e-3*x_1 <= .5"),
            vec![
                Tok::Num(1.5e-3),
                Tok::Star,
                Tok::Ident("x_1".into()),
                Tok::Le,
                Tok::Num(0.5),
                Tok::Eof
            ]
        );
        assert_eq!(
            kinds("not a and b"),
            vec![
                Tok::Not,
                Tok::Ident("a".into()),
                Tok::And,
                Tok::Ident("b".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn foreign_operators_get_a_hint() {
        for (text, hint) in [
            ("a && b", "and"),
            ("a || b", "or"),
            ("a = b", "=="),
            ("2 ** 3", "^"),
            ("a # b", "unexpected"),
        ] {
            let errors = lex(text).unwrap_err();
            let all = format!("{errors:?}");
            assert!(all.contains(hint), "{text}: {all}");
        }
    }

    #[test]
    fn bad_number_is_reported() {
        let errors = lex("1.2.3 + 1").unwrap_err();
        assert_eq!(errors[0].span, 0..5);
    }
}
