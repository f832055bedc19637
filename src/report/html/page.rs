//! The page around the tenders: head and style sheet, banner, list of tenders, files that could
//! not be used, and the footer that says how a pillar's status is read.

use std::fmt::Write as _;

use super::quote::escape;
use super::words::{counts, plural, typography};
use super::{Html, Run};
use crate::compile::Level;

const CSS: &str = r#"
:root { --ink:#1a1a1a; --muted:#4a4a4a; --line:#c8c8c8; --bg:#f5f5f2; --accent:#1f3a68;
  --ok:#1b5e20; --ok-bg:#e6f2e6; --todo:#7a4100; --todo-bg:#fff1d6; --ko:#a4001d; --ko-bg:#fde7ea;
  --na:#4a4a4a; --na-bg:#ececec; --mark:#ffe066; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font-family: "Marianne", "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
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
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .92em; overflow-wrap: anywhere; }
h2, h3, h4, h5 { line-height: 1.3; }
.tender { padding: 1rem 0 2rem; border-bottom: 3px solid var(--accent); }
.tender > h2 { font-size: 1.4rem; margin: .5rem 0; overflow-wrap: anywhere; }
.verdict { font-size: 1.05rem; margin: .25rem 0 .75rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1rem;
  font-size: .9rem; background: var(--bg); padding: .6rem .9rem; border-radius: 4px; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.meta ul { margin: 0; padding: 0; list-style: none; }
table.synthese { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: .95rem; }
table.synthese caption { text-align: left; font-weight: 700; font-size: 1.15rem; padding: .25rem 0 .5rem; }
table.synthese th, table.synthese td { border-bottom: 1px solid var(--line); padding: .35rem .5rem;
  text-align: left; vertical-align: top; overflow-wrap: anywhere; }
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
.where { margin: .2rem 0; color: var(--muted); font-size: .88rem; overflow-wrap: anywhere; }
blockquote { margin: .4rem 0; padding: .4rem .75rem; background: var(--bg); border-left: 3px solid var(--line);
  overflow-wrap: anywhere; white-space: pre-line; }
mark { background: var(--mark); color: inherit; padding: 0 .1em; font-weight: 700;
  text-decoration: underline; text-decoration-thickness: 2px; text-underline-offset: 2px; }
.expected { margin: .4rem 0; padding: .4rem .75rem; border: 1px dashed var(--todo); background: #fffaf0; }
.finding dl { margin: .5rem 0 0; }
.finding dt { font-weight: 700; font-size: .9rem; margin-top: .4rem; }
.finding dd { margin: 0; }
.finding dd ul { margin: 0; padding-left: 1.2rem; }
.detail { font-size: .8rem; color: var(--muted); overflow-wrap: anywhere; }
.evidence { margin: .25rem 0 .75rem; }
.evidence > p { margin: .5rem 0 .25rem; font-size: .92rem; }
.evidence ul { margin: 0; padding-left: 0; list-style: none; }
.evidence li { margin: .3rem 0; }
.evidence blockquote { margin: 0; font-size: .92rem; }
.evidence .where { font-size: .82rem; margin: .1rem 0 .4rem .75rem; }
.none { color: var(--muted); font-style: italic; }
.errors { border: 2px solid var(--ko); padding: .5rem 1rem; margin: 1rem 0; }
footer { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; color: var(--muted); font-size: .85rem; }
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
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"tenderlint {v}\">\n<title>{t}</title>\n\
             <style>{CSS}</style>\n</head>\n<body>\n\
             <a class=\"skip\" href=\"#contenu\">Aller au contenu</a>\n\
             <header class=\"banner\">\n<h1>Analyse de marché d’insertion et de qualification</h1>\n\
             <p>Rapport établi le {d} par tenderlint {v} : {tenders}, {docs} — {c}.</p>\n</header>\n",
            v = env!("CARGO_PKG_VERSION"),
            t = escape(&title),
            d = escape(&self.date),
            tenders = plural(s.tenders, "dossier", "dossiers"),
            docs = plural(s.documents, "document", "documents"),
            c = counts(s.errors, s.warnings, s.infos),
        );
        if run.results.len() > 1 {
            h.push_str("<nav class=\"dossiers\" aria-label=\"Dossiers du rapport\">\n<h2>Dossiers</h2>\n<ol>\n");
            for (i, r) in run.results.iter().enumerate() {
                let e = r
                    .findings
                    .iter()
                    .filter(|f| f.level == Level::Error)
                    .count();
                let w = r
                    .findings
                    .iter()
                    .filter(|f| f.level == Level::Warning)
                    .count();
                let _ = writeln!(
                    h,
                    "<li><a href=\"#dossier-{n}\">{p}</a> — {c}</li>",
                    n = i + 1,
                    p = escape(&r.tender.display),
                    c = counts(e, w, 0)
                );
            }
            h.push_str("</ol>\n</nav>\n");
        }
        h.push_str("<main id=\"contenu\">\n");
        if run.has_input_errors() {
            h.push_str("<section class=\"errors\" aria-labelledby=\"erreurs\">\n<h2 id=\"erreurs\">Fichiers qui n’ont pas pu être utilisés</h2>\n<ul>\n");
            for e in &run.input_errors {
                let _ = writeln!(
                    h,
                    "<li><code>{}</code> : {}{}</li>",
                    escape(&e.path),
                    escape(&e.reason),
                    e.help
                        .as_deref()
                        .map(|x| format!(" ({})", escape(x)))
                        .unwrap_or_default()
                );
            }
            for e in &run.rule_errors {
                let (file, line, _) = e.location();
                let _ = writeln!(
                    h,
                    "<li><code>{}</code>, ligne {line} : {}</li>",
                    escape(&file),
                    escape(&e.message)
                );
            }
            h.push_str("</ul>\n</section>\n");
        }
        if run.results.is_empty() {
            h.push_str("<p class=\"none\">Aucun dossier à analyser.</p>\n");
        }
        for (i, r) in run.results.iter().enumerate() {
            self.tender(&mut h, run, r, i + 1);
        }
        h.push_str("</main>\n<footer>\n<p>");
        if !run.suppressed.is_empty() || run.baseline_hidden > 0 {
            let _ = write!(
                h,
                "Non montrés : {} par des commentaires de suppression, {} connus de la base de référence. ",
                run.suppressed.len(),
                run.baseline_hidden
            );
        }
        h.push_str(
            "Un pilier est « conforme » seulement si un passage du dossier le montre (il est cité) et \
             qu’aucune erreur ni aucun avertissement ne le concerne ; « non conforme » s’il a au moins \
             une erreur, « à compléter » s’il n’a que des avertissements ; « à vérifier » quand les \
             documents fournis ne permettent pas d’en juger : aucun passage ne le montre, ou le dossier \
             ne contient pas le document où il doit être décrit (un avis ne décrit pas l’encadrement, \
             le CCTP le fait). Les informations ne comptent pas contre un pilier. \
             Ce rapport aide la relecture ; il ne remplace pas l’analyse juridique du dossier.</p>\n\
             </footer>\n</body>\n</html>\n",
        );
        // The style sheet is left as written.
        match h.find("</style>") {
            Some(i) => format!("{}{}", &h[..i], typography(&h[i..])),
            None => typography(&h),
        }
    }
}
