//! SARIF 2.1.0 (`--format sarif`), for GitHub code scanning and other SARIF viewers.
//!
//! One run: `tool.driver` describes every rule of the rule set (message as short description,
//! `why` as full description, `fix` and references as help); each finding is a result pointing
//! at its document (a relative URI under `%SRCROOT%`) and region. Columns are 1-based and count
//! Unicode code points (`columnKind`), the end column is exclusive, as SARIF says. Documents
//! that could not be read, rule-file errors and rules that could not be checked are
//! notifications of the invocation.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use super::{Renderer, Run, end_position, quote, relative_path};
use crate::compile::Level;
use crate::pipeline::fingerprint::fingerprints;

pub struct Sarif;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// Percent-encodes a path for a URI: unreserved characters and `/` are kept (and `:` when
/// `keep_colon`, for a drive letter in a `file:` URI).
fn encode_path(path: &str, keep_colon: bool) -> String {
    let mut s = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (keep_colon && b == b':')
        {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The artifact location of a path as shown to the user: relative to `%SRCROOT%` (the current
/// folder) when it can be, else an absolute `file:` URI.
pub fn artifact_location(display: &str) -> Value {
    let path = relative_path(display);
    if Path::new(&path).is_absolute() || path.starts_with('/') {
        let sep = if path.starts_with('/') { "" } else { "/" };
        json!({ "uri": format!("file://{sep}{}", encode_path(&path, true)) })
    } else {
        json!({ "uri": encode_path(&path, false), "uriBaseId": "%SRCROOT%" })
    }
}

fn notification(text: String, level: &str) -> Value {
    json!({ "level": level, "message": { "text": text } })
}

/// The rule descriptors of `tool.driver`, one per rule of the rule set, and each rule's index
/// among them.
fn rule_descriptors(run: &Run) -> (Vec<Value>, HashMap<&str, usize>) {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let rules: Vec<Value> = run
        .rules
        .rules()
        .enumerate()
        .map(|(i, (pack, r))| {
            index.insert(r.id.as_str(), i);
            let mut help = r.fix.clone();
            if !r.see.is_empty() {
                help.push_str("\n\nRéférences :");
                for s in &r.see {
                    help.push_str("\n- ");
                    help.push_str(s);
                }
            }
            let mut rule = json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.message },
                "fullDescription": { "text": r.why },
                "help": { "text": help },
                "defaultConfiguration": { "level": level(r.level) },
                "properties": {
                    "tags": r.tags,
                    "pack": pack.id,
                    "packName": pack.name,
                    "packVersion": pack.version,
                },
            });
            if let Some(uri) = r
                .see
                .iter()
                .find(|s| s.starts_with("https://") || s.starts_with("http://"))
            {
                rule["helpUri"] = json!(uri);
            }
            rule
        })
        .collect();
    (rules, index)
}

/// One result per finding, with its place, snippet and fingerprint.
fn results(run: &Run, index: &HashMap<&str, usize>) -> Vec<Value> {
    let prints = fingerprints(run);
    run.results
        .iter()
        .flat_map(|r| &r.findings)
        .zip(&prints)
        .map(|(f, print)| {
            let (end_line, end_column) = end_position(f);
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.level),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&f.file),
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": end_line,
                            "endColumn": end_column,
                            "snippet": { "text": quote(f) },
                        },
                    },
                }],
                "partialFingerprints": { "tenderlint/v1": print },
                "properties": { "pack": f.pack, "kind": f.kind, "tags": f.tags },
            });
            if let Some(&i) = index.get(f.rule.as_str()) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(e) = &f.expected {
                result["properties"]["expected"] = json!(e);
            }
            result
        })
        .collect()
}

/// The notifications of the invocation: documents that could not be read, rule-file errors and
/// rules that could not be checked.
fn notifications(run: &Run, index: &HashMap<&str, usize>) -> Vec<Value> {
    let mut notes: Vec<Value> = Vec::new();
    for e in &run.input_errors {
        let mut n = notification(e.reason.clone(), "error");
        n["locations"] = json!([{ "physicalLocation": {
            "artifactLocation": artifact_location(&e.path),
        }}]);
        notes.push(n);
    }
    for e in &run.rule_errors {
        let (file, line, column) = e.location();
        let mut n = notification(e.message.clone(), "error");
        n["locations"] = json!([{ "physicalLocation": {
            "artifactLocation": artifact_location(&file),
            "region": { "startLine": line, "startColumn": column },
        }}]);
        notes.push(n);
    }
    for r in &run.results {
        for u in &r.unchecked {
            let mut n = notification(
                format!(
                    "{} n’a pas pu être vérifiée sur {} : {}",
                    u.rule, r.tender.display, u.reason
                ),
                "note",
            );
            if let Some(&i) = index.get(u.rule.as_str()) {
                n["associatedRule"] = json!({ "id": u.rule, "index": i });
            }
            notes.push(n);
        }
    }
    notes
}

impl Renderer for Sarif {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        let (rules, index) = rule_descriptors(run);
        let results = results(run, &index);
        let notes = notifications(run, &index);
        let sarif = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            // Near the start (keys are sorted): marks the file as generated, so that a check
            // never reads it as a document (see `document::generated::is_generated`).
            "properties": { "generator": concat!("tenderlint ", env!("CARGO_PKG_VERSION")) },
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "tenderlint",
                        "version": env!("CARGO_PKG_VERSION"),
                        "semanticVersion": env!("CARGO_PKG_VERSION"),
                        "rules": rules,
                    },
                },
                "invocations": [{
                    "executionSuccessful": !run.has_input_errors(),
                    "toolExecutionNotifications": notes,
                }],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &sarif)?;
        writeln!(out)
    }
}
