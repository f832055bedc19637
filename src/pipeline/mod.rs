//! One `check`, as named stages from a request to a [`Run`]: load the rules ([`rules`]), read
//! the tenders ([`read`]), check each ([`crate::engine`]), filter its findings ([`filter`]:
//! suppressions, selection, levels, baseline, sorted once). The run is data for the
//! renderers of [`crate::report`]; nothing here prints.

pub mod baseline;
mod filter;
pub mod fingerprint;
mod read;
mod rules;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::compile::{Level, RuleSet};
use crate::config::{Config, FailOn, PackMode};
use crate::document::{Excludes, ReadError, ReadFailure};
use crate::engine::{self, Options, TenderResult};
use crate::lang::RuleFileError;

pub use crate::document::tender::{MemoryFile, MemoryTender};
pub use rules::{config_for, rules_for};

/// What to check, and how.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub paths: Vec<PathBuf>,
    /// Extra rule files or pack folders (`--rules`).
    pub rules: Vec<PathBuf>,
    pub no_default_rules: bool,
    /// Packs applied whatever their condition (`--pack`).
    pub force_packs: Vec<String>,
    /// `--config FILE`: one configuration for every path.
    pub config: Option<PathBuf>,
    /// A tender given in memory, checked after the paths: the document of standard input
    /// ([`MemoryTender::one`]), or the files of a dossier ([`check_files`]).
    pub in_memory: Option<MemoryTender>,
    /// No configuration file is looked for: the defaults apply (unless `config` names one).
    pub no_config_files: bool,
    /// Only the tenders with a document changed since this git reference.
    pub changed_since: Option<String>,
    /// Report only the findings that are not in this baseline.
    pub baseline: Option<PathBuf>,
    /// Gather evidence for the pillars (the JSON and HTML outputs show it).
    pub evidence: bool,
    /// Where the plans of the rules' patterns are kept between runs (see
    /// [`crate::search::cache`]); `None`: not kept.
    pub cache_dir: Option<PathBuf>,
}

/// Checks the files of one dossier given in memory, as `tenderlint report` checks a folder that
/// holds them: with the embedded packs, the default configuration (no configuration file is
/// looked for), evidence gathered for the pillars' verdicts. The documents are read in the order
/// of their names, as a folder's; a file of a type tenderlint does not read is an input error.
/// This is what the page in the browser (web/) runs.
pub fn check_files(name: &str, files: Vec<MemoryFile>) -> Run {
    let (mut files, unsupported): (Vec<MemoryFile>, Vec<MemoryFile>) = files
        .into_iter()
        .partition(|f| crate::document::is_supported(Path::new(&f.name)));
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let req = Request {
        // Even without a file: no path then means nothing to read, not the current folder.
        in_memory: Some(MemoryTender {
            name: name.to_string(),
            files,
        }),
        no_config_files: true,
        evidence: true,
        ..Request::default()
    };
    let mut run = run(&req);
    run.input_errors.extend(
        unsupported
            .iter()
            .map(|f| crate::document::tender::unsupported(f.name.clone())),
    );
    run
}

/// Runs a whole check; the results are in `run.results`.
pub fn run(req: &Request) -> Run {
    let mut results = Vec::new();
    let mut run = run_each(req, |r| results.push(r));
    run.results = results;
    run
}

/// Runs a whole check and hands each tender's result to `each` as soon as it is complete, in
/// the same order as [`run`]; the returned run holds everything but the results. A caller that
/// renders and drops each result keeps one tender in memory at a time.
pub fn run_each(req: &Request, mut each: impl FnMut(TenderResult)) -> Run {
    let mut run = Run::default();
    let groups = groups(req);
    let changed = read::changed_since(req, &mut run);
    if req.changed_since.is_some() && changed.is_none() {
        // Checking every tender instead would pass off a full check as the changed ones'.
        run.stopped = true;
        return run;
    }
    let known_baseline = baseline::known(req, &mut run);
    run.baselined = known_baseline.is_some();
    let filters = filter::Filters {
        baseline: known_baseline.as_ref(),
    };
    let mut first = true;
    for (config_file, paths) in groups {
        let (config, errors) = match &config_file {
            Some(f) => match Config::load(f) {
                Ok(c) => (c, Vec::new()),
                Err(e) => (Config::default(), e.into_iter().map(Into::into).collect()),
            },
            None => (Config::default(), Vec::new()),
        };
        run.rule_errors.extend(errors);
        if no_rules_given(req, &config) {
            let error = no_rules_error();
            let known = |e: &ReadError| e.path == error.path && e.reason == error.reason;
            if !run.input_errors.iter().any(known) {
                run.input_errors.push(error);
            }
            continue;
        }
        let rules = rules_for(&config, req, &mut run);
        let group = Group {
            config: &config,
            rules: &rules,
            changed: changed.as_ref(),
            filters: &filters,
        };
        group.check(req, &paths, first, &mut run, &mut each);
        let failures = rules.packs.iter().flat_map(|p| p.patterns.failures());
        run.warnings.extend(failures.map(String::from));
        if first {
            run.fail_on = config.fail_on;
            run.rules = rules;
        }
        first = false;
    }
    run
}

/// Whether a configuration leaves nothing to check with: no embedded pack
/// (`--no-default-rules`), no `--rules` and no `rules` in the configuration.
fn no_rules_given(req: &Request, config: &Config) -> bool {
    req.no_default_rules && req.rules.is_empty() && config.rules.is_empty()
}

/// The error of a check without rules: its paths are not read.
fn no_rules_error() -> ReadError {
    ReadError {
        path: "--no-default-rules".into(),
        kind: ReadFailure::NoRules,
        reason: "no rules to check with: the embedded packs are left out, and neither --rules nor the configuration's `rules` gives any".into(),
        help: Some("give a rule file or pack folder with `--rules PATH`, or drop `--no-default-rules`".into()),
    }
}

/// The paths to check, grouped by the configuration that applies to them (standard input
/// goes with the current folder's).
fn groups(req: &Request) -> BTreeMap<Option<PathBuf>, Vec<PathBuf>> {
    let paths: Vec<PathBuf> = if req.paths.is_empty() && req.in_memory.is_none() {
        vec![PathBuf::from(".")]
    } else {
        req.paths.clone()
    };
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for p in &paths {
        groups.entry(config_of(req, p)).or_default().push(p.clone());
    }
    if req.in_memory.is_some() {
        groups.entry(config_of(req, Path::new("."))).or_default();
    }
    groups
}

/// The configuration file for a path: the one the request names, else the first found upwards.
fn config_of(req: &Request, path: &Path) -> Option<PathBuf> {
    let found = || Config::find(path).filter(|_| !req.no_config_files);
    req.config.clone().or_else(found)
}

/// The paths under one configuration, and what checking them needs.
struct Group<'a> {
    config: &'a Config,
    rules: &'a RuleSet,
    /// The files changed since `--changed-since` (`None`: every tender is checked).
    changed: Option<&'a std::collections::BTreeSet<PathBuf>>,
    filters: &'a filter::Filters<'a>,
}

impl Group<'_> {
    /// Reads, checks and filters each tender of the paths (the tender in memory with the
    /// first group), handing each result to `each`.
    fn check(
        &self,
        req: &Request,
        paths: &[PathBuf],
        first: bool,
        run: &mut Run,
        each: &mut impl FnMut(TenderResult),
    ) {
        let config = self.config;
        let excludes = Excludes {
            root: config.root.clone(),
            patterns: config.exclude.iter().map(|e| e.value.clone()).collect(),
        };
        let in_memory = req.in_memory.as_ref().filter(|_| first);
        let mut reading = read::Reading::new(paths, &excludes, in_memory, &config.limits, run);
        let budget = std::time::Duration::from_millis(config.limits.time_budget_ms);
        let opts = self.options(req, budget);
        while let Some((mut tender, started)) = reading.next() {
            for d in &mut tender.documents {
                if let Some(k) = config.kind_for(&d.path) {
                    d.kind = k;
                }
            }
            if let Some(changed) = self.changed
                && !tender
                    .documents
                    .iter()
                    .any(|d| changed.contains(&read::absolute(&d.path)))
            {
                continue;
            }
            let opts = Options {
                started: Some(started),
                ..opts.clone()
            };
            let mut result = engine::check_tender(self.rules, tender, &opts);
            // The engine looks at the clock between units of work; reading, or the last unit,
            // may be what went past the budget.
            if result.timed_out.is_none() && started.elapsed() > budget {
                result.timed_out = Some(format!(
                    "skipped: reading and checking it took more than the time budget of {} ms; raise `time-budget-ms` in [limits] if the tender is just large",
                    budget.as_millis()
                ));
            }
            if let Some(reason) = result.timed_out.take() {
                run.input_errors.push(ReadError {
                    path: result.tender.display.clone(),
                    kind: ReadFailure::TimedOut {
                        budget_ms: u64::try_from(budget.as_millis()).unwrap_or(u64::MAX),
                    },
                    reason,
                    help: None,
                });
                continue;
            }
            self.filters.apply(self.rules, config, &mut result, run);
            if opts.evidence {
                engine::verdict::judge_all(self.rules, &mut result);
            }
            each(result);
        }
        reading.finish(run);
    }

    /// The engine's options: the packs forced or disabled by the request and configuration.
    fn options(&self, req: &Request, budget: std::time::Duration) -> Options {
        let mut opts = Options {
            force_packs: req.force_packs.clone(),
            evidence: req.evidence,
            time_budget: budget,
            ..Default::default()
        };
        for (pack, mode) in &self.config.packs {
            match mode.value {
                PackMode::On => opts.force_packs.push(pack.clone()),
                PackMode::Off => opts.disabled_packs.push(pack.clone()),
                PackMode::Auto => {}
            }
        }
        opts
    }
}

/// Everything one `check` produced: results per tender and the inputs that could not be used.
#[derive(Debug, Default)]
pub struct Run {
    /// The rules the run checked with (for formats that describe rules, like SARIF).
    pub rules: RuleSet,
    pub results: Vec<TenderResult>,
    pub input_errors: Vec<ReadError>,
    /// What the user should know about inputs that were checked or left out on purpose.
    pub notices: Vec<crate::document::Notice>,
    pub rule_errors: Vec<RuleFileError>,
    /// Findings silenced by inline suppressions, with their reasons.
    pub suppressed: Vec<engine::suppress::Suppressed>,
    /// Findings left out because the baseline knows them.
    pub baseline_hidden: usize,
    /// Whether the findings were compared with a baseline (`--baseline`): those reported are
    /// then the new ones (SARIF says so with `baselineState`).
    pub baselined: bool,
    /// The exit policy of the configuration.
    pub fail_on: crate::config::FailOn,
    /// The run stopped before checking anything (git could not list the changes since
    /// `--changed-since`): its input errors say why, and there is nothing to report.
    pub stopped: bool,
    /// What went wrong without stopping the run (a pattern that could not be compiled when a
    /// document needed it), for standard error.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub tenders: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Run {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            tenders: self.results.len(),
            ..Default::default()
        };
        for r in &self.results {
            s.documents += r.tender.documents.len();
            for f in &r.findings {
                match f.level {
                    Level::Error => s.errors += 1,
                    Level::Warning => s.warnings += 1,
                    Level::Info => s.infos += 1,
                }
            }
        }
        s
    }

    /// Whether some input (document or rule file) could not be used.
    pub fn has_input_errors(&self) -> bool {
        !self.input_errors.is_empty() || !self.rule_errors.is_empty()
    }
}

/// Whether the run fails under a policy.
pub fn fails(run: &Run, policy: FailOn) -> bool {
    run.results
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| policy.fails(f.level))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Renderer;

    /// The HTML report of a run, dated so that two runs compare.
    fn html(run: &Run) -> String {
        let mut out = Vec::new();
        crate::report::html::Html::new("7 décembre 2026")
            .render(run, &mut out)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The files of a fixture folder in memory, named by their paths, in `order`.
    fn files_of(folder: &str, order: &[&str]) -> Vec<MemoryFile> {
        order
            .iter()
            .map(|f| {
                let name = format!("{folder}/{f}");
                let bytes = std::fs::read(&name).unwrap();
                MemoryFile { name, bytes }
            })
            .collect()
    }

    /// The run of `tenderlint report FOLDER`, without a configuration file.
    fn on_disk(folder: &str) -> Run {
        run(&Request {
            paths: vec![PathBuf::from(folder)],
            no_config_files: true,
            evidence: true,
            ..Request::default()
        })
    }

    #[test]
    fn a_dossier_in_memory_is_checked_as_its_folder() {
        for (folder, files) in [
            ("fixtures/formats/bon-docx", &["CCTP.docx"][..]),
            ("fixtures/formats/defaut-odt", &["CCTP.odt"][..]),
            ("fixtures/formats/bon-pdf", &["CCTP.pdf"][..]),
            // Handed in another order: read in the order of the names, as a folder's.
            ("fixtures/miq-complet", &["RC.md", "CCTP.md", "CCAP.md"][..]),
        ] {
            let memory = check_files(folder, files_of(folder, files));
            let disk = on_disk(folder);
            assert_eq!(memory.results.len(), 1, "{folder}");
            assert!(!memory.has_input_errors(), "{folder}");
            assert!(
                memory.results[0]
                    .packs
                    .iter()
                    .any(|p| !p.pillars.is_empty()),
                "{folder}: the pillars are judged"
            );
            assert_eq!(html(&memory), html(&disk), "{folder}");
        }
    }

    #[test]
    fn a_file_of_another_type_is_an_input_error_and_the_others_are_checked() {
        let mut files = files_of("fixtures/public-vague", &["CCTP.md"]);
        files.push(MemoryFile {
            name: "budget.xlsx".into(),
            bytes: b"PK\x03\x04".to_vec(),
        });
        let run = check_files("dossier", files);
        assert_eq!(run.results.len(), 1);
        assert_eq!(run.results[0].tender.display, "dossier");
        assert_eq!(run.results[0].tender.documents.len(), 1);
        assert_eq!(run.input_errors.len(), 1);
        assert_eq!(run.input_errors[0].path, "budget.xlsx");
        assert_eq!(run.input_errors[0].reason, "unsupported document type");
    }

    #[test]
    fn a_report_handed_back_is_left_out_with_a_notice() {
        let folder = "fixtures/public-vague";
        let report = html(&on_disk(folder));
        let mut files = files_of(folder, &["CCTP.md"]);
        files.push(MemoryFile {
            name: "rapport.html".into(),
            bytes: report.into_bytes(),
        });
        let run = check_files("dossier", files);
        assert_eq!(run.results[0].tender.documents.len(), 1);
        assert!(!run.has_input_errors());
        assert!(
            run.notices
                .iter()
                .any(|n| n.path == "rapport.html" && n.message.contains("generated")),
            "{:?}",
            run.notices
        );
    }

    #[test]
    fn nothing_readable_checks_nothing() {
        let run = check_files(
            "dossier",
            vec![MemoryFile {
                name: "notes.xlsx".into(),
                bytes: Vec::new(),
            }],
        );
        assert!(run.results.is_empty());
        assert_eq!(run.input_errors.len(), 1);
    }
}
