//! The short format (`--format short`): one line per finding, `path:line:column: level[RULE]
//! message`, the shape editors' quickfix lists and `grep` understand. Nothing else is printed
//! on standard output (input errors go to standard error, as in every format).

use std::io::{self, Write};

use super::{Renderer, Run, one_line};

pub struct Short;

impl Renderer for Short {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        for f in run.results.iter().flat_map(|r| &r.findings) {
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
