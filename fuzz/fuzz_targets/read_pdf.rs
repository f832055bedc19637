//! The .pdf reader on arbitrary bytes: a document or a clear error, never a panic.
//!
//! pdf-extract panics on some malformed files; the reader catches those panics and reports the
//! file as unreadable, as the binary does. libfuzzer-sys installs a panic hook that aborts before
//! `catch_unwind` can act, so the hook is replaced by one that aborts only for panics raised
//! outside the PDF extraction: those are real bugs and still crash the fuzzer.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !tenderlint::document::pdf::reading() {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        let _ = tenderlint::document::Document::from_bytes(std::path::Path::new("x.pdf"), "x.pdf", data);
    }
);
