//! The .pdf reader on arbitrary bytes: a document or a clear error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tenderlint::document::Document::from_bytes(std::path::Path::new("x.pdf"), "x.pdf", data);
});
