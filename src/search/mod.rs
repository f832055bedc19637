//! Finding the matches of a pack's patterns in a document, behind one small interface: a
//! compiled pattern set ([`Patterns`]) and, for one document, the matches of pattern P up to
//! what the caller needs ([`DocMatches`]).
//!
//! Everything about how a pattern is searched stays inside this module: the plan of each
//! pattern (the literals every match starts or ends with, and where it is tried: [`plan`]),
//! the one-pass literal scan of a document for every pattern of a pack ([`scan`]), the
//! automata and term matchers that run a pattern ([`anchored`], [`terms`]), how rule authors'
//! terms and regexes become patterns on folded text ([`written`]), and the plans kept between
//! runs ([`plans`], [`cache`]).

mod anchored;
pub mod cache;
mod matches;
mod pattern;
mod plan;
pub mod plans;
mod scan;
mod terms;
mod tree;
mod written;

pub use matches::{ALL, DocMatches, Haystack, Match, Need};
pub use pattern::{Pattern, check_syntax, parse_pattern, plan_key_of_terms};
pub use plan::Mode;
pub use written::{fold_regex, terms_hir};

use scan::Scanner;

/// The patterns of one pack, with the literal scanner that finds where each may match.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    list: Vec<Pattern>,
    scanner: Scanner,
}

impl Patterns {
    /// The pattern set of a pack's patterns (ids are their indices), whose automata are
    /// built within `size_limit` bytes (`max-regex-bytes`). A pattern without a plan (none
    /// from a previous run) is planned from its syntax tree, and keeps its plan.
    pub fn new(mut list: Vec<Pattern>, size_limit: usize) -> Patterns {
        let compilers = std::sync::Arc::new(anchored::Compilers::default());
        for p in &mut list {
            p.size_limit = size_limit;
            p.compilers = compilers.clone();
        }
        let scanner = Scanner::new(&mut list, size_limit);
        Patterns { list, scanner }
    }

    pub fn get(&self, id: usize) -> &Pattern {
        &self.list[id]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Pattern> {
        self.list.iter()
    }

    /// How a pattern is searched.
    pub fn mode(&self, id: usize) -> Mode {
        self.scanner.modes[id]
    }

    /// Builds the literal automata now (they are otherwise built by the first scan): called
    /// while documents are read, on another thread.
    pub fn warm_up(&self) {
        self.scanner.warm_up();
    }

    /// Scans a document's folded text for the literals of every pattern, ready to search.
    pub fn prepare(&self, folded: &str) -> DocMatches {
        DocMatches::new(self, folded)
    }

    /// Why patterns could not be compiled when a document needed them (they matched nothing).
    pub fn failures(&self) -> impl Iterator<Item = &str> {
        self.list.iter().filter_map(Pattern::failure)
    }
}

/// Whether a pattern's automaton (with its capture groups) fits in `size_limit` bytes; the
/// error says why not.
pub fn fits(hir: &regex_syntax::hir::Hir, size_limit: usize) -> Result<(), String> {
    let captures = regex_automata::nfa::thompson::WhichCaptures::All;
    let compilers = anchored::Compilers::default();
    compilers
        .compile(hir, false, captures, size_limit)
        .map(|_| ())
}

#[cfg(test)]
mod tests;
