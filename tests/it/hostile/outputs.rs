//! Outputs: never over an input, a link or a special file; a killed or interrupted write leaves
//! the previous file intact and no temporary file; the documents are opened read-only; and the
//! files tenderlint generates are never read back as documents of the tender.

use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::time::Duration;

use super::{HANG_GUARD, check, checked_documents, run, setup, tl};
use crate::util::{self, fixture};

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

/// The temporary file has a random name and is created exclusively: a link planted at a
/// predictable name (`.NAME.tenderlint-PID.tmp`, for the next process ids) redirects nothing.
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
