//! What the human output does for a terminal: columns counted in characters, long lines shown
//! as a window around the finding, lines wrapped to the terminal's width, colours only on a
//! terminal.

use crate::util::tl;

/// An output file never gets colour escapes, whatever `--color` says; standard output gets
/// them with `--color always`.
#[test]
fn colours_never_go_into_an_output_file() {
    let dir = tempfile::tempdir().unwrap();
    for color in ["auto", "always"] {
        let file = dir.path().join(format!("out-{color}.log"));
        tl().env_remove("NO_COLOR")
            .args([
                "check",
                "fixtures/objet-activite",
                "--format",
                "human",
                "--color",
                color,
                "-o",
            ])
            .arg(&file)
            .assert()
            .code(1);
        let written = std::fs::read(&file).unwrap();
        assert!(!written.is_empty());
        assert!(
            !written.contains(&0x1b),
            "--color {color}: escape codes in the file"
        );
    }
    let out = tl()
        .env_remove("NO_COLOR")
        .args([
            "check",
            "fixtures/objet-activite",
            "--format",
            "human",
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    assert!(
        out.stdout.contains(&0x1b),
        "--color always: no colour on standard output"
    );
}

/// The places of a tender's findings in the `short` format (`path:line:column` of each).
fn short_places(tender: &str) -> Vec<String> {
    let out = tl()
        .args(["check", tender, "--format", "short"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split(": ").next())
        .filter(|p| p.matches(':').count() == 2)
        .map(str::to_string)
        .collect()
}

/// A finding after accented letters on its line (« déterminée d’insertion… », column 186, byte
/// 196): the human, short and github formats give the same line and column, in characters.
#[test]
fn human_short_and_github_give_the_same_columns() {
    let tender = "fixtures/encadrement-absent";
    let short = short_places(tender);
    assert!(short.contains(&"fixtures/encadrement-absent/CCTP.txt:34:186".to_string()));
    let human = tl().args(["check", tender]).output().unwrap();
    let human = String::from_utf8(human.stdout).unwrap();
    let github = tl()
        .args(["check", tender, "--format", "github"])
        .output()
        .unwrap();
    let github = String::from_utf8(github.stdout).unwrap();
    for place in &short {
        assert!(
            human.contains(&format!("╭─[{place}]")),
            "{place} not in\n{human}"
        );
        let mut parts = place.rsplitn(3, ':');
        let (col, line, file) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        assert!(
            github.contains(&format!("file={file},line={line},col={col},")),
            "{place} not in\n{github}"
        );
    }
}

/// The lines of `out` wider than `width` characters, or made of a lone guillemet.
fn bad_lines(out: &[u8], width: usize) -> Vec<String> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .filter(|l| l.chars().count() > width || matches!(l.trim(), "«" | "»"))
        .map(str::to_string)
        .collect()
}

/// A finding on a long line (445 bytes, the place at column 186): the human format shows a
/// window of the line around it, cut at word boundaries and marked « … », no wider than the
/// terminal, with the underline under the quoted words.
#[test]
fn long_lines_are_shown_as_a_window_around_the_finding() {
    let out = tl()
        .args(["check", "fixtures/encadrement-absent"])
        .output()
        .unwrap();
    assert_eq!(bad_lines(&out.stdout, 100), Vec::<String>::new());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("[fixtures/encadrement-absent/CCTP.txt:34:186]"))
        .unwrap();
    let quoted = lines[at + 2];
    assert!(quoted.starts_with(" 34 │ …"), "{quoted}");
    assert!(quoted.ends_with("sera proposé."), "{quoted}");
    let underline = lines[at + 3];
    let start = underline.chars().position(|c| c == '─').unwrap();
    let under: String = quoted.chars().skip(start).collect();
    assert!(
        under.starts_with("accompagnement renforcé"),
        "{quoted}\n{underline}"
    );
}

/// In a terminal 60 columns wide, `check` (human) and `explain` write no line wider than 60
/// characters, and never a guillemet alone on its line.
#[test]
fn check_and_explain_wrap_to_the_terminal_width() {
    let check = tl()
        .env("COLUMNS", "60")
        .args(["check", "fixtures/objet-activite"])
        .output()
        .unwrap();
    assert_eq!(bad_lines(&check.stdout, 60), Vec::<String>::new());
    for args in [&["explain", "MIQ101"][..], &["explain", "--all"]] {
        let out = tl().env("COLUMNS", "60").args(args).output().unwrap();
        assert!(out.status.success());
        assert_eq!(bad_lines(&out.stdout, 60), Vec::<String>::new(), "{args:?}");
    }
}

/// Long paths in a 60-column terminal: the tender's lines break after a `/`, and a finding's
/// header keeps the end of the path (`╭─[…/CCTP-….md:1:3]`).
#[test]
fn long_paths_fit_a_narrow_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir
        .path()
        .join("un-dossier-de-consultation-tres-long/pieces-du-marche-public");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(
        crate::util::fixture("objet-activite/CCTP.md"),
        folder.join("CCTP-version-definitive-2026.md"),
    )
    .unwrap();
    let out = crate::util::tl_in(dir.path())
        .env("COLUMNS", "60")
        .args(["check", "un-dossier-de-consultation-tres-long"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(bad_lines(&out.stdout, 60), Vec::<String>::new());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("╭─[…/CCTP-version-definitive-2026.md:1:3]"),
        "{text}"
    );
    assert!(
        text.contains("  un-dossier-de-consultation-tres-long/\n  pieces-du-marche-public/CCTP-version-definitive-2026.md\n"),
        "{text}"
    );
}

/// A rule file's error after accented letters: the human header gives the column in
/// characters, as the JSON output does.
#[test]
fn rule_file_errors_count_columns_in_characters() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("bad.tl");
    std::fs::write(
        &rules,
        "pack t {\n  name \"é\"\n}\nrule T001 {\n  message \"ééé\" level error expect termes(\"àà\")) }\n",
    )
    .unwrap();
    let out = crate::util::tl_in(dir.path())
        .args([
            "check",
            "--rules",
            "bad.tl",
            "--no-default-rules",
            "--stdin",
        ])
        .write_stdin("texte")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    // `(` is the 42nd character of line 5 (and its 45th byte).
    assert!(err.contains("╭─[bad.tl:5:42]"), "{err}");
    let json = crate::util::tl_in(dir.path())
        .args([
            "check",
            "--rules",
            "bad.tl",
            "--no-default-rules",
            "--format",
            "json",
            "--stdin",
        ])
        .write_stdin("texte")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["errors"][0]["line"], 5);
    assert_eq!(v["errors"][0]["column"], 42);
}

/// In a real terminal 60 columns wide (a pseudo-terminal made by util-linux `script`, sized
/// with `stty`, no `$COLUMNS`), `check` and `explain --all` write no line wider than 60
/// characters: the width comes from the terminal itself.
#[test]
fn a_real_60_column_terminal_gets_no_wider_line() {
    let dir = tempfile::tempdir().unwrap();
    let bin = crate::util::bin().get_program().to_owned();
    let bin = std::path::Path::new(&bin).to_path_buf();
    for (i, args) in ["check fixtures/objet-activite", "explain --all"]
        .iter()
        .enumerate()
    {
        let log = dir.path().join(format!("{i}.log"));
        let command = format!("stty cols 60 rows 40; '{}' {args}", bin.display());
        let status = std::process::Command::new("script")
            .current_dir(crate::util::root())
            .env_remove("COLUMNS")
            .env("NO_COLOR", "1")
            .args(["-q", "-e", "-c", &command])
            .arg(&log)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("util-linux `script` runs");
        assert!(matches!(status.code(), Some(0 | 1)), "{args}: {status}");
        let text = std::fs::read_to_string(&log).unwrap().replace('\r', "");
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("Script started") && !l.starts_with("Script done"))
            .collect();
        assert!(lines.len() > 20, "{args}: {text}");
        let wide: Vec<&&str> = lines.iter().filter(|l| l.chars().count() > 60).collect();
        assert!(wide.is_empty(), "{args}: {wide:#?}");
    }
}
