//! The HTML report for facilitators (`tenderlint report`, `check --format html`): its content
//! checked as text, then the page opened in headless Chromium through the DevTools protocol
//! (over `--remote-debugging-pipe`, no extra crate) to assert what a person sees: the synthesis
//! above the fold, the offending words highlighted, no horizontal overflow in the print layout
//! at A4 width; printed to PDF on A4 (read back with pdftotext), the verdict and synthesis on
//! the first page and no page ending on a heading; at 400 px wide, nothing overflowing, no
//! finding cards overlapping and no word broken across two lines. Screenshots and PDFs are
//! saved under target/tmp/report-screenshots/.
//!
//! Chromium is required: without it the browser test fails with a message saying how to install
//! it, unless TENDERLINT_SKIP_BROWSER=1 is set.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command as Process, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};

use crate::util;

/// The binary with a fixed date (`SOURCE_DATE_EPOCH`), for reproducible reports.
fn tl() -> Command {
    let mut c = util::tl();
    c.env("SOURCE_DATE_EPOCH", "1740787200");
    c
}

/// Writes the report of `paths` to a file in `dir` and returns its text.
fn report(dir: &Path, paths: &[&str]) -> (PathBuf, String, i32) {
    let file = dir.join("rapport.html");
    let out = tl()
        .arg("report")
        .args(paths)
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    (file, text, out.status.code().unwrap())
}

// ---------------------------------------------------------------------------------------------
// Content

#[test]
fn report_writes_one_self_contained_french_page() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html, code) = report(
        dir.path(),
        &["fixtures/miq-complet", "fixtures/objet-activite"],
    );
    assert_eq!(code, 1, "an error finding: same exit policy as check");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    // Nothing to fetch, nothing to run.
    for forbidden in [
        "<script", "<link", "<img", "src=", "http://", "https://", "@import",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the report");
    }
    assert!(html.contains("@media print") && html.contains("size: A4"));
    // Words break between them (hyphenated in French), never anywhere; paths in code may.
    assert!(!html.contains("break-all") && html.contains("hyphens: auto"));
    assert_eq!(
        html.matches("overflow-wrap: anywhere").count(),
        1,
        "code only"
    );
    // Landmarks and headings.
    for tag in [
        "<header", "<main", "<nav", "<footer", "<h1>", "<h2 ", "<h3 ", "<h4 ",
    ] {
        assert!(html.contains(tag), "{tag} missing");
    }
    // The date is fixed by SOURCE_DATE_EPOCH; versions are named.
    assert!(html.contains("le 1er\u{a0}mars 2025") || html.contains("le 1er mars 2025"));
    assert!(html.contains(&format!("tenderlint {}", env!("CARGO_PKG_VERSION"))));
    assert!(html.contains("version 0.1.0"), "the pack's version");
    // Header: documents and their kinds, packs and why.
    assert!(
        html.contains(
            "<code>fixtures/miq-complet/RC.md</code> — RC (règlement de la consultation)"
        )
    );
    assert!(html.contains("appliqué"));
    // Statuses say themselves in words, not only in colour.
    assert!(html.contains("✓</span> conforme"));
    assert!(html.contains("✗</span> non conforme"));
    assert!(html.contains("!</span> à compléter"));
    // A finding: the offending words marked, why, how, references.
    assert!(html.contains("<mark>10 % des heures</mark>"), "{html}");
    assert!(html.contains("Pourquoi c’est important"));
    assert!(html.contains("Comment corriger"));
    assert!(html.contains("R2123-1 3°"));
    // Evidence quoted with document and section.
    assert!(html.contains("Passages retenus") || html.contains("passages retenus"));
    assert!(html.contains("section\u{a0}: ") || html.contains("section «\u{a0}"));
    // The eight pillars explained to a reader new to the MIQ, once, linked from the synthesis.
    assert_eq!(
        html.matches(
            "<h2 id=\"piliers-miq\">Les piliers d’un marché d’insertion et de qualification</h2>"
        )
        .count(),
        1
    );
    assert!(html.contains(
        "Synthèse par pilier <a class=\"explique\" href=\"#piliers-miq\">(les piliers expliqués)</a>"
    ));
    let guide = &html[html.find("id=\"piliers-miq\"").unwrap()..];
    assert_eq!(guide.matches("<dt>").count(), 8);
    for said in [
        "<dt>Objet</dt><dd>Le marché achète une prestation d’insertion et de qualification \
         professionnelles de personnes éloignées de l’emploi\u{a0}; l’activité réalisée n’en \
         est que le support. Un marché qui achète d’abord des travaux ou un service courant \
         n’en est pas un.</dd>",
        "<dt>Public</dt><dd>Un public précisément défini et éloigné de l’emploi (demandeurs \
         d’emploi de longue durée, bénéficiaires du RSA, jeunes sans qualification…), avec son \
         nombre et son territoire\u{a0}; «\u{a0}tout public\u{a0}» ne suffit pas.</dd>",
        "<dt>Encadrement</dt><dd>Un encadrement renforcé\u{a0}: des encadrants techniques \
         qualifiés, un accompagnement socio-professionnel et un suivi individuel de chaque \
         personne (diagnostic, entretiens, référent).</dd>",
        "<dt>Procédure</dt><dd>Un service social passé en procédure adaptée quel que soit son \
         montant (article R.\u{a0}2123-1, 3°, du code de la commande publique), choisi sur la \
         capacité à insérer et à qualifier, avec des critères pondérés.</dd>",
    ] {
        assert!(html.contains(said), "{said}");
    }
    // French typography: no line may start with » or :.
    assert!(!html.contains(" »") && !html.contains("« "));
}

#[test]
fn pillar_statuses_follow_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html, _) = report(dir.path(), &["fixtures/public-vague"]);
    let row = |tag: &str| {
        let start = html.find(&format!("<tr class=\"pillar-{tag}\"")).unwrap();
        html[start..start + html[start..].find("</tr>").unwrap()].to_string()
    };
    assert!(row("public").contains("non conforme"), "{}", row("public"));
    assert!(row("public").contains("1 erreur, 3 avertissements"));
    assert!(row("suivi").contains("à compléter"));
    // The contract's duration is stated in an RC, a CCAP or an AE: a lone CCTP gets no info.
    assert!(!row("procedure").contains("information"));
    assert!(row("objet").contains("conforme") && row("objet").contains("aucun constat"));
    // A missing element names the place where it was expected.
    assert!(html.contains("Élément absent du document <code>fixtures/public-vague/CCTP.md</code>"));
}

#[test]
fn a_tender_the_pack_does_not_apply_to_is_not_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html, code) = report(dir.path(), &["fixtures/travaux-clause-sociale"]);
    assert_eq!(code, 0);
    assert!(html.contains("n’a pas été évalué"));
    assert_eq!(html.matches("?</span> à vérifier").count(), 8 * 2);
    assert!(!html.contains("✓</span> conforme"));
    assert!(
        !html.contains("non évalué"),
        "« à vérifier » is what a reader reads"
    );
    assert!(html.contains("<p class=\"reason\">Aucun pack ne s’applique au dossier.</p>"));
}

/// The synthesis row and the section of a pillar in the evidence part.
fn pillar_parts(html: &str, tag: &str) -> (String, String) {
    let start = html.find(&format!("<tr class=\"pillar-{tag}\"")).unwrap();
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    let start = html
        .find(&format!("aria-labelledby=\"dossier-1-{tag}-preuves\""))
        .unwrap();
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    (row.to_string(), section.to_string())
}

#[test]
fn a_bare_notice_leaves_the_supervision_to_check_and_never_says_conforme_without_a_quote() {
    // A notice names the contract and its public; a CCTP describes the supervision.
    let dir = tempfile::tempdir().unwrap();
    let (_, html, code) = report(dir.path(), &["tests/data/avis-seul"]);
    assert_eq!(code, 0, "nothing to correct: nothing reported");
    let (row, section) = pillar_parts(&html, "encadrement");
    assert!(row.contains("?</span> à vérifier</span>"), "{row}");
    assert!(!row.contains("conforme"), "{row}");
    assert!(
        section.contains(
            "<p class=\"reason\">Le dossier ne contient pas de CCTP, où ce pilier est décrit\u{a0}: \
             les documents fournis ne permettent pas d’en juger (MIQ401, MIQ402, MIQ405 non vérifiées).</p>"
        ),
        "{section}"
    );
    // The public is named in the notice, and quoted, but judged where it is stated: to check.
    let (row, section) = pillar_parts(&html, "public");
    assert!(
        row.contains("à vérifier") && !row.contains("conforme"),
        "{row}"
    );
    assert!(section.contains("ils le mentionnent"), "{section}");
    // « conforme » only with a quote: the object and the support are shown by the notice.
    let mut sound = Vec::new();
    for tag in [
        "objet",
        "support",
        "public",
        "encadrement",
        "qualification",
        "suivi",
        "procedure",
        "donnees",
    ] {
        let (row, section) = pillar_parts(&html, tag);
        if row.contains("✓</span> conforme") {
            assert!(section.contains("✓</span> conforme"), "{section}");
            assert!(
                section.contains("<p class=\"reason\">Montré par «\u{a0}")
                    && section.contains("<blockquote>"),
                "{tag}: conforme without a quote: {section}"
            );
            sound.push(tag);
        } else {
            assert!(!section.contains("conforme"), "{tag}: {section}");
        }
    }
    assert_eq!(sound, ["objet", "support", "procedure"]);
    // The banner says what is to check, and never that the tender is sound.
    assert!(
        html.contains(
            "<p class=\"verdict\"><strong>Dossier à vérifier</strong>\u{a0}: aucun défaut relevé, \
             mais 5 piliers à vérifier, que les documents fournis ne montrent pas (voir pourquoi plus bas)\u{a0}; \
             3 piliers conformes.</p>"
        ),
        "{html}"
    );
    assert!(!html.contains("Dossier conforme") && !html.contains("non évalué"));
}

#[test]
fn document_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let tender = dir.path().join("dossier");
    std::fs::create_dir(&tender).unwrap();
    std::fs::write(
        tender.join("CCTP.md"),
        "# Marché d’insertion <script>alert(1)</script>\n\n## Article 1 – Objet du marché\n\n\
         Le présent marché a pour objet des prestations de nettoyage <b>des locaux</b>.\n",
    )
    .unwrap();
    let (_, html, _) = report(dir.path(), &[tender.to_str().unwrap()]);
    assert!(
        !html.contains("<script>") && !html.contains("<b>des"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
}

#[test]
fn files_that_cannot_be_read_are_told_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let tender = dir.path().join("dossier");
    std::fs::create_dir(&tender).unwrap();
    std::fs::write(
        tender.join("CCTP.md"),
        "# CCTP\n\nLe marché a pour objet une prestation d’insertion et de qualification.\n",
    )
    .unwrap();
    std::fs::write(tender.join("RC.md"), "  \n").unwrap();
    std::fs::write(tender.join("AE.docx"), "pas un document Word").unwrap();
    std::fs::write(
        tender.join("avis.pdf"),
        "%PDF-1.4\n1 0 obj << /Type /Catalog",
    )
    .unwrap();
    let (_, html, code) = report(dir.path(), &[tender.to_str().unwrap()]);
    assert_eq!(code, 2, "an input error");
    assert!(
        html.contains("Fichiers qui n’ont pas pu être utilisés"),
        "{html}"
    );
    for (file, said) in [
        (
            "RC.md",
            "le fichier est vide (vérifiez que c’est le bon fichier, ou enregistrez-le de nouveau \
             depuis son éditeur).</li>",
        ),
        (
            "AE.docx",
            "le contenu du fichier ne correspond pas à son extension (enregistrez le document dans \
             le format de son extension, ou donnez-lui sa véritable extension).</li>",
        ),
        (
            "avis.pdf",
            "le document est endommagé, ou sa structure n’est pas lue par tenderlint (ouvrez-le \
             dans son éditeur, puis enregistrez-le ou exportez-le de nouveau).</li>",
        ),
    ] {
        assert!(
            html.contains(&format!("{file}</code>\u{a0}: {said}")),
            "{file}: {html}"
        );
    }
    // The terminal keeps the reader's detailed English.
    let out = tl().arg("check").arg(&tender).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the file is empty"), "{err}");
    for english in ["the file", "cannot", "is not a", "damaged or"] {
        assert!(!html.contains(english), "{english} in the report");
    }
}

#[test]
fn check_format_html_goes_to_stdout_or_to_a_file() {
    let out = tl()
        .args(["check", "--format", "html", "fixtures/objet-activite"])
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.html");
    let out = tl()
        .args(["check", "--format", "html", "fixtures/objet-activite", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), html);
}

// ---------------------------------------------------------------------------------------------
// In a real browser

/// Headless Chromium driven through the DevTools protocol over a pipe: requests and replies are
/// JSON messages separated by NUL bytes on the browser's file descriptors 3 and 4.
struct Browser {
    child: Child,
    input: ChildStdin,
    replies: Receiver<Value>,
    next: u64,
    session: String,
    _profile: tempfile::TempDir,
}

fn chromium() -> Option<String> {
    let candidates = std::env::var("CHROMIUM")
        .into_iter()
        .chain(["chromium", "chromium-browser", "google-chrome"].map(String::from));
    candidates.into_iter().find(|c| {
        Process::new(c)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

impl Browser {
    fn launch(exe: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        // The shell hands our pipes to Chromium as descriptors 3 (commands) and 4 (replies).
        let script = format!(
            "exec '{exe}' --headless --no-sandbox --disable-gpu --disable-background-networking \
             --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
             --user-data-dir='{}' --remote-debugging-pipe about:blank 3<&0 4>&1 0</dev/null 1>/dev/null",
            profile.path().display()
        );
        let mut child = Process::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chromium");
        let input = child.stdin.take().unwrap();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        let (tx, replies) = channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            while output.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                if buf.last() == Some(&0) {
                    buf.pop();
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                    && tx.send(v).is_err()
                {
                    break;
                }
                buf.clear();
            }
        });
        let mut b = Browser {
            child,
            input,
            replies,
            next: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.input.write_all(&bytes).unwrap();
        self.input.flush().unwrap();
        loop {
            let reply = self
                .replies
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("chromium did not answer {method}"));
            if reply["id"] == json!(id) {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    fn open(&mut self, file: &Path) {
        let url = format!("file://{}", file.canonicalize().unwrap().display());
        self.call("Page.navigate", json!({"url": url}));
        for _ in 0..200 {
            if self.eval("document.readyState") == json!("complete") {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the report did not load");
    }

    fn viewport(&mut self, width: u32, height: u32, media: &str) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        self.call("Emulation.setEmulatedMedia", json!({"media": media}));
    }

    /// The value of a JavaScript expression.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    fn screenshot(&mut self, to: &Path) {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        std::fs::write(to, base64(r["data"].as_str().unwrap())).unwrap();
    }

    fn pdf(&mut self, to: &Path) -> Vec<u8> {
        let r = self.call(
            "Page.printToPDF",
            json!({"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": true,
                   "preferCSSPageSize": true}),
        );
        let bytes = base64(r["data"].as_str().unwrap());
        std::fs::write(to, &bytes).unwrap();
        bytes
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.session.clear();
        self.next += 1;
        let msg = json!({"id": self.next, "method": "Browser.close"});
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        let _ = self.input.write_all(&bytes);
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text.bytes().filter(|c| *c != b'=' && *c > b' ').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &c)| {
            acc | (u32::from(value(c)) << (18 - 6 * i))
        });
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    out
}

/// What a person sees on the first screen, measured by the browser.
const SCREEN: &str = r#"JSON.stringify((() => {
  const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const table = document.querySelector('table.synthese');
  const rows = table ? [...table.querySelectorAll('tbody tr')] : [];
  return {
    text: document.body.innerText.length,
    tenders: document.querySelectorAll('article.tender').length,
    synthesisTop: table ? table.getBoundingClientRect().top : null,
    caption: table ? table.querySelector('caption').innerText : '',
    firstRowBottom: rows.length ? rows[0].getBoundingClientRect().bottom : null,
    rows: rows.map(r => ({ visible: visible(r), text: r.innerText.replace(/\s+/g, ' ') })),
    height: innerHeight,
    marks: [...document.querySelectorAll('.finding mark')].filter(visible).map(m => ({
      text: m.innerText, background: getComputedStyle(m).backgroundColor })),
  };
})())"#;

/// Whether anything sticks out sideways in the print layout.
const OVERFLOW: &str = r#"JSON.stringify((() => {
  const w = document.documentElement.clientWidth;
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > w + 1)
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.innerText || '').slice(0, 60));
  return { scrollWidth: document.documentElement.scrollWidth, clientWidth: w, wide };
})())"#;

/// On a narrow phone screen: what sticks out of the viewport sideways (the skip link waits off
/// screen on purpose), finding cards that overlap, and words of the page's French broken across
/// two lines (paths and addresses may break anywhere, a compound word after its hyphen).
const NARROW: &str = r#"JSON.stringify((() => {
  const w = document.documentElement.clientWidth;
  const name = e => e.tagName + '.' + e.className + ': ' + (e.innerText || '').slice(0, 60);
  const wide = [...document.body.querySelectorAll('*')].filter(e => !e.closest('.skip'))
    .filter(e => e.getBoundingClientRect().right > w + 1 || e.getBoundingClientRect().left < -1)
    .slice(0, 5).map(name);
  const cards = [...document.querySelectorAll('.finding')];
  const boxes = cards.map(c => c.getBoundingClientRect());
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
    if (a.bottom > b.top + 1 && b.bottom > a.top + 1 && a.right > b.left + 1 && b.right > a.left + 1)
      overlaps.push(i + ' and ' + (i + 1 + j));
  }));
  const outside = cards.flatMap(c => {
    const r = c.getBoundingClientRect();
    return [...c.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > r.right + 1)
      .map(name);
  }).slice(0, 5);
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('code, .skip')) continue;
    for (const m of n.data.matchAll(/[^ \t\n\r\f-]+-?/g)) {
      if (m[0].includes('/')) continue;
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      const lines = new Set([...r.getClientRects()].filter(x => x.width > 0)
        .map(x => Math.round(x.bottom)));
      if (lines.size > 1) broken.push(m[0]);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, clientWidth: w, wide,
    cards: cards.length, overlaps, outside, broken: broken.slice(0, 10) };
})())"#;

/// The texts of the page's headings, as printed.
const HEADINGS: &str = r#"JSON.stringify([...document.querySelectorAll('h1, h2, h3, h4, h5')]
  .map(h => h.innerText.replace(/\s+/g, ' ').trim()))"#;

/// The text of a PDF, page by page (`pdftotext`, from poppler-utils).
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let out = Process::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed to read the printed report");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

#[test]
fn the_report_reads_well_in_a_real_browser() {
    let Some(exe) = chromium() else {
        if std::env::var("TENDERLINT_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("Chromium not found: browser test skipped (TENDERLINT_SKIP_BROWSER=1)");
            return;
        }
        panic!(
            "Chromium is needed to test the HTML report in a browser and was not found \
             (tried $CHROMIUM, chromium, chromium-browser, google-chrome). Install it \
             (`apt-get install -y chromium`) or set TENDERLINT_SKIP_BROWSER=1 to skip this test."
        );
    };
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut browser = Browser::launch(&exe);
    // (fixture, words a finding must highlight, if any)
    let cases: [(&str, Option<&str>); 3] = [
        ("miq-complet", None),
        ("objet-activite", Some("10 % des heures")),
        ("public-vague", Some("tout public")),
    ];
    for (fixture, highlighted) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (file, _, _) = report(dir.path(), &[&format!("fixtures/{fixture}")]);

        // A laptop screen.
        browser.viewport(1280, 800, "screen");
        browser.open(&file);
        let seen: Value = serde_json::from_str(browser.eval(SCREEN).as_str().unwrap()).unwrap();
        browser.screenshot(&shots.join(format!("{fixture}.png")));
        assert_eq!(seen["tenders"], 1, "{fixture}: {seen}");
        assert!(
            seen["text"].as_u64().unwrap() > 2000,
            "{fixture}: blank? {seen}"
        );
        assert_eq!(
            seen["caption"], "Synthèse par pilier (les piliers expliqués)",
            "{fixture}: {seen}"
        );
        let height = seen["height"].as_f64().unwrap();
        let top = seen["synthesisTop"].as_f64().unwrap();
        let first = seen["firstRowBottom"].as_f64().unwrap();
        assert!(
            top < height && first < height,
            "{fixture}: the synthesis is below the fold ({top}, {first} ≥ {height})"
        );
        let rows = seen["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 8, "{fixture}: {seen}");
        for row in rows {
            assert_eq!(row["visible"], true, "{fixture}: {row}");
            let t = row["text"].as_str().unwrap();
            assert!(
                ["conforme", "à compléter", "à vérifier"]
                    .iter()
                    .any(|s| t.contains(s)),
                "{fixture}: no status in {t}"
            );
        }
        if fixture == "miq-complet" {
            assert!(
                rows.iter()
                    .all(|r| r["text"].as_str().unwrap().contains("✓ conforme"))
            );
        }
        if let Some(words) = highlighted {
            let marks = seen["marks"].as_array().unwrap();
            let mark = marks
                .iter()
                .find(|m| m["text"] == words)
                .unwrap_or_else(|| panic!("{fixture}: «{words}» not highlighted: {marks:?}"));
            assert_ne!(mark["background"], "rgba(0, 0, 0, 0)", "{fixture}: {mark}");
        }

        printed(&mut browser, &file, fixture, &shots);
        let narrow = narrow(&mut browser, &file, fixture, &shots);
        if highlighted.is_some() {
            assert!(narrow["cards"].as_u64().unwrap() > 0, "{fixture}: {narrow}");
        }
    }
}

/// The report of `fixture` printed: no overflow at A4 width, then a PDF on A4 paper.
fn printed(browser: &mut Browser, file: &Path, fixture: &str, shots: &Path) {
    // Printed on A4: 794 CSS pixels wide, print style sheet.
    browser.viewport(794, 1123, "print");
    browser.open(file);
    let print: Value = serde_json::from_str(browser.eval(OVERFLOW).as_str().unwrap()).unwrap();
    assert!(
        print["scrollWidth"].as_u64() <= print["clientWidth"].as_u64()
            && print["wide"].as_array().unwrap().is_empty(),
        "{fixture}: the print layout overflows sideways: {print}"
    );
    browser.screenshot(&shots.join(format!("{fixture}-print.png")));
    let headings: Value = serde_json::from_str(browser.eval(HEADINGS).as_str().unwrap()).unwrap();
    let pdf_file = shots.join(format!("{fixture}.pdf"));
    let pdf = browser.pdf(&pdf_file);
    assert!(pdf.starts_with(b"%PDF") && pdf.len() > 10_000, "{fixture}");
    // On A4 paper: the verdict and the synthesis are on the first page, and no page ends
    // with a heading whose content is on the next one.
    let pages = pdf_pages(&pdf_file);
    assert!(pages.len() >= 2, "{fixture}: {} page(s)", pages.len());
    let first = pages[0].split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(first.contains("Synthèse par pilier"), "{fixture}: {first}");
    assert!(
        [
            "Dossier conforme",
            "Dossier non conforme",
            "Dossier à compléter",
            "Dossier à vérifier"
        ]
        .iter()
        .any(|v| first.contains(v)),
        "{fixture}: no verdict on the first page: {first}"
    );
    let headings: Vec<&str> = headings
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for (n, page) in pages.iter().enumerate().take(pages.len() - 1) {
        let last = page.lines().rev().map(str::trim).find(|l| !l.is_empty());
        let last = last
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            last.len() < 8 || !headings.iter().any(|h| h.ends_with(&last)),
            "{fixture}: page {} ends with the heading « {last} »",
            n + 1
        );
    }
}

/// The report of `fixture` on a screen 400 pixels wide: what `NARROW` measured.
fn narrow(browser: &mut Browser, file: &Path, fixture: &str, shots: &Path) -> Value {
    // A phone held upright, 400 CSS pixels wide.
    browser.viewport(400, 800, "screen");
    browser.open(file);
    let narrow: Value = serde_json::from_str(browser.eval(NARROW).as_str().unwrap()).unwrap();
    browser.screenshot(&shots.join(format!("{fixture}-400.png")));
    assert!(
        narrow["scrollWidth"].as_u64() <= narrow["clientWidth"].as_u64()
            && narrow["wide"].as_array().unwrap().is_empty(),
        "{fixture}: something overflows at 400 px: {narrow}"
    );
    assert!(
        narrow["overlaps"].as_array().unwrap().is_empty(),
        "{fixture}: {narrow}"
    );
    assert!(
        narrow["outside"].as_array().unwrap().is_empty(),
        "{fixture}: {narrow}"
    );
    assert!(
        narrow["broken"].as_array().unwrap().is_empty(),
        "{fixture}: words broken across lines at 400 px: {narrow}"
    );
    narrow
}
