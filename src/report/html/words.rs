//! The report's French: dates, counts, labels of pillars, kinds and levels, places, and the
//! typography of the page.

use crate::compile::Level;

/// French typography on the page's body: a no-break space inside « » and before : ; ! ? so
/// that a line never starts with one of them.
pub(super) fn typography(body: &str) -> String {
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
            crate::limits::SystemTime::now()
                .duration_since(crate::limits::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    french_date(secs)
}

pub(super) fn pillar_name(tag: &str) -> String {
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

pub(super) fn kind_label(kind: &str) -> &'static str {
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

pub(super) fn level_label(level: Level) -> &'static str {
    match level {
        Level::Error => "Erreur",
        Level::Warning => "Avertissement",
        Level::Info => "Information",
    }
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// A reason as a sentence: its first letter in capital.
pub(super) fn sentence(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// « 2 erreurs, 1 avertissement » (infos apart), or « aucun constat ».
pub(super) fn counts(errors: usize, warnings: usize, infos: usize) -> String {
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

/// Where a finding or a passage is, in words a person can follow in the original file.
pub(super) fn place(file: &str, line: usize, loc: crate::document::Location) -> String {
    format!("{file}, {}", loc.describe(line))
}
