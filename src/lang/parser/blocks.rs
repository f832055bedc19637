//! Blocks of fields: the `pack` header and `rule`s, with recovery at each field.

use super::items::recover_top;
use super::lexical::{describe_token, ident_raw, token_len, ws};
use super::{Ctx, PACK_FIELDS, RULE_FIELDS, Res, SyntaxError, TOP_KEYWORDS, fail};
use crate::lang::ast::*;

impl Ctx {
    /// One or more items separated by commas (`tags objet, public`, `stated in cctp, ccap`).
    fn list<'a>(
        &self,
        i: &'a str,
        item: impl Fn(&'a str) -> Res<'a, Ident>,
    ) -> Res<'a, Vec<Ident>> {
        let (mut rest, first) = item(i)?;
        let mut items = vec![first];
        while let Some(r) = ws(rest).strip_prefix(',') {
            let (r, next) = item(ws(r))?;
            items.push(next);
            rest = r;
        }
        Ok((rest, items))
    }

    /// Parses `{ field value … }` with recovery at each field: errors go to `errors`.
    fn fields<'a>(
        &self,
        i: &'a str,
        allowed: &[&str],
        errors: &mut Vec<SyntaxError>,
        mut field: impl FnMut(&Ident, &'a str) -> Res<'a, ()>,
    ) -> &'a str {
        let mut rest = match self.punct(
            i,
            '{',
            Some("the fields of the block go between `{` and `}`"),
        ) {
            Ok((r, _)) => r,
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                errors.push(self.error(e));
                return recover_top(i);
            }
            Err(nom::Err::Incomplete(_)) => return "",
        };
        let mut fresh_line = true;
        loop {
            let r = ws(rest);
            let on_new_line =
                std::mem::take(&mut fresh_line) || rest[..rest.len() - r.len()].contains('\n');
            if let Some(after) = r.strip_prefix('}') {
                return after;
            }
            if r.is_empty() {
                errors.push(SyntaxError {
                    span: Span::new(self.pos(r), self.pos(r)),
                    message: "unclosed block: expected `}`".into(),
                    label: "the file ends here".into(),
                    help: Some("close the block with `}`".into()),
                });
                return r;
            }
            let result = match ident_raw(r) {
                Ok((_, w)) if allowed.contains(&w) => {
                    let (after, kw) = self.ident(r, "a field").expect("checked");
                    field(&kw, ws(after))
                }
                Ok((_, w)) if TOP_KEYWORDS.contains(&w) && w != "tags" => {
                    errors.push(SyntaxError {
                        span: Span::new(self.pos(r), self.pos(r) + w.len()),
                        message: "unclosed block: expected `}`".into(),
                        label: format!("`{w}` starts a new item before the block was closed"),
                        help: Some("close the block with `}`".into()),
                    });
                    return r;
                }
                Ok((_, w)) if !on_new_line => {
                    let keywords = [
                        "near", "before", "within", "words", "and", "or", "in", "not",
                    ];
                    fail(
                        r,
                        w.len(),
                        format!("unexpected `{w}` after the field's value"),
                        "expected the end of the field",
                        Some(match crate::suggest(w, keywords) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "each field starts on a line of its own, after the previous field's value".into(),
                        }),
                    )
                }
                Ok((_, w)) => fail(
                    r,
                    w.len(),
                    format!("unknown field `{w}`"),
                    "unknown field",
                    Some(match crate::suggest(w, allowed.iter().copied()) {
                        Some(s) => {
                            format!("did you mean `{s}`? The fields are: {}", allowed.join(", "))
                        }
                        None => format!("the fields are: {}", allowed.join(", ")),
                    }),
                ),
                Err(_) => fail(
                    r,
                    token_len(r),
                    format!("expected a field or `}}`, found {}", describe_token(r)),
                    "expected a field",
                    Some(format!("the fields are: {}", allowed.join(", "))),
                ),
            };
            match result {
                Ok((after, ())) => rest = after,
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                    let at = e.at;
                    errors.push(self.error(e));
                    rest = recover_field(r, at, allowed);
                    fresh_line = true;
                }
                Err(nom::Err::Incomplete(_)) => return "",
            }
        }
    }

    pub(super) fn pack_decl<'a>(
        &self,
        i: &'a str,
        errors: &mut Vec<SyntaxError>,
    ) -> Res<'a, PackDecl> {
        let (r, _) = self.keyword(i, "pack")?;
        let (r, id) = self.name(ws(r), "a pack id")?;
        let mut decl = PackDecl {
            id,
            name: None,
            version: None,
            description: None,
            applies: None,
            span: Span::default(),
        };
        let mut dups = Vec::new();
        let rest = self.fields(ws(r), PACK_FIELDS, errors, |kw, v| match kw.name.as_str() {
            "name" => set_once(&mut decl.name, self.string(v), kw, &mut dups),
            "version" => set_once(&mut decl.version, self.string(v), kw, &mut dups),
            "description" => set_once(&mut decl.description, self.string(v), kw, &mut dups),
            _ => set_once(&mut decl.applies, self.cond(v), kw, &mut dups),
        });
        errors.extend(dups);
        decl.span = self.span(i, rest);
        Ok((rest, decl))
    }

    pub(super) fn rule_decl<'a>(
        &self,
        i: &'a str,
        errors: &mut Vec<SyntaxError>,
    ) -> Res<'a, RuleDecl> {
        let (r, _) = self.keyword(i, "rule")?;
        let (r, id) = self.ident(ws(r), "a rule id (for example MIQ101)")?;
        let mut rule = RuleDecl {
            id: Some(id),
            ..Default::default()
        };
        let mut dups = Vec::new();
        let rest = self.fields(ws(r), RULE_FIELDS, errors, |kw, v| match kw.name.as_str() {
            "tags" => {
                let (rest, tags) = self.list(v, |i| self.name(i, "a tag"))?;
                if !rule.tags.is_empty() {
                    dups.push(dup_error(kw));
                }
                rule.tags = tags;
                Ok((rest, ()))
            }
            "level" => set_once(
                &mut rule.level,
                self.name(v, "a level (error, warning or info)"),
                kw,
                &mut dups,
            ),
            "in" => set_once(&mut rule.scope, self.scope(v), kw, &mut dups),
            "stated" => {
                let (r, _) = self.keyword(v, "in")?;
                let (rest, kinds) = self.list(ws(r), |i| {
                    self.ident(i, "a document kind (rc, ccap, cctp, ae, avis, bpu)")
                })?;
                if !rule.stated.is_empty() {
                    dups.push(dup_error(kw));
                }
                rule.stated = kinds;
                Ok((rest, ()))
            }
            "when" => set_once(&mut rule.when, self.cond(v), kw, &mut dups),
            "expect" => {
                let (mut rest, c) = self.cond(v)?;
                rule.expects.push(c);
                let mut label = None;
                if ws(rest).starts_with('"') {
                    let (r, s) = self.string(ws(rest))?;
                    label = Some(s);
                    rest = r;
                }
                rule.expect_labels.push(label);
                Ok((rest, ()))
            }
            "forbid" => {
                let (rest, c) = self.cond(v)?;
                rule.forbids.push(c);
                Ok((rest, ()))
            }
            "message" => set_once(&mut rule.message, self.string(v), kw, &mut dups),
            "why" => set_once(&mut rule.why, self.string(v), kw, &mut dups),
            "fix" => set_once(&mut rule.fix, self.string(v), kw, &mut dups),
            "see" => {
                let (rest, s) = self.string(v)?;
                rule.see.push(s);
                Ok((rest, ()))
            }
            _ => {
                let (rest, example) = self.example(kw, v)?;
                rule.examples.push(example);
                Ok((rest, ()))
            }
        });
        errors.extend(dups);
        rule.span = self.span(i, rest);
        Ok((rest, rule))
    }

    /// The value of an `example` field (`kw`): `pass` or `fail`, then the text.
    fn example<'a>(&self, kw: &Ident, v: &'a str) -> Res<'a, Example> {
        let pass = match self.peek_word(v) {
            Some("pass") => true,
            Some("fail") => false,
            _ => {
                return fail(
                    v,
                    token_len(v),
                    format!(
                        "expected `pass` or `fail` after `example`, found {}",
                        describe_token(v)
                    ),
                    "expected `pass` or `fail`",
                    Some("write `example fail \"text that triggers the rule\"` or `example pass \"text that does not\"`".into()),
                );
            }
        };
        let (r, _) = self.ident(v, "pass or fail")?;
        let (rest, text) = self.string(ws(r))?;
        let span = self.span(v, rest).join(kw.span);
        Ok((rest, Example { pass, text, span }))
    }
}

fn dup_error(kw: &Ident) -> SyntaxError {
    SyntaxError {
        span: kw.span,
        message: format!("field `{}` given twice", kw.name),
        label: "second occurrence".into(),
        help: Some(format!(
            "keep a single `{}` field (only `expect`, `forbid`, `see` and `example` repeat)",
            kw.name
        )),
    }
}

fn set_once<'a, T>(
    slot: &mut Option<T>,
    parsed: Res<'a, T>,
    kw: &Ident,
    dups: &mut Vec<SyntaxError>,
) -> Res<'a, ()> {
    let (rest, v) = parsed?;
    if slot.is_some() {
        dups.push(dup_error(kw));
    }
    *slot = Some(v);
    Ok((rest, ()))
}

/// Lines of `i`, as suffixes starting at each line's first non-blank character.
pub(super) fn line_starts(i: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(i), |s| s.find('\n').map(|n| &s[n + 1..]))
        .skip(1)
        .map(|l| l.trim_start_matches([' ', '\t', '\r']))
}

/// After an error in a field: the next line (after the error) that starts a field, a `}` or a
/// top-level item.
fn recover_field<'a>(field_start: &'a str, err_at: &'a str, allowed: &[&str]) -> &'a str {
    // Resume from the line of the error, unless it lies before the field.
    let from = if err_at.len() < field_start.len() {
        err_at
    } else {
        field_start
    };
    line_starts(from)
        .find(|l| {
            l.starts_with('}')
                || matches!(ident_raw(l), Ok((_, w)) if allowed.contains(&w)
                    || TOP_KEYWORDS.contains(&w)
                    || crate::suggest(w, allowed.iter().copied()).is_some())
        })
        .unwrap_or("")
}
