//! Everything tenderlint writes goes through here: reports (`-o`), baselines and formatted rule
//! files. Three promises are kept in this one place:
//!
//! - **a target is checked before any work** ([`check_target`]): a path that resolves to a
//!   document being checked (or a rule, configuration or baseline file given as input), a
//!   symbolic link, a folder or a special file (device, pipe, socket) is refused;
//! - **writes are atomic and never follow a link** ([`write`]): the content goes to a
//!   temporary file created exclusively (`O_EXCL`, a random name, so a link planted at a
//!   predictable name cannot redirect it) in the target's folder, then renamed over the target;
//!   on an error the temporary file is removed, and [`Pending::remove`] removes it when
//!   the process is interrupted (the command line calls it from its signal handler);
//! - **generated files are recognisable** ([`crate::document::generated`]): the HTML, JSON, SARIF, JUnit,
//!   GitLab and baseline outputs carry a `tenderlint` generator mark near their start, and
//!   discovery skips such files, so a report left in a checked folder is never read as a
//!   document of the tender.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A target that is refused, or a write that failed.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{path}: {reason}")]
#[diagnostic(code(tenderlint::output))]
pub struct OutputError {
    pub path: String,
    pub reason: String,
    #[help]
    pub help: Option<String>,
}

impl OutputError {
    fn new(target: &Path, reason: impl Into<String>, help: Option<&str>) -> OutputError {
        OutputError {
            path: crate::document::shown(target),
            reason: reason.into(),
            help: help.map(str::to_string),
        }
    }
}

/// What a run reads, that no output may replace.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Files given by name (documents, rule files, configuration, baseline), resolved.
    files: Vec<PathBuf>,
    /// Folders whose documents are checked, resolved.
    folders: Vec<PathBuf>,
}

impl Inputs {
    /// The inputs of a run: each path is a file or a folder (nonexistent ones are ignored:
    /// reading them fails on its own).
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Inputs {
        let mut inputs = Inputs::default();
        for p in paths {
            let Ok(real) = std::fs::canonicalize(p) else {
                continue;
            };
            if real.is_dir() {
                inputs.folders.push(real);
            } else {
                inputs.files.push(real);
            }
        }
        inputs
    }
}

/// Whether `target` may be written: refused when it is a symbolic link, a folder or a special
/// file, when its folder does not exist, and when it resolves to an input (a file given by
/// name, or a document of a checked folder that tenderlint did not generate).
pub fn check_target(target: &Path, inputs: &Inputs) -> Result<(), OutputError> {
    let refuse = |reason: &str, help: &str| Err(OutputError::new(target, reason, Some(help)));
    let other_path = "give another output path";
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => {
            return refuse(
                "the output is a symbolic link: tenderlint does not write through links",
                "give the path of a regular file, or a new path",
            );
        }
        Ok(m) if m.is_dir() => {
            return refuse("the output is a folder", "give the path of a file to write");
        }
        Ok(m) if !m.is_file() => {
            return refuse(
                "the output is not a regular file (a device, a pipe or a socket)",
                "give the path of a regular file, or a new path; without -o the output goes to standard output",
            );
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = folder_of(target);
            if !dir.is_dir() {
                return refuse(
                    &format!("the folder {} does not exist", dir.display()),
                    "create the folder first, or give another output path",
                );
            }
        }
        Err(e) => return refuse(&format!("cannot inspect the output: {e}"), other_path),
    }
    let resolved = resolve(target);
    let input_document =
        "the output is one of the files being checked: tenderlint never overwrites its inputs";
    if inputs.files.contains(&resolved) {
        return refuse(input_document, other_path);
    }
    if crate::document::is_supported(&resolved)
        && inputs.folders.iter().any(|f| resolved.starts_with(f))
        && resolved.is_file()
        && !head_is_generated(&resolved)
    {
        return refuse(input_document, other_path);
    }
    Ok(())
}

/// Whether a file's first bytes carry a generator mark (false when it cannot be read).
fn head_is_generated(path: &Path) -> bool {
    let mut head = Vec::with_capacity(crate::document::generated::MARK_WINDOW);
    std::fs::File::open(path)
        .and_then(|f| {
            f.take(crate::document::generated::MARK_WINDOW as u64)
                .read_to_end(&mut head)
        })
        .is_ok()
        && crate::document::generated::is_generated(&head)
}

/// The folder a target is written in.
fn folder_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The target with its folder's links resolved (the target itself, when it exists, too).
fn resolve(target: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(target) {
        return real;
    }
    match (std::fs::canonicalize(folder_of(target)), target.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => target.to_path_buf(),
    }
}

/// The temporary file being written, if any: what [`remove_pending`] removes.
/// Where a write in progress keeps its temporary file, so that a signal handler can remove it
/// (the process is about to end, and the temporary file's destructor will not run). The
/// caller owns it: the command line keeps one for the process.
#[derive(Debug, Default)]
pub struct Pending(Mutex<Option<PathBuf>>);

impl Pending {
    pub const fn new() -> Pending {
        Pending(Mutex::new(None))
    }

    fn set(&self, path: Option<PathBuf>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = path;
    }

    /// Removes the temporary file of the write in progress, if there is one.
    pub fn remove(&self) {
        let pending = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(p) = pending {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Writes `bytes` to `target` atomically: a temporary file created exclusively in the same
/// folder, synced, then renamed over the target (a link at the target is replaced, never
/// followed). The target is checked again just before the rename; nothing is left behind
/// when the write fails.
pub fn write(target: &Path, bytes: &[u8], pending: &Pending) -> Result<(), OutputError> {
    let io = |e: std::io::Error| OutputError::new(target, format!("cannot write: {e}"), None);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tenderlint-").suffix(".tmp");
    // The new file keeps the permissions of the file it replaces; a new one gets the usual
    // permissions of a new file (the umask applies), not the temporary file's 0600.
    let permissions = match std::fs::metadata(target) {
        Ok(m) => Some(m.permissions()),
        #[cfg(unix)]
        Err(_) => Some(std::os::unix::fs::PermissionsExt::from_mode(0o666)),
        #[cfg(not(unix))]
        Err(_) => None,
    };
    if let Some(p) = permissions {
        builder.permissions(p);
    }
    let mut tmp = builder.tempfile_in(folder_of(target)).map_err(io)?;
    pending.set(Some(tmp.path().to_path_buf()));
    let result = (|| {
        tmp.write_all(bytes).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        // Fault injection for the tests that kill or interrupt a run in the middle of a write.
        if std::env::var_os("TENDERLINT_TEST_ABORT_BEFORE_RENAME").is_some() {
            pending.remove();
            std::process::abort();
        }
        if std::env::var_os("TENDERLINT_TEST_PAUSE_BEFORE_RENAME").is_some() {
            // Until standard input closes: the test interrupts the process meanwhile.
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
        }
        // Something may have been put at the target while tenderlint was checking.
        if let Ok(m) = std::fs::symlink_metadata(target)
            && !m.is_file()
        {
            return Err(OutputError::new(
                target,
                "the output changed into a link or a special file during the run",
                None,
            ));
        }
        tmp.persist(target).map(drop).map_err(|e| io(e.error))
    })();
    // On an error the temporary file was removed by its destructor (or by `persist`'s error's).
    pending.set(None);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::generated::HTML_MARK;

    #[test]
    fn replaces_the_file_and_leaves_nothing_beside() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.tl");
        std::fs::write(&p, "old").unwrap();
        write(&p, b"new", &Pending::new()).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn links_folders_inputs_and_missing_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("CCTP.md");
        std::fs::write(&doc, "# CCTP\n").unwrap();
        let link = dir.path().join("lien.json");
        std::os::unix::fs::symlink(&doc, &link).unwrap();
        let inputs = Inputs::new([dir.path()]);
        let reason = |p: &Path| check_target(p, &inputs).unwrap_err().reason;
        assert_eq!(
            reason(&doc),
            "the output is one of the files being checked: tenderlint never overwrites its inputs"
        );
        assert_eq!(
            reason(&link),
            "the output is a symbolic link: tenderlint does not write through links"
        );
        assert_eq!(reason(dir.path()), "the output is a folder");
        assert!(reason(&dir.path().join("nope/r.json")).contains("does not exist"));
        // A new file, or a report tenderlint wrote, may be written.
        assert!(check_target(&dir.path().join("rapport.html"), &inputs).is_ok());
        let report = dir.path().join("ancien.html");
        std::fs::write(&report, format!("<html><head>{HTML_MARK} 0.1\">")).unwrap();
        assert!(check_target(&report, &inputs).is_ok());
        // A file given by name is an input wherever it is.
        let elsewhere = tempfile::tempdir().unwrap();
        let rules = elsewhere.path().join("regles.json");
        std::fs::write(&rules, "{}").unwrap();
        let inputs = Inputs::new([rules.as_path()]);
        assert!(check_target(&rules, &inputs).is_err());
    }
}
