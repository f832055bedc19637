//! The bad-input catalogue: each hostile input gives a clear message naming the file, never a
//! panic or a hang, and the other inputs are still checked. Zip bombs, external entities,
//! encrypted and scanned PDFs and broken zips are in the `formats` module; random documents in
//! `robustness`.
//!
//! - `documents`: empty, binary, badly encoded, huge, deeply nested, unreadable or oddly named
//!   documents, links and special files;
//! - `pdf`: PDFs that loop, nest, multiply their drawings or unpack to gigabytes;
//! - `rules`: rule files and tenders past the limits (rule count, nesting, regex size, time
//!   budget);
//! - `outputs`: writes never go over an input, a link or a special file, survive being killed,
//!   and generated files are not read back as documents.

mod documents;
mod outputs;
mod pdf;
mod rules;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use crate::util::{self, fixture};

/// A generous guard against hangs (not a speed measure: speed is in the benchmarks).
const HANG_GUARD: Duration = Duration::from_secs(300);

/// The binary run in `dir`, wide enough for long lines, with a guard against hangs.
fn tl(dir: &Path) -> Command {
    let mut c = util::tl_in(dir);
    c.env("COLUMNS", "1000").timeout(HANG_GUARD);
    c
}

/// A folder with one good tender (`bon/`) beside whatever the test adds.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("bon")).unwrap();
    std::fs::copy(
        fixture("objet-activite/CCTP.md"),
        dir.path().join("bon/CCTP.md"),
    )
    .unwrap();
    dir
}

/// Runs `check --format json` and returns the output, its stderr and exit code; asserts no
/// panic and that the good tender was checked.
fn check(dir: &Path, args: &[&str]) -> (Value, String, i32) {
    let out = tl(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let code = out.status.code().expect("exited normally");
    assert!(
        checked_tender(&v, "bon"),
        "the good tender was not checked: {v}"
    );
    (v, stderr, code)
}

/// Whether the JSON output has a result for this tender.
fn checked_tender(v: &Value, path: &str) -> bool {
    v["tenders"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["path"] == path)
}

/// The documents of the tenders the JSON output has a result for.
fn checked_documents(v: &Value) -> Vec<&str> {
    v["tenders"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            t["documents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["path"].as_str().unwrap())
        })
        .collect()
}

fn error_for<'a>(v: &'a Value, file: &str) -> &'a Value {
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("no error for {file}: {v}"))
}

/// Runs tenderlint in `dir` and returns its exit code and standard error.
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = tl(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().expect("exited normally"), stderr)
}

/// A rule file of one rule, DEEP1, whose condition is `cond` (on line 4, from column 10).
fn rule_with(cond: &str) -> String {
    format!(
        "rule DEEP1 {{\n  tags objet\n  level warning\n  forbid {cond}\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n}}\n"
    )
}
