//! A finding's card: its level, message and place, the passage quoted (or where the missing
//! element was expected), why it matters, how to fix it, and its references.

use std::fmt::Write as _;
use std::ops::Range;

use super::quote::{escape, passage, window};
use super::words::{level_label, place};
use crate::engine::{Finding, FindingKind};

pub(super) fn finding(h: &mut String, f: &Finding) {
    let _ = writeln!(
        h,
        "<article class=\"finding {lvl}\">\n<h5><span class=\"level\">{label}</span> {msg} <span class=\"rule\">{rule}</span></h5>\n\
         <p class=\"where\">{place}</p>",
        lvl = f.level.as_str(),
        label = level_label(f.level),
        msg = escape(&f.message),
        rule = escape(&f.rule),
        place = escape(&place(&f.file, f.line, f.location)),
    );
    let text: &str = &f.source;
    match f.kind {
        FindingKind::Found => {
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
            let _ = writeln!(
                h,
                "<blockquote>{}</blockquote>",
                passage(text, win, &marks, (a, b))
            );
        }
        FindingKind::Missing => {
            let heading = text.get(f.span.clone()).unwrap_or("").trim();
            let heading = heading.trim_start_matches('#').trim();
            let whole = f.labels.iter().any(|l| l.text.contains("document"));
            let where_ = if whole {
                format!(
                    "Élément absent du document <code>{}</code>{}.",
                    escape(&f.file),
                    if heading.is_empty() {
                        String::new()
                    } else {
                        format!(" (« {} »)", escape(heading))
                    }
                )
            } else {
                format!(
                    "Élément attendu dans la partie « <strong>{}</strong> » de <code>{}</code>, où il n’a pas été trouvé.",
                    escape(heading),
                    escape(&f.file)
                )
            };
            let _ = writeln!(h, "<p class=\"expected\">{where_}</p>");
        }
    }
    let _ = write!(
        h,
        "<dl>\n<dt>Pourquoi c’est important</dt><dd>{}</dd>\n<dt>Comment corriger</dt><dd>{}</dd>\n",
        escape(&f.why),
        escape(&f.fix)
    );
    if !f.see.is_empty() {
        h.push_str("<dt>Références</dt><dd><ul>");
        for s in &f.see {
            let _ = write!(h, "<li>{}</li>", escape(s));
        }
        h.push_str("</ul></dd>\n");
    }
    h.push_str("</dl>\n");
    if let Some(exp) = &f.expected {
        let _ = writeln!(
            h,
            "<p class=\"detail\">Condition cherchée (langage des règles) : <code>{}</code></p>",
            escape(exp)
        );
    }
    h.push_str("</article>\n");
}
