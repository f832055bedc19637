//! The rule catalogue: `explain` (one rule, in French, for a terminal) and `rules` (a table or
//! JSON list).

use serde::Serialize;

use crate::compile::{Pack, Rule};

/// Wraps a paragraph to `width` columns with an indent.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    for para in text.split('\n') {
        let mut line = String::from(indent);
        for word in para.split_whitespace() {
            if line.chars().count() > indent.len()
                && line.chars().count() + 1 + word.chars().count() > width
            {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from(indent);
            }
            if line.chars().count() > indent.len() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The long explanation of a rule, wrapped for a terminal.
pub fn explain(pack: &Pack, rule: &Rule, width: usize) -> String {
    let width = width.clamp(40, 100);
    let mut s = format!("{} — {}\n", rule.id, rule.message);
    s.push_str(&format!(
        "Niveau : {} · Pilier : {} · Pack : {} ({})\n\n",
        level_fr(rule),
        rule.tags.join(", "),
        pack.id,
        pack.name
    ));
    s.push_str("Pourquoi c’est important\n");
    s.push_str(&wrap(&rule.why, width, "  "));
    s.push_str("\nComment corriger\n");
    s.push_str(&wrap(&rule.fix, width, "  "));
    if !rule.see.is_empty() {
        s.push_str("\nRéférences\n");
        for r in &rule.see {
            s.push_str(&wrap(&format!("- {r}"), width, "  "));
        }
    }
    let fails: Vec<&str> = rule
        .examples
        .iter()
        .filter(|e| !e.pass)
        .map(|e| e.text.as_str())
        .collect();
    let passes: Vec<&str> = rule
        .examples
        .iter()
        .filter(|e| e.pass)
        .map(|e| e.text.as_str())
        .collect();
    for (title, list) in [
        ("Exemple qui déclenche la règle", fails),
        ("Exemple correct", passes),
    ] {
        for ex in list {
            s.push_str(&format!("\n{title}\n"));
            for line in ex.lines() {
                s.push_str(&format!("  │ {line}\n"));
            }
        }
    }
    s
}

fn level_fr(rule: &Rule) -> &'static str {
    match rule.level {
        crate::compile::Level::Error => "erreur",
        crate::compile::Level::Warning => "avertissement",
        crate::compile::Level::Info => "information",
    }
}

/// A table of rules: id, level, tags, message.
pub fn rules_table(rules: &[(&Pack, &Rule)]) -> String {
    let idw = rules
        .iter()
        .map(|(_, r)| r.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    let tagw = rules
        .iter()
        .map(|(_, r)| r.tags.join(",").len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut s = format!("{:idw$}  {:7}  {:tagw$}  message\n", "id", "level", "tags");
    for (_, r) in rules {
        s.push_str(&format!(
            "{:idw$}  {:7}  {:tagw$}  {}\n",
            r.id,
            r.level.as_str(),
            r.tags.join(","),
            r.message
        ));
    }
    s.push_str(&format!(
        "{} rule{}\n",
        rules.len(),
        if rules.len() == 1 { "" } else { "s" }
    ));
    s
}

#[derive(Serialize)]
struct RuleOut<'a> {
    id: &'a str,
    pack: &'a str,
    level: &'a str,
    tags: &'a [String],
    scope: &'a str,
    message: &'a str,
    why: &'a str,
    fix: &'a str,
    see: &'a [String],
    examples: usize,
}

/// The rules as a JSON array.
pub fn rules_json(rules: &[(&Pack, &Rule)]) -> String {
    let list: Vec<RuleOut> = rules
        .iter()
        .map(|(p, r)| RuleOut {
            id: &r.id,
            pack: &p.id,
            level: r.level.as_str(),
            tags: &r.tags,
            scope: &r.scope_text,
            message: &r.message,
            why: &r.why,
            fix: &r.fix,
            see: &r.see,
            examples: r.examples.len(),
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
}

/// How many findings each rule has (`check --statistics`), most first.
pub fn statistics(run: &super::Run, json: bool) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str, &str), usize> =
        std::collections::BTreeMap::new();
    for f in run.results.iter().flat_map(|r| &r.findings) {
        *counts
            .entry((f.rule.as_str(), f.level.as_str(), f.message.as_str()))
            .or_default() += 1;
    }
    let mut rows: Vec<((&str, &str, &str), usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if json {
        let list: Vec<serde_json::Value> = rows.iter().map(|((rule, level, message), n)| serde_json::json!({"rule": rule, "level": level, "count": n, "message": message})).collect();
        return serde_json::to_string_pretty(&list).unwrap_or_default() + "\n";
    }
    let w = rows
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    let idw = rows.iter().map(|((r, _, _), _)| r.len()).max().unwrap_or(4);
    let mut s = String::new();
    for ((rule, level, message), n) in &rows {
        s.push_str(&format!("{n:>w$}  {rule:idw$}  {level:7}  {message}\n"));
    }
    s
}
