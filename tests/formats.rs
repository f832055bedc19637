//! The output formats for CI and editors (`--format short|sarif|github|gitlab|junit`), checked
//! by running the binary on the fixtures: exact lines where the format is a line format, the
//! official schema for SARIF, stable fingerprints for GitLab, a parsed XML tree for JUnit, and
//! one insta snapshot per format.

use std::path::Path;

use assert_cmd::Command;

fn tl() -> Command {
    let mut c = Command::cargo_bin("tenderlint").unwrap();
    c.env("NO_COLOR", "1").env("COLUMNS", "100");
    c
}

/// Runs `tenderlint check --format FORMAT ARGS...` in `dir` (default: the crate root).
fn check_in(dir: Option<&Path>, format: &str, args: &[&str]) -> (String, String, i32) {
    let mut cmd = tl();
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd
        .args(["check", "--format", format])
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

fn check(format: &str, args: &[&str]) -> (String, i32) {
    let (out, _, code) = check_in(None, format, args);
    (out, code)
}

// ---------------------------------------------------------------------------------------------
// short

#[test]
fn short_is_one_exact_line_per_finding() {
    let (out, code) = check("short", &["fixtures/objet-activite"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "fixtures/objet-activite/CCTP.md:8:36: error[MIQ102] L’objet commence par l’activité ; l’insertion n’y vient qu’après, ou comme simple modalité.\n\
         fixtures/objet-activite/CCTP.md:10:4: warning[MIQ104] L’objet fait de l’insertion une « action d’insertion » à la charge du titulaire, comme dans une clause sociale.\n\
         fixtures/objet-activite/CCTP.md:10:22: warning[MIQ103] L’insertion est exprimée comme une clause sociale (heures d’insertion, % des heures) et non comme la prestation achetée.\n\
         fixtures/objet-activite/CCTP.md:55:21: warning[MIQ103] L’insertion est exprimée comme une clause sociale (heures d’insertion, % des heures) et non comme la prestation achetée.\n"
    );
}

#[test]
fn short_prints_nothing_for_a_clean_tender_and_input_errors_go_to_stderr() {
    let (out, err, code) = check_in(None, "short", &["fixtures/miq-complet", "absent.md"]);
    assert_eq!(out, "");
    assert_eq!(code, 2);
    assert!(err.contains("absent.md"), "{err}");
}

#[test]
fn short_snapshot() {
    let (out, _) = check("short", &["fixtures/"]);
    insta::assert_snapshot!("short_all_fixtures", out);
}
