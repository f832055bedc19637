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
        "les constats portent sur un autre texte que celui du document"
    );
    let e = annotate(Format::Pdf, &bytes, &[], &[], DATE, &limits).unwrap_err();
    assert!(e.reason.starts_with("seuls les documents Word"));
}

/// A Word document whose body is `body`.
fn docx_with(body: &str) -> Vec<u8> {
    let xml =
        format!(r#"<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>"#);
    zip_of(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
        ),
        ("word/document.xml", &xml),
    ])
}

/// An OpenDocument text whose body is `body`.
fn odt_with(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    zip_of(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", &xml),
    ])
}

/// The text of each paragraph element of a part, read from its raw XML: `w:t` text and
/// `w:tab` outside `w:del` (Word); text, `text:s` and `text:tab` outside
/// `office:annotation` (ODF). With `anchor`, only the text between the start and the end
/// of that comment (`w:id`, `office:name`), paragraphs ending with a line break.
fn raw_text(xml: &str, anchor: Option<&str>) -> Vec<String> {
    use crate::document::xml::attr;
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_reader(xml.as_bytes());
    let mut out = vec![String::new()];
    let (mut in_t, mut hidden, mut on) = (false, 0usize, anchor.is_none());
    let odf = xml.contains("office:document-content");
    let ours = |e: &quick_xml::events::BytesStart<'_>| {
        anchor.is_some()
            && attr(e, b"w:id")
                .or_else(|| attr(e, b"office:name"))
                .as_deref()
                == anchor
    };
    loop {
        let ev = r.read_event().unwrap();
        let push = |out: &mut Vec<String>, s: &str| out.last_mut().unwrap().push_str(s);
        match &ev {
            Event::Start(e) => match e.name().0 {
                "w:t" => in_t = true,
                "w:del" | "office:annotation" => hidden += 1,
                _ => {}
            },
            Event::End(e) => match e.name().0 {
                "w:t" => in_t = false,
                "w:del" => hidden -= 1,
                "office:annotation" => hidden -= 1,
                "w:p" | "text:p" | "text:h" if hidden == 0 && (on || anchor.is_none()) => {
                    if anchor.is_some() {
                        push(&mut out, "\n");
                    } else {
                        out.push(String::new());
                    }
                }
                _ => {}
            },
            Event::Empty(e) => match e.name().0 {
                "w:commentRangeStart" | "office:annotation" if ours(e) => on = true,
                "w:commentRangeEnd" | "office:annotation-end" if ours(e) => on = false,
                "w:tab" | "text:tab" if on && hidden == 0 => push(&mut out, "\t"),
                "text:s" if on && hidden == 0 => {
                    let n: usize = attr(e, b"text:c").map_or(1, |c| c.parse().unwrap());
                    push(&mut out, &" ".repeat(n));
                }
                _ => {}
            },
            Event::Text(t) if on && hidden == 0 && (in_t || odf) => {
                push(&mut out, &t.xml10_content().replace('\n', " "));
            }
            Event::Eof => break,
            _ => {}
        }
        // An annotation's own paragraphs are hidden; its start opens the range after it.
        if let Event::Start(e) = &ev
            && e.name().0 == "office:annotation"
            && ours(e)
        {
            on = true;
        }
    }
    out
}

/// Annotates `bytes` with one finding on the `nth` occurrence of `quote` in its text; checks
/// that every paragraph's text is the original's (by the reader and from the raw XML) and
/// that the comment's range holds the quoted words; the copy's main part.
fn anchored(format: Format, bytes: &[u8], quote: &str, expected_range: &str) -> String {
    let (name, main) = match format {
        Format::Docx => ("t.docx", "word/document.xml"),
        _ => ("t.odt", "content.xml"),
    };
    let doc = doc_of(bytes, name);
    let start = doc
        .text
        .find(quote)
        .unwrap_or_else(|| panic!("{:?}", doc.text));
    let f = finding(&doc, start..start + quote.len());
    let out = annotate(format, bytes, &[&f], &[], DATE, &Limits::default()).unwrap();
    let copy = doc_of(&out.bytes, name);
    assert_eq!(copy.text, doc.text);
    assert_eq!(copy.blocks, doc.blocks);
    let (before, after) = (entry(bytes, main), entry(&out.bytes, main));
    assert_eq!(raw_text(&before, None), raw_text(&after, None), "{after}");
    let id = if format == Format::Docx {
        "1"
    } else {
        "tenderlint-2"
    };
    let range = raw_text(&after, Some(id)).concat();
    assert_eq!(range.trim_end_matches('\n'), expected_range, "{after}");
    assert_eq!(crate::document::extract::tidy(&range), quote);
    if format == Format::Docx {
        assert_eq!(after.matches("commentRangeStart").count(), 2);
    }
    after
}

#[test]
fn a_word_comment_sits_on_the_quoted_words() {
    // In the middle of a run: the run is split in three with its properties.
    let main = anchored(
        Format::Docx,
        &docx_with(
            r#"<w:p><w:r w:rsidR="00A1"><w:rPr><w:i/></w:rPr><w:t>Le public est tout public ici.</w:t></w:r></w:p>"#,
        ),
        "tout public",
        "tout public",
    );
    assert!(main.contains(r#"<w:r w:rsidR="00A1"><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">Le public est </w:t></w:r><w:commentRangeStart w:id="1"/><w:r w:rsidR="00A1"><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">tout public</w:t></w:r><w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r><w:r w:rsidR="00A1"><w:rPr><w:i/></w:rPr><w:t xml:space="preserve"> ici.</w:t></w:r>"#), "{main}");
    // Across two runs formatted differently, with an entity.
    let main = anchored(
        Format::Docx,
        &docx_with(
            r#"<w:p><w:r><w:t xml:space="preserve">Les personnes </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>éloignées de l&apos;emploi</w:t></w:r></w:p>"#,
        ),
        "personnes éloignées",
        "personnes éloignées",
    );
    assert!(main.contains(r#"<w:t xml:space="preserve">Les </w:t></w:r><w:commentRangeStart w:id="1"/><w:r><w:t xml:space="preserve">personnes </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">éloignées</w:t></w:r><w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> de l&apos;emploi</w:t></w:r>"#), "{main}");
    // In the second paragraph of a table cell.
    let main = anchored(
        Format::Docx,
        &docx_with(
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Critère</w:t></w:r></w:p><w:p><w:r><w:t>Âge minimum 26 ans</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        ),
        "26 ans",
        "26 ans",
    );
    assert!(main.contains(r#"<w:p><w:r><w:t xml:space="preserve">Âge minimum </w:t></w:r><w:commentRangeStart w:id="1"/><w:r><w:t xml:space="preserve">26 ans</w:t></w:r><w:commentRangeEnd w:id="1"/>"#), "{main}");
    // A tab in a run of its own, between two split runs.
    anchored(
        Format::Docx,
        &docx_with(
            r#"<w:p><w:r><w:t>Durée :</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>12 mois</w:t></w:r></w:p>"#,
        ),
        ": 12",
        ":\t12",
    );
}

#[test]
fn a_word_comment_keeps_to_tracked_changes_and_widens_where_a_run_cannot_be_split() {
    // A tracked insertion: the range starts and ends in it, the reference follows it; the
    // deletion stays as it is.
    let main = anchored(
        Format::Docx,
        &docx_with(
            r#"<w:p><w:r><w:t xml:space="preserve">Objet : </w:t></w:r><w:del w:id="1" w:author="X"><w:r><w:delText>des travaux</w:delText></w:r></w:del><w:ins w:id="2" w:author="X"><w:r><w:t>une prestation d’insertion sociale</w:t></w:r></w:ins></w:p>"#,
        ),
        "prestation d’insertion",
        "prestation d’insertion",
    );
    assert!(main.contains(r#"<w:del w:id="1" w:author="X"><w:r><w:delText>des travaux</w:delText></w:r></w:del><w:ins w:id="2" w:author="X"><w:r><w:t xml:space="preserve">une </w:t></w:r><w:commentRangeStart w:id="1"/><w:r><w:t xml:space="preserve">prestation d’insertion</w:t></w:r><w:commentRangeEnd w:id="1"/><w:r><w:t xml:space="preserve"> sociale</w:t></w:r></w:ins><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r><w:r><w:commentReference w:id="1"/></w:r></w:p>"#), "{main}");
    // A run with a tab and two texts is not split: the range is the run.
    let body = r#"<w:p><w:r><w:t>Avant</w:t></w:r><w:r><w:t>Durée</w:t><w:tab/><w:t>12 mois</w:t></w:r></w:p>"#;
    let doc = doc_of(&docx_with(body), "t.docx");
    let f = finding(&doc, doc.text.find("12").unwrap()..doc.text.len());
    let out = annotate(
        Format::Docx,
        &docx_with(body),
        &[&f],
        &[],
        DATE,
        &Limits::default(),
    )
    .unwrap();
    let main = entry(&out.bytes, "word/document.xml");
    assert!(main.contains(r#"<w:r><w:t>Avant</w:t></w:r><w:commentRangeStart w:id="1"/><w:r><w:t>Durée</w:t><w:tab/><w:t>12 mois</w:t></w:r>"#), "{main}");
    assert_eq!(raw_text(&main, Some("1")).concat(), "Durée\t12 mois");
    // Text without `xml:space="preserve"` that ends with a space is not split either.
    let body = r#"<w:p><w:r><w:t>Le public est </w:t></w:r><w:r><w:t>visé</w:t></w:r></w:p>"#;
    let doc = doc_of(&docx_with(body), "t.docx");
    let f = finding(&doc, 3..9);
    let out = annotate(
        Format::Docx,
        &docx_with(body),
        &[&f],
        &[],
        DATE,
        &Limits::default(),
    )
    .unwrap();
    let main = entry(&out.bytes, "word/document.xml");
    assert!(main.contains(r#"<w:commentRangeStart w:id="1"/><w:r><w:t>Le public est </w:t></w:r><w:commentRangeEnd w:id="1"/>"#), "{main}");
    // A field's result: the whole paragraph, as before.
    let body = r#"<w:p><w:r><w:t xml:space="preserve">Voir </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> REF a </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>article 3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#;
    let doc = doc_of(&docx_with(body), "t.docx");
    assert_eq!(&*doc.text, "Voir article 3");
    let f = finding(&doc, 5..12);
    let out = annotate(
        Format::Docx,
        &docx_with(body),
        &[&f],
        &[],
        DATE,
        &Limits::default(),
    )
    .unwrap();
    let main = entry(&out.bytes, "word/document.xml");
    assert!(main.contains(r#"<w:p><w:commentRangeStart w:id="0"/><w:commentRangeStart w:id="1"/><w:r><w:t xml:space="preserve">Voir </w:t>"#), "{main}");
}

#[test]
fn a_word_comment_over_two_paragraphs_starts_in_the_first_and_ends_in_the_last() {
    let body = r#"<w:p><w:r><w:t>Le public visé</w:t></w:r></w:p><w:p><w:r><w:t>est large ici</w:t></w:r></w:p>"#;
    let doc = doc_of(&docx_with(body), "t.docx");
    let f = finding(&doc, 3..doc.text.find(" ici").unwrap());
    let out = annotate(
        Format::Docx,
        &docx_with(body),
        &[&f],
        &[],
        DATE,
        &Limits::default(),
    )
    .unwrap();
    let main = entry(&out.bytes, "word/document.xml");
    assert_eq!(
        raw_text(&main, Some("1")).concat(),
        "public visé\nest large"
    );
    assert!(
        main.contains(
            r#"<w:r><w:t xml:space="preserve">Le </w:t></w:r><w:commentRangeStart w:id="1"/>"#
        ),
        "{main}"
    );
    assert!(main.contains(r#"<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r><w:r><w:t xml:space="preserve"> ici</w:t></w:r></w:p>"#), "{main}");
}

#[test]
fn an_opendocument_annotation_sits_on_the_quoted_words() {
    // Inside a span's text, after a `text:s`.
    let main = anchored(
        Format::Odt,
        &odt_with(
            r#"<text:p>Le<text:s/>public <text:span text:style-name="T1">est tout public</text:span> ici.</text:p>"#,
        ),
        "tout public",
        "tout public",
    );
    assert!(
        main.contains(
            r#"<text:span text:style-name="T1">est <office:annotation office:name="tenderlint-2""#
        ),
        "{main}"
    );
    assert!(main.contains(r#"</office:annotation>tout public<office:annotation-end office:name="tenderlint-2"/></text:span> ici."#), "{main}");
    // Across a tab and into a span.
    anchored(
        Format::Odt,
        &odt_with(
            r#"<text:p>Durée<text:tab/>12 <text:span>mois renouvelables</text:span></text:p>"#,
        ),
        "Durée 12 mois",
        "Durée\t12 mois",
    );
    // In a table cell's second paragraph.
    anchored(
        Format::Odt,
        &odt_with(
            r#"<table:table><table:table-row><table:table-cell><text:p>Critère</text:p><text:p>Âge minimum 26 ans</text:p></table:table-cell></table:table-row></table:table>"#,
        ),
        "26 ans",
        "26 ans",
    );
    // A tracked deletion stays out; a field is taken whole.
    let main = anchored(
        Format::Odt,
        &odt_with(
            r#"<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>des travaux</text:p></text:deletion></text:changed-region></text:tracked-changes><text:p>Le marché<text:change text:change-id="c1"/> du <text:date>1 mars</text:date> est signé</text:p>"#,
        ),
        "1 mars est",
        "1 mars est",
    );
    assert!(
        main.contains(
            r#"</office:annotation><text:date>1 mars</text:date> est<office:annotation-end"#
        ),
        "{main}"
    );
}
