//! The `tenderlint` command line: a thin shell around the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use tenderlint::compile::RuleSet;
use tenderlint::config::FailOn;
use tenderlint::pipeline::Run;
use tenderlint::report::github::Github;
use tenderlint::report::gitlab::Gitlab;
use tenderlint::report::html::Html;
use tenderlint::report::human::Human;
use tenderlint::report::json::Json;
use tenderlint::report::junit::Junit;
use tenderlint::report::sarif::Sarif;
use tenderlint::report::short::Short;
use tenderlint::report::{Renderer, catalogue};
use tenderlint::{document, packs};

/// Exit statuses, decided here and nowhere else.
mod exit {
    /// No finding of level error.
    pub const CLEAN: u8 = 0;
    /// At least one finding of level error (or a failing rule example).
    pub const FINDINGS: u8 = 1;
    /// Usage error, invalid rule file or unreadable input.
    pub const TROUBLE: u8 = 2;
}

#[derive(Parser)]
#[command(
    name = "tenderlint",
    version,
    about = "Checks French public-procurement drafts (marchés d'insertion et de qualification) against explained rules."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Short,
    Sarif,
    Github,
    Gitlab,
    Junit,
    /// A self-contained HTML report in French (for facilitators), best with -o FILE.
    Html,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ExplainFormat {
    Text,
    Md,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FailOnArg {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to check (default: the current folder).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Apply this pack whatever its applicability condition says (repeatable).
    #[arg(long = "pack", value_name = "NAME")]
    packs: Vec<String>,
    /// When to use colours in the human format (NO_COLOR is respected).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Use this configuration file instead of the nearest tenderlint.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Read one document from standard input (name it with --stdin-filename).
    #[arg(long)]
    stdin: bool,
    /// The file name the standard input is checked under (chooses the reader and the kind).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "stdin.md",
        requires = "stdin"
    )]
    stdin_filename: String,
    /// Report only the findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// The lowest level that makes the exit status 1 (default: the configuration's, or error).
    #[arg(long, value_enum)]
    fail_on: Option<FailOnArg>,
    /// Print the findings only: no tender headers, no summary.
    #[arg(long, short)]
    quiet: bool,
    /// Print how many findings each rule has, instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Check only the tenders with a document changed since this git reference.
    #[arg(long, value_name = "GIT_REF")]
    changed_since: Option<String>,
    /// Also list the findings silenced by inline suppressions, with their reasons.
    #[arg(long)]
    show_suppressed: bool,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
}

/// Where rules come from; shared by every subcommand.
#[derive(clap::Args)]
struct RuleArgs {
    /// Extra rule file or pack folder (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Do not load the packs embedded in tenderlint (the MIQ pack).
    #[arg(long)]
    no_default_rules: bool,
    /// Do not read or keep the plans of the rules' patterns (what loading them works out,
    /// kept between runs in $TENDERLINT_CACHE_DIR, else the user's cache folder).
    #[arg(long)]
    no_cache: bool,
}

impl RuleArgs {
    /// Where plans are kept between runs: `$TENDERLINT_CACHE_DIR`, else `tenderlint` in the
    /// user's cache folder (`$XDG_CACHE_HOME`, `~/.cache`, `~/Library/Caches` on macOS,
    /// `%LOCALAPPDATA%` on Windows); none with `--no-cache` or `TENDERLINT_NO_CACHE=1`.
    fn cache_dir(&self) -> Option<PathBuf> {
        if self.no_cache {
            return None;
        }
        tenderlint::search::cache::default_dir()
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check documents: each folder that directly holds documents is one tender.
    Check(CheckArgs),
    /// Write an HTML report in French for a facilitator: per tender, a synthesis by pillar, the
    /// passages behind each « conforme », and the findings with what to change.
    Report {
        /// Files or folders to check (default: the current folder).
        paths: Vec<PathBuf>,
        /// The HTML file to write (default: standard output).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Apply this pack whatever its applicability condition says (repeatable).
        #[arg(long = "pack", value_name = "NAME")]
        packs: Vec<String>,
        /// Use this configuration file instead of the nearest tenderlint.toml.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Print the effective configuration for a path (the nearest tenderlint.toml).
    Config {
        /// The file or folder whose configuration to show (default: the current folder).
        path: Option<PathBuf>,
        /// Use this configuration file.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Explain a rule: why it matters, how to fix it, the legal references (in French).
    Explain {
        /// The rule id, e.g. MIQ101.
        #[arg(required_unless_present = "all")]
        rule: Option<String>,
        /// Explain every rule of every pack (with --format md: the packs as Markdown guides).
        #[arg(long, conflicts_with = "rule")]
        all: bool,
        /// `text` for a terminal, `md` for a Markdown guide.
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// List the rules with their id, level, tags and message.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Only the rules of this pack.
        #[arg(long = "pack", value_name = "NAME")]
        pack: Option<String>,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Run the `example` texts of every rule: `fail` examples must trigger their rule, `pass`
    /// examples must not.
    ///
    /// Also runs test documents: `.md`/`.txt` files under the given folders with
    /// `<!-- expect: RULE -->` / `<!-- expect-not: RULE -->` markers (`tenderlint: expect RULE`
    /// in plain text) on the line above where a finding must (not) start.
    Test {
        /// Rule files or pack folders to test (default: the embedded packs and --rules).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Format rule files in the canonical layout (comments are kept).
    Fmt {
        /// Rule files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Do not write: show a diff and exit 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
    },
}

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

fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// glibc's allocator grows the heaps of the threads other than the main one a few pages at a
/// time, and gives memory back as soon as it can, with a system call each: 778 `mprotect`
/// calls to check one 200 KB draft, most of them by the rayon workers that compile and run
/// the patterns. Keeping 16 MB of slack at the top of a heap (memory reserved, resident only
/// once used) takes that to 11 (`strace -c`), and the draft's check from 41.5 to 36.8 ms of
/// CPU (`perf stat`, 20 runs). Peak memory is unchanged on the corpora (the slack is only
/// address space until it is used).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    unsafe extern "C" {
        /// glibc's `mallopt(3)`: sets one parameter of the allocator; no pointer involved.
        safe fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    const M_TOP_PAD: std::ffi::c_int = -2;
    // A refusal (0) leaves glibc's default: nothing to do about it.
    let _ = mallopt(M_TOP_PAD, 16 << 20);
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

fn main() -> ExitCode {
    // Before any other thread exists.
    tune_allocator();
    // A panic inside the PDF library is caught and reported as an unreadable file; keep the
    // default hook quiet about it.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !tenderlint::document::pdf::reading() {
            default_hook(info);
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::TROUBLE
            } else {
                exit::CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // A terminal gets each line as it is written; a pipe or a file gets blocks, as with
    // ripgrep (one write per tender when streaming, instead of one per finding).
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = if stdout.is_terminal() {
        Box::new(stdout.lock())
    } else {
        Box::new(std::io::BufWriter::with_capacity(64 << 10, stdout.lock()))
    };
    let code = match cli.command {
        Command::Check(args) => check(args, &mut out),
        Command::Report {
            paths,
            output,
            packs,
            config,
            rules,
        } => report(paths, output, packs, config, rules, &mut out),
        Command::Config { path, config } => show_config(path, config, &mut out),
        Command::Explain {
            rule,
            all,
            format,
            rules,
        } => match rule {
            Some(rule) if !all => explain(&rule, format, &rules, &mut out),
            _ => explain_all(format, &rules, &mut out),
        },
        Command::Rules {
            format,
            pack,
            rules,
        } => list_rules(format, pack.as_deref(), &rules, &mut out),
        Command::Test { paths, rules } => test_rules(&paths, &rules, &mut out),
        Command::Fmt { paths, check } => fmt(&paths, check, &mut out),
    };
    // Output into a pipe or a file is buffered: writing it (a full disk, a closed pipe) may
    // fail only now, and that is a failed run as much as an error while rendering.
    let code = match out.flush() {
        Ok(()) => code,
        Err(e) => {
            output_failed(&e);
            exit::TROUBLE
        }
    };
    ExitCode::from(code)
}

/// A write to standard output failed (a full disk, a closed pipe): the run failed, and says
/// why, except when the reader of a pipe stopped reading (`tenderlint check | head`), which
/// is what it meant to do.
fn output_failed(e: &std::io::Error) {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        eprintln!("error: cannot write the output: {e}");
    }
}

fn report_input_errors(run: &Run) {
    let errors = Human::new(
        use_color(Color::Auto) && std::io::stderr().is_terminal(),
        terminal_width(),
    )
    .input_errors(run);
    eprint!("{errors}");
    for w in &run.warnings {
        eprintln!("warning: {w}");
    }
}

/// Refuses, before any checking, an output that would replace an input, a link or a special
/// file, or a text output that the next check would read as a document (see
/// `tenderlint::output`); installs the handler that removes a half-written file on Ctrl-C.
fn check_outputs(args: &CheckArgs) -> Result<(), tenderlint::output::OutputError> {
    let default = [PathBuf::from(".")];
    let paths = if args.paths.is_empty() && !args.stdin {
        &default[..]
    } else {
        &args.paths[..]
    };
    let inputs = tenderlint::output::Inputs::new(
        paths
            .iter()
            .chain(&args.rules.rules)
            .chain(&args.config)
            .chain(&args.baseline)
            .map(PathBuf::as_path),
    );
    // The formats whose files carry tenderlint's mark: discovery skips them.
    let marked = !args.statistics
        && matches!(
            args.format,
            Format::Json | Format::Sarif | Format::Gitlab | Format::Junit | Format::Html
        );
    if let Some(file) = &args.output {
        tenderlint::output::check_target(file, &inputs)?;
        if !marked && document::is_supported(file) {
            return Err(tenderlint::output::OutputError {
                path: document::shown(file),
                reason: "this output would be read as a document by the next check (it has a document's extension and no tenderlint mark)".into(),
                help: Some("give it another extension, e.g. `.log`".into()),
            });
        }
    }
    if let Some(file) = &args.write_baseline {
        tenderlint::output::check_target(file, &inputs)?;
    }
    if args.output.is_some() || args.write_baseline.is_some() {
        install_interrupt_handler();
    }
    Ok(())
}

/// On Ctrl-C (or SIGTERM, SIGHUP) while a file is being written, the temporary file is removed
/// before the process ends (its destructor would not run). Installed only by the commands that
/// write files.
/// The temporary file of the output being written, removed if the process is interrupted.
static PENDING: tenderlint::output::Pending = tenderlint::output::Pending::new();

fn install_interrupt_handler() {
    // A second installation fails harmlessly; without a handler the default action stays.
    let _ = ctrlc::set_handler(|| {
        PENDING.remove();
        std::process::exit(130);
    });
}

fn output_error(e: &tenderlint::output::OutputError) {
    let human = Human::new(
        use_color(Color::Auto) && std::io::stderr().is_terminal(),
        terminal_width(),
    );
    eprint!("{}", human.diagnostic(e));
}

fn check(args: CheckArgs, out: &mut dyn Write) -> u8 {
    if let Err(e) = check_outputs(&args) {
        output_error(&e);
        return exit::TROUBLE;
    }
    let stdin = if args.stdin {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes) {
            eprintln!("error: cannot read standard input: {e}");
            return exit::TROUBLE;
        }
        Some(tenderlint::pipeline::Stdin {
            name: args.stdin_filename.clone(),
            bytes,
        })
    } else {
        None
    };
    let request = tenderlint::pipeline::Request {
        paths: args.paths.clone(),
        rules: args.rules.rules.clone(),
        no_default_rules: args.rules.no_default_rules,
        force_packs: args.packs.clone(),
        config: args.config.clone(),
        stdin,
        changed_since: args.changed_since.clone(),
        baseline: args.baseline.clone(),
        // Evidence makes the pillars' verdicts: the outputs that show verdicts gather it.
        evidence: matches!(
            args.format,
            Format::Json | Format::Html | Format::Human | Format::Junit
        ),
        cache_dir: args.rules.cache_dir(),
    };
    // The short format is written tender by tender as results come, and each result is dropped
    // once written: memory stays that of one tender, however many are checked.
    let streaming = args.format == Format::Short
        && !args.statistics
        && args.write_baseline.is_none()
        && args.output.is_none()
        && args.packs.is_empty();
    let mut levels = std::collections::BTreeSet::new();
    let mut stream_failed: Option<std::io::Error> = None;
    let run = if streaming {
        tenderlint::pipeline::run_each(&request, |r| {
            levels.extend(r.findings.iter().map(|f| f.level));
            // Each tender is on screen (or in the pipe) once it is checked.
            if stream_failed.is_none()
                && let Err(e) = Short.render_result(&r, out).and_then(|()| out.flush())
            {
                stream_failed = Some(e);
            }
        })
    } else {
        let run = tenderlint::pipeline::run(&request);
        levels.extend(
            run.results
                .iter()
                .flat_map(|r| &r.findings)
                .map(|f| f.level),
        );
        run
    };
    let unknown: Vec<&String> = args
        .packs
        .iter()
        .filter(|p| !run.rules.packs.iter().any(|k| k.id.eq_ignore_ascii_case(p)))
        .collect();
    if let Some(p) = unknown.first() {
        let known: Vec<&str> = run.rules.packs.iter().map(|p| p.id.as_str()).collect();
        eprintln!(
            "error: unknown pack `{p}` (known packs: {})",
            known.join(", ")
        );
        return exit::TROUBLE;
    }
    report_input_errors(&run);
    if let Some(file) = &args.write_baseline {
        let all = run.results.iter().flat_map(|r| &r.findings);
        let n = all.clone().count();
        return match tenderlint::pipeline::baseline::write(file, all, &PENDING) {
            Ok(()) => {
                let _ = writeln!(
                    out,
                    "{n} finding(s) written to the baseline {}",
                    file.display()
                );
                if run.has_input_errors() {
                    exit::TROUBLE
                } else {
                    exit::CLEAN
                }
            }
            Err(e) => {
                output_error(&e);
                exit::TROUBLE
            }
        };
    }
    // With -o, the output is written to the file at once (atomically), not to stdout.
    let mut buffer = Vec::new();
    let sink: &mut dyn Write = if args.output.is_some() {
        &mut buffer
    } else {
        out
    };
    let rendered = if streaming {
        stream_failed.map_or(Ok(()), Err)
    } else if args.statistics {
        sink.write_all(catalogue::statistics(&run, args.format == Format::Json).as_bytes())
    } else {
        let out = sink;
        match args.format {
            Format::Human => Human::new(use_color(args.color), terminal_width())
                .quiet(args.quiet)
                .show_suppressed(args.show_suppressed)
                .render(&run, out),
            Format::Json => Json.render(&run, out),
            Format::Short => Short.render(&run, out),
            Format::Sarif => Sarif.render(&run, out),
            Format::Github => Github.render(&run, out),
            Format::Gitlab => Gitlab.render(&run, out),
            Format::Junit => Junit.render(&run, out),
            Format::Html => Html::new(tenderlint::report::html::today()).render(&run, out),
        }
    };
    if let Err(e) = rendered {
        output_failed(&e);
        return exit::TROUBLE;
    }
    if let Some(file) = &args.output {
        if let Err(e) = tenderlint::output::write(file, &buffer, &PENDING) {
            output_error(&e);
            return exit::TROUBLE;
        }
        if args.format == Format::Html {
            eprintln!("rapport écrit dans {}", document::shown(file));
        }
    }
    let policy = match args.fail_on {
        Some(FailOnArg::Error) => FailOn::Error,
        Some(FailOnArg::Warning) => FailOn::Warning,
        Some(FailOnArg::Info) => FailOn::Info,
        Some(FailOnArg::Never) => FailOn::Never,
        None => run.fail_on,
    };
    let code = if run.has_input_errors() {
        exit::TROUBLE
    } else if levels.iter().any(|l| policy.fails(*l)) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    };
    // The process ends after this: the system takes its memory back at once, where dropping
    // the compiled rules and the results allocation by allocation takes a few milliseconds (a
    // tenth of checking one draft).
    std::mem::forget(run);
    code
}

/// `report`: `check --format html [-o FILE]`.
fn report(
    paths: Vec<PathBuf>,
    output: Option<PathBuf>,
    packs: Vec<String>,
    config: Option<PathBuf>,
    rules: RuleArgs,
    out: &mut dyn Write,
) -> u8 {
    let args = CheckArgs {
        paths,
        format: Format::Html,
        packs,
        color: Color::Never,
        config,
        stdin: false,
        stdin_filename: "stdin.md".into(),
        baseline: None,
        write_baseline: None,
        fail_on: None,
        quiet: false,
        statistics: false,
        changed_since: None,
        show_suppressed: false,
        output,
        rules,
    };
    check(args, out)
}

fn show_config(path: Option<PathBuf>, config: Option<PathBuf>, out: &mut dyn Write) -> u8 {
    let path = path.unwrap_or_else(|| PathBuf::from("."));
    let (cfg, errors) = tenderlint::pipeline::config_for(&path, config.as_deref());
    let mut run = Run::default();
    run.rule_errors.extend(errors);
    if cfg.file.is_some() {
        let request = tenderlint::pipeline::Request::default();
        let _ = tenderlint::pipeline::rules_for(&cfg, &request, &mut run);
    }
    report_input_errors(&run);
    let _ = out.write_all(cfg.to_toml().as_bytes());
    if run.has_input_errors() {
        exit::TROUBLE
    } else {
        exit::CLEAN
    }
}

/// `explain --all`: every rule, or with `--format md` every pack as a Markdown guide.
fn explain_all(format: ExplainFormat, rule_args: &RuleArgs, out: &mut dyn Write) -> u8 {
    let mut run = Run::default();
    let rules = load_rules(rule_args, &mut run);
    report_input_errors(&run);
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
    if run.has_input_errors() {
        exit::TROUBLE
    } else {
        exit::CLEAN
    }
}

fn explain(id: &str, format: ExplainFormat, rule_args: &RuleArgs, out: &mut dyn Write) -> u8 {
    let mut run = Run::default();
    let rules = load_rules(rule_args, &mut run);
    report_input_errors(&run);
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
    if run.has_input_errors() {
        exit::TROUBLE
    } else {
        exit::CLEAN
    }
}

fn list_rules(format: Format, pack: Option<&str>, rule_args: &RuleArgs, out: &mut dyn Write) -> u8 {
    let mut run = Run::default();
    let rules = load_rules(rule_args, &mut run);
    report_input_errors(&run);
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
    if run.has_input_errors() {
        exit::TROUBLE
    } else {
        exit::CLEAN
    }
}

fn test_rules(paths: &[PathBuf], rule_args: &RuleArgs, out: &mut dyn Write) -> u8 {
    let mut run = Run::default();
    let rules = if paths.is_empty() {
        load_rules(rule_args, &mut run)
    } else {
        let args = RuleArgs {
            rules: paths.iter().chain(&rule_args.rules).cloned().collect(),
            no_default_rules: true,
            no_cache: rule_args.no_cache,
        };
        load_rules(&args, &mut run)
    };
    let mut failures = tenderlint::examples::run_all(&rules);
    // Units: every example, and every test document.
    let mut total: usize = rules.rules().map(|(_, r)| r.examples.len()).sum();
    let mut failed_units = failures.len();
    // Test documents beside the rule files.
    for dir in paths.iter().filter(|p| p.is_dir()) {
        let docs = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file() && document::is_supported(e.path()));
        for entry in docs {
            let display = entry.path().to_string_lossy().replace('\\', "/");
            match document::Document::read(entry.path(), &display, &Default::default()) {
                Ok(doc) if tenderlint::examples::is_test_document(&doc.text) => {
                    let f = tenderlint::examples::check_document(&rules, doc);
                    total += 1;
                    failed_units += usize::from(!f.is_empty());
                    failures.extend(f);
                }
                Ok(_) => {}
                Err(e) => run.input_errors.push(e),
            }
        }
    }
    report_input_errors(&run);
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

fn fmt(paths: &[PathBuf], check: bool, out: &mut dyn Write) -> u8 {
    let human = Human::new(
        use_color(Color::Auto) && std::io::stderr().is_terminal(),
        terminal_width(),
    );
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
