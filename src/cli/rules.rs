//! The commands about rules: `explain`, `rules`, `test` and `fmt`.

use std::io::Write;
use std::path::{Path, PathBuf};

use tenderlint::compile::RuleSet;
use tenderlint::pipeline::Run;
use tenderlint::report::human::Human;
use tenderlint::report::{Format, catalogue};
use tenderlint::{document, packs};

use super::args::{Color, ExplainFormat, RuleArgs};
use super::exit;
use super::terminal::{
    PENDING, install_interrupt_handler, print_input_errors, stderr_human, terminal_width, use_color,
};

/// Loads and compiles the rule set; rule-file problems are returned for reporting.
fn load_rules(args: &RuleArgs, run: &mut Run) -> RuleSet {
    let request = tenderlint::pipeline::Request {
        rules: args.rules.clone(),
        no_default_rules: args.no_default_rules,
        cache_dir: args.cache_dir(),
        ..Default::default()
    };
    tenderlint::pipeline::rules_for(&tenderlint::config::Config::default(), &request, run)
}

/// `explain --all`: every rule, or with `--format md` every pack as a Markdown guide.
pub fn explain_all(format: ExplainFormat, rule_args: &RuleArgs, out: &mut dyn Write) -> u8 {
    let mut run = Run::default();
    let rules = load_rules(rule_args, &mut run);
    print_input_errors(&run);
    let mut text = String::new();
    for pack in &rules.packs {
        match format {
            ExplainFormat::Md => {
                if !text.is_empty() {
                    text.push('\n');
                }
                let head = packs::guide(&pack.id, &rule_args.rules);
                text.push_str(&catalogue::pack_markdown(pack, head.as_deref()));
            }
            ExplainFormat::Text => {
                for rule in &pack.rules {
                    if !text.is_empty() {
                        text.push_str("\n\n");
                    }
                    text.push_str(&catalogue::explain(pack, rule, terminal_width()));
                }
            }
        }
    }
    let _ = out.write_all(text.as_bytes());
    exit::inputs(&run)
}

pub fn explain(id: &str, format: ExplainFormat, rule_args: &RuleArgs, out: &mut dyn Write) -> u8 {
    let mut run = Run::default();
    let rules = load_rules(rule_args, &mut run);
    print_input_errors(&run);
    let Some((pack, rule)) = rules.rule(id) else {
        let ids: Vec<&str> = rules.rules().map(|(_, r)| r.id.as_str()).collect();
        match tenderlint::suggest(id, ids) {
            Some(s) => eprintln!("error: unknown rule `{id}` (did you mean `{s}`?)"),
            None => eprintln!("error: unknown rule `{id}`; `tenderlint rules` lists them"),
        }
        return exit::TROUBLE;
    };
    let text = match format {
        ExplainFormat::Text => catalogue::explain(pack, rule, terminal_width()),
        ExplainFormat::Md => catalogue::rule_markdown(rule),
    };
    let _ = out.write_all(text.as_bytes());
    exit::inputs(&run)
}

pub fn list_rules(
    format: Format,
    pack: Option<&str>,
    rule_args: &RuleArgs,
    out: &mut dyn Write,
) -> u8 {
    let mut run = Run::default();
    let rules = load_rules(rule_args, &mut run);
    print_input_errors(&run);
    if let Some(p) = pack
        && !rules.packs.iter().any(|k| k.id.eq_ignore_ascii_case(p))
    {
        eprintln!("error: unknown pack `{p}`");
        return exit::TROUBLE;
    }
    let selected: Vec<_> = rules
        .rules()
        .filter(|(p, _)| pack.is_none_or(|n| p.id.eq_ignore_ascii_case(n)))
        .collect();
    let text = match format {
        Format::Human => catalogue::rules_table(&selected),
        Format::Json => catalogue::rules_json(&selected),
        // The other formats are views of findings, for `check`.
        _ => {
            eprintln!("error: `tenderlint rules` prints `--format human` or `--format json`");
            return exit::TROUBLE;
        }
    };
    let _ = out.write_all(text.as_bytes());
    exit::inputs(&run)
}

pub fn test_rules(paths: &[PathBuf], rule_args: &RuleArgs, out: &mut dyn Write) -> u8 {
    let mut run = Run::default();
    // Rule files and folders that hold some are the rules tested; the other folders and
    // files hold test documents only, checked with those rules (or, when no path gives rules,
    // with the embedded packs and --rules).
    let (rule_paths, document_paths): (Vec<&PathBuf>, Vec<&PathBuf>) =
        paths.iter().partition(|p| is_rule_path(p));
    let rules = if rule_paths.is_empty() {
        load_rules(rule_args, &mut run)
    } else {
        let args = RuleArgs {
            rules: rule_paths
                .into_iter()
                .chain(&rule_args.rules)
                .cloned()
                .collect(),
            no_default_rules: true,
            no_cache: rule_args.no_cache,
        };
        load_rules(&args, &mut run)
    };
    let mut failures = tenderlint::examples::run_all(&rules);
    // Units: every example, and every test document.
    let mut total: usize = rules.rules().map(|(_, r)| r.examples.len()).sum();
    let mut failed_units = failures.len();
    for path in paths.iter().filter(|p| p.exists()) {
        let mut found = false;
        for doc in test_documents(path, &mut run) {
            found = true;
            let f = tenderlint::examples::check_document(&rules, doc);
            total += 1;
            failed_units += usize::from(!f.is_empty());
            failures.extend(f);
        }
        if !found && document_paths.contains(&path) {
            run.warnings.push(format!(
                "no rule file (.tl) and no test document (with `expect` markers) under {}",
                document::shown(path)
            ));
        }
    }
    print_input_errors(&run);
    let human = Human::new(use_color(Color::Auto), terminal_width());
    for f in &failures {
        let _ = write!(out, "{}", human.diagnostic(f));
    }
    let _ = writeln!(
        out,
        "{} passed, {} failed",
        total - failed_units,
        failed_units
    );
    if run.has_input_errors() {
        exit::TROUBLE
    } else if !failures.is_empty() {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

/// Whether `test` loads a path as rules: a `.tl` file, a folder that holds some at any depth,
/// or a path that does not exist (reported as a missing rule file).
fn is_rule_path(path: &Path) -> bool {
    let is_rule_file = |p: &Path| p.extension().is_some_and(|x| x == "tl");
    if path.is_dir() {
        walkdir::WalkDir::new(path)
            .into_iter()
            .flatten()
            .any(|e| e.file_type().is_file() && is_rule_file(e.path()))
    } else {
        is_rule_file(path) || !path.exists()
    }
}

/// The test documents of a path, a document or a folder (documents with `expect` markers), in
/// name order; the ones that cannot be read go to the run.
fn test_documents(path: &Path, run: &mut Run) -> Vec<document::Document> {
    let files = walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && document::is_supported(e.path()));
    let mut docs = Vec::new();
    for entry in files {
        let display = entry.path().to_string_lossy().replace('\\', "/");
        match document::Document::read(entry.path(), &display, &Default::default()) {
            Ok(doc) if tenderlint::examples::is_test_document(&doc.text) => docs.push(doc),
            Ok(_) => {}
            Err(e) => run.input_errors.push(e),
        }
    }
    docs
}

/// Rule files under `paths` (default: the current folder).
fn rule_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let roots = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut files = Vec::new();
    for root in roots {
        if root.is_file() {
            files.push(root);
            continue;
        }
        let walker = walkdir::WalkDir::new(&root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0
                    || !(e.file_type().is_dir()
                        && (e.file_name().to_string_lossy().starts_with('.')
                            || e.file_name() == "target"))
            });
        files.extend(
            walker
                .flatten()
                .filter(|e| {
                    e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "tl")
                })
                .map(|e| e.into_path()),
        );
    }
    files
}

pub fn fmt(paths: &[PathBuf], check: bool, out: &mut dyn Write) -> u8 {
    let human = stderr_human();
    let (mut trouble, mut unformatted) = (false, 0);
    for path in rule_files(paths) {
        let display = path.to_string_lossy().replace('\\', "/");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {display}: cannot read: {e}");
                trouble = true;
                continue;
            }
        };
        let formatted = match tenderlint::lang::format::format(&text) {
            Ok(f) => f,
            Err(errors) => {
                // A file that does not parse is never rewritten.
                let file = tenderlint::lang::SourceFile::new(display.clone(), text.clone());
                for e in errors {
                    eprint!(
                        "{}",
                        human.diagnostic(&tenderlint::lang::RuleFileError::from_syntax(&file, e))
                    );
                }
                trouble = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if check {
            let diff = similar::TextDiff::from_lines(&text, &formatted);
            let _ = write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(2)
                    .header(&display, &format!("{display} (formatted)"))
            );
        } else if let Err(e) = tenderlint::output::check_target(&path, &Default::default())
            .and_then(|()| {
                install_interrupt_handler();
                tenderlint::output::write(&path, formatted.as_bytes(), &PENDING)
            })
        {
            eprint!("{}", human.diagnostic(&e));
            trouble = true;
        } else {
            let _ = writeln!(out, "formatted {display}");
        }
    }
    if trouble {
        exit::TROUBLE
    } else if check && unformatted > 0 {
        let _ = writeln!(
            out,
            "{unformatted} file(s) not formatted; run `tenderlint fmt`"
        );
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
