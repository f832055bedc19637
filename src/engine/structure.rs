//! The structure of a document as the evaluator sees it in folded text: paragraphs, table
//! cells and sentences, and whether a mention is negated or contrasted in its sentence.
//!
//! Folding turns every run of white space into one space. Between two blocks of the document
//! (paragraphs, headings, list items, table rows) that space is written `\n`, and between two
//! cells of one table row `\t`, so that a pattern written with spaces never runs from one block
//! into the next, and a window of the rule language can tell where a block ends. The offsets of
//! the folded text do not change: one byte replaces one byte.

use std::ops::Range;

use crate::compile::Unit;
use crate::document::{BlockKind, Document};
use crate::fold::Folded;

/// Writes the block and cell separators into a document's folded text.
pub fn mark_blocks(folded: &mut Folded, doc: &Document) {
    let mut marks: Vec<(usize, u8)> = Vec::new();
    let mut prev: Option<&crate::document::Block> = None;
    for b in &doc.blocks {
        if let Some(p) = prev {
            // Nested blocks (a paragraph inside a list item) share the outer block's gaps.
            if b.span.start < p.span.end {
                if b.span.end > p.span.end {
                    prev = Some(b);
                }
                continue;
            }
            // Two cells of one table row.
            let same_row =
                p.kind == BlockKind::TableCell && b.kind == BlockKind::TableCell && !b.new_row;
            let at = folded.to_folded(p.span.end);
            marks.push((at, if same_row { b'\t' } else { b'\n' }));
        }
        prev = Some(b);
    }
    if marks.is_empty() {
        return;
    }
    // SAFETY of the byte edits below: a space, `\n` and `\t` are one ASCII byte each, so the
    // text stays valid UTF-8 and its offsets do not move.
    let mut bytes = std::mem::take(&mut folded.text).into_bytes();
    for (at, mark) in marks {
        // The separator is the space folding wrote for the gap, at the end of the block or
        // just after its last character.
        for i in [at, at.wrapping_sub(1), at + 1] {
            if bytes.get(i) == Some(&b' ') {
                bytes[i] = mark;
                break;
            }
        }
    }
    folded.text = String::from_utf8(bytes).unwrap_or_default();
}

/// Where blocks and cells end in a folded text, for windows that must stay inside them.
#[derive(Debug, Default)]
pub struct Breaks {
    /// Offsets of `\n` (end of a paragraph, list item, heading or table row).
    blocks: Vec<u32>,
    /// Offsets of `\n` and `\t` (end of a block or of a table cell).
    cells: Vec<u32>,
}

impl Breaks {
    pub fn new(text: &str) -> Breaks {
        let mut b = Breaks::default();
        for i in memchr::memchr2_iter(b'\n', b'\t', text.as_bytes()) {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if text.as_bytes()[i as usize] == b'\n' {
                b.blocks.push(i);
            }
            b.cells.push(i);
        }
        b
    }

    /// The range of the unit (block or cell) that contains `at`.
    fn around(list: &[u32], at: usize, len: usize) -> Range<usize> {
        let i = list.partition_point(|&x| (x as usize) < at);
        let start = if i == 0 { 0 } else { list[i - 1] as usize + 1 };
        let end = list.get(i).map_or(len, |&x| x as usize);
        start..end
    }

    /// The unit of the structure around `span` (a match): the paragraph, the cell or the
    /// sentence that holds its start.
    pub fn unit(&self, text: &str, span: Range<usize>, unit: Unit) -> Range<usize> {
        match unit {
            Unit::Paragraph => Self::around(&self.blocks, span.start, text.len()),
            Unit::Cell => Self::around(&self.cells, span.start, text.len()),
            Unit::Sentence => {
                let cell = Self::around(&self.cells, span.start, text.len());
                sentence(text, cell, span)
            }
        }
    }
}

/// The longest stretch of a sentence looked at, each way from a match: a « sentence » longer
/// than this is a list without stops, and reading further would cost without telling more.
const SENTENCE_REACH: usize = 1500;

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "art", "n", "no", "cf", "etc", "m", "mme", "mmes", "mm", "p", "pp", "al", "ex", "env", "min",
    "max", "st", "ste", "vol", "chap", "ann", "annexe", "hab", "tel", "fax", "h", "mn", "dr",
];

/// Whether the byte at `i` (a `.`, `!` or `?`) ends a sentence.
fn ends_sentence(text: &[u8], i: usize) -> bool {
    let next = text.get(i + 1).copied();
    if !matches!(next, None | Some(b' ' | b'\n' | b'\t')) {
        return false;
    }
    if text[i] != b'.' {
        return true;
    }
    // The word before the stop: an abbreviation, a single letter or a number does not end
    // the sentence (« art. R2123-1 », « M. Dupont », « 3. »).
    let mut s = i;
    while s > 0 && text[s - 1].is_ascii_alphanumeric() {
        s -= 1;
    }
    let word = &text[s..i];
    if word.is_empty() {
        return true;
    }
    if word.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let w = std::str::from_utf8(word).unwrap_or("");
    !(w.len() == 1 || ABBREVIATIONS.contains(&w))
}

/// Where the sentence that holds `at` starts, not before `floor` (its cell) nor more than
/// [`SENTENCE_REACH`] bytes back.
fn sentence_start(b: &[u8], floor: usize, at: usize) -> usize {
    let lo = floor.max(at.saturating_sub(SENTENCE_REACH));
    let mut i = at.min(b.len());
    while i > lo {
        i -= 1;
        if matches!(b[i], b'.' | b'!' | b'?') && ends_sentence(b, i) {
            return i + 1;
        }
    }
    lo
}

/// The sentence around `span` inside `within` (its paragraph).
fn sentence(text: &str, within: Range<usize>, span: Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let start = sentence_start(b, within.start, span.start);
    let hi = within.end.min(span.end + SENTENCE_REACH).min(b.len());
    let mut end = hi;
    let mut j = span.end.max(start);
    while j < hi {
        if matches!(b[j], b'.' | b'!' | b'?') && ends_sentence(b, j) {
            end = j + 1;
            break;
        }
        j += 1;
    }
    start..end.max(start)
}

/// Words that negate what follows them in their clause, after `ne` / `n'`.
const AFTER_NE: &[&str] = &[
    "pas",
    "plus",
    "jamais",
    "aucun",
    "aucune",
    "aucuns",
    "aucunes",
    "rien",
    "nullement",
    "point",
    "guere",
    "ni",
    "nulle",
    "nul",
];

/// Words that, after a negation word, make it a restriction rather than a negation
/// (« ne … pas seulement », « non seulement », « ne … plus que »).
const RESTRICTIONS: &[&str] = &["seulement", "uniquement", "que", "qu", "simplement"];

/// Whether the mention that starts at `start` in the folded `text` is negated or contrasted in
/// its sentence: an odd number of negation or contrast cues stand between the start of its
/// clause and the mention (« ce marché n'est pas assorti d'une clause sociale », « sans
/// clause d'insertion », « aucune donnée de santé », « contrairement aux clauses d'insertion
/// de nos autres marchés », « et non un volume d'heures »). A cue inside the mention does not
/// count (« sans qualification » is the mention itself); two cues cancel out (« aucun salarié
/// n'est recruté sans diagnostic »).
pub fn is_negated(text: &str, breaks: &Breaks, start: usize) -> bool {
    // Only what comes before the mention in its sentence counts: scan back to the sentence's
    // start (the cell's, at most), not forward to its end.
    let cell = Breaks::around(&breaks.cells, start, text.len());
    let from = sentence_start(text.as_bytes(), cell.start, start);
    let before = &text[from..start.max(from)];
    // The clause: after the last `,` `;` `:` `(` `)` or quote mark before the mention, unless
    // a cue opens a list of negated items (« ni X, ni Y »: each `ni` is its own cue).
    let clause_start = before
        .rfind([',', ';', ':', '(', ')', '«', '»', '"', '\t', '\n'])
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    let clause = &before[clause_start..];
    // Most clauses hold no cue at all: tell so without gathering their words.
    let is_cue = |w: &str| {
        matches!(
            w,
            "ne" | "n"
                | "aucun"
                | "aucune"
                | "aucuns"
                | "aucunes"
                | "nul"
                | "nulle"
                | "sans"
                | "ni"
                | "non"
                | "contrairement"
                | "lieu"
                | "plutot"
                | "difference"
                | "hormis"
        )
    };
    if !clause
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(is_cue)
    {
        return false;
    }
    let words: Vec<&str> = clause
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut cues = 0usize;
    let mut pending_ne = false;
    let mut k = 0;
    while k < words.len() {
        let w = words[k];
        let next = words.get(k + 1).copied().unwrap_or("");
        let next2 = words.get(k + 2).copied().unwrap_or("");
        match w {
            "ne" | "n" => pending_ne = true,
            _ if pending_ne && AFTER_NE.contains(&w) => {
                pending_ne = false;
                if !RESTRICTIONS.contains(&next) {
                    cues += 1;
                }
            }
            "sans" if next == "prejudice" => {}
            "aucun" | "aucune" | "aucuns" | "aucunes" | "nul" | "nulle" | "sans" | "ni" => {
                cues += 1
            }
            // « non » negates in « et non … », « non pas … », or as the word right before the
            // mention (« salariés non qualifiés »); « leur non-réalisation » is a noun.
            "non"
                if !RESTRICTIONS.contains(&next)
                    && (next == "pas"
                        || k + 1 == words.len()
                        || (k > 0 && matches!(words[k - 1], "et" | "ou" | "mais"))) =>
            {
                cues += 1
            }
            "contrairement" => cues += 1,
            "plutot" if next == "que" || next == "qu" => cues += 1,
            "au" if next == "lieu" => cues += 1,
            "a" if next == "la" && next2 == "difference" => cues += 1,
            "hormis" => cues += 1,
            _ => {}
        }
        k += 1;
    }
    cues % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold_str;

    /// Whether the first occurrence of `mention` (folded) in `text` is negated.
    fn negated(text: &str, mention: &str) -> bool {
        let t = fold_str(text);
        let m = fold_str(mention);
        let at = t.find(&m).unwrap_or_else(|| panic!("{m:?} not in {t:?}"));
        is_negated(&t, &Breaks::new(&t), at)
    }

    #[test]
    fn french_negations_and_contrasts() {
        let yes = [
            (
                "Ce contrat n’est pas assorti d’une clause sociale.",
                "clause sociale",
            ),
            (
                "L’insertion n’y est pas mesurée en volume d’heures.",
                "volume d'heures",
            ),
            (
                "Contrairement aux clauses d’insertion de nos autres marchés, le présent marché achète un service.",
                "clauses d'insertion",
            ),
            (
                "Aucune donnée de santé n’est communiquée à l’acheteur.",
                "donnée de santé",
            ),
            (
                "Le titulaire travaille sans obligation de résultat.",
                "obligation de résultat",
            ),
            (
                "Il ne s’agit plus d’un marché de travaux.",
                "marché de travaux",
            ),
            (
                "Le prix n’est jamais le critère principal.",
                "critère principal",
            ),
            (
                "Une prestation d’insertion, et non un marché de nettoyage.",
                "marché de nettoyage",
            ),
            (
                "Le marché n'est ni un marché réservé, ni une clause sociale.",
                "clause sociale",
            ),
            (
                "À la différence des clauses sociales, l’insertion est l’objet.",
                "clauses sociales",
            ),
            (
                "CE MARCHE N'EST PAS UN MARCHE DE TRAVAUX.",
                "marche de travaux",
            ),
            ("des salariés non qualifiés", "qualifiés"),
            (
                "Au lieu d’un volume d’heures, le marché fixe des parcours.",
                "volume d'heures",
            ),
            (
                "Leur non-réalisation ne donne lieu à aucune pénalité.",
                "pénalité",
            ),
            // An abbreviation does not end the sentence of the negation.
            (
                "Le marché n’est pas soumis à l’art. 5 ou à une clause sociale.",
                "clause sociale",
            ),
        ];
        for (text, mention) in yes {
            assert!(
                negated(text, mention),
                "{mention:?} should be negated in {text:?}"
            );
        }
    }

    #[test]
    fn affirmed_mentions() {
        let no = [
            // The cue is after the mention, or in another clause or sentence.
            (
                "Une clause sociale s’applique, sans exception.",
                "clause sociale",
            ),
            (
                "Le marché n’est pas alloti. La clause sociale s’applique.",
                "clause sociale",
            ),
            (
                "Le titulaire n’a pas de sous-traitant, et désigne un encadrant technique.",
                "encadrant technique",
            ),
            // Restrictions are not negations.
            (
                "Le titulaire ne recrute que des bénéficiaires du RSA.",
                "bénéficiaires du RSA",
            ),
            (
                "Non seulement un encadrant technique, mais aussi un référent.",
                "encadrant technique",
            ),
            // Two cues cancel out.
            (
                "Aucun salarié n’est recruté sans diagnostic initial.",
                "diagnostic initial",
            ),
            // « sans préjudice de » keeps what follows.
            (
                "sans préjudice des pénalités prévues à l’article 9",
                "pénalités",
            ),
            // The cue inside the mention is the mention.
            ("jeunes sans qualification", "sans qualification"),
        ];
        for (text, mention) in no {
            assert!(
                !negated(text, mention),
                "{mention:?} should not be negated in {text:?}"
            );
        }
    }

    /// The folded text of a Markdown document with its block and cell separators.
    fn marked(md: &str) -> String {
        let doc = Document::from_text(
            std::path::Path::new("t.md"),
            "t.md",
            crate::document::Format::Markdown,
            md.to_string(),
        );
        let mut folded = crate::fold::fold(&doc.text, &doc.content);
        mark_blocks(&mut folded, &doc);
        folded.text
    }

    #[test]
    fn blocks_rows_and_cells_are_marked() {
        let t = marked(
            "# Titre\n\nUn paragraphe.\n\n| Critère | Poids |\n|---|---|\n| Prix | 40 % |\n| Heures | 12 h |\n\n- un point\n- un autre\n",
        );
        assert_eq!(
            t,
            "titre\nun paragraphe.\ncritere\tpoids\nprix\t40 %\nheures\t12 h\nun point\nun autre"
        );
    }

    #[test]
    fn units_of_structure() {
        let t = "la phrase un. la phrase deux\tcellule\nautre paragraphe";
        let b = Breaks::new(t);
        let at = t.find("deux").unwrap();
        assert_eq!(&t[b.unit(t, at..at + 4, Unit::Sentence)], " la phrase deux");
        assert_eq!(
            &t[b.unit(t, at..at + 4, Unit::Paragraph)],
            "la phrase un. la phrase deux\tcellule"
        );
        assert_eq!(
            &t[b.unit(t, at..at + 4, Unit::Cell)],
            "la phrase un. la phrase deux"
        );
        let at = t.find("autre").unwrap();
        assert_eq!(&t[b.unit(t, at..at + 5, Unit::Cell)], "autre paragraphe");
    }
}
