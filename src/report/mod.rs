//! Renderers: each output format is a view of the same run, behind one trait.

pub mod catalogue;
pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod short;
#[cfg(test)]
pub(crate) mod testing;

use std::io::{self, Write};

use serde::Serialize;

use crate::compile::{Level, RuleSet};
use crate::document::ReadError;
use crate::engine::{Finding, TenderResult};
use crate::lang::RuleFileError;

/// Everything one `check` produced: results per tender and the inputs that could not be used.
#[derive(Debug, Default)]
pub struct Run {
    /// The rules the run checked with (for formats that describe rules, like SARIF).
    pub rules: RuleSet,
    pub results: Vec<TenderResult>,
    pub input_errors: Vec<ReadError>,
    /// What the user should know about inputs that were checked or left out on purpose.
    pub notices: Vec<crate::document::Notice>,
    pub rule_errors: Vec<RuleFileError>,
    /// Findings silenced by inline suppressions, with their reasons.
    pub suppressed: Vec<crate::engine::suppress::Suppressed>,
    /// Findings left out because the baseline knows them.
    pub baseline_hidden: usize,
    /// The exit policy of the configuration.
    pub fail_on: crate::config::FailOn,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub tenders: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Run {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            tenders: self.results.len(),
            ..Default::default()
        };
        for r in &self.results {
            s.documents += r.tender.documents.len();
            for f in &r.findings {
                match f.level {
                    Level::Error => s.errors += 1,
                    Level::Warning => s.warnings += 1,
                    Level::Info => s.infos += 1,
                }
            }
        }
        s
    }

    /// Whether some input (document or rule file) could not be used.
    pub fn has_input_errors(&self) -> bool {
        !self.input_errors.is_empty() || !self.rule_errors.is_empty()
    }
}

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
