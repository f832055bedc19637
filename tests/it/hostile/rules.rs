//! Rule files and tenders past the limits: too many rules, conditions nested too deep, regexes
//! too slow or too large (refused at load, with their place), and tenders that take longer than
//! the time budget (skipped with a reason while the others are checked).

use serde_json::Value;

use super::{check, checked_tender, error_for, rule_with, setup, tl};

#[test]
fn ten_thousand_rules_and_a_catastrophic_regex() {
    let dir = setup();
    let mut rules = String::new();
    for i in 0..10_000 {
        rules.push_str(&format!("rule R{i} {{\n  tags public\n  level info\n  forbid \"mot{i}\"\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n}}\n"));
    }
    std::fs::write(dir.path().join("beaucoup.tl"), rules).unwrap();
    let (v, stderr, code) = check(dir.path(), &["bon", "--rules", "beaucoup.tl"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("too many rules: pack `beaucoup` would bring the total over 5000"),
        "{stderr}"
    );
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"].as_str().is_some_and(|r| r.starts_with("MIQ"))),
        "the other packs still run"
    );
    // A pattern that is catastrophic for backtracking engines runs in linear time here.
    std::fs::write(
        dir.path().join("lent.tl"),
        "rule SLOW1 {\n  tags objet\n  level warning\n  forbid /(a+)+$/\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n}\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("aaa")).unwrap();
    std::fs::write(dir.path().join("aaa/CCTP.txt"), "a".repeat(200_000) + "!").unwrap();
    std::fs::create_dir(dir.path().join("aaa2")).unwrap();
    std::fs::write(dir.path().join("aaa2/CCTP.txt"), "a".repeat(200_000)).unwrap();
    let (v, _, code) = check(dir.path(), &["bon", "aaa", "aaa2", "--rules", "lent.tl"]);
    assert_eq!(code, 1);
    let slow: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "SLOW1")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        slow,
        ["aaa2/CCTP.txt"],
        "the failing match (a…a!) finishes and finds nothing"
    );
}

#[test]
fn deeply_nested_conditions_are_a_rule_file_error_not_a_stack_overflow() {
    let dir = setup();
    // 2,000 nested groups (4 KB): enough to overflow the stack of a parser without a bound.
    let deep = format!("{}\"insertion\"{}", "(".repeat(2000), ")".repeat(2000));
    std::fs::write(dir.path().join("profond.tl"), rule_with(&deep)).unwrap();
    let (v, stderr, code) = check(dir.path(), &["bon", "--rules", "profond.tl"]);
    assert_eq!(code, 2);
    let e = error_for(&v, "profond.tl");
    assert_eq!(
        e["message"],
        "conditions nest more than 64 levels deep here"
    );
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(4), Some(74))
    );
    assert!(stderr.contains("profond.tl:4:74"), "{stderr}");
    // The same with `not`, lists and scopes.
    for cond in [
        format!("{}\"insertion\"", "not ".repeat(5000)),
        format!("{}\"insertion\"{}", "all (".repeat(3000), ")".repeat(3000)),
        format!(
            "\"insertion\" in {}document",
            "first 1 words of ".repeat(3000)
        ),
    ] {
        std::fs::write(dir.path().join("profond.tl"), rule_with(&cond)).unwrap();
        let (v, _, code) = check(dir.path(), &["bon", "--rules", "profond.tl"]);
        assert_eq!(code, 2);
        assert_eq!(
            error_for(&v, "profond.tl")["message"],
            "conditions nest more than 64 levels deep here"
        );
    }
    // Sixty levels are read, compiled and checked.
    let ok = format!(
        "{}\"prestations de nettoyage\"{}",
        "(".repeat(60),
        ")".repeat(60)
    );
    std::fs::write(dir.path().join("profond.tl"), rule_with(&ok)).unwrap();
    let (v, stderr, code) = check(dir.path(), &["bon", "--rules", "profond.tl"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "DEEP1"),
        "{v}"
    );
}

#[test]
fn regexes_too_slow_or_too_large_are_refused_at_load_with_their_place() {
    let dir = setup();
    let slow = "this regex repeats too much: its counted repetitions add 99999 positions, the most is 1000";
    for (cond, message) in [
        // Minutes on 300 KB of `a`, far past any time budget: refused before any document is read.
        ("/a{100000}/", slow),
        (
            "/(?:[ab]{100}x){20}/",
            "this regex repeats too much: its counted repetitions add 2018 positions, the most is 1000",
        ),
    ] {
        std::fs::write(dir.path().join("lent.tl"), rule_with(cond)).unwrap();
        let (v, stderr, code) = check(dir.path(), &["bon", "--rules", "lent.tl"]);
        assert_eq!(code, 2, "{cond}");
        let e = error_for(&v, "lent.tl");
        assert_eq!(e["message"], message);
        assert_eq!(
            (e["line"].as_u64(), e["column"].as_u64()),
            (Some(4), Some(10))
        );
        assert!(stderr.contains("lent.tl:4:10"), "{stderr}");
        assert!(
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["rule"].as_str().is_some_and(|r| r.starts_with("MIQ"))),
            "the other packs still run"
        );
    }
    // Over the size limit: an error at the rule's place and exit 2, not a rule that never fires.
    std::fs::write(dir.path().join("lent.tl"), rule_with(r"/\w{1000}/")).unwrap();
    let (v, stderr, code) = check(dir.path(), &["bon", "--rules", "lent.tl"]);
    assert_eq!(code, 2);
    let msg = error_for(&v, "lent.tl")["message"].as_str().unwrap();
    assert!(
        msg.starts_with(
            "this regex is too large once compiled (more than `max-regex-bytes`, 8 MB)"
        ),
        "{msg}"
    );
    assert!(!stderr.contains("warning: the pattern"), "{stderr}");
}

#[test]
fn a_tender_past_the_time_budget_is_skipped_with_a_reason_and_the_others_are_checked() {
    let dir = setup();
    // One paragraph of 4 MB where every word is a candidate for both sides of a `near`: the
    // slowest shape a rule can meet. Indexing it alone takes longer than a 1 ms budget.
    std::fs::create_dir(dir.path().join("lourd")).unwrap();
    std::fs::write(
        dir.path().join("lourd/CCTP.txt"),
        "insertion encadrement ".repeat(200_000),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("proche.tl"),
        "rule NEAR1 {\n  tags objet\n  level warning\n  forbid \"insertion\" near \"encadrement\" within 3 words\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("lourd/tenderlint.toml"),
        "[limits]\ntime-budget-ms = 1\n",
    )
    .unwrap();
    let (v, _, code) = check(dir.path(), &["bon", "lourd", "--rules", "proche.tl"]);
    assert_eq!(code, 2, "a skipped tender is an input error");
    let e = error_for(&v, "lourd");
    assert_eq!(
        e["message"],
        "skipped: checking took more than the time budget of 1 ms (pack proche, from rule NEAR1); raise `time-budget-ms` in [limits] if the tender is just large"
    );
    assert!(
        !checked_tender(&v, "lourd"),
        "the skipped tender has no result: {v}"
    );
}

#[test]
fn reading_counts_in_the_time_budget() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("lourd")).unwrap();
    // No rule at all (a rule file without any): only reading the 4 MB document takes time,
    // longer than 1 ms.
    std::fs::write(
        dir.path().join("lourd/CCTP.md"),
        "Le titulaire assure l’encadrement.\n\n".repeat(110_000),
    )
    .unwrap();
    std::fs::write(dir.path().join("vide.tl"), "# Aucune règle.\n").unwrap();
    std::fs::write(
        dir.path().join("lourd/tenderlint.toml"),
        "[limits]\ntime-budget-ms = 1\n",
    )
    .unwrap();
    let out = tl(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--no-default-rules",
            "--rules",
            "vide.tl",
            "bon",
            "lourd",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        error_for(&v, "lourd")["message"],
        "skipped: reading and checking it took more than the time budget of 1 ms; raise `time-budget-ms` in [limits] if the tender is just large"
    );
    assert!(
        checked_tender(&v, "bon") && !checked_tender(&v, "lourd"),
        "{v}"
    );
}
