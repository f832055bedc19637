//! One pass per document for every pattern of a pack: the literals that every match of a
//! pattern must start (or end) with are gathered into one Aho-Corasick automaton; a document is
//! scanned once, and each pattern is then only tried, anchored, where one of its literals
//! occurs. A pattern none of whose literals occurs is never run on the document.
//!
//! Literals are taken from the pattern as it matches *folded* text: folded text has no
//! upper-case letters, so the case variants that case-insensitive matching adds are left out
//! (`insertion` gives one literal, not 512).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{self, Class, Hir, HirKind};

/// How a pattern is searched in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every match starts with one of its literals: try the pattern anchored at each one.
    Prefix,
    /// Every match ends with one of its literals: run the pattern only when one occurs.
    Gate,
    /// No usable literal (or a pattern on the original text): run it on the whole text.
    Full,
}

/// The literals of every folded pattern of a pack, in one automaton.
#[derive(Debug, Clone, Default)]
pub struct Scanner {
    ac: Option<AhoCorasick>,
    /// For each literal of the automaton: the patterns (atom ids) it stands for.
    owners: Vec<Vec<usize>>,
    pub modes: Vec<Mode>,
}

/// Where the literals of each pattern occur in one document.
#[derive(Debug, Default)]
pub struct Hits {
    /// Sorted, deduplicated start offsets, per atom (for `Mode::Prefix`).
    pub starts: Vec<Vec<usize>>,
    /// Whether one of the literals occurs at all, per atom.
    pub any: Vec<bool>,
}

const MAX_LITERALS: usize = 250;

fn lower_class(c: &Class) -> Class {
    match c {
        Class::Unicode(u) => {
            let size: u32 = u
                .ranges()
                .iter()
                .map(|r| r.end() as u32 - r.start() as u32 + 1)
                .sum();
            if size > 256 {
                return c.clone();
            }
            let kept = u
                .ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .filter(|ch| {
                    let mut l = ch.to_lowercase();
                    l.next() == Some(*ch) && l.next().is_none()
                })
                .map(|ch| hir::ClassUnicodeRange::new(ch, ch));
            Class::Unicode(hir::ClassUnicode::new(kept))
        }
        Class::Bytes(b) => {
            let kept = b
                .ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .filter(|x| !x.is_ascii_uppercase())
                .map(|x| hir::ClassBytesRange::new(x, x));
            Class::Bytes(hir::ClassBytes::new(kept))
        }
    }
}

/// The pattern restricted to what folded text can hold: no upper-case letters.
fn lower(h: &Hir) -> Hir {
    match h.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(hir::Literal(bytes)) => match std::str::from_utf8(bytes) {
            Ok(s) if s.chars().all(|c| c.to_lowercase().eq(std::iter::once(c))) => h.clone(),
            // An upper-case literal (case-sensitive part) never occurs in folded text.
            Ok(_) => Hir::fail(),
            Err(_) => h.clone(),
        },
        HirKind::Class(c) => Hir::class(lower_class(c)),
        HirKind::Look(l) => Hir::look(*l),
        HirKind::Repetition(r) => Hir::repetition(hir::Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(lower(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(hir::Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(lower(&c.sub)),
        }),
        HirKind::Concat(v) => Hir::concat(v.iter().map(lower).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(lower).collect()),
    }
}

fn usable(seq: &Seq) -> Option<Vec<Vec<u8>>> {
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_LITERALS || lits.iter().any(|l| l.is_empty()) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// The literals every match of `pattern` (case-insensitive, on folded text) starts with, or
/// failing that ends with.
pub fn literals(pattern: &str) -> (Mode, Vec<Vec<u8>>) {
    let Ok(h) = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(pattern)
    else {
        return (Mode::Full, Vec::new());
    };
    let h = lower(&h);
    let mut ex = Extractor::new();
    ex.limit_class(16)
        .limit_repeat(8)
        .limit_literal_len(16)
        .limit_total(MAX_LITERALS);
    if let Some(l) = usable(&ex.kind(ExtractKind::Prefix).extract(&h)) {
        return (Mode::Prefix, l);
    }
    if let Some(l) = usable(&ex.kind(ExtractKind::Suffix).extract(&h)) {
        return (Mode::Gate, l);
    }
    (Mode::Full, Vec::new())
}

impl Scanner {
    /// `atoms`: for each atom, its pattern and whether it matches the folded text.
    pub fn new<'a>(atoms: impl IntoIterator<Item = (&'a str, bool)>) -> Scanner {
        let mut lits: Vec<Vec<u8>> = Vec::new();
        let mut index: std::collections::HashMap<Vec<u8>, usize> = Default::default();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut modes = Vec::new();
        for (id, (pattern, folded)) in atoms.into_iter().enumerate() {
            let (mode, ls) = if folded {
                literals(pattern)
            } else {
                (Mode::Full, Vec::new())
            };
            modes.push(mode);
            for l in ls {
                let k = *index.entry(l.clone()).or_insert_with(|| {
                    lits.push(l);
                    owners.push(Vec::new());
                    owners.len() - 1
                });
                if !owners[k].contains(&id) {
                    owners[k].push(id);
                }
            }
        }
        let ac = if lits.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&lits)
                .or_else(|_| {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::Standard)
                        .build(&lits)
                })
                .ok()
        };
        if ac.is_none() {
            modes.iter_mut().for_each(|m| *m = Mode::Full);
        }
        Scanner { ac, owners, modes }
    }

    /// Scans a folded text once and returns where each atom's literals occur.
    pub fn scan(&self, hay: &str) -> Hits {
        let n = self.modes.len();
        let mut hits = Hits {
            starts: vec![Vec::new(); n],
            any: vec![false; n],
        };
        let Some(ac) = &self.ac else {
            return hits;
        };
        for m in ac.find_overlapping_iter(hay) {
            for &a in &self.owners[m.pattern().as_usize()] {
                hits.any[a] = true;
                if self.modes[a] == Mode::Prefix {
                    hits.starts[a].push(m.start());
                }
            }
        }
        for s in &mut hits.starts {
            // Overlapping matches are reported by end: sort the starts.
            s.sort_unstable();
            s.dedup();
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_of_folded_patterns() {
        let (m, l) = literals(r"(?-u:\b)insertion\s+professionnelle");
        assert_eq!(m, Mode::Prefix);
        // `s` also stands for the long s `ſ`, which has no upper case: two literals.
        assert!(l.contains(&b"insertion".to_vec()) && l.len() <= 2);
        let (m, l) = literals(r"(?-u:\b)\d{1,3}\s?%");
        assert_eq!(m, Mode::Gate);
        assert_eq!(l, vec![b"%".to_vec()]);
        assert_eq!(literals(r"\w+").0, Mode::Full);
        let (m, _) = literals(r"(?-u:\b)QPV(?-u:\b)");
        assert_eq!(m, Mode::Prefix);
    }
}
