//! `tenderlint annotate`: the annotated copies of the Word and LibreOffice fixtures keep every
//! paragraph's text (read with the library's reader and with a raw XML reading), hold one
//! comment per finding plus the opening one with the pillar verdicts (by « tenderlint », in
//! French), leave the other parts of the file as they are, and never replace the original.
//!
//! `real_readers_open_the_copies` has LibreOffice and python-docx read the copies; it skips
//! with a notice when a tool is missing, unless `TENDERLINT_REAL_READERS=1`.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::events::Event;
use serde_json::Value;
use tenderlint::document::Document;

use crate::util::{fixture, tl};

/// Fixes the comments' date.
const EPOCH: &str = "1740821400";
const DATE: &str = "2025-03-01T09:30:00Z";

/// The entries of a zip: name, compression, CRC and content.
fn entries(bytes: &[u8]) -> Vec<(String, zip::CompressionMethod, u32, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).unwrap();
            (
                f.name().unwrap().to_string(),
                f.compression(),
                f.crc32(),
                buf,
            )
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    let e = entries(bytes);
    let (_, _, _, body) = e.iter().find(|(n, ..)| n == name).unwrap();
    String::from_utf8(body.clone()).unwrap()
}

/// The text of every paragraph element of a part, read from the raw XML: `w:t` text in `w:p`
/// (Word), all text in `text:p`/`text:h` but inside `office:annotation` (ODF).
fn raw_paragraphs(xml: &str) -> Vec<String> {
    let mut r = quick_xml::Reader::from_reader(xml.as_bytes());
    let mut out = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let (mut in_t, mut annotation) = (false, 0usize);
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => match e.name().0 {
                "w:p" | "text:p" | "text:h" if annotation == 0 => {
                    open.push(out.len());
                    out.push(String::new());
                }
                "w:t" => in_t = true,
                "office:annotation" => annotation += 1,
                _ => {}
            },
            Event::End(e) => match e.name().0 {
                "w:p" | "text:p" | "text:h" if annotation == 0 => {
                    open.pop();
                }
                "w:t" => in_t = false,
                "office:annotation" => annotation -= 1,
                _ => {}
            },
            Event::Text(t) if annotation == 0 && (in_t || xml.contains("office:document")) => {
                if let Some(&i) = open.last() {
                    out[i].push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(g) if annotation == 0 => {
                if let Some(&i) = open.last() {
                    let c = match &*g.xml10_content() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        _ => "'",
                    };
                    out[i].push_str(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The text between the start and the end of one comment's range (`w:id`, `office:name`):
/// `w:t` text and tabs outside `w:del` (Word), text, spaces and tabs outside the annotations
/// (ODF), words joined by single spaces as the readers lay them out.
fn range_text(xml: &str, id: &str) -> String {
    let mut r = quick_xml::Reader::from_reader(xml.as_bytes());
    let (mut on, mut in_t, mut hidden, mut out) = (false, false, 0usize, String::new());
    let odf = xml.contains("office:document-content");
    let ours = |e: &quick_xml::events::BytesStart<'_>| {
        e.attributes()
            .flatten()
            .any(|a| matches!(a.key.0, "w:id" | "office:name") && &*a.value == id)
    };
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => match e.name().0 {
                "w:t" => in_t = true,
                "w:del" => hidden += 1,
                "office:annotation" => {
                    hidden += 1;
                    on |= ours(&e);
                }
                _ => {}
            },
            Event::End(e) => match e.name().0 {
                "w:t" => in_t = false,
                "w:del" | "office:annotation" => hidden -= 1,
                "w:p" | "text:p" | "text:h" if on && hidden == 0 => out.push('\n'),
                _ => {}
            },
            Event::Empty(e) => match e.name().0 {
                "w:commentRangeStart" if ours(&e) => on = true,
                "w:commentRangeEnd" | "office:annotation-end" if ours(&e) => on = false,
                "w:tab" | "text:tab" | "text:s" if on && hidden == 0 => out.push(' '),
                _ => {}
            },
            Event::Text(t) if on && hidden == 0 && (in_t || odf) => {
                out.push_str(&t.xml10_content());
            }
            Event::GeneralRef(g) if on && hidden == 0 && (in_t || odf) => {
                out.push_str(match &*g.xml10_content() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    _ => "'",
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The findings `check` reports on one document of a fixture folder.
fn findings(folder: &Path, file: &str) -> Vec<Value> {
    let out = tl()
        .args(["check", "--format", "json"])
        .arg(folder)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().unwrap().ends_with(file))
        .cloned()
        .collect()
}

/// Annotates `source` into `dir/name`; the copy's bytes.
fn annotate(source: &Path, dir: &Path, name: &str) -> Vec<u8> {
    let out = dir.join(name);
    let run = tl()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("annotate")
        .arg(source)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    // The fixtures have errors: exit 1, as `check`.
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("copie annotée écrite dans"), "{stderr}");
    std::fs::read(out).unwrap()
}

fn check_copy(folder: &str, file: &str, main: &str) {
    let dir = tempfile::tempdir().unwrap();
    let source = fixture(folder).join(file);
    let original = std::fs::read(&source).unwrap();
    let copy = annotate(&source, dir.path(), file);
    // The text, read by the library and from the raw XML, is the original's.
    let read = |b: &[u8]| Document::from_bytes(Path::new(file), file, b).unwrap();
    let (a, b) = (read(&original), read(&copy));
    assert_eq!(a.text, b.text);
    assert_eq!(a.blocks, b.blocks);
    assert_eq!(
        raw_paragraphs(&part(&original, main)),
        raw_paragraphs(&part(&copy, main))
    );
    // Every other part is the original's, compression included.
    let changed = [
        main,
        "word/comments.xml",
        "word/_rels/document.xml.rels",
        "[Content_Types].xml",
    ];
    let before = entries(&original);
    let after = entries(&copy);
    for e in before.iter().filter(|e| !changed.contains(&e.0.as_str())) {
        assert!(after.contains(e), "{} changed", e.0);
    }
    let names = |es: &[(String, zip::CompressionMethod, u32, Vec<u8>)]| -> Vec<String> {
        es.iter().map(|e| e.0.clone()).collect()
    };
    assert_eq!(names(&before), names(&after)[..before.len()]);
    // One comment per finding, and the opening one.
    let found = findings(&fixture(folder), file);
    assert!(!found.is_empty());
    let (comments, authors) = if main == "content.xml" {
        let xml = part(&copy, main);
        (
            xml.matches("<office:annotation ").count(),
            xml.matches("<dc:creator>tenderlint</dc:creator>").count(),
        )
    } else {
        let xml = part(&copy, "word/comments.xml");
        let before = part(&original, "word/comments.xml");
        assert_eq!(before.matches("<w:comment ").count(), 0);
        (
            xml.matches("<w:comment ").count(),
            xml.matches(&format!(
                "w:author=\"tenderlint\" w:date=\"{DATE}\" w:initials=\"TL\""
            ))
            .count(),
        )
    };
    assert_eq!(comments, found.len() + 1);
    assert_eq!(authors, found.len() + 1);
    let text = if main == "content.xml" {
        part(&copy, main)
    } else {
        part(&copy, "word/comments.xml")
    };
    for f in &found {
        assert!(text.contains(f["message"].as_str().unwrap()));
        assert!(text.contains(&format!("Règle {}", f["rule"].as_str().unwrap())));
    }
    // A found finding's comment sits on its quoted words.
    let xml = part(&copy, main);
    let mut exact = 0;
    for (i, f) in found.iter().enumerate() {
        if f["kind"] == "found" {
            let id = if main == "content.xml" {
                format!("tenderlint-{}", i + 2)
            } else {
                (i + 1).to_string()
            };
            assert_eq!(range_text(&xml, &id), f["quote"].as_str().unwrap(), "{id}");
            exact += 1;
        }
    }
    assert!(exact > 0);
    assert!(text.contains("Relecture tenderlint : "));
    assert!(text.contains("Verdict du dossier par pilier :"));
    assert!(text.contains("Pourquoi : "));
    assert!(text.contains("Comment corriger : "));
    assert!(text.contains("Public : non conforme — "));
}

#[test]
fn a_word_copy_keeps_every_paragraph_and_comments_each_finding() {
    check_copy("formats/defaut-docx", "CCTP.docx", "word/document.xml");
}

#[test]
fn an_opendocument_copy_keeps_every_paragraph_and_comments_each_finding() {
    check_copy("formats/defaut-odt", "CCTP.odt", "content.xml");
}

#[test]
fn the_comments_part_of_the_word_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let copy = annotate(
        &fixture("formats/defaut-docx/CCTP.docx"),
        dir.path(),
        "CCTP.docx",
    );
    let xml = part(&copy, "word/comments.xml").replace("<w:comment ", "\n<w:comment ");
    insta::assert_snapshot!("annotate_docx_comments", xml);
}

#[test]
fn the_original_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("CCTP.docx");
    std::fs::copy(fixture("formats/defaut-docx/CCTP.docx"), &doc).unwrap();
    let before = std::fs::read(&doc).unwrap();
    let out = tl()
        .arg("annotate")
        .arg(&doc)
        .arg("-o")
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        unwrapped(&out.stderr).contains("la copie annotée remplacerait le document d’origine"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A folder given as its own output is refused too.
    let out = tl()
        .arg("annotate")
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&doc).unwrap(), before);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // Beside the original, or in a folder of the dossier, the copy would be read as one more
    // document at the next check: refused, nothing written, no folder made.
    for target in ["CCTP-annote.docx", "annotations/CCTP.docx"] {
        let out = tl()
            .arg("annotate")
            .arg(&doc)
            .arg("-o")
            .arg(dir.path().join(target))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{target}");
        assert!(
            unwrapped(&out.stderr).contains("la copie annotée serait dans le dossier vérifié"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "{target}"
        );
    }
    let out = tl()
        .arg("annotate")
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("annotations"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_folder_gives_a_copy_of_each_word_and_opendocument_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("annote");
    let out = tl()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("annotate")
        .arg(fixture("formats/dossier-mixte"))
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["CCAP.docx", "CCTP.odt"]);
    assert!(
        unwrapped(&out.stderr)
            .contains("RC.pdf: ni Word (.docx) ni LibreOffice (.odt) : pas de copie annotée"),
        "{stderr}"
    );
    // A PDF given by name is refused, in French.
    let out = tl()
        .arg("annotate")
        .arg(fixture("formats/dossier-mixte/RC.pdf"))
        .arg("-o")
        .arg(dir.path().join("RC.pdf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        unwrapped(&out.stderr).contains(
            "seuls les documents Word (.docx) et LibreOffice (.odt) peuvent être annotés"
        )
    );
}

/// A diagnostic's words, whatever the wrapping of its lines.
fn unwrapped(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let words: Vec<&str> = text.split_whitespace().filter(|w| *w != "│").collect();
    words.join(" ")
}

/// Whether a program runs; without it, the test skips with a notice, or fails when
/// `TENDERLINT_REAL_READERS=1`.
fn tool(program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("TENDERLINT_REAL_READERS").as_deref() != Ok("1"),
            "`{program}` is missing and TENDERLINT_REAL_READERS=1"
        );
        eprintln!(
            "annotate: `{program} {}` fails: real-reader check skipped",
            args.join(" ")
        );
    }
    ok
}

/// LibreOffice converts `file` to `format` in `out`; the converted file.
fn soffice(file: &Path, filter: &str, ext: &str, out: &Path) -> PathBuf {
    let profile = out.join("profile");
    let run = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", filter, "--outdir"])
        .arg(out)
        .arg(file)
        .output()
        .unwrap();
    let stem = file.file_stem().unwrap().to_string_lossy();
    let converted = out.join(format!("{stem}.{ext}"));
    assert!(
        converted.exists(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    converted
}

/// The text strings of a PDF's annotations (`/Contents <FEFF…>`, UTF-16 in hex).
fn pdf_annotations(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    text.split("/Contents <FEFF")
        .skip(1)
        .filter_map(|rest| {
            let hex = &rest[..rest.find('>')?];
            let units: Vec<u16> = (0..hex.len() / 4)
                .filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok())
                .collect();
            Some(String::from_utf16_lossy(&units))
        })
        .collect()
}

#[test]
fn real_readers_open_the_copies() {
    if !(tool("soffice", &["--version"])
        && tool("pdftotext", &["-v"])
        && tool("python3", &["-c", "import docx; docx.Document().comments"]))
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (folder, file, other) in [
        ("formats/defaut-docx", "CCTP.docx", "odt"),
        ("formats/defaut-odt", "CCTP.odt", "docx"),
    ] {
        let work = dir.path().join(other);
        std::fs::create_dir(&work).unwrap();
        annotate(&fixture(folder).join(file), &work, file);
        let copy = work.join(file);
        let found = findings(&fixture(folder), file);
        let expected = found.len() + 1;
        let message = found[0]["message"].as_str().unwrap();
        // LibreOffice lays the copy out as a PDF, comments in the margin where it can (7.6 and
        // later), else as PDF annotations.
        let pdf = soffice(
            &copy,
            r#"pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"},"ExportNotesInMargin":{"type":"boolean","value":"true"}}"#,
            "pdf",
            &work.join("pdf"),
        );
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        let notes = pdf_annotations(&std::fs::read(&pdf).unwrap());
        assert!(
            text.contains(message) || notes.iter().any(|n| n.contains(message)),
            "{file}: the PDF shows no comment « {message} »"
        );
        // LibreOffice saves it in the other format with every comment.
        let converted = soffice(&copy, other, other, &work.join("converted"));
        let bytes = std::fs::read(&converted).unwrap();
        let count = if other == "odt" {
            part(&bytes, "content.xml")
                .matches("<office:annotation ")
                .count()
                + part(&bytes, "content.xml")
                    .matches("<office:annotation>")
                    .count()
        } else {
            part(&bytes, "word/comments.xml")
                .matches("<w:comment ")
                .count()
        };
        assert_eq!(count, expected, "{file} through LibreOffice");
        // Python's own XML parser counts the OpenDocument copy's annotations.
        if other == "docx" {
            let py = Command::new("python3")
                .args([
                    "-c",
                    "import zipfile, sys, xml.etree.ElementTree as E; r = E.fromstring(zipfile.ZipFile(sys.argv[1]).read('content.xml')); o = '{urn:oasis:names:tc:opendocument:xmlns:office:1.0}'; d = '{http://purl.org/dc/elements/1.1/}'; a = r.findall('.//' + o + 'annotation'); print(len(a), sum(x.findtext(d + 'creator') == 'tenderlint' for x in a))",
                ])
                .arg(&copy)
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&py.stdout).trim(),
                format!("{expected} {expected}"),
                "{}",
                String::from_utf8_lossy(&py.stderr)
            );
        }
        // python-docx reads the Word copy's comments.
        let docx = if other == "odt" {
            copy.clone()
        } else {
            converted
        };
        let py = Command::new("python3")
            .args([
                "-c",
                "import docx, sys; d = docx.Document(sys.argv[1]); print(len(d.comments), sum(c.author == 'tenderlint' for c in d.comments))",
            ])
            .arg(&docx)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&py.stdout).trim(),
            format!("{expected} {expected}"),
            "{}",
            String::from_utf8_lossy(&py.stderr)
        );
    }
}
