//! The human format: miette's graphical report for each finding, grouped by tender, with a
//! summary line. French for the facilitator who reads it.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
    SourceCode,
};

use super::{Renderer, Run, Summary};
use crate::compile::Level;
use crate::engine::Finding;

/// A finding seen as a miette diagnostic.
#[derive(Debug)]
pub struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    src: NamedSource<Arc<str>>,
    help: String,
}

impl<'a> FindingDiagnostic<'a> {
    pub fn new(finding: &'a Finding) -> Self {
        let mut help = format!("Pourquoi : {}\nCorriger : {}", finding.why, finding.fix);
        if !finding.see.is_empty() {
            help.push_str(&format!("\nRéférences : {}", finding.see.join(" ; ")));
        }
        help.push_str(&format!("\nPilier : {}", finding.tags.join(", ")));
        // Line and column of a text extracted from Word, LibreOffice, PDF or HTML mean nothing
        // to a person: name the paragraph and page instead.
        let loc = finding.location;
        let name = if loc.extracted {
            match loc.page {
                Some(page) => format!(
                    "{} (page {page}, paragraphe {})",
                    finding.file, loc.paragraph
                ),
                None => format!("{} (paragraphe {})", finding.file, loc.paragraph),
            }
        } else {
            finding.file.clone()
        };
        FindingDiagnostic {
            finding,
            src: NamedSource::new(name, finding.source.clone()),
            help,
        }
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }
    fn severity(&self) -> Option<Severity> {
        Some(match self.finding.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.finding.labels.iter().enumerate().map(
            |(i, l)| {
                let span = (l.span.start, l.span.len());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(l.text.clone()), span)
                } else {
                    LabeledSpan::new_with_span(Some(l.text.clone()), span)
                }
            },
        )))
    }
}

/// Renders diagnostics with miette's graphical handler.
pub struct Human {
    handler: GraphicalReportHandler,
    /// The width lines are wrapped to.
    width: usize,
    /// Findings only: no tender headers, no summary.
    quiet: bool,
    /// Also list the findings silenced by suppressions.
    show_suppressed: bool,
}

impl Human {
    pub fn new(color: bool, width: usize) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(width)
                .with_links(false),
            width,
            quiet: false,
            show_suppressed: false,
        }
    }

    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    pub fn show_suppressed(mut self, show: bool) -> Self {
        self.show_suppressed = show;
        self
    }

    /// Renders any diagnostic (findings, rule-file errors, read errors).
    pub fn diagnostic(&self, d: &dyn Diagnostic) -> String {
        let mut s = String::new();
        if self.handler.render_report(&mut s, d).is_err() {
            s = format!("{d}\n");
        }
        s
    }

    /// Renders the notices of a run, then the errors of its inputs (for standard error).
    pub fn input_errors(&self, run: &Run) -> String {
        let mut s = String::new();
        for n in &run.notices {
            s.push_str(&self.diagnostic(n));
            s.push('\n');
        }
        for e in &run.rule_errors {
            s.push_str(&self.diagnostic(e));
            s.push('\n');
        }
        for e in &run.input_errors {
            s.push_str(&self.diagnostic(e));
            s.push('\n');
        }
        s
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// A line wrapped to `width` characters at spaces, its next lines indented by `indent`. A
/// French quote mark, a colon or a number stays with its neighbour word (« … », « : »,
/// « ligne 12 »); a word longer than the width is left whole.
fn wrap(line: &str, width: usize, indent: &str) -> String {
    let text = line.trim_start_matches(' ');
    let mut out = line[..line.len() - text.len()].to_string();
    // Words, with « glued to the next one, and », :, ; — or a number to the previous one.
    let mut words: Vec<String> = Vec::new();
    let mut glue_next = false;
    for w in text.split(' ') {
        let glue_prev = matches!(w, "»" | ":" | ";" | "—" | "?" | "!")
            || w.starts_with(|c: char| c.is_ascii_digit());
        match words.last_mut() {
            Some(last) if glue_next || glue_prev => {
                last.push(' ');
                last.push_str(w);
            }
            _ => words.push(w.to_string()),
        }
        glue_next = w == "«";
    }
    let mut len = out.chars().count();
    let mut first = true;
    for w in words {
        let n = w.chars().count();
        if first {
            first = false;
        } else if len + 1 + n > width {
            out.push('\n');
            out.push_str(indent);
            len = indent.chars().count();
        } else {
            out.push(' ');
            len += 1;
        }
        out.push_str(&w);
        len += n;
    }
    out
}

pub fn summary_line(s: &Summary) -> String {
    format!(
        "{}, {}, {} dans {} ({}).",
        plural(s.errors, "erreur", "erreurs"),
        plural(s.warnings, "avertissement", "avertissements"),
        plural(s.infos, "information", "informations"),
        plural(s.tenders, "dossier", "dossiers"),
        plural(s.documents, "document", "documents"),
    )
}

impl Renderer for Human {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        for r in &run.results {
            if !self.quiet {
                let docs: Vec<String> = r
                    .tender
                    .documents
                    .iter()
                    .map(|d| format!("{} ({})", d.display, d.kind))
                    .collect();
                writeln!(out, "Dossier {} : {}", r.tender.display, docs.join(", "))?;
                for p in &r.packs {
                    writeln!(out, "  pack {} {}", p.id, p.reason)?;
                }
                // The verdict of each pillar of each applied pack (the core's).
                for v in r
                    .packs
                    .iter()
                    .filter(|p| p.applied)
                    .flat_map(|p| &p.pillars)
                {
                    let line = format!("  pilier {} : {} — {}", v.tag, v.status.label(), v.reason);
                    writeln!(out, "{}", wrap(&line, self.width, "    "))?;
                }
                for u in &r.unchecked {
                    writeln!(out, "  règle {} non vérifiée : {}", u.rule, u.reason)?;
                }
                writeln!(out)?;
            }
            for f in &r.findings {
                write!(out, "{}", self.diagnostic(&FindingDiagnostic::new(f)))?;
                writeln!(out)?;
            }
        }
        if self.show_suppressed && !run.suppressed.is_empty() {
            writeln!(out, "Désactivations ({}) :", run.suppressed.len())?;
            for s in &run.suppressed {
                let f = &s.finding;
                let reason = if s.reason.is_empty() {
                    "sans justification"
                } else {
                    s.reason.as_str()
                };
                writeln!(
                    out,
                    "  {}:{}:{} {} — {} (raison : {reason})",
                    f.file, f.line, f.column, f.rule, f.message
                )?;
            }
            writeln!(out)?;
        }
        if self.quiet {
            return Ok(());
        }
        let mut line = summary_line(&run.summary());
        if run.baseline_hidden > 0 {
            line.push_str(&format!(
                " ({} déjà dans la référence, non affichés.)",
                run.baseline_hidden
            ));
        }
        if !run.suppressed.is_empty() && !self.show_suppressed {
            line.push_str(&format!(
                " ({} désactivés : --show-suppressed pour les voir.)",
                run.suppressed.len()
            ));
        }
        writeln!(out, "{line}")
    }
}
