//! The HTML report (`tenderlint report`, `check --format html`): one self-contained page in
//! French for the facilitator of the social clause, who reads it, checks the tool's reasoning and
//! forwards it to the buyer. Inline CSS, no script, no network; a print stylesheet for A4. The
//! page is written with maud templates, which escape every value they are given: document text,
//! rule messages and paths never become markup.
//!
//! For each tender: a header (documents and their kinds, packs and why, date, versions), a
//! synthesis by pillar (conforme / à compléter / non conforme / à vérifier, read from the core's
//! verdicts: see [`crate::engine::verdict`]), then one section per pillar with its findings (the
//! passage quoted, the offending words marked, why, how to fix, references), why it has its
//! status, and the passages that satisfied its rules (the evidence).

mod evidence;
mod finding;
mod page;
mod pillar;
mod quote;
mod tender;
#[cfg(test)]
mod tests;
mod words;

use std::io::{self, Write};

use super::{Renderer, Run};

pub use pillar::{PillarRow, Status, synthesis};
pub use words::{french_date, iso_datetime, level_label, now, pillar_name, plural, today};

pub struct Html {
    date: String,
}

impl Html {
    /// A renderer that dates its reports with `date` (see [`today`]).
    pub fn new(date: impl Into<String>) -> Self {
        Html { date: date.into() }
    }
}

impl Renderer for Html {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.page(run).as_bytes())
    }
}
