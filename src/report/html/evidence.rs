//! The passages that satisfied a pillar's rules, rule by rule: what the analysis rests on.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use super::Run;
use super::quote::{escape, passage};
use super::words::{place, plural};
use crate::engine::Evidence;

/// How many passages are quoted per rule in a pillar's evidence.
const EVIDENCE_PER_RULE: usize = 3;

pub(super) fn evidence(h: &mut String, run: &Run, list: &[&Evidence]) {
    let mut by_rule: BTreeMap<&str, Vec<&Evidence>> = BTreeMap::new();
    for e in list {
        let v = by_rule.entry(e.rule.as_str()).or_default();
        if !v.iter().any(|x| x.file == e.file && x.context == e.context) {
            v.push(e);
        }
    }
    for (rule, items) in by_rule {
        let message = run
            .rules
            .rule(rule)
            .map(|(_, r)| r.message.as_str())
            .unwrap_or("");
        let _ = writeln!(
            h,
            "<div class=\"evidence\">\n<p><span class=\"rule\">{}</span> satisfaite par ces passages ; sans eux, elle aurait signalé : « {} »</p>\n<ul>",
            escape(rule),
            escape(message.trim_end_matches('.'))
        );
        for e in items.iter().take(EVIDENCE_PER_RULE) {
            let ctx = &e.context;
            let marks: Vec<Range<usize>> = ctx
                .find(e.quote.as_str())
                .map(|i| i..i + e.quote.len())
                .into_iter()
                .collect();
            let mut place = place(&e.file, e.line, e.location);
            if let Some(s) = &e.section {
                place.push_str(&format!(
                    ", section « {} »",
                    s.trim_start_matches('#').trim()
                ));
            }
            let _ = writeln!(
                h,
                "<li><blockquote>{}</blockquote><p class=\"where\">{}</p></li>",
                passage(ctx, 0..ctx.len(), &marks, (false, false)),
                escape(&place)
            );
        }
        if items.len() > EVIDENCE_PER_RULE {
            let more = items.len() - EVIDENCE_PER_RULE;
            let _ = writeln!(
                h,
                "<li class=\"none\">et {}</li>",
                plural(more, "autre passage", "autres passages")
            );
        }
        h.push_str("</ul>\n</div>\n");
    }
}
