//! The short format (`--format short`): one line per finding, `path:line:column: level[RULE]
//! message`, the shape editors' quickfix lists and `grep` understand. With `--show-suppressed`,
//! the findings silenced by inline suppressions follow, one line each with `suppressed` in
//! place of the level and the reason given: `path:line:column: suppressed[RULE] message
//! (raison : …)`. Nothing else is printed on standard output (input errors go to standard
//! error, as in every format).

use std::io::{self, Write};

use super::{Renderer, Run, one_line};
use crate::engine::TenderResult;

#[derive(Debug, Clone, Copy, Default)]
pub struct Short {
    /// Also list the findings silenced by inline suppressions, after the findings.
    pub show_suppressed: bool,
}

impl Short {
    /// The lines of one tender's findings (for streaming: see [`crate::pipeline::run_each`]).
    pub fn render_result(&self, result: &TenderResult, out: &mut dyn Write) -> io::Result<()> {
        for f in &result.findings {
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                f.file,
                f.line,
                f.column,
                f.level,
                f.rule,
                one_line(&f.message)
            )?;
        }
        Ok(())
    }

    /// The lines of the run's suppressed findings, when they are shown (after the findings:
    /// a streamed run knows them all only at its end).
    pub fn render_suppressed(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        if !self.show_suppressed {
            return Ok(());
        }
        for s in &run.suppressed {
            let f = &s.finding;
            let reason = if s.reason.is_empty() {
                "sans justification"
            } else {
                s.reason.as_str()
            };
            writeln!(
                out,
                "{}:{}:{}: suppressed[{}] {} (raison : {})",
                f.file,
                f.line,
                f.column,
                f.rule,
                one_line(&f.message),
                one_line(reason)
            )?;
        }
        Ok(())
    }
}

impl Renderer for Short {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        for r in &run.results {
            self.render_result(r, out)?;
        }
        self.render_suppressed(run, out)
    }
}
