//! What ships around the binary: shell completions, the manual page, and the CI integrations
//! (`action.yml`, `ci/tenderlint.gitlab-ci.yml`) whose shell steps are run here as written.

use crate::util::tl;

fn stdout(args: &[&str]) -> String {
    let out = tl().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_name_the_commands_and_the_format_values() {
    let bash = stdout(&["completions", "bash"]);
    for command in [
        "check",
        "report",
        "explain",
        "rules",
        "fmt",
        "completions",
        "man",
    ] {
        assert!(bash.contains(command), "bash completion without {command}");
    }
    assert!(bash.contains("--format") && bash.contains("--fail-on"));
    assert!(
        bash.contains("human json short sarif github gitlab junit html"),
        "the values of --format: {bash}"
    );
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = stdout(&["completions", shell]);
        assert!(
            script.contains("--format") && script.contains("completions"),
            "{shell}"
        );
    }
    tl().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let page = stdout(&["man"]);
    // After roff's preamble (a string for the apostrophe), the title.
    let first = page
        .lines()
        .find(|l| !l.starts_with(".ie ") && !l.starts_with(".el "))
        .unwrap();
    assert!(first.starts_with(".TH tenderlint 1"), "{first}");
    for section in [
        "TENDERLINT CHECK",
        "TENDERLINT REPORT",
        "TENDERLINT MAN",
        "EXIT STATUS",
    ] {
        assert!(page.contains(&format!(".SH \"{section}\"")), "{section}");
    }
    assert!(page.contains(r"\-\-format") && page.contains("sarif"));
    // One page: no reference to a page per command that nothing installs.
    assert!(!page.contains("tenderlint\\-check(1)"));
}
