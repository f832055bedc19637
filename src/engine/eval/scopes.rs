//! Where a condition looks: the regions of sections, scopes and units of the structure.

use super::*;

/// Whether a match lies inside a range of the folded text.
fn has_match(ms: &[Match], r: &Range<usize>) -> bool {
    let i = ms.partition_point(|m| m.start() < r.start);
    ms[i..]
        .iter()
        .take_while(|m| m.start() <= r.end)
        .any(|m| m.end() <= r.end)
}

impl Evaluator<'_> {
    /// The paragraph, cell or sentence around a match (folded offsets).
    pub(super) fn unit_of(&self, doc: usize, m: &Match, unit: Unit) -> Range<usize> {
        let d = &self.docs[doc];
        d.breaks().unit(&d.folded.text, m.start()..m.end(), unit)
    }

    /// The regions of a section in a document.
    pub(super) fn section_regions(&self, doc: usize, section: usize) -> &[Region] {
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
                let has_match = |r: &Range<usize>| has_match(ms, r);
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
                    SectionAltKind::Block => self.block_regions(doc, &blocks, ms, &mut out),
                    SectionAltKind::Label => self.label_regions(doc, &blocks, ms, &mut out),
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

    /// The blocks where a `block` alternative matches: from the sentence that matched to the
    /// block's end, or the block after a label alone.
    fn block_regions(
        &self,
        doc: usize,
        blocks: &[&crate::document::Block],
        ms: &[Match],
        out: &mut Vec<Region>,
    ) {
        let d = &self.docs[doc];
        let has_match = |r: &Range<usize>| has_match(ms, r);
        for (k, b) in blocks.iter().enumerate() {
            let mut r = d.folded.to_folded(b.span.start)..d.folded.to_folded(b.span.end);
            // A block inside a section already found adds nothing.
            if has_match(&r) && !out.iter().any(|o| o.start <= r.start && r.end <= o.end) {
                // A label alone (« Objet : » in a cell, « Objet » in a list of
                // fields) takes the value in the block after it.
                let mut anchor = b.span.clone();
                if d.words_in(r.start, r.end, 6) <= 5
                    && let Some(next) = blocks.get(k + 1)
                {
                    r.end = d.folded.to_folded(next.span.end);
                } else if let Some(m) = ms[ms.partition_point(|m| m.start() < r.start)..]
                    .iter()
                    .find(|m| m.end() <= r.end)
                {
                    // The part starts with the sentence that matched: a
                    // paragraph of context before an object sentence is not
                    // the object's first words.
                    let sentence =
                        d.breaks()
                            .unit(&d.folded.text, m.start()..m.end(), Unit::Sentence);
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

    /// The values of the fields whose label a `label` alternative matches.
    fn label_regions(
        &self,
        doc: usize,
        blocks: &[&crate::document::Block],
        ms: &[Match],
        out: &mut Vec<Region>,
    ) {
        let d = &self.docs[doc];
        let has_match = |r: &Range<usize>| has_match(ms, r);
        for (k, b) in blocks.iter().enumerate() {
            let r = d.folded.to_folded(b.span.start)..d.folded.to_folded(b.span.end);
            let Some(next) = blocks.get(k + 1) else {
                continue;
            };
            // In a table, a label is a row's first cell and its value the next
            // cell of the same row (not the next heading of a header row).
            if b.kind == BlockKind::TableCell
                && !(b.new_row && next.kind == BlockKind::TableCell && !next.new_row)
            {
                continue;
            }
            let value = d.folded.to_folded(next.span.start)..d.folded.to_folded(next.span.end);
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

    pub(super) fn whole(&self, doc: usize) -> Region {
        let d = &self.docs[doc];
        Region {
            doc,
            start: 0,
            end: d.folded.text.len(),
            anchor: d.doc.anchor(),
        }
    }

    pub(super) fn kind_ok(&self, doc: usize, kind: Kind) -> bool {
        self.any_kind || self.docs[doc].doc.kind == kind
    }

    pub(super) fn resolve(&self, scope: &Scope, within: &[Region]) -> Vec<Region> {
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

    pub(super) fn all_docs(&self) -> Vec<Region> {
        (0..self.docs.len()).map(|d| self.whole(d)).collect()
    }
}
