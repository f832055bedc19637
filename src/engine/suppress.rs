//! Inline suppressions. In Markdown and HTML: `<!-- tenderlint-disable RULE -- reason -->` …
//! `<!-- tenderlint-enable RULE -->` and `<!-- tenderlint-disable-next-line RULE -- reason -->`;
//! in plain text, lines `tenderlint: disable-next-line RULE -- reason` (and `disable` /
//! `enable`); in Word and LibreOffice documents, a comment whose text starts with
//! `tenderlint: disable RULE -- reason` covers the commented paragraphs. A suppression must
//! give its reason after `--`, or after the en or em dash (`–`, `—`) that word processors make
//! of it; the French space before the colon (`tenderlint : disable`) is accepted. One without
//! a reason, one that suppresses nothing, and one naming an unknown rule are reported, like
//! unused `noqa`.

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde::Serialize;

use super::{Finding, FindingKind, Label};
use crate::compile::{Level, RuleSet};
use crate::document::Document;

static HTML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*tenderlint-(disable-next-line|disable|enable)\b\s*(.*?)\s*-->").unwrap()
});
static COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*tenderlint\s*:\s*disable(?:-next-line)?\b\s*(.*?)\s*$").unwrap()
});
static TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^[ \t]*tenderlint[ \t\u{A0}\u{202F}]*:[ \t\u{A0}\u{202F}]*(disable-next-line|disable|enable)\b[ \t]*(.*?)[ \t]*\r?$",
    )
    .unwrap()
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NextLine,
    Disable,
    Enable,
    /// A comment of a word processor: covers the paragraphs it is attached to.
    Comment,
}

#[derive(Debug, Clone)]
struct Marker {
    kind: Kind,
    rules: Vec<String>,
    reason: Option<String>,
    span: Range<usize>,
    /// The byte range of the document it covers.
    covers: Range<usize>,
    used: bool,
}

/// A finding that a suppression silenced, with the reason given.
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    pub finding: Finding,
    pub reason: String,
}

/// What separates the rules from the reason: `--` as typed, and the en and em dashes that Word,
/// LibreOffice and pandoc make of it.
const REASON_SEPARATORS: [&str; 3] = ["--", "\u{2013}", "\u{2014}"];

/// The rules a suppression names (separated by commas or spaces) and the reason given after
/// the first separator, if any.
fn rules_and_reason(text: &str) -> (Vec<String>, Option<String>) {
    let cut = REASON_SEPARATORS
        .iter()
        .filter_map(|sep| text.find(sep).map(|at| (at, sep.len())))
        .min();
    let (ids, reason) = match cut {
        Some((at, len)) => {
            let reason = text[at + len..].trim();
            (
                &text[..at],
                Some(reason.to_string()).filter(|r| !r.is_empty()),
            )
        }
        None => (text, None),
    };
    let rules = ids
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (rules, reason)
}

fn parse_markers(doc: &Document) -> Vec<Marker> {
    let text = &doc.text;
    let mut markers = Vec::new();
    let mut comment_markers = Vec::new();
    // Every marker names tenderlint: a text that does not name it needs no regex (compiling them is a
    // millisecond, a tenth of checking a small draft).
    let named = memchr::memmem::find(text.as_bytes(), b"tenderlint").is_some();
    for re in [&HTML, &TEXT].into_iter().filter(|_| named) {
        for c in re.captures_iter(text) {
            let m = c.get(0).expect("match");
            let kind = match &c[1] {
                "disable-next-line" => Kind::NextLine,
                "disable" => Kind::Disable,
                _ => Kind::Enable,
            };
            let (rules, reason) = rules_and_reason(&c[2]);
            markers.push(Marker {
                kind,
                rules,
                reason,
                span: m.start()..m.end(),
                covers: 0..0,
                used: false,
            });
        }
    }
    // Comments of Word and LibreOffice documents: `tenderlint: disable RULE -- reason` covers the
    // commented paragraphs.
    for a in doc
        .annotations
        .iter()
        .filter(|a| a.text.contains("tenderlint"))
    {
        if let Some(c) = COMMENT.captures(&a.text) {
            let (rules, reason) = rules_and_reason(&c[1]);
            comment_markers.push(Marker {
                kind: Kind::Comment,
                rules,
                reason,
                span: a.span.clone(),
                covers: a.span.clone(),
                used: false,
            });
        }
    }
    markers.sort_by_key(|m| m.span.start);
    // What each marker covers: the next non-blank line, or up to the matching `enable`.
    for i in 0..markers.len() {
        let end_of_marker_line = text[markers[i].span.end..]
            .find('\n')
            .map(|n| markers[i].span.end + n + 1)
            .unwrap_or(text.len());
        markers[i].covers = match markers[i].kind {
            Kind::NextLine => {
                let mut start = end_of_marker_line;
                // Skip blank lines and other markers.
                loop {
                    let line_end = text[start..]
                        .find('\n')
                        .map(|n| start + n + 1)
                        .unwrap_or(text.len());
                    let line = &text[start..line_end];
                    let is_marker = markers
                        .iter()
                        .any(|m| m.span.start >= start && m.span.start < line_end);
                    if (line.trim().is_empty() || is_marker) && line_end < text.len() {
                        start = line_end;
                    } else {
                        break start..line_end;
                    }
                }
            }
            Kind::Disable => {
                let rules = markers[i].rules.clone();
                let end = markers[i + 1..]
                    .iter()
                    .find(|m| {
                        m.kind == Kind::Enable
                            && (m.rules.is_empty() || m.rules.iter().any(|r| rules.contains(r)))
                    })
                    .map(|m| m.span.start)
                    .unwrap_or(text.len());
                markers[i].span.end..end
            }
            Kind::Enable | Kind::Comment => markers[i].covers.clone(),
        };
    }
    markers.extend(comment_markers);
    markers
}

fn meta(doc: &Document, id: &str, span: Range<usize>, message: String, fix: &str) -> Finding {
    let (line, column) = doc.line_col(span.start);
    Finding {
        rule: id.into(),
        pack: "tenderlint".into(),
        level: Level::Warning,
        tags: vec!["suppression".into()],
        kind: FindingKind::Found,
        message,
        why: "Une désactivation doit rester lisible par la personne qui relit le dossier : pourquoi la règle ne s’applique pas ici, et qu’elle désactive bien quelque chose.".into(),
        fix: fix.into(),
        see: Vec::new(),
        file: doc.display.clone(),
        labels: vec![Label { span: span.clone(), text: "cette désactivation".into() }],
        location: doc.location(span.start),
        end: doc.line_col(span.end),
        span,
        line,
        column,
        expected: None,
        source: Arc::clone(&doc.text),
    }
}

fn matches(rule: &str, f: &Finding) -> bool {
    rule.eq_ignore_ascii_case(&f.rule)
        || rule.eq_ignore_ascii_case("all")
        || f.tags.iter().any(|t| t == rule)
}

/// Applies the suppressions written in `doc` to its findings. Returns the findings kept
/// (including reports about the suppressions themselves) and the findings suppressed.
pub fn apply(
    doc: &Document,
    findings: Vec<Finding>,
    rules: &RuleSet,
) -> (Vec<Finding>, Vec<Suppressed>) {
    let mut markers = parse_markers(doc);
    if markers.is_empty() {
        return (findings, Vec::new());
    }
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    for f in findings {
        let hit = markers.iter_mut().find(|m| {
            m.kind != Kind::Enable
                && m.covers.contains(&f.span.start)
                && m.rules.iter().any(|r| matches(r, &f))
        });
        match hit {
            Some(m) => {
                m.used = true;
                suppressed.push(Suppressed {
                    reason: m.reason.clone().unwrap_or_default(),
                    finding: f,
                });
            }
            None => kept.push(f),
        }
    }
    for m in markers.iter().filter(|m| m.kind != Kind::Enable) {
        let sp = m.span.clone();
        let names = m.rules.join(", ");
        if m.rules.is_empty() {
            kept.push(meta(doc, "TL003", sp, "Désactivation sans règle : indiquez la règle à désactiver.".into(), "Écrivez par exemple <!-- tenderlint-disable-next-line MIQ301 -- public défini en annexe 2 -->."));
            continue;
        }
        let unknown: Vec<&String> = m
            .rules
            .iter()
            .filter(|r| {
                !r.eq_ignore_ascii_case("all")
                    && rules.rule(r).is_none()
                    && !rules
                        .packs
                        .iter()
                        .any(|p| p.tags.iter().any(|t| &t.name == *r))
            })
            .collect();
        if !unknown.is_empty() {
            let list: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
            kept.push(meta(
                doc,
                "TL003",
                sp.clone(),
                format!("Désactivation d’une règle inconnue : {}.", list.join(", ")),
                "Vérifiez l’identifiant de la règle avec « tenderlint rules ».",
            ));
        }
        if m.reason.is_none() {
            kept.push(meta(doc, "TL001", sp.clone(), format!("Désactivation de {names} sans justification."), "Donnez la raison après « -- » : <!-- tenderlint-disable-next-line MIQ301 -- public défini en annexe 2 -->."));
        }
        if !m.used && unknown.is_empty() {
            kept.push(meta(
                doc,
                "TL002",
                sp,
                format!("Désactivation inutile : {names} ne signale rien à cet endroit."),
                "Supprimez cette désactivation.",
            ));
        }
    }
    kept.sort_by_key(|f| f.span.start);
    (kept, suppressed)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::document::Format;

    fn markers(format: Format, text: &str) -> Vec<(Vec<String>, Option<String>)> {
        let doc = Document::from_text(Path::new("d"), "d", format, text.to_string());
        parse_markers(&doc)
            .into_iter()
            .map(|m| (m.rules, m.reason))
            .collect()
    }

    fn one(rules: &[&str], reason: &str) -> Vec<(Vec<String>, Option<String>)> {
        let rules = rules.iter().map(|r| r.to_string()).collect();
        vec![(rules, Some(reason.to_string()))]
    }

    #[test]
    fn the_reason_follows_two_hyphens_or_the_dashes_of_word_processors() {
        for sep in [
            "--",
            "\u{2013}",
            "\u{2014}",
            " -- ",
            " \u{2013} ",
            " \u{2014} ",
        ] {
            let md =
                format!("<!-- tenderlint-disable-next-line MIQ102{sep}objet validé -->\nTexte.\n");
            assert_eq!(
                markers(Format::Markdown, &md),
                one(&["MIQ102"], "objet validé"),
                "{sep:?}"
            );
            let txt = format!("tenderlint: disable MIQ102, MIQ301 {sep} objet validé\nTexte.\n");
            assert_eq!(
                markers(Format::Text, &txt),
                one(&["MIQ102", "MIQ301"], "objet validé"),
                "{sep:?}"
            );
        }
    }

    #[test]
    fn the_first_separator_cuts_and_later_dashes_belong_to_the_reason() {
        let md = "<!-- tenderlint-disable-next-line MIQ102 \u{2013} objet validé -- voir annexe \u{2014} p. 2 -->\n";
        assert_eq!(
            markers(Format::Markdown, md),
            one(&["MIQ102"], "objet validé -- voir annexe \u{2014} p. 2")
        );
    }

    #[test]
    fn a_dash_with_nothing_after_it_gives_no_reason() {
        let md = "<!-- tenderlint-disable-next-line MIQ102 \u{2014} -->\n";
        assert_eq!(
            markers(Format::Markdown, md),
            vec![(vec!["MIQ102".to_string()], None)]
        );
    }

    #[test]
    fn the_french_space_before_the_colon_is_accepted_in_plain_text() {
        for space in [" ", "\u{A0}", "\u{202F}"] {
            let txt =
                format!("tenderlint{space}: disable-next-line MIQ102 \u{2013} validé\nTexte.\n");
            assert_eq!(
                markers(Format::Text, &txt),
                one(&["MIQ102"], "validé"),
                "{space:?}"
            );
        }
    }

    #[test]
    fn rules_are_separated_by_commas_or_any_space() {
        assert_eq!(
            rules_and_reason("MIQ102,\u{A0}MIQ301\tobjet \u{2013} raison"),
            (
                vec![
                    "MIQ102".to_string(),
                    "MIQ301".to_string(),
                    "objet".to_string()
                ],
                Some("raison".to_string())
            )
        );
    }
}
