//! Helpers shared by the renderers' unit tests: a document, a finding on it, a run.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Run;
use crate::compile::Level;
use crate::document::{Document, Format, Tender};
use crate::engine::{Finding, FindingKind, Label, TenderResult};

/// A plain-text document `t.txt` with `text`.
pub(crate) fn document(text: &str) -> Document {
    Document::from_text(Path::new("t.txt"), "t.txt", Format::Text, text.to_string())
}

/// A warning of rule `T1` (pack `t`, pillar `objet`) found at `span` of `doc`, labelled
/// « ici », with its lines, columns and location computed as the engine does.
pub(crate) fn finding(doc: &Document, span: Range<usize>) -> Finding {
    let (line, column) = doc.line_col(span.start);
    Finding {
        rule: "T1".into(),
        pack: "t".into(),
        level: Level::Warning,
        tags: vec!["objet".into()],
        kind: FindingKind::Found,
        message: "m".into(),
        why: "w".into(),
        fix: "f".into(),
        see: Vec::new(),
        file: doc.display.clone(),
        labels: vec![Label {
            span: span.clone(),
            text: "ici".into(),
        }],
        location: doc.location(span.start),
        end: doc.line_col(span.end),
        span,
        line,
        column,
        expected: None,
        source: Arc::clone(&doc.text),
    }
}

/// A run of one tender `t` made of `doc`, with `findings` and no pack.
pub(crate) fn run(doc: Document, findings: Vec<Finding>) -> Run {
    Run {
        results: vec![TenderResult {
            tender: Tender {
                path: PathBuf::from("t"),
                display: "t".into(),
                documents: vec![doc],
            },
            packs: Vec::new(),
            findings,
            unchecked: Vec::new(),
            not_stated: Vec::new(),
            evidence: Vec::new(),
            timed_out: None,
        }],
        ..Run::default()
    }
}
