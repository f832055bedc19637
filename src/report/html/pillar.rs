//! The pillars of one tender: their status (read from the core's verdicts), why they have it,
//! their findings and the passages that satisfied their rules.

use maud::{Markup, html};

use super::Run;
use crate::compile::{Level, PILLARS};
use crate::engine::verdict::{self, PillarVerdict};
use crate::engine::{Evidence, Finding, TenderResult};

/// How a pillar is shown: the core's verdict ([`verdict::Status`]), with a deficient pillar
/// told apart by the worst level of its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The core's `ok`: a quoted passage shows the pillar, and nothing is wrong with it.
    Conforme,
    /// The core's `deficient`, with warnings only.
    ACompleter,
    /// The core's `deficient`, with at least one error.
    NonConforme,
    /// The core's `undetermined`, or no verdict: the documents given cannot tell.
    AVerifier,
}

impl Status {
    /// The status shown for a pillar judged `verdicts` (one per applied pack that judges it)
    /// with `errors` errors among its findings.
    pub fn shown(verdicts: &[verdict::Status], errors: usize) -> Status {
        if verdicts.contains(&verdict::Status::Deficient) {
            if errors > 0 {
                Status::NonConforme
            } else {
                Status::ACompleter
            }
        } else if !verdicts.is_empty() && verdicts.iter().all(|v| *v == verdict::Status::Ok) {
            Status::Conforme
        } else {
            Status::AVerifier
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Conforme => "conforme",
            Status::ACompleter => "à compléter",
            Status::NonConforme => "non conforme",
            Status::AVerifier => verdict::Status::Undetermined.label(),
        }
    }
    fn class(self) -> &'static str {
        match self {
            Status::Conforme => "ok",
            Status::ACompleter => "todo",
            Status::NonConforme => "ko",
            Status::AVerifier => "na",
        }
    }
    /// A sign that says the status without colour.
    fn sign(self) -> &'static str {
        match self {
            Status::Conforme => "✓",
            Status::ACompleter => "!",
            Status::NonConforme => "✗",
            Status::AVerifier => "?",
        }
    }
    pub(super) fn badge(self) -> Markup {
        html! {
            span class={ "status " (self.class()) } {
                span aria-hidden="true" { (self.sign()) } " " (self.label())
            }
        }
    }
}

/// One pillar of one tender, with what belongs to it.
pub(super) struct Pillar<'a> {
    pub(super) tag: String,
    pub(super) description: String,
    pub(super) findings: Vec<&'a Finding>,
    /// The passages of the pillar: those that show it (for `conforme`) first, then the
    /// others that satisfied its rules.
    pub(super) evidence: Vec<&'a Evidence>,
    pub(super) status: Status,
    /// Why the pillar has its status, in French (the core's reason).
    pub(super) reason: String,
    pub(super) errors: usize,
    pub(super) warnings: usize,
    pub(super) infos: usize,
}

/// Why a pillar has its status, from the verdicts of the packs that judge it (the core's
/// reasons), or why it has none.
fn reason_of(
    result: &TenderResult,
    verdicts: &[(&str, &PillarVerdict)],
    status: Status,
    has_rules: bool,
) -> String {
    let applied = result.packs.iter().any(|d| d.applied);
    if !applied {
        return "aucun pack ne s’applique au dossier".into();
    }
    if verdicts.is_empty() {
        return if has_rules {
            "ce pilier n’a pas été jugé sur ce dossier".into()
        } else {
            "aucune règle de ce pilier dans les packs appliqués".into()
        };
    }
    // The verdicts that give the status: the deficient ones for a pillar to correct, the
    // undetermined ones for a pillar to check.
    let wanted = match status {
        Status::Conforme => verdict::Status::Ok,
        Status::ACompleter | Status::NonConforme => verdict::Status::Deficient,
        Status::AVerifier => verdict::Status::Undetermined,
    };
    let these: Vec<&(&str, &PillarVerdict)> = verdicts
        .iter()
        .filter(|(_, v)| v.status == wanted)
        .collect();
    match these.as_slice() {
        [(_, v)] => v.reason.clone(),
        many => many
            .iter()
            .map(|(pack, v)| format!("pack {pack} : {}", v.reason))
            .collect::<Vec<_>>()
            .join(" ; "),
    }
}

/// One row of a tender's synthesis by pillar, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PillarRow {
    pub tag: String,
    /// The pillar's name, in French.
    pub name: String,
    pub status: Status,
    /// The findings of the pillar.
    pub findings: usize,
}

/// The synthesis by pillar of one tender of a run, in the report's order: what the report's
/// table shows, for a caller that shows a summary of its own (the page in the browser).
pub fn synthesis(run: &Run, result: &TenderResult) -> Vec<PillarRow> {
    pillars(run, result)
        .into_iter()
        .map(|p| PillarRow {
            name: super::words::pillar_name(&p.tag),
            findings: p.findings.len(),
            status: p.status,
            tag: p.tag,
        })
        .collect()
}

pub(super) fn pillars<'a>(run: &'a Run, result: &'a TenderResult) -> Vec<Pillar<'a>> {
    let applied: Vec<&crate::compile::Pack> = run
        .rules
        .packs
        .iter()
        .filter(|p| result.packs.iter().any(|d| d.applied && d.id == p.id))
        .collect();
    let mut tags: Vec<(String, String)> = PILLARS
        .iter()
        .map(|(t, d)| (t.to_string(), d.to_string()))
        .collect();
    // Tags of other packs (or findings) that are not among the eight pillars.
    let mut extra = |tag: &str| {
        if !tags.iter().any(|(t, _)| t == tag) {
            let description = applied
                .iter()
                .flat_map(|p| &p.tags)
                .find(|t| t.name == tag)
                .map(|t| t.description.clone())
                .unwrap_or_default();
            tags.push((tag.to_string(), description));
        }
    };
    for p in &applied {
        for r in &p.rules {
            for t in &r.tags {
                extra(t);
            }
        }
    }
    for f in &result.findings {
        for t in &f.tags {
            extra(t);
        }
    }
    tags.into_iter()
        .map(|(tag, description)| {
            let findings: Vec<&Finding> = result
                .findings
                .iter()
                .filter(|f| f.tags.contains(&tag))
                .collect();
            // The core's verdicts on this pillar: the one source of its status.
            let verdicts: Vec<(&str, &PillarVerdict)> = result
                .packs
                .iter()
                .filter(|d| d.applied)
                .flat_map(|d| d.pillars.iter().map(move |v| (d.id.as_str(), v)))
                .filter(|(_, v)| v.tag == tag)
                .collect();
            let has_rules = applied
                .iter()
                .flat_map(|p| &p.rules)
                .any(|r| r.tags.contains(&tag));
            let n = |l: Level| findings.iter().filter(|f| f.level == l).count();
            let (errors, warnings, infos) = (n(Level::Error), n(Level::Warning), n(Level::Info));
            let statuses: Vec<verdict::Status> = verdicts.iter().map(|(_, v)| v.status).collect();
            let status = Status::shown(&statuses, errors);
            // The passages that show a sound pillar come first, so that they are quoted.
            let mut evidence: Vec<&Evidence> = Vec::new();
            let proof = verdicts.iter().flat_map(|(_, v)| &v.evidence);
            for e in proof.chain(result.evidence.iter().filter(|e| e.tags.contains(&tag))) {
                if !evidence
                    .iter()
                    .any(|x| x.rule == e.rule && x.file == e.file && x.span == e.span)
                {
                    evidence.push(e);
                }
            }
            Pillar {
                reason: reason_of(result, &verdicts, status, has_rules),
                status,
                tag,
                description,
                findings,
                evidence,
                errors,
                warnings,
                infos,
            }
        })
        .collect()
}
