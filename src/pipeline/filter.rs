//! The last stage, on each tender's result: suppressions, selection and levels (the top
//! level's, then the `[[overrides]]` of each finding's document), the baseline, missing
//! findings' places cut short, and the findings sorted once.

use std::collections::HashMap;

use super::{Run, baseline};
use crate::compile::RuleSet;
use crate::config::{Config, Layers};
use crate::document::Document;
use crate::engine::{self, suppress};

/// What the filters of a run need besides the configuration: the baseline's keys.
pub(super) struct Filters<'a> {
    pub(super) baseline: Option<&'a std::collections::BTreeSet<baseline::Key>>,
}

impl Filters<'_> {
    /// Filters a tender's findings: suppressions (the suppressed ones go to the run),
    /// selection and level overrides of the configuration, the baseline; missing findings'
    /// places are cut short and the findings sorted.
    pub(super) fn apply(
        &self,
        rules: &RuleSet,
        config: &Config,
        result: &mut engine::TenderResult,
        run: &mut Run,
    ) {
        let mut findings = Vec::new();
        for (kept, suppressed) in suppressions(rules, result) {
            findings.extend(kept);
            run.suppressed.extend(suppressed);
        }
        // The overrides that apply to each document, by the name its findings carry (the
        // first document of a name, as for suppressions).
        let layers: HashMap<&str, Layers> = (result.tender.documents.iter().rev())
            .map(|d| (d.display.as_str(), config.for_path(&d.path)))
            .collect();
        let top = config.top_level();
        let of = |file: &str| layers.get(file).unwrap_or(&top);
        findings.retain(|f| of(&f.file).selects(&f.rule, &f.tags, &f.pack));
        for f in &mut findings {
            f.level = of(&f.file).level(&f.rule, f.level);
        }
        if let Some(known) = self.baseline {
            let keys = baseline::keys(&findings);
            let before = findings.len();
            let mut keep = keys.iter().map(|k| !known.contains(k));
            findings.retain(|_| keep.next().unwrap_or(true));
            run.baseline_hidden += before - findings.len();
        }
        shorten_missing(&mut findings, &result.tender.documents);
        engine::sort_findings(&mut findings, &result.tender.documents);
        result.findings = findings;
    }
}

/// The most a *missing* finding quotes, in bytes.
pub const MAX_MISSING_QUOTE: usize = 300;

/// A missing finding points at the heading of the part where something was expected, or at
/// the first paragraph of a document without one: on a one-line document of 60 MB, every
/// missing finding quoted the 60 MB. Past [`MAX_MISSING_QUOTE`] bytes, its place is cut at a
/// word boundary (the renderers mark the cut with « … »).
fn shorten_missing(findings: &mut [engine::Finding], docs: &[Document]) {
    for f in findings
        .iter_mut()
        .filter(|f| f.kind == engine::FindingKind::Missing && f.span.len() > MAX_MISSING_QUOTE)
    {
        let end = engine::word_cut(&f.source, f.span.start, MAX_MISSING_QUOTE);
        let old = f.span.clone();
        f.span.end = end;
        for l in f.labels.iter_mut().filter(|l| l.span == old) {
            l.span.end = end;
        }
        if let Some(d) = docs.iter().find(|d| d.display == f.file) {
            f.end = d.line_col(end);
        }
    }
}

/// The findings of a tender's documents that their suppressions keep, and the suppressed
/// ones, document by document (in the tender's order; in parallel: looking for markers reads
/// every document's text).
fn suppressions(
    rules: &RuleSet,
    result: &mut engine::TenderResult,
) -> Vec<(Vec<engine::Finding>, Vec<suppress::Suppressed>)> {
    use rayon::prelude::*;
    let docs = &result.tender.documents;
    // A finding belongs to the first document of its name.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate().rev() {
        index.insert(d.display.as_str(), i);
    }
    let mut per_doc: Vec<Vec<engine::Finding>> = vec![Vec::new(); docs.len()];
    for f in std::mem::take(&mut result.findings) {
        if let Some(&i) = index.get(f.file.as_str()) {
            per_doc[i].push(f);
        }
    }
    docs.par_iter()
        .zip(per_doc)
        .map(|(doc, fs)| suppress::apply(doc, fs, rules))
        .collect()
}
