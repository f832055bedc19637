//! The human format: miette's graphical report for each finding, grouped by tender, with a
//! summary line. French for the facilitator who reads it.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity, SourceCode,
};

use super::{Renderer, Run, Summary};
use crate::compile::Level;
use crate::document;
use crate::engine::Finding;

/// A finding seen as a miette diagnostic.
#[derive(Debug)]
pub struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    src: Quoted,
    help: String,
}

/// What a finding quotes: the document, or around a place on very long lines an excerpt.
#[derive(Debug)]
enum Quoted {
    Whole(Whole),
    Excerpt(Excerpt),
}

/// The whole document, named as the finding shows it. miette counts a place's column in bytes;
/// this source gives it in characters, as every other output does ([`document::column`]).
#[derive(Debug)]
struct Whole {
    name: String,
    text: Arc<str>,
}

impl SourceCode for Whole {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = (*self.text).read_span(span, before, after)?;
        // Without lines before, the contents start at the place: its column is the one shown.
        let column = if before == 0 {
            document::column(&self.text, inner.span().offset()) - 1
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// The part of a document shown around a finding whose lines are too long to print whole (a
/// one-line document of 60 MB printed 60 MB per finding): the line before and the line after,
/// the finding's line from a little before to a little after its place, each cut at a word
/// boundary and marked « … ». Line and column numbers stay those of the document.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// The labels, with their spans in `text`.
    labels: Vec<(std::ops::Range<usize>, String)>,
    /// The document's line (0-based) of the excerpt's first line.
    first_line: usize,
    /// The excerpt's line with the finding, where the document's text starts on it (after
    /// « … »), and the document's column (0-based, in characters) there.
    place_line: usize,
    place_start: usize,
    place_column: usize,
}

/// Past this many bytes around a finding, its lines are shown as an [`Excerpt`].
const WHOLE_LINES_MAX: usize = 4096;
/// How much of a line is shown before and after a finding's place, and at most of the place
/// itself, in bytes (cut at word boundaries).
const EXCERPT_AROUND: usize = 120;
const EXCERPT_PLACE: usize = 300;

impl Excerpt {
    /// The excerpt for a finding, or `None` when its lines are short enough to show whole.
    fn of(f: &Finding, name: &str) -> Option<Excerpt> {
        let text: &str = &f.source;
        let b = text.as_bytes();
        let lo = f.span.start.min(text.len());
        let hi = f.span.end.clamp(lo, text.len());
        let line_start = memchr::memrchr(b'\n', &b[..lo]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &b[hi..]).map_or(text.len(), |i| hi + i);
        let prev_start = match line_start {
            0 => 0,
            s => memchr::memrchr(b'\n', &b[..s - 1]).map_or(0, |i| i + 1),
        };
        let next_end = match line_end {
            e if e >= text.len() => e,
            e => memchr::memchr(b'\n', &b[e + 1..]).map_or(text.len(), |i| e + 1 + i),
        };
        if next_end - prev_start <= WHOLE_LINES_MAX {
            return None;
        }
        let ellipsis = "…";
        // From a word boundary at most EXCERPT_AROUND bytes back to one as far ahead.
        let from = if lo - line_start > EXCERPT_AROUND {
            let mut at = lo - EXCERPT_AROUND;
            while !text.is_char_boundary(at) {
                at += 1;
            }
            // After the first blank (which may be a non-breaking space, two bytes).
            text[at..lo]
                .char_indices()
                .find(|(_, c)| c.is_whitespace())
                .map_or(at, |(i, c)| at + i + c.len_utf8())
        } else {
            line_start
        };
        let place_end = crate::engine::word_cut(text, lo, EXCERPT_PLACE)
            .max(lo)
            .min(hi);
        let to = if line_end - place_end > EXCERPT_AROUND {
            crate::engine::word_cut(text, place_end, EXCERPT_AROUND)
        } else {
            line_end
        };
        let mut out = String::new();
        let mut first_line = f.line.saturating_sub(1);
        if line_start > 0 {
            let prev = &text[prev_start..line_start - 1];
            let cut = crate::engine::word_cut(prev, 0, EXCERPT_AROUND);
            out.push_str(&prev[..cut]);
            if cut < prev.len() {
                out.push_str(ellipsis);
            }
            out.push('\n');
            first_line = first_line.saturating_sub(1);
        }
        let place_line = usize::from(line_start > 0);
        let head = if from > line_start { ellipsis } else { "" };
        out.push_str(head);
        let shift = out.len() as isize - from as isize;
        let place_start = out.len();
        // The finding's column is known: count back from its place.
        let place_column = (f.column - 1).saturating_sub(text[from..lo].chars().count());
        out.push_str(&text[from..to]);
        if to < line_end {
            out.push_str(ellipsis);
        }
        if line_end < text.len() && to == line_end {
            let next = &text[line_end + 1..next_end];
            let cut = crate::engine::word_cut(next, 0, EXCERPT_AROUND);
            out.push('\n');
            out.push_str(&next[..cut]);
            if cut < next.len() {
                out.push_str(ellipsis);
            }
        }
        let labels = f
            .labels
            .iter()
            .filter(|l| l.span.start >= from && l.span.start <= place_end)
            .map(|l| {
                let end = l.span.end.clamp(l.span.start, place_end);
                let map = |o: usize| (o as isize + shift) as usize;
                (map(l.span.start)..map(end), l.text.clone())
            })
            .collect();
        Some(Excerpt {
            name: name.to_string(),
            text: out,
            labels,
            first_line,
            place_line,
            place_start,
            place_column,
        })
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let offset = inner.span().offset();
        let column = if before == 0 && inner.line() == self.place_line {
            let start = self.place_start.min(offset);
            self.place_column + self.text[start..offset].chars().count()
        } else if before == 0 {
            document::column(&self.text, offset) - 1
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
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
        let src = match Excerpt::of(finding, &name) {
            Some(e) => Quoted::Excerpt(e),
            None => Quoted::Whole(Whole {
                name,
                text: finding.source.clone(),
            }),
        };
        FindingDiagnostic { finding, src, help }
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
        Some(match &self.src {
            Quoted::Whole(s) => s,
            Quoted::Excerpt(e) => e,
        })
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels: Vec<(std::ops::Range<usize>, &str)> = match &self.src {
            Quoted::Whole(_) => self
                .finding
                .labels
                .iter()
                .map(|l| (l.span.clone(), l.text.as_str()))
                .collect(),
            Quoted::Excerpt(e) => e
                .labels
                .iter()
                .map(|(span, text)| (span.clone(), text.as_str()))
                .collect(),
        };
        Some(Box::new(labels.into_iter().enumerate().map(
            |(i, (span, text))| {
                let span = (span.start, span.len());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(text.to_string()), span)
                } else {
                    LabeledSpan::new_with_span(Some(text.to_string()), span)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{document, finding};

    /// Long lines of multi-byte letters and blanks (non-breaking spaces included), places
    /// anywhere: the excerpt never cuts inside a character, keeps the place, and stays short.
    #[test]
    fn excerpts_of_long_lines_cut_at_characters_and_stay_short() {
        let mut rng = crate::testing::Lcg(7);
        let palette = ["é", "a", " ", "\u{a0}", "’", "—", "mot", "\n", "€"];
        let human = Human::new(false, 100);
        for _ in 0..200 {
            let mut text = rng.text(&palette, 40);
            text.push_str(&"lettre\u{a0}é ".repeat(600 + rng.below(400)));
            text.push_str(&rng.text(&palette, 40));
            let doc = document(&text);
            let boundary = |mut o: usize| {
                while !text.is_char_boundary(o) {
                    o -= 1;
                }
                o
            };
            let start = boundary(rng.below(text.len()));
            let end = boundary((start + rng.below(2_000)).min(text.len())).max(start);
            let f = finding(&doc, start..end);
            let out = human.diagnostic(&FindingDiagnostic::new(&f));
            assert!(out.contains("ici"), "{out}");
            let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            assert!(longest < 700, "{longest}: {out}");
            // The column shown is the finding's, in characters.
            let (line, column) = (f.line, f.column);
            assert!(out.contains(&format!("t.txt:{line}:{column}]")), "{out}");
        }
    }
}
