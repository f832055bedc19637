//! The stable JSON output (`--format json`), version 1.

use std::io::{self, Write};

use serde::Serialize;

use super::{Renderer, Run, Summary};
use crate::compile::Level;
use crate::document::Location;
use crate::engine::{Finding, FindingKind, PackDecision, Unchecked};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    /// `tenderlint VERSION`: marks the file as generated, so that a check never reads it as a
    /// document (see [`crate::document::generated::is_generated`]).
    generator: &'static str,
    tenders: Vec<TenderOut<'a>>,
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
    why: &'a str,
    fix: &'a str,
    see: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
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

fn diagnostic(f: &Finding) -> DiagnosticOut<'_> {
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
        why: &f.why,
        fix: &f.fix,
        see: &f.see,
        expected: f.expected.as_deref(),
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
        let output = Output {
            version: 1,
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
            diagnostics: run
                .results
                .iter()
                .flat_map(|r| r.findings.iter().map(diagnostic))
                .collect(),
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
