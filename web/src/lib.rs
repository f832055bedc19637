//! tenderlint in the browser: the page (`index.html`, `app.js`) hands the files of one dossier
//! to [`Dossier`], which checks them with the embedded packs as `tenderlint report FOLDER`
//! does, and gets back the same HTML report and a short JSON summary. Nothing leaves the page:
//! the module imports nothing but `console.error` (see [`start`]).
//!
//! Annotated copies: [`annotate`] finds the document named `name` in the last run
//! ([`LAST_RUN`]) and returns a copy of its bytes with the findings as comments in the margin
//! (`tenderlint::annotate`, as `tenderlint annotate` writes it). The page shows a
//! « Télécharger la copie annotée » button per Word or LibreOffice document.

#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::sync::Mutex;

use serde::Serialize;
use tenderlint::pipeline::{MemoryFile, Run};
use tenderlint::report::Renderer;
use tenderlint::report::html::{Html, iso_datetime, now, synthesis, today};
use wasm_bindgen::prelude::*;

thread_local! {
    /// The last run [`Dossier::check`] made, kept for `annotate`, which needs the findings and
    /// verdicts of the document it annotates.
    static LAST_RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
}

/// The message of the last panic: a panic aborts the module (WebAssembly has no unwinding), and
/// the page, which catches the abort, asks for it before it starts a fresh module.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn error(message: &str);
}

/// Run when the module is instantiated: a panic's message goes to the console and to
/// [`last_panic`].
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        error(&message);
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(message);
        }
    }));
}

/// The message of the panic that aborted the module, if one did.
#[wasm_bindgen]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|last| last.clone())
}

/// tenderlint's version, shown in the page's footer.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The files of one dossier, added one by one, then checked.
#[wasm_bindgen]
pub struct Dossier {
    name: String,
    files: Vec<MemoryFile>,
}

#[wasm_bindgen]
impl Dossier {
    /// An empty dossier, shown under `name` in the report.
    #[wasm_bindgen(constructor)]
    pub fn new(name: String) -> Dossier {
        Dossier {
            name,
            files: Vec::new(),
        }
    }

    /// Adds a file: its name (which chooses the reader and the document's kind) and its bytes.
    pub fn add(&mut self, name: String, bytes: Vec<u8>) {
        self.files.push(MemoryFile { name, bytes });
    }

    /// Checks the dossier (the object is used up).
    pub fn check(self) -> Checked {
        let run = tenderlint::pipeline::check_files(&self.name, self.files);
        let checked = Checked {
            html: html(&run),
            summary: summary(&run),
        };
        LAST_RUN.with(|last| *last.borrow_mut() = Some(run));
        checked
    }
}

/// What a check gives the page.
#[wasm_bindgen]
pub struct Checked {
    html: String,
    summary: String,
}

#[wasm_bindgen]
impl Checked {
    /// The HTML report, the very page `tenderlint report` writes.
    #[wasm_bindgen(getter)]
    pub fn html(&self) -> String {
        self.html.clone()
    }

    /// The summary, as JSON: see [`Summary`].
    #[wasm_bindgen(getter)]
    pub fn summary(&self) -> String {
        self.summary.clone()
    }
}

/// The annotated copy of the Word or LibreOffice document `name` of the last check, made from
/// its `bytes` (the file the page was given): its findings and the dossier's verdicts as
/// comments. An error (in French) when the document was not checked or cannot be annotated.
#[wasm_bindgen]
pub fn annotate(name: &str, bytes: &[u8]) -> Result<Vec<u8>, JsError> {
    LAST_RUN.with(|last| {
        let last = last.borrow();
        let run = last
            .as_ref()
            .ok_or_else(|| JsError::new("aucun dossier n’a encore été vérifié"))?;
        let (result, doc) = run
            .results
            .iter()
            .find_map(|r| {
                r.tender
                    .documents
                    .iter()
                    .find(|d| d.display == name)
                    .map(|d| (r, d))
            })
            .ok_or_else(|| JsError::new(&format!("« {name} » n’a pas été vérifié")))?;
        let date = iso_datetime(now());
        let limits = tenderlint::limits::Limits::default();
        tenderlint::annotate::copy_of(result, doc, bytes, &date, &limits)
            .map(|(copy, _)| copy.bytes)
            .map_err(|e| JsError::new(&format!("impossible d’annoter « {name} » ({})", e.reason)))
    })
}

fn html(run: &Run) -> String {
    let mut out = Vec::new();
    // Writing to a vector cannot fail.
    let _ = Html::new(today()).render(run, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The summary of a run for the page: per dossier, the pillars' statuses as the report shows
/// them; the counts of findings; what could not be read.
#[derive(Serialize)]
struct Summary {
    dossiers: Vec<DossierSummary>,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    /// The files that could not be read, with why (in English, as the report gives them).
    unread: Vec<Unread>,
}

#[derive(Serialize)]
struct DossierSummary {
    name: String,
    documents: Vec<DocumentSummary>,
    findings: usize,
    pillars: Vec<PillarSummary>,
}

#[derive(Serialize)]
struct DocumentSummary {
    name: String,
    kind: &'static str,
    findings: usize,
}

#[derive(Serialize)]
struct PillarSummary {
    tag: String,
    name: String,
    /// « conforme », « à compléter », « non conforme » or « à vérifier ».
    status: &'static str,
    findings: usize,
}

#[derive(Serialize)]
struct Unread {
    name: String,
    reason: String,
}

fn summary(run: &Run) -> String {
    let counts = run.summary();
    let dossiers = run
        .results
        .iter()
        .map(|r| DossierSummary {
            name: r.tender.display.clone(),
            documents: (r.tender.documents.iter())
                .map(|d| DocumentSummary {
                    name: d.display.clone(),
                    kind: d.kind.as_str(),
                    findings: r.findings.iter().filter(|f| f.file == d.display).count(),
                })
                .collect(),
            findings: r.findings.len(),
            pillars: synthesis(run, r)
                .into_iter()
                .map(|p| PillarSummary {
                    tag: p.tag,
                    name: p.name,
                    status: p.status.label(),
                    findings: p.findings,
                })
                .collect(),
        })
        .collect();
    let summary = Summary {
        dossiers,
        findings: counts.errors + counts.warnings + counts.infos,
        errors: counts.errors,
        warnings: counts.warnings,
        infos: counts.infos,
        unread: (run.input_errors.iter())
            .map(|e| Unread {
                name: e.path.clone(),
                reason: e.reason.clone(),
            })
            .collect(),
    };
    serde_json::to_string(&summary).unwrap_or_default()
}
