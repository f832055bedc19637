//! `annotate`: a copy of a Word or LibreOffice document with its findings as comments in the
//! margin. A document is checked as part of its tender (the folder it is in); a folder gives
//! one copy per .docx and .odt document of its tenders, under the same names in the output
//! folder. The original is never written.

use std::path::Path;

use tenderlint::annotate;
use tenderlint::compile::Level;
use tenderlint::config::FailOn;
use tenderlint::document::{self, Document, Format};
use tenderlint::engine::TenderResult;
use tenderlint::pipeline::Request;
use tenderlint::report::html::{iso_datetime, now, plural};

use super::args::AnnotateArgs;
use super::exit;
use super::terminal::{
    PENDING, install_interrupt_handler, output_error, print_input_errors, stderr_human,
};

/// A document that cannot be annotated, or a copy that cannot be written, said in French.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{path} : {reason}")]
#[diagnostic(code(tenderlint::annotate))]
struct Refused {
    path: String,
    reason: String,
    #[help]
    help: Option<String>,
}

fn refuse(path: &Path, reason: impl Into<String>, help: Option<&str>) -> u8 {
    let e = Refused {
        path: document::shown(path),
        reason: reason.into(),
        help: help.map(str::to_string),
    };
    eprint!("{}", stderr_human().diagnostic(&e));
    exit::TROUBLE
}

fn warn(path: &Path, message: &str) {
    let n = document::Notice {
        path: document::shown(path),
        message: message.into(),
        help: None,
    };
    eprint!("{}", stderr_human().diagnostic(&n));
}

/// The annotated formats.
fn annotated(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(
        Format::from_extension(&ext.to_ascii_lowercase()),
        Some(Format::Docx | Format::Odt)
    )
}

/// Same file, once links and `..` are resolved.
fn same(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub fn run(args: AnnotateArgs) -> u8 {
    let path = &args.path;
    let folder = path.is_dir();
    if let Err(code) = check_paths(&args, folder) {
        return code;
    }
    // A file is checked with the whole tender it belongs to, as `check FILE` does.
    let request = Request {
        paths: vec![path.clone()],
        rules: args.rules.rules.clone(),
        no_default_rules: args.rules.no_default_rules,
        force_packs: args.packs.clone(),
        config: args.config.clone(),
        evidence: true,
        cache_dir: args.rules.cache_dir(),
        ..Request::default()
    };
    let run = tenderlint::pipeline::run(&request);
    print_input_errors(&run);
    if run.stopped {
        return exit::TROUBLE;
    }
    install_interrupt_handler();
    let date = iso_datetime(now());
    let mut trouble = run.has_input_errors();
    let mut levels: Vec<Level> = Vec::new();
    let mut written = 0;
    for result in &run.results {
        for doc in &result.tender.documents {
            let target = if folder {
                match doc.path.strip_prefix(path) {
                    Ok(rel) => args.output.join(rel),
                    Err(_) => continue,
                }
            } else if same(&doc.path, path) {
                args.output.clone()
            } else {
                continue;
            };
            if !annotated(&doc.path) {
                warn(
                    &doc.path,
                    "ni Word (.docx) ni LibreOffice (.odt) : pas de copie annotée",
                );
                continue;
            }
            match write_copy(result, doc, &target, &date, args.config.as_deref()) {
                Ok(found) => {
                    levels.extend(found);
                    written += 1;
                }
                Err(code) => trouble |= code != exit::CLEAN,
            }
        }
    }
    if written == 0 && !trouble {
        return refuse(
            path,
            "aucun document Word ou LibreOffice n’a pu être lu ici",
            Some("vérifiez le chemin : le document doit être un .docx ou un .odt lisible"),
        );
    }
    let policy: FailOn = args.fail_on.unwrap_or(run.fail_on);
    if trouble {
        exit::TROUBLE
    } else if levels.iter().any(|l| policy.fails(*l)) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

/// Refuses, before any checking, what cannot be annotated and an output that would replace
/// the original.
fn check_paths(args: &AnnotateArgs, folder: bool) -> Result<(), u8> {
    let (path, out) = (&args.path, &args.output);
    if !path.exists() {
        return Err(refuse(path, "ce chemin n’existe pas", None));
    }
    if folder {
        if same(path, out) {
            return Err(refuse(
                out,
                "le dossier de sortie est celui des documents : les copies annotées remplaceraient les originaux",
                Some(OUTSIDE),
            ));
        }
        if inside(out, path) {
            return Err(refuse(
                out,
                "les copies annotées seraient dans le dossier vérifié : à la prochaine vérification, elles y seraient lues comme des pièces de plus",
                Some(OUTSIDE),
            ));
        }
        if !out.is_dir()
            && let Err(e) = std::fs::create_dir_all(out)
        {
            return Err(refuse(
                out,
                format!("impossible de créer le dossier de sortie : {e}"),
                None,
            ));
        }
        return Ok(());
    }
    if !annotated(path) {
        return Err(refuse(
            path,
            "seuls les documents Word (.docx) et LibreOffice (.odt) peuvent être annotés",
            Some("enregistrez le document au format .docx ou .odt depuis son traitement de texte"),
        ));
    }
    if same(path, out) {
        return Err(refuse(
            out,
            "la copie annotée remplacerait le document d’origine : tenderlint ne modifie jamais l’original",
            Some(OUTSIDE),
        ));
    }
    // In the document's folder, the copy would be read as one more document of its dossier
    // (the folder of its whole tender is checked again when the copy is written).
    let own_folder = path.parent().unwrap_or(Path::new(""));
    if out.parent().is_some_and(|dir| inside(dir, own_folder)) {
        return Err(refuse(
            out,
            "la copie annotée serait dans le dossier vérifié : à la prochaine vérification, elle y serait lue comme une pièce de plus",
            Some(OUTSIDE),
        ));
    }
    let inputs = tenderlint::output::Inputs::new([path.as_path()]);
    tenderlint::output::check_target(out, &inputs).map_err(|e| {
        output_error(&e);
        exit::TROUBLE
    })
}

/// Whether `dir` (which may not exist yet) is `folder` or inside it, links resolved.
fn inside(dir: &Path, folder: &Path) -> bool {
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let Ok(folder) = std::fs::canonicalize(folder) else {
        return false;
    };
    // The nearest folder that exists, and what is below it.
    let mut rest = Vec::new();
    for a in dir.ancestors() {
        let a = if a.as_os_str().is_empty() {
            Path::new(".")
        } else {
            a
        };
        if let Ok(c) = std::fs::canonicalize(a) {
            let full: std::path::PathBuf = rest.iter().rev().fold(c, |p, n| p.join(n));
            return full.starts_with(&folder);
        }
        match a.file_name() {
            Some(n) => rest.push(n.to_os_string()),
            None => return false,
        }
    }
    false
}

/// Where the copy should go, when it cannot go where `-o` says.
const OUTSIDE: &str = "donnez avec -o un chemin hors du dossier vérifié, par exemple un dossier « annotations » à côté de lui";

/// Writes the annotated copy of one document; the levels of its findings.
fn write_copy(
    result: &TenderResult,
    doc: &Document,
    target: &Path,
    date: &str,
    config: Option<&Path>,
) -> Result<Vec<Level>, u8> {
    if same(&doc.path, target) {
        return Err(refuse(
            target,
            "la copie annotée remplacerait le document d’origine : tenderlint ne modifie jamais l’original",
            Some(OUTSIDE),
        ));
    }
    if let Some(dir) = target.parent()
        && !dir.as_os_str().is_empty()
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        return Err(refuse(
            dir,
            format!("impossible de créer le dossier : {e}"),
            None,
        ));
    }
    // In the dossier's folder, the copy would be read as one more document of the dossier at
    // the next check (its findings twice, the missing ones moved onto it).
    if target
        .parent()
        .is_some_and(|dir| inside(dir, &result.tender.path))
    {
        return Err(refuse(
            target,
            "la copie annotée serait dans le dossier vérifié : à la prochaine vérification, elle y serait lue comme une pièce de plus",
            Some(OUTSIDE),
        ));
    }
    let inputs = tenderlint::output::Inputs::new([doc.path.as_path()]);
    if let Err(e) = tenderlint::output::check_target(target, &inputs) {
        output_error(&e);
        return Err(exit::TROUBLE);
    }
    let limits = tenderlint::pipeline::config_for(&doc.path, config).0.limits;
    let original = Document::read_bytes(&doc.path, &doc.display, &limits).map_err(|e| {
        eprint!("{}", stderr_human().diagnostic(&e));
        exit::TROUBLE
    })?;
    let (copy, findings) =
        annotate::copy_of(result, doc, &original, date, &limits).map_err(|e| {
            refuse(
                &doc.path,
                format!("impossible d’annoter ce document ({})", e.reason),
                e.help.as_deref(),
            )
        })?;
    if let Err(e) = tenderlint::output::write(target, &copy.bytes, &PENDING) {
        output_error(&e);
        return Err(exit::TROUBLE);
    }
    eprintln!(
        "copie annotée écrite dans {} ({} : le verdict par pilier, puis {})",
        document::shown(target),
        plural(copy.comments, "commentaire", "commentaires"),
        plural(findings.len(), "remarque", "remarques")
    );
    Ok(findings.iter().map(|f| f.level).collect())
}
