//! The accuracy corpus (`accuracy/`, see its README): each case is a tender with the verdict
//! each pillar must get. Prints, per pillar, the share of verdicts that are right and the
//! precision and recall of `deficient`, then every false alarm with its rule, and fails below
//! the floors at the end of this file.
//!
//! `cargo test --test accuracy -- --nocapture` prints the figures.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tenderlint::compile::{self, Level, PILLARS};
use tenderlint::document::discover;
use tenderlint::engine::verdict::{Status, judge_all};
use tenderlint::engine::{Options, check_tender};
use tenderlint::packs;

#[derive(Deserialize)]
struct Labels {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    case: String,
    kind: String,
    applies: bool,
    #[serde(default)]
    pillars: BTreeMap<String, String>,
}

/// Counts for one pillar.
#[derive(Default)]
struct Counts {
    right: usize,
    total: usize,
    /// `deficient` predicted and expected, predicted only, expected only.
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn status(s: &str) -> Status {
    match s {
        "ok" => Status::Ok,
        "deficient" => Status::Deficient,
        "undetermined" => Status::Undetermined,
        other => panic!("unknown label {other:?}"),
    }
}

fn name(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Deficient => "deficient",
        Status::Undetermined => "undetermined",
    }
}

#[test]
fn pillar_verdicts_on_the_accuracy_corpus() {
    let root = Path::new("accuracy");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("labels.json").is_file())
        .collect();
    sets.sort();
    let (rules, errors) = compile::compile(&packs::builtin(), &HashMap::new());
    assert!(errors.is_empty());
    let opts = Options {
        evidence: true,
        ..Options::default()
    };
    let mut counts: BTreeMap<&str, Counts> = PILLARS
        .iter()
        .map(|(p, _)| (*p, Counts::default()))
        .collect();
    let (mut routed, mut cases, mut lookalikes, mut left_alone) = (0, 0, 0, 0);
    let mut mistakes = Vec::new();
    // Rule → false alarms (a finding in a pillar labelled otherwise than `deficient`).
    let mut false_alarms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Per set: (name, verdicts right, verdicts, tp, fp, fn, look-alikes left alone, look-alikes).
    let mut per_set: Vec<(String, [usize; 7])> = Vec::new();
    for set in &sets {
        let before: Vec<(usize, usize, usize, usize, usize)> = counts
            .values()
            .map(|c| (c.right, c.total, c.tp, c.fp, c.fn_))
            .collect();
        let (la_before, left_before) = (lookalikes, left_alone);
        let labels: Labels =
            serde_json::from_str(&std::fs::read_to_string(set.join("labels.json")).unwrap())
                .unwrap();
        for case in &labels.cases {
            let id = format!(
                "{}/{}",
                set.file_name().unwrap().to_string_lossy(),
                case.case
            );
            let found = discover(&[set.join(&case.case)]);
            assert!(found.errors.is_empty(), "{id}: {:?}", found.errors);
            assert_eq!(found.tenders.len(), 1, "{id}: one tender per case");
            let mut result = check_tender(&rules, found.tenders.into_iter().next().unwrap(), &opts);
            judge_all(&rules, &mut result);
            cases += 1;
            let miq = result.packs.iter().find(|p| p.id == "miq").unwrap();
            if miq.applied == case.applies {
                routed += 1;
            } else {
                mistakes.push(format!(
                    "{id}: pack applied = {}, expected {} ({})",
                    miq.applied, case.applies, miq.reason
                ));
            }
            if case.kind == "lookalike" {
                lookalikes += 1;
                let alarms: Vec<&str> = result
                    .findings
                    .iter()
                    .filter(|f| f.pack == "miq" && f.level >= Level::Warning)
                    .map(|f| f.rule.as_str())
                    .collect();
                if !miq.applied || alarms.is_empty() {
                    left_alone += 1;
                } else {
                    mistakes.push(format!("{id}: look-alike with {}", alarms.join(", ")));
                }
                continue;
            }
            if !case.applies || !miq.applied {
                continue;
            }
            for (pillar, c) in counts.iter_mut() {
                let Some(expected) = case.pillars.get(*pillar) else {
                    continue;
                };
                let expected = status(expected);
                let got = miq
                    .pillars
                    .iter()
                    .find(|v| v.tag == *pillar)
                    .map_or(Status::Undetermined, |v| v.status);
                c.total += 1;
                if got == expected {
                    c.right += 1;
                } else {
                    let why = miq
                        .pillars
                        .iter()
                        .find(|v| v.tag == *pillar)
                        .map_or(String::new(), |v| v.reason.clone());
                    mistakes.push(format!(
                        "{id}: {pillar} {} (expected {}): {why}",
                        name(got),
                        name(expected)
                    ));
                }
                match (got == Status::Deficient, expected == Status::Deficient) {
                    (true, true) => c.tp += 1,
                    (true, false) => {
                        c.fp += 1;
                        for f in result.findings.iter().filter(|f| {
                            f.pack == "miq"
                                && f.level >= Level::Warning
                                && f.tags.iter().any(|t| t == pillar)
                        }) {
                            false_alarms
                                .entry(f.rule.clone())
                                .or_default()
                                .push(format!("{id} ({}:{})", f.file, f.line));
                        }
                    }
                    (false, true) => c.fn_ += 1,
                    (false, false) => {}
                }
            }
        }
        let now: Vec<(usize, usize, usize, usize, usize)> = counts
            .values()
            .map(|c| (c.right, c.total, c.tp, c.fp, c.fn_))
            .collect();
        let mut d = [0usize; 7];
        for (a, b) in now.iter().zip(&before) {
            d[0] += a.0 - b.0;
            d[1] += a.1 - b.1;
            d[2] += a.2 - b.2;
            d[3] += a.3 - b.3;
            d[4] += a.4 - b.4;
        }
        d[5] = left_alone - left_before;
        d[6] = lookalikes - la_before;
        per_set.push((set.file_name().unwrap().to_string_lossy().into_owned(), d));
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    println!(
        "{cases} cases; pack routed right on {routed}; look-alikes left alone: {left_alone} of {lookalikes}"
    );
    println!("pillar         verdicts right  precision(deficient)  recall(deficient)");
    let (mut right, mut total, mut tp, mut fp, mut fn_) = (0, 0, 0, 0, 0);
    for (p, c) in &counts {
        println!(
            "{p:<14} {:>5.2} ({:>3}/{:<3})  {:>8.2} ({}/{})          {:>6.2} ({}/{})",
            ratio(c.right, c.total),
            c.right,
            c.total,
            ratio(c.tp, c.tp + c.fp),
            c.tp,
            c.tp + c.fp,
            ratio(c.tp, c.tp + c.fn_),
            c.tp,
            c.tp + c.fn_
        );
        right += c.right;
        total += c.total;
        tp += c.tp;
        fp += c.fp;
        fn_ += c.fn_;
    }
    let (accuracy, precision, recall) =
        (ratio(right, total), ratio(tp, tp + fp), ratio(tp, tp + fn_));
    println!(
        "all            {accuracy:>5.2} ({right}/{total})  {precision:>8.2} ({tp}/{})          {recall:>6.2} ({tp}/{})",
        tp + fp,
        tp + fn_
    );
    println!("\nby set:          verdicts right  precision  recall  look-alikes left alone");
    for (name, d) in &per_set {
        println!(
            "  {name:<14} {:>5.2} ({}/{})  {:>6.2}     {:>5.2}   {} of {}",
            ratio(d[0], d[1]),
            d[0],
            d[1],
            ratio(d[2], d[2] + d[3]),
            ratio(d[2], d[2] + d[4]),
            d[5],
            d[6]
        );
    }
    println!("\nfalse alarms by rule:");
    for (rule, places) in &false_alarms {
        println!("  {rule}: {}", places.join(", "));
    }
    println!("\nmistakes:");
    for m in &mistakes {
        println!("  {m}");
    }
    assert!(cases >= 120, "the corpus has {cases} cases");
    // Floors: the figures measured when the corpus was last changed, less a small margin.
    assert!(accuracy >= FLOOR_ACCURACY, "verdicts right {accuracy:.2}");
    assert!(precision >= FLOOR_PRECISION, "precision {precision:.2}");
    assert!(recall >= FLOOR_RECALL, "recall {recall:.2}");
    assert_eq!(left_alone, lookalikes, "every look-alike is left alone");
}

const FLOOR_ACCURACY: f64 = 0.96;
const FLOOR_PRECISION: f64 = 0.90;
const FLOOR_RECALL: f64 = 0.90;
