//! Baselines: `--write-baseline FILE` records the current findings, `--baseline FILE` reports
//! only the new ones. A finding is keyed by its rule, its file, the words it points at and its
//! rank among findings with the same three, never by line or offset: it survives unrelated
//! edits that move lines.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use super::fingerprint::{Key, keys};
use crate::engine::Finding;

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    /// `tenderlint VERSION`: marks the file as generated (see [`crate::document::generated::is_generated`]).
    #[serde(default)]
    generator: String,
    findings: Vec<Key>,
}

/// Writes a baseline file (atomically, see [`crate::output::write`]).
pub fn write<'a>(
    path: &Path,
    findings: impl IntoIterator<Item = &'a Finding>,
    pending: &crate::output::Pending,
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
    crate::output::write(path, text.as_bytes(), pending)
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

/// The keys of the baseline a request gives (`None`: none given, or it cannot be read, which
/// the run reports).
pub(super) fn known(req: &super::Request, run: &mut super::Run) -> Option<BTreeSet<Key>> {
    let b = req.baseline.as_ref()?;
    match read(b) {
        Ok(keys) => Some(keys),
        Err(e) => {
            run.input_errors.push(crate::document::ReadError {
                path: b.to_string_lossy().into_owned(),
                kind: crate::document::ReadFailure::Baseline,
                reason: e,
                help: Some("write one with `tenderlint check --write-baseline FILE`".into()),
            });
            None
        }
    }
}
