//! No document makes the reader or the engine panic: random bytes, odd Markdown, odd text.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use tenderlint::compile::{self, RuleSet};
use tenderlint::document::{Document, Tender};
use tenderlint::engine::{Options, check_tender};
use tenderlint::packs;

use crate::util::Lcg;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    let (rules, errors) = compile::compile(&packs::builtin(), &HashMap::new());
    assert!(errors.is_empty());
    rules
});

fn check_bytes(name: &str, bytes: &[u8]) {
    let rules = &*RULES;
    if let Ok(doc) = Document::from_bytes(Path::new(name), name, bytes) {
        let opts = Options {
            force_packs: vec!["miq".into()],
            ..Default::default()
        };
        let result = check_tender(rules, Tender::from_documents("t", vec![doc]), &opts);
        for f in &result.findings {
            assert!(f.span.end <= f.source.len(), "{name}: span out of the text");
            assert!(
                f.source.is_char_boundary(f.span.start) && f.source.is_char_boundary(f.span.end),
                "{name}: span not on a char boundary"
            );
            assert!(f.line >= 1 && f.column >= 1);
        }
    }
}

#[test]
fn random_bytes_and_fragments() {
    let alphabet: Vec<&str> = vec![
        "# ",
        "## Objet du marché\n",
        "\n",
        "\r\n",
        " ",
        "é",
        "\u{fffd}",
        "’",
        "«",
        "»",
        "\u{a0}",
        "<br />",
        "*",
        "_",
        "[",
        "]",
        "(",
        ")",
        "|",
        "-",
        "1.",
        "ARTICLE 3 – ",
        "prestation d’insertion",
        "nettoyage",
        "a pour objet",
        "tout public",
        "RSA",
        "10 % des heures",
        "```",
        "<!--",
        "-->",
        "\u{301}",
        "œ",
        "\t",
        "> ",
        "    ",
    ];
    let mut rng = Lcg(42);
    for case in 0..400 {
        let mut s = String::new();
        for _ in 0..(rng.next() % 200) {
            s.push_str(alphabet[(rng.next() as usize) % alphabet.len()]);
        }
        check_bytes(if case % 2 == 0 { "x.md" } else { "x.txt" }, s.as_bytes());
        let bytes: Vec<u8> = (0..(rng.next() % 300)).map(|_| rng.next() as u8).collect();
        check_bytes("x.md", &bytes);
        check_bytes("x.txt", &bytes);
    }
}

#[test]
fn pathological_shapes() {
    let nested: String = (0..10_000)
        .map(|i| format!("{}- a\n", "  ".repeat(i % 500)))
        .collect();
    check_bytes("nested.md", nested.as_bytes());
    let quotes = ">".repeat(5_000) + " prestation d’insertion";
    check_bytes("quotes.md", quotes.as_bytes());
    let long_line = "prestation d’insertion ".repeat(40_000);
    check_bytes("long.txt", long_line.as_bytes());
    check_bytes("empty.md", b"");
    check_bytes("bom.md", b"\xEF\xBB\xBF");
    check_bytes("utf16.md", b"\xFF\xFE\x00");
    check_bytes("cr.txt", b"\r\r\r# a\r");
    check_bytes("combining.md", "\u{301}\u{301}é\u{301}".as_bytes());
}
