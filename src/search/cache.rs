//! The plans of a pack's patterns kept on disk between runs (see [`super::plans`]): one file
//! per set of packs in the cache folder, the most recent few kept.

use std::path::{Path, PathBuf};

use super::plans::Plans;

/// Where plans are kept between runs: `$TENDERLINT_CACHE_DIR`, else `tenderlint` in the
/// user's cache folder (`$XDG_CACHE_HOME`, `~/.cache`, `~/Library/Caches` on macOS,
/// `%LOCALAPPDATA%` on Windows); none when `TENDERLINT_NO_CACHE` is set (and not `0`).
pub fn default_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if var("TENDERLINT_NO_CACHE").is_some_and(|v| v != Path::new("0")) {
        return None;
    }
    if let Some(dir) = var("TENDERLINT_CACHE_DIR") {
        return Some(dir);
    }
    let user = if cfg!(windows) {
        var("LOCALAPPDATA")
    } else if let Some(xdg) = var("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
        Some(xdg)
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library").join("Caches"))
    } else {
        var("HOME").map(|h| h.join(".cache"))
    };
    user.map(|dir| dir.join("tenderlint"))
}

/// The plans kept in a file, if it holds valid ones.
pub fn read(file: &Path) -> Option<Plans> {
    read_bytes(file).and_then(|bytes| Plans::from_bytes(&bytes))
}

/// The plans file of a set of rule packs: one per set of packs (and build), so that checking
/// with different rules in turn does not throw the plans away each time.
/// `parts` are what tells the packs apart: their ids, file names and texts.
pub fn file_name(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(super::plans::BUILD_ID);
    for part in parts {
        h.update(part);
    }
    let hex: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("plans-{hex}.bin")
}

/// The bytes of a plans file: a regular file of reasonable size (the MIQ pack's plans are
/// about 130 KB), or nothing.
fn read_bytes(file: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(file).ok()?;
    (meta.is_file() && meta.len() <= 64 << 20)
        .then(|| std::fs::read(file).ok())
        .flatten()
}

/// At most this many plans files are kept (the most recently written).
const MAX_PLANS_FILES: usize = 16;

/// Writes plans for the next run. A cache is only a shortcut: any failure (a read-only or
/// full disk, a folder that cannot be made) is ignored, and the next run works them out again.
pub fn keep(file: &Path, plans: &Plans) {
    let Some(dir) = file.parent() else {
        return;
    };
    // Written beside (a temporary file with a name no other writer uses) and renamed over: a
    // run reading the plans meanwhile sees the old file or the new one, never half of one.
    let written = std::fs::create_dir_all(dir).ok().and_then(|()| {
        let mut tmp = tempfile::Builder::new()
            .prefix(".plans-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .ok()?;
        std::io::Write::write_all(&mut tmp, &plans.to_bytes()).ok()?;
        tmp.persist(file).ok()
    });
    if written.is_none() {
        return;
    }
    // Plans of packs since edited, or of earlier builds, are not used again: the oldest go.
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("plans-") && name.ends_with(".bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() > MAX_PLANS_FILES {
        files.sort();
        for (_, old) in &files[..files.len() - MAX_PLANS_FILES] {
            let _ = std::fs::remove_file(old);
        }
    }
}
