//! Markdown: the outline and blocks come from pulldown-cmark's events and their offsets.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{Block, BlockKind, Heading, close_sections};

/// The readable text ranges, headings and blocks of a Markdown text.
pub fn structure(text: &str) -> (Vec<Range<usize>>, Vec<Heading>, Vec<Block>) {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut content: Vec<Range<usize>> = Vec::new();
    let mut headings = Vec::new();
    let mut blocks = Vec::new();
    // The next table cell starts a row.
    let mut row_start = false;
    // The heading being read: its level, start and the range of its words so far.
    let mut open_heading: Option<(u8, usize, Option<Range<usize>>)> = None;
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Text(_) | Event::Code(_) => {
                if let Some((_, _, words)) = &mut open_heading {
                    *words = Some(match words.take() {
                        Some(w) => w.start..range.end,
                        None => range.clone(),
                    });
                }
                push_range(&mut content, range);
            }
            // A `<br>` left in the text separates words; other HTML is markup.
            Event::InlineHtml(html) | Event::Html(html)
                if html.trim_start().to_ascii_lowercase().starts_with("<br") =>
            {
                push_range(&mut content, range);
            }
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Heading { level, .. } => {
                        open_heading = Some((heading_level(level), range.start, None));
                        Some(BlockKind::Heading)
                    }
                    Tag::Paragraph => Some(BlockKind::Paragraph),
                    Tag::Item => Some(BlockKind::ListItem),
                    Tag::TableCell => Some(BlockKind::TableCell),
                    Tag::TableHead | Tag::TableRow => {
                        row_start = true;
                        None
                    }
                    _ => None,
                };
                if let Some(kind) = kind {
                    blocks.push(Block {
                        kind,
                        span: trim_range(text, range),
                        new_row: kind == BlockKind::TableCell && std::mem::take(&mut row_start),
                    });
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, words)) = open_heading.take() {
                    let words = words.unwrap_or_else(|| trim_range(text, range.clone()));
                    headings.push(Heading {
                        level,
                        text: words,
                        section: start..text.len(),
                    });
                }
            }
            _ => {}
        }
    }
    close_sections(&mut headings, text.len());
    (content, headings, blocks)
}

fn push_range(content: &mut Vec<Range<usize>>, range: Range<usize>) {
    match content.last_mut() {
        Some(last) if last.end == range.start => last.end = range.end,
        _ => content.push(range),
    }
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.start + s.trim_end().len();
    start..end.max(start)
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;

    #[test]
    fn headings_sections_and_content() {
        let md = "# CCTP\n\n## Article 1 – Objet du **marché**\n\nLe présent marché a pour objet une *prestation* d’insertion.\n\n## Article 2 – Public\n\n- DELD\n- RSA\n";
        let (content, headings, blocks) = structure(md);
        let texts: Vec<&str> = headings.iter().map(|h| &md[h.text.clone()]).collect();
        assert_eq!(
            texts,
            [
                "CCTP",
                "Article 1 – Objet du **marché",
                "Article 2 – Public"
            ]
        );
        assert_eq!(headings[0].section, 0..md.len());
        assert!(md[headings[1].section.clone()].ends_with("d’insertion.\n\n"));
        let folded = fold(md, &content).text;
        assert_eq!(
            folded,
            "cctp article 1 - objet du marche le present marche a pour objet une prestation d'insertion. article 2 - public deld rsa"
        );
        assert_eq!(
            blocks
                .iter()
                .filter(|b| b.kind == BlockKind::ListItem)
                .count(),
            2
        );
    }

    #[test]
    fn br_tags_separate_words() {
        let md = "prestation<br />d'insertion";
        let (content, _, _) = structure(md);
        assert_eq!(fold(md, &content).text, "prestation d'insertion");
    }
}
