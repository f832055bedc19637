//! GitLab Code Quality report (`--format gitlab`): a JSON array of issues that GitLab shows in
//! merge requests. Severity maps error→major, warning→minor, info→info. The fingerprint (see
//! `fingerprint.rs`) does not depend on lines, so GitLab does not see a finding as fixed and
//! new again when text is inserted above it.

use std::io::{self, Write};

use serde::Serialize;

use super::{Renderer, Run, relative_path};
use crate::compile::Level;
use crate::pipeline::fingerprint::fingerprints;

#[derive(Serialize)]
struct Issue<'a> {
    /// Code Climate's engine name, first: it marks the file as generated, so that a check
    /// never reads it as a document (see `document::generated::is_generated`).
    engine_name: &'static str,
    description: &'a str,
    check_name: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

fn severity(l: Level) -> &'static str {
    match l {
        Level::Error => "major",
        Level::Warning => "minor",
        Level::Info => "info",
    }
}

pub struct Gitlab;

impl Renderer for Gitlab {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        let prints = fingerprints(run);
        let issues: Vec<Issue> = run
            .results
            .iter()
            .flat_map(|r| &r.findings)
            .zip(&prints)
            .map(|(f, print)| Issue {
                engine_name: "tenderlint",
                description: &f.message,
                check_name: &f.rule,
                fingerprint: print,
                severity: severity(f.level),
                location: Location {
                    path: relative_path(&f.file),
                    lines: Lines { begin: f.line },
                },
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &issues)?;
        writeln!(out)
    }
}
