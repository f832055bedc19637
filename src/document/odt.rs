//! OpenDocument text (.odt, LibreOffice): `content.xml`'s headings (`text:h` with their outline
//! level), paragraphs, list items and table cells in reading order, and numbered "Article N"
//! paragraphs as headings; then notes (footnotes, endnotes); then the headers and footers of
//! `styles.xml`'s master pages, kept apart from the body. Tracked changes read as accepted (the
//! deleted text lives in `text:tracked-changes`, which is skipped); annotations (comments) and
//! generated indexes (table of contents) are left out.

use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::archive::Archive;
use super::docx::Para;
use super::extract::{Builder, Failure, Source};
use super::xml::{attr, local, malformed, reader, text, too_deep, unclosed};
use super::{BlockKind, Extracted};

/// Elements whose content is not part of the text.
pub(crate) fn skipped(name: &[u8]) -> bool {
    matches!(
        name,
        b"tracked-changes"
            | b"annotation"
            | b"note-citation"
            | b"table-of-content"
            | b"alphabetical-index"
            | b"illustration-index"
            | b"table-index"
            | b"object-index"
            | b"user-index"
            | b"bibliography"
            | b"sequence-decls"
            | b"variable-decls"
            | b"user-field-decls"
            | b"forms"
            | b"scripts"
            | b"automatic-styles"
            | b"font-face-decls"
            | b"styles"
            | b"desc"
            | b"title"
            | b"page-number"
            | b"page-count"
    )
}

#[derive(Debug)]
struct Open {
    text: String,
    level: Option<u8>,
    /// Inside a note's body.
    note: bool,
    /// The texts of the comments anchored in the paragraph.
    comments: Vec<String>,
    /// Its ordinal among the part's paragraph elements.
    ordinal: usize,
}

/// The paragraphs of an ODF XML part: the body's, and the notes' apart. With `gate`, only
/// the paragraphs inside an element of that local name are read (headers and footers of
/// `styles.xml` live in `office:master-styles`).
fn paragraphs(
    xml: &str,
    part: &str,
    gate: Option<&[u8]>,
    max_depth: usize,
) -> Result<(Vec<Para>, Vec<Para>), Failure> {
    let mut r = reader(xml);
    let mut read = PartReader::new(gate);
    loop {
        let ev = r.read_event().map_err(|e| malformed(part, &e))?;
        match &ev {
            Event::Start(e) => {
                read.depth += 1;
                if read.depth > max_depth {
                    return Err(too_deep(part, max_depth));
                }
                read.start(e);
            }
            Event::Empty(e) => read.empty(e),
            Event::End(e) => read.end(e),
            Event::Eof if read.depth > 0 => return Err(unclosed(part)),
            Event::Eof => break,
            _ => read.text(&ev),
        }
    }
    Ok((read.body, read.notes))
}

/// A comment (`office:annotation`) being read.
struct Annotation {
    depth: usize,
    text: String,
    /// Whether the reader is in its author or date (not part of the text).
    meta: bool,
}

/// Where the reader of a part is, and the paragraphs it has read.
struct PartReader<'g> {
    gate: Option<&'g [u8]>,
    body: Vec<Para>,
    notes: Vec<Para>,
    stack: Vec<Open>,
    cells: Vec<Vec<String>>,
    /// The ordinals of the first and last paragraphs of each cell being read.
    cell_sources: Vec<Option<(usize, usize)>>,
    /// The paragraph elements (`p`, `h`) seen so far, skipped ones included.
    seen: usize,
    /// The next table cell starts a row.
    row_start: bool,
    lists: usize,
    note_bodies: usize,
    depth: usize,
    /// The depth of the skipped element being read (see [`skipped`]).
    skip_from: Option<usize>,
    /// The depth of the gate element being read, if any.
    gate_depth: Option<usize>,
    annotation: Option<Annotation>,
}

impl<'g> PartReader<'g> {
    fn new(gate: Option<&'g [u8]>) -> Self {
        PartReader {
            gate,
            body: Vec::new(),
            notes: Vec::new(),
            stack: Vec::new(),
            cells: Vec::new(),
            cell_sources: Vec::new(),
            seen: 0,
            row_start: false,
            lists: 0,
            note_bodies: 0,
            depth: 0,
            skip_from: None,
            gate_depth: None,
            annotation: None,
        }
    }

    /// An element opens (its depth already counted).
    fn start(&mut self, e: &BytesStart<'_>) {
        let name = e.name();
        let name = local(name.0);
        let ordinal = self.seen;
        self.seen += usize::from(matches!(name, b"p" | b"h"));
        if self.skip_from.is_some() {
            return;
        }
        if let Some(a) = &mut self.annotation {
            a.meta = matches!(name, b"creator" | b"date");
            if name == b"p" && !a.text.is_empty() {
                a.text.push(' ');
            }
            return;
        }
        if name == b"annotation" && !self.stack.is_empty() {
            self.annotation = Some(Annotation {
                depth: self.depth,
                text: String::new(),
                meta: false,
            });
            return;
        }
        if self.gate == Some(name) && self.gate_depth.is_none() {
            self.gate_depth = Some(self.depth);
        }
        if self.gate.is_some() && self.gate_depth.is_none() {
            return;
        }
        if skipped(name) {
            self.skip_from = Some(self.depth);
            return;
        }
        match name {
            b"p" | b"h" => self.stack.push(Open {
                text: String::new(),
                level: (name == b"h").then(|| {
                    attr(e, b"text:outline-level")
                        .and_then(|l| l.parse::<u8>().ok())
                        .unwrap_or(1)
                }),
                note: self.note_bodies > 0,
                comments: Vec::new(),
                ordinal,
            }),
            b"list" => self.lists += 1,
            b"note-body" => self.note_bodies += 1,
            b"table-row" => self.row_start = true,
            b"table-cell" => {
                self.cells.push(Vec::new());
                self.cell_sources.push(None);
            }
            _ => inline(e, name, &mut self.stack),
        }
    }

    /// An empty element: spaces, tabs and line breaks.
    fn empty(&mut self, e: &BytesStart<'_>) {
        let name = e.name();
        let name = local(name.0);
        self.seen += usize::from(matches!(name, b"p" | b"h"));
        if self.skip_from.is_none() && (self.gate.is_none() || self.gate_depth.is_some()) {
            inline(e, name, &mut self.stack);
        }
    }

    /// An element closes.
    fn end(&mut self, e: &BytesEnd<'_>) {
        let name = e.name();
        let name = local(name.0);
        let at = self.depth;
        self.depth = self.depth.saturating_sub(1);
        if let Some(a) = &mut self.annotation {
            a.meta = false;
            if at == a.depth {
                let text = a.text.split_whitespace().collect::<Vec<_>>().join(" ");
                if let Some(p) = self.stack.last_mut() {
                    p.comments.push(text);
                }
                self.annotation = None;
            }
            return;
        }
        if let Some(from) = self.skip_from {
            if at == from {
                self.skip_from = None;
            }
            return;
        }
        if self.gate_depth == Some(at) {
            self.gate_depth = None;
        }
        match name {
            b"p" | b"h" => self.close_paragraph(),
            b"list" => self.lists = self.lists.saturating_sub(1),
            b"note-body" => self.note_bodies = self.note_bodies.saturating_sub(1),
            b"table-cell" => {
                if let Some(cell) = self.cells.pop() {
                    self.body.push(Para {
                        kind: BlockKind::TableCell,
                        level: None,
                        text: cell.join("\n"),
                        comments: Vec::new(),
                        new_row: std::mem::take(&mut self.row_start),
                        source: self.cell_sources.pop().flatten().unwrap_or_default(),
                    });
                }
            }
            _ => {}
        }
    }

    /// A paragraph or heading ends: it goes to the notes, to its table cell, or to the body.
    fn close_paragraph(&mut self) {
        let Some(p) = self.stack.pop() else { return };
        if p.note {
            self.notes.push(Para {
                kind: BlockKind::Paragraph,
                level: None,
                text: p.text,
                comments: p.comments,
                new_row: false,
                source: (p.ordinal, p.ordinal),
            });
        } else if let Some(cell) = self.cells.last_mut() {
            cell.push(p.text);
            if let Some(s) = self.cell_sources.last_mut() {
                *s = Some((s.map_or(p.ordinal, |s| s.0), p.ordinal));
            }
        } else {
            self.body.push(Para {
                kind: if p.level.is_none() && self.lists > 0 {
                    BlockKind::ListItem
                } else {
                    BlockKind::Paragraph
                },
                level: p.level,
                text: p.text,
                comments: p.comments,
                new_row: false,
                source: (p.ordinal, p.ordinal),
            });
        }
    }

    /// The text an event carries: the open comment's, else the open paragraph's.
    fn text(&mut self, ev: &Event<'_>) {
        if let Some(a) = &mut self.annotation {
            if !a.meta
                && let Some(t) = text(ev)
            {
                a.text.push_str(&t);
            }
            return;
        }
        if self.skip_from.is_none()
            && let Some(t) = text(ev)
            && let Some(p) = self.stack.last_mut()
        {
            // In ODF, a line break in the XML is a space; `text:line-break` breaks lines.
            p.text
                .extend(t.chars().map(|c| if c == '\n' { ' ' } else { c }));
        }
    }
}

/// Spaces, tabs and line breaks inside a paragraph.
fn inline(e: &BytesStart<'_>, name: &[u8], stack: &mut [Open]) {
    let Some(p) = stack.last_mut() else { return };
    if let Some((c, n)) = inline_text(e, name) {
        p.text.extend(std::iter::repeat_n(c, n));
    }
}

/// The characters an element inside a paragraph stands for: `text:s` (spaces, as many as its
/// `text:c`, at most 100), `text:tab`, `text:line-break`.
pub(crate) fn inline_text(e: &BytesStart<'_>, name: &[u8]) -> Option<(char, usize)> {
    match name {
        b"s" => {
            let n = attr(e, b"text:c")
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(1)
                .min(100);
            Some((' ', n))
        }
        b"tab" => Some(('\t', 1)),
        b"line-break" => Some(('\n', 1)),
        _ => None,
    }
}

/// Reads a .odt file.
pub fn read(bytes: &[u8], limits: &crate::limits::Limits) -> Result<Extracted, Failure> {
    read_with_sources(bytes, limits).map(|(e, _)| e)
}

/// Reads a .odt file, with where each block of the body was read in `content.xml`.
pub fn read_with_sources(
    bytes: &[u8],
    limits: &crate::limits::Limits,
) -> Result<(Extracted, Vec<Source>), Failure> {
    let mut zip = Archive::open(
        bytes,
        "OpenDocument text",
        "an OpenDocument text (.odt)",
        limits,
    )?;
    let Some(content) = zip.read("content.xml")? else {
        let names = zip.names();
        let what = if names.iter().any(|n| n.starts_with("word/")) {
            "a Word document (give it the .docx extension)"
        } else {
            "a zip archive that holds no OpenDocument text"
        };
        return Err(Failure::new(format!("this is not an OpenDocument text: it is {what}"))
            .help("save the document as an OpenDocument text (.odt), or give the file its real extension")
            .kind(super::ReadFailure::WrongFormat));
    };
    let (body, notes) = paragraphs(&content, "content.xml", None, limits.max_xml_depth)?;
    let mut b = Builder::new();
    for p in body {
        if p.new_row {
            b.new_row();
        }
        if let Some(span) = b.block(p.kind, p.level, &p.text) {
            b.source(span.clone(), p.source);
            for c in p.comments {
                b.annotate(span.clone(), c);
            }
        }
    }
    b.end_body();
    for p in notes {
        b.block(p.kind, None, &p.text);
    }
    if let Some(styles) = zip.read("styles.xml")? {
        let (furniture, _) = paragraphs(
            &styles,
            "styles.xml",
            Some(b"master-styles"),
            limits.max_xml_depth,
        )?;
        let mut seen: Vec<String> = Vec::new();
        for p in furniture {
            if !seen.contains(&p.text) {
                b.block(BlockKind::Paragraph, None, &p.text);
                seen.push(p.text);
            }
        }
    }
    Ok(b.finish_with_sources())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_tables_notes_and_tracked_changes() {
        let xml = r#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="tb"><office:body><office:text>
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>des travaux</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:table-of-content><text:index-body><text:p>Objet 1</text:p></text:index-body></text:table-of-content>
<text:h text:outline-level="2">Article 1 –<text:s/>Objet</text:h>
<text:p>Le marché a pour objet<text:change text:change-id="c1"/> une prestation<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Au sens du code.</text:p></text:note-body></text:note> d'insertion.<office:annotation><text:p>À revoir</text:p></office:annotation></text:p>
<text:list><text:list-item><text:p>RSA</text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>Critère</text:p></table:table-cell></table:table-row></table:table>
</office:text></office:body></office:document-content>"#;
        let (body, notes) = paragraphs(
            xml,
            "content.xml",
            None,
            crate::limits::DEFAULT.max_xml_depth,
        )
        .unwrap();
        let got: Vec<(BlockKind, Option<u8>, &str)> = body
            .iter()
            .map(|p| (p.kind, p.level, p.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (BlockKind::Paragraph, Some(2), "Article 1 – Objet"),
                (
                    BlockKind::Paragraph,
                    None,
                    "Le marché a pour objet une prestation d'insertion."
                ),
                (BlockKind::ListItem, None, "RSA"),
                (BlockKind::TableCell, None, "Critère"),
            ]
        );
        assert_eq!(notes[0].text, "Au sens du code.");
    }
}
