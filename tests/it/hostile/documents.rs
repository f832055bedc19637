//! Documents no reader should choke on: empty, binary, badly encoded, one huge line, nesting
//! thousands deep, links that loop, pipes, unreadable files and names with control characters.

use serde_json::Value;

use super::{check, checked_documents, checked_tender, error_for, setup, tl};

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
    // What is tested is that the flat page is read, not how fast: a debug build on a busy
    // machine may take more than the default budget of 30 s to check it.
    std::fs::write(
        dir.path().join("tenderlint.toml"),
        "[limits]\ntime-budget-ms = 600000\n",
    )
    .unwrap();
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

/// A one-line document: a *missing* finding quotes a short excerpt of its first paragraph, not
/// the whole line (on a 60 MB line, whole-line quotes would add up to gigabytes of output), and
/// the human output prints an excerpt of the line.
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
    // No wider than the terminal (1000 columns here), not the whole line.
    assert!(longest <= 1000, "a line of {longest} characters");
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
