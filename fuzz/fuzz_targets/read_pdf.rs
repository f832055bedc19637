//! The .pdf reader on arbitrary bytes: a document or a clear error, never a panic.
//!
//! pdf-extract panics on some malformed files; the reader catches those panics and reports the
//! file as unreadable, as the binary does. libfuzzer-sys installs a panic hook that aborts before
//! `catch_unwind` can act, so the hook is replaced by one that aborts only for panics raised
//! outside the PDF extraction: those are real bugs and still crash the fuzzer.
//!
//! The PDF bounds are lowered (see `init`): an input near the default bounds is slow under
//! the sanitizer without being a bug (one found that way read in 1.5 s and 473 MB in release).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(tenderlint::document::pdf::READER_THREAD) {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        // Bounds a quarter of the defaults: an input just within the defaults takes a second
        // or two in release, twenty times that under the sanitizer, past libFuzzer's timeout;
        // the shapes are the same at any size.
        let limits = tenderlint::limits::Limits {
            max_pdf_bytes: 16 << 20,
            max_pdf_content_bytes: 4 << 20,
            ..Default::default()
        };
        let path = std::path::Path::new("x.pdf");
        let _ = tenderlint::document::Document::from_bytes_with(path, "x.pdf", data, &limits);
    }
);
