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

use super::{Run, quote};
use crate::engine::Finding;

/// The quoted text as fingerprinted: white space runs become one space, trimmed, NFC.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect()
}

fn hash(f: &Finding, text: &str, occurrence: usize) -> String {
    let mut h = Sha256::new();
    for part in [
        "tenderlint-fingerprint-v1",
        f.rule.as_str(),
        f.file.as_str(),
        text,
        &occurrence.to_string(),
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
    let mut seen: HashMap<(&str, &str, String), usize> = HashMap::new();
    run.results
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| {
            let text = normalise(quote(f));
            let n = seen
                .entry((f.rule.as_str(), f.file.as_str(), text.clone()))
                .or_insert(0);
            let fp = hash(f, &text, *n);
            *n += 1;
            fp
        })
        .collect()
}
