//! The commands of the `tenderlint` binary, one module each, over the library.

pub mod annotate;
pub mod args;
pub mod check;
pub mod completions;
pub mod config;
pub mod exit;
pub mod rules;
pub mod terminal;
