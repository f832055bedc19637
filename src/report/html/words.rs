//! The report's French: dates, counts, labels of pillars, kinds and levels, places, and the
//! typography of the page.

use crate::compile::Level;
use crate::document::{EXTENSIONS, ReadFailure};

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

/// The civil date (year, month 1–12, day 1–31, UTC) of seconds since the Unix epoch.
fn civil_date(unix_secs: i64) -> (i64, i64, i64) {
    // Days to civil date (H. Hinnant's algorithm, proleptic Gregorian calendar).
    let z = unix_secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// A date and time in ISO 8601, UTC, to the second (`2025-03-01T09:30:00Z`), as word
/// processors date their comments.
pub fn iso_datetime(unix_secs: i64) -> String {
    let (year, month, day) = civil_date(unix_secs);
    let t = unix_secs.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// A date in French, e.g. « 1er mars 2025 », from seconds since the Unix epoch (UTC).
pub fn french_date(unix_secs: i64) -> String {
    let (year, month, day) = civil_date(unix_secs);
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
    french_date(now())
}

/// The current time in seconds since the Unix epoch; `SOURCE_DATE_EPOCH` fixes it.
pub fn now() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            crate::limits::SystemTime::now()
                .duration_since(crate::limits::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        })
}

pub fn pillar_name(tag: &str) -> String {
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

pub fn level_label(level: Level) -> &'static str {
    match level {
        Level::Error => "Erreur",
        Level::Warning => "Avertissement",
        Level::Info => "Information",
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
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

/// A read failure in French, and what to do about it: the report's wording of each kind (the
/// terminal shows the reader's detailed English).
pub(super) fn read_failure(kind: ReadFailure) -> (String, Option<String>) {
    let limits =
        |name: &str| format!("la limite `{name}` de la section [limits] de la configuration");
    let (reason, help): (String, Option<String>) = match kind {
        ReadFailure::Access => (
            "le fichier n’a pas pu être ouvert ni lu".into(),
            Some("vérifiez qu’il existe toujours et que vous avez le droit de le lire".into()),
        ),
        ReadFailure::Folder => ("c’est un dossier, pas un document".into(), None),
        ReadFailure::NotAFile => (
            "ce n’est pas un fichier ordinaire (périphérique, tube ou socket)".into(),
            None,
        ),
        ReadFailure::Unsupported => (
            "tenderlint ne lit pas ce type de document".into(),
            Some(format!("extensions lues : {}", EXTENSIONS.join(", "))),
        ),
        ReadFailure::TooLarge { size_mb, limit_mb } => (
            format!("le fichier est trop volumineux ({size_mb} Mo, la limite est de {limit_mb} Mo)"),
            Some(format!(
                "découpez le document, vérifiez que c’est bien un document texte, ou relevez {}",
                limits("max-file-bytes")
            )),
        ),
        ReadFailure::TextTooLarge { size_mb, limit_mb } => (
            match size_mb {
                Some(n) => format!(
                    "le texte du document est trop long ({n} Mo, la limite est de {limit_mb} Mo)"
                ),
                None => format!("le texte du document est trop long (plus de {limit_mb} Mo)"),
            },
            Some(format!("découpez le document, ou relevez {}", limits("max-text-bytes"))),
        ),
        ReadFailure::Empty => (
            "le fichier est vide".into(),
            Some("vérifiez que c’est le bon fichier, ou enregistrez-le de nouveau depuis son éditeur".into()),
        ),
        ReadFailure::NoText => (
            "aucun texte n’a pu être lu dans le document".into(),
            Some("vérifiez que c’est le bon fichier".into()),
        ),
        ReadFailure::Scanned => (
            "le PDF ne contient pas de texte, seulement des images (un document numérisé ?)".into(),
            Some(
                "utilisez le PDF exporté depuis le traitement de texte, ou faites d’abord \
                 reconnaître son texte (OCR) : tenderlint ne le fait pas"
                    .into(),
            ),
        ),
        ReadFailure::NotText => (
            "le fichier n’est pas un texte lisible (fichier binaire, ou encodage autre que \
             UTF-8, UTF-16 et Windows-1252)"
                .into(),
            Some("enregistrez-le en UTF-8, ou donnez-lui sa véritable extension".into()),
        ),
        ReadFailure::WrongFormat => (
            "le contenu du fichier ne correspond pas à son extension".into(),
            Some(
                "enregistrez le document dans le format de son extension, ou donnez-lui sa \
                 véritable extension"
                    .into(),
            ),
        ),
        ReadFailure::Damaged => (
            "le document est endommagé, ou sa structure n’est pas lue par tenderlint".into(),
            Some("ouvrez-le dans son éditeur, puis enregistrez-le ou exportez-le de nouveau".into()),
        ),
        ReadFailure::Encrypted => (
            "le PDF est protégé par un mot de passe".into(),
            Some("retirez la protection (exportez-le de nouveau sans mot de passe)".into()),
        ),
        ReadFailure::Limits => (
            "le document dépasse les limites de lecture (nombre de parties, taille une fois \
             décompressé ou imbrication) : ce n’est pas un document ordinaire"
                .into(),
            Some("vérifiez sa provenance, ou découpez le document".into()),
        ),
        ReadFailure::TimedOut { budget_ms } => (
            format!(
                "dossier non analysé : sa lecture et son analyse ont pris plus que le temps \
                 imparti ({budget_ms} ms)"
            ),
            Some(format!("si le dossier est seulement volumineux, relevez {}", limits("time-budget-ms"))),
        ),
        ReadFailure::RuleFile => (
            "fichier ou dossier de règles introuvable ou illisible".into(),
            Some("vérifiez le chemin donné à `--rules` ou dans la configuration".into()),
        ),
        ReadFailure::Baseline => (
            "la base de référence n’a pas pu être lue".into(),
            Some("créez-en une avec `tenderlint check --write-baseline FICHIER`".into()),
        ),
        ReadFailure::Changes => (
            "git n’a pas pu lister les fichiers modifiés".into(),
            Some(
                "donnez une référence que git connaît (branche, étiquette ou commit), dans un \
                 dépôt git"
                    .into(),
            ),
        ),
        ReadFailure::NoRules => (
            "aucune règle pour l’analyse : les packs intégrés sont écartés et aucun fichier de \
             règles n’est donné"
                .into(),
            Some(
                "donnez un fichier ou un dossier de règles avec `--rules CHEMIN`, ou retirez \
                 `--no-default-rules`"
                    .into(),
            ),
        ),
    };
    (reason, help)
}
