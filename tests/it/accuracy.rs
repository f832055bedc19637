//! The accuracy corpus (`accuracy/`, see its README): each case is a tender with the verdict
//! each pillar must get. Prints, per pillar, the share of verdicts that are right and the
//! precision and recall of `deficient`, then every false alarm with its rule, and fails below
//! the floors at the end of this file.
//!
//! `cargo test --test it accuracy -- --nocapture` prints the figures.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tenderlint::compile::{self, Level, PILLARS, RuleSet};
use tenderlint::document::discover;
use tenderlint::engine::verdict::{Status, judge_all};
use tenderlint::engine::{Options, PackDecision, TenderResult, check_tender};
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

/// The figures of the corpus, gathered case by case.
#[derive(Default)]
struct Tally {
    counts: BTreeMap<&'static str, Counts>,
    cases: usize,
    /// Cases where the pack applied, or not, as labelled.
    routed: usize,
    lookalikes: usize,
    left_alone: usize,
    mistakes: Vec<String>,
    /// Rule → false alarms (a finding in a pillar labelled otherwise than `deficient`).
    false_alarms: BTreeMap<String, Vec<String>>,
    /// Per set: (name, verdicts right, verdicts, tp, fp, fn, look-alikes left alone,
    /// look-alikes).
    per_set: Vec<(String, [usize; 7])>,
}

impl Tally {
    fn new() -> Self {
        Tally {
            counts: PILLARS
                .iter()
                .map(|(p, _)| (*p, Counts::default()))
                .collect(),
            ..Tally::default()
        }
    }

    /// Verdicts right, verdicts, tp, fp and fn over every pillar.
    fn sums(&self) -> [usize; 5] {
        let mut s = [0; 5];
        for c in self.counts.values() {
            for (x, y) in s.iter_mut().zip([c.right, c.total, c.tp, c.fp, c.fn_]) {
                *x += y;
            }
        }
        s
    }

    /// Checks every case of one set (a folder with a labels.json) and records its figures.
    fn set(&mut self, rules: &RuleSet, opts: &Options, set: &Path) {
        let before = self.sums();
        let (la_before, left_before) = (self.lookalikes, self.left_alone);
        let labels: Labels =
            serde_json::from_str(&std::fs::read_to_string(set.join("labels.json")).unwrap())
                .unwrap();
        let set_name = set.file_name().unwrap().to_string_lossy().into_owned();
        for case in &labels.cases {
            let id = format!("{set_name}/{}", case.case);
            let found = discover(&[set.join(&case.case)]);
            assert!(found.errors.is_empty(), "{id}: {:?}", found.errors);
            assert_eq!(found.tenders.len(), 1, "{id}: one tender per case");
            let mut result = check_tender(rules, found.tenders.into_iter().next().unwrap(), opts);
            judge_all(rules, &mut result);
            self.case(&id, case, &result);
        }
        let now = self.sums();
        let mut d = [0usize; 7];
        for (x, (n, b)) in d.iter_mut().zip(now.iter().zip(before)) {
            *x = n - b;
        }
        d[5] = self.left_alone - left_before;
        d[6] = self.lookalikes - la_before;
        self.per_set.push((set_name, d));
    }

    /// Records the routing of one case, then its look-alike outcome or its pillar verdicts.
    fn case(&mut self, id: &str, case: &Case, result: &TenderResult) {
        self.cases += 1;
        let miq = result.packs.iter().find(|p| p.id == "miq").unwrap();
        if miq.applied == case.applies {
            self.routed += 1;
        } else {
            self.mistakes.push(format!(
                "{id}: pack applied = {}, expected {} ({})",
                miq.applied, case.applies, miq.reason
            ));
        }
        if case.kind == "lookalike" {
            self.lookalikes += 1;
            let alarms: Vec<&str> = result
                .findings
                .iter()
                .filter(|f| f.pack == "miq" && f.level >= Level::Warning)
                .map(|f| f.rule.as_str())
                .collect();
            if !miq.applied || alarms.is_empty() {
                self.left_alone += 1;
            } else {
                self.mistakes
                    .push(format!("{id}: look-alike with {}", alarms.join(", ")));
            }
            return;
        }
        if case.applies && miq.applied {
            self.pillars(id, case, result, miq);
        }
    }

    /// Compares the verdict of each labelled pillar with its label.
    fn pillars(&mut self, id: &str, case: &Case, result: &TenderResult, miq: &PackDecision) {
        for (pillar, c) in self.counts.iter_mut() {
            let Some(expected) = case.pillars.get(*pillar) else {
                continue;
            };
            let expected = status(expected);
            let verdict = miq.pillars.iter().find(|v| v.tag == *pillar);
            let got = verdict.map_or(Status::Undetermined, |v| v.status);
            c.total += 1;
            if got == expected {
                c.right += 1;
            } else {
                let why = verdict.map_or(String::new(), |v| v.reason.clone());
                self.mistakes.push(format!(
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
                        self.false_alarms
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

    /// Prints the figures per pillar, per set, the false alarms and the mistakes; returns the
    /// share of verdicts right, the precision and the recall over every pillar.
    fn print(&self) -> (f64, f64, f64) {
        let (cases, routed) = (self.cases, self.routed);
        let (left_alone, lookalikes) = (self.left_alone, self.lookalikes);
        println!(
            "{cases} cases; pack routed right on {routed}; look-alikes left alone: {left_alone} of {lookalikes}"
        );
        println!("pillar         verdicts right  precision(deficient)  recall(deficient)");
        for (p, c) in &self.counts {
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
        }
        let [right, total, tp, fp, fn_] = self.sums();
        let (accuracy, precision, recall) =
            (ratio(right, total), ratio(tp, tp + fp), ratio(tp, tp + fn_));
        println!(
            "all            {accuracy:>5.2} ({right}/{total})  {precision:>8.2} ({tp}/{})          {recall:>6.2} ({tp}/{})",
            tp + fp,
            tp + fn_
        );
        println!("\nby set:          verdicts right  precision  recall  look-alikes left alone");
        for (name, d) in &self.per_set {
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
        for (rule, places) in &self.false_alarms {
            println!("  {rule}: {}", places.join(", "));
        }
        println!("\nmistakes:");
        for m in &self.mistakes {
            println!("  {m}");
        }
        (accuracy, precision, recall)
    }
}

/// `a / b`, and 1 when there is nothing to count.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[test]
fn pillar_verdicts_on_the_accuracy_corpus() {
    let mut sets: Vec<PathBuf> = std::fs::read_dir("accuracy")
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
    let mut tally = Tally::new();
    for set in &sets {
        tally.set(&rules, &opts, set);
    }
    let (accuracy, precision, recall) = tally.print();
    let cases = tally.cases;
    assert!(cases >= 120, "the corpus has {cases} cases");
    // Floors: the figures measured when the corpus was last changed, less a small margin.
    assert!(accuracy >= FLOOR_ACCURACY, "verdicts right {accuracy:.2}");
    assert!(precision >= FLOOR_PRECISION, "precision {precision:.2}");
    assert!(recall >= FLOOR_RECALL, "recall {recall:.2}");
    assert_eq!(
        tally.left_alone, tally.lookalikes,
        "every look-alike is left alone"
    );
}

const FLOOR_ACCURACY: f64 = 0.96;
const FLOOR_PRECISION: f64 = 0.90;
const FLOOR_RECALL: f64 = 0.90;
