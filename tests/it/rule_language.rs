//! The rule language: every construct parses to the expected tree, and every mistake gives a
//! diagnostic with the right message, labelled text and help line.

use std::collections::HashMap;

use tenderlint::compile::{self, Condition, PackSource, Scope};
use tenderlint::lang::ast::*;
use tenderlint::lang::{self, RuleFileError, SourceFile};

const RULE_TAIL: &str = r#"
  message "m"
  why "w"
  fix "f"
}"#;

fn src(text: &str) -> SourceFile {
    SourceFile::new("test.tl", text.to_string())
}

/// (message, labelled text, help, line, column) of every error in a rule file, syntax or compile.
fn errors(text: &str) -> Vec<(String, String, String, usize, usize)> {
    let file = src(text);
    let (_, errs) = compile::compile(
        &[PackSource {
            default_id: "t".into(),
            files: vec![file],
        }],
        &HashMap::new(),
    );
    errs.iter().map(describe).collect()
}

fn describe(e: &RuleFileError) -> (String, String, String, usize, usize) {
    let (_, line, col) = e.location();
    (
        e.message.clone(),
        e.labelled_text().to_string(),
        e.help.clone().unwrap_or_default(),
        line,
        col,
    )
}

fn one_error(text: &str) -> (String, String, String, usize, usize) {
    let mut errs = errors(text);
    assert_eq!(errs.len(), 1, "expected one error, got {errs:#?}");
    errs.remove(0)
}

fn parse_ok(text: &str) -> RuleFile {
    match lang::parse(&src(text)) {
        Ok(f) => f,
        Err(e) => panic!(
            "parse failed: {:#?}",
            e.iter().map(describe).collect::<Vec<_>>()
        ),
    }
}

fn compile_ok(text: &str) -> compile::Pack {
    let (set, errs) = compile::compile(
        &[PackSource {
            default_id: "t".into(),
            files: vec![src(text)],
        }],
        &HashMap::new(),
    );
    assert!(
        errs.is_empty(),
        "{:#?}",
        errs.iter().map(describe).collect::<Vec<_>>()
    );
    set.packs.into_iter().next().unwrap()
}

fn cond(text: &str) -> Cond {
    lang::parse_cond(text).unwrap_or_else(|e| panic!("{e:?}"))
}

fn name(c: &Cond) -> &str {
    match c {
        Cond::Atom(Atom::Name(i)) => &i.name,
        other => panic!("not a name: {other:?}"),
    }
}

#[test]
fn top_level_items() {
    let f = parse_ok(
        r#"
# A comment
pack miq {
  name "MIQ"
  version "0.1.0"
  description "Pack"
  applies insertion and not clause
}
tag territoire "Règles locales"
param poids = 50
terms insertion = "prestation(s) d'insertion" | "marché d'insertion"
terms clause = "clause sociale"
regex pct = /(\d+) ?%/
section objet = heading /objet du marche/ or block /a pour objet/
"#,
    );
    assert_eq!(f.items.len(), 7);
    let Item::Pack(p) = &f.items[0] else { panic!() };
    assert_eq!(p.id.name, "miq");
    assert_eq!(p.name.as_ref().unwrap().value, "MIQ");
    assert_eq!(p.version.as_ref().unwrap().value, "0.1.0");
    assert!(matches!(p.applies, Some(Cond::And { .. })));
    let Item::Tag(t) = &f.items[1] else { panic!() };
    assert_eq!(
        (t.name.name.as_str(), t.description.value.as_str()),
        ("territoire", "Règles locales")
    );
    let Item::Param(pa) = &f.items[2] else {
        panic!()
    };
    assert_eq!(pa.value.value, 50.0);
    let Item::Terms(te) = &f.items[3] else {
        panic!()
    };
    let terms: Vec<&str> = te.terms.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(terms, ["prestation(s) d'insertion", "marché d'insertion"]);
    let Item::Regex(r) = &f.items[5] else {
        panic!()
    };
    assert_eq!(r.regex.pattern, r"(\d+) ?%");
    let Item::Section(s) = &f.items[6] else {
        panic!()
    };
    assert_eq!(s.alts.len(), 2);
    assert_eq!(s.alts[0].kind, SectionAltKind::Heading);
    assert_eq!(s.alts[1].kind, SectionAltKind::Block);
}

#[test]
fn rule_fields() {
    let f = parse_ok(
        r#"rule MIQ101 {
  tags objet, support
  level error
  in first 30 words of cctp.objet
  when insertion
  expect insertion
  forbid activite
  forbid clause
  message "L’objet
           n’est pas l’insertion."
  why "w"
  fix "f"
  see "CCP, art. R2123-1 3°"
  see "Guide"
  example fail "texte \"cité\""
  example pass """
    # Objet du marché
    Texte.
    """
}"#,
    );
    let Item::Rule(r) = &f.items[0] else { panic!() };
    assert_eq!(r.id.as_ref().unwrap().name, "MIQ101");
    let tags: Vec<&str> = r.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["objet", "support"]);
    assert_eq!(r.level.as_ref().unwrap().name, "error");
    let Some(tenderlint::lang::ast::Scope::First { inner, .. }) = &r.scope else {
        panic!()
    };
    let tenderlint::lang::ast::Scope::Path { first, second, .. } = inner.as_ref() else {
        panic!()
    };
    assert_eq!(
        (first.name.as_str(), second.as_ref().unwrap().name.as_str()),
        ("cctp", "objet")
    );
    assert_eq!(r.expects.len(), 1);
    assert_eq!(r.forbids.len(), 2);
    assert_eq!(
        r.message.as_ref().unwrap().value,
        "L’objet n’est pas l’insertion."
    );
    assert_eq!(r.see.len(), 2);
    assert_eq!(r.examples[0].text.value, "texte \"cité\"");
    assert!(!r.examples[0].pass);
    assert_eq!(r.examples[1].text.value, "# Objet du marché\nTexte.");
    assert!(r.examples[1].pass);
}

#[test]
fn conditions_and_precedence() {
    // not > and > or
    let Cond::Or {
        items,
        form: BoolForm::Infix,
        ..
    } = cond("a and not b or c")
    else {
        panic!()
    };
    let Cond::And { items: ands, .. } = &items[0] else {
        panic!()
    };
    assert_eq!(name(&ands[0]), "a");
    assert!(matches!(&ands[1], Cond::Not { .. }));
    assert_eq!(name(&items[1]), "c");
    // `in` binds to the condition just before it.
    let Cond::And { items, .. } = cond("a and b in objet") else {
        panic!()
    };
    assert!(matches!(&items[1], Cond::In { .. }));
    assert!(matches!(cond("(a and b) in objet"), Cond::In { .. }));
    let Cond::Near {
        within:
            Window {
                words: Some(Number::Lit(n)),
                unit: None,
                across: false,
            },
        ..
    } = cond("a near b within 20 words")
    else {
        panic!()
    };
    assert_eq!(n.value, 20.0);
    // A window in a unit of the structure, and one across paragraphs.
    let Cond::Near {
        within:
            Window {
                words: None,
                unit: Some((Unit::Sentence, _)),
                across: false,
            },
        ..
    } = cond("a near b within sentence")
    else {
        panic!()
    };
    assert!(matches!(
        cond("a before b within 12 words across paragraphs"),
        Cond::Before {
            within: Some(Window { across: true, .. }),
            ..
        }
    ));
    assert!(matches!(cond("affirmed a and negated b"), Cond::And { .. }));
    assert!(matches!(
        cond("negated b"),
        Cond::Mention {
            mention: Mention::Negated,
            ..
        }
    ));
    assert!(matches!(
        cond("a before b"),
        Cond::Before { within: None, .. }
    ));
    assert!(matches!(
        cond("a before b within 5 words"),
        Cond::Before {
            within: Some(_),
            ..
        }
    ));
    assert!(matches!(
        cond("count a >= 3"),
        Cond::Count { cmp: Cmp::Ge, .. }
    ));
    assert!(matches!(
        cond("value pct < seuil"),
        Cond::Value {
            cmp: Cmp::Lt,
            n: Number::Param(_),
            ..
        }
    ));
    assert!(matches!(
        cond("all(a, b, c)"),
        Cond::And {
            form: BoolForm::Call,
            ..
        }
    ));
    assert!(matches!(
        cond("any(a, b,)"),
        Cond::Or {
            form: BoolForm::Call,
            ..
        }
    ));
    assert!(matches!(
        cond(r#""tout public""#),
        Cond::Atom(Atom::Term(_))
    ));
    assert!(matches!(cond(r"/\d+ ?%/"), Cond::Atom(Atom::Regex(_))));
    for (text, cmp) in [
        ("<", Cmp::Lt),
        ("<=", Cmp::Le),
        (">", Cmp::Gt),
        (">=", Cmp::Ge),
        ("=", Cmp::Eq),
        ("!=", Cmp::Ne),
    ] {
        let Cond::Count { cmp: c, .. } = cond(&format!("count a {text} 1")) else {
            panic!()
        };
        assert_eq!(c, cmp);
    }
}

#[test]
fn spans_point_into_the_file() {
    let text = "terms abc = \"x\"\nrule R1 {\n  tags objet\n  level error\n  expect abc near abc within 3 words\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n}\n";
    let f = parse_ok(text);
    let Item::Rule(r) = &f.items[1] else { panic!() };
    let s = r.expects[0].span();
    assert_eq!(&text[s.offset..s.end()], "abc near abc within 3 words");
}

#[test]
fn compiles_scopes_and_conditions() {
    let pack = compile_ok(&format!(
        r#"
pack p {{ applies ins }}
terms ins = "insertion"
regex pct = /(\d+) ?%/
param seuil = 50
section objet = heading /objet/
rule R1 {{
  tags objet
  level warning
  in first 10 words of ccap.objet
  expect value pct >= seuil and ins near "qualification" within 5 words{RULE_TAIL}
rule R2 {{
  tags public
  level info
  in tender
  forbid count ins > 2 or not ins before pct{RULE_TAIL}
"#
    ));
    assert_eq!(pack.id, "p");
    assert_eq!(pack.rules.len(), 2);
    assert_eq!(
        pack.rules[0].scope,
        Scope::First {
            words: 10,
            inner: Box::new(Scope::Section {
                kind: Some(tenderlint::document::Kind::Ccap),
                section: 0
            })
        }
    );
    assert!(
        matches!(&pack.rules[0].expects[0].cond, Condition::And(v) if matches!(v[0], Condition::Value { n, .. } if n == 50.0))
    );
    assert_eq!(pack.rules[1].scope, Scope::Tender);
    assert_eq!(
        pack.rules[1].forbids[0].text,
        "count ins > 2 or not ins before pct"
    );
}

#[test]
fn syntax_error_points_at_the_typo() {
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  levle error\n  expect \"x\"{RULE_TAIL}"
    ));
    assert_eq!(e, ("unknown field `levle`".into(), "levle".into(), "did you mean `level`? The fields are: tags, level, in, stated, when, expect, forbid, message, why, fix, see, example".into(), 3, 3));
}

#[test]
fn every_error_of_a_file_is_reported() {
    let errs = errors(
        "rule R1 {\n  tags objet\n  level error\n  expect a nar b\n  levle x\n  message \"m\"\n  why \"w\"\n  fix \"f\"\n}\nrulee R2 {}\nterms = \"x\"\n",
    );
    let msgs: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "unexpected `nar` after the field's value",
            "unknown field `levle`",
            "unknown item `rulee`",
            "expected a term list name, found `=`"
        ]
    );
    assert_eq!(errs[0].2, "did you mean `near`?");
    assert_eq!(errs[2].2, "did you mean `rule`?");
    assert_eq!((errs[3].3, errs[3].4), (11, 7));
}

#[test]
fn unterminated_things() {
    assert_eq!(one_error("terms a = \"abc\n").0, "unterminated string");
    let e = one_error("regex r = /abc\n");
    assert_eq!(
        (e.0.as_str(), e.1.as_str(), e.2.as_str()),
        (
            "unterminated regex",
            "/",
            "close the regex with `/` on the same line (write `\\/` for a slash)"
        )
    );
    let e = one_error("rule R1 {\n  tags objet\n");
    assert_eq!(
        (e.0.as_str(), e.2.as_str()),
        ("unclosed block: expected `}`", "close the block with `}`")
    );
    let e = one_error("rule R1 {\n  tags objet\nterms a = \"x\"\n");
    assert_eq!(
        (e.0.as_str(), e.1.as_str()),
        ("unclosed block: expected `}`", "terms")
    );
    assert_eq!(
        one_error("terms a = \"\"\"abc\n").0,
        "unterminated block string"
    );
}

#[test]
fn strings_escapes_and_line_breaks() {
    let f = parse_ok(
        "terms t = \"le \\\"marché\\\" \\\\ fin\\n\" | \"une phrase   \n     sur deux lignes\" | \"\n  seule\"\n",
    );
    let Item::Terms(te) = &f.items[0] else {
        panic!()
    };
    let terms: Vec<&str> = te.terms.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(
        terms,
        [
            "le \"marché\" \\ fin\n",
            "une phrase sur deux lignes",
            "seule"
        ]
    );
    // The place of an unknown escape, past plain text and a line break.
    let e = one_error("terms a = \"abc\n  d\\q\"");
    assert_eq!(
        (e.0.as_str(), e.1.as_str(), e.3, e.4),
        ("unknown escape `\\q` in a string", "\\q", 2, 4)
    );
    assert_eq!(one_error("terms a = \"abc").0, "unterminated string");
}

#[test]
fn bad_values() {
    assert_eq!(
        one_error("terms a = \"x\\q\"").0,
        "unknown escape `\\q` in a string"
    );
    let e = one_error("regex a = /x/i");
    assert_eq!(
        (e.0.as_str(), e.1.as_str()),
        ("unknown regex flag `i`", "i")
    );
    let e = one_error("param p = abc");
    assert_eq!(
        (e.0.as_str(), e.1.as_str()),
        ("expected a number, found `abc`", "abc")
    );
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  expect a near b within 3\n{RULE_TAIL}"
    ));
    assert_eq!(e.0, "expected `words`, found `message`");
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  expect a near b 3 words\n{RULE_TAIL}"
    ));
    assert_eq!(
        (e.0.as_str(), e.2.as_str()),
        (
            "expected `within N words` after `near`, found `3`",
            "write `A near B within 20 words` or `A near B within sentence`"
        )
    );
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  expect count a 3\n{RULE_TAIL}"
    ));
    assert_eq!(e.0, "expected a comparison, found `3`");
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  expect and\n{RULE_TAIL}"
    ));
    assert_eq!(
        (e.0.as_str(), e.1.as_str()),
        ("`and` is a keyword, not a term list or regex name", "and")
    );
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  expect all(a, b\n{RULE_TAIL}"
    ));
    assert_eq!(
        (e.0.as_str(), e.2.as_str()),
        (
            "expected `)`, found `message`",
            "separate conditions with `,` and close the list with `)`"
        )
    );
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  expect \"x\"\n  example maybe \"t\"\n{RULE_TAIL}"
    ));
    assert_eq!(
        e.0,
        "expected `pass` or `fail` after `example`, found `maybe`"
    );
    let e = one_error("section s = paragraph /x/");
    assert_eq!(
        (e.0.as_str(), e.1.as_str()),
        (
            "expected `heading`, `block`, `label` or `title`, found `paragraph`",
            "paragraph"
        )
    );
    // Alternatives after `else` are fallbacks, tried where the ones before found nothing.
    let (file, errors) = lang::parse_rule_file(
        "section s = block /objet :/ or label /objet/ else heading /objet/ else title /x/",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let Item::Section(sec) = &file.items[0] else {
        panic!()
    };
    let fallbacks: Vec<bool> = sec.alts.iter().map(|a| a.fallback).collect();
    assert_eq!(fallbacks, [false, false, true, true]);
    assert_eq!(sec.alts[1].kind, SectionAltKind::Label);
    assert_eq!(sec.alts[3].kind, SectionAltKind::Title);
}

#[test]
fn unknown_names_suggest_the_closest() {
    let e = one_error(&format!(
        "terms insertion = \"x\"\nrule R1 {{\n  tags objet\n  level error\n  expect insertoin{RULE_TAIL}"
    ));
    assert_eq!(
        e,
        (
            "unknown term list or regex `insertoin`".into(),
            "insertoin".into(),
            "did you mean `insertion`?".into(),
            5,
            10
        )
    );
    let e = one_error(&format!(
        "section objet = heading /objet/\nrule R1 {{\n  tags objet\n  level error\n  in objt\n  expect \"x\"{RULE_TAIL}"
    ));
    assert_eq!(
        (e.0.as_str(), e.1.as_str(), e.2.as_str()),
        ("unknown section `objt`", "objt", "did you mean `objet`?")
    );
    let e = one_error(&format!(
        "section objet = heading /objet/\nrule R1 {{\n  tags objet\n  level error\n  expect objet{RULE_TAIL}"
    ));
    assert_eq!(
        (e.0.as_str(), e.2.as_str()),
        (
            "`objet` is not a term list or regex",
            "`objet` is a section: use it as a scope, `… in objet`"
        )
    );
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  expect count \"x\" > seuill{RULE_TAIL}"
    ));
    assert_eq!(
        (e.0.as_str(), e.1.as_str()),
        ("unknown param `seuill`", "seuill")
    );
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  in cctpp.objet\n  expect \"x\"{RULE_TAIL}"
    ));
    assert_eq!(e.0, "unknown document kind `cctpp`");
}

#[test]
fn tags_levels_and_required_fields() {
    let e = one_error(&format!(
        "rule R1 {{\n  tags pubic\n  level error\n  expect \"x\"{RULE_TAIL}"
    ));
    assert_eq!(
        (e.0.as_str(), e.1.as_str()),
        ("unknown tag `pubic`", "pubic")
    );
    assert!(e.2.starts_with("did you mean `public`?"));
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level eror\n  expect \"x\"{RULE_TAIL}"
    ));
    assert_eq!(
        (e.0.as_str(), e.2.as_str()),
        (
            "unknown level `eror`",
            "did you mean `error`? The levels are error, warning and info"
        )
    );
    let errs = errors("rule R1 {\n  expect \"x\"\n}");
    let msgs: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "rule `R1` has no `tags`",
            "rule `R1` has no `level`",
            "rule `R1` has no `message`",
            "rule `R1` has no `why`",
            "rule `R1` has no `fix`"
        ]
    );
    assert!(errs.iter().all(|e| e.1 == "R1"));
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error{RULE_TAIL}"
    ));
    assert_eq!(e.0, "rule `R1` checks nothing");
    let e = one_error(&format!(
        "rule r1 {{\n  tags objet\n  level error\n  expect \"x\"{RULE_TAIL}"
    ));
    assert_eq!(e.0, "rule id `r1` is not in upper case");
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  level info\n  expect \"x\"{RULE_TAIL}"
    ));
    assert_eq!(
        (e.0.as_str(), e.1.as_str()),
        ("field `level` given twice", "level")
    );
}

#[test]
fn regexes_and_duplicates() {
    let e = one_error("regex r = /(abc/");
    assert_eq!((e.0.as_str(), e.1.as_str()), ("invalid regex", "/(abc/"));
    assert!(e.2.starts_with("unclosed group"), "{}", e.2);
    let e = one_error(&format!(
        "rule R1 {{\n  tags objet\n  level error\n  expect value \"x\" > 3{RULE_TAIL}"
    ));
    assert_eq!(
        e.0,
        "`value` needs a regex with a capture group, and « x » has none"
    );
    let e = one_error("terms a = \"x\"\nterms a = \"y\"");
    assert_eq!((e.0.as_str(), e.3), ("`a` is defined twice", 2));
    let errs = compile::compile(
        &[PackSource {
            default_id: "t".into(),
            files: vec![src("terms a = \"x\"\nregex a = /y/")],
        }],
        &HashMap::new(),
    )
    .1;
    assert_eq!(errs[0].related.len(), 1);
    assert_eq!(errs[0].related[0].message, "first defined here");
    let text = format!(
        "rule R1 {{\n  tags objet\n  level error\n  expect \"x\"{RULE_TAIL}\nrule R1 {{\n  tags objet\n  level error\n  expect \"x\"{RULE_TAIL}"
    );
    let e = one_error(&text);
    assert_eq!((e.0.as_str(), e.3), ("duplicate rule id `R1`", 9));
}

#[test]
fn duplicate_ids_across_packs_name_both_places() {
    let rule = format!("rule R1 {{\n  tags objet\n  level error\n  expect \"x\"{RULE_TAIL}");
    let a = PackSource {
        default_id: "a".into(),
        files: vec![SourceFile::new("a.tl", rule.clone())],
    };
    let b = PackSource {
        default_id: "b".into(),
        files: vec![SourceFile::new("b.tl", rule)],
    };
    let (set, errs) = compile::compile(&[a, b], &HashMap::new());
    assert_eq!(set.packs.len(), 1);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].message, "duplicate rule id `R1` (also in pack `a`)");
    assert_eq!(errs[0].src.name, "b.tl");
    assert_eq!(errs[0].related[0].src.name, "a.tl");
}

#[test]
fn no_input_panics_the_parser() {
    // Truncations of a valid file at every character, and some garbage.
    let text = format!(
        "pack p {{ applies a }}\nterms a = \"x\" | \"y\"\nregex r = /(\\d+)/\nsection s = heading /x/ or block a\nrule R1 {{\n  tags objet\n  level error\n  in first 3 words of s\n  expect value r > 2 and not (a near a within 2 words)\n  example pass \"\"\"\n  x\n  \"\"\"{RULE_TAIL}"
    );
    for (i, _) in text.char_indices() {
        let _ = errors(&text[..i]);
    }
    for g in [
        "}",
        "{",
        "rule",
        "rule {",
        "\"",
        "/",
        "terms a = ",
        "rule R { expect ( ( ( (",
        "é#\u{0}\u{feff}",
    ] {
        let _ = errors(g);
    }
}

#[test]
fn count_distinct_parses_and_compiles() {
    assert!(matches!(
        cond("count distinct a > 1"),
        Cond::Count { distinct: true, .. }
    ));
    assert!(matches!(
        cond("count a > 1"),
        Cond::Count {
            distinct: false,
            ..
        }
    ));
    let pack = compile_ok(&format!(
        "regex nb = /(\\d+) postes/\nrule R1 {{\n  tags public\n  level error\n  in tender\n  forbid count distinct nb > 1{RULE_TAIL}"
    ));
    assert!(matches!(
        pack.rules[0].forbids[0].cond,
        Condition::Count { distinct: true, .. }
    ));
}
