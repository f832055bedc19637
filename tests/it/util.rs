//! Helpers shared by the integration tests: the binary under test, the crate's folders and a
//! small random generator.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The `tenderlint` binary, run with the test's environment.
pub fn bin() -> Command {
    Command::cargo_bin("tenderlint").unwrap()
}

/// The `tenderlint` binary, with colours off and a terminal 100 columns wide, so that its human
/// output is the same on every machine. A test may override either variable.
pub fn tl() -> Command {
    let mut c = bin();
    c.env("NO_COLOR", "1").env("COLUMNS", "100");
    c
}

/// [`tl`] run in `dir`.
pub fn tl_in(dir: &Path) -> Command {
    let mut c = tl();
    c.current_dir(dir);
    c
}

/// The crate's root folder (where Cargo.toml is), whatever the working directory.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the shipped fixtures (`fixtures/`), absolute.
pub fn fixture(path: &str) -> PathBuf {
    root().join("fixtures").join(path)
}

/// A small deterministic random generator (a linear congruential one: no dependency needed).
pub struct Lcg(pub u64);

impl Lcg {
    /// The next 31 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n
    }
}

/// The distinct rule ids of a `--format json` output, sorted.
pub fn rule_ids(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}
