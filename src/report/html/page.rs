//! The page around the tenders: head and style sheet, banner, list of tenders, files that could
//! not be used, and the footer that says how a pillar's status is read.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::words::{counts, plural, read_failure, typography};
use super::{Html, Run};
use crate::compile::Level;
use crate::engine::TenderResult;
use crate::lang::RuleFileError;

const VERSION: &str = env!("CARGO_PKG_VERSION");

const CSS: &str = r#"
:root { --ink:#1a1a1a; --muted:#4a4a4a; --line:#c8c8c8; --bg:#f5f5f2; --accent:#1f3a68;
  --ok:#1b5e20; --ok-bg:#e6f2e6; --todo:#7a4100; --todo-bg:#fff1d6; --ko:#a4001d; --ko-bg:#fde7ea;
  --na:#4a4a4a; --na-bg:#ececec; --mark:#ffe066; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font-family: "Marianne", "Segoe UI", "Helvetica Neue", Arial, sans-serif;
  overflow-wrap: break-word; -webkit-hyphens: auto; hyphens: auto; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
.banner { background: var(--accent); color: #fff; padding: 1rem 1.5rem; }
.banner h1 { margin: 0; font-size: 1.5rem; line-height: 1.25; }
.banner p { margin: .25rem 0 0; }
main, nav.dossiers { max-width: 60rem; margin: 0 auto; padding: 0 1.5rem; }
nav.dossiers { padding-top: 1rem; }
nav.dossiers h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
nav.dossiers ol { margin: 0; padding-left: 1.5rem; }
a { color: var(--accent); }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .92em; overflow-wrap: anywhere;
  -webkit-hyphens: none; hyphens: none; }
h2, h3, h4, h5 { line-height: 1.3; }
.tender { padding: 1rem 0 2rem; border-bottom: 3px solid var(--accent); }
.tender > h2 { font-size: 1.4rem; margin: .5rem 0; }
.verdict { font-size: 1.05rem; margin: .25rem 0 .75rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem;
  font-size: .9rem; background: var(--bg); padding: .6rem .9rem; border-radius: 4px; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; min-width: 0; }
.meta ul { margin: 0; padding: 0; list-style: none; }
table.synthese { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: .95rem; }
table.synthese caption { text-align: left; font-weight: 700; font-size: 1.15rem; padding: .25rem 0 .5rem; }
table.synthese caption a.explique { font-weight: 400; font-size: .9rem; }
@media print { table.synthese caption a.explique { display: none; } }
table.synthese th, table.synthese td { border-bottom: 1px solid var(--line); padding: .35rem .5rem;
  text-align: left; vertical-align: top; }
table.synthese thead th { border-bottom: 2px solid var(--ink); font-size: .85rem; }
table.synthese col.c-pilier { width: 22%; } table.synthese col.c-desc { width: 44%; }
table.synthese col.c-statut { width: 16%; } table.synthese col.c-nb { width: 18%; }
.status { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; font-weight: 700;
  border: 1px solid currentColor; white-space: nowrap; font-size: .9rem; }
.status.ok { color: var(--ok); background: var(--ok-bg); }
.status.todo { color: var(--todo); background: var(--todo-bg); }
.status.ko { color: var(--ko); background: var(--ko-bg); }
.status.na { color: var(--na); background: var(--na-bg); }
.pilier { margin-top: 1.25rem; }
.pilier > h4 { border-bottom: 2px solid var(--line); padding-bottom: .25rem;
  display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; margin: 0 0 .25rem; font-size: 1.1rem; }
.pilier > .desc { color: var(--muted); margin-top: 0; }
.pilier > .reason { margin: .25rem 0 .5rem; }
.part > h3 { font-size: 1.25rem; margin: 2rem 0 .5rem; padding: .3rem .6rem; background: var(--bg);
  border-left: 4px solid var(--accent); }
.intro { margin: .25rem 0 .5rem; }
.count { font-weight: 400; font-size: .9rem; color: var(--muted); }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--na); border-radius: 4px;
  padding: .6rem .9rem; margin: .75rem 0; break-inside: avoid; }
.finding.error { border-left-color: var(--ko); }
.finding.warning { border-left-color: var(--todo); }
.finding.info { border-left-color: var(--accent); }
.finding h5 { margin: 0; font-size: 1rem; }
.level { font-weight: 700; text-transform: uppercase; font-size: .78rem; letter-spacing: .03em;
  margin-right: .35rem; }
.error .level { color: var(--ko); } .warning .level { color: var(--todo); } .info .level { color: var(--accent); }
.rule { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .85rem; color: var(--muted); }
.where { margin: .2rem 0; color: var(--muted); font-size: .88rem; }
blockquote { margin: .4rem 0; padding: .4rem .75rem; background: var(--bg); border-left: 3px solid var(--line);
  white-space: pre-line; }
mark { background: var(--mark); color: inherit; padding: 0 .1em; font-weight: 700;
  text-decoration: underline; text-decoration-thickness: 2px; text-underline-offset: 2px; }
.expected { margin: .4rem 0; padding: .4rem .75rem; border: 1px dashed var(--todo); background: #fffaf0; }
.finding dl { margin: .5rem 0 0; }
.finding dt { font-weight: 700; font-size: .9rem; margin-top: .4rem; }
.finding dd { margin: 0; }
.finding dd ul { margin: 0; padding-left: 1.2rem; }
.detail { font-size: .8rem; color: var(--muted); }
.evidence { margin: .25rem 0 .75rem; }
.evidence > p { margin: .5rem 0 .25rem; font-size: .92rem; }
.evidence ul { margin: 0; padding-left: 0; list-style: none; }
.evidence li { margin: .3rem 0; }
.evidence blockquote { margin: 0; font-size: .92rem; }
.evidence .where { font-size: .82rem; margin: .1rem 0 .4rem .75rem; }
.none { color: var(--muted); font-style: italic; }
.errors { border: 2px solid var(--ko); padding: .5rem 1rem; margin: 1rem 0; }
.guide { margin: 2rem 0 1rem; padding: .75rem 1rem; background: var(--bg); border-radius: 4px; }
.guide h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
.guide dl { margin: 0; }
.guide dt { font-weight: 700; margin-top: .5rem; }
.guide dd { margin: 0; }
footer { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) {
  .banner { padding: .75rem 1rem; }
  main, nav.dossiers, footer { padding-left: 1rem; padding-right: 1rem; }
  .meta { grid-template-columns: 1fr; }
  .meta dd { margin-bottom: .35rem; }
  table.synthese, table.synthese tbody, table.synthese tr, table.synthese th,
  table.synthese td, table.synthese caption { display: block; width: auto; }
  table.synthese thead, table.synthese colgroup { display: none; }
  table.synthese tr { border-bottom: 1px solid var(--line); padding: .35rem 0; }
  table.synthese th, table.synthese td { border: none; padding: .1rem 0; }
  .finding { padding: .5rem .6rem; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm 16mm; }
  html { font-size: 10pt; }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .banner { background: none; color: var(--ink); border-bottom: 2px solid var(--ink); padding: 0 0 .4rem; }
  main, nav.dossiers, footer { max-width: none; padding: 0; }
  nav.dossiers, .skip { display: none; }
  .tender { border-bottom: none; }
  .tender + .tender { break-before: page; }
  .finding, .evidence li, table.synthese tr { break-inside: avoid; }
  h2, h3, h4, h5 { break-after: avoid; }
  .pilier > .desc, .pilier > .reason, .evidence > p { break-after: avoid; }
  .part > h3 { background: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

impl Html {
    /// The whole page.
    pub fn page(&self, run: &Run) -> String {
        let s = run.summary();
        let title = match run.results.as_slice() {
            [one] => format!("Rapport tenderlint — {}", one.tender.display),
            _ => format!(
                "Rapport tenderlint — {}",
                plural(s.tenders, "dossier", "dossiers")
            ),
        };
        let page = html! {
            (DOCTYPE) "\n"
            html lang="fr" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="generator" content={ "tenderlint " (VERSION) };
                    title { (title) }
                    // The style sheet is a constant of ours, not text to escape (`>` is a
                    // selector in it).
                    style { (PreEscaped(CSS)) }
                }
                body {
                    a class="skip" href="#contenu" { "Aller au contenu" }
                    header class="banner" {
                        h1 { "Analyse de marché d’insertion et de qualification" }
                        p {
                            "Rapport établi le " (self.date) " par tenderlint " (VERSION) " : "
                            (plural(s.tenders, "dossier", "dossiers")) ", "
                            (plural(s.documents, "document", "documents")) " — "
                            (counts(s.errors, s.warnings, s.infos)) "."
                        }
                    }
                    @if run.results.len() > 1 { (contents(run)) }
                    main id="contenu" {
                        @if run.has_input_errors() { (unusable(run)) }
                        @if run.results.is_empty() {
                            p class="none" { "Aucun dossier à analyser." }
                        }
                        @for (i, r) in run.results.iter().enumerate() {
                            (self.tender(run, r, i + 1))
                        }
                        (pillars_explained())
                    }
                    footer { p { (footer(run)) } }
                }
            }
        };
        let mut page = page.into_string();
        page.push('\n');
        // French typography on the text after the style sheet, which is left as written. It
        // only turns a space before or after a sign into a no-break space: it makes no markup.
        match page.find("</style>") {
            Some(i) => format!("{}{}", &page[..i], typography(&page[i..])),
            None => typography(&page),
        }
    }
}

/// The list of the report's tenders, each with its counts.
fn contents(run: &Run) -> Markup {
    let count = |r: &TenderResult, l: Level| r.findings.iter().filter(|f| f.level == l).count();
    html! {
        nav class="dossiers" aria-label="Dossiers du rapport" {
            h2 { "Dossiers" }
            ol {
                @for (i, r) in run.results.iter().enumerate() {
                    li {
                        a href={ "#dossier-" (i + 1) } { (r.tender.display) }
                        " — " (counts(count(r, Level::Error), count(r, Level::Warning), 0))
                    }
                }
            }
        }
    }
}

/// The files that could not be used: documents that could not be read, rule files with errors.
fn unusable(run: &Run) -> Markup {
    html! {
        section class="errors" aria-labelledby="erreurs" {
            h2 id="erreurs" { "Fichiers qui n’ont pas pu être utilisés" }
            ul {
                @for e in &run.input_errors {
                    @let (reason, help) = read_failure(e.kind);
                    li {
                        code { (e.path) } " : " (reason)
                        @if let Some(help) = help { " (" (help) ")" }
                        "."
                    }
                }
                @for e in &run.rule_errors {
                    @let (file, line, _) = e.location();
                    li {
                        code { (file) } ", ligne " (line) " : "
                        @if matches!(e, RuleFileError::Config(_)) {
                            "la configuration contient une erreur, et ses réglages n’ont pas été \
                             appliqués"
                        } @else {
                            "ce fichier de règles contient une erreur, et son pack n’a pas été \
                             utilisé"
                        }
                        " (le détail, pour qui écrit les règles ou la configuration, est donné \
                         par `tenderlint check` dans un terminal)."
                    }
                }
            }
        }
    }
}

/// The eight pillars of a marché d'insertion et de qualification, in two lines each, for a
/// reader new to it (the synthesis tables link here).
fn pillars_explained() -> Markup {
    const GUIDE: [(&str, &str); 8] = [
        (
            "Objet",
            "Le marché achète une prestation d’insertion et de qualification professionnelles \
             de personnes éloignées de l’emploi ; l’activité réalisée n’en est que le support. \
             Un marché qui achète d’abord des travaux ou un service courant n’en est pas un.",
        ),
        (
            "Support",
            "L’activité (espaces verts, nettoyage, tri, restauration…) est présentée comme le \
             support des parcours et décrite (lieux, volumes, saisons), pour que le titulaire \
             organise des postes de travail qui forment.",
        ),
        (
            "Public",
            "Un public précisément défini et éloigné de l’emploi (demandeurs d’emploi de longue \
             durée, bénéficiaires du RSA, jeunes sans qualification…), avec son nombre et son \
             territoire ; « tout public » ne suffit pas.",
        ),
        (
            "Encadrement",
            "Un encadrement renforcé : des encadrants techniques qualifiés, un accompagnement \
             socio-professionnel et un suivi individuel de chaque personne (diagnostic, \
             entretiens, référent).",
        ),
        (
            "Qualification",
            "Les personnes acquièrent des compétences reconnues (formation, attestation, \
             certification) et sont aidées à lever leurs freins (mobilité, garde d’enfants, \
             santé, logement), sur une durée de parcours et un temps de travail précisés.",
        ),
        (
            "Suivi",
            "Le titulaire rend compte des parcours et des sorties (emploi durable, emploi de \
             transition, sorties positives) par des indicateurs, des bilans et un comité de \
             pilotage avec les partenaires.",
        ),
        (
            "Procédure",
            "Un service social passé en procédure adaptée quel que soit son montant (article \
             R.\u{a0}2123-1, 3°, du code de la commande publique), choisi sur la capacité à insérer \
             et à qualifier, avec des critères pondérés.",
        ),
        (
            "Données",
            "Les données personnelles des bénéficiaires (situation sociale, santé) sont \
             protégées : finalité, accès limité, durée de conservation, bilans transmis sous \
             forme agrégée.",
        ),
    ];
    html! {
        section class="guide" aria-labelledby="piliers-miq" {
            h2 id="piliers-miq" { "Les piliers d’un marché d’insertion et de qualification" }
            dl {
                @for (pillar, text) in GUIDE {
                    dt { (pillar) }
                    dd { (text) }
                }
            }
        }
    }
}

/// What is not shown, and how a pillar's status is read.
fn footer(run: &Run) -> Markup {
    html! {
        @if !run.suppressed.is_empty() || run.baseline_hidden > 0 {
            "Non montrés : " (run.suppressed.len()) " par des commentaires de suppression, "
            (run.baseline_hidden) " connus de la base de référence. "
        }
        "Un pilier est « conforme » seulement si un passage du dossier le montre (il est cité) et \
         qu’aucune erreur ni aucun avertissement ne le concerne ; « non conforme » s’il a au moins \
         une erreur, « à compléter » s’il n’a que des avertissements ; « à vérifier » quand les \
         documents fournis ne permettent pas d’en juger : aucun passage ne le montre, ou le dossier \
         ne contient pas le document où il doit être décrit (un avis ne décrit pas l’encadrement, \
         le CCTP le fait). Les informations ne comptent pas contre un pilier. \
         Ce rapport aide la relecture ; il ne remplace pas l’analyse juridique du dossier."
    }
}
