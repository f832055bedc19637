//! The shipped fixtures, checked by the binary: exact rule ids, levels and places, pack
//! decisions, and snapshots of the human output (a change in rendering shows in review).

use serde_json::Value;

use crate::util::tl;

const FIXTURES: &[&str] = &[
    "accompagnement-rsa",
    "encadrement-absent",
    "miq-bon-texte",
    "miq-complet",
    "objet-activite",
    "public-vague",
    "requalification-place",
    "support-absent",
    "travaux-clause-sociale",
];

fn check_json(fixture: &str) -> (Value, i32) {
    let out = tl()
        .args(["check", "--format", "json"])
        .arg(format!("fixtures/{fixture}"))
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

/// (rule, level, file name, line, column, quoted text) of every diagnostic.
fn findings(v: &Value) -> Vec<(String, String, String, u64, u64, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            (
                d["rule"].as_str().unwrap().to_string(),
                d["level"].as_str().unwrap().to_string(),
                file,
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["quote"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn f(
    rule: &str,
    level: &str,
    file: &str,
    line: u64,
    column: u64,
    quote: &str,
) -> (String, String, String, u64, u64, String) {
    (
        rule.into(),
        level.into(),
        file.into(),
        line,
        column,
        quote.into(),
    )
}

fn pack(v: &Value) -> (bool, String) {
    let p = &v["tenders"][0]["packs"][0];
    assert_eq!(p["id"], "miq");
    (
        p["applied"].as_bool().unwrap(),
        p["reason"].as_str().unwrap().to_string(),
    )
}

#[test]
fn good_miqs_have_no_error_or_warning() {
    let (v, code) = check_json("miq-complet");
    assert!(pack(&v).0);
    assert_eq!(findings(&v), []);
    assert_eq!(code, 0);
    // The one-document draft states no contract duration, which an RC, a CCAP or an AE states:
    // nothing to report on a lone CCTP.
    let (v, code) = check_json("miq-bon-texte");
    assert!(pack(&v).0);
    assert_eq!(findings(&v), []);
    assert_eq!(code, 0);
    // The split tender is one tender of three documents, each with its kind.
    let (v, _) = check_json("miq-complet");
    let kinds: Vec<&str> = v["tenders"][0]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ccap", "cctp", "rc"]);
}

#[test]
fn activity_object_with_an_hours_clause_is_an_objet_error() {
    let (v, code) = check_json("objet-activite");
    assert_eq!(code, 1);
    assert_eq!(
        findings(&v),
        [
            f(
                "MIQ504",
                "warning",
                "CCTP.md",
                1,
                3,
                "Cahier des clauses techniques particulières (CCTP)"
            ),
            f(
                "MIQ602",
                "warning",
                "CCTP.md",
                1,
                3,
                "Cahier des clauses techniques particulières (CCTP)"
            ),
            // The object sentence names no insertion service at all: the « action
            // d’insertion » of the next paragraph is a clause, reported by MIQ104.
            f(
                "MIQ101",
                "error",
                "CCTP.md",
                8,
                1,
                "Le présent marché a pour objet des prestations de nettoyage des locaux administratifs de la commune."
            ),
            f(
                "MIQ104",
                "warning",
                "CCTP.md",
                10,
                4,
                "titulaire réserve 10 % des heures travaillées à une action d’insertion."
            ),
            f("MIQ103", "warning", "CCTP.md", 10, 22, "10 % des heures"),
            f("MIQ103", "warning", "CCTP.md", 55, 21, "heures d’insertion"),
        ]
    );
    let d = &v["diagnostics"][2];
    assert_eq!(d["tags"], serde_json::json!(["objet"]));
    assert_eq!(d["kind"], "missing");
    assert_eq!(
        d["message"],
        "L’objet du marché ne désigne pas une prestation d’insertion et de qualification professionnelle."
    );
    assert!(
        v["rules"]["MIQ101"]["see"][0]
            .as_str()
            .unwrap()
            .contains("R2123-1 3°")
    );
    // The human output quotes the object sentence (whole in a terminal wide enough for it)
    // and says why.
    let out = tl()
        .env("COLUMNS", "120")
        .args(["check", "fixtures/objet-activite"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Le présent marché a pour objet des prestations de nettoyage des locaux administratifs de la commune."));
    assert!(text.contains("Pourquoi : Dans un marché d’insertion, l’acheteur achète un service"));
}

#[test]
fn vague_public_is_a_public_finding() {
    let (v, code) = check_json("public-vague");
    assert_eq!(code, 1);
    assert_eq!(
        findings(&v),
        [
            f(
                "MIQ301",
                "error",
                "CCTP.md",
                1,
                3,
                "Cahier des clauses techniques particulières (CCTP)"
            ),
            f(
                "MIQ303",
                "warning",
                "CCTP.md",
                1,
                3,
                "Cahier des clauses techniques particulières (CCTP)"
            ),
            f(
                "MIQ304",
                "warning",
                "CCTP.md",
                1,
                3,
                "Cahier des clauses techniques particulières (CCTP)"
            ),
            f(
                "MIQ305",
                "info",
                "CCTP.md",
                1,
                3,
                "Cahier des clauses techniques particulières (CCTP)"
            ),
            f(
                "MIQ504",
                "warning",
                "CCTP.md",
                1,
                3,
                "Cahier des clauses techniques particulières (CCTP)"
            ),
            f(
                "MIQ602",
                "warning",
                "CCTP.md",
                1,
                3,
                "Cahier des clauses techniques particulières (CCTP)"
            ),
            // Both vague phrases of the sentence: one finding, two labels.
            f("MIQ302", "warning", "CCTP.md", 18, 27, "tout public"),
        ]
    );
    // Every public rule carries the `public` pillar.
    let public: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("MIQ3"))
        .collect();
    assert_eq!(public.len(), 5);
    assert!(
        public
            .iter()
            .all(|d| d["tags"] == serde_json::json!(["public"]))
    );
}

#[test]
fn missing_supervision_is_an_encadrement_error() {
    let (v, code) = check_json("encadrement-absent");
    assert_eq!(code, 1);
    let ids: Vec<(String, String)> = findings(&v).into_iter().map(|x| (x.0, x.1)).collect();
    assert_eq!(
        ids,
        [
            ("MIQ401".into(), "error".into()),
            ("MIQ402".into(), "error".into()),
            ("MIQ405".into(), "warning".into()),
            ("MIQ403".into(), "info".into()),
        ]
    );
    assert_eq!(findings(&v)[3].5, "accompagnement renforcé");
}

#[test]
fn missing_support_is_a_support_finding() {
    let (v, code) = check_json("support-absent");
    assert_eq!(code, 0, "support findings are warnings");
    let ids: Vec<String> = findings(&v).into_iter().map(|x| x.0).collect();
    assert_eq!(
        ids,
        ["MIQ201", "MIQ202", "MIQ203", "MIQ204", "MIQ205", "MIQ207"]
    );
}

#[test]
fn non_miq_tenders_do_not_get_the_pack_and_say_why() {
    for fixture in ["travaux-clause-sociale", "requalification-place"] {
        let (v, code) = check_json(fixture);
        let (applied, reason) = pack(&v);
        assert!(!applied, "{fixture}");
        assert!(reason.starts_with("non appliqué : le dossier ne se présente pas comme relevant du pack « Marché d’insertion et de qualification (MIQ) »"), "{reason}");
        assert_eq!(findings(&v), [], "{fixture}");
        assert_eq!(code, 0);
    }
    let (v, _) = check_json("travaux-clause-sociale");
    assert!(pack(&v).1.ends_with("le dossier relève d’autre chose : « Clause sociale d'insertion » (fixtures/travaux-clause-sociale/CCAP.md, ligne 40)"), "{}", pack(&v).1);
}

#[test]
fn an_rsa_accompaniment_service_is_not_an_miq() {
    // Accompanying RSA recipients, even under R2123-1 3°, is a service with no activity at
    // work: it does not present itself as an MIQ, and the pack says why it does not apply.
    let (v, code) = check_json("accompagnement-rsa");
    let (applied, reason) = pack(&v);
    assert!(!applied, "{reason}");
    assert_eq!(findings(&v), []);
    assert_eq!(code, 0);
}

#[test]
fn forcing_the_pack_applies_it() {
    let out = tl()
        .args([
            "check",
            "--format",
            "json",
            "--pack",
            "miq",
            "fixtures/travaux-clause-sociale",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        pack(&v),
        (true, "appliqué : forcé par --pack miq".to_string())
    );
    assert!(!findings(&v).is_empty());
}

#[test]
fn human_output_snapshots() {
    for fixture in FIXTURES {
        let out = tl()
            .args(["check"])
            .arg(format!("fixtures/{fixture}"))
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        insta::assert_snapshot!(format!("human_{fixture}"), text);
    }
}

#[test]
fn human_output_gives_the_verdict_of_each_pillar() {
    // After the pack's line, one line per pillar of the applied pack (wrapped at the width,
    // here 100 columns): « conforme » with what shows it, « à corriger » with the rules at
    // fault, « à vérifier » with what the documents given cannot tell.
    let out = tl()
        .args(["check", "fixtures/encadrement-absent"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let start = text.find("\n  pilier ").unwrap() + 1;
    let end = text.find("\n  règle ").unwrap() + 1;
    assert!(text[..start].ends_with("(fixtures/encadrement-absent/CCTP.txt, ligne 6)\n"));
    assert_eq!(
        &text[start..end],
        "  pilier objet : conforme — montré par « prestation d’insertion »
    (fixtures/encadrement-absent/CCTP.txt, ligne 12)
  pilier support : conforme — montré par « ayant pour support »
    (fixtures/encadrement-absent/CCTP.txt, ligne 12)
  pilier public : conforme — montré par « bénéficiaires du RSA »
    (fixtures/encadrement-absent/CCTP.txt, ligne 20)
  pilier encadrement : à corriger — des constats à corriger : MIQ401, MIQ402, MIQ405
  pilier qualification : conforme — montré par « Plan de formation »
    (fixtures/encadrement-absent/CCTP.txt, ligne 56)
  pilier suivi : conforme — montré par « INDICATEURS » (fixtures/encadrement-absent/CCTP.txt,
    ligne 64)
  pilier procedure : conforme — montré par « R2123-1 3° » (fixtures/encadrement-absent/CCTP.txt,
    ligne 16)
  pilier donnees : conforme — montré par « données agrégées » (fixtures/encadrement-absent/CCTP.txt,
    ligne 76)
"
    );
    // Findings only: no verdicts either.
    let out = tl()
        .args(["check", "--quiet", "fixtures/encadrement-absent"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8(out.stdout)
            .unwrap()
            .contains("\n  pilier ")
    );
}

#[test]
fn checking_the_whole_folder_finds_every_tender() {
    let (v, code) = {
        let out = tl()
            .args(["check", "--format", "json", "fixtures/"])
            .output()
            .unwrap();
        (
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
            out.status.code().unwrap(),
        )
    };
    assert_eq!(code, 1);
    // Every folder that directly holds documents is a tender.
    let folders: std::collections::BTreeSet<_> = walkdir::WalkDir::new("fixtures")
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && tenderlint::document::is_supported(e.path()))
        .map(|e| e.path().parent().unwrap().to_path_buf())
        .collect();
    assert!(folders.len() > FIXTURES.len());
    assert_eq!(
        v["summary"]["tenders"].as_u64().unwrap() as usize,
        folders.len()
    );
}

/// `(tag, status)` of every pillar verdict of the MIQ pack on a folder, and the reason of one.
fn verdicts(path: &str) -> (Vec<(String, String)>, Value) {
    let out = tl()
        .args(["check", "--format", "json", path])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pack = v["tenders"][0]["packs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "miq")
        .unwrap()
        .clone();
    assert_eq!(pack["applied"], true, "{}", pack["reason"]);
    let list = pack["pillars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["tag"].as_str().unwrap().to_string(),
                p["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (list, pack)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_short_cctp_that_calls_itself_an_miq_is_deficient_whatever_its_length() {
    // 39 lines: the activity as object, « tout public », no supervision, no training.
    let (got, _) = verdicts("tests/data/cctp-court");
    assert_eq!(
        got,
        pairs(&[
            ("objet", "deficient"),
            ("support", "deficient"),
            ("public", "deficient"),
            ("encadrement", "deficient"),
            ("qualification", "deficient"),
            ("suivi", "deficient"),
            ("procedure", "undetermined"),
            ("donnees", "undetermined"),
        ])
    );
}

#[test]
fn a_bare_notice_is_ok_only_where_it_quotes_a_proof_and_undetermined_elsewhere() {
    let (got, pack) = verdicts("tests/data/avis-seul");
    assert_eq!(
        got,
        pairs(&[
            ("objet", "ok"),
            ("support", "ok"),
            ("public", "undetermined"),
            ("encadrement", "undetermined"),
            ("qualification", "undetermined"),
            ("suivi", "undetermined"),
            ("procedure", "ok"),
            ("donnees", "undetermined"),
        ])
    );
    for p in pack["pillars"].as_array().unwrap() {
        let quoted = !p["evidence"].as_array().unwrap().is_empty();
        assert_eq!(p["status"] == "ok", quoted, "{p}");
    }
    let encadrement = &pack["pillars"][3];
    assert!(
        encadrement["reason"]
            .as_str()
            .unwrap()
            .starts_with("le dossier ne contient pas de CCTP, où ce pilier est décrit"),
        "{encadrement}"
    );
}
