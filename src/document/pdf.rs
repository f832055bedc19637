//! PDF: the text layer in reading order, page by page (pdf-extract on lopdf). Characters come
//! with their position and size; they are put back into lines, lines into paragraphs (a gap
//! larger than the line spacing, a change of size, a list bullet or a heading ends a
//! paragraph), and headings are inferred from the text's shape ([`text::heading_level`]) or
//! from a line set clearly larger than the body text. Lone page numbers are dropped.
//! An encrypted PDF or one without a text layer (a scan) gives a clear error; no OCR.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use regex::Regex;

use super::extract::{Builder, Failure};
use super::{BlockKind, Extracted, text};

thread_local! {
    static READING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is reading a PDF: a panic raised there is caught and turned into a
/// read error, so a program's panic hook may keep quiet about it.
pub fn reading() -> bool {
    READING.with(Cell::get)
}

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:page\s+)?[0-9]+(?:\s*(?:/|sur|of)\s*[0-9]+)?$|^-\s*[0-9]+\s*-$").unwrap()
});
static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[•◦▪▫■□●○‣⁃·*–-]|[0-9]+[.)]|[a-z]\))\s").unwrap());

/// A line of text on a page.
#[derive(Debug, Default, Clone)]
struct Line {
    text: String,
    /// Distance from the top of the page of the line's baseline.
    y: f64,
    /// The largest character size on the line.
    size: f64,
}

#[derive(Default)]
struct Collector {
    pages: Vec<Vec<Line>>,
    line: Option<Line>,
    last_end: f64,
    last_y: f64,
    word_start: bool,
}

impl Collector {
    fn end_line(&mut self) {
        if let Some(l) = self.line.take()
            && !l.text.trim().is_empty()
            && let Some(p) = self.pages.last_mut()
        {
            p.push(l);
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(Vec::new());
        self.line = None;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.end_line();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        ch: &str,
    ) -> Result<(), OutputError> {
        let size = font_size * ((trm.m11 + trm.m21) * (trm.m12 + trm.m22)).abs().sqrt();
        let size = if size.is_finite() && size > 0.0 {
            size
        } else {
            1.0
        };
        let (x, y) = (trm.m31, -trm.m32);
        let new_line = match &self.line {
            None => true,
            Some(_) => {
                (y - self.last_y).abs() > size * 0.5
                    && (x < self.last_end || (y - self.last_y).abs() > size * 1.5)
            }
        };
        if new_line {
            self.end_line();
            self.line = Some(Line {
                text: String::new(),
                y,
                size,
            });
        } else if let Some(l) = &mut self.line
            && self.word_start
            && x > self.last_end + size * 0.1
            && !l.text.ends_with(' ')
        {
            l.text.push(' ');
        }
        if let Some(l) = &mut self.line {
            l.text.push_str(ch);
            l.size = l.size.max(size);
        }
        self.word_start = false;
        self.last_y = y;
        self.last_end = x + width * size;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.word_start = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

fn failure_of(e: &dyn std::fmt::Display) -> Failure {
    Failure::new(format!("the PDF cannot be read: {e}"))
        .help("the file is damaged or uses features tenderlint does not read; export the PDF again from its word processor")
}

/// Reads a PDF.
pub fn read(bytes: &[u8]) -> Result<Extracted, Failure> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Failure::new(format!(
            "this is not a PDF file: it looks like {}",
            super::archive::sniff(bytes)
        ))
        .help("give the file its real extension"));
    }
    READING.with(|r| r.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| collect(bytes)));
    READING.with(|r| r.set(false));
    let pages = match result {
        Ok(r) => r?,
        Err(_) => {
            return Err(Failure::new(
                "the PDF cannot be read: its structure is not supported",
            )
            .help("export the PDF again from its word processor, or check the document in its original format"));
        }
    };
    Ok(layout(pages))
}

fn collect(bytes: &[u8]) -> Result<Vec<Vec<Line>>, Failure> {
    let encrypted = || {
        Failure::new("the PDF is encrypted (protected by a password)")
            .help("remove the protection (print or export it again without a password) and check it again")
    };
    let mut doc = match pdf_extract::Document::load_mem(bytes) {
        Ok(d) => d,
        Err(e) => {
            let text = String::from_utf8_lossy(bytes);
            if text.contains("/Encrypt") {
                return Err(encrypted());
            }
            return Err(failure_of(&e));
        }
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(encrypted());
    }
    let mut out = Collector::default();
    pdf_extract::output_doc(&doc, &mut out).map_err(|e| failure_of(&format!("{e:?}")))?;
    Ok(out.pages)
}

/// Paragraphs and headings from the lines of each page.
fn layout(pages: Vec<Vec<Line>>) -> Extracted {
    // The body size: the size most characters have.
    let mut sizes: Vec<(i64, usize)> = Vec::new();
    for l in pages.iter().flatten() {
        let key = (l.size * 10.0).round() as i64;
        match sizes.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += l.text.len(),
            None => sizes.push((key, l.text.len())),
        }
    }
    let body = sizes
        .iter()
        .max_by_key(|(_, n)| *n)
        .map(|(k, _)| *k as f64 / 10.0)
        .unwrap_or(10.0);
    let mut b = Builder::new();
    for (i, lines) in pages.iter().enumerate() {
        if i > 0 {
            b.page_break();
        }
        let lines: Vec<&Line> = lines
            .iter()
            .filter(|l| !PAGE_NUMBER.is_match(l.text.trim()))
            .collect();
        let mut para = String::new();
        let mut kind = BlockKind::Paragraph;
        let mut prev: Option<&Line> = None;
        for l in lines {
            let t = l.text.trim();
            let big = l.size >= body * 1.25;
            let level = text::heading_level(t).or_else(|| {
                (big && t.chars().count() <= 120 && !t.ends_with(['.', ';', ','])).then_some(1)
            });
            let bullet = BULLET.is_match(t);
            let breaks = match prev {
                None => true,
                Some(p) => {
                    let gap = l.y - p.y;
                    level.is_some()
                        || bullet
                        || gap > p.size.max(l.size) * 1.45
                        || gap < 0.0
                        || (l.size - p.size).abs() > 0.5
                }
            };
            if breaks && !para.is_empty() {
                b.block(kind, None, &para);
                para.clear();
            }
            if let Some(level) = level {
                b.block(BlockKind::Paragraph, Some(level), t);
                prev = Some(l);
                kind = BlockKind::Paragraph;
                continue;
            }
            if breaks {
                kind = if bullet {
                    BlockKind::ListItem
                } else {
                    BlockKind::Paragraph
                };
            }
            if !para.is_empty() {
                para.push('\n');
            }
            para.push_str(t);
            prev = Some(l);
        }
        if !para.is_empty() {
            b.block(kind, None, &para);
        }
    }
    b.finish()
}
