//! The canonical layout of rule files (`tenderlint fmt`). Formatting keeps every comment,
//! never changes meaning (the syntax tree before and after is the same, spans aside) and is
//! idempotent.

use super::ast::*;
use super::parser::{SyntaxError, parse_rule_file};

/// The line width the formatter aims at.
pub const WIDTH: usize = 100;
/// Field keywords are padded to this width inside blocks.
const KEY: usize = 8;

/// A `#` comment of a rule file.
#[derive(Debug, Clone)]
struct Comment {
    offset: usize,
    text: String,
    /// Only white space before it on its line.
    own_line: bool,
}

/// Finds the comments of a rule file, skipping strings and regexes the way the parser does.
fn comments(src: &str) -> Vec<Comment> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' if src[i..].starts_with("\"\"\"") => {
                i = src[i + 3..]
                    .find("\"\"\"")
                    .map(|n| i + 3 + n + 3)
                    .unwrap_or(b.len());
            }
            b'"' | b'/' => {
                let close = b[i];
                i += 1;
                while i < b.len() && b[i] != close && !(close == b'/' && b[i] == b'\n') {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'#' => {
                let end = src[i..].find('\n').map(|n| i + n).unwrap_or(b.len());
                let line_start = src[..i].rfind('\n').map(|n| n + 1).unwrap_or(0);
                out.push(Comment {
                    offset: i,
                    text: src[i..end].trim_end().to_string(),
                    own_line: src[line_start..i].trim().is_empty(),
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

struct Printer<'a> {
    src: &'a str,
    comments: Vec<Comment>,
    printed: Vec<bool>,
    out: String,
}

fn has_blank_line(s: &str) -> bool {
    let mut newlines = 0;
    for c in s.chars() {
        match c {
            '\n' => {
                newlines += 1;
                if newlines >= 2 {
                    return true;
                }
            }
            c if c.is_whitespace() => {}
            _ => newlines = 0,
        }
    }
    false
}

/// Escapes a string value for a `"…"` literal.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn regex_lit(r: &RegexLit) -> String {
    format!("/{}/{}", r.pattern.replace('/', "\\/"), r.flags)
}

fn number(n: &Number) -> String {
    match n {
        Number::Lit(l) => l.text.clone(),
        Number::Param(p) => p.name.clone(),
    }
}

fn scope(s: &Scope) -> String {
    match s {
        Scope::Path { first, second, .. } => match second {
            Some(sec) => format!("{}.{}", first.name, sec.name),
            None => first.name.clone(),
        },
        Scope::First { n, inner, .. } => format!("first {} words of {}", number(n), scope(inner)),
    }
}

impl<'a> Printer<'a> {
    /// Comments inside `[start, end)` not printed yet, marked as printed.
    fn take(&mut self, start: usize, end: usize) -> Vec<Comment> {
        let mut taken = Vec::new();
        for (i, c) in self.comments.iter().enumerate() {
            if !self.printed[i] && c.offset >= start && c.offset < end {
                self.printed[i] = true;
                taken.push(c.clone());
            }
        }
        taken
    }

    /// Prints comments found in `[start, end)` on their own lines, keeping blank lines that
    /// separated them in the source.
    fn leading(&mut self, start: usize, end: usize, indent: usize) {
        let mut prev = start;
        // Comments at the end of a line belong to that line's field (see `end_line`).
        let own: Vec<Comment> = {
            let mut v = Vec::new();
            for (i, c) in self.comments.iter().enumerate() {
                if !self.printed[i] && c.own_line && c.offset >= start && c.offset < end {
                    self.printed[i] = true;
                    v.push(c.clone());
                }
            }
            v
        };
        for c in own {
            if has_blank_line(&self.src[prev..c.offset])
                && !self.out.ends_with("{\n")
                && !self.out.is_empty()
                && !self.out.ends_with("\n\n")
            {
                self.out.push('\n');
            }
            self.out.push_str(&" ".repeat(indent));
            self.out.push_str(&c.text);
            self.out.push('\n');
            prev = c.offset + c.text.len();
        }
    }

    /// Ends a line, appending a comment that stood at the end of the same source line.
    fn end_line(&mut self, src_end: usize) {
        let line_end = self.src[src_end.min(self.src.len())..]
            .find('\n')
            .map(|n| src_end + n)
            .unwrap_or(self.src.len());
        if let Some(i) = self
            .comments
            .iter()
            .position(|c| !c.own_line && c.offset >= src_end && c.offset < line_end)
            && !self.printed[i]
        {
            self.printed[i] = true;
            self.out.push_str("  ");
            let text = self.comments[i].text.clone();
            self.out.push_str(&text);
        }
        self.out.push('\n');
    }

    fn has_comments(&self, start: usize, end: usize) -> bool {
        self.comments
            .iter()
            .enumerate()
            .any(|(i, c)| !self.printed[i] && c.offset >= start && c.offset < end)
    }

    /// A string literal starting at column `col`, wrapped at spaces when too long.
    fn string(&self, s: &StrLit, col: usize) -> String {
        if s.block {
            let mut out = String::from("\"\"\"\n");
            for line in s.value.split('\n') {
                if !line.is_empty() {
                    out.push_str(&" ".repeat(col + 2));
                    out.push_str(line);
                }
                out.push('\n');
            }
            out.push_str(&" ".repeat(col));
            out.push_str("\"\"\"");
            return out;
        }
        let one = format!("\"{}\"", escape(&s.value));
        let wrappable = !s.value.contains(['\n', '\r', '\t'])
            && !s.value.contains("  ")
            && !s.value.starts_with(' ')
            && !s.value.ends_with(' ');
        if col + one.chars().count() <= WIDTH || !wrappable {
            return one;
        }
        let mut out = String::from("\"");
        let mut line_len = col + 1;
        for (i, word) in s.value.split(' ').enumerate() {
            let w = escape(word);
            let wl = w.chars().count();
            if i > 0 {
                if line_len + 1 + wl + 1 > WIDTH {
                    out.push('\n');
                    out.push_str(&" ".repeat(col + 1));
                    line_len = col + 1;
                } else {
                    out.push(' ');
                    line_len += 1;
                }
            }
            out.push_str(&w);
            line_len += wl;
        }
        out.push('"');
        out
    }

    fn atom(&self, a: &Atom, col: usize) -> String {
        match a {
            Atom::Name(i) => i.name.clone(),
            Atom::Term(s) => self.string(s, col),
            Atom::Regex(r) => regex_lit(r),
        }
    }

    /// A condition on one line.
    fn flat(&self, c: &Cond) -> String {
        match c {
            Cond::Atom(a) => self.atom(a, 0),
            Cond::Differs { atom, .. } => {
                format!("{} differs between documents", self.atom(atom, 0))
            }
            Cond::Mention { mention, atom, .. } => format!(
                "{} {}",
                mention.keyword().unwrap_or_default(),
                self.atom(atom, 0)
            ),
            Cond::Near { a, b, within, .. } => format!(
                "{} near {} {}",
                self.atom(a, 0),
                self.atom(b, 0),
                window(within)
            ),
            Cond::Before { a, b, within, .. } => match within {
                Some(w) => format!(
                    "{} before {} {}",
                    self.atom(a, 0),
                    self.atom(b, 0),
                    window(w)
                ),
                None => format!("{} before {}", self.atom(a, 0), self.atom(b, 0)),
            },
            Cond::Count {
                distinct,
                atom,
                cmp,
                n,
                ..
            } => {
                format!(
                    "count {}{} {} {}",
                    if *distinct { "distinct " } else { "" },
                    self.atom(atom, 0),
                    cmp.symbol(),
                    number(n)
                )
            }
            Cond::Value { atom, cmp, n, .. } => format!(
                "value {} {} {}",
                self.atom(atom, 0),
                cmp.symbol(),
                number(n)
            ),
            Cond::And { items, form, .. } | Cond::Or { items, form, .. } => {
                let and = matches!(c, Cond::And { .. });
                let parts: Vec<String> = items.iter().map(|i| self.flat(i)).collect();
                match form {
                    BoolForm::Infix => parts.join(if and { " and " } else { " or " }),
                    BoolForm::Call => {
                        format!("{}({})", if and { "all" } else { "any" }, parts.join(", "))
                    }
                }
            }
            Cond::Not { inner, .. } => format!("not {}", self.flat(inner)),
            Cond::Group { inner, .. } => format!("({})", self.flat(inner)),
            Cond::In {
                inner, scope: s, ..
            } => format!("{} in {}", self.flat(inner), scope(s)),
        }
    }

    /// A condition starting at column `col` on a line indented by `indent`: on one line when it
    /// fits and holds no comment, else broken at its lists and operators.
    fn cond(&mut self, c: &Cond, col: usize, indent: usize) -> String {
        let span = c.span();
        let flat = self.flat(c);
        if col + flat.chars().count() <= WIDTH
            && !self.has_comments(span.offset, span.end())
            && !flat.contains('\n')
        {
            return flat;
        }
        match c {
            Cond::And {
                items,
                form: BoolForm::Call,
                ..
            }
            | Cond::Or {
                items,
                form: BoolForm::Call,
                ..
            } => {
                let name = if matches!(c, Cond::And { .. }) {
                    "all"
                } else {
                    "any"
                };
                let mut out = format!("{name}(\n");
                let inner = indent + 4;
                let mut prev = span.offset;
                for item in items {
                    let s = item.span();
                    for com in self.take(prev, s.offset) {
                        out.push_str(&" ".repeat(inner));
                        out.push_str(&com.text);
                        out.push('\n');
                    }
                    out.push_str(&" ".repeat(inner));
                    let text = self.cond(item, inner, inner);
                    out.push_str(&text);
                    out.push(',');
                    // A comment at the end of the item's line stays there.
                    let line_end = self.src[s.end()..]
                        .find('\n')
                        .map(|n| s.end() + n)
                        .unwrap_or(self.src.len());
                    for com in self.take(s.end(), line_end) {
                        out.push_str("  ");
                        out.push_str(&com.text);
                    }
                    out.push('\n');
                    prev = s.end();
                }
                for com in self.take(prev, span.end()) {
                    out.push_str(&" ".repeat(inner));
                    out.push_str(&com.text);
                    out.push('\n');
                }
                out.push_str(&" ".repeat(indent));
                out.push(')');
                out
            }
            Cond::And {
                items,
                form: BoolForm::Infix,
                ..
            }
            | Cond::Or {
                items,
                form: BoolForm::Infix,
                ..
            } => {
                let op = if matches!(c, Cond::And { .. }) {
                    "and"
                } else {
                    "or"
                };
                let cont = indent + 2;
                let mut out = self.cond(&items[0], col, cont);
                for item in &items[1..] {
                    out.push('\n');
                    out.push_str(&" ".repeat(cont));
                    out.push_str(op);
                    out.push(' ');
                    let text = self.cond(item, cont + op.len() + 1, cont);
                    out.push_str(&text);
                }
                out
            }
            Cond::Group { inner, .. } => format!("({})", self.cond(inner, col + 1, indent + 1)),
            Cond::Not { inner, .. } => format!("not {}", self.cond(inner, col + 4, indent)),
            Cond::In {
                inner, scope: s, ..
            } => format!("{} in {}", self.cond(inner, col, indent), scope(s)),
            Cond::Atom(Atom::Term(s)) => self.string(s, col),
            _ => flat,
        }
    }

    /// `keyword value` inside a block, with the keyword padded.
    fn field_start(&mut self, key: &str) -> usize {
        self.out.push_str("  ");
        self.out.push_str(key);
        let pad = KEY.saturating_sub(key.len()).max(1);
        self.out.push_str(&" ".repeat(pad));
        2 + key.len() + pad
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Terms(t) => self.terms_item(t),
            Item::Regex(r) => {
                self.out
                    .push_str(&format!("regex {} = {}", r.name.name, regex_lit(&r.regex)));
                self.end_line(r.span.end());
            }
            Item::Param(p) => {
                self.out
                    .push_str(&format!("param {} = {}", p.name.name, p.value.text));
                self.end_line(p.span.end());
            }
            Item::Tag(t) => {
                let head = format!("tag {} ", t.name.name);
                let s = self.string(&t.description, head.len());
                self.out.push_str(&head);
                self.out.push_str(&s);
                self.end_line(t.span.end());
            }
            Item::Section(s) => self.section_item(s),
            Item::Pack(p) => self.pack_item(p),
            Item::Rule(r) => self.rule_item(r),
        }
    }

    /// `terms NAME = …`: on one line if it fits, else one term a line.
    fn terms_item(&mut self, t: &TermsDecl) {
        let head = format!("terms {} =", t.name.name);
        let parts: Vec<String> = t.terms.iter().map(|s| self.string(s, 0)).collect();
        let one = format!("{head} {}", parts.join(" | "));
        if one.chars().count() <= WIDTH
            && !one.contains('\n')
            && !self.has_comments(t.span.offset, t.span.end())
        {
            self.out.push_str(&one);
            self.end_line(t.span.end());
            return;
        }
        self.out.push_str(&head);
        self.out.push('\n');
        let mut prev = t.name.span.end();
        for (i, term) in t.terms.iter().enumerate() {
            self.leading(prev, term.span.offset, 2);
            self.out.push_str(if i == 0 { "    " } else { "  | " });
            let s = self.string(term, 4);
            self.out.push_str(&s);
            self.end_line(term.span.end());
            prev = term.span.end();
        }
    }

    /// `section NAME = …`: on one line if it fits, else one alternative a line.
    fn section_item(&mut self, s: &SectionDecl) {
        let head = format!("section {} = ", s.name.name);
        let alts: Vec<String> = s
            .alts
            .iter()
            .map(|a| {
                format!(
                    "{} {}",
                    match a.kind {
                        SectionAltKind::Heading => "heading",
                        SectionAltKind::Block => "block",
                        SectionAltKind::Title => "title",
                        SectionAltKind::Label => "label",
                    },
                    self.atom(&a.atom, 0)
                )
            })
            .collect();
        let joiner = |a: &SectionAlt| if a.fallback { "else" } else { "or" };
        let one =
            s.alts
                .iter()
                .zip(&alts)
                .enumerate()
                .fold(head.clone(), |mut acc, (i, (a, text))| {
                    if i > 0 {
                        acc.push_str(&format!(" {} ", joiner(a)));
                    }
                    acc.push_str(text);
                    acc
                });
        if one.chars().count() <= WIDTH || alts.len() == 1 {
            self.out.push_str(&one);
        } else {
            self.out.push_str(&head);
            for (i, (a, text)) in s.alts.iter().zip(&alts).enumerate() {
                if i > 0 {
                    // `or ` and `else ` end where the first alternative starts.
                    let j = joiner(a);
                    let pad = " ".repeat(head.len().saturating_sub(j.len() + 1));
                    self.out.push_str(&format!("\n{pad}{j} "));
                }
                self.out.push_str(text);
            }
        }
        self.end_line(s.span.end());
    }

    /// The `pack` header block.
    fn pack_item(&mut self, p: &PackDecl) {
        self.out.push_str(&format!("pack {} {{", p.id.name));
        self.end_line(p.id.span.end());
        let mut fields: Vec<(usize, usize, &str, FieldValue)> = Vec::new();
        for (key, v) in [
            ("name", &p.name),
            ("version", &p.version),
            ("description", &p.description),
        ] {
            if let Some(s) = v {
                fields.push((s.span.offset, s.span.end(), key, FieldValue::Str(s)));
            }
        }
        if let Some(c) = &p.applies {
            fields.push((
                c.span().offset,
                c.span().end(),
                "applies",
                FieldValue::Cond(c),
            ));
        }
        self.fields(fields, p.id.span.end(), p.span.end());
        self.out.push('}');
        self.end_line(p.span.end());
    }

    /// A `rule` block.
    fn rule_item(&mut self, r: &RuleDecl) {
        let id = r.id.as_ref().map(|i| i.name.as_str()).unwrap_or("");
        let id_end = r.id.as_ref().map(|i| i.span.end()).unwrap_or(r.span.offset);
        self.out.push_str(&format!("rule {id} {{"));
        self.end_line(id_end);
        let mut fields: Vec<(usize, usize, &str, FieldValue)> = Vec::new();
        if let (Some(first), Some(last)) = (r.tags.first(), r.tags.last()) {
            fields.push((
                first.span.offset,
                last.span.end(),
                "tags",
                FieldValue::Tags(&r.tags),
            ));
        }
        if let Some(l) = &r.level {
            fields.push((
                l.span.offset,
                l.span.end(),
                "level",
                FieldValue::Word(&l.name),
            ));
        }
        if let Some(s) = &r.scope {
            fields.push((s.span().offset, s.span().end(), "in", FieldValue::Scope(s)));
        }
        if let (Some(first), Some(last)) = (r.stated.first(), r.stated.last()) {
            fields.push((
                first.span.offset,
                last.span.end(),
                "stated",
                FieldValue::Stated(&r.stated),
            ));
        }
        if let Some(c) = &r.when {
            fields.push((c.span().offset, c.span().end(), "when", FieldValue::Cond(c)));
        }
        for (i, c) in r.expects.iter().enumerate() {
            let label = r.expect_labels.get(i).and_then(Option::as_ref);
            fields.push((
                c.span().offset,
                label.map_or(c.span().end(), |l| l.span.end()),
                "expect",
                FieldValue::Expect(c, label),
            ));
        }
        for c in &r.forbids {
            fields.push((
                c.span().offset,
                c.span().end(),
                "forbid",
                FieldValue::Cond(c),
            ));
        }
        for (key, v) in [("message", &r.message), ("why", &r.why), ("fix", &r.fix)] {
            if let Some(s) = v {
                fields.push((s.span.offset, s.span.end(), key, FieldValue::Str(s)));
            }
        }
        for s in &r.see {
            fields.push((s.span.offset, s.span.end(), "see", FieldValue::Str(s)));
        }
        for e in &r.examples {
            fields.push((
                e.text.span.offset,
                e.text.span.end(),
                "example",
                FieldValue::Example(e),
            ));
        }
        self.fields(fields, id_end, r.span.end());
        self.out.push('}');
        self.end_line(r.span.end());
    }

    /// Prints block fields in canonical order (the order given), each with the comments that
    /// preceded it in the source.
    fn fields(&mut self, fields: Vec<(usize, usize, &str, FieldValue)>, open: usize, close: usize) {
        // Leading comments belong to the field that follows them in the source.
        let mut by_source: Vec<(usize, usize)> = fields.iter().map(|f| (f.0, f.1)).collect();
        by_source.sort();
        for (start, end, key, value) in &fields {
            let prev_end = by_source
                .iter()
                .filter(|(_, e)| *e <= *start)
                .map(|(_, e)| *e)
                .max()
                .unwrap_or(open);
            self.leading(prev_end.max(open), *start, 2);
            let col = self.field_start(key);
            let text = match value {
                FieldValue::Str(s) => self.string(s, col),
                FieldValue::Word(w) => w.to_string(),
                FieldValue::Tags(t) => t
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                FieldValue::Stated(k) => format!(
                    "in {}",
                    k.iter()
                        .map(|k| k.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                FieldValue::Scope(s) => scope(s),
                FieldValue::Cond(c) => self.cond(c, col, 2),
                FieldValue::Expect(c, label) => {
                    let cond = self.cond(c, col, 2);
                    match label {
                        Some(l) => {
                            let last = cond.rsplit('\n').next().unwrap_or(&cond);
                            let at = if cond.contains('\n') {
                                last.chars().count()
                            } else {
                                col + last.chars().count()
                            };
                            format!("{cond} {}", self.string(l, at + 1))
                        }
                        None => cond,
                    }
                }
                FieldValue::Example(e) => {
                    let kind = if e.pass { "pass " } else { "fail " };
                    format!("{kind}{}", self.string(&e.text, col + kind.len()))
                }
            };
            self.out.push_str(&text);
            self.end_line(*end);
        }
        let last = by_source.iter().map(|(_, e)| *e).max().unwrap_or(open);
        self.leading(last, close, 2);
    }
}

/// `within N words`, `within sentence`…, then `across paragraphs`.
fn window(w: &Window) -> String {
    let mut out = match (&w.words, &w.unit) {
        (_, Some((_, word))) => format!("within {}", word.name),
        (Some(n), None) => format!("within {} words", number(n)),
        (None, None) => String::new(),
    };
    if w.across {
        out.push_str(" across paragraphs");
    }
    out
}

enum FieldValue<'a> {
    Str(&'a StrLit),
    Word(&'a str),
    Tags(&'a [Ident]),
    Stated(&'a [Ident]),
    Scope(&'a Scope),
    Cond(&'a Cond),
    /// An `expect` with what it looks for in words.
    Expect(&'a Cond, Option<&'a StrLit>),
    Example(&'a Example),
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Pack(p) => p.span,
        Item::Tag(t) => t.span,
        Item::Param(p) => p.span,
        Item::Terms(t) => t.span,
        Item::Regex(r) => r.span,
        Item::Section(s) => s.span,
        Item::Rule(r) => r.span,
    }
}

/// Formats a rule file. Files with syntax errors are not formatted.
pub fn format(src: &str) -> Result<String, Vec<SyntaxError>> {
    let (file, errors) = parse_rule_file(src);
    if !errors.is_empty() {
        return Err(errors);
    }
    let comments = comments(src);
    let mut p = Printer {
        src,
        printed: vec![false; comments.len()],
        comments,
        out: String::new(),
    };
    let mut prev_end = 0;
    for (n, item) in file.items.iter().enumerate() {
        let span = item_span(item);
        let single = |i: &Item| {
            matches!(
                i,
                Item::Terms(_) | Item::Regex(_) | Item::Param(_) | Item::Tag(_) | Item::Section(_)
            )
        };
        let gap = &src[prev_end..span.offset];
        let first_comment = p
            .comments
            .iter()
            .enumerate()
            .find(|(i, c)| !p.printed[*i] && c.offset >= prev_end && c.offset < span.offset)
            .map(|(_, c)| c.offset);
        let before_comments = &src[prev_end..first_comment.unwrap_or(span.offset)];
        if n > 0
            && (has_blank_line(before_comments)
                || !(single(item) && single(&file.items[n - 1]))
                || (first_comment.is_none() && has_blank_line(gap)))
        {
            p.out.push('\n');
        }
        p.leading(prev_end, span.offset, 0);
        p.item(item);
        prev_end = span.end();
    }
    p.leading(prev_end, src.len(), 0);
    // Any comment not placed (inside an expression printed on one line) is kept before the end.
    let rest: Vec<String> = p
        .comments
        .iter()
        .enumerate()
        .filter(|(i, _)| !p.printed[*i])
        .map(|(_, c)| c.text.clone())
        .collect();
    for c in rest {
        p.out.push_str(&c);
        p.out.push('\n');
    }
    Ok(p.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_strings_and_regexes() {
        let src = "# one\nterms a = \"x # not\" # two\nregex r = /a#b/ # three\nx = \"\"\"\n# not\n\"\"\"\n";
        let texts: Vec<String> = comments(src).into_iter().map(|c| c.text).collect();
        assert_eq!(texts, ["# one", "# two", "# three"]);
    }

    #[test]
    fn canonical_layout() {
        let src = "# Header\nrule R1 { message \"m\"\n level error # lvl\n tags objet\n  # why comes next\n why \"w\" fix \"f\" expect a and b }\nterms a=\"x\"|\"y\"\nterms b = \"z\"\n";
        let out = format(src).unwrap();
        assert_eq!(
            out,
            "# Header\nrule R1 {\n  tags    objet\n  level   error  # lvl\n  expect  a and b\n  message \"m\"\n  # why comes next\n  why     \"w\"\n  fix     \"f\"\n}\n\nterms a = \"x\" | \"y\"\nterms b = \"z\"\n"
        );
        assert_eq!(format(&out).unwrap(), out);
    }

    #[test]
    fn long_strings_wrap_without_changing_the_value() {
        let long = "mot ".repeat(60).trim_end().to_string();
        let src = format!("tag t \"{long}\"\n");
        let out = format(&src).unwrap();
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        let (f, _) = parse_rule_file(&out);
        let Item::Tag(t) = &f.items[0] else { panic!() };
        assert_eq!(t.description.value, long);
    }
}
