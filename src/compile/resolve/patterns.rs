//! Regex patterns: their syntax checked, their cost bounded, their automata built.

use regex::RegexBuilder;

use super::*;

/// Builds a pattern with the `regex` crate, only to get its error message.
fn build_regex(pattern: &str, case_insensitive: bool) -> Result<regex::Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .size_limit(crate::limits::current().max_regex_bytes)
        .dfa_size_limit(crate::limits::current().max_regex_bytes)
        .build()
}

/// Builds the automaton that runs a pattern: the same engine, syntax and limits as the
/// `regex` crate, with anchored searches (see [`super::scan`]).
pub(in crate::compile) fn build_meta<'a>(
    pattern: impl FnOnce() -> &'a str,
    syntax: Option<&regex_syntax::hir::Hir>,
    case_insensitive: bool,
    prefilter: bool,
    captures: bool,
) -> Result<regex_automata::meta::Regex, Box<regex_automata::meta::BuildError>> {
    let limit = crate::limits::current().max_regex_bytes;
    let mut builder = regex_automata::meta::Regex::builder();
    builder
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(case_insensitive))
        .configure(
            regex_automata::meta::Config::new()
                .nfa_size_limit(Some(limit))
                .onepass_size_limit(Some(limit))
                .dfa_size_limit(Some(limit))
                .hybrid_cache_capacity(2 * (1 << 20))
                .auto_prefilter(prefilter)
                .which_captures(if captures {
                    regex_automata::nfa::thompson::WhichCaptures::All
                } else {
                    regex_automata::nfa::thompson::WhichCaptures::Implicit
                }),
        );
    match syntax {
        Some(hir) => builder.build_from_hir(hir),
        None => builder.build(pattern()),
    }
    .map_err(Box::new)
}

/// Parses a pattern as it is compiled, and says whether case-insensitively. Folded text
/// (`folded`) has no upper case: a pattern whose case cannot matter there is parsed and run
/// case-sensitively, a smaller automaton that is faster to build and to run.
pub(in crate::compile) fn parse_pattern(
    pattern: &str,
    folded: bool,
) -> Result<(regex_syntax::hir::Hir, bool), regex::Error> {
    let hir = check_syntax(pattern, false)?;
    if folded && scan::case_matters(&hir) {
        return check_syntax(pattern, true).map(|hir| (hir, true));
    }
    Ok((hir, false))
}

/// Checks a pattern's syntax without compiling it (cheap); returns its syntax tree.
pub(super) fn check_syntax(
    pattern: &str,
    case_insensitive: bool,
) -> Result<regex_syntax::hir::Hir, regex::Error> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .build()
        .parse(pattern)
        .map_err(|_| match build_regex(pattern, case_insensitive) {
            Err(e) => e,
            Ok(_) => regex::Error::Syntax("invalid syntax".into()),
        })
}

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
pub(super) fn too_costly(hir: &regex_syntax::hir::Hir) -> Option<(String, String)> {
    let added = positions(hir, true, false).saturating_sub(positions(hir, false, false));
    if added > MAX_REPEATED_POSITIONS {
        return Some((
            format!("this regex repeats too much: its counted repetitions add {added} positions, the most is {MAX_REPEATED_POSITIONS}"),
            "searching it would take time proportional to the text times its repetitions: use smaller counts ({0,80}), `+` or `*`, or a `near … within N words` condition".into(),
        ));
    }
    if positions(hir, true, true) > 4_096 {
        let limit = crate::limits::current().max_regex_bytes;
        if let Err(e) = super::anchored::compile_nfa(
            hir,
            false,
            regex_automata::nfa::thompson::WhichCaptures::All,
            limit,
        ) {
            return Some((
                format!(
                    "this regex is too large once compiled (more than `max-regex-bytes`, {} MB): {e}",
                    limit / (1024 * 1024)
                ),
                "split it, use smaller counts or narrower classes (`[a-z]` rather than `\\w`), or use a term list".into(),
            ));
        }
    }
    None
}
