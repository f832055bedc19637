//! Renderers: each output format is a view of the same run, behind one trait.

pub mod catalogue;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod short;

use std::io::{self, Write};

use crate::engine::Finding;
pub use crate::pipeline::{Run, Summary};

/// One output format.
pub trait Renderer {
    /// Writes the run's findings to `out` (standard output).
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()>;
}

/// The text a finding points at (empty when its span is not in the text).
pub fn quote(f: &Finding) -> &str {
    f.source.get(f.span.clone()).unwrap_or("")
}

/// 1-based line and column (in characters) just after the end of a finding's span: the end is
/// exclusive, so an empty span ends where it starts.
pub fn end_position(f: &Finding) -> (usize, usize) {
    f.end
}

/// A text on one line: line breaks and tabs become spaces (for one-line-per-finding formats).
pub fn one_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\r', '\n', '\t'], " ")
}

/// A document's path with forward slashes, relative to the current folder when it is below it
/// (CI systems want paths relative to the repository's root, where tenderlint runs).
pub fn relative_path(display: &str) -> String {
    let path = std::path::Path::new(display);
    if path.is_absolute()
        && let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = path.strip_prefix(&cwd)
    {
        return rel.to_string_lossy().replace('\\', "/");
    }
    display.replace('\\', "/")
}
