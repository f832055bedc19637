//! The shipped packs: they compile, every rule is complete and explained, and every `example`
//! behaves as declared (`fail` triggers the rule, `pass` does not).

use std::collections::HashMap;

use tenderlint::compile::{self, PILLARS, RuleSet};
use tenderlint::{examples, packs};

use crate::util::bin;

fn builtin() -> RuleSet {
    let (set, errors) = compile::compile(&packs::builtin(), &HashMap::new());
    assert!(errors.is_empty(), "{errors:#?}");
    set
}

#[test]
fn every_example_behaves_as_declared() {
    let set = builtin();
    let failures: Vec<String> = examples::run_all(&set)
        .iter()
        .map(|f| {
            let (file, line, _) = f.0.location();
            format!(
                "{file}:{line}: {} ({})",
                f.0.message,
                f.0.help.clone().unwrap_or_default()
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_miq_rule_is_complete() {
    let set = builtin();
    let miq = set
        .packs
        .iter()
        .find(|p| p.id == "miq")
        .expect("the MIQ pack");
    assert!(miq.rules.len() >= 16, "{}", miq.rules.len());
    for r in &miq.rules {
        assert_eq!(r.tags.len(), 1, "{}: exactly one pillar", r.id);
        assert!(
            PILLARS.iter().any(|(p, _)| *p == r.tags[0]),
            "{}: {:?}",
            r.id,
            r.tags
        );
        assert!(
            !r.message.is_empty() && !r.why.is_empty() && !r.fix.is_empty(),
            "{}",
            r.id
        );
        assert!(!r.see.is_empty(), "{}: no reference", r.id);
        assert!(
            r.examples.iter().any(|e| e.pass),
            "{}: no pass example",
            r.id
        );
        assert!(
            r.examples.iter().any(|e| !e.pass),
            "{}: no fail example",
            r.id
        );
        // French typography in what facilitators read: curly apostrophes, no straight ones.
        for text in [&r.message, &r.why, &r.fix] {
            assert!(
                !text.contains('\''),
                "{}: straight apostrophe in « {text} »",
                r.id
            );
        }
    }
    // The four pillars that define the contract each have several rules.
    for pillar in ["objet", "support", "public", "encadrement"] {
        let n = miq.rules.iter().filter(|r| r.tags[0] == pillar).count();
        assert!(n >= 3, "{pillar}: {n} rules");
    }
}

#[test]
fn explain_and_rules_work_for_every_rule() {
    let set = builtin();
    let out = bin().arg("rules").output().unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    for (pack, r) in set.rules() {
        assert!(
            table.contains(&format!("{}  {:7}  ", r.id, r.level.as_str())),
            "{} not in the table",
            r.id
        );
        // The same text `tenderlint explain` prints (the binary is run once in the snapshot test).
        let text = tenderlint::report::catalogue::explain(pack, r, 100);
        // Wrapped for the terminal: compare the words.
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words(&text).starts_with(&words(&format!("{} — {}", r.id, r.message))),
            "{text}"
        );
        for heading in [
            "Pourquoi c’est important",
            "Comment corriger",
            "Références",
            "Exemple qui déclenche la règle",
            "Exemple correct",
        ] {
            assert!(text.contains(heading), "{}: no « {heading} »", r.id);
        }
    }
}

#[test]
fn explain_output_snapshot() {
    let out = bin()
        .args(["explain", "MIQ101"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn rules_json_lists_the_pack() {
    let out = bin()
        .args(["rules", "--format", "json", "--pack", "miq"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v[0];
    assert_eq!(first["id"], "MIQ101");
    assert_eq!(first["pack"], "miq");
    assert_eq!(first["level"], "error");
    assert_eq!(first["tags"], serde_json::json!(["objet"]));
}

#[test]
fn a_broken_example_fails_tenderlint_test_and_points_at_it() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("local.tl");
    std::fs::write(
        &rules,
        "rule LOC1 {\n  tags public\n  level warning\n  forbid \"tout public\"\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n  example fail \"Ouvert à tout public.\"\n  example fail \"Ouvert aux DELD.\"\n}\n",
    )
    .unwrap();
    let out = bin()
        .args(["test", "--no-default-rules", "--rules"])
        .arg(&rules)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("rule LOC1: a `fail` example does not trigger the rule"),
        "{text}"
    );
    assert!(text.contains("local.tl:9:16]"), "{text}");
    assert!(text.contains("1 passed, 1 failed"), "{text}");
}
