//! `completions` and `man`: what a package installs beside the binary, generated from the
//! clap types of `args.rs` so that they always list the commands and options as they are.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::args::Cli;
use super::exit;
use super::terminal::output_failed;

/// The completion script for `shell`, on `out`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> u8 {
    // clap_complete panics when its writer fails: generate in memory, write once.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "tenderlint", &mut script);
    written(out.write_all(&script))
}

/// The manual page, in roff, on `out`: one page for every command, each command in its own
/// section (clap_mangen alone would refer to a page per command that nothing installs).
pub fn man(out: &mut dyn Write) -> u8 {
    written(page().and_then(|page| out.write_all(page.as_bytes())))
}

/// The exit statuses, as `exit.rs` decides them.
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
0
no finding at or above the \fB\-\-fail\-on\fR level (default: error)
.TP
1
at least one such finding (for \fBtest\fR: a failing example; for \fBfmt \-\-check\fR: an unformatted file)
.TP
2
usage error, invalid rule file or unreadable input
"#;

fn page() -> std::io::Result<String> {
    let mut cmd = Cli::command();
    cmd.build();
    let top = clap_mangen::Man::new(cmd.clone());
    let mut head = Vec::new();
    top.render_title(&mut head)?;
    top.render_name_section(&mut head)?;
    top.render_synopsis_section(&mut head)?;
    top.render_description_section(&mut head)?;
    top.render_options_section(&mut head)?;
    let head = String::from_utf8_lossy(&head);
    // roff's preamble (a string for the apostrophe), once at the top of the page.
    let mut page: String = head
        .lines()
        .take_while(|l| is_preamble(l))
        .map(line)
        .collect();
    page.extend(head.lines().filter(|l| !is_preamble(l)).map(line));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let man = clap_mangen::Man::new(sub.clone());
        let name = sub.get_bin_name().unwrap_or(sub.get_name());
        page.push_str(&format!(".SH \"{}\"\n", name.to_uppercase()));
        let mut part = Vec::new();
        man.render_synopsis_section(&mut part)?;
        part.extend_from_slice(b".PP\n");
        man.render_description_section(&mut part)?;
        man.render_options_section(&mut part)?;
        page.push_str(&demoted(&String::from_utf8_lossy(&part)));
    }
    page.push_str(EXIT_STATUS);
    let mut version = Vec::new();
    top.render_version_section(&mut version)?;
    let version = String::from_utf8_lossy(&version);
    page.extend(version.lines().filter(|l| !is_preamble(l)).map(line));
    Ok(page)
}

fn is_preamble(line: &str) -> bool {
    line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")
}

fn line(text: &str) -> String {
    format!("{text}\n")
}

/// A command's page made its section of the page: the synopsis and description without
/// headings, the other sections as subsections (`.SS Options`).
fn demoted(part: &str) -> String {
    let mut text = String::new();
    for l in part.lines().filter(|l| !is_preamble(l)) {
        match l.strip_prefix(".SH ") {
            Some("SYNOPSIS" | "DESCRIPTION") => {}
            Some(heading) => {
                let mut words = heading.to_lowercase();
                if let Some(first) = words.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                text.push_str(&format!(".SS {words}\n"));
            }
            None => text.push_str(&line(l)),
        }
    }
    text
}

fn written(result: std::io::Result<()>) -> u8 {
    match result {
        Ok(()) => exit::CLEAN,
        Err(e) => {
            output_failed(&e);
            exit::TROUBLE
        }
    }
}
