//! `check` (and `report`, which is `check` in the HTML format): the output targets are checked
//! first, then the documents, then the findings are written and the exit status decided.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use tenderlint::compile::Level;
use tenderlint::config::FailOn;
use tenderlint::document;
use tenderlint::output::OutputError;
use tenderlint::pipeline::{MemoryFile, MemoryTender, Request, Run};
use tenderlint::report::short::Short;
use tenderlint::report::{Format, RenderOptions, renderer};

use super::args::{CheckArgs, ReportArgs};
use super::exit;
use super::terminal::{
    PENDING, install_interrupt_handler, output_error, output_failed, print_input_errors,
    terminal_width, use_color,
};

/// `report`: `check --format html`.
pub fn report(args: ReportArgs, out: &mut dyn Write) -> u8 {
    check(args.into_check(), out)
}

pub fn check(args: CheckArgs, out: &mut dyn Write) -> u8 {
    let args = CheckArgs {
        options: args.options.with_dash_as_stdin(),
        ..args
    };
    if args.options.stdin_filename.is_some() && !args.options.stdin {
        eprintln!("error: --stdin-filename names standard input: give --stdin or the path `-`");
        return exit::TROUBLE;
    }
    if let Err(e) = check_outputs(&args) {
        output_error(&e);
        return exit::TROUBLE;
    }
    let stdin = match read_stdin(&args) {
        Ok(stdin) => stdin,
        Err(e) => {
            eprintln!("error: cannot read standard input: {e}");
            return exit::TROUBLE;
        }
    };
    let request = request(&args, stdin);
    let mut checked = if streams_short(&args) {
        let short = Short {
            show_suppressed: args.options.show_suppressed,
        };
        run_streaming_short(&request, short, out)
    } else {
        run_all(&request)
    };
    if checked.run.stopped {
        print_input_errors(&checked.run);
        return exit::TROUBLE;
    }
    if let Err(code) = check_forced_packs(&args, &checked.run) {
        return code;
    }
    print_input_errors(&checked.run);
    if let Some(file) = &args.options.write_baseline {
        return write_baseline(file, &checked.run, out);
    }
    if let Err(code) = write_output(&args, &mut checked, out) {
        return code;
    }
    let code = status(&args, &checked);
    // The process ends after this: the system takes its memory back at once, where dropping
    // the compiled rules and the results allocation by allocation takes a few milliseconds (a
    // tenth of checking one draft).
    std::mem::forget(checked.run);
    code
}

/// Refuses, before any checking, an output that would replace an input, a link or a special
/// file, or a text output that the next check would read as a document (see
/// `tenderlint::output`); installs the handler that removes a half-written file on Ctrl-C.
fn check_outputs(args: &CheckArgs) -> Result<(), OutputError> {
    let o = &args.options;
    let default = [PathBuf::from(".")];
    let paths = if o.paths.is_empty() && !o.stdin {
        &default[..]
    } else {
        &o.paths[..]
    };
    let inputs = tenderlint::output::Inputs::new(
        paths
            .iter()
            .chain(&o.rules.rules)
            .chain(&o.config)
            .chain(&o.baseline)
            .map(PathBuf::as_path),
    );
    // Discovery skips the files that carry tenderlint's mark.
    let marked = !o.statistics && args.format.marks_output();
    if let Some(file) = &o.output {
        tenderlint::output::check_target(file, &inputs)?;
        if !marked && document::is_supported(file) {
            return Err(OutputError {
                path: document::shown(file),
                reason: "this output would be read as a document by the next check (it has a document's extension and no tenderlint mark)".into(),
                help: Some("give it another extension, e.g. `.log`".into()),
            });
        }
    }
    if let Some(file) = &o.write_baseline {
        tenderlint::output::check_target(file, &inputs)?;
    }
    if o.output.is_some() || o.write_baseline.is_some() {
        install_interrupt_handler();
    }
    Ok(())
}

/// The document on standard input, with `--stdin`.
fn read_stdin(args: &CheckArgs) -> std::io::Result<Option<MemoryFile>> {
    if !args.options.stdin {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
    Ok(Some(MemoryFile {
        name: (args.options.stdin_filename.as_deref())
            .unwrap_or("stdin.md")
            .to_string(),
        bytes,
    }))
}

fn request(args: &CheckArgs, stdin: Option<MemoryFile>) -> Request {
    let o = &args.options;
    Request {
        paths: o.paths.clone(),
        rules: o.rules.rules.clone(),
        no_default_rules: o.rules.no_default_rules,
        force_packs: o.packs.clone(),
        config: o.config.clone(),
        in_memory: stdin.map(MemoryTender::one),
        no_config_files: false,
        changed_since: o.changed_since.clone(),
        baseline: o.baseline.clone(),
        // Evidence makes the pillars' verdicts: the outputs that show verdicts gather it.
        evidence: args.format.shows_verdicts(),
        cache_dir: o.rules.cache_dir(),
    }
}

/// A finished check: the run and the levels of its findings.
struct Checked {
    run: Run,
    levels: BTreeSet<Level>,
    /// Whether writing the findings succeeded, when they were written while checking.
    streamed: Option<std::io::Result<()>>,
}

/// Whether the findings are written in the short format tender by tender as results come, each
/// result dropped once written: memory stays that of one tender, however many are checked.
/// Anything that needs the whole run first (statistics, a baseline, an output file, forced
/// packs to verify) turns it off.
fn streams_short(args: &CheckArgs) -> bool {
    let o = &args.options;
    args.format == Format::Short
        && !o.statistics
        && o.write_baseline.is_none()
        && o.output.is_none()
        && o.packs.is_empty()
}

/// Checks, writing each tender's findings in the short format to `out` once it is checked.
fn run_streaming_short(request: &Request, short: Short, out: &mut dyn Write) -> Checked {
    let mut levels = BTreeSet::new();
    let mut stream_failed: Option<std::io::Error> = None;
    let run = tenderlint::pipeline::run_each(request, |r| {
        levels.extend(r.findings.iter().map(|f| f.level));
        // Each tender is on screen (or in the pipe) once it is checked.
        if stream_failed.is_none()
            && let Err(e) = short.render_result(&r, out).and_then(|()| out.flush())
        {
            stream_failed = Some(e);
        }
    });
    if stream_failed.is_none()
        && let Err(e) = short.render_suppressed(&run, out)
    {
        stream_failed = Some(e);
    }
    Checked {
        run,
        levels,
        streamed: Some(stream_failed.map_or(Ok(()), Err)),
    }
}

/// Checks everything, keeping every result for the output.
fn run_all(request: &Request) -> Checked {
    let run = tenderlint::pipeline::run(request);
    let levels = run
        .results
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| f.level)
        .collect();
    Checked {
        run,
        levels,
        streamed: None,
    }
}

/// Refuses a `--pack` that names no loaded pack.
fn check_forced_packs(args: &CheckArgs, run: &Run) -> Result<(), u8> {
    let known = |p: &&String| run.rules.packs.iter().any(|k| k.id.eq_ignore_ascii_case(p));
    if let Some(p) = args.options.packs.iter().find(|p| !known(p)) {
        let known: Vec<&str> = run.rules.packs.iter().map(|p| p.id.as_str()).collect();
        eprintln!(
            "error: unknown pack `{p}` (known packs: {})",
            known.join(", ")
        );
        return Err(exit::TROUBLE);
    }
    Ok(())
}

/// `--write-baseline`: records every finding in `file` instead of reporting them.
fn write_baseline(file: &std::path::Path, run: &Run, out: &mut dyn Write) -> u8 {
    let all = run.results.iter().flat_map(|r| &r.findings);
    let n = all.clone().count();
    match tenderlint::pipeline::baseline::write(file, all, &PENDING) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "{n} finding(s) written to the baseline {}",
                file.display()
            );
            exit::inputs(run)
        }
        Err(e) => {
            output_error(&e);
            exit::TROUBLE
        }
    }
}

/// Renders the run in the chosen format to `out`, or with `-o` to the file at once
/// (atomically); a streamed run is already written, and only its write error is left.
fn write_output(args: &CheckArgs, checked: &mut Checked, out: &mut dyn Write) -> Result<(), u8> {
    let o = &args.options;
    let mut buffer = Vec::new();
    let sink: &mut dyn Write = if o.output.is_some() { &mut buffer } else { out };
    let rendered = if let Some(streamed) = checked.streamed.take() {
        streamed
    } else {
        let options = RenderOptions {
            // Colour is for a terminal: never in a file, whatever `--color` says.
            color: o.output.is_none() && use_color(o.color),
            width: terminal_width(),
            quiet: o.quiet,
            show_suppressed: o.show_suppressed,
            statistics: o.statistics,
            date: None,
        };
        renderer(args.format, &options).render(&checked.run, sink)
    };
    if let Err(e) = rendered {
        output_failed(&e);
        return Err(exit::TROUBLE);
    }
    if let Some(file) = &o.output {
        if let Err(e) = tenderlint::output::write(file, &buffer, &PENDING) {
            output_error(&e);
            return Err(exit::TROUBLE);
        }
        if args.format == Format::Html {
            eprintln!("rapport écrit dans {}", document::shown(file));
        }
    }
    Ok(())
}

/// The exit status: trouble with the inputs, else whether a finding reaches `--fail-on` (or
/// the configuration's `fail-on`).
fn status(args: &CheckArgs, checked: &Checked) -> u8 {
    let policy: FailOn = args.options.fail_on.unwrap_or(checked.run.fail_on);
    if checked.run.has_input_errors() {
        exit::TROUBLE
    } else if checked.levels.iter().any(|l| policy.fails(*l)) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}
