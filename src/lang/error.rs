//! The errors of rule files, one type per stage that finds them, each with its own code:
//!
//! | type | code | found when |
//! |---|---|---|
//! | [`ParseError`] | `tenderlint::rule::parse` | a rule file is parsed |
//! | [`ResolveError`] | `tenderlint::rule::resolve` | packs are compiled: names resolved, patterns, rules and packs checked |
//! | [`ExampleError`] | `tenderlint::rule::example` | a rule's examples or a test document are run |
//!
//! [`RuleFileError`] is any of them, or a configuration error
//! ([`ConfigError`], `tenderlint::config`, defined here because it reads like the others): the errors that keep a
//! run from using its rules as written. Every one is a [`Located`] message: it owns its source,
//! so that any renderer can show it.

use std::ops::Deref;

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::SourceFile;
use super::ast::Span;
use super::parser::SyntaxError;

/// A message at a place of a source file, with a label, a help line and the other places that
/// explain it: what every error of a rule file or of the configuration says.
#[derive(Debug, Error, Diagnostic, Clone)]
#[error("{message}")]
pub struct Located {
    pub message: String,
    #[source_code]
    pub src: SourceFile,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
    /// Other places that explain this error (for example the first definition of a duplicate).
    #[related]
    pub related: Vec<RelatedPlace>,
}

/// A secondary place of an error, possibly in another file.
#[derive(Debug, Error, Diagnostic, Clone)]
#[error("{message}")]
#[diagnostic(severity(Advice))]
pub struct RelatedPlace {
    pub message: String,
    #[source_code]
    pub src: SourceFile,
    #[label("{message}")]
    pub span: SourceSpan,
}

impl Located {
    pub fn new(
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        Located {
            message: message.into(),
            src: file.clone(),
            span: span.into(),
            label: label.into(),
            help,
            related: Vec::new(),
        }
    }
    /// Adds a place that explains the error.
    pub fn with_related(
        mut self,
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(RelatedPlace {
            message: message.into(),
            src: file.clone(),
            span: span.into(),
        });
        self
    }
    /// The file name, 1-based line and column of the error (for tests and short output).
    pub fn location(&self) -> (String, usize, usize) {
        let (l, c) = self.src.line_col(self.span.offset());
        (self.src.name.clone(), l, c)
    }
    /// The text under the label.
    pub fn labelled_text(&self) -> &str {
        let text = &*self.src.text;
        let start = self.span.offset().min(text.len());
        let end = (start + self.span.len()).min(text.len());
        &text[start..end]
    }
}

/// A syntax error in a rule file.
#[derive(Debug, Error, Diagnostic, Clone)]
#[error(transparent)]
#[diagnostic(code(tenderlint::rule::parse), forward(0))]
pub struct ParseError(pub Located);

/// An error found when a pack is compiled: an unknown or duplicate name, an invalid or costly
/// regex, a missing field, a rule or pack id used twice.
#[derive(Debug, Error, Diagnostic, Clone)]
#[error(transparent)]
#[diagnostic(code(tenderlint::rule::resolve), forward(0))]
pub struct ResolveError(pub Located);

/// An example of a rule, or an expectation of a test document, that the rule does not meet.
#[derive(Debug, Error, Diagnostic, Clone)]
#[error(transparent)]
#[diagnostic(code(tenderlint::rule::example), forward(0))]
pub struct ExampleError(pub Located);

impl ParseError {
    pub fn new(file: &SourceFile, e: SyntaxError) -> Self {
        ParseError(Located::new(file, e.span, e.message, e.label, e.help))
    }
}

/// An error that keeps a run from using its rules as written: in a rule file, or in the
/// configuration. It reads as the [`Located`] message it carries.
#[derive(Debug, Error, Diagnostic, Clone)]
pub enum RuleFileError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Example(#[from] ExampleError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
}

impl RuleFileError {
    /// An error found when a pack is compiled (a [`ResolveError`]).
    pub fn new(
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        ResolveError(Located::new(file, span, message, label, help)).into()
    }
    /// A syntax error of `file` (a [`ParseError`]).
    pub fn from_syntax(file: &SourceFile, e: SyntaxError) -> Self {
        ParseError::new(file, e).into()
    }
    /// A failing example or test document (an [`ExampleError`]).
    pub fn example(
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        ExampleError(Located::new(file, span, message, label, help)).into()
    }
    /// Adds a place that explains the error.
    pub fn with_related(self, file: &SourceFile, span: Span, message: impl Into<String>) -> Self {
        match self {
            RuleFileError::Parse(e) => ParseError(e.0.with_related(file, span, message)).into(),
            RuleFileError::Resolve(e) => ResolveError(e.0.with_related(file, span, message)).into(),
            RuleFileError::Example(e) => ExampleError(e.0.with_related(file, span, message)).into(),
            RuleFileError::Config(e) => ConfigError(e.0.with_related(file, span, message)).into(),
        }
    }
}

impl Deref for RuleFileError {
    type Target = Located;
    fn deref(&self) -> &Located {
        match self {
            RuleFileError::Parse(e) => &e.0,
            RuleFileError::Resolve(e) => &e.0,
            RuleFileError::Example(e) => &e.0,
            RuleFileError::Config(e) => &e.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::compile::{PackSource, compile};

    fn code(d: &dyn Diagnostic) -> String {
        d.code().map(|c| c.to_string()).unwrap_or_default()
    }

    fn errors(text: &str) -> Vec<RuleFileError> {
        let file = SourceFile::new("test.tl", text.to_string());
        let sources = [PackSource {
            default_id: "t".into(),
            files: vec![file],
        }];
        compile(&sources, &HashMap::new()).1
    }

    #[test]
    fn each_stage_has_its_code() {
        let e = errors("rule X1 {\n  levle warning\n}\n");
        assert!(matches!(e[0], RuleFileError::Parse(_)), "{e:?}");
        assert_eq!(code(&e[0]), "tenderlint::rule::parse");
        let e = errors("rule X1 {\n  tags public\n}\n");
        assert!(matches!(e[0], RuleFileError::Resolve(_)), "{e:?}");
        assert_eq!(code(&e[0]), "tenderlint::rule::resolve");
        let file = SourceFile::new("test.tl", "example".to_string());
        let e = RuleFileError::example(&file, Span::new(0, 7), "m", "l", None);
        assert_eq!(code(&e), "tenderlint::rule::example");
    }

    #[test]
    fn the_located_message_shows_through() {
        let file = SourceFile::new("a.tl", "one\ntwo three\n".to_string());
        let e = RuleFileError::new(&file, Span::new(8, 13), "msg", "label", Some("help".into()))
            .with_related(&file, Span::new(0, 3), "first");
        assert_eq!(e.to_string(), "msg");
        assert_eq!(e.location(), ("a.tl".to_string(), 2, 5));
        assert_eq!(e.labelled_text(), "three");
        assert_eq!(e.help.as_deref(), Some("help"));
        assert_eq!(e.related().map(Iterator::count), Some(1));
        assert_eq!(code(&e), "tenderlint::rule::resolve");
    }
}

/// A mistake in a configuration file: a message at a place of the TOML (with the file's name
/// and text, to show it), and a help line that says what to write instead.
#[derive(Debug, Error, Diagnostic, Clone)]
#[error(transparent)]
#[diagnostic(code(tenderlint::config), forward(0))]
pub struct ConfigError(pub Located);

impl ConfigError {
    pub fn new(
        file: &SourceFile,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        ConfigError(Located::new(file, span, message, label, Some(help.into())))
    }
}
