//! The `tenderlint` command line: a thin shell around the library. Each command is a module
//! of `cli`; this file tunes the process, parses the arguments, dispatches and flushes.

// No function over 120 lines (the threshold is in clippy.toml).
#![warn(clippy::too_many_lines)]

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command};
use cli::exit;

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
        if std::thread::current().name() != Some(tenderlint::document::pdf::READER_THREAD) {
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
        Command::Check(args) => cli::check::check(args, &mut out),
        Command::Report(args) => cli::check::report(args, &mut out),
        Command::Annotate(args) => cli::annotate::run(args),
        Command::Config { path, config } => cli::config::show_config(path, config, &mut out),
        Command::Explain {
            rule,
            all,
            format,
            rules,
        } => match rule {
            Some(rule) if !all => cli::rules::explain(&rule, format, &rules, &mut out),
            _ => cli::rules::explain_all(format, &rules, &mut out),
        },
        Command::Rules {
            format,
            pack,
            rules,
        } => cli::rules::list_rules(format, pack.as_deref(), &rules, &mut out),
        Command::Test { paths, rules } => cli::rules::test_rules(&paths, &rules, &mut out),
        Command::Fmt { paths, check } => cli::rules::fmt(&paths, check, &mut out),
        Command::Completions { shell } => cli::completions::completions(shell, &mut out),
        Command::Man => cli::completions::man(&mut out),
    };
    // Output into a pipe or a file is buffered: writing it (a full disk, a closed pipe) may
    // fail only now, and that is a failed run as much as an error while rendering.
    let code = match out.flush() {
        Ok(()) => code,
        Err(e) => {
            cli::terminal::output_failed(&e);
            exit::TROUBLE
        }
    };
    ExitCode::from(code)
}
