use std::io::{Cursor, Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;

use super::*;
use crate::document::Document;
use crate::report::testing::finding;

const DATE: &str = "2025-03-01T09:30:00Z";

/// A zip of `entries`, in order, the first one stored (as an ODT's `mimetype`).
fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (i, (name, body)) in entries.iter().enumerate() {
        let method = if i == 0 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        w.start_file(
            *name,
            SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The entries of a zip: name and content.
fn entries(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            (f.name().unwrap().to_string(), s)
        })
        .collect()
}

fn entry(bytes: &[u8], name: &str) -> String {
    entries(bytes)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .1
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn docx() -> Vec<u8> {
    let body = format!(
        r#"<?xml version="1.0"?><w:document {W}><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>CCTP</w:t></w:r></w:p><w:p><w:r><w:t>Le public est </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>tout public</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#
    );
    zip_of(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
        ),
        ("word/document.xml", &body),
        (
            "word/_rels/document.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="t" Target="styles.xml"/></Relationships>"#,
        ),
        ("word/styles.xml", "<w:styles/>"),
    ])
}

fn doc_of(bytes: &[u8], name: &str) -> Document {
    Document::from_bytes(Path::new(name), name, bytes).unwrap()
}

fn pillar() -> Pillar {
    Pillar {
        tag: "public".into(),
        status: Status::NonConforme,
        reason: "MIQ301 relève un défaut".into(),
    }
}

#[test]
fn a_word_document_gets_a_comments_part_and_anchors_around_the_passages() {
    let bytes = docx();
    let doc = doc_of(&bytes, "CCTP.docx");
    assert_eq!(&*doc.text, "CCTP\n\nLe public est tout public\n\nA\nB");
    let f = finding(&doc, 20..31);
    let cell = finding(&doc, 33..34);
    let out = annotate(
        Format::Docx,
        &bytes,
        &[&f, &cell],
        &[pillar()],
        DATE,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(out.comments, 3);
    let main = entry(&out.bytes, "word/document.xml");
    assert!(main.contains(r#"<w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:commentRangeStart w:id="0"/><w:r><w:t>CCTP</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>"#), "{main}");
    // A passage that is a run: around the run.
    assert!(main.contains(r#"<w:p><w:r><w:t>Le public est </w:t></w:r><w:commentRangeStart w:id="1"/><w:r><w:rPr><w:b/></w:rPr><w:t>tout public</w:t></w:r><w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r></w:p>"#), "{main}");
    // In a table cell: on the cell's paragraph that holds it.
    assert!(main.contains(r#"<w:tc><w:p><w:commentRangeStart w:id="2"/><w:r><w:t>A</w:t></w:r><w:commentRangeEnd w:id="2"/><w:r><w:commentReference w:id="2"/></w:r></w:p><w:p><w:r><w:t>B</w:t></w:r></w:p>"#), "{main}");
    let comments = entry(&out.bytes, "word/comments.xml");
    assert_eq!(comments.matches("<w:comment ").count(), 3);
    assert!(comments.contains(r#"<w:comment w:id="1" w:author="tenderlint" w:date="2025-03-01T09:30:00Z" w:initials="TL">"#));
    assert!(comments.contains("Public : non conforme — MIQ301 relève un défaut"));
    assert!(comments.contains("Passage relevé : « tout public »"));
    assert!(entry(&out.bytes, "word/_rels/document.xml.rels").contains(
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#
    ));
    assert!(entry(&out.bytes, "[Content_Types].xml").contains(r#"<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>"#));
    // The text read from the copy is the original's; the untouched entry is the same.
    assert_eq!(doc_of(&out.bytes, "CCTP.docx").text, doc.text);
    assert_eq!(entry(&out.bytes, "word/styles.xml"), "<w:styles/>");
}

#[test]
fn existing_comments_are_kept_and_new_ids_follow_theirs() {
    let existing = format!(
        r#"<?xml version="1.0"?><w:comments {W}><w:comment w:id="7" w:author="X"><w:p><w:r><w:t>Vu</w:t></w:r></w:p></w:comment></w:comments>"#
    );
    let merged = docx::merge_comments(Some(&existing), &docx_comment(8)).unwrap();
    assert!(merged.starts_with(&existing[..existing.len() - "</w:comments>".len()]));
    assert!(merged.ends_with("</w:comment></w:comments>"));
    assert_eq!(merged.matches("<w:comment ").count(), 2);
    // A root without content is opened.
    let empty = format!(r#"<?xml version="1.0"?><w:comments {W} />"#);
    let merged = docx::merge_comments(Some(&empty), &docx_comment(0)).unwrap();
    assert!(merged.starts_with(&format!(
        r#"<?xml version="1.0"?><w:comments {W} ><w:comment "#
    )));
    assert!(merged.ends_with("</w:comment></w:comments>"));
}

fn docx_comment(id: u64) -> String {
    docx::comment_xml(
        id,
        &Note {
            paragraphs: vec!["m".into()],
            first: 0,
            last: 0,
            passage: None,
        },
        DATE,
    )
}

#[test]
fn an_opendocument_text_gets_annotations_in_its_paragraphs() {
    let content = r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:h text:outline-level="1">CCTP</text:h><text:p>Le public est <text:span>tout public</text:span></text:p></office:text></office:body></office:document-content>"#;
    let bytes = zip_of(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", content),
    ]);
    let doc = doc_of(&bytes, "CCTP.odt");
    let f = finding(&doc, 20..31);
    let out = annotate(Format::Odt, &bytes, &[&f], &[], DATE, &Limits::default()).unwrap();
    let main = entry(&out.bytes, "content.xml");
    assert!(main.contains(r#"<text:p>Le public est <text:span><office:annotation office:name="tenderlint-2" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>tenderlint</dc:creator><dc:date>2025-03-01T09:30:00Z</dc:date><text:p>m</text:p><text:p>Passage relevé : « tout public »</text:p>"#), "{main}");
    assert!(main.contains(r#"</office:annotation>tout public<office:annotation-end office:name="tenderlint-2"/></text:span></text:p>"#));
    assert!(main.contains("Aucun pack ne s’applique au dossier"));
    assert_eq!(doc_of(&out.bytes, "CCTP.odt").text, doc.text);
    // The mimetype stays first, stored.
    let mut zip = zip::ZipArchive::new(Cursor::new(&out.bytes[..])).unwrap();
    let first = zip.by_index(0).unwrap();
    assert_eq!(first.name().unwrap(), "mimetype");
    assert_eq!(first.compression(), zip::CompressionMethod::Stored);
}

#[test]
fn spans_between_blocks_or_outside_the_body_go_where_they_can() {
    let s = |span: Range<usize>, first| Source {
        span,
        first,
        last: first,
    };
    let sources = [s(0..4, 0), s(6..10, 3)];
    assert_eq!(place(&sources, &(7..8)), (&sources[1], true));
    assert_eq!(place(&sources, &(4..5)), (&sources[0], true));
    assert_eq!(place(&sources, &(5..5)), (&sources[0], false));
    assert_eq!(place(&sources, &(12..14)), (&sources[0], false));
}

#[test]
fn a_comment_says_what_why_how_where_and_which_rule() {
    let doc = crate::report::testing::document("Le public est tout public.");
    let mut f = finding(&doc, 14..25);
    f.see = vec![
        "Code de la commande publique, art. R2123-1".into(),
        "Guide".into(),
    ];
    assert_eq!(
        comment(&f, false),
        [
            "m",
            "Passage relevé : « tout public »",
            "Pourquoi : w",
            "Comment corriger : f",
            "Références : Code de la commande publique, art. R2123-1 ; Guide",
            "Règle T1 (avertissement, pack t)",
        ]
    );
    f.kind = FindingKind::Missing;
    assert_eq!(comment(&f, false)[1], "Pourquoi : w");
    assert_eq!(
        opening(&[pillar()], 2),
        [
            "Relecture tenderlint : 2 remarques sur ce document",
            "Verdict du dossier par pilier :",
            "Public : non conforme — MIQ301 relève un défaut",
            "Chaque remarque cite sa règle ; « tenderlint explain RÈGLE » l’explique en détail.",
        ]
    );
}

#[test]
fn findings_on_another_text_and_other_formats_are_refused() {
    let bytes = docx();
    let other = crate::report::testing::document("autre texte");
    let f = finding(&other, 0..5);
    let limits = Limits::default();
    let e = annotate(Format::Docx, &bytes, &[&f], &[], DATE, &limits).unwrap_err();
    assert_eq!(
        e.reason,
        "the findings were made on another text than the document's"
    );
    let e = annotate(Format::Pdf, &bytes, &[], &[], DATE, &limits).unwrap_err();
    assert!(e.reason.starts_with("only Word"));
}
