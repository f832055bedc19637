//! Quoting a document in HTML: escaping, and passages around a place with the offending words
//! marked.

use std::ops::Range;

/// Escapes a text for HTML content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

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

pub(super) fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The sentence(s) around `r` in `text` (at most 200 bytes each side), and whether it was cut
/// at each end.
pub(super) fn window(text: &str, r: Range<usize>) -> (Range<usize>, bool, bool) {
    let stops = |c: char| matches!(c, '.' | ';' | '\n' | '!' | '?');
    let r = floor_boundary(text, r.start)..ceil_boundary(text, r.end.max(r.start));
    let mut start = text[..r.start].rfind(stops).map(|n| n + 1).unwrap_or(0);
    let mut end = text[r.end..]
        .find(stops)
        .map(|n| r.end + n + 1)
        .unwrap_or(text.len());
    let (mut cut_start, mut cut_end) = (false, false);
    if r.start - start > 200 {
        start = ceil_boundary(text, r.start - 200);
        cut_start = true;
    }
    if end - r.end > 200 {
        end = floor_boundary(text, r.end + 200);
        cut_end = true;
    }
    (start..end, cut_start, cut_end)
}

/// A passage of `text` as HTML, with `marks` (byte ranges) in `<mark>`. Leading Markdown heading
/// signs and surrounding spaces are left out.
pub(super) fn passage(
    text: &str,
    win: Range<usize>,
    marks: &[Range<usize>],
    cut: (bool, bool),
) -> String {
    let mut start = win.start;
    let end = win.end;
    // Skip white space and Markdown heading or list signs at the start.
    while start < end {
        let c = text[start..].chars().next().unwrap_or(' ');
        if c.is_whitespace() || c == '#' {
            start += c.len_utf8();
        } else {
            break;
        }
    }
    let end = start + text[start..end].trim_end().len();
    let mut out = String::new();
    if cut.0 {
        out.push('…');
    }
    let mut at = start;
    for m in merge(marks.to_vec()) {
        let ms = floor_boundary(text, m.start.max(start));
        let me = ceil_boundary(text, m.end.min(end));
        if ms >= me {
            continue;
        }
        out.push_str(&escape(&text[at..ms]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[ms..me]));
        out.push_str("</mark>");
        at = me;
    }
    if at < end {
        out.push_str(&escape(&text[at..end]));
    }
    if cut.1 {
        out.push('…');
    }
    out
}
