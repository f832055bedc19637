//! Where comment anchors go in a part's XML, and the part with them inserted: the original
//! bytes are copied around the insertion points, never parsed and written back, so nothing
//! else of the part changes.

use quick_xml::events::Event;

use crate::document::extract::Failure;
use crate::document::xml::{local, reader};

/// A paragraph element of a part, by its ordinal (see [`crate::document::extract::Source`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Paragraph {
    /// The qualified name (`w:p`, `text:h`).
    pub name: String,
    /// Where its content starts: after the start tag, and after its properties element
    /// (`w:pPr`) when that comes first. `None` for an empty element (`<w:p/>`).
    pub content: Option<usize>,
    /// Where its end tag starts.
    pub end: Option<usize>,
}

/// The paragraph elements of a part, in document order: the elements whose local name
/// `counted` accepts (the readers count the same ones). `props` is the local name of the
/// properties element that stays first in a paragraph.
pub(super) fn paragraphs(
    xml: &str,
    part: &str,
    counted: fn(&[u8]) -> bool,
    props: Option<&[u8]>,
) -> Result<Vec<Paragraph>, Failure> {
    let mut r = reader(xml);
    let mut out: Vec<Paragraph> = Vec::new();
    // The open paragraphs: ordinal and depth.
    let mut open: Vec<(usize, usize)> = Vec::new();
    // A paragraph just opened, whose properties may follow: ordinal, and the properties'
    // depth once they open.
    let mut head: Option<(usize, Option<usize>)> = None;
    let mut depth = 0usize;
    loop {
        let (before, ev, after) = next_event(&mut r, part)?;
        match &ev {
            Event::Start(e) => {
                depth += 1;
                let name = e.name();
                match head {
                    Some((_, None)) if Some(local_of(name.0)) == props => {
                        head = head.map(|(o, _)| (o, Some(depth)));
                    }
                    Some((_, None)) => head = None,
                    _ => {}
                }
                if counted(local_of(name.0)) {
                    open.push((out.len(), depth));
                    head = Some((out.len(), None));
                    out.push(Paragraph {
                        name: name.0.to_string(),
                        content: Some(after),
                        end: None,
                    });
                }
            }
            Event::Empty(e) => {
                let name = e.name();
                if let Some((o, None)) = head {
                    if Some(local_of(name.0)) == props {
                        out[o].content = Some(after);
                    }
                    head = None;
                }
                if counted(local_of(name.0)) {
                    out.push(Paragraph {
                        name: name.0.to_string(),
                        content: None,
                        end: None,
                    });
                }
            }
            Event::End(_) => {
                if let Some((o, Some(d))) = head
                    && d == depth
                {
                    out[o].content = Some(after);
                    head = None;
                }
                if let Some(&(o, d)) = open.last()
                    && d == depth
                {
                    out[o].end = Some(before);
                    open.pop();
                    head = head.filter(|(h, _)| *h != o);
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) if t.trim_ascii().is_empty() => {}
            Event::Eof => break,
            _ => {
                if let Some((_, None)) = head {
                    head = None;
                }
            }
        }
    }
    Ok(out)
}

/// The prefix a part binds to a namespace on its root element (`w`).
pub(super) fn prefix_of(xml: &str, ns: &str) -> Option<String> {
    let mut r = reader(xml);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => {
                return e.attributes().with_checks(false).flatten().find_map(|a| {
                    let key = a.key.0;
                    let value: &str = &a.value;
                    (value == ns)
                        .then(|| key.strip_prefix("xmlns:").map(str::to_string))
                        .flatten()
                });
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The next event of `r` with the byte offsets of its start and end in the part, or the
/// failure of a part (`part`) that is not well-formed XML.
pub(super) fn next_event<'a>(
    r: &mut quick_xml::Reader<&'a [u8]>,
    part: &str,
) -> Result<(usize, Event<'a>, usize), Failure> {
    let before = pos(r);
    let ev = r.read_event().map_err(|e| {
        Failure::new(format!(
            "la partie `{part}` n’est pas du XML bien formé : {e}"
        ))
    })?;
    Ok((before, ev, pos(r)))
}

fn pos(r: &quick_xml::Reader<&[u8]>) -> usize {
    usize::try_from(r.buffer_position()).unwrap_or(usize::MAX)
}

fn local_of(name: &str) -> &[u8] {
    local(name)
}

/// `xml` with each `(position, text)` inserted; insertions at one position keep their order.
pub(super) fn insert(xml: &str, mut at: Vec<(usize, String)>) -> String {
    at.sort_by_key(|(p, _)| *p);
    let extra: usize = at.iter().map(|(_, t)| t.len()).sum();
    let mut out = String::with_capacity(xml.len() + extra);
    let mut from = 0;
    for (p, text) in at {
        out.push_str(&xml[from..p]);
        out.push_str(&text);
        from = p;
    }
    out.push_str(&xml[from..]);
    out
}

/// The part's anchors: for each note (by its index), where its range starts and ends. A note
/// whose paragraphs are not `wanted` elements with content (another namespace's `p`, an empty
/// element) goes to the first paragraph that is.
pub(super) fn anchors(
    paragraphs: &[Paragraph],
    wanted: &[&str],
    notes: &[super::Note],
) -> Result<Vec<(usize, usize)>, Failure> {
    let usable = |o: usize| {
        paragraphs
            .get(o)
            .filter(|p| wanted.contains(&p.name.as_str()))
            .and_then(|p| Some((p.content?, p.end?)))
    };
    let fallback = (0..paragraphs.len()).find_map(usable).ok_or_else(|| {
        Failure::new("le corps du document n’a aucun paragraphe où placer un commentaire")
    })?;
    Ok(notes
        .iter()
        .map(|n| match (usable(n.first), usable(n.last)) {
            (Some((start, _)), Some((_, end))) if start <= end => (start, end),
            _ => fallback,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(n: &[u8]) -> bool {
        n == b"p"
    }

    #[test]
    fn paragraphs_are_found_after_their_properties_and_before_their_end() {
        let xml = r#"<w:body><w:p><w:pPr><w:pStyle w:val="T"/></w:pPr><w:r><w:t>Un</w:t></w:r></w:p><w:p/><w:p>
<w:pPr/><w:r><w:t>Deux</w:t></w:r></w:p><a:p>X</a:p></w:body>"#;
        let ps = paragraphs(xml, "document.xml", counted, Some(b"pPr")).unwrap();
        assert_eq!(ps.len(), 4);
        let content = |i: usize| &xml[ps[i].content.unwrap()..ps[i].end.unwrap()];
        assert_eq!(content(0), "<w:r><w:t>Un</w:t></w:r>");
        assert_eq!(ps[1].content, None);
        assert_eq!(content(2), "<w:r><w:t>Deux</w:t></w:r>");
        assert_eq!(ps[3].name, "a:p");
        let out = insert(
            xml,
            vec![
                (ps[0].end.unwrap(), "]".into()),
                (ps[0].content.unwrap(), "[".into()),
            ],
        );
        assert!(out.contains("</w:pPr>[<w:r><w:t>Un</w:t></w:r>]</w:p>"));
    }

    #[test]
    fn nested_paragraphs_close_in_order() {
        let xml = "<b><p>a<x><p>b</p></x>c</p></b>";
        let ps = paragraphs(xml, "c.xml", counted, None).unwrap();
        assert_eq!(
            &xml[ps[0].content.unwrap()..ps[0].end.unwrap()],
            "a<x><p>b</p></x>c"
        );
        assert_eq!(&xml[ps[1].content.unwrap()..ps[1].end.unwrap()], "b");
    }
}
