//! What the readers of extracted formats (DOCX, ODT, PDF, HTML) share: a builder that lays
//! blocks out as text with a blank line between them, so that line/column, folding and the
//! heading/section logic work on them as on a plain text.

use std::ops::Range;

use super::{Block, BlockKind, Extracted, Heading, ReadFailure, close_sections, text};

/// Why a file could not be read, with a hint for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The kind of failure: a damaged document unless said otherwise.
    pub kind: ReadFailure,
    pub reason: String,
    pub help: Option<String>,
}

impl Failure {
    pub fn new(reason: impl Into<String>) -> Failure {
        Failure {
            kind: ReadFailure::Damaged,
            reason: reason.into(),
            help: None,
        }
    }

    pub fn kind(mut self, kind: ReadFailure) -> Failure {
        self.kind = kind;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Failure {
        self.help = Some(help.into());
        self
    }
}

/// Lays out the blocks of a document as text.
#[derive(Debug, Default)]
pub struct Builder {
    text: String,
    headings: Vec<Heading>,
    blocks: Vec<Block>,
    page_starts: Vec<usize>,
    page_pending: bool,
    body_end: Option<usize>,
    annotations: Vec<super::Annotation>,
    /// The next block starts a table row.
    pending_row: bool,
    sources: Vec<Source>,
}

/// Where a block of a word processor's main part (`word/document.xml`, `content.xml`) was
/// read: the ordinals of its first and last paragraph elements (`w:p`; `text:p`, `text:h`)
/// among all the part's elements of that local name, in document order (a table cell holds
/// several paragraphs). `annotate` finds the paragraphs to comment by these ordinals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The block's span in the text.
    pub span: Range<usize>,
    pub first: usize,
    pub last: usize,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds a block. Its text is tidied: lines trimmed, runs of spaces and tabs made one space,
    /// empty lines dropped (a block never holds a blank line). An empty block is skipped.
    /// `level` makes a heading; an unstyled paragraph that reads as a numbered article
    /// (`Article 3 – Public`) is a heading too, while the body is open.
    pub fn block(&mut self, kind: BlockKind, level: Option<u8>, raw: &str) -> Option<Range<usize>> {
        let tidy = tidy(raw);
        if tidy.is_empty() {
            return None;
        }
        let level = match (level, kind) {
            (Some(l), _) => Some(l.clamp(1, 9)),
            (None, BlockKind::Paragraph) if self.body_end.is_none() => {
                text::article_level(tidy.lines().next().unwrap_or(""))
            }
            _ => None,
        }
        .filter(|_| self.body_end.is_none());
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        let start = self.text.len();
        if self.page_pending {
            self.page_starts.push(start);
            self.page_pending = false;
        }
        self.text.push_str(&tidy);
        let span = start..self.text.len();
        let kind = if level.is_some() {
            BlockKind::Heading
        } else {
            kind
        };
        if let Some(level) = level {
            self.headings.push(Heading {
                level,
                text: span.clone(),
                section: start..start,
            });
        }
        self.blocks.push(Block {
            kind,
            span: span.clone(),
            new_row: std::mem::take(&mut self.pending_row),
        });
        Some(span)
    }

    /// Records the paragraphs of the main part a block was read from (see [`Source`]).
    pub fn source(&mut self, span: Range<usize>, (first, last): (usize, usize)) {
        self.sources.push(Source { span, first, last });
    }

    /// The text laid out, and where its blocks were read (see [`Source`]).
    pub fn finish_with_sources(mut self) -> (Extracted, Vec<Source>) {
        let sources = std::mem::take(&mut self.sources);
        (self.finish(), sources)
    }

    /// The next cell starts a new table row.
    pub fn new_row(&mut self) {
        self.pending_row = true;
    }

    /// Attaches a comment of the original file to a range of the text.
    pub fn annotate(&mut self, span: Range<usize>, text: String) {
        self.annotations.push(super::Annotation { span, text });
    }

    /// The next block starts a new page.
    pub fn page_break(&mut self) {
        if !self.text.is_empty() {
            self.page_pending = true;
        }
    }

    /// Ends the body: what follows (notes, headers and footers) is part of the document but of
    /// no section, and holds no heading.
    pub fn end_body(&mut self) {
        if self.body_end.is_none() {
            self.body_end = Some(self.text.len());
        }
    }

    /// The length of the text so far.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn finish(mut self) -> Extracted {
        let end = self.body_end.unwrap_or(self.text.len());
        close_sections(&mut self.headings, end);
        let content: Vec<Range<usize>> = if self.text.is_empty() {
            Vec::new()
        } else {
            let whole = 0..self.text.len();
            vec![whole]
        };
        Extracted {
            text: self.text,
            content,
            headings: self.headings,
            blocks: self.blocks,
            page_starts: self.page_starts,
            annotations: self.annotations,
            warnings: Vec::new(),
        }
    }
}

/// Trims lines, makes runs of spaces and tabs one space, drops empty lines and control
/// characters.
pub fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.split(['\n', '\r', '\u{2028}', '\u{2029}', '\u{b}', '\u{c}']) {
        let mut words = line.split([' ', '\t']).filter(|w| !w.is_empty()).peekable();
        if words.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        let mut first = true;
        for w in words {
            if !first {
                out.push(' ');
            }
            first = false;
            out.extend(w.chars().filter(|c| !c.is_control()));
        }
    }
    let trimmed = out.trim_end_matches(char::is_whitespace).len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_separated_by_a_blank_line_and_sections_close_at_the_body_end() {
        let mut b = Builder::new();
        b.block(BlockKind::Paragraph, Some(1), "CCTP");
        b.block(BlockKind::Paragraph, None, "  Article 2 –\tPublic ");
        b.block(
            BlockKind::Paragraph,
            None,
            "Les   personnes\n\n\n sans emploi.",
        );
        b.page_break();
        b.block(BlockKind::ListItem, None, "RSA");
        b.end_body();
        b.block(BlockKind::Paragraph, None, "Article 9 en pied de page");
        let e = b.finish();
        assert_eq!(
            e.text,
            "CCTP\n\nArticle 2 – Public\n\nLes personnes\nsans emploi.\n\nRSA\n\nArticle 9 en pied de page"
        );
        let levels: Vec<u8> = e.headings.iter().map(|h| h.level).collect();
        assert_eq!(levels, [1, 2]);
        assert!(e.text[e.headings[1].section.clone()].ends_with("RSA"));
        assert_eq!(e.blocks.len(), 5);
        assert_eq!(e.page_starts, [e.blocks[3].span.start]);
    }
}
