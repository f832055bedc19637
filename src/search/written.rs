//! How the terms and regexes a rule author writes become patterns that match folded text:
//! a term list is written out as a regex ([`terms_regex`]) and built as its syntax tree
//! without parsing ([`terms_hir`]), or as the steps the [`super::terms::TermMatcher`] runs;
//! a regex is folded like the text it runs on ([`fold_regex`]).

use crate::fold::{fold_char, is_apostrophe, is_dash};

const WORD_BOUNDARY: &str = r"(?-u:\b)";
const PLURAL: &str = "(?:s|x)?";

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// One piece of a term's pattern: a term is read once into pieces, which give both the regex
/// text ([`term_regex`]) and its syntax tree ([`term_hir`]), so that loading a pack does not
/// parse thousands of generated alternatives again.
#[derive(Debug, Clone, PartialEq)]
enum TermPiece {
    /// An ASCII word boundary, `(?-u:\b)`.
    Boundary,
    /// An optional plural ending, `(?:s|x)?`.
    Plural,
    /// Between words: a space, a hyphen or nothing, `[ -]?`.
    Gap,
    /// An apostrophe, maybe followed by a space, `' ?`.
    Apostrophe,
    /// A character as folding writes it; an accented letter also matches `_` (an accent lost as
    /// U+FFFD in a bad conversion).
    Char(char),
    /// An optional part written `(…)`.
    Optional(Vec<char>),
    /// `*`: any word ending, `[0-9a-z_]*`.
    Star,
}

/// Reads a term into pieces: word boundaries, optional plurals, optional `(…)` parts, `*` word
/// endings, and space/hyphen/apostrophe variants.
fn term_pieces(term: &str) -> Vec<TermPiece> {
    let chars: Vec<char> = term.trim().chars().collect();
    let mut out = Vec::new();
    if chars.first().is_some_and(|&c| is_word_char(c)) {
        out.push(TermPiece::Boundary);
    }
    let mut i = 0;
    // Whether a word is open, and whether its ending is already handled.
    let mut word_open = false;
    let mut ending_handled = false;
    let close_word = |out: &mut Vec<TermPiece>, word_open: &mut bool, ending_handled: &mut bool| {
        if *word_open && !*ending_handled {
            out.push(TermPiece::Plural);
        }
        *word_open = false;
        *ending_handled = false;
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || is_dash(c) {
            close_word(&mut out, &mut word_open, &mut ending_handled);
            while i + 1 < chars.len() && (chars[i + 1].is_whitespace() || is_dash(chars[i + 1])) {
                i += 1;
            }
            out.push(TermPiece::Gap);
        } else if is_apostrophe(c) {
            close_word(&mut out, &mut word_open, &mut ending_handled);
            out.push(TermPiece::Apostrophe);
            while i + 1 < chars.len() && chars[i + 1].is_whitespace() {
                i += 1;
            }
        } else if c == '(' {
            let close = chars[i..].iter().position(|&x| x == ')').map(|p| i + p);
            if let Some(close) = close {
                out.push(TermPiece::Optional(chars[i + 1..close].to_vec()));
                // An optional ending that is itself a plural (`(s)`, `(x)`) handles the word's
                // ending; any other (`(le)`) still takes the automatic plural.
                ending_handled = matches!(chars[close - 1], 's' | 'x');
                i = close;
                word_open = true;
            } else {
                out.push(TermPiece::Char(c));
            }
        } else if c == '*' {
            out.push(TermPiece::Star);
            ending_handled = true;
            word_open = true;
        } else if is_word_char(c) {
            // Letters after an optional part: the word goes on.
            ending_handled = false;
            out.push(TermPiece::Char(c));
            word_open = true;
        } else {
            close_word(&mut out, &mut word_open, &mut ending_handled);
            out.push(TermPiece::Char(c));
        }
        i += 1;
    }
    let ends_in_word = word_open;
    close_word(&mut out, &mut word_open, &mut ending_handled);
    if ends_in_word {
        out.push(TermPiece::Boundary);
    }
    out
}

/// How one character of a term is matched: its folded form, and whether `_` also matches.
fn term_char(c: char) -> Option<(String, bool)> {
    let mut f = String::new();
    fold_char(c, &mut f);
    (!f.is_empty()).then(|| (f, !c.is_ascii() && c.is_alphabetic()))
}

fn push_term_char(c: char, out: &mut String) {
    match term_char(c) {
        Some((f, true)) => {
            out.push_str("(?:");
            out.push_str(&regex::escape(&f));
            out.push_str("|_)");
        }
        Some((f, false)) => out.push_str(&regex::escape(&f)),
        None => {}
    }
}

/// The regex of a term list on folded text: its terms' regexes, in order, as alternatives.
pub fn terms_regex(terms: &[String]) -> String {
    let alts: Vec<String> = terms.iter().map(|t| term_regex(t)).collect();
    format!("(?:{})", alts.join("|"))
}

/// Compiles a term into a regex on folded text (see [`term_pieces`]).
pub fn term_regex(term: &str) -> String {
    let mut out = String::new();
    for piece in term_pieces(term) {
        match piece {
            TermPiece::Boundary => out.push_str(WORD_BOUNDARY),
            TermPiece::Plural => out.push_str(PLURAL),
            TermPiece::Gap => out.push_str("[ -]?"),
            TermPiece::Apostrophe => out.push_str("' ?"),
            TermPiece::Char(c) => push_term_char(c, &mut out),
            TermPiece::Optional(chars) => {
                out.push_str("(?:");
                for c in chars {
                    push_term_char(c, &mut out);
                }
                out.push_str(")?");
            }
            TermPiece::Star => out.push_str("[0-9a-z_]*"),
        }
    }
    out
}

/// One step of a term as [`crate::compile::terms::TermMatcher`] runs it: the same pieces as
/// [`term_regex`], with each optional part written out as the byte strings it may match, in the
/// order the regex tries them (so the first full match found is the regex's match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermStep {
    /// An ASCII word boundary, `(?-u:\b)`.
    Boundary,
    /// One of these byte strings, tried in order; an empty one means the step may match nothing.
    OneOf(Vec<Vec<u8>>),
    /// `[0-9a-z_]*`, longest first.
    Star,
}

/// At most this many ways to match an optional part `(…)` are written out (each accented
/// letter in it doubles them: it also matches `_`); a term with more is left to the regex.
const MAX_OPTIONAL_WAYS: usize = 64;

/// The steps of [`term_regex`]`(term)`, or `None` if an optional part has too many ways to
/// match (see [`MAX_OPTIONAL_WAYS`]).
pub fn term_steps(term: &str) -> Option<Vec<TermStep>> {
    let ways = |c: char| -> Option<Vec<Vec<u8>>> {
        term_char(c).map(|(f, underscore)| {
            let mut w = vec![f.into_bytes()];
            if underscore {
                w.push(b"_".to_vec());
            }
            w
        })
    };
    let optional =
        |strings: &[&[u8]]| TermStep::OneOf(strings.iter().map(|s| s.to_vec()).collect());
    let mut steps = Vec::new();
    for piece in term_pieces(term) {
        match piece {
            TermPiece::Boundary => steps.push(TermStep::Boundary),
            TermPiece::Plural => steps.push(optional(&[b"s", b"x", b""])),
            TermPiece::Gap => steps.push(optional(&[b" ", b"-", b""])),
            TermPiece::Apostrophe => {
                steps.push(optional(&[b"'"]));
                steps.push(optional(&[b" ", b""]));
            }
            TermPiece::Char(c) => steps.extend(ways(c).map(TermStep::OneOf)),
            TermPiece::Optional(chars) => {
                // The concatenation's ways in the order backtracking tries them: the first
                // character's first way with each way of the rest, and so on; then nothing.
                let mut all: Vec<Vec<u8>> = vec![Vec::new()];
                for w in chars.into_iter().filter_map(ways) {
                    if all.len() * w.len() > MAX_OPTIONAL_WAYS {
                        return None;
                    }
                    all = all
                        .iter()
                        .flat_map(|a| w.iter().map(move |b| [&a[..], &b[..]].concat()))
                        .collect();
                }
                all.push(Vec::new());
                steps.push(TermStep::OneOf(all));
            }
            TermPiece::Star => steps.push(TermStep::Star),
        }
    }
    Some(steps)
}

/// The syntax tree of [`terms_regex`]: its terms' trees ([`term_hir`]), in order, as
/// alternatives.
pub fn terms_hir<'a>(terms: impl IntoIterator<Item = &'a str>) -> regex_syntax::hir::Hir {
    regex_syntax::hir::Hir::alternation(terms.into_iter().map(term_hir).collect())
}

/// The syntax tree of [`term_regex`]`(term)`, built without parsing it (equal to what the
/// parser makes of it: see the tests).
pub fn term_hir(term: &str) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, Look, Repetition};
    let optional = |sub: Hir| {
        Hir::repetition(Repetition {
            min: 0,
            max: Some(1),
            greedy: true,
            sub: Box::new(sub),
        })
    };
    let class = |ranges: &[(char, char)]| {
        Hir::class(Class::Unicode(ClassUnicode::new(
            ranges.iter().map(|&(a, b)| ClassUnicodeRange::new(a, b)),
        )))
    };
    let char_hir = |c: char| match term_char(c) {
        Some((f, true)) => Some(Hir::alternation(vec![
            Hir::literal(f.into_bytes()),
            Hir::literal(*b"_"),
        ])),
        Some((f, false)) => Some(Hir::literal(f.into_bytes())),
        None => None,
    };
    let pieces = term_pieces(term)
        .into_iter()
        .filter_map(|piece| match piece {
            TermPiece::Boundary => Some(Hir::look(Look::WordAscii)),
            TermPiece::Plural => Some(optional(Hir::alternation(vec![
                Hir::literal(*b"s"),
                Hir::literal(*b"x"),
            ]))),
            TermPiece::Gap => Some(optional(class(&[(' ', ' '), ('-', '-')]))),
            TermPiece::Apostrophe => Some(Hir::concat(vec![
                Hir::literal(*b"'"),
                optional(Hir::literal(*b" ")),
            ])),
            TermPiece::Char(c) => char_hir(c),
            TermPiece::Optional(chars) => Some(optional(Hir::concat(
                chars.into_iter().filter_map(char_hir).collect(),
            ))),
            TermPiece::Star => Some(Hir::repetition(Repetition {
                min: 0,
                max: None,
                greedy: true,
                sub: Box::new(class(&[('0', '9'), ('_', '_'), ('a', 'z')])),
            })),
        });
    Hir::concat(pieces.collect())
}

/// Folds a regex pattern written by a rule author so that it matches folded text: accented
/// letters fold (and also match `_`), apostrophes and spaces are normalised, a hyphen between
/// two letters also matches a space, `\b` becomes an ASCII word boundary (fast on folded text).
pub fn fold_regex(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let chars: Vec<char> = pattern.chars().collect();
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let n = chars[i + 1];
                if n == 'b' && !in_class {
                    out.push_str(WORD_BOUNDARY);
                } else if n == 'B' && !in_class {
                    out.push_str(r"(?-u:\B)");
                } else {
                    out.push('\\');
                    out.push(n);
                }
                i += 2;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ if is_apostrophe(c) => out.push('\''),
            _ if c.is_whitespace() => out.push(' '),
            '-' if !in_class
                && i > 0
                && i + 1 < chars.len()
                && chars[i - 1].is_alphabetic()
                && chars[i + 1].is_alphabetic() =>
            {
                out.push_str("[ -]")
            }
            _ if !c.is_ascii() && c.is_alphabetic() => {
                let mut f = String::new();
                fold_char(c, &mut f);
                if in_class {
                    out.push_str(&f);
                    out.push('_');
                } else if f.chars().count() == 1 {
                    out.push('[');
                    out.push_str(&f);
                    out.push_str("_]");
                } else {
                    out.push_str("(?:");
                    out.push_str(&f);
                    out.push_str("|_)");
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold_str;
    use regex::Regex;

    fn term_matches(term: &str, text: &str) -> bool {
        let re = Regex::new(&term_regex(term)).unwrap();
        re.is_match(&fold_str(text))
    }

    /// The syntax tree built for a term is the one the parser makes of its regex: checked on
    /// awkward terms and on every quoted string of the built-in packs.
    #[test]
    fn term_hir_is_the_parsed_term_regex() {
        let parse = |p: &str| regex_syntax::Parser::new().parse(p).unwrap();
        let mut terms: Vec<String> = [
            "",
            " ",
            "(",
            ")",
            "()",
            "a(",
            "a)b",
            "((a))",
            "x(s)",
            "agent(e)(s) d'entretien",
            "œuvre",
            "l' insertion",
            "l’ insertion",
            "a - b",
            "a—b",
            "*",
            "a*b",
            "insert*",
            "é(e)",
            "3°",
            "R2123-1",
            "C.C.A.P.",
            "100 %",
            "«ESAT»",
            "a\\b",
            "[x]",
            "a.b+c?",
            "ŒUVRE",
            "Straße",
            "ﬁn",
            "e\u{301}te",
            "(le)s",
            "pré-requis",
            "$^",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let quoted = Regex::new(r#""([^"\n]*)""#).unwrap();
        for pack in std::fs::read_dir(rules).unwrap() {
            for file in std::fs::read_dir(pack.unwrap().path()).unwrap() {
                let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
                terms.extend(quoted.captures_iter(&text).map(|c| c[1].to_string()));
            }
        }
        assert!(terms.len() > 1000, "{}", terms.len());
        for t in &terms {
            assert_eq!(term_hir(t), parse(&term_regex(t)), "{t:?}");
        }
        let all: Vec<String> = terms.iter().map(|t| term_regex(t)).collect();
        assert_eq!(
            terms_hir(terms.iter().map(String::as_str)),
            parse(&format!("(?:{})", all.join("|")))
        );
    }

    #[test]
    fn term_variants() {
        assert!(term_matches(
            "prestation d'insertion",
            "PRESTATIONS D’INSERTION"
        ));
        assert!(term_matches(
            "prestation d'insertion",
            "prestations d' insertion"
        ));
        assert!(term_matches("socio-professionnel", "socioprofessionnel"));
        assert!(term_matches("socio-professionnel", "socio professionnels"));
        assert!(term_matches("socioprofessionnel", "SOCIOPROFESSIONNEL"));
        assert!(term_matches(
            "marché d'insertion",
            "march\u{fffd} d'insertion"
        ));
        assert!(term_matches(
            "insertion professionnel(le)(s)",
            "insertion professionnelles"
        ));
        assert!(term_matches(
            "insertion professionnel(le)(s)",
            "insertion professionnel"
        ));
        assert!(term_matches("qualifi*", "qualifiante"));
        assert!(term_matches(
            "socio-professionnel(le)",
            "socioprofessionnels"
        ));
        assert!(term_matches(
            "socio-professionnel(le)",
            "socio-professionnelles"
        ));
        assert!(term_matches("cœur", "coeur"));
        assert!(!term_matches("insertion", "réinsertion"));
        assert!(!term_matches("ACI", "spacieux"));
        assert!(term_matches("R2123-1 3°", "art. R2123-1 3° du code"));
    }

    #[test]
    fn regex_folding() {
        let re = Regex::new(&fold_regex(r"\bmarché\b")).unwrap();
        assert!(re.is_match("marche"));
        assert!(re.is_match("march_"));
        let re = Regex::new(&format!("(?i){}", fold_regex(r"socio-pro"))).unwrap();
        assert!(re.is_match("socio pro"));
        let re = Regex::new(&fold_regex(r"[éè]t")).unwrap();
        assert!(re.is_match("et"));
        let re = Regex::new(&fold_regex(r"r\.? ?2123-1")).unwrap();
        assert!(re.is_match("r2123-1"));
    }
}
