//! The evaluation set of the MIQ pack (`fixtures/eval/`): each case is a tender with the
//! pillars that must (and only they) have an error or warning, and whether the pack applies.
//! Prints precision and recall per pillar and fails below 0.9 on either.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use serde::Deserialize;
use tenderlint::compile::{self, Level, PILLARS};
use tenderlint::document::discover;
use tenderlint::engine::{Options, check_tender};
use tenderlint::packs;

#[derive(Deserialize)]
struct Manifest {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    case: String,
    applies: bool,
    pillars: Vec<String>,
}

#[test]
fn precision_and_recall_per_pillar() {
    let manifest: Manifest =
        serde_json::from_str(&std::fs::read_to_string("fixtures/eval/manifest.json").unwrap())
            .unwrap();
    assert!(
        manifest.cases.len() >= 30,
        "the evaluation set has {} cases",
        manifest.cases.len()
    );
    let (rules, errors) = compile::compile(&packs::builtin(), &HashMap::new());
    assert!(errors.is_empty());
    // (true positives, false positives, false negatives) per pillar.
    let mut counts: BTreeMap<&str, (usize, usize, usize)> =
        PILLARS.iter().map(|(p, _)| (*p, (0, 0, 0))).collect();
    let mut mistakes = Vec::new();
    for case in &manifest.cases {
        let found = discover(&[PathBuf::from("fixtures/eval").join(&case.case)]);
        assert!(found.errors.is_empty(), "{}: {:?}", case.case, found.errors);
        assert_eq!(found.tenders.len(), 1, "{}: one tender per case", case.case);
        let result = check_tender(
            &rules,
            found.tenders.into_iter().next().unwrap(),
            &Options::default(),
        );
        let applied = result.packs.iter().any(|p| p.id == "miq" && p.applied);
        if applied != case.applies {
            mistakes.push(format!(
                "{}: pack applied = {applied}, expected {}",
                case.case, case.applies
            ));
        }
        let predicted: BTreeSet<&str> = result
            .findings
            .iter()
            .filter(|f| f.level >= Level::Warning)
            .flat_map(|f| f.tags.iter().map(String::as_str))
            .collect();
        let expected: BTreeSet<&str> = case.pillars.iter().map(String::as_str).collect();
        for (pillar, (tp, fp, fn_)) in counts.iter_mut() {
            match (predicted.contains(pillar), expected.contains(pillar)) {
                (true, true) => *tp += 1,
                (true, false) => {
                    *fp += 1;
                    mistakes.push(format!("{}: unexpected {pillar}", case.case));
                }
                (false, true) => {
                    *fn_ += 1;
                    mistakes.push(format!("{}: missed {pillar}", case.case));
                }
                (false, false) => {}
            }
        }
    }
    println!(
        "{} cases\n{:14} {:>9} {:>6} {:>8}",
        manifest.cases.len(),
        "pillar",
        "precision",
        "recall",
        "flagged"
    );
    let mut below = Vec::new();
    for (pillar, (tp, fp, fn_)) in &counts {
        let precision = if tp + fp == 0 {
            1.0
        } else {
            *tp as f64 / (tp + fp) as f64
        };
        let recall = if tp + fn_ == 0 {
            1.0
        } else {
            *tp as f64 / (tp + fn_) as f64
        };
        println!("{pillar:14} {precision:>9.2} {recall:>6.2} {:>8}", tp + fp);
        if precision < 0.9 || recall < 0.9 {
            below.push(format!(
                "{pillar}: precision {precision:.2}, recall {recall:.2}"
            ));
        }
    }
    assert!(
        below.is_empty() && !mistakes.iter().any(|m| m.contains("pack applied")),
        "below 0.9: {below:?}\n{}",
        mistakes.join("\n")
    );
}
