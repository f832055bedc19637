//! JUnit XML (`--format junit`), for CI dashboards that show test reports: one `<testsuite>`
//! per tender, one `<testcase>` per rule of the packs applied to it. A rule with findings of
//! level error or warning fails (its `<failure>` lists each finding's place and quote, then the
//! fix); a rule with only infos passes, the infos in its `<system-out>`; a rule whose scope does
//! not exist in the tender is `<skipped>` with the reason. Pack decisions are properties of the
//! suite. quick-xml escapes text and attributes.

use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{Renderer, Run, one_line, quote};
use crate::compile::{Level, Rule};
use crate::engine::{Finding, TenderResult};

pub struct Junit;

/// XML 1.0 cannot hold most control characters, even escaped: they become U+FFFD.
fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

fn place(f: &Finding) -> String {
    format!("{}:{}:{}", f.file, f.line, f.column)
}

/// One rule's outcome on one tender.
enum Outcome<'a> {
    Passed {
        infos: Vec<&'a Finding>,
    },
    Failed {
        level: Level,
        findings: Vec<&'a Finding>,
    },
    Skipped {
        reason: &'a str,
    },
}

fn outcome<'a>(result: &'a TenderResult, rule: &Rule) -> Outcome<'a> {
    let findings: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.rule == rule.id)
        .collect();
    let failing: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| f.level >= Level::Warning)
        .collect();
    if let Some(level) = failing.iter().map(|f| f.level).max() {
        return Outcome::Failed {
            level,
            findings: failing,
        };
    }
    if findings.is_empty()
        && let Some(u) = result.unchecked.iter().find(|u| u.rule == rule.id)
    {
        return Outcome::Skipped { reason: &u.reason };
    }
    // Not judged: the tender lacks the documents where the rule's expectations are stated.
    if findings.is_empty()
        && let Some(u) = result.not_stated.iter().find(|u| u.rule == rule.id)
    {
        return Outcome::Skipped { reason: &u.reason };
    }
    Outcome::Passed { infos: findings }
}

struct Suite<'a> {
    result: &'a TenderResult,
    cases: Vec<(&'a Rule, Outcome<'a>)>,
}

impl Suite<'_> {
    fn count(&self, pred: impl Fn(&Outcome) -> bool) -> usize {
        self.cases.iter().filter(|(_, o)| pred(o)).count()
    }
    fn failures(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }
    fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped { .. }))
    }
}

fn text_element<W: Write>(w: &mut Writer<W>, name: &str, text: &str) -> io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(&xml_safe(text))))?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn write_case<W: Write>(
    w: &mut Writer<W>,
    tender: &str,
    rule: &Rule,
    outcome: &Outcome,
) -> io::Result<()> {
    let name = xml_safe(&format!("{} {}", rule.id, one_line(&rule.message)));
    let tender = xml_safe(tender);
    let start = BytesStart::new("testcase")
        .with_attributes([("classname", tender.as_str()), ("name", name.as_str())]);
    match outcome {
        Outcome::Passed { infos } if infos.is_empty() => {
            return w.write_event(Event::Empty(start));
        }
        _ => w.write_event(Event::Start(start))?,
    }
    match outcome {
        Outcome::Passed { infos } => {
            let lines: Vec<String> = infos
                .iter()
                .map(|f| {
                    format!(
                        "{}: info[{}] {} « {} »",
                        place(f),
                        f.rule,
                        one_line(&f.message),
                        one_line(quote(f))
                    )
                })
                .collect();
            text_element(w, "system-out", &lines.join("\n"))?;
        }
        Outcome::Failed { level, findings } => {
            let message = xml_safe(&one_line(&rule.message));
            let mut text: Vec<String> = findings
                .iter()
                .map(|f| format!("{}: « {} »", place(f), one_line(quote(f))))
                .collect();
            text.push(String::new());
            text.push(format!("Corriger : {}", rule.fix));
            w.write_event(Event::Start(BytesStart::new("failure").with_attributes([
                ("message", message.as_str()),
                ("type", level.as_str()),
            ])))?;
            w.write_event(Event::Text(BytesText::new(&xml_safe(&text.join("\n")))))?;
            w.write_event(Event::End(BytesEnd::new("failure")))?;
        }
        Outcome::Skipped { reason } => {
            let reason = xml_safe(&one_line(reason));
            w.write_event(Event::Empty(
                BytesStart::new("skipped").with_attributes([("message", reason.as_str())]),
            ))?;
        }
    }
    w.write_event(Event::End(BytesEnd::new("testcase")))
}

fn write_suite<W: Write>(w: &mut Writer<W>, suite: &Suite) -> io::Result<()> {
    let r = suite.result;
    let name = xml_safe(&r.tender.display);
    let (tests, failures, skipped) = (
        suite.cases.len().to_string(),
        suite.failures().to_string(),
        suite.skipped().to_string(),
    );
    w.write_event(Event::Start(BytesStart::new("testsuite").with_attributes(
        [
            ("name", name.as_str()),
            ("tests", tests.as_str()),
            ("failures", failures.as_str()),
            ("errors", "0"),
            ("skipped", skipped.as_str()),
        ],
    )))?;
    w.write_event(Event::Start(BytesStart::new("properties")))?;
    for p in &r.packs {
        let key = xml_safe(&format!("pack.{}", p.id));
        let value = xml_safe(&one_line(&p.reason));
        w.write_event(Event::Empty(
            BytesStart::new("property")
                .with_attributes([("name", key.as_str()), ("value", value.as_str())]),
        ))?;
    }
    w.write_event(Event::End(BytesEnd::new("properties")))?;
    for (rule, outcome) in &suite.cases {
        write_case(w, &r.tender.display, rule, outcome)?;
    }
    w.write_event(Event::End(BytesEnd::new("testsuite")))
}

impl Renderer for Junit {
    fn render(&self, run: &Run, out: &mut dyn Write) -> io::Result<()> {
        let suites: Vec<Suite> = run
            .results
            .iter()
            .map(|result| {
                let cases = run
                    .rules
                    .packs
                    .iter()
                    .filter(|p| result.packs.iter().any(|d| d.id == p.id && d.applied))
                    .flat_map(|p| &p.rules)
                    .map(|rule| (rule, outcome(result, rule)))
                    .collect();
                Suite { result, cases }
            })
            .collect();
        let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
        let failures: usize = suites.iter().map(Suite::failures).sum();
        let skipped: usize = suites.iter().map(Suite::skipped).sum();

        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let (tests, failures, skipped) =
            (tests.to_string(), failures.to_string(), skipped.to_string());
        w.write_event(Event::Start(BytesStart::new("testsuites").with_attributes(
            [
                ("name", "tenderlint"),
                ("tests", tests.as_str()),
                ("failures", failures.as_str()),
                ("errors", "0"),
                ("skipped", skipped.as_str()),
            ],
        )))?;
        for suite in &suites {
            write_suite(&mut w, suite)?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuites")))?;
        out.write_all(&w.into_inner())?;
        writeln!(out)
    }
}
