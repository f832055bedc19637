//! Name resolution and pattern compilation for one pack. Its mistakes are
//! [`ResolveError`]s, after the [`ParseError`](crate::lang::ParseError)s of its files.
//!
//! The parts: [`patterns`] (regex syntax, cost and automata), [`atoms`] (term lists, regexes
//! and numbers), [`conditions`] (conditions and scopes) and [`rule`] (one rule's fields).

mod atoms;
mod conditions;
mod patterns;
mod rule;

use std::collections::HashMap;

use super::*;
use crate::lang::ast::{self, Item};
use crate::lang::parser::RESERVED;
use crate::lang::{Located, ResolveError};
use crate::limits::Limits;
use crate::search::plans::Plans;
use crate::search::{Pattern, Patterns};

#[derive(Debug, Clone, Copy)]
enum Def {
    Atom(AtomId),
    Section(usize),
    Param(f64),
}

impl Def {
    fn what(&self) -> &'static str {
        match self {
            Def::Atom(_) => "a term list or regex",
            Def::Section(_) => "a section",
            Def::Param(_) => "a param",
        }
    }
}

struct Builder<'a> {
    files: &'a [crate::lang::SourceFile],
    /// Plans of a previous run, by pattern, taken out as patterns are loaded.
    known: &'a mut Plans,
    /// The limits patterns are compiled within.
    limits: Limits,
    /// The atoms that took a plan out of `known`, by its key: a pattern written twice gets a
    /// copy of it.
    taken: HashMap<(String, bool), AtomId>,
    errors: Vec<RuleFileError>,
    defs: HashMap<String, (Def, usize, Span)>,
    atoms: Vec<Pattern>,
    inline: HashMap<String, AtomId>,
    sections: Vec<Section>,
    tags: Vec<TagInfo>,
    /// What an atom written without `affirmed` / `negated` / `mentioned` counts: affirmed
    /// mentions in a `forbid`, every mention elsewhere.
    mention_default: Mention,
}

impl<'a> Builder<'a> {
    fn new(
        files: &'a [crate::lang::SourceFile],
        known: &'a mut Plans,
        limits: Limits,
        errors: Vec<RuleFileError>,
    ) -> Self {
        // One entry per plan taken: sized once, as growing it hashes every key again (a term
        // list's key is all its terms).
        let taken = HashMap::with_capacity(known.len());
        Builder {
            files,
            known,
            limits,
            taken,
            errors,
            defs: HashMap::new(),
            atoms: Vec::new(),
            inline: HashMap::new(),
            sections: Vec::new(),
            tags: PILLARS
                .iter()
                .map(|(n, d)| TagInfo {
                    name: n.to_string(),
                    description: d.to_string(),
                })
                .collect(),
            mention_default: Mention::Any,
        }
    }

    fn err(
        &mut self,
        file: usize,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        let e = Located::new(&self.files[file], span, message, label, help);
        self.errors.push(ResolveError(e).into());
    }

    fn define(&mut self, file: usize, name: &ast::Ident, def: Def) {
        if RESERVED.contains(&name.name.as_str())
            || ["document", "tender"].contains(&name.name.as_str())
            || Kind::parse(&name.name).is_some()
        {
            self.err(
                file,
                name.span,
                format!("`{}` is a reserved word and cannot be a name", name.name),
                "reserved word",
                Some("choose another name".into()),
            );
            return;
        }
        if let Some(&(_, f0, s0)) = self.defs.get(&name.name) {
            let e = Located::new(
                &self.files[file],
                name.span,
                format!("`{}` is defined twice", name.name),
                "second definition",
                Some("rename one of the two definitions".into()),
            )
            .with_related(&self.files[f0], s0, "first defined here");
            self.errors.push(ResolveError(e).into());
            return;
        }
        self.defs.insert(name.name.clone(), (def, file, name.span));
    }

    /// Pass 1: the definitions of every file (so that files may refer to each other's names
    /// in any order). Returns the pack header, if a file has one.
    fn define_items<'p>(
        &mut self,
        parsed: &'p [ast::RuleFile],
    ) -> Option<(usize, &'p ast::PackDecl)> {
        let mut header: Option<(usize, &ast::PackDecl)> = None;
        for (fi, file) in parsed.iter().enumerate() {
            for item in &file.items {
                match item {
                    Item::Terms(t) => {
                        if let Some(id) = self.terms_atom(fi, t.name.name.clone(), &t.terms) {
                            self.define(fi, &t.name, Def::Atom(id));
                        }
                    }
                    Item::Regex(r) => {
                        if let Some(id) = self.regex_atom(fi, r.name.name.clone(), &r.regex) {
                            self.define(fi, &r.name, Def::Atom(id));
                        }
                    }
                    Item::Param(p) => self.define(fi, &p.name, Def::Param(p.value.value)),
                    Item::Section(s) => {
                        self.sections.push(Section {
                            name: s.name.name.clone(),
                            alts: Vec::new(),
                        });
                        let idx = self.sections.len() - 1;
                        self.define(fi, &s.name, Def::Section(idx));
                    }
                    Item::Tag(t) => self.define_tag(fi, t),
                    Item::Pack(p) => {
                        if let Some((f0, first)) = header {
                            let e = Located::new(
                                &self.files[fi],
                                p.id.span,
                                "a pack has a single `pack` header",
                                "second header",
                                Some("keep one `pack { … }` block per pack folder".into()),
                            )
                            .with_related(
                                &self.files[f0],
                                first.id.span,
                                "first header here",
                            );
                            self.errors.push(ResolveError(e).into());
                        } else {
                            header = Some((fi, p));
                        }
                    }
                    Item::Rule(_) => {}
                }
            }
        }
        header
    }

    fn define_tag(&mut self, fi: usize, t: &ast::TagDecl) {
        if self.tags.iter().any(|x| x.name == t.name.name) {
            self.err(
                fi,
                t.name.span,
                format!("tag `{}` is already defined", t.name.name),
                "duplicate tag",
                Some("the eight pillars are built in; declare only new tags".into()),
            );
        } else {
            self.tags.push(TagInfo {
                name: t.name.name.clone(),
                description: t.description.value.clone(),
            });
        }
    }

    /// Pass 2: section patterns (they may use terms and regexes defined anywhere).
    fn section_patterns(&mut self, parsed: &[ast::RuleFile]) {
        let mut section_idx = 0;
        for (fi, file) in parsed.iter().enumerate() {
            for item in &file.items {
                if let Item::Section(s) = item {
                    let mut alts = Vec::new();
                    for alt in &s.alts {
                        if let Some(a) = self.atom(fi, &alt.atom) {
                            alts.push((alt.kind, a, alt.fallback));
                        }
                    }
                    if let Some(sec) = self.sections.get_mut(section_idx) {
                        sec.alts = alts;
                    }
                    section_idx += 1;
                }
            }
        }
    }

    /// Pass 3, first part: the pack, described by its header (or named after `default_id`).
    fn pack(
        &mut self,
        default_id: &str,
        header: Option<(usize, &ast::PackDecl)>,
        params: &HashMap<String, f64>,
    ) -> Pack {
        let mut pack = Pack {
            id: default_id.to_string(),
            name: default_id.to_string(),
            version: String::new(),
            description: String::new(),
            applies: None,
            patterns: Patterns::default(),
            sections: Vec::new(),
            rules: Vec::new(),
            tags: Vec::new(),
            params: self
                .defs
                .iter()
                .filter_map(|(n, d)| {
                    if let Def::Param(v) = d.0 {
                        Some((n.clone(), params.get(n).copied().unwrap_or(v)))
                    } else {
                        None
                    }
                })
                .collect(),
        };
        if let Some((fi, h)) = header {
            let text = |s: &Option<ast::StrLit>| s.as_ref().map(|s| s.value.clone());
            pack.id = h.id.name.clone();
            pack.name = text(&h.name).unwrap_or_else(|| h.id.name.clone());
            pack.version = text(&h.version).unwrap_or_default();
            pack.description = text(&h.description).unwrap_or_default();
            if let Some(c) = &h.applies {
                pack.applies = self.check(fi, c, params);
            }
        }
        pack
    }

    /// Pass 3, second part: the rules, whose ids must be unique in the pack.
    fn rules(&mut self, parsed: &[ast::RuleFile], params: &HashMap<String, f64>, pack: &mut Pack) {
        let mut seen: HashMap<String, (usize, Span)> = HashMap::new();
        for (fi, file) in parsed.iter().enumerate() {
            for item in &file.items {
                let Item::Rule(r) = item else { continue };
                let Some(id) = &r.id else { continue };
                if let Some(&(f0, s0)) = seen.get(&id.name) {
                    let e = Located::new(
                        &self.files[fi],
                        id.span,
                        format!("duplicate rule id `{}`", id.name),
                        "this id is already used",
                        Some("rule ids are stable and unique: give this rule a new id".into()),
                    )
                    .with_related(&self.files[f0], s0, "first defined here");
                    self.errors.push(ResolveError(e).into());
                    continue;
                }
                seen.insert(id.name.clone(), (fi, id.span));
                if let Some(rule) = rule::compile_rule(self, fi, id, r, params, &pack.id) {
                    pack.rules.push(rule);
                }
            }
        }
    }
}

/// Compiles the files of one pack, with the plans of a previous run (see [`crate::search::plans`]).
pub fn compile_pack(
    src: &PackSource,
    params: &HashMap<String, f64>,
    known: &mut Plans,
    limits: &Limits,
) -> Result<Pack, Vec<RuleFileError>> {
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for f in &src.files {
        match crate::lang::parse(f) {
            Ok(ast) => parsed.push(ast),
            Err(errs) => {
                errors.extend(errs);
                parsed.push(ast::RuleFile::default());
            }
        }
    }
    let mut b = Builder::new(&src.files, known, *limits, errors);
    let header = b.define_items(&parsed);
    b.section_patterns(&parsed);
    let mut pack = b.pack(&src.default_id, header, params);
    b.rules(&parsed, params, &mut pack);
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    pack.rules.sort_by(|a, b| a.id.cmp(&b.id));
    pack.patterns = Patterns::new(b.atoms, limits.max_regex_bytes);
    pack.sections = b.sections;
    pack.tags = b.tags;
    Ok(pack)
}
