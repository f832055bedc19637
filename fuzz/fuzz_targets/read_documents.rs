//! The Markdown and plain-text readers (with encoding detection) on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tenderlint::document::Document;

fuzz_target!(|data: &[u8]| {
    for name in ["x.md", "x.txt"] {
        if let Ok(doc) = Document::from_bytes(std::path::Path::new(name), name, data) {
            for h in &doc.headings {
                assert!(h.text.end <= doc.text.len() && h.section.end <= doc.text.len());
            }
            for b in &doc.blocks {
                assert!(b.span.end <= doc.text.len());
            }
        }
    }
});
