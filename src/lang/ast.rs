//! The abstract syntax tree of a rule file. Every node keeps the byte span it was parsed from,
//! so that compile errors and the formatter can point back into the rule file.

use serde::Serialize;

/// A byte range in a rule file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            offset: start,
            len: end.saturating_sub(start),
        }
    }
    pub fn end(&self) -> usize {
        self.offset + self.len
    }
    pub fn join(self, other: Span) -> Span {
        Span::new(self.offset.min(other.offset), self.end().max(other.end()))
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.offset, s.len).into()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    pub value: String,
    /// `true` for a `"""…"""` block string.
    pub block: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegexLit {
    pub pattern: String,
    pub flags: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NumLit {
    pub value: f64,
    pub text: String,
    pub span: Span,
}

/// A number in a comparison: a literal or the name of a `param`.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    Lit(NumLit),
    Param(Ident),
}

impl Number {
    pub fn span(&self) -> Span {
        match self {
            Number::Lit(n) => n.span,
            Number::Param(i) => i.span,
        }
    }
}

/// Something that matches text: a named term list or regex, or an inline term or regex.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    Name(Ident),
    Term(StrLit),
    Regex(RegexLit),
}

impl Atom {
    pub fn span(&self) -> Span {
        match self {
            Atom::Name(i) => i.span,
            Atom::Term(s) => s.span,
            Atom::Regex(r) => r.span,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "=",
            Cmp::Ne => "!=",
        }
    }
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}

/// How a boolean combination was written, kept for the formatter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolForm {
    Infix,
    Call,
}

/// Which mentions of an atom count: every one, only those that are not negated or contrasted
/// in their sentence (« ne … pas », « sans », « aucun », « contrairement à »…), or only those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Mention {
    /// As the context decides: affirmed mentions in a `forbid`, every mention elsewhere.
    #[default]
    Default,
    /// `mentioned A`: every mention, negated or not.
    Any,
    /// `affirmed A`: mentions that are not negated or contrasted.
    Affirmed,
    /// `negated A`: mentions that are negated or contrasted.
    Negated,
}

impl Mention {
    pub fn keyword(self) -> Option<&'static str> {
        match self {
            Mention::Default => None,
            Mention::Any => Some("mentioned"),
            Mention::Affirmed => Some("affirmed"),
            Mention::Negated => Some("negated"),
        }
    }
}

/// A part of a document's structure that a `near` or `before` window stays in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// One sentence (never across a paragraph, a list item or a table cell).
    Sentence,
    /// One table cell (a paragraph or a list item outside tables).
    Cell,
    /// One paragraph, list item, heading or table row: the default of a window in words.
    Paragraph,
}

impl Unit {
    /// The unit named by a word after `within` (`row` and `item` are paragraphs of a table and
    /// of a list).
    pub fn parse(word: &str) -> Option<Unit> {
        Some(match word {
            "sentence" => Unit::Sentence,
            "cell" => Unit::Cell,
            "paragraph" | "row" | "item" => Unit::Paragraph,
            _ => return None,
        })
    }
}

/// How far apart the two atoms of `near` / `before` may be.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// `within N words`.
    pub words: Option<Number>,
    /// `within sentence`, `within cell`, `within row`… (the word as written, for the formatter).
    pub unit: Option<(Unit, Ident)>,
    /// `across paragraphs`: the window may cross paragraphs, list items and table rows.
    pub across: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Atom(Atom),
    /// `A differs between documents`: two documents of the unit each give values of `A`, and
    /// none in common (numbers equal, or texts sharing a word of four letters or more).
    Differs {
        atom: Atom,
        span: Span,
    },
    /// `affirmed A`, `negated A`, `mentioned A`.
    Mention {
        mention: Mention,
        atom: Atom,
        span: Span,
    },
    Near {
        a: Atom,
        b: Atom,
        within: Window,
        span: Span,
    },
    Before {
        a: Atom,
        b: Atom,
        within: Option<Window>,
        span: Span,
    },
    Count {
        /// `count distinct A`: counts different values (captured numbers, or texts).
        distinct: bool,
        atom: Atom,
        cmp: Cmp,
        n: Number,
        span: Span,
    },
    Value {
        atom: Atom,
        cmp: Cmp,
        n: Number,
        span: Span,
    },
    And {
        items: Vec<Cond>,
        form: BoolForm,
        span: Span,
    },
    Or {
        items: Vec<Cond>,
        form: BoolForm,
        span: Span,
    },
    Not {
        inner: Box<Cond>,
        span: Span,
    },
    Group {
        inner: Box<Cond>,
        span: Span,
    },
    In {
        inner: Box<Cond>,
        scope: Scope,
        span: Span,
    },
}

impl Cond {
    pub fn span(&self) -> Span {
        match self {
            Cond::Atom(a) => a.span(),
            Cond::Near { span, .. }
            | Cond::Mention { span, .. }
            | Cond::Differs { span, .. }
            | Cond::Before { span, .. }
            | Cond::Count { span, .. }
            | Cond::Value { span, .. }
            | Cond::And { span, .. }
            | Cond::Or { span, .. }
            | Cond::Not { span, .. }
            | Cond::Group { span, .. }
            | Cond::In { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// `document`, `tender`, a kind, a section, or `kind.section`.
    Path {
        first: Ident,
        second: Option<Ident>,
        span: Span,
    },
    First {
        n: Number,
        inner: Box<Scope>,
        span: Span,
    },
}

impl Scope {
    pub fn span(&self) -> Span {
        match self {
            Scope::Path { span, .. } | Scope::First { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PackDecl {
    pub id: Ident,
    pub name: Option<StrLit>,
    pub version: Option<StrLit>,
    pub description: Option<StrLit>,
    pub applies: Option<Cond>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TagDecl {
    pub name: Ident,
    pub description: StrLit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    pub name: Ident,
    pub value: NumLit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TermsDecl {
    pub name: Ident,
    pub terms: Vec<StrLit>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegexDecl {
    pub name: Ident,
    pub regex: RegexLit,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionAltKind {
    Heading,
    Block,
    /// `title ATOM`: the document's title (its first heading, else its first paragraph).
    Title,
    /// `label ATOM`: the block after a short block (five words at most) that the atom matches,
    /// the value of a field (« Objet » in a table's first column, a `<dt>`, a line of its own).
    Label,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionAlt {
    pub kind: SectionAltKind,
    pub atom: Atom,
    /// Written after `else`: tried only in a document where the alternatives before it
    /// found nothing.
    pub fallback: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SectionDecl {
    pub name: Ident,
    pub alts: Vec<SectionAlt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub pass: bool,
    pub text: StrLit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleDecl {
    pub id: Option<Ident>,
    pub tags: Vec<Ident>,
    pub level: Option<Ident>,
    pub scope: Option<Scope>,
    /// `stated in KIND, KIND`: the document kinds where the rule's expectations are stated;
    /// without one of them in the tender, a missing expectation is not a finding and the
    /// rule's pillar cannot be judged from the documents given.
    pub stated: Vec<Ident>,
    pub when: Option<Cond>,
    pub expects: Vec<Cond>,
    /// For each `expect`, what it looks for in words (`expect COND "un comité de pilotage"`),
    /// shown by a *missing* finding.
    pub expect_labels: Vec<Option<StrLit>>,
    pub forbids: Vec<Cond>,
    pub message: Option<StrLit>,
    pub why: Option<StrLit>,
    pub fix: Option<StrLit>,
    pub see: Vec<StrLit>,
    pub examples: Vec<Example>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Pack(Box<PackDecl>),
    Tag(TagDecl),
    Param(ParamDecl),
    Terms(TermsDecl),
    Regex(RegexDecl),
    Section(SectionDecl),
    Rule(Box<RuleDecl>),
}

/// A parsed rule file: its items in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleFile {
    pub items: Vec<Item>,
}
