//! What ships around the binary: shell completions, the manual page, and the CI integrations
//! (`action.yml`, `ci/tenderlint.gitlab-ci.yml`) whose shell steps are run here as written.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

use crate::util::{fixture, root, tl};

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

/// A YAML file of the repository.
fn yaml(file: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

fn text(y: &Yaml) -> &str {
    y.as_str().unwrap_or_else(|| panic!("not a string: {y:?}"))
}

/// A git repository holding a complete tender and a deficient one (six findings, one error).
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for tender in ["miq-complet", "objet-activite"] {
        let to = dir.path().join(tender);
        std::fs::create_dir(&to).unwrap();
        for e in std::fs::read_dir(fixture(tender)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    for args in [
        &["init", "-q"][..],
        &["add", "."],
        &["commit", "-qm", "drafts"],
    ] {
        let out = Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }
    dir
}

/// A folder holding `tenderlint`, the binary under test, and nothing else.
fn bin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_tenderlint"),
        dir.path().join("tenderlint"),
    )
    .unwrap();
    dir
}

/// `PATH` with the binary under test first.
fn path_with(bin: &Path) -> String {
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap())
}

/// The status and output of a shell script run with bash as CI runners run it (`-eo pipefail`).
fn bash(script: &str, dir: &Path, env: &HashMap<String, String>) -> (i32, String) {
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .env_clear()
        .envs(env)
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap(), log)
}

/// The results of a SARIF file, after checking that it is SARIF.
fn sarif_results(file: &Path) -> usize {
    let v: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    v["runs"][0]["results"].as_array().unwrap().len()
}

/// The GitHub Action's steps run as a runner runs them: `${{ … }}` expressions in `env:` and
/// `with:` are evaluated, `if:` decides, `run:` steps run with bash (with `GITHUB_OUTPUT` and
/// `GITHUB_PATH`), `uses:` steps are recorded with their `with:` values.
struct ActionRun {
    inputs: HashMap<String, String>,
    outputs: HashMap<String, HashMap<String, String>>,
    /// The steps that ran (or would have, for `uses:`), by name, with their `with:` values.
    ran: Vec<(String, HashMap<String, String>)>,
    /// The status of the first failing step.
    failed: Option<i32>,
    log: String,
}

impl ActionRun {
    fn new(given: &[(&str, &str)]) -> ActionRun {
        let action = yaml("action.yml");
        let mut inputs = HashMap::new();
        for (name, input) in action["inputs"].as_hash().unwrap() {
            inputs.insert(text(name).to_string(), text(&input["default"]).to_string());
        }
        for (name, value) in given {
            assert!(inputs.contains_key(*name), "no input {name}");
            inputs.insert(name.to_string(), value.to_string());
        }
        ActionRun {
            inputs,
            outputs: HashMap::new(),
            ran: Vec::new(),
            failed: None,
            log: String::new(),
        }
    }

    /// The value of one expression (`inputs.X`, `steps.ID.outputs.K`, `github.action_ref`).
    fn value(&self, expr: &str) -> String {
        let expr = expr.trim();
        if let Some(quoted) = expr.strip_prefix('\'') {
            return quoted.trim_end_matches('\'').to_string();
        }
        let parts: Vec<&str> = expr.split('.').collect();
        match parts[..] {
            ["inputs", name] => self.inputs[name].clone(),
            ["steps", id, "outputs", key] => self
                .outputs
                .get(id)
                .and_then(|o| o.get(key))
                .cloned()
                .unwrap_or_default(),
            // Used from a local path: no ref.
            ["github", "action_ref"] => String::new(),
            _ => panic!("an expression the test does not know: {expr}"),
        }
    }

    /// A string with its `${{ … }}` expressions replaced.
    fn expand(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(at) = rest.find("${{") {
            let end = rest[at..].find("}}").unwrap() + at;
            out.push_str(&rest[..at]);
            out.push_str(&self.value(&rest[at + 3..end]));
            rest = &rest[end + 2..];
        }
        out + rest
    }

    /// Whether a step runs: its `if:` (`always()`, `==`, `!=`, `&&`), after success unless it
    /// says `always()`.
    fn runs(&self, condition: Option<&str>) -> bool {
        let Some(condition) = condition else {
            return self.failed.is_none();
        };
        let mut always = false;
        let holds = condition.split("&&").all(|term| {
            let term = term.trim();
            if term == "always()" {
                always = true;
                true
            } else if let Some((a, b)) = term.split_once("!=") {
                self.value(a) != self.value(b)
            } else if let Some((a, b)) = term.split_once("==") {
                self.value(a) == self.value(b)
            } else {
                panic!("a condition the test does not know: {term}")
            }
        });
        holds && (always || self.failed.is_none())
    }

    /// Runs the action's steps in `dir`, with `path` as PATH.
    fn run(mut self, dir: &Path, path: &str) -> ActionRun {
        let action = yaml("action.yml");
        assert_eq!(text(&action["runs"]["using"]), "composite");
        let home = tempfile::tempdir().unwrap();
        let mut path = path.to_string();
        for step in action["runs"]["steps"].as_vec().unwrap() {
            let name = text(&step["name"]).to_string();
            if !self.runs(step["if"].as_str()) {
                continue;
            }
            let with: HashMap<String, String> = step["with"]
                .as_hash()
                .into_iter()
                .flatten()
                .map(|(k, v)| (text(k).to_string(), self.expand(text(v))))
                .collect();
            self.ran.push((name.clone(), with));
            let Some(script) = step["run"].as_str() else {
                continue;
            };
            assert_eq!(text(&step["shell"]), "bash", "{name}");
            let output = home.path().join("output");
            let github_path = home.path().join("path");
            std::fs::write(&output, "").unwrap();
            std::fs::write(&github_path, "").unwrap();
            let mut env: HashMap<String, String> = [
                ("PATH", path.clone()),
                ("HOME", home.path().display().to_string()),
                ("NO_COLOR", "1".into()),
                ("GITHUB_ACTION_PATH", root().display().to_string()),
                ("GITHUB_WORKSPACE", dir.display().to_string()),
                ("GITHUB_OUTPUT", output.display().to_string()),
                ("GITHUB_PATH", github_path.display().to_string()),
                ("RUNNER_OS", "Linux".into()),
                ("RUNNER_ARCH", "X64".into()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            for (k, v) in step["env"].as_hash().into_iter().flatten() {
                env.insert(text(k).to_string(), self.expand(text(v)));
            }
            let (status, log) = bash(script, dir, &env);
            self.log.push_str(&format!("== {name}: {status}\n{log}"));
            let outputs = std::fs::read_to_string(&output).unwrap();
            let outputs = outputs
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            if let Some(id) = step["id"].as_str() {
                self.outputs.insert(id.to_string(), outputs);
            }
            for added in std::fs::read_to_string(&github_path).unwrap().lines() {
                path = format!("{added}:{path}");
            }
            if status != 0 && self.failed.is_none() {
                self.failed = Some(status);
            }
        }
        self
    }

    fn ran(&self, name: &str) -> Option<&HashMap<String, String>> {
        self.ran.iter().find(|(n, _)| n == name).map(|(_, w)| w)
    }
}

const UPLOAD: &str = "Upload the findings to code scanning";
const FAIL: &str = "Fail on findings";

#[test]
fn the_github_action_checks_uploads_and_fails_as_asked() {
    let dir = workspace();
    let bin = bin_dir();
    let path = path_with(bin.path());
    // A complete tender: a SARIF file without results, uploaded; the step passes.
    let run = ActionRun::new(&[("paths", "miq-complet")]).run(dir.path(), &path);
    assert_eq!(run.failed, None, "{}", run.log);
    assert_eq!(run.outputs["tool"]["found"], "true", "tenderlint on PATH");
    assert!(run.ran("Build tenderlint").is_none(), "nothing built");
    assert_eq!(sarif_results(&dir.path().join("tenderlint.sarif")), 0);
    assert_eq!(run.outputs["check"]["exit-code"], "0");
    assert_eq!(run.ran(UPLOAD).unwrap()["sarif_file"], "tenderlint.sarif");
    assert!(run.ran(FAIL).is_none());
    // Both tenders: six results, uploaded all the same, and the error fails the step.
    let run = ActionRun::new(&[("sarif-file", "out/t.sarif"), ("category", "dce")])
        .run(dir.path(), &path);
    assert_eq!(run.failed, Some(1), "{}", run.log);
    assert_eq!(sarif_results(&dir.path().join("out/t.sarif")), 6);
    let upload = run
        .ran(UPLOAD)
        .expect("uploaded even though the check failed");
    assert_eq!(
        (&*upload["sarif_file"], &*upload["category"]),
        ("out/t.sarif", "dce")
    );
    assert!(run.ran(FAIL).is_some());
    // `fail-on: never`: the findings are uploaded, the step passes; `args` are passed on.
    let run = ActionRun::new(&[
        ("fail-on", "never"),
        ("args", "--pack miq --no-cache"),
        ("paths", "objet-activite miq-complet"),
        ("upload", "false"),
    ])
    .run(dir.path(), &path);
    assert_eq!(run.failed, None, "{}", run.log);
    assert_eq!(sarif_results(&dir.path().join("tenderlint.sarif")), 6);
    assert!(run.ran(UPLOAD).is_none(), "upload: false");
    // `fail-on: warning` on the complete tender: nothing to fail on.
    let run =
        ActionRun::new(&[("fail-on", "warning"), ("paths", "miq-complet")]).run(dir.path(), &path);
    assert_eq!(run.failed, None, "{}", run.log);
    // An unreadable input fails the step with status 2, whatever fail-on says.
    let run = ActionRun::new(&[("fail-on", "never"), ("paths", "miq-complet absent")])
        .run(dir.path(), &path);
    assert_eq!(run.failed, Some(2), "{}", run.log);
    assert_eq!(run.outputs["check"]["exit-code"], "2");
}

/// Stand-ins for `rustc` and `cargo`: `cargo install … --root ROOT` records its arguments in
/// the folder and puts the binary under test in `ROOT/bin`.
fn toolchain_stand_in() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let args = dir.path().join("cargo-args");
    let scripts = [
        (
            "rustc",
            "#!/bin/sh\necho 'rustc 1.95.0 (stand-in)'\n".to_string(),
        ),
        (
            "cargo",
            format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\"\nln -s '{}' \"$root/bin/tenderlint\"\n",
                args.display(),
                env!("CARGO_BIN_EXE_tenderlint")
            ),
        ),
    ];
    for (name, script) in scripts {
        let file = dir.path().join(name);
        std::fs::write(&file, script).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

#[test]
fn the_github_action_builds_when_tenderlint_is_not_on_path() {
    let dir = workspace();
    let tools = toolchain_stand_in();
    let path = format!("{}:/usr/bin:/bin", tools.path().display());
    let run = ActionRun::new(&[("paths", "miq-complet")]).run(dir.path(), &path);
    assert_eq!(run.failed, None, "{}", run.log);
    assert_eq!(run.outputs["tool"]["found"], "false");
    // Keyed by the sources, for an action used from a local path (no ref).
    let key = &run.outputs["tool"]["key"];
    assert!(key.starts_with("tenderlint-Linux-X64-local-"), "{key}");
    let cache = run.ran("Cache the tenderlint binary and the crates it is built from");
    assert_eq!(cache.unwrap()["key"], *key);
    // Built once, from the action's checkout, into the cached folder put on PATH.
    let args = std::fs::read_to_string(tools.path().join("cargo-args")).unwrap();
    let expected = format!("install --path {} --locked --root ", root().display());
    assert!(
        args.lines().count() == 1
            && args.starts_with(&expected)
            && args.trim_end().ends_with("/.tenderlint-action"),
        "{args}"
    );
    assert_eq!(sarif_results(&dir.path().join("tenderlint.sarif")), 0);
}

/// The GitLab template's job: its variables, overridden by `vars`, and its script run with
/// bash in `dir` with `path` as PATH.
fn gitlab_job(dir: &Path, path: &str, vars: &[(&str, &str)]) -> (i32, String) {
    let template = yaml("ci/tenderlint.gitlab-ci.yml");
    let job = &template["tenderlint"];
    assert_eq!(
        text(&job["artifacts"]["reports"]["codequality"]),
        "gl-code-quality-report.json"
    );
    assert_eq!(text(&job["artifacts"]["when"]), "always");
    let mut env: HashMap<String, String> = HashMap::new();
    for (k, v) in job["variables"].as_hash().unwrap() {
        env.insert(text(k).to_string(), text(v).to_string());
    }
    for (k, v) in vars {
        assert!(env.contains_key(*k), "no variable {k}");
        env.insert(k.to_string(), v.to_string());
    }
    env.insert("PATH".into(), path.into());
    env.insert("NO_COLOR".into(), "1".into());
    env.insert("CI_PROJECT_DIR".into(), dir.display().to_string());
    // The runner runs the lines of `script` in one shell, stopping at the first failure.
    let script: Vec<&str> = job["script"].as_vec().unwrap().iter().map(text).collect();
    bash(&script.join("\n"), dir, &env)
}

/// The issues of a Code Quality report, after checking that each has what GitLab reads.
fn code_quality_issues(dir: &Path) -> usize {
    let file = dir.join("gl-code-quality-report.json");
    let v: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let issues = v.as_array().unwrap();
    for issue in issues {
        for field in [
            "description",
            "check_name",
            "fingerprint",
            "severity",
            "location",
        ] {
            assert!(!issue[field].is_null(), "{field}: {issue}");
        }
    }
    issues.len()
}

#[test]
fn the_gitlab_template_writes_a_code_quality_report() {
    let dir = workspace();
    let bin = bin_dir();
    let path = path_with(bin.path());
    let (status, log) = gitlab_job(dir.path(), &path, &[]);
    assert_eq!(status, 1, "the error fails the job: {log}");
    assert_eq!(code_quality_issues(dir.path()), 6);
    let (status, log) = gitlab_job(dir.path(), &path, &[("TENDERLINT_FAIL_ON", "never")]);
    assert_eq!(status, 0, "{log}");
    assert_eq!(code_quality_issues(dir.path()), 6);
    let vars = [
        ("TENDERLINT_PATHS", "miq-complet"),
        ("TENDERLINT_ARGS", "--fail-on warning --no-cache"),
    ];
    let (status, log) = gitlab_job(dir.path(), &path, &vars);
    assert_eq!(status, 0, "{log}");
    assert_eq!(code_quality_issues(dir.path()), 0);
    // Without tenderlint on PATH and nowhere to build it from, the job says what to set.
    let (status, log) = gitlab_job(dir.path(), "/usr/bin:/bin", &[]);
    assert_eq!(status, 2, "{log}");
    assert!(log.contains("Set TENDERLINT_GIT"), "{log}");
    // With it, built once into the cached folder, then used from there.
    let tools = toolchain_stand_in();
    let path = format!("{}:/usr/bin:/bin", tools.path().display());
    let vars = [
        ("TENDERLINT_GIT", "https://git.invalid/tenderlint.git"),
        ("TENDERLINT_REF", "v1"),
        ("TENDERLINT_PATHS", "miq-complet"),
    ];
    for _ in 0..2 {
        let (status, log) = gitlab_job(dir.path(), &path, &vars);
        assert_eq!(status, 0, "{log}");
    }
    let args = std::fs::read_to_string(tools.path().join("cargo-args")).unwrap();
    assert_eq!(
        args,
        "install --locked --root .tenderlint --git https://git.invalid/tenderlint.git --rev v1 tenderlint\n"
    );
    assert!(dir.path().join(".tenderlint/bin/tenderlint").exists());
}

/// The README's YAML block that starts with `first`, unindented.
fn readme_yaml(first: &str) -> Yaml {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block: Vec<&str> = readme
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .find(|b| b.trim_start().starts_with(first))
        .unwrap_or_else(|| panic!("no YAML block starting with {first} in the README"))
        .lines()
        .collect();
    let indent = block[0].len() - block[0].trim_start().len();
    let text: Vec<&str> = block
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect();
    YamlLoader::load_from_str(&text.join("\n"))
        .unwrap()
        .remove(0)
}

/// The README's usage snippets name only the inputs and variables there are.
#[test]
fn the_readme_snippets_use_the_integrations_as_they_are() {
    let workflow = readme_yaml("# .github/workflows/tenderlint.yml");
    let action = yaml("action.yml");
    let step = &workflow["jobs"]["tenderlint"]["steps"][1];
    assert!(text(&step["uses"]).contains("/tenderlint@"));
    for (input, _) in step["with"].as_hash().unwrap() {
        assert!(!action["inputs"][text(input)].is_badvalue(), "{input:?}");
    }
    assert_eq!(
        text(&workflow["permissions"]["security-events"]),
        "write",
        "SARIF upload"
    );
    let gitlab = readme_yaml("# .gitlab-ci.yml");
    assert_eq!(
        text(&gitlab["include"][0]["file"]),
        "ci/tenderlint.gitlab-ci.yml"
    );
    let template = yaml("ci/tenderlint.gitlab-ci.yml");
    for (variable, _) in gitlab["variables"].as_hash().unwrap() {
        let known = &template["tenderlint"]["variables"][text(variable)];
        assert!(!known.is_badvalue(), "{variable:?}");
    }
}
