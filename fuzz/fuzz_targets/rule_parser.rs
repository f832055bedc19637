//! The rule-language parser on arbitrary text: never panics, spans stay inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (_, errors) = tenderlint::lang::parse_rule_file(&text);
    for e in errors {
        assert!(e.span.end() <= text.len());
    }
});
