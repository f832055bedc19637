//! The command line's grammar: the clap types of every command and its arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use tenderlint::config::FailOn;
use tenderlint::report::Format;

#[derive(Parser)]
#[command(
    name = "tenderlint",
    version,
    about = "Checks French public-procurement drafts (marchés d'insertion et de qualification) against explained rules."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check documents: each folder that directly holds documents is one tender.
    Check(CheckArgs),
    /// Write an HTML report in French for a facilitator: per tender, a synthesis by pillar, the
    /// passages behind each « conforme », and the findings with what to change.
    #[command(mut_arg("output", |a| a.help("The HTML file to write (default: standard output)")))]
    Report(ReportArgs),
    /// Write a copy of a Word (.docx) or LibreOffice (.odt) document with the findings as
    /// comments in the margin, in French, and the tender's verdict by pillar in a first comment.
    ///
    /// The document is checked as part of its tender (the folder it is in). Given a folder,
    /// every .docx and .odt document of its tenders is annotated, under the same names in the
    /// output folder. The original is never written.
    Annotate(AnnotateArgs),
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
        /// Rule files or pack folders to test, and folders or files of test documents, checked
        /// with those rules (when no path gives rules: the embedded packs and --rules).
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
    /// Print a completion script for a shell (to standard output).
    ///
    /// bash: `tenderlint completions bash > ~/.local/share/bash-completion/completions/tenderlint`;
    /// zsh: into a folder of `$fpath` as `_tenderlint`; fish: `~/.config/fish/completions/tenderlint.fish`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page, in roff (to standard output).
    ///
    /// `tenderlint man > ~/.local/share/man/man1/tenderlint.1`, then `man tenderlint`.
    Man,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExplainFormat {
    Text,
    Md,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// `check`'s arguments: the output format, then everything `report` shares.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub options: CheckOptions,
}

/// `report`'s arguments: `check`'s, in the HTML format.
#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub options: CheckOptions,
}

impl CheckOptions {
    /// The path `-` taken out of the paths and read as standard input (`--stdin`).
    pub fn with_dash_as_stdin(mut self) -> CheckOptions {
        let before = self.paths.len();
        self.paths.retain(|p| p.as_os_str() != "-");
        self.stdin |= self.paths.len() < before;
        self
    }
}

impl ReportArgs {
    /// The `check` that `report` is.
    pub fn into_check(self) -> CheckArgs {
        CheckArgs {
            format: Format::Html,
            options: self.options,
        }
    }
}

/// What to check, how, and where the output goes: every argument of `check` but the format.
#[derive(clap::Args)]
pub struct CheckOptions {
    /// Files or folders to check (default: the current folder); `-` is standard input, as
    /// with --stdin.
    pub paths: Vec<PathBuf>,
    /// Apply this pack whatever its applicability condition says (repeatable).
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
    /// When to use colours in the human format (NO_COLOR is respected; never in an `-o` file).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Use this configuration file instead of the nearest tenderlint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read one document from standard input (name it with --stdin-filename); the same as the
    /// path `-`.
    #[arg(long)]
    pub stdin: bool,
    /// The file name the standard input (--stdin or `-`) is checked under: it chooses the
    /// reader and the kind [default: stdin.md].
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Report only the findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// The lowest level that makes the exit status 1 (default: the configuration's, or error).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Print the findings only: no tender headers, no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print how many findings each rule has, instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Check only the tenders with a document changed since this git reference.
    #[arg(long, value_name = "GIT_REF")]
    pub changed_since: Option<String>,
    /// Also list the findings silenced by inline suppressions, with their reasons (human and
    /// short formats).
    #[arg(long)]
    pub show_suppressed: bool,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// `annotate`'s arguments.
#[derive(clap::Args)]
pub struct AnnotateArgs {
    /// The .docx or .odt document to annotate, or a folder of documents.
    pub path: PathBuf,
    /// The annotated copy to write; for a folder, the folder where the copies go.
    #[arg(long, short, value_name = "PATH")]
    pub output: PathBuf,
    /// Apply this pack whatever its applicability condition says (repeatable).
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
    /// Use this configuration file instead of the nearest tenderlint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The lowest level that makes the exit status 1 (default: the configuration's, or error).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Where rules come from; shared by every subcommand.
#[derive(clap::Args)]
pub struct RuleArgs {
    /// Extra rule file or pack folder (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the packs embedded in tenderlint (the MIQ pack).
    #[arg(long)]
    pub no_default_rules: bool,
    /// Do not read or keep the plans of the rules' patterns (what loading them works out,
    /// kept between runs in $TENDERLINT_CACHE_DIR, else the user's cache folder).
    #[arg(long)]
    pub no_cache: bool,
}

impl RuleArgs {
    /// Where plans are kept between runs: `$TENDERLINT_CACHE_DIR`, else `tenderlint` in the
    /// user's cache folder (`$XDG_CACHE_HOME`, `~/.cache`, `~/Library/Caches` on macOS,
    /// `%LOCALAPPDATA%` on Windows); none with `--no-cache` or `TENDERLINT_NO_CACHE=1`.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        if self.no_cache {
            return None;
        }
        tenderlint::search::cache::default_dir()
    }
}
