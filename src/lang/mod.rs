//! The rule language: syntax tree, parser and the diagnostics for rule files.

pub mod ast;
pub mod format;
pub mod parser;

use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

pub use parser::{SyntaxError, parse_cond, parse_rule_file};

/// A rule file's text and name, shared by its diagnostics.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }
    pub fn named_source(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(self.name.clone(), self.text.clone())
    }
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        crate::document::line_col(&self.text, offset)
    }
}

/// An error in a rule file: it carries its source so that any renderer can show it.
#[derive(Debug, Error, Diagnostic, Clone)]
#[error("{message}")]
#[diagnostic(code(tenderlint::rules))]
pub struct RuleFileError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<Arc<str>>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
    /// Other places that explain this error (for example the first definition of a duplicate).
    #[related]
    pub related: Vec<RelatedPlace>,
}

/// A secondary place of an error, possibly in another rule file.
#[derive(Debug, Error, Diagnostic, Clone)]
#[error("{message}")]
#[diagnostic(severity(Advice))]
pub struct RelatedPlace {
    pub message: String,
    #[source_code]
    pub src: NamedSource<Arc<str>>,
    #[label("{message}")]
    pub span: SourceSpan,
}

impl RuleFileError {
    pub fn new(
        file: &SourceFile,
        span: ast::Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        RuleFileError {
            message: message.into(),
            src: file.named_source(),
            span: span.into(),
            label: label.into(),
            help,
            related: Vec::new(),
        }
    }
    pub fn from_syntax(file: &SourceFile, e: SyntaxError) -> Self {
        RuleFileError::new(file, e.span, e.message, e.label, e.help)
    }
    pub fn with_related(
        mut self,
        file: &SourceFile,
        span: ast::Span,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(RelatedPlace {
            message: message.into(),
            src: file.named_source(),
            span: span.into(),
        });
        self
    }
    /// The file name, 1-based line and column of the error (for tests and short output).
    pub fn location(&self) -> (String, usize, usize) {
        let (l, c) = crate::document::line_col(self.src.inner(), self.span.offset());
        (self.src.name().to_string(), l, c)
    }
    /// The text under the label.
    pub fn labelled_text(&self) -> &str {
        let start = self.span.offset().min(self.src.inner().len());
        let end = (start + self.span.len()).min(self.src.inner().len());
        &self.src.inner()[start..end]
    }
}

/// Parses a rule file into its syntax tree, or every syntax error in it.
pub fn parse(file: &SourceFile) -> Result<ast::RuleFile, Vec<RuleFileError>> {
    let (ast, errors) = parse_rule_file(&file.text);
    if errors.is_empty() {
        Ok(ast)
    } else {
        Err(errors
            .into_iter()
            .map(|e| RuleFileError::from_syntax(file, e))
            .collect())
    }
}
