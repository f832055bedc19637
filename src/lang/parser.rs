//! The rule-language parser, written with nom.
//!
//! Every parser works on a suffix of the whole rule file, so a position is
//! `source.len() - rest.len()`: spans are offsets into the full input (the kdl-rs pattern).
//! Errors carry a message, a label and a help line. The parser recovers at the next field of a
//! rule or the next top-level item, so one run reports every error of a file.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while},
    character::complete::{char, digit1, satisfy},
    combinator::{opt, recognize},
    error::{ErrorKind, ParseError},
    sequence::pair,
};

use super::ast::*;

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

/// The length of the word (or the single character) at the start of `i`, for labels.
fn token_len(i: &str) -> usize {
    let word = i
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map(|(n, _)| n)
        .unwrap_or(i.len());
    if word > 0 {
        word
    } else {
        i.chars().next().map(char::len_utf8).unwrap_or(0)
    }
}

fn describe_token(i: &str) -> String {
    if i.is_empty() {
        "end of file".to_string()
    } else {
        format!("`{}`", &i[..token_len(i)])
    }
}

/// Skips white space and `#` comments.
pub fn ws(mut i: &str) -> &str {
    loop {
        let t = i.trim_start();
        if let Some(rest) = t.strip_prefix('#') {
            i = rest.find('\n').map(|n| &rest[n..]).unwrap_or("");
        } else {
            return t;
        }
    }
}

fn ident_raw(i: &str) -> Res<'_, &str> {
    recognize(pair(
        satisfy(|c| c.is_alphabetic()),
        take_while(|c: char| c.is_alphanumeric() || c == '_' || c == '-'),
    ))
    .parse(i)
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

    fn ident<'a>(&self, i: &'a str, what: &str) -> Res<'a, Ident> {
        match ident_raw(i) {
            Ok((rest, name)) => Ok((
                rest,
                Ident {
                    name: name.to_string(),
                    span: self.span(i, rest),
                },
            )),
            Err(_) => fail(
                i,
                token_len(i),
                format!("expected {what}, found {}", describe_token(i)),
                format!("expected {what}"),
                None,
            ),
        }
    }

    /// An identifier that is not a reserved word of conditions.
    fn name<'a>(&self, i: &'a str, what: &str) -> Res<'a, Ident> {
        let (rest, id) = self.ident(i, what)?;
        if RESERVED.contains(&id.name.as_str()) {
            return fail(
                i,
                id.span.len,
                format!("`{}` is a keyword, not {what}", id.name),
                "keyword used as a name",
                Some(format!(
                    "write {what} here; reserved words are: {}",
                    RESERVED.join(", ")
                )),
            );
        }
        Ok((rest, id))
    }

    fn keyword<'a>(&self, i: &'a str, kw: &str) -> Res<'a, Span> {
        match ident_raw(i) {
            Ok((rest, w)) if w == kw => Ok((rest, self.span(i, rest))),
            _ => fail(
                i,
                token_len(i),
                format!("expected `{kw}`, found {}", describe_token(i)),
                format!("expected `{kw}`"),
                None,
            ),
        }
    }

    fn punct<'a>(&self, i: &'a str, c: char, help: Option<&str>) -> Res<'a, ()> {
        match char::<&str, PError>(c).parse(i) {
            Ok((rest, _)) => Ok((rest, ())),
            Err(_) => fail(
                i,
                token_len(i),
                format!("expected `{c}`, found {}", describe_token(i)),
                format!("expected `{c}`"),
                help.map(str::to_string),
            ),
        }
    }

    fn string<'a>(&self, i: &'a str) -> Res<'a, StrLit> {
        if let Some(body) = i.strip_prefix("\"\"\"") {
            let Some(end) = body.find("\"\"\"") else {
                return fail(
                    i,
                    3,
                    "unterminated block string",
                    "this `\"\"\"` is never closed",
                    Some("close the block string with `\"\"\"`".into()),
                );
            };
            let rest = &body[end + 3..];
            return Ok((
                rest,
                StrLit {
                    value: dedent(&body[..end]),
                    block: true,
                    span: self.span(i, rest),
                },
            ));
        }
        let Some(body) = i.strip_prefix('"') else {
            return fail(
                i,
                token_len(i),
                format!(
                    "expected a string in double quotes, found {}",
                    describe_token(i)
                ),
                "expected a string",
                Some("write text between double quotes: \"…\"".into()),
            );
        };
        let mut value = String::new();
        let mut pos = 0;
        // Plain text is copied a run at a time, up to the next quote, backslash or line break.
        while let Some(k) = body[pos..].find(['"', '\\', '\n', '\r']) {
            let n = pos + k;
            value.push_str(&body[pos..n]);
            match body.as_bytes()[n] {
                b'"' => {
                    let rest = &body[n + 1..];
                    return Ok((
                        rest,
                        StrLit {
                            value,
                            block: false,
                            span: self.span(i, rest),
                        },
                    ));
                }
                b'\\' => match body[n + 1..].chars().next() {
                    Some('"') => value.push('"'),
                    Some('\\') => value.push('\\'),
                    Some('n') => value.push('\n'),
                    Some(other) => {
                        return fail(
                            &body[n..],
                            1 + other.len_utf8(),
                            format!("unknown escape `\\{other}` in a string"),
                            "unknown escape",
                            Some("the escapes are \\\" \\\\ and \\n".into()),
                        );
                    }
                    None => break,
                },
                _ => {
                    // A line break and the indentation around it become one space.
                    while value.ends_with([' ', '\t']) {
                        value.pop();
                    }
                    let after = body[n..].trim_start_matches([' ', '\t', '\r', '\n']);
                    if !value.is_empty() {
                        value.push(' ');
                    }
                    pos = body.len() - after.len();
                    continue;
                }
            }
            // An escape: a backslash and one ASCII character.
            pos = n + 2;
        }
        fail(
            i,
            1,
            "unterminated string",
            "this string is never closed",
            Some("close the string with `\"`".into()),
        )
    }

    fn regex<'a>(&self, i: &'a str) -> Res<'a, RegexLit> {
        let Some(body) = i.strip_prefix('/') else {
            return fail(
                i,
                token_len(i),
                format!("expected a regex in slashes, found {}", describe_token(i)),
                "expected /regex/",
                None,
            );
        };
        let mut pattern = String::new();
        let mut chars = body.char_indices();
        while let Some((n, c)) = chars.next() {
            match c {
                '/' => {
                    let after = &body[n + 1..];
                    let (rest, flags) =
                        take_while::<_, &str, PError>(|c: char| c.is_ascii_alphabetic())
                            .parse(after)
                            .unwrap_or((after, ""));
                    if let Some(bad) = flags.chars().find(|&f| f != 'c') {
                        return fail(
                            after,
                            flags.len(),
                            format!("unknown regex flag `{bad}`"),
                            "unknown flag",
                            Some(
                                "the only flag is `c`: match the original text, case-sensitive"
                                    .into(),
                            ),
                        );
                    }
                    return Ok((
                        rest,
                        RegexLit {
                            pattern,
                            flags: flags.to_string(),
                            span: self.span(i, rest),
                        },
                    ));
                }
                '\\' => match chars.next() {
                    Some((_, '/')) => pattern.push('/'),
                    Some((_, other)) => {
                        pattern.push('\\');
                        pattern.push(other);
                    }
                    None => break,
                },
                '\n' => break,
                _ => pattern.push(c),
            }
        }
        fail(
            i,
            1,
            "unterminated regex",
            "this regex is never closed",
            Some("close the regex with `/` on the same line (write `\\/` for a slash)".into()),
        )
    }

    fn number_lit<'a>(&self, i: &'a str) -> Res<'a, NumLit> {
        let r: Res<'a, &str> = recognize(pair(digit1, opt(pair(tag("."), digit1)))).parse(i);
        match r {
            Ok((rest, text)) => Ok((
                rest,
                NumLit {
                    value: text.parse().unwrap_or(0.0),
                    text: text.to_string(),
                    span: self.span(i, rest),
                },
            )),
            Err(_) => fail(
                i,
                token_len(i),
                format!("expected a number, found {}", describe_token(i)),
                "expected a number",
                None,
            ),
        }
    }

    fn number<'a>(&self, i: &'a str) -> Res<'a, Number> {
        if i.starts_with(|c: char| c.is_ascii_digit()) {
            let (rest, n) = self.number_lit(i)?;
            Ok((rest, Number::Lit(n)))
        } else if ident_raw(i).is_ok() {
            let (rest, id) = self.name(i, "a number or a param name")?;
            Ok((rest, Number::Param(id)))
        } else {
            fail(
                i,
                token_len(i),
                format!(
                    "expected a number or a param name, found {}",
                    describe_token(i)
                ),
                "expected a number",
                None,
            )
        }
    }

    fn atom<'a>(&self, i: &'a str) -> Res<'a, Atom> {
        if i.starts_with('"') {
            let (rest, s) = self.string(i)?;
            Ok((rest, Atom::Term(s)))
        } else if i.starts_with('/') {
            let (rest, r) = self.regex(i)?;
            Ok((rest, Atom::Regex(r)))
        } else if ident_raw(i).is_ok() {
            let (rest, id) = self.name(i, "a term list or regex name")?;
            Ok((rest, Atom::Name(id)))
        } else {
            fail(
                i,
                token_len(i),
                format!("expected a condition, found {}", describe_token(i)),
                "expected a term list, a regex, \"term\" or /regex/",
                Some("a condition starts with a name, a \"term\", a /regex/, `not`, `count`, `value`, `all(`, `any(` or `(`".into()),
            )
        }
    }

    fn cmp<'a>(&self, i: &'a str) -> Res<'a, Cmp> {
        for (t, c) in [
            ("<=", Cmp::Le),
            (">=", Cmp::Ge),
            ("!=", Cmp::Ne),
            ("<", Cmp::Lt),
            (">", Cmp::Gt),
            ("=", Cmp::Eq),
        ] {
            if let Some(rest) = i.strip_prefix(t) {
                return Ok((rest, c));
            }
        }
        fail(
            i,
            token_len(i),
            format!("expected a comparison, found {}", describe_token(i)),
            "expected <, <=, >, >=, = or !=",
            None,
        )
    }

    fn peek_word<'a>(&self, i: &'a str) -> Option<&'a str> {
        ident_raw(i).ok().map(|(_, w)| w)
    }

    pub fn cond<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        self.nested(i, || self.cond_inner(i))
    }

    fn cond_inner<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        let start = i;
        let (mut rest, first) = self.and_cond(i)?;
        let mut items = vec![first];
        while self.peek_word(ws(rest)) == Some("or") {
            let (r, _) = self.keyword(ws(rest), "or")?;
            let (r, c) = self.and_cond(ws(r))?;
            items.push(c);
            rest = r;
        }
        if items.len() == 1 {
            Ok((rest, items.pop().unwrap()))
        } else {
            Ok((
                rest,
                Cond::Or {
                    items,
                    form: BoolForm::Infix,
                    span: self.span(start, rest),
                },
            ))
        }
    }

    fn and_cond<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        let start = i;
        let (mut rest, first) = self.not_cond(i)?;
        let mut items = vec![first];
        while self.peek_word(ws(rest)) == Some("and") {
            let (r, _) = self.keyword(ws(rest), "and")?;
            let (r, c) = self.not_cond(ws(r))?;
            items.push(c);
            rest = r;
        }
        if items.len() == 1 {
            Ok((rest, items.pop().unwrap()))
        } else {
            Ok((
                rest,
                Cond::And {
                    items,
                    form: BoolForm::Infix,
                    span: self.span(start, rest),
                },
            ))
        }
    }

    fn not_cond<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        if self.peek_word(i) == Some("not") {
            let (r, _) = self.keyword(i, "not")?;
            let (rest, inner) = self.nested(i, || self.not_cond(ws(r)))?;
            return Ok((
                rest,
                Cond::Not {
                    inner: Box::new(inner),
                    span: self.span(i, rest),
                },
            ));
        }
        let (rest, c) = self.primary(i)?;
        if self.peek_word(ws(rest)) == Some("in") {
            let (r, _) = self.keyword(ws(rest), "in")?;
            let (rest, scope) = self.scope(ws(r))?;
            return Ok((
                rest,
                Cond::In {
                    inner: Box::new(c),
                    scope,
                    span: self.span(i, rest),
                },
            ));
        }
        Ok((rest, c))
    }

    fn cond_list<'a>(&self, i: &'a str) -> Res<'a, Vec<Cond>> {
        let (mut rest, _) = self.punct(i, '(', None)?;
        let mut items = Vec::new();
        loop {
            let (r, c) = self.cond(ws(rest))?;
            items.push(c);
            let r = ws(r);
            if let Some(r) = r.strip_prefix(',') {
                rest = r;
                if let Some(r2) = ws(rest).strip_prefix(')') {
                    return Ok((r2, items));
                }
            } else {
                let (r, _) = self.punct(
                    r,
                    ')',
                    Some("separate conditions with `,` and close the list with `)`"),
                )?;
                return Ok((r, items));
            }
        }
    }

    fn primary<'a>(&self, i: &'a str) -> Res<'a, Cond> {
        if let Some(after) = i.strip_prefix('(') {
            let (r, inner) = self.cond(ws(after))?;
            let (rest, _) = self.punct(ws(r), ')', Some("close the group with `)`"))?;
            return Ok((
                rest,
                Cond::Group {
                    inner: Box::new(inner),
                    span: self.span(i, rest),
                },
            ));
        }
        match self.peek_word(i) {
            Some(w @ ("all" | "any")) => {
                let (r, _) = self.keyword(i, w)?;
                let (rest, items) = self.cond_list(ws(r))?;
                let span = self.span(i, rest);
                let c = if w == "all" {
                    Cond::And {
                        items,
                        form: BoolForm::Call,
                        span,
                    }
                } else {
                    Cond::Or {
                        items,
                        form: BoolForm::Call,
                        span,
                    }
                };
                return Ok((rest, c));
            }
            Some(w @ ("count" | "value")) => {
                let (mut r, _) = self.keyword(i, w)?;
                let distinct = w == "count" && self.peek_word(ws(r)) == Some("distinct");
                if distinct {
                    r = self.keyword(ws(r), "distinct")?.0;
                }
                let (r, atom) = self.atom(ws(r))?;
                let (r, cmp) = self.cmp(ws(r))?;
                let (rest, n) = self.number(ws(r))?;
                let span = self.span(i, rest);
                let c = if w == "count" {
                    Cond::Count {
                        distinct,
                        atom,
                        cmp,
                        n,
                        span,
                    }
                } else {
                    Cond::Value { atom, cmp, n, span }
                };
                return Ok((rest, c));
            }
            Some(w @ ("affirmed" | "negated" | "mentioned")) => {
                let (r, _) = self.keyword(i, w)?;
                let (rest, atom) = self.atom(ws(r))?;
                let mention = match w {
                    "affirmed" => Mention::Affirmed,
                    "negated" => Mention::Negated,
                    _ => Mention::Any,
                };
                return Ok((
                    rest,
                    Cond::Mention {
                        mention,
                        atom,
                        span: self.span(i, rest),
                    },
                ));
            }
            _ => {}
        }
        let (rest, a) = self.atom(i)?;
        let after = ws(rest);
        match self.peek_word(after) {
            Some("near") => {
                let (r, _) = self.keyword(after, "near")?;
                let (r, b) = self.atom(ws(r))?;
                let r = ws(r);
                if self.peek_word(r) != Some("within") {
                    return Err(nom::Err::Failure(PError {
                        at: r,
                        len: token_len(r),
                        message: format!(
                            "expected `within N words` after `near`, found {}",
                            describe_token(r)
                        ),
                        label: "expected `within`".into(),
                        help: Some(
                            "write `A near B within 20 words` or `A near B within sentence`".into(),
                        ),
                        generic: false,
                    }));
                }
                let (rest, within) = self.window(r)?;
                Ok((
                    rest,
                    Cond::Near {
                        a,
                        b,
                        within,
                        span: self.span(i, rest),
                    },
                ))
            }
            Some("before") => {
                let (r, _) = self.keyword(after, "before")?;
                let (mut rest, b) = self.atom(ws(r))?;
                let mut within = None;
                if self.peek_word(ws(rest)) == Some("within") {
                    let (r, w) = self.window(ws(rest))?;
                    within = Some(w);
                    rest = r;
                }
                Ok((
                    rest,
                    Cond::Before {
                        a,
                        b,
                        within,
                        span: self.span(i, rest),
                    },
                ))
            }
            Some("differs") => {
                let (r, _) = self.keyword(after, "differs")?;
                let (r, _) = self.keyword(ws(r), "between")?;
                let (rest, _) = self.keyword(ws(r), "documents")?;
                Ok((
                    rest,
                    Cond::Differs {
                        atom: a,
                        span: self.span(i, rest),
                    },
                ))
            }
            _ => Ok((rest, Cond::Atom(a))),
        }
    }

    /// One or more items separated by commas (`tags objet, public`, `stated in cctp, ccap`).
    fn list<'a>(
        &self,
        i: &'a str,
        item: impl Fn(&'a str) -> Res<'a, Ident>,
    ) -> Res<'a, Vec<Ident>> {
        let (mut rest, first) = item(i)?;
        let mut items = vec![first];
        while let Some(r) = ws(rest).strip_prefix(',') {
            let (r, next) = item(ws(r))?;
            items.push(next);
            rest = r;
        }
        Ok((rest, items))
    }

    /// `within N words`, `within sentence|cell|row|item|paragraph`, then `across paragraphs`.
    fn window<'a>(&self, i: &'a str) -> Res<'a, Window> {
        let (r, _) = self.keyword(i, "within")?;
        let r = ws(r);
        let mut window = Window {
            words: None,
            unit: None,
            across: false,
        };
        let mut rest = match self.peek_word(r).and_then(Unit::parse) {
            Some(unit) => {
                let (rest, word) = self.ident(r, "a unit")?;
                window.unit = Some((unit, word));
                rest
            }
            None => {
                let (r, n) = self.number(r)?;
                let (rest, _) = self.keyword(ws(r), "words").map_err(|_| {
                    let r = ws(r);
                    nom::Err::Failure(PError {
                        at: r,
                        len: token_len(r),
                        message: format!("expected `words`, found {}", describe_token(r)),
                        label: "expected `words`".into(),
                        help: Some(
                            "write `within 20 words`, or `within sentence`, `within cell`, \
                             `within row`, `within item`, `within paragraph`"
                                .into(),
                        ),
                        generic: false,
                    })
                })?;
                window.words = Some(n);
                rest
            }
        };
        if self.peek_word(ws(rest)) == Some("across") {
            let (r, _) = self.keyword(ws(rest), "across")?;
            let (r, _) = self.keyword(ws(r), "paragraphs")?;
            window.across = true;
            rest = r;
        }
        Ok((rest, window))
    }

    pub fn scope<'a>(&self, i: &'a str) -> Res<'a, Scope> {
        if self.peek_word(i) == Some("first") {
            let (r, _) = self.keyword(i, "first")?;
            let (r, n) = self.number(ws(r))?;
            let (r, _) = self.keyword(ws(r), "words")?;
            let (r, _) = self.keyword(ws(r), "of")?;
            let (rest, inner) = self.nested(i, || self.scope(ws(r)))?;
            return Ok((
                rest,
                Scope::First {
                    n,
                    inner: Box::new(inner),
                    span: self.span(i, rest),
                },
            ));
        }
        let (mut rest, first) = self.name(i, "a scope (document, tender, a kind or a section)")?;
        let mut second = None;
        if let Some(r) = rest.strip_prefix('.') {
            let (r, s) = self.name(r, "a section name")?;
            second = Some(s);
            rest = r;
        }
        Ok((
            rest,
            Scope::Path {
                first,
                second,
                span: self.span(i, rest),
            },
        ))
    }

    fn terms_decl<'a>(&self, i: &'a str) -> Res<'a, TermsDecl> {
        let (r, _) = self.keyword(i, "terms")?;
        let (r, name) = self.name(ws(r), "a term list name")?;
        let (r, _) = self.punct(ws(r), '=', Some("write `terms NAME = \"term\" | \"term\"`"))?;
        let (mut rest, t) = self.string(ws(r))?;
        let mut terms = vec![t];
        while let Some(r) = ws(rest).strip_prefix('|') {
            let (r, t) = self.string(ws(r))?;
            terms.push(t);
            rest = r;
        }
        Ok((
            rest,
            TermsDecl {
                name,
                terms,
                span: self.span(i, rest),
            },
        ))
    }

    fn regex_decl<'a>(&self, i: &'a str) -> Res<'a, RegexDecl> {
        let (r, _) = self.keyword(i, "regex")?;
        let (r, name) = self.name(ws(r), "a regex name")?;
        let (r, _) = self.punct(ws(r), '=', Some("write `regex NAME = /pattern/`"))?;
        let (rest, regex) = self.regex(ws(r))?;
        Ok((
            rest,
            RegexDecl {
                name,
                regex,
                span: self.span(i, rest),
            },
        ))
    }

    fn param_decl<'a>(&self, i: &'a str) -> Res<'a, ParamDecl> {
        let (r, _) = self.keyword(i, "param")?;
        let (r, name) = self.name(ws(r), "a param name")?;
        let (r, _) = self.punct(ws(r), '=', Some("write `param NAME = 50`"))?;
        let (rest, value) = self.number_lit(ws(r))?;
        Ok((
            rest,
            ParamDecl {
                name,
                value,
                span: self.span(i, rest),
            },
        ))
    }

    fn tag_decl<'a>(&self, i: &'a str) -> Res<'a, TagDecl> {
        let (r, _) = self.keyword(i, "tag")?;
        let (r, name) = self.name(ws(r), "a tag name")?;
        let (rest, description) = self.string(ws(r))?;
        Ok((
            rest,
            TagDecl {
                name,
                description,
                span: self.span(i, rest),
            },
        ))
    }

    fn section_decl<'a>(&self, i: &'a str) -> Res<'a, SectionDecl> {
        let (r, _) = self.keyword(i, "section")?;
        let (r, name) = self.name(ws(r), "a section name")?;
        let (mut rest, _) =
            self.punct(ws(r), '=', Some("write `section NAME = heading /regex/`"))?;
        let mut alts = Vec::new();
        let mut fallback = false;
        loop {
            let r = ws(rest);
            let kind = match self.peek_word(r) {
                Some("heading") => SectionAltKind::Heading,
                Some("block") => SectionAltKind::Block,
                Some("title") => SectionAltKind::Title,
                Some("label") => SectionAltKind::Label,
                _ => {
                    return fail(
                        r,
                        token_len(r),
                        format!("expected `heading`, `block`, `label` or `title`, found {}", describe_token(r)),
                        "expected `heading`, `block`, `label` or `title`",
                        Some("a section is found by its heading (`heading /objet du marche/`), by a paragraph (`block /a pour objet/`), by a field's label (`label /objet/`) or in the document's title (`title /insertion/`)".into()),
                    );
                }
            };
            let word = match kind {
                SectionAltKind::Heading => "heading",
                SectionAltKind::Block => "block",
                SectionAltKind::Title => "title",
                SectionAltKind::Label => "label",
            };
            let (r, _) = self.keyword(r, word)?;
            let (r, atom) = self.atom(ws(r))?;
            alts.push(SectionAlt {
                kind,
                atom,
                fallback,
            });
            rest = r;
            match self.peek_word(ws(rest)) {
                Some("or") => {
                    rest = self.keyword(ws(rest), "or")?.0;
                    fallback = false;
                }
                Some("else") => {
                    rest = self.keyword(ws(rest), "else")?.0;
                    fallback = true;
                }
                _ => break,
            }
        }
        Ok((
            rest,
            SectionDecl {
                name,
                alts,
                span: self.span(i, rest),
            },
        ))
    }

    /// Parses `{ field value … }` with recovery at each field: errors go to `errors`.
    fn fields<'a>(
        &self,
        i: &'a str,
        allowed: &[&str],
        errors: &mut Vec<SyntaxError>,
        mut field: impl FnMut(&Ident, &'a str) -> Res<'a, ()>,
    ) -> &'a str {
        let mut rest = match self.punct(
            i,
            '{',
            Some("the fields of the block go between `{` and `}`"),
        ) {
            Ok((r, _)) => r,
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                errors.push(self.error(e));
                return recover_top(i);
            }
            Err(nom::Err::Incomplete(_)) => return "",
        };
        let mut fresh_line = true;
        loop {
            let r = ws(rest);
            let on_new_line =
                std::mem::take(&mut fresh_line) || rest[..rest.len() - r.len()].contains('\n');
            if let Some(after) = r.strip_prefix('}') {
                return after;
            }
            if r.is_empty() {
                errors.push(SyntaxError {
                    span: Span::new(self.pos(r), self.pos(r)),
                    message: "unclosed block: expected `}`".into(),
                    label: "the file ends here".into(),
                    help: Some("close the block with `}`".into()),
                });
                return r;
            }
            let result = match ident_raw(r) {
                Ok((_, w)) if allowed.contains(&w) => {
                    let (after, kw) = self.ident(r, "a field").expect("checked");
                    field(&kw, ws(after))
                }
                Ok((_, w)) if TOP_KEYWORDS.contains(&w) && w != "tags" => {
                    errors.push(SyntaxError {
                        span: Span::new(self.pos(r), self.pos(r) + w.len()),
                        message: "unclosed block: expected `}`".into(),
                        label: format!("`{w}` starts a new item before the block was closed"),
                        help: Some("close the block with `}`".into()),
                    });
                    return r;
                }
                Ok((_, w)) if !on_new_line => {
                    let keywords = [
                        "near", "before", "within", "words", "and", "or", "in", "not",
                    ];
                    fail(
                        r,
                        w.len(),
                        format!("unexpected `{w}` after the field's value"),
                        "expected the end of the field",
                        Some(match crate::suggest(w, keywords) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "each field starts on a line of its own, after the previous field's value".into(),
                        }),
                    )
                }
                Ok((_, w)) => fail(
                    r,
                    w.len(),
                    format!("unknown field `{w}`"),
                    "unknown field",
                    Some(match crate::suggest(w, allowed.iter().copied()) {
                        Some(s) => {
                            format!("did you mean `{s}`? The fields are: {}", allowed.join(", "))
                        }
                        None => format!("the fields are: {}", allowed.join(", ")),
                    }),
                ),
                Err(_) => fail(
                    r,
                    token_len(r),
                    format!("expected a field or `}}`, found {}", describe_token(r)),
                    "expected a field",
                    Some(format!("the fields are: {}", allowed.join(", "))),
                ),
            };
            match result {
                Ok((after, ())) => rest = after,
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                    let at = e.at;
                    errors.push(self.error(e));
                    rest = recover_field(r, at, allowed);
                    fresh_line = true;
                }
                Err(nom::Err::Incomplete(_)) => return "",
            }
        }
    }

    fn pack_decl<'a>(&self, i: &'a str, errors: &mut Vec<SyntaxError>) -> Res<'a, PackDecl> {
        let (r, _) = self.keyword(i, "pack")?;
        let (r, id) = self.name(ws(r), "a pack id")?;
        let mut decl = PackDecl {
            id,
            name: None,
            version: None,
            description: None,
            applies: None,
            span: Span::default(),
        };
        let mut dups = Vec::new();
        let rest = self.fields(ws(r), PACK_FIELDS, errors, |kw, v| match kw.name.as_str() {
            "name" => set_once(&mut decl.name, self.string(v), kw, &mut dups),
            "version" => set_once(&mut decl.version, self.string(v), kw, &mut dups),
            "description" => set_once(&mut decl.description, self.string(v), kw, &mut dups),
            _ => set_once(&mut decl.applies, self.cond(v), kw, &mut dups),
        });
        errors.extend(dups);
        decl.span = self.span(i, rest);
        Ok((rest, decl))
    }

    fn rule_decl<'a>(&self, i: &'a str, errors: &mut Vec<SyntaxError>) -> Res<'a, RuleDecl> {
        let (r, _) = self.keyword(i, "rule")?;
        let (r, id) = self.ident(ws(r), "a rule id (for example MIQ101)")?;
        let mut rule = RuleDecl {
            id: Some(id),
            ..Default::default()
        };
        let mut dups = Vec::new();
        let rest = self.fields(ws(r), RULE_FIELDS, errors, |kw, v| match kw.name.as_str() {
            "tags" => {
                let (rest, tags) = self.list(v, |i| self.name(i, "a tag"))?;
                if !rule.tags.is_empty() {
                    dups.push(dup_error(kw));
                }
                rule.tags = tags;
                Ok((rest, ()))
            }
            "level" => set_once(&mut rule.level, self.name(v, "a level (error, warning or info)"), kw, &mut dups),
            "in" => set_once(&mut rule.scope, self.scope(v), kw, &mut dups),
            "stated" => {
                let (r, _) = self.keyword(v, "in")?;
                let (rest, kinds) = self.list(ws(r), |i| {
                    self.ident(i, "a document kind (rc, ccap, cctp, ae, avis, bpu)")
                })?;
                if !rule.stated.is_empty() {
                    dups.push(dup_error(kw));
                }
                rule.stated = kinds;
                Ok((rest, ()))
            }
            "when" => set_once(&mut rule.when, self.cond(v), kw, &mut dups),
            "expect" => {
                let (mut rest, c) = self.cond(v)?;
                rule.expects.push(c);
                let mut label = None;
                if ws(rest).starts_with('"') {
                    let (r, s) = self.string(ws(rest))?;
                    label = Some(s);
                    rest = r;
                }
                rule.expect_labels.push(label);
                Ok((rest, ()))
            }
            "forbid" => {
                let (rest, c) = self.cond(v)?;
                rule.forbids.push(c);
                Ok((rest, ()))
            }
            "message" => set_once(&mut rule.message, self.string(v), kw, &mut dups),
            "why" => set_once(&mut rule.why, self.string(v), kw, &mut dups),
            "fix" => set_once(&mut rule.fix, self.string(v), kw, &mut dups),
            "see" => {
                let (rest, s) = self.string(v)?;
                rule.see.push(s);
                Ok((rest, ()))
            }
            _ => {
                let pass = match self.peek_word(v) {
                    Some("pass") => true,
                    Some("fail") => false,
                    _ => {
                        return fail(
                            v,
                            token_len(v),
                            format!("expected `pass` or `fail` after `example`, found {}", describe_token(v)),
                            "expected `pass` or `fail`",
                            Some("write `example fail \"text that triggers the rule\"` or `example pass \"text that does not\"`".into()),
                        );
                    }
                };
                let (r, _) = self.ident(v, "pass or fail")?;
                let (rest, text) = self.string(ws(r))?;
                rule.examples.push(Example { pass, text, span: self.span(v, rest).join(kw.span) });
                Ok((rest, ()))
            }
        });
        errors.extend(dups);
        rule.span = self.span(i, rest);
        Ok((rest, rule))
    }

    fn item<'a>(&self, i: &'a str, errors: &mut Vec<SyntaxError>) -> Res<'a, Item> {
        match self.peek_word(i) {
            Some("pack") => self.pack_decl(i, errors).map(|(r, d)| (r, Item::Pack(Box::new(d)))),
            Some("rule") => self.rule_decl(i, errors).map(|(r, d)| (r, Item::Rule(Box::new(d)))),
            Some("terms") => self.terms_decl(i).map(|(r, d)| (r, Item::Terms(d))),
            Some("regex") => self.regex_decl(i).map(|(r, d)| (r, Item::Regex(d))),
            Some("section") => self.section_decl(i).map(|(r, d)| (r, Item::Section(d))),
            Some("param") => self.param_decl(i).map(|(r, d)| (r, Item::Param(d))),
            Some("tag") => self.tag_decl(i).map(|(r, d)| (r, Item::Tag(d))),
            Some(w) => fail(
                i,
                w.len(),
                format!("unknown item `{w}`"),
                "expected `rule`, `terms`, `regex`, `section`, `param`, `tag` or `pack`",
                Some(match crate::suggest(w, TOP_KEYWORDS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "a rule file is made of `rule`, `terms`, `regex`, `section`, `param`, `tag` and `pack` items".into(),
                }),
            ),
            None => fail(
                i,
                token_len(i),
                format!("expected an item, found {}", describe_token(i)),
                "expected `rule`, `terms`, `regex`, `section`, `param`, `tag` or `pack`",
                None,
            ),
        }
    }
}

fn dup_error(kw: &Ident) -> SyntaxError {
    SyntaxError {
        span: kw.span,
        message: format!("field `{}` given twice", kw.name),
        label: "second occurrence".into(),
        help: Some(format!(
            "keep a single `{}` field (only `expect`, `forbid`, `see` and `example` repeat)",
            kw.name
        )),
    }
}

fn set_once<'a, T>(
    slot: &mut Option<T>,
    parsed: Res<'a, T>,
    kw: &Ident,
    dups: &mut Vec<SyntaxError>,
) -> Res<'a, ()> {
    let (rest, v) = parsed?;
    if slot.is_some() {
        dups.push(dup_error(kw));
    }
    *slot = Some(v);
    Ok((rest, ()))
}

/// Removes the common indentation of a block string, and the line break after `"""` and
/// before the closing `"""`.
fn dedent(s: &str) -> String {
    let s = s
        .strip_prefix("\r\n")
        .or_else(|| s.strip_prefix('\n'))
        .unwrap_or(s);
    let s = s.trim_end_matches([' ', '\t']);
    let s = s.strip_suffix('\n').unwrap_or(s);
    let s = s.strip_suffix('\r').unwrap_or(s);
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    s.lines()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lines of `i`, as suffixes starting at each line's first non-blank character.
fn line_starts(i: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(i), |s| s.find('\n').map(|n| &s[n + 1..]))
        .skip(1)
        .map(|l| l.trim_start_matches([' ', '\t', '\r']))
}

/// After an error in a top-level item: the next line that starts a top-level item.
fn recover_top(i: &str) -> &str {
    line_starts(i)
        .find(|l| matches!(ident_raw(l), Ok((_, w)) if TOP_KEYWORDS.contains(&w)))
        .unwrap_or("")
}

/// After an error in a field: the next line (after the error) that starts a field, a `}` or a
/// top-level item.
fn recover_field<'a>(field_start: &'a str, err_at: &'a str, allowed: &[&str]) -> &'a str {
    // Resume from the line of the error, unless it lies before the field.
    let from = if err_at.len() < field_start.len() {
        err_at
    } else {
        field_start
    };
    line_starts(from)
        .find(|l| {
            l.starts_with('}')
                || matches!(ident_raw(l), Ok((_, w)) if allowed.contains(&w)
                    || TOP_KEYWORDS.contains(&w)
                    || crate::suggest(w, allowed.iter().copied()).is_some())
        })
        .unwrap_or("")
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
