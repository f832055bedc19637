//! What a tender repository needs in CI: configuration, inline suppressions, baselines, exit
//! policy, statistics, standard input, changed-since and .gitignore.

use std::path::Path;

use serde_json::Value;

use crate::util::{fixture, root, tl_in};

/// A temporary repository holding a copy of some fixtures.
fn repo(fixtures: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in fixtures {
        let src = fixture(f);
        let dst = dir.path().join(f);
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(src).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
    }
    dir
}

fn json(dir: &Path, args: &[&str]) -> (Value, i32) {
    let out = tl_in(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap())
}

fn ids(v: &Value) -> Vec<(String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["level"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn configuration_changes_levels_selection_and_rules() {
    let dir = repo(&["objet-activite"]);
    let (before, code) = json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert!(ids(&before).contains(&("MIQ101".into(), "error".into())));
    std::fs::create_dir(dir.path().join("regles")).unwrap();
    std::fs::write(
        dir.path().join("regles/local.tl"),
        "rule LOC1 {\n  tags    procedure\n  level   warning\n  forbid  \"locaux administratifs\"\n  message \"Précisez les locaux.\"\n  why     \"w\"\n  fix     \"f\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tenderlint.toml"),
        "# house rules\nignore = [\"suivi\"]\nrules = [\"regles\"]\n\n[levels]\nMIQ101 = \"warning\"\n",
    )
    .unwrap();
    let (after, code) = json(dir.path(), &["."]);
    assert_eq!(code, 0, "MIQ101 lowered to a warning: no error left");
    let got = ids(&after);
    assert!(
        got.contains(&("MIQ101".into(), "warning".into())),
        "{got:?}"
    );
    assert!(
        !got.iter().any(|(r, _)| r == "MIQ602"),
        "the suivi tag is ignored: {got:?}"
    );
    assert!(
        got.contains(&("LOC1".into(), "warning".into())),
        "the local rule folder is loaded: {got:?}"
    );
    // The effective configuration.
    let out = tl_in(dir.path()).arg("config").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("ignore = [\"suivi\"]") && text.contains("MIQ101 = \"warning\""),
        "{text}"
    );
}

#[test]
fn a_bad_configuration_is_an_error_pointing_into_the_toml() {
    let dir = repo(&["objet-activite"]);
    std::fs::write(
        dir.path().join("tenderlint.toml"),
        "ignore = [\"suivi\"]\n\n[levels]\nMIQ102 = \"eror\"\n",
    )
    .unwrap();
    let out = tl_in(dir.path()).args(["check", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown level `eror`"), "{err}");
    assert!(err.contains("tenderlint.toml:4:10"), "{err}");
    // Unknown names are checked against the loaded packs.
    std::fs::write(
        dir.path().join("tenderlint.toml"),
        "select = [\"MIQ9999\"]\n[params]\npoids_min_insertoin = 60\n",
    )
    .unwrap();
    let out = tl_in(dir.path()).args(["check", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown rule, tag or pack `MIQ9999`"), "{err}");
    assert!(
        err.contains("unknown param `poids_min_insertoin`")
            && err.contains("did you mean `poids_min_insertion`?"),
        "{err}"
    );
    std::fs::write(dir.path().join("tenderlint.toml"), "selekt = []\n").unwrap();
    let out = tl_in(dir.path()).args(["check", "."]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown field `selekt`") && err.contains("tenderlint.toml:1:1"),
        "{err}"
    );
}

#[test]
fn params_from_the_configuration_change_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dce")).unwrap();
    std::fs::write(
        dir.path().join("dce/RC.md"),
        "# Règlement de la consultation\n\nMarché d’insertion et de qualification professionnelle.\n\n## Critères d’attribution\n\n- Qualité du projet d’insertion : 55 %\n- Prix : 45 %\n",
    )
    .unwrap();
    let (v, _) = json(dir.path(), &["dce"]);
    assert!(!ids(&v).iter().any(|(r, _)| r == "MIQ709"), "{:?}", ids(&v));
    std::fs::write(
        dir.path().join("tenderlint.toml"),
        "[params]\npoids_min_insertion = 60\n",
    )
    .unwrap();
    let (v, _) = json(dir.path(), &["dce"]);
    assert!(ids(&v).iter().any(|(r, _)| r == "MIQ709"), "{:?}", ids(&v));
}

#[test]
fn suppressions_in_markdown_and_text() {
    let dir = repo(&["public-vague", "encadrement-absent"]);
    let md = dir.path().join("public-vague/CCTP.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("tout public"))
        .unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(
        line,
        "<!-- tenderlint-disable-next-line MIQ302 -- public défini en annexe 2 -->",
    );
    lines.insert(1, "<!-- tenderlint-disable-next-line MIQ106 -- test -->");
    std::fs::write(&md, lines.join("\n") + "\n").unwrap();
    let txt = dir.path().join("encadrement-absent/CCTP.txt");
    let text = std::fs::read_to_string(&txt).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let line = lines
        .iter()
        .position(|l| l.contains("accompagnement renforcé"))
        .unwrap();
    lines.insert(line, "tenderlint: disable-next-line MIQ403");
    std::fs::write(&txt, lines.join("\n") + "\n").unwrap();

    let (v, _) = json(dir.path(), &["."]);
    let got: Vec<String> = ids(&v).into_iter().map(|x| x.0).collect();
    assert!(
        !got.contains(&"MIQ302".to_string()),
        "suppressed in Markdown: {got:?}"
    );
    assert!(
        !got.contains(&"MIQ403".to_string()),
        "suppressed in text: {got:?}"
    );
    // A suppression without a reason, and one that suppresses nothing, are reported.
    assert!(got.contains(&"TL001".to_string()), "{got:?}");
    assert!(got.contains(&"TL002".to_string()), "{got:?}");
    let suppressed = v["suppressed"].as_array().unwrap();
    // The line's finding (both vague phrases of its sentence are one finding), and the
    // text-file one.
    assert_eq!(suppressed.len(), 2);
    assert_eq!(
        suppressed.iter().find(|s| s["rule"] == "MIQ302").unwrap()["reason"],
        "public défini en annexe 2"
    );
    // --show-suppressed lists them for reviewers.
    let out = tl_in(dir.path())
        .args(["check", "--show-suppressed", "."])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Désactivations (2) :")
            && text.contains("(raison : public défini en annexe 2)"),
        "{text}"
    );
}

#[test]
fn a_baseline_hides_known_findings_and_shows_new_ones() {
    let dir = repo(&["objet-activite", "public-vague"]);
    let base = dir.path().join("baseline.json");
    tl_in(dir.path())
        .args(["check", "--write-baseline"])
        .arg(&base)
        .arg(".")
        .assert()
        .code(0);
    let (v, code) = json(dir.path(), &["--baseline", "baseline.json", "."]);
    assert_eq!((v["diagnostics"].as_array().unwrap().len(), code), (0, 0));
    // An unrelated line moves everything down; one new defect is added.
    let md = dir.path().join("objet-activite/CCTP.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, format!("Version relue le 3 mars.\n\n{text}\nLe titulaire réserve aussi 5 % des heures travaillées à l’insertion.\n")).unwrap();
    let (v, code) = json(dir.path(), &["--baseline", "baseline.json", "."]);
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0]["rule"].as_str(), d[0]["quote"].as_str()),
        (Some("MIQ103"), Some("5 % des heures"))
    );
    assert_eq!(code, 0, "a warning does not fail");
}

#[test]
fn exit_policy_quiet_and_statistics() {
    let dir = repo(&["support-absent"]);
    tl_in(dir.path()).args(["check", "."]).assert().code(0);
    tl_in(dir.path())
        .args(["check", "--fail-on", "warning", "."])
        .assert()
        .code(1);
    tl_in(dir.path())
        .args(["check", "--fail-on", "never", "--pack", "miq", "."])
        .assert()
        .code(0);
    let out = tl_in(dir.path())
        .args(["check", "--quiet", "."])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("Dossier") && !text.contains("dans 1 dossier"),
        "{text}"
    );
    assert!(text.contains("MIQ201"));
    let out = tl_in(dir.path())
        .args(["check", "--statistics", "."])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("1  MIQ201  warning")),
        "{text}"
    );
    std::fs::write(
        dir.path().join("tenderlint.toml"),
        "fail-on = \"warning\"\n",
    )
    .unwrap();
    tl_in(dir.path()).args(["check", "."]).assert().code(1);
}

#[test]
fn standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(fixture("objet-activite/CCTP.md")).unwrap();
    let out = tl_in(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--stdin",
            "--stdin-filename",
            "CCTP.md",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tenders"][0]["documents"][0]["kind"], "cctp");
    assert!(ids(&v).contains(&("MIQ101".into(), "error".into())));
}

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn changed_since_and_gitignore() {
    let dir = repo(&["objet-activite", "public-vague", "support-absent"]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "initial"]);
    let (v, _) = json(dir.path(), &["--changed-since", "HEAD", "."]);
    assert_eq!(v["summary"]["tenders"], 0);
    let md = dir.path().join("public-vague/CCTP.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text + "\nAjout.\n").unwrap();
    let (v, _) = json(dir.path(), &["--changed-since", "HEAD", "."]);
    assert_eq!(v["tenders"].as_array().unwrap().len(), 1);
    assert_eq!(v["tenders"][0]["path"], "public-vague");
    // .gitignore and configuration excludes leave folders out.
    std::fs::write(dir.path().join(".gitignore"), "support-absent/\n").unwrap();
    std::fs::write(
        dir.path().join("tenderlint.toml"),
        "exclude = [\"objet-activite/\"]\n",
    )
    .unwrap();
    let (v, _) = json(dir.path(), &["."]);
    let paths: Vec<&str> = v["tenders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["public-vague"]);
}

/// A reference git does not know stops the check before anything is read: checking every
/// tender instead would pass a full check off as the changed ones'.
#[test]
fn changed_since_an_unknown_reference_stops_with_the_git_error() {
    let dir = repo(&["objet-activite"]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "initial"]);
    for format in ["human", "short", "json"] {
        let out = tl_in(dir.path())
            .args([
                "check",
                "--format",
                format,
                "--changed-since",
                "no-such-ref",
                ".",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "", "{format}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.starts_with(
                "tenderlint::read\n\n  × --changed-since no-such-ref: git could not list the changes: fatal:"
            ) && stderr.contains("no-such-ref")
                && stderr.ends_with(
                    "  help: give a reference git knows (a branch, a tag or a commit), inside a git repository\n\n"
                ),
            "{format}: {stderr}"
        );
    }
}

/// A copy of a .docx with a comment attached to the paragraph that holds `anchor`.
fn docx_with_comment(src: &Path, dst: &Path, anchor: &str, comment: &str) {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name == "word/comments.xml" {
            continue;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "word/document.xml" {
            let xml = String::from_utf8(data).unwrap();
            let at = xml.find(anchor).unwrap();
            let p_start = xml[..at].rfind("<w:p>").unwrap();
            let p_end = at + xml[at..].find("</w:p>").unwrap();
            let xml = format!(
                "{}<w:p><w:commentRangeStart w:id=\"7\"/>{}<w:commentRangeEnd w:id=\"7\"/><w:r><w:commentReference w:id=\"7\"/></w:r>{}",
                &xml[..p_start],
                &xml[p_start + 5..p_end],
                &xml[p_end..]
            );
            data = xml.into_bytes();
        }
        zout.start_file(name, opts).unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.start_file("word/comments.xml", opts).unwrap();
    let comments = format!(
        "<?xml version=\"1.0\"?><w:comments xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:comment w:id=\"7\" w:author=\"Facilitatrice\"><w:p><w:r><w:t>{comment}</w:t></w:r></w:p></w:comment></w:comments>"
    );
    zout.write_all(comments.as_bytes()).unwrap();
    zout.finish().unwrap();
}

#[test]
fn suppressions_in_word_comments() {
    let dir = tempfile::tempdir().unwrap();
    let src = fixture("formats/defaut-docx/CCTP.docx");
    std::fs::create_dir(dir.path().join("dce")).unwrap();
    docx_with_comment(
        &src,
        &dir.path().join("dce/CCTP.docx"),
        "tout public",
        "tenderlint: disable MIQ302 -- public précisé dans la convention avec le département",
    );
    let (v, _) = json(dir.path(), &["dce"]);
    let got: Vec<String> = ids(&v).into_iter().map(|x| x.0).collect();
    assert!(!got.contains(&"MIQ302".to_string()), "{got:?}");
    assert!(
        got.contains(&"MIQ301".to_string()),
        "other rules still report: {got:?}"
    );
    // One finding for the sentence that holds both vague phrases.
    assert_eq!(v["suppressed"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["suppressed"][0]["reason"],
        "public précisé dans la convention avec le département"
    );
    // A comment that suppresses nothing is reported.
    docx_with_comment(
        &src,
        &dir.path().join("dce/CCTP.docx"),
        "tout public",
        "tenderlint: disable MIQ101 -- déjà vu",
    );
    let (v, _) = json(dir.path(), &["dce"]);
    let tl002: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "TL002")
        .collect();
    assert_eq!(tl002.len(), 1);
    assert!(tl002[0]["quote"].as_str().unwrap().contains("tout public"));
}

/// The `tenderlint …` command lines of the integration examples run as written (with the
/// fixtures as the repository): no usage error, and the formats they ask for come out.
#[test]
fn integration_examples_run_as_written() {
    let root = root();
    let mut commands = Vec::new();
    for file in [
        "examples/ci/github-workflow.yml",
        "examples/ci/gitlab-ci.yml",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for line in text.lines() {
            if let Some(at) = line.find("tenderlint check") {
                let cmd = line[at..]
                    .split(['>', '|'])
                    .next()
                    .unwrap()
                    .trim()
                    .to_string();
                commands.push(cmd);
            }
        }
    }
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    for line in hooks
        .lines()
        .filter(|l| l.trim_start().starts_with("entry:"))
    {
        commands.push(line.split_once("entry:").unwrap().1.trim().to_string());
    }
    assert_eq!(commands.len(), 7, "{commands:?}");
    let dir = repo(&["objet-activite", "miq-complet"]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "initial"]);
    git(
        dir.path(),
        &["update-ref", "refs/remotes/origin/main", "HEAD"],
    );
    for cmd in commands {
        let mut args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
        if cmd.contains("fmt") {
            args.push(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/miq/pack.tl"));
        } else if !cmd.ends_with(" .") {
            args.push("objet-activite/CCTP.md");
        }
        let out = tl_in(dir.path()).args(&args).output().unwrap();
        let code = out.status.code().unwrap();
        assert!(
            code == 0 || code == 1,
            "{cmd}: exit {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        if cmd.contains("sarif") {
            let v: Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(v["version"], "2.1.0");
        } else if cmd.contains("gitlab") {
            let v: Value = serde_json::from_str(&stdout).unwrap();
            assert!(v.as_array().is_some_and(|a| !a.is_empty()));
        }
    }
}
