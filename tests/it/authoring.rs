//! Tools for rule authors: `fmt` (check, write, refuse broken files) and `test` (examples and
//! test documents with inline expectations).

use crate::util::tl;

const UNFORMATTED: &str = "# Local pack\nrule LOC1 { level warning\n  tags public # pillar\n  forbid \"tout public\"\n  message \"Public trop vague.\"\n  why \"w\"\n  fix \"f\" }\n";

#[test]
fn fmt_check_shows_a_diff_and_fmt_writes_the_canonical_layout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("local.tl");
    std::fs::write(&file, UNFORMATTED).unwrap();
    let out = tl()
        .args(["fmt", "--check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.contains("+  level   warning"), "{diff}");
    assert!(diff.contains("1 file(s) not formatted"), "{diff}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        UNFORMATTED,
        "--check must not write"
    );
    tl().args(["fmt"]).arg(dir.path()).assert().code(0);
    let formatted = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        formatted,
        "# Local pack\nrule LOC1 {\n  tags    public  # pillar\n  level   warning\n  forbid  \"tout public\"\n  message \"Public trop vague.\"\n  why     \"w\"\n  fix     \"f\"\n}\n"
    );
    tl().args(["fmt", "--check"]).arg(&file).assert().code(0);
}

#[test]
fn fmt_never_rewrites_a_file_it_cannot_parse() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.tl");
    let broken = "rule LOC1 {\n  tags public\n  levle warning\n}\n";
    std::fs::write(&file, broken).unwrap();
    let out = tl().args(["fmt"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `levle`"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), broken);
}

#[test]
fn shipped_rules_pass_their_tests_and_are_formatted() {
    let out = tl().args(["test", "rules/"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.trim_end().ends_with("0 failed"), "{text}");
    tl().args(["fmt", "--check", "rules/"]).assert().code(0);
}

#[test]
fn test_documents_check_inline_expectations() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("local.tl"),
        "rule LOC1 {\n  tags public\n  level warning\n  forbid \"tout public\"\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("page.md"),
        "# Public\n\n<!-- expect: LOC1 -->\nLe marché est ouvert à tout public.\n\n<!-- expect-not: LOC1 -->\nIl s’adresse aux bénéficiaires du RSA.\n",
    )
    .unwrap();
    let out = tl().args(["test"]).arg(dir.path()).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A wrong expectation fails, pointing at the marker, and an unexpected finding is reported.
    std::fs::write(dir.path().join("page.md"), "# Public\n\n<!-- expect: LOC1 -->\nIl s’adresse aux bénéficiaires du RSA.\n\nOuvert à tout public.\n").unwrap();
    let out = tl().args(["test"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("expected LOC1 to report on line 4"), "{text}");
    assert!(text.contains("page.md:3:1]"), "{text}");
    assert!(text.contains("unexpected LOC1 on line 6"), "{text}");
}
