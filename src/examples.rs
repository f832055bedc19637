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
    Some(ExampleFailure(RuleFileError::new(
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
