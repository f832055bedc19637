//! Why an input could not be used: the error a reader or the discovery of documents returns,
//! with the kind of failure it is, so that each output can say it in its own words (the
//! terminal's detailed English, the report's French).

/// A document (or another input) that could not be read.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{path}: {reason}")]
#[diagnostic(code(tenderlint::read))]
pub struct ReadError {
    pub path: String,
    /// What kind of failure it is.
    pub kind: ReadFailure,
    /// The failure in detail, as the terminal shows it.
    pub reason: String,
    #[help]
    pub help: Option<String>,
}

impl ReadError {
    /// A file that cannot be opened or read.
    pub(super) fn access(path: &str, e: &std::io::Error) -> ReadError {
        ReadError {
            path: path.to_string(),
            kind: ReadFailure::Access,
            reason: format!("cannot read the file: {e}"),
            help: None,
        }
    }
}

/// The kinds of failure to read an input, each of which the HTML report words in French.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFailure {
    /// The file or folder could not be opened or read (permissions, removed, a broken disk).
    Access,
    /// A folder where a document was expected.
    Folder,
    /// Neither a file nor a folder: a device, a pipe or a socket.
    NotAFile,
    /// An extension tenderlint does not read.
    Unsupported,
    /// The file is larger than `max-file-bytes` (sizes in MB).
    TooLarge { size_mb: u64, limit_mb: u64 },
    /// Its text is larger than `max-text-bytes` (sizes in MB; `size_mb` is `None` when the
    /// reader stopped at the limit).
    TextTooLarge { size_mb: Option<u64>, limit_mb: u64 },
    /// The file is empty.
    Empty,
    /// The document holds no text.
    NoText,
    /// A PDF without a text layer (a scanned image).
    Scanned,
    /// A text file that is neither UTF-8, UTF-16 nor Windows-1252 (or a binary file).
    NotText,
    /// Its content is not of the format its extension says.
    WrongFormat,
    /// A damaged document, or one whose structure the reader does not support.
    Damaged,
    /// A PDF protected by a password.
    Encrypted,
    /// Past a limit that keeps hostile files from eating the machine (parts, unpacked size,
    /// nesting depth, number of elements).
    Limits,
    /// Reading and checking the tender took longer than its time budget.
    TimedOut { budget_ms: u64 },
    /// A rule file or pack folder that cannot be read or does not exist.
    RuleFile,
    /// The baseline file cannot be read.
    Baseline,
    /// git could not list the files changed since a reference (`--changed-since`).
    Changes,
    /// Nothing to check with: no pack, no rule file.
    NoRules,
}
