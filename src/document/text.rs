//! Plain text: headings are recognised by their shape, blocks are paragraphs and list items.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{Block, BlockKind, Heading, close_sections};

static ARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:article|art\.)\s*([0-9]+(?:\.[0-9]+)*|[ivxlc]+|premier|1er)\b").unwrap()
});
static PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:titre|chapitre|partie|section)\s+([0-9]+|[ivxlc]+)\b").unwrap()
});
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([0-9]+(?:\.[0-9]+)*)\.?\)?\s+\p{L}").unwrap());
static ROMAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[IVX]+\s*[.)–-]\s+\p{L}").unwrap());
static LIST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[-*•–·]|[a-z]\)|[0-9]+\))\s+").unwrap());

/// Whether `line` starts with one of `words`' first three letters, in any case: what a line
/// must start with for the `ARTICLE` and `PART` patterns to match (their letters have no
/// other case-insensitive forms than ASCII ones, but for the long s, which callers check).
/// Most lines start with another word, and a regex with groups costs a few thousand
/// instructions per line.
fn starts_like(line: &str, words: &[&str]) -> bool {
    let head = line.as_bytes().get(..3).unwrap_or_default();
    words
        .iter()
        .any(|w| head.eq_ignore_ascii_case(&w.as_bytes()[..3]))
}

/// The heading level of a numbered article title (`Article 3`, `ARTICLE 3.2 – Public`), the
/// one shape of heading that readers of styled formats recognise in unstyled paragraphs.
pub fn article_level(line: &str) -> Option<u8> {
    let line = line.trim();
    if !(2..=120).contains(&line.chars().count())
        || line.ends_with(['.', ';', ','])
        || !starts_like(line, &["article"])
    {
        return None;
    }
    ARTICLE
        .captures(line)
        .map(|c| 2 + c[1].matches('.').count() as u8)
}

/// The heading level of a line, if the line is a heading by its shape. Each shape is tried
/// only when the line starts as it must (most lines start otherwise: a regex per shape and
/// per line was a tenth of the time of a check).
pub fn heading_level(line: &str) -> Option<u8> {
    let line = line.trim();
    let first = *line.as_bytes().first()?;
    // A line of 8 to 90 bytes has 2 to 90 characters, which every test below accepts: the
    // characters are counted only outside that (few lines).
    let chars = (!(8..=90).contains(&line.len())).then(|| line.chars().count());
    if chars.is_some_and(|n| !(2..=120).contains(&n)) {
        return None;
    }
    if starts_like(line, &["article"])
        && let Some(c) = ARTICLE.captures(line)
    {
        return Some(2 + c[1].matches('.').count() as u8);
    }
    // `(?i)s` also matches the long s.
    let part_start =
        starts_like(line, &["titre", "chapitre", "partie", "section"]) || line.starts_with('ſ');
    if part_start && PART.is_match(line) {
        return Some(1);
    }
    let sentence_end = line.ends_with(['.', ';', ',']) && !line.ends_with("...");
    if first.is_ascii_digit() && NUMBERED.is_match(line) {
        // A sentence ends inside the line (« 6.3 Le titulaire remet un bilan. Un comité de »,
        // a paragraph broken by a hard line break): a numbered paragraph, not a heading.
        let rest = &line[leading_number(line).len()..];
        let inner_end = rest
            .trim_start_matches(['.', ')', ' ', '\t'])
            .match_indices(". ")
            .any(|(i, _)| {
                rest.trim_start_matches(['.', ')', ' ', '\t'])[i + 2..]
                    .starts_with(char::is_uppercase)
            });
        if !sentence_end && !inner_end && chars.is_none_or(|n| n <= 90) {
            return Some(2 + leading_number(line).matches('.').count() as u8);
        }
        return None;
    }
    if matches!(first, b'I' | b'V' | b'X') && ROMAN.is_match(line) && !sentence_end {
        return Some(1);
    }
    if sentence_end {
        return None;
    }
    // A line in capitals (`PUBLIC BÉNÉFICIAIRE`): most lines have a small letter early.
    let mut letters = 0;
    for c in line.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() {
            return None;
        }
        letters += 1;
    }
    (letters >= 4 && line.contains(char::is_whitespace) && !is_list_item(line)).then_some(1)
}

/// The number a numbered heading starts with (`1.2` of `1.2. Public`): the longest run of
/// digits, with dots between digits, at the start. It is the `NUMBERED` pattern's group: a
/// shorter one would leave a digit, or a dot and a digit, where the pattern wants a space,
/// a bracket or one dot before one. Asking the regex for its group costs a few thousand
/// instructions per line, and many lines of a draft start with a number.
fn leading_number(line: &str) -> &str {
    let b = line.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut end = digits(0);
    while end > 0 && b.get(end) == Some(&b'.') && digits(end + 1) > 0 {
        end += 1 + digits(end + 1);
    }
    &line[..end]
}

/// Whether a line starts as a list item (`- `, `• `, `a) `, `3) `): the regex runs only on
/// lines whose first characters allow it (most lines start with a capital or a word).
fn is_list_item(line: &str) -> bool {
    let b = line.as_bytes();
    let possible = match b.first() {
        Some(b'-' | b'*') => true,
        Some(c) if c.is_ascii_lowercase() => b.get(1) == Some(&b')'),
        Some(c) if c.is_ascii_digit() => b
            .iter()
            .find(|c| !c.is_ascii_digit())
            .is_some_and(|&c| c == b')'),
        Some(_) => line.starts_with(['•', '–', '·']),
        None => false,
    };
    possible && LIST_ITEM.is_match(line)
}

/// Whether a line is a field of a notice, « Label : value » (« Objet du marché : … »,
/// « Titre : … », « Nomenclature principale (cpv) : … »): a block of its own, as exports of
/// notices write one field per line without blank lines between them.
fn is_field(line: &str) -> bool {
    let Some(colon) = line.find(':') else {
        return false;
    };
    let label = line[..colon].trim_end();
    let first = label.chars().next();
    !label.is_empty()
        && colon <= 60
        && first.is_some_and(char::is_uppercase)
        && !label.contains(['.', ';', ','])
        && label.split_whitespace().count() <= 6
        // « http://… », « 10:30 »: not a label.
        && !line[colon..].starts_with("//")
        && !line[colon + 1..].starts_with(|c: char| c.is_ascii_digit())
}

/// The readable text ranges, headings and blocks of a plain text.
pub fn structure(text: &str) -> (Vec<Range<usize>>, Vec<Heading>, Vec<Block>) {
    let mut headings = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Option<Block> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let lead = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        let span = offset + lead..offset + lead + trimmed.len();
        offset += raw.len();
        if trimmed.is_empty() {
            blocks.extend(open.take());
            continue;
        }
        if let Some(level) = heading_level(trimmed) {
            blocks.extend(open.take());
            blocks.push(Block {
                kind: BlockKind::Heading,
                span: span.clone(),
                new_row: false,
            });
            headings.push(Heading {
                level,
                text: span.clone(),
                section: span.start..text.len(),
            });
            continue;
        }
        // A line of a table (« | Prix | 40 % | ») is a row of its own: a window of the rule
        // language does not run from one row into the next.
        if trimmed.starts_with('|') {
            blocks.extend(open.take());
            blocks.push(Block {
                kind: BlockKind::Paragraph,
                span,
                new_row: false,
            });
            continue;
        }
        if is_list_item(trimmed) || is_field(trimmed) {
            blocks.extend(open.take());
            open = Some(Block {
                kind: BlockKind::ListItem,
                span,
                new_row: false,
            });
            continue;
        }
        match &mut open {
            Some(b) => b.span.end = span.end,
            None => {
                open = Some(Block {
                    kind: BlockKind::Paragraph,
                    span,
                    new_row: false,
                })
            }
        }
    }
    blocks.extend(open);
    close_sections(&mut headings, text.len());
    let whole = 0..text.len();
    (vec![whole], headings, blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_shapes() {
        assert_eq!(heading_level("ARTICLE 3 – PUBLIC VISÉ"), Some(2));
        assert_eq!(heading_level("Article 3.2 - Public"), Some(3));
        assert_eq!(heading_level("3.2 Public visé"), Some(3));
        assert_eq!(heading_level("3. Public visé"), Some(2));
        assert_eq!(
            heading_level("CAHIER DES CLAUSES TECHNIQUES PARTICULIÈRES"),
            Some(1)
        );
        assert_eq!(heading_level("II – Objet"), Some(1));
        assert_eq!(
            heading_level("1. Le titulaire transmet un rapport mensuel."),
            None
        );
        assert_eq!(
            heading_level("Le présent marché a pour objet une prestation."),
            None
        );
        assert_eq!(heading_level("- RSA"), None);
    }

    #[test]
    fn list_items_prechecked_as_the_regex_says() {
        let starts = [
            "-", "*", "•", "–", "·", "a)", "z)", "A)", "ab)", "1)", "12)", "1.)", "1", "é)", "",
            "x", "Le", " -",
        ];
        let rests = ["", " ", " item", "item", "\titem", ") x", "  "];
        for a in starts {
            for b in rests {
                let line = format!("{a}{b}");
                assert_eq!(is_list_item(&line), LIST_ITEM.is_match(&line), "{line:?}");
            }
        }
    }

    /// A line the article or part patterns match starts like one of their words, in every
    /// case (the regexes are only run on those).
    #[test]
    fn heading_shapes_prechecked_as_the_regex_says() {
        let starts = [
            "Article", "ARTICLE", "aRtIcLe", "Art.", "art", "Arti", "Afin", "au", "Titre", "TITRE",
            "titres", "Chapitre", "chap", "Partie", "PARTIES", "Section", "SECTION", "ſection",
            "Sect", "Tout", "Pour", "Ce", "",
        ];
        let rests = [
            " 3",
            " 1er",
            " II",
            "3.2 – Objet",
            " premier",
            ": ",
            " x",
            "",
            "\t12",
        ];
        for a in starts {
            for b in rests {
                let line = format!("{a}{b}");
                if ARTICLE.is_match(&line) {
                    assert!(starts_like(&line, &["article"]), "{line:?}");
                }
                if PART.is_match(&line) && !line.starts_with('ſ') {
                    assert!(
                        starts_like(&line, &["titre", "chapitre", "partie", "section"]),
                        "{line:?}"
                    );
                }
            }
        }
        assert_eq!(heading_level("ſection 2 – Public"), Some(1));
        // The number of a numbered heading, as the pattern's group gives it.
        let numbers = [
            "1", "12", "1.2", "1.2.3", "1.", "1..2", "1.2.", "12.x", "3)",
        ];
        let rests = [
            " Objet", ". Objet", ") Objet", "  Public", "x", " 12", ".3 Objet", "",
        ];
        for a in numbers {
            for b in rests {
                let line = format!("{a}{b}");
                if let Some(c) = NUMBERED.captures(&line) {
                    assert_eq!(leading_number(&line), &c[1], "{line:?}");
                }
            }
        }
        assert_eq!(heading_level("1.2.3 Encadrement"), Some(4));
        assert_eq!(heading_level("Art. 4 Délais"), Some(2));
        assert_eq!(heading_level("Afin de garantir"), None);
    }

    #[test]
    fn blocks_and_sections() {
        let t = "CCTP TEST\n\nARTICLE 1 – OBJET\nLe marché a pour objet\nune prestation.\n\n- un\n- deux\n\n1.1 Détail\ntexte\nARTICLE 2 – PUBLIC\nDELD\n";
        let (_, headings, blocks) = structure(t);
        let h: Vec<(&str, u8)> = headings
            .iter()
            .map(|h| (&t[h.text.clone()], h.level))
            .collect();
        assert_eq!(
            h,
            [
                ("CCTP TEST", 1),
                ("ARTICLE 1 – OBJET", 2),
                ("1.1 Détail", 3),
                ("ARTICLE 2 – PUBLIC", 2)
            ]
        );
        assert!(t[headings[1].section.clone()].contains("texte"));
        assert!(!t[headings[1].section.clone()].contains("DELD"));
        let paras: Vec<&str> = blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Paragraph)
            .map(|b| &t[b.span.clone()])
            .collect();
        assert_eq!(
            paras,
            ["Le marché a pour objet\nune prestation.", "texte", "DELD"]
        );
    }
}
