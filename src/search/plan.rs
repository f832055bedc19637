//! How one pattern is searched: from its syntax tree, the literals every match must start or
//! end with (taken from the pattern as it matches folded text), and the [`Mode`] that says
//! where the pattern is tried. The literals are private to the search: the engine sees only
//! matches.

use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{self, Class, Hir, HirKind};

use crate::fold::folds_to_itself;

/// How a pattern is searched in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mode {
    /// Every match starts with one of its literals: try the pattern anchored at each one.
    Prefix,
    /// Every match ends with one of its literals and is at most this many bytes long: search
    /// only the windows of that length that end where a literal ends.
    Window(usize),
    /// Every match ends with one of its literals: run the pattern only when one occurs.
    Gate,
    /// Every match starts at the start of a line (`(?m)^`) or of the text (`^`, `\A`): try the
    /// pattern anchored there only.
    LineStart { multi_line: bool },
    /// No usable literal: run it on the whole text.
    Full,
}

/// What every match of a pattern tried at its literals' starts ([`Mode::Prefix`]) ends with:
/// a start is only tried when one of these literals ends after it, at most `within` bytes
/// further when matches are that short. `\b(?:liste|tableau)\b[^.;]{0,120}\bnir\b` is tried
/// at « liste » only when « nir » follows: in most drafts, never.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ends {
    pub literals: Vec<Vec<u8>>,
    pub within: Option<u32>,
}

const MAX_LITERALS: usize = 250;

/// Whether a pattern has a wide gap: a repetition of a broad class (`[^.;]{0,120}`,
/// `[^.]*`, `\w*`), more than a few characters long, between what it starts and ends with.
/// Such patterns are worth narrowing with [`Ends`]: a try from each start reads far. Others
/// (`insertion\s+professionnelle`) end with what follows their start anyway: their end
/// literals would only add to the scan.
fn has_wide_gap(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Repetition(r) => {
            let wide = match r.sub.kind() {
                HirKind::Class(Class::Unicode(c)) => class_size(c) > 256,
                HirKind::Class(Class::Bytes(c)) => c.ranges().len() > 4,
                _ => false,
            };
            (wide && r.max.is_none_or(|m| m > 8)) || has_wide_gap(&r.sub)
        }
        HirKind::Capture(c) => has_wide_gap(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(has_wide_gap),
        _ => false,
    }
}

fn lower_class(c: &Class) -> Class {
    match c {
        Class::Unicode(u) => {
            let size: u32 = u
                .ranges()
                .iter()
                .map(|r| r.end() as u32 - r.start() as u32 + 1)
                .sum();
            if size > 256 {
                return c.clone();
            }
            let kept = u
                .ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .filter(|&ch| folds_to_itself(ch))
                .map(|ch| hir::ClassUnicodeRange::new(ch, ch));
            Class::Unicode(hir::ClassUnicode::new(kept))
        }
        Class::Bytes(b) => {
            let kept = b
                .ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .filter(|&x| !x.is_ascii() || folds_to_itself(x as char))
                .map(|x| hir::ClassBytesRange::new(x, x));
            Class::Bytes(hir::ClassBytes::new(kept))
        }
    }
}

/// The pattern restricted to what folded text can hold: characters that folding leaves
/// unchanged (no upper case, no accents, one kind of space and apostrophe).
fn lower(h: &Hir) -> Hir {
    match h.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(hir::Literal(bytes)) => match std::str::from_utf8(bytes) {
            Ok(s) if s.chars().all(folds_to_itself) => h.clone(),
            // A character that folding changes never occurs in folded text.
            Ok(_) => Hir::fail(),
            Err(_) => h.clone(),
        },
        HirKind::Class(c) => Hir::class(lower_class(c)),
        HirKind::Look(l) => Hir::look(*l),
        HirKind::Repetition(r) => Hir::repetition(hir::Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(lower(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(hir::Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(lower(&c.sub)),
        }),
        HirKind::Concat(v) => Hir::concat(v.iter().map(lower).collect()),
        HirKind::Alternation(v) => Hir::alternation(v.iter().map(lower).collect()),
    }
}

fn usable(seq: &Seq) -> Option<Vec<Vec<u8>>> {
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_LITERALS || lits.iter().any(|l| l.is_empty()) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// How well a literal filters French text: letters and digits are common, spaces are
/// everywhere, other bytes (`%`, `°`, `-`, accents) are rare.
fn strength(lit: &[u8]) -> usize {
    lit.iter()
        .map(|b| match b {
            b' ' => 0,
            b if b.is_ascii_alphanumeric() => 1,
            _ => 3,
        })
        .sum()
}

/// The characters of a small class that folded text can hold, or `None` for a large class.
fn folded_members(c: &hir::ClassUnicode) -> Option<Vec<char>> {
    (class_size(c) <= 256).then(|| {
        c.ranges()
            .iter()
            .flat_map(|r| r.start()..=r.end())
            .filter(|&ch| folds_to_itself(ch))
            .collect()
    })
}

fn class_size(c: &hir::ClassUnicode) -> u32 {
    c.ranges()
        .iter()
        .map(|r| r.end() as u32 - r.start() as u32 + 1)
        .sum()
}

/// Whether matching `c` case-insensitively would match other characters of folded text.
/// Folding a large class is slow: a large class is judged by its complement when that is
/// small (`[^.;:]` does not change), and otherwise assumed to change.
fn class_case_matters(c: &hir::ClassUnicode) -> bool {
    if class_size(c) > 256 {
        let mut rest = c.clone();
        rest.negate();
        if class_size(&rest) > 256 {
            return true;
        }
        let mut folded = rest.clone();
        return folded.try_case_fold_simple().is_err() || folded != rest;
    }
    let mut folded = c.clone();
    if folded.try_case_fold_simple().is_err() {
        return true;
    }
    folded != *c && folded_members(c) != folded_members(&folded)
}

/// Whether a pattern (parsed case-sensitively) matches other things in folded text when it is
/// run case-insensitively. Folded text has no upper case, so for most patterns it does not
/// (`[a-z]`, `\w`, lower-case words), and they are run case-sensitively: a smaller automaton.
pub fn case_matters(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(hir::Literal(bytes)) => match std::str::from_utf8(bytes) {
            Ok(s) => s.chars().any(|ch| {
                class_case_matters(&hir::ClassUnicode::new([hir::ClassUnicodeRange::new(
                    ch, ch,
                )]))
            }),
            Err(_) => bytes.iter().any(u8::is_ascii_alphabetic),
        },
        HirKind::Class(Class::Unicode(c)) => class_case_matters(c),
        HirKind::Class(Class::Bytes(b)) => {
            let mut folded = b.clone();
            folded.case_fold_simple();
            let fixed = |c: &hir::ClassBytes| -> Vec<u8> {
                c.iter()
                    .flat_map(|r| r.start()..=r.end())
                    .filter(|&x| !x.is_ascii() || folds_to_itself(x as char))
                    .collect()
            };
            fixed(&folded) != fixed(b)
        }
        HirKind::Repetition(r) => case_matters(&r.sub),
        HirKind::Capture(c) => case_matters(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(case_matters),
    }
}

/// How to search a parsed pattern in a document, and the literals to look for. `folded`: the
/// pattern runs on the folded text; otherwise on the original text, as written.
pub fn plan_hir(h: &Hir, folded: bool) -> (Mode, Vec<Vec<u8>>, Option<Ends>) {
    let line_start = {
        let looks = h.properties().look_set_prefix();
        if looks.contains(hir::Look::Start) {
            Some(Mode::LineStart { multi_line: false })
        } else if looks.contains(hir::Look::StartLF) || looks.contains(hir::Look::StartCRLF) {
            Some(Mode::LineStart { multi_line: true })
        } else {
            None
        }
    };
    if !folded {
        // The literal scan runs on the folded text only.
        return (line_start.unwrap_or(Mode::Full), Vec::new(), None);
    }
    let low = lower(h);
    // Matches in folded text are matches of the restricted pattern: its bound is theirs.
    let max_len = low.properties().maximum_len();
    let mut ex = Extractor::new();
    ex.limit_class(16)
        .limit_repeat(8)
        .limit_literal_len(8)
        .limit_total(MAX_LITERALS);
    let prefix = usable(&ex.kind(ExtractKind::Prefix).extract(&low));
    let suffix = usable(&ex.kind(ExtractKind::Suffix).extract(&low));
    // A literal of one or two letters (`l` of `L. 2113-12`, `le ` of `le marché`) occurs all
    // over a text: such a set is no filter, and its hits cost more than they save. A suffix
    // set of stronger literals is used instead, or the regex engine's own search.
    let good = |l: &Vec<Vec<u8>>| l.iter().all(|l| strength(l) >= 3);
    let (prefix, suffix) = (prefix.filter(good), suffix.filter(good));
    match (prefix, suffix, max_len, line_start) {
        (Some(p), s, len, _) => {
            // Only for patterns with a wide gap (see `has_wide_gap`).
            let ends = s
                .filter(|s| *s != p && has_wide_gap(&low))
                .map(|literals| Ends {
                    literals,
                    within: len.and_then(|l| u32::try_from(l).ok()),
                });
            (Mode::Prefix, p, ends)
        }
        (_, Some(s), Some(len), _) => (Mode::Window(len), s, None),
        (_, _, _, Some(line)) => (line, Vec::new(), None),
        (_, Some(s), None, None) => (Mode::Gate, s, None),
        _ => (Mode::Full, Vec::new(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan of a pattern, parsed as the compiler parses it.
    fn plan(pattern: &str, folded: bool) -> (Mode, Vec<Vec<u8>>) {
        let (hir, _) =
            crate::search::parse_pattern(pattern, folded, crate::limits::DEFAULT.max_regex_bytes)
                .unwrap();
        let (mode, literals, _) = plan_hir(&hir, folded);
        (mode, literals)
    }

    #[test]
    fn literals_of_folded_patterns() {
        let literals = |p| plan(p, true);
        let (m, l) = literals(r"(?-u:\b)insertion\s+professionnelle");
        assert_eq!(m, Mode::Prefix);
        // Folded text has no upper case and no long s `ſ`: one literal (of at most 8 bytes).
        assert_eq!(l, vec![b"insertio".to_vec()]);
        let (m, l) = literals(r"(?-u:\b)\d{1,3}\s?%");
        // At most 3 digits (a Unicode digit takes up to 4 bytes), a space (folded: one byte)
        // and `%`.
        assert_eq!(m, Mode::Window(14));
        assert!(l.contains(&b"%".to_vec()), "{l:?}");
        let (m, _) = literals(r"\d[\d\s]*heures");
        assert_eq!(m, Mode::Gate);
        // A one-letter prefix is a poor filter: the suffix of a short pattern is better.
        let (m, l) = literals(r"(?-u:\b)(?:L\d\d\d\d|R\d\d\d\d)-12(?-u:\b)");
        assert!(matches!(m, Mode::Window(_)), "{m:?}");
        assert!(l.iter().any(|l| l.ends_with(b"-12")), "{l:?}");
        let (m, _) = literals(r"(?-u:\b)QPV(?-u:\b)");
        assert_eq!(m, Mode::Prefix);
        assert_eq!(
            plan(r"(?mi)^[ \t]*article\s+\d+", false).0,
            Mode::LineStart { multi_line: true }
        );
        assert_eq!(plan(r"^objet", true).0, Mode::Prefix);
        assert_eq!(plan(r"^\w+", true).0, Mode::LineStart { multi_line: false });
    }
}
