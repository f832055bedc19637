//! HTML pages (.html, .htm), parsed by html5ever through scraper as a browser would: headings
//! `h1`–`h6`, paragraphs, list items and table cells in reading order, and numbered "Article N"
//! paragraphs as headings. Scripts, styles, templates and the page's head are left out. The
//! tree is walked without recursion, so deep nesting cannot exhaust the stack.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::extract::{Builder, Failure};
use super::{BlockKind, Extracted, decode};

/// Elements whose content is never text of the document.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "canvas"
            | "select"
            | "datalist"
    )
}

/// What a block-level element makes of its text, or `None` for inline elements.
fn block(name: &str) -> Option<(BlockKind, Option<u8>)> {
    Some(match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            (BlockKind::Paragraph, Some(name.as_bytes()[1] - b'0'))
        }
        "li" | "dt" | "dd" => (BlockKind::ListItem, None),
        "td" | "th" => (BlockKind::TableCell, None),
        "p" | "div" | "blockquote" | "pre" | "section" | "article" | "header" | "footer"
        | "nav" | "aside" | "main" | "address" | "figure" | "figcaption" | "caption" | "table"
        | "tr" | "thead" | "tbody" | "tfoot" | "ul" | "ol" | "dl" | "form" | "fieldset"
        | "legend" | "hr" | "body" | "html" | "details" | "summary" => (BlockKind::Paragraph, None),
        _ => return None,
    })
}

/// Elements that never hold anything (`<br>`, `<img>`): they do not nest, with or without `/>`.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "basefont", "bgsound", "frame", "image", "command",
];

/// Elements that an HTML parser closes when the next one of their kind (or of a sibling kind)
/// starts: an unclosed `<p>` or `<li>` does not nest the next one.
const AUTO_CLOSED: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb",
    "rt", "rtc", "rp", "colgroup", "caption", "html", "head", "body",
];

/// Elements whose content is raw text, not tags.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// How deep elements nest (see [`scan_tags`]).
#[cfg(test)]
fn nesting_depth(html: &str) -> usize {
    scan_tags(html).0
}

/// The most elements a page may have: the parser's tree takes about 200 bytes an element
/// (with the text between them), so a 46 MB page of 3 million elements took 1 GB. A long
/// draft has tens of thousands.
pub const MAX_HTML_ELEMENTS: usize = 1_000_000;

/// How deep elements nest, and how many start tags there are, from a quick scan of the tags,
/// as an HTML parser builds them: `<div/>` opens a `div` like `<div>` does (only void elements
/// are self-closing in HTML), and an unknown element nests like any other. The parser's tree
/// building is quadratic in the depth (each new element looks through the open ones), so deep
/// pages are refused before parsing. Comments and the content of scripts and styles are
/// skipped.
fn scan_tags(html: &str) -> (usize, usize) {
    let b = html.as_bytes();
    let (mut depth, mut max, mut elements) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while let Some(n) = memchr::memchr(b'<', &b[i..]) {
        i += n + 1;
        if b[i..].starts_with(b"!--") {
            i = memchr::memmem::find(&b[i..], b"-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        if !b.get(start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let end = b[start..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'-' || *c == b':'))
            .map_or(b.len(), |p| start + p);
        let name = html.get(start..end).unwrap_or("").to_ascii_lowercase();
        i = end;
        elements += usize::from(!closing);
        if VOID.contains(&name.as_str()) || AUTO_CLOSED.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        depth += 1;
        max = max.max(depth);
        if RAW_TEXT.contains(&name.as_str()) {
            // Up to the end tag (or the end of the page, as a parser would).
            i = memchr::memmem::find_iter(&b[i..], b"</")
                .map(|e| i + e)
                .find(|&e| {
                    b.get(e + 2..e + 2 + name.len())
                        .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
                })
                .unwrap_or(b.len());
        }
    }
    (max, elements)
}

pub fn read(bytes: &[u8], limits: &crate::limits::Limits) -> Result<Extracted, Failure> {
    let decode::Decoded { text, warning } = decode::decode(bytes).map_err(|reason| {
        Failure::new(format!("this is not an HTML page: {reason}"))
            .help("save the page as HTML, or give the file its real extension")
            .kind(super::ReadFailure::WrongFormat)
    })?;
    let head = text.trim_start().get(..1).unwrap_or("");
    if head != "<" && !text.to_ascii_lowercase().contains("<html") {
        return Err(Failure::new("this is not an HTML page: it has no markup")
            .help("give a plain text file the .txt extension")
            .kind(super::ReadFailure::WrongFormat));
    }
    let max = limits.max_xml_depth;
    let (depth, elements) = scan_tags(&text);
    if depth > max {
        return Err(super::xml::too_deep("the HTML page", max));
    }
    if elements > MAX_HTML_ELEMENTS {
        return Err(Failure::new(format!(
            "the HTML page has more than {MAX_HTML_ELEMENTS} elements"
        ))
        .help("this is not an ordinary document; check where it comes from, or split it")
        .kind(super::ReadFailure::Limits));
    }
    let page = Html::parse_document(&text);
    let mut b = Builder::new();
    // Open block elements: what each makes of its text.
    let mut blocks: Vec<(BlockKind, Option<u8>)> = Vec::new();
    let mut buf = String::new();
    let mut skip_depth = 0usize;
    let mut pre = 0usize;
    let flush = |b: &mut Builder, buf: &mut String, ctx: &[(BlockKind, Option<u8>)]| {
        // A block takes the kind of its nearest list item or cell, and its own level.
        let level = ctx.last().and_then(|c| c.1);
        let kind = ctx
            .iter()
            .rev()
            .map(|c| c.0)
            .find(|k| *k != BlockKind::Paragraph)
            .unwrap_or(BlockKind::Paragraph);
        b.block(kind, level, buf);
        buf.clear();
    };
    for edge in page.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if skip_depth > 0 || skipped(name) {
                        skip_depth += 1;
                        continue;
                    }
                    if name == "br" {
                        buf.push('\n');
                    } else if let Some(kind) = block(name) {
                        flush(&mut b, &mut buf, &blocks);
                        if name == "tr" {
                            b.new_row();
                        }
                        blocks.push(kind);
                        if name == "pre" {
                            pre += 1;
                        }
                    }
                }
                Node::Text(t) if skip_depth == 0 => {
                    if pre > 0 {
                        buf.push_str(t);
                    } else {
                        for (i, w) in t.split(|c: char| c.is_ascii_whitespace()).enumerate() {
                            if i > 0 && !buf.ends_with([' ', '\n']) {
                                buf.push(' ');
                            }
                            buf.push_str(w);
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    let name = el.name();
                    if skip_depth > 0 {
                        skip_depth -= 1;
                        continue;
                    }
                    if block(name).is_some() {
                        flush(&mut b, &mut buf, &blocks);
                        blocks.pop();
                        if name == "pre" {
                            pre = pre.saturating_sub(1);
                        }
                    }
                }
            }
        }
    }
    flush(&mut b, &mut buf, &blocks);
    let mut extracted = b.finish();
    extracted.warnings.extend(warning);
    Ok(extracted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_counts_containers() {
        assert_eq!(nesting_depth("<div><p>a<div><span>b</span></div></div>"), 3);
        assert_eq!(nesting_depth(&"<p>x".repeat(5000)), 0);
        assert_eq!(nesting_depth(&"<li>x<br/><img src=a>".repeat(5000)), 0);
        // Only void elements close themselves: `<div/>` opens a div, as in a browser.
        assert_eq!(nesting_depth(&"<div/>".repeat(5000)), 5000);
        assert_eq!(nesting_depth(&"<x-y/>".repeat(5000)), 5000);
        assert_eq!(nesting_depth(&"<div>".repeat(5000)), 5000);
        // Scripts and comments hold no tags.
        let script = format!(
            "<script>{}</script><!-- {} --><div>",
            "if (i<n) {}".repeat(5000),
            "<b>".repeat(5000)
        );
        assert_eq!(nesting_depth(&script), 1);
        assert_eq!(scan_tags(&"<p>a<br/>b</p>".repeat(10)), (0, 20));
    }

    #[test]
    fn headings_paragraphs_lists_tables_and_no_scripts() {
        let html = r#"<!doctype html><html><head><title>T</title><style>p{}</style></head>
<body><script>var objet = "travaux";</script>
<h2>Article 1 –
 Objet</h2><p>Le marché a pour <b>objet</b><br>une prestation.</p>
<ul><li><p>RSA</p></li><li>DELD</li></ul>
<table><tr><th>Critère</th><td>Prix &amp; qualité</td></tr></table></body></html>"#;
        let e = read(html.as_bytes(), &crate::limits::DEFAULT).unwrap();
        assert_eq!(
            e.text,
            "Article 1 – Objet\n\nLe marché a pour objet\nune prestation.\n\nRSA\n\nDELD\n\nCritère\n\nPrix & qualité"
        );
        assert_eq!(e.headings.len(), 1);
        assert_eq!(e.headings[0].level, 2);
        let kinds: Vec<BlockKind> = e.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Heading,
                BlockKind::Paragraph,
                BlockKind::ListItem,
                BlockKind::ListItem,
                BlockKind::TableCell,
                BlockKind::TableCell
            ]
        );
    }
}
