//! The bad-input catalogue: each hostile input gives a clear message naming the file, never a
//! panic or a hang, and the other inputs are still checked. (Zip bombs, external entities,
//! encrypted and scanned PDFs and broken zips are in tests/formats.rs; random documents in
//! tests/robustness.rs.)

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use crate::util::{self, fixture, root};

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

#[test]
fn empty_binary_invalid_and_mixed_text() {
    let dir = setup();
    let d = dir.path().join("mauvais");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("vide.md"), b"").unwrap();
    std::fs::write(
        d.join("binaire.md"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00binary",
    )
    .unwrap();
    std::fs::write(
        d.join("utf8-invalide.txt"),
        b"March\xe9 d\x92insertion \xff\xfe\xfd",
    )
    .unwrap();
    let mut mixed = "Prestation d’insertion — ".as_bytes().to_vec();
    mixed.extend(b"accompagnement socioprofessionnel renforc\xe9");
    std::fs::write(d.join("melange.txt"), &mixed).unwrap();
    std::fs::write(d.join("vide.txt"), b" \n\r\n\t").unwrap();
    std::fs::write(
        d.join("bom-binaire.md"),
        b"\xEF\xBB\xBF\x7fELF\x02\x01\x01\x00\x00",
    )
    .unwrap();
    let (v, stderr, code) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    for file in ["binaire.md", "bom-binaire.md"] {
        assert_eq!(
            error_for(&v, file)["message"],
            "this is not a text document (it contains binary data)"
        );
    }
    // Empty text files are reported like empty files of the other formats.
    for file in ["vide.md", "vide.txt"] {
        assert_eq!(error_for(&v, file)["message"], "the file is empty");
    }
    // Not UTF-8-like at all: Windows-1252, silently. UTF-8 with a stray byte: UTF-8, the
    // byte replaced, and the reader told where.
    let docs = checked_documents(&v);
    assert!(
        docs.contains(&"mauvais/utf8-invalide.txt") && docs.contains(&"mauvais/melange.txt"),
        "{docs:?}"
    );
    assert!(
        stderr.contains("mauvais/melange.txt: invalid UTF-8: 1 byte sequence(s) replaced by « \u{fffd} », the first at line 1 (byte 70)"),
        "{stderr}"
    );
    assert!(!stderr.contains("utf8-invalide.txt"), "{stderr}");
}

#[test]
fn one_stray_byte_does_not_turn_a_utf8_draft_into_mojibake() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("melange")).unwrap();
    let mut text = std::fs::read(dir.path().join("bon/CCTP.md")).unwrap();
    text.extend(b"\n\nLot 2 : entretien des abords (voirie, \x92espaces verts\x92).\n");
    std::fs::write(dir.path().join("melange/CCTP.md"), &text).unwrap();
    let (v, stderr, _) = check(dir.path(), &["bon", "melange"]);
    let quotes = |tender: &str| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"].as_str().unwrap().starts_with(tender))
            .map(|d| format!("{} {}", d["rule"], d["quote"]))
            .collect()
    };
    // The same findings, quoted without mojibake, as for the clean draft.
    assert_eq!(quotes("melange"), quotes("bon"));
    assert!(
        !quotes("melange").concat().contains("Ã"),
        "{:?}",
        quotes("melange")
    );
    assert!(
        stderr.contains("melange/CCTP.md: invalid UTF-8: 2 byte sequence(s) replaced"),
        "{stderr}"
    );
}

#[test]
fn a_huge_single_line_is_refused_by_the_size_limit() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("gros")).unwrap();
    let line = "prestation d’insertion ".repeat(100_000_000 / 24);
    std::fs::write(dir.path().join("gros/ligne.txt"), line.as_bytes()).unwrap();
    let (v, stderr, code) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    let msg = error_for(&v, "ligne.txt")["message"].as_str().unwrap();
    assert!(
        msg.starts_with("the file is too large (") && msg.contains("the limit is 67 MB"),
        "{msg}"
    );
    assert!(stderr.contains("gros/ligne.txt"), "{stderr}");
}

#[test]
fn deep_nesting_in_markdown_and_html() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("profond")).unwrap();
    // A list 10,000 levels deep, and a quotation as deep.
    let deep = "- ".repeat(10_000) + "prestation d’insertion\n\n" + &"> ".repeat(10_000) + "x\n";
    std::fs::write(dir.path().join("profond/liste.md"), deep).unwrap();
    // 50,000 nested elements: refused before the HTML parser builds its tree.
    let html = format!(
        "<html><body>{}prestation d’insertion{}</body></html>",
        "<div>".repeat(50_000),
        "</div>".repeat(50_000)
    );
    std::fs::write(dir.path().join("profond/page.html"), html).unwrap();
    let (v, _, code) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    assert_eq!(
        error_for(&v, "page.html")["message"],
        "`the HTML page` nests its elements more than 1000 levels deep"
    );
    let docs = checked_documents(&v);
    assert!(docs.contains(&"profond/liste.md"), "{docs:?}");
}

#[test]
fn deeply_nested_xml_is_refused_by_the_depth_limit() {
    use std::io::Write;
    let dir = setup();
    std::fs::create_dir(dir.path().join("xml")).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", opts).unwrap();
    let body = format!(
        "<w:document xmlns:w=\"w\"><w:body>{}<w:p><w:r><w:t>x</w:t></w:r></w:p>{}</w:body></w:document>",
        "<w:sdt>".repeat(5_000),
        "</w:sdt>".repeat(5_000)
    );
    zip.write_all(body.as_bytes()).unwrap();
    std::fs::write(
        dir.path().join("xml/CCTP.docx"),
        zip.finish().unwrap().into_inner(),
    )
    .unwrap();
    let (v, _, code) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    assert_eq!(
        error_for(&v, "CCTP.docx")["message"],
        "`word/document.xml` nests its elements more than 1000 levels deep"
    );
}

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
fn symlink_loops_and_special_files() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("boucle")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("boucle/retour")).unwrap();
    std::os::unix::fs::symlink("boucle", dir.path().join("boucle/soi")).unwrap();
    let fifo = dir.path().join("tube.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (v, _, code) = check(dir.path(), &[".", "tube.md"]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(
        error_for(&v, "tube.md")["message"],
        "not a regular file (a device, a pipe or a socket)"
    );
    assert_eq!(v["summary"]["tenders"], 1);
}

#[test]
fn unreadable_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = setup();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        dir.path().join("bon"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::set_permissions(
        dir.path().join("bon/CCTP.md"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("ferme")).unwrap();
    std::fs::write(dir.path().join("ferme/RC.md"), "# Règlement\n").unwrap();
    std::fs::set_permissions(
        dir.path().join("ferme"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::set_permissions(
        dir.path().join("ferme/RC.md"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("tenderlint");
    // Root reads every file: run as `nobody` then (setpriv, from util-linux).
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    let mut cmd = if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let out = cmd
        .current_dir(dir.path())
        .args(["check", "--format", "json", "."])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    if is_root && !out.status.success() && out.stdout.is_empty() {
        panic!(
            "could not run as nobody: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(2));
    let msg = error_for(&v, "RC.md")["message"].as_str().unwrap();
    assert!(
        msg.starts_with("cannot read the file:") && msg.contains("ermission denied"),
        "{msg}"
    );
    assert!(checked_tender(&v, "bon"), "{v}");
}

#[test]
fn killing_a_write_leaves_the_previous_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("regles.tl");
    let before =
        "rule LOC1 { tags public level info forbid \"x\" message \"m\" why \"w\" fix \"f\" }\n";
    std::fs::write(&file, before).unwrap();
    // The process dies after writing the new content to a temporary file, before the rename.
    let out = util::bin()
        .args(["fmt"])
        .arg(&file)
        .env("TENDERLINT_TEST_ABORT_BEFORE_RENAME", "1")
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    // The temporary file was removed before the process died.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // The same for a baseline.
    let src = setup();
    let base = src.path().join("base.json");
    std::fs::write(&base, "{\"version\": 1, \"findings\": []}\n").unwrap();
    let out = util::bin()
        .current_dir(src.path())
        .args(["check", "--write-baseline", "base.json", "bon"])
        .env("TENDERLINT_TEST_ABORT_BEFORE_RENAME", "1")
        .timeout(HANG_GUARD)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read_to_string(&base).unwrap(),
        "{\"version\": 1, \"findings\": []}\n"
    );
    // Without the fault, the write goes through.
    util::bin().args(["fmt"]).arg(&file).assert().success();
    assert_ne!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn documents_are_opened_read_only_and_nothing_is_written_beside_them() {
    use std::os::unix::fs::PermissionsExt;
    let dir = setup();
    let doc = dir.path().join("bon/CCTP.md");
    let before = std::fs::read(&doc).unwrap();
    std::fs::set_permissions(&doc, std::fs::Permissions::from_mode(0o444)).unwrap();
    let listing = |d: &Path| {
        let mut v: Vec<_> = walkdir::WalkDir::new(d)
            .into_iter()
            .flatten()
            .map(|e| e.path().to_path_buf())
            .collect();
        v.sort();
        v
    };
    let files_before = listing(dir.path());
    for format in [
        "human", "json", "sarif", "gitlab", "junit", "github", "short",
    ] {
        tl(dir.path())
            .args(["check", "--format", format, "bon"])
            .assert()
            .code(1);
    }
    assert_eq!(std::fs::read(&doc).unwrap(), before);
    assert_eq!(listing(dir.path()), files_before);
}

/// Found by `scripts/fuzz.sh` (read_pdf): an input that makes the PDF library panic. The panic
/// is caught inside the reader and becomes a clear error for that file.
#[test]
fn a_pdf_that_panics_the_pdf_library_is_a_clear_error() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("pdf")).unwrap();
    std::fs::copy(
        root().join("tests/hostile/pdf-extract-panic.pdf"),
        dir.path().join("pdf/CCTP.pdf"),
    )
    .unwrap();
    let (v, stderr, code) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    assert_eq!(
        error_for(&v, "CCTP.pdf")["message"],
        "the PDF cannot be read: its structure is not supported"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
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

// ---------------------------------------------------------------------------------------------
// Outputs: never over an input, a link or a special file; generated files never read back

/// Runs tenderlint in `dir` and returns its exit code and standard error.
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = tl(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().expect("exited normally"), stderr)
}

const INPUT_REFUSED: &str =
    "the output is one of the files being checked: tenderlint never overwrites its inputs";

#[test]
fn an_output_over_an_input_document_is_refused_before_checking() {
    let dir = setup();
    std::fs::copy(
        fixture("formats/bon-docx/CCTP.docx"),
        dir.path().join("bon/CCAP.docx"),
    )
    .unwrap();
    let md = std::fs::read(dir.path().join("bon/CCTP.md")).unwrap();
    let docx = std::fs::read(dir.path().join("bon/CCAP.docx")).unwrap();
    for args in [
        &["check", "--format", "json", "bon", "-o", "bon/CCTP.md"][..],
        &["check", "bon", "--write-baseline", "bon/CCTP.md"],
        &["report", "bon", "-o", "bon/CCAP.docx"],
        &["report", "bon", "-o", "./bon/../bon/CCAP.docx"],
        // A file given by name, from another folder.
        &[
            "check",
            "--format",
            "sarif",
            "bon/CCTP.md",
            "-o",
            "bon/CCTP.md",
        ],
    ] {
        let (code, stderr) = run(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(INPUT_REFUSED), "{args:?}: {stderr}");
        // Refused before checking: no finding was printed, only the refusal.
        assert!(!stderr.contains("MIQ"), "{stderr}");
    }
    // Through a link to the folder, too.
    std::os::unix::fs::symlink("bon", dir.path().join("lien")).unwrap();
    let (code, stderr) = run(dir.path(), &["report", "bon", "-o", "lien/CCTP.md"]);
    assert_eq!(code, 2);
    assert!(stderr.contains(INPUT_REFUSED), "{stderr}");
    assert_eq!(std::fs::read(dir.path().join("bon/CCTP.md")).unwrap(), md);
    assert_eq!(
        std::fs::read(dir.path().join("bon/CCAP.docx")).unwrap(),
        docx
    );
}

#[test]
fn an_output_that_is_a_fifo_a_link_or_a_folder_is_refused() {
    let dir = setup();
    let fifo = dir.path().join("tube.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let victim = dir.path().join("victime.txt");
    std::fs::write(&victim, "intact").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("lien.json")).unwrap();
    for (target, reason) in [
        (
            "tube.json",
            "the output is not a regular file (a device, a pipe or a socket)",
        ),
        (
            "lien.json",
            "the output is a symbolic link: tenderlint does not write through links",
        ),
        ("bon", "the output is a folder"),
    ] {
        for args in [
            &["check", "--format", "json", "bon", "-o", target][..],
            &["check", "bon", "--write-baseline", target],
        ] {
            let (code, stderr) = run(dir.path(), args);
            assert_eq!(code, 2, "{args:?}");
            assert!(stderr.contains(&format!("{target}: {reason}")), "{stderr}");
        }
    }
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join("lien.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "intact");
    // `fmt` does not replace a link to a rule file by a file.
    let rules = dir.path().join("regles.tl");
    std::fs::write(
        &rules,
        "rule LOC1 { tags public level info forbid \"x\" message \"m\" why \"w\" fix \"f\" }\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&rules, dir.path().join("lien.tl")).unwrap();
    let (code, stderr) = run(dir.path(), &["fmt", "lien.tl"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("lien.tl: the output is a symbolic link"),
        "{stderr}"
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join("lien.tl"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

use std::os::unix::fs::FileTypeExt;

#[test]
fn a_text_output_named_like_a_document_is_refused() {
    let dir = setup();
    let (code, stderr) = run(dir.path(), &["check", "bon", "-o", "resultat.txt"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("resultat.txt: this output would be read as a document by the next check (it has a document's extension and no tenderlint mark)"),
        "{stderr}"
    );
    assert!(!dir.path().join("resultat.txt").exists());
    // A marked format may: the next check skips it.
    let (code, _) = run(
        dir.path(),
        &["check", "--format", "json", "bon", "-o", "bon/r.txt"],
    );
    assert_eq!(code, 1);
    let (v, stderr, _) = check(dir.path(), &["bon"]);
    assert!(!checked_documents(&v).contains(&"bon/r.txt"), "{v}");
    assert!(
        stderr.contains("bon/r.txt: skipped: tenderlint generated this file"),
        "{stderr}"
    );
}

/// The temporary file has a random name and is created exclusively: a link planted at the
/// name an earlier version would have used (`.NAME.tenderlint-PID.tmp`, for the next process
/// ids) redirects nothing.
#[test]
fn a_link_planted_at_a_temporary_name_does_not_redirect_the_write() {
    let dir = setup();
    let victim = dir.path().join("victime.txt");
    std::fs::write(&victim, "intact").unwrap();
    let last = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .unwrap_or(1000);
    for pid in last..last + 300 {
        std::os::unix::fs::symlink(
            &victim,
            dir.path().join(format!(".r.json.tenderlint-{pid}.tmp")),
        )
        .unwrap();
    }
    let (code, stderr) = run(
        dir.path(),
        &["check", "--format", "json", "bon", "-o", "r.json"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "intact");
    let written = std::fs::read_to_string(dir.path().join("r.json")).unwrap();
    assert!(written.contains("\"generator\": \"tenderlint"), "{written}");
    // Nothing else was left in the folder: the links, the victim, the output and `bon`.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 300 + 3);
}

#[test]
fn a_report_left_in_the_checked_folder_is_skipped_with_a_notice() {
    let dir = setup();
    let (before, _, _) = check(dir.path(), &["bon"]);
    // `report` without -o writes to standard output.
    let out = tl(dir.path()).args(["report", "bon"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.starts_with(b"<!DOCTYPE html>"));
    assert!(!dir.path().join("rapport.html").exists());
    for (args, file) in [
        (
            &["report", "bon", "-o", "bon/rapport.html"][..],
            "rapport.html",
        ),
        (
            &["check", "--format", "sarif", "bon", "-o", "bon/r.sarif.md"],
            "r.sarif.md",
        ),
        (
            &[
                "check",
                "--format",
                "junit",
                "bon",
                "-o",
                "bon/r.junit.html",
            ],
            "r.junit.html",
        ),
        (
            &[
                "check",
                "--format",
                "gitlab",
                "bon",
                "-o",
                "bon/r.gitlab.txt",
            ],
            "r.gitlab.txt",
        ),
        (
            &["check", "bon", "--write-baseline", "bon/base.md"],
            "base.md",
        ),
    ] {
        let (code, stderr) = run(dir.path(), args);
        assert!(code <= 1, "{args:?}: {stderr}");
        let (after, stderr, _) = check(dir.path(), &["bon"]);
        assert_eq!(after["diagnostics"], before["diagnostics"], "{file}");
        assert_eq!(after["summary"], before["summary"], "{file}");
        assert!(
            stderr.contains(&format!("bon/{file}: skipped: tenderlint generated this file (a report or a baseline), it is not a document of the tender")),
            "{stderr}"
        );
        // Writing the report again over the last one is allowed.
        let (code, stderr) = run(dir.path(), args);
        assert!(code <= 1, "{args:?}: {stderr}");
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs that used to end the whole run

fn rule_with(cond: &str) -> String {
    format!(
        "rule DEEP1 {{\n  tags objet\n  level warning\n  forbid {cond}\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n}}\n"
    )
}

#[test]
fn deeply_nested_conditions_are_a_rule_file_error_not_a_stack_overflow() {
    let dir = setup();
    // 2,000 nested groups (4 KB): the parser used to overflow its stack.
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

/// A PDF of one page from the bodies of its objects 4…n (1: catalog, 2: pages, 3: the page,
/// whose content is object 5 and whose resources are `resources`; 4: a font).
fn pdf(resources: &str, rest: &[Vec<u8>]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> {resources} >> >>").into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    objects.extend(rest.iter().cloned());
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn pdf_stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {} {dict} >>\nstream\n", data.len()).into_bytes();
    s.extend(data);
    s.extend(b"\nendstream");
    s
}

/// A form XObject drawing `content`, with these XObjects in its resources.
fn pdf_form(xobjects: &str, content: &str) -> Vec<u8> {
    pdf_stream(
        &format!(
            "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << {xobjects} >> >>"
        ),
        content.as_bytes(),
    )
}

const PDF_TEXT: &str = "BT /F1 12 Tf 72 720 Td (Prestation d'insertion) Tj ET\n";

/// A zlib stream of `chunk` repeated `times` times, made without compressing it all: one
/// fully flushed deflate block of the chunk (self-contained), repeated, then the final block
/// and the checksum (zlib's `adler32_combine`, once per repetition).
fn zlib_repeated(chunk: &[u8], times: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(chunk.len());
    c.compress_vec(chunk, &mut block, FlushCompress::Full)
        .unwrap();
    assert_eq!(c.total_in() as usize, chunk.len());
    let mut fin = Vec::with_capacity(64);
    c.compress_vec(&[], &mut fin, FlushCompress::Finish)
        .unwrap();
    const BASE: u64 = 65521;
    let (mut a, mut b) = (1u64, 0u64);
    for &x in chunk {
        a = (a + u64::from(x)) % BASE;
        b = (b + a) % BASE;
    }
    let (chunk_a, chunk_b, rem) = (a, b, chunk.len() as u64 % BASE);
    let (mut sum_a, mut sum_b) = (1u64, 0u64);
    for _ in 0..times {
        let a = (sum_a + chunk_a + BASE - 1) % BASE;
        let b = (rem * sum_a + sum_b + chunk_b + BASE - rem) % BASE;
        (sum_a, sum_b) = (a, b);
    }
    let mut out = vec![0x78, 0xda];
    for _ in 0..times {
        out.extend(&block);
    }
    out.extend(&fin);
    out.extend((((sum_b << 16) | sum_a) as u32).to_be_bytes());
    out
}

#[test]
fn hostile_pdfs_are_refused_one_by_one_and_the_run_goes_on() {
    let dir = setup();
    let d = dir.path().join("pdf");
    std::fs::create_dir(&d).unwrap();
    // A form that draws itself: the PDF library recursed until the stack overflowed.
    let cycle = pdf(
        "/XObject << /X1 6 0 R >>",
        &[
            pdf_stream("", format!("{PDF_TEXT}/X1 Do\n").as_bytes()),
            pdf_form("/X1 6 0 R", "/X1 Do\n"),
        ],
    );
    std::fs::write(d.join("boucle.pdf"), cycle).unwrap();
    // The same through a name written with an escape, and two forms drawing each other.
    let pair = pdf(
        "/XObject << /X1 6 0 R >>",
        &[
            pdf_stream("", b"/X#31 Do\n"),
            pdf_form("/X2 7 0 R", "/X2 Do\n"),
            pdf_form("/X1 6 0 R", "q /X1 Do Q\n"),
        ],
    );
    std::fs::write(d.join("paire.pdf"), pair).unwrap();
    // Forms nested 40 deep, without a loop.
    let mut forms = Vec::new();
    for k in 0..40 {
        forms.push(if k == 39 {
            pdf_form("", PDF_TEXT)
        } else {
            pdf_form(
                &format!("/X{} {} 0 R", k + 1, 7 + k),
                &format!("/X{} Do\n", k + 1),
            )
        });
    }
    let mut objects = vec![pdf_stream("", b"/X0 Do\n")];
    objects.extend(forms);
    std::fs::write(
        d.join("profond.pdf"),
        pdf("/XObject << /X0 6 0 R >>", &objects),
    )
    .unwrap();
    // Forms drawing forms ten times each, eight levels: 10^8 drawings of a line of text.
    let mut objects = vec![pdf_stream("", b"/X8 Do\n"), pdf_form("", PDF_TEXT)];
    for k in 1..=8 {
        objects.push(pdf_form(
            &format!("/X{} {} 0 R", k - 1, 6 + k - 1),
            &format!("/X{} Do\n", k - 1).repeat(10),
        ));
    }
    std::fs::write(
        d.join("multiplie.pdf"),
        pdf("/XObject << /X8 14 0 R >>", &objects),
    )
    .unwrap();
    // 6 GB of zeros in a 6 MB file; 1 GB of text operators in a 1 MB one.
    let zeros = zlib_repeated(&vec![0; 1 << 20], 6 << 10);
    std::fs::write(
        d.join("zeros.pdf"),
        pdf("", &[pdf_stream("/Filter /FlateDecode", &zeros)]),
    )
    .unwrap();
    let ops = zlib_repeated(&b"(abcdefgh) Tj\n".repeat(1 << 16), 1 << 10);
    std::fs::write(
        d.join("operateurs.pdf"),
        pdf("", &[pdf_stream("/Filter /FlateDecode", &ops)]),
    )
    .unwrap();
    // 20 MB of text operators: within what a PDF may unpack, past what its pages may draw.
    let dense = zlib_repeated(&b"(abcdefgh) Tj\n".repeat(1 << 16), 20);
    std::fs::write(
        d.join("dense.pdf"),
        pdf("", &[pdf_stream("/Filter /FlateDecode", &dense)]),
    )
    .unwrap();
    let (v, stderr, code) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    let loop_msg = "the PDF cannot be read: a form draws itself (a loop)";
    for (file, msg) in [
        ("boucle.pdf", loop_msg),
        ("paire.pdf", loop_msg),
        (
            "profond.pdf",
            "the PDF cannot be read: its forms are nested more than 32 levels deep",
        ),
        (
            "multiplie.pdf",
            "the content the PDF's pages draw is more than 16 MB: the document is too large or is a decompression bomb",
        ),
        (
            "dense.pdf",
            "the content the PDF's pages draw is more than 16 MB: the document is too large or is a decompression bomb",
        ),
        (
            "zeros.pdf",
            "the PDF unpacks to more than 64 MB: the document is too large or is a decompression bomb",
        ),
        (
            "operateurs.pdf",
            "the PDF unpacks to more than 64 MB: the document is too large or is a decompression bomb",
        ),
    ] {
        assert_eq!(error_for(&v, file)["message"], msg, "{file}");
        assert!(stderr.contains(&format!("pdf/{file}")), "{stderr}");
    }
    // Within the limits, the same shapes are read: forms drawing forms, once each.
    std::fs::create_dir(dir.path().join("pdf-ok")).unwrap();
    let mut objects = vec![pdf_stream("", b"/X2 Do\n"), pdf_form("", PDF_TEXT)];
    for k in 1..=2 {
        objects.push(pdf_form(
            &format!("/X{} {} 0 R", k - 1, 6 + k - 1),
            &format!("/X{} Do\n", k - 1).repeat(3),
        ));
    }
    std::fs::write(
        dir.path().join("pdf-ok/CCTP.pdf"),
        pdf("/XObject << /X2 8 0 R >>", &objects),
    )
    .unwrap();
    let (v, _, _) = check(dir.path(), &["bon", "pdf-ok"]);
    assert!(checked_documents(&v).contains(&"pdf-ok/CCTP.pdf"), "{v}");
}

/// `<div/>` opens a div (only void elements close themselves in HTML): a million of them nest
/// a million deep, and the HTML parser's tree building is quadratic in the depth. They are
/// refused by the depth bound before parsing; a flat page of as many elements is read.
#[test]
fn self_closing_html_elements_nest_and_are_refused_before_parsing() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("html")).unwrap();
    for (file, tag) in [("div.html", "<div/>"), ("inconnu.html", "<x-bloc/>")] {
        let page = format!(
            "<html><body><p>Prestation d’insertion</p>{}</body></html>",
            tag.repeat(1_000_000)
        );
        std::fs::write(dir.path().join("html").join(file), page).unwrap();
    }
    // Flat: a hundred thousand paragraphs, with line breaks and images (5 MB).
    std::fs::create_dir(dir.path().join("plat")).unwrap();
    let flat = format!(
        "<html><body>{}</body></html>",
        "<p>Prestation<br/>d’insertion<img src=x></p>".repeat(100_000)
    );
    std::fs::write(dir.path().join("plat/CCTP.html"), flat).unwrap();
    // Flat but huge: the parser's tree takes about 200 bytes an element (3 million took 1 GB).
    std::fs::write(
        dir.path().join("html/elements.html"),
        format!("<p>Prestation d’insertion</p>{}", "<br>".repeat(1_000_001)),
    )
    .unwrap();
    let (v, _, code) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    assert_eq!(
        error_for(&v, "elements.html")["message"],
        "the HTML page has more than 1000000 elements"
    );
    for file in ["div.html", "inconnu.html"] {
        assert_eq!(
            error_for(&v, file)["message"],
            "`the HTML page` nests its elements more than 1000 levels deep"
        );
    }
    assert!(checked_documents(&v).contains(&"plat/CCTP.html"), "{v}");
}

#[test]
fn regexes_too_slow_or_too_large_are_refused_at_load_with_their_place() {
    let dir = setup();
    let slow = "this regex repeats too much: its counted repetitions add 99999 positions, the most is 1000";
    for (cond, message) in [
        // 112 s on 300 KB of `a` with a 1 s budget, and the tender was not reported as skipped.
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
    // Over the size limit: was a warning without a place, exit 0, and a rule that never fired.
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
fn reading_counts_in_the_time_budget() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("lourd")).unwrap();
    // No rule at all: only reading the 4 MB document takes time, longer than 1 ms.
    std::fs::write(
        dir.path().join("lourd/CCTP.md"),
        "Le titulaire assure l’encadrement.\n\n".repeat(110_000),
    )
    .unwrap();
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

/// A one-line document: every *missing* finding used to quote its first paragraph, the whole
/// line (a 60 MB line gave 4.2 GB of output), and every finding printed the whole line.
#[test]
fn findings_on_a_very_long_line_quote_a_short_excerpt() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("ligne")).unwrap();
    let text = std::fs::read_to_string(dir.path().join("bon/CCTP.md"))
        .unwrap()
        .replace('\n', " ");
    let line = format!(
        "{text} {}",
        "Le titulaire assure le service demandé. ".repeat(25_000)
    );
    std::fs::write(dir.path().join("ligne/CCTP.txt"), &line).unwrap();
    let (v, _, _) = check(dir.path(), &["bon", "ligne"]);
    let missing: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "missing" && d["file"] == "ligne/CCTP.txt")
        .collect();
    assert!(!missing.is_empty());
    for d in &missing {
        let quote = d["quote"].as_str().unwrap();
        let end = d["span"]["offset"].as_u64().unwrap() as usize + quote.len();
        assert!(quote.len() <= 300, "{} bytes", quote.len());
        // Cut at a word boundary.
        assert!(line[end..].starts_with(' '), "{quote:?}");
    }
    let out = tl(dir.path()).args(["check", "ligne"]).output().unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    let longest = human.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 700, "a line of {longest} characters");
    assert!(human.contains("…"), "{human}");
    // The place is still given in the document's lines and columns.
    let first = &missing[0];
    assert!(
        human.contains(&format!(
            "ligne/CCTP.txt:{}:{}]",
            first["line"], first["column"]
        )),
        "{human}"
    );
}

#[test]
fn symlinked_documents_in_a_folder_are_reported_not_silently_skipped() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("liens")).unwrap();
    std::os::unix::fs::symlink("../bon/CCTP.md", dir.path().join("liens/CCTP.md")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("liens/RC.txt")).unwrap();
    let (v, stderr, code) = check(dir.path(), &["bon", "liens"]);
    assert_eq!(code, 1);
    for file in ["CCTP.md", "RC.txt"] {
        assert!(
            stderr.contains(&format!(
                "liens/{file}: skipped: a symbolic link inside a folder is not followed"
            )),
            "{stderr}"
        );
    }
    assert!(!checked_tender(&v, "liens"), "{v}");
}

#[test]
fn a_write_error_on_standard_output_exits_2_with_a_message() {
    let dir = setup();
    for format in ["human", "json", "short"] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("tenderlint"))
            .current_dir(dir.path())
            .args(["check", "--format", format, "bon"])
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("error: cannot write the output: No space left on device"),
            "{format}: {stderr}"
        );
    }
}

#[test]
fn control_characters_in_file_names_are_escaped() {
    let dir = setup();
    let name = "CC\x1b[2J\x1b]0;titre\x07TP.md";
    std::fs::copy(
        dir.path().join("bon/CCTP.md"),
        dir.path().join("bon").join(name),
    )
    .unwrap();
    std::fs::write(dir.path().join("bon/vide\r.md"), "").unwrap();
    let out = tl(dir.path()).args(["check", "bon"]).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stdout.contains(r"bon/CC\u{1b}[2J\u{1b}]0;titre\u{7}TP.md"),
        "{stdout}"
    );
    assert!(
        stderr.contains(r"bon/vide\r.md: the file is empty"),
        "{stderr}"
    );
    for text in [&stdout, &stderr] {
        assert!(!text.contains('\x1b') && !text.contains('\x07') && !text.contains('\r'));
    }
}

/// Ctrl-C while the output is being written: the temporary file is removed and the target is
/// left as it was (the process pauses between the write and the rename, for the test).
#[test]
fn an_interrupted_write_leaves_no_temporary_file() {
    let dir = setup();
    std::fs::write(dir.path().join("r.json"), "avant").unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tenderlint"))
        .current_dir(dir.path())
        .args(["check", "--format", "json", "bon", "-o", "r.json"])
        .env("TENDERLINT_TEST_PAUSE_BEFORE_RENAME", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let temporary = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".tenderlint-"))
    };
    // The temporary file once written: it is registered for removal before its first byte, so
    // an interruption from then on must remove it.
    let written = || {
        std::fs::read_dir(dir.path()).unwrap().flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with(".tenderlint-")
                && e.metadata().is_ok_and(|m| m.len() > 0)
        })
    };
    // Wait for the temporary file (a guard against a hang, not a measure of speed).
    let deadline = std::time::Instant::now() + HANG_GUARD;
    while !written() {
        assert!(std::time::Instant::now() < deadline, "no temporary file");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Standard input stays open until the process has ended (`wait` would close it first,
    // and the paused write would go on).
    let stdin = child.stdin.take();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(130));
    assert!(!temporary());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r.json")).unwrap(),
        "avant"
    );
}
