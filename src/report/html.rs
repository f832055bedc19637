//! The HTML report (`tenderlint report`, `check --format html`): one self-contained page in
//! French for the facilitator of the social clause, who reads it, checks the tool's reasoning and
//! forwards it to the buyer. Inline CSS, no script, no network; a print stylesheet for A4.
//!
//! For each tender: a header (documents and their kinds, packs and why, date, versions), a
//! synthesis by pillar (conforme / à compléter / non conforme / à vérifier, read from the core's
//! verdicts: see [`crate::engine::verdict`]), then one section per pillar with its findings (the
//! passage quoted, the offending words marked, why, how to fix, references), why it has its
//! status, and the passages that satisfied its rules (the evidence).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;

use super::{Renderer, Run};
use crate::compile::{Level, PILLARS};
use crate::engine::verdict::{self, PillarVerdict};
use crate::engine::{Evidence, Finding, FindingKind, TenderResult};

/// How many passages are quoted per rule in a pillar's evidence.
const EVIDENCE_PER_RULE: usize = 3;

/// Escapes a text for HTML content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// French typography on the page's body: a no-break space inside « » and before : ; ! ? so
/// that a line never starts with one of them.
fn typography(body: &str) -> String {
    body.replace("« ", "«\u{a0}")
        .replace(" »", "\u{a0}»")
        .replace(" :", "\u{a0}:")
        .replace(" ;", "\u{a0};")
        .replace(" ?", "\u{a0}?")
        .replace(" !", "\u{a0}!")
}

/// A date in French, e.g. « 1er mars 2025 », from seconds since the Unix epoch (UTC).
pub fn french_date(unix_secs: i64) -> String {
    // Days to civil date (H. Hinnant's algorithm, proleptic Gregorian calendar).
    let z = unix_secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let d = if day == 1 {
        "1er".to_string()
    } else {
        day.to_string()
    };
    format!("{d} {} {year}", MONTHS[(month - 1) as usize])
}

/// Today's date in French; `SOURCE_DATE_EPOCH` (seconds) fixes it for reproducible reports.
pub fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    french_date(secs)
}

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
    fn badge(self) -> String {
        format!(
            "<span class=\"status {}\"><span aria-hidden=\"true\">{}</span> {}</span>",
            self.class(),
            self.sign(),
            self.label()
        )
    }
}

fn pillar_name(tag: &str) -> String {
    match tag {
        "objet" => "Objet".into(),
        "support" => "Support".into(),
        "public" => "Public".into(),
        "encadrement" => "Encadrement".into(),
        "qualification" => "Qualification".into(),
        "suivi" => "Suivi".into(),
        "procedure" => "Procédure".into(),
        "donnees" => "Données personnelles".into(),
        other => sentence(other),
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "rc" => "RC (règlement de la consultation)",
        "ccap" => "CCAP (cahier des clauses administratives particulières)",
        "cctp" => "CCTP (cahier des clauses techniques particulières)",
        "ae" => "AE (acte d’engagement)",
        "avis" => "avis d’appel public à la concurrence",
        "bpu" => "BPU (bordereau des prix unitaires)",
        _ => "autre document",
    }
}

fn level_label(level: Level) -> &'static str {
    match level {
        Level::Error => "Erreur",
        Level::Warning => "Avertissement",
        Level::Info => "Information",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// A reason as a sentence: its first letter in capital.
fn sentence(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// « 2 erreurs, 1 avertissement » (infos apart), or « aucun constat ».
fn counts(errors: usize, warnings: usize, infos: usize) -> String {
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural(errors, "erreur", "erreurs"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "avertissement", "avertissements"));
    }
    if infos > 0 {
        parts.push(plural(infos, "information", "informations"));
    }
    if parts.is_empty() {
        "aucun constat".into()
    } else {
        parts.join(", ")
    }
}

/// Merges overlapping or touching ranges, sorted.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The sentence(s) around `r` in `text` (at most 200 bytes each side), and whether it was cut
/// at each end.
fn window(text: &str, r: Range<usize>) -> (Range<usize>, bool, bool) {
    let stops = |c: char| matches!(c, '.' | ';' | '\n' | '!' | '?');
    let r = floor_boundary(text, r.start)..ceil_boundary(text, r.end.max(r.start));
    let mut start = text[..r.start].rfind(stops).map(|n| n + 1).unwrap_or(0);
    let mut end = text[r.end..]
        .find(stops)
        .map(|n| r.end + n + 1)
        .unwrap_or(text.len());
    let (mut cut_start, mut cut_end) = (false, false);
    if r.start - start > 200 {
        start = ceil_boundary(text, r.start - 200);
        cut_start = true;
    }
    if end - r.end > 200 {
        end = floor_boundary(text, r.end + 200);
        cut_end = true;
    }
    (start..end, cut_start, cut_end)
}

/// A passage of `text` as HTML, with `marks` (byte ranges) in `<mark>`. Leading Markdown heading
/// signs and surrounding spaces are left out.
fn passage(text: &str, win: Range<usize>, marks: &[Range<usize>], cut: (bool, bool)) -> String {
    let mut start = win.start;
    let end = win.end;
    // Skip white space and Markdown heading or list signs at the start.
    while start < end {
        let c = text[start..].chars().next().unwrap_or(' ');
        if c.is_whitespace() || c == '#' {
            start += c.len_utf8();
        } else {
            break;
        }
    }
    let end = start + text[start..end].trim_end().len();
    let mut out = String::new();
    if cut.0 {
        out.push('…');
    }
    let mut at = start;
    for m in merge(marks.to_vec()) {
        let ms = floor_boundary(text, m.start.max(start));
        let me = ceil_boundary(text, m.end.min(end));
        if ms >= me {
            continue;
        }
        out.push_str(&escape(&text[at..ms]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[ms..me]));
        out.push_str("</mark>");
        at = me;
    }
    if at < end {
        out.push_str(&escape(&text[at..end]));
    }
    if cut.1 {
        out.push('…');
    }
    out
}

/// Where a finding or a passage is, in words a person can follow in the original file.
fn place(file: &str, line: usize, loc: crate::document::Location) -> String {
    format!("{file}, {}", loc.describe(line))
}

/// One pillar of one tender, with what belongs to it.
struct Pillar<'a> {
    tag: String,
    description: String,
    findings: Vec<&'a Finding>,
    /// The passages of the pillar: those that show it (for `conforme`) first, then the
    /// others that satisfied its rules.
    evidence: Vec<&'a Evidence>,
    status: Status,
    /// Why the pillar has its status, in French (the core's reason).
    reason: String,
    errors: usize,
    warnings: usize,
    infos: usize,
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

fn pillars<'a>(run: &'a Run, result: &'a TenderResult) -> Vec<Pillar<'a>> {
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

pub struct Html {
    date: String,
}

impl Html {
    /// A renderer that dates its reports with `date` (see [`today`]).
    pub fn new(date: impl Into<String>) -> Self {
        Html { date: date.into() }
    }
}

impl Renderer for Html {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.page(run).as_bytes())
    }
}

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

    fn tender(&self, h: &mut String, run: &Run, r: &TenderResult, n: usize) {
        let id = format!("dossier-{n}");
        let pillars = pillars(run, r);
        let _ = writeln!(
            h,
            "<article class=\"tender\" id=\"{id}\" aria-labelledby=\"{id}-titre\">\n\
             <h2 id=\"{id}-titre\">Dossier <code>{}</code></h2>",
            escape(&r.tender.display)
        );
        let count = |s: Status| pillars.iter().filter(|p| p.status == s).count();
        let (e, w, i, ok) = (
            count(Status::NonConforme),
            count(Status::ACompleter),
            count(Status::AVerifier),
            count(Status::Conforme),
        );
        let any_applied = r.packs.iter().any(|p| p.applied);
        // « conforme » is said only of the pillars whose verdict is `ok`.
        let to_check = if i > 0 {
            format!(", {} à vérifier", plural(i, "pilier", "piliers"))
        } else {
            String::new()
        };
        let verdict = if !any_applied {
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
        };
        let _ = writeln!(h, "<p class=\"verdict\">{verdict}</p>");
        // Header: documents, packs, date, versions.
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
        // Synthesis.
        let _ = writeln!(
            h,
            "<section aria-labelledby=\"{id}-synthese\">\n<table class=\"synthese\">\n\
             <caption id=\"{id}-synthese\">Synthèse par pilier</caption>\n\
             <colgroup><col class=\"c-pilier\"><col class=\"c-desc\"><col class=\"c-statut\"><col class=\"c-nb\"></colgroup>\n\
             <thead><tr><th scope=\"col\">Pilier</th><th scope=\"col\">Ce que le dossier doit montrer</th>\
             <th scope=\"col\">Statut</th><th scope=\"col\">Constats</th></tr></thead>\n<tbody>"
        );
        for p in &pillars {
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
        // What to change, pillar by pillar.
        let _ = writeln!(
            h,
            "<section class=\"part\" aria-labelledby=\"{id}-revoir\">\n<h3 id=\"{id}-revoir\">Ce qu’il faut revoir</h3>"
        );
        let with_findings: Vec<&Pillar> =
            pillars.iter().filter(|p| !p.findings.is_empty()).collect();
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
        // What the judgement rests on.
        let _ = writeln!(
            h,
            "<section class=\"part\" aria-labelledby=\"{id}-preuves\">\n<h3 id=\"{id}-preuves\">Sur quoi repose l’analyse : passages retenus</h3>\n\
             <p class=\"intro\">Pour chaque pilier, pourquoi il a son statut, puis les passages du dossier qui ont satisfait ses règles. \
             Un pilier n’est dit conforme qu’avec un passage qui le montre, cité ici. \
             Relisez-les pour vérifier le raisonnement de l’outil : un passage mal compris peut cacher un manque.</p>"
        );
        for p in &pillars {
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
        h.push_str("</section>\n</article>\n");
    }
}

fn finding(h: &mut String, f: &Finding) {
    let _ = writeln!(
        h,
        "<article class=\"finding {lvl}\">\n<h5><span class=\"level\">{label}</span> {msg} <span class=\"rule\">{rule}</span></h5>\n\
         <p class=\"where\">{place}</p>",
        lvl = f.level.as_str(),
        label = level_label(f.level),
        msg = escape(&f.message),
        rule = escape(&f.rule),
        place = escape(&place(&f.file, f.line, f.location)),
    );
    let text: &str = &f.source;
    match f.kind {
        FindingKind::Found => {
            let marks: Vec<Range<usize>> = f.labels.iter().map(|l| l.span.clone()).collect();
            // All the labelled words in one passage when they are close; else the main one.
            let lo = marks.iter().map(|m| m.start).min().unwrap_or(f.span.start);
            let hi = marks.iter().map(|m| m.end).max().unwrap_or(f.span.end);
            let around = if hi - lo <= 400 {
                lo..hi
            } else {
                f.span.clone()
            };
            let (win, a, b) = window(text, around);
            let _ = writeln!(
                h,
                "<blockquote>{}</blockquote>",
                passage(text, win, &marks, (a, b))
            );
        }
        FindingKind::Missing => {
            let heading = text.get(f.span.clone()).unwrap_or("").trim();
            let heading = heading.trim_start_matches('#').trim();
            let whole = f.labels.iter().any(|l| l.text.contains("document"));
            let where_ = if whole {
                format!(
                    "Élément absent du document <code>{}</code>{}.",
                    escape(&f.file),
                    if heading.is_empty() {
                        String::new()
                    } else {
                        format!(" (« {} »)", escape(heading))
                    }
                )
            } else {
                format!(
                    "Élément attendu dans la partie « <strong>{}</strong> » de <code>{}</code>, où il n’a pas été trouvé.",
                    escape(heading),
                    escape(&f.file)
                )
            };
            let _ = writeln!(h, "<p class=\"expected\">{where_}</p>");
        }
    }
    let _ = write!(
        h,
        "<dl>\n<dt>Pourquoi c’est important</dt><dd>{}</dd>\n<dt>Comment corriger</dt><dd>{}</dd>\n",
        escape(&f.why),
        escape(&f.fix)
    );
    if !f.see.is_empty() {
        h.push_str("<dt>Références</dt><dd><ul>");
        for s in &f.see {
            let _ = write!(h, "<li>{}</li>", escape(s));
        }
        h.push_str("</ul></dd>\n");
    }
    h.push_str("</dl>\n");
    if let Some(exp) = &f.expected {
        let _ = writeln!(
            h,
            "<p class=\"detail\">Condition cherchée (langage des règles) : <code>{}</code></p>",
            escape(exp)
        );
    }
    h.push_str("</article>\n");
}

fn evidence(h: &mut String, run: &Run, list: &[&Evidence]) {
    let mut by_rule: BTreeMap<&str, Vec<&Evidence>> = BTreeMap::new();
    for e in list {
        let v = by_rule.entry(e.rule.as_str()).or_default();
        if !v.iter().any(|x| x.file == e.file && x.context == e.context) {
            v.push(e);
        }
    }
    for (rule, items) in by_rule {
        let message = run
            .rules
            .rule(rule)
            .map(|(_, r)| r.message.as_str())
            .unwrap_or("");
        let _ = writeln!(
            h,
            "<div class=\"evidence\">\n<p><span class=\"rule\">{}</span> satisfaite par ces passages ; sans eux, elle aurait signalé : « {} »</p>\n<ul>",
            escape(rule),
            escape(message.trim_end_matches('.'))
        );
        for e in items.iter().take(EVIDENCE_PER_RULE) {
            let ctx = &e.context;
            let marks: Vec<Range<usize>> = ctx
                .find(e.quote.as_str())
                .map(|i| i..i + e.quote.len())
                .into_iter()
                .collect();
            let mut place = place(&e.file, e.line, e.location);
            if let Some(s) = &e.section {
                place.push_str(&format!(
                    ", section « {} »",
                    s.trim_start_matches('#').trim()
                ));
            }
            let _ = writeln!(
                h,
                "<li><blockquote>{}</blockquote><p class=\"where\">{}</p></li>",
                passage(ctx, 0..ctx.len(), &marks, (false, false)),
                escape(&place)
            );
        }
        if items.len() > EVIDENCE_PER_RULE {
            let more = items.len() - EVIDENCE_PER_RULE;
            let _ = writeln!(
                h,
                "<li class=\"none\">et {}</li>",
                plural(more, "autre passage", "autres passages")
            );
        }
        h.push_str("</ul>\n</div>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_attribute_quotes() {
        assert_eq!(
            escape(r#"<a href="x">l'été & co</a>"#),
            "&lt;a href=&quot;x&quot;&gt;l&#39;été &amp; co&lt;/a&gt;"
        );
        assert_eq!(escape("« déjà » ’"), "« déjà » ’");
        assert_eq!(
            typography("« oui » : non ; si ?"),
            "«\u{a0}oui\u{a0}»\u{a0}: non\u{a0}; si\u{a0}?"
        );
    }

    #[test]
    fn dates_are_french() {
        assert_eq!(french_date(0), "1er janvier 1970");
        assert_eq!(french_date(1_740_787_200), "1er mars 2025");
        assert_eq!(french_date(1_723_680_000), "15 août 2024");
        assert_eq!(french_date(951_782_400), "29 février 2000");
    }

    #[test]
    fn the_status_shown_is_the_core_verdict() {
        use verdict::Status as V;
        // Deficient: told apart by the worst level of the pillar's findings.
        assert_eq!(Status::shown(&[V::Deficient], 1), Status::NonConforme);
        assert_eq!(Status::shown(&[V::Deficient], 0), Status::ACompleter);
        assert_eq!(Status::shown(&[V::Ok, V::Deficient], 0), Status::ACompleter);
        // « conforme » only when every verdict is ok.
        assert_eq!(Status::shown(&[V::Ok], 0), Status::Conforme);
        assert_eq!(
            Status::shown(&[V::Ok, V::Undetermined], 0),
            Status::AVerifier
        );
        assert_eq!(Status::shown(&[V::Undetermined], 0), Status::AVerifier);
        assert_eq!(Status::shown(&[], 0), Status::AVerifier);
        assert_eq!(Status::AVerifier.label(), "à vérifier");
        assert_eq!(Status::ACompleter.label(), "à compléter");
    }

    #[test]
    fn passages_mark_the_words_and_escape_the_rest() {
        let text = "Titre\n\nLe marché a pour objet <des> travaux de nettoyage. Autre phrase.";
        let at = text.find("travaux").unwrap();
        let (win, a, b) = window(text, at..at + 7);
        assert_eq!(
            passage(
                text,
                win,
                &[Range {
                    start: at,
                    end: at + 7
                }],
                (a, b)
            ),
            "Le marché a pour objet &lt;des&gt; <mark>travaux</mark> de nettoyage."
        );
        // Overlapping marks are merged; a heading's signs are left out.
        let text = "## Objet du marché";
        assert_eq!(
            passage(text, 0..text.len(), &[9..14, 12..18], (false, false)),
            "Objet <mark>du marché</mark>"
        );
    }
}
