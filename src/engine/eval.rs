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

impl Outcome {
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

    /// The paragraph, cell or sentence around a match (folded offsets).
    fn unit_of(&self, doc: usize, m: &Match, unit: Unit) -> Range<usize> {
        let d = &self.docs[doc];
        d.breaks().unit(&d.folded.text, m.start()..m.end(), unit)
    }

    /// The regions of a section in a document.
    fn section_regions(&self, doc: usize, section: usize) -> &[Region] {
        let d = &self.docs[doc];
        d.sections[section].get_or_init(|| {
            let mut out: Vec<Region> = Vec::new();
            let blocks: Vec<&crate::document::Block> = d
                .doc
                .blocks
                .iter()
                .filter(|b| b.kind != BlockKind::Heading)
                .collect();
            for &(kind, atom, fallback) in &self.pack.sections[section].alts {
                // An alternative after `else` is tried only where the ones before found nothing.
                if fallback && !out.is_empty() {
                    break;
                }
                let ms = self.matches(doc, atom);
                let has_match = |r: &Range<usize>| {
                    let i = ms.partition_point(|m| m.start() < r.start);
                    ms[i..]
                        .iter()
                        .take_while(|m| m.start() <= r.end)
                        .any(|m| m.end() <= r.end)
                };
                match kind {
                    SectionAltKind::Heading => {
                        for h in &d.doc.headings {
                            let t =
                                d.folded.to_folded(h.text.start)..d.folded.to_folded(h.text.end);
                            if has_match(&t) {
                                out.push(Region {
                                    doc,
                                    start: d.folded.to_folded(h.section.start),
                                    end: d.folded.to_folded(h.section.end),
                                    anchor: h.text.clone(),
                                });
                            }
                        }
                    }
                    SectionAltKind::Block => {
                        for (k, b) in blocks.iter().enumerate() {
                            let mut r =
                                d.folded.to_folded(b.span.start)..d.folded.to_folded(b.span.end);
                            // A block inside a section already found adds nothing.
                            if has_match(&r)
                                && !out.iter().any(|o| o.start <= r.start && r.end <= o.end)
                            {
                                // A label alone (« Objet : » in a cell, « Objet » in a list of
                                // fields) takes the value in the block after it.
                                let mut anchor = b.span.clone();
                                if d.words_in(r.start, r.end, 6) <= 5
                                    && let Some(next) = blocks.get(k + 1)
                                {
                                    r.end = d.folded.to_folded(next.span.end);
                                } else if let Some(m) = ms
                                    [ms.partition_point(|m| m.start() < r.start)..]
                                    .iter()
                                    .find(|m| m.end() <= r.end)
                                {
                                    // The part starts with the sentence that matched: a
                                    // paragraph of context before an object sentence is not
                                    // the object's first words.
                                    let sentence = d.breaks().unit(
                                        &d.folded.text,
                                        m.start()..m.end(),
                                        Unit::Sentence,
                                    );
                                    let start = sentence.start.max(r.start);
                                    let skip = d.folded.text[start..]
                                        .len()
                                        .saturating_sub(d.folded.text[start..].trim_start().len());
                                    if start + skip > r.start && start + skip < r.end {
                                        r.start = start + skip;
                                        anchor = d.folded.original(r.start..r.end);
                                    }
                                }
                                out.push(Region {
                                    doc,
                                    start: r.start,
                                    end: r.end,
                                    anchor,
                                });
                            }
                        }
                    }
                    SectionAltKind::Label => {
                        for (k, b) in blocks.iter().enumerate() {
                            let r =
                                d.folded.to_folded(b.span.start)..d.folded.to_folded(b.span.end);
                            let Some(next) = blocks.get(k + 1) else {
                                continue;
                            };
                            // In a table, a label is a row's first cell and its value the next
                            // cell of the same row (not the next heading of a header row).
                            if b.kind == BlockKind::TableCell
                                && !(b.new_row
                                    && next.kind == BlockKind::TableCell
                                    && !next.new_row)
                            {
                                continue;
                            }
                            let value = d.folded.to_folded(next.span.start)
                                ..d.folded.to_folded(next.span.end);
                            if d.words_in(r.start, r.end, 6) <= 5
                                && has_match(&r)
                                && !out
                                    .iter()
                                    .any(|o| o.start <= value.start && value.end <= o.end)
                            {
                                out.push(Region {
                                    doc,
                                    start: value.start,
                                    end: value.end,
                                    anchor: next.span.clone(),
                                });
                            }
                        }
                    }
                    SectionAltKind::Title => {
                        let title = d
                            .doc
                            .headings
                            .first()
                            .map(|h| h.text.clone())
                            .or_else(|| d.doc.blocks.first().map(|b| b.span.clone()));
                        if let Some(t) = title {
                            let r = d.folded.to_folded(t.start)..d.folded.to_folded(t.end);
                            if has_match(&r) {
                                out.push(Region {
                                    doc,
                                    start: r.start,
                                    end: r.end,
                                    anchor: t,
                                });
                            }
                        }
                    }
                }
            }
            out.sort_by_key(|r| (r.start, r.end));
            out
        })
    }

    fn whole(&self, doc: usize) -> Region {
        let d = &self.docs[doc];
        Region {
            doc,
            start: 0,
            end: d.folded.text.len(),
            anchor: d.doc.anchor(),
        }
    }

    fn kind_ok(&self, doc: usize, kind: Kind) -> bool {
        self.any_kind || self.docs[doc].doc.kind == kind
    }

    fn resolve(&self, scope: &Scope, within: &[Region]) -> Vec<Region> {
        match scope {
            Scope::Document => within.to_vec(),
            // `in tender` widens to every document of the tender.
            Scope::Tender => self.all_docs(),
            Scope::Kind(k) => within
                .iter()
                .filter(|r| self.kind_ok(r.doc, *k))
                .cloned()
                .collect(),
            Scope::Section { kind, section } => {
                let mut out = Vec::new();
                for r in within {
                    if kind.is_some_and(|k| !self.kind_ok(r.doc, k)) {
                        continue;
                    }
                    for s in self.section_regions(r.doc, *section) {
                        let (start, end) = (s.start.max(r.start), s.end.min(r.end));
                        if start < end {
                            out.push(Region {
                                doc: r.doc,
                                start,
                                end,
                                anchor: s.anchor.clone(),
                            });
                        }
                    }
                }
                out
            }
            Scope::First { words, inner } => self
                .resolve(inner, within)
                .into_iter()
                .map(|mut r| {
                    if let Some(cut) = self.docs[r.doc].word_start_after(r.start, *words) {
                        r.end = r.end.min(cut);
                    }
                    r
                })
                .collect(),
        }
    }

    /// How many different keys (see [`Self::match_key`]) some matches have.
    fn distinct_keys(&self, ms: &[(usize, Match)]) -> usize {
        let mut keys: Vec<String> = ms.iter().map(|(d, m)| self.match_key(*d, m)).collect();
        keys.sort();
        keys.dedup();
        keys.len()
    }

    /// What `count distinct` compares: the captured number, else the captured (or matched)
    /// folded text with its spaces trimmed.
    fn match_key(&self, doc: usize, m: &Match) -> String {
        if let Some(v) = m.value() {
            return format!("{v}");
        }
        let (s, e) = m.group().unwrap_or((m.start(), m.end()));
        self.docs[doc].folded.text[s..e].trim().to_string()
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

    /// Whether a condition holds on the regions, with up to `need` occurrences that make it
    /// hold (in document order, so that a smaller `need` gives a prefix of a larger one).
    fn eval(&self, c: &Condition, regions: &[Region], need: Need) -> Outcome {
        let occ = |doc: usize, ms: &[&Match]| Occ {
            doc,
            spans: ms.iter().map(|m| (m.start(), m.end())).collect(),
        };
        match c {
            Condition::Atom(a, m) if *m != Mention::Any => {
                let ms = self.mentions_in(*a, regions, *m);
                Outcome::new(
                    !ms.is_empty(),
                    ms.iter().take(need).map(|(d, m)| occ(*d, &[m])).collect(),
                )
            }
            Condition::Atom(a, _) => {
                if need == 0 {
                    return Outcome::new(self.count_in(*a, regions, 1) > 0, Vec::new());
                }
                let ms = self.matches_in(*a, regions, need);
                Outcome::new(
                    !ms.is_empty(),
                    ms.iter().map(|(d, m)| occ(*d, &[m])).collect(),
                )
            }
            Condition::Near {
                a,
                b,
                within,
                unit,
                mention,
            } => {
                let (ams, bms) = (
                    self.mentions_in(*a, regions, *mention),
                    self.mentions_in(*b, regions, *mention),
                );
                let groups = group_by_doc(&bms);
                let mut occs = Vec::new();
                let mut holds = false;
                for (doc, am) in &ams {
                    let Some(bs) = groups.get(doc) else { continue };
                    // Only the `B`s in the same unit of the structure as this `A`.
                    let bs = match unit {
                        Some(u) => {
                            let r = self.unit_of(*doc, am, *u);
                            let lo = bs.partition_point(|m| m.start() < r.start);
                            let hi = bs.partition_point(|m| m.start() < r.end);
                            let inner: Vec<Match> = bs[lo..hi]
                                .iter()
                                .filter(|m| m.end() <= r.end)
                                .copied()
                                .collect();
                            std::borrow::Cow::Owned(inner)
                        }
                        None => std::borrow::Cow::Borrowed(bs.as_slice()),
                    };
                    if bs.is_empty() {
                        continue;
                    }
                    if let Some((dist, mb)) = self.nearest(*doc, am, &bs, *within)
                        && dist <= *within
                    {
                        holds = true;
                        if occs.len() >= need {
                            break;
                        }
                        occs.push(occ(*doc, &[am, mb]));
                    }
                }
                Outcome::new(holds, occs)
            }
            Condition::Before {
                a,
                b,
                within,
                unit,
                mention,
            } => {
                let (ams, bms) = (
                    self.mentions_in(*a, regions, *mention),
                    self.mentions_in(*b, regions, *mention),
                );
                let groups = group_by_doc(&bms);
                let mut occs = Vec::new();
                let mut holds = false;
                for (da, ma) in &ams {
                    let Some(bs) = groups.get(da) else { continue };
                    let next = bs.get(bs.partition_point(|mb| mb.start() < ma.end()));
                    let in_unit =
                        |mb: &Match| unit.is_none_or(|u| mb.end() <= self.unit_of(*da, ma, u).end);
                    if let Some(mb) = next
                        && in_unit(mb)
                        && within.is_none_or(|w| self.words_between(*da, ma, mb, w) <= w)
                    {
                        holds = true;
                        if occs.len() >= need {
                            break;
                        }
                        occs.push(occ(*da, &[ma, mb]));
                    }
                }
                Outcome::new(holds, occs)
            }
            Condition::Count {
                atom,
                cmp,
                n,
                distinct,
                mention,
            } if *mention != Mention::Any => {
                let ms = self.mentions_in(*atom, regions, *mention);
                let count = if *distinct {
                    self.distinct_keys(&ms)
                } else {
                    ms.len()
                };
                let holds = cmp.holds(count as f64, *n);
                let occs = if holds {
                    ms.iter().take(need).map(|(d, m)| occ(*d, &[m])).collect()
                } else {
                    Vec::new()
                };
                Outcome::new(holds, occs)
            }
            Condition::Count {
                atom,
                cmp,
                n,
                distinct,
                ..
            } => {
                let count = if *distinct {
                    self.distinct_keys(&self.matches_in(*atom, regions, ALL))
                } else {
                    // Any count above `n` compares the same way: stop there.
                    let cap = if n.is_finite() && *n >= 0.0 {
                        (n.floor() as usize).saturating_add(1)
                    } else {
                        ALL
                    };
                    self.count_in(*atom, regions, cap)
                };
                let holds = cmp.holds(count as f64, *n);
                let occs = if holds && need > 0 {
                    self.matches_in(*atom, regions, need)
                        .iter()
                        .map(|(d, m)| occ(*d, &[m]))
                        .collect()
                } else {
                    Vec::new()
                };
                Outcome::new(holds, occs)
            }
            Condition::Value {
                atom,
                cmp,
                n,
                mention,
            } => {
                let ms: Vec<(usize, Match)> = self
                    .mentions_in(*atom, regions, *mention)
                    .into_iter()
                    .filter(|(_, m)| m.value().is_some_and(|v| cmp.holds(v, *n)))
                    .collect();
                Outcome::new(
                    !ms.is_empty(),
                    ms.iter().take(need).map(|(d, m)| occ(*d, &[m])).collect(),
                )
            }
            Condition::Differs { atom, mention } => {
                // The values each document gives (folded keys, as `count distinct` compares).
                let ms = self.mentions_in(*atom, regions, *mention);
                let mut docs: Vec<(usize, Vec<String>)> = Vec::new();
                for (d, m) in &ms {
                    let key = self.match_key(*d, m);
                    match docs.iter_mut().find(|(x, _)| x == d) {
                        Some((_, keys)) => keys.push(key),
                        None => docs.push((*d, vec![key])),
                    }
                }
                // Numbers agree when equal; texts when they share a word of four letters or
                // more (« l'entretien des espaces verts » and « les espaces verts de la ville »).
                let words = |k: &str| -> Vec<String> {
                    k.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .filter(|w| {
                            w.chars().count() >= 4 && !w.chars().all(|c| c.is_ascii_digit())
                        })
                        .map(str::to_string)
                        .collect()
                };
                let number = |k: &str| k.chars().any(|c| c.is_ascii_digit());
                let agree = |x: &String, y: &String| {
                    x == y
                        || (!number(x) && !number(y) && {
                            let wx = words(x);
                            !wx.is_empty() && words(y).iter().any(|w| wx.contains(w))
                        })
                };
                let disjoint =
                    |a: &[String], b: &[String]| !a.iter().any(|x| b.iter().any(|y| agree(x, y)));
                let pair = docs.iter().enumerate().find_map(|(i, (da, ka))| {
                    docs[i + 1..]
                        .iter()
                        .find(|(_, kb)| disjoint(ka, kb))
                        .map(|(db, _)| (*da, *db))
                });
                let occs = match pair {
                    Some((da, db)) => ms
                        .iter()
                        .filter(|(d, _)| *d == da || *d == db)
                        .take(need)
                        .map(|(d, m)| occ(*d, &[m]))
                        .collect(),
                    None => Vec::new(),
                };
                Outcome::new(pair.is_some(), occs)
            }
            Condition::And(items) => {
                let mut occs = Vec::new();
                for i in items {
                    let o = self.eval(i, regions, need);
                    if !o.holds {
                        return Outcome::new(false, Vec::new());
                    }
                    occs.extend(o.occs);
                }
                occs.truncate(need);
                Outcome::new(true, occs)
            }
            Condition::Or(items) => {
                let mut holds = false;
                let mut occs = Vec::new();
                for i in items {
                    let o = self.eval(i, regions, need);
                    if o.holds {
                        holds = true;
                        occs.extend(o.occs);
                        if occs.len() >= need {
                            break;
                        }
                    }
                }
                occs.truncate(need);
                Outcome::new(holds, occs)
            }
            Condition::Not(inner) => Outcome::new(!self.eval(inner, regions, 0).holds, Vec::new()),
            Condition::In(inner, scope) => {
                let rs = self.resolve(scope, regions);
                self.eval(inner, &rs, need)
            }
        }
    }

    fn all_docs(&self) -> Vec<Region> {
        (0..self.docs.len()).map(|d| self.whole(d)).collect()
    }

    /// A short quote of an occurrence, with its file and line, for reasons.
    fn quote(&self, o: &Occ) -> String {
        let d = &self.docs[o.doc];
        let (s, e) = o.spans[0];
        let orig = d.folded.original(s..e);
        let loc = d.doc.location(orig.start);
        let place = loc.describe(d.doc.line_col(orig.start).0);
        format!(
            "« {} » ({}, {place})",
            d.doc.text[orig].trim(),
            d.doc.display
        )
    }

    /// Occurrences of what the negated parts of a condition exclude (for pack applicability):
    /// every `not X` whose `X` is found, wherever it stands in the condition.
    fn exclusions(&self, c: &Condition, regions: &[Region], out: &mut Vec<String>) {
        match c {
            Condition::Not(inner) => {
                if let Some(occ) = self.eval(inner, regions, 1).occs.first() {
                    let q = self.quote(occ);
                    if !out.contains(&q) {
                        out.push(q);
                    }
                }
            }
            Condition::And(items) | Condition::Or(items) => {
                items.iter().for_each(|i| self.exclusions(i, regions, out))
            }
            Condition::In(inner, scope) => {
                self.exclusions(inner, &self.resolve(scope, regions), out)
            }
            _ => {}
        }
    }

    /// Whether the pack applies to the tender, and why, in French.
    pub fn applicability(&self) -> (bool, String) {
        let Some(check) = &self.pack.applies else {
            return (true, "appliqué : ce pack s’applique à tout dossier".into());
        };
        let regions = self.all_docs();
        let o = self.eval(&check.cond, &regions, 1);
        if o.holds {
            let because = o
                .occs
                .first()
                .map(|occ| format!(" ; le dossier se présente comme tel : {}", self.quote(occ)))
                .unwrap_or_default();
            (true, format!("appliqué{because}"))
        } else {
            {
                let mut excluded = Vec::new();
                self.exclusions(&check.cond, &regions, &mut excluded);
                excluded.truncate(3);
                let found = if excluded.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ; le dossier relève d’autre chose : {}",
                        excluded.join(", ")
                    )
                };
                (
                    false,
                    format!(
                        "non appliqué : le dossier ne se présente pas comme relevant du pack « {} » (sa condition d’application n’est pas remplie){found}",
                        self.pack.name
                    ),
                )
            }
        }
    }

    fn finding(
        &self,
        rule: &Rule,
        doc: usize,
        kind: FindingKind,
        span: Range<usize>,
        labels: Vec<Label>,
        expected: Option<String>,
    ) -> Finding {
        let d = self.docs[doc].doc;
        let (line, column) = d.line_col(span.start);
        let location = d.location(span.start);
        Finding {
            rule: rule.id.clone(),
            pack: rule.pack.clone(),
            level: rule.level,
            tags: rule.tags.clone(),
            kind,
            message: rule.message.clone(),
            why: rule.why.clone(),
            fix: rule.fix.clone(),
            see: rule.see.clone(),
            file: d.display.clone(),
            end: d.line_col(span.end),
            span,
            line,
            column,
            location,
            labels,
            expected,
            source: d.text.clone(),
        }
    }

    /// The document where a missing element of a tender-wide rule is reported: the CCTP if
    /// there is one, else the first document.
    fn report_doc(&self, docs: &[usize]) -> usize {
        docs.iter()
            .copied()
            .find(|&d| self.docs[d].doc.kind == Kind::Cctp)
            .unwrap_or(docs[0])
    }

    /// The units a rule is checked on: the whole tender, or each document of its kind.
    fn units(&self, rule: &Rule) -> Vec<Vec<usize>> {
        if rule.scope.is_tender() {
            vec![(0..self.docs.len()).collect()]
        } else {
            (0..self.docs.len())
                .filter(|&d| self.applies_to(rule, d))
                .map(|d| vec![d])
                .collect()
        }
    }

    /// Whether a document-scoped rule looks at this document (its kind).
    pub fn applies_to(&self, rule: &Rule, doc: usize) -> bool {
        rule.scope.kind().is_none_or(|k| self.kind_ok(doc, k))
    }

    /// The number of documents.
    pub fn doc_count(&self) -> usize {
        self.docs.len()
    }

    /// Runs one rule on the tender.
    pub fn check_rule(&self, rule: &Rule) -> RuleOutcome {
        let mut out = RuleOutcome::default();
        let mut checked = false;
        for unit in self.units(rule) {
            let o = self.check_unit(rule, &unit);
            checked |= o.checked;
            out.findings.extend(o.findings);
            out.evidence.extend(o.evidence);
        }
        if !checked {
            out.unchecked = Some(self.unchecked_reason(rule));
        }
        out
    }

    /// Why a rule could not be checked anywhere in the tender.
    pub fn unchecked_reason(&self, rule: &Rule) -> String {
        self.scope_missing(&rule.scope, &rule.scope_text)
    }

    /// Runs one rule on one unit (a document, or the whole tender).
    pub fn check_unit(&self, rule: &Rule, unit: &[usize]) -> UnitOutcome {
        let mut out = UnitOutcome::default();
        if unit.is_empty() {
            return out;
        }
        let whole: Vec<Region> = unit.iter().map(|&d| self.whole(d)).collect();
        let mut regions = self.resolve(&rule.scope, &whole);
        if regions.is_empty() {
            return out;
        }
        out.checked = true;
        if let Some(when) = &rule.when
            && !self.eval(&when.cond, &whole, 0).holds
        {
            return out;
        }
        if rule.scope.is_tender() {
            let rd = self.report_doc(unit);
            regions.sort_by_key(|r| r.doc != rd);
        }
        // One finding per rule and place, however many of its expectations fail there.
        let mut failed: Vec<&Check> = Vec::new();
        let mut witnesses: Vec<Occ> = Vec::new();
        let need = if self.evidence { MAX_EVIDENCE } else { 0 };
        for c in &rule.expects {
            let o = self.eval(&c.cond, &regions, need);
            if o.holds {
                witnesses.extend(o.occs);
            } else {
                failed.push(c);
            }
        }
        // One finding per place (document and main span).
        let mut places: std::collections::HashSet<(usize, usize, usize)> = Default::default();
        // Expectations stated in documents of kinds the unit does not have are not judged.
        let stated = rule.stated.is_empty()
            || self.any_kind
            || self.docs.iter().any(|d| rule.stated.contains(&d.doc.kind));
        if !stated {
            // Run without the documents where it is stated: not judged, whatever it found.
            out.not_stated = true;
            for occ in witnesses.iter().take(MAX_EVIDENCE) {
                out.evidence.push(self.evidence(rule, occ));
            }
        } else if !failed.is_empty() {
            let r = &regions[0];
            places.insert((r.doc, r.anchor.start, r.anchor.end));
            out.findings.push(self.missing(rule, &failed, r));
        } else {
            // What satisfied the rule: evidence a reader can check.
            for occ in witnesses.iter().take(MAX_EVIDENCE) {
                let ev = self.evidence(rule, occ);
                if !out
                    .evidence
                    .iter()
                    .any(|e| e.file == ev.file && e.span == ev.span)
                {
                    out.evidence.push(ev);
                }
            }
        }
        for check in &rule.forbids {
            let o = self.eval(&check.cond, &regions, ALL);
            if o.holds && !stated {
                // A wording judged only where the pillar is stated: not judged here.
                out.not_stated = true;
                continue;
            }
            if o.holds && o.occs.is_empty() {
                // Nothing to point at (`forbid not X`, `forbid count A < 1`): the finding
                // goes where the rule looked.
                let r = &regions[0];
                if places.insert((r.doc, r.anchor.start, r.anchor.end)) {
                    out.findings.push(self.missing(rule, &[check], r));
                }
            }
            if o.holds {
                // One finding per rule and sentence: a second passage of the same sentence is
                // one more label of the finding already made there.
                let mut sentences: Vec<(usize, Range<usize>, usize)> = Vec::new();
                for occ in &o.occs {
                    let (s, e) = occ.spans[0];
                    let span = self.docs[occ.doc].folded.original(s..e);
                    if !places.insert((occ.doc, span.start, span.end)) {
                        continue;
                    }
                    let d = &self.docs[occ.doc];
                    let sentence = d.breaks().unit(&d.folded.text, s..e, Unit::Sentence);
                    if let Some(&(_, _, i)) = sentences
                        .iter()
                        .find(|(d, r, _)| *d == occ.doc && r.contains(&s))
                    {
                        let f = &mut out.findings[i];
                        if !f.labels.iter().any(|l| l.span == span) {
                            f.labels.push(Label {
                                span,
                                text: "passage en cause".into(),
                            });
                        }
                        continue;
                    }
                    sentences.push((occ.doc, sentence, out.findings.len()));
                    out.findings.push(self.found(rule, occ));
                }
            }
        }
        out
    }

    fn evidence(&self, rule: &Rule, occ: &Occ) -> Evidence {
        let d = &self.docs[occ.doc];
        let (s, e) = occ.spans[0];
        let span = d.folded.original(s..e);
        let (line, column) = d.doc.line_col(span.start);
        Evidence {
            rule: rule.id.clone(),
            tags: rule.tags.clone(),
            file: d.doc.display.clone(),
            line,
            column,
            location: d.doc.location(span.start),
            section: d.doc.section_title(span.start).map(str::to_string),
            quote: d.doc.text[span.clone()].to_string(),
            context: d.doc.sentence_around(span.clone()).to_string(),
            span,
        }
    }

    fn missing(&self, rule: &Rule, failed: &[&Check], region: &Region) -> Finding {
        let is_doc = region.anchor == self.docs[region.doc].doc.anchor() && region.start == 0;
        let place = if is_doc {
            "élément attendu dans ce document"
        } else {
            "élément attendu dans cette partie"
        };
        // Which expectations were not met, in the rule's words when it gives them.
        let said: Vec<&str> = failed.iter().filter_map(|c| c.label.as_deref()).collect();
        let label = if said.is_empty() {
            place.to_string()
        } else {
            format!("{place} : {}", said.join(", "))
        };
        self.finding(
            rule,
            region.doc,
            FindingKind::Missing,
            region.anchor.clone(),
            vec![Label {
                span: region.anchor.clone(),
                text: label,
            }],
            Some(
                failed
                    .iter()
                    .map(|c| c.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ; "),
            ),
        )
    }

    fn found(&self, rule: &Rule, occ: &Occ) -> Finding {
        let d = &self.docs[occ.doc];
        let mut labels = Vec::new();
        for (i, &(s, e)) in occ.spans.iter().enumerate() {
            let span = d.folded.original(s..e);
            if labels.iter().any(|l: &Label| l.span == span) {
                continue;
            }
            labels.push(Label {
                span,
                text: if i == 0 {
                    "passage en cause".into()
                } else {
                    "en lien avec ce passage".into()
                },
            });
        }
        let span = labels[0].span.clone();
        self.finding(rule, occ.doc, FindingKind::Found, span, labels, None)
    }

    fn scope_missing(&self, scope: &Scope, text: &str) -> String {
        match scope {
            Scope::Kind(k) => {
                format!("aucun document de type {k} dans le dossier (portée « {text} »)")
            }
            Scope::Section {
                kind: Some(k),
                section,
            } => format!(
                "aucune section « {} » dans un document de type {k} (portée « {text} »)",
                self.pack.sections[*section].name
            ),
            Scope::Section {
                kind: None,
                section,
            } => format!(
                "aucune section « {} » trouvée dans le dossier (portée « {text} »)",
                self.pack.sections[*section].name
            ),
            Scope::First { inner, .. } => self.scope_missing(inner, text),
            _ => format!("portée « {text} » introuvable"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{one_doc, test_rules, texts};

    #[test]
    fn regions_are_grouped_by_document_in_order_of_first_appearance() {
        let r = |doc, start| Region {
            doc,
            start,
            end: start + 1,
            anchor: 0..0,
        };
        let grouped = |regions: &[Region]| -> Vec<(usize, Vec<usize>)> {
            by_doc(regions)
                .iter()
                .map(|(d, rs)| (*d, rs.iter().map(|r| r.start).collect()))
                .collect()
        };
        let regions = [
            r(2, 0),
            r(2, 5),
            r(0, 1),
            r(2, 9),
            r(1, 3),
            r(0, 4),
            r(3, 2),
        ];
        assert_eq!(
            grouped(&regions),
            [
                (2, vec![0, 5, 9]),
                (0, vec![1, 4]),
                (1, vec![3]),
                (3, vec![2])
            ]
        );
        let regions = [r(0, 0), r(0, 2), r(1, 0), r(3, 0), r(1, 7), r(3, 1)];
        assert_eq!(
            grouped(&regions),
            [(0, vec![0, 2]), (1, vec![0, 7]), (3, vec![0, 1])]
        );
    }

    #[test]
    fn words_are_counted_as_an_index_of_word_starts_would() {
        let set = test_rules();
        let pack = &set.packs[0];
        let text =
            "L’accompagnement socio-professionnel : 12 000 heures, ÉTÉ 2024 ; œuvre_x «  fin »";
        let docs = one_doc(text.into());
        let ev = Evaluator::new(pack, &docs, true, false);
        let d = &ev.docs[0];
        let t = &d.folded.text;
        // Word starts, the naive way.
        let chars: Vec<(usize, char)> = t.char_indices().collect();
        let word = |c: char| c.is_alphanumeric() || c == '_';
        let starts: Vec<usize> = (0..chars.len())
            .filter(|&k| word(chars[k].1) && (k == 0 || !word(chars[k - 1].1)))
            .map(|k| chars[k].0)
            .collect();
        assert_eq!(starts.len(), 11, "{t:?}");
        let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
        for &lo in &bounds {
            for &hi in bounds.iter().filter(|&&h| h >= lo) {
                let n = starts.iter().filter(|&&s| lo <= s && s < hi).count();
                assert_eq!(d.words_in(lo, hi, usize::MAX), n, "{lo}..{hi}");
                for cap in 0..3 {
                    assert_eq!(d.words_in(lo, hi, cap), n.min(cap + 1), "{lo}..{hi} {cap}");
                }
            }
            let first = starts.partition_point(|&s| s < lo);
            for n in 0..14 {
                assert_eq!(d.word_start_after(lo, n), starts.get(first + n).copied());
            }
        }
    }

    #[test]
    fn nearest_is_what_a_scan_of_every_pair_finds() {
        let set = test_rules();
        let pack = &set.packs[0];
        let word = pack
            .patterns
            .iter()
            .position(|a| a.label == "word")
            .unwrap();
        let full = pack
            .patterns
            .iter()
            .position(|a| a.label == "full")
            .unwrap();
        for text in texts() {
            let docs = one_doc(text);
            let ev = Evaluator::new(pack, &docs, true, false);
            let (a_ms, b_ms) = (ev.matches(0, full).to_vec(), ev.matches(0, word).to_vec());
            for a in &a_ms {
                let naive = b_ms
                    .iter()
                    .filter(|b| (b.start(), b.end()) != (a.start(), a.end()))
                    .map(|b| (ev.words_between(0, a, b, usize::MAX), b))
                    .min_by_key(|(d, _)| *d)
                    .map(|(d, b)| (d, b.start(), b.end()));
                let fast = ev
                    .nearest(0, a, &b_ms, usize::MAX)
                    .map(|(d, b)| (d, b.start(), b.end()));
                assert_eq!(fast, naive);
            }
        }
    }
}
