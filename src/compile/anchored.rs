//! Patterns tried only at their candidate starts (see [`super::scan::Mode::Prefix`]): such a
//! search needs the forward automaton only. The `regex` crate's engine also builds a reversed
//! one, to find where a match starts, which an anchored search knows already: about half of
//! its build time, paid on every run for each pattern a document needs.

use std::cell::RefCell;
use std::sync::Arc;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, pikevm};
use regex_automata::util::captures::Captures;
use regex_automata::util::pool::{Pool, PoolGuard};
use regex_automata::{Input, Span};
use regex_syntax::hir::Hir;

thread_local! {
    /// One NFA compiler per thread, reused: a new compiler allocates and clears its UTF-8
    /// tables (about a megabyte) before compiling anything.
    static COMPILER: RefCell<thompson::Compiler> = RefCell::new(thompson::Compiler::new());
}

/// What one search needs besides the automata. The PikeVM's part is made when first needed
/// (a value group, or the lazy DFA giving up): for most patterns, never.
pub struct Caches {
    dfa: Option<Cache>,
    pikevm: Option<(pikevm::Cache, Captures)>,
}

pub type CachesFn =
    Box<dyn Fn() -> Caches + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

/// Search caches of an [`AnchoredRegex`], taken from its pool.
pub type CachesGuard<'a> = PoolGuard<'a, Caches, CachesFn>;

/// A pattern compiled for anchored searches: the forward NFA run as a lazy DFA for the end of
/// the match, and as a PikeVM for its capture groups (or when the lazy DFA gives up, or cannot
/// be built: an NFA too large for its cache).
pub struct AnchoredRegex {
    dfa: Option<Arc<DFA>>,
    pikevm: Arc<pikevm::PikeVM>,
    caches: Pool<Caches, CachesFn>,
}

impl std::fmt::Debug for AnchoredRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnchoredRegex").finish_non_exhaustive()
    }
}

impl AnchoredRegex {
    /// Compiles a pattern's syntax tree; `captures`: the capture groups are read.
    pub fn new(hir: &Hir, captures: bool, size_limit: usize) -> Result<AnchoredRegex, String> {
        let which = if captures {
            thompson::WhichCaptures::All
        } else {
            thompson::WhichCaptures::Implicit
        };
        let nfa = COMPILER.with(|c| {
            let mut c = c.borrow_mut();
            c.configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(size_limit))
                    .which_captures(which),
            );
            c.build_from_hir(hir).map_err(|e| e.to_string())
        })?;
        // As the regex crate's engine does: a lazy DFA that cannot be built (its minimum cache
        // is over the capacity) is done without; one that keeps clearing its cache without
        // getting far gives up (a Unicode word boundary on non-ASCII text too); the PikeVM
        // answers then.
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .cache_capacity(2 * (1 << 20))
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10))
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa.clone())
            .ok()
            .map(Arc::new);
        let pikevm = Arc::new(pikevm::PikeVM::new_from_nfa(nfa).map_err(|e| e.to_string())?);
        let d = dfa.clone();
        let create: CachesFn = Box::new(move || Caches {
            dfa: d.as_ref().map(|d| d.create_cache()),
            pikevm: None,
        });
        Ok(AnchoredRegex {
            dfa,
            pikevm,
            caches: Pool::new(create),
        })
    }

    /// Search caches, back in the pool when dropped.
    pub fn caches(&self) -> CachesGuard<'_> {
        self.caches.get()
    }

    /// The leftmost-first match starting exactly at the start of `input` (which must be
    /// anchored), and the span of capture group `group`, as the `regex` crate would find them.
    pub fn find(
        &self,
        caches: &mut Caches,
        input: &Input<'_>,
        group: Option<usize>,
    ) -> (Option<Span>, Option<Span>) {
        let found = match (&self.dfa, &mut caches.dfa) {
            (Some(dfa), Some(cache)) => dfa.try_search_fwd(cache, input).ok(),
            _ => None,
        };
        let end = match found {
            Some(None) => return (None, None),
            Some(Some(m)) if group.is_none() => {
                return (Some(Span::from(input.start()..m.offset())), None);
            }
            Some(Some(m)) => Some(m.offset()),
            // No lazy DFA, or it gave up.
            None => None,
        };
        // The PikeVM, on the match only when its end is known: look-around still sees the
        // whole text, and the preferred match is the same.
        let input = match end {
            Some(end) => input.clone().range(input.start()..end),
            None => input.clone(),
        };
        let (cache, captures) = caches
            .pikevm
            .get_or_insert_with(|| (self.pikevm.create_cache(), self.pikevm.create_captures()));
        self.pikevm.search(cache, &input, captures);
        let m = captures.get_match().map(|m| m.span());
        (m, group.and_then(|g| captures.get_group(g)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::Anchored;
    use regex_automata::meta::Regex;

    /// At every character boundary of every text, the anchored search finds the match and the
    /// group the regex crate's engine finds — with groups, empty matches, and a Unicode word
    /// boundary on accented text (where the lazy DFA gives up and the PikeVM answers).
    #[test]
    fn finds_what_the_regex_engine_finds() {
        let patterns = [
            r"(\d+)\s?heures",
            r"(?-u:\b)insertion(?:s|x)?(?-u:\b)",
            r"\d*",
            r"(?:a|ab)(c|bcd)?",
            r"\bété\b",
            r"(?i)march[eé]",
            r"(?m)^[ \t]*article\s+(?P<n>\d+)",
            r"x*?",
            // An NFA whose lazy DFA needs more than its 2 MB cache: the PikeVM alone.
            r"(\d+)\s?heures(?:\s[a-z]+){0,12000}",
        ];
        let texts = [
            "12 heures d'insertion, 3heures, insertions professionnelles",
            "abcd abc ab a",
            "l'été été étés\nArticle 12 – MARCHÉ marche",
            "",
            "x",
        ];
        for p in patterns {
            let hir = regex_syntax::Parser::new().parse(p).unwrap();
            let ours = AnchoredRegex::new(&hir, true, 1 << 28).unwrap();
            assert_eq!(ours.dfa.is_none(), p.contains("12000"), "{p}");
            let meta = Regex::new(p).unwrap();
            let mut caps = meta.create_captures();
            let mut c = ours.caches();
            for t in texts {
                for s in (0..=t.len()).filter(|&s| t.is_char_boundary(s)) {
                    let input = Input::new(t).span(s..t.len()).anchored(Anchored::Yes);
                    meta.search_captures(&input, &mut caps);
                    let expected = (caps.get_match().map(|m| m.span()), caps.get_group(1));
                    assert_eq!(
                        ours.find(&mut c, &input, Some(1)),
                        expected,
                        "{p} {t:?} at {s}"
                    );
                    let (m, g) = ours.find(&mut c, &input, None);
                    assert_eq!((m, g), (expected.0, None), "{p} {t:?} at {s}");
                }
            }
        }
    }
}
