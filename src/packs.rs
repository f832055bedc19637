//! Where rule packs come from: the packs embedded in the binary, and folders or files given by
//! the user.

use std::path::{Path, PathBuf};

use crate::compile::PackSource;
use crate::document::{ReadError, ReadFailure};
use crate::lang::SourceFile;

include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// The packs embedded in the binary (the MIQ pack), ready to compile.
pub fn builtin() -> Vec<PackSource> {
    BUILTIN
        .iter()
        .map(|(name, files)| PackSource {
            default_id: name.to_string(),
            files: files
                .iter()
                .map(|(path, text)| SourceFile::new(*path, *text))
                .collect(),
        })
        .collect()
}

/// The hand-written guide of a pack: `README.md` in the folder of a shipped pack or of a pack
/// given with `--rules`.
pub fn guide(pack_id: &str, user_paths: &[PathBuf]) -> Option<String> {
    if let Some((_, text)) = BUILTIN_GUIDES.iter().find(|(name, _)| *name == pack_id) {
        return Some(text.to_string());
    }
    user_paths
        .iter()
        .filter(|p| p.is_dir())
        .flat_map(|p| [p.clone(), p.join(pack_id)])
        .filter(|d| {
            d.file_name()
                .is_some_and(|n| n.to_string_lossy() == pack_id)
        })
        .find_map(|d| std::fs::read_to_string(d.join("README.md")).ok())
}

fn read_rule_file(path: &Path) -> Result<SourceFile, ReadError> {
    let display = path.to_string_lossy().replace('\\', "/");
    let bytes = std::fs::read(path).map_err(|e| ReadError {
        path: display.clone(),
        kind: ReadFailure::RuleFile,
        reason: format!("cannot read the rule file: {e}"),
        help: None,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| ReadError {
        path: display.clone(),
        kind: ReadFailure::RuleFile,
        reason: "the rule file is not valid UTF-8".into(),
        help: Some("save rule files as UTF-8".into()),
    })?;
    Ok(SourceFile::new(display, text))
}

fn tl_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "tl"))
        .collect();
    files.sort();
    files
}

/// Loads packs from user paths: a `.tl` file is a pack of one file; a folder holding `.tl`
/// files is a pack; each sub-folder holding `.tl` files is a pack of its own.
pub fn load(paths: &[PathBuf]) -> (Vec<PackSource>, Vec<ReadError>) {
    let mut packs = Vec::new();
    let mut errors = Vec::new();
    let stem = |p: &Path| {
        p.file_stem()
            .or(p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "local".into())
    };
    let add = |files: Vec<PathBuf>,
               id: String,
               packs: &mut Vec<PackSource>,
               errors: &mut Vec<ReadError>| {
        let mut sources = Vec::new();
        for f in files {
            match read_rule_file(&f) {
                Ok(s) => sources.push(s),
                Err(e) => errors.push(e),
            }
        }
        if !sources.is_empty() {
            packs.push(PackSource {
                default_id: id,
                files: sources,
            });
        }
    };
    for path in paths {
        if path.is_file() {
            add(vec![path.clone()], stem(path), &mut packs, &mut errors);
        } else if path.is_dir() {
            let direct = tl_files(path);
            let mut subdirs: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .min_depth(1)
                .sort_by_file_name()
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_dir())
                .map(|e| e.path().to_path_buf())
                .collect();
            subdirs.sort();
            let mut found = false;
            if !direct.is_empty() {
                found = true;
                add(direct, stem(path), &mut packs, &mut errors);
            }
            for d in subdirs {
                let files = tl_files(&d);
                if !files.is_empty() {
                    found = true;
                    add(files, stem(&d), &mut packs, &mut errors);
                }
            }
            if !found {
                errors.push(ReadError {
                    path: path.to_string_lossy().into_owned(),
                    kind: ReadFailure::RuleFile,
                    reason: "no rule file (.tl) in this folder".into(),
                    help: None,
                });
            }
        } else {
            errors.push(ReadError {
                path: path.to_string_lossy().into_owned(),
                kind: ReadFailure::RuleFile,
                reason: "no such rule file or folder".into(),
                help: None,
            });
        }
    }
    (packs, errors)
}
