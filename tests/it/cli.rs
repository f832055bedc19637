//! End-to-end tests of the `tenderlint` binary: exit codes, JSON shape, errors on bad inputs.

use serde_json::Value;

use crate::util::{rule_ids, tl};

fn json(args: &[&str]) -> (Value, i32) {
    let out = tl()
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (v, out.status.code().unwrap())
}

#[test]
fn rule_file_typo_gives_exit_2_and_points_at_it() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("local.tl");
    std::fs::write(&rules, "rule LOC1 {\n  tags public\n  levle error\n  expect \"x\"\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n}\n").unwrap();
    let out = tl()
        .args(["check", "fixtures/miq-complet", "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown field `levle`"), "{err}");
    assert!(err.contains("local.tl:3:3"), "{err}");
    assert!(err.contains("help: did you mean `level`?"), "{err}");
    // The documents were still checked.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Dossier fixtures/miq-complet"), "{stdout}");
}

#[test]
fn unreadable_inputs_give_exit_2_and_the_others_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("binaire.md"),
        b"PK\x03\x04\x00\x00\x00binary",
    )
    .unwrap();
    let missing = dir.path().join("absent.md");
    let out = tl()
        .args(["check", "--format", "json", "fixtures/miq-bon-texte"])
        .arg(dir.path())
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert!(errors[0]["file"].as_str().unwrap().ends_with("absent.md"));
    assert!(errors[1]["file"].as_str().unwrap().ends_with("binaire.md"));
    assert_eq!(
        errors[1]["message"],
        "this is not a text document (it contains binary data)"
    );
    assert_eq!(v["summary"]["tenders"], 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("binaire.md: this is not a text document"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    tl().args(["check", "--format", "xml"]).assert().code(2);
    tl().args(["explode"]).assert().code(2);
    tl().args(["check", "--pack", "nope", "fixtures/miq-complet"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown pack `nope`"));
    tl().args(["explain", "NOPE999"]).assert().code(2);
}

/// Output that cannot be written is a failed run, whatever the format and however small the
/// output (into a pipe or a file it is written in blocks, so the failure may only show at the
/// end).
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_exits_2() {
    let run = |args: &[&str]| {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_tenderlint"))
            .args(args)
            .stdout(full)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .code()
    };
    for format in ["human", "short", "json", "sarif", "github"] {
        let args = ["check", "--format", format, "fixtures/objet-activite"];
        assert_eq!(run(&args), Some(2), "{args:?}");
    }
    assert_eq!(run(&["rules"]), Some(2));
    assert_eq!(run(&["config", "fixtures/objet-activite"]), Some(2));
}

#[test]
fn json_has_the_stable_shape() {
    let (v, _) = json(&["fixtures/objet-activite"]);
    assert_eq!(v["version"], 2);
    let t = &v["tenders"][0];
    assert_eq!(t["path"], "fixtures/objet-activite");
    assert_eq!(t["documents"][0]["path"], "fixtures/objet-activite/CCTP.md");
    assert_eq!(t["documents"][0]["kind"], "cctp");
    assert_eq!(t["packs"][0]["id"], "miq");
    assert_eq!(t["packs"][0]["applied"], true);
    let d = &v["diagnostics"][0];
    for key in [
        "rule", "level", "tags", "message", "file", "line", "column", "span",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    let rule = &v["rules"][d["rule"].as_str().unwrap()];
    for key in ["why", "fix", "see"] {
        assert!(rule.get(key).is_some(), "missing {key} in {rule}");
    }
    assert!(d["span"]["offset"].is_u64() && d["span"]["length"].is_u64());
    for key in ["tenders", "documents", "errors", "warnings", "infos"] {
        assert!(v["summary"][key].is_u64(), "summary.{key}");
    }
}

#[test]
fn windows_1252_and_utf16_read_like_utf8() {
    let src = std::fs::read_to_string("fixtures/objet-activite/CCTP.md").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cp1252, _, lossy) = encoding_rs::WINDOWS_1252.encode(&src);
    assert!(!lossy, "fixture has characters outside Windows-1252");
    let d1 = dir.path().join("cp1252");
    std::fs::create_dir(&d1).unwrap();
    std::fs::write(d1.join("CCTP.md"), &cp1252).unwrap();
    let d2 = dir.path().join("utf16");
    std::fs::create_dir(&d2).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        src.replace('\n', "\r\n")
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    std::fs::write(d2.join("CCTP.md"), &utf16).unwrap();
    let (reference, _) = json(&["fixtures/objet-activite"]);
    for d in [&d1, &d2] {
        let (v, _) = json(&[d.to_str().unwrap()]);
        assert_eq!(rule_ids(&v), rule_ids(&reference), "{}", d.display());
        let lines = |v: &Value| {
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["line"].as_u64().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(&v), lines(&reference));
    }
}

/// The plans of the rules' patterns are kept between runs and give the same findings; a
/// damaged plans file, or a cache folder that cannot be written, changes nothing but speed.
#[test]
fn plans_kept_between_runs_change_nothing() {
    let cache = tempfile::tempdir().unwrap();
    let run = |dir: &std::path::Path, extra: &[&str]| {
        let out = tl()
            .env("TENDERLINT_CACHE_DIR", dir)
            .args([
                "check",
                "--format",
                "json",
                "fixtures/eval",
                "fixtures/miq-complet",
            ])
            .args(extra)
            .output()
            .unwrap();
        (String::from_utf8(out.stdout).unwrap(), out.status.code())
    };
    let plans_files = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(cache.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    };
    let fresh = run(cache.path(), &["--no-cache"]);
    assert!(fresh.0.contains("\"rule\""), "{}", fresh.0);
    assert!(
        plans_files().is_empty(),
        "--no-cache wrote {:?}",
        plans_files()
    );

    let first = run(cache.path(), &[]);
    let files = plans_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("plans-") && name.ends_with(".bin"),
        "{name}"
    );
    let written = std::fs::read(&files[0]).unwrap();
    assert!(written.starts_with(b"tenderlint plans\n"));
    let modified = std::fs::metadata(&files[0]).unwrap().modified().unwrap();
    let second = run(cache.path(), &[]);
    assert_eq!(first, fresh);
    assert_eq!(second, fresh);
    // All the plans were there: the file is not written again.
    assert_eq!(
        std::fs::metadata(&files[0]).unwrap().modified().unwrap(),
        modified
    );

    // Damaged: ignored, worked out again and rewritten.
    std::fs::write(&files[0], &written[..written.len() / 2]).unwrap();
    assert_eq!(run(cache.path(), &[]), fresh);
    assert_eq!(std::fs::read(&files[0]).unwrap(), written);

    // The cache "folder" is a file: nothing is kept, nothing fails.
    let not_a_dir = cache.path().join("file");
    std::fs::write(&not_a_dir, "x").unwrap();
    assert_eq!(run(&not_a_dir, &[]), fresh);
    assert_eq!(std::fs::read(&not_a_dir).unwrap(), b"x");
}

/// A tender of documents written by the test, checked with one rule file and no embedded pack.
fn check_with(rule: &str, docs: &[(&str, &str)]) -> Vec<(String, String, usize)> {
    let dir = tempfile::tempdir().unwrap();
    let tender = dir.path().join("dossier");
    std::fs::create_dir(&tender).unwrap();
    for (name, text) in docs {
        std::fs::write(tender.join(name), text).unwrap();
    }
    let rules = dir.path().join("regle.tl");
    std::fs::write(&rules, rule).unwrap();
    let (v, _) = json(&[
        "--no-default-rules",
        "--rules",
        rules.to_str().unwrap(),
        tender.to_str().unwrap(),
    ]);
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                std::path::Path::new(d["file"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                d["line"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

#[test]
fn values_differ_between_documents_only_when_they_share_none() {
    let rule = "regex postes = /\\b([0-9]+) postes\\b/\n\nrule LOC1 {\n  tags    public\n  level   error\n  in      tender\n  forbid  postes differs between documents\n  message \"m\"\n  why     \"w\"\n  fix     \"f\"\n}\n";
    // Per lot and in total in one document, the total in the other: they agree.
    let agree = check_with(
        rule,
        &[
            (
                "CCTP.md",
                "Lot 1 : 12 postes.\n\nLot 2 : 8 postes.\n\nAu total, 20 postes.\n",
            ),
            ("RC.md", "Le marché ouvre 20 postes.\n"),
        ],
    );
    assert_eq!(agree, []);
    // One document alone never disagrees with itself.
    assert_eq!(
        check_with(rule, &[("CCTP.md", "12 postes, puis 20 postes.\n")]),
        []
    );
    // No number in common: both documents are pointed at.
    let disagree = check_with(
        rule,
        &[
            ("CCTP.md", "Le titulaire ouvre 12 postes.\n"),
            ("RC.md", "Le marché ouvre 10 postes.\n"),
        ],
    );
    assert_eq!(
        disagree,
        [
            ("LOC1".to_string(), "CCTP.md".to_string(), 1),
            ("LOC1".to_string(), "RC.md".to_string(), 1)
        ]
    );
}

#[test]
fn a_negated_mention_does_not_make_a_forbid_fire_and_windows_stay_in_their_row() {
    let rule = "rule LOC2 {\n  tags    objet\n  level   error\n  forbid  \"clause sociale\"\n  message \"m\"\n  why     \"w\"\n  fix     \"f\"\n}\n\nregex pourcent = /\\b[0-9]+ ?%/\n\nrule LOC3 {\n  tags    objet\n  level   error\n  forbid  pourcent near \"heures\" within 6 words\n  message \"m\"\n  why     \"w\"\n  fix     \"f\"\n}\n";
    let found = check_with(
        rule,
        &[(
            "CCTP.md",
            "Ce marché n’est pas assorti d’une clause sociale.\n\n\
             | Indicateur | Cible |\n|---|---|\n| Sorties dynamiques | 60 % |\n| Formation | 70 heures |\n\n\
             Le titulaire applique la clause sociale du CCAG.\n",
        )],
    );
    // Only the affirmed mention, and no « % … heures » across two rows.
    assert_eq!(found, [("LOC2".to_string(), "CCTP.md".to_string(), 8)]);
}

/// `fixtures/objet-activite` copied into a temporary folder, its CCTP with `line` inserted
/// above the paragraph of the object (line 8), where MIQ101 reports.
fn objet_activite_with(line: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let tender = dir.path().join("objet-activite");
    std::fs::create_dir(&tender).unwrap();
    let text = std::fs::read_to_string("fixtures/objet-activite/CCTP.md").unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(7, line);
    std::fs::write(tender.join("CCTP.md"), lines.join("\n") + "\n").unwrap();
    dir
}

/// Word, LibreOffice and pandoc turn `--` into an en or an em dash: the reason still follows
/// it, and the rule is suppressed without TL001 (no reason) or TL003 (unknown rule).
#[test]
fn a_suppression_written_in_word_with_a_dash_suppresses_with_its_reason() {
    for dash in ["\u{2013}", "\u{2014}", "--"] {
        let dir = objet_activite_with(&format!(
            "<!-- tenderlint-disable-next-line MIQ101 {dash} objet validé par le service juridique -->"
        ));
        let out = tl()
            .current_dir(dir.path())
            .args(["check", "--format", "json", "objet-activite"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let ids = rule_ids(&v);
        for id in ["MIQ101", "TL001", "TL002", "TL003"] {
            assert!(!ids.contains(&id.to_string()), "{dash}: {ids:?}");
        }
        let suppressed = v["suppressed"].as_array().unwrap();
        assert_eq!(suppressed.len(), 1, "{dash}: {suppressed:?}");
        assert_eq!(suppressed[0]["rule"], "MIQ101");
        assert_eq!(
            suppressed[0]["reason"],
            "objet validé par le service juridique"
        );
    }
}

/// The path `-` is standard input, as `--stdin`, and may sit beside other paths.
#[test]
fn the_path_dash_reads_standard_input() {
    let text = std::fs::read("fixtures/objet-activite/CCTP.md").unwrap();
    let short = |args: &[&str]| {
        let out = tl()
            .args(["check", "--format", "short"])
            .args(args)
            .write_stdin(text.clone())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        (stdout, stderr, out.status.code())
    };
    let (stdout, stderr, code) = short(&["-", "--stdin-filename", "CCTP.md"]);
    assert_eq!((stderr.as_str(), code), ("", Some(1)), "{stdout}");
    assert!(
        stdout.contains("CCTP.md:8:1: error[MIQ101] L’objet du marché ne désigne pas"),
        "{stdout}"
    );
    assert_eq!(
        (stdout.clone(), stderr.clone(), code),
        short(&["--stdin", "--stdin-filename", "CCTP.md"])
    );
    // Beside a folder: both are checked.
    let (both, _, _) = short(&["fixtures/public-vague", "-", "--stdin-filename", "CCTP.md"]);
    assert!(both.starts_with("fixtures/public-vague/"), "{both}");
    assert!(both.ends_with(&stdout), "{both}");
    // A name for standard input without standard input is a usage error.
    let (stdout, stderr, code) = short(&["fixtures/public-vague", "--stdin-filename", "CCTP.md"]);
    assert_eq!((stdout.as_str(), code), ("", Some(2)));
    assert_eq!(
        stderr,
        "error: --stdin-filename names standard input: give --stdin or the path `-`\n"
    );
}

#[test]
fn the_help_of_check_says_that_dash_is_standard_input() {
    let out = tl().args(["check", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("`-` is standard input"), "{help}");
}

/// Without the embedded packs and without rules of its own, a check has nothing to check with:
/// an error, not a clean exit.
#[test]
fn no_default_rules_without_rules_is_an_error() {
    let out = tl()
        .args(["check", "--format", "short", "--no-default-rules"])
        .arg("fixtures/objet-activite")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "tenderlint::read\n\n  × --no-default-rules: no rules to check with: the embedded packs are left out, and neither\n  │ --rules nor the configuration's `rules` gives any\n  help: give a rule file or pack folder with `--rules PATH`, or drop `--no-default-rules`\n\n"
    );
    // The configuration's `rules` are rules to check with.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("regles")).unwrap();
    std::fs::write(
        dir.path().join("regles/local.tl"),
        "rule LOC1 {\n  tags    objet\n  level   error\n  forbid  \"nettoyage\"\n  message \"m\"\n  why     \"w\"\n  fix     \"f\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tenderlint.toml"),
        "rules = [\"regles/\"]\n",
    )
    .unwrap();
    let tender = dir.path().join("dossier");
    std::fs::create_dir(&tender).unwrap();
    std::fs::copy("fixtures/objet-activite/CCTP.md", tender.join("CCTP.md")).unwrap();
    let out = tl()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "short",
            "--no-default-rules",
            "dossier",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("dossier/CCTP.md:4:22: error[LOC1] m\n"),
    );
}

/// An empty folder checks nothing: a warning naming it on standard error, the exit code 0.
#[test]
fn a_folder_without_documents_is_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("vide")).unwrap();
    std::fs::write(dir.path().join("vide/notes.log"), "pas un document").unwrap();
    let out = tl()
        .current_dir(dir.path())
        .args(["check", "--format", "short", "vide"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "warning: no document found under vide\n"
    );
    // No warning when something was found.
    let out = tl()
        .args(["check", "--format", "short", "fixtures/objet-activite"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
}

#[test]
fn config_of_a_path_that_does_not_exist_is_an_error() {
    let out = tl()
        .args(["config", "fixtures/no-such-tender"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: fixtures/no-such-tender: no such file or folder\n"
    );
}

/// An invalid tenderlint.toml is reported as a configuration error, whichever command reads it.
#[test]
fn configuration_errors_are_labelled_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tenderlint.toml"), "selct = []\n").unwrap();
    let tender = dir.path().join("dossier");
    std::fs::create_dir(&tender).unwrap();
    std::fs::copy("fixtures/objet-activite/CCTP.md", tender.join("CCTP.md")).unwrap();
    for args in [
        &["config", "dossier"][..],
        &["check", "--format", "short", "dossier"],
    ] {
        let out = tl().current_dir(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.starts_with(
                "tenderlint::config\n\n  × invalid configuration: unknown field `selct`"
            ),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("tenderlint::rule"), "{args:?}: {stderr}");
    }
}

/// `tenderlint test` takes rule paths and folders or files of test documents together: a
/// folder without rule files is not loaded as a pack, its test documents are checked with the
/// rules given, and one that holds neither is named in a warning.
#[test]
fn test_takes_rule_paths_and_test_document_folders_together() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("regles");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("local.tl"),
        "rule LOC1 {\n  tags    objet\n  level   error\n  forbid  \"nettoyage\"\n  message \"m\"\n  why     \"w\"\n  fix     \"f\"\n  example fail \"Du nettoyage.\"\n  example pass \"De l’insertion.\"\n}\n",
    )
    .unwrap();
    let docs = dir.path().join("cas");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(
        docs.join("objet.md"),
        "# Objet\n\n<!-- expect: LOC1 -->\nLe nettoyage des locaux.\n\n<!-- expect-not: LOC1 -->\nUne action d’insertion.\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("vide")).unwrap();
    let run = |args: &[&str]| {
        let out = tl()
            .current_dir(dir.path())
            .arg("test")
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        (stdout, stderr, out.status.code())
    };
    let ok = ("3 passed, 0 failed\n".to_string(), String::new(), Some(0));
    assert_eq!(run(&["regles/", "cas/"]), ok);
    assert_eq!(run(&["cas/", "regles/local.tl"]), ok);
    // A test document given as a file.
    assert_eq!(run(&["regles/", "cas/objet.md"]), ok);
    // A folder with neither rules nor test documents.
    assert_eq!(
        run(&["regles/", "vide"]),
        (
            "2 passed, 0 failed\n".to_string(),
            "warning: no rule file (.tl) and no test document (with `expect` markers) under vide\n"
                .to_string(),
            Some(0)
        )
    );
}

/// `--format short --show-suppressed` lists the suppressed findings after the findings, one
/// line each, `suppressed` in place of the level and the reason at the end; the same whether
/// the findings are streamed or written to a file.
#[test]
fn short_shows_suppressed_findings_with_their_reason() {
    let dir = objet_activite_with(
        "<!-- tenderlint-disable-next-line MIQ101 -- objet validé par le service juridique -->",
    );
    let short = |extra: &[&str]| {
        let out = tl()
            .current_dir(dir.path())
            .args(["check", "--format", "short", "objet-activite"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{extra:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let line = "objet-activite/CCTP.md:9:1: suppressed[MIQ101] L’objet du marché ne désigne pas une prestation d’insertion et de qualification professionnelle. (raison : objet validé par le service juridique)\n";
    let hidden = short(&[]);
    assert!(!hidden.contains("MIQ101"), "{hidden}");
    let shown = short(&["--show-suppressed"]);
    assert_eq!(shown, format!("{hidden}{line}"));
    short(&["--show-suppressed", "-o", "sortie.log"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sortie.log")).unwrap(),
        shown
    );
}
