//! Word documents (.docx, Office Open XML): the body's paragraphs, lists and table cells in
//! reading order, headings from paragraph styles (built-in "Heading N"/"Titre N", custom styles
//! with an outline level, resolved through `word/styles.xml` and `basedOn`) and from numbered
//! "Article N" paragraphs; then footnotes and endnotes; then headers and footers, kept apart
//! from the body (in no section). Tracked changes read as accepted (`w:ins` kept, `w:del` and
//! `w:moveFrom` dropped); comments, field codes and the table of contents are left out.

use std::collections::HashMap;

use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::archive::Archive;
use super::extract::{Builder, Failure, Source};
use super::xml::{attr, local, malformed, reader, text, too_deep, unclosed};
use super::{BlockKind, Extracted};

/// A paragraph read from a part, before it is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Para {
    pub kind: BlockKind,
    pub level: Option<u8>,
    pub text: String,
    /// The comments attached to the paragraph: in Word, the ids of the comments whose range
    /// covers (part of) it; in LibreOffice, the texts of the comments anchored in it.
    pub comments: Vec<String>,
    /// A table cell that starts a row.
    pub new_row: bool,
    /// The ordinals of its first and last paragraph elements in the part (see
    /// [`super::extract::Source`]).
    pub source: (usize, usize),
}

/// Paragraph styles: id → what the style makes of a paragraph.
#[derive(Debug, Default)]
struct Styles {
    styles: HashMap<String, Style>,
}

#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    numbered: bool,
}

/// The level of a built-in heading style name ("heading 1", "Titre 2", "Heading1").
fn builtin_level(name: &str) -> Option<u8> {
    let n = name.trim().to_lowercase();
    let n = n.replace(' ', "");
    if n == "title" || n == "titre" {
        return Some(1);
    }
    let digits = n
        .strip_prefix("heading")
        .or_else(|| n.strip_prefix("titre"))?;
    match digits.parse::<u8>() {
        Ok(l @ 1..=9) => Some(l),
        _ => None,
    }
}

impl Styles {
    fn parse(xml: &str) -> Result<Styles, Failure> {
        let mut styles = Styles::default();
        let mut r = reader(xml);
        let mut current: Option<(String, Style)> = None;
        loop {
            let ev = r
                .read_event()
                .map_err(|e| malformed("word/styles.xml", &e))?;
            match &ev {
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name();
                    match local(name.0) {
                        b"style"
                            if matches!(ev, Event::Start(_))
                                && attr(e, b"w:type").as_deref() == Some("paragraph") =>
                        {
                            current = attr(e, b"w:styleId").map(|id| (id, Style::default()));
                        }
                        b"name" => {
                            if let Some((_, s)) = &mut current {
                                s.name = attr(e, b"w:val").unwrap_or_default();
                            }
                        }
                        b"basedOn" => {
                            if let Some((_, s)) = &mut current {
                                s.based_on = attr(e, b"w:val");
                            }
                        }
                        b"outlineLvl" => {
                            if let Some((_, s)) = &mut current {
                                s.outline = attr(e, b"w:val").and_then(|v| v.parse().ok());
                            }
                        }
                        b"numPr" => {
                            if let Some((_, s)) = &mut current {
                                s.numbered = true;
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) if local(e.name().0) == b"style" => {
                    if let Some((id, s)) = current.take() {
                        styles.styles.insert(id, s);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(styles)
    }

    /// The heading level a style gives, following `basedOn` (at most 10 steps).
    fn level(&self, id: &str) -> Option<u8> {
        let mut id = id;
        for _ in 0..10 {
            let Some(s) = self.styles.get(id) else {
                return builtin_level(id);
            };
            if let Some(l) = builtin_level(&s.name) {
                return Some(l);
            }
            if let Some(o) = s.outline {
                return (o < 9).then_some(o + 1);
            }
            id = s.based_on.as_deref()?;
        }
        None
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.styles.get(id).map(|s| s.name.as_str()).unwrap_or(id)
    }

    fn numbered(&self, id: &str) -> bool {
        self.styles.get(id).is_some_and(|s| s.numbered)
    }
}

/// The paragraph being read.
#[derive(Debug, Default)]
struct Open {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
    numbered: bool,
    comments: Vec<String>,
    /// Its ordinal among the part's paragraph elements.
    ordinal: usize,
}

/// Elements whose content is not part of the accepted text.
pub(crate) fn skipped(name: &[u8]) -> bool {
    matches!(
        name,
        b"del"
            | b"moveFrom"
            | b"delText"
            | b"instrText"
            | b"delInstrText"
            | b"Fallback"
            | b"pPrChange"
            | b"rPrChange"
            | b"sectPrChange"
            | b"tblPrChange"
            | b"trPrChange"
            | b"tcPrChange"
            | b"numberingChange"
            | b"commentReference"
            | b"annotationRef"
            | b"rPr"
    )
}

/// Reads the paragraphs of one part (`word/document.xml`, a header, the footnotes).
fn paragraphs(
    xml: &str,
    part: &str,
    styles: &Styles,
    max_depth: usize,
) -> Result<Vec<Para>, Failure> {
    let mut r = reader(xml);
    let mut read = PartReader::new(styles);
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
    Ok(read.out)
}

/// Where the reader of a part is, and the paragraphs it has read.
struct PartReader<'s> {
    styles: &'s Styles,
    out: Vec<Para>,
    stack: Vec<Open>,
    /// Table cells being read: the text of their paragraphs so far.
    cells: Vec<Vec<String>>,
    cell_comments: Vec<Vec<String>>,
    /// The ordinals of the first and last paragraphs of each cell being read.
    cell_sources: Vec<Option<(usize, usize)>>,
    /// The paragraph elements seen so far, skipped ones included (see [`Para::source`]).
    seen: usize,
    depth: usize,
    /// The depth of the skipped element being read (see [`skipped`]).
    skip_from: Option<usize>,
    in_ppr: bool,
    /// Text counts only inside `w:t`: whitespace between elements is layout of the XML.
    in_t: bool,
    /// The next table cell starts a row.
    row_start: bool,
    /// Comments whose range is open (`w:commentRangeStart` seen, not yet its end).
    open_comments: Vec<String>,
}

impl<'s> PartReader<'s> {
    fn new(styles: &'s Styles) -> Self {
        PartReader {
            styles,
            out: Vec::new(),
            stack: Vec::new(),
            cells: Vec::new(),
            cell_comments: Vec::new(),
            cell_sources: Vec::new(),
            seen: 0,
            depth: 0,
            skip_from: None,
            in_ppr: false,
            in_t: false,
            row_start: false,
            open_comments: Vec::new(),
        }
    }

    /// An element opens (its depth already counted).
    fn start(&mut self, e: &BytesStart<'_>) {
        let name = e.name();
        let name = local(name.0);
        let ordinal = self.seen;
        self.seen += usize::from(name == b"p");
        if self.skip_from.is_some() {
            return;
        }
        if skipped(name) {
            self.skip_from = Some(self.depth);
            return;
        }
        match name {
            b"p" => self.stack.push(Open {
                comments: self.open_comments.clone(),
                ordinal,
                ..Open::default()
            }),
            b"pPr" => self.in_ppr = true,
            b"t" => self.in_t = true,
            b"tr" => self.row_start = true,
            b"tc" => {
                self.cells.push(Vec::new());
                self.cell_comments.push(Vec::new());
                self.cell_sources.push(None);
            }
            _ => element(e, name, self.in_ppr, &mut self.stack),
        }
    }

    /// An empty element: a comment's range, or paragraph properties and run content.
    fn empty(&mut self, e: &BytesStart<'_>) {
        let name = e.name();
        let name = local(name.0);
        self.seen += usize::from(name == b"p");
        if self.skip_from.is_some() {
            return;
        }
        match (name, attr(e, b"w:id")) {
            (b"commentRangeStart", Some(id)) => {
                if let Some(p) = self.stack.last_mut() {
                    p.comments.push(id.clone());
                }
                self.open_comments.push(id);
            }
            (b"commentRangeEnd", Some(id)) => self.open_comments.retain(|c| *c != id),
            _ => element(e, name, self.in_ppr, &mut self.stack),
        }
    }

    /// An element closes.
    fn end(&mut self, e: &BytesEnd<'_>) {
        let name = e.name();
        let name = local(name.0);
        if let Some(from) = self.skip_from {
            if self.depth == from {
                self.skip_from = None;
            }
            self.depth = self.depth.saturating_sub(1);
            return;
        }
        self.depth = self.depth.saturating_sub(1);
        match name {
            b"pPr" => self.in_ppr = false,
            b"t" => self.in_t = false,
            b"p" => self.close_paragraph(),
            b"tc" => {
                if let Some(cell) = self.cells.pop() {
                    self.out.push(Para {
                        kind: BlockKind::TableCell,
                        level: None,
                        text: cell.join("\n"),
                        comments: self.cell_comments.pop().unwrap_or_default(),
                        new_row: std::mem::take(&mut self.row_start),
                        source: self.cell_sources.pop().flatten().unwrap_or_default(),
                    });
                }
            }
            _ => {}
        }
    }

    /// A paragraph ends: it goes to its table cell, or it is laid out as a heading, a list item
    /// or a paragraph (a table of contents' entries are left out).
    fn close_paragraph(&mut self) {
        let Some(p) = self.stack.pop() else { return };
        let styles = self.styles;
        let style = p.style.as_deref().unwrap_or("");
        let style_name = styles.name(style).to_lowercase();
        if style_name.starts_with("toc") || style_name.starts_with("table of") {
            return;
        }
        if let Some(cell) = self.cells.last_mut() {
            cell.push(p.text);
            if let Some(c) = self.cell_comments.last_mut() {
                c.extend(p.comments);
            }
            if let Some(s) = self.cell_sources.last_mut() {
                *s = Some((s.map_or(p.ordinal, |s| s.0), p.ordinal));
            }
            return;
        }
        let level = p
            .outline
            .and_then(|o| (o < 9).then_some(o + 1))
            .or_else(|| styles.level(style));
        let kind = if p.numbered
            || styles.numbered(style)
            || style_name.contains("list")
            || style_name.contains("liste")
        {
            BlockKind::ListItem
        } else {
            BlockKind::Paragraph
        };
        self.out.push(Para {
            kind,
            level,
            text: p.text,
            comments: p.comments,
            new_row: false,
            source: (p.ordinal, p.ordinal),
        });
    }

    /// The text an event carries, inside `w:t`, belongs to the open paragraph.
    fn text(&mut self, ev: &Event<'_>) {
        if self.skip_from.is_none()
            && self.in_t
            && let Some(t) = text(ev)
            && let Some(p) = self.stack.last_mut()
        {
            p.text.push_str(&t);
        }
    }
}

/// An element that is not a container: paragraph properties and run content.
fn element(e: &BytesStart<'_>, name: &[u8], in_ppr: bool, stack: &mut [Open]) {
    let Some(p) = stack.last_mut() else { return };
    match name {
        b"pStyle" if in_ppr => p.style = attr(e, b"w:val"),
        b"outlineLvl" if in_ppr => p.outline = attr(e, b"w:val").and_then(|v| v.parse().ok()),
        b"numPr" if in_ppr => p.numbered = true,
        _ => p.text.extend(char_of(name, in_ppr)),
    }
}

/// The character an element of a run stands for in the text (`w:tab`, `w:br`…), outside or
/// inside the paragraph's properties.
pub(crate) fn char_of(name: &[u8], in_ppr: bool) -> Option<char> {
    match name {
        b"tab" if !in_ppr => Some('\t'),
        b"br" | b"cr" => Some('\n'),
        b"noBreakHyphen" => Some('-'),
        _ => None,
    }
}

/// The text of each comment of `word/comments.xml`, by id.
fn comment_texts(xml: &str) -> Result<HashMap<String, String>, Failure> {
    let mut out = HashMap::new();
    let mut r = reader(xml);
    let mut current: Option<(String, String)> = None;
    let mut in_t = false;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| malformed("word/comments.xml", &e))?;
        match &ev {
            Event::Start(e) if local(e.name().0) == b"comment" => {
                current = attr(e, b"w:id").map(|id| (id, String::new()))
            }
            Event::Start(e) if local(e.name().0) == b"t" => in_t = true,
            Event::End(e) if local(e.name().0) == b"t" => in_t = false,
            Event::End(e) if local(e.name().0) == b"p" => {
                if let Some((_, t)) = &mut current {
                    t.push(' ');
                }
            }
            Event::End(e) if local(e.name().0) == b"comment" => {
                if let Some((id, t)) = current.take() {
                    out.insert(id, t.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
            Event::Eof => break,
            _ => {
                if in_t
                    && let Some(t) = text(&ev)
                    && let Some((_, c)) = &mut current
                {
                    c.push_str(&t);
                }
            }
        }
    }
    Ok(out)
}

/// What a zip that is not a Word document is, from its entries.
fn zip_kind(names: &[String]) -> &'static str {
    if names.iter().any(|n| n == "content.xml") {
        "an OpenDocument file (give it the .odt extension)"
    } else if names.iter().any(|n| n.starts_with("xl/")) {
        "an Excel workbook"
    } else if names.iter().any(|n| n.starts_with("ppt/")) {
        "a PowerPoint presentation"
    } else {
        "a zip archive that holds no Word document"
    }
}

/// Reads a .docx file.
pub fn read(bytes: &[u8], limits: &crate::limits::Limits) -> Result<Extracted, Failure> {
    read_with_sources(bytes, limits).map(|(e, _)| e)
}

/// Reads a .docx file, with where each block of the body was read in `word/document.xml`.
pub fn read_with_sources(
    bytes: &[u8],
    limits: &crate::limits::Limits,
) -> Result<(Extracted, Vec<Source>), Failure> {
    let mut zip = Archive::open(bytes, "Word document", "a Word document (.docx)", limits)?;
    let Some(document) = zip.read("word/document.xml")? else {
        return Err(Failure::new(format!(
            "this is not a Word document: it is {}",
            zip_kind(&zip.names())
        ))
        .help("save the document as a Word document (.docx), or give the file its real extension")
        .kind(super::ReadFailure::WrongFormat));
    };
    let styles = match zip.read("word/styles.xml")? {
        Some(xml) => Styles::parse(&xml)?,
        None => Styles::default(),
    };
    let comments = match zip.read("word/comments.xml")? {
        Some(xml) => comment_texts(&xml)?,
        None => HashMap::new(),
    };
    let mut b = Builder::new();
    for p in paragraphs(
        &document,
        "word/document.xml",
        &styles,
        limits.max_xml_depth,
    )? {
        if p.new_row {
            b.new_row();
        }
        if let Some(span) = b.block(p.kind, p.level, &p.text) {
            b.source(span.clone(), p.source);
            for id in &p.comments {
                if let Some(text) = comments.get(id) {
                    b.annotate(span.clone(), text.clone());
                }
            }
        }
    }
    b.end_body();
    for part in ["word/footnotes.xml", "word/endnotes.xml"] {
        if let Some(xml) = zip.read(part)? {
            for p in paragraphs(&xml, part, &styles, limits.max_xml_depth)? {
                b.block(p.kind, None, &p.text);
            }
        }
    }
    let mut furniture: Vec<String> = zip
        .names()
        .into_iter()
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            (n.starts_with("word/header") || n.starts_with("word/footer")) && n.ends_with(".xml")
        })
        .collect();
    furniture.sort();
    let mut seen: Vec<String> = Vec::new();
    for part in furniture {
        if let Some(xml) = zip.read(&part)? {
            for p in paragraphs(&xml, &part, &styles, limits.max_xml_depth)? {
                if !seen.contains(&p.text) {
                    b.block(BlockKind::Paragraph, None, &p.text);
                    seen.push(p.text);
                }
            }
        }
    }
    Ok(b.finish_with_sources())
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn body(inner: &str, styles: &Styles) -> Vec<Para> {
        let xml = format!("<w:document {W}><w:body>{inner}</w:body></w:document>");
        paragraphs(
            &xml,
            "word/document.xml",
            styles,
            crate::limits::DEFAULT.max_xml_depth,
        )
        .unwrap()
    }

    #[test]
    fn styles_resolve_headings_through_names_outline_levels_and_based_on() {
        let xml = format!(
            r#"<w:styles {W}>
            <w:style w:type="paragraph" w:styleId="Titre1"><w:name w:val="heading 1"/></w:style>
            <w:style w:type="paragraph" w:styleId="ArticleCCAP"><w:name w:val="Article CCAP"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="SousArticle"><w:name w:val="Sous-article"/><w:basedOn w:val="ArticleCCAP"/></w:style>
            <w:style w:type="paragraph" w:styleId="Corps"><w:name w:val="Corps"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>
            </w:styles>"#
        );
        let s = Styles::parse(&xml).unwrap();
        assert_eq!(s.level("Titre1"), Some(1));
        assert_eq!(s.level("ArticleCCAP"), Some(2));
        assert_eq!(s.level("SousArticle"), Some(2));
        assert_eq!(s.level("Corps"), None);
        assert_eq!(s.level("Heading3"), Some(3));
    }

    #[test]
    fn tracked_changes_read_as_accepted_and_comments_and_fields_are_left_out() {
        let paras = body(
            r#"<w:p><w:r><w:t>Le marché a pour objet </w:t></w:r>
            <w:del w:id="1"><w:r><w:delText>des travaux</w:delText></w:r></w:del>
            <w:ins w:id="2"><w:r><w:t>une prestation d'insertion</w:t></w:r></w:ins>
            <w:commentRangeStart w:id="3"/><w:r><w:t>.</w:t></w:r><w:commentRangeEnd w:id="3"/>
            <w:r><w:commentReference w:id="3"/></w:r>
            <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
            <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> Voir</w:t></w:r>
            <w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#,
            &Styles::default(),
        );
        assert_eq!(paras.len(), 1);
        assert_eq!(
            paras[0].text,
            "Le marché a pour objet une prestation d'insertion. Voir"
        );
    }

    #[test]
    fn lists_tables_and_headings() {
        let paras = body(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Public</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>RSA</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Critère</w:t></w:r></w:p><w:p><w:r><w:t>Âge</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:t>Poids</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr><w:r><w:t>Public ... 3</w:t></w:r></w:p>"#,
            &Styles::default(),
        );
        let got: Vec<(BlockKind, Option<u8>, &str)> = paras
            .iter()
            .map(|p| (p.kind, p.level, p.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (BlockKind::Paragraph, Some(2), "Public"),
                (BlockKind::ListItem, None, "RSA"),
                (BlockKind::TableCell, None, "Critère\nÂge"),
                (BlockKind::TableCell, None, "Poids"),
            ]
        );
    }
}
