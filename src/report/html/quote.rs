//! Quoting a document in HTML: passages around a place, cut between words, with the offending
//! words marked. maud escapes the quoted text.

use std::ops::Range;

use maud::{Markup, html};

use crate::document::passage;

/// How many bytes of a finding's sentence are quoted on each side of its words.
const QUOTED_AROUND: usize = 200;

/// Merges overlapping or touching ranges, sorted.
pub(super) fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The sentence(s) around `r` in `text` (at most 200 bytes each side, cut between words), and
/// whether it was cut at each end.
pub(super) fn window(text: &str, r: Range<usize>) -> (Range<usize>, bool, bool) {
    passage::around(text, r, QUOTED_AROUND)
}

/// A passage of `text` as HTML, with `marks` (byte ranges) in `<mark>` and « … » where it was
/// cut. Leading Markdown heading signs and surrounding spaces are left out.
pub(super) fn passage(
    text: &str,
    win: Range<usize>,
    marks: &[Range<usize>],
    cut: (bool, bool),
) -> Markup {
    let mut start = win.start;
    let end = win.end;
    // Skip white space and Markdown heading signs at the start.
    while start < end {
        let c = text[start..].chars().next().unwrap_or(' ');
        if c.is_whitespace() || c == '#' {
            start += c.len_utf8();
        } else {
            break;
        }
    }
    let end = start + text[start..end].trim_end().len();
    // The passage as pieces of plain text and marked text.
    let mut pieces: Vec<(&str, bool)> = Vec::new();
    let mut at = start;
    for m in merge(marks.to_vec()) {
        let ms = passage::floor_boundary(text, m.start.max(start));
        let me = passage::ceil_boundary(text, m.end.min(end));
        if ms >= me {
            continue;
        }
        pieces.push((&text[at..ms], false));
        pieces.push((&text[ms..me], true));
        at = me;
    }
    if at < end {
        pieces.push((&text[at..end], false));
    }
    html! {
        @if cut.0 { "…" }
        @for (piece, marked) in pieces {
            @if marked { mark { (piece) } } @else { (piece) }
        }
        @if cut.1 { "…" }
    }
}
