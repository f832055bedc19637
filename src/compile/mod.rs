//! From syntax trees to a checkable rule set: names resolved, patterns compiled once, every
//! mistake reported as a diagnostic pointing into the rule file.

pub mod anchored;
pub mod plans;
mod resolve;
pub mod scan;
pub mod terms;
pub mod tree;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use regex_automata::meta::Regex;
use serde::Serialize;

use crate::document::Kind;
pub use crate::lang::ast::{Cmp, Mention, SectionAltKind, Span, Unit};
use crate::lang::{RuleFileError, SourceFile};

pub use anchored::{AnchoredRegex, Reverse};
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

/// A pattern, checked when the pack is compiled and compiled into an automaton the first time a
/// document needs it (most patterns of a pack are never run on a given document: see
/// [`scan`]), so that checking one small draft does not pay for every regex of every pack.
#[derive(Debug, Clone)]
pub struct Atom {
    /// How the rule file named it: a list name, `"term"` or `/regex/`.
    pub label: String,
    /// The regex actually run (folded, unless `original`); for a term list, written out when
    /// first asked for (see [`Atom::pattern`]).
    pattern: OnceLock<String>,
    pub case_insensitive: bool,
    /// Matches the original text instead of the folded text.
    pub original: bool,
    /// The capture group whose number `value` compares, if the regex has one.
    pub value_group: Option<usize>,
    compiled: OnceLock<Option<Regex>>,
    anchored: OnceLock<Option<Arc<AnchoredRegex>>>,
    reverse: OnceLock<Option<Arc<Reverse>>>,
    /// A term list's matcher for anchored tries (see [`terms`]).
    term_matcher: OnceLock<Option<Arc<terms::TermMatcher>>>,
    /// Where the syntax tree comes from.
    source: AtomSource,
    /// The pattern's syntax tree: made when the pack is loaded, or, when the plan of a previous
    /// run is used, the first time the pattern is compiled (`None`: it does not parse).
    syntax: OnceLock<Option<regex_syntax::hir::Hir>>,
    /// How the pattern is searched; set once the pack's scanner is built.
    pub(crate) plan: Option<plans::Plan>,
    /// Whether the plan was worked out in this run (not taken from a previous run's plans).
    pub(crate) planned_here: bool,
}

/// The key of a term list's plan: a NUL cannot be written in a rule file's pattern, so it
/// cannot be taken for one.
pub(crate) fn plan_key_of_terms(terms: &[String]) -> String {
    let mut key = String::from("\0terms");
    for t in terms {
        key.push('\0');
        key.push_str(t);
    }
    key
}

/// What an atom's syntax tree is made from.
#[derive(Debug, Clone)]
pub(crate) enum AtomSource {
    /// The terms of a term list.
    Terms(Vec<String>),
    /// The pattern itself.
    Pattern,
}

impl Atom {
    /// The atom of a pattern written in a rule file.
    pub(crate) fn new(
        label: String,
        pattern: String,
        case_insensitive: bool,
        original: bool,
        value_group: Option<usize>,
    ) -> Atom {
        let pattern = OnceLock::from(pattern);
        let source = AtomSource::Pattern;
        Atom::made(
            label,
            pattern,
            case_insensitive,
            original,
            value_group,
            source,
        )
    }

    /// The atom of a term list: its pattern is written out only if asked for (most runs only
    /// need its syntax tree, and only for the lists a document has literals of).
    pub(crate) fn terms(label: String, terms: Vec<String>) -> Atom {
        let source = AtomSource::Terms(terms);
        Atom::made(label, OnceLock::new(), false, false, None, source)
    }

    fn made(
        label: String,
        pattern: OnceLock<String>,
        case_insensitive: bool,
        original: bool,
        value_group: Option<usize>,
        source: AtomSource,
    ) -> Atom {
        Atom {
            label,
            pattern,
            case_insensitive,
            original,
            value_group,
            compiled: OnceLock::new(),
            anchored: OnceLock::new(),
            reverse: OnceLock::new(),
            term_matcher: OnceLock::new(),
            source,
            syntax: OnceLock::new(),
            plan: None,
            planned_here: false,
        }
    }

    /// The regex actually run (folded, unless `original`).
    pub fn pattern(&self) -> &str {
        self.pattern.get_or_init(|| match &self.source {
            AtomSource::Terms(terms) => crate::fold::terms_regex(terms),
            // Set when the atom is made (`Atom::new`).
            AtomSource::Pattern => String::new(),
        })
    }

    /// What the atom's plan is kept under: its pattern, or for a term list its terms (quicker
    /// to put together than the pattern, and as exact).
    pub(crate) fn plan_key(&self) -> String {
        match &self.source {
            AtomSource::Terms(terms) => plan_key_of_terms(terms),
            AtomSource::Pattern => self.pattern().to_string(),
        }
    }

    /// Gives the atom the syntax tree made when it was loaded.
    pub(crate) fn with_syntax(self, hir: regex_syntax::hir::Hir) -> Atom {
        let _ = self.syntax.set(Some(hir));
        self
    }

    /// The syntax tree (built or parsed on first use when the atom was loaded from a plan).
    pub fn syntax(&self) -> Option<&regex_syntax::hir::Hir> {
        self.syntax
            .get_or_init(|| match &self.source {
                AtomSource::Terms(terms) => {
                    Some(crate::fold::terms_hir(terms.iter().map(String::as_str)))
                }
                // The tree kept in the plan of a previous run, or the pattern parsed.
                AtomSource::Pattern => (self.plan.as_ref())
                    .and_then(|p| p.syntax.as_deref())
                    .and_then(tree::from_bytes)
                    .or_else(|| {
                        regex_syntax::ParserBuilder::new()
                            .case_insensitive(self.case_insensitive)
                            .build()
                            .parse(self.pattern())
                            .ok()
                    }),
            })
            .as_ref()
    }

    /// The compiled regex (compiled on first use). `None` only for a pattern whose automaton
    /// exceeds the size limit, which the compiler could not tell from its syntax; it is
    /// reported once on standard error and matches nothing. `anchored`: the pattern is only
    /// tried at candidate starts (see [`scan::Mode`]), so it needs no literal prefilter of its
    /// own, which saves most of its build time. The same atom always asks the same way.
    pub fn regex(&self, anchored: bool) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| {
                let captures = self.value_group.is_some();
                let built = resolve::build_meta(
                    || self.pattern(),
                    self.syntax(),
                    self.case_insensitive,
                    !anchored,
                    captures,
                );
                self.reported(built)
            })
            .as_ref()
    }

    /// An automaton, or `None` after saying once on standard error why the pattern cannot be
    /// compiled (it then matches nothing).
    fn reported<T, E: fmt::Display>(&self, built: Result<T, E>) -> Option<T> {
        built
            .map_err(|e| {
                eprintln!(
                    "warning: the pattern {} cannot be compiled: {e}",
                    self.label
                )
            })
            .ok()
    }

    /// The pattern compiled for anchored tries only (compiled on first use; `None` as for
    /// [`Atom::regex`]), which is quicker to build.
    pub fn anchored_regex(&self) -> Option<&AnchoredRegex> {
        self.anchored
            .get_or_init(|| {
                let limit = crate::limits::current().max_regex_bytes;
                let built = match self.syntax() {
                    Some(hir) => {
                        AnchoredRegex::new(hir, self.value_group.is_some(), limit).map(Arc::new)
                    }
                    None => Err("invalid syntax".into()),
                };
                self.reported(built)
            })
            .as_deref()
    }

    /// For a term list, what tries it at candidate starts without an automaton (see
    /// [`terms`]), until it has been tried often enough in this run for its automaton to pay
    /// for itself (a search under way goes on with it; the next one takes the automaton);
    /// `None` then, for a pattern, or for a list with a term too intricate for it.
    pub fn term_matcher(&self) -> Option<&terms::TermMatcher> {
        self.term_matcher
            .get_or_init(|| match &self.source {
                AtomSource::Terms(t) => terms::TermMatcher::new(t).map(Arc::new),
                AtomSource::Pattern => None,
            })
            .as_deref()
            .filter(|m| !m.worn_out())
    }

    /// The pattern reversed, to find where matches ending at a place start (the longest
    /// first): see [`scan::Mode::Gate`]. `None` when it cannot be built (a Unicode word
    /// boundary, the size limit): the pattern is then searched forward.
    pub fn reverse(&self) -> Option<&Reverse> {
        self.reverse
            .get_or_init(|| {
                let limit = crate::limits::current().max_regex_bytes;
                Reverse::new(self.syntax()?, limit).map(Arc::new)
            })
            .as_deref()
    }
}

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
    pub atoms: Vec<Atom>,
    /// The literals of all the pack's patterns, for one pass per document.
    pub scanner: scan::Scanner,
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
            .flat_map(|p| &p.atoms)
            .any(|a| a.planned_here)
    }

    /// The plans of every pattern, to keep for the next run (worth it when
    /// [`RuleSet::has_new_plans`]).
    pub fn plans(&self) -> plans::Plans {
        let mut out = plans::Plans::default();
        for atom in self.packs.iter().flat_map(|p| &p.atoms) {
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

/// Compiles packs. A pack with any error is left out of the rule set (a partial pack could
/// mislead); the others are kept, and every error is returned.
pub fn compile(
    sources: &[PackSource],
    params: &HashMap<String, f64>,
) -> (RuleSet, Vec<RuleFileError>) {
    compile_with_plans(sources, params, plans::Plans::default())
}

/// [`compile`], with the plans of a previous run (see [`plans`]); [`RuleSet::plans`] gives
/// them back, with those worked out in this run.
pub fn compile_with_plans(
    sources: &[PackSource],
    params: &HashMap<String, f64>,
    mut known: plans::Plans,
) -> (RuleSet, Vec<RuleFileError>) {
    let mut set = RuleSet::default();
    let mut errors = Vec::new();
    for src in sources {
        match compile_pack(src, params, &mut known) {
            Ok(pack)
                if set.rules().count() + pack.rules.len() > crate::limits::current().max_rules =>
            {
                let max = crate::limits::current().max_rules;
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

/// Suggests the closest of `candidates` to `word`, if one is close enough.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|&(d, c)| d <= (c.chars().count() / 3).max(1) && d > 0)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}
