//! A passage of a text around a place, as the outputs quote it: its sentence, cut between two
//! words when it is long, never inside a word.

use std::ops::Range;

/// Whether a line may break at `c`: white space, but not the no-break spaces that French puts
/// inside « » and before ; : ! ? (and between a number and its unit), which keep their words
/// together. An apostrophe or a hyphen is inside a word.
pub fn breaks_at(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{2060}')
}

/// The char boundary at or before byte `i` of `text` (its end if `i` is past it).
pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The char boundary at or after byte `i` of `text` (its end if `i` is past it).
pub fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The sentence around `r` in `text` (its bytes), with at most `max` bytes on each side of
/// `r`, and whether it was cut at its start and at its end. A cut is made between two words:
/// the passage starts at the first word that begins within `max` bytes of `r` and ends with
/// the last word that ends within `max` bytes of it. A word longer than that is left out
/// rather than cut (the passage then starts or ends at `r` itself).
pub fn around(text: &str, r: Range<usize>, max: usize) -> (Range<usize>, bool, bool) {
    let stops = |c: char| matches!(c, '.' | ';' | '\n' | '!' | '?');
    let r = floor_boundary(text, r.start)..ceil_boundary(text, r.end.max(r.start));
    let mut start = text[..r.start].rfind(stops).map_or(0, |n| n + 1);
    let mut end = text[r.end..]
        .find(stops)
        .map_or(text.len(), |n| r.end + n + 1);
    let (mut cut_start, mut cut_end) = (false, false);
    if r.start - start > max {
        let from = ceil_boundary(text, r.start - max);
        let word_starts_here = text[..from].chars().next_back().is_some_and(breaks_at);
        start = if word_starts_here {
            from
        } else {
            match text[from..r.start]
                .char_indices()
                .find(|(_, c)| breaks_at(*c))
            {
                Some((i, c)) => from + i + c.len_utf8(),
                None => r.start,
            }
        };
        cut_start = true;
    }
    if end - r.end > max {
        let to = floor_boundary(text, r.end + max);
        let word_ends_here = text[to..].chars().next().is_none_or(breaks_at);
        end = if word_ends_here {
            to
        } else {
            match text[r.end..to].rfind(breaks_at) {
                Some(i) => r.end + i,
                None => r.end,
            }
        };
        cut_end = true;
    }
    (start..end, cut_start, cut_end)
}

/// The sentence around `r` as text, at most `max` bytes on each side of `r`, trimmed, with
/// « … » where it was cut (see [`around`]).
pub fn quote(text: &str, r: Range<usize>, max: usize) -> String {
    let (win, cut_start, cut_end) = around(text, r, max);
    let mut out = String::new();
    if cut_start {
        out.push('…');
    }
    out.push_str(text[win].trim());
    if cut_end {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `around` for the first occurrence of `word` in `text`, as the text it keeps.
    fn kept(text: &str, word: &str, max: usize) -> (String, bool, bool) {
        let at = text.find(word).unwrap();
        let (win, a, b) = around(text, at..at + word.len(), max);
        (text[win].trim().to_string(), a, b)
    }

    #[test]
    fn a_short_sentence_is_kept_whole() {
        let text = "Titre. Le marché a pour objet l’insertion. Autre phrase.";
        assert_eq!(
            kept(text, "objet", 200),
            ("Le marché a pour objet l’insertion.".into(), false, false)
        );
    }

    #[test]
    fn a_long_sentence_is_cut_between_words_never_inside_one() {
        let words = "réhabilitation d’équipements ".repeat(20);
        let text = format!("{words}accompagnement socio-professionnel {words}");
        for max in 10..80 {
            let (s, a, b) = kept(&text, "accompagnement", max);
            assert!(a && b, "{max}");
            let whole = [
                "réhabilitation",
                "d’équipements",
                "accompagnement",
                "socio-professionnel",
            ];
            assert!(s.split(' ').all(|w| whole.contains(&w)), "{max}: {s}");
            assert!(s.contains("accompagnement"), "{s}");
            if max >= 20 {
                assert!(s.contains("accompagnement socio-professionnel"), "{s}");
            }
        }
    }

    #[test]
    fn an_apostrophe_is_inside_a_word() {
        // A cut just after « d’ » would leave « équipements » alone: the word is whole or out.
        let text = "aaaa d’équipements ciblés pour l’insertion";
        let (s, a, _) = kept(text, "insertion", 25);
        assert!(a);
        assert_eq!(s, "ciblés pour l’insertion");
    }

    #[test]
    fn a_no_break_space_holds_its_words_together() {
        let text = "xxxxxxxx au moins 10\u{a0}% des heures\u{a0}: la clause";
        // « 10 % » and « heures : » are not split at their no-break spaces: whole or out.
        assert_eq!(kept(text, "des", 5), ("des".into(), true, true));
        assert_eq!(kept(text, "des", 6).0, "10\u{a0}% des");
        assert_eq!(kept(text, "des", 9).0, "10\u{a0}% des");
        assert_eq!(kept(text, "des", 10).0, "10\u{a0}% des heures\u{a0}:");
    }

    #[test]
    fn a_word_longer_than_the_window_is_left_out_not_cut() {
        let long = "x".repeat(500);
        let text = format!("voir {long}/insertion/{long} pour le détail");
        let (s, a, b) = kept(&text, "insertion", 100);
        assert!(a && b);
        assert_eq!(s, "insertion");
        // Accented multi-byte letters around the cut points never split a character.
        let text = format!("{} insertion {}", "é".repeat(300), "à".repeat(300));
        let (s, _, _) = kept(&text, "insertion", 101);
        assert_eq!(s, "insertion");
    }

    #[test]
    fn quote_marks_the_cuts() {
        let text = format!(
            "{}le public visé {}",
            "début ".repeat(30),
            "fin ".repeat(30)
        );
        let q = quote(
            &text,
            text.find("public").unwrap()..text.find(" visé").unwrap(),
            20,
        );
        assert_eq!(q, "…début début le public visé fin fin fin…");
        assert_eq!(quote("Court.", 0..5, 20), "Court.");
    }
}
