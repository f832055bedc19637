//! From syntax trees to a checkable rule set: names resolved, patterns compiled once, every
//! mistake reported as a diagnostic pointing into the rule file.

mod resolve;

use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

use crate::document::Kind;
pub use crate::lang::ast::{Cmp, Mention, SectionAltKind, Span, Unit};
use crate::lang::{RuleFileError, SourceFile};
use crate::search::Patterns;
pub use crate::search::{Pattern, plans};

pub use resolve::compile_pack;

/// The eight pillars of a sound MIQ; every pack may use them as tags.
pub const PILLARS: [(&str, &str); 8] = [
    (
        "objet",
        "L’insertion et la qualification sont l’objet principal du marché",
    ),
    (
        "support",
        "L’activité est présentée comme le support de l’insertion, et décrite",
    ),
    (
        "public",
        "Un public précisément défini : critères, nombre de personnes, territoire",
    ),
    (
        "encadrement",
        "Un encadrement renforcé : technique et socioprofessionnel, ratio, suivi individuel",
    ),
    (
        "qualification",
        "Formation, qualification et levée des freins",
    ),
    (
        "suivi",
        "Résultats, indicateurs, bilans, comité de pilotage, partenaires",
    ),
    (
        "procedure",
        "Base légale, code CPV, procédure, critères d’attribution et pondération",
    ),
    (
        "donnees",
        "Protection des données personnelles des personnes en insertion",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub type AtomId = usize;

#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    /// The alternatives, each with whether it is a fallback (written after `else`).
    pub alts: Vec<(SectionAltKind, AtomId, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    Document,
    Tender,
    Kind(Kind),
    Section { kind: Option<Kind>, section: usize },
    First { words: usize, inner: Box<Scope> },
}

impl Scope {
    /// Whether the scope looks at the whole tender as one unit.
    pub fn is_tender(&self) -> bool {
        match self {
            Scope::Tender => true,
            Scope::First { inner, .. } => inner.is_tender(),
            _ => false,
        }
    }
    /// The document kind the scope is restricted to, if any.
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Scope::Kind(k) => Some(*k),
            Scope::Section { kind, .. } => *kind,
            Scope::First { inner, .. } => inner.kind(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Condition {
    /// An atom, with the mentions that count (never `Mention::Default` once compiled).
    Atom(AtomId, Mention),
    Near {
        a: AtomId,
        b: AtomId,
        /// At most this many words apart (`usize::MAX`: any distance inside the unit).
        within: usize,
        /// The part of the structure both stay in (`None`: across paragraphs).
        unit: Option<Unit>,
        mention: Mention,
    },
    Before {
        a: AtomId,
        b: AtomId,
        within: Option<usize>,
        unit: Option<Unit>,
        mention: Mention,
    },
    Count {
        atom: AtomId,
        cmp: Cmp,
        n: f64,
        distinct: bool,
        mention: Mention,
    },
    Value {
        atom: AtomId,
        cmp: Cmp,
        n: f64,
        mention: Mention,
    },
    /// Two documents of the regions each give values of the atom, and none in common.
    Differs {
        atom: AtomId,
        mention: Mention,
    },
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    In(Box<Condition>, Scope),
}

/// A condition with its text in the rule file.
#[derive(Debug, Clone)]
pub struct Check {
    pub cond: Condition,
    pub text: String,
    /// What it looks for, in words (`expect COND "…"`), for a *missing* finding.
    pub label: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RuleExample {
    pub pass: bool,
    pub text: String,
    pub span: Span,
}

/// A compiled rule, with everything a diagnostic or `explain` needs.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub pack: String,
    pub tags: Vec<String>,
    pub level: Level,
    pub scope: Scope,
    pub scope_text: String,
    /// The document kinds where the expectations are stated (`stated in`); empty: anywhere.
    pub stated: Vec<Kind>,
    pub when: Option<Check>,
    pub expects: Vec<Check>,
    pub forbids: Vec<Check>,
    pub message: String,
    pub why: String,
    pub fix: String,
    pub see: Vec<String>,
    pub examples: Vec<RuleExample>,
    /// Where the rule is defined.
    pub file: SourceFile,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagInfo {
    pub name: String,
    pub description: String,
}

/// A compiled pack: its header, patterns, sections and rules.
#[derive(Debug, Clone)]
pub struct Pack {
    pub id: String,
    pub name: String,
    pub version: String,
    pub description: String,
    pub applies: Option<Check>,
    /// The pack's patterns (an [`AtomId`] is an index), searched together in one pass per
    /// document.
    pub patterns: Patterns,
    pub sections: Vec<Section>,
    pub rules: Vec<Rule>,
    pub tags: Vec<TagInfo>,
    pub params: HashMap<String, f64>,
}

/// All the packs to check with.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub packs: Vec<Pack>,
}

impl RuleSet {
    pub fn rules(&self) -> impl Iterator<Item = (&Pack, &Rule)> {
        self.packs
            .iter()
            .flat_map(|p| p.rules.iter().map(move |r| (p, r)))
    }
    pub fn rule(&self, id: &str) -> Option<(&Pack, &Rule)> {
        self.rules().find(|(_, r)| r.id.eq_ignore_ascii_case(id))
    }

    /// Whether the plan of some pattern was worked out in this run: the plans are then worth
    /// keeping for the next (see [`RuleSet::plans`]).
    pub fn has_new_plans(&self) -> bool {
        self.packs
            .iter()
            .flat_map(|p| p.patterns.iter())
            .any(|a| a.planned_here)
    }

    /// The plans of every pattern, to keep for the next run (worth it when
    /// [`RuleSet::has_new_plans`]).
    pub fn plans(&self) -> plans::Plans {
        let mut out = plans::Plans::default();
        for atom in self.packs.iter().flat_map(|p| p.patterns.iter()) {
            if let Some(plan) = &atom.plan {
                out.insert(atom.plan_key(), atom.original, plan.clone());
            }
        }
        out
    }
}

/// The files of one pack, before compilation.
#[derive(Debug, Clone)]
pub struct PackSource {
    /// The pack id used when no file has a `pack` header (the folder or file name).
    pub default_id: String,
    pub files: Vec<SourceFile>,
}

/// What tells packs apart for the plans cache: ids, file names and texts, in order, each
/// followed by a NUL (which none of them can hold).
pub fn digest_parts(sources: &[PackSource]) -> Vec<&str> {
    let mut parts = Vec::new();
    for src in sources {
        parts.extend([src.default_id.as_str(), "\0"]);
        for f in &src.files {
            parts.extend([f.name.as_str(), "\0", &f.text, "\0"]);
        }
    }
    parts
}

/// Compiles packs. A pack with any error is left out of the rule set (a partial pack could
/// mislead); the others are kept, and every error is returned.
pub fn compile(
    sources: &[PackSource],
    params: &HashMap<String, f64>,
) -> (RuleSet, Vec<RuleFileError>) {
    let limits = crate::limits::Limits::default();
    compile_with_plans(sources, params, plans::Plans::default(), &limits)
}

/// [`compile`], with the plans of a previous run (see [`plans`]) and the limits of a
/// configuration (`max-rules`, `max-regex-bytes`); [`RuleSet::plans`] gives the plans back,
/// with those worked out in this run.
pub fn compile_with_plans(
    sources: &[PackSource],
    params: &HashMap<String, f64>,
    mut known: plans::Plans,
    limits: &crate::limits::Limits,
) -> (RuleSet, Vec<RuleFileError>) {
    let mut set = RuleSet::default();
    let mut errors = Vec::new();
    let max = limits.max_rules;
    for src in sources {
        match compile_pack(src, params, &mut known, limits) {
            Ok(pack) if set.rules().count() + pack.rules.len() > max => {
                if let Some(r) = pack.rules.first() {
                    errors.push(RuleFileError::new(
                        &r.file,
                        r.span,
                        format!(
                            "too many rules: pack `{}` would bring the total over {max}",
                            pack.id
                        ),
                        "in this pack",
                        Some("split the rule set, or raise `max-rules` in [limits]".into()),
                    ));
                }
            }
            Ok(pack) => {
                // Rule ids must be unique across packs.
                let mut clash = false;
                for rule in &pack.rules {
                    if let Some((other_pack, other)) = set.rule(&rule.id) {
                        clash = true;
                        errors.push(
                            RuleFileError::new(
                                &rule.file,
                                rule.span,
                                format!(
                                    "duplicate rule id `{}` (also in pack `{}`)",
                                    rule.id, other_pack.id
                                ),
                                "this id is already used",
                                Some(
                                    "rule ids are unique across all packs: rename one of the rules"
                                        .into(),
                                ),
                            )
                            .with_related(
                                &other.file,
                                other.span,
                                "first defined here",
                            ),
                        );
                    }
                }
                if !clash {
                    if let Some(existing) = set.packs.iter().position(|p| p.id == pack.id) {
                        // Two packs with the same id: report and keep the first.
                        let rule = pack.rules.first();
                        if let Some(r) = rule {
                            errors.push(RuleFileError::new(
                                &r.file,
                                r.span,
                                format!("duplicate pack id `{}`", set.packs[existing].id),
                                "this pack's id is already used",
                                Some("give the pack a different id in its `pack` header".into()),
                            ));
                        }
                    } else {
                        set.packs.push(pack);
                    }
                }
            }
            Err(errs) => errors.extend(errs),
        }
    }
    (set, errors)
}
