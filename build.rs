//! Embeds the rule packs of `rules/` in the binary: each folder of `rules/` is a pack, each
//! `.tl` file in it one of its files. Generates `$OUT_DIR/builtin_packs.rs`.
//!
//! Also sets `TENDERLINT_BUILD_ID`, a hash of the sources and the locked dependencies: plans
//! kept between runs (`src/compile/plans.rs`) are only used by the build that made them.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    build_id();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut packs: Vec<(String, Vec<String>)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            let mut files: Vec<String> = std::fs::read_dir(&path)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "tl"))
                .map(|p| p.display().to_string())
                .collect();
            files.sort();
            if !files.is_empty() {
                packs.push((entry.file_name().to_string_lossy().into_owned(), files));
            }
        }
    }
    packs.sort();
    let mut out = String::from(
        "/// The packs shipped in the binary: (folder name, [(file name, text)]).\npub static BUILTIN: &[(&str, &[(&str, &str)])] = &[\n",
    );
    for (name, files) in &packs {
        writeln!(out, "    ({name:?}, &[").unwrap();
        for f in files {
            println!("cargo:rerun-if-changed={f}");
            let rel = Path::new(f)
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| f.clone());
            writeln!(out, "        ({rel:?}, include_str!({f:?})),").unwrap();
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    // A pack's hand-written guide (README.md in its folder) heads its Markdown reference
    // (`tenderlint explain --all --format md`).
    out.push_str(
        "/// The hand-written guides of the shipped packs: (folder name, README.md).\npub static BUILTIN_GUIDES: &[(&str, &str)] = &[\n",
    );
    for (name, _) in &packs {
        let readme = root.join(name).join("README.md");
        println!("cargo:rerun-if-changed={}", readme.display());
        if readme.is_file() {
            writeln!(
                out,
                "    ({name:?}, include_str!({:?})),",
                readme.display().to_string()
            )
            .unwrap();
        }
    }
    out.push_str("];\n");
    std::fs::write(
        Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_packs.rs"),
        out,
    )
    .unwrap();
}

/// Sets `TENDERLINT_BUILD_ID` to a hash of the version, the compiler, `src/`, `build.rs` and
/// `Cargo.lock`.
fn build_id() {
    use std::hash::{Hash, Hasher};
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![manifest.join("build.rs"), manifest.join("Cargo.lock")];
    let mut dirs = vec![manifest.join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // The compiler too: folding and literal extraction rest on the standard library's
    // Unicode tables.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    if let Ok(out) = std::process::Command::new(rustc).arg("-vV").output() {
        out.stdout.hash(&mut h);
    }
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        f.strip_prefix(manifest).unwrap_or(f).hash(&mut h);
        std::fs::read(f).unwrap_or_default().hash(&mut h);
    }
    println!("cargo:rerun-if-changed={}", manifest.join("src").display());
    println!(
        "cargo:rustc-env=TENDERLINT_BUILD_ID={}-{:016x}",
        env!("CARGO_PKG_VERSION"),
        h.finish()
    );
}
