//! Which tender a document belongs to: a folder that directly holds documents is a tender,
//! with its annex subfolders; a file named alone (by hand or by the pre-commit hook) checks
//! the whole tender it belongs to, once; a repository's README does not make its root a
//! tender.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::{bin, fixture, root, tl_in};

/// An annex that defines the public, the length of the paths and the kinds of exit: what
/// `fixtures/public-vague/CCTP.md` lacks. Alone it is not a MIQ draft (no pack applies).
const ANNEX: &str = "# Annexe 2 — Public bénéficiaire

Les personnes accueillies sont des demandeurs d’emploi de longue durée, inscrits à France \
Travail depuis plus de douze mois, et des allocataires du revenu de solidarité active (RSA) \
résidant dans les quartiers prioritaires de la politique de la ville de la commune.

Douze parcours d’insertion sont attendus sur la durée du marché ; l’orientation des \
bénéficiaires est faite par France Travail et le Département, qui valident leur entrée.

Les salariés sont recrutés en contrat à durée déterminée d’insertion de six mois renouvelable, \
pour un parcours de douze mois en moyenne, sur une base de 26 heures hebdomadaires.

Les sorties sont suivies selon les trois catégories : emploi durable, emploi de transition et \
sorties positives, dont au moins 20 % vers l’emploi durable.
";

/// Writes, under `dir`, a sound dossier whose public is defined in an annex subfolder:
/// `CCTP.md` (which fails alone) and `annexes/Annexe2.md`.
fn sound_dossier(dir: &Path) {
    std::fs::create_dir_all(dir.join("annexes")).unwrap();
    std::fs::copy(fixture("public-vague/CCTP.md"), dir.join("CCTP.md")).unwrap();
    std::fs::write(dir.join("annexes/Annexe2.md"), ANNEX).unwrap();
}

/// Writes, under `dir`, a dossier that lacks a public: `CCTP.md` alone.
fn deficient_dossier(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(fixture("public-vague/CCTP.md"), dir.join("CCTP.md")).unwrap();
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `check --format json ARGS` in `dir`: the tenders (folder, documents) and the exit status.
fn tenders(dir: &Path, args: &[&str]) -> (Vec<(String, Vec<String>)>, i32) {
    let out = tl_in(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let list = v["tenders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let docs = t["documents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["path"].as_str().unwrap().to_string())
                .collect();
            (t["path"].as_str().unwrap().to_string(), docs)
        })
        .collect();
    (list, out.status.code().unwrap())
}

/// `check --format short ARGS` in `dir`: the output and the exit status.
fn short(dir: &Path, args: &[&str]) -> (String, i32) {
    let out = tl_in(dir)
        .args(["check", "--format", "short"])
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

fn owned(list: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    list.iter()
        .map(|(t, docs)| {
            (
                t.to_string(),
                docs.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            )
        })
        .collect()
}

#[test]
fn an_annex_subfolder_belongs_to_its_dossier() {
    let dir = tempfile::tempdir().unwrap();
    sound_dossier(&dir.path().join("dce"));
    let (got, code) = tenders(dir.path(), &["dce"]);
    assert_eq!(
        got,
        owned(&[("dce", &["dce/CCTP.md", "dce/annexes/Annexe2.md"])])
    );
    assert_eq!(
        code, 0,
        "the public defined in the annex counts for the CCTP"
    );
    // Walking from above finds the same tender: the folder above holds no document.
    assert_eq!(tenders(dir.path(), &["."]).0, got);
    // The CCTP alone misses what the annex says.
    let alone = tempfile::tempdir().unwrap();
    deficient_dossier(alone.path());
    let (out, code) = short(alone.path(), &["CCTP.md"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[MIQ301]"), "{out}");
}

#[test]
fn a_subfolder_of_a_folder_without_documents_is_a_tender_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    sound_dossier(&dir.path().join("consultations/ville-a"));
    deficient_dossier(&dir.path().join("consultations/ville-b"));
    let (got, code) = tenders(dir.path(), &["consultations"]);
    assert_eq!(
        got,
        owned(&[
            (
                "consultations/ville-a",
                &[
                    "consultations/ville-a/CCTP.md",
                    "consultations/ville-a/annexes/Annexe2.md"
                ]
            ),
            ("consultations/ville-b", &["consultations/ville-b/CCTP.md"]),
        ])
    );
    assert_eq!(code, 1);
}

#[test]
fn a_file_named_alone_checks_its_whole_dossier_once() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    sound_dossier(&dir.path().join("dce"));
    let whole = owned(&[("dce", &["dce/CCTP.md", "dce/annexes/Annexe2.md"])]);
    assert_eq!(tenders(dir.path(), &["dce/CCTP.md"]), (whole.clone(), 0));
    // From the annex, inside a git repository, up to the dossier that holds it.
    assert_eq!(
        tenders(dir.path(), &["dce/annexes/Annexe2.md"]),
        (whole.clone(), 0)
    );
    // Two files and the folder of one tender: checked and reported once.
    assert_eq!(
        tenders(
            dir.path(),
            &["dce/CCTP.md", "./dce/annexes/Annexe2.md", "dce"]
        ),
        (whole, 0)
    );
    // Relative to a folder inside the dossier, the dossier is named from there.
    let (got, code) = tenders(&dir.path().join("dce/annexes"), &["Annexe2.md"]);
    assert_eq!(
        got,
        owned(&[("..", &["../CCTP.md", "../annexes/Annexe2.md"])])
    );
    assert_eq!(code, 0);
}

#[test]
fn outside_git_a_file_named_alone_checks_its_own_folder() {
    // No repository bounds the climb, so nothing is climbed: the folder above (here one
    // holding an unrelated draft) is not taken in.
    let dir = tempfile::tempdir().unwrap();
    sound_dossier(&dir.path().join("dce"));
    std::fs::copy(
        fixture("objet-activite/CCTP.md"),
        dir.path().join("brouillon.md"),
    )
    .unwrap();
    let (got, code) = tenders(dir.path(), &["dce/CCTP.md"]);
    assert_eq!(
        got,
        owned(&[("dce", &["dce/CCTP.md", "dce/annexes/Annexe2.md"])])
    );
    assert_eq!(code, 0);
}

#[test]
fn a_repository_readme_does_not_make_its_root_a_tender() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join("README.md"), "# Marchés de la ville\n").unwrap();
    std::fs::write(dir.path().join("CHANGELOG.md"), "# Changements\n").unwrap();
    std::fs::write(
        dir.path().join("LISEZ-MOI.txt"),
        "Les marchés de la ville.\n",
    )
    .unwrap();
    sound_dossier(&dir.path().join("dossiers/sain"));
    deficient_dossier(&dir.path().join("dossiers/lacunaire"));
    let want = owned(&[
        ("dossiers/lacunaire", &["dossiers/lacunaire/CCTP.md"]),
        (
            "dossiers/sain",
            &["dossiers/sain/CCTP.md", "dossiers/sain/annexes/Annexe2.md"],
        ),
    ]);
    assert_eq!(tenders(dir.path(), &["."]), (want.clone(), 1));
    // Named, a file climbs to its dossier and not to the repository's root.
    assert_eq!(
        tenders(dir.path(), &["dossiers/sain/annexes/Annexe2.md"]).0,
        want[1..]
    );
    // A README named explicitly is read (as a tender of its folder's documents).
    let (got, _) = tenders(dir.path(), &["README.md"]);
    assert_eq!(got, owned(&[(".", &["README.md"])]));
}

#[test]
fn an_ignored_draft_above_a_dossier_does_not_split_it() {
    // The root holds a draft git ignores: the walk leaves it out, so the root is no tender,
    // and a file named alone still brings in its whole dossier.
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join(".gitignore"), "brouillon.md\n").unwrap();
    std::fs::write(dir.path().join("brouillon.md"), "# Brouillon\n").unwrap();
    sound_dossier(&dir.path().join("dce"));
    assert_eq!(
        tenders(dir.path(), &["dce/CCTP.md"]),
        (
            owned(&[("dce", &["dce/CCTP.md", "dce/annexes/Annexe2.md"])]),
            0
        )
    );
}

#[test]
fn paths_with_dots_and_overlapping_paths_check_each_document_once() {
    // The repository is a folder of the temporary one, beside a draft that is not its own:
    // no `..` may lead the climb out of it.
    let top = tempfile::tempdir().unwrap();
    std::fs::write(top.path().join("hors-depot.md"), "# Hors dépôt\n").unwrap();
    let repo = top.path().join("depot");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    sound_dossier(&repo.join("dce"));
    let whole = owned(&[("dce", &["dce/CCTP.md", "dce/annexes/Annexe2.md"])]);
    assert_eq!(
        tenders(&repo, &["dce/annexes/../CCTP.md"]),
        (whole.clone(), 0)
    );
    assert_eq!(
        tenders(&repo, &["dce/CCTP.md", "dce/annexes/../CCTP.md"]),
        (whole.clone(), 0)
    );
    let (got, code) = tenders(&repo.join("dce/annexes"), &["../CCTP.md"]);
    assert_eq!(
        got,
        owned(&[("..", &["../CCTP.md", "../annexes/Annexe2.md"])])
    );
    assert_eq!(code, 0);
    // A folder and its subfolder: the annex is checked once, in its dossier.
    assert_eq!(tenders(&repo, &["dce", "dce/annexes"]), (whole, 0));
}

#[test]
fn a_folder_of_ignored_documents_between_a_file_and_its_dossier_is_a_boundary() {
    // `annexes/` holds only a document git ignores: for the walk, `annexes/tech/` hangs from
    // nothing, so it is a tender of its own, for `check dce` and for its files named alone.
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    sound_dossier(&dir.path().join("dce"));
    std::fs::write(dir.path().join(".gitignore"), "dce/annexes/ignore.md\n").unwrap();
    std::fs::write(dir.path().join("dce/annexes/ignore.md"), "# Ignoré\n").unwrap();
    std::fs::remove_file(dir.path().join("dce/annexes/Annexe2.md")).unwrap();
    std::fs::create_dir(dir.path().join("dce/annexes/tech")).unwrap();
    std::fs::write(dir.path().join("dce/annexes/tech/spec.md"), ANNEX).unwrap();
    std::fs::write(dir.path().join("dce/annexes/tech/autre.md"), "# Autre\n").unwrap();
    let (walked, _) = tenders(dir.path(), &["dce"]);
    let tech = owned(&[(
        "dce/annexes/tech",
        &["dce/annexes/tech/autre.md", "dce/annexes/tech/spec.md"],
    )]);
    assert_eq!(walked[1..], tech);
    assert_eq!(tenders(dir.path(), &["dce/annexes/tech/spec.md"]).0, tech);
}

/// A link named on the command line is read, and nothing says it was skipped; a link found by
/// walking a folder is skipped with a notice.
#[cfg(unix)]
#[test]
fn a_named_link_is_read_without_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    sound_dossier(&dir.path().join("dce"));
    std::fs::create_dir(dir.path().join("ailleurs")).unwrap();
    std::fs::write(dir.path().join("ailleurs/RC.md"), "# Règlement\n").unwrap();
    std::os::unix::fs::symlink("../ailleurs/RC.md", dir.path().join("dce/lien.md")).unwrap();
    let out = tl_in(dir.path())
        .args(["check", "--format", "short", "dce/lien.md"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("symbolic link"), "{stderr}");
    let (got, _) = tenders(dir.path(), &["dce/lien.md"]);
    assert_eq!(
        got,
        owned(&[(
            "dce",
            &["dce/CCTP.md", "dce/annexes/Annexe2.md", "dce/lien.md"]
        )])
    );
    let out = tl_in(dir.path()).args(["check", "dce"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("symbolic link"), "{stderr}");
}

/// The `pre-commit` executable, or a clear failure (or a skip with
/// `TENDERLINT_SKIP_PRECOMMIT=1`).
fn pre_commit() -> Option<String> {
    let runs = |exe: &str| {
        Command::new(exe)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let exe = std::env::var("PRE_COMMIT").unwrap_or_else(|_| "pre-commit".into());
    if runs(&exe) {
        return Some(exe);
    }
    if std::env::var("TENDERLINT_SKIP_PRECOMMIT").as_deref() == Ok("1") {
        eprintln!("pre-commit not found: hook test skipped (TENDERLINT_SKIP_PRECOMMIT=1)");
        return None;
    }
    panic!(
        "pre-commit is needed to test the hook and was not found (tried $PRE_COMMIT, \
         pre-commit). Install it (`pip install pre-commit`) or set \
         TENDERLINT_SKIP_PRECOMMIT=1 to skip this test."
    );
}

/// The repository's `.pre-commit-hooks.yaml`, committed alone in a hooks repository, used by a
/// tender repository holding a sound and a deficient dossier: the hook (with the filenames
/// pre-commit passes) reports what `check FOLDER` reports, dossier by dossier.
#[test]
fn the_pre_commit_hook_checks_whole_dossiers() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let hooks = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join(".pre-commit-hooks.yaml"),
        hooks.path().join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(hooks.path(), &["init", "-q"]);
    git(hooks.path(), &["add", "-A"]);
    git(hooks.path(), &["commit", "-q", "-m", "hooks"]);
    let rev = String::from_utf8(
        Command::new("git")
            .current_dir(hooks.path())
            .args(["rev-parse", "HEAD"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();

    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    std::fs::write(repo.path().join("README.md"), "# Marchés de la ville\n").unwrap();
    sound_dossier(&repo.path().join("dossiers/sain"));
    deficient_dossier(&repo.path().join("dossiers/lacunaire"));
    std::fs::write(
        repo.path().join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: tenderlint-system\n",
            hooks.path().display(),
            rev.trim()
        ),
    )
    .unwrap();
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "dossiers"]);

    let bin_dir = bin().get_program().to_owned();
    let bin_dir = Path::new(&bin_dir).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(&pre_commit)
            .current_dir(repo.path())
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path())
            .env("NO_COLOR", "1")
            .env("TENDERLINT_CACHE_DIR", home.path().join("cache"))
            .args(["run", "--color", "never"])
            .args(args)
            .output()
            .expect("pre-commit runs");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            out.status.code().unwrap(),
        )
    };
    let findings = |text: &str| -> Vec<String> {
        let mut v: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with("dossiers/"))
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };

    let (expected, code) = short(repo.path(), &["dossiers/lacunaire"]);
    assert_eq!(code, 1);
    assert!(!findings(&expected).is_empty());

    let (out, code) = run(&["--all-files"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(findings(&out), findings(&expected), "{out}");

    let (out, code) = run(&["--files", "dossiers/sain/CCTP.md"]);
    assert_eq!(code, 0, "the sound dossier passes with its annex: {out}");
    assert!(findings(&out).is_empty(), "{out}");

    let (out, code) = run(&["--files", "dossiers/lacunaire/CCTP.md"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(findings(&out), findings(&expected), "{out}");
}
