//! The verdict of each pillar of each applied pack on a tender: `ok` only with a quoted proof,
//! `deficient` when an error or a warning of the pillar is reported, `undetermined` when the
//! documents given cannot tell. Every output reads these verdicts.

use serde::Serialize;

use crate::compile::{Level, PILLARS, Pack, RuleSet};

use super::{Evidence, TenderResult};

/// How many passages a verdict quotes.
const MAX_QUOTED: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// At least one quoted passage shows the pillar, and nothing is wrong with it.
    Ok,
    /// An error or a warning of the pillar is reported.
    Deficient,
    /// Neither: the documents given do not show the pillar, or are not where it is stated.
    Undetermined,
}

impl Status {
    /// The status as a facilitator reads it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "conforme",
            Status::Deficient => "à corriger",
            Status::Undetermined => "à vérifier",
        }
    }
}

/// The verdict of one pillar (tag) of a pack on a tender.
#[derive(Debug, Clone, Serialize)]
pub struct PillarVerdict {
    pub tag: String,
    pub status: Status,
    /// Why, in French.
    pub reason: String,
    /// For `ok`: the passages that show the pillar.
    pub evidence: Vec<Evidence>,
}

/// The tags a pack's verdicts are given for: the eight pillars its rules use, in the usual
/// order, then the pack's own tags.
fn tags_of(pack: &Pack) -> Vec<String> {
    let used = |t: &str| pack.rules.iter().any(|r| r.tags.iter().any(|x| x == t));
    let mut tags: Vec<String> = PILLARS
        .iter()
        .map(|(t, _)| t.to_string())
        .filter(|t| used(t))
        .collect();
    for r in &pack.rules {
        for t in &r.tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
    }
    tags
}

/// A list of rule ids for a reason: « MIQ401, MIQ402 ».
fn ids(list: &[&str]) -> String {
    list.join(", ")
}

/// The verdicts of one applied pack on a tender, from the findings that are reported (after
/// suppressions and selection), the evidence, and the rules that could not be judged.
pub fn judge(pack: &Pack, result: &TenderResult) -> Vec<PillarVerdict> {
    // A proof comes from the pillar's strongest expectations: the rules that report an error
    // or a warning when it is missing (the contract's duration, an info, says nothing of the
    // procedure's soundness); from any of its rules when it has no such expectation.
    let proves = |rule: &str, tag: &str| {
        let strong = |r: &&crate::compile::Rule| {
            r.level >= Level::Warning && !r.expects.is_empty() && r.tags.iter().any(|t| t == tag)
        };
        let has_strong = pack.rules.iter().any(|r| strong(&r));
        pack.rules
            .iter()
            .any(|r| r.id == rule && (!has_strong || strong(&r)))
    };
    tags_of(pack)
        .into_iter()
        .map(|tag| {
            let has_tag = |tags: &[String]| tags.contains(&tag);
            let rules: Vec<&str> = pack
                .rules
                .iter()
                .filter(|r| has_tag(&r.tags))
                .map(|r| r.id.as_str())
                .collect();
            let mut faults: Vec<&str> = result
                .findings
                .iter()
                .filter(|f| f.pack == pack.id && f.level >= Level::Warning && has_tag(&f.tags))
                .map(|f| f.rule.as_str())
                .collect();
            faults.dedup();
            // The pillar's strong rules (see `proves`) that ran without the documents where they
            // are stated: the pillar cannot be judged, whatever the documents given mention.
            let not_stated: Vec<&str> = pack
                .rules
                .iter()
                .filter(|r| has_tag(&r.tags) && r.level >= Level::Warning)
                .filter(|r| result.not_stated.iter().any(|u| u.rule == r.id))
                .map(|r| r.id.as_str())
                .collect();
            let unchecked: Vec<&str> = result
                .unchecked
                .iter()
                .filter(|u| rules.contains(&u.rule.as_str()))
                .map(|u| u.rule.as_str())
                .collect();
            let mut evidence: Vec<Evidence> = Vec::new();
            for e in result
                .evidence
                .iter()
                .filter(|e| proves(&e.rule, &tag) && has_tag(&e.tags))
            {
                if evidence.len() < MAX_QUOTED
                    && !evidence
                        .iter()
                        .any(|x| x.file == e.file && x.span == e.span)
                {
                    evidence.push(e.clone());
                }
            }
            let (status, reason) =
                status(pack, &faults, &evidence, &not_stated, &rules, &unchecked);
            PillarVerdict {
                tag,
                status,
                reason,
                evidence: if status == Status::Ok {
                    evidence
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// A pillar's status and its reason, from the findings against it, the passages that prove
/// it, and the rules that could not be judged.
fn status(
    pack: &Pack,
    faults: &[&str],
    evidence: &[Evidence],
    not_stated: &[&str],
    rules: &[&str],
    unchecked: &[&str],
) -> (Status, String) {
    let missing_kinds = || {
        let mut kinds: Vec<String> = pack
            .rules
            .iter()
            .filter(|r| not_stated.contains(&r.id.as_str()))
            .flat_map(|r| r.stated.iter().map(|k| k.to_string()))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds.join(" ou ")
    };
    if !faults.is_empty() {
        (
            Status::Deficient,
            format!(
                "{} : {}",
                if faults.len() == 1 {
                    "un constat à corriger"
                } else {
                    "des constats à corriger"
                },
                ids(faults)
            ),
        )
    } else if let (Some(first), true) = (evidence.first(), not_stated.is_empty()) {
        (
            Status::Ok,
            format!(
                "montré par « {} » ({}, {})",
                one_line(&first.quote),
                first.file,
                place(first)
            ),
        )
    } else if !not_stated.is_empty() {
        // What the documents given say is quoted, but the pillar is judged only where
        // it is stated.
        let seen = evidence
            .first()
            .map(|e| {
                format!(
                    " ; ils le mentionnent (« {} », {}, {})",
                    one_line(&e.quote),
                    e.file,
                    place(e)
                )
            })
            .unwrap_or_default();
        (
            Status::Undetermined,
            format!(
                "le dossier ne contient pas de {}, où ce pilier est décrit : les documents fournis ne permettent pas d’en juger ({} non vérifiées){seen}",
                missing_kinds(),
                ids(not_stated)
            ),
        )
    } else if !rules.is_empty() && unchecked.len() == rules.len() {
        (
            Status::Undetermined,
            "aucune règle de ce pilier n’a pu être vérifiée sur ce dossier".to_string(),
        )
    } else {
        (
            Status::Undetermined,
            "aucun passage du dossier ne le montre, et aucune règle n’y relève de défaut"
                .to_string(),
        )
    }
}

/// Sets the verdicts of every applied pack of a tender.
pub fn judge_all(rules: &RuleSet, result: &mut TenderResult) {
    for i in 0..result.packs.len() {
        if !result.packs[i].applied {
            continue;
        }
        let Some(pack) = rules.packs.iter().find(|p| p.id == result.packs[i].id) else {
            continue;
        };
        result.packs[i].pillars = judge(pack, result);
    }
}

fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(120).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
        format!("{cut} …")
    } else {
        s
    }
}

fn place(e: &Evidence) -> String {
    e.location.describe(e.line)
}
