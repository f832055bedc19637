//! The JSON output (`--format json`, version 2): its rules table, its snapshot, and every field
//! it writes documented in docs/json-output.md.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::util::tl;

fn check(args: &[&str]) -> Value {
    let out = tl()
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn version_2_describes_each_rule_once() {
    let v = check(&["fixtures/"]);
    assert_eq!(v["version"], 2);
    let rules = v["rules"].as_object().unwrap();
    let diagnostics = v["diagnostics"].as_array().unwrap();
    // One entry per rule with a diagnostic, no other.
    let used: BTreeSet<&str> = diagnostics
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    let described: BTreeSet<&str> = rules.keys().map(String::as_str).collect();
    assert_eq!(used, described);
    assert!(diagnostics.len() > rules.len(), "no rule with two findings");
    for d in diagnostics {
        // The explanations are the rule's, not repeated; where and what stay.
        for key in ["why", "fix", "see"] {
            assert!(d.get(key).is_none(), "{key} repeated on {d}");
        }
        for key in [
            "rule", "pack", "level", "tags", "kind", "message", "file", "line",
        ] {
            assert!(d.get(key).is_some(), "missing {key} in {d}");
        }
        let r = &rules[d["rule"].as_str().unwrap()];
        assert_eq!((&r["pack"], &r["tags"]), (&d["pack"], &d["tags"]));
    }
    let miq101 = &rules["MIQ101"];
    assert_eq!(miq101["level"], "error");
    assert_eq!(miq101["tags"], serde_json::json!(["objet"]));
    assert!(
        miq101["why"]
            .as_str()
            .unwrap()
            .starts_with("Dans un marché d’insertion")
    );
    assert!(miq101["fix"].as_str().is_some_and(|f| !f.is_empty()));
    assert!(miq101["see"][0].as_str().unwrap().contains("R2123-1 3°"));
}

/// A level set by the configuration is the diagnostic's; the rule keeps its pack's.
#[test]
fn a_diagnostic_keeps_its_reported_level() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dce")).unwrap();
    std::fs::copy(
        "fixtures/objet-activite/CCTP.md",
        dir.path().join("dce/CCTP.md"),
    )
    .unwrap();
    let config = dir.path().join("tenderlint.toml");
    std::fs::write(&config, "[levels]\nMIQ101 = \"info\"\n").unwrap();
    let dce = dir.path().join("dce");
    let v = check(&["--config", config.to_str().unwrap(), dce.to_str().unwrap()]);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "MIQ101")
        .unwrap();
    assert_eq!(d["level"], "info");
    assert_eq!(v["rules"]["MIQ101"]["level"], "error");
}

#[test]
fn json_snapshot() {
    let mut v = check(&["fixtures/objet-activite"]);
    // The version changes with every release; the rest must not change by accident.
    v["generator"] = "[generator]".into();
    insta::assert_snapshot!(
        "json_objet-activite",
        serde_json::to_string_pretty(&v).unwrap()
    );
}

/// The field names of `v`, at every depth; the keys of `rules` are rule ids, not fields.
fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                if k == "rules" {
                    x.as_object().unwrap().values().for_each(|r| keys(r, out));
                } else {
                    keys(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
        _ => {}
    }
}

#[test]
fn every_json_field_is_documented() {
    let doc = std::fs::read_to_string("docs/json-output.md").unwrap();
    let mut found = Vec::new();
    for args in [vec!["fixtures/"], vec!["fixtures/miq-complet", "absent.md"]] {
        keys(&check(&args), &mut found);
    }
    found.sort();
    found.dedup();
    assert!(found.contains(&"expected".to_string()));
    let missing: Vec<&String> = found
        .iter()
        .filter(|k| !doc.contains(&format!("`{k}`")))
        .collect();
    assert!(missing.is_empty(), "undocumented JSON fields: {missing:?}");
}
