//! The second stage: which tenders to read (the paths, the documents changed since a git
//! reference, the tender given in memory: standard input or the page's files), read one at a
//! time when their turn comes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{MemoryTender, Request, Run};
use crate::document::{self, Excludes, Notice, Planned, ReadError, ReadFailure, Tender};
use crate::limits::{Instant, Limits};

/// The tenders of some paths, read one at a time when their turn comes; the tender given in
/// memory comes last. What cannot be read is gathered, and added to the run by
/// [`Reading::finish`].
pub(super) struct Reading {
    planned: std::vec::IntoIter<Planned>,
    in_memory: Option<Tender>,
    read_errors: Vec<ReadError>,
    read_notices: Vec<Notice>,
    in_memory_errors: Vec<ReadError>,
}

impl Reading {
    /// Finds the tenders of `paths` (what cannot be found goes to the run now) and reads
    /// the tender given in memory, if there is one.
    pub(super) fn new(
        paths: &[PathBuf],
        excludes: &Excludes,
        in_memory: Option<&MemoryTender>,
        limits: &Limits,
        run: &mut Run,
    ) -> Reading {
        let (planned, errors, notices) = document::plan(paths, excludes, limits);
        // Paths that hold nothing to read check nothing: not an error (a folder may be empty
        // for a while), but a pass that checked nothing should not go unnoticed.
        if planned.is_empty() && errors.is_empty() && !paths.is_empty() {
            let shown: Vec<String> = paths.iter().map(|p| document::shown(p)).collect();
            run.warnings
                .push(format!("no document found under {}", shown.join(", ")));
        }
        run.input_errors.extend(errors);
        run.notices.extend(notices);
        let (in_memory, in_memory_errors) = match in_memory {
            Some(tender) => {
                let (tender, errors, notices) = tender.read(limits);
                run.notices.extend(notices);
                (tender, errors)
            }
            None => (None, Vec::new()),
        };
        Reading {
            planned: planned.into_iter(),
            in_memory,
            read_errors: Vec::new(),
            read_notices: Vec::new(),
            in_memory_errors,
        }
    }

    /// The next tender, with the moment its reading started: reading is part of its time
    /// budget.
    pub(super) fn next(&mut self) -> Option<(Tender, Instant)> {
        for p in self.planned.by_ref() {
            let started = Instant::now();
            let (t, errors, notices) = p.read();
            self.read_errors.extend(errors);
            self.read_notices.extend(notices);
            if let Some(t) = t {
                return Some((t, started));
            }
        }
        self.in_memory.take().map(|t| (t, Instant::now()))
    }

    /// Adds what could not be read to the run.
    pub(super) fn finish(mut self, run: &mut Run) {
        run.input_errors.append(&mut self.read_errors);
        run.notices.append(&mut self.read_notices);
        run.input_errors.append(&mut self.in_memory_errors);
    }
}

/// The files changed since `--changed-since` (`None`: no reference given, or git could not
/// list them, which the run reports).
pub(super) fn changed_since(req: &Request, run: &mut Run) -> Option<BTreeSet<PathBuf>> {
    let r = req.changed_since.as_ref()?;
    match changed_files(r) {
        Ok(files) => Some(files),
        Err(e) => {
            run.input_errors.push(ReadError {
                path: format!("--changed-since {r}"),
                kind: ReadFailure::Changes,
                reason: format!("git could not list the changes: {e}"),
                help: Some(
                    "give a reference git knows (a branch, a tag or a commit), inside a git repository"
                        .into(),
                ),
            });
            None
        }
    }
}

/// Files changed since a git reference (and untracked files), as absolute paths.
fn changed_files(reference: &str) -> Result<BTreeSet<PathBuf>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(top.trim());
    let mut files = BTreeSet::new();
    for list in [
        git(&["diff", "--name-only", reference, "--"])?,
        git(&["ls-files", "--others", "--exclude-standard", "--full-name"])?,
    ] {
        for line in list.lines().filter(|l| !l.is_empty()) {
            files.insert(top.join(line));
        }
    }
    Ok(files)
}

/// A path made absolute (through links when it exists), as git lists changed files.
pub(super) fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p)
        .or_else(|_| std::path::absolute(p))
        .unwrap_or_else(|_| p.to_path_buf())
}
