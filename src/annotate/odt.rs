//! The annotated copy of an OpenDocument text: in `content.xml`, an `office:annotation` (author,
//! date, paragraphs) at the start of the first commented paragraph and an
//! `office:annotation-end` at the end of the last; nothing else changes.
//!
//! A found passage has its annotation just before its first character and its end just after
//! its last, inside `text:span` and `text:a` as in the paragraph itself (a text node is split
//! there); inside another element (a field, a ruby), around that element. The characters are
//! counted as the reader counts them: text, `text:s`, `text:tab`, `text:line-break`, and no
//! text of [`crate::document::odt::skipped`] elements (tracked deletions, annotations, notes'
//! citations…).

use quick_xml::events::Event;

use super::passage::{Anchors, Edge, El, Layout, Unit, insertions};
use super::splice::{anchors, insert, next_event, paragraphs, prefix_of};
use super::{AUTHOR, Note, escape};
use crate::document::archive::Archive;
use crate::document::extract::Failure;
use crate::document::odt::{inline_text, skipped};
use crate::document::xml::{local, reader};
use crate::limits::Limits;

const MAIN: &str = "content.xml";
const OFFICE_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
const TEXT_NS: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

pub(super) fn write(
    original: &[u8],
    notes: &[Note],
    date: &str,
    limits: &Limits,
) -> Result<Vec<u8>, Failure> {
    let mut archive = Archive::open(
        original,
        "OpenDocument text",
        "an OpenDocument text (.odt)",
        limits,
    )?;
    let main = archive
        .read(MAIN)?
        .ok_or_else(|| Failure::new("le document LibreOffice n’a pas de partie `content.xml`"))?;
    let not_odf =
        || Failure::new("la partie `content.xml` n’est pas le contenu d’un texte LibreOffice");
    let office = prefix_of(&main, OFFICE_NS).ok_or_else(not_odf)?;
    let text = prefix_of(&main, TEXT_NS).ok_or_else(not_odf)?;
    let paras = paragraphs(&main, MAIN, |n| matches!(n, b"p" | b"h"), None)?;
    let wanted = [format!("{text}:p"), format!("{text}:h")];
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let places = anchors(&paras, &wanted, notes)?;
    let layout = layout(&main, &text)?;
    let base = fresh_name(&main);
    let at = insertions(&layout, notes, &places, |i| {
        let name = format!("{base}{}", i + 1);
        let mut a = format!(
            "<{office}:annotation {office}:name=\"{name}\" xmlns:dc=\"{DC_NS}\"><dc:creator>{AUTHOR}</dc:creator><dc:date>{}</dc:date>",
            escape(date)
        );
        for p in &notes[i].paragraphs {
            a.push_str(&format!("<{text}:p>{}</{text}:p>", escape(p)));
        }
        a.push_str(&format!("</{office}:annotation>"));
        Anchors {
            start: a,
            end: format!("<{office}:annotation-end {office}:name=\"{name}\"/>"),
            reference: String::new(),
        }
    });
    let main = insert(&main, at);
    super::rezip(original, &[(MAIN, main)])
}

/// A prefix for the annotations' names that the document does not use.
fn fresh_name(xml: &str) -> String {
    let mut base = "tenderlint-".to_string();
    while xml.contains(&format!("\"{base}")) {
        base.insert(0, '_');
    }
    base
}

/// The characters of `content.xml`'s paragraphs and where an annotation can go next to each
/// (see [`super::passage`]); `text` is the part's prefix for the text namespace.
fn layout(xml: &str, text: &str) -> Result<Layout, Failure> {
    let paragraph = [format!("{text}:p"), format!("{text}:h")];
    let containers = [format!("{text}:span"), format!("{text}:a")];
    let mut out = Layout::default();
    // Open elements: qualified name, element, ordinal for a paragraph.
    let mut stack: Vec<(String, usize, Option<usize>)> = Vec::new();
    let mut skip_from: Option<usize> = None;
    // A character of the innermost paragraph: its edges inside the paragraph's containers,
    // else around the first element under the paragraph that is not one.
    let unit = |out: &mut Layout, stack: &[(String, usize, Option<usize>)], c, edges| {
        let Some(k) = stack.iter().rposition(|o| o.2.is_some()) else {
            return;
        };
        let held = stack[k + 1..].iter().find(|o| !containers.contains(&o.0));
        let (start, end) = match (paragraph.contains(&stack[k].0), held, edges) {
            (false, _, _) => (Edge::Never, Edge::Never),
            (true, Some(h), _) => (Edge::Around(h.1), Edge::Around(h.1)),
            (true, None, Some((a, b))) => (Edge::At(a), Edge::At(b)),
            (true, None, None) => (Edge::Never, Edge::Never),
        };
        if let Some(p) = stack[k].2 {
            out.paragraphs[p].push(Unit {
                ch: c,
                start,
                end,
                outer: None,
            });
        }
    };
    let mut r = reader(xml);
    loop {
        let (before, ev, after) = next_event(&mut r, MAIN)?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = e.name().0.to_string();
                let l = local(&name);
                let ordinal = matches!(l, b"p" | b"h").then(|| {
                    out.paragraphs.push(Vec::new());
                    out.paragraphs.len() - 1
                });
                let el = out.els.len();
                out.els.push(El {
                    start: before,
                    end: after,
                    split: None,
                });
                if skip_from.is_none() {
                    if skipped(l) && !empty {
                        skip_from = Some(stack.len() + 1);
                    } else if let Some((c, n)) = inline_text(e, l) {
                        stack.push((name.clone(), el, None));
                        for _ in 0..n {
                            unit(&mut out, &stack, c, None);
                        }
                        stack.pop();
                    }
                }
                if !empty {
                    stack.push((name, el, ordinal));
                }
            }
            Event::End(_) => {
                if skip_from == Some(stack.len()) {
                    skip_from = None;
                }
                if let Some((_, el, _)) = stack.pop() {
                    out.els[el].end = after;
                }
            }
            Event::Eof => break,
            Event::Text(_) if skip_from.is_none() => {
                for (a, b, c) in super::runs::chars(&xml[before..after]) {
                    let c = if c == '\n' { ' ' } else { c };
                    unit(&mut out, &stack, c, Some((before + a, before + b)));
                }
            }
            _ if skip_from.is_none() => {
                if let Some(t) = crate::document::xml::text(&ev) {
                    for c in t.chars() {
                        let c = if c == '\n' { ' ' } else { c };
                        unit(&mut out, &stack, c, Some((before, after)));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}
