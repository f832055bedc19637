//! GitHub Actions workflow commands (`--format github`): one `::error`, `::warning` or
//! `::notice` line per finding, which GitHub shows as an annotation on the file and line, then a
//! plain summary line (GitHub shows only the first annotations of each kind in a step, so the
//! totals are always in the log).
//!
//! `col` is the finding's first character and `endColumn` its last (inclusive, 1-based, in
//! characters). Values are escaped as GitHub's runner unescapes them: in the message `%`, CR
//! and LF; in properties also `:` and `,`.

use std::io::{self, Write};

use super::{Renderer, Run, Summary};
use crate::compile::Level;
use crate::engine::Finding;

pub struct Github;

/// Escapes the message (the data after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=…`, `title=…`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "notice",
    }
}

/// Line and column of the last character of the finding (its start when it is empty).
fn last_char(f: &Finding) -> (usize, usize) {
    let start = f.span.start.min(f.source.len());
    let end = f.span.end.min(f.source.len()).max(start);
    match f.source.get(start..end).and_then(|s| s.chars().next_back()) {
        None => (f.line, f.column),
        // The character before the end, on the end's line.
        Some(c) if c != '\n' => (f.end.0, f.end.1 - 1),
        // A span ending with its line break: count on that line.
        Some(c) => crate::document::line_col(&f.source, end - c.len_utf8()),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `tenderlint: 3 errors, 2 warnings, 0 infos in 2 tenders (5 documents)`.
pub fn summary_line(s: &Summary) -> String {
    format!(
        "tenderlint: {}, {}, {} in {} ({})",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
        plural(s.tenders, "tender"),
        plural(s.documents, "document"),
    )
}

impl Renderer for Github {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        for f in run.results.iter().flat_map(|r| &r.findings) {
            let (end_line, end_column) = last_char(f);
            writeln!(
                out,
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                command(f.level),
                escape_property(&f.file),
                f.line,
                f.column,
                end_line,
                end_column,
                escape_property(&f.rule),
                escape_data(&f.message),
            )?;
        }
        writeln!(out, "{}", summary_line(&run.summary()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_unescapes() {
        assert_eq!(escape_data("50 %\r\nfin: a, b"), "50 %25%0D%0Afin: a, b");
        assert_eq!(
            escape_property("lot 1, a:b %\n.md"),
            "lot 1%2C a%3Ab %25%0A.md"
        );
    }

    #[test]
    fn summary_uses_singular_for_one() {
        let s = Summary {
            tenders: 1,
            documents: 5,
            errors: 3,
            warnings: 1,
            infos: 0,
        };
        assert_eq!(
            summary_line(&s),
            "tenderlint: 3 errors, 1 warning, 0 infos in 1 tender (5 documents)"
        );
    }
}
