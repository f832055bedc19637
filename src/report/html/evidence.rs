//! The passages that satisfied a pillar's rules, rule by rule: what the analysis rests on.

use std::collections::BTreeMap;
use std::ops::Range;

use maud::{Markup, html};

use super::Run;
use super::quote::passage;
use super::words::{place, plural};
use crate::engine::Evidence;

/// How many passages are quoted per rule in a pillar's evidence.
const EVIDENCE_PER_RULE: usize = 3;

pub(super) fn evidence(run: &Run, list: &[&Evidence]) -> Markup {
    let mut by_rule: BTreeMap<&str, Vec<&Evidence>> = BTreeMap::new();
    for e in list {
        let v = by_rule.entry(e.rule.as_str()).or_default();
        if !v.iter().any(|x| x.file == e.file && x.context == e.context) {
            v.push(e);
        }
    }
    html! {
        @for (rule, items) in by_rule {
            @let message = run.rules.rule(rule).map(|(_, r)| r.message.as_str()).unwrap_or("");
            div class="evidence" {
                p {
                    span class="rule" { (rule) }
                    " satisfaite par ces passages ; sans eux, elle aurait signalé : « "
                    (message.trim_end_matches('.')) " »"
                }
                ul {
                    @for e in items.iter().take(EVIDENCE_PER_RULE) {
                        li {
                            blockquote { (quoted(e)) }
                            p class="where" { (where_(e)) }
                        }
                    }
                    @if items.len() > EVIDENCE_PER_RULE {
                        li class="none" {
                            "et " (plural(items.len() - EVIDENCE_PER_RULE, "autre passage", "autres passages"))
                        }
                    }
                }
            }
        }
    }
}

/// A passage of evidence (the engine's context, already cut between words), its words marked.
fn quoted(e: &Evidence) -> Markup {
    let ctx = &e.context;
    let marks: Vec<Range<usize>> = ctx
        .find(e.quote.as_str())
        .map(|i| i..i + e.quote.len())
        .into_iter()
        .collect();
    passage(ctx, 0..ctx.len(), &marks, (false, false))
}

/// Where a passage of evidence is: its document, paragraph or page, and section.
fn where_(e: &Evidence) -> String {
    let mut place = place(&e.file, e.line, e.location);
    if let Some(s) = &e.section {
        place.push_str(&format!(
            ", section « {} »",
            s.trim_start_matches('#').trim()
        ));
    }
    place
}
