//! Lexical pieces: white space and comments, identifiers, keywords and punctuation.

use nom::{
    Parser,
    bytes::complete::take_while,
    character::complete::{char, satisfy},
    combinator::recognize,
    sequence::pair,
};

use super::{Ctx, PError, RESERVED, Res, fail};
use crate::lang::ast::*;

/// The length of the word (or the single character) at the start of `i`, for labels.
pub(super) fn token_len(i: &str) -> usize {
    let word = i
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map(|(n, _)| n)
        .unwrap_or(i.len());
    if word > 0 {
        word
    } else {
        i.chars().next().map(char::len_utf8).unwrap_or(0)
    }
}

pub(super) fn describe_token(i: &str) -> String {
    if i.is_empty() {
        "end of file".to_string()
    } else {
        format!("`{}`", &i[..token_len(i)])
    }
}

/// Skips white space and `#` comments.
pub fn ws(mut i: &str) -> &str {
    loop {
        let t = i.trim_start();
        if let Some(rest) = t.strip_prefix('#') {
            i = rest.find('\n').map(|n| &rest[n..]).unwrap_or("");
        } else {
            return t;
        }
    }
}

pub(super) fn ident_raw(i: &str) -> Res<'_, &str> {
    recognize(pair(
        satisfy(|c| c.is_alphabetic()),
        take_while(|c: char| c.is_alphanumeric() || c == '_' || c == '-'),
    ))
    .parse(i)
}

impl Ctx {
    pub(super) fn ident<'a>(&self, i: &'a str, what: &str) -> Res<'a, Ident> {
        match ident_raw(i) {
            Ok((rest, name)) => Ok((
                rest,
                Ident {
                    name: name.to_string(),
                    span: self.span(i, rest),
                },
            )),
            Err(_) => fail(
                i,
                token_len(i),
                format!("expected {what}, found {}", describe_token(i)),
                format!("expected {what}"),
                None,
            ),
        }
    }

    /// An identifier that is not a reserved word of conditions.
    pub(super) fn name<'a>(&self, i: &'a str, what: &str) -> Res<'a, Ident> {
        let (rest, id) = self.ident(i, what)?;
        if RESERVED.contains(&id.name.as_str()) {
            return fail(
                i,
                id.span.len,
                format!("`{}` is a keyword, not {what}", id.name),
                "keyword used as a name",
                Some(format!(
                    "write {what} here; reserved words are: {}",
                    RESERVED.join(", ")
                )),
            );
        }
        Ok((rest, id))
    }

    pub(super) fn keyword<'a>(&self, i: &'a str, kw: &str) -> Res<'a, Span> {
        match ident_raw(i) {
            Ok((rest, w)) if w == kw => Ok((rest, self.span(i, rest))),
            _ => fail(
                i,
                token_len(i),
                format!("expected `{kw}`, found {}", describe_token(i)),
                format!("expected `{kw}`"),
                None,
            ),
        }
    }

    pub(super) fn punct<'a>(&self, i: &'a str, c: char, help: Option<&str>) -> Res<'a, ()> {
        match char::<&str, PError>(c).parse(i) {
            Ok((rest, _)) => Ok((rest, ())),
            Err(_) => fail(
                i,
                token_len(i),
                format!("expected `{c}`, found {}", describe_token(i)),
                format!("expected `{c}`"),
                help.map(str::to_string),
            ),
        }
    }

    pub(super) fn peek_word<'a>(&self, i: &'a str) -> Option<&'a str> {
        ident_raw(i).ok().map(|(_, w)| w)
    }
}
