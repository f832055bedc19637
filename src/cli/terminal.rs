//! What the commands share about the terminal: colours, width, the messages on standard error,
//! and the removal of a half-written output file on Ctrl-C.

use std::io::IsTerminal;

use tenderlint::output::{OutputError, Pending};
use tenderlint::pipeline::Run;
use tenderlint::report::human::Human;

use super::args::Color;

pub fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}

/// The width of standard output: the terminal's when it is one, else `$COLUMNS`, else 100.
pub fn terminal_width() -> usize {
    width_of(terminal_size::terminal_size())
}

fn width_of(terminal: Option<(terminal_size::Width, terminal_size::Height)>) -> usize {
    match terminal {
        Some((terminal_size::Width(w), _)) if w > 0 => usize::from(w),
        _ => std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .filter(|&c| c > 0)
            .unwrap_or(100),
    }
}

/// The human renderer of diagnostics on standard error: in colour when it is a terminal.
pub fn stderr_human() -> Human {
    Human::new(
        use_color(Color::Auto) && std::io::stderr().is_terminal(),
        width_of(terminal_size::terminal_size_of(std::io::stderr())),
    )
}

/// Prints the run's unreadable inputs and invalid rules, then its warnings, on standard error.
pub fn print_input_errors(run: &Run) {
    eprint!("{}", stderr_human().input_errors(run));
    for w in &run.warnings {
        eprintln!("warning: {w}");
    }
}

/// A write to standard output failed (a full disk, a closed pipe): the run failed, and says
/// why, except when the reader of a pipe stopped reading (`tenderlint check | head`), which
/// is what it meant to do.
pub fn output_failed(e: &std::io::Error) {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        eprintln!("error: cannot write the output: {e}");
    }
}

/// An output file that cannot or must not be written.
pub fn output_error(e: &OutputError) {
    eprint!("{}", stderr_human().diagnostic(e));
}

/// The temporary file of the output being written, removed if the process is interrupted.
pub static PENDING: Pending = Pending::new();

/// On Ctrl-C (or SIGTERM, SIGHUP) while a file is being written, the temporary file is removed
/// before the process ends (its destructor would not run). Installed only by the commands that
/// write files.
pub fn install_interrupt_handler() {
    // A second installation fails harmlessly; without a handler the default action stays.
    let _ = ctrlc::set_handler(|| {
        PENDING.remove();
        std::process::exit(130);
    });
}
