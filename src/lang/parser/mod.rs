//! The rule-language parser, written with nom.
//!
//! Every parser works on a suffix of the whole rule file, so a position is
//! `source.len() - rest.len()`: spans are offsets into the full input (the kdl-rs pattern).
//! Errors carry a message, a label and a help line. The parser recovers at the next field of a
//! rule or the next top-level item, so one run reports every error of a file.
//!
//! The parts: [`lexical`] pieces (white space, names, keywords, punctuation), [`literals`]
//! (strings, regexes, numbers), [`conditions`] (and scopes), top-level [`items`], and the
//! [`blocks`] of fields of `pack` and `rule` items.

mod blocks;
mod conditions;
mod items;
mod lexical;
mod literals;

use nom::IResult;
use nom::error::{ErrorKind, ParseError};

use super::ast::*;
use items::recover_top;
use lexical::{describe_token, token_len};

pub use lexical::ws;

/// A syntax error, with offsets into the rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

/// The nom error type: where it happened (as the remaining input) and what to say.
#[derive(Debug, Clone)]
pub struct PError<'a> {
    at: &'a str,
    len: usize,
    message: String,
    label: String,
    help: Option<String>,
    /// A low-level error from a nom combinator, to be replaced by a more specific one.
    generic: bool,
}

impl<'a> ParseError<&'a str> for PError<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        PError {
            at: input,
            len: 0,
            message: "unexpected input".into(),
            label: "here".into(),
            help: None,
            generic: true,
        }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        // Keep the error that got furthest, preferring a specific one.
        if other.at.len() < self.at.len() || (self.generic && !other.generic) {
            other
        } else {
            self
        }
    }
}

type Res<'a, T> = IResult<&'a str, T, PError<'a>>;

pub const TOP_KEYWORDS: &[&str] = &["pack", "tag", "param", "terms", "regex", "section", "rule"];
pub const RULE_FIELDS: &[&str] = &[
    "tags", "level", "in", "stated", "when", "expect", "forbid", "message", "why", "fix", "see",
    "example",
];
pub const PACK_FIELDS: &[&str] = &["name", "version", "description", "applies"];
/// Words that cannot be used as names inside conditions and scopes.
pub const RESERVED: &[&str] = &[
    "and",
    "or",
    "not",
    "near",
    "within",
    "words",
    "before",
    "count",
    "value",
    "all",
    "any",
    "in",
    "first",
    "of",
    "heading",
    "block",
    "distinct",
    "affirmed",
    "negated",
    "mentioned",
    "across",
    "differs",
];

/// A parse failure (not backtracked) at `at`, `len` bytes long.
fn fail<'a, T>(
    at: &'a str,
    len: usize,
    message: impl Into<String>,
    label: impl Into<String>,
    help: Option<String>,
) -> Res<'a, T> {
    Err(nom::Err::Failure(PError {
        at,
        len,
        message: message.into(),
        label: label.into(),
        help,
        generic: false,
    }))
}

/// How deep conditions and scopes may nest (groups, `all`/`any` lists, `not`, `first N words
/// of`): the parser and every later pass recurse on them, and a rule file of nested
/// parentheses must not overflow the stack.
pub const MAX_DEPTH: usize = 64;

/// Positions are computed from the length of the remaining input.
struct Ctx {
    len: usize,
    /// How deep the condition or scope being parsed is nested.
    depth: std::cell::Cell<usize>,
}

impl Ctx {
    fn new(src: &str) -> Ctx {
        Ctx {
            len: src.len(),
            depth: std::cell::Cell::new(0),
        }
    }

    /// Parses one more level of nesting at `at`, refused past [`MAX_DEPTH`].
    fn nested<'a, T>(&self, at: &'a str, parse: impl FnOnce() -> Res<'a, T>) -> Res<'a, T> {
        if self.depth.get() >= MAX_DEPTH {
            return fail(
                at,
                token_len(at),
                format!("conditions nest more than {MAX_DEPTH} levels deep here"),
                "too deep",
                Some("split the condition: give a part its own rule, or use `all (…)` / `any (…)` lists instead of nested groups".into()),
            );
        }
        self.depth.set(self.depth.get() + 1);
        let result = parse();
        self.depth.set(self.depth.get() - 1);
        result
    }

    fn pos(&self, rest: &str) -> usize {
        self.len - rest.len()
    }
    fn span(&self, start: &str, end: &str) -> Span {
        Span::new(self.pos(start), self.pos(end))
    }
    fn error(&self, e: PError<'_>) -> SyntaxError {
        let start = self.pos(e.at);
        SyntaxError {
            span: Span::new(start, start + e.len),
            message: e.message,
            label: e.label,
            help: e.help,
        }
    }
}

/// Parses a whole rule file, recovering from errors. Returns the items that parsed and every
/// syntax error found.
pub fn parse_rule_file(src: &str) -> (RuleFile, Vec<SyntaxError>) {
    let ctx = Ctx::new(src);
    let mut file = RuleFile::default();
    let mut errors = Vec::new();
    let mut rest = src.strip_prefix('\u{feff}').unwrap_or(src);
    loop {
        rest = ws(rest);
        if rest.is_empty() {
            break;
        }
        match ctx.item(rest, &mut errors) {
            Ok((r, item)) => {
                file.items.push(item);
                rest = r;
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let at = e.at;
                errors.push(ctx.error(e));
                // Skip at least the line where the item started.
                let from = if at.len() < rest.len() { at } else { rest };
                rest = recover_top(from);
            }
            Err(nom::Err::Incomplete(_)) => break,
        }
    }
    (file, errors)
}

/// Parses a single condition (used by tests and tools).
pub fn parse_cond(src: &str) -> Result<Cond, SyntaxError> {
    let ctx = Ctx::new(src);
    match ctx.cond(ws(src)) {
        Ok((rest, c)) if ws(rest).is_empty() => Ok(c),
        Ok((rest, _)) => {
            let rest = ws(rest);
            Err(SyntaxError {
                span: Span::new(ctx.pos(rest), ctx.pos(rest) + token_len(rest)),
                message: format!("unexpected {} after the condition", describe_token(rest)),
                label: "unexpected".into(),
                help: None,
            })
        }
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(ctx.error(e)),
        Err(nom::Err::Incomplete(_)) => unreachable!("complete parsers"),
    }
}
