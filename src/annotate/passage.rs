//! Where a finding's passage lies in a part's XML. The part is walked as the reader walks it
//! (`runs.rs` for Word, `odt.rs` for OpenDocument), which gives, for each paragraph element,
//! its characters with where an anchor can go before and after each; a block's text is laid
//! out from them as the reader lays it out ([`crate::document::extract::tidy`]), and an offset
//! of the block's text maps back to a character. When the laid-out text is not the block's
//! (a part the walk does not follow), there is no exact place and the caller falls back to the
//! whole paragraph.

/// A point of a finding's passage: an offset in the text of a block, and the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Point {
    /// The ordinals of the block's first and last paragraph elements.
    pub first: usize,
    pub last: usize,
    /// The block's text, as the reader laid it out.
    pub text: String,
    /// A byte offset in `text`: the passage's first character, or the end of its last.
    pub offset: usize,
}

/// A finding's passage: where it starts and where it ends (exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Passage {
    pub start: Point,
    pub end: Point,
}

/// Where an anchor can go, next to a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Edge {
    /// At this position of the part, as it is.
    At(usize),
    /// Before or after an element, by the edge's role (before for a start, after for an end).
    Around(usize),
    /// Inside the text of a run (Word), at this position: the run is split there when it can
    /// be ([`El::split`]), else the anchor goes around the run.
    Split(usize, usize),
    /// Nowhere near (a field's result, a paragraph of another vocabulary).
    Never,
}

/// A character of a paragraph's text, as the reader reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unit {
    pub ch: char,
    pub start: Edge,
    pub end: Edge,
    /// The element, child of the paragraph, that holds the character inside another element
    /// than its run (`w:ins`, `w:hyperlink`): a comment's reference goes after it.
    pub outer: Option<usize>,
}

/// How a Word run is split in two: its start tag and properties, copied as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Split {
    /// Closes the run before the anchors (`</w:t></w:r>`).
    pub close: String,
    /// Opens the rest of the run after them (`<w:r …><w:rPr>…</w:rPr><w:t xml:space="preserve">`).
    pub open: String,
    /// Where `xml:space="preserve"` goes in the run's `w:t` start tag, when it lacks it.
    pub preserve_at: Option<usize>,
}

/// An element of the part: where it starts and where its end tag ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct El {
    pub start: usize,
    pub end: usize,
    /// For a Word run that can be split.
    pub split: Option<Split>,
}

/// The characters of each paragraph element (by ordinal), and the elements they refer to.
#[derive(Debug, Default)]
pub(super) struct Layout {
    pub paragraphs: Vec<Vec<Unit>>,
    pub els: Vec<El>,
}

/// An anchor placed: its position, and the run split there (Word) if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Place {
    pub at: usize,
    pub split: Option<usize>,
}

/// A passage's exact places: start, end, and where the end's reference goes (`None`: right
/// after the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Exact {
    pub start: Place,
    pub end: Place,
    pub reference: Option<usize>,
}

impl Layout {
    /// The places of a passage, when both of its points map to characters and its start comes
    /// before its end.
    pub fn locate(&self, passage: &Passage) -> Option<Exact> {
        let start = self.unit(&passage.start, true)?;
        let end = self.unit(&passage.end, false)?;
        let s = self.place(start.start, true)?;
        let e = self.place(end.end, false)?;
        let reference = end.outer.map(|o| self.els[o].end);
        (s.at < e.at).then_some(Exact {
            start: s,
            end: e,
            reference,
        })
    }

    fn place(&self, edge: Edge, start: bool) -> Option<Place> {
        let around = |el: usize| {
            let el = &self.els[el];
            if start { el.start } else { el.end }
        };
        match edge {
            Edge::At(at) => Some(Place { at, split: None }),
            Edge::Around(el) => Some(Place {
                at: around(el),
                split: None,
            }),
            Edge::Split(at, run) if self.els[run].split.is_some() => Some(Place {
                at,
                split: Some(run),
            }),
            Edge::Split(_, run) => Some(Place {
                at: around(run),
                split: None,
            }),
            Edge::Never => None,
        }
    }

    /// The character at a point (`start`) or ending at it.
    fn unit(&self, point: &Point, start: bool) -> Option<Unit> {
        let mut raw: Vec<(char, Option<Unit>)> = Vec::new();
        for ordinal in point.first..=point.last {
            if ordinal > point.first {
                raw.push(('\n', None));
            }
            raw.extend(
                self.paragraphs
                    .get(ordinal)?
                    .iter()
                    .map(|u| (u.ch, Some(*u))),
            );
        }
        let chars: Vec<char> = raw.iter().map(|(c, _)| *c).collect();
        let (text, map) = tidy_map(&chars);
        if text != point.text {
            return None;
        }
        let i = if start {
            map.iter().position(|&(at, _)| at == point.offset)?
        } else {
            let i = map.iter().rposition(|&(at, _)| at < point.offset)?;
            let next = map.get(i + 1).map_or(text.len(), |&(at, _)| at);
            (next == point.offset).then_some(i)?
        };
        raw[map[i].1].1
    }
}

/// The texts to insert for each note (by index): its start anchor, its end anchor, and what
/// follows the end (Word's reference run).
pub(super) struct Anchors {
    pub start: String,
    pub end: String,
    pub reference: String,
}

/// Where each note's anchors go: on its passage when [`Layout::locate`] finds it, else at
/// `fallback` (its whole paragraphs). Runs split by several anchors at one position are split
/// once there.
pub(super) fn insertions(
    layout: &Layout,
    notes: &[super::Note],
    fallback: &[(usize, usize)],
    anchors: impl Fn(usize) -> Anchors,
) -> Vec<(usize, String)> {
    let mut at: Vec<(usize, String)> = Vec::new();
    let mut splits: std::collections::BTreeMap<usize, (usize, String)> = Default::default();
    let mut put = |at: &mut Vec<(usize, String)>, place: Place, text: String| match place.split {
        Some(run) => splits.entry(place.at).or_insert((run, String::new())).1 += &text,
        None => at.push((place.at, text)),
    };
    for (i, note) in notes.iter().enumerate() {
        let Anchors {
            start,
            end,
            reference,
        } = anchors(i);
        match note.passage.as_ref().and_then(|p| layout.locate(p)) {
            Some(x) => {
                put(&mut at, x.start, start);
                match x.reference {
                    None => put(&mut at, x.end, end + &reference),
                    Some(r) => {
                        put(&mut at, x.end, end);
                        at.push((r, reference));
                    }
                }
            }
            None => {
                let (s, e) = fallback[i];
                at.push((s, start));
                at.push((e, end + &reference));
            }
        }
    }
    let mut preserved = Vec::new();
    for (pos, (run, text)) in splits {
        let Some(split) = &layout.els[run].split else {
            continue;
        };
        at.push((pos, format!("{}{text}{}", split.close, split.open)));
        if let Some(p) = split.preserve_at
            && !preserved.contains(&p)
        {
            preserved.push(p);
            at.push((p, " xml:space=\"preserve\"".to_string()));
        }
    }
    at
}

/// The text [`crate::document::extract::tidy`] makes of `raw`, with, for each of its
/// characters, its byte offset and the index in `raw` of the character it comes from.
pub(super) fn tidy_map(raw: &[char]) -> (String, Vec<(usize, usize)>) {
    let breaks = ['\n', '\r', '\u{2028}', '\u{2029}', '\u{b}', '\u{c}'];
    let mut out = String::new();
    let mut map: Vec<(usize, usize)> = Vec::new();
    let mut push = |out: &mut String, c: char, i: usize| {
        map.push((out.len(), i));
        out.push(c);
    };
    let mut line_start = 0;
    while line_start <= raw.len() {
        let line_end = raw[line_start..]
            .iter()
            .position(|c| breaks.contains(c))
            .map_or(raw.len(), |p| line_start + p);
        // The words of the line: ranges of characters between spaces and tabs.
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut i = line_start;
        while i < line_end {
            if matches!(raw[i], ' ' | '\t') {
                i += 1;
                continue;
            }
            let from = i;
            while i < line_end && !matches!(raw[i], ' ' | '\t') {
                i += 1;
            }
            words.push((from, i));
        }
        if !words.is_empty() {
            if !out.is_empty() {
                push(&mut out, '\n', line_start.saturating_sub(1));
            }
            for (k, &(from, to)) in words.iter().enumerate() {
                if k > 0 {
                    push(&mut out, ' ', words[k - 1].1);
                }
                for (j, &c) in raw.iter().enumerate().take(to).skip(from) {
                    if !c.is_control() {
                        push(&mut out, c, j);
                    }
                }
            }
        }
        line_start = line_end + 1;
    }
    let trimmed = out.trim_end_matches(char::is_whitespace).len();
    out.truncate(trimmed);
    map.retain(|&(at, _)| at < trimmed);
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::extract::tidy;

    #[test]
    fn the_laid_out_text_is_the_readers_and_each_character_maps_back() {
        for raw in [
            "",
            "  Article 2 –\tPublic ",
            "Les   personnes\n\n\n sans emploi.\u{a0}",
            "a\r\nb\u{2028}\u{c}c\u{1}d \t ",
            "\n\n x",
            "é  ü\n",
        ] {
            let chars: Vec<char> = raw.chars().collect();
            let (text, map) = tidy_map(&chars);
            assert_eq!(text, tidy(raw), "{raw:?}");
            assert_eq!(map.len(), text.chars().count(), "{raw:?}");
            for ((at, i), (at2, c)) in map.iter().zip(text.char_indices()) {
                assert_eq!(*at, at2);
                if !matches!(c, ' ' | '\n') {
                    assert_eq!(chars[*i], c, "{raw:?}");
                }
            }
        }
    }
}
