//! One rule: its id, tags, level, scope, conditions and texts checked and compiled.

use super::*;

fn required<'s>(
    b: &mut Builder,
    file: usize,
    rule_span: Span,
    id: &str,
    field: &str,
    v: &'s Option<ast::StrLit>,
    help: &str,
) -> Option<&'s ast::StrLit> {
    if v.is_none() {
        b.err(
            file,
            rule_span,
            format!("rule `{id}` has no `{field}`"),
            format!("`{field}` missing in this rule"),
            Some(help.to_string()),
        );
    }
    v.as_ref()
}

/// Compiles one rule (`id` is its id, in file `fi` of the pack); `None` when it has errors,
/// which go to the builder.
pub(super) fn compile_rule(
    b: &mut Builder,
    fi: usize,
    id: &ast::Ident,
    r: &ast::RuleDecl,
    params: &HashMap<String, f64>,
    pack: &str,
) -> Option<Rule> {
    let errors_before = b.errors.len();
    let head = id.span;
    check_id(b, fi, id);
    let tags = tags(b, fi, id, r);
    let level = level(b, fi, id, r);
    let scope = match &r.scope {
        Some(s) => b.scope(fi, s, params),
        None => Some(Scope::Document),
    };
    let scope_text = r
        .scope
        .as_ref()
        .map(|s| b.files[fi].text[s.span().offset..s.span().end()].to_string())
        .unwrap_or_else(|| "document".into());
    let when = r.when.as_ref().and_then(|c| b.check(fi, c, params));
    let expects: Vec<Option<Check>> = r
        .expects
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut check = b.check(fi, c, params)?;
            check.label = r
                .expect_labels
                .get(i)
                .and_then(Option::as_ref)
                .map(|l| l.value.clone());
            Some(check)
        })
        .collect();
    let forbids: Vec<Option<Check>> = r
        .forbids
        .iter()
        .map(|c| b.check_as(fi, c, params, Mention::Affirmed))
        .collect();
    let stated = stated(b, fi, r);
    if r.expects.is_empty() && r.forbids.is_empty() {
        b.err(fi, head, format!("rule `{}` checks nothing", id.name), "no `expect` or `forbid` in this rule", Some("add `expect CONDITION` (something must be there) or `forbid CONDITION` (something must not)".into()));
    }
    let [message, why, fix] = texts(b, fi, id, r);
    if b.errors.len() > errors_before {
        return None;
    }
    Some(Rule {
        id: id.name.clone(),
        pack: pack.to_string(),
        tags,
        level: level?,
        scope: scope?,
        scope_text,
        stated,
        when,
        expects: expects.into_iter().collect::<Option<Vec<_>>>()?,
        forbids: forbids.into_iter().collect::<Option<Vec<_>>>()?,
        message: message?.value.clone(),
        why: why?.value.clone(),
        fix: fix?.value.clone(),
        see: r.see.iter().map(|s| s.value.clone()).collect(),
        examples: r
            .examples
            .iter()
            .map(|e| RuleExample {
                pass: e.pass,
                text: e.text.value.clone(),
                span: e.text.span,
            })
            .collect(),
        file: b.files[fi].clone(),
        span: id.span,
    })
}

/// A rule id is upper-case letters and digits (with `-` or `_`), starting with a letter.
fn check_id(b: &mut Builder, fi: usize, id: &ast::Ident) {
    if !id
        .name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        || !id
            .name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        b.err(
            fi,
            id.span,
            format!("rule id `{}` is not in upper case", id.name),
            "rule ids are upper-case letters and digits",
            Some("write ids like `MIQ101` or `LOCAL-12`".into()),
        );
    }
}

/// The rule's tags: at least one, each a pillar or a tag the pack declares.
fn tags(b: &mut Builder, fi: usize, id: &ast::Ident, r: &ast::RuleDecl) -> Vec<String> {
    let mut tags = Vec::new();
    if r.tags.is_empty() {
        b.err(
            fi,
            id.span,
            format!("rule `{}` has no `tags`", id.name),
            "`tags` missing in this rule",
            Some("give the rule its pillar, e.g. `tags public`".into()),
        );
    }
    for t in &r.tags {
        if b.tags.iter().any(|x| x.name == t.name) {
            tags.push(t.name.clone());
        } else {
            let names: Vec<&str> = b.tags.iter().map(|x| x.name.as_str()).collect();
            let help = match crate::suggest(&t.name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? Known tags: {}", names.join(", ")),
                None => format!(
                    "known tags: {}; declare a new one with `tag NAME \"description\"`",
                    names.join(", ")
                ),
            };
            b.err(
                fi,
                t.span,
                format!("unknown tag `{}`", t.name),
                "unknown tag",
                Some(help),
            );
        }
    }
    tags
}

/// The rule's level, which it must have.
fn level(b: &mut Builder, fi: usize, id: &ast::Ident, r: &ast::RuleDecl) -> Option<Level> {
    let Some(l) = &r.level else {
        b.err(
            fi,
            id.span,
            format!("rule `{}` has no `level`", id.name),
            "`level` missing in this rule",
            Some("add `level error`, `level warning` or `level info`".into()),
        );
        return None;
    };
    let level = Level::parse(&l.name);
    if level.is_none() {
        let help = match crate::suggest(&l.name, ["error", "warning", "info"]) {
            Some(s) => format!("did you mean `{s}`? The levels are error, warning and info"),
            None => "the levels are error, warning and info".into(),
        };
        b.err(
            fi,
            l.span,
            format!("unknown level `{}`", l.name),
            "unknown level",
            Some(help),
        );
    }
    level
}

/// The document kinds of `stated in`.
fn stated(b: &mut Builder, fi: usize, r: &ast::RuleDecl) -> Vec<Kind> {
    let mut stated = Vec::new();
    for k in &r.stated {
        match Kind::parse(&k.name) {
            Some(kind) if kind != Kind::Other => stated.push(kind),
            _ => b.err(
                fi,
                k.span,
                format!("unknown document kind `{}`", k.name),
                "not a document kind",
                Some("`stated in` takes document kinds: rc, ccap, cctp, ae, avis, bpu".into()),
            ),
        }
    }
    stated
}

/// The texts every rule has: `message`, `why` and `fix`.
fn texts<'r>(
    b: &mut Builder,
    fi: usize,
    id: &ast::Ident,
    r: &'r ast::RuleDecl,
) -> [Option<&'r ast::StrLit>; 3] {
    [
        (
            "message",
            &r.message,
            "add `message \"…\"`: one line saying what is wrong",
        ),
        (
            "why",
            &r.why,
            "add `why \"…\"`: why it matters, for the reader of the report",
        ),
        (
            "fix",
            &r.fix,
            "add `fix \"…\"`: how to correct the draft, with an example",
        ),
    ]
    .map(|(field, v, help)| required(b, fi, id.span, &id.name, field, v, help))
}
