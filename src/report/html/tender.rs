//! One tender's article: its verdict, its header (documents, packs, date), the synthesis by
//! pillar, the findings to review and the passages the analysis rests on.

use maud::{Markup, html};

use super::evidence::evidence;
use super::finding::finding;
use super::pillar::{Pillar, Status, pillars};
use super::words::{counts, kind_label, pillar_name, plural, sentence};
use super::{Html, Run};
use crate::compile::PILLARS;
use crate::engine::TenderResult;

impl Html {
    /// One tender's article (the `n`th of the report).
    pub(super) fn tender(&self, run: &Run, r: &TenderResult, n: usize) -> Markup {
        let id = format!("dossier-{n}");
        let pillars = pillars(run, r);
        let any_applied = r.packs.iter().any(|p| p.applied);
        html! {
            article class="tender" id=(id) aria-labelledby={ (id) "-titre" } {
                h2 id={ (id) "-titre" } { "Dossier " code { (r.tender.display) } }
                p class="verdict" { (verdict(&pillars, any_applied)) }
                (self.header(run, r))
                (synthesis(&id, &pillars))
                (to_review(&id, &pillars))
                (passages_retained(&id, run, &pillars))
            }
        }
    }

    /// The tender's header: documents and their kinds, packs and why, date, versions, and the
    /// rules that could not be checked.
    fn header(&self, run: &Run, r: &TenderResult) -> Markup {
        html! {
            dl class="meta" {
                dt { "Documents" }
                dd { ul {
                    @for d in &r.tender.documents {
                        li { code { (d.display) } " — " (kind_label(d.kind.as_str())) }
                    }
                } }
                dt { "Règles" }
                dd { ul {
                    @for p in &r.packs {
                        @let pack = run.rules.packs.iter().find(|k| k.id == p.id);
                        li {
                            "pack " code { (p.id) }
                            @if let Some(k) = pack {
                                " « " (k.name) " »"
                                @if !k.version.is_empty() { ", version " (k.version) }
                            }
                            " — " (p.reason)
                        }
                    }
                    @if r.packs.is_empty() { li { "aucun pack chargé" } }
                } }
                dt { "Analyse" }
                dd { "le " (self.date) ", par tenderlint " (env!("CARGO_PKG_VERSION")) }
                @if !r.unchecked.is_empty() {
                    dt { "Non vérifiées" }
                    dd { ul {
                        @for u in &r.unchecked {
                            li { span class="rule" { (u.rule) } " : " (u.reason) }
                        }
                    } }
                }
            }
        }
    }
}

/// The tender's verdict in one sentence, from the status of its pillars (`any_applied`: whether
/// a pack applies to it at all).
fn verdict(pillars: &[Pillar], any_applied: bool) -> Markup {
    let count = |s: Status| pillars.iter().filter(|p| p.status == s).count();
    let (e, w, i, ok) = (
        count(Status::NonConforme),
        count(Status::ACompleter),
        count(Status::AVerifier),
        count(Status::Conforme),
    );
    // « conforme » is said only of the pillars whose verdict is `ok`.
    let to_check = if i > 0 {
        format!(", {} à vérifier", plural(i, "pilier", "piliers"))
    } else {
        String::new()
    };
    if !any_applied {
        html! { "Aucun pack de règles ne s’applique à ce dossier : il n’a pas été évalué." }
    } else if e > 0 {
        html! {
            strong { "Dossier non conforme" } " : " (plural(e, "pilier", "piliers")) " à corriger"
            @if w > 0 { ", " (plural(w, "pilier", "piliers")) " à compléter" }
            (to_check) "."
        }
    } else if w > 0 {
        html! {
            strong { "Dossier à compléter" } " : " (plural(w, "pilier", "piliers")) " à compléter"
            (to_check) "."
        }
    } else if i > 0 {
        html! {
            strong { "Dossier à vérifier" } " : aucun défaut relevé, mais "
            (plural(i, "pilier", "piliers"))
            " à vérifier, que les documents fournis ne montrent pas (voir pourquoi plus bas)"
            @match ok {
                0 => {},
                1 => " ; 1 pilier conforme",
                n => { " ; " (n) " piliers conformes" },
            }
            "."
        }
    } else {
        html! {
            strong { "Dossier conforme" } " sur "
            @if ok == PILLARS.len() { "les huit piliers" } @else { "les " (ok) " piliers" }
            " : les passages qui le montrent sont cités plus bas."
        }
    }
}

/// The synthesis table: one row per pillar, with its status and counts.
fn synthesis(id: &str, pillars: &[Pillar]) -> Markup {
    html! {
        section aria-labelledby={ (id) "-synthese" } {
            table class="synthese" {
                caption id={ (id) "-synthese" } {
                    "Synthèse par pilier "
                    a class="explique" href="#piliers-miq" { "(les piliers expliqués)" }
                }
                colgroup {
                    col class="c-pilier"; col class="c-desc"; col class="c-statut"; col class="c-nb";
                }
                thead { tr {
                    th scope="col" { "Pilier" }
                    th scope="col" { "Ce que le dossier doit montrer" }
                    th scope="col" { "Statut" }
                    th scope="col" { "Constats" }
                } }
                tbody {
                    @for p in pillars {
                        tr class={ "pillar-" (p.tag) } {
                            th scope="row" { a href={ "#" (id) "-" (p.tag) } { (pillar_name(&p.tag)) } }
                            td { (p.description) }
                            td { (p.status.badge()) }
                            td { (counts(p.errors, p.warnings, p.infos)) }
                        }
                    }
                }
            }
        }
    }
}

/// « Ce qu’il faut revoir »: the pillars with findings, each with its finding cards.
fn to_review(id: &str, pillars: &[Pillar]) -> Markup {
    let with_findings: Vec<&Pillar> = pillars.iter().filter(|p| !p.findings.is_empty()).collect();
    html! {
        section class="part" aria-labelledby={ (id) "-revoir" } {
            h3 id={ (id) "-revoir" } { "Ce qu’il faut revoir" }
            @if with_findings.is_empty() {
                p class="none" { "Aucun constat sur ce dossier." }
            }
            @for p in with_findings {
                @let sid = format!("{id}-{}", p.tag);
                section class="pilier" id=(sid) aria-labelledby={ (sid) "-titre" } {
                    h4 id={ (sid) "-titre" } {
                        (pillar_name(&p.tag)) " " (p.status.badge()) " "
                        span class="count" { (counts(p.errors, p.warnings, p.infos)) }
                    }
                    p class="desc" { (p.description) }
                    @for f in &p.findings { (finding(f)) }
                }
            }
        }
    }
}

/// « Sur quoi repose l’analyse »: for each pillar, why it has its status and the passages
/// that satisfied its rules.
fn passages_retained(id: &str, run: &Run, pillars: &[Pillar]) -> Markup {
    html! {
        section class="part" aria-labelledby={ (id) "-preuves" } {
            h3 id={ (id) "-preuves" } { "Sur quoi repose l’analyse : passages retenus" }
            p class="intro" {
                "Pour chaque pilier, pourquoi il a son statut, puis les passages du dossier qui ont \
                 satisfait ses règles. Un pilier n’est dit conforme qu’avec un passage qui le \
                 montre, cité ici. Relisez-les pour vérifier le raisonnement de l’outil : un \
                 passage mal compris peut cacher un manque."
            }
            @for p in pillars {
                @let sid = format!("{id}-{}-preuves", p.tag);
                // A pillar without findings is reached from the synthesis through its evidence.
                @let anchor = p.findings.is_empty().then(|| format!("{id}-{}", p.tag));
                section class="pilier" id=[anchor] aria-labelledby=(sid) {
                    h4 id=(sid) { (pillar_name(&p.tag)) " " (p.status.badge()) }
                    p class="reason" {
                        (sentence(&p.reason))
                        @if !p.findings.is_empty() { " (voir « Ce qu’il faut revoir »)" }
                        "."
                    }
                    @if !p.evidence.is_empty() {
                        (evidence(run, &p.evidence))
                    } @else if p.status != Status::AVerifier {
                        p class="none" {
                            "Aucun passage du dossier n’a satisfait les règles de ce pilier."
                        }
                    }
                }
            }
        }
    }
}
