//! Small helpers over quick-xml's pull parser, shared by the DOCX and ODT readers.
//!
//! Entities: quick-xml never expands the entities a DTD declares; here character references
//! and the five predefined entities are resolved and any other entity is dropped, never
//! expanded (so "billion laughs" documents read as their literal text, in linear time).

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::extract::Failure;

/// The local part of a qualified name (`w:p` → `p`).
pub fn local(name: &str) -> &[u8] {
    let name = name.as_bytes();
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn local_bytes(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The value of an attribute, looked up by its qualified name (`w:val`) or, failing that, by
/// its local name.
pub fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    let mut by_local = None;
    for a in e.attributes().with_checks(false).flatten() {
        let key = a.key.0.as_bytes();
        let value = || {
            quick_xml::escape::unescape(&a.value)
                .map(Cow::into_owned)
                .unwrap_or_else(|_| a.value.to_string())
        };
        if key == name {
            return Some(value());
        }
        if by_local.is_none() && local(a.key.0) == local_bytes(name) {
            by_local = Some(value());
        }
    }
    by_local
}

/// A pull parser over an XML text.
pub fn reader(xml: &str) -> Reader<&[u8]> {
    let mut r = Reader::from_reader(xml.as_bytes());
    let c = r.config_mut();
    c.trim_text(false);
    c.check_end_names = true;
    c.expand_empty_elements = false;
    r
}

/// The text an event carries: text, CDATA, a character reference or a predefined entity.
/// Any other entity reference gives nothing.
pub fn text<'a>(ev: &'a Event<'a>) -> Option<Cow<'a, str>> {
    match ev {
        Event::Text(t) => Some(t.xml10_content()),
        Event::CData(t) => Some(t.xml10_content()),
        Event::GeneralRef(r) => {
            if let Ok(Some(c)) = r.resolve_char_ref() {
                return Some(Cow::Owned(c.to_string()));
            }
            let name = r.xml10_content();
            quick_xml::escape::resolve_predefined_entity(&name).map(Cow::Borrowed)
        }
        _ => None,
    }
}

/// The error for an XML part that ends with elements still open (a truncated part).
pub fn unclosed(part: &str) -> Failure {
    malformed(part, &"it ends before its elements are closed")
}

/// The error for an XML part that cannot be parsed.
pub fn malformed(part: &str, e: &dyn std::fmt::Display) -> Failure {
    Failure::new(format!("`{part}` is not well-formed XML ({e})"))
        .help("the file is damaged; open it in its editor and save it again")
}

/// An XML part nested deeper than the limit.
pub fn too_deep(part: &str, max: usize) -> Failure {
    Failure::new(format!("`{part}` nests its elements more than {max} levels deep"))
        .help("this is not an ordinary document; check where it comes from (or raise `max-xml-depth` in [limits])")
        .kind(super::ReadFailure::Limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_entities_are_dropped_never_expanded() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<p>a&lol2;b &amp; &#233;&#x20AC;</p>"#;
        let mut r = reader(xml);
        let mut out = String::new();
        loop {
            let ev = r.read_event().unwrap();
            if matches!(ev, Event::Eof) {
                break;
            }
            if let Some(t) = text(&ev) {
                out.push_str(&t);
            }
        }
        assert_eq!(out.trim(), "ab & é€");
    }
}
