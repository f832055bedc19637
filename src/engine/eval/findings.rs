//! Checking a rule on a unit of documents: findings for what is wrong, evidence for what holds.

use super::*;

impl Evaluator<'_> {
    /// A short quote of an occurrence, with its file and line, for reasons.
    pub(super) fn quote(&self, o: &Occ) -> String {
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

    pub(super) fn finding(
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
    pub(super) fn report_doc(&self, docs: &[usize]) -> usize {
        docs.iter()
            .copied()
            .find(|&d| self.docs[d].doc.kind == Kind::Cctp)
            .unwrap_or(docs[0])
    }

    /// The units a rule is checked on: the whole tender, or each document of its kind.
    pub(super) fn units(&self, rule: &Rule) -> Vec<Vec<usize>> {
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

    pub(super) fn evidence(&self, rule: &Rule, occ: &Occ) -> Evidence {
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
            context: d.doc.sentence_around(span.clone()),
            span,
        }
    }

    pub(super) fn missing(&self, rule: &Rule, failed: &[&Check], region: &Region) -> Finding {
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

    pub(super) fn found(&self, rule: &Rule, occ: &Occ) -> Finding {
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

    pub(super) fn scope_missing(&self, scope: &Scope, text: &str) -> String {
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
