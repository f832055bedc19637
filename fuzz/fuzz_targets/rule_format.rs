//! The formatter keeps the meaning and is idempotent on any file that parses.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tenderlint::lang::format::format;
use tenderlint::lang::parse_rule_file;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(once) = format(&text) {
        let (_, errors) = parse_rule_file(&once);
        assert!(errors.is_empty(), "formatted text does not parse:\n{once}");
        assert_eq!(format(&once).ok().as_deref(), Some(once.as_str()), "not idempotent");
    }
});
