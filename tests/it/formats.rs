//! Word, LibreOffice, PDF and HTML drafts: the same results as on Markdown, places a person
//! can follow (paragraph, page), a mixed-format tender, and hostile or broken files that give
//! a clear per-file error while the other files are still checked.

use std::io::Write;
use std::path::Path;

use serde_json::Value;
use tenderlint::document::Document;

use crate::util::{rule_ids, tl};

const FORMATS: &[&str] = &["md", "docx", "odt", "pdf", "html"];

fn json(args: &[&str]) -> (Value, i32, String) {
    let out = tl()
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (
        v,
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_format_gives_the_same_rule_ids_as_markdown() {
    for variant in ["bon", "defaut"] {
        let (reference, _, _) = json(&[&format!("fixtures/formats/{variant}-md")]);
        let expected = rule_ids(&reference);
        if variant == "defaut" {
            assert_eq!(
                expected,
                [
                    "MIQ301", "MIQ302", "MIQ303", "MIQ304", "MIQ305", "MIQ504", "MIQ602"
                ],
                "the deficient draft"
            );
        } else {
            // The good draft is a lone CCTP: nothing to report.
            assert!(expected.is_empty(), "the good draft: {expected:?}");
        }
        for format in FORMATS {
            let dir = format!("fixtures/formats/{variant}-{format}");
            let (v, _, stderr) = json(&[&dir]);
            assert_eq!(v["errors"], Value::Array(vec![]), "{dir}: {stderr}");
            assert_eq!(v["tenders"][0]["packs"][0]["applied"], true, "{dir}");
            assert_eq!(rule_ids(&v), expected, "{dir}");
            assert_eq!(v["tenders"][0]["documents"][0]["kind"], "cctp", "{dir}");
        }
    }
}

#[test]
fn findings_name_the_paragraph_and_the_page_and_quote_the_extracted_text() {
    let (md, _, _) = json(&["fixtures/formats/defaut-md"]);
    for format in FORMATS {
        let dir = format!("fixtures/formats/defaut-{format}");
        let (v, _, _) = json(&[&dir]);
        let diags = v["diagnostics"].as_array().unwrap();
        // MIQ302 points at « tout public » in the ninth block (paragraph) of every version.
        let d = diags
            .iter()
            .find(|d| d["rule"] == "MIQ302")
            .unwrap_or_else(|| panic!("{dir}: no MIQ302"));
        assert_eq!(d["quote"], "tout public", "{dir}");
        assert_eq!(d["location"]["paragraph"], 9, "{dir}");
        let page = &d["location"]["page"];
        if *format == "pdf" {
            assert_eq!(*page, 1, "{dir}");
        } else {
            assert!(page.is_null(), "{dir}");
        }
        for d in diags {
            assert!(d["location"]["paragraph"].as_u64().unwrap() >= 1);
            assert!(d["line"].as_u64().unwrap() >= 1);
        }
        assert_eq!(
            diags.len(),
            md["diagnostics"].as_array().unwrap().len(),
            "{dir}"
        );
    }
    // The human report names the paragraph (and page) instead of a line of extracted text.
    let out = tl()
        .args(["check", "fixtures/formats/defaut-pdf"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CCTP.pdf (page 1, paragraphe 9)"), "{text}");
    assert!(text.contains("tout public"), "{text}");
    let out = tl()
        .args(["check", "fixtures/formats/defaut-docx"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CCTP.docx (paragraphe 9)"), "{text}");
}

#[test]
fn pdf_pages_follow_the_document() {
    let bytes = std::fs::read("fixtures/formats/bon-pdf/CCTP.pdf").unwrap();
    let doc = Document::from_bytes(Path::new("CCTP.pdf"), "CCTP.pdf", &bytes).unwrap();
    assert!(
        !doc.page_starts.is_empty(),
        "the good CCTP is on several pages"
    );
    let last = doc.text.rfind("durée du parcours").unwrap();
    assert_eq!(
        doc.location(last).page,
        Some(doc.page_starts.len() + 1),
        "the last article is on the last page"
    );
    let headings: Vec<&str> = doc
        .headings
        .iter()
        .map(|h| &doc.text[h.text.clone()])
        .collect();
    assert!(
        headings.contains(&"ARTICLE 9 – DONNÉES PERSONNELLES"),
        "{headings:?}"
    );
    assert!(headings.contains(&"3.1 Critères"), "{headings:?}");
}

#[test]
fn a_tender_mixing_formats_is_checked_as_one() {
    let (v, code, stderr) = json(&["fixtures/formats/dossier-mixte"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(v["summary"]["tenders"], 1);
    let kinds: Vec<(&str, &str)> = v["tenders"][0]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("fixtures/formats/dossier-mixte/CCAP.docx", "ccap"),
            ("fixtures/formats/dossier-mixte/CCTP.odt", "cctp"),
            ("fixtures/formats/dossier-mixte/RC.pdf", "rc"),
        ]
    );
    assert_eq!(v["tenders"][0]["packs"][0]["applied"], true);
    let (md, _, _) = json(&["fixtures/miq-complet"]);
    assert_eq!(rule_ids(&v), rule_ids(&md));
    assert_eq!(v["tenders"][0]["unchecked"], md["tenders"][0]["unchecked"]);
}

/// A .docx built in memory from the XML of its body.
fn docx(document_xml: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(document_xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// A PDF of one page whose content draws no text (as a scan has only an image).
fn pdf_without_text() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        "<< /Length 24 >>\nstream\n0 0 1 rg 0 0 595 842 re f\nendstream",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

/// Writes a good draft and the broken or hostile files the next test checks into `dir`.
fn write_broken_files(dir: &std::path::Path) {
    let put = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    // A good document, which must still be checked.
    put(
        "CCTP.md",
        &std::fs::read("fixtures/formats/defaut-md/CCTP.md").unwrap(),
    );
    let good_docx = std::fs::read("fixtures/formats/defaut-docx/CCTP.docx").unwrap();
    put("texte.docx", b"Le present marche a pour objet des travaux.");
    put("tronque.docx", &good_docx[..good_docx.len() / 2]);
    put("vide.docx", b"");
    put("vide.pdf", b"");
    put(
        "pdf-renomme.docx",
        &std::fs::read("fixtures/formats/defaut-pdf/CCTP.pdf").unwrap(),
    );
    put("docx-renomme.pdf", &good_docx);
    put("docx-renomme.odt", &good_docx);
    put("binaire.html", b"\x00\x01\x02\x03binary");
    put(
        "chiffre.pdf",
        &std::fs::read("tests/hostile/encrypted.pdf").unwrap(),
    );
    put("scan.pdf", &pdf_without_text());
    put(
        "xml-casse.docx",
        &docx(&format!("<w:document {W}><w:body><w:p></w:body>")),
    );
    // Entry-count bomb: more parts than any document has.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..10_001 {
        zip.start_file(format!("p{i}"), stored).unwrap();
    }
    put("parties.docx", &zip.finish().unwrap().into_inner());
    // Size bomb: a document.xml that unpacks past the limit from a small file.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("word/document.xml", deflated).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..=(tenderlint::limits::Limits::default().max_zip_bytes >> 20) {
        zip.write_all(&chunk).unwrap();
    }
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
    put("bombe.docx", &bomb);
}

#[test]
fn hostile_and_broken_files_give_a_clear_error_each_and_the_others_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    write_broken_files(dir.path());

    let (v, code, stderr) = json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    let errors: Vec<(String, String)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let file = e["file"].as_str().unwrap();
            let name = file.rsplit('/').next().unwrap().to_string();
            (name, e["message"].as_str().unwrap().to_string())
        })
        .collect();
    let expect = [
        (
            "texte.docx",
            "this is not a Word document: it looks like a plain text file",
        ),
        ("tronque.docx", "the Word document is damaged or truncated"),
        ("vide.docx", "the file is empty"),
        ("vide.pdf", "the file is empty"),
        (
            "pdf-renomme.docx",
            "this is not a Word document: it looks like a PDF file",
        ),
        (
            "docx-renomme.pdf",
            "this is not a PDF file: it looks like a zip archive",
        ),
        (
            "docx-renomme.odt",
            "this is not an OpenDocument text: it is a Word document",
        ),
        ("binaire.html", "this is not an HTML page"),
        ("chiffre.pdf", "the PDF is encrypted"),
        ("scan.pdf", "no text could be read"),
        (
            "xml-casse.docx",
            "`word/document.xml` is not well-formed XML",
        ),
        ("parties.docx", "holds 10001 parts, more than the 10000"),
        ("bombe.docx", "`word/document.xml` unpacks to more than"),
    ];
    for (file, message) in expect {
        let found = errors.iter().find(|(f, _)| f == file);
        let Some((_, got)) = found else {
            panic!("no error for {file}: {errors:?}")
        };
        assert!(got.contains(message), "{file}: {got}");
        assert!(stderr.contains(file), "stderr names {file}: {stderr}");
    }
    assert_eq!(errors.len(), expect.len(), "{errors:?}");
    let scan_help = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with("scan.pdf"))
        .unwrap()["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(scan_help.contains("OCR"), "{scan_help}");
    // The good document was checked.
    assert_eq!(v["summary"]["documents"], 1);
    assert_eq!(
        rule_ids(&v),
        [
            "MIQ301", "MIQ302", "MIQ303", "MIQ304", "MIQ305", "MIQ504", "MIQ602"
        ]
    );
}

#[test]
fn xml_entities_are_never_expanded() {
    let lol = r#"<?xml version="1.0"?>
<!DOCTYPE w:document [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY ext SYSTEM "file:///etc/passwd">
]>"#;
    let xml = format!(
        "{lol}<w:document {W}><w:body><w:p><w:r><w:t>Objet &amp; &#233;tendue &lol9; &ext; fin</w:t></w:r></w:p></w:body></w:document>"
    );
    let doc = Document::from_bytes(Path::new("CCTP.docx"), "CCTP.docx", &docx(&xml)).unwrap();
    assert_eq!(&*doc.text, "Objet & étendue fin");
    // The same in the body of an ODT.
    let odt_xml = format!(
        "{}<office:document-content xmlns:office=\"o\" xmlns:text=\"t\"><office:body><office:text><text:p>a &lol9; b</text:p></office:text></office:body></office:document-content>",
        lol.replace("w:document", "office:document-content")
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(odt_xml.as_bytes()).unwrap();
    let odt = zip.finish().unwrap().into_inner();
    let doc = Document::from_bytes(Path::new("CCTP.odt"), "CCTP.odt", &odt).unwrap();
    assert_eq!(&*doc.text, "a b");
}

#[test]
fn docx_headings_come_from_custom_styles_and_article_paragraphs_and_headers_stay_apart() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let files = [
        (
            "word/styles.xml",
            format!(
                r#"<w:styles {W}><w:style w:type="paragraph" w:styleId="TitreArticle"><w:name w:val="Titre article CCTP"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style></w:styles>"#
            ),
        ),
        (
            "word/document.xml",
            format!(
                r#"<w:document {W}><w:body>
<w:p><w:pPr><w:pStyle w:val="Titre1"/></w:pPr><w:r><w:t>CCTP</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="TitreArticle"/></w:pPr><w:r><w:t>Objet du marché</w:t></w:r></w:p>
<w:p><w:r><w:t>Le marché a pour objet une prestation d'insertion.</w:t></w:r></w:p>
<w:p><w:r><w:t>Article 2 – Public visé</w:t></w:r></w:p>
<w:p><w:r><w:t>Des demandeurs d'emploi.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>
</w:body></w:document>"#
            ),
        ),
        (
            "word/footnotes.xml",
            format!(
                r#"<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>Au sens de France Travail.</w:t></w:r></w:p></w:footnote></w:footnotes>"#
            ),
        ),
        (
            "word/header1.xml",
            format!(
                r#"<w:hdr {W}><w:p><w:r><w:t>Communauté de communes – CCTP</w:t></w:r></w:p></w:hdr>"#
            ),
        ),
    ];
    for (name, xml) in files {
        zip.start_file(name, opts).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let doc = Document::from_bytes(Path::new("CCTP.docx"), "CCTP.docx", &bytes).unwrap();
    let headings: Vec<(&str, u8)> = doc
        .headings
        .iter()
        .map(|h| (&doc.text[h.text.clone()], h.level))
        .collect();
    assert_eq!(
        headings,
        [
            ("CCTP", 1),
            ("Objet du marché", 2),
            ("Article 2 – Public visé", 2)
        ]
    );
    let public = &doc.text[doc.headings[2].section.clone()];
    assert!(public.ends_with("Des demandeurs d'emploi."), "{public:?}");
    assert!(doc.text.contains("Au sens de France Travail."));
    assert!(doc.text.ends_with("Communauté de communes – CCTP"));
    assert_eq!(doc.location(doc.text.len() - 1).paragraph, 7);
}
