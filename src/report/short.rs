//! The short format (`--format short`): one line per finding, `path:line:column: level[RULE]
//! message`, the shape editors' quickfix lists and `grep` understand. Nothing else is printed
//! on standard output (input errors go to standard error, as in every format).

use std::io::{self, Write};

use super::{Renderer, Run, one_line};
use crate::engine::TenderResult;

pub struct Short;

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
}

impl Renderer for Short {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        for r in &run.results {
            self.render_result(r, out)?;
        }
        Ok(())
    }
}
