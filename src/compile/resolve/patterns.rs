//! Regex patterns: their value group, their cost bounded, their errors explained.

/// The capture group `value` reads: the one named `n`, else the first.
pub(super) fn value_group(h: &regex_syntax::hir::Hir) -> Option<usize> {
    use regex_syntax::hir::HirKind;
    fn named_n(h: &regex_syntax::hir::Hir) -> Option<usize> {
        match h.kind() {
            HirKind::Capture(c) if c.name.as_deref() == Some("n") => Some(c.index as usize),
            HirKind::Capture(c) => named_n(&c.sub),
            HirKind::Repetition(r) => named_n(&r.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().find_map(named_n),
            _ => None,
        }
    }
    named_n(h).or((h.properties().explicit_captures_len() > 0).then_some(1))
}

pub(super) fn regex_help(e: &regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(_) => {
            "the pattern is too large once compiled: split it or use a term list".into()
        }
        _ => {
            let msg = e.to_string();
            let last = msg
                .lines()
                .rev()
                .find(|l| l.starts_with("error:"))
                .unwrap_or("error: invalid syntax");
            format!(
                "{} (the regex syntax is Rust's `regex` crate)",
                last.trim_start_matches("error: ")
            )
        }
    }
}

/// How many positions the counted repetitions (`{n}`, `{n,m}`) of a pattern may add. A
/// search runs in time proportional to the text times the positions where a match may be
/// under way: `/a{100000}/` took 112 s on 300 KB of `a`, `/[ab]{10000}/` 11.7 s, and
/// `/[ab]{1000}/` 0.55 s (release build). The MIQ pack's largest adds 120.
pub const MAX_REPEATED_POSITIONS: u64 = 1_000;

/// The positions of a pattern (a literal byte or a class is one), with each counted
/// repetition written out (`x{3}` is `xxx`; an unbounded one counts its minimum, at least
/// once); with `ranges`, a class counts its ranges (a rough measure of its compiled size).
fn positions(h: &regex_syntax::hir::Hir, expand: bool, ranges: bool) -> u64 {
    use regex_syntax::hir::{Class, HirKind};
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(l) => l.0.len() as u64,
        HirKind::Class(c) if ranges => match c {
            Class::Unicode(u) => u.ranges().len() as u64,
            Class::Bytes(b) => b.ranges().len() as u64,
        },
        HirKind::Class(_) => 1,
        HirKind::Repetition(r) => {
            let n = if expand {
                u64::from(r.max.unwrap_or(r.min).max(r.min).max(1))
            } else {
                1
            };
            positions(&r.sub, expand, ranges).saturating_mul(n)
        }
        HirKind::Capture(c) => positions(&c.sub, expand, ranges),
        HirKind::Concat(v) | HirKind::Alternation(v) => v
            .iter()
            .map(|h| positions(h, expand, ranges))
            .fold(0, u64::saturating_add),
    }
}

/// Why a pattern that parses is refused at load: repetitions that make its searches slow
/// (super-linear in practice), or an automaton over `max-regex-bytes`. The automaton is built
/// here only for patterns whose rough size says it might be (none of the MIQ pack's).
pub(super) fn too_costly(hir: &regex_syntax::hir::Hir, limit: usize) -> Option<(String, String)> {
    let added = positions(hir, true, false).saturating_sub(positions(hir, false, false));
    if added > MAX_REPEATED_POSITIONS {
        return Some((
            format!("this regex repeats too much: its counted repetitions add {added} positions, the most is {MAX_REPEATED_POSITIONS}"),
            "searching it would take time proportional to the text times its repetitions: use smaller counts ({0,80}), `+` or `*`, or a `near … within N words` condition".into(),
        ));
    }
    if positions(hir, true, true) > 4_096
        && let Err(e) = crate::search::fits(hir, limit)
    {
        return Some((
            format!(
                "this regex is too large once compiled (more than `max-regex-bytes`, {} MB): {e}",
                limit / (1024 * 1024)
            ),
            "split it, use smaller counts or narrower classes (`[a-z]` rather than `\\w`), or use a term list".into(),
        ));
    }
    None
}
