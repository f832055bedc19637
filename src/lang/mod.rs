//! The rule language: syntax tree, parser, formatter and the errors of rule files.

pub mod ast;
pub mod error;
pub mod format;
pub mod parser;

use std::sync::Arc;

use miette::NamedSource;

pub use error::{
    ConfigError, ExampleError, Located, ParseError, RelatedPlace, ResolveError, RuleFileError,
};
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
