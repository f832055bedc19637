//! Tenders: a folder that directly holds documents is one tender (one *dossier de
//! consultation*), with the subfolders that hang from it through folders holding documents
//! (its annexes); a file named on its own checks the tender it belongs to.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{Document, Notice, ReadError, ReadFailure, is_supported};
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

/// The files of a repository rather than of a tender (`README.md`, `LISEZMOI.md`,
/// `CHANGELOG.md`, `LICENSE.txt`…): a folder walk leaves them out, so that a repository's own README does not
/// make its root folder a tender that swallows every dossier below it. A file named on the
/// command line is read whatever its name.
pub fn is_repository_file(path: &Path) -> bool {
    const NAMES: [&str; 11] = [
        "README",
        "LISEZMOI",
        "LISEZ-MOI",
        "LISEZ_MOI",
        "CHANGELOG",
        "CHANGES",
        "CONTRIBUTING",
        "LICENSE",
        "LICENCE",
        "COPYING",
        "CODE_OF_CONDUCT",
    ];
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|stem| NAMES.iter().any(|n| stem.eq_ignore_ascii_case(n)))
}

/// A path without its `.` components and with each `..` taken back where it can be
/// (`./dce/annexe/..` → `dce`), to compare the spellings of a walk and of the command line.
fn without_dots(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.into_iter().collect()
}

/// Whether a folder directly holds a document of a tender (a readable file, not hidden, not a
/// repository file, not a link).
fn holds_documents(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let path = e.path();
        e.file_type().is_ok_and(|t| t.is_file())
            && !e.file_name().to_string_lossy().starts_with('.')
            && is_supported(&path)
            && !is_repository_file(&path)
    })
}

/// The folder of the tender a file belongs to: its own folder, or, inside a git repository,
/// the highest folder reached by climbing from it while the parent folder directly holds
/// documents (an annex folder belongs to the dossier around it), never above the
/// repository's root. Outside a git repository nothing is climbed: a file's tender is its
/// folder. The climb is made on the canonical path (`..` and links resolved); a folder
/// reached is written relative to the current folder when it is inside it or above it.
fn tender_folder(file: &Path) -> PathBuf {
    // Written without `.` and with its `..` taken back (`dce/annexes/..` → `dce`).
    let dir = match file.parent().map(without_dots) {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => PathBuf::from("."),
    };
    let Ok(canonical) = std::fs::canonicalize(&dir) else {
        return dir;
    };
    if !canonical.ancestors().any(|a| a.join(".git").exists()) {
        return dir;
    }
    let mut top = canonical.as_path();
    while !top.join(".git").exists()
        && let Some(parent) = top.parent()
        && holds_documents(parent)
    {
        top = parent;
    }
    if top == canonical {
        return dir;
    }
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
    match cwd {
        Ok(cwd) if !dir.is_absolute() && top.starts_with(&cwd) => {
            let rel = top.strip_prefix(&cwd).unwrap_or(top);
            if rel.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                rel.to_path_buf()
            }
        }
        Ok(cwd) if !dir.is_absolute() && cwd.starts_with(top) => {
            let up = cwd.components().count() - top.components().count();
            (0..up).map(|_| std::path::Component::ParentDir).collect()
        }
        _ => top.to_path_buf(),
    }
}

/// The tenders of a folder walk, from the folders that directly hold documents: a folder
/// whose parent directly holds documents too belongs to its parent's tender (annexes belong
/// to their dossier); `root`, the folder walked, is a tender of its own whatever its parent.
fn tenders_of_walk(
    root: &Path,
    folders: BTreeMap<PathBuf, Vec<PathBuf>>,
) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let mut owner: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    let mut tenders: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    // Parents sort before their subfolders, so a parent's owner is known first.
    for (dir, files) in folders {
        let parent_owner = (dir != root)
            .then(|| dir.parent())
            .flatten()
            .and_then(|p| owner.get(p).cloned());
        let tender = parent_owner.unwrap_or_else(|| dir.clone());
        owner.insert(dir, tender.clone());
        tenders.entry(tender).or_default().extend(files);
    }
    tenders
}

/// Finds the tenders under `paths` without reading them, so that a caller can read, check and
/// drop them one at a time, each once. A folder is walked (respecting `.gitignore`, `.ignore`
/// and the excludes) into the tenders of [`tenders_of_walk`]; a file named explicitly checks
/// the tender it belongs to ([`tender_folder`]), in which it is always read. A document that
/// is a symbolic link inside a folder is not followed (it may lead anywhere), with a notice.
pub fn plan(
    paths: &[PathBuf],
    excludes: &Excludes,
    limits: &Limits,
) -> (Vec<Planned>, Vec<ReadError>, Vec<Notice>) {
    let mut found = Discovery::default();
    let overrides = {
        let mut b = ignore::overrides::OverrideBuilder::new(&excludes.root);
        for p in &excludes.patterns {
            // Patterns are checked when the configuration is read.
            let _ = b.add(&format!("!{p}"));
        }
        b.build()
            .unwrap_or_else(|_| ignore::overrides::Override::empty())
    };
    // The tenders, the folders already walked, and the files named explicitly by the folder
    // of their tender (found once for each folder they are in). A tender reached from two
    // paths is merged, its documents made unique at the end.
    let mut tenders: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut named: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut folder_of: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut walked: BTreeMap<PathBuf, BTreeMap<PathBuf, Vec<PathBuf>>> = BTreeMap::new();
    let named_paths = Named::new(paths);
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                found.errors.push(ReadError {
                    kind: ReadFailure::Access,
                    path: display(path),
                    reason: format!("cannot read: {e}"),
                    help: None,
                });
                continue;
            }
        };
        if !meta.is_file() && !meta.is_dir() {
            found.errors.push(ReadError {
                kind: ReadFailure::NotAFile,
                path: display(path),
                reason: "not a regular file (a device, a pipe or a socket)".into(),
                help: None,
            });
            continue;
        }
        if meta.is_dir() {
            let of_walk = walk(path, &overrides, &named_paths, &mut found);
            for (tender, files) in &of_walk {
                tenders
                    .entry(tender.clone())
                    .or_default()
                    .extend_from_slice(files);
            }
            walked.insert(path.clone(), of_walk);
            continue;
        }
        if !is_supported(path) {
            found.errors.push(unsupported(display(path)));
            continue;
        }
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let folder = folder_of
            .entry(parent)
            .or_insert_with(|| tender_folder(path))
            .clone();
        named.entry(folder).or_default().push(path.clone());
    }
    let any_named = !named.is_empty();
    for (folder, explicit) in named {
        let of_walk = walked
            .entry(folder.clone())
            .or_insert_with(|| walk(&folder, &overrides, &named_paths, &mut found));
        // The climb counts every document a folder holds; the walk leaves out the ignored
        // ones, and may then make a file's folder a tender of its own below `folder`: the
        // file goes to the deepest tender of the walk above it, as `check FOLDER` has it.
        let keys: Vec<(PathBuf, &PathBuf)> = of_walk.keys().map(|k| (without_dots(k), k)).collect();
        let mut by_tender: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        for path in explicit {
            let dir = without_dots(path.parent().unwrap_or(Path::new("")));
            let tender = keys
                .iter()
                .filter(|(k, _)| dir.starts_with(k))
                .max_by_key(|(k, _)| k.components().count())
                .map_or_else(|| folder.clone(), |(_, k)| (*k).clone());
            by_tender.entry(tender).or_default().push(path);
        }
        for (tender, explicit) in by_tender {
            let files = tenders.entry(tender.clone()).or_default();
            files.extend_from_slice(of_walk.get(&tender).map_or(&[][..], Vec::as_slice));
            // Named explicitly, a file is read even where the walk leaves it out (ignored, or
            // a repository file); as the walk writes it, it is there already.
            let walked_files: HashSet<PathBuf> = files.iter().map(|f| without_dots(f)).collect();
            files.extend(
                explicit
                    .into_iter()
                    .filter(|path| !walked_files.contains(&without_dots(path))),
            );
        }
    }
    let mut planned: Vec<Planned> = tenders
        .into_iter()
        .map(|(path, files)| Planned {
            path,
            files,
            limits: *limits,
        })
        .collect();
    if paths.len() > 1 || any_named {
        // Paths that overlap (`dce` and `dce/annexes`, `dce` and `./dce/CCTP.md`, a link and
        // the file it leads to) would check a document twice: it stays in the first tender
        // that has it (the outer one: folders sort before their subfolders), and a tender
        // left without documents goes. One folder alone cannot overlap: no system call then.
        let mut seen: HashSet<PathBuf> = HashSet::new();
        for p in &mut planned {
            p.files.retain(|f| seen.insert(canonical_file(f)));
        }
        planned.retain(|p| !p.files.is_empty());
    }
    (planned, found.errors, found.notices)
}

fn canonical_file(f: &Path) -> PathBuf {
    std::fs::canonicalize(f).unwrap_or_else(|_| f.to_path_buf())
}

/// The paths named on the command line, to know them again in a walk.
struct Named(HashSet<PathBuf>);

impl Named {
    fn new(paths: &[PathBuf]) -> Named {
        Named(paths.iter().filter_map(|p| Named::key(p)).collect())
    }
    fn key(p: &Path) -> Option<PathBuf> {
        std::path::absolute(p).ok().map(|p| without_dots(&p))
    }
    fn contains(&self, p: &Path) -> bool {
        Named::key(p).is_some_and(|k| self.0.contains(&k))
    }
}

/// Walks a folder into its tenders ([`tenders_of_walk`]). A link is skipped with a notice,
/// unless it was named (a named file is read whatever it is: see [`plan`]).
fn walk(
    path: &Path,
    overrides: &ignore::overrides::Override,
    named: &Named,
    found: &mut Discovery,
) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    // Folder -> documents directly in it.
    let mut folders: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
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
            Ok(e)
                if e.file_type().is_some_and(|t| t.is_file())
                    && is_supported(e.path())
                    && !is_repository_file(e.path()) =>
            {
                let parent = e.path().parent().map(Path::to_path_buf).unwrap_or_default();
                folders
                    .entry(parent)
                    .or_default()
                    .push(e.path().to_path_buf());
            }
            Ok(e) if e.path_is_symlink() && is_supported(e.path()) && !named.contains(e.path()) => {
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
                kind: ReadFailure::Access,
                path: display(path),
                reason: format!("cannot read: {err}"),
                help: None,
            }),
        }
    }
    tenders_of_walk(path, folders)
}

/// The error of a file given by name (or handed in memory) whose type tenderlint does not read.
pub fn unsupported(shown: String) -> ReadError {
    ReadError {
        kind: ReadFailure::Unsupported,
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
