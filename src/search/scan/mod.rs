//! One pass per document for every pattern of a pack: the literals that every match of a
//! pattern must start (or end) with are gathered into one Aho-Corasick automaton; a document is
//! scanned once, and each pattern is then only tried, anchored, where one of its literals
//! occurs. A pattern none of whose literals occurs is never run on the document.
//!
//! Literals are taken from the pattern as it matches *folded* text: folded text has no
//! upper-case letters, so the case variants that case-insensitive matching adds are left out
//! (`insertion` gives one literal, not 512).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::{contiguous, noncontiguous};
use aho_corasick::{Anchored, MatchKind, Span, dfa};
use regex_syntax::hir::literal::{ExtractKind, Extractor};

use super::pattern::{Pattern, Source};
use super::plan::{Mode, plan_hir};
use super::plans::Plan;
use crate::fold::offset;

/// Bytes of text scanned with the compact automaton before the DFA is built (both report the
/// same matches), per byte of the literals: building the DFA takes about as long as scanning
/// this much text with the compact automaton. The MIQ pack's 31 KB of literals take 7 ms to
/// build, worth it past 4 MB of text; the 40-check workload's, past a few KB.
const DFA_AFTER_PER_LITERAL_BYTE: usize = 128;

/// What a literal of the scanner stands for: the start of a candidate of a pattern (or the
/// end, or the window, as its mode says), or the end of a match of a pattern with [`Ends`].
/// Patterns are atom ids, far fewer than 2^32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Main(u32),
    End(u32),
}

/// The literals of a pack as an automaton that reports every occurrence of each, overlapping
/// or not, in the order they end. The scan steps it itself: the iterator of overlapping
/// matches returns from the automaton for each of them (one every 15 bytes of a French draft
/// with the MIQ pack's 4,000 literals).
#[derive(Debug, Clone)]
enum Literals {
    /// Compact, quick to build: what checking a few documents uses.
    Compact(contiguous::NFA),
    /// When the compact form cannot hold them.
    Large(noncontiguous::NFA),
    /// Faster to run, slower to build (7 ms for the MIQ pack).
    Dfa(dfa::DFA),
}

/// Texts at least this long are scanned in two halves on two cores (see
/// [`Literals::each_split`]): a 224 KB DCE waits for its scan on one core while the others are
/// idle; drafts of the usual size are scanned whole (their documents are spread over the
/// cores already).
const SPLIT_SCAN_BYTES: usize = 128 * 1024;

impl Literals {
    /// The compact automaton of a pack's literals (`None` if it cannot be built).
    fn compact(literals: &[Vec<u8>]) -> Option<Literals> {
        let nfa = noncontiguous::Builder::new()
            .match_kind(MatchKind::Standard)
            .build(literals)
            .ok()?;
        Some(
            match contiguous::Builder::new()
                .match_kind(MatchKind::Standard)
                .build_from_noncontiguous(&nfa)
            {
                Ok(compact) => Literals::Compact(compact),
                Err(_) => Literals::Large(nfa),
            },
        )
    }

    fn dfa(literals: &[Vec<u8>]) -> Option<Literals> {
        dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .build(literals)
            .ok()
            .map(Literals::Dfa)
    }

    /// Calls `each(literal, start, end)` for every occurrence of every literal in `hay`, by
    /// increasing end (occurrences that end at the same place in the order of their literals),
    /// as the automaton's iterator of overlapping matches gives them.
    fn each(&self, hay: &[u8], each: impl FnMut(usize, usize, usize)) {
        match self {
            Literals::Compact(a) => occurrences(a, hay, each),
            Literals::Large(a) => occurrences(a, hay, each),
            Literals::Dfa(a) if a.prefilter().is_none() && hay.len() >= INTERLEAVE_BYTES => {
                interleaved(a, hay, each)
            }
            Literals::Dfa(a) => occurrences(a, hay, each),
        }
    }

    /// The length of the longest literal.
    fn longest(&self) -> usize {
        match self {
            Literals::Compact(a) => a.max_pattern_len(),
            Literals::Large(a) => a.max_pattern_len(),
            Literals::Dfa(a) => a.max_pattern_len(),
        }
    }

    /// As [`Literals::each`], but a long text is scanned in two halves at once (see
    /// [`halves`]), so that the occurrences are handed over in the same order.
    fn each_split(&self, hay: &[u8], mut each: impl FnMut(usize, usize, usize)) {
        if hay.len() < SPLIT_SCAN_BYTES {
            return self.each(hay, each);
        }
        let (mid, from) = halves(hay.len(), self.longest());
        let collect = |part: &[u8], base: usize, after: usize| {
            let mut out: Vec<(u32, u32, u32)> = Vec::new();
            self.each(part, |literal, start, end| {
                if base + end > after {
                    out.push((offset(literal), offset(base + start), offset(base + end)));
                }
            });
            out
        };
        let (first, second) = rayon::join(
            || collect(&hay[..mid], 0, 0),
            || collect(&hay[from..], from, mid),
        );
        for (literal, start, end) in first.into_iter().chain(second) {
            each(literal as usize, start as usize, end as usize);
        }
    }
}

/// Where a text is cut in two for a scan of each half: the middle, and where the scan of the
/// second half starts, `longest - 1` bytes before it (the longest literal), so that it is in
/// the state a scan from the start would have reached there; it keeps what ends after the
/// middle.
fn halves(len: usize, longest: usize) -> (usize, usize) {
    let mid = len / 2;
    (mid, mid + 1 - longest.clamp(1, mid + 1))
}

/// Texts at least this long are stepped through as two halves at once (see [`interleaved`]).
const INTERLEAVE_BYTES: usize = 1024;

/// See [`Literals::each`]: the automaton's own overlapping search, with the matches handed
/// over where they are found. Special states are the matching ones, and the start state when
/// the automaton has a prefilter (which skips to where a literal may start); an unanchored
/// search never dies.
fn occurrences<A: Automaton>(aut: &A, hay: &[u8], mut each: impl FnMut(usize, usize, usize)) {
    let Ok(mut sid) = aut.start_state(Anchored::No) else {
        return;
    };
    let pre = aut.prefilter();
    let mut i = 0;
    while i < hay.len() {
        sid = aut.next_state(Anchored::No, sid, hay[i]);
        if aut.is_special(sid) {
            if aut.is_match(sid) {
                for k in 0..aut.match_len(sid) {
                    let pid = aut.match_pattern(sid, k);
                    each(pid.as_usize(), i + 1 - aut.pattern_len(pid), i + 1);
                }
            } else if let Some(pre) = pre {
                match pre.find_in(hay, Span::from(i..hay.len())).into_option() {
                    None => return,
                    Some(next) if next > i => {
                        i = next;
                        continue;
                    }
                    Some(_) => {}
                }
            }
        }
        i += 1;
    }
}

/// [`occurrences`] for a DFA without a prefilter, the text read as two halves in step: each byte
/// waits for the automaton's table, and two independent walks wait at the same time (a third
/// less time on the MIQ pack's 4,000 literals; the compact automaton, whose steps follow
/// failure links, does not gain). The text is cut as [`halves`] says; the second walk's
/// occurrences are handed over after the first half's, in the same order as one walk gives
/// them.
fn interleaved(aut: &dfa::DFA, hay: &[u8], mut each: impl FnMut(usize, usize, usize)) {
    let Ok(start) = aut.start_state(Anchored::No) else {
        return;
    };
    let (mid, from) = halves(hay.len(), aut.max_pattern_len());
    let (first, second) = (&hay[..mid], &hay[from..]);
    let mut later: Vec<(u32, u32, u32)> = Vec::new();
    let mut found = |sid, end: usize, base: usize, later: Option<&mut Vec<(u32, u32, u32)>>| {
        let n = aut.match_len(sid);
        match later {
            None => {
                for k in 0..n {
                    let pid = aut.match_pattern(sid, k);
                    each(pid.as_usize(), end - aut.pattern_len(pid), end);
                }
            }
            Some(later) if base + end > mid => {
                for k in 0..n {
                    let pid = aut.match_pattern(sid, k);
                    let len = aut.pattern_len(pid);
                    later.push((pid.as_u32(), offset(base + end - len), offset(base + end)));
                }
            }
            Some(_) => {}
        }
    };
    let (mut a, mut b) = (start, start);
    for (k, (&x, &y)) in first.iter().zip(second).enumerate() {
        a = aut.next_state(Anchored::No, a, x);
        b = aut.next_state(Anchored::No, b, y);
        if aut.is_special(a) | aut.is_special(b) {
            // Without a prefilter, the special states are the matching ones.
            if aut.is_match(a) {
                found(a, k + 1, 0, None);
            }
            if aut.is_match(b) {
                found(b, k + 1, from, Some(&mut later));
            }
        }
    }
    for (k, &y) in second.iter().enumerate().skip(first.len()) {
        b = aut.next_state(Anchored::No, b, y);
        if aut.is_match(b) {
            found(b, k + 1, from, Some(&mut later));
        }
    }
    for (literal, start, end) in later {
        each(literal as usize, start as usize, end as usize);
    }
}

/// The literals of every folded pattern of a pack, in one automaton.
#[derive(Debug, Clone, Default)]
pub struct Scanner {
    /// The literals as a compact automaton, quick to build: what checking a few documents
    /// uses. Built on first use, or beforehand on another thread (see [`Scanner::warm_up`]).
    ac: Arc<OnceLock<Option<Literals>>>,
    /// The same literals as a DFA, faster to run but slower to build (7 ms for the MIQ pack's
    /// 4,000 literals): built once the texts scanned are long enough to be worth it (see
    /// [`DFA_AFTER_PER_LITERAL_BYTE`]).
    dfa: Arc<OnceLock<Option<Literals>>>,
    /// How many bytes of text are scanned before the DFA is built.
    dfa_after: usize,
    literals: Arc<Vec<Vec<u8>>>,
    scanned: Arc<AtomicUsize>,
    /// For each literal of the automaton: the patterns (atom ids) it stands for, and how.
    owners: Vec<Owner>,
    /// Where the owners of each literal start in `owners` (those of literal `k` are
    /// `owners[owner_at[k]..owner_at[k + 1]]`).
    owner_at: Vec<u32>,
    pub modes: Vec<Mode>,
    /// For the patterns with [`Ends`]: how far after a start one must end (`Some(None)`:
    /// anywhere after).
    within: Vec<Option<Option<u32>>>,
    /// The patterns anchored at line starts, on the folded text (`[0]`) and on the original
    /// text (`[1]`): each set is tried at every line start in one search.
    pub line_sets: [LineSet; 2],
}

/// Patterns tried together at every line start of a text.
#[derive(Debug, Clone, Default)]
pub struct LineSet {
    pub atoms: Vec<usize>,
    patterns: Vec<String>,
    /// The size limit of the set's automaton (`max-regex-bytes`).
    size_limit: usize,
    regex: OnceLock<Option<regex_automata::meta::Regex>>,
    /// The bytes a match of one of the patterns can start with (`None`: cannot be told).
    first_bytes: OnceLock<Option<Box<[bool; 256]>>>,
}

impl LineSet {
    /// One automaton for every pattern of the set, which reports all those that match at a
    /// place (`None` if it cannot be built: each line start is then a candidate for each).
    pub fn regex(&self) -> Option<&regex_automata::meta::Regex> {
        self.regex
            .get_or_init(|| {
                let limit = self.size_limit;
                regex_automata::meta::Regex::builder()
                    .configure(
                        regex_automata::meta::Config::new()
                            .match_kind(regex_automata::MatchKind::All)
                            .auto_prefilter(false)
                            .which_captures(regex_automata::nfa::thompson::WhichCaptures::None)
                            .nfa_size_limit(Some(limit))
                            .dfa_size_limit(Some(limit)),
                    )
                    .build_many(&self.patterns)
                    .ok()
            })
            .as_ref()
    }

    /// The bytes a match of one of the patterns can start with, from their prefixes (`article`
    /// after optional blanks and `#`: a line starting with another letter is not tried).
    /// `None` when a pattern can match the empty string or start with too many bytes.
    fn first_bytes(&self) -> Option<&[bool; 256]> {
        self.first_bytes
            .get_or_init(|| {
                let mut table = [false; 256];
                for p in &self.patterns {
                    let hir = regex_syntax::Parser::new().parse(p).ok()?;
                    let mut ex = Extractor::new();
                    ex.kind(ExtractKind::Prefix)
                        .limit_literal_len(1)
                        .limit_class(64)
                        .limit_total(256);
                    for lit in ex.extract(&hir).literals()? {
                        table[usize::from(*lit.as_bytes().first()?)] = true;
                    }
                }
                Some(Box::new(table))
            })
            .as_deref()
    }

    /// For each pattern of the set, the line starts of `hay` where it matches.
    pub fn hits(&self, hay: &str) -> Vec<Vec<u32>> {
        use regex_automata::{Anchored, Input, PatternSet};
        let mut out = vec![Vec::new(); self.atoms.len()];
        let first = self.first_bytes();
        let bytes = hay.as_bytes();
        // Every match starts with one of `first`: other line starts (and the end of the text,
        // since no pattern matches the empty string) cannot match.
        let starts = std::iter::once(0)
            .chain(memchr::memchr2_iter(b'\n', b'\r', bytes).map(|i| i + 1))
            .filter(|&s| first.is_none_or(|t| bytes.get(s).is_some_and(|&b| t[usize::from(b)])));
        match self.regex() {
            Some(re) => {
                let mut set = PatternSet::new(re.pattern_len());
                for s in starts {
                    set.clear();
                    let input = Input::new(hay).span(s..hay.len()).anchored(Anchored::Yes);
                    re.which_overlapping_matches(&input, &mut set);
                    for p in set.iter() {
                        out[p.as_usize()].push(offset(s));
                    }
                }
            }
            None => {
                for s in starts {
                    out.iter_mut().for_each(|o| o.push(offset(s)));
                }
            }
        }
        out
    }
}

/// Where the literals of each pattern occur in one document. Kept for every document of a
/// tender while it is checked, and most patterns have no literal in a given document: only
/// those that have are listed (a slot per pattern and document took 10 MB for a tender of
/// 500 documents and the MIQ pack's 800 patterns).
#[derive(Debug, Default)]
pub struct Hits {
    /// The patterns whose literals occur, by atom id.
    found: Vec<Found>,
    /// The places of each pattern of `found`, one after the other: sorted, deduplicated start
    /// offsets (for `Mode::Prefix`); for `Mode::Window`, the windows to search, merged, as
    /// `start, end` pairs; for `Mode::Gate`, the offsets where a literal ends (where a match
    /// may end).
    places: Vec<u32>,
}

#[derive(Debug)]
struct Found {
    atom: u32,
    /// Where its places end in `places` (they start where the previous pattern's end).
    end: usize,
    /// Its literals occur so often that trying each place costs more than one ordinary
    /// search over the text: its places are not kept.
    crowded: bool,
}

impl Hits {
    fn find(&self, atom: usize) -> Option<usize> {
        let atom = u32::try_from(atom).ok()?;
        self.found.binary_search_by_key(&atom, |f| f.atom).ok()
    }

    /// The places of a pattern (see [`Hits::places`]).
    pub fn starts(&self, atom: usize) -> &[u32] {
        match self.find(atom) {
            Some(i) => {
                let start = i.checked_sub(1).map_or(0, |p| self.found[p].end);
                &self.places[start..self.found[i].end]
            }
            None => &[],
        }
    }

    /// Whether one of the pattern's literals occurs at all.
    pub fn any(&self, atom: usize) -> bool {
        self.find(atom).is_some()
    }

    /// Whether the pattern's literals occur too often for their places to be kept.
    pub fn crowded(&self, atom: usize) -> bool {
        self.find(atom).is_some_and(|i| self.found[i].crowded)
    }
}

/// Notes where an end literal of a pattern ends, in order (see [`Ends`]), until there are too
/// many for them to narrow its starts (then `None`).
fn note_end(ends: &mut Option<Vec<u32>>, end: usize, text_len: usize) {
    if let Some(e) = ends {
        if crowded(e.len(), text_len) {
            *ends = None;
        } else if e.last() != Some(&offset(end)) {
            e.push(offset(end));
        }
    }
}

/// Whether one of a pattern's end literals ends after `start` (the ends, sorted), within reach.
fn ended(start: u32, within: Option<u32>, ends: &[u32]) -> bool {
    let i = ends.partition_point(|&e| e <= start);
    ends.get(i)
        .is_some_and(|&e| within.is_none_or(|w| e - start <= w))
}

/// Above this many places per byte of text, a pattern is searched over the whole text.
fn crowded(places: usize, text_len: usize) -> bool {
    places > text_len / 16 + 64
}

/// Above this many places where a gated pattern may end (or one per 128 bytes of a longer
/// text), it is searched forward: each match found backwards looks at every such place once.
/// Its places are then not kept. A long document (a 224 KB DCE holds « parcours » and
/// « mois » 347 times) keeps its gated patterns searched backwards, from the places where they
/// may end, instead of compiling the regex crate's engine to search all of it; drafts of the
/// usual size (under 32 KB) stay at 256 places per pattern, for memory.
const MAX_GATE_ENDS: usize = 256;

fn max_gate_ends(text_len: usize) -> usize {
    MAX_GATE_ENDS.max(text_len / 128)
}

impl Scanner {
    /// The scanner of a pack's atoms. An atom without a plan (none from a previous run) is
    /// planned from its syntax tree, and keeps its plan.
    pub fn new(atoms: &mut [Pattern], size_limit: usize) -> Scanner {
        let mut lits: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<Owner>> = Vec::new();
        let mut modes = Vec::new();
        let mut within = Vec::new();
        let mut line_sets: [LineSet; 2] = Default::default();
        for set in &mut line_sets {
            set.size_limit = size_limit;
        }
        for (id, atom) in atoms.iter_mut().enumerate() {
            let plan = match atom.plan.take() {
                Some(plan) => plan,
                None => {
                    let (mode, literals, ends) = match atom.syntax() {
                        Some(hir) => plan_hir(hir, !atom.original),
                        None => (Mode::Full, Vec::new(), None),
                    };
                    atom.planned_here = true;
                    let syntax = match atom.source() {
                        Source::Pattern => atom.syntax().map(super::tree::to_bytes),
                        Source::Terms(_) => None,
                    };
                    Plan {
                        case_insensitive: atom.case_insensitive,
                        value_group: atom.value_group,
                        mode,
                        literals,
                        ends,
                        syntax,
                    }
                }
            };
            let mode = plan.mode;
            if mode == (Mode::LineStart { multi_line: true }) {
                let set = &mut line_sets[usize::from(atom.original)];
                set.atoms.push(id);
                set.patterns.push(if atom.case_insensitive {
                    format!("(?i:{})", atom.pattern())
                } else {
                    format!("(?:{})", atom.pattern())
                });
            }
            // Only prefix patterns have end literals (see `plan_hir`).
            within.push(plan.ends.as_ref().map(|e| e.within));
            modes.push(mode);
            atom.plan = Some(plan);
        }
        // Each literal once, with the patterns it stands for (the literals are borrowed from
        // the plans while they are looked up: one copy each, for the automaton).
        let mut index: std::collections::HashMap<&[u8], usize> =
            std::collections::HashMap::with_capacity(4 * atoms.len());
        for (id, atom) in atoms.iter().enumerate() {
            let Some(plan) = &atom.plan else { continue };
            // Atom ids are indices of a pack's atoms, far fewer than 2^32.
            let id = id as u32;
            let ends = plan.ends.as_ref().map_or(&[][..], |e| &e.literals[..]);
            let roles = (plan.literals.iter().map(|l| (l, Owner::Main(id))))
                .chain(ends.iter().map(|l| (l, Owner::End(id))));
            for (l, owner) in roles {
                let k = *index.entry(l).or_insert_with(|| {
                    lits.push(l.clone());
                    owners.push(Vec::new());
                    owners.len() - 1
                });
                if !owners[k].contains(&owner) {
                    owners[k].push(owner);
                }
            }
        }
        // One list for all, read in order by the scan.
        let mut owner_at = Vec::with_capacity(owners.len() + 1);
        owner_at.push(0);
        for o in &owners {
            owner_at.push(offset(owner_at.last().map_or(0, |&n| n as usize) + o.len()));
        }
        let owners = owners.concat();
        Scanner {
            ac: Default::default(),
            dfa: Default::default(),
            dfa_after: DFA_AFTER_PER_LITERAL_BYTE * lits.iter().map(Vec::len).sum::<usize>(),
            literals: Arc::new(lits),
            scanned: Default::default(),
            owners,
            owner_at,
            modes,
            within,
            line_sets,
        }
    }

    /// For each pattern an occurrence of a literal (ending at `end`) stands for: an end literal's
    /// end is noted (see [`note_end`]), a pattern the literal starts or ends is handed to `main`.
    fn each_owner(
        &self,
        literal: usize,
        end: usize,
        text_len: usize,
        ends: &mut [Option<Vec<u32>>],
        mut main: impl FnMut(usize),
    ) {
        let owners = self.owner_at[literal] as usize..self.owner_at[literal + 1] as usize;
        for &owner in &self.owners[owners] {
            match owner {
                Owner::Main(a) => main(a as usize),
                Owner::End(a) => note_end(&mut ends[a as usize], end, text_len),
            }
        }
    }

    /// Builds the literal automaton on another thread, while the caller goes on (reading the
    /// documents to check): the first scan then finds it built, or waits for it.
    ///
    /// WebAssembly has one thread, on which rayon runs no spawned job: the first scan builds it.
    pub fn warm_up(&self) {
        if cfg!(target_family = "wasm") || self.literals.is_empty() || self.ac.get().is_some() {
            return;
        }
        let (ac, literals) = (Arc::clone(&self.ac), Arc::clone(&self.literals));
        rayon::spawn(move || {
            ac.get_or_init(|| Literals::compact(&literals));
        });
    }

    /// Scans a folded text once and returns where each atom's literals occur.
    /// The hits when the literals have no automaton (too many of them): every pattern
    /// searched from its literals is searched over the whole text.
    fn all_crowded(&self) -> Hits {
        let mut hits = Hits::default();
        for (a, mode) in self.modes.iter().enumerate() {
            if matches!(mode, Mode::Prefix | Mode::Window(_) | Mode::Gate) {
                hits.found.push(Found {
                    atom: a as u32,
                    end: 0,
                    crowded: true,
                });
            }
        }
        hits
    }

    pub fn scan(&self, hay: &str) -> Hits {
        if self.literals.is_empty() {
            return Hits::default();
        }
        let n = self.modes.len();
        let Some(compact) = self.ac.get_or_init(|| Literals::compact(&self.literals)) else {
            return self.all_crowded();
        };
        // The places found, pattern by pattern in the order found, as `(atom, place, window
        // end)`: one vector for the text instead of one per pattern grown place by place. Per
        // pattern: how many places (in `u32`s of `Hits::places`: two per window) and where its
        // last one is.
        let mut found: Vec<(u32, u32, u32)> = Vec::with_capacity(hay.len() / 16);
        let mut count = vec![0u32; n];
        let mut last = vec![0u32; n];
        let mut any = vec![false; n];
        let mut crowded_at = vec![false; n];
        let seen = self.scanned.fetch_add(hay.len(), Ordering::Relaxed);
        let ac = if seen + hay.len() >= self.dfa_after {
            self.dfa
                .get_or_init(|| Literals::dfa(&self.literals))
                .as_ref()
                .unwrap_or(compact)
        } else {
            compact
        };
        // Where the end literals of patterns with `Ends` end (in order), until too many to
        // be worth it (`None`: the starts are not narrowed).
        let mut ends: Vec<Option<Vec<u32>>> =
            self.within.iter().map(|w| w.map(|_| Vec::new())).collect();
        ac.each_split(hay.as_bytes(), |literal, start, end| {
            self.each_owner(literal, end, hay.len(), &mut ends, |a| {
                any[a] = true;
                if crowded_at[a] {
                    return;
                }
                let mode = self.modes[a];
                let places = count[a] as usize;
                // Ends are reported in order: a gated pattern's places are counted once each.
                if mode == Mode::Gate && places > 0 && found[last[a] as usize].1 == offset(end) {
                    return;
                }
                if crowded(places, hay.len())
                    || (mode == Mode::Gate && places >= max_gate_ends(hay.len()))
                {
                    crowded_at[a] = true;
                    return;
                }
                let (place, window_end, width) = match mode {
                    Mode::Prefix => (offset(start), 0, 1),
                    // Matches are reported by end, in order: windows that overlap the last
                    // one are merged into it.
                    Mode::Window(len) => {
                        let (start, end) = (offset(end.saturating_sub(len)), offset(end));
                        if places >= 2 {
                            let w = &mut found[last[a] as usize].2;
                            if *w >= start {
                                *w = (*w).max(end);
                                return;
                            }
                        }
                        (start, end, 2)
                    }
                    // Where a match may end.
                    Mode::Gate => (offset(end), 0, 1),
                    _ => return,
                };
                last[a] = offset(found.len());
                count[a] += width;
                found.push((a as u32, place, window_end));
            });
        });
        let (at, mut grouped) = by_pattern(found, &crowded_at);
        let mut hits = Hits::default();
        hits.places.reserve(count.iter().map(|&c| c as usize).sum());
        for (a, mode) in self.modes.iter().enumerate() {
            if !any[a] {
                continue;
            }
            let mine = &mut grouped[at[a] as usize..at[a + 1] as usize];
            match mode {
                Mode::Prefix => {
                    // Overlapping matches are reported by end: sort the starts.
                    mine.sort_unstable();
                    let ends = self.within[a].zip(ends[a].as_ref());
                    let mut previous = None;
                    for &(start, _) in mine.iter() {
                        if previous.replace(start) == Some(start) {
                            continue;
                        }
                        if ends.is_none_or(|(within, ends)| ended(start, within, ends)) {
                            hits.places.push(start);
                        }
                    }
                }
                Mode::Window(_) => hits.places.extend(mine.iter().flat_map(|&(s, e)| [s, e])),
                _ => hits.places.extend(mine.iter().map(|&(p, _)| p)),
            }
            hits.found.push(Found {
                // Atom ids are indices of a pack's atoms, far fewer than 2^32.
                atom: a as u32,
                end: hits.places.len(),
                crowded: crowded_at[a],
            });
        }
        hits.found.shrink_to_fit();
        hits.places.shrink_to_fit();
        hits
    }
}

/// The places found, `(pattern, place, window end)` in the order found, grouped pattern by
/// pattern (a counting sort: each pattern's places keep the order they were found in), the
/// places of crowded patterns left out: where each pattern's places start in the result (one
/// more entry than patterns), and the `(place, window end)` pairs.
fn by_pattern(found: Vec<(u32, u32, u32)>, crowded_at: &[bool]) -> (Vec<u32>, Vec<(u32, u32)>) {
    let n = crowded_at.len();
    let mut at = vec![0u32; n + 1];
    for &(a, ..) in &found {
        if !crowded_at[a as usize] {
            at[a as usize + 1] += 1;
        }
    }
    for a in 0..n {
        at[a + 1] += at[a];
    }
    let mut fill = at.clone();
    let mut grouped = vec![(0u32, 0u32); at[n] as usize];
    for &(a, place, window_end) in &found {
        if !crowded_at[a as usize] {
            grouped[fill[a as usize] as usize] = (place, window_end);
            fill[a as usize] += 1;
        }
    }
    (at, grouped)
}

#[cfg(test)]
mod tests;
