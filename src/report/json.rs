//! The stable JSON output (`--format json`), version 2: each rule with a finding is described
//! once in the `rules` table (message, why, fix, references), and its diagnostics refer to it
//! by id (version 1 repeated the explanations on every diagnostic: most of the output on a
//! large corpus).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Renderer, Run, Summary};
use crate::compile::Level;
use crate::document::Location;
use crate::engine::{Finding, FindingKind, PackDecision, Unchecked};

/// The version of the format, `version` in the output (docs/json-output.md).
pub const VERSION: u32 = 2;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    /// `tenderlint VERSION`: marks the file as generated, so that a check never reads it as a
    /// document (see [`crate::document::generated::is_generated`]).
    generator: &'static str,
    tenders: Vec<TenderOut<'a>>,
    /// The rules of the diagnostics, by id.
    rules: BTreeMap<&'a str, RuleOut<'a>>,
    diagnostics: Vec<DiagnosticOut<'a>>,
    errors: Vec<ErrorOut>,
    suppressed: Vec<SuppressedOut<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct TenderOut<'a> {
    path: &'a str,
    documents: Vec<DocumentOut<'a>>,
    packs: &'a [PackDecision],
    unchecked: &'a [Unchecked],
    not_stated: &'a [crate::engine::NotStated],
    /// Per pillar (tag), the passages that satisfied the rules' expectations.
    evidence: std::collections::BTreeMap<&'a str, Vec<&'a crate::engine::Evidence>>,
}

#[derive(Serialize)]
struct DocumentOut<'a> {
    path: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct SpanOut {
    offset: usize,
    length: usize,
}

/// A rule with diagnostics, described once.
#[derive(Serialize)]
struct RuleOut<'a> {
    pack: &'a str,
    /// The level written in the rule's pack (a diagnostic's is the one reported, after the
    /// configuration's overrides).
    level: Level,
    tags: &'a [String],
    message: &'a str,
    why: &'a str,
    fix: &'a str,
    see: &'a [String],
}

#[derive(Serialize)]
struct DiagnosticOut<'a> {
    rule: &'a str,
    pack: &'a str,
    level: Level,
    tags: &'a [String],
    kind: FindingKind,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    location: Location,
    span: SpanOut,
    quote: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
    /// Only when they differ from the rule's in `rules` (never with the shipped packs).
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    see: Option<&'a [String]>,
}

#[derive(Serialize)]
struct SuppressedOut<'a> {
    rule: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct ErrorOut {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    help: Option<String>,
}

/// The `rules` table: each rule with a diagnostic, as its pack writes it (or as the first of its
/// diagnostics does, for a rule outside the run's rule set, like the suppression checks).
fn rule_table(run: &Run) -> BTreeMap<&str, RuleOut<'_>> {
    let mut rules = BTreeMap::new();
    for f in run.results.iter().flat_map(|r| &r.findings) {
        rules
            .entry(f.rule.as_str())
            .or_insert_with(|| match run.rules.rule(&f.rule) {
                Some((_, r)) => RuleOut {
                    pack: &r.pack,
                    level: r.level,
                    tags: &r.tags,
                    message: &r.message,
                    why: &r.why,
                    fix: &r.fix,
                    see: &r.see,
                },
                None => RuleOut {
                    pack: &f.pack,
                    level: f.level,
                    tags: &f.tags,
                    message: &f.message,
                    why: &f.why,
                    fix: &f.fix,
                    see: &f.see,
                },
            });
    }
    rules
}

/// A diagnostic: where and what, its explanations left to its rule in `rules` unless they
/// differ from it.
fn diagnostic<'a>(f: &'a Finding, rule: &RuleOut<'_>) -> DiagnosticOut<'a> {
    DiagnosticOut {
        rule: &f.rule,
        pack: &f.pack,
        level: f.level,
        tags: &f.tags,
        kind: f.kind,
        message: &f.message,
        file: &f.file,
        line: f.line,
        column: f.column,
        location: f.location,
        span: SpanOut {
            offset: f.span.start,
            length: f.span.len(),
        },
        quote: f.source.get(f.span.clone()).unwrap_or(""),
        expected: f.expected.as_deref(),
        why: (f.why != rule.why).then_some(f.why.as_str()),
        fix: (f.fix != rule.fix).then_some(f.fix.as_str()),
        see: (f.see != rule.see).then_some(f.see.as_slice()),
    }
}

pub struct Json;

impl Renderer for Json {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        let mut errors: Vec<ErrorOut> = run
            .input_errors
            .iter()
            .map(|e| ErrorOut {
                file: e.path.clone(),
                line: None,
                column: None,
                message: e.reason.clone(),
                help: e.help.clone(),
            })
            .collect();
        errors.extend(run.rule_errors.iter().map(|e| {
            let (file, line, column) = e.location();
            ErrorOut {
                file,
                line: Some(line),
                column: Some(column),
                message: e.message.clone(),
                help: e.help.clone(),
            }
        }));
        let rules = rule_table(run);
        let diagnostics = run
            .results
            .iter()
            .flat_map(|r| &r.findings)
            .map(|f| diagnostic(f, &rules[f.rule.as_str()]))
            .collect();
        let output = Output {
            version: VERSION,
            generator: concat!("tenderlint ", env!("CARGO_PKG_VERSION")),
            tenders: run
                .results
                .iter()
                .map(|r| TenderOut {
                    path: &r.tender.display,
                    documents: r
                        .tender
                        .documents
                        .iter()
                        .map(|d| DocumentOut {
                            path: &d.display,
                            kind: d.kind.as_str(),
                        })
                        .collect(),
                    packs: &r.packs,
                    unchecked: &r.unchecked,
                    not_stated: &r.not_stated,
                    evidence: {
                        let mut by_tag: std::collections::BTreeMap<
                            &str,
                            Vec<&crate::engine::Evidence>,
                        > = std::collections::BTreeMap::new();
                        for e in &r.evidence {
                            for t in &e.tags {
                                by_tag.entry(t.as_str()).or_default().push(e);
                            }
                        }
                        by_tag
                    },
                })
                .collect(),
            rules,
            diagnostics,
            errors,
            suppressed: run
                .suppressed
                .iter()
                .map(|s| SuppressedOut {
                    rule: &s.finding.rule,
                    file: &s.finding.file,
                    line: s.finding.line,
                    column: s.finding.column,
                    message: &s.finding.message,
                    reason: &s.reason,
                })
                .collect(),
            summary: run.summary(),
        };
        serde_json::to_writer_pretty(&mut *out, &output)?;
        writeln!(out)
    }
}
