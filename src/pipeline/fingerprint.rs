//! Stable fingerprints of findings, for CI systems that track a finding from one run to the
//! next (GitLab Code Quality's `fingerprint`, SARIF's `partialFingerprints`).
//!
//! A fingerprint must not change when an unrelated line is inserted above a finding, so it
//! never depends on lines or offsets. It is the SHA-256 (hex) of: a version tag, the rule id,
//! the document's path, the finding's quoted text with its white space collapsed (and in NFC),
//! and the index of that occurrence among the findings with the same rule, path and text (in
//! document order), so that two identical quotes in one document stay distinct.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use serde::{Deserialize, Serialize};

use super::Run;
use crate::engine::{Finding, FindingKind};

/// The quoted text as fingerprinted: white space runs become one space, trimmed, NFC.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect()
}

/// What identifies a finding from one run to the next: its rule, its file, the words it points
/// at (white space folded, NFC; none for a *missing* finding, whose place is a heading or a
/// title that edits elsewhere may change) and its rank among findings with the same three.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub rule: String,
    pub file: String,
    pub quote: String,
    pub occurrence: usize,
}

/// The keys of findings, in order.
pub fn keys<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<Key> {
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    findings
        .into_iter()
        .map(|f| {
            let text = if f.kind == FindingKind::Missing {
                String::new()
            } else {
                normalise(f.source.get(f.span.clone()).unwrap_or(""))
            };
            let n = seen
                .entry((f.rule.clone(), f.file.clone(), text.clone()))
                .or_insert(0);
            let key = Key {
                rule: f.rule.clone(),
                file: f.file.clone(),
                quote: text,
                occurrence: *n,
            };
            *n += 1;
            key
        })
        .collect()
}

fn hash(k: &Key) -> String {
    let mut h = Sha256::new();
    for part in [
        "tenderlint-fingerprint-v1",
        k.rule.as_str(),
        k.file.as_str(),
        k.quote.as_str(),
        &k.occurrence.to_string(),
    ] {
        // Length-prefixed, so that no two different tuples hash the same bytes.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The fingerprint of every finding of the run, in the order of
/// `run.results.iter().flat_map(|r| &r.findings)`.
pub fn fingerprints(run: &Run) -> Vec<String> {
    keys(run.results.iter().flat_map(|r| &r.findings))
        .iter()
        .map(hash)
        .collect()
}
