//! Parse and compile arbitrary rule text, then run its examples: never panics.
#![no_main]
use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use tenderlint::compile::{self, PackSource};
use tenderlint::lang::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let source = PackSource { default_id: "fuzz".into(), files: vec![SourceFile::new("fuzz.tl", text)] };
    let (set, _) = compile::compile(&[source], &HashMap::new());
    let _ = tenderlint::examples::run_all(&set);
});
