//! Automata for searches from a known place, compiled from a pattern's syntax tree with the
//! NFA compilers of the pattern set ([`Compilers`]):
//!
//! - [`AnchoredRegex`]: patterns tried only at their candidate starts (see
//!   [`super::scan::Mode::Prefix`]), and matches confirmed from a start found backwards, need
//!   the forward automaton only. The `regex` crate's engine also builds a reversed one, to find
//!   where a match starts, which an anchored search knows already: about half of its build
//!   time, paid on every run for each pattern a document needs.
//! - [`Reverse`]: patterns found backwards from where a suffix literal ends (see
//!   [`super::scan::Mode::Gate`]).

use std::sync::{Arc, Mutex};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, pikevm};
use regex_automata::util::captures::Captures;
use regex_automata::util::pool::{Pool, PoolGuard};
use regex_automata::{Input, Span};
use regex_syntax::hir::Hir;

/// NFA compilers, reused: a new compiler allocates and clears its UTF-8 tables (about a
/// megabyte) before compiling anything. A pack's pattern set owns one pool, shared by its
/// patterns; each compilation takes a compiler out and puts it back.
#[derive(Default)]
pub struct Compilers(Mutex<Vec<thompson::Compiler>>);

impl std::fmt::Debug for Compilers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Compilers")
    }
}

impl Compilers {
    /// Compiles a syntax tree, forward or reversed. Every option that differs between calls is
    /// set on each call: a compiler keeps the options it was given before unless they are set
    /// again.
    pub(super) fn compile(
        &self,
        hir: &Hir,
        reverse: bool,
        captures: thompson::WhichCaptures,
        size_limit: usize,
    ) -> Result<thompson::NFA, String> {
        let taken = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut c = taken.unwrap_or_else(thompson::Compiler::new);
        c.configure(
            thompson::Config::new()
                .reverse(reverse)
                .which_captures(captures)
                .nfa_size_limit(Some(size_limit)),
        );
        let nfa = c.build_from_hir(hir).map_err(|e| e.to_string());
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(c);
        nfa
    }
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
    pub fn new(
        hir: &Hir,
        captures: bool,
        size_limit: usize,
        compilers: &Compilers,
    ) -> Result<AnchoredRegex, String> {
        let which = if captures {
            thompson::WhichCaptures::All
        } else {
            thompson::WhichCaptures::Implicit
        };
        let nfa = compilers.compile(hir, false, which, size_limit)?;
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

/// A pattern reversed (see [`super::Atom::reverse`]), with a pool of search caches: creating
/// a cache costs more than most searches with it.
pub struct Reverse {
    dfa: Arc<DFA>,
    caches: Pool<Cache, CacheFn>,
}

pub type CacheFn =
    Box<dyn Fn() -> Cache + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

impl Reverse {
    /// The reversed automaton of a pattern's syntax tree; `None` when it cannot be built (a
    /// Unicode word boundary, the size limit): the pattern is then searched forward.
    pub fn new(hir: &Hir, size_limit: usize, compilers: &Compilers) -> Option<Reverse> {
        let nfa = compilers
            .compile(hir, true, thompson::WhichCaptures::None, size_limit)
            .ok()?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(regex_automata::MatchKind::All)
                    .cache_capacity(2 * (1 << 20)),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let dfa = Arc::new(dfa);
        let for_pool = Arc::clone(&dfa);
        let create: CacheFn = Box::new(move || for_pool.create_cache());
        Some(Reverse {
            dfa,
            caches: Pool::new(create),
        })
    }

    /// A search cache, back in the pool when dropped.
    pub fn cache(&self) -> PoolGuard<'_, Cache, CacheFn> {
        self.caches.get()
    }

    /// The earliest start of a match that ends at `input.end()`, searched backwards no further
    /// than `input.start()` (what the lazy DFA's `try_search_rev` finds), and how many bytes
    /// the search read: it stops where no match can start any more, often after a few bytes.
    pub fn search(
        &self,
        cache: &mut Cache,
        input: &regex_automata::Input<'_>,
    ) -> Result<(Option<usize>, usize), regex_automata::MatchError> {
        use regex_automata::MatchError;
        let (dfa, hay) = (&self.dfa, input.haystack());
        let (start, end) = (input.start(), input.end());
        let mut sid = dfa.start_state_reverse(cache, input)?;
        let mut found = None;
        let mut at = end;
        // Matches are reported one byte late: a match state after reading the byte at `at`
        // means a match starts at `at + 1`.
        while at > start {
            at -= 1;
            sid = dfa
                .next_state(cache, sid, hay[at])
                .map_err(|_| MatchError::gave_up(at))?;
            if sid.is_tagged() {
                if sid.is_match() {
                    found = Some(at + 1);
                } else if sid.is_dead() {
                    return Ok((found, end - at));
                } else if sid.is_quit() {
                    return Err(MatchError::quit(hay[at], at));
                }
            }
        }
        // The byte before the span, or the start of the text, may still end a match.
        if start > 0 {
            let b = hay[start - 1];
            sid = dfa
                .next_state(cache, sid, b)
                .map_err(|_| MatchError::gave_up(start))?;
            if sid.is_match() {
                found = Some(start);
            } else if sid.is_quit() {
                return Err(MatchError::quit(b, start - 1));
            }
        } else {
            sid = dfa
                .next_eoi_state(cache, sid)
                .map_err(|_| MatchError::gave_up(start))?;
            if sid.is_match() {
                found = Some(0);
            }
        }
        Ok((found, end - start))
    }
}

impl std::fmt::Debug for Reverse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reverse").finish_non_exhaustive()
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
            // The thread's NFA compiler has just built a reversed automaton: the forward one
            // must not inherit its options.
            let _ = Reverse::new(&hir, 1 << 28, &Compilers::default());
            let ours = AnchoredRegex::new(&hir, true, 1 << 28, &Compilers::default()).unwrap();
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
