//! Evaluates a rule set on tenders and returns findings (data only; nothing is printed here).

mod eval;
pub mod structure;
pub mod suppress;
pub mod verdict;

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use crate::compile::{Level, Pack, Rule, RuleSet};
use crate::document::{Document, Location, Tender};

pub use eval::Evaluator;

/// Whether a finding points at offending words or at the place where something was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    Found,
    Missing,
}

/// A labelled byte range of the document's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Range<usize>,
    pub text: String,
}

/// One diagnostic: a rule that fired on a document. It owns the document's text so that any
/// renderer can quote it.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub pack: String,
    pub level: Level,
    pub tags: Vec<String>,
    pub kind: FindingKind,
    pub message: String,
    pub why: String,
    pub fix: String,
    pub see: Vec<String>,
    /// The document, as shown to the user.
    pub file: String,
    /// The main place (byte range of the document's text).
    pub span: Range<usize>,
    pub line: usize,
    pub column: usize,
    /// Line and column just after the end of the span (the end is exclusive), computed with
    /// the document's line index where the finding is made: renderers that need it (SARIF,
    /// GitHub) would otherwise count from the start of the text for every finding.
    #[serde(skip)]
    pub end: (usize, usize),
    /// The paragraph (and page, for PDF) of the main place, for a person to find it.
    pub location: Location,
    pub labels: Vec<Label>,
    /// For a missing element: the condition that was not met, as written in the rule.
    pub expected: Option<String>,
    #[serde(skip)]
    pub source: Arc<str>,
}

/// Whether a pack applied to a tender, and why.
#[derive(Debug, Clone, Serialize)]
pub struct PackDecision {
    pub id: String,
    pub applied: bool,
    pub reason: String,
    /// For an applied pack, the verdict of each pillar (set once the findings to report are
    /// known: see [`verdict::judge_all`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pillars: Vec<verdict::PillarVerdict>,
}

/// A rule whose expectations are stated in documents of kinds the tender does not have
/// (`stated in`): it ran, for evidence, but is not judged; the documents given cannot tell.
#[derive(Debug, Clone, Serialize)]
pub struct NotStated {
    pub rule: String,
    /// The kinds, as a reader names them (« CCTP », « CCTP ou CCAP »).
    pub kinds: String,
    pub reason: String,
}

/// A rule that could not be checked on a tender because its scope does not exist there.
#[derive(Debug, Clone, Serialize)]
pub struct Unchecked {
    pub rule: String,
    pub reason: String,
}

/// Everything the engine found on one tender.
#[derive(Debug, Clone)]
pub struct TenderResult {
    pub tender: Tender,
    pub packs: Vec<PackDecision>,
    pub findings: Vec<Finding>,
    pub unchecked: Vec<Unchecked>,
    /// Rules whose expectations could not be judged: the tender lacks the documents where
    /// they are stated.
    pub not_stated: Vec<NotStated>,
    /// The passages that satisfied the rules' `expect` conditions, so that a reader can check
    /// why a pillar is judged sound.
    pub evidence: Vec<Evidence>,
    /// Set when checking the tender went past the time budget: the tender is reported as
    /// skipped, with this reason.
    pub timed_out: Option<String>,
}

/// A byte range as `{"offset", "length"}`, as in the JSON output's diagnostics.
fn offset_length<S: serde::Serializer>(r: &Range<usize>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("Span", 2)?;
    st.serialize_field("offset", &r.start)?;
    st.serialize_field("length", &r.len())?;
    st.end()
}

/// A passage that satisfied a rule's expectations.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub rule: String,
    pub tags: Vec<String>,
    pub file: String,
    #[serde(serialize_with = "offset_length")]
    pub span: Range<usize>,
    pub line: usize,
    pub column: usize,
    pub location: crate::document::Location,
    /// The heading of the section the passage is in, if any.
    pub section: Option<String>,
    /// The matched words.
    pub quote: String,
    /// The sentence (or line) around them.
    pub context: String,
}

/// Which packs to apply, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Packs applied whatever their applicability condition says.
    pub force_packs: Vec<String>,
    /// Packs never applied.
    pub disabled_packs: Vec<String>,
    /// Gather evidence (the passages that satisfy `expect` conditions); only the JSON and HTML
    /// outputs show it, and the others skip the work.
    pub evidence: bool,
    /// When the tender's time budget started (when its documents began to be read); `None`:
    /// when checking starts.
    pub started: Option<crate::limits::Instant>,
    /// The time one tender may take (see [`crate::limits::Limits::time_budget_ms`]).
    pub time_budget: std::time::Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            force_packs: Vec::new(),
            disabled_packs: Vec::new(),
            evidence: false,
            started: None,
            time_budget: std::time::Duration::from_millis(crate::limits::DEFAULT.time_budget_ms),
        }
    }
}

/// Rules with their place in the pack.
type Numbered<'a> = Vec<(usize, &'a Rule)>;

/// Checks one tender with every pack of the rule set.
pub fn check_tender(rules: &RuleSet, tender: Tender, opts: &Options) -> TenderResult {
    let mut packs = Vec::new();
    let mut findings = Vec::new();
    let mut unchecked = Vec::new();
    let mut not_stated = Vec::new();
    let mut evidence = Vec::new();
    let started = opts.started.unwrap_or_else(crate::limits::Instant::now);
    let budget = opts.time_budget;
    let mut timed_out = None;
    for pack in &rules.packs {
        if timed_out.is_some() {
            break;
        }
        // A pack whose rules all look at one document at a time, and that applies to any
        // tender, is checked document by document: each document is prepared, checked and
        // dropped in one go (one parallel pass, one document's data at a time per core).
        let per_document =
            pack.applies.is_none() && !pack.rules.iter().any(|r| r.scope.is_tender());
        let docs: &[Document] = if per_document { &[] } else { &tender.documents };
        let ev = Evaluator::new(pack, docs, false, opts.evidence);
        let decision = decide(pack, &ev, opts);
        let applied = decision.applied;
        packs.push(decision);
        if !applied {
            continue;
        }
        // Past the time budget, what remains is not run and the tender is reported as skipped.
        let in_time = || started.elapsed() <= budget;
        let outcomes = outcomes(pack, &ev, &tender, per_document, opts, &in_time);
        for (rule, units) in pack.rules.iter().zip(outcomes) {
            let mut checked = false;
            let mut unstated = false;
            for unit in units {
                let Some(unit) = unit else {
                    timed_out.get_or_insert_with(|| {
                        format!(
                            "skipped: checking took more than the time budget of {} ms (pack {}, from rule {}); raise `time-budget-ms` in [limits] if the tender is just large",
                            budget.as_millis(),
                            pack.id,
                            rule.id
                        )
                    });
                    continue;
                };
                checked |= unit.checked;
                unstated |= unit.not_stated;
                findings.extend(unit.findings);
                evidence.extend(unit.evidence);
            }
            if unstated && timed_out.is_none() {
                not_stated.push(NotStated {
                    rule: rule.id.clone(),
                    kinds: kinds_text(&rule.stated),
                    reason: format!(
                        "le dossier ne contient pas de {}, où cette exigence est énoncée",
                        kinds_text(&rule.stated)
                    ),
                });
            }
            if !checked && timed_out.is_none() {
                unchecked.push(Unchecked {
                    rule: rule.id.clone(),
                    reason: ev.unchecked_reason(rule),
                });
            }
        }
    }
    sort_findings(&mut findings, &tender.documents);
    TenderResult {
        tender,
        packs,
        findings,
        unchecked,
        not_stated,
        evidence,
        timed_out,
    }
}

/// Whether a pack is applied to the tender, and why: its applicability condition, unless the
/// configuration disables it or `--pack` forces it.
fn decide(pack: &Pack, ev: &Evaluator, opts: &Options) -> PackDecision {
    let named = |list: &[String]| list.iter().any(|p| p.eq_ignore_ascii_case(&pack.id));
    let (applied, reason) = if named(&opts.disabled_packs) {
        (
            false,
            "non appliqué : désactivé par la configuration".to_string(),
        )
    } else if named(&opts.force_packs) {
        (true, format!("appliqué : forcé par --pack {}", pack.id))
    } else {
        ev.applicability()
    };
    PackDecision {
        id: pack.id.clone(),
        applied,
        reason,
        pillars: Vec::new(),
    }
}

/// The outcomes of each rule of a pack, one per unit (`None`: past the time budget).
///
/// Tender rules run in parallel with each other; document rules run document by document in
/// parallel, all the rules of a document together while its text is in the cache. Outcomes
/// are gathered in the pack's order, documents in the tender's order.
fn outcomes(
    pack: &Pack,
    ev: &Evaluator,
    tender: &Tender,
    per_document: bool,
    opts: &Options,
    in_time: &(dyn Fn() -> bool + Sync),
) -> Vec<Vec<Option<UnitOutcome>>> {
    use rayon::prelude::*;
    let (tender_rules, doc_rules): (Numbered, Numbered) = pack
        .rules
        .iter()
        .enumerate()
        .partition(|(_, r)| r.scope.is_tender());
    let mut outcomes: Vec<Vec<Option<UnitOutcome>>> = vec![Vec::new(); pack.rules.len()];
    let all: Vec<usize> = (0..ev.doc_count()).collect();
    let tender_outcomes = || -> Vec<Option<UnitOutcome>> {
        tender_rules
            .par_iter()
            .map(|(_, r)| in_time().then(|| ev.check_unit(r, &all)))
            .collect()
    };
    // The document rules on document `d` of an evaluator (`None`: past the budget). In a
    // tender of fewer documents than cores they run in parallel too, to keep every core busy;
    // otherwise each core runs the rules of one document at a time (fewer documents in memory
    // at once).
    let few_documents = tender.documents.len() < rayon::current_num_threads();
    let doc_outcomes = |ev: &Evaluator, d: usize| -> Vec<Option<UnitOutcome>> {
        doc_rules
            .par_iter()
            .with_min_len(if few_documents { 1 } else { usize::MAX })
            .map(|(_, r)| {
                if !ev.applies_to(r, d) {
                    Some(UnitOutcome::default())
                } else {
                    in_time().then(|| ev.check_unit(r, &[d]))
                }
            })
            .collect()
    };
    let per_doc = || -> Vec<Vec<Option<UnitOutcome>>> {
        if per_document {
            tender
                .documents
                .par_iter()
                .map(|doc| {
                    let one = std::slice::from_ref(doc);
                    doc_outcomes(&Evaluator::new(pack, one, false, opts.evidence), 0)
                })
                .collect()
        } else {
            (0..ev.doc_count())
                .into_par_iter()
                .map(|d| doc_outcomes(ev, d))
                .collect()
        }
    };
    let (per_rule, per_doc) = rayon::join(tender_outcomes, per_doc);
    for ((i, _), o) in tender_rules.iter().zip(per_rule) {
        outcomes[*i].push(o);
    }
    for doc in per_doc {
        for ((i, _), o) in doc_rules.iter().zip(doc) {
            outcomes[*i].push(o);
        }
    }
    outcomes
}

/// Document kinds as a reader names them: « CCTP », « CCTP ou CCAP ».
fn kinds_text(kinds: &[crate::document::Kind]) -> String {
    kinds
        .iter()
        .map(|k| k.to_string())
        .collect::<Vec<_>>()
        .join(" ou ")
}

/// Sorts findings by document (in the tender's order), place and rule.
pub fn sort_findings(findings: &mut [Finding], docs: &[Document]) {
    let index: std::collections::HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .rev()
        .map(|(i, d)| (d.display.as_str(), i))
        .collect();
    let doc_index = |f: &Finding| index.get(f.file.as_str()).copied().unwrap_or(usize::MAX);
    findings.sort_by_cached_key(|f| (doc_index(f), f.span.start, f.rule.clone()));
}

/// Runs one rule on a text, as its `example` lines do: a Markdown tender, the pack's
/// applicability and the rule's kind restrictions set aside. The text is one document, or
/// several when it holds lines `=== NAME ===` (each starts the document NAME).
pub fn check_example(pack: &Pack, rule: &Rule, text: &str) -> RuleOutcome {
    let docs: Vec<Document> = example_documents(text)
        .into_iter()
        .map(|(name, body)| {
            Document::from_text(
                std::path::Path::new(&name),
                &name,
                crate::document::Format::Markdown,
                body,
            )
        })
        .collect();
    Evaluator::new(pack, &docs, true, false).check_rule(rule)
}

/// The documents of an example text: `(name, text)`, split at lines `=== NAME ===`.
pub fn example_documents(text: &str) -> Vec<(String, String)> {
    let mut docs: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let name = line
            .trim()
            .strip_prefix("=== ")
            .and_then(|l| l.strip_suffix(" ==="))
            .filter(|n| !n.is_empty());
        match (name, docs.last_mut()) {
            (Some(n), _) => docs.push((n.to_string(), String::new())),
            (None, Some((_, body))) => body.push_str(line),
            (None, None) => docs.push(("exemple.md".to_string(), line.to_string())),
        }
    }
    if docs.is_empty() {
        docs.push(("exemple.md".to_string(), String::new()));
    }
    docs
}

/// The result of one rule on one unit (a document, or the whole tender for a tender rule).
#[derive(Debug, Clone, Default)]
pub struct UnitOutcome {
    pub findings: Vec<Finding>,
    pub evidence: Vec<Evidence>,
    /// Whether the rule's scope was found in the unit.
    pub checked: bool,
    /// Set when the rule ran on a unit without the documents where it is stated (`stated
    /// in`): no finding, the rule is not judged there.
    pub not_stated: bool,
}

/// The result of one rule on one tender.
#[derive(Debug, Clone, Default)]
pub struct RuleOutcome {
    pub findings: Vec<Finding>,
    pub evidence: Vec<Evidence>,
    /// Set when the rule's scope could not be found anywhere in the tender.
    pub unchecked: Option<String>,
}

/// The end of at most `max` bytes of `text` from `start`: the last word boundary (a space)
/// in the second half of that stretch, else a character boundary.
pub fn word_cut(text: &str, start: usize, max: usize) -> usize {
    let mut end = (start + max).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[start..end].rfind(char::is_whitespace) {
        Some(i) if i >= max / 2 => start + i,
        _ => end,
    }
}
