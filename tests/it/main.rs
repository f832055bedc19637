//! The integration tests, in one binary that links the crate once: each module is the suite of
//! one part of the project (`cargo test --test it MODULE` runs one). Paths are relative to the
//! crate root, the working directory cargo gives integration tests; `util` holds the helpers
//! the modules share.

#![warn(clippy::too_many_lines)]

mod accuracy;
mod annotate;
mod authoring;
mod ci;
mod cli;
mod docs;
mod eval;
mod fixtures;
mod format;
mod formats;
mod hostile;
mod house;
mod html_report;
mod integrations;
mod json_output;
mod output_formats;
mod overrides;
mod robustness;
mod rule_examples;
mod rule_language;
mod tenders;
mod terminal;
mod util;
