//! The human format: miette's graphical report for each finding, grouped by tender, with a
//! summary line. French for the facilitator who reads it.

use std::fmt;
use std::io::{self, Write};
use std::ops::Range;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity, SourceCode,
};

use textwrap::core::Word;
use textwrap::{WordSeparator, WordSplitter};

use super::{Renderer, Run, Summary};
use crate::compile::Level;
use crate::document;
use crate::engine::Finding;
use crate::lang::SourceFile;

/// A finding seen as a miette diagnostic.
#[derive(Debug)]
pub struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    src: Quoted,
    help: String,
    /// The terminal's width: label texts are wrapped to fit in it.
    width: usize,
}

/// What a finding quotes: the document, or around a place on very long lines an excerpt.
#[derive(Debug)]
enum Quoted {
    /// The whole document, named as the finding shows it.
    Whole(SourceFile),
    Excerpt(Excerpt),
}

/// The part of a document shown around a finding whose lines are wider than the terminal (a
/// one-line document of 60 MB would be printed whole for each finding): the line before and
/// the line after, and a window of the finding's line around its place, each at most as wide
/// as the terminal leaves for text, cut at word boundaries and marked « … ». Line and column
/// numbers stay those of the document.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// The labels, with their spans in `text`.
    labels: Vec<(Range<usize>, String)>,
    /// The document's line (0-based) of the excerpt's first line.
    first_line: usize,
    /// The excerpt's line with the finding, where the document's text starts on it (after
    /// « … »), and the document's column (0-based, in characters) there.
    place_line: usize,
    place_start: usize,
    place_column: usize,
}

const ELLIPSIS: &str = "…";

/// The characters miette writes before a line of text: ` 34 │ ` for line numbers of two digits.
fn gutter(last_line: usize) -> usize {
    last_line.to_string().len() + 4
}

/// The byte offset `n` characters after `at` in `text` (its end if it has fewer).
fn chars_after(text: &str, at: usize, n: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| at + i)
}

/// Whether `line` is wider than `width` characters (without counting past it).
fn wider(line: &str, width: usize) -> bool {
    line.len() > width && line.chars().nth(width).is_some()
}

/// A whole line of context, or its first `width` characters cut at a word boundary and « … ».
fn context_line(line: &str, width: usize) -> String {
    let line = line.trim_end_matches('\r');
    if !wider(line, width) {
        return line.to_string();
    }
    let end = chars_after(line, 0, width.saturating_sub(1));
    let end = line[..end].rfind(' ').filter(|&i| i > 0).unwrap_or(end);
    format!("{}{ELLIPSIS}", line[..end].trim_end())
}

/// The window of `line` (a line of the document from `line_start`) shown around the place
/// `lo`: `(from, to)` in the document, at most `width` characters with the « … » marks, starting
/// a little before the place at a word boundary and ending at one.
fn window(text: &str, line: Range<usize>, lo: usize, width: usize) -> (usize, usize) {
    let whole = &text[line.clone()];
    if !wider(whole, width) {
        return (line.start, line.end);
    }
    // A quarter of the width before the place, from just after a blank.
    let before = text[line.start..lo].chars().count();
    let from = window_start(text, line.start, lo, before, width / 4);
    let used = usize::from(from > line.start) + text[from..lo].chars().count();
    let rest = width.saturating_sub(used);
    let end = chars_after(text, lo, rest);
    if end >= line.end {
        // The line ends in the window: as much before the place as the width leaves.
        let after = text[lo..line.end].chars().count();
        let room = width.saturating_sub(after + 1).max(width / 4);
        return (window_start(text, line.start, lo, before, room), line.end);
    }
    // Room for the closing « … », and a cut at the last blank after the place.
    let end = chars_after(text, lo, rest.saturating_sub(1)).min(line.end);
    let to = text[lo..end]
        .rfind(' ')
        .map(|i| lo + i)
        .filter(|&i| i > lo)
        .unwrap_or(end);
    (from, to)
}

/// Where a window showing `keep` characters before the place `lo` starts (`before` characters
/// after the line's start): just after a blank, or the line's start when it is that close.
fn window_start(text: &str, line_start: usize, lo: usize, before: usize, keep: usize) -> usize {
    if before <= keep {
        return line_start;
    }
    let at = chars_after(text, line_start, before - keep);
    text[at..lo]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(at, |(i, c)| at + i + c.len_utf8())
}

impl Excerpt {
    /// The excerpt for a finding, or `None` when its lines fit in `width` columns whole.
    fn of(f: &Finding, name: &str, width: usize) -> Option<Excerpt> {
        let text: &str = &f.source;
        let b = text.as_bytes();
        let lo = f.span.start.min(text.len());
        let hi = f.span.end.clamp(lo, text.len());
        let line_start = memchr::memrchr(b'\n', &b[..lo]).map_or(0, |i| i + 1);
        let place_end = memchr::memchr(b'\n', &b[lo..]).map_or(text.len(), |i| lo + i);
        let line_end = memchr::memchr(b'\n', &b[hi..]).map_or(text.len(), |i| hi + i);
        let prev_start = match line_start {
            0 => 0,
            s => memchr::memrchr(b'\n', &b[..s - 1]).map_or(0, |i| i + 1),
        };
        let next_end = match line_end {
            e if e >= text.len() => e,
            e => memchr::memchr(b'\n', &b[e + 1..]).map_or(text.len(), |i| e + 1 + i),
        };
        let width = width
            .saturating_sub(gutter(f.end.0.max(f.line) + 1))
            .max(20);
        if !text[prev_start..next_end]
            .split('\n')
            .any(|l| wider(l.trim_end_matches('\r'), width))
        {
            return None;
        }
        let mut out = String::new();
        let mut first_line = f.line.saturating_sub(1);
        if line_start > 0 {
            out.push_str(&context_line(&text[prev_start..line_start - 1], width));
            out.push('\n');
            first_line = first_line.saturating_sub(1);
        }
        let place_line = usize::from(line_start > 0);
        let trimmed = place_end - text[line_start..place_end].len()
            + text[line_start..place_end].trim_end_matches('\r').len();
        let (from, to) = window(text, line_start..trimmed.max(lo), lo, width);
        if from > line_start {
            out.push_str(ELLIPSIS);
        }
        let place_start = out.len();
        // The finding's column is known: count back from its place.
        let place_column = (f.column - 1).saturating_sub(text[from..lo].chars().count());
        out.push_str(&text[from..to]);
        if to < trimmed {
            out.push_str(ELLIPSIS);
        }
        if place_end < text.len() {
            let next_start = place_end + 1;
            let next_end =
                memchr::memchr(b'\n', &b[next_start..]).map_or(text.len(), |i| next_start + i);
            out.push('\n');
            out.push_str(&context_line(&text[next_start..next_end], width));
        }
        // The labels that start in the window, cut at its end.
        let map = |o: usize| o - from + place_start;
        let labels = f
            .labels
            .iter()
            .enumerate()
            .filter(|(i, l)| *i == 0 || (l.span.start >= from && l.span.start < to))
            .map(|(_, l)| {
                let start = l.span.start.clamp(from, to);
                (map(start)..map(l.span.end.clamp(start, to)), l.text.clone())
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
    /// The finding, quoted for a terminal `width` columns wide.
    pub fn new(finding: &'a Finding, width: usize) -> Self {
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
        // miette writes the name in the header `╭─[NAME:LINE:COLUMN]`, after the gutter.
        let place = format!(":{}:{}]", finding.line, finding.column);
        let room = width
            .saturating_sub(gutter(finding.end.0.max(finding.line) + 1) + 4)
            .saturating_sub(place.chars().count());
        let name = fit_name(&name, room);
        let src = match Excerpt::of(finding, &name, width) {
            Some(e) => Quoted::Excerpt(e),
            None => Quoted::Whole(SourceFile::new(name, finding.source.clone())),
        };
        FindingDiagnostic {
            finding,
            src,
            help,
            width,
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
        Some(match &self.src {
            Quoted::Whole(s) => s,
            Quoted::Excerpt(e) => e,
        })
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (source, labels): (&str, Vec<(Range<usize>, &str)>) = match &self.src {
            Quoted::Whole(w) => (
                &w.text,
                self.finding
                    .labels
                    .iter()
                    .map(|l| (l.span.clone(), l.text.as_str()))
                    .collect(),
            ),
            Quoted::Excerpt(e) => (
                &e.text,
                e.labels
                    .iter()
                    .map(|(span, text)| (span.clone(), text.as_str()))
                    .collect(),
            ),
        };
        let text_width = self
            .width
            .saturating_sub(gutter(self.finding.end.0.max(self.finding.line) + 1));
        Some(Box::new(labels.into_iter().enumerate().map(
            move |(i, (span, text))| {
                let text = label_text(source, &span, text, text_width);
                let span = (span.start, span.len());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(text), span)
                } else {
                    LabeledSpan::new_with_span(Some(text), span)
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
                .with_word_separator(WordSeparator::Custom(french_words))
                .with_word_splitter(WordSplitter::NoHyphenation)
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

/// A document's name cut from the left to `room` characters, after a `/` where it can be
/// (`…/pieces/CCTP.md`), so that the header of a finding fits the terminal; the end of a path
/// (the file's name) is what tells documents apart.
fn fit_name(name: &str, room: usize) -> String {
    let count = name.chars().count();
    if count <= room {
        return name.to_string();
    }
    let keep = room.saturating_sub(1).max(12);
    let tail_start = name
        .char_indices()
        .nth(count.saturating_sub(keep))
        .map_or(0, |(i, _)| i);
    let tail = &name[tail_start..];
    // Prefer to start just after a separator, when that keeps the file's name whole.
    let tail = match tail.find('/') {
        Some(i) if i + 1 < tail.len() && !tail[i + 1..].is_empty() => &tail[i..],
        _ => tail,
    };
    format!("…{tail}")
}

/// A label's text, on as many lines as it takes to fit after its mark (`╰── `) in a line of
/// `width` characters: miette writes the mark under the middle of the underlined span.
fn label_text(source: &str, span: &Range<usize>, text: &str, width: usize) -> String {
    let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let quoted = &source[span.clone()];
    let room = if quoted.contains('\n') {
        // A span over lines: its label is written after the gutter.
        width.saturating_sub(8)
    } else {
        let start = source[line_start..span.start].chars().count();
        let end = (start + quoted.chars().count()).max(start + 1);
        width.saturating_sub((start + end) / 2 + 5)
    };
    textwrap::fill(text, options(room.max(10)))
}

/// Where a French line may break: at an ASCII space, except before « » », a colon, a semicolon,
/// « ? », « ! », a dash or a number, and after « « ». A non-breaking space is not a break (it
/// is not an ASCII space): « 12 % » written with one stays whole.
pub fn french_words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while let Some(i) = line[at..].find(' ') {
        let space = at + i;
        let next = space + line[space..].len() - line[space..].trim_start_matches(' ').len();
        let before = line[start..space].trim_start_matches(' ');
        let after = &line[next..];
        let glued = before.ends_with('«')
            || after.starts_with(['»', ':', ';', '?', '!', '—'])
            || after.starts_with(|c: char| c.is_ascii_digit());
        if !glued && next < line.len() {
            words.push(Word::from(&line[start..next]));
            start = next;
        }
        at = next;
        if next >= line.len() {
            break;
        }
    }
    words.push(Word::from(&line[start..]));
    Box::new(words.into_iter())
}

/// [`french_words`], where a path may also break after a `/` (with nothing added): for a line
/// with a path longer than the width, which would otherwise run past it.
fn french_words_and_paths(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    Box::new(french_words(line).flat_map(path_parts))
}

/// A word cut after each `/` that has something after it (`a/b/c.md` → `a/`, `b/`, `c.md`).
fn path_parts(w: Word<'_>) -> Vec<Word<'_>> {
    let text: &str = w.word;
    if !text.contains('/') {
        return vec![w];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices('/') {
        if i + 1 < text.len() {
            parts.push(Word::from(&text[start..=i]));
            start = i + 1;
        }
    }
    let mut last = Word::from(&text[start..]);
    last.whitespace = w.whitespace;
    last.penalty = w.penalty;
    parts.push(last);
    parts
}

/// textwrap's options for French text `width` columns wide: breaks at [`french_words`] only
/// (never at a hyphen: « R2123-1 », a path), and a word longer than the width is left whole.
pub fn options(width: usize) -> textwrap::Options<'static> {
    textwrap::Options::new(width)
        .word_separator(WordSeparator::Custom(french_words))
        .word_splitter(WordSplitter::NoHyphenation)
        .break_words(false)
}

/// A line wrapped to `width` characters, its next lines indented by `indent` (its own leading
/// spaces kept on its first line). A path too long for a line is broken after a `/`.
pub fn wrap(line: &str, width: usize, indent: &str) -> String {
    let text = line.trim_start_matches(' ');
    let first = &line[..line.len() - text.len()];
    let room = width.saturating_sub(indent.chars().count().max(first.chars().count()));
    let mut options = options(width)
        .initial_indent(first)
        .subsequent_indent(indent);
    if text.split(' ').any(|w| w.chars().count() > room) {
        options = options.word_separator(WordSeparator::Custom(french_words_and_paths));
    }
    textwrap::fill(text, options)
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
                let line = format!("Dossier {} : {}", r.tender.display, docs.join(", "));
                writeln!(out, "{}", wrap(&line, self.width, "  "))?;
                for p in &r.packs {
                    let line = format!("  pack {} {}", p.id, p.reason);
                    writeln!(out, "{}", wrap(&line, self.width, "    "))?;
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
                    let line = format!("  règle {} non vérifiée : {}", u.rule, u.reason);
                    writeln!(out, "{}", wrap(&line, self.width, "    "))?;
                }
                writeln!(out)?;
            }
            for f in &r.findings {
                write!(
                    out,
                    "{}",
                    self.diagnostic(&FindingDiagnostic::new(f, self.width))
                )?;
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
                let line = format!(
                    "  {}:{}:{} {} — {} (raison : {reason})",
                    f.file, f.line, f.column, f.rule, f.message
                );
                writeln!(out, "{}", wrap(&line, self.width, "    "))?;
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
        writeln!(out, "{}", wrap(&line, self.width, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{document, finding};

    /// Long lines of multi-byte letters and blanks (non-breaking spaces included), places
    /// anywhere: the excerpt never cuts inside a character, keeps the place, and stays within
    /// the width.
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
            let out = human.diagnostic(&FindingDiagnostic::new(&f, 100));
            assert!(out.contains("ici"), "{out}");
            let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            assert!(longest <= 100, "{longest}: {out}");
            // The column shown is the finding's, in characters.
            let (line, column) = (f.line, f.column);
            assert!(out.contains(&format!("t.txt:{line}:{column}]")), "{out}");
        }
    }
}
