//! Zip containers (DOCX, ODT) read with limits (see [`crate::limits`]): at most `max-zip-entries`
//! entries, and every entry read through a bounded reader so that a zip bomb stops at
//! `max-zip-bytes` bytes
//! in all, whatever sizes the archive declares.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use super::ReadFailure;
use super::extract::Failure;

pub struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Bytes that may still be read out of the archive.
    budget: u64,
    /// The most bytes the archive may unpack to (`max-zip-bytes`).
    max_bytes: u64,
}

/// What a file that is not the expected zip looks like, from its first bytes.
pub fn sniff(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(1024)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    if head.starts_with(b"%PDF") {
        "a PDF file"
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        "a zip archive"
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "an old binary Office file (.doc)"
    } else if head.starts_with(b"{\\rtf") {
        "an RTF file"
    } else if lower.contains("<html") || lower.contains("<!doctype html") {
        "an HTML page"
    } else if lower.trim_start().starts_with('<') {
        "an XML file"
    } else if std::str::from_utf8(head).is_ok() {
        "a plain text file"
    } else {
        "a binary file of an unknown type"
    }
}

impl<'a> Archive<'a> {
    /// Opens a zip; `what` names the expected document ("Word document").
    pub fn open(
        bytes: &'a [u8],
        what: &str,
        save_as: &str,
        limits: &crate::limits::Limits,
    ) -> Result<Archive<'a>, Failure> {
        if !bytes.starts_with(b"PK\x03\x04") {
            let article = if what.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            return Err(Failure::new(format!(
                "this is not {article} {what}: it looks like {}",
                sniff(bytes)
            ))
            .help(format!(
                "save the document as {save_as}, or give the file its real extension"
            ))
            .kind(ReadFailure::WrongFormat));
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            Failure::new(format!(
                "the {what} is damaged or truncated: its zip structure cannot be read ({e})"
            ))
            .help("open it in its editor and save it again")
        })?;
        if zip.len() > limits.max_zip_entries {
            return Err(Failure::new(format!(
                "the {what} holds {} parts, more than the {} a document may hold",
                zip.len(),
                limits.max_zip_entries
            ))
            .help("this is not an ordinary document (a zip bomb?); check where it comes from")
            .kind(ReadFailure::Limits));
        }
        Ok(Archive {
            zip,
            budget: limits.max_zip_bytes,
            max_bytes: limits.max_zip_bytes,
        })
    }

    /// The names of the entries.
    pub fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect()
    }

    /// Reads an entry as text (UTF-8, lossy); `None` when the archive has no such entry.
    pub fn read(&mut self, name: &str) -> Result<Option<String>, Failure> {
        let budget = self.budget;
        let too_large = || {
            Failure::new(format!(
                "`{name}` unpacks to more than {} MB: the document is too large or is a zip bomb",
                self.max_bytes / (1024 * 1024)
            ))
            .help("check where the file comes from, or split the document")
            .kind(ReadFailure::Limits)
        };
        let damaged = |e: &dyn std::fmt::Display| {
            Failure::new(format!("`{name}` cannot be unpacked: {e}"))
                .help("the file is damaged or encrypted; open it in its editor and save it again")
        };
        let mut entry = match self.zip.by_name(name) {
            Ok(e) => e,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(damaged(&e)),
        };
        if entry.size() > budget {
            return Err(too_large());
        }
        let mut buf = Vec::new();
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut buf)
            .map_err(|e| damaged(&e))?;
        if buf.len() as u64 > budget {
            return Err(too_large());
        }
        self.budget -= buf.len() as u64;
        let text = match String::from_utf8(buf) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        Ok(Some(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }))
    }
}
