//! One tender's article: its verdict, its header (documents, packs, date), the synthesis by
//! pillar, the findings to review and the passages the analysis rests on.

use std::fmt::Write as _;

use super::evidence::evidence;
use super::finding::finding;
use super::pillar::{Pillar, Status, pillars};
use super::quote::escape;
use super::words::{counts, kind_label, pillar_name, plural, sentence};
use super::{Html, Run};
use crate::compile::PILLARS;
use crate::engine::TenderResult;

impl Html {
    /// One tender's article (the `n`th of the report).
    pub(super) fn tender(&self, h: &mut String, run: &Run, r: &TenderResult, n: usize) {
        let id = format!("dossier-{n}");
        let pillars = pillars(run, r);
        let _ = writeln!(
            h,
            "<article class=\"tender\" id=\"{id}\" aria-labelledby=\"{id}-titre\">\n\
             <h2 id=\"{id}-titre\">Dossier <code>{}</code></h2>",
            escape(&r.tender.display)
        );
        let any_applied = r.packs.iter().any(|p| p.applied);
        let _ = writeln!(
            h,
            "<p class=\"verdict\">{}</p>",
            verdict(&pillars, any_applied)
        );
        self.header(h, run, r);
        synthesis(h, &id, &pillars);
        to_review(h, &id, &pillars);
        passages_retained(h, &id, run, &pillars);
        h.push_str("</article>\n");
    }

    /// The tender's header: documents and their kinds, packs and why, date, versions, and the
    /// rules that could not be checked.
    fn header(&self, h: &mut String, run: &Run, r: &TenderResult) {
        h.push_str("<dl class=\"meta\">\n<dt>Documents</dt><dd><ul>");
        for d in &r.tender.documents {
            let _ = write!(
                h,
                "<li><code>{}</code> — {}</li>",
                escape(&d.display),
                kind_label(d.kind.as_str())
            );
        }
        h.push_str("</ul></dd>\n<dt>Règles</dt><dd><ul>");
        for p in &r.packs {
            let pack = run.rules.packs.iter().find(|k| k.id == p.id);
            let _ = write!(
                h,
                "<li>pack <code>{}</code>{}{} — {}</li>",
                escape(&p.id),
                pack.map(|k| format!(" « {} »", escape(&k.name)))
                    .unwrap_or_default(),
                pack.filter(|k| !k.version.is_empty())
                    .map(|k| format!(", version {}", escape(&k.version)))
                    .unwrap_or_default(),
                escape(&p.reason)
            );
        }
        if r.packs.is_empty() {
            h.push_str("<li>aucun pack chargé</li>");
        }
        let _ = writeln!(
            h,
            "</ul></dd>\n<dt>Analyse</dt><dd>le {}, par tenderlint {}</dd>",
            escape(&self.date),
            env!("CARGO_PKG_VERSION")
        );
        if !r.unchecked.is_empty() {
            h.push_str("<dt>Non vérifiées</dt><dd><ul>");
            for u in &r.unchecked {
                let _ = write!(
                    h,
                    "<li><span class=\"rule\">{}</span> : {}</li>",
                    escape(&u.rule),
                    escape(&u.reason)
                );
            }
            h.push_str("</ul></dd>\n");
        }
        h.push_str("</dl>\n");
    }
}

/// The tender's verdict in one sentence, from the status of its pillars (`any_applied`: whether
/// a pack applies to it at all).
fn verdict(pillars: &[Pillar], any_applied: bool) -> String {
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
        "Aucun pack de règles ne s’applique à ce dossier : il n’a pas été évalué.".to_string()
    } else if e > 0 {
        format!(
            "<strong>Dossier non conforme</strong> : {} à corriger{}{to_check}.",
            plural(e, "pilier", "piliers"),
            if w > 0 {
                format!(", {} à compléter", plural(w, "pilier", "piliers"))
            } else {
                String::new()
            }
        )
    } else if w > 0 {
        format!(
            "<strong>Dossier à compléter</strong> : {} à compléter{to_check}.",
            plural(w, "pilier", "piliers")
        )
    } else if i > 0 {
        format!(
            "<strong>Dossier à vérifier</strong> : aucun défaut relevé, mais {} à vérifier, que les documents fournis ne montrent pas (voir pourquoi plus bas){}.",
            plural(i, "pilier", "piliers"),
            match ok {
                0 => String::new(),
                1 => " ; 1 pilier conforme".to_string(),
                n => format!(" ; {n} piliers conformes"),
            }
        )
    } else {
        format!(
            "<strong>Dossier conforme</strong> sur {} : les passages qui le montrent sont cités plus bas.",
            if ok == PILLARS.len() {
                "les huit piliers".to_string()
            } else {
                format!("les {ok} piliers")
            }
        )
    }
}

/// The synthesis table: one row per pillar, with its status and counts.
fn synthesis(h: &mut String, id: &str, pillars: &[Pillar]) {
    let _ = writeln!(
        h,
        "<section aria-labelledby=\"{id}-synthese\">\n<table class=\"synthese\">\n\
         <caption id=\"{id}-synthese\">Synthèse par pilier</caption>\n\
         <colgroup><col class=\"c-pilier\"><col class=\"c-desc\"><col class=\"c-statut\"><col class=\"c-nb\"></colgroup>\n\
         <thead><tr><th scope=\"col\">Pilier</th><th scope=\"col\">Ce que le dossier doit montrer</th>\
         <th scope=\"col\">Statut</th><th scope=\"col\">Constats</th></tr></thead>\n<tbody>"
    );
    for p in pillars {
        let _ = writeln!(
            h,
            "<tr class=\"pillar-{tag}\"><th scope=\"row\"><a href=\"#{id}-{tag}\">{name}</a></th><td>{desc}</td><td>{badge}</td><td>{c}</td></tr>",
            tag = escape(&p.tag),
            name = escape(&pillar_name(&p.tag)),
            desc = escape(&p.description),
            badge = p.status.badge(),
            c = counts(p.errors, p.warnings, p.infos),
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// « Ce qu’il faut revoir »: the pillars with findings, each with its finding cards.
fn to_review(h: &mut String, id: &str, pillars: &[Pillar]) {
    let _ = writeln!(
        h,
        "<section class=\"part\" aria-labelledby=\"{id}-revoir\">\n<h3 id=\"{id}-revoir\">Ce qu’il faut revoir</h3>"
    );
    let with_findings: Vec<&Pillar> = pillars.iter().filter(|p| !p.findings.is_empty()).collect();
    if with_findings.is_empty() {
        h.push_str("<p class=\"none\">Aucun constat sur ce dossier.</p>\n");
    }
    for p in with_findings {
        let sid = format!("{id}-{}", escape(&p.tag));
        let _ = writeln!(
            h,
            "<section class=\"pilier\" id=\"{sid}\" aria-labelledby=\"{sid}-titre\">\n\
             <h4 id=\"{sid}-titre\">{} {} <span class=\"count\">{}</span></h4>\n<p class=\"desc\">{}</p>",
            escape(&pillar_name(&p.tag)),
            p.status.badge(),
            counts(p.errors, p.warnings, p.infos),
            escape(&p.description)
        );
        for f in &p.findings {
            finding(h, f);
        }
        h.push_str("</section>\n");
    }
    h.push_str("</section>\n");
}

/// « Sur quoi repose l’analyse »: for each pillar, why it has its status and the passages
/// that satisfied its rules.
fn passages_retained(h: &mut String, id: &str, run: &Run, pillars: &[Pillar]) {
    let _ = writeln!(
        h,
        "<section class=\"part\" aria-labelledby=\"{id}-preuves\">\n<h3 id=\"{id}-preuves\">Sur quoi repose l’analyse : passages retenus</h3>\n\
         <p class=\"intro\">Pour chaque pilier, pourquoi il a son statut, puis les passages du dossier qui ont satisfait ses règles. \
         Un pilier n’est dit conforme qu’avec un passage qui le montre, cité ici. \
         Relisez-les pour vérifier le raisonnement de l’outil : un passage mal compris peut cacher un manque.</p>"
    );
    for p in pillars {
        let sid = format!("{id}-{}-preuves", escape(&p.tag));
        // A pillar without findings is reached from the synthesis through its evidence.
        let anchor = if p.findings.is_empty() {
            format!(" id=\"{id}-{}\"", escape(&p.tag))
        } else {
            String::new()
        };
        let _ = writeln!(
            h,
            "<section class=\"pilier\"{anchor} aria-labelledby=\"{sid}\">\n<h4 id=\"{sid}\">{} {}</h4>",
            escape(&pillar_name(&p.tag)),
            p.status.badge()
        );
        let see = if p.findings.is_empty() {
            ""
        } else {
            " (voir « Ce qu’il faut revoir »)"
        };
        let _ = writeln!(
            h,
            "<p class=\"reason\">{}{see}.</p>",
            escape(&sentence(&p.reason))
        );
        if !p.evidence.is_empty() {
            evidence(h, run, &p.evidence);
        } else if p.status != Status::AVerifier {
            h.push_str(
                "<p class=\"none\">Aucun passage du dossier n’a satisfait les règles de ce pilier.</p>\n",
            );
        }
        h.push_str("</section>\n");
    }
    h.push_str("</section>\n");
}
