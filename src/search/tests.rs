//! The search finds what the regex crate's `find_iter` finds, in every mode, part way and to
//! the end; plans kept between runs give the same patterns.

use super::*;
use crate::compile::compile;
use crate::fold::{Folded, fold};
use crate::testing::{one_doc, test_rules, test_source, texts};

/// A document's folded text and the search state of a pack's patterns in it.
fn prepared(patterns: &Patterns, doc: &crate::document::Document) -> (Folded, DocMatches) {
    let folded = fold(&doc.text, &doc.content);
    let matches = patterns.prepare(&folded.text);
    (folded, matches)
}

/// Loading with the plans of a previous run gives the same patterns, plans and syntax
/// trees (made on demand), for the MIQ pack and for a pack with every search mode.
#[test]
fn plans_of_a_previous_run_give_the_same_patterns() {
    let mut sources = crate::packs::builtin();
    sources.push(test_source());
    let params = Default::default();
    let (fresh, errors) = compile(&sources, &params);
    assert!(errors.is_empty(), "{errors:?}");
    let plans = fresh.plans();
    assert!(fresh.has_new_plans());
    for a in fresh.packs.iter().flat_map(|p| p.patterns.iter()) {
        assert!(
            plans.get(&a.plan_key(), a.original).is_some(),
            "{}",
            a.label
        );
    }
    let bytes = plans.to_bytes();
    let known = super::plans::Plans::from_bytes(&bytes).unwrap();
    let (again, errors) =
        crate::compile::compile_with_plans(&sources, &params, known, &Default::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(again.plans(), plans);
    assert!(!again.has_new_plans());
    for (p1, p2) in fresh.packs.iter().zip(&again.packs) {
        assert_eq!(p1.patterns.scanner.modes, p2.patterns.scanner.modes);
        for (a1, a2) in p1.patterns.iter().zip(p2.patterns.iter()) {
            assert_eq!(
                (
                    a1.pattern(),
                    a1.case_insensitive,
                    a1.original,
                    a1.value_group
                ),
                (
                    a2.pattern(),
                    a2.case_insensitive,
                    a2.original,
                    a2.value_group
                )
            );
            assert!(a2.syntax().is_some(), "{}", a2.label);
            assert_eq!(a1.syntax(), a2.syntax(), "{}", a1.label);
        }
    }
}

#[test]
fn every_search_mode_finds_what_find_iter_finds() {
    let set = test_rules();
    let pack = &set.packs[0];
    let modes: Vec<Mode> = pack.patterns.scanner.modes.clone();
    for m in [
        Mode::Prefix,
        Mode::Gate,
        Mode::LineStart { multi_line: true },
        Mode::Full,
    ] {
        assert!(modes.contains(&m), "no atom searched as {m:?}: {modes:?}");
    }
    assert!(
        modes.iter().any(|m| matches!(m, Mode::Window(_))),
        "{modes:?}"
    );
    // Prefixes narrowed by end literals, within a distance and anywhere after.
    let ends = |label: &str| {
        let a = pack.patterns.iter().find(|a| a.label == label).unwrap();
        a.plan
            .as_ref()
            .and_then(|p| p.ends.as_ref())
            .map(|e| e.within)
    };
    assert!(matches!(ends("gapped"), Some(Some(_))));
    assert_eq!(ends("gapped_far"), Some(None));
    for text in texts() {
        let docs = one_doc(text.clone());
        let (folded, dm) = prepared(&pack.patterns, &docs[0]);
        let text_of = Haystack {
            folded: &folded,
            original: &docs[0].text,
        };
        for (id, atom) in pack.patterns.iter().enumerate() {
            let hay = if atom.original {
                &docs[0].text as &str
            } else {
                &folded.text
            };
            let re = regex::RegexBuilder::new(atom.pattern())
                .case_insensitive(atom.case_insensitive)
                .build()
                .unwrap();
            let to_folded = |o: usize| {
                if atom.original {
                    folded.to_folded(o)
                } else {
                    o
                }
            };
            let expected: Vec<(usize, usize)> = re
                .find_iter(hay)
                .map(|m| (to_folded(m.start()), to_folded(m.end())))
                .collect();
            // Part way first (as `count` does), then to the end.
            if let Some(&first) = expected.first() {
                let got = dm.with(
                    &pack.patterns,
                    text_of,
                    id,
                    |ms| !ms.is_empty(),
                    |ms| (ms[0].start(), ms[0].end()),
                );
                assert_eq!(got, first, "{} in {text:?}", atom.label);
            }
            let count = |ms: &[Match]| ms.len().min(3);
            let counted = dm.count(
                &pack.patterns,
                text_of,
                id,
                true,
                3,
                |ms| ms.len() >= 3,
                count,
            );
            let got: Vec<(usize, usize)> = dm
                .all(&pack.patterns, text_of, id)
                .iter()
                .map(|m| (m.start(), m.end()))
                .collect();
            assert_eq!(
                got, expected,
                "{} ({:?}) in {text:?}",
                atom.label, modes[id]
            );
            assert_eq!(counted, expected.len().min(3));
        }
    }
}

/// A gated pattern's places are kept up to one per 128 bytes of a long text (searched
/// backwards from each), and up to 256 in a short one (then searched forward); both find
/// what the regex crate finds.
#[test]
fn gated_places_are_kept_in_proportion_to_a_long_text() {
    let set = test_rules();
    let pack = &set.packs[0];
    let gate = pack
        .patterns
        .iter()
        .position(|a| a.label == "gate")
        .unwrap();
    assert_eq!(pack.patterns.mode(gate), Mode::Gate);
    let long = format!("{} 1 heures ", "x".repeat(200)).repeat(300);
    let short = "1 heures ".repeat(300);
    for (text, crowded) in [(long, false), (short, true)] {
        let docs = one_doc(text.clone());
        let (folded, dm) = prepared(&pack.patterns, &docs[0]);
        assert_eq!(dm.crowded(gate), crowded, "{}", text.len());
        let re = regex::Regex::new(pack.patterns.get(gate).pattern()).unwrap();
        let expected: Vec<(usize, usize)> = re
            .find_iter(&folded.text)
            .map(|m| (m.start(), m.end()))
            .collect();
        assert_eq!(expected.len(), 300);
        let text_of = Haystack {
            folded: &folded,
            original: &docs[0].text,
        };
        let got: Vec<(usize, usize)> = dm
            .all(&pack.patterns, text_of, gate)
            .iter()
            .map(|m| (m.start(), m.end()))
            .collect();
        assert_eq!(got, expected);
    }
}

#[test]
fn french_numbers() {
    assert_eq!(matches::parse_number("12,5"), Some(12.5));
    assert_eq!(matches::parse_number("1 200"), Some(1200.0));
    assert_eq!(matches::parse_number("60"), Some(60.0));
    assert_eq!(matches::parse_number("abc"), None);
    assert_eq!(matches::parse_number("1.200"), Some(1200.0));
    assert_eq!(matches::parse_number("750.000"), Some(750000.0));
    assert_eq!(matches::parse_number("12.5"), Some(12.5));
}
