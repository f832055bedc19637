//! The scan finds the places one vector per pattern would, with either automaton, in one
//! walk or two, whole or in halves; end literals narrow the starts tried.

#[test]
fn line_starts_are_filtered_by_first_byte() {
    let set = |patterns: &[&str]| LineSet {
        atoms: (0..patterns.len()).collect(),
        patterns: patterns.iter().map(|p| p.to_string()).collect(),
        size_limit: crate::limits::DEFAULT.max_regex_bytes,
        ..Default::default()
    };
    let s = set(&[
        r"(?m)^[ \t]*(?:#{1,6}[ \t]*)?article\s+\d+",
        r"(?mi:^lot\s)",
    ]);
    let first: Vec<u8> = (0..=255u8)
        .filter(|&b| s.first_bytes().unwrap()[usize::from(b)])
        .collect();
    assert_eq!(first, b"\t #Lal");
    let text = "article 1\nsans objet\n  article 2\n# Article 3\nLOT 4\n\narticle";
    assert_eq!(s.hits(text), vec![vec![0, 21], vec![45]]);
    // A pattern that matches the empty string: every line start is tried.
    let blank = set(&[r"(?m)^[ \t]*$", r"(?m)^article"]);
    assert!(blank.first_bytes().is_none());
    assert_eq!(blank.hits("a\n\narticle"), vec![vec![2], vec![3]]);
}

use super::*;
use crate::search::plan::Ends;

/// The places of each pattern as the scan kept them before they went into one vector per
/// text: one vector per pattern, grown occurrence by occurrence.
fn places_one_vector_per_pattern(sc: &Scanner, hay: &str) -> Vec<(bool, bool, Vec<u32>)> {
    let n = sc.modes.len();
    let mut starts: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut any = vec![false; n];
    let mut crowded_at = vec![false; n];
    let mut ends: Vec<Option<Vec<u32>>> = sc.within.iter().map(|w| w.map(|_| Vec::new())).collect();
    let literals = Literals::compact(&sc.literals).unwrap();
    literals.each(hay.as_bytes(), |literal, start, end| {
        sc.each_owner(literal, end, hay.len(), &mut ends, |a| {
            any[a] = true;
            if crowded_at[a] {
                return;
            }
            let mode = sc.modes[a];
            if mode == Mode::Gate && starts[a].last() == Some(&offset(end)) {
                return;
            }
            let places = starts[a].len();
            if crowded(places, hay.len())
                || (mode == Mode::Gate && places >= max_gate_ends(hay.len()))
            {
                crowded_at[a] = true;
                starts[a] = Vec::new();
                return;
            }
            match mode {
                Mode::Prefix => starts[a].push(offset(start)),
                Mode::Window(len) => {
                    let w = &mut starts[a];
                    let (start, end) = (offset(end.saturating_sub(len)), offset(end));
                    match w.len() {
                        n if n >= 2 && w[n - 1] >= start => w[n - 1] = w[n - 1].max(end),
                        _ => w.extend([start, end]),
                    }
                }
                Mode::Gate => starts[a].push(offset(end)),
                _ => {}
            }
        });
    });
    (0..n)
        .map(|a| {
            let mut s = std::mem::take(&mut starts[a]);
            if sc.modes[a] == Mode::Prefix {
                s.sort_unstable();
                s.dedup();
                if let (Some(within), Some(ends)) = (sc.within[a], &ends[a]) {
                    s.retain(|&start| ended(start, within, ends));
                }
            }
            (any[a], crowded_at[a], s)
        })
        .collect()
}

#[test]
fn places_are_those_of_one_vector_per_pattern() {
    let (set, _) = crate::compile::compile(&crate::packs::builtin(), &Default::default());
    let scanner = &set.packs[0].patterns.scanner;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/miq-complet/CCTP.md"
    ))
    .unwrap();
    let draft = crate::fold::fold_str(&text);
    // A long draft (more places kept for gated patterns), and a text where some patterns'
    // literals are too frequent for their places to be kept.
    let long = draft.repeat(40_000 / draft.len() + 1);
    let crowded_text = format!(
        "{draft} {}",
        "parcours d'insertion des salaries ".repeat(400)
    );
    // Patterns searched in windows (the MIQ pack has none that these texts hit).
    let mut atoms = vec![
        crate::search::Pattern::new(
            "pct".into(),
            r"(?-u:\b)\d{1,3}\s?%".into(),
            false,
            false,
            None,
        ),
        crate::search::Pattern::new(
            "art".into(),
            r"(?-u:\b)(?:L\d\d\d\d|R\d\d\d\d)-12(?-u:\b)".into(),
            false,
            false,
            None,
        ),
    ];
    let windowed = Scanner::new(&mut atoms, crate::limits::DEFAULT.max_regex_bytes);
    let figures = format!(
        "{draft} 10 % et 20 %, puis 5 %. l2113-12 r2113-12 {}",
        "7 % ".repeat(300)
    );
    let (mut windows, mut gates, mut crowded_seen, mut merged) = (0, 0, 0, 0);
    for (scanner, hay) in [
        (scanner, &draft),
        (scanner, &long),
        (scanner, &crowded_text),
        (&windowed, &draft),
        (&windowed, &figures),
    ] {
        let hits = scanner.scan(hay);
        let expected = places_one_vector_per_pattern(scanner, hay);
        for (a, (any, crowded, places)) in expected.iter().enumerate() {
            let got = (hits.any(a), hits.crowded(a), hits.starts(a));
            assert_eq!(got, (*any, *crowded, &places[..]), "atom {a}");
            match scanner.modes[a] {
                Mode::Window(len) if !places.is_empty() => {
                    windows += 1;
                    merged += usize::from(places.chunks(2).any(|w| (w[1] - w[0]) as usize > len));
                }
                Mode::Gate if !places.is_empty() => gates += 1,
                _ => {}
            }
            crowded_seen += usize::from(*crowded);
        }
    }
    // Every way of keeping places was exercised.
    assert!(
        windows > 0 && merged > 0 && gates > 0 && crowded_seen > 0,
        "{windows} {merged} {gates} {crowded_seen}"
    );
}

/// The compact automaton and the DFA find the same places for every pattern of the MIQ
/// pack, in a complete draft (the scan steps the automata itself, see [`occurrences`]).
#[test]
fn compact_automaton_and_dfa_find_the_same_places() {
    let (set, errors) = crate::compile::compile(&crate::packs::builtin(), &Default::default());
    assert!(errors.is_empty(), "{errors:?}");
    let scanner = &set.packs[0].patterns.scanner;
    let compact = Scanner {
        dfa_after: usize::MAX,
        ..scanner.clone()
    };
    let dfa = Scanner {
        dfa_after: 0,
        ..scanner.clone()
    };
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/miq-complet/CCTP.md"
    ))
    .unwrap();
    let folded = crate::fold::fold_str(&text);
    let (a, b) = (compact.scan(&folded), dfa.scan(&folded));
    assert!(matches!(compact.ac.get(), Some(Some(Literals::Compact(_)))));
    assert!(matches!(dfa.dfa.get(), Some(Some(Literals::Dfa(_)))));
    let mut found = 0;
    for atom in 0..scanner.modes.len() {
        assert_eq!(a.any(atom), b.any(atom), "{atom}");
        assert_eq!(a.crowded(atom), b.crowded(atom), "{atom}");
        assert_eq!(a.starts(atom), b.starts(atom), "{atom}");
        found += usize::from(a.any(atom));
    }
    // Most of the pack's patterns have literals in a complete draft.
    assert!(found > 60, "{found}");
}

/// A long text scanned in two halves gives every occurrence, in the order of one scan:
/// the MIQ pack's literals over a complete draft made longer than the split size, the
/// middle moved byte by byte over a passage dense with literals.
/// Asserts that a scan with the middle of the text at `k` found the occurrences of one
/// scan, saying where they first differ.
fn assert_same_occurrences(
    k: usize,
    got: &[(usize, usize, usize)],
    want: &[(usize, usize, usize)],
) {
    let first_difference = got.iter().zip(want).position(|(a, b)| a != b);
    assert!(
        got == want,
        "middle at {k}: {} occurrences against {}, first difference at {first_difference:?}",
        got.len(),
        want.len()
    );
}

#[test]
fn two_walks_in_step_give_the_occurrences_of_one_walk() {
    let (set, _) = crate::compile::compile(&crate::packs::builtin(), &Default::default());
    let scanner = &set.packs[0].patterns.scanner;
    let Some(Literals::Dfa(dfa)) = Literals::dfa(&scanner.literals) else {
        panic!("no DFA")
    };
    assert!(dfa.prefilter().is_none());
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/miq-complet/CCTP.md"
    ))
    .unwrap();
    let folded = crate::fold::fold_str(&text);
    let at = INTERLEAVE_BYTES + folded[INTERLEAVE_BYTES..].find("insertion").unwrap();
    assert!(2 * (at + 48) <= folded.len(), "{at} {}", folded.len());
    for k in 0..48 {
        // The middle at `at + k`, inside the words and between them.
        let hay = &folded.as_bytes()[..2 * (at + k)];
        let mut one = Vec::new();
        occurrences(&dfa, hay, |l, s, e| one.push((l, s, e)));
        assert!(one.len() > 100, "{}", one.len());
        let mut two = Vec::new();
        interleaved(&dfa, hay, |l, s, e| two.push((l, s, e)));
        assert_same_occurrences(k, &two, &one);
    }
}

#[test]
fn a_long_text_scanned_in_halves_gives_the_occurrences_of_one_scan() {
    let (set, _) = crate::compile::compile(&crate::packs::builtin(), &Default::default());
    let scanner = &set.packs[0].patterns.scanner;
    let literals = Literals::compact(&scanner.literals).unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/miq-complet/CCTP.md"
    ))
    .unwrap();
    let folded = crate::fold::fold_str(&text);
    let at = folded.find("insertion et de qualification").unwrap();
    let pad = folded.repeat(SPLIT_SCAN_BYTES / 2 / folded.len() + 1);
    let all = |hay: &[u8], split: bool| {
        let mut out = Vec::new();
        let push = |l, s, e| out.push((l, s, e));
        if split {
            literals.each_split(hay, push);
        } else {
            literals.each(hay, push);
        }
        out
    };
    assert!(literals.longest() >= 8, "{}", literals.longest());
    for k in 0..48 {
        // The middle at `at + k`: as much text after it as before.
        let before = format!("{pad}{}", &folded[..at + k]);
        let after = &folded[at + k..];
        let long = format!("{before}{after}{}", "x".repeat(before.len() - after.len()));
        assert_eq!(long.len() / 2, before.len());
        let one = all(long.as_bytes(), false);
        assert!(one.len() > 5_000, "{}", one.len());
        let split = all(long.as_bytes(), true);
        assert_same_occurrences(k, &split, &one);
    }
}

/// The plan of a pattern (folded), with its end literals.
fn plan_ends(pattern: &str) -> (Mode, Option<Ends>) {
    let (hir, _) =
        crate::search::parse_pattern(pattern, true, crate::limits::DEFAULT.max_regex_bytes)
            .unwrap();
    let (mode, _, ends) = plan_hir(&hir, true);
    (mode, ends)
}

#[test]
fn long_patterns_are_tried_only_where_an_end_literal_follows() {
    let gap = r"(?-u:\b)(?:liste|tableau)(?-u:\b)[^.;]{0,60}(?-u:\b)nir(?-u:\b)";
    let (mode, ends) = plan_ends(gap);
    assert_eq!(mode, Mode::Prefix);
    // « tableau », up to 60 characters of up to 4 bytes each, « nir »: 250 bytes.
    assert_eq!(
        ends,
        Some(Ends {
            literals: vec![b"nir".to_vec()],
            within: Some(250)
        })
    );
    let (_, unbounded) = plan_ends(r"(?-u:\b)liste[^.]*nir");
    assert_eq!(unbounded.unwrap().within, None);
    // A pattern without a wide gap (a term) has none: its ends are about as frequent as
    // its starts.
    assert_eq!(plan_ends(r"(?-u:\b)demandeurs?\sd'emploi(?-u:\b)").1, None);
    assert_eq!(plan_ends(r"insertion\s+professionnelle").1, None);
    assert!(
        plan_ends(r"sous[ -]trait\w*\s+(?:de\s+)?totalit[e_]")
            .1
            .is_some()
    );

    let mut atoms = vec![
        crate::search::Pattern::new("gap".into(), gap.into(), false, false, None),
        crate::search::Pattern::new(
            "short".into(),
            r"(?-u:\b)liste[^.;]{0,3}nir".into(),
            false,
            false,
            None,
        ),
    ];
    let scanner = Scanner::new(&mut atoms, crate::limits::DEFAULT.max_regex_bytes);
    // Another scanner of the same atoms, whose automaton is built beforehand on another
    // thread (the first one builds its own on first use).
    let warmed = Scanner::new(&mut atoms.clone(), crate::limits::DEFAULT.max_regex_bytes);
    warmed.warm_up();
    let waited = std::time::Instant::now();
    while warmed.ac.get().is_none() && waited.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert!(
        warmed.ac.get().is_some_and(Option::is_some),
        "not built beforehand"
    );
    assert!(scanner.ac.get().is_none());
    let far = "x".repeat(300);
    let text = format!("liste sans fin. tableau {far} nir. liste des nir, tableau nir");
    let hits = scanner.scan(&text);
    // The first `liste` has no `nir` after it within reach… but a later one: kept; the
    // first `tableau` has one only 300 bytes further: dropped.
    let at = |w: &str, n: usize| text.match_indices(w).nth(n).unwrap().0 as u32;
    assert_eq!(hits.starts(0), [at("liste", 1), at("tableau", 1)]);
    // The short pattern has no end literals: every start stays a candidate.
    assert_eq!(hits.starts(1), [at("liste", 0), at("liste", 1)]);
    assert!(hits.any(0) && !hits.crowded(0));
    let again = warmed.scan(&text);
    assert_eq!(
        (again.starts(0), again.starts(1)),
        (hits.starts(0), hits.starts(1))
    );
    // Nothing after the starts: no candidate at all (its literals do occur).
    let none = scanner.scan("nir puis liste et tableau");
    assert!(none.starts(0).is_empty() && none.any(0));
    assert!(!scanner.scan("rien").any(0));
}
