//! Annotated copies of Word (.docx) and LibreOffice (.odt) documents: the findings of a
//! document become comments in the margin of a copy, for a facilitator to send back to the
//! buyer. Nothing of the document's own text, styles or tracked changes is changed: comment
//! anchors are inserted in the main part (`word/document.xml`, `content.xml`) and, for Word,
//! the comments part is written (merged with the document's own comments, with fresh ids);
//! every other entry of the archive is copied byte for byte.
//!
//! A found finding's comment is anchored on its passage: its range starts just before the
//! first quoted character and ends just after the last (in another paragraph when the span
//! runs over several), found through the ordinals the readers record for each block
//! ([`crate::document::extract::Source`]) and the characters of those paragraphs read again
//! as the readers read them (`passage.rs`, `runs.rs`, `odt.rs`); a Word run is split there
//! when it is simple, else the range widens to the enclosing run or element. A missing
//! element's comment, and a passage the walk cannot place exactly (a field's result), are
//! anchored on the whole paragraph (a table cell: its paragraphs). A finding outside the
//! body (a note, a header) or between blocks goes to the first paragraph, with its passage
//! quoted. The first comment, on the first paragraph, gives the tender's verdict by pillar,
//! worded as the HTML report's.

mod docx;
mod odt;
mod passage;
mod runs;
mod splice;

use std::ops::Range;

use crate::compile::Level;
use crate::document::extract::{Failure, Source};
use crate::document::{self, Format};
use crate::engine::verdict;
use crate::engine::{Finding, FindingKind, TenderResult};
use crate::limits::Limits;
use crate::report::html::{Status, level_label, pillar_name, plural};

/// The author of the comments.
pub const AUTHOR: &str = "tenderlint";
/// The author's initials, as Word shows them in the margin.
pub const INITIALS: &str = "TL";
/// The longest passage a comment quotes, in bytes.
const MAX_QUOTE: usize = 160;

/// The verdict of one pillar, as the HTML report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pillar {
    pub tag: String,
    pub status: Status,
    /// Why, in French (the core's reasons).
    pub reason: String,
}

/// The pillars of a tender's applied packs, with their status as the HTML report shows it
/// ([`Status::shown`]: a deficient pillar with an error is « non conforme »); the documents
/// the reasons quote are named by their file names.
pub fn pillars(result: &TenderResult) -> Vec<Pillar> {
    let mut out: Vec<(String, Vec<verdict::Status>, Vec<String>)> = Vec::new();
    for v in result
        .packs
        .iter()
        .filter(|d| d.applied)
        .flat_map(|d| &d.pillars)
    {
        match out.iter_mut().find(|(t, _, _)| *t == v.tag) {
            Some((_, statuses, reasons)) => {
                statuses.push(v.status);
                reasons.push(v.reason.clone());
            }
            None => out.push((v.tag.clone(), vec![v.status], vec![v.reason.clone()])),
        }
    }
    out.into_iter()
        .map(|(tag, statuses, reasons)| {
            let errors = result
                .findings
                .iter()
                .filter(|f| f.level == Level::Error && f.tags.contains(&tag))
                .count();
            // The buyer reads the file's name, not where the facilitator keeps it.
            let mut reason = reasons.join(" ; ");
            for d in &result.tender.documents {
                if let Some(name) = d.path.file_name().and_then(|n| n.to_str()) {
                    reason = reason.replace(&d.display, name);
                }
            }
            Pillar {
                status: Status::shown(&statuses, errors),
                reason,
                tag,
            }
        })
        .collect()
}

/// A comment to write: its paragraphs (the first one is its heading) and the paragraph
/// elements of the main part it spans (ordinals, see [`Source`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    pub paragraphs: Vec<String>,
    pub first: usize,
    pub last: usize,
    /// The passage the comment sits on, for a finding found in the body; else the comment
    /// sits on its paragraphs.
    pub passage: Option<passage::Passage>,
}

/// The annotated copy of a document.
#[derive(Debug, Clone)]
pub struct Annotated {
    pub bytes: Vec<u8>,
    /// The comments added: one per finding, and the opening one with the verdicts.
    pub comments: usize,
}

/// The annotated copy of one document of a checked tender: its findings, and the tender's
/// verdicts by pillar, as comments in a copy of `original` (the document's bytes, as read).
pub fn copy_of<'r>(
    result: &'r TenderResult,
    doc: &crate::document::Document,
    original: &[u8],
    date: &str,
    limits: &Limits,
) -> Result<(Annotated, Vec<&'r Finding>), Failure> {
    let findings: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.file == doc.display)
        .collect();
    let copy = annotate(
        doc.format,
        original,
        &findings,
        &pillars(result),
        date,
        limits,
    )?;
    Ok((copy, findings))
}

/// The annotated copy of a Word or LibreOffice document: `original` is the file's bytes,
/// `findings` the findings of this document (their spans are byte ranges of the text the
/// reader extracts from `original`), `pillars` the verdicts of its tender, `date` the comments'
/// date (ISO 8601, e.g. `2025-03-01T09:30:00Z`).
pub fn annotate(
    format: Format,
    original: &[u8],
    findings: &[&Finding],
    pillars: &[Pillar],
    date: &str,
    limits: &Limits,
) -> Result<Annotated, Failure> {
    let (extracted, sources) = match format {
        Format::Docx => document::docx::read_with_sources(original, limits)?,
        Format::Odt => document::odt::read_with_sources(original, limits)?,
        _ => {
            return Err(Failure::new(
                "seuls les documents Word (.docx) et LibreOffice (.odt) peuvent être annotés",
            ));
        }
    };
    if findings.iter().any(|f| *f.source != *extracted.text) {
        return Err(Failure::new(
            "les constats portent sur un autre texte que celui du document",
        ));
    }
    let Some(first) = sources.first() else {
        return Err(Failure::new(
            "le corps du document n’a aucun paragraphe où placer un commentaire",
        ));
    };
    let mut notes = vec![Note {
        paragraphs: opening(pillars, findings.len()),
        first: first.first,
        last: first.first,
        passage: None,
    }];
    for f in findings {
        let (source, inside) = place(&sources, &f.span);
        let found = f.kind == FindingKind::Found && inside;
        notes.push(Note {
            paragraphs: comment(f, !inside),
            first: source.first,
            last: source.last,
            passage: found
                .then(|| passage_of(&extracted.text, &sources, &f.span))
                .flatten(),
        });
    }
    let bytes = match format {
        Format::Docx => docx::write(original, &notes, date, limits)?,
        _ => odt::write(original, &notes, date, limits)?,
    };
    Ok(Annotated {
        bytes,
        comments: notes.len(),
    })
}

/// The block of the body where a span starts (a span between two blocks goes with the one
/// before), and whether it is there; a span outside the body goes to the first block.
fn place<'a>(sources: &'a [Source], span: &Range<usize>) -> (&'a Source, bool) {
    let at = sources.partition_point(|s| s.span.start <= span.start);
    match (at.checked_sub(1), sources.last()) {
        (Some(i), Some(last)) if span.start <= last.span.end => {
            let s = &sources[i];
            (s, span.start <= s.span.end)
        }
        _ => (&sources[0], false),
    }
}

/// The passage of a span that starts in a block of the body: its start in that block, its end
/// in the block where it ends (a span that ends between blocks ends with the block before).
fn passage_of(text: &str, sources: &[Source], span: &Range<usize>) -> Option<passage::Passage> {
    if span.is_empty() {
        return None;
    }
    let point = |s: &Source, at: usize| {
        Some(passage::Point {
            first: s.first,
            last: s.last,
            text: text.get(s.span.clone())?.to_string(),
            offset: at.min(s.span.end).checked_sub(s.span.start)?,
        })
    };
    let (start, _) = place(sources, span);
    let end = sources.partition_point(|s| s.span.start < span.end);
    let end = &sources[end.checked_sub(1)?];
    Some(passage::Passage {
        start: point(start, span.start)?,
        end: point(end, span.end)?,
    })
}

/// The opening comment: what tenderlint found, and the verdict of each pillar.
fn opening(pillars: &[Pillar], findings: usize) -> Vec<String> {
    let mut out = vec![format!(
        "Relecture tenderlint : {} sur ce document",
        plural(findings, "remarque", "remarques")
    )];
    if pillars.is_empty() {
        out.push("Aucun pack ne s’applique au dossier : pas de verdict par pilier.".into());
    } else {
        out.push("Verdict du dossier par pilier :".into());
        for p in pillars {
            out.push(format!(
                "{} : {} — {}",
                pillar_name(&p.tag),
                p.status.label(),
                p.reason
            ));
        }
    }
    out.push(
        "Chaque remarque cite sa règle ; « tenderlint explain RÈGLE » l’explique en détail.".into(),
    );
    out
}

/// The paragraphs of a finding's comment; `quote` when it is not anchored on its passage.
fn comment(f: &Finding, elsewhere: bool) -> Vec<String> {
    let mut out = vec![f.message.trim().to_string()];
    let quoted = f.kind == FindingKind::Found || elsewhere;
    if quoted && !f.span.is_empty() && f.span.end <= f.source.len() {
        let text = &f.source[f.span.clone()];
        let cut = crate::engine::word_cut(text, 0, MAX_QUOTE);
        let ellipsis = if cut < text.len() { "…" } else { "" };
        let words = text[..cut].split_whitespace().collect::<Vec<_>>().join(" ");
        let place = if elsewhere {
            "Passage relevé (hors du corps du texte)"
        } else {
            "Passage relevé"
        };
        out.push(format!("{place} : « {words}{ellipsis} »"));
    }
    if !f.why.trim().is_empty() {
        out.push(format!("Pourquoi : {}", f.why.trim()));
    }
    if !f.fix.trim().is_empty() {
        out.push(format!("Comment corriger : {}", f.fix.trim()));
    }
    if !f.see.is_empty() {
        out.push(format!("Références : {}", f.see.join(" ; ")));
    }
    out.push(format!(
        "Règle {} ({}, pack {})",
        f.rule,
        level_label(f.level).to_lowercase(),
        f.pack
    ));
    out
}

/// The archive `original` with the entries of `changed` replaced (or added at the end),
/// compressed; every other entry is copied as it is, compressed bytes and all.
fn rezip(original: &[u8], changed: &[(&str, String)]) -> Result<Vec<u8>, Failure> {
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;
    let failed = |e: &dyn std::fmt::Display| Failure::new(format!("cannot write the copy: {e}"));
    let mut zip = zip::ZipArchive::new(Cursor::new(original)).map_err(|e| failed(&e))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(original.len() + 8192)));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut written = vec![false; changed.len()];
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(|e| failed(&e))?;
        let name = file.name().map_err(|e| failed(&e))?.into_owned();
        match changed.iter().position(|(n, _)| *n == name) {
            Some(k) => {
                let options = match file.last_modified() {
                    Some(t) => options.last_modified_time(t),
                    None => options,
                };
                out.start_file(changed[k].0, options)
                    .map_err(|e| failed(&e))?;
                out.write_all(changed[k].1.as_bytes())
                    .map_err(|e| failed(&e))?;
                written[k] = true;
            }
            None => out.raw_copy_file(file).map_err(|e| failed(&e))?,
        }
    }
    for ((name, xml), _) in changed.iter().zip(written).filter(|(_, w)| !w) {
        out.start_file(*name, options).map_err(|e| failed(&e))?;
        out.write_all(xml.as_bytes()).map_err(|e| failed(&e))?;
    }
    Ok(out.finish().map_err(|e| failed(&e))?.into_inner())
}

/// Escapes text for XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() && !matches!(c, '\t' | '\n') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
