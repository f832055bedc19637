//! Reading a 200-page Word document: a .docx generated in memory (about 2,000 paragraphs,
//! 100,000 words, with headings, lists, a table per article and tracked changes), read into the
//! document model. Run with `cargo bench --bench readers`.

use std::io::Write;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use tenderlint::document::Document;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// A .docx of about 200 pages: 50 articles of 4 pages each (about 500 words a page).
pub fn docx_200_pages() -> Vec<u8> {
    let sentence = "Le titulaire assure l’accompagnement socioprofessionnel des personnes en \
                    parcours d’insertion, en lien avec le référent, et transmet un bilan. ";
    let mut body = String::new();
    for article in 1..=50 {
        body.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Article {article} – Stipulations</w:t></w:r></w:p>"#
        ));
        for para in 0..36 {
            body.push_str("<w:p><w:r><w:t xml:space=\"preserve\">");
            for _ in 0..3 {
                body.push_str(sentence);
            }
            body.push_str("</w:t></w:r>");
            if para % 6 == 0 {
                body.push_str(r#"<w:del w:id="1"><w:r><w:delText>texte supprimé</w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t> texte ajouté</w:t></w:r></w:ins>"#);
            }
            body.push_str("</w:p>");
        }
        for item in 0..4 {
            body.push_str(&format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Point {item} de la liste</w:t></w:r></w:p>"#
            ));
        }
        body.push_str("<w:tbl>");
        for row in 0..3 {
            body.push_str(&format!(
                "<w:tr><w:tc><w:p><w:r><w:t>Critère {row}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{row}0 %</w:t></w:r></w:p></w:tc></w:tr>"
            ));
        }
        body.push_str("</w:tbl>");
    }
    let document = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(document.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn readers(c: &mut Criterion) {
    let bytes = docx_200_pages();
    let doc = Document::from_bytes(Path::new("CCTP.docx"), "CCTP.docx", &bytes).unwrap();
    assert_eq!(doc.headings.len(), 50);
    assert!(doc.text.split_whitespace().count() > 100_000);
    c.bench_function("read a 200-page docx", |b| {
        b.iter(|| Document::from_bytes(Path::new("CCTP.docx"), "CCTP.docx", &bytes).unwrap())
    });
}

criterion_group!(benches, readers);
criterion_main!(benches);
