//! Conditions and scopes: atoms, boolean forms, proximity, counts and windows.

use super::lexical::{describe_token, ident_raw, token_len, ws};
use super::{Ctx, PError, Res, fail};
use crate::lang::ast::*;

impl Ctx {
    pub(super) fn atom<'a>(&self, i: &'a str) -> Res<'a, Atom> {
        if i.starts_with('"') {
            let (rest, s) = self.string(i)?;
            Ok((rest, Atom::Term(s)))
        } else if i.starts_with('/') {
            let (rest, r) = self.regex(i)?;
            Ok((rest, Atom::Regex(r)))
        } else if ident_raw(i).is_ok() {
            let (rest, id) = self.name(i, "a term list or regex name")?;
            Ok((rest, Atom::Name(id)))
        } else {
            fail(
                i,
                token_len(i),
                format!("expected a condition, found {}", describe_token(i)),
                "expected a term list, a regex, \"term\" or /regex/",
                Some("a condition starts with a name, a \"term\", a /regex/, `not`, `count`, `value`, `all(`, `any(` or `(`".into()),
            )
        }
    }

    fn cmp<'a>(&self, i: &'a str) -> Res<'a, Cmp> {
        for (t, c) in [
            ("<=", Cmp::Le),
            (">=", Cmp::Ge),
            ("!=", Cmp::Ne),
            ("<", Cmp::Lt),
            (">", Cmp::Gt),
            ("=", Cmp::Eq),
        ] {
            if let Some(rest) = i.strip_prefix(t) {
                return Ok((rest, c));
            }
        }
        fail(
            i,
            token_len(i),
            format!("expected a comparison, found {}", describe_token(i)),
            "expected <, <=, >, >=, = or !=",
            None,
        )
    }

    pub(super) fn cond<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        self.nested(i, || self.cond_inner(i))
    }

    fn cond_inner<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        self.infix(i, "or", Self::and_cond, |items, span| Cond::Or {
            items,
            form: BoolForm::Infix,
            span,
        })
    }

    fn and_cond<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        self.infix(i, "and", Self::not_cond, |items, span| Cond::And {
            items,
            form: BoolForm::Infix,
            span,
        })
    }

    /// Operands parsed by `operand` and joined by the keyword `word` (`a or b or c`): one
    /// operand is itself, several are made into one condition by `join`.
    fn infix<'a>(
        &self,
        i: &'a str,
        word: &str,
        operand: impl Fn(&Self, &'a str) -> Res<'a, Cond>,
        join: impl FnOnce(Vec<Cond>, Span) -> Cond,
    ) -> Res<'a, Cond> {
        let start = i;
        let (mut rest, first) = operand(self, i)?;
        let mut items = vec![first];
        while self.peek_word(ws(rest)) == Some(word) {
            let (r, _) = self.keyword(ws(rest), word)?;
            let (r, c) = operand(self, ws(r))?;
            items.push(c);
            rest = r;
        }
        if items.len() == 1 {
            Ok((rest, items.pop().unwrap()))
        } else {
            Ok((rest, join(items, self.span(start, rest))))
        }
    }

    fn not_cond<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        if self.peek_word(i) == Some("not") {
            let (r, _) = self.keyword(i, "not")?;
            let (rest, inner) = self.nested(i, || self.not_cond(ws(r)))?;
            return Ok((
                rest,
                Cond::Not {
                    inner: Box::new(inner),
                    span: self.span(i, rest),
                },
            ));
        }
        let (rest, c) = self.primary(i)?;
        if self.peek_word(ws(rest)) == Some("in") {
            let (r, _) = self.keyword(ws(rest), "in")?;
            let (rest, scope) = self.scope(ws(r))?;
            return Ok((
                rest,
                Cond::In {
                    inner: Box::new(c),
                    scope,
                    span: self.span(i, rest),
                },
            ));
        }
        Ok((rest, c))
    }

    fn cond_list<'a>(&self, i: &'a str) -> Res<'a, Vec<Cond>> {
        let (mut rest, _) = self.punct(i, '(', None)?;
        let mut items = Vec::new();
        loop {
            let (r, c) = self.cond(ws(rest))?;
            items.push(c);
            let r = ws(r);
            if let Some(r) = r.strip_prefix(',') {
                rest = r;
                if let Some(r2) = ws(rest).strip_prefix(')') {
                    return Ok((r2, items));
                }
            } else {
                let (r, _) = self.punct(
                    r,
                    ')',
                    Some("separate conditions with `,` and close the list with `)`"),
                )?;
                return Ok((r, items));
            }
        }
    }

    /// A condition without `and` / `or` / `not`: a group, a call form (`all(…)`, `any(…)`), a
    /// `count` / `value` comparison, a mention, or an atom with what follows it.
    fn primary<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        if let Some(after) = i.strip_prefix('(') {
            return self.group(i, after);
        }
        match self.peek_word(i) {
            Some(w @ ("all" | "any")) => self.call_form(i, w),
            Some(w @ ("count" | "value")) => self.comparison(i, w),
            Some(w @ ("affirmed" | "negated" | "mentioned")) => self.mention(i, w),
            _ => {
                let (rest, a) = self.atom(i)?;
                self.after_atom(i, rest, a)
            }
        }
    }

    /// `( COND )`; `after` is the input after the opening parenthesis at `i`.
    fn group<'a>(&self, i: &'a str, after: &'a str) -> Res<'a, Cond> {
        let (r, inner) = self.cond(ws(after))?;
        let (rest, _) = self.punct(ws(r), ')', Some("close the group with `)`"))?;
        Ok((
            rest,
            Cond::Group {
                inner: Box::new(inner),
                span: self.span(i, rest),
            },
        ))
    }

    /// `all(…)` or `any(…)`, as the keyword `w` says.
    fn call_form<'a>(&self, i: &'a str, w: &str) -> Res<'a, Cond> {
        let (r, _) = self.keyword(i, w)?;
        let (rest, items) = self.cond_list(ws(r))?;
        let span = self.span(i, rest);
        let c = if w == "all" {
            Cond::And {
                items,
                form: BoolForm::Call,
                span,
            }
        } else {
            Cond::Or {
                items,
                form: BoolForm::Call,
                span,
            }
        };
        Ok((rest, c))
    }

    /// `count [distinct] ATOM CMP N` or `value ATOM CMP N`, as the keyword `w` says.
    fn comparison<'a>(&self, i: &'a str, w: &str) -> Res<'a, Cond> {
        let (mut r, _) = self.keyword(i, w)?;
        let distinct = w == "count" && self.peek_word(ws(r)) == Some("distinct");
        if distinct {
            r = self.keyword(ws(r), "distinct")?.0;
        }
        let (r, atom) = self.atom(ws(r))?;
        let (r, cmp) = self.cmp(ws(r))?;
        let (rest, n) = self.number(ws(r))?;
        let span = self.span(i, rest);
        let c = if w == "count" {
            Cond::Count {
                distinct,
                atom,
                cmp,
                n,
                span,
            }
        } else {
            Cond::Value { atom, cmp, n, span }
        };
        Ok((rest, c))
    }

    /// `affirmed ATOM`, `negated ATOM` or `mentioned ATOM`, as the keyword `w` says.
    fn mention<'a>(&self, i: &'a str, w: &str) -> Res<'a, Cond> {
        let (r, _) = self.keyword(i, w)?;
        let (rest, atom) = self.atom(ws(r))?;
        let mention = match w {
            "affirmed" => Mention::Affirmed,
            "negated" => Mention::Negated,
            _ => Mention::Any,
        };
        Ok((
            rest,
            Cond::Mention {
                mention,
                atom,
                span: self.span(i, rest),
            },
        ))
    }

    /// What follows the atom `a` (parsed from `i`, up to `rest`): `near`, `before`,
    /// `differs between documents`, or nothing.
    fn after_atom<'a>(&self, i: &'a str, rest: &'a str, a: Atom) -> Res<'a, Cond> {
        let after = ws(rest);
        match self.peek_word(after) {
            Some("near") => self.near(i, after, a),
            Some("before") => {
                let (r, _) = self.keyword(after, "before")?;
                let (mut rest, b) = self.atom(ws(r))?;
                let mut within = None;
                if self.peek_word(ws(rest)) == Some("within") {
                    let (r, w) = self.window(ws(rest))?;
                    within = Some(w);
                    rest = r;
                }
                Ok((
                    rest,
                    Cond::Before {
                        a,
                        b,
                        within,
                        span: self.span(i, rest),
                    },
                ))
            }
            Some("differs") => {
                let (r, _) = self.keyword(after, "differs")?;
                let (r, _) = self.keyword(ws(r), "between")?;
                let (rest, _) = self.keyword(ws(r), "documents")?;
                Ok((
                    rest,
                    Cond::Differs {
                        atom: a,
                        span: self.span(i, rest),
                    },
                ))
            }
            _ => Ok((rest, Cond::Atom(a))),
        }
    }

    /// `A near B within …`: `after` is the input at `near`, after the atom `a` parsed from `i`.
    fn near<'a>(&self, i: &'a str, after: &'a str, a: Atom) -> Res<'a, Cond> {
        let (r, _) = self.keyword(after, "near")?;
        let (r, b) = self.atom(ws(r))?;
        let r = ws(r);
        if self.peek_word(r) != Some("within") {
            return Err(nom::Err::Failure(PError {
                at: r,
                len: token_len(r),
                message: format!(
                    "expected `within N words` after `near`, found {}",
                    describe_token(r)
                ),
                label: "expected `within`".into(),
                help: Some("write `A near B within 20 words` or `A near B within sentence`".into()),
                generic: false,
            }));
        }
        let (rest, within) = self.window(r)?;
        Ok((
            rest,
            Cond::Near {
                a,
                b,
                within,
                span: self.span(i, rest),
            },
        ))
    }

    /// `within N words`, `within sentence|cell|row|item|paragraph`, then `across paragraphs`.
    fn window<'a>(&self, i: &'a str) -> Res<'a, Window> {
        let (r, _) = self.keyword(i, "within")?;
        let r = ws(r);
        let mut window = Window {
            words: None,
            unit: None,
            across: false,
        };
        let mut rest = match self.peek_word(r).and_then(Unit::parse) {
            Some(unit) => {
                let (rest, word) = self.ident(r, "a unit")?;
                window.unit = Some((unit, word));
                rest
            }
            None => {
                let (r, n) = self.number(r)?;
                let (rest, _) = self.keyword(ws(r), "words").map_err(|_| {
                    let r = ws(r);
                    nom::Err::Failure(PError {
                        at: r,
                        len: token_len(r),
                        message: format!("expected `words`, found {}", describe_token(r)),
                        label: "expected `words`".into(),
                        help: Some(
                            "write `within 20 words`, or `within sentence`, `within cell`, \
                             `within row`, `within item`, `within paragraph`"
                                .into(),
                        ),
                        generic: false,
                    })
                })?;
                window.words = Some(n);
                rest
            }
        };
        if self.peek_word(ws(rest)) == Some("across") {
            let (r, _) = self.keyword(ws(rest), "across")?;
            let (r, _) = self.keyword(ws(r), "paragraphs")?;
            window.across = true;
            rest = r;
        }
        Ok((rest, window))
    }

    pub(super) fn scope<'a>(&self, i: &'a str) -> Res<'a, Scope> {
        if self.peek_word(i) == Some("first") {
            let (r, _) = self.keyword(i, "first")?;
            let (r, n) = self.number(ws(r))?;
            let (r, _) = self.keyword(ws(r), "words")?;
            let (r, _) = self.keyword(ws(r), "of")?;
            let (rest, inner) = self.nested(i, || self.scope(ws(r)))?;
            return Ok((
                rest,
                Scope::First {
                    n,
                    inner: Box::new(inner),
                    span: self.span(i, rest),
                },
            ));
        }
        let (mut rest, first) = self.name(i, "a scope (document, tender, a kind or a section)")?;
        let mut second = None;
        if let Some(r) = rest.strip_prefix('.') {
            let (r, s) = self.name(r, "a section name")?;
            second = Some(s);
            rest = r;
        }
        Ok((
            rest,
            Scope::Path {
                first,
                second,
                span: self.span(i, rest),
            },
        ))
    }
}
