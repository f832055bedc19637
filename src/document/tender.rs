//! Tenders: a folder that directly holds documents is one tender (one *dossier de
//! consultation*); a file given on its own is a tender of one document.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Document, Notice, ReadError, is_supported};
use crate::limits::Limits;

/// The documents of one consultation, checked together.
#[derive(Debug, Clone)]
pub struct Tender {
    pub path: PathBuf,
    pub display: String,
    pub documents: Vec<Document>,
}

/// What discovery found: the tenders, and the inputs that could not be read.
#[derive(Debug, Default)]
pub struct Discovery {
    pub tenders: Vec<Tender>,
    pub errors: Vec<ReadError>,
    pub notices: Vec<Notice>,
}

fn display(p: &Path) -> String {
    let s = super::shown(p);
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

/// Paths to leave out of discovery: gitignore-style patterns relative to a folder (the folder
/// of the configuration file that lists them).
#[derive(Debug, Clone, Default)]
pub struct Excludes {
    pub root: PathBuf,
    pub patterns: Vec<String>,
}

/// Finds and reads the tenders under `paths`.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    discover_with(paths, &Excludes::default())
}

/// Finds and reads the tenders under `paths`: folders are walked respecting `.gitignore`,
/// `.ignore` and the excludes; a file named explicitly is always read.
pub fn discover_with(paths: &[PathBuf], excludes: &Excludes) -> Discovery {
    let (planned, errors, notices) = plan(paths, excludes, &Limits::default());
    let mut found = Discovery {
        tenders: Vec::new(),
        errors,
        notices,
    };
    for p in planned {
        let (tender, errors, notices) = p.read();
        found.errors.extend(errors);
        found.notices.extend(notices);
        found.tenders.extend(tender);
    }
    found
}

/// A tender found by discovery, not read yet: its folder (or single file) and its documents.
#[derive(Debug, Clone)]
pub struct Planned {
    pub path: PathBuf,
    pub files: Vec<PathBuf>,
    /// The limits its documents are read within.
    pub limits: Limits,
}

impl Planned {
    /// Reads the documents (in parallel; the tender keeps their order). A file tenderlint
    /// generated (a report left in the folder) is left out, with a notice.
    pub fn read(self) -> (Option<Tender>, Vec<ReadError>, Vec<Notice>) {
        use rayon::prelude::*;
        let read: Vec<Result<Option<Document>, ReadError>> = self
            .files
            .par_iter()
            .map(|f| {
                let shown = display(f);
                let bytes = Document::read_bytes(f, &shown, &self.limits)?;
                document_of(f, &shown, &bytes, &self.limits)
            })
            .collect();
        let shown = self.files.iter().map(|f| display(f));
        gather(display(&self.path), self.path, read.into_iter().zip(shown))
    }
}

/// A file given in memory instead of a path: standard input, or a file handed to the page in
/// the browser (web/).
#[derive(Debug, Clone)]
pub struct MemoryFile {
    /// The name it is checked under: it chooses the reader and the document kind.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A tender given in memory: the documents of one dossier, read as a folder's are.
#[derive(Debug, Clone)]
pub struct MemoryTender {
    /// The name the tender is shown under.
    pub name: String,
    pub files: Vec<MemoryFile>,
}

impl MemoryTender {
    /// A tender of one document, shown under the document's name (standard input).
    pub fn one(file: MemoryFile) -> MemoryTender {
        MemoryTender {
            name: file.name.clone(),
            files: vec![file],
        }
    }

    /// Reads the documents, in the order given (in parallel, as a folder's), within `limits`;
    /// a file tenderlint generated is left out, with a notice.
    pub fn read(&self, limits: &Limits) -> (Option<Tender>, Vec<ReadError>, Vec<Notice>) {
        use rayon::prelude::*;
        let read: Vec<Result<Option<Document>, ReadError>> = self
            .files
            .par_iter()
            .map(|f| document_of(Path::new(&f.name), &f.name, &f.bytes, limits))
            .collect();
        let shown = self.files.iter().map(|f| f.name.clone());
        let path = PathBuf::from(&self.name);
        gather(self.name.clone(), path, read.into_iter().zip(shown))
    }
}

/// The document of a file's bytes, `None` for a file tenderlint generated.
fn document_of(
    path: &Path,
    shown: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Option<Document>, ReadError> {
    if super::generated::is_generated(bytes) {
        return Ok(None);
    }
    Document::from_bytes_with(path, shown, bytes, limits).map(Some)
}

/// A tender of the documents read (with the names they are shown under), the files that
/// could not be read, and the notices: the readers' warnings and the generated files left out.
fn gather(
    display: String,
    path: PathBuf,
    read: impl Iterator<Item = (Result<Option<Document>, ReadError>, String)>,
) -> (Option<Tender>, Vec<ReadError>, Vec<Notice>) {
    let mut documents = Vec::new();
    let mut errors = Vec::new();
    let mut notices = Vec::new();
    for (r, shown) in read {
        match r {
            Ok(Some(mut d)) => {
                notices.extend(d.warnings.drain(..).map(|message| Notice {
                    path: d.display.clone(),
                    message,
                    help: None,
                }));
                documents.push(d);
            }
            Ok(None) => notices.push(Notice {
                path: shown,
                message: "skipped: tenderlint generated this file (a report or a baseline), it is not a document of the tender".into(),
                help: Some("move reports out of the folders you check".into()),
            }),
            Err(e) => errors.push(e),
        }
    }
    let tender = (!documents.is_empty()).then_some(Tender {
        display,
        path,
        documents,
    });
    (tender, errors, notices)
}

/// Finds the tenders under `paths` without reading them, so that a caller can read, check and
/// drop them one at a time: files named explicitly first, then one tender per folder.
/// A document that is a symbolic link inside a folder is not followed (it may lead anywhere),
/// with a notice.
pub fn plan(
    paths: &[PathBuf],
    excludes: &Excludes,
    limits: &Limits,
) -> (Vec<Planned>, Vec<ReadError>, Vec<Notice>) {
    let mut found = Discovery::default();
    // Folder -> documents directly in it.
    let mut groups: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut singles: Vec<PathBuf> = Vec::new();
    let overrides = {
        let mut b = ignore::overrides::OverrideBuilder::new(&excludes.root);
        for p in &excludes.patterns {
            // Patterns are checked when the configuration is read.
            let _ = b.add(&format!("!{p}"));
        }
        b.build()
            .unwrap_or_else(|_| ignore::overrides::Override::empty())
    };
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                found.errors.push(ReadError {
                    path: display(path),
                    reason: format!("cannot read: {e}"),
                    help: None,
                });
                continue;
            }
        };
        if !meta.is_file() && !meta.is_dir() {
            found.errors.push(ReadError {
                path: display(path),
                reason: "not a regular file (a device, a pipe or a socket)".into(),
                help: None,
            });
            continue;
        }
        if meta.is_file() {
            if is_supported(path) {
                singles.push(path.clone());
            } else {
                found.errors.push(unsupported(display(path)));
            }
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .overrides(overrides.clone())
            .hidden(true)
            .parents(true)
            .follow_links(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(|e| {
                !(e.file_type().is_some_and(|t| t.is_dir())
                    && e.depth() > 0
                    && skipped_dir(&e.file_name().to_string_lossy()))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) && is_supported(e.path()) => {
                    let parent = e.path().parent().map(Path::to_path_buf).unwrap_or_default();
                    groups
                        .entry(parent)
                        .or_default()
                        .push(e.path().to_path_buf());
                }
                Ok(e) if e.path_is_symlink() && is_supported(e.path()) => {
                    found.notices.push(Notice {
                        path: display(e.path()),
                        message: "skipped: a symbolic link inside a folder is not followed".into(),
                        help: Some(
                            "give the file it points to by name, or copy it into the folder".into(),
                        ),
                    });
                }
                Ok(_) => {}
                Err(err) => found.errors.push(ReadError {
                    path: display(path),
                    reason: format!("cannot read: {err}"),
                    help: None,
                }),
            }
        }
    }
    let mut planned: Vec<Planned> = singles
        .into_iter()
        .map(|f| Planned {
            path: f.clone(),
            files: vec![f],
            limits: *limits,
        })
        .collect();
    planned.extend(groups.into_iter().map(|(path, files)| Planned {
        path,
        files,
        limits: *limits,
    }));
    (planned, found.errors, found.notices)
}

/// The error of a file given by name (or handed in memory) whose type tenderlint does not read.
pub fn unsupported(shown: String) -> ReadError {
    ReadError {
        path: shown,
        reason: "unsupported document type".into(),
        help: Some(format!(
            "tenderlint reads these extensions: {}",
            super::EXTENSIONS.join(", ")
        )),
    }
}

impl Tender {
    /// A tender of documents built in memory (for examples and tests).
    pub fn from_documents(display: &str, documents: Vec<Document>) -> Tender {
        Tender {
            path: PathBuf::from(display),
            display: display.to_string(),
            documents,
        }
    }
}
