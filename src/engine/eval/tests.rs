//! Regions, word counts and distances, against the plain ways of computing them.

use super::*;
use crate::testing::{one_doc, test_rules, texts};

#[test]
fn regions_are_grouped_by_document_in_order_of_first_appearance() {
    let r = |doc, start| Region {
        doc,
        start,
        end: start + 1,
        anchor: 0..0,
    };
    let grouped = |regions: &[Region]| -> Vec<(usize, Vec<usize>)> {
        by_doc(regions)
            .iter()
            .map(|(d, rs)| (*d, rs.iter().map(|r| r.start).collect()))
            .collect()
    };
    let regions = [
        r(2, 0),
        r(2, 5),
        r(0, 1),
        r(2, 9),
        r(1, 3),
        r(0, 4),
        r(3, 2),
    ];
    assert_eq!(
        grouped(&regions),
        [
            (2, vec![0, 5, 9]),
            (0, vec![1, 4]),
            (1, vec![3]),
            (3, vec![2])
        ]
    );
    let regions = [r(0, 0), r(0, 2), r(1, 0), r(3, 0), r(1, 7), r(3, 1)];
    assert_eq!(
        grouped(&regions),
        [(0, vec![0, 2]), (1, vec![0, 7]), (3, vec![0, 1])]
    );
}

#[test]
fn words_are_counted_as_an_index_of_word_starts_would() {
    let set = test_rules();
    let pack = &set.packs[0];
    let text = "L’accompagnement socio-professionnel : 12 000 heures, ÉTÉ 2024 ; œuvre_x «  fin »";
    let docs = one_doc(text.into());
    let ev = Evaluator::new(pack, &docs, true, false);
    let d = &ev.docs[0];
    let t = &d.folded.text;
    // Word starts, the naive way.
    let chars: Vec<(usize, char)> = t.char_indices().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let starts: Vec<usize> = (0..chars.len())
        .filter(|&k| word(chars[k].1) && (k == 0 || !word(chars[k - 1].1)))
        .map(|k| chars[k].0)
        .collect();
    assert_eq!(starts.len(), 11, "{t:?}");
    let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
    for &lo in &bounds {
        for &hi in bounds.iter().filter(|&&h| h >= lo) {
            let n = starts.iter().filter(|&&s| lo <= s && s < hi).count();
            assert_eq!(d.words_in(lo, hi, usize::MAX), n, "{lo}..{hi}");
            for cap in 0..3 {
                assert_eq!(d.words_in(lo, hi, cap), n.min(cap + 1), "{lo}..{hi} {cap}");
            }
        }
        let first = starts.partition_point(|&s| s < lo);
        for n in 0..14 {
            assert_eq!(d.word_start_after(lo, n), starts.get(first + n).copied());
        }
    }
}

#[test]
fn nearest_is_what_a_scan_of_every_pair_finds() {
    let set = test_rules();
    let pack = &set.packs[0];
    let word = pack
        .patterns
        .iter()
        .position(|a| a.label == "word")
        .unwrap();
    let full = pack
        .patterns
        .iter()
        .position(|a| a.label == "full")
        .unwrap();
    for text in texts() {
        let docs = one_doc(text);
        let ev = Evaluator::new(pack, &docs, true, false);
        let (a_ms, b_ms) = (ev.matches(0, full).to_vec(), ev.matches(0, word).to_vec());
        for a in &a_ms {
            let naive = b_ms
                .iter()
                .filter(|b| (b.start(), b.end()) != (a.start(), a.end()))
                .map(|b| (ev.words_between(0, a, b, usize::MAX), b))
                .min_by_key(|(d, _)| *d)
                .map(|(d, b)| (d, b.start(), b.end()));
            let fast = ev
                .nearest(0, a, &b_ms, usize::MAX)
                .map(|(d, b)| (d, b.start(), b.end()));
            assert_eq!(fast, naive);
        }
    }
}
