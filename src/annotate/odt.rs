//! The annotated copy of an OpenDocument text: in `content.xml`, an `office:annotation` (author,
//! date, paragraphs) at the start of the first commented paragraph and an
//! `office:annotation-end` at the end of the last; nothing else changes.

use super::splice::{anchors, insert, paragraphs, prefix_of};
use super::{AUTHOR, Note, escape};
use crate::document::archive::Archive;
use crate::document::extract::Failure;
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
        .ok_or_else(|| Failure::new("the OpenDocument text has no `content.xml`"))?;
    let not_odf = || Failure::new("`content.xml` is not an OpenDocument text's content");
    let office = prefix_of(&main, OFFICE_NS).ok_or_else(not_odf)?;
    let text = prefix_of(&main, TEXT_NS).ok_or_else(not_odf)?;
    let paras = paragraphs(&main, MAIN, |n| matches!(n, b"p" | b"h"), None)?;
    let wanted = [format!("{text}:p"), format!("{text}:h")];
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let places = anchors(&paras, &wanted, notes)?;
    let base = fresh_name(&main);
    let mut at = Vec::with_capacity(notes.len() * 2);
    for (i, (note, (start, end))) in notes.iter().zip(places).enumerate() {
        let name = format!("{base}{}", i + 1);
        let mut a = format!(
            "<{office}:annotation {office}:name=\"{name}\" xmlns:dc=\"{DC_NS}\"><dc:creator>{AUTHOR}</dc:creator><dc:date>{}</dc:date>",
            escape(date)
        );
        for p in &note.paragraphs {
            a.push_str(&format!("<{text}:p>{}</{text}:p>", escape(p)));
        }
        a.push_str(&format!("</{office}:annotation>"));
        at.push((start, a));
        at.push((
            end,
            format!("<{office}:annotation-end {office}:name=\"{name}\"/>"),
        ));
    }
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
