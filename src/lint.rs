//! One `check`, from a request to a [`Run`]: configuration, rules, discovery, the engine,
//! suppressions, selection, level overrides and the baseline. Returns data; prints nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::baseline;
use crate::compile::plans::Plans;
use crate::compile::{self, RuleSet};
use crate::config::{Config, FailOn, PackMode};
use crate::document::{self, Document, Excludes, ReadError, Tender};
use crate::engine::{self, Options, suppress};
use crate::packs;
use crate::report::Run;

/// A document read from standard input.
#[derive(Debug, Clone)]
pub struct Stdin {
    /// The name it is checked under (it chooses the reader and the document kind).
    pub name: String,
    pub bytes: Vec<u8>,
}

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
    pub stdin: Option<Stdin>,
    /// Only the tenders with a document changed since this git reference.
    pub changed_since: Option<String>,
    /// Report only the findings that are not in this baseline.
    pub baseline: Option<PathBuf>,
    /// Gather evidence for the pillars (the JSON and HTML outputs show it).
    pub evidence: bool,
    /// Where the plans of the rules' patterns are kept between runs (see
    /// [`compile::plans`]); `None`: not kept.
    pub cache_dir: Option<PathBuf>,
}

/// The configuration that applies to `path` (or the one given), with its errors.
pub fn config_for(path: &Path, given: Option<&Path>) -> (Config, Vec<crate::lang::RuleFileError>) {
    let file = given.map(Path::to_path_buf).or_else(|| Config::find(path));
    match file {
        Some(f) => match Config::load(&f) {
            Ok(c) => (c, Vec::new()),
            Err(e) => (Config::default(), e.into_iter().map(Into::into).collect()),
        },
        None => (Config::default(), Vec::new()),
    }
}

/// Loads and compiles the rules a configuration asks for.
pub fn rules_for(config: &Config, req: &Request, run: &mut Run) -> RuleSet {
    let mut sources = if req.no_default_rules {
        Vec::new()
    } else {
        packs::builtin()
    };
    let extra: Vec<PathBuf> = config
        .rules
        .iter()
        .map(|r| r.value.clone())
        .chain(req.rules.iter().cloned())
        .collect();
    let (loaded, errors) = packs::load(&extra);
    sources.extend(loaded);
    run.input_errors.extend(errors);
    let cache = req
        .cache_dir
        .as_ref()
        .map(|dir| dir.join(plans_file_name(&sources)));
    let known = cache
        .as_deref()
        .and_then(read_plans)
        .and_then(|bytes| Plans::from_bytes(&bytes))
        .unwrap_or_default();
    let (set, errors) = compile::compile_with_plans(&sources, &config.param_values(), known);
    // The literal automata are built while the documents are read.
    for pack in &set.packs {
        pack.scanner.warm_up();
    }
    if let Some(file) = cache.filter(|_| set.has_new_plans()) {
        keep_plans(&file, &set.plans());
    }
    run.rule_errors.extend(errors);
    run.rule_errors
        .extend(config.validate(&set).into_iter().map(Into::into));
    set
}

/// The plans file of a set of rule packs: one per set of packs (and build), so that checking
/// with different rules in turn does not throw the plans away each time.
fn plans_file_name(sources: &[compile::PackSource]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(compile::plans::BUILD_ID);
    for src in sources {
        for part in [src.default_id.as_str(), "\0"] {
            h.update(part);
        }
        for f in &src.files {
            for part in [f.name.as_str(), "\0", &f.text, "\0"] {
                h.update(part);
            }
        }
    }
    let hex: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("plans-{hex}.bin")
}

/// The bytes of a plans file: a regular file of reasonable size (the MIQ pack's plans are
/// about 130 KB), or nothing.
fn read_plans(file: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(file).ok()?;
    (meta.is_file() && meta.len() <= 64 << 20)
        .then(|| std::fs::read(file).ok())
        .flatten()
}

/// At most this many plans files are kept (the most recently written).
const MAX_PLANS_FILES: usize = 16;

/// Writes plans for the next run. A cache is only a shortcut: any failure (a read-only or
/// full disk, a folder that cannot be made) is ignored, and the next run works them out again.
fn keep_plans(file: &Path, plans: &Plans) {
    let Some(dir) = file.parent() else {
        return;
    };
    // Written beside and renamed over: a run reading the plans meanwhile sees the old file or
    // the new one, never half of one.
    // A name no other writer uses: the process, the time and a counter (two processes in
    // different containers may have the same id).
    static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".plans-{}-{nanos}-{n}.tmp", std::process::id()));
    if std::fs::create_dir_all(dir).is_err()
        || std::fs::write(&tmp, plans.to_bytes()).is_err()
        || std::fs::rename(&tmp, file).is_err()
    {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    // Plans of packs since edited, or of earlier builds, are not used again: the oldest go.
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("plans-") && name.ends_with(".bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() > MAX_PLANS_FILES {
        files.sort();
        for (_, old) in &files[..files.len() - MAX_PLANS_FILES] {
            let _ = std::fs::remove_file(old);
        }
    }
}

/// Files changed since a git reference (and untracked files), as absolute paths.
fn changed_files(reference: &str) -> Result<BTreeSet<PathBuf>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(top.trim());
    let mut files = BTreeSet::new();
    for list in [
        git(&["diff", "--name-only", reference, "--"])?,
        git(&["ls-files", "--others", "--exclude-standard", "--full-name"])?,
    ] {
        for line in list.lines().filter(|l| !l.is_empty()) {
            files.insert(top.join(line));
        }
    }
    Ok(files)
}

fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p)
        .or_else(|_| std::path::absolute(p))
        .unwrap_or_else(|_| p.to_path_buf())
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
pub fn run_each(req: &Request, mut each: impl FnMut(crate::engine::TenderResult)) -> Run {
    let mut run = Run::default();
    // Group the paths by the configuration that applies to them.
    let paths: Vec<PathBuf> = if req.paths.is_empty() && req.stdin.is_none() {
        vec![PathBuf::from(".")]
    } else {
        req.paths.clone()
    };
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    for p in &paths {
        let key = req.config.clone().or_else(|| Config::find(p));
        groups.entry(key).or_default().push(p.clone());
    }
    if let Some(stdin) = &req.stdin {
        let key = req.config.clone().or_else(|| Config::find(Path::new(".")));
        groups.entry(key).or_default();
        let _ = stdin;
    }
    let changed = match &req.changed_since {
        Some(r) => match changed_files(r) {
            Ok(files) => Some(files),
            Err(e) => {
                run.input_errors.push(ReadError { path: format!("--changed-since {r}"), reason: format!("git could not list the changes: {e}"), help: Some("give a reference git knows (a branch, a tag or a commit), inside a git repository".into()) });
                None
            }
        },
        None => None,
    };
    let known_baseline = match &req.baseline {
        Some(b) => match baseline::read(b) {
            Ok(keys) => Some(keys),
            Err(e) => {
                run.input_errors.push(ReadError {
                    path: b.to_string_lossy().into_owned(),
                    reason: e,
                    help: Some("write one with `tenderlint check --write-baseline FILE`".into()),
                });
                None
            }
        },
        None => None,
    };
    let mut first = true;
    let mut stdin_errors = Vec::new();
    for (config_file, paths) in groups {
        let (config, errors) = match &config_file {
            Some(f) => match Config::load(f) {
                Ok(c) => (c, Vec::new()),
                Err(e) => (Config::default(), e.into_iter().map(Into::into).collect()),
            },
            None => (Config::default(), Vec::new()),
        };
        run.rule_errors.extend(errors);
        // Each group is checked under its own configuration's limits.
        crate::limits::set(config.limits);
        let rules = rules_for(&config, req, &mut run);
        let excludes = Excludes {
            root: config.root.clone(),
            patterns: config.exclude.iter().map(|e| e.value.clone()).collect(),
        };
        let (planned, errors, notices) = document::plan(&paths, &excludes);
        run.input_errors.extend(errors);
        run.notices.extend(notices);
        // Tenders are read one at a time, when their turn comes; standard input comes last.
        let mut stdin_doc = None;
        if let Some(stdin) = req.stdin.as_ref().filter(|_| first) {
            match Document::from_bytes(Path::new(&stdin.name), &stdin.name, &stdin.bytes) {
                Ok(mut d) => {
                    run.notices
                        .extend(d.warnings.drain(..).map(|message| document::Notice {
                            path: stdin.name.clone(),
                            message,
                            help: None,
                        }));
                    stdin_doc = Some(Tender::from_documents(&stdin.name, vec![d]));
                }
                Err(e) => stdin_errors.push(e),
            }
        }
        let mut read_errors = Vec::new();
        let mut read_notices = Vec::new();
        // Each tender with the moment its reading started: reading is part of its time budget.
        let tenders = planned
            .into_iter()
            .filter_map(|p| {
                let started = std::time::Instant::now();
                let (t, errors, notices) = p.read();
                read_errors.extend(errors);
                read_notices.extend(notices);
                Some((t?, started))
            })
            .chain(stdin_doc.map(|t| (t, std::time::Instant::now())));
        let budget = std::time::Duration::from_millis(config.limits.time_budget_ms);
        let mut opts = Options {
            force_packs: req.force_packs.clone(),
            evidence: req.evidence,
            ..Default::default()
        };
        for (pack, mode) in &config.packs {
            match mode.value {
                PackMode::On => opts.force_packs.push(pack.clone()),
                PackMode::Off => opts.disabled_packs.push(pack.clone()),
                PackMode::Auto => {}
            }
        }
        for (mut tender, started) in tenders {
            for d in &mut tender.documents {
                if let Some(k) = config.kind_for(&d.path) {
                    d.kind = k;
                }
            }
            if let Some(changed) = &changed
                && !tender
                    .documents
                    .iter()
                    .any(|d| changed.contains(&absolute(&d.path)))
            {
                continue;
            }
            opts.started = Some(started);
            let mut result = engine::check_tender(&rules, tender, &opts);
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
                    reason,
                    help: None,
                });
                continue;
            }
            let mut findings = Vec::new();
            for (kept, suppressed) in suppressions(&rules, &mut result) {
                findings.extend(kept);
                run.suppressed.extend(suppressed);
            }
            // Selection and level overrides.
            findings.retain(|f| config.selects(&f.rule, &f.tags, &f.pack));
            for f in &mut findings {
                f.level = config.level(&f.rule, f.level);
            }
            if let Some(known) = &known_baseline {
                let keys = baseline::keys(&findings);
                let before = findings.len();
                let mut keep = keys.iter().map(|k| !known.contains(k));
                findings.retain(|_| keep.next().unwrap_or(true));
                run.baseline_hidden += before - findings.len();
            }
            shorten_missing(&mut findings, &result.tender.documents);
            engine::sort_findings(&mut findings, &result.tender.documents);
            result.findings = findings;
            if opts.evidence {
                engine::verdict::judge_all(&rules, &mut result);
            }
            each(result);
        }
        run.input_errors.append(&mut read_errors);
        run.notices.append(&mut read_notices);
        run.input_errors.append(&mut stdin_errors);
        if first {
            run.fail_on = config.fail_on;
            run.rules = rules;
        }
        first = false;
    }
    run
}

/// The most a *missing* finding quotes, in bytes.
pub const MAX_MISSING_QUOTE: usize = 300;

/// A missing finding points at the heading of the part where something was expected, or at
/// the first paragraph of a document without one: on a one-line document of 60 MB, every
/// missing finding quoted the 60 MB. Past [`MAX_MISSING_QUOTE`] bytes, its place is cut at a
/// word boundary (the renderers mark the cut with « … »).
fn shorten_missing(findings: &mut [engine::Finding], docs: &[Document]) {
    for f in findings
        .iter_mut()
        .filter(|f| f.kind == engine::FindingKind::Missing && f.span.len() > MAX_MISSING_QUOTE)
    {
        let end = word_cut(&f.source, f.span.start, MAX_MISSING_QUOTE);
        let old = f.span.clone();
        f.span.end = end;
        for l in f.labels.iter_mut().filter(|l| l.span == old) {
            l.span.end = end;
        }
        if let Some(d) = docs.iter().find(|d| d.display == f.file) {
            f.end = d.line_col(end);
        }
    }
}

/// The end of at most `max` bytes of `text` from `start`: the last word boundary (a space)
/// in the second half of that stretch, else a character boundary.
pub fn word_cut(text: &str, start: usize, max: usize) -> usize {
    let mut end = (start + max).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[start..end].rfind(char::is_whitespace) {
        Some(i) if i >= max / 2 => start + i,
        _ => end,
    }
}

/// The findings of a tender's documents that their suppressions keep, and the suppressed
/// ones, document by document (in the tender's order; in parallel: looking for markers reads
/// every document's text).
fn suppressions(
    rules: &RuleSet,
    result: &mut engine::TenderResult,
) -> Vec<(Vec<engine::Finding>, Vec<suppress::Suppressed>)> {
    use rayon::prelude::*;
    let docs = &result.tender.documents;
    // A finding belongs to the first document of its name.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate().rev() {
        index.insert(d.display.as_str(), i);
    }
    let mut per_doc: Vec<Vec<engine::Finding>> = vec![Vec::new(); docs.len()];
    for f in std::mem::take(&mut result.findings) {
        if let Some(&i) = index.get(f.file.as_str()) {
            per_doc[i].push(f);
        }
    }
    docs.par_iter()
        .zip(per_doc)
        .map(|(doc, fs)| suppress::apply(doc, fs, rules))
        .collect()
}

/// Whether the run fails under a policy.
pub fn fails(run: &Run, policy: FailOn) -> bool {
    run.results
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| policy.fails(f.level))
}
