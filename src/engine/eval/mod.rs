//! Condition evaluation over regions of folded text.

use std::ops::Range;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::compile::{AtomId, Check, Condition, Mention, Pack, Rule, Scope, Unit};
use crate::document::{BlockKind, Document, Kind};
use crate::fold::{Folded, fold};
use crate::lang::ast::SectionAltKind;
use crate::search::{ALL, DocMatches, Haystack, Match, Need};

use super::structure::{Breaks, is_negated, mark_blocks};
use super::{Evidence, Finding, FindingKind, Label, RuleOutcome, UnitOutcome};

mod conditions;
mod findings;
mod scopes;

/// How many passages are kept as evidence for one rule on one unit.
const MAX_EVIDENCE: usize = 3;

/// A document prepared for evaluation: folded once, scanned once for the literals of every
/// pattern, with its word starts and matches computed when first needed.
struct DocIndex<'a> {
    doc: &'a Document,
    folded: Folded,
    /// The matches of the pack's patterns, found when first needed.
    matches: DocMatches,
    sections: Vec<OnceLock<Vec<Region>>>,
    /// Where blocks and cells end, made when a window or a negation first needs them.
    breaks: OnceLock<Breaks>,
}

impl DocIndex<'_> {
    /// The texts the pack's patterns search.
    fn haystack(&self) -> Haystack<'_> {
        Haystack {
            folded: &self.folded,
            original: &self.doc.text,
        }
    }

    fn breaks(&self) -> &Breaks {
        self.breaks.get_or_init(|| Breaks::new(&self.folded.text))
    }

    /// Whether the folded text has a word character at `i` (a character boundary), and the
    /// length of the character there.
    fn word_char(&self, i: usize) -> (bool, usize) {
        let text = &self.folded.text;
        match text.as_bytes()[i] {
            // Folded text is mostly ASCII: decode a character only past it.
            b if b.is_ascii() => (is_word(char::from(b)), 1),
            _ => text[i..]
                .chars()
                .next()
                .map_or((false, 1), |c| (is_word(c), c.len_utf8())),
        }
    }

    /// Whether the character before `at` is a word character.
    fn word_before(&self, at: usize) -> bool {
        self.folded.text[..at]
            .chars()
            .next_back()
            .is_some_and(is_word)
    }

    /// The words that start in `lo..hi` of the folded text, counted up to `cap + 1`: callers
    /// compare with a distance in words, and reading on past it would be wasted. (No index of
    /// word starts is kept: for a tender of 500 drafts it took 8 MB.)
    fn words_in(&self, lo: usize, hi: usize, cap: usize) -> usize {
        let mut prev = self.word_before(lo);
        let (mut n, mut i) = (0, lo);
        while i < hi.min(self.folded.text.len()) {
            let (w, len) = self.word_char(i);
            if w && !prev {
                n += 1;
                if n > cap {
                    break;
                }
            }
            prev = w;
            i += len;
        }
        n
    }

    /// Where the word after the first `n` words that start at or after `from` starts (`None`
    /// when the text has no more).
    fn word_start_after(&self, from: usize, n: usize) -> Option<usize> {
        let mut prev = self.word_before(from);
        let (mut seen, mut i) = (0, from);
        while i < self.folded.text.len() {
            let (w, len) = self.word_char(i);
            if w && !prev {
                if seen == n {
                    return Some(i);
                }
                seen += 1;
            }
            prev = w;
            i += len;
        }
        None
    }
}

/// A part of a document where a condition looks, in folded offsets; `anchor` is the original
/// range where a missing element is reported (a heading, a paragraph, the first line).
#[derive(Debug, Clone, PartialEq)]
struct Region {
    doc: usize,
    start: usize,
    end: usize,
    anchor: Range<usize>,
}

/// One occurrence that makes a condition hold: its spans in one document, the first is the
/// main one.
#[derive(Debug, Clone)]
struct Occ {
    doc: usize,
    spans: Vec<(usize, usize)>,
}

struct Outcome {
    holds: bool,
    occs: Vec<Occ>,
}

impl Occ {
    /// The occurrence made of some matches in one document.
    fn of(doc: usize, ms: &[&Match]) -> Occ {
        Occ {
            doc,
            spans: ms.iter().map(|m| (m.start(), m.end())).collect(),
        }
    }
}

impl Outcome {
    /// The outcome whose occurrences are the first `need` matches.
    fn of_matches(holds: bool, ms: &[(usize, Match)], need: Need) -> Self {
        let occs = ms
            .iter()
            .take(need)
            .map(|(d, m)| Occ::of(*d, &[m]))
            .collect();
        Outcome::new(holds, occs)
    }

    fn new(holds: bool, occs: Vec<Occ>) -> Self {
        Outcome { holds, occs }
    }
}

/// Whether a character is part of a word (for distances in words).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The regions of `regions` in each document, documents in order of first appearance.
fn by_doc(regions: &[Region]) -> Vec<(usize, Vec<&Region>)> {
    let mut out: Vec<(usize, Vec<&Region>)> = Vec::new();
    // Documents mostly come in increasing order (a tender's scope, document by document): a
    // document after the highest seen so far starts a group without looking for one (looking
    // made grouping a tender of 20 documents 190 comparisons, 2.5 % of the MIQ pack's samples).
    let mut highest: Option<usize> = None;
    for r in regions {
        match out.last_mut() {
            Some((d, rs)) if *d == r.doc => rs.push(r),
            _ if highest.is_none_or(|h| r.doc > h) => out.push((r.doc, vec![r])),
            _ => match out.iter_mut().find(|(d, _)| *d == r.doc) {
                Some((_, rs)) => rs.push(r),
                None => out.push((r.doc, vec![r])),
            },
        }
        highest = highest.max(Some(r.doc));
    }
    out
}

/// The matches (sorted, non-overlapping) that lie inside one of the regions of a document.
fn inside<'m>(ms: &'m [Match], rs: &[&Region]) -> impl Iterator<Item = &'m Match> {
    let lo = rs.iter().map(|r| r.start).min().unwrap_or(0);
    let hi = rs.iter().map(|r| r.end).max().unwrap_or(0);
    let first = ms.partition_point(|m| m.start() < lo);
    let single = rs.len() == 1;
    ms[first..]
        .iter()
        .take_while(move |m| m.start() < hi || (m.start() == hi && m.end() == hi))
        .filter(move |m| {
            m.end() <= hi && (single || rs.iter().any(|r| m.start() >= r.start && m.end() <= r.end))
        })
}

/// The matches of each document, in order.
fn group_by_doc(ms: &[(usize, Match)]) -> std::collections::HashMap<usize, Vec<Match>> {
    let mut out: std::collections::HashMap<usize, Vec<Match>> = Default::default();
    for (d, m) in ms {
        out.entry(*d).or_default().push(*m);
    }
    out
}

/// Evaluates the rules of one pack on the documents of one tender.
pub struct Evaluator<'a> {
    pack: &'a Pack,
    docs: Vec<DocIndex<'a>>,
    /// For rule examples: a document stands for whatever kind the rule needs.
    any_kind: bool,
    /// Whether the passages that satisfy `expect` conditions are gathered as evidence.
    evidence: bool,
}

impl<'a> Evaluator<'a> {
    pub fn new(pack: &'a Pack, docs: &'a [Document], any_kind: bool, evidence: bool) -> Self {
        // Documents are prepared in parallel: folding and the literal scan are most of the work.
        let docs = docs
            .par_iter()
            .with_min_len(4)
            .map(|doc| {
                let mut folded = fold(&doc.text, &doc.content);
                mark_blocks(&mut folded, doc);
                let matches = pack.patterns.prepare(&folded.text);
                DocIndex {
                    doc,
                    folded,
                    matches,
                    sections: (0..pack.sections.len()).map(|_| OnceLock::new()).collect(),
                    breaks: OnceLock::new(),
                }
            })
            .collect();
        Evaluator {
            pack,
            docs,
            any_kind,
            evidence,
        }
    }

    /// Every match of an atom in a document.
    fn matches(&self, doc: usize, atom: AtomId) -> &[Match] {
        let d = &self.docs[doc];
        d.matches.all(&self.pack.patterns, d.haystack(), atom)
    }

    /// Calls `f` with the matches of an atom in a document found so far, after searching until
    /// `enough` says they suffice (or the text is exhausted).
    fn with_matches<R>(
        &self,
        doc: usize,
        atom: AtomId,
        enough: impl Fn(&[Match]) -> bool,
        f: impl FnOnce(&[Match]) -> R,
    ) -> R {
        let d = &self.docs[doc];
        d.matches
            .with(&self.pack.patterns, d.haystack(), atom, enough, f)
    }

    /// How many matches of an atom lie inside the regions, counting no further than `cap`.
    fn count_in(&self, atom: AtomId, regions: &[Region], cap: usize) -> usize {
        let mut total = 0;
        for (doc, rs) in by_doc(regions) {
            if total >= cap {
                break;
            }
            let hi = rs.iter().map(|r| r.end).max().unwrap_or(0);
            let left = cap - total;
            let enough = |ms: &[Match]| {
                ms.last().is_some_and(|m| m.start() > hi) || inside(ms, &rs).nth(left - 1).is_some()
            };
            let count = |ms: &[Match]| inside(ms, &rs).take(left).count();
            let d = &self.docs[doc];
            let whole = rs.len() == 1 && rs[0].start == 0 && rs[0].end >= d.folded.text.len();
            let patterns = &self.pack.patterns;
            total += d
                .matches
                .count(patterns, d.haystack(), atom, whole, left, enough, count);
        }
        total
    }

    /// Matches of an atom inside any of the regions, per document, in order; at most `need`.
    fn matches_in(&self, atom: AtomId, regions: &[Region], need: Need) -> Vec<(usize, Match)> {
        let mut out = Vec::new();
        for (doc, rs) in by_doc(regions) {
            if out.len() >= need {
                break;
            }
            let left = need - out.len();
            let hi = rs.iter().map(|r| r.end).max().unwrap_or(0);
            self.with_matches(
                doc,
                atom,
                |ms| {
                    left != ALL
                        && (ms.last().is_some_and(|m| m.start() > hi)
                            || inside(ms, &rs).nth(left - 1).is_some())
                },
                |ms| out.extend(inside(ms, &rs).take(left).map(|m| (doc, *m))),
            );
        }
        out
    }

    /// The matches of an atom inside the regions that count as `mention` says: every one, or
    /// only those (not) negated or contrasted in their sentence.
    fn mentions_in(
        &self,
        atom: AtomId,
        regions: &[Region],
        mention: Mention,
    ) -> Vec<(usize, Match)> {
        let mut ms = self.matches_in(atom, regions, ALL);
        if matches!(mention, Mention::Affirmed | Mention::Negated) {
            let negated = mention == Mention::Negated;
            ms.retain(|(d, m)| {
                let di = &self.docs[*d];
                is_negated(&di.folded.text, di.breaks(), m.start()) == negated
            });
        }
        ms
    }

    /// Words strictly between two matches (0 when they touch or overlap).
    /// Counted up to `cap + 1` (see [`DocIndex::words_in`]).
    fn words_between(&self, doc: usize, a: &Match, b: &Match, cap: usize) -> usize {
        let (lo, hi) = if a.start() <= b.start() {
            (a.end(), b.start())
        } else {
            (b.end(), a.start())
        };
        if hi <= lo {
            return 0;
        }
        self.docs[doc].words_in(lo, hi, cap)
    }

    /// The match of `bs` (sorted, non-overlapping) nearest to `a` in words, other than `a`
    /// itself; on a tie the first one. `bs` is split where matches stop starting before `a`:
    /// going away from that point, the distance never decreases.
    /// Distances are counted up to `cap + 1`: past `cap`, which of the matches is taken
    /// does not matter to the caller.
    fn nearest<'m>(
        &self,
        doc: usize,
        a: &Match,
        bs: &'m [Match],
        cap: usize,
    ) -> Option<(usize, &'m Match)> {
        let other = |b: &Match| (b.start(), b.end()) != (a.start(), a.end());
        let dist = |b: &Match| self.words_between(doc, a, b, cap);
        let k = bs.partition_point(|b| b.start() < a.start());
        let left = bs[..k].iter().rposition(other);
        let right = bs[k..].iter().position(other).map(|i| k + i);
        let best = match (left, right) {
            (None, None) => return None,
            (Some(l), None) => dist(&bs[l]),
            (None, Some(r)) => dist(&bs[r]),
            (Some(l), Some(r)) => dist(&bs[l]).min(dist(&bs[r])),
        };
        if let Some(mut l) = left
            && dist(&bs[l]) == best
        {
            // The first of the equally near ones, as a scan from the start would pick.
            while let Some(p) = bs[..l].iter().rposition(other) {
                if dist(&bs[p]) != best {
                    break;
                }
                l = p;
            }
            return Some((best, &bs[l]));
        }
        right.map(|r| (best, &bs[r]))
    }
}

#[cfg(test)]
mod tests;
