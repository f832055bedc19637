//! Name resolution and pattern compilation for one pack.

use std::collections::HashMap;

use super::*;
use crate::lang::ast::{self, Item};
use crate::lang::parser::RESERVED;
use crate::search::plans::{Plan, Plans};
use crate::search::{Pattern, Patterns, check_syntax, parse_pattern, plan_key_of_terms};
use crate::search::{fold_regex, terms_hir};

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

/// The capture group `value` reads: the one named `n`, else the first.
fn value_group(h: &regex_syntax::hir::Hir) -> Option<usize> {
    use regex_syntax::hir::HirKind;
    fn named_n(h: &regex_syntax::hir::Hir) -> Option<usize> {
        match h.kind() {
            HirKind::Capture(c) if c.name.as_deref() == Some("n") => Some(c.index as usize),
            HirKind::Capture(c) => named_n(&c.sub),
            HirKind::Repetition(r) => named_n(&r.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().find_map(named_n),
            _ => None,
        }
    }
    named_n(h).or((h.properties().explicit_captures_len() > 0).then_some(1))
}

fn regex_help(e: &regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(_) => {
            "the pattern is too large once compiled: split it or use a term list".into()
        }
        _ => {
            let msg = e.to_string();
            let last = msg
                .lines()
                .rev()
                .find(|l| l.starts_with("error:"))
                .unwrap_or("error: invalid syntax");
            format!(
                "{} (the regex syntax is Rust's `regex` crate)",
                last.trim_start_matches("error: ")
            )
        }
    }
}

/// How many positions the counted repetitions (`{n}`, `{n,m}`) of a pattern may add. A
/// search runs in time proportional to the text times the positions where a match may be
/// under way: `/a{100000}/` took 112 s on 300 KB of `a`, `/[ab]{10000}/` 11.7 s, and
/// `/[ab]{1000}/` 0.55 s (release build). The MIQ pack's largest adds 120.
pub const MAX_REPEATED_POSITIONS: u64 = 1_000;

/// The positions of a pattern (a literal byte or a class is one), with each counted
/// repetition written out (`x{3}` is `xxx`; an unbounded one counts its minimum, at least
/// once); with `ranges`, a class counts its ranges (a rough measure of its compiled size).
fn positions(h: &regex_syntax::hir::Hir, expand: bool, ranges: bool) -> u64 {
    use regex_syntax::hir::{Class, HirKind};
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(l) => l.0.len() as u64,
        HirKind::Class(c) if ranges => match c {
            Class::Unicode(u) => u.ranges().len() as u64,
            Class::Bytes(b) => b.ranges().len() as u64,
        },
        HirKind::Class(_) => 1,
        HirKind::Repetition(r) => {
            let n = if expand {
                u64::from(r.max.unwrap_or(r.min).max(r.min).max(1))
            } else {
                1
            };
            positions(&r.sub, expand, ranges).saturating_mul(n)
        }
        HirKind::Capture(c) => positions(&c.sub, expand, ranges),
        HirKind::Concat(v) | HirKind::Alternation(v) => v
            .iter()
            .map(|h| positions(h, expand, ranges))
            .fold(0, u64::saturating_add),
    }
}

/// Why a pattern that parses is refused at load: repetitions that make its searches slow
/// (super-linear in practice), or an automaton over `max-regex-bytes`. The automaton is built
/// here only for patterns whose rough size says it might be (none of the MIQ pack's).
fn too_costly(hir: &regex_syntax::hir::Hir) -> Option<(String, String)> {
    let added = positions(hir, true, false).saturating_sub(positions(hir, false, false));
    if added > MAX_REPEATED_POSITIONS {
        return Some((
            format!("this regex repeats too much: its counted repetitions add {added} positions, the most is {MAX_REPEATED_POSITIONS}"),
            "searching it would take time proportional to the text times its repetitions: use smaller counts ({0,80}), `+` or `*`, or a `near … within N words` condition".into(),
        ));
    }
    if positions(hir, true, true) > 4_096 {
        let limit = crate::limits::current().max_regex_bytes;
        if let Err(e) = crate::search::fits(hir, limit) {
            return Some((
                format!(
                    "this regex is too large once compiled (more than `max-regex-bytes`, {} MB): {e}",
                    limit / (1024 * 1024)
                ),
                "split it, use smaller counts or narrower classes (`[a-z]` rather than `\\w`), or use a term list".into(),
            ));
        }
    }
    None
}

impl<'a> Builder<'a> {
    fn err(
        &mut self,
        file: usize,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.errors.push(RuleFileError::new(
            &self.files[file],
            span,
            message,
            label,
            help,
        ));
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
            let e = RuleFileError::new(
                &self.files[file],
                name.span,
                format!("`{}` is defined twice", name.name),
                "second definition",
                Some("rename one of the two definitions".into()),
            )
            .with_related(&self.files[f0], s0, "first defined here");
            self.errors.push(e);
            return;
        }
        self.defs.insert(name.name.clone(), (def, file, name.span));
    }

    fn terms_atom(&mut self, file: usize, label: String, terms: &[ast::StrLit]) -> Option<AtomId> {
        for t in terms {
            if t.value.trim().is_empty() {
                self.err(
                    file,
                    t.span,
                    "empty term",
                    "this term is empty",
                    Some("write the words to look for, or remove the term".into()),
                );
                return None;
            }
        }
        // Every character of a term is escaped: the pattern is valid by construction, and its
        // syntax tree is built directly, not parsed (parsing 70 KB of generated alternatives was
        // most of the cost of loading the MIQ pack); with a known plan, only when needed. The
        // pattern itself is written out only if asked for.
        let values: Vec<String> = terms.iter().map(|t| t.value.clone()).collect();
        let key = plan_key_of_terms(&values);
        let known = self.known_plan(&key, false);
        let mut atom = Pattern::terms(label, values);
        match known {
            Some(plan) => atom.plan = Some(plan),
            None => {
                atom = atom.with_syntax(terms_hir(terms.iter().map(|t| t.value.as_str())));
            }
        }
        Some(self.push_atom(atom, key, false))
    }

    /// The plan a previous run worked out for a pattern (by its key: see [`Pattern::plan_key`]),
    /// taken out of the known plans, or copied from the atom that took it.
    fn known_plan(&mut self, key: &str, original: bool) -> Option<Plan> {
        self.known.take(key, original).or_else(|| {
            let &id = self.taken.get(&(key.to_string(), original))?;
            self.atoms[id].plan.clone()
        })
    }

    /// Adds an atom; one with a plan may lend it to a later atom of the same pattern.
    fn push_atom(&mut self, atom: Pattern, key: String, original: bool) -> AtomId {
        let id = self.atoms.len();
        if atom.plan.is_some() {
            self.taken.entry((key, original)).or_insert(id);
        }
        self.atoms.push(atom);
        id
    }

    fn regex_atom(&mut self, file: usize, label: String, lit: &ast::RegexLit) -> Option<AtomId> {
        let original = lit.flags.contains('c');
        let pattern = if original {
            lit.pattern.clone()
        } else {
            fold_regex(&lit.pattern)
        };
        // A plan of a previous run for this very pattern: it parsed, and how it runs is known.
        if let Some(plan) = self.known_plan(&pattern, original) {
            let mut atom = Pattern::new(
                label,
                pattern.clone(),
                plan.case_insensitive,
                original,
                plan.value_group,
            );
            atom.plan = Some(plan);
            return Some(self.push_atom(atom, pattern, original));
        }
        match parse_pattern(&pattern, !original) {
            Ok((hir, _)) if let Some((message, help)) = too_costly(&hir) => {
                self.err(file, lit.span, message, "this regex", Some(help));
                None
            }
            Ok((hir, case_insensitive)) => {
                let value_group = value_group(&hir);
                let atom = Pattern::new(label, pattern, case_insensitive, original, value_group)
                    .with_syntax(hir);
                self.atoms.push(atom);
                Some(self.atoms.len() - 1)
            }
            Err(e) => {
                // The error speaks of what the author wrote, when that is what fails.
                let e = match check_syntax(&lit.pattern, !original) {
                    Err(own) => own,
                    Ok(_) => e,
                };
                self.err(
                    file,
                    lit.span,
                    "invalid regex",
                    "this regex",
                    Some(regex_help(&e)),
                );
                None
            }
        }
    }

    fn atom(&mut self, file: usize, a: &ast::Atom) -> Option<AtomId> {
        match a {
            ast::Atom::Name(id) => match self.defs.get(&id.name) {
                Some(&(Def::Atom(i), _, _)) => Some(i),
                Some(&(other, _, _)) => {
                    let help = match other {
                        Def::Section(_) => format!(
                            "`{}` is a section: use it as a scope, `… in {}`",
                            id.name, id.name
                        ),
                        _ => format!(
                            "`{}` is {}, not a term list or regex",
                            id.name,
                            other.what()
                        ),
                    };
                    self.err(
                        file,
                        id.span,
                        format!("`{}` is not a term list or regex", id.name),
                        "expected a term list or regex",
                        Some(help),
                    );
                    None
                }
                None => {
                    let names: Vec<&str> = self
                        .defs
                        .iter()
                        .filter(|(_, d)| matches!(d.0, Def::Atom(_)))
                        .map(|(n, _)| n.as_str())
                        .collect();
                    let help = match crate::suggest(&id.name, names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "define it with `terms NAME = \"…\"` or `regex NAME = /…/`".into(),
                    };
                    self.err(
                        file,
                        id.span,
                        format!("unknown term list or regex `{}`", id.name),
                        "not defined in this pack",
                        Some(help),
                    );
                    None
                }
            },
            ast::Atom::Term(s) => {
                let key = format!("t{}", s.value);
                if let Some(&i) = self.inline.get(&key) {
                    return Some(i);
                }
                let i =
                    self.terms_atom(file, format!("« {} »", s.value), std::slice::from_ref(s))?;
                self.inline.insert(key, i);
                Some(i)
            }
            ast::Atom::Regex(r) => {
                let key = format!("r{}/{}", r.pattern, r.flags);
                if let Some(&i) = self.inline.get(&key) {
                    return Some(i);
                }
                let i = self.regex_atom(file, format!("/{}/", r.pattern), r)?;
                self.inline.insert(key, i);
                Some(i)
            }
        }
    }

    fn number(
        &mut self,
        file: usize,
        n: &ast::Number,
        params: &HashMap<String, f64>,
    ) -> Option<f64> {
        match n {
            ast::Number::Lit(l) => Some(l.value),
            ast::Number::Param(id) => match self.defs.get(&id.name) {
                Some(&(Def::Param(v), _, _)) => Some(params.get(&id.name).copied().unwrap_or(v)),
                _ => {
                    let names: Vec<&str> = self
                        .defs
                        .iter()
                        .filter(|(_, d)| matches!(d.0, Def::Param(_)))
                        .map(|(n, _)| n.as_str())
                        .collect();
                    let help = match crate::suggest(&id.name, names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "use a number, or define it with `param NAME = 50`".into(),
                    };
                    self.err(
                        file,
                        id.span,
                        format!("unknown param `{}`", id.name),
                        "not a param of this pack",
                        Some(help),
                    );
                    None
                }
            },
        }
    }

    fn whole(
        &mut self,
        file: usize,
        n: &ast::Number,
        params: &HashMap<String, f64>,
    ) -> Option<usize> {
        let v = self.number(file, n, params)?;
        if v.fract() != 0.0 || v < 0.0 {
            self.err(
                file,
                n.span(),
                "expected a whole number of words",
                "not a whole number",
                None,
            );
            return None;
        }
        Some(v as usize)
    }

    fn scope(
        &mut self,
        file: usize,
        s: &ast::Scope,
        params: &HashMap<String, f64>,
    ) -> Option<Scope> {
        match s {
            ast::Scope::First { n, inner, .. } => {
                let words = self.whole(file, n, params)?;
                let inner = self.scope(file, inner, params)?;
                Some(Scope::First {
                    words,
                    inner: Box::new(inner),
                })
            }
            ast::Scope::Path { first, second, .. } => {
                let section = |b: &mut Self, id: &ast::Ident| -> Option<usize> {
                    match b.defs.get(&id.name) {
                        Some(&(Def::Section(i), _, _)) => Some(i),
                        _ => {
                            let mut names: Vec<&str> = b
                                .defs
                                .iter()
                                .filter(|(_, d)| matches!(d.0, Def::Section(_)))
                                .map(|(n, _)| n.as_str())
                                .collect();
                            if second.is_none() {
                                names.extend([
                                    "document", "tender", "rc", "ccap", "cctp", "ae", "avis", "bpu",
                                ]);
                            }
                            let help = match crate::suggest(&id.name, names) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "a scope is `document`, `tender`, a document kind (rc, ccap, cctp, ae, avis, bpu), a section, or `kind.section`".into(),
                            };
                            b.err(
                                file,
                                id.span,
                                format!("unknown section `{}`", id.name),
                                "no such section or scope",
                                Some(help),
                            );
                            None
                        }
                    }
                };
                match (first.name.as_str(), second) {
                    ("document", None) => Some(Scope::Document),
                    ("tender", None) => Some(Scope::Tender),
                    (k, None) if Kind::parse(k).is_some_and(|k| k != Kind::Other) => {
                        Some(Scope::Kind(Kind::parse(k)?))
                    }
                    (_, None) => Some(Scope::Section {
                        kind: None,
                        section: section(self, first)?,
                    }),
                    (k, Some(sec)) => {
                        let kind = match Kind::parse(k) {
                            Some(kind) if kind != Kind::Other => kind,
                            _ => {
                                self.err(file, first.span, format!("unknown document kind `{k}`"), "not a document kind", Some("before the dot comes a kind: rc, ccap, cctp, ae, avis or bpu".into()));
                                return None;
                            }
                        };
                        Some(Scope::Section {
                            kind: Some(kind),
                            section: section(self, sec)?,
                        })
                    }
                }
            }
        }
    }

    fn cond(
        &mut self,
        file: usize,
        c: &ast::Cond,
        params: &HashMap<String, f64>,
    ) -> Option<Condition> {
        Some(match c {
            ast::Cond::Atom(a) => Condition::Atom(self.atom(file, a)?, self.mention_default),
            ast::Cond::Differs { atom, .. } => Condition::Differs {
                atom: self.atom(file, atom)?,
                mention: self.mention_default,
            },
            ast::Cond::Mention { mention, atom, .. } => {
                Condition::Atom(self.atom(file, atom)?, *mention)
            }
            ast::Cond::Near { a, b, within, .. } => {
                let (a, b, w) = (
                    self.atom(file, a),
                    self.atom(file, b),
                    self.window(file, within, params),
                );
                let (within, unit) = w?;
                Condition::Near {
                    a: a?,
                    b: b?,
                    within: within.unwrap_or(usize::MAX),
                    unit,
                    mention: self.mention_default,
                }
            }
            ast::Cond::Before { a, b, within, .. } => {
                let (a, b) = (self.atom(file, a), self.atom(file, b));
                // Without a window, `before` is the order of the whole scope.
                let (within, unit) = match within {
                    Some(w) => self.window(file, w, params)?,
                    None => (None, None),
                };
                Condition::Before {
                    a: a?,
                    b: b?,
                    within,
                    unit,
                    mention: self.mention_default,
                }
            }
            ast::Cond::Count {
                atom,
                cmp,
                n,
                distinct,
                ..
            } => {
                let (a, n) = (self.atom(file, atom), self.number(file, n, params));
                Condition::Count {
                    atom: a?,
                    cmp: *cmp,
                    n: n?,
                    distinct: *distinct,
                    mention: self.mention_default,
                }
            }
            ast::Cond::Value { atom, cmp, n, .. } => {
                let (id, n) = (self.atom(file, atom), self.number(file, n, params));
                let id = id?;
                if self.atoms[id].value_group.is_none() {
                    self.err(
                        file,
                        atom.span(),
                        format!("`value` needs a regex with a capture group, and {} has none", self.atoms[id].label),
                        "no capture group",
                        Some("capture the number: /(\\d+) ?%/ (or name the group `n`: /(?P<n>\\d+)/)".into()),
                    );
                    return None;
                }
                Condition::Value {
                    atom: id,
                    cmp: *cmp,
                    n: n?,
                    mention: self.mention_default,
                }
            }
            ast::Cond::And { items, .. } => Condition::And(self.conds(file, items, params)?),
            ast::Cond::Or { items, .. } => Condition::Or(self.conds(file, items, params)?),
            ast::Cond::Not { inner, .. } => {
                Condition::Not(Box::new(self.cond(file, inner, params)?))
            }
            ast::Cond::Group { inner, .. } => self.cond(file, inner, params)?,
            ast::Cond::In { inner, scope, .. } => {
                let (c, s) = (
                    self.cond(file, inner, params),
                    self.scope(file, scope, params),
                );
                let s = s?;
                if s.is_tender() {
                    // `in tender` inside a condition widens to the whole tender: allowed.
                }
                Condition::In(Box::new(c?), s)
            }
        })
    }

    fn conds(
        &mut self,
        file: usize,
        items: &[ast::Cond],
        params: &HashMap<String, f64>,
    ) -> Option<Vec<Condition>> {
        let all: Vec<Option<Condition>> =
            items.iter().map(|c| self.cond(file, c, params)).collect();
        all.into_iter().collect()
    }

    /// A window's distance in words (`None`: any) and the unit it stays in (`None`: across
    /// paragraphs).
    fn window(
        &mut self,
        file: usize,
        w: &ast::Window,
        params: &HashMap<String, f64>,
    ) -> Option<(Option<usize>, Option<Unit>)> {
        let words = match &w.words {
            Some(n) => Some(self.whole(file, n, params)?),
            None => None,
        };
        let unit = match (&w.unit, w.across) {
            (_, true) => None,
            (Some((u, _)), false) => Some(*u),
            (None, false) => Some(Unit::Paragraph),
        };
        Some((words, unit))
    }

    fn check(
        &mut self,
        file: usize,
        c: &ast::Cond,
        params: &HashMap<String, f64>,
    ) -> Option<Check> {
        self.check_as(file, c, params, Mention::Any)
    }

    /// A condition whose atoms written alone count the mentions `mention_default` says.
    fn check_as(
        &mut self,
        file: usize,
        c: &ast::Cond,
        params: &HashMap<String, f64>,
        mention_default: Mention,
    ) -> Option<Check> {
        self.mention_default = mention_default;
        let cond = self.cond(file, c, params);
        self.mention_default = Mention::Any;
        let cond = cond?;
        let span = c.span();
        Some(Check {
            cond,
            text: self.files[file].text[span.offset..span.end()].to_string(),
            label: None,
        })
    }
}

fn required<'s>(
    b: &mut Builder,
    file: usize,
    rule_span: Span,
    id: &str,
    field: &str,
    v: &'s Option<ast::StrLit>,
    help: &str,
) -> Option<&'s ast::StrLit> {
    if v.is_none() {
        b.err(
            file,
            rule_span,
            format!("rule `{id}` has no `{field}`"),
            format!("`{field}` missing in this rule"),
            Some(help.to_string()),
        );
    }
    v.as_ref()
}

/// Compiles the files of one pack, with the plans of a previous run (see [`super::plans`]).
pub fn compile_pack(
    src: &PackSource,
    params: &HashMap<String, f64>,
    known: &mut Plans,
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
    // One entry per plan taken: sized once, as growing it hashes every key again (a term
    // list's key is all its terms).
    let taken = HashMap::with_capacity(known.len());
    let mut b = Builder {
        files: &src.files,
        known,
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
    };

    // Pass 1: definitions (so that files may refer to each other's names in any order).
    let mut header: Option<(usize, &ast::PackDecl)> = None;
    for (fi, file) in parsed.iter().enumerate() {
        for item in &file.items {
            match item {
                Item::Terms(t) => {
                    if let Some(id) = b.terms_atom(fi, t.name.name.clone(), &t.terms) {
                        b.define(fi, &t.name, Def::Atom(id));
                    }
                }
                Item::Regex(r) => {
                    if let Some(id) = b.regex_atom(fi, r.name.name.clone(), &r.regex) {
                        b.define(fi, &r.name, Def::Atom(id));
                    }
                }
                Item::Param(p) => b.define(fi, &p.name, Def::Param(p.value.value)),
                Item::Section(s) => {
                    b.sections.push(Section {
                        name: s.name.name.clone(),
                        alts: Vec::new(),
                    });
                    let idx = b.sections.len() - 1;
                    b.define(fi, &s.name, Def::Section(idx));
                }
                Item::Tag(t) => {
                    if b.tags.iter().any(|x| x.name == t.name.name) {
                        b.err(
                            fi,
                            t.name.span,
                            format!("tag `{}` is already defined", t.name.name),
                            "duplicate tag",
                            Some("the eight pillars are built in; declare only new tags".into()),
                        );
                    } else {
                        b.tags.push(TagInfo {
                            name: t.name.name.clone(),
                            description: t.description.value.clone(),
                        });
                    }
                }
                Item::Pack(p) => {
                    if let Some((f0, first)) = header {
                        let e = RuleFileError::new(
                            &src.files[fi],
                            p.id.span,
                            "a pack has a single `pack` header",
                            "second header",
                            Some("keep one `pack { … }` block per pack folder".into()),
                        )
                        .with_related(
                            &src.files[f0],
                            first.id.span,
                            "first header here",
                        );
                        b.errors.push(e);
                    } else {
                        header = Some((fi, p));
                    }
                }
                Item::Rule(_) => {}
            }
        }
    }
    // Pass 2: section patterns (they may use terms and regexes defined anywhere).
    let mut section_idx = 0;
    for (fi, file) in parsed.iter().enumerate() {
        for item in &file.items {
            if let Item::Section(s) = item {
                let mut alts = Vec::new();
                for alt in &s.alts {
                    if let Some(a) = b.atom(fi, &alt.atom) {
                        alts.push((alt.kind, a, alt.fallback));
                    }
                }
                if let Some(sec) = b.sections.get_mut(section_idx) {
                    sec.alts = alts;
                }
                section_idx += 1;
            }
        }
    }

    // Pass 3: the header and the rules.
    let mut pack = Pack {
        id: src.default_id.clone(),
        name: src.default_id.clone(),
        version: String::new(),
        description: String::new(),
        applies: None,
        patterns: Patterns::default(),
        sections: Vec::new(),
        rules: Vec::new(),
        tags: Vec::new(),
        params: b
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
        pack.id = h.id.name.clone();
        pack.name = h
            .name
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_else(|| h.id.name.clone());
        pack.version = h
            .version
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_default();
        pack.description = h
            .description
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_default();
        if let Some(c) = &h.applies {
            pack.applies = b.check(fi, c, params);
        }
    }
    let mut seen: HashMap<String, (usize, Span)> = HashMap::new();
    for (fi, file) in parsed.iter().enumerate() {
        for item in &file.items {
            let Item::Rule(r) = item else { continue };
            let Some(id) = &r.id else { continue };
            if let Some(&(f0, s0)) = seen.get(&id.name) {
                let e = RuleFileError::new(
                    &src.files[fi],
                    id.span,
                    format!("duplicate rule id `{}`", id.name),
                    "this id is already used",
                    Some("rule ids are stable and unique: give this rule a new id".into()),
                )
                .with_related(&src.files[f0], s0, "first defined here");
                b.errors.push(e);
                continue;
            }
            seen.insert(id.name.clone(), (fi, id.span));
            if let Some(rule) = compile_rule(&mut b, fi, id, r, params, &pack.id) {
                pack.rules.push(rule);
            }
        }
    }
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    pack.rules.sort_by(|a, b| a.id.cmp(&b.id));
    pack.patterns = Patterns::new(b.atoms);
    pack.sections = b.sections;
    pack.tags = b.tags;
    Ok(pack)
}

fn compile_rule(
    b: &mut Builder,
    fi: usize,
    id: &ast::Ident,
    r: &ast::RuleDecl,
    params: &HashMap<String, f64>,
    pack: &str,
) -> Option<Rule> {
    let errors_before = b.errors.len();
    let head = id.span;
    if !id
        .name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        || !id
            .name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        b.err(
            fi,
            id.span,
            format!("rule id `{}` is not in upper case", id.name),
            "rule ids are upper-case letters and digits",
            Some("write ids like `MIQ101` or `LOCAL-12`".into()),
        );
    }
    let mut tags = Vec::new();
    if r.tags.is_empty() {
        b.err(
            fi,
            head,
            format!("rule `{}` has no `tags`", id.name),
            "`tags` missing in this rule",
            Some("give the rule its pillar, e.g. `tags public`".into()),
        );
    }
    for t in &r.tags {
        if b.tags.iter().any(|x| x.name == t.name) {
            tags.push(t.name.clone());
        } else {
            let names: Vec<&str> = b.tags.iter().map(|x| x.name.as_str()).collect();
            let help = match crate::suggest(&t.name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? Known tags: {}", names.join(", ")),
                None => format!(
                    "known tags: {}; declare a new one with `tag NAME \"description\"`",
                    names.join(", ")
                ),
            };
            b.err(
                fi,
                t.span,
                format!("unknown tag `{}`", t.name),
                "unknown tag",
                Some(help),
            );
        }
    }
    let level = match &r.level {
        None => {
            b.err(
                fi,
                head,
                format!("rule `{}` has no `level`", id.name),
                "`level` missing in this rule",
                Some("add `level error`, `level warning` or `level info`".into()),
            );
            None
        }
        Some(l) => match Level::parse(&l.name) {
            Some(level) => Some(level),
            None => {
                let help = match crate::suggest(&l.name, ["error", "warning", "info"]) {
                    Some(s) => {
                        format!("did you mean `{s}`? The levels are error, warning and info")
                    }
                    None => "the levels are error, warning and info".into(),
                };
                b.err(
                    fi,
                    l.span,
                    format!("unknown level `{}`", l.name),
                    "unknown level",
                    Some(help),
                );
                None
            }
        },
    };
    let scope = match &r.scope {
        Some(s) => b.scope(fi, s, params),
        None => Some(Scope::Document),
    };
    let scope_text = r
        .scope
        .as_ref()
        .map(|s| b.files[fi].text[s.span().offset..s.span().end()].to_string())
        .unwrap_or_else(|| "document".into());
    let when = r.when.as_ref().and_then(|c| b.check(fi, c, params));
    let expects: Vec<Option<Check>> = r
        .expects
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut check = b.check(fi, c, params)?;
            check.label = r
                .expect_labels
                .get(i)
                .and_then(Option::as_ref)
                .map(|l| l.value.clone());
            Some(check)
        })
        .collect();
    let forbids: Vec<Option<Check>> = r
        .forbids
        .iter()
        .map(|c| b.check_as(fi, c, params, Mention::Affirmed))
        .collect();
    let mut stated = Vec::new();
    for k in &r.stated {
        match Kind::parse(&k.name) {
            Some(kind) if kind != Kind::Other => stated.push(kind),
            _ => b.err(
                fi,
                k.span,
                format!("unknown document kind `{}`", k.name),
                "not a document kind",
                Some("`stated in` takes document kinds: rc, ccap, cctp, ae, avis, bpu".into()),
            ),
        }
    }
    if r.expects.is_empty() && r.forbids.is_empty() {
        b.err(fi, head, format!("rule `{}` checks nothing", id.name), "no `expect` or `forbid` in this rule", Some("add `expect CONDITION` (something must be there) or `forbid CONDITION` (something must not)".into()));
    }
    let message = required(
        b,
        fi,
        head,
        &id.name,
        "message",
        &r.message,
        "add `message \"…\"`: one line saying what is wrong",
    );
    let why = required(
        b,
        fi,
        head,
        &id.name,
        "why",
        &r.why,
        "add `why \"…\"`: why it matters, for the reader of the report",
    );
    let fix = required(
        b,
        fi,
        head,
        &id.name,
        "fix",
        &r.fix,
        "add `fix \"…\"`: how to correct the draft, with an example",
    );
    if b.errors.len() > errors_before {
        return None;
    }
    Some(Rule {
        id: id.name.clone(),
        pack: pack.to_string(),
        tags,
        level: level?,
        scope: scope?,
        scope_text,
        stated,
        when,
        expects: expects.into_iter().collect::<Option<Vec<_>>>()?,
        forbids: forbids.into_iter().collect::<Option<Vec<_>>>()?,
        message: message?.value.clone(),
        why: why?.value.clone(),
        fix: fix?.value.clone(),
        see: r.see.iter().map(|s| s.value.clone()).collect(),
        examples: r
            .examples
            .iter()
            .map(|e| RuleExample {
                pass: e.pass,
                text: e.text.value.clone(),
                span: e.text.span,
            })
            .collect(),
        file: b.files[fi].clone(),
        span: id.span,
    })
}
