//! Baselines: `--write-baseline FILE` records the current findings, `--baseline FILE` reports
//! only the new ones. A finding is keyed by its rule, its file, the words it points at and its
//! rank among findings with the same three, never by line or offset: it survives unrelated
//! edits that move lines.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::Finding;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub rule: String,
    pub file: String,
    pub quote: String,
    pub occurrence: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Key>,
}

/// The words a finding points at, with white space folded (so that reflowing does not matter).
pub fn quote(f: &Finding) -> String {
    f.source
        .get(f.span.clone())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The keys of findings, in order.
pub fn keys<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<Key> {
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    findings
        .into_iter()
        .map(|f| {
            let q = quote(f);
            let n = seen
                .entry((f.rule.clone(), f.file.clone(), q.clone()))
                .or_insert(0);
            *n += 1;
            Key {
                rule: f.rule.clone(),
                file: f.file.clone(),
                quote: q,
                occurrence: *n,
            }
        })
        .collect()
}

/// Writes a baseline file (atomically).
pub fn write<'a>(
    path: &Path,
    findings: impl IntoIterator<Item = &'a Finding>,
) -> std::io::Result<()> {
    let mut list = keys(findings);
    list.sort();
    let text = serde_json::to_string_pretty(&File {
        version: 1,
        findings: list,
    })
    .map_err(std::io::Error::other)?
        + "\n";
    crate::atomic::write(path, text.as_bytes())
}

/// Reads a baseline file.
pub fn read(path: &Path) -> Result<BTreeSet<Key>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the baseline: {e}"))?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        format!(
            "invalid baseline (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    if file.version != 1 {
        return Err(format!("unsupported baseline version {}", file.version));
    }
    Ok(file.findings.into_iter().collect())
}
