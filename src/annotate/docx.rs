//! The annotated copy of a Word document: `w:commentRangeStart`/`End` and a run holding a
//! `w:commentReference` in `word/document.xml`, the comments in `word/comments.xml` (the
//! document's own comments kept, new ids after theirs), and, when the document had no
//! comments part, its relationship and content type.

use quick_xml::events::Event;

use super::passage::{Anchors, insertions};
use super::splice::{anchors, insert, paragraphs, prefix_of};
use super::{AUTHOR, INITIALS, Note, escape, runs};
use crate::document::archive::Archive;
use crate::document::extract::Failure;
use crate::document::xml::{attr, local, reader};
use crate::limits::Limits;

const MAIN: &str = "word/document.xml";
const COMMENTS: &str = "word/comments.xml";
const RELS: &str = "word/_rels/document.xml.rels";
const TYPES: &str = "[Content_Types].xml";
const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const COMMENTS_TYPE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
const COMMENTS_CONTENT: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml";

pub(super) fn write(
    original: &[u8],
    notes: &[Note],
    date: &str,
    limits: &Limits,
) -> Result<Vec<u8>, Failure> {
    let mut archive = Archive::open(original, "Word document", "a Word document (.docx)", limits)?;
    let missing = |name: &str| Failure::new(format!("le document Word n’a pas de partie `{name}`"));
    let main = archive.read(MAIN)?.ok_or_else(|| missing(MAIN))?;
    let comments = archive.read(COMMENTS)?;
    let rels = archive.read(RELS)?;
    let types = archive.read(TYPES)?.ok_or_else(|| missing(TYPES))?;

    let w = prefix_of(&main, W_NS)
        .ok_or_else(|| Failure::new("la partie `word/document.xml` n’est pas un document Word"))?;
    let first_id = next_id(&main, comments.as_deref())?;
    let ids: Vec<u64> = (first_id..).take(notes.len()).collect();

    // The anchors in the body.
    let paras = paragraphs(&main, MAIN, |n| n == b"p", Some(b"pPr"))?;
    let wanted = format!("{w}:p");
    let places = anchors(&paras, &[wanted.as_str()], notes)?;
    let layout = runs::layout(&main, &w)?;
    let at = insertions(&layout, notes, &places, |i| {
        let id = ids[i];
        Anchors {
            start: format!("<{w}:commentRangeStart {w}:id=\"{id}\"/>"),
            end: format!("<{w}:commentRangeEnd {w}:id=\"{id}\"/>"),
            reference: format!("<{w}:r><{w}:commentReference {w}:id=\"{id}\"/></{w}:r>"),
        }
    });
    let main = insert(&main, at);

    // The comments part, its relationship and its content type.
    let new: String = ids
        .iter()
        .zip(notes)
        .map(|(id, n)| comment_xml(*id, n, date))
        .collect();
    let comments = merge_comments(comments.as_deref(), &new)?;
    let rels = add_relationship(rels.as_deref());
    let types = add_content_type(&types);

    let mut changed: Vec<(&str, String)> = vec![(MAIN, main), (COMMENTS, comments)];
    changed.extend(rels.map(|r| (RELS, r)));
    changed.extend(types.map(|t| (TYPES, t)));
    super::rezip(original, &changed)
}

/// The first comment id after those the document uses (in its comments and its anchors).
fn next_id(main: &str, comments: Option<&str>) -> Result<u64, Failure> {
    let mut max: Option<u64> = None;
    for (part, xml) in [(MAIN, Some(main)), (COMMENTS, comments)] {
        let Some(xml) = xml else { continue };
        let mut r = reader(xml);
        loop {
            let ev = r.read_event().map_err(|e| {
                Failure::new(format!(
                    "la partie `{part}` n’est pas du XML bien formé : {e}"
                ))
            })?;
            match &ev {
                Event::Start(e) | Event::Empty(e)
                    if matches!(
                        local(e.name().0),
                        b"comment"
                            | b"commentRangeStart"
                            | b"commentRangeEnd"
                            | b"commentReference"
                    ) =>
                {
                    if let Some(id) = attr(e, b"w:id").and_then(|i| i.parse::<u64>().ok()) {
                        max = Some(max.map_or(id, |m| m.max(id)));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
    }
    Ok(max.map_or(0, |m| m + 1))
}

/// One `w:comment`: a paragraph per line, the first in bold after the annotation mark.
pub(super) fn comment_xml(id: u64, note: &Note, date: &str) -> String {
    let mut out = format!(
        "<w:comment w:id=\"{id}\" w:author=\"{AUTHOR}\" w:date=\"{}\" w:initials=\"{INITIALS}\">",
        escape(date)
    );
    for (i, p) in note.paragraphs.iter().enumerate() {
        out.push_str("<w:p>");
        if i == 0 {
            out.push_str("<w:r><w:annotationRef/></w:r><w:r><w:rPr><w:b/></w:rPr>");
        } else {
            out.push_str("<w:r>");
        }
        out.push_str(&format!(
            "<w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            escape(p)
        ));
    }
    out.push_str("</w:comment>");
    out
}

/// The comments part with the new comments after the document's own. The new comments bind
/// the `w` prefix themselves, whatever the part's root binds.
pub(super) fn merge_comments(existing: Option<&str>, new: &str) -> Result<String, Failure> {
    let scoped = new.replacen(
        "<w:comment ",
        &format!("<w:comment xmlns:w=\"{W_NS}\" "),
        usize::MAX,
    );
    let Some(xml) = existing else {
        return Ok(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:comments xmlns:w=\"{W_NS}\">{new}</w:comments>"
        ));
    };
    let mut r = reader(xml);
    loop {
        let before = usize::try_from(r.buffer_position()).unwrap_or(0);
        let ev = r.read_event().map_err(|e| {
            Failure::new(format!(
                "la partie `{COMMENTS}` n’est pas du XML bien formé : {e}"
            ))
        })?;
        let after = usize::try_from(r.buffer_position()).unwrap_or(0);
        match ev {
            // A root without content: `<w:comments …/>` opens, then takes the comments.
            Event::Empty(e) => {
                let name = e.name().0.to_string();
                let tag = &xml[before..after];
                let open = tag.trim_end_matches('>').trim_end_matches('/');
                return Ok(format!(
                    "{}{open}>{scoped}</{name}>{}",
                    &xml[..before],
                    &xml[after..]
                ));
            }
            Event::Start(_) => {
                let end = xml
                    .rfind("</")
                    .filter(|&e| e >= after)
                    .ok_or_else(|| Failure::new(format!("`{COMMENTS}` has no end tag")))?;
                return Ok(insert(xml, vec![(end, scoped)]));
            }
            Event::Eof => return Err(Failure::new(format!("`{COMMENTS}` has no root element"))),
            _ => {}
        }
    }
}

/// The relationships with one to the comments part, when there is none yet.
fn add_relationship(rels: Option<&str>) -> Option<String> {
    let rel = |id: &str| {
        format!("<Relationship Id=\"{id}\" Type=\"{COMMENTS_TYPE}\" Target=\"comments.xml\"/>")
    };
    let Some(xml) = rels else {
        return Some(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{}</Relationships>",
            rel("rId1")
        ));
    };
    if xml.contains(COMMENTS_TYPE) {
        return None;
    }
    // XML lets an attribute be quoted either way: an id is taken if written with either.
    let mut n = 1;
    while xml.contains(&format!("\"rId{n}\"")) || xml.contains(&format!("'rId{n}'")) {
        n += 1;
    }
    let end = xml.rfind("</")?;
    Some(insert(xml, vec![(end, rel(&format!("rId{n}")))]))
}

/// The content types with the comments part's, when it is not there yet.
fn add_content_type(types: &str) -> Option<String> {
    if types.contains("\"/word/comments.xml\"") || types.contains("'/word/comments.xml'") {
        return None;
    }
    let end = types.rfind("</")?;
    let over =
        format!("<Override PartName=\"/word/comments.xml\" ContentType=\"{COMMENTS_CONTENT}\"/>");
    Some(insert(types, vec![(end, over)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// XML attributes may be quoted with `'`: an id or a part written so is still taken.
    #[test]
    fn single_quoted_ids_and_parts_are_seen() {
        let rels = "<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/relationships'><Relationship Id='rId1' Type='t' Target='styles.xml'/></Relationships>";
        let out = add_relationship(Some(rels)).unwrap();
        assert!(out.contains("<Relationship Id=\"rId2\" "), "{out}");
        let types = "<Types><Override PartName='/word/comments.xml' ContentType='c'/></Types>";
        assert_eq!(add_content_type(types), None);
    }
}
