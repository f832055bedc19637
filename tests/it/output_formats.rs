//! The output formats for CI and editors (`--format short|sarif|github|gitlab|junit`), checked
//! by running the binary on the fixtures: exact lines where the format is a line format, the
//! official schema for SARIF, stable fingerprints for GitLab, a parsed XML tree for JUnit, and
//! one insta snapshot per format.

use std::path::Path;

use serde_json::Value;

use crate::util::{tl, tl_in};

/// Runs `tenderlint check --format FORMAT ARGS...` in `dir` (default: the crate root).
fn check_in(dir: Option<&Path>, format: &str, args: &[&str]) -> (String, String, i32) {
    let mut cmd = tl();
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd
        .args(["check", "--format", format])
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

fn check(format: &str, args: &[&str]) -> (String, i32) {
    let (out, _, code) = check_in(None, format, args);
    (out, code)
}

// ---------------------------------------------------------------------------------------------
// short

#[test]
fn short_is_one_exact_line_per_finding() {
    let (out, code) = check("short", &["fixtures/objet-activite"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "fixtures/objet-activite/CCTP.md:1:3: warning[MIQ504] La durée des parcours et le temps de travail des personnes ne sont pas précisés.\n\
         fixtures/objet-activite/CCTP.md:1:3: warning[MIQ602] Un taux de sorties dynamiques est visé sans part d’emploi durable ni répartition entre les trois catégories de sorties.\n\
         fixtures/objet-activite/CCTP.md:8:1: error[MIQ101] L’objet du marché ne désigne pas une prestation d’insertion et de qualification professionnelle.\n\
         fixtures/objet-activite/CCTP.md:10:4: warning[MIQ104] L’objet fait de l’insertion une « action d’insertion » à la charge du titulaire, comme dans une clause sociale.\n\
         fixtures/objet-activite/CCTP.md:10:22: warning[MIQ103] L’insertion est exprimée comme une clause sociale (heures d’insertion, % des heures) et non comme la prestation achetée.\n\
         fixtures/objet-activite/CCTP.md:55:21: warning[MIQ103] L’insertion est exprimée comme une clause sociale (heures d’insertion, % des heures) et non comme la prestation achetée.\n"
    );
}

#[test]
fn short_prints_nothing_for_a_clean_tender_and_input_errors_go_to_stderr() {
    let (out, err, code) = check_in(None, "short", &["fixtures/miq-complet", "absent.md"]);
    assert_eq!(out, "");
    assert_eq!(code, 2);
    assert!(err.contains("absent.md"), "{err}");
}

#[test]
fn short_snapshot() {
    let (out, _) = check("short", &["fixtures/"]);
    insta::assert_snapshot!("short_all_fixtures", out);
}

// ---------------------------------------------------------------------------------------------
// sarif

/// The official SARIF 2.1.0 schema, as shipped in the serde-sarif 0.8.0 crate (no network).
fn sarif_validator() -> jsonschema::Validator {
    let text = include_str!("../data/sarif-schema-2.1.0.json");
    // The schema's `language` patterns have a stray `]`, a literal in ECMA-262 regexes but an
    // error for the validator's regex engine, which checks the schema itself before using it:
    // escape that character, and check everything else as published.
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(stray));
    let text = text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid_sarif(text: &str) -> Value {
    let v: Value = serde_json::from_str(text).unwrap();
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    v
}

#[test]
fn sarif_validates_against_the_official_schema() {
    for args in [
        vec!["fixtures/objet-activite"],
        vec!["fixtures/"],
        // Unreadable inputs become notifications.
        vec!["fixtures/miq-complet", "absent document.md"],
    ] {
        let (out, _) = check("sarif", &args);
        assert_valid_sarif(&out);
    }
    // The validator is not vacuous: a 0 column or a wrong version is refused.
    let (out, _) = check("sarif", &["fixtures/objet-activite"]);
    let mut v: Value = serde_json::from_str(&out).unwrap();
    v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] =
        0.into();
    assert!(!sarif_validator().is_valid(&v));
    let mut v: Value = serde_json::from_str(&out).unwrap();
    v["version"] = "2.0.0".into();
    assert!(!sarif_validator().is_valid(&v));
    // A rule-file error, and documents outside the current folder (absolute file: URIs).
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("local.tl");
    std::fs::write(&rules, "rule LOC1 {\n  levle error\n}\n").unwrap();
    let doc = dir.path().join("Cahier des clauses #1.md");
    std::fs::copy("fixtures/objet-activite/CCTP.md", &doc).unwrap();
    let (out, code) = check(
        "sarif",
        &[doc.to_str().unwrap(), "--rules", rules.to_str().unwrap()],
    );
    assert_eq!(code, 2);
    let v = assert_valid_sarif(&out);
    let run = &v["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| {
        n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("unknown field `levle`")
    }));
    let uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with("file:///"), "{uri}");
    assert!(uri.ends_with("/Cahier%20des%20clauses%20%231.md"), "{uri}");
}

#[test]
fn sarif_describes_rules_and_points_at_findings() {
    let (out, code) = check("sarif", &["fixtures/objet-activite"]);
    assert_eq!(code, 1);
    let v = assert_valid_sarif(&out);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "tenderlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let miq102 = rules.iter().find(|r| r["id"] == "MIQ102").unwrap();
    assert_eq!(miq102["defaultConfiguration"]["level"], "error");
    assert_eq!(miq102["properties"]["tags"], serde_json::json!(["objet"]));
    assert!(
        miq102["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Quand la phrase d’objet commence par")
    );
    assert!(
        miq102["help"]["text"]
            .as_str()
            .unwrap()
            .contains("Références :\n- Code de la commande publique, art. R2123-1 3°")
    );
    // Info maps to note.
    let infos: Vec<&Value> = rules.iter().filter(|r| r["id"] == "MIQ403").collect();
    assert_eq!(infos[0]["defaultConfiguration"]["level"], "note");

    let results = run["results"].as_array().unwrap();
    let got: Vec<String> = results
        .iter()
        .map(|r| {
            // ruleIndex points at the rule with the same id (GitHub code scanning needs it).
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
            let loc = &r["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let reg = &loc["region"];
            format!(
                "{} {} {}:{}:{}-{}:{} «{}»",
                r["ruleId"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
                loc["artifactLocation"]["uri"].as_str().unwrap(),
                reg["startLine"],
                reg["startColumn"],
                reg["endLine"],
                reg["endColumn"],
                reg["snippet"]["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "MIQ504 warning fixtures/objet-activite/CCTP.md:1:3-1:53 «Cahier des clauses techniques particulières (CCTP)»",
            "MIQ602 warning fixtures/objet-activite/CCTP.md:1:3-1:53 «Cahier des clauses techniques particulières (CCTP)»",
            "MIQ101 error fixtures/objet-activite/CCTP.md:8:1-8:101 «Le présent marché a pour objet des prestations de nettoyage des locaux administratifs de la commune.»",
            "MIQ104 warning fixtures/objet-activite/CCTP.md:10:4-10:75 «titulaire réserve 10 % des heures travaillées à une action d’insertion.»",
            "MIQ103 warning fixtures/objet-activite/CCTP.md:10:22-10:37 «10 % des heures»",
            "MIQ103 warning fixtures/objet-activite/CCTP.md:55:21-55:39 «heures d’insertion»",
        ]
    );
    // Plain-text messages and distinct fingerprints.
    assert_eq!(
        results[2]["message"]["text"],
        "L’objet du marché ne désigne pas une prestation d’insertion et de qualification professionnelle."
    );
    let mut prints: Vec<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["tenderlint/v1"].as_str().unwrap())
        .collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), results.len());
}

#[test]
fn sarif_snapshot() {
    let (out, _) = check("sarif", &["fixtures/objet-activite"]);
    let mut v: Value = serde_json::from_str(&out).unwrap();
    // The version changes with every release; the rest must not change by accident.
    v["runs"][0]["tool"]["driver"]["version"] = "[version]".into();
    v["runs"][0]["tool"]["driver"]["semanticVersion"] = "[version]".into();
    insta::assert_snapshot!(
        "sarif_objet-activite",
        serde_json::to_string_pretty(&v).unwrap()
    );
}

#[test]
fn sarif_rule_names_are_readable_identifiers_not_ids() {
    let (out, _) = check("sarif", &["fixtures/objet-activite"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let mut names = Vec::new();
    for r in rules {
        let (id, name) = (r["id"].as_str().unwrap(), r["name"].as_str().unwrap());
        assert_ne!(name.to_lowercase(), id.to_lowercase(), "SARIF1001: {r}");
        assert!(
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "not PascalCase: {name}"
        );
        assert!(r["help"]["markdown"].is_string(), "{id}");
        names.push(name);
    }
    let miq101 = rules.iter().find(|r| r["id"] == "MIQ101").unwrap();
    assert_eq!(miq101["name"], "ObjetDuMarcheNeDesignePasUnePrestation");
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), rules.len(), "rule names are not distinct");
}

#[test]
fn sarif_results_are_new_against_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dce")).unwrap();
    let md = dir.path().join("dce/CCTP.md");
    let text = std::fs::read_to_string("fixtures/objet-activite/CCTP.md").unwrap();
    std::fs::write(&md, &text).unwrap();
    tl_in(dir.path())
        .args(["check", "--write-baseline", "baseline.json", "dce"])
        .assert()
        .code(0);
    let (out, _, _) = check_in(Some(dir.path()), "sarif", &["dce"]);
    let v = assert_valid_sarif(&out);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r.get("baselineState").is_none()));
    // One new defect: the only result, and new.
    let added = "Le titulaire réserve aussi 5 % des heures travaillées à l’insertion.";
    std::fs::write(&md, format!("{text}\n{added}\n")).unwrap();
    let (out, _, _) = check_in(
        Some(dir.path()),
        "sarif",
        &["--baseline", "baseline.json", "dce"],
    );
    let v = assert_valid_sarif(&out);
    let results = v["runs"][0]["results"].as_array().unwrap();
    let got: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["baselineState"].as_str().unwrap_or("absent"),
            )
        })
        .collect();
    assert_eq!(got, [("MIQ103", "new")]);
}

/// The SARIF Multitool's `validate` command, when it can be run: `SARIF_MULTITOOL` names its
/// executable, or else it comes from npm through `npx` (unless `TENDERLINT_SKIP_NPM` is set).
fn sarif_multitool() -> Option<std::process::Command> {
    if let Some(tool) = std::env::var_os("SARIF_MULTITOOL") {
        return Some(std::process::Command::new(tool));
    }
    let npx_runs = std::process::Command::new("npx")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if std::env::var_os("TENDERLINT_SKIP_NPM").is_some() || !npx_runs {
        return None;
    }
    let mut cmd = std::process::Command::new("npx");
    cmd.args(["-y", "@microsoft/sarif-multitool@5.7.0"]);
    Some(cmd)
}

/// The Multitool checks what the schema cannot (SARIF1001: a rule's `name` must not be its
/// `id`…). Its one remaining remark is on purpose: the driver has no `informationUri`, as
/// tenderlint has no public address (docs/json-output.md, « SARIF output »).
#[test]
fn sarif_passes_the_sarif_multitool() {
    let Some(mut multitool) = sarif_multitool() else {
        eprintln!("SARIF Multitool not run: set SARIF_MULTITOOL, or install npx");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = check("sarif", &["fixtures/"]);
    std::fs::write(dir.path().join("out.sarif"), out).unwrap();
    let status = multitool
        .current_dir(dir.path())
        .args(["validate", "out.sarif", "--output", "log.sarif", "--quiet"])
        .status()
        .unwrap();
    assert!(status.success(), "the SARIF Multitool failed: {status}");
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("log.sarif")).unwrap())
            .unwrap();
    let remarks: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] != "SARIF2005")
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
        .collect();
    assert!(remarks.is_empty(), "{remarks:#?}");
}

// ---------------------------------------------------------------------------------------------
// github

#[test]
fn github_lines_are_exact_with_a_summary() {
    let (out, code) = check(
        "github",
        &["fixtures/objet-activite", "fixtures/miq-complet"],
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "::warning file=fixtures/objet-activite/CCTP.md,line=1,col=3,endLine=1,endColumn=52,title=MIQ504::La durée des parcours et le temps de travail des personnes ne sont pas précisés.",
            "::warning file=fixtures/objet-activite/CCTP.md,line=1,col=3,endLine=1,endColumn=52,title=MIQ602::Un taux de sorties dynamiques est visé sans part d’emploi durable ni répartition entre les trois catégories de sorties.",
            "::error file=fixtures/objet-activite/CCTP.md,line=8,col=1,endLine=8,endColumn=100,title=MIQ101::L’objet du marché ne désigne pas une prestation d’insertion et de qualification professionnelle.",
            "::warning file=fixtures/objet-activite/CCTP.md,line=10,col=4,endLine=10,endColumn=74,title=MIQ104::L’objet fait de l’insertion une « action d’insertion » à la charge du titulaire, comme dans une clause sociale.",
            "::warning file=fixtures/objet-activite/CCTP.md,line=10,col=22,endLine=10,endColumn=36,title=MIQ103::L’insertion est exprimée comme une clause sociale (heures d’insertion, %25 des heures) et non comme la prestation achetée.",
            "::warning file=fixtures/objet-activite/CCTP.md,line=55,col=21,endLine=55,endColumn=38,title=MIQ103::L’insertion est exprimée comme une clause sociale (heures d’insertion, %25 des heures) et non comme la prestation achetée.",
            "tenderlint: 1 error, 5 warnings, 0 infos in 2 tenders (4 documents)",
        ]
    );
    // Infos are notices.
    let (out, _) = check("github", &["fixtures/encadrement-absent"]);
    assert!(
        out.contains("::notice file=fixtures/encadrement-absent/CCTP.txt,line=34,col=186,"),
        "{out}"
    );
}

#[test]
fn github_escapes_messages_and_properties() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("local.tl"),
        "rule LOC1 {\n  tags public\n  level error\n  forbid \"nettoyage\"\n  message \"100 % sûr, vraiment : non\\nsuite\"\n  why \"w\"\n  fix \"f\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("lot 1, a:b.md"),
        "# Objet\n\nPrestations de nettoyage.\n",
    )
    .unwrap();
    let (out, err, code) = check_in(
        Some(dir.path()),
        "github",
        &["--no-default-rules", "--rules", "local.tl", "lot 1, a:b.md"],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "::error file=lot 1%2C a%3Ab.md,line=3,col=16,endLine=3,endColumn=24,title=LOC1::100 %25 sûr, vraiment : non%0Asuite\n\
         tenderlint: 1 error, 0 warnings, 0 infos in 1 tender (1 document)\n"
    );
}

#[test]
fn github_snapshot() {
    let (out, _) = check("github", &["fixtures/"]);
    insta::assert_snapshot!("github_all_fixtures", out);
}

// ---------------------------------------------------------------------------------------------
// gitlab

fn gitlab(dir: Option<&Path>, args: &[&str]) -> Vec<Value> {
    let (out, err, _) = check_in(dir, "gitlab", args);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    v.as_array().unwrap().clone()
}

fn prints(issues: &[Value]) -> Vec<String> {
    issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn gitlab_issues_have_the_code_quality_fields() {
    let issues = gitlab(
        None,
        &["fixtures/objet-activite", "fixtures/encadrement-absent"],
    );
    let got: Vec<String> = issues
        .iter()
        .map(|i| {
            format!(
                "{} {} {}:{}",
                i["check_name"].as_str().unwrap(),
                i["severity"].as_str().unwrap(),
                i["location"]["path"].as_str().unwrap(),
                i["location"]["lines"]["begin"],
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "MIQ401 major fixtures/encadrement-absent/CCTP.txt:1",
            "MIQ402 major fixtures/encadrement-absent/CCTP.txt:1",
            "MIQ405 minor fixtures/encadrement-absent/CCTP.txt:1",
            "MIQ403 info fixtures/encadrement-absent/CCTP.txt:34",
            "MIQ504 minor fixtures/objet-activite/CCTP.md:1",
            "MIQ602 minor fixtures/objet-activite/CCTP.md:1",
            "MIQ101 major fixtures/objet-activite/CCTP.md:8",
            "MIQ104 minor fixtures/objet-activite/CCTP.md:10",
            "MIQ103 minor fixtures/objet-activite/CCTP.md:10",
            "MIQ103 minor fixtures/objet-activite/CCTP.md:55",
        ]
    );
    assert_eq!(
        issues[6]["description"],
        "L’objet du marché ne désigne pas une prestation d’insertion et de qualification professionnelle."
    );
    for i in &issues {
        let fp = i["fingerprint"].as_str().unwrap();
        assert_eq!(fp.len(), 64);
        assert!(fp.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}

#[test]
fn gitlab_fingerprints_are_stable_and_distinct() {
    let first = prints(&gitlab(None, &["fixtures/"]));
    let second = prints(&gitlab(None, &["fixtures/"]));
    assert!(first.len() > 10);
    assert_eq!(first, second);
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len(), "fingerprints must be distinct");
}

#[test]
fn gitlab_fingerprints_survive_an_inserted_line() {
    let dir = tempfile::tempdir().unwrap();
    let tender = dir.path().join("objet-activite");
    std::fs::create_dir(&tender).unwrap();
    let original = std::fs::read_to_string("fixtures/objet-activite/CCTP.md").unwrap();
    std::fs::write(tender.join("CCTP.md"), &original).unwrap();
    let before = gitlab(Some(dir.path()), &["objet-activite"]);

    // An unrelated line above every finding.
    std::fs::write(
        tender.join("CCTP.md"),
        format!("Version de travail du 3 mars, relue par le service juridique.\n\n{original}"),
    )
    .unwrap();
    let after = gitlab(Some(dir.path()), &["objet-activite"]);

    let lines = |issues: &[Value]| -> Vec<u64> {
        issues
            .iter()
            .map(|i| i["location"]["lines"]["begin"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(lines(&before), [1, 1, 8, 10, 10, 55]);
    // The findings on words moved down; the two about the whole document stay on its first line.
    assert_eq!(
        lines(&after),
        [1, 1, 10, 12, 12, 57],
        "the findings moved down"
    );
    assert_eq!(prints(&before), prints(&after));
    // The same document under the fixtures' path gives other fingerprints (the path counts).
    assert_ne!(
        prints(&before),
        prints(&gitlab(None, &["fixtures/objet-activite"]))
    );
}

#[test]
fn gitlab_snapshot() {
    let issues = gitlab(None, &["fixtures/public-vague"]);
    insta::assert_snapshot!(
        "gitlab_public-vague",
        serde_json::to_string_pretty(&issues).unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// junit

/// An element of the parsed report: name, attributes, text, children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, key: &str) -> &str {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no attribute {key} on {}", self.name))
    }
    fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
    fn one(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Parses the report with quick-xml's reader (well-formedness and escaping are checked).
fn parse_xml(text: &str) -> Node {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack = vec![Node::default()];
    let node = |e: &quick_xml::events::BytesStart| Node {
        name: e.name().as_ref().to_string(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    a.key.as_ref().to_string(),
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect(),
        ..Default::default()
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push(node(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(node(&e)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                let c = match name.as_ref() {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    other => other
                        .strip_prefix("#x")
                        .map(|h| u32::from_str_radix(h, 16).unwrap())
                        .or_else(|| other.strip_prefix('#').map(|d| d.parse().unwrap()))
                        .and_then(char::from_u32)
                        .unwrap_or_else(|| panic!("unexpected entity {other}")),
                };
                stack.last_mut().unwrap().text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1);
    root.children.pop().unwrap()
}

#[test]
fn junit_has_a_suite_per_tender_and_a_case_per_rule() {
    let (out, code) = check(
        "junit",
        &[
            "fixtures/objet-activite",
            "fixtures/encadrement-absent",
            "fixtures/requalification-place",
        ],
    );
    assert_eq!(code, 1);
    let root = parse_xml(&out);
    assert_eq!(root.name, "testsuites");
    let suites = root.all("testsuite");
    let names: Vec<&str> = suites.iter().map(|s| s.attr("name")).collect();
    assert_eq!(
        names,
        [
            "fixtures/encadrement-absent",
            "fixtures/objet-activite",
            "fixtures/requalification-place"
        ]
    );
    // The MIQ pack's 58 rules on the two MIQ tenders; none on the tender it does not apply to.
    let counts: Vec<(usize, usize, usize)> = suites
        .iter()
        .map(|s| {
            let cases = s.all("testcase");
            assert_eq!(s.attr("tests"), cases.len().to_string());
            let failures = cases.iter().filter(|c| c.one("failure").is_some()).count();
            assert_eq!(s.attr("failures"), failures.to_string());
            let outs = cases
                .iter()
                .filter(|c| c.one("system-out").is_some())
                .count();
            (cases.len(), failures, outs)
        })
        .collect();
    assert_eq!(counts, [(58, 3, 1), (58, 5, 0), (0, 0, 0)]);
    assert_eq!(root.attr("tests"), "116");
    assert_eq!(root.attr("failures"), "8");
    assert!(
        suites[2].all("properties")[0].all("property")[0]
            .attr("value")
            .starts_with("non appliqué")
    );

    let objet = suites[1];
    let miq103 = objet
        .all("testcase")
        .into_iter()
        .find(|c| c.attr("name").starts_with("MIQ103 "))
        .unwrap();
    assert_eq!(miq103.attr("classname"), "fixtures/objet-activite");
    let failure = miq103.one("failure").unwrap();
    assert_eq!(failure.attr("type"), "warning");
    assert!(
        failure
            .attr("message")
            .starts_with("L’insertion est exprimée")
    );
    assert!(failure.text.starts_with(
        "fixtures/objet-activite/CCTP.md:10:22: « 10 % des heures »\n\
         fixtures/objet-activite/CCTP.md:55:21: « heures d’insertion »\n\nCorriger : "
    ));
    // The info passes, with its finding in system-out.
    let miq403 = suites[0]
        .all("testcase")
        .into_iter()
        .find(|c| c.attr("name").starts_with("MIQ403 "))
        .unwrap();
    assert!(miq403.one("failure").is_none());
    assert!(miq403.one("system-out").unwrap().text.starts_with(
        "fixtures/encadrement-absent/CCTP.txt:34:186: info[MIQ403] « Accompagnement renforcé »"
    ));
}

#[test]
fn junit_escapes_markup_in_messages_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("local.tl"),
        "rule LOC1 {\n  tags public\n  level warning\n  forbid /<b>de<.b> & nettoyage/\n  message \"a < b & \\\"c\\\" > d\"\n  why \"w\"\n  fix \"<fix> & co\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("doc.txt"),
        "Objet\n\nPrestations <b>de</b> & nettoyage.\n",
    )
    .unwrap();
    let (out, err, code) = check_in(
        Some(dir.path()),
        "junit",
        &["--no-default-rules", "--rules", "local.tl", "doc.txt"],
    );
    assert_eq!(code, 0, "{err}");
    let root = parse_xml(&out);
    let case = &root.all("testsuite")[0].all("testcase")[0];
    assert_eq!(case.attr("name"), "LOC1 a < b & \"c\" > d");
    let failure = case.one("failure").unwrap();
    assert_eq!(failure.attr("message"), "a < b & \"c\" > d");
    assert_eq!(
        failure.text,
        "doc.txt:3:13: « <b>de</b> & nettoyage »\n\nCorriger : <fix> & co"
    );
}

#[test]
fn junit_snapshot() {
    let (out, _) = check("junit", &["fixtures/objet-activite"]);
    insta::assert_snapshot!("junit_objet-activite", out);
}
