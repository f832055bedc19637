//! French-aware folding, shared by documents and patterns so that both are compared the same
//! way: lower case, no accents, ligatures expanded, one kind of apostrophe, one space for any run
//! of white space, hyphens between letters as spaces, U+FFFD as `_`.

use std::ops::Range;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// A folded text and, for each of its bytes, the byte offset in the original text it came from.
///
/// The map is stored as runs: a new run starts wherever a folded byte does not come from the
/// original byte right after the previous one (an accent dropped, spaces joined, markup
/// skipped). On French text that is a few bytes of map per hundred bytes of text, instead of
/// eight per byte, which matters when a tender holds hundreds of documents.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    pub text: String,
    /// `(folded offset, original offset)` where a run starts; positions `0..=text.len()` are
    /// covered (the last one is the end of the original text). Offsets fit in 32 bits: texts
    /// are at most [`crate::limits::TEXT_BYTES_CEILING`] bytes, and folding does not lengthen
    /// them more than twice.
    runs: Vec<(u32, u32)>,
}

impl Folded {
    /// Records that the folded byte at `pos` comes from original offset `at`.
    #[inline]
    fn map_push(&mut self, pos: usize, at: usize) {
        let (pos, at) = (offset(pos), offset(at));
        match self.runs.last() {
            Some(&(f, o)) if o + (pos - f) == at => {}
            _ => self.runs.push((pos, at)),
        }
    }

    /// Pushes one folded character that comes from original offset `at`.
    #[inline]
    fn push(&mut self, c: char, at: usize) {
        let pos = self.text.len();
        self.text.push(c);
        for p in pos..self.text.len() {
            self.map_push(p, at);
        }
    }

    /// The original offset of folded position `i` (`0..=text.len()`).
    pub fn map(&self, i: usize) -> usize {
        let k = self.runs.partition_point(|&(f, _)| f as usize <= i);
        match k.checked_sub(1).map(|k| self.runs[k]) {
            Some((f, o)) => o as usize + (i - f as usize),
            None => 0,
        }
    }

    /// The original byte range of a folded range.
    pub fn original(&self, r: Range<usize>) -> Range<usize> {
        let start = self.map(r.start.min(self.text.len()));
        let end = if r.end > r.start {
            // The end of the last folded byte's source character.
            let last = self.map(r.end - 1);
            let next = self.map(r.end.min(self.text.len()));
            next.max(last + 1)
        } else {
            start
        };
        start..end.max(start)
    }

    /// The first folded offset whose original offset is at or after `orig`.
    pub fn to_folded(&self, orig: usize) -> usize {
        // Original offsets never decrease along the folded text.
        let k = self.runs.partition_point(|&(_, o)| (o as usize) < orig);
        let mut best = self
            .runs
            .get(k)
            .map_or(self.text.len(), |&(f, _)| f as usize);
        if let Some(&(f, o)) = k.checked_sub(1).map(|k| &self.runs[k]) {
            // Inside the previous run, the offsets grow one by one.
            best = best.min(f as usize + (orig - o as usize));
        }
        best.min(self.text.len())
    }
}

/// An offset in a text as stored in maps and indexes: 32 bits (see
/// [`crate::limits::TEXT_BYTES_CEILING`]; saturates rather than wraps).
pub fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´' | '′')
}

pub(crate) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '−')
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
    )
}

/// Folds one letter (not a space, apostrophe or dash) into `out`.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if !push_expanded(c, out) && !is_combining_mark(c) {
        for l in c.to_lowercase() {
            decompose_canonical(l, |d| {
                // A decomposed letter may be a ligature again (`ǣ` gives `æ`).
                if is_apostrophe(d) {
                    out.push('\'');
                } else if !is_combining_mark(d) && !push_expanded(d, out) {
                    out.push(d.to_ascii_lowercase());
                }
            });
        }
    }
}

/// Ligatures and letters written as several letters; whether `c` was one.
fn push_expanded(c: char, out: &mut String) -> bool {
    let s = match c {
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' => "ss",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        // The long s of old typography.
        'ſ' => "s",
        '\u{fffd}' => "_",
        _ => return false,
    };
    out.push_str(s);
    true
}

/// Whether `c` can stand in a folded text as itself: folding leaves it unchanged. Patterns
/// on folded text use this to drop what can never match (upper case, accents, other spaces).
pub fn folds_to_itself(c: char) -> bool {
    // ASCII without folding into a string: the classes of a pattern ask for each member.
    if c.is_ascii() {
        return !(c.is_ascii_uppercase() || (c.is_whitespace() && c != ' ') || c == '`');
    }
    folds_to_itself_by_folding(c)
}

/// [`folds_to_itself`] for any character, by folding it.
fn folds_to_itself_by_folding(c: char) -> bool {
    if c.is_whitespace() {
        return c == ' ';
    }
    if is_apostrophe(c) {
        return c == '\'';
    }
    if is_dash(c) {
        return c == '-';
    }
    if is_invisible(c) {
        return false;
    }
    if c == '<' {
        return true;
    }
    let mut s = String::new();
    fold_char(c, &mut s);
    s.len() == c.len_utf8() && s.starts_with(c)
}

/// Length of a `<br>`, `<br/>` or `<br />` tag at the start of `s`, if there is one.
fn br_tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.len() < 4
        || b[0] != b'<'
        || !b[1].eq_ignore_ascii_case(&b'b')
        || !b[2].eq_ignore_ascii_case(&b'r')
    {
        return None;
    }
    let mut i = 3;
    while i < b.len() && (b[i] == b' ' || b[i] == b'/') {
        i += 1;
    }
    (i < b.len() && b[i] == b'>').then_some(i + 1)
}

/// Folds the parts `ranges` of `src` (the readable text; markup in between is skipped, and
/// counts as a space when it contains white space).
pub fn fold(src: &str, ranges: &[Range<usize>]) -> Folded {
    let mut out = Folded {
        text: String::with_capacity(src.len()),
        runs: Vec::new(),
    };
    let mut prev_end: Option<usize> = None;
    let mut k = 0;
    while k < ranges.len() {
        let r = &ranges[k];
        if let Some(p) = prev_end
            && p < r.start
            && src[p..r.start].contains(char::is_whitespace)
            // A word broken at a line end (`qualifi-⏎cation`) folds as one word.
            && !(src[p..r.start].starts_with('-') && src[p + 1..r.start].trim().is_empty())
        {
            push_space(&mut out, p);
        }
        // Ranges apart by white space only (the lines of a paragraph) fold as one: the white
        // space between them folds to the one space written above. Fewer, longer runs.
        let mut end = r.end;
        k += 1;
        // Not across spaces alone: a `<br` tag (`<br />`) could span them.
        while let Some(next) = ranges.get(k)
            && next.start > end
            && src[end..next.start].chars().all(char::is_whitespace)
            && src[end..next.start].contains(|c| c != ' ')
        {
            end = next.end;
            k += 1;
        }
        fold_range(src, r.start..end, &mut out);
        prev_end = Some(end);
    }
    let end = out.text.len();
    out.map_push(end, prev_end.unwrap_or(0));
    // A tender keeps the folded text of each of its documents: no growth slack.
    out.runs.shrink_to_fit();
    out.text.shrink_to_fit();
    out
}

fn push_space(out: &mut Folded, at: usize) {
    if !out.text.is_empty() && !out.text.ends_with(' ') {
        out.push(' ', at);
    }
}

/// How the letters U+00C0 to U+017F (accented Latin) fold: computed once by [`fold_char`].
static LATIN: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    (0xc0u32..0x180)
        .map(|c| {
            let mut s = String::new();
            fold_char(char::from_u32(c).unwrap_or(' '), &mut s);
            s
        })
        .collect()
});

/// The bytes that fold to themselves (once lower-cased) whatever surrounds them.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || (c.is_ascii_graphic() && c != b'<' && c != b'`' && c != b'-');
        b += 1;
    }
    t
};

/// Whether eight bytes fold to themselves (but for upper case) one by one: each is [`PLAIN`]
/// or a space, and no two spaces follow each other (a run of white space folds to one space).
/// A space first must also follow something else than a space; the caller checks that.
fn plain_chunk(chunk: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
        return false;
    };
    let x = u64::from_le_bytes(bytes);
    // The high bit of each byte of `x` equal to `b` (exact, for ASCII bytes).
    let equal = |b: u8| {
        let v = x ^ (ONES * u64::from(b));
        !(((v & !HIGH) + !HIGH) | v | !HIGH)
    };
    // ASCII, none below a space nor DEL, none of `<`, `` ` `` and `-`.
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    let special = equal(0x7f) | equal(b'<') | equal(b'`') | equal(b'-');
    let spaces = equal(b' ');
    x & HIGH == 0 && below_space == 0 && special == 0 && spaces & (spaces << 8) == 0
}

/// For each accented Latin letter U+00C0 to U+017F: the ASCII letter it folds to, or 0 when it
/// folds to something else (`œ`, `ß`, `×`).
static LATIN_LETTER: std::sync::LazyLock<[u8; 0xc0]> = std::sync::LazyLock::new(|| {
    let mut t = [0u8; 0xc0];
    for (k, folded) in LATIN.iter().enumerate() {
        if let &[b] = folded.as_bytes()
            && b.is_ascii_alphabetic()
        {
            t[k] = b;
        }
    }
    t
});

/// The index in [`LATIN`] of the accented Latin letter (U+00C0 to U+017F) whose UTF-8 starts
/// at `j`, if there is one.
fn latin_at(bytes: &[u8], j: usize) -> Option<usize> {
    let (&b, &n) = (bytes.get(j)?, bytes.get(j + 1)?);
    if !(0xc3..=0xc5).contains(&b) {
        return None;
    }
    (usize::from(b & 0x1f) << 6 | usize::from(n & 0x3f)).checked_sub(0xc0)
}

fn fold_range(src: &str, r: Range<usize>, out: &mut Folded) {
    let s = &src[r.clone()];
    let bytes = s.as_bytes();
    let latin_letter = &*LATIN_LETTER;
    // The letter an accented Latin letter at `j` folds to, if a single ASCII letter.
    let accented = |j: usize| -> Option<u8> {
        let letter = latin_letter[latin_at(bytes, j)?];
        (letter != 0).then_some(letter)
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let at = r.start + i;
        // Fast path: most of a French text is ASCII letters, digits and punctuation that fold
        // to themselves (lower-cased), single spaces and line breaks, accented letters, curly
        // apostrophes and hyphens between words.
        if PLAIN[b as usize] {
            // The whole run at once, copied and lower-cased in place; a map entry only where
            // the folded text stops following the original byte for byte (after an accented
            // letter or a curly apostrophe). What it does not know ends it.
            let mut j = i + 1;
            let pos = out.text.len();
            out.map_push(pos, at);
            let mut copied = i;
            // Replaces the bytes `j..j + len` by `with`; when `len > 1`, the next folded byte
            // comes from `j + len` (a map entry).
            let replace = |out: &mut Folded, copied: &mut usize, j: usize, len: usize, with| {
                out.text.push_str(&s[*copied..j]);
                out.text.push(with);
                *copied = j + len;
                if len > 1 {
                    out.map_push(out.text.len(), r.start + j + len);
                }
            };
            while j < bytes.len() {
                // Eight bytes at a time through words and single spaces.
                if let Some(chunk) = bytes.get(j..j + 8)
                    && plain_chunk(chunk)
                    && (chunk[0] != b' ' || (copied < j && bytes[j - 1] != b' '))
                {
                    j += 8;
                    continue;
                }
                let c = bytes[j];
                if PLAIN[c as usize] {
                    j += 1;
                    continue;
                }
                // The last folded byte: still to copy, or already written.
                let last = if copied < j {
                    bytes[j - 1]
                } else {
                    out.text.as_bytes().last().copied().unwrap_or(b' ')
                };
                if matches!(c, b' ' | b'\n' | b'\t') && last != b' ' {
                    // One space for a run of white space: a second one ends the run.
                    if c != b' ' {
                        replace(out, &mut copied, j, 1, ' ');
                    }
                    j += 1;
                } else if let Some(l) = accented(j) {
                    replace(out, &mut copied, j, 2, char::from(l));
                    j += 2;
                } else if c == 0xe2 && matches!(bytes.get(j + 1..j + 3), Some([0x80, 0x98 | 0x99]))
                {
                    // ‘ and ’: an apostrophe.
                    replace(out, &mut copied, j, 3, '\'');
                    j += 3;
                } else if c == b'-' && !last.is_ascii_alphabetic() {
                    // A hyphen after something else than a letter stays.
                    j += 1;
                } else if c == b'-' && bytes.get(j + 1).is_some_and(u8::is_ascii) {
                    // After a letter: between two letters it is a space (`socio-professionnel`).
                    if bytes[j + 1].is_ascii_alphabetic() {
                        replace(out, &mut copied, j, 1, ' ');
                    }
                    j += 1;
                } else {
                    break;
                }
            }
            out.text.push_str(&s[copied..j]);
            out.text[pos..].make_ascii_lowercase();
            i = j;
            continue;
        }
        // Accented Latin letters, from a table.
        if let Some(k) = latin_at(bytes, i) {
            let before = out.text.len();
            out.text.push_str(&LATIN[k]);
            for p in before..out.text.len() {
                out.map_push(p, at);
            }
            i += 2;
            continue;
        }
        i = fold_one(s, i, r.start, out);
    }
}

/// Folds the character at `i` of `s` (a range of the original text starting at `base`) one
/// character at a time, and returns where the next one starts.
fn fold_one(s: &str, i: usize, base: usize, out: &mut Folded) -> usize {
    let at = base + i;
    let Some(c) = s[i..].chars().next() else {
        return s.len();
    };
    let n = c.len_utf8();
    if c.is_whitespace() {
        push_space(out, at);
    } else if c == '<'
        && let Some(tag) = br_tag_len(&s[i..])
    {
        push_space(out, at);
        return i + tag;
    } else if is_apostrophe(c) {
        out.push('\'', at);
    } else if is_dash(c) {
        let prev_letter = out
            .text
            .chars()
            .next_back()
            .is_some_and(|p| p.is_alphabetic());
        let next_letter = s[i + n..].chars().next().is_some_and(|n| n.is_alphabetic());
        if prev_letter && next_letter {
            push_space(out, at);
        } else {
            out.push('-', at);
        }
    } else if is_invisible(c) {
    } else {
        let before = out.text.len();
        fold_char(c, &mut out.text);
        for p in before..out.text.len() {
            out.map_push(p, at);
        }
    }
    i + n
}

/// Folds a short string on its own (for headings and tests).
pub fn fold_str(s: &str) -> String {
    fold(s, std::slice::from_ref(&(0..s.len()))).text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Lcg;

    /// The literal scan leaves out of a pattern what `folds_to_itself` says folded text cannot
    /// hold: every character that folding produces must pass it, or matches would be missed.
    #[test]
    fn folding_only_produces_characters_that_fold_to_themselves() {
        for c in (0..0x32000u32).filter_map(char::from_u32) {
            let text = format!("a{c}a");
            for f in fold_str(&text).chars() {
                assert!(folds_to_itself(f), "{c:?} folds to {f:?}");
            }
        }
        assert!(!folds_to_itself('É') && !folds_to_itself('é') && !folds_to_itself('\u{a0}'));
        // The quick answer for ASCII is the one folding gives.
        for c in (0..0x80u8).map(char::from) {
            assert_eq!(folds_to_itself(c), folds_to_itself_by_folding(c), "{c:?}");
        }
        assert!(folds_to_itself('e') && folds_to_itself(' ') && folds_to_itself('\''));
    }

    /// The fast paths (runs of plain ASCII with single spaces, the Latin table) give what
    /// folding one character at a time gives.
    #[test]
    fn fast_paths_fold_as_one_character_at_a_time() {
        let palette = [
            "a", "Z", "é", "É", "ç", "œ", "ſ", " ", "  ", "\u{a0}", "'", "’", "1", ".", "\n", "ǅ",
            "x", "<br>", "<", "ÿ", "Ŀ", "ĳ",
        ];
        let mut random = Lcg(11);
        for _ in 0..2000 {
            let t = random.text(&palette, 32);
            let whole = fold(&t, std::slice::from_ref(&(0..t.len())));
            let mut chars: Vec<Range<usize>> = Vec::new();
            for (i, c) in t.char_indices() {
                chars.push(i..i + c.len_utf8());
            }
            // `<br>` is one unit for the slow path too.
            let mut units: Vec<Range<usize>> = Vec::new();
            for r in chars {
                match units.last_mut() {
                    Some(u) if t[u.start..].starts_with("<br>") && u.end < u.start + 4 => {
                        u.end = r.end
                    }
                    _ => units.push(r),
                }
            }
            let one_by_one = fold(&t, &units);
            assert_eq!(whole.text, one_by_one.text, "{t:?}");
            for i in 0..=whole.text.len() {
                assert_eq!(whole.map(i), one_by_one.map(i), "{t:?} at {i}");
            }
        }
    }

    /// The fast paths (runs of ASCII with spaces, line breaks, accented letters, curly
    /// apostrophes and hyphens) fold as the character-by-character path does, map included.
    #[test]
    fn fast_paths_fold_as_the_slow_path() {
        let slowly = |t: &str| {
            let mut out = Folded::default();
            let mut i = 0;
            while i < t.len() {
                i = fold_one(t, i, 0, &mut out);
            }
            let end = out.text.len();
            out.map_push(end, t.len());
            out
        };
        let palette = [
            "a", "Z", "é", "É", "ç", "œ", "×", "ÿ", "Ŀ", " ", "  ", "\t", "\n", "\r\n", "\u{a0}",
            "'", "’", "‘", "`", "-", "—", "1", ".", "<br>", "<", "\u{200b}", "ſ", "ǅ", "x", "é-",
            "-a", "a-", "Ë",
        ];
        // Mostly words and single spaces, as in a draft: runs long enough for the eight bytes
        // at a time of the fast path.
        let prose = [
            "insertion",
            "Marché",
            "ARTICLE 12",
            "l'objet",
            " ",
            " ",
            " ",
            "  ",
            "\n",
            "\t",
            "-",
            "`",
            "<br>",
            "<",
            "\u{7f}",
            "\u{1}",
            "’",
            "é",
            "x.y;z",
            "a-b",
        ];
        let mut random = Lcg(5);
        for palette in [&palette[..], &prose[..]] {
            for _ in 0..5000 {
                let t = random.text(palette, 32);
                let fast = fold(&t, std::slice::from_ref(&(0..t.len())));
                let slow = slowly(&t);
                assert_eq!(fast.text, slow.text, "{t:?}");
                for i in 0..=fast.text.len() {
                    assert_eq!(fast.map(i), slow.map(i), "{t:?} at {i}");
                }
            }
        }
    }

    /// Eight bytes are one plain chunk exactly when each is plain or a space, and no two spaces
    /// follow each other.
    #[test]
    fn plain_chunks_are_found_exactly() {
        let bytes = [
            b'a', b'Z', b'0', b'.', b' ', b'-', b'<', b'`', 0x7f, 0x1f, b'\n', 0xc3, 0xa9,
        ];
        let mut random = Lcg(3);
        for _ in 0..100_000 {
            let chunk: Vec<u8> = (0..8).map(|_| bytes[random.below(bytes.len())]).collect();
            let expected = chunk.iter().all(|&b| PLAIN[usize::from(b)] || b == b' ')
                && !chunk.windows(2).any(|w| w == b"  ");
            assert_eq!(plain_chunk(&chunk), expected, "{chunk:?}");
        }
        assert!(plain_chunk(b"le march") && !plain_chunk(b"le  marc") && !plain_chunk(b"short"));
    }

    /// Ranges apart by white space only are folded as one: the same text and map as folding
    /// them one by one with one space between.
    #[test]
    fn ranges_apart_by_white_space_fold_as_one() {
        let one_by_one = |src: &str, ranges: &[Range<usize>]| {
            let mut out = Folded::default();
            let mut prev_end: Option<usize> = None;
            for r in ranges {
                if let Some(p) = prev_end
                    && p < r.start
                    && src[p..r.start].contains(char::is_whitespace)
                {
                    push_space(&mut out, p);
                }
                fold_range(src, r.clone(), &mut out);
                prev_end = Some(r.end);
            }
            let end = out.text.len();
            out.map_push(end, prev_end.unwrap_or(0));
            out
        };
        let words = [
            "Marché",
            "d’insertion",
            "a",
            "-",
            "<br>",
            "<br",
            "<BR /",
            ">",
            "É",
            "12 %",
            "x",
            "",
        ];
        let gaps = [
            "\n", "  \n  ", " ", "  ", "\n\n", "**", "\n> ", "", "\t", "\u{a0}",
        ];
        let mut random = Lcg(3);
        let mut next = |n: usize| random.below(n);
        for _ in 0..3000 {
            let (mut src, mut ranges) = (String::new(), Vec::new());
            for _ in 0..next(8) {
                src.push_str(gaps[next(gaps.len())]);
                let start = src.len();
                for _ in 0..next(3) + 1 {
                    src.push_str(words[next(words.len())]);
                    if next(2) == 0 {
                        src.push(' ');
                    }
                }
                ranges.push(start..src.len());
            }
            let (merged, apart) = (fold(&src, &ranges), one_by_one(&src, &ranges));
            assert_eq!(merged.text, apart.text, "{src:?} {ranges:?}");
            for i in 0..=merged.text.len() {
                assert_eq!(merged.map(i), apart.map(i), "{src:?} {ranges:?} at {i}");
            }
        }
    }

    #[test]
    fn folds_case_accents_ligatures_spaces() {
        assert_eq!(
            fold_str("Marché  d’Insertion\u{a0}ŒUVRE"),
            "marche d'insertion oeuvre"
        );
        assert_eq!(fold_str("socio-professionnel"), "socio professionnel");
        assert_eq!(fold_str("R2123-1 3°"), "r2123-1 3°");
        assert_eq!(fold_str("a<br />b<BR>c"), "a b c");
        assert_eq!(fold_str("march\u{fffd}"), "march_");
        assert_eq!(fold_str("ARTICLE 3 – OBJET"), "article 3 - objet");
        assert_eq!(fold_str("e\u{301}te\u{301}"), "ete");
    }

    #[test]
    fn map_points_back_to_original() {
        let src = "Œuvre  é";
        let f = fold(src, std::slice::from_ref(&(0..src.len())));
        assert_eq!(f.text, "oeuvre e");
        for i in 0..=f.text.len() {
            assert!(f.map(i) <= src.len());
        }
        assert_eq!(&src[f.original(0..6)], "Œuvre");
        assert_eq!(&src[f.original(7..8)], "é");
        assert_eq!(f.to_folded(src.len()), f.text.len());
    }

    #[test]
    fn skipped_markup_between_ranges() {
        let src = "**prestation** d'insertion";
        let f = fold(src, &[2..12, 14..26]);
        assert_eq!(f.text, "prestation d'insertion");
        let f = fold("a\n\nb", &[0..1, 3..4]);
        assert_eq!(f.text, "a b");
    }
}
