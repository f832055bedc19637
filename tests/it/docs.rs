//! The documentation is tested: every rule-language code block of the reference and of the
//! tutorial parses (```tl-fragment) or compiles and passes its examples (```tl), and the
//! tutorial's final pack is the one in examples/.

use std::collections::HashMap;

use tenderlint::compile::{self, PackSource};
use tenderlint::examples;
use tenderlint::lang::format::format;
use tenderlint::lang::{SourceFile, parse_rule_file};

use crate::util::bin;

const DOCS: &[&str] = &["docs/rule-language.md", "docs/writing-a-pack.md"];

/// (info string, first line number, body) of each fenced block.
fn blocks(text: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            match open.take() {
                Some(b) => out.push(b),
                None => open = Some((info.trim().to_string(), n + 1, String::new())),
            }
        } else if let Some((_, _, body)) = &mut open {
            body.push_str(line);
            body.push('\n');
        }
    }
    assert!(open.is_none(), "unclosed code block");
    out
}

#[test]
fn every_code_block_is_checked() {
    let mut counted = (0, 0);
    for doc in DOCS {
        let text = std::fs::read_to_string(doc).unwrap();
        for (info, line, body) in blocks(&text) {
            let at = format!("{doc}:{line}");
            assert!(
                !info.is_empty(),
                "{at}: bare ``` fence: say what the block is (tl, tl-fragment, sh, text…)"
            );
            match info.as_str() {
                "tl" => {
                    counted.0 += 1;
                    let file = SourceFile::new(at.clone(), body.clone());
                    let (set, errors) = compile::compile(
                        &[PackSource {
                            default_id: "doc".into(),
                            files: vec![file],
                        }],
                        &HashMap::new(),
                    );
                    assert!(
                        errors.is_empty(),
                        "{at}: {:#?}",
                        errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>()
                    );
                    let failures = examples::run_all(&set);
                    assert!(
                        failures.is_empty(),
                        "{at}: {:#?}",
                        failures
                            .iter()
                            .map(|f| f.0.message.clone())
                            .collect::<Vec<_>>()
                    );
                    assert_eq!(
                        format(&body).unwrap(),
                        body,
                        "{at}: not in the canonical layout"
                    );
                }
                "tl-fragment" => {
                    counted.1 += 1;
                    let (_, errors) = parse_rule_file(&body);
                    assert!(errors.is_empty(), "{at}: {errors:#?}");
                }
                _ => {}
            }
        }
    }
    assert!(counted.0 >= 15 && counted.1 >= 5, "{counted:?}");
}

#[test]
fn the_tutorial_pack_is_the_one_in_examples() {
    let tutorial = std::fs::read_to_string("docs/writing-a-pack.md").unwrap();
    let bodies: Vec<String> = blocks(&tutorial).into_iter().map(|b| b.2).collect();
    for entry in std::fs::read_dir("examples/plie").unwrap() {
        let path = entry.unwrap().path();
        let content = std::fs::read_to_string(&path).unwrap();
        assert!(
            bodies.iter().any(|b| b.trim_end() == content.trim_end()),
            "{} is not shown as is in the tutorial",
            path.display()
        );
    }
}

#[test]
fn the_example_pack_passes_its_tests_and_is_formatted() {
    let out = bin().args(["test", "examples/plie"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.trim_end().ends_with(" passed, 0 failed"), "{text}");
    bin().args(["fmt", "--check", "examples/"]).assert().code(0);
}

/// docs/miq-pack.md is `tenderlint explain --all --format md`: the hand-written guide
/// (rules/miq/README.md) then every rule. Regenerate it with
/// `cargo run -- explain --all --format md > docs/miq-pack.md` (or UPDATE_DOCS=1 cargo test).
#[test]
fn the_pack_guide_is_generated_from_the_rules() {
    let out = bin()
        .args(["explain", "--all", "--format", "md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let generated = String::from_utf8(out.stdout).unwrap();
    // Nothing of the hand-written guide is lost, and every rule is there with its examples.
    let head = std::fs::read_to_string("rules/miq/README.md").unwrap();
    assert!(generated.contains(head.trim_end()));
    assert!(generated.contains("| C1 object worded as insertion |"));
    assert!(generated.contains("| `poids_min_insertion` | 50 |"));
    for id in ["MIQ101", "MIQ306", "MIQ717", "MIQ803"] {
        assert!(generated.contains(&format!("\n#### {id} — ")), "{id}");
    }
    assert!(generated.contains("Exemple qui déclenche la règle :\n\n```text\n"));
    let path = "docs/miq-pack.md";
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(path).unwrap();
    assert!(
        current == generated,
        "{path} is out of date: run `cargo run -- explain --all --format md > {path}` \
         (edit rules/miq/README.md or the rules, not {path})"
    );
}

#[test]
fn explain_all_prints_every_rule_for_a_terminal() {
    let out = bin()
        .env("COLUMNS", "80")
        .args(["explain", "--all"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("Pourquoi c’est important\n").count(), 58);
    assert!(
        text.lines()
            .all(|l| l.chars().count() <= 80 || l.contains('│'))
    );
}
