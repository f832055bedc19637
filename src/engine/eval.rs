//! Condition evaluation over regions of folded text.

use std::ops::Range;
use std::sync::OnceLock;

use rayon::prelude::*;
use regex_automata::{Anchored, Input};

use crate::compile::scan::{Hits, Mode};

use crate::compile::{AtomId, Check, Condition, Pack, Rule, Scope};
use crate::document::{BlockKind, Document, Kind};
use crate::fold::{Folded, fold};
use crate::lang::ast::SectionAltKind;

use super::{Evidence, Finding, FindingKind, Label, RuleOutcome};

/// How many passages are kept as evidence for one rule on one unit.
const MAX_EVIDENCE: usize = 3;

/// A match of an atom, in folded offsets.
#[derive(Debug, Clone, Copy)]
struct Match {
    start: usize,
    end: usize,
    value: Option<f64>,
    /// The folded range of the captured group, for regexes that have one.
    group: Option<(usize, usize)>,
}

/// A document prepared for evaluation: folded once, scanned once for the literals of every
/// pattern, with its word starts and matches cached.
struct DocIndex<'a> {
    doc: &'a Document,
    folded: Folded,
    /// Folded offsets where a word starts.
    words: Vec<usize>,
    /// Where each pattern's literals occur (one pass over the folded text).
    hits: Hits,
    matches: Vec<OnceLock<Vec<Match>>>,
    sections: Vec<OnceLock<Vec<Region>>>,
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

/// Parses a number as written in French text: `12,5`, `1 200`, `60`.
fn parse_number(s: &str) -> Option<f64> {
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

/// Evaluates the rules of one pack on the documents of one tender.
pub struct Evaluator<'a> {
    pack: &'a Pack,
    docs: Vec<DocIndex<'a>>,
    /// For rule examples: a document stands for whatever kind the rule needs.
    any_kind: bool,
}

impl<'a> Evaluator<'a> {
    pub fn new(pack: &'a Pack, docs: &'a [Document], any_kind: bool) -> Self {
        // Documents are prepared in parallel: folding and the literal scan are most of the work.
        let docs = docs
            .par_iter()
            .with_min_len(4)
            .map(|doc| {
                let folded = fold(&doc.text, &doc.content);
                let mut words = Vec::new();
                let mut prev_word = false;
                for (i, c) in folded.text.char_indices() {
                    let w = c.is_alphanumeric() || c == '_';
                    if w && !prev_word {
                        words.push(i);
                    }
                    prev_word = w;
                }
                let hits = pack.scanner.scan(&folded.text);
                DocIndex {
                    doc,
                    folded,
                    words,
                    hits,
                    matches: (0..pack.atoms.len()).map(|_| OnceLock::new()).collect(),
                    sections: (0..pack.sections.len()).map(|_| OnceLock::new()).collect(),
                }
            })
            .collect();
        Evaluator {
            pack,
            docs,
            any_kind,
        }
    }

    fn matches(&self, doc: usize, atom: AtomId) -> &[Match] {
        let d = &self.docs[doc];
        d.matches[atom].get_or_init(|| self.find_matches(d, atom))
    }

    /// Every match of an atom in a document, leftmost-first and non-overlapping (what the
    /// `regex` crate's `find_iter` gives), found only where the atom's literals occur.
    fn find_matches(&self, d: &DocIndex, atom: AtomId) -> Vec<Match> {
        let a = &self.pack.atoms[atom];
        let hay: &str = if a.original {
            &d.doc.text
        } else {
            &d.folded.text
        };
        let mode = self.pack.scanner.modes[atom];
        let starts = &d.hits.starts[atom];
        match mode {
            Mode::Prefix if starts.is_empty() => return Vec::new(),
            Mode::Gate if !d.hits.any[atom] => return Vec::new(),
            _ => {}
        }
        let Some(re) = a.regex() else {
            return Vec::new();
        };
        // Too many candidates: one ordinary search over the text is cheaper.
        let anchored = mode == Mode::Prefix && starts.len() <= hay.len() / 16 + 64;
        let to_folded = |o: usize| if a.original { d.folded.to_folded(o) } else { o };
        let mk = |m: regex_automata::Span, g: Option<regex_automata::Span>| Match {
            start: to_folded(m.start),
            end: to_folded(m.end),
            value: g.and_then(|g| parse_number(&hay[g.range()])),
            group: g.map(|g| (to_folded(g.start), to_folded(g.end))),
        };
        let mut out = Vec::new();
        if let Some(group) = a.value_group {
            let mut caps = re.create_captures();
            if anchored {
                let mut pos = 0;
                for &s in starts {
                    if s < pos {
                        continue;
                    }
                    let input = Input::new(hay).span(s..hay.len()).anchored(Anchored::Yes);
                    re.search_captures(&input, &mut caps);
                    if let Some(m) = caps.get_match() {
                        out.push(mk(m.span(), caps.get_group(group)));
                        pos = m.end().max(s + 1);
                    }
                }
            } else {
                for c in re.captures_iter(hay) {
                    if let Some(m) = c.get_match() {
                        out.push(mk(m.span(), c.get_group(group)));
                    }
                }
            }
        } else if anchored {
            let mut pos = 0;
            for &s in starts {
                if s < pos {
                    continue;
                }
                let input = Input::new(hay).span(s..hay.len()).anchored(Anchored::Yes);
                if let Some(m) = re.search(&input) {
                    out.push(mk(m.span(), None));
                    pos = m.end().max(s + 1);
                }
            }
        } else {
            out.extend(re.find_iter(hay).map(|m| mk(m.span(), None)));
        }
        out
    }

    /// The regions of a section in a document.
    fn section_regions(&self, doc: usize, section: usize) -> &[Region] {
        let d = &self.docs[doc];
        d.sections[section].get_or_init(|| {
            let mut out: Vec<Region> = Vec::new();
            for &(kind, atom) in &self.pack.sections[section].alts {
                let ms = self.matches(doc, atom);
                let has_match =
                    |r: &Range<usize>| ms.iter().any(|m| m.start >= r.start && m.end <= r.end);
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
                        for b in d.doc.blocks.iter().filter(|b| b.kind != BlockKind::Heading) {
                            let r =
                                d.folded.to_folded(b.span.start)..d.folded.to_folded(b.span.end);
                            // A block inside a section already found adds nothing.
                            if has_match(&r)
                                && !out.iter().any(|o| o.start <= r.start && r.end <= o.end)
                            {
                                out.push(Region {
                                    doc,
                                    start: r.start,
                                    end: r.end,
                                    anchor: b.span.clone(),
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
                    let ws = &self.docs[r.doc].words;
                    let first = ws.partition_point(|&w| w < r.start);
                    if let Some(&cut) = ws.get(first + words) {
                        r.end = r.end.min(cut);
                    }
                    r
                })
                .collect(),
        }
    }

    /// Matches of an atom inside any of the regions, per document, in order.
    fn matches_in(&self, atom: AtomId, regions: &[Region]) -> Vec<(usize, Match)> {
        let mut docs: Vec<usize> = regions.iter().map(|r| r.doc).collect();
        docs.dedup();
        let mut out = Vec::new();
        for doc in docs {
            let rs: Vec<&Region> = regions.iter().filter(|r| r.doc == doc).collect();
            for m in self.matches(doc, atom) {
                if rs.iter().any(|r| m.start >= r.start && m.end <= r.end) {
                    out.push((doc, *m));
                }
            }
        }
        out
    }

    /// What `count distinct` compares: the captured number, else the captured (or matched)
    /// folded text with its spaces trimmed.
    fn match_key(&self, doc: usize, m: &Match) -> String {
        if let Some(v) = m.value {
            return format!("{v}");
        }
        let (s, e) = m.group.unwrap_or((m.start, m.end));
        self.docs[doc].folded.text[s..e].trim().to_string()
    }

    /// Words strictly between two matches (0 when they touch or overlap).
    fn words_between(&self, doc: usize, a: &Match, b: &Match) -> usize {
        let (lo, hi) = if a.start <= b.start {
            (a.end, b.start)
        } else {
            (b.end, a.start)
        };
        if hi <= lo {
            return 0;
        }
        let ws = &self.docs[doc].words;
        ws.partition_point(|&w| w < hi) - ws.partition_point(|&w| w < lo)
    }

    fn eval(&self, c: &Condition, regions: &[Region]) -> Outcome {
        let occ = |doc: usize, ms: &[&Match]| Occ {
            doc,
            spans: ms.iter().map(|m| (m.start, m.end)).collect(),
        };
        match c {
            Condition::Atom(a) => {
                let ms = self.matches_in(*a, regions);
                Outcome::new(
                    !ms.is_empty(),
                    ms.iter().map(|(d, m)| occ(*d, &[m])).collect(),
                )
            }
            Condition::Near { a, b, within } => {
                let (ams, bms) = (self.matches_in(*a, regions), self.matches_in(*b, regions));
                let mut occs = Vec::new();
                for (da, ma) in &ams {
                    let best = bms
                        .iter()
                        .filter(|(db, mb)| db == da && (mb.start, mb.end) != (ma.start, ma.end))
                        .map(|(_, mb)| (self.words_between(*da, ma, mb), mb))
                        .filter(|(d, _)| d <= within)
                        .min_by_key(|(d, _)| *d);
                    if let Some((_, mb)) = best {
                        occs.push(occ(*da, &[ma, mb]));
                    }
                }
                Outcome::new(!occs.is_empty(), occs)
            }
            Condition::Before { a, b, within } => {
                let (ams, bms) = (self.matches_in(*a, regions), self.matches_in(*b, regions));
                let mut occs = Vec::new();
                for (da, ma) in &ams {
                    let next = bms.iter().find(|(db, mb)| db == da && mb.start >= ma.end);
                    if let Some((_, mb)) = next
                        && within.is_none_or(|w| self.words_between(*da, ma, mb) <= w)
                    {
                        occs.push(occ(*da, &[ma, mb]));
                    }
                }
                Outcome::new(!occs.is_empty(), occs)
            }
            Condition::Count {
                atom,
                cmp,
                n,
                distinct,
            } => {
                let ms = self.matches_in(*atom, regions);
                let count = if *distinct {
                    let mut keys: Vec<String> =
                        ms.iter().map(|(d, m)| self.match_key(*d, m)).collect();
                    keys.sort();
                    keys.dedup();
                    keys.len()
                } else {
                    ms.len()
                };
                let holds = cmp.holds(count as f64, *n);
                Outcome::new(
                    holds,
                    if holds {
                        ms.iter().map(|(d, m)| occ(*d, &[m])).collect()
                    } else {
                        Vec::new()
                    },
                )
            }
            Condition::Value { atom, cmp, n } => {
                let ms: Vec<(usize, Match)> = self
                    .matches_in(*atom, regions)
                    .into_iter()
                    .filter(|(_, m)| m.value.is_some_and(|v| cmp.holds(v, *n)))
                    .collect();
                Outcome::new(
                    !ms.is_empty(),
                    ms.iter().map(|(d, m)| occ(*d, &[m])).collect(),
                )
            }
            Condition::And(items) => {
                let mut occs = Vec::new();
                for i in items {
                    let o = self.eval(i, regions);
                    if !o.holds {
                        return Outcome::new(false, Vec::new());
                    }
                    occs.extend(o.occs);
                }
                Outcome::new(true, occs)
            }
            Condition::Or(items) => {
                let mut holds = false;
                let mut occs = Vec::new();
                for i in items {
                    let o = self.eval(i, regions);
                    if o.holds {
                        holds = true;
                        occs.extend(o.occs);
                    }
                }
                Outcome::new(holds, occs)
            }
            Condition::Not(inner) => Outcome::new(!self.eval(inner, regions).holds, Vec::new()),
            Condition::In(inner, scope) => {
                let rs = self.resolve(scope, regions);
                self.eval(inner, &rs)
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
        let place = if loc.extracted {
            match loc.page {
                Some(p) => format!("page {p}, paragraphe {}", loc.paragraph),
                None => format!("paragraphe {}", loc.paragraph),
            }
        } else {
            format!("ligne {}", d.doc.line_col(orig.start).0)
        };
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
                if let Some(occ) = self.eval(inner, regions).occs.first() {
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
        let o = self.eval(&check.cond, &regions);
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

    /// Runs one rule on the tender.
    pub fn check_rule(&self, rule: &Rule) -> RuleOutcome {
        let mut out = RuleOutcome::default();
        let units: Vec<Vec<usize>> = if rule.scope.is_tender() {
            vec![(0..self.docs.len()).collect()]
        } else {
            (0..self.docs.len())
                .filter(|&d| rule.scope.kind().is_none_or(|k| self.kind_ok(d, k)))
                .map(|d| vec![d])
                .collect()
        };
        let mut checked = false;
        for unit in units.iter().filter(|u| !u.is_empty()) {
            // Units hold different documents: duplicates can only come from the same unit.
            let (first_finding, first_evidence) = (out.findings.len(), out.evidence.len());
            let whole: Vec<Region> = unit.iter().map(|&d| self.whole(d)).collect();
            let mut regions = self.resolve(&rule.scope, &whole);
            if regions.is_empty() {
                continue;
            }
            checked = true;
            if let Some(when) = &rule.when
                && !self.eval(&when.cond, &whole).holds
            {
                continue;
            }
            if rule.scope.is_tender() {
                let rd = self.report_doc(unit);
                regions.sort_by_key(|r| r.doc != rd);
            }
            // One finding per rule and place, however many of its expectations fail there.
            let mut failed: Vec<&Check> = Vec::new();
            let mut witnesses: Vec<Occ> = Vec::new();
            for c in &rule.expects {
                let o = self.eval(&c.cond, &regions);
                if o.holds {
                    witnesses.extend(o.occs);
                } else {
                    failed.push(c);
                }
            }
            if !failed.is_empty() {
                out.findings.push(self.missing(rule, &failed, &regions[0]));
            } else {
                // What satisfied the rule: evidence a reader can check.
                for occ in witnesses.iter().take(MAX_EVIDENCE) {
                    let ev = self.evidence(rule, occ);
                    if !out.evidence[first_evidence..]
                        .iter()
                        .any(|e| e.file == ev.file && e.span == ev.span)
                    {
                        out.evidence.push(ev);
                    }
                }
            }
            for check in &rule.forbids {
                let o = self.eval(&check.cond, &regions);
                if o.holds && o.occs.is_empty() {
                    // Nothing to point at (`forbid not X`, `forbid count A < 1`): the finding
                    // goes where the rule looked.
                    out.findings.push(self.missing(rule, &[check], &regions[0]));
                }
                if o.holds {
                    for occ in &o.occs {
                        let f = self.found(rule, occ);
                        if !out.findings[first_finding..]
                            .iter()
                            .any(|x| x.file == f.file && x.span == f.span)
                        {
                            out.findings.push(f);
                        }
                    }
                }
            }
        }
        if !checked {
            out.unchecked = Some(self.unchecked_reason(&rule.scope, &rule.scope_text));
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
        let label = if is_doc {
            "élément attendu dans ce document"
        } else {
            "élément attendu dans cette partie"
        };
        self.finding(
            rule,
            region.doc,
            FindingKind::Missing,
            region.anchor.clone(),
            vec![Label {
                span: region.anchor.clone(),
                text: label.into(),
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

    fn unchecked_reason(&self, scope: &Scope, text: &str) -> String {
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
            Scope::First { inner, .. } => self.unchecked_reason(inner, text),
            _ => format!("portée « {text} » introuvable"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn french_numbers() {
        assert_eq!(parse_number("12,5"), Some(12.5));
        assert_eq!(parse_number("1 200"), Some(1200.0));
        assert_eq!(parse_number("60"), Some(60.0));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("1.200"), Some(1200.0));
        assert_eq!(parse_number("750.000"), Some(750000.0));
        assert_eq!(parse_number("12.5"), Some(12.5));
    }
}
