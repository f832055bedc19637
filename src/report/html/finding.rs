//! A finding's card: its level, message and place, the passage quoted (or where the missing
//! element was expected), why it matters, how to fix it, and its references.

use std::ops::Range;

use maud::{Markup, html};

use super::quote::{passage, window};
use super::words::{level_label, place};
use crate::engine::{Finding, FindingKind};

pub(super) fn finding(f: &Finding) -> Markup {
    html! {
        article class={ "finding " (f.level.as_str()) } {
            h5 {
                span class="level" { (level_label(f.level)) }
                " " (f.message) " "
                span class="rule" { (f.rule) }
            }
            p class="where" { (place(&f.file, f.line, f.location)) }
            @match f.kind {
                FindingKind::Found => blockquote { (found(f)) },
                FindingKind::Missing => p class="expected" { (missing(f)) },
            }
            dl {
                dt { "Pourquoi c’est important" } dd { (f.why) }
                dt { "Comment corriger" } dd { (f.fix) }
                @if !f.see.is_empty() {
                    dt { "Références" }
                    dd { ul { @for s in &f.see { li { (s) } } } }
                }
            }
            @if let Some(exp) = &f.expected {
                p class="detail" { "Condition cherchée (langage des règles) : " code { (exp) } }
            }
        }
    }
}

/// The passage of a finding about words that are there, the words marked.
fn found(f: &Finding) -> Markup {
    let text: &str = &f.source;
    let marks: Vec<Range<usize>> = f.labels.iter().map(|l| l.span.clone()).collect();
    // All the labelled words in one passage when they are close; else the main one.
    let lo = marks.iter().map(|m| m.start).min().unwrap_or(f.span.start);
    let hi = marks.iter().map(|m| m.end).max().unwrap_or(f.span.end);
    let around = if hi - lo <= 400 {
        lo..hi
    } else {
        f.span.clone()
    };
    let (win, a, b) = window(text, around);
    passage(text, win, &marks, (a, b))
}

/// Where the missing element of a finding was expected: a whole document, or one of its parts.
fn missing(f: &Finding) -> Markup {
    let heading = f.source.get(f.span.clone()).unwrap_or("").trim();
    let heading = heading.trim_start_matches('#').trim();
    let whole = f.labels.iter().any(|l| l.text.contains("document"));
    html! {
        @if whole {
            "Élément absent du document " code { (f.file) }
            @if !heading.is_empty() { " (« " (heading) " »)" }
            "."
        } @else {
            "Élément attendu dans la partie « " strong { (heading) } " » de " code { (f.file) }
            ", où il n’a pas été trouvé."
        }
    }
}
