//! `[[overrides]]` in tenderlint.toml: selection and levels for the documents whose path
//! matches some globs, layered over the top level in order; their mistakes are configuration
//! errors pointing into the TOML.
//!
//! Each test checks a copy of `fixtures/objet-activite` twice, as two tenders of a temporary
//! folder: `dossier/CCTP.md` and `annexes/CCTP.md`, so that the same findings come from a
//! path an override matches and from one it does not.

use std::path::Path;

use serde_json::Value;

use crate::util::{fixture, tl_in};

/// A folder holding `dossier/CCTP.md`, `annexes/CCTP.md` and this `tenderlint.toml`.
fn tender(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let cctp = fixture("objet-activite/CCTP.md");
    std::fs::create_dir(dir.path().join("annexes")).unwrap();
    std::fs::create_dir(dir.path().join("dossier")).unwrap();
    std::fs::copy(&cctp, dir.path().join("dossier/CCTP.md")).unwrap();
    std::fs::copy(&cctp, dir.path().join("annexes/CCTP.md")).unwrap();
    std::fs::write(dir.path().join("tenderlint.toml"), config).unwrap();
    dir
}

/// The findings of `check --format json .` as (file, rule, level), sorted, and the exit status.
fn findings(dir: &Path) -> (Vec<(String, String, String)>, i32) {
    let out = tl_in(dir)
        .args(["check", "--format", "json", "."])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut got: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            (s("file"), s("rule"), s("level"))
        })
        .collect();
    got.sort();
    (got, out.status.code().unwrap())
}

/// Expected findings, written as (file, rule, level).
fn expect(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = list
        .iter()
        .map(|(f, r, l)| (f.to_string(), r.to_string(), l.to_string()))
        .collect();
    v.sort();
    v
}

/// The findings of `objet-activite/CCTP.md` without configuration, for a document `file`.
fn all_of(file: &'static str) -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (file, "MIQ101", "error"),
        (file, "MIQ103", "warning"),
        (file, "MIQ103", "warning"),
        (file, "MIQ104", "warning"),
        (file, "MIQ504", "warning"),
        (file, "MIQ602", "warning"),
    ]
}

#[test]
fn an_override_ignores_rules_in_the_annexes_only() {
    let dir = tender(
        "[[overrides]]\nfiles = [\"annexes/**\", \"**/*BPU*\"]\nignore = [\"MIQ103\", \"suivi\"]\n",
    );
    let (got, code) = findings(dir.path());
    let mut want = all_of("dossier/CCTP.md");
    want.extend([
        ("annexes/CCTP.md", "MIQ101", "error"),
        ("annexes/CCTP.md", "MIQ104", "warning"),
        ("annexes/CCTP.md", "MIQ504", "warning"),
    ]);
    assert_eq!(
        got,
        expect(&want),
        "MIQ103 and the suivi tag (MIQ602) ignored in annexes/"
    );
    assert_eq!(code, 1);
}

#[test]
fn an_override_changes_a_level_for_one_document() {
    let dir = tender(
        "[levels]\nMIQ104 = \"info\"\n\n[[overrides]]\nfiles = [\"annexes/CCTP.md\"]\n[overrides.levels]\nMIQ101 = \"info\"\n",
    );
    let (got, code) = findings(dir.path());
    let want = expect(&[
        ("dossier/CCTP.md", "MIQ101", "error"),
        ("dossier/CCTP.md", "MIQ103", "warning"),
        ("dossier/CCTP.md", "MIQ103", "warning"),
        ("dossier/CCTP.md", "MIQ104", "info"),
        ("dossier/CCTP.md", "MIQ504", "warning"),
        ("dossier/CCTP.md", "MIQ602", "warning"),
        ("annexes/CCTP.md", "MIQ101", "info"),
        ("annexes/CCTP.md", "MIQ103", "warning"),
        ("annexes/CCTP.md", "MIQ103", "warning"),
        ("annexes/CCTP.md", "MIQ104", "info"),
        ("annexes/CCTP.md", "MIQ504", "warning"),
        ("annexes/CCTP.md", "MIQ602", "warning"),
    ]);
    assert_eq!(got, want);
    assert_eq!(code, 1, "dossier/CCTP.md keeps its MIQ101 error");
}

#[test]
fn a_later_override_wins_over_an_earlier_one_and_the_top_level() {
    // Everywhere: MIQ602 ignored (top level), MIQ104 ignored and MIQ101 a warning (first
    // override). In annexes/, the second override selects only MIQ1 and MIQ6 (MIQ104 and
    // MIQ602 back, MIQ504 out) and puts MIQ101 back to error.
    let dir = tender(
        "ignore = [\"MIQ602\"]\n\n[[overrides]]\nfiles = [\"**\"]\nignore = [\"MIQ104\"]\n[overrides.levels]\nMIQ101 = \"warning\"\n\n[[overrides]]\nfiles = [\"annexes/\"]\nselect = [\"MIQ1\", \"MIQ6\"]\n[overrides.levels]\nMIQ101 = \"error\"\n",
    );
    let (got, code) = findings(dir.path());
    let want = expect(&[
        ("dossier/CCTP.md", "MIQ101", "warning"),
        ("dossier/CCTP.md", "MIQ103", "warning"),
        ("dossier/CCTP.md", "MIQ103", "warning"),
        ("dossier/CCTP.md", "MIQ504", "warning"),
        ("annexes/CCTP.md", "MIQ101", "error"),
        ("annexes/CCTP.md", "MIQ103", "warning"),
        ("annexes/CCTP.md", "MIQ103", "warning"),
        ("annexes/CCTP.md", "MIQ104", "warning"),
        ("annexes/CCTP.md", "MIQ602", "warning"),
    ]);
    assert_eq!(got, want);
    assert_eq!(code, 1);
}

#[test]
fn config_prints_the_overrides() {
    let dir = tender(
        "ignore = [\"MIQ602\"]\n\n[[overrides]]\nfiles = [\"annexes/**\", \"**/*BPU*\"]  # annexes\nignore = [\"MIQ103\"]\n[overrides.levels]\nMIQ101 = \"info\"\n",
    );
    let out = tl_in(dir.path()).args(["config", "."]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\n[[overrides]]\nfiles = [\"annexes/**\", \"**/*BPU*\"]\nselect = []\nignore = [\"MIQ103\"]\n[overrides.levels]\nMIQ101 = \"info\"\n"),
        "{text}"
    );
    // What it prints is a configuration that reads back.
    let again = tender(&text);
    let out = tl_in(again.path()).args(["config", "."]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let body = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&printed), body(&text));
}

/// The standard error of `check .` under a configuration, which must exit with status 2.
fn error_of(config: &str) -> String {
    let dir = tender(config);
    // Wide enough for a message and its help on one line each.
    let out = tl_in(dir.path())
        .env("COLUMNS", "400")
        .args(["check", "."])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    err
}

#[test]
fn wrong_overrides_are_configuration_errors() {
    let err = error_of("[[overrides]]\nfiles = []\nignore = [\"MIQ103\"]\n");
    assert!(
        err.contains("an override's `files` is empty: it would apply to no document")
            && err.contains("tenderlint.toml:2:9")
            && err.contains("every [[overrides]] entry needs `files`"),
        "{err}"
    );
    let err = error_of("[[overrides]]\nfiles = [\"annexes/{BPU,DPGF\"]\n");
    assert!(
        err.contains("invalid override path pattern")
            && err.contains("unclosed alternate group")
            && err.contains("tenderlint.toml:2:10")
            && err.contains("use a gitignore-style pattern relative to the configuration's folder"),
        "{err}"
    );
    let err = error_of("[[overrides]]\nfiles = [\"annexes/**\"]\nignor = [\"MIQ103\"]\n");
    assert!(
        err.contains("unknown field `ignor`")
            && err.contains("tenderlint.toml:3:1")
            && err.contains(
                "the keys of an [[overrides]] entry are: files, select, ignore, [overrides.levels]"
            ),
        "{err}"
    );
    // Names are checked against the loaded packs, as at the top level.
    let err = error_of(
        "[[overrides]]\nfiles = [\"annexes/**\"]\nselect = [\"MIQ9999\"]\n[overrides.levels]\nMIQ1O1 = \"info\"\n",
    );
    assert!(
        err.contains("unknown rule, tag or pack `MIQ9999`")
            && err.contains("unknown rule `MIQ1O1`")
            && err.contains("did you mean `MIQ101`?"),
        "{err}"
    );
}
