//! tenderlint checks French public-procurement drafts against rules written in its own
//! language. The library parses and compiles rules, reads documents, checks them and returns
//! data; it never prints. The CLI and the renderers in `report` are thin shells around it.
//!
//! Pipeline: rule text → [`lang`] (syntax tree) → [`compile`] (rule set); files →
//! [`document`] (document model, tenders); [`engine`] → findings → [`report`].

#![forbid(unsafe_code)]
// The library returns data: only the command line prints.
#![deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]
// No function over 120 lines (the threshold is in clippy.toml).
#![warn(clippy::too_many_lines)]

pub mod annotate;
pub mod compile;
pub mod config;
pub mod document;
pub mod engine;
pub mod examples;
pub mod fold;
pub mod lang;
pub mod limits;
pub mod output;
pub mod packs;
pub mod pipeline;
pub mod report;
pub mod search;
#[cfg(test)]
mod testing;

pub use lang::suggest;
