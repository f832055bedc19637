//! The MIQ pack on arbitrary Markdown: never panics, every finding points inside its text.
#![no_main]
use std::collections::HashMap;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use tenderlint::compile::{self, RuleSet};
use tenderlint::document::{Document, Tender};
use tenderlint::engine::{Options, check_tender};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| compile::compile(&tenderlint::packs::builtin(), &HashMap::new()).0);

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::from_bytes(std::path::Path::new("CCTP.md"), "CCTP.md", data) else { return };
    let opts = Options { force_packs: vec!["miq".into()], ..Default::default() };
    let result = check_tender(&RULES, Tender::from_documents("t", vec![doc]), &opts);
    for f in &result.findings {
        assert!(f.span.end <= f.source.len());
        assert!(f.source.is_char_boundary(f.span.start) && f.source.is_char_boundary(f.span.end));
    }
});
