//! The document model: what every reader produces, whatever the format.

pub(crate) mod archive;
pub mod decode;
pub mod docx;
mod error;
pub mod extract;
pub mod generated;
pub mod html;
pub mod markdown;
pub mod odt;
pub mod passage;
pub mod pdf;
pub mod tender;
pub mod text;
pub(crate) mod xml;

use crate::limits::Limits;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

pub use error::{ReadError, ReadFailure};
pub use tender::{Excludes, Planned, Tender, discover, discover_with, plan};

/// The kind of a consultation document, inferred from its file name and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Rc,
    Ccap,
    Cctp,
    Ae,
    Avis,
    Bpu,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Rc,
        Kind::Ccap,
        Kind::Cctp,
        Kind::Ae,
        Kind::Avis,
        Kind::Bpu,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rc => "rc",
            Kind::Ccap => "ccap",
            Kind::Cctp => "cctp",
            Kind::Ae => "ae",
            Kind::Avis => "avis",
            Kind::Bpu => "bpu",
            Kind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind named by a file name, if any (`RC.md`, `03_CCTP_v2.docx`, `acte-engagement.txt`).
    pub fn from_file_name(name: &str) -> Option<Kind> {
        let stem = crate::fold::fold_str(name);
        let stem = stem.rsplit_once('.').map(|(s, _)| s).unwrap_or(&stem);
        let words: Vec<&str> = stem
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let has = |w: &str| {
            words.iter().any(|x| {
                *x == w
                    || x.strip_prefix(|c: char| c.is_ascii_digit())
                        .is_some_and(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()) == w)
            })
        };
        if has("ccap") {
            Some(Kind::Ccap)
        } else if has("cctp") || has("cdc") || has("ccp") || (has("cahier") && has("charges")) {
            Some(Kind::Cctp)
        } else if has("rc") || (has("reglement") && has("consultation")) {
            Some(Kind::Rc)
        } else if has("ae") || has("atri") || (has("acte") && has("engagement")) {
            Some(Kind::Ae)
        } else if has("avis") || has("aapc") || has("boamp") || has("annonce") {
            Some(Kind::Avis)
        } else if has("bpu") || has("dpgf") || has("dqe") {
            Some(Kind::Bpu)
        } else {
            None
        }
    }

    /// The kind named by a document's title, if any.
    pub fn from_title(title: &str) -> Option<Kind> {
        let t = crate::fold::fold_str(title);
        let pairs = [
            ("clauses administratives particulieres", Kind::Ccap),
            ("clauses techniques particulieres", Kind::Cctp),
            ("cahier des charges", Kind::Cctp),
            ("reglement de la consultation", Kind::Rc),
            ("reglement de consultation", Kind::Rc),
            ("acte d'engagement", Kind::Ae),
            ("avis d'appel", Kind::Avis),
            ("avis de marche", Kind::Avis),
            ("bordereau des prix", Kind::Bpu),
            ("decomposition du prix global", Kind::Bpu),
            ("detail quantitatif", Kind::Bpu),
        ];
        pairs
            .into_iter()
            .find(|(p, _)| t.contains(p))
            .map(|(_, k)| k)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().to_uppercase())
    }
}

/// A heading of the outline. Spans are byte ranges of the document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The heading's words (without `#` or numbering marks around them).
    pub text: Range<usize>,
    /// From the start of the heading to the next heading of the same or a higher level.
    pub section: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    Heading,
    Paragraph,
    ListItem,
    TableCell,
}

/// A paragraph, list item, table cell or heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub span: Range<usize>,
    /// For a table cell: it starts a row (the first cell of a row, or a cell whose row is
    /// not known). Cells of one row are one unit for a window of the rule language.
    pub new_row: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Markdown,
    Text,
    Docx,
    Odt,
    Pdf,
    Html,
}

impl Format {
    /// The format read for a file extension (lower case), if tenderlint reads it.
    pub fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext {
            "md" | "markdown" => Format::Markdown,
            "txt" => Format::Text,
            "docx" => Format::Docx,
            "odt" => Format::Odt,
            "pdf" => Format::Pdf,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }

    /// Whether the document's text was extracted from a file a person does not read as text
    /// (Word, LibreOffice, PDF, HTML): its places are then given as paragraph and page.
    pub fn is_extracted(self) -> bool {
        !matches!(self, Format::Markdown | Format::Text)
    }
}

/// Where a place of a document is, in terms a person can follow in the original file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based index of the block (paragraph, heading, list item or table cell).
    pub paragraph: usize,
    /// 1-based page, for formats with pages (PDF).
    pub page: Option<usize>,
    /// Whether the document's text was extracted (see [`Format::is_extracted`]).
    #[serde(skip)]
    pub extracted: bool,
}

impl Location {
    /// The place in words a person can follow in the original file: « ligne 12 » for a text
    /// (`line` is the place's line), « page 3, paragraphe 14 » or « paragraphe 14 » for an
    /// extracted format.
    pub fn describe(&self, line: usize) -> String {
        if !self.extracted {
            return format!("ligne {line}");
        }
        match self.page {
            Some(p) => format!("page {p}, paragraphe {}", self.paragraph),
            None => format!("paragraphe {}", self.paragraph),
        }
    }
}

/// A document read from a file: its text (after decoding), kind, outline and blocks.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    /// The path as shown to the user.
    pub display: String,
    pub format: Format,
    pub kind: Kind,
    pub text: Arc<str>,
    /// The parts of `text` that are readable text (markup such as `#` or `**` is left out).
    pub content: Vec<Range<usize>>,
    pub headings: Vec<Heading>,
    pub blocks: Vec<Block>,
    /// Byte offsets where the pages after the first begin (empty for formats without pages).
    pub page_starts: Vec<usize>,
    /// Where each line starts, built the first time a line number is asked for.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// `(byte offset, characters before it)` every few kilobytes, so that a column on a very
    /// long line is counted from the nearest mark, not from the start of the line.
    char_marks: std::sync::OnceLock<Vec<(usize, usize)>>,
    /// Comments written in the original file (Word, LibreOffice) with the text range they are
    /// attached to; read for `tenderlint: disable RULE -- reason` suppressions.
    pub annotations: Vec<Annotation>,
    /// What the reader noticed and the user should know (invalid bytes replaced).
    pub warnings: Vec<String>,
}

/// A comment of a word processor, and the part of the text it is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub span: Range<usize>,
    pub text: String,
}

/// What a reader of an extracted format returns: the text, with `"\n\n"` between blocks, and
/// its structure (see [`extract::Builder`]).
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub text: String,
    pub content: Vec<Range<usize>>,
    pub headings: Vec<Heading>,
    pub blocks: Vec<Block>,
    pub page_starts: Vec<usize>,
    pub annotations: Vec<Annotation>,
    /// What the reader noticed and the user should know (see [`Document::warnings`]).
    pub warnings: Vec<String>,
}

/// Something about an input the user should know, that does not stop it from being checked
/// (or that leaves a file out on purpose): a report tenderlint generated, a link not followed,
/// invalid bytes replaced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{path}: {message}")]
#[diagnostic(code(tenderlint::notice), severity(Warning))]
pub struct Notice {
    pub path: String,
    pub message: String,
    #[help]
    pub help: Option<String>,
}

/// A path as shown to the user: forward slashes, and control characters escaped (a file name
/// may hold any byte but `/` and NUL, and printing an escape sequence would drive the
/// terminal).
pub fn shown(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    if !s.contains(char::is_control) {
        return s;
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The readable ranges without the word breaks at line ends: a hyphen after a letter, a line
/// break, then a lower-case letter (« qualifi-⏎cation »). Folding joins the two halves.
pub fn split_hyphen_breaks(text: &str, content: Vec<Range<usize>>) -> Vec<Range<usize>> {
    if !text.contains("-\n") && !text.contains("-\r\n") {
        return content;
    }
    let mut out = Vec::with_capacity(content.len());
    for r in content {
        let mut start = r.start;
        let part = &text[r.clone()];
        for (i, _) in part.match_indices('-') {
            let at = r.start + i;
            let before = text[..at].chars().next_back();
            let after = &text[at + 1..r.end];
            let rest = after.trim_start_matches([' ', '\t', '\r']);
            let Some(rest) = rest.strip_prefix('\n') else {
                continue;
            };
            let rest = rest.trim_start_matches([' ', '\t']);
            if before.is_some_and(char::is_alphabetic)
                && rest.chars().next().is_some_and(char::is_lowercase)
                && at > start
            {
                out.push(start..at);
                start = r.end - rest.len();
            }
        }
        out.push(start..r.end);
    }
    out
}

/// The file extensions tenderlint reads.
pub const EXTENSIONS: &[&str] = &["md", "markdown", "txt", "docx", "odt", "pdf", "html", "htm"];

pub fn is_supported(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

impl Document {
    /// Reads a document from a file, choosing the reader by extension.
    pub fn read(path: &Path, display: &str, limits: &Limits) -> Result<Document, ReadError> {
        let bytes = Document::read_bytes(path, display, limits)?;
        Document::from_bytes_with(path, display, &bytes, limits)
    }

    /// The bytes of a document file, within `max-file-bytes`.
    pub fn read_bytes(path: &Path, display: &str, limits: &Limits) -> Result<Vec<u8>, ReadError> {
        let err = |kind: ReadFailure, reason: String, help: Option<&str>| ReadError {
            path: display.to_string(),
            kind,
            reason,
            help: help.map(str::to_string),
        };
        let access = |e: std::io::Error| ReadError::access(display, &e);
        let meta = std::fs::metadata(path).map_err(access)?;
        if meta.is_dir() {
            return Err(err(
                ReadFailure::Folder,
                "is a folder, not a document".into(),
                None,
            ));
        }
        let max = limits.max_file_bytes;
        if meta.len() > max {
            return Err(err(
                ReadFailure::TooLarge {
                    size_mb: meta.len() / 1_000_000,
                    limit_mb: max / 1_000_000,
                },
                format!(
                    "the file is too large ({} MB, the limit is {} MB)",
                    meta.len() / 1_000_000,
                    max / 1_000_000
                ),
                Some(
                    "split the document, check that it is a text document, or raise `max-file-bytes` in [limits]",
                ),
            ));
        }
        std::fs::read(path).map_err(access)
    }

    /// Reads a document from bytes, within the default limits; the path's extension chooses
    /// the reader.
    pub fn from_bytes(path: &Path, display: &str, bytes: &[u8]) -> Result<Document, ReadError> {
        Document::from_bytes_with(path, display, bytes, &Limits::default())
    }

    /// Reads a document from bytes, within `limits`; the path's extension chooses the reader.
    pub fn from_bytes_with(
        path: &Path,
        display: &str,
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<Document, ReadError> {
        let err = |kind: ReadFailure, reason: String, help: Option<String>| ReadError {
            path: display.to_string(),
            kind,
            reason,
            help,
        };
        let check_text_size = |len: usize| {
            let max = limits.max_text_bytes.min(crate::limits::TEXT_BYTES_CEILING);
            if len > max {
                Err(err(
                    ReadFailure::TextTooLarge {
                        size_mb: Some(len as u64 / 1_000_000),
                        limit_mb: max as u64 / 1_000_000,
                    },
                    format!(
                        "the document's text is too large ({} MB, the limit is {} MB)",
                        len / 1_000_000,
                        max / 1_000_000
                    ),
                    Some("split the document, or raise `max-text-bytes` in [limits]".into()),
                ))
            } else {
                Ok(())
            }
        };
        let format = Format::from_extension(&extension(path)).unwrap_or(Format::Markdown);
        let extracted = match format {
            Format::Markdown | Format::Text => {
                let decoded = decode::decode(bytes).map_err(|reason| {
                    err(
                        ReadFailure::NotText,
                        reason,
                        Some(
                            "tenderlint reads UTF-8, UTF-16 (with a byte-order mark) and \
                             Windows-1252 text"
                                .into(),
                        ),
                    )
                })?;
                // As for the other formats: an empty document is a mistake worth telling.
                if decoded.text.trim().is_empty() {
                    return Err(err(
                        ReadFailure::Empty,
                        "the file is empty".into(),
                        Some("the document has no text: check that it is the right file".into()),
                    ));
                }
                check_text_size(decoded.text.len())?;
                let mut doc = Document::from_text(path, display, format, decoded.text);
                doc.warnings.extend(decoded.warning);
                return Ok(doc);
            }
            _ if bytes.iter().all(u8::is_ascii_whitespace) => {
                return Err(err(
                    ReadFailure::Empty,
                    "the file is empty".into(),
                    Some("save the document again from its editor".into()),
                ));
            }
            Format::Docx => docx::read(bytes, limits),
            Format::Odt => odt::read(bytes, limits),
            Format::Pdf => pdf::read(bytes, limits),
            Format::Html => html::read(bytes, limits),
        };
        let extracted = extracted.map_err(|e| err(e.kind, e.reason, e.help))?;
        if extracted.text.trim().is_empty() {
            let (kind, help) = match format {
                Format::Pdf => (
                    ReadFailure::Scanned,
                    "the PDF has no text layer (a scanned image?): tenderlint does not do OCR; \
                     check the document saved from its word processor, or run OCR first",
                ),
                _ => (
                    ReadFailure::NoText,
                    "the document has no text: check that it is the right file",
                ),
            };
            return Err(err(kind, "no text could be read".into(), Some(help.into())));
        }
        check_text_size(extracted.text.len())?;
        Ok(Document::from_extracted(path, display, format, extracted))
    }

    /// Builds a document from the text and structure a reader extracted.
    pub fn from_extracted(
        path: &Path,
        display: &str,
        format: Format,
        extracted: Extracted,
    ) -> Document {
        let Extracted {
            text,
            content,
            headings,
            blocks,
            page_starts,
            annotations,
            warnings,
        } = extracted;
        let mut doc = Document::assemble(
            path,
            display,
            format,
            text.into(),
            (content, headings, blocks),
            page_starts,
        );
        doc.annotations = annotations;
        doc.warnings = warnings;
        doc
    }

    /// Builds a document from already decoded text.
    pub fn from_text(path: &Path, display: &str, format: Format, text: String) -> Document {
        let text: Arc<str> = text.into();
        let structure = match format {
            Format::Markdown => markdown::structure(&text),
            // Text extracted from other formats has blank lines between its paragraphs.
            _ => text::structure(&text),
        };
        Document::assemble(path, display, format, text, structure, Vec::new())
    }

    fn assemble(
        path: &Path,
        display: &str,
        format: Format,
        text: Arc<str>,
        (content, headings, blocks): (Vec<Range<usize>>, Vec<Heading>, Vec<Block>),
        page_starts: Vec<usize>,
    ) -> Document {
        // Text laid out in lines by another program breaks words at the end of a line
        // (« accompa-⏎gnement »): such a break is not part of the readable text.
        let content = if matches!(format, Format::Text | Format::Pdf) {
            split_hyphen_breaks(&text, content)
        } else {
            content
        };
        let mut doc = Document {
            path: path.to_path_buf(),
            display: display.to_string(),
            format,
            kind: Kind::Other,
            text,
            content,
            headings,
            blocks,
            page_starts,
            annotations: Vec::new(),
            warnings: Vec::new(),
            line_starts: Default::default(),
            char_marks: Default::default(),
        };
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        doc.kind = Kind::from_file_name(file_name)
            .or_else(|| doc.title().and_then(Kind::from_title))
            .unwrap_or(Kind::Other);
        doc
    }

    /// The document's title: the text of its first heading, or its first line.
    pub fn title(&self) -> Option<&str> {
        if let Some(h) = self.headings.first() {
            return Some(&self.text[h.text.clone()]);
        }
        self.text.lines().map(str::trim).find(|l| !l.is_empty())
    }

    /// Where findings about the whole document go: the words of its title when the document
    /// opens with a heading, else its first non-empty line.
    pub fn anchor(&self) -> Range<usize> {
        let first = self.first_line();
        match self.headings.first() {
            Some(h)
                if h.section.start <= first.start && first.start < h.text.end.max(first.end) =>
            {
                h.text.clone()
            }
            _ => first,
        }
    }

    /// The byte range of the first line with text (HTML comments and `tenderlint:` marker
    /// lines are skipped), or of the first non-empty line.
    pub fn first_line(&self) -> Range<usize> {
        let mut start = 0;
        let mut first_nonempty = None;
        for line in self.text.split_inclusive('\n') {
            let trimmed = line.trim();
            if !trimmed.is_empty() {
                let lead = line.len() - line.trim_start().len();
                let range = start + lead..start + lead + trimmed.len();
                let marker = (trimmed.starts_with("<!--") && trimmed.ends_with("-->"))
                    || trimmed.starts_with("tenderlint:");
                if !marker {
                    return range;
                }
                first_nonempty.get_or_insert(range);
            }
            start += line.len();
        }
        first_nonempty.unwrap_or(0..0)
    }

    /// The paragraph (1-based index of the block where the offset falls, or of the last block
    /// before it) and, for PDF, the page of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let paragraph = self
            .blocks
            .partition_point(|b| b.span.start <= offset)
            .max(1);
        let page = (self.format == Format::Pdf)
            .then(|| self.page_starts.partition_point(|&p| p <= offset) + 1);
        Location {
            paragraph,
            page,
            extracted: self.format.is_extracted(),
        }
    }

    /// The heading text of the innermost section that holds `offset`.
    pub fn section_title(&self, offset: usize) -> Option<&str> {
        self.headings
            .iter()
            .filter(|h| h.section.start <= offset && offset < h.section.end)
            .max_by_key(|h| h.level)
            .map(|h| self.text[h.text.clone()].trim())
    }

    /// The sentence (or the line, or at most 300 bytes) around a range, for quoting evidence:
    /// cut between words, with « … » where it is cut ([`passage::quote`]).
    pub fn sentence_around(&self, r: Range<usize>) -> String {
        passage::quote(&self.text, r, 150)
    }

    /// [`line_col`] of the text, counted from an index of its lines and characters.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = &self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr_lines(text.as_bytes()))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset);
        let line_start = starts[line - 1];
        let col = self.chars_before(offset) - self.chars_before(line_start) + 1;
        (line, col)
    }

    /// The number of characters before a byte offset (at a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        const STEP: usize = 4096;
        let text = &self.text;
        let marks = self.char_marks.get_or_init(|| {
            let mut marks = vec![(0, 0)];
            let mut at = 0;
            let mut count = 0;
            while at + STEP < text.len() {
                let mut next = at + STEP;
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                count += text[at..next].chars().count();
                marks.push((next, count));
                at = next;
            }
            marks
        });
        let (at, count) = marks[marks.partition_point(|&(b, _)| b <= offset) - 1];
        count + text[at..offset].chars().count()
    }
}

/// The offsets just after each `\n`.
fn memchr_lines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes).map(|i| i + 1)
}

/// 1-based line and column (in characters) of a byte offset of `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = char_start(text, offset);
    let line = memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count() + 1;
    (line, column(text, offset))
}

/// The start of the character at a byte offset (the end of `text` past it).
fn char_start(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The 1-based column of a byte offset of `text`, in characters from the start of its line:
/// what every output shows (`file:line:column`). An offset inside a character counts as that
/// character's start.
pub fn column(text: &str, offset: usize) -> usize {
    let offset = char_start(text, offset);
    let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..offset]).map_or(0, |n| n + 1);
    text[line_start..offset].chars().count() + 1
}

/// Fills in the section ranges of headings: each runs to the next heading of the same or a
/// higher level (a smaller or equal level number), or to the end of the text.
pub fn close_sections(headings: &mut [Heading], text_len: usize) {
    for i in 0..headings.len() {
        let level = headings[i].level;
        let end = headings[i + 1..]
            .iter()
            .find(|h| h.level <= level)
            .map(|h| h.section.start)
            .unwrap_or(text_len);
        headings[i].section.end = end;
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn words_broken_at_line_ends_fold_as_one_word() {
        let text = "un accompa-\ngnement socio-\r\n  professionnel, Saint-\nDenis, 12-\n13";
        let doc = Document::from_text(Path::new("t.txt"), "t.txt", Format::Text, text.to_string());
        let folded = crate::fold::fold(&doc.text, &doc.content);
        assert_eq!(
            folded.text,
            "un accompagnement socioprofessionnel, saint- denis, 12- 13"
        );
    }

    use super::*;

    #[test]
    fn columns_on_long_lines_count_characters_from_the_line_start() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(if i % 7 == 0 { "é€ " } else { "ab " });
            if i % 1000 == 999 {
                text.push('\n');
            }
        }
        let doc = Document::from_text(Path::new("t.txt"), "t.txt", Format::Text, text.clone());
        for offset in (0..text.len())
            .step_by(97)
            .filter(|&o| text.is_char_boundary(o))
        {
            assert_eq!(doc.line_col(offset), line_col(&text, offset), "at {offset}");
        }
    }

    #[test]
    fn kinds_from_file_names() {
        assert_eq!(Kind::from_file_name("RC.md"), Some(Kind::Rc));
        assert_eq!(Kind::from_file_name("03_CCTP_v2.docx"), Some(Kind::Cctp));
        assert_eq!(
            Kind::from_file_name("acte-d-engagement.txt"),
            Some(Kind::Ae)
        );
        assert_eq!(Kind::from_file_name("Avis AAPC.pdf"), Some(Kind::Avis));
        assert_eq!(Kind::from_file_name("BPU.md"), Some(Kind::Bpu));
        assert_eq!(Kind::from_file_name("marche.md"), None);
        assert_eq!(Kind::from_file_name("source.md"), None);
    }

    #[test]
    fn kinds_from_titles() {
        assert_eq!(
            Kind::from_title("CAHIER DES CLAUSES ADMINISTRATIVES PARTICULIÈRES"),
            Some(Kind::Ccap)
        );
        assert_eq!(
            Kind::from_title("Règlement de la consultation"),
            Some(Kind::Rc)
        );
        assert_eq!(Kind::from_title("Projet"), None);
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncdé f", 7), (2, 4));
        assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_col("ab", 99), (1, 3));
        // Inside « é »: the column of « é ».
        assert_eq!(line_col("ab\ncdé f", 6), (2, 3));
        assert_eq!(column("é\nà€x", 8), 3);
        assert_eq!(column("é\nà€x", 7), 2);
    }
}
