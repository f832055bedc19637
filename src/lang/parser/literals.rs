//! Literals: strings (quoted and block), regexes and numbers.

use nom::{
    Parser,
    bytes::complete::{tag, take_while},
    character::complete::digit1,
    combinator::{opt, recognize},
    sequence::pair,
};

use super::lexical::{describe_token, ident_raw, token_len};
use super::{Ctx, PError, Res, fail};
use crate::lang::ast::*;

impl Ctx {
    pub(super) fn string<'a>(&self, i: &'a str) -> Res<'a, StrLit> {
        if let Some(body) = i.strip_prefix("\"\"\"") {
            let Some(end) = body.find("\"\"\"") else {
                return fail(
                    i,
                    3,
                    "unterminated block string",
                    "this `\"\"\"` is never closed",
                    Some("close the block string with `\"\"\"`".into()),
                );
            };
            let rest = &body[end + 3..];
            return Ok((
                rest,
                StrLit {
                    value: dedent(&body[..end]),
                    block: true,
                    span: self.span(i, rest),
                },
            ));
        }
        let Some(body) = i.strip_prefix('"') else {
            return fail(
                i,
                token_len(i),
                format!(
                    "expected a string in double quotes, found {}",
                    describe_token(i)
                ),
                "expected a string",
                Some("write text between double quotes: \"…\"".into()),
            );
        };
        let mut value = String::new();
        let mut pos = 0;
        // Plain text is copied a run at a time, up to the next quote, backslash or line break.
        while let Some(k) = body[pos..].find(['"', '\\', '\n', '\r']) {
            let n = pos + k;
            value.push_str(&body[pos..n]);
            match body.as_bytes()[n] {
                b'"' => {
                    let rest = &body[n + 1..];
                    return Ok((
                        rest,
                        StrLit {
                            value,
                            block: false,
                            span: self.span(i, rest),
                        },
                    ));
                }
                b'\\' => match body[n + 1..].chars().next() {
                    Some('"') => value.push('"'),
                    Some('\\') => value.push('\\'),
                    Some('n') => value.push('\n'),
                    Some(other) => {
                        return fail(
                            &body[n..],
                            1 + other.len_utf8(),
                            format!("unknown escape `\\{other}` in a string"),
                            "unknown escape",
                            Some("the escapes are \\\" \\\\ and \\n".into()),
                        );
                    }
                    None => break,
                },
                _ => {
                    // A line break and the indentation around it become one space.
                    while value.ends_with([' ', '\t']) {
                        value.pop();
                    }
                    let after = body[n..].trim_start_matches([' ', '\t', '\r', '\n']);
                    if !value.is_empty() {
                        value.push(' ');
                    }
                    pos = body.len() - after.len();
                    continue;
                }
            }
            // An escape: a backslash and one ASCII character.
            pos = n + 2;
        }
        fail(
            i,
            1,
            "unterminated string",
            "this string is never closed",
            Some("close the string with `\"`".into()),
        )
    }

    pub(super) fn regex<'a>(&self, i: &'a str) -> Res<'a, RegexLit> {
        let Some(body) = i.strip_prefix('/') else {
            return fail(
                i,
                token_len(i),
                format!("expected a regex in slashes, found {}", describe_token(i)),
                "expected /regex/",
                None,
            );
        };
        let mut pattern = String::new();
        let mut chars = body.char_indices();
        while let Some((n, c)) = chars.next() {
            match c {
                '/' => {
                    let after = &body[n + 1..];
                    let (rest, flags) =
                        take_while::<_, &str, PError>(|c: char| c.is_ascii_alphabetic())
                            .parse(after)
                            .unwrap_or((after, ""));
                    if let Some(bad) = flags.chars().find(|&f| f != 'c') {
                        return fail(
                            after,
                            flags.len(),
                            format!("unknown regex flag `{bad}`"),
                            "unknown flag",
                            Some(
                                "the only flag is `c`: match the original text, case-sensitive"
                                    .into(),
                            ),
                        );
                    }
                    return Ok((
                        rest,
                        RegexLit {
                            pattern,
                            flags: flags.to_string(),
                            span: self.span(i, rest),
                        },
                    ));
                }
                '\\' => match chars.next() {
                    Some((_, '/')) => pattern.push('/'),
                    Some((_, other)) => {
                        pattern.push('\\');
                        pattern.push(other);
                    }
                    None => break,
                },
                '\n' => break,
                _ => pattern.push(c),
            }
        }
        fail(
            i,
            1,
            "unterminated regex",
            "this regex is never closed",
            Some("close the regex with `/` on the same line (write `\\/` for a slash)".into()),
        )
    }

    pub(super) fn number_lit<'a>(&self, i: &'a str) -> Res<'a, NumLit> {
        let r: Res<'a, &str> = recognize(pair(digit1, opt(pair(tag("."), digit1)))).parse(i);
        match r {
            Ok((rest, text)) => Ok((
                rest,
                NumLit {
                    value: text.parse().unwrap_or(0.0),
                    text: text.to_string(),
                    span: self.span(i, rest),
                },
            )),
            Err(_) => fail(
                i,
                token_len(i),
                format!("expected a number, found {}", describe_token(i)),
                "expected a number",
                None,
            ),
        }
    }

    pub(super) fn number<'a>(&self, i: &'a str) -> Res<'a, Number> {
        if i.starts_with(|c: char| c.is_ascii_digit()) {
            let (rest, n) = self.number_lit(i)?;
            Ok((rest, Number::Lit(n)))
        } else if ident_raw(i).is_ok() {
            let (rest, id) = self.name(i, "a number or a param name")?;
            Ok((rest, Number::Param(id)))
        } else {
            fail(
                i,
                token_len(i),
                format!(
                    "expected a number or a param name, found {}",
                    describe_token(i)
                ),
                "expected a number",
                None,
            )
        }
    }
}

/// Removes the common indentation of a block string, and the line break after `"""` and
/// before the closing `"""`.
fn dedent(s: &str) -> String {
    let s = s
        .strip_prefix("\r\n")
        .or_else(|| s.strip_prefix('\n'))
        .unwrap_or(s);
    let s = s.trim_end_matches([' ', '\t']);
    let s = s.strip_suffix('\n').unwrap_or(s);
    let s = s.strip_suffix('\r').unwrap_or(s);
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    s.lines()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
