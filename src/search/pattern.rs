//! One pattern of a pack: its regex text and syntax tree, its plan, and the automata that run
//! it, each built the first time a document needs it.

use std::fmt;
use std::sync::{Arc, OnceLock};

use regex::RegexBuilder;
use regex_automata::meta::Regex;

use super::anchored::{AnchoredRegex, Compilers, Reverse};
use super::plans::Plan;
use super::{terms, tree};

/// A pattern, checked when the pack is compiled and compiled into an automaton the first time a
/// document needs it (most patterns of a pack are never run on a given document: see
/// [`scan`]), so that checking one small draft does not pay for every regex of every pack.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// How the rule file named it: a list name, `"term"` or `/regex/`.
    pub label: String,
    /// The regex actually run (folded, unless `original`); for a term list, written out when
    /// first asked for (see [`Pattern::pattern`]).
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
    source: Source,
    /// The pattern's syntax tree: made when the pack is loaded, or, when the plan of a previous
    /// run is used, the first time the pattern is compiled (`None`: it does not parse).
    syntax: OnceLock<Option<regex_syntax::hir::Hir>>,
    /// How the pattern is searched; set once the pack's scanner is built.
    pub(crate) plan: Option<Plan>,
    /// Whether the plan was worked out in this run (not taken from a previous run's plans).
    pub(crate) planned_here: bool,
    /// Why an automaton could not be built, once one could not.
    failure: OnceLock<String>,
    /// The size limit of its automata (`max-regex-bytes`), set by [`super::Patterns::new`].
    pub(super) size_limit: usize,
    /// The NFA compilers of its pattern set, set by [`super::Patterns::new`].
    pub(super) compilers: Arc<Compilers>,
}

/// The key of a term list's plan: a NUL cannot be written in a rule file's pattern, so it
/// cannot be taken for one.
pub fn plan_key_of_terms(terms: &[String]) -> String {
    let mut key = String::from("\0terms");
    for t in terms {
        key.push('\0');
        key.push_str(t);
    }
    key
}

/// What an atom's syntax tree is made from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// The terms of a term list.
    Terms(Vec<String>),
    /// The pattern itself.
    Pattern,
}

impl Pattern {
    /// The atom of a pattern written in a rule file.
    pub(crate) fn new(
        label: String,
        pattern: String,
        case_insensitive: bool,
        original: bool,
        value_group: Option<usize>,
    ) -> Pattern {
        let pattern = OnceLock::from(pattern);
        let source = Source::Pattern;
        Pattern::made(
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
    pub(crate) fn terms(label: String, terms: Vec<String>) -> Pattern {
        let source = Source::Terms(terms);
        Pattern::made(label, OnceLock::new(), false, false, None, source)
    }

    fn made(
        label: String,
        pattern: OnceLock<String>,
        case_insensitive: bool,
        original: bool,
        value_group: Option<usize>,
        source: Source,
    ) -> Pattern {
        Pattern {
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
            failure: OnceLock::new(),
            size_limit: crate::limits::DEFAULT.max_regex_bytes,
            compilers: Arc::default(),
        }
    }

    /// Where the syntax tree comes from.
    pub(super) fn source(&self) -> &Source {
        &self.source
    }

    /// The regex actually run (folded, unless `original`).
    pub fn pattern(&self) -> &str {
        self.pattern.get_or_init(|| match &self.source {
            Source::Terms(terms) => super::written::terms_regex(terms),
            // Set when the atom is made (`Pattern::new`).
            Source::Pattern => String::new(),
        })
    }

    /// What the atom's plan is kept under: its pattern, or for a term list its terms (quicker
    /// to put together than the pattern, and as exact).
    pub(crate) fn plan_key(&self) -> String {
        match &self.source {
            Source::Terms(terms) => plan_key_of_terms(terms),
            Source::Pattern => self.pattern().to_string(),
        }
    }

    /// Gives the atom the syntax tree made when it was loaded.
    pub(crate) fn with_syntax(self, hir: regex_syntax::hir::Hir) -> Pattern {
        let _ = self.syntax.set(Some(hir));
        self
    }

    /// The syntax tree (built or parsed on first use when the atom was loaded from a plan).
    pub fn syntax(&self) -> Option<&regex_syntax::hir::Hir> {
        self.syntax
            .get_or_init(|| match &self.source {
                Source::Terms(terms) => {
                    Some(super::written::terms_hir(terms.iter().map(String::as_str)))
                }
                // The tree kept in the plan of a previous run, or the pattern parsed.
                Source::Pattern => (self.plan.as_ref())
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
    /// tried at candidate starts (see [`super::Mode`]), so it needs no literal prefilter of its
    /// own, which saves most of its build time. The same atom always asks the same way.
    pub fn regex(&self, anchored: bool) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| {
                let captures = self.value_group.is_some();
                let built = build_meta(
                    || self.pattern(),
                    self.syntax(),
                    self.case_insensitive,
                    !anchored,
                    captures,
                    self.size_limit,
                );
                self.reported(built)
            })
            .as_ref()
    }

    /// An automaton, or `None` after noting why the pattern cannot be compiled (it then matches
    /// nothing; the run reports it: see [`Pattern::failure`]).
    fn reported<T, E: fmt::Display>(&self, built: Result<T, E>) -> Option<T> {
        built
            .map_err(|e| {
                let _ = self.failure.set(format!(
                    "the pattern {} cannot be compiled: {e}",
                    self.label
                ));
            })
            .ok()
    }

    /// Why the pattern could not be compiled when a document needed it, if it could not.
    pub fn failure(&self) -> Option<&str> {
        self.failure.get().map(String::as_str)
    }

    /// The pattern compiled for anchored tries only (compiled on first use; `None` as for
    /// [`Pattern::regex`]), which is quicker to build.
    pub fn anchored_regex(&self) -> Option<&AnchoredRegex> {
        self.anchored
            .get_or_init(|| {
                let limit = self.size_limit;
                let built = match self.syntax() {
                    Some(hir) => {
                        AnchoredRegex::new(hir, self.value_group.is_some(), limit, &self.compilers)
                            .map(Arc::new)
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
                Source::Terms(t) => terms::TermMatcher::new(t).map(Arc::new),
                Source::Pattern => None,
            })
            .as_deref()
            .filter(|m| !m.worn_out())
    }

    /// The pattern reversed, to find where matches ending at a place start (the longest
    /// first): see [`super::Mode::Gate`]. `None` when it cannot be built (a Unicode word
    /// boundary, the size limit): the pattern is then searched forward.
    pub fn reverse(&self) -> Option<&Reverse> {
        self.reverse
            .get_or_init(|| {
                let limit = self.size_limit;
                Reverse::new(self.syntax()?, limit, &self.compilers).map(Arc::new)
            })
            .as_deref()
    }
}

/// Builds a pattern with the `regex` crate, only to get its error message.
fn build_regex(
    pattern: &str,
    case_insensitive: bool,
    limit: usize,
) -> Result<regex::Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .size_limit(limit)
        .dfa_size_limit(limit)
        .build()
}

/// Builds the automaton that runs a pattern: the same engine, syntax and limits as the
/// `regex` crate, with anchored searches (see [`super::scan`]).
fn build_meta<'a>(
    pattern: impl FnOnce() -> &'a str,
    syntax: Option<&regex_syntax::hir::Hir>,
    case_insensitive: bool,
    prefilter: bool,
    captures: bool,
    limit: usize,
) -> Result<regex_automata::meta::Regex, Box<regex_automata::meta::BuildError>> {
    let mut builder = regex_automata::meta::Regex::builder();
    builder
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(case_insensitive))
        .configure(
            regex_automata::meta::Config::new()
                .nfa_size_limit(Some(limit))
                .onepass_size_limit(Some(limit))
                .dfa_size_limit(Some(limit))
                .hybrid_cache_capacity(2 * (1 << 20))
                .auto_prefilter(prefilter)
                .which_captures(if captures {
                    regex_automata::nfa::thompson::WhichCaptures::All
                } else {
                    regex_automata::nfa::thompson::WhichCaptures::Implicit
                }),
        );
    match syntax {
        Some(hir) => builder.build_from_hir(hir),
        None => builder.build(pattern()),
    }
    .map_err(Box::new)
}

/// Parses a pattern as it is compiled, and says whether case-insensitively. Folded text
/// (`folded`) has no upper case: a pattern whose case cannot matter there is parsed and run
/// case-sensitively, a smaller automaton that is faster to build and to run.
pub fn parse_pattern(
    pattern: &str,
    folded: bool,
    limit: usize,
) -> Result<(regex_syntax::hir::Hir, bool), regex::Error> {
    let hir = check_syntax(pattern, false, limit)?;
    if folded && super::plan::case_matters(&hir) {
        return check_syntax(pattern, true, limit).map(|hir| (hir, true));
    }
    Ok((hir, false))
}

/// Checks a pattern's syntax without compiling it (cheap); returns its syntax tree.
/// `limit`: the size limit of the `regex` crate's automaton, built only to explain an error.
pub fn check_syntax(
    pattern: &str,
    case_insensitive: bool,
    limit: usize,
) -> Result<regex_syntax::hir::Hir, regex::Error> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .build()
        .parse(pattern)
        .map_err(|_| match build_regex(pattern, case_insensitive, limit) {
            Err(e) => e,
            Ok(_) => regex::Error::Syntax("invalid syntax".into()),
        })
}
