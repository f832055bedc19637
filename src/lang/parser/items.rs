//! Top-level items: term lists, regexes, params, tags and sections.

use super::blocks::line_starts;
use super::lexical::{describe_token, ident_raw, token_len, ws};
use super::{Ctx, Res, SyntaxError, TOP_KEYWORDS, fail};
use crate::lang::ast::*;

impl Ctx {
    fn terms_decl<'a>(&self, i: &'a str) -> Res<'a, TermsDecl> {
        let (r, _) = self.keyword(i, "terms")?;
        let (r, name) = self.name(ws(r), "a term list name")?;
        let (r, _) = self.punct(ws(r), '=', Some("write `terms NAME = \"term\" | \"term\"`"))?;
        let (mut rest, t) = self.string(ws(r))?;
        let mut terms = vec![t];
        while let Some(r) = ws(rest).strip_prefix('|') {
            let (r, t) = self.string(ws(r))?;
            terms.push(t);
            rest = r;
        }
        Ok((
            rest,
            TermsDecl {
                name,
                terms,
                span: self.span(i, rest),
            },
        ))
    }

    fn regex_decl<'a>(&self, i: &'a str) -> Res<'a, RegexDecl> {
        let (r, _) = self.keyword(i, "regex")?;
        let (r, name) = self.name(ws(r), "a regex name")?;
        let (r, _) = self.punct(ws(r), '=', Some("write `regex NAME = /pattern/`"))?;
        let (rest, regex) = self.regex(ws(r))?;
        Ok((
            rest,
            RegexDecl {
                name,
                regex,
                span: self.span(i, rest),
            },
        ))
    }

    fn param_decl<'a>(&self, i: &'a str) -> Res<'a, ParamDecl> {
        let (r, _) = self.keyword(i, "param")?;
        let (r, name) = self.name(ws(r), "a param name")?;
        let (r, _) = self.punct(ws(r), '=', Some("write `param NAME = 50`"))?;
        let (rest, value) = self.number_lit(ws(r))?;
        Ok((
            rest,
            ParamDecl {
                name,
                value,
                span: self.span(i, rest),
            },
        ))
    }

    fn tag_decl<'a>(&self, i: &'a str) -> Res<'a, TagDecl> {
        let (r, _) = self.keyword(i, "tag")?;
        let (r, name) = self.name(ws(r), "a tag name")?;
        let (rest, description) = self.string(ws(r))?;
        Ok((
            rest,
            TagDecl {
                name,
                description,
                span: self.span(i, rest),
            },
        ))
    }

    fn section_decl<'a>(&self, i: &'a str) -> Res<'a, SectionDecl> {
        let (r, _) = self.keyword(i, "section")?;
        let (r, name) = self.name(ws(r), "a section name")?;
        let (mut rest, _) =
            self.punct(ws(r), '=', Some("write `section NAME = heading /regex/`"))?;
        let mut alts = Vec::new();
        let mut fallback = false;
        loop {
            let r = ws(rest);
            let kind = match self.peek_word(r) {
                Some("heading") => SectionAltKind::Heading,
                Some("block") => SectionAltKind::Block,
                Some("title") => SectionAltKind::Title,
                Some("label") => SectionAltKind::Label,
                _ => {
                    return fail(
                        r,
                        token_len(r),
                        format!("expected `heading`, `block`, `label` or `title`, found {}", describe_token(r)),
                        "expected `heading`, `block`, `label` or `title`",
                        Some("a section is found by its heading (`heading /objet du marche/`), by a paragraph (`block /a pour objet/`), by a field's label (`label /objet/`) or in the document's title (`title /insertion/`)".into()),
                    );
                }
            };
            let word = match kind {
                SectionAltKind::Heading => "heading",
                SectionAltKind::Block => "block",
                SectionAltKind::Title => "title",
                SectionAltKind::Label => "label",
            };
            let (r, _) = self.keyword(r, word)?;
            let (r, atom) = self.atom(ws(r))?;
            alts.push(SectionAlt {
                kind,
                atom,
                fallback,
            });
            rest = r;
            match self.peek_word(ws(rest)) {
                Some("or") => {
                    rest = self.keyword(ws(rest), "or")?.0;
                    fallback = false;
                }
                Some("else") => {
                    rest = self.keyword(ws(rest), "else")?.0;
                    fallback = true;
                }
                _ => break,
            }
        }
        Ok((
            rest,
            SectionDecl {
                name,
                alts,
                span: self.span(i, rest),
            },
        ))
    }

    pub(super) fn item<'a>(&self, i: &'a str, errors: &mut Vec<SyntaxError>) -> Res<'a, Item> {
        match self.peek_word(i) {
            Some("pack") => self.pack_decl(i, errors).map(|(r, d)| (r, Item::Pack(Box::new(d)))),
            Some("rule") => self.rule_decl(i, errors).map(|(r, d)| (r, Item::Rule(Box::new(d)))),
            Some("terms") => self.terms_decl(i).map(|(r, d)| (r, Item::Terms(d))),
            Some("regex") => self.regex_decl(i).map(|(r, d)| (r, Item::Regex(d))),
            Some("section") => self.section_decl(i).map(|(r, d)| (r, Item::Section(d))),
            Some("param") => self.param_decl(i).map(|(r, d)| (r, Item::Param(d))),
            Some("tag") => self.tag_decl(i).map(|(r, d)| (r, Item::Tag(d))),
            Some(w) => fail(
                i,
                w.len(),
                format!("unknown item `{w}`"),
                "expected `rule`, `terms`, `regex`, `section`, `param`, `tag` or `pack`",
                Some(match crate::suggest(w, TOP_KEYWORDS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "a rule file is made of `rule`, `terms`, `regex`, `section`, `param`, `tag` and `pack` items".into(),
                }),
            ),
            None => fail(
                i,
                token_len(i),
                format!("expected an item, found {}", describe_token(i)),
                "expected `rule`, `terms`, `regex`, `section`, `param`, `tag` or `pack`",
                None,
            ),
        }
    }
}

/// After an error in a top-level item: the next line that starts a top-level item.
pub(super) fn recover_top(i: &str) -> &str {
    line_starts(i)
        .find(|l| matches!(ident_raw(l), Ok((_, w)) if TOP_KEYWORDS.contains(&w)))
        .unwrap_or("")
}
