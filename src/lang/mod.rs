//! The rule language: syntax tree, parser, formatter and the errors of rule files.

pub mod ast;
pub mod error;
pub mod format;
pub mod parser;

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

pub use error::{
    ConfigError, ExampleError, Located, ParseError, RelatedPlace, ResolveError, RuleFileError,
};
pub use parser::{SyntaxError, parse_cond, parse_rule_file};

/// A rule file's text and name, shared by its diagnostics; also the source miette quotes a
/// document from. miette counts a place's column in bytes; this source gives it in
/// characters, as every other output does ([`crate::document::column`]).
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
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        crate::document::line_col(&self.text, offset)
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = (*self.text).read_span(span, before, after)?;
        // Without lines before, the contents start at the place: its column is the one shown.
        let column = if before == 0 {
            crate::document::column(&self.text, inner.span().offset()) - 1
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
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

/// Suggests the closest of `candidates` to `word`, if one is close enough.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|&(d, c)| d <= (c.chars().count() / 3).max(1) && d > 0)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}
