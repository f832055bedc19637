//! Limits that keep a hostile or pathological input from eating the machine: file and text
//! sizes, zip entries and unpacked size, XML depth, regex size, rule count, and a time budget
//! per tender. A configuration's `[limits]` table sets them; they travel with the calls that
//! need them (readers, the rule compiler, the engine's options).

use serde::{Deserialize, Serialize};

// The clock of the time budget (and of a report's date): the system's; in the browser
// (wasm32-unknown-unknown), where `std::time` panics, the page's (`performance.now()` and
// `Date.now()`, through web-time).
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub use std::time::{Instant, SystemTime, UNIX_EPOCH};
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
pub use web_time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// The largest document file read, in bytes.
    pub max_file_bytes: u64,
    /// The largest text extracted from one document, in bytes.
    pub max_text_bytes: usize,
    /// The most entries a .docx or .odt zip may hold.
    pub max_zip_entries: usize,
    /// The most bytes unpacked from one .docx or .odt.
    pub max_zip_bytes: u64,
    /// The most bytes unpacked from the compressed streams of one PDF.
    pub max_pdf_bytes: u64,
    /// The most bytes of content the pages of one PDF draw, each form counted as many times
    /// as it is drawn (the PDF library holds a page's operations in memory, about 45 bytes
    /// for each byte of content, and takes about a second for 6 MB).
    pub max_pdf_content_bytes: u64,
    /// The deepest nesting of XML elements read.
    pub max_xml_depth: usize,
    /// The size limit of one compiled pattern (the regex crate's limit), in bytes.
    pub max_regex_bytes: usize,
    /// The most rules loaded in one run.
    pub max_rules: usize,
    /// The time one tender may take to check, in milliseconds; past it, the tender is reported
    /// as skipped.
    pub time_budget_ms: u64,
}

/// The largest text read whatever `max-text-bytes` says (1 GiB): offsets into texts are kept
/// in 32 bits, which halves the memory of a tender's indexes.
pub const TEXT_BYTES_CEILING: usize = 1 << 30;

/// The defaults: generous for real drafts, small enough to stop a hostile file.
pub const DEFAULT: Limits = Limits {
    max_file_bytes: 64 * 1024 * 1024,
    max_text_bytes: 64 * 1024 * 1024,
    max_zip_entries: 10_000,
    max_zip_bytes: 64 * 1024 * 1024,
    max_pdf_bytes: 64 * 1024 * 1024,
    max_pdf_content_bytes: 16 * 1024 * 1024,
    max_xml_depth: 1_000,
    max_regex_bytes: 8 * 1024 * 1024,
    max_rules: 5_000,
    time_budget_ms: 30_000,
};

impl Default for Limits {
    fn default() -> Self {
        DEFAULT
    }
}
