//! Baselines: `--write-baseline FILE` records the current findings, `--baseline FILE` reports
//! only the new ones. A finding is keyed by its rule, its file, the words it points at and its
//! rank among findings with the same three, never by line or offset: it survives unrelated
//! edits that move lines.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::Finding;
pub use crate::report::fingerprint::{Key, keys};

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    /// `tenderlint VERSION`: marks the file as generated (see [`crate::output::is_generated`]).
    #[serde(default)]
    generator: String,
    findings: Vec<Key>,
}

/// Writes a baseline file (atomically, see [`crate::output::write`]).
pub fn write<'a>(
    path: &Path,
    findings: impl IntoIterator<Item = &'a Finding>,
) -> Result<(), crate::output::OutputError> {
    let mut list = keys(findings);
    list.sort();
    let text = serde_json::to_string_pretty(&File {
        version: 1,
        generator: concat!("tenderlint ", env!("CARGO_PKG_VERSION")).into(),
        findings: list,
    })
    .expect("a baseline serialises")
        + "\n";
    crate::output::write(path, text.as_bytes())
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
