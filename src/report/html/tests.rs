use std::ops::Range;

use super::quote::{passage, window};
use super::words::typography;
use super::*;
use crate::engine::verdict;

#[test]
fn quoted_text_is_escaped_and_typography_is_french() {
    let text = r#"<a href="x">l'été & co</a> « déjà » ’"#;
    assert_eq!(
        passage(text, 0..text.len(), &[], (false, false)).into_string(),
        "&lt;a href=&quot;x&quot;&gt;l'été &amp; co&lt;/a&gt; « déjà » ’"
    );
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
        )
        .into_string(),
        "Le marché a pour objet &lt;des&gt; <mark>travaux</mark> de nettoyage."
    );
    // Overlapping marks are merged; a heading's signs are left out.
    let text = "## Objet du marché";
    assert_eq!(
        passage(text, 0..text.len(), &[9..14, 12..18], (false, false)).into_string(),
        "Objet <mark>du marché</mark>"
    );
}

#[test]
fn every_read_failure_has_its_french_wording() {
    use super::words::read_failure;
    use crate::document::ReadFailure as F;
    let all = [
        F::Access,
        F::Folder,
        F::NotAFile,
        F::Unsupported,
        F::TooLarge {
            size_mb: 80,
            limit_mb: 50,
        },
        F::TextTooLarge {
            size_mb: Some(30),
            limit_mb: 20,
        },
        F::TextTooLarge {
            size_mb: None,
            limit_mb: 20,
        },
        F::Empty,
        F::NoText,
        F::Scanned,
        F::NotText,
        F::WrongFormat,
        F::Damaged,
        F::Encrypted,
        F::Limits,
        F::TimedOut { budget_ms: 30_000 },
        F::RuleFile,
        F::Baseline,
        F::Changes,
        F::NoRules,
    ];
    let mut seen = std::collections::BTreeSet::new();
    for kind in all {
        let (reason, help) = read_failure(kind);
        assert!(
            seen.insert(reason.clone()),
            "{kind:?}: same wording as another"
        );
        // What the terminal says in English is not what the report says.
        for english in [
            "cannot",
            "the file",
            "is not",
            "too large",
            "no text",
            "could not",
        ] {
            assert!(!reason.contains(english), "{kind:?}: {reason}");
            assert!(
                !help.clone().unwrap_or_default().contains(english),
                "{kind:?}: {help:?}"
            );
        }
    }
    assert_eq!(
        read_failure(F::TooLarge {
            size_mb: 80,
            limit_mb: 50
        })
        .0,
        "le fichier est trop volumineux (80 Mo, la limite est de 50 Mo)"
    );
    assert_eq!(
        read_failure(F::Encrypted),
        (
            "le PDF est protégé par un mot de passe".to_string(),
            Some("retirez la protection (exportez-le de nouveau sans mot de passe)".to_string())
        )
    );
}

#[test]
fn finding_quotes_are_cut_between_words_with_an_ellipsis() {
    // Accented words, curly apostrophes and no-break spaces around the marked words, far
    // enough from the sentence's ends that the quote is cut at both.
    let before = "l’opérateur économique s’engage à réhabiliter d’anciens équipements ".repeat(6);
    let after = " «\u{a0}emploi durable\u{a0}» d’après l’évaluation définie à l’article ".repeat(6);
    let text = format!("{before}au moins 10\u{a0}% des heures{after}.");
    let at = text.find("10\u{a0}%").unwrap();
    let end = text.find(" des heures").unwrap() + " des heures".len();
    let (win, a, b) = window(&text, at..end);
    assert!(a && b);
    let marks = [Range { start: at, end }];
    let html = passage(&text, win.clone(), &marks, (a, b)).into_string();
    assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
    assert!(html.contains("<mark>10\u{a0}% des heures</mark>"), "{html}");
    // The words at the cuts are whole words of the text.
    let kept = &text[win];
    let words: Vec<&str> = text.split(' ').collect();
    let first = kept.trim().split(' ').next().unwrap();
    let last = kept.trim().split(' ').next_back().unwrap();
    assert!(words.contains(&first), "cut inside a word: {first}");
    assert!(words.contains(&last), "cut inside a word: {last}");
    // A very long word (an address) around the marked words is left out, not cut.
    let long = format!("https://exemple/{}", "x".repeat(400));
    let text = format!("Voir {long} pour l’insertion {long} ici.");
    let at = text.find("l’insertion").unwrap();
    let (win, a, b) = window(&text, at..at + "l’insertion".len());
    assert!(a && b);
    assert_eq!(text[win].trim(), "pour l’insertion");
}
