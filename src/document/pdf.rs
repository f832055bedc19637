//! PDF: the text layer in reading order, page by page (pdf-extract on lopdf). Characters come
//! with their position and size; they are put back into lines, lines into paragraphs (a gap
//! larger than the line spacing, a change of size, a list bullet or a heading ends a
//! paragraph), and headings are inferred from the text's shape ([`text::heading_level`]) or
//! from a line set clearly larger than the body text. Lone page numbers are dropped.
//! An encrypted PDF or one without a text layer (a scan) gives a clear error; no OCR.
//!
//! The PDF library has no bounds of its own, so the file is checked before it reads it (see
//! [`unpacked_bytes`] and [`Forms`]): what its compressed streams unpack to within
//! `max-pdf-bytes`, and what its pages draw within `max-pdf-content-bytes`; forms nested at most [`MAX_FORM_DEPTH`] deep and never drawn
//! inside themselves (the library recurses into them and would overflow the stack); and the
//! text extracted stops at `max-text-bytes`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pdf_extract::{
    Dictionary, Document, MediaBox, Object, ObjectId, OutputDev, OutputError, Transform,
};
use regex::Regex;

use super::extract::{Builder, Failure};
use super::{BlockKind, Extracted, text};

/// The name of the thread a PDF is read on: a panic of the PDF library there is caught and
/// turned into a read error, so a program's panic hook may keep quiet about it.
pub const READER_THREAD: &str = "tenderlint-pdf";

/// The stack of that thread: as large as a main thread's (forms are drawn by recursion, at
/// most [`MAX_FORM_DEPTH`] deep).
#[cfg(not(target_family = "wasm"))]
const READER_STACK: usize = 8 << 20;

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
    /// Bytes of text collected so far, and the most that may be.
    text_bytes: usize,
    max_text_bytes: usize,
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
        self.text_bytes += ch.len() + 1;
        if self.text_bytes > self.max_text_bytes {
            // Stops the library; `collect` tells why.
            return Err(OutputError::FormatError(std::fmt::Error));
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
pub fn read(bytes: &[u8], limits: &crate::limits::Limits) -> Result<Extracted, Failure> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(Failure::new(format!(
            "this is not a PDF file: it looks like {}",
            super::archive::sniff(bytes)
        ))
        .help("give the file its real extension")
        .kind(super::ReadFailure::WrongFormat));
    }
    let pages = match on_reader_thread(bytes, limits) {
        Ok(Ok(r)) => r?,
        Err(e) => {
            return Err(Failure::new(format!("the PDF cannot be read: {e}"))
                .help("the system could not start a thread; try again"));
        }
        Ok(Err(_)) => {
            return Err(Failure::new(
                "the PDF cannot be read: its structure is not supported",
            )
            .help("export the PDF again from its word processor, or check the document in its original format"));
        }
    };
    Ok(layout(pages))
}

/// Reads the pages on a thread of its own, named so that a panic hook can tell; a panic there
/// ends the thread, and joining it says so.
#[cfg(not(target_family = "wasm"))]
fn on_reader_thread(
    bytes: &[u8],
    limits: &crate::limits::Limits,
) -> std::io::Result<std::thread::Result<Result<Vec<Vec<Line>>, Failure>>> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name(READER_THREAD.into())
            .stack_size(READER_STACK)
            .spawn_scoped(s, || collect(bytes, limits))
            .map(|reader| reader.join())
    })
}

/// WebAssembly has no threads: the pages are read on the caller's. A panic there is not caught
/// (panics abort in the browser): the page that called says the check failed.
#[cfg(target_family = "wasm")]
fn on_reader_thread(
    bytes: &[u8],
    limits: &crate::limits::Limits,
) -> std::io::Result<std::thread::Result<Result<Vec<Vec<Line>>, Failure>>> {
    Ok(Ok(collect(bytes, limits)))
}

const DRAWN: &str = "the content the PDF's pages draw is";
const CONTENT_LIMIT: &str = "max-pdf-content-bytes";

/// How deep forms may be drawn inside forms.
pub const MAX_FORM_DEPTH: usize = 32;

/// `what`: what is more than `max` ("the PDF unpacks to"), under the limit named `limit`.
fn too_large(what: &str, max: u64, limit: &str) -> Failure {
    Failure::new(format!(
        "{what} more than {} MB: the document is too large or is a decompression bomb",
        max / (1024 * 1024)
    ))
    .help(format!("check where the file comes from, export it again from its word processor, or raise `{limit}` in [limits]"))
    .kind(super::ReadFailure::Limits)
}

/// The bytes the zlib (Flate) streams of a PDF unpack to, counted without keeping them, up to
/// `max + 1`: read on the raw bytes, before the PDF library unpacks anything (it unpacks object
/// and cross-reference streams while loading, without a bound). A stream is found by its
/// `stream` keyword and a zlib header; other encodings are not counted here (the content the
/// pages draw is, by [`Forms`]).
fn unpacked_bytes(bytes: &[u8], max: u64) -> u64 {
    use std::io::Read;
    let mut total = 0u64;
    for at in memchr::memmem::find_iter(bytes, b"stream") {
        if at >= 3 && &bytes[at - 3..at] == b"end" {
            continue;
        }
        let mut start = at + b"stream".len();
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let data = &bytes[start.min(bytes.len())..];
        let zlib = data.len() >= 2
            && data[0] & 0x0f == 8
            && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0;
        if !zlib {
            continue;
        }
        let left = max + 1 - total;
        let mut stream = flate2::read::ZlibDecoder::new(data).take(left);
        // A damaged stream counts what it unpacked before the damage.
        let mut sink = CountingSink(0);
        let _ = std::io::copy(&mut stream, &mut sink);
        total += sink.0;
        if total > max {
            break;
        }
    }
    total
}

struct CountingSink(u64);

impl std::io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What the pages of a PDF draw, walked the way the PDF library walks it but without drawing:
/// each page's content and, for each `Do`, the form it names, recursively. Refuses a form
/// drawn inside itself, forms nested deeper than [`MAX_FORM_DEPTH`], a page whose parents
/// loop, and more than `max` bytes of content drawn in all (`max-pdf-content-bytes`) (a form drawn ten times counts ten
/// times: forms drawing forms multiply).
struct Forms<'a> {
    doc: &'a Document,
    max: u64,
    /// The content each form draws, once known.
    drawn: HashMap<ObjectId, u64>,
    /// The forms being walked.
    open: HashSet<ObjectId>,
}

impl<'a> Forms<'a> {
    fn check(doc: &'a Document, max: u64) -> Result<(), Failure> {
        let mut forms = Forms {
            doc,
            max,
            drawn: HashMap::new(),
            open: HashSet::new(),
        };
        let mut total = 0u64;
        for (_, page) in doc.get_pages() {
            let Ok(dict) = doc.get_dictionary(page) else {
                continue;
            };
            let resources = forms.page_resources(dict)?;
            let content = doc.get_page_content(page).unwrap_or_default();
            total = total.saturating_add(forms.draws(&content, resources, 0)?);
            if total > max {
                return Err(too_large(DRAWN, max, CONTENT_LIMIT));
            }
        }
        Ok(())
    }

    /// A page's resources, inherited from its parents as the PDF library finds them.
    fn page_resources(&self, mut dict: &'a Dictionary) -> Result<Option<&'a Dictionary>, Failure> {
        let mut seen = HashSet::new();
        loop {
            if let Some(r) = self.dict(dict, b"Resources") {
                return Ok(Some(r));
            }
            let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
                return Ok(None);
            };
            if !seen.insert(parent) || seen.len() > 1_000 {
                return Err(Failure::new("the PDF cannot be read: its page tree loops")
                    .help("export the PDF again from its word processor"));
            }
            match self.doc.get_dictionary(parent) {
                Ok(d) => dict = d,
                Err(_) => return Ok(None),
            }
        }
    }

    /// A dictionary entry that is a dictionary, or a reference to one.
    fn dict(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        let o = dict.get(key).ok()?;
        let (_, o) = self.doc.dereference(o).ok()?;
        o.as_dict().ok()
    }

    /// The bytes drawn by a content stream: its own, and those of the forms it draws.
    fn draws(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<u64, Failure> {
        let mut total = content.len() as u64;
        let xobjects = resources.and_then(|r| self.dict(r, b"XObject"));
        for name in drawn_names(content) {
            let Some(id) = xobjects.and_then(|x| x.get(&name).ok()?.as_reference().ok()) else {
                continue;
            };
            total = total.saturating_add(self.form(id, resources, depth + 1)?);
            if total > self.max {
                return Err(too_large(DRAWN, self.max, CONTENT_LIMIT));
            }
        }
        Ok(total)
    }

    /// The bytes a form draws (any XObject: the PDF library reads images as content too).
    fn form(
        &mut self,
        id: ObjectId,
        outer: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<u64, Failure> {
        if let Some(&n) = self.drawn.get(&id) {
            return Ok(n);
        }
        if self.open.contains(&id) {
            return Err(Failure::new("the PDF cannot be read: a form draws itself (a loop)")
                .help("this is not an ordinary document; export the PDF again from its word processor"));
        }
        if depth > MAX_FORM_DEPTH {
            return Err(Failure::new(format!(
                "the PDF cannot be read: its forms are nested more than {MAX_FORM_DEPTH} levels deep"
            ))
            .help("this is not an ordinary document; export the PDF again from its word processor"));
        }
        let Ok(stream) = self.doc.get_object(id).and_then(Object::as_stream) else {
            return Ok(0);
        };
        let content = if stream.filters().is_ok() {
            stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone())
        } else {
            stream.content.clone()
        };
        let resources = self.dict(&stream.dict, b"Resources").or(outer);
        self.open.insert(id);
        let n = self.draws(&content, resources, depth);
        self.open.remove(&id);
        let n = n?;
        self.drawn.insert(id, n);
        Ok(n)
    }
}

/// The names of the XObjects a content stream draws (`/Name Do`), with `#xx` escapes decoded.
fn drawn_names(content: &[u8]) -> Vec<Vec<u8>> {
    let delimiter = |c: u8| c.is_ascii_whitespace() || c == 0 || b"()<>[]{}/%".contains(&c);
    let mut names = Vec::new();
    for at in memchr::memmem::find_iter(content, b"Do") {
        if content.get(at + 2).is_some_and(|&c| !delimiter(c)) {
            continue;
        }
        let mut end = at;
        while end > 0 && (content[end - 1].is_ascii_whitespace() || content[end - 1] == 0) {
            end -= 1;
        }
        if end == at {
            continue;
        }
        let mut start = end;
        while start > 0 && !delimiter(content[start - 1]) {
            start -= 1;
        }
        if start == 0 || content[start - 1] != b'/' {
            continue;
        }
        let raw = &content[start..end];
        let mut name = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let hex = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (raw[i], hex) {
                (b'#', Some(b)) => {
                    name.push(b);
                    i += 3;
                }
                (c, _) => {
                    name.push(c);
                    i += 1;
                }
            }
        }
        names.push(name);
    }
    names
}

fn collect(bytes: &[u8], limits: &crate::limits::Limits) -> Result<Vec<Vec<Line>>, Failure> {
    if unpacked_bytes(bytes, limits.max_pdf_bytes) > limits.max_pdf_bytes {
        return Err(too_large(
            "the PDF unpacks to",
            limits.max_pdf_bytes,
            "max-pdf-bytes",
        ));
    }
    let encrypted = || {
        Failure::new("the PDF is encrypted (protected by a password)")
            .help("remove the protection (print or export it again without a password) and check it again")
            .kind(super::ReadFailure::Encrypted)
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
    Forms::check(&doc, limits.max_pdf_content_bytes)?;
    let max_text = limits.max_text_bytes.min(crate::limits::TEXT_BYTES_CEILING);
    let mut out = Collector {
        max_text_bytes: max_text,
        ..Collector::default()
    };
    if let Err(e) = pdf_extract::output_doc(&doc, &mut out) {
        if out.text_bytes > max_text {
            return Err(Failure::new(format!(
                "the document's text is too large (more than {} MB)",
                max_text / 1_000_000
            ))
            .help("split the document, or raise `max-text-bytes` in [limits]")
            .kind(super::ReadFailure::TextTooLarge {
                size_mb: None,
                limit_mb: max_text as u64 / 1_000_000,
            }));
        }
        return Err(failure_of(&format!("{e:?}")));
    }
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
