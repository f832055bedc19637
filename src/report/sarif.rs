//! SARIF 2.1.0 (`--format sarif`), for GitHub code scanning and other SARIF viewers.
//!
//! One run: `tool.driver` describes every rule of the rule set (a readable `name` made from its
//! message, the message as short description, `why` as full description, `fix` and references
//! as help, in text and Markdown); each finding is a result pointing at its document (a
//! relative URI under `%SRCROOT%`) and region, `new` against the baseline when there is one. Columns are 1-based and count
//! Unicode code points (`columnKind`), the end column is exclusive, as SARIF says. Documents
//! that could not be read, rule-file errors and rules that could not be checked are
//! notifications of the invocation.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use super::{Renderer, Run, end_position, quote, relative_path};
use crate::compile::{Level, Rule};
use crate::pipeline::fingerprint::fingerprints;

pub struct Sarif;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// Percent-encodes a path for a URI: unreserved characters and `/` are kept (and `:` when
/// `keep_colon`, for a drive letter in a `file:` URI).
fn encode_path(path: &str, keep_colon: bool) -> String {
    let mut s = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (keep_colon && b == b':')
        {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The artifact location of a path as shown to the user: relative to `%SRCROOT%` (the current
/// folder) when it can be, else an absolute `file:` URI.
pub fn artifact_location(display: &str) -> Value {
    let path = relative_path(display);
    if Path::new(&path).is_absolute() || path.starts_with('/') {
        let sep = if path.starts_with('/') { "" } else { "/" };
        json!({ "uri": format!("file://{sep}{}", encode_path(&path, true)) })
    } else {
        json!({ "uri": encode_path(&path, false), "uriBaseId": "%SRCROOT%" })
    }
}

fn notification(text: String, level: &str) -> Value {
    json!({ "level": level, "message": { "text": text } })
}

/// The longest rule `name` made from a message, in characters: its first words, whole.
const NAME_LENGTH: usize = 40;

/// The French elisions (`l’`, `d’`, `qu’`…) left out of a rule's name.
const ELISIONS: [&str; 9] = ["l", "d", "n", "s", "j", "m", "c", "t", "qu"];

/// A rule's SARIF `name`: a readable identifier in PascalCase, unlike its opaque `id` (SARIF
/// wants them to differ). It is made from the first words of the rule's message, folded to
/// ASCII letters and digits (accents, apostrophes and punctuation dropped, elided articles
/// left out), as many whole words as fit in [`NAME_LENGTH`] characters: MIQ101's « L’objet
/// du marché ne désigne pas une prestation… » is `ObjetDuMarcheNeDesignePasUnePrestation`.
/// A message without a word gives `Rule` followed by the id.
pub fn rule_name(id: &str, message: &str) -> String {
    let folded = crate::fold::fold_str(message);
    let mut name = String::new();
    for word in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !ELISIONS.contains(w))
    {
        if !name.is_empty() && name.len() + word.len() > NAME_LENGTH {
            break;
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.push_str(chars.as_str());
        }
    }
    if name.is_empty() || name.eq_ignore_ascii_case(id) {
        return format!("Rule{id}");
    }
    name
}

/// Escapes the characters Markdown reads as markup, so that a rule's text shows as written.
fn markdown_text(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

/// A rule's help: its fix, then its references, in plain text and in Markdown (web addresses
/// as links).
fn help(r: &Rule) -> Value {
    let mut text = r.fix.clone();
    let mut markdown = markdown_text(&r.fix);
    if !r.see.is_empty() {
        text.push_str("\n\nRéférences :");
        markdown.push_str("\n\n**Références**\n");
        for s in &r.see {
            text.push_str("\n- ");
            text.push_str(s);
            markdown.push_str("\n- ");
            if is_web_address(s) {
                markdown.push_str(&format!("<{s}>"));
            } else {
                markdown.push_str(&markdown_text(s));
            }
        }
    }
    json!({ "text": text, "markdown": markdown })
}

fn is_web_address(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace)
}

/// The rule descriptors of `tool.driver`, one per rule of the rule set, and each rule's index
/// among them. Two rules whose messages start alike would share a name: each then ends with
/// its id.
fn rule_descriptors(run: &Run) -> (Vec<Value>, HashMap<&str, usize>) {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let names: Vec<String> = run
        .rules
        .rules()
        .map(|(_, r)| rule_name(&r.id, &r.message))
        .collect();
    let mut seen = HashSet::new();
    let shared: HashSet<&str> = names
        .iter()
        .filter(|n| !seen.insert(n.as_str()))
        .map(String::as_str)
        .collect();
    let rules: Vec<Value> = run
        .rules
        .rules()
        .zip(&names)
        .enumerate()
        .map(|(i, ((pack, r), name))| {
            index.insert(r.id.as_str(), i);
            let name = if shared.contains(name.as_str()) {
                format!("{name}{}", r.id)
            } else {
                name.clone()
            };
            let mut rule = json!({
                "id": r.id,
                "name": name,
                "shortDescription": { "text": r.message },
                "fullDescription": { "text": r.why },
                "help": help(r),
                "defaultConfiguration": { "level": level(r.level) },
                "properties": {
                    "tags": r.tags,
                    "pack": pack.id,
                    "packName": pack.name,
                    "packVersion": pack.version,
                },
            });
            if let Some(uri) = r.see.iter().find(|s| is_web_address(s)) {
                rule["helpUri"] = json!(uri);
            }
            rule
        })
        .collect();
    (rules, index)
}

/// One result per finding, with its place, snippet and fingerprint.
fn results(run: &Run, index: &HashMap<&str, usize>) -> Vec<Value> {
    let prints = fingerprints(run);
    run.results
        .iter()
        .flat_map(|r| &r.findings)
        .zip(&prints)
        .map(|(f, print)| {
            let (end_line, end_column) = end_position(f);
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.level),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&f.file),
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": end_line,
                            "endColumn": end_column,
                            "snippet": { "text": quote(f) },
                        },
                    },
                }],
                "partialFingerprints": { "tenderlint/v1": print },
                "properties": { "pack": f.pack, "kind": f.kind, "tags": f.tags },
            });
            if let Some(&i) = index.get(f.rule.as_str()) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(e) = &f.expected {
                result["properties"]["expected"] = json!(e);
            }
            if run.baselined {
                // The baseline's findings are left out: what is reported is new.
                result["baselineState"] = json!("new");
            }
            result
        })
        .collect()
}

/// The notifications of the invocation: documents that could not be read, rule-file errors and
/// rules that could not be checked.
fn notifications(run: &Run, index: &HashMap<&str, usize>) -> Vec<Value> {
    let mut notes: Vec<Value> = Vec::new();
    for e in &run.input_errors {
        let mut n = notification(e.reason.clone(), "error");
        n["locations"] = json!([{ "physicalLocation": {
            "artifactLocation": artifact_location(&e.path),
        }}]);
        notes.push(n);
    }
    for e in &run.rule_errors {
        let (file, line, column) = e.location();
        let mut n = notification(e.message.clone(), "error");
        n["locations"] = json!([{ "physicalLocation": {
            "artifactLocation": artifact_location(&file),
            "region": { "startLine": line, "startColumn": column },
        }}]);
        notes.push(n);
    }
    for r in &run.results {
        for u in &r.unchecked {
            let mut n = notification(
                format!(
                    "{} n’a pas pu être vérifiée sur {} : {}",
                    u.rule, r.tender.display, u.reason
                ),
                "note",
            );
            if let Some(&i) = index.get(u.rule.as_str()) {
                n["associatedRule"] = json!({ "id": u.rule, "index": i });
            }
            notes.push(n);
        }
    }
    notes
}

impl Renderer for Sarif {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        let (rules, index) = rule_descriptors(run);
        let results = results(run, &index);
        let notes = notifications(run, &index);
        let sarif = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            // Near the start (keys are sorted): marks the file as generated, so that a check
            // never reads it as a document (see `document::generated::is_generated`).
            "properties": { "generator": concat!("tenderlint ", env!("CARGO_PKG_VERSION")) },
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "tenderlint",
                        "version": env!("CARGO_PKG_VERSION"),
                        "semanticVersion": env!("CARGO_PKG_VERSION"),
                        "rules": rules,
                    },
                },
                "invocations": [{
                    "executionSuccessful": !run.has_input_errors(),
                    "toolExecutionNotifications": notes,
                }],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &sarif)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_readable_and_differ_from_ids() {
        assert_eq!(
            rule_name(
                "MIQ101",
                "L’objet du marché ne désigne pas une prestation d’insertion et de qualification professionnelle."
            ),
            "ObjetDuMarcheNeDesignePasUnePrestation"
        );
        assert_eq!(
            rule_name(
                "MIQ708",
                "« Pôle emploi » s’appelle France Travail depuis 2024."
            ),
            "PoleEmploiAppelleFranceTravailDepuis2024"
        );
        // A first word longer than the limit is kept whole.
        let long = "Anticonstitutionnellementinconstitutionnellement défini.";
        assert_eq!(
            rule_name("X1", long),
            "Anticonstitutionnellementinconstitutionnellement"
        );
        assert_eq!(rule_name("X1", "« … »"), "RuleX1");
        assert_eq!(rule_name("x1", "X1."), "Rulex1");
    }

    #[test]
    fn help_in_markdown_escapes_markup_and_links_addresses() {
        let mut rules = crate::testing::test_rules();
        let r = &mut rules.packs[0].rules[0];
        r.fix = "Écrivez *au moins* <3> [postes]_.".into();
        r.see = vec!["art. R2123-1".into(), "https://example.org/a".into()];
        let h = help(r);
        assert_eq!(
            h["markdown"],
            "Écrivez \\*au moins\\* \\<3\\> \\[postes\\]\\_.\n\n**Références**\n\n- art. R2123-1\n- <https://example.org/a>"
        );
        assert!(
            h["text"]
                .as_str()
                .unwrap()
                .ends_with("Références :\n- art. R2123-1\n- https://example.org/a")
        );
    }
}
