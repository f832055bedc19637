//! The matches of a pack's patterns in one document, found on demand and kept: the literal
//! scan of the document tells which patterns may match where ([`super::plan`]); a search runs
//! only when the engine asks for a pattern's matches, stops as soon as it has what the caller
//! needs, and resumes from there when a later condition needs more.

use std::sync::{Mutex, OnceLock};

use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input};

use super::Patterns;
use super::anchored::{AnchoredRegex, CacheFn, CachesGuard, Reverse};
use super::pattern::Pattern;
use super::plan::Mode;
use super::scan::Hits;
use super::terms::{GaveUp, TermMatcher};
use crate::fold::{Folded, offset};

/// The texts of one document a search reads: patterns run on the folded text, or on the
/// original one (`/…/c`); matches are always given in folded offsets.
#[derive(Clone, Copy)]
pub struct Haystack<'t> {
    pub folded: &'t Folded,
    pub original: &'t str,
}

/// A match of an atom, in folded offsets. Kept small (24 bytes): a tender keeps the matches
/// of every document.
#[derive(Debug, Clone, Copy)]
pub struct Match {
    /// Where it starts and ends (see [`Match::start`]); texts are at most
    /// [`crate::limits::TEXT_BYTES_CEILING`] bytes, and folding does not lengthen them more
    /// than twice.
    from: u32,
    to: u32,
    /// The number captured by the value group (NaN when there is none).
    number: f64,
    /// The folded range of the captured group, for regexes that have one (`u32::MAX` when
    /// there is none; texts are far below 4 GiB, see the `max-text-bytes` limit).
    group_start: u32,
    group_end: u32,
}

impl Match {
    pub fn start(&self) -> usize {
        self.from as usize
    }

    pub fn end(&self) -> usize {
        self.to as usize
    }

    pub fn value(&self) -> Option<f64> {
        (!self.number.is_nan()).then_some(self.number)
    }

    pub fn group(&self) -> Option<(usize, usize)> {
        (self.group_start != u32::MAX)
            .then_some((self.group_start as usize, self.group_end as usize))
    }
}

/// The automaton a search runs, with what it needs for one document.
enum Engine<'r> {
    /// The pattern tried only at candidate starts, with its search caches.
    Anchored(&'r AnchoredRegex, CachesGuard<'r>),
    /// A term list tried at candidate starts, and its automaton (made when first needed: a
    /// try that gives up).
    Terms(
        &'r TermMatcher,
        Option<(&'r AnchoredRegex, CachesGuard<'r>)>,
    ),
    /// The regex crate's engine, with room for capture groups when the value group is read.
    Meta(&'r Regex, Option<Captures>),
}

/// How a pattern's matches are searched in one document (see [`Mode`]).
enum How<'h> {
    /// Anchored at each candidate start.
    At(&'h [u32]),
    /// In each window (start, end pairs).
    Windows,
    /// Backwards from where each suffix literal ends, to the earliest start, then forward.
    Back(
        &'h Reverse,
        regex_automata::util::pool::PoolGuard<'h, regex_automata::hybrid::dfa::Cache, CacheFn>,
    ),
    /// Forward over the text.
    Scan,
}

/// How many occurrences a caller needs from a condition: `0` when only whether it holds
/// matters (a `when`, a `not`, an `expect` without evidence), [`ALL`] for a `forbid`.
pub type Need = usize;
pub const ALL: Need = usize::MAX;

/// The matches of one atom in one document, found on demand: a search stops as soon as the
/// caller has what it needs (a `count mot >= 350` reads 351 words, not the whole tender), and
/// resumes from where it stopped when a later condition needs more.
#[derive(Default)]
struct AtomMatches {
    /// Every match, once the search has reached the end of the text.
    all: OnceLock<Vec<Match>>,
    partial: Mutex<Partial>,
    /// Matches counted over the whole text without keeping them: how many, and whether that
    /// is all of them (`count mot >= 350` in several rules counts once).
    counted: Mutex<(usize, bool)>,
}

/// A search stopped part way: the matches found so far and where to resume.
#[derive(Default)]
struct Partial {
    found: Vec<Match>,
    /// Offset (in the searched text) where the next match may start.
    pos: usize,
    /// For an anchored search: the next candidate start to try.
    next_start: usize,
    /// Where the last match ended: an empty match there is not a match (as in `find_iter`).
    last_end: Option<usize>,
    /// Bytes read backwards by the search from suffix literals (see `How::Back`).
    read_back: usize,
    done: bool,
}

/// Whether the scan tells that an atom searched from its literals (`mode`) has none in a
/// document, and so no match there.
fn no_literal(mode: Mode, hits: &Hits, atom: usize) -> bool {
    match mode {
        Mode::Prefix | Mode::Window(_) => hits.starts(atom).is_empty() && !hits.crowded(atom),
        Mode::Gate => !hits.any(atom),
        _ => false,
    }
}

/// Parses a number as written in French text: `12,5`, `1 200`, `60`.
pub(super) fn parse_number(s: &str) -> Option<f64> {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let compact = compact.trim_end_matches(['.', ',']);
    // « 1.200 » and « 12.500.000 » use dots between thousands; « 12,5 » a decimal comma.
    let thousands = compact.contains('.')
        && !compact.contains(',')
        && compact.split('.').skip(1).all(|g| g.len() == 3);
    let cleaned: String = if thousands {
        compact.replace('.', "")
    } else {
        compact.replace(',', ".")
    };
    cleaned.parse().ok()
}

/// The search state of every pattern of a pack in one document.
pub struct DocMatches {
    /// Where each pattern's literals occur (one pass over the folded text).
    hits: Hits,
    /// For the patterns anchored at line starts (folded text, original text): where each
    /// matches.
    line_hits: [OnceLock<Vec<Vec<u32>>>; 2],
    /// The patterns that may match in the document (sorted): the others have none of their
    /// literals there. Most patterns of a pack are not, and a tender keeps the matches of each
    /// of its documents: no slot for them.
    searched: Vec<u32>,
    /// For each pattern of `searched`, its matches, made when first searched.
    matches: Vec<OnceLock<Box<AtomMatches>>>,
}

impl DocMatches {
    /// Scans a document's folded text for the literals of every pattern of the set.
    pub fn new(set: &Patterns, folded: &str) -> DocMatches {
        let hits = set.scanner.scan(folded);
        let searched: Vec<u32> = (0..set.list.len())
            .filter(|&a| !no_literal(set.scanner.modes[a], &hits, a))
            // Pattern ids are indices of a pack's patterns, far fewer than 2^32.
            .map(|a| a as u32)
            .collect();
        DocMatches {
            hits,
            line_hits: Default::default(),
            matches: searched.iter().map(|_| OnceLock::new()).collect(),
            searched,
        }
    }

    /// Whether a pattern's literals occur so often in the document that it is searched over
    /// the whole text rather than from each of them.
    pub fn crowded(&self, id: usize) -> bool {
        self.hits.crowded(id)
    }

    /// The search state of a pattern; `None` when the scan already tells that the pattern has
    /// no match in the document (no literal of it occurs), so that nothing is allocated for it.
    fn state(&self, id: usize) -> Option<&AtomMatches> {
        let i = self.searched.binary_search(&u32::try_from(id).ok()?).ok()?;
        Some(&**self.matches[i].get_or_init(Box::default))
    }

    /// Every match of a pattern in the document.
    pub fn all(&self, set: &Patterns, text: Haystack, id: usize) -> &[Match] {
        let Some(am) = self.state(id) else {
            return &[];
        };
        am.all.get_or_init(|| {
            let mut p = am.partial.lock().unwrap_or_else(|e| e.into_inner());
            while !p.done {
                self.extend(set, text, id, &mut p, ALL);
            }
            // Kept as long as the tender is checked: no growth slack.
            let mut all = std::mem::take(&mut p.found);
            all.shrink_to_fit();
            all
        })
    }

    /// Calls `f` with the matches of a pattern found so far, after searching until `enough`
    /// says they suffice (or the text is exhausted).
    pub fn with<R>(
        &self,
        set: &Patterns,
        text: Haystack,
        id: usize,
        enough: impl Fn(&[Match]) -> bool,
        f: impl FnOnce(&[Match]) -> R,
    ) -> R {
        let Some(am) = self.state(id) else {
            return f(&[]);
        };
        if let Some(all) = am.all.get() {
            return f(all);
        }
        let mut p = am.partial.lock().unwrap_or_else(|e| e.into_inner());
        let mut chunk = 16;
        while !p.done && !enough(&p.found) {
            self.extend(set, text, id, &mut p, chunk);
            chunk = chunk.saturating_mul(2);
        }
        if p.done {
            drop(p);
            return f(self.all(set, text, id));
        }
        f(&p.found)
    }

    /// Counts matches of a pattern with `count` (at most `left`), searching until `enough`
    /// says the matches suffice. A count needs no match kept: a frequent pattern (`mot`, every
    /// word) counted to 350 in each of 500 documents would otherwise keep 175,000 matches.
    /// `whole`: the count is over the whole text, and is remembered.
    #[allow(clippy::too_many_arguments)]
    pub fn count(
        &self,
        set: &Patterns,
        text: Haystack,
        id: usize,
        whole: bool,
        left: usize,
        enough: impl Fn(&[Match]) -> bool,
        count: impl Fn(&[Match]) -> usize,
    ) -> usize {
        let Some(am) = self.state(id) else {
            return 0;
        };
        if let Some(all) = am.all.get() {
            return count(all);
        }
        {
            let p = am.partial.lock().unwrap_or_else(|e| e.into_inner());
            if p.done {
                // Complete: its matches are (or are being moved) in `all`.
                drop(p);
                return count(self.all(set, text, id));
            }
            if enough(&p.found) {
                return count(&p.found);
            }
        }
        if whole {
            let (n, complete) = *am.counted.lock().unwrap_or_else(|e| e.into_inner());
            if complete || n >= left {
                return n.min(left);
            }
        }
        let mut t = Partial::default();
        let mut chunk = left.saturating_add(16);
        while !t.done && !enough(&t.found) {
            self.extend(set, text, id, &mut t, chunk);
            chunk = chunk.saturating_mul(2);
        }
        let n = count(&t.found);
        if whole {
            let mut c = am.counted.lock().unwrap_or_else(|e| e.into_inner());
            if n > c.0 || t.done {
                *c = (n.max(c.0), t.done && n < left);
            }
        }
        n
    }

    /// How a pattern is searched in this document (see [`Mode`]): `None` when it cannot match.
    fn how<'s>(&'s self, set: &'s Patterns, atom: usize, hay: &str) -> Option<How<'s>> {
        let a = &set.list[atom];
        let mode = set.scanner.modes[atom];
        let starts = self.hits.starts(atom);
        // Patterns anchored at line starts: the line starts where the pattern matches, found
        // for every such pattern of the pack in one search per line start.
        let line_hits = match mode {
            Mode::LineStart { multi_line: true } => {
                let which = usize::from(a.original);
                let set = &set.scanner.line_sets[which];
                set.atoms
                    .iter()
                    .position(|&x| x == atom)
                    .map(|k| &self.line_hits[which].get_or_init(|| set.hits(hay))[k][..])
            }
            _ => None,
        };
        let crowded = self.hits.crowded(atom);
        // (An atom whose literals do not occur has no search state: see `atom_matches`.)
        if line_hits.is_some_and(<[u32]>::is_empty) {
            return None;
        }
        Some(match (mode, line_hits) {
            (_, Some(hits)) => How::At(hits),
            // Too many candidates: one ordinary search over the text is cheaper.
            (Mode::Prefix | Mode::Window(_) | Mode::Gate, _) if crowded => How::Scan,
            (Mode::Prefix, _) => How::At(starts),
            (Mode::LineStart { .. }, _) => How::At(&[0]),
            (Mode::Window(_), _) => How::Windows,
            // Crowded past `MAX_GATE_ENDS` places (more in a long text).
            (Mode::Gate, _) => match a.reverse() {
                Some(rev) => How::Back(rev, rev.cache()),
                None => How::Scan,
            },
            _ => How::Scan,
        })
    }

    /// Searches up to `more` further matches of an atom, leftmost-first and non-overlapping
    /// (what the `regex` crate's `find_iter` gives), only where the atom's literals occur.
    fn extend(&self, set: &Patterns, text: Haystack, atom: usize, p: &mut Partial, more: usize) {
        let a = &set.list[atom];
        let hay: &str = if a.original {
            text.original
        } else {
            &text.folded.text
        };
        let mode = set.scanner.modes[atom];
        let starts = self.hits.starts(atom);
        let Some(mut how) = self.how(set, atom, hay) else {
            p.done = true;
            return;
        };
        // Searches from a known start (candidate starts, or starts found backwards) need the
        // forward automaton only, quicker to build; other searches the regex crate's engine.
        // Each is compiled when first needed: a backward search may turn into a forward one.
        let mut anchored: Option<Engine> = None;
        let mut scanning: Option<Engine> = None;
        let to_folded = |o: usize| {
            if a.original {
                text.folded.to_folded(o)
            } else {
                o
            }
        };
        let target = p.found.len().saturating_add(more);
        while p.found.len() < target {
            // The next place to search: anchored at a candidate start, or a span.
            let span = match &mut how {
                How::At(cands) => {
                    let Some(&s) = cands[p.next_start..].iter().find(|&&s| s as usize >= p.pos)
                    else {
                        p.done = true;
                        return;
                    };
                    p.next_start = cands.partition_point(|&x| x <= s);
                    Input::new(hay)
                        .span(s as usize..hay.len())
                        .anchored(Anchored::Yes)
                }
                How::Windows => {
                    // `starts` holds the windows as start, end pairs.
                    let Some(w) = starts
                        .chunks(2)
                        .skip(p.next_start)
                        .position(|w| w[1] as usize >= p.pos)
                    else {
                        p.done = true;
                        return;
                    };
                    p.next_start += w;
                    let (ws, we) = (starts[2 * p.next_start], starts[2 * p.next_start + 1]);
                    Input::new(hay).span((ws as usize).max(p.pos)..we as usize)
                }
                How::Back(rev, cache) => match back_start(rev, cache, starts, hay, p) {
                    Err(GaveUp) => {
                        // The reverse automaton gave up (a look-around it cannot handle), or
                        // reading back costs too much: search forward from here.
                        how = How::Scan;
                        continue;
                    }
                    Ok(None) => {
                        p.done = true;
                        return;
                    }
                    Ok(Some(s)) => {
                        p.next_start = s + 1;
                        Input::new(hay).span(s..hay.len()).anchored(Anchored::Yes)
                    }
                },
                How::Scan => {
                    if p.pos > hay.len() {
                        p.done = true;
                        return;
                    }
                    Input::new(hay).span(p.pos..hay.len())
                }
            };
            let from_start = matches!(how, How::At(_) | How::Back(..));
            let engine = if from_start {
                &mut anchored
            } else {
                &mut scanning
            };
            if engine.is_none() {
                *engine = Engine::new(a, mode, from_start);
            }
            let Some(engine) = engine else {
                p.done = true;
                return;
            };
            let (m, g) = engine.find(a, hay, &span);
            let Some(m) = m else {
                match how {
                    How::Scan => {
                        p.done = true;
                        return;
                    }
                    // The next window.
                    How::Windows => p.next_start += 1,
                    // Not expected (a match ends there): move on.
                    How::Back(..) => p.pos = p.next_start,
                    How::At(_) => {}
                }
                continue;
            };
            p.record(hay, m, g, to_folded);
        }
    }
}

impl Partial {
    /// Keeps a match found (in the searched text's offsets; `g` its value group) and moves the
    /// search on. An empty match moves it on by one character; one where the previous match
    /// ended is not a match at all (what the regex crate's iterators do).
    #[inline]
    fn record(
        &mut self,
        hay: &str,
        m: regex_automata::Span,
        g: Option<regex_automata::Span>,
        to_folded: impl Fn(usize) -> usize,
    ) {
        let next_char = m.end + hay[m.end..].chars().next().map_or(1, char::len_utf8);
        if m.is_empty() && self.last_end == Some(m.end) {
            self.pos = next_char;
            return;
        }
        self.last_end = Some(m.end);
        self.pos = if m.is_empty() { next_char } else { m.end };
        self.found.push(Match {
            from: offset(to_folded(m.start)),
            to: offset(to_folded(m.end)),
            number: g
                .and_then(|g| parse_number(&hay[g.range()]))
                .unwrap_or(f64::NAN),
            group_start: g.map_or(u32::MAX, |g| offset(to_folded(g.start))),
            group_end: g.map_or(u32::MAX, |g| offset(to_folded(g.end))),
        });
    }
}

/// Where the next match starts, found backwards from the places where a suffix literal ends
/// (the earliest start of a match ending at one of them); `Err` when the reverse automaton
/// gives up (a look-around it cannot handle) or reading back costs too much.
fn back_start(
    rev: &Reverse,
    cache: &mut regex_automata::util::pool::PoolGuard<
        '_,
        regex_automata::hybrid::dfa::Cache,
        CacheFn,
    >,
    starts: &[u32],
    hay: &str,
    p: &mut Partial,
) -> Result<Option<usize>, GaveUp> {
    let first = starts.partition_point(|&e| (e as usize) < p.pos);
    let mut best: Option<usize> = None;
    // Each match looks back from every later end: past a few times the length of the text read
    // that way (counted as read: most searches stop after a few bytes), a forward search is
    // cheaper (and linear).
    let budget = 8 * hay.len() + 4096;
    for &e in &starts[first..] {
        if p.read_back > budget {
            return Err(GaveUp);
        }
        let input = Input::new(hay)
            .span(p.pos..e as usize)
            .anchored(Anchored::Yes);
        let (start, read) = rev.search(cache, &input).map_err(|_| GaveUp)?;
        p.read_back += read;
        if let Some(s) = start {
            best = Some(best.map_or(s, |b| b.min(s)));
        }
        if best == Some(p.pos) {
            break;
        }
    }
    Ok(best)
}

impl<'r> Engine<'r> {
    /// The automaton for a pattern's searches from a known start (`from_start`: candidate
    /// starts, or starts found backwards), which needs the forward automaton only, quicker to
    /// build; or for searches over spans, the regex crate's engine. `None`: it cannot be
    /// compiled.
    fn new(a: &'r Pattern, mode: Mode, from_start: bool) -> Option<Engine<'r>> {
        if from_start {
            match a.term_matcher() {
                Some(t) => Some(Engine::Terms(t, None)),
                None => a.anchored_regex().map(|r| Engine::Anchored(r, r.caches())),
            }
        } else {
            a.regex(matches!(mode, Mode::Prefix | Mode::LineStart { .. }))
                .map(|re| Engine::Meta(re, a.value_group.map(|_| re.create_captures())))
        }
    }

    /// The first match in `span`, and its value group's span.
    #[inline]
    fn find(
        &mut self,
        a: &'r Pattern,
        hay: &str,
        span: &Input,
    ) -> (Option<regex_automata::Span>, Option<regex_automata::Span>) {
        match self {
            Engine::Anchored(re, caches) => re.find(caches, span, a.value_group),
            Engine::Terms(t, automaton) => match t.find(hay.as_bytes(), span.start()) {
                Ok(end) => (
                    end.map(|e| regex_automata::Span::from(span.start()..e)),
                    None,
                ),
                Err(GaveUp) => {
                    if automaton.is_none() {
                        *automaton = a.anchored_regex().map(|r| (r, r.caches()));
                    }
                    match automaton {
                        Some((re, caches)) => re.find(caches, span, None),
                        None => (None, None),
                    }
                }
            },
            Engine::Meta(re, Some(caps)) => {
                re.search_captures(span, caps);
                let group = a.value_group.and_then(|g| caps.get_group(g));
                (caps.get_match().map(|m| m.span()), group)
            }
            Engine::Meta(re, None) => (re.search(span).map(|m| m.span()), None),
        }
    }
}
