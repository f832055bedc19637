//! Term lists matched at a known start without an automaton.
//!
//! A term list's regex is an alternation of its terms, each a short sequence of literal bytes,
//! optional endings, space variants and word boundaries ([`crate::fold::term_steps`]). Tried
//! only at candidate starts (the literal scan gives them), it needs no automaton: trying the
//! terms in order, each by backtracking through its steps, finds the match the regex finds
//! (leftmost-first: the first term that matches, and in it the longest way first where the
//! regex is greedy). Compiling a list's NFA and building its lazy DFA's states cost more than
//! all the tries a draft makes (41 lists on a 200 KB DCE with the MIQ pack: half of the time
//! spent compiling patterns); this costs nothing to build beyond reading the terms.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::written::{TermStep, term_steps};

/// A term list ready to be tried at candidate starts.
#[derive(Debug)]
pub struct TermMatcher {
    terms: Vec<Vec<Step>>,
    /// How many tries were made (see [`TermMatcher::worn_out`]).
    tries: AtomicUsize,
    /// For each byte, the terms (by index, in order) that may match at a start holding it:
    /// those whose first byte it may be, and those that may match the empty string. The
    /// terms tried at a start holding byte `b` are `order[at[b]..at[b + 1]]`; those tried at
    /// the end of the text, `order[at[256]..at[257]]`.
    order: Vec<u32>,
    at: [u32; 258],
}

/// A try that took too many steps (see [`MAX_STEPS`]): the caller asks the regex instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GaveUp;

/// How many steps one try may take. Terms are short and their optional parts rarely overlap,
/// so a try takes a few dozen; a long run of letters under a `*` followed by a part that does
/// not match (or a pathological term) could take far more.
const MAX_STEPS: u32 = 4096;

/// After this many tries in a run, a list is better searched by its automaton: building it
/// costs about as much as a thousand tries (0.4 ms on average for the MIQ pack's lists), and
/// each of its tries is cheaper than the matcher's on lists of dozens of terms (with the
/// matcher alone, the MIQ pack on the medium corpus takes 5 % more time). A draft of 200 KB
/// tries most lists fewer times than this.
const TRIES_BEFORE_AUTOMATON: usize = 1000;

/// `[0-9a-z_]`, what `*` repeats.
fn in_star_class(b: u8) -> bool {
    b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'_'
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether an ASCII word boundary, `(?-u:\b)`, holds at `at`.
fn boundary(hay: &[u8], at: usize) -> bool {
    let before = at > 0 && is_word_byte(hay[at - 1]);
    let after = at < hay.len() && is_word_byte(hay[at]);
    before != after
}

impl TermMatcher {
    /// The matcher of a term list, or `None` if a term has an optional part with too many
    /// ways to match (see [`crate::fold::term_steps`]), or the list is too long to index.
    pub fn new(terms: &[String]) -> Option<TermMatcher> {
        let terms: Vec<Vec<Step>> = terms
            .iter()
            .map(|t| term_steps(t).map(steps))
            .collect::<Option<_>>()?;
        if terms.len() > u32::MAX as usize / 258 {
            return None;
        }
        let starts: Vec<([bool; 256], bool)> = terms.iter().map(|t| first_bytes(t)).collect();
        let mut order = Vec::new();
        let mut at = [0u32; 258];
        for b in 0..=256 {
            at[b] = order.len() as u32;
            for (i, (first, empty)) in starts.iter().enumerate() {
                if *empty || (b < 256 && first[b]) {
                    order.push(i as u32);
                }
            }
        }
        at[257] = order.len() as u32;
        Some(TermMatcher {
            terms,
            tries: AtomicUsize::new(0),
            order,
            at,
        })
    }

    /// Whether the list has been tried so often in this run that its automaton is worth
    /// building (see [`TRIES_BEFORE_AUTOMATON`]).
    pub fn worn_out(&self) -> bool {
        self.tries.load(Ordering::Relaxed) >= TRIES_BEFORE_AUTOMATON
    }

    /// The end of the match that starts exactly at `start` (a character boundary of `hay`),
    /// as the list's regex would find it anchored there; word boundaries look at the bytes
    /// before `start` too.
    pub fn find(&self, hay: &[u8], start: usize) -> Result<Option<usize>, GaveUp> {
        self.tries.fetch_add(1, Ordering::Relaxed);
        let b = hay.get(start).map_or(256, |&b| usize::from(b));
        let mut budget = MAX_STEPS;
        for &t in &self.order[self.at[b] as usize..self.at[b + 1] as usize] {
            if let Some(end) = try_steps(&self.terms[t as usize], hay, start, &mut budget)? {
                return Ok(Some(end));
            }
        }
        Ok(None)
    }
}

/// A term's steps as they are tried: runs of steps with one way only joined into one
/// literal, so that a term is mostly a few comparisons.
#[derive(Debug)]
enum Step {
    Boundary,
    Literal(Box<[u8]>),
    /// Two ways or more, tried in order.
    OneOf(Vec<Vec<u8>>),
    Star,
}

fn steps(term: Vec<TermStep>) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::with_capacity(term.len());
    for step in term {
        match step {
            TermStep::Boundary => out.push(Step::Boundary),
            TermStep::Star => out.push(Step::Star),
            TermStep::OneOf(mut ways) if ways.len() == 1 => {
                let way = ways.pop().unwrap_or_default();
                match out.last_mut() {
                    Some(Step::Literal(lit)) => *lit = [&lit[..], &way[..]].concat().into(),
                    _ => out.push(Step::Literal(way.into())),
                }
            }
            TermStep::OneOf(ways) => out.push(Step::OneOf(ways)),
        }
    }
    out
}

/// Whether `hay` holds `lit` at `at` (compared here: a call to `memcmp` costs more than the
/// few bytes compared).
#[inline]
fn holds(hay: &[u8], at: usize, lit: &[u8]) -> bool {
    hay.len() - at >= lit.len() && hay[at..at + lit.len()].iter().zip(lit).all(|(a, b)| a == b)
}

/// The bytes a term's match may start with, and whether it may match the empty string.
fn first_bytes(steps: &[Step]) -> ([bool; 256], bool) {
    let mut first = [false; 256];
    for step in steps {
        match step {
            Step::Boundary => {}
            Step::Literal(lit) => {
                if let Some(&b) = lit.first() {
                    first[usize::from(b)] = true;
                    return (first, false);
                }
            }
            Step::OneOf(ways) => {
                for w in ways {
                    if let Some(&b) = w.first() {
                        first[usize::from(b)] = true;
                    }
                }
                if ways.iter().all(|w| !w.is_empty()) {
                    return (first, false);
                }
            }
            Step::Star => {
                for b in 0..=255u8 {
                    if in_star_class(b) {
                        first[usize::from(b)] = true;
                    }
                }
            }
        }
    }
    (first, true)
}

/// The end of the first way (in the regex's order) `steps` match from `at`: steps with one
/// way are followed in a loop, the others tried way by way on the rest.
fn try_steps(
    steps: &[Step],
    hay: &[u8],
    mut at: usize,
    budget: &mut u32,
) -> Result<Option<usize>, GaveUp> {
    for (i, step) in steps.iter().enumerate() {
        *budget = budget.checked_sub(1).ok_or(GaveUp)?;
        match step {
            Step::Boundary => {
                if !boundary(hay, at) {
                    return Ok(None);
                }
            }
            Step::Literal(lit) => {
                if !holds(hay, at, lit) {
                    return Ok(None);
                }
                at += lit.len();
            }
            Step::OneOf(ways) => {
                for w in ways {
                    if holds(hay, at, w)
                        && let Some(end) = try_steps(&steps[i + 1..], hay, at + w.len(), budget)?
                    {
                        return Ok(Some(end));
                    }
                }
                return Ok(None);
            }
            Step::Star => {
                let run = hay[at..].iter().take_while(|&&b| in_star_class(b)).count();
                for n in (0..=run).rev() {
                    if let Some(end) = try_steps(&steps[i + 1..], hay, at + n, budget)? {
                        return Ok(Some(end));
                    }
                }
                return Ok(None);
            }
        }
    }
    Ok(Some(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::anchored::AnchoredRegex;
    use regex_automata::{Anchored, Input};

    /// The term lists of the shipped packs and awkward ones, tried at every character boundary
    /// of folded texts made of their own terms and of the fixture documents: the matcher finds
    /// what the list's regex finds anchored there.
    #[test]
    fn finds_what_the_term_regex_finds() {
        let mut lists: Vec<Vec<String>> = [
            vec!["agent(e)(s) d'entretien", "agent", "agents de"],
            vec!["insert*", "insertion professionnelle", "in*ion"],
            vec!["(le)s", "é(e)", "pré-requis", "l' insertion", "a - b"],
            vec!["", "x"],
            vec![
                "3°", "R2123-1", "C.C.A.P.", "100 %", "«ESAT»", "œuvre", "ŒUVRE",
            ],
            vec!["a*b*c", "a*", "(éèà)"],
        ]
        .into_iter()
        .map(|l| l.into_iter().map(String::from).collect())
        .collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        lists.extend(shipped_term_lists(&root.join("examples")));
        assert!(lists.len() > 70, "{} lists", lists.len());
        // Texts for every list: awkward strings, and the heads of the fixture documents.
        let mut common: Vec<String> = vec![
            "agente d'entretien agentes de l'insertion insertions_ x".to_string(),
            "aaabbbccc abc ab a _ ___ pre requis pr_-requis pre-requis".to_string(),
            "les le l' insertion l'insertion a-b a b ab 100 % 3°".to_string(),
        ];
        for f in walkdir::WalkDir::new(root.join("fixtures")).sort_by_file_name() {
            let p = f.unwrap().into_path();
            if p.extension().is_some_and(|e| e == "md" || e == "txt") {
                let text = std::fs::read_to_string(&p).unwrap();
                let head = text.char_indices().nth(400).map_or(text.len(), |(i, _)| i);
                common.push(text[..head].to_string());
            }
        }
        let mut tries = 0usize;
        let mut matches = 0usize;
        for (i, list) in lists.iter().enumerate() {
            // The list's own terms, and the next list's, written one after the other, and the
            // list's terms run together (word boundaries inside words), the first one after a
            // letter (a boundary right after the first byte).
            let texts: Vec<String> = [list, &lists[(i + 1) % lists.len()]]
                .iter()
                .map(|l| l.join(" , "))
                .chain([list.concat(), format!("x{}", list[0])])
                .chain(common.iter().cloned())
                .map(|t| crate::fold::fold_str(&t))
                .collect();
            let hir = crate::search::terms_hir(list.iter().map(String::as_str));
            let re = AnchoredRegex::new(&hir, false, 1 << 28, &Default::default()).unwrap();
            let mut caches = re.caches();
            let ours = TermMatcher::new(list).unwrap();
            for t in &texts {
                for s in (0..=t.len()).filter(|&s| t.is_char_boundary(s)) {
                    let input = Input::new(t).span(s..t.len()).anchored(Anchored::Yes);
                    let expected = re.find(&mut caches, &input, None).0.map(|m| m.end);
                    assert_eq!(
                        ours.find(t.as_bytes(), s),
                        Ok(expected),
                        "{list:?} in {t:?} at {s}"
                    );
                    tries += 1;
                    matches += usize::from(expected.is_some());
                }
            }
        }
        assert!(matches > 1000, "{matches} matches in {tries} tries");
    }

    /// Every term list of the built-in packs and of the example packs.
    fn shipped_term_lists(examples: &std::path::Path) -> Vec<Vec<String>> {
        let mut sources = crate::packs::builtin();
        let (loaded, errors) = crate::packs::load(&[examples.to_path_buf()]);
        assert!(errors.is_empty(), "{errors:?}");
        sources.extend(loaded);
        let (set, errors) = crate::compile::compile(&sources, &Default::default());
        assert!(errors.is_empty(), "{errors:?}");
        set.packs
            .iter()
            .flat_map(|p| p.patterns.iter())
            .filter_map(|a| match a.source() {
                crate::search::pattern::Source::Terms(t) => Some(t.clone()),
                crate::search::pattern::Source::Pattern => None,
            })
            .collect()
    }

    #[test]
    fn a_long_run_under_a_star_gives_up_instead_of_taking_long() {
        let m = TermMatcher::new(&["a*z".to_string()]).unwrap();
        let hay = "a".repeat(100_000);
        assert_eq!(m.find(hay.as_bytes(), 0), Err(GaveUp));
        assert_eq!(m.find(b"abcz", 0), Ok(Some(4)));
        assert_eq!(m.find(b"abc z", 0), Ok(None));
    }

    #[test]
    fn only_terms_that_may_start_with_the_byte_are_tried() {
        let m = TermMatcher::new(&["b".to_string(), "a".to_string(), "".to_string()]).unwrap();
        let tried = |b: usize| &m.order[m.at[b] as usize..m.at[b + 1] as usize];
        // The empty term may match anywhere, after the one the byte may start.
        assert_eq!(tried(usize::from(b'a')), [1, 2]);
        assert_eq!(tried(usize::from(b'b')), [0, 2]);
        assert_eq!(tried(usize::from(b'c')), [2]);
        // At the end of the text.
        assert_eq!(tried(256), [2]);
        assert_eq!(m.find(b"a", 0), Ok(Some(1)));
        assert_eq!(m.find(b"c", 0), Ok(Some(0)));
        assert_eq!(m.find(b"a", 1), Ok(Some(1)));
    }
}
