//! Runs the `example` texts of rules: a `fail` example must trigger its rule, a `pass` example
//! must not. Failures are diagnostics pointing at the example in the rule file.

use miette::Diagnostic;
use thiserror::Error;

use crate::compile::{Pack, Rule, RuleExample, RuleSet};
use crate::engine::check_example;
use crate::lang::RuleFileError;

/// A failing example, as a diagnostic on the rule file.
#[derive(Debug, Error, Diagnostic)]
#[error("{0}")]
#[diagnostic(transparent)]
pub struct ExampleFailure(pub RuleFileError);

/// Checks one example; `None` when it behaves as declared.
pub fn check(pack: &Pack, rule: &Rule, ex: &RuleExample) -> Option<ExampleFailure> {
    let outcome = check_example(pack, rule, &ex.text);
    let fired = !outcome.findings.is_empty();
    if fired != ex.pass {
        return None;
    }
    let (message, label, help) = if ex.pass {
        let f = &outcome.findings[0];
        let quote = f.source.get(f.span.clone()).unwrap_or("").trim();
        (
            format!("rule {}: a `pass` example triggers the rule", rule.id),
            "this example should not trigger the rule".to_string(),
            format!(
                "the rule fired on « {quote} » (line {} of the example)",
                f.line
            ),
        )
    } else {
        let why = outcome
            .unchecked
            .map(|u| format!("the rule could not be checked: {u}"))
            .unwrap_or_else(|| "no `expect` failed and no `forbid` matched".into());
        (
            format!(
                "rule {}: a `fail` example does not trigger the rule",
                rule.id
            ),
            "this example should trigger the rule".to_string(),
            why,
        )
    };
    Some(ExampleFailure(RuleFileError::example(
        &rule.file,
        ex.span,
        message,
        label,
        Some(help),
    )))
}

/// Checks every example of every rule.
pub fn run_all(rules: &RuleSet) -> Vec<ExampleFailure> {
    rules
        .rules()
        .flat_map(|(p, r)| r.examples.iter().filter_map(move |e| check(p, r, e)))
        .collect()
}

/// An expectation written in a test document.
#[derive(Debug, Clone)]
struct Expectation {
    rule: String,
    /// `expect` (a finding must start on the line) or `expect-not` (none may).
    present: bool,
    /// The 1-based line the expectation is about.
    line: usize,
    /// The marker, for the failure's label.
    marker: std::ops::Range<usize>,
}

/// Reads `<!-- expect: R1, R2 -->`, `<!-- expect-not: R1 -->` (Markdown) and
/// `tenderlint: expect R1` / `tenderlint: expect-not R1` (plain text) markers. Each applies to
/// the next line that is neither blank nor a marker.
fn expectations(text: &str) -> Vec<Expectation> {
    static MARKER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^\s*(?:<!--\s*(expect|expect-not)\s*:\s*([A-Za-z0-9_,\s-]+?)\s*-->|tenderlint:\s*(expect|expect-not)\s+([A-Za-z0-9_,\s-]+?))\s*$").unwrap()
    });
    let mut out = Vec::new();
    let mut pending: Vec<Expectation> = Vec::new();
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(c) = MARKER.captures(content) {
            let (kind, ids) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
                (Some(k), Some(i), _, _) | (_, _, Some(k), Some(i)) => (k.as_str(), i.as_str()),
                _ => unreachable!("the regex has two alternatives"),
            };
            for id in ids.split([',', ' ']).filter(|s| !s.is_empty()) {
                pending.push(Expectation {
                    rule: id.to_string(),
                    present: kind == "expect",
                    line: 0,
                    marker: offset..offset + content.len(),
                });
            }
        } else if !content.trim().is_empty() {
            for mut e in pending.drain(..) {
                e.line = n + 1;
                out.push(e);
            }
        }
        offset += line.len();
    }
    out
}

/// Whether a file is a rule test document: a Markdown or text file with expectation markers.
pub fn is_test_document(text: &str) -> bool {
    !expectations(text).is_empty()
}

/// Checks a test document with the rule set (every pack forced on) and returns one failure per
/// unmet expectation and per unexpected finding of a rule the document mentions.
pub fn check_document(rules: &RuleSet, doc: crate::document::Document) -> Vec<ExampleFailure> {
    let expected = expectations(&doc.text);
    let file = crate::lang::SourceFile::new(doc.display.clone(), doc.text.clone());
    let opts = crate::engine::Options {
        force_packs: rules.packs.iter().map(|p| p.id.clone()).collect(),
        ..Default::default()
    };
    let result = crate::engine::check_tender(
        rules,
        crate::document::Tender::from_documents(&doc.display.clone(), vec![doc]),
        &opts,
    );
    let mut failures = Vec::new();
    let span = |r: &std::ops::Range<usize>| crate::lang::ast::Span::new(r.start, r.end);
    for e in &expected {
        let on_line: Vec<&str> = result
            .findings
            .iter()
            .filter(|f| f.line == e.line)
            .map(|f| f.rule.as_str())
            .collect();
        let hit = on_line.iter().any(|r| r.eq_ignore_ascii_case(&e.rule));
        if hit != e.present {
            let (message, help) = if e.present {
                (
                    format!("expected {} to report on line {}", e.rule, e.line),
                    if on_line.is_empty() {
                        "no rule reported on that line".to_string()
                    } else {
                        format!("reported on that line: {}", on_line.join(", "))
                    },
                )
            } else {
                (
                    format!("{} reports on line {}, which it should not", e.rule, e.line),
                    "fix the rule or remove the `expect-not` marker".to_string(),
                )
            };
            failures.push(ExampleFailure(RuleFileError::example(
                &file,
                span(&e.marker),
                message,
                "this expectation",
                Some(help),
            )));
        }
    }
    for f in &result.findings {
        let mentioned = expected
            .iter()
            .any(|e| e.rule.eq_ignore_ascii_case(&f.rule));
        let covered = expected
            .iter()
            .any(|e| e.present && e.line == f.line && e.rule.eq_ignore_ascii_case(&f.rule));
        if mentioned && !covered {
            failures.push(ExampleFailure(RuleFileError::example(
                &file,
                span(&f.span),
                format!("unexpected {} on line {}", f.rule, f.line),
                "reported here",
                Some(format!(
                    "add `<!-- expect: {} -->` on the line above if this finding is right",
                    f.rule
                )),
            )));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_apply_to_the_next_line() {
        let text = "# Titre\n<!-- expect: A1, B2 -->\n\n<!-- expect-not: C3 -->\nTexte visé.\ntenderlint: expect D4\nAutre ligne.\n";
        let e: Vec<(String, bool, usize)> = expectations(text)
            .into_iter()
            .map(|e| (e.rule, e.present, e.line))
            .collect();
        assert_eq!(
            e,
            [
                ("A1".into(), true, 5),
                ("B2".into(), true, 5),
                ("C3".into(), false, 5),
                ("D4".into(), true, 7)
            ]
        );
    }
}
