//! Syntax trees as bytes, kept in a pattern's plan (see [`super::plans`]): with the plans of a
//! previous run, a pattern a document needs is rebuilt from its tree instead of parsed again
//! (parsing was a third of checking a 200 KB draft: the Unicode classes of `[^.;]` and the
//! alternations of a pattern are worked out anew by each parse).
//!
//! The tree is rebuilt with `regex_syntax`'s own constructors from the parts of the tree that
//! was parsed, which are already in the form those constructors give: the rebuilt tree is
//! equal to the parsed one (the tests check it for every pattern of the shipped packs).

use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
    Literal, Look, Repetition,
};
use serde::{Deserialize, Serialize};

/// A node of a syntax tree, as kept.
#[derive(Debug, Serialize, Deserialize)]
enum Node {
    Empty,
    Literal(Vec<u8>),
    Unicode(Vec<(char, char)>),
    Bytes(Vec<(u8, u8)>),
    Look(u32),
    Repetition {
        min: u32,
        max: Option<u32>,
        greedy: bool,
        sub: Box<Node>,
    },
    Capture {
        index: u32,
        name: Option<String>,
        sub: Box<Node>,
    },
    Concat(Vec<Node>),
    Alternation(Vec<Node>),
}

fn node(h: &Hir) -> Node {
    match h.kind() {
        HirKind::Empty => Node::Empty,
        HirKind::Literal(Literal(bytes)) => Node::Literal(bytes.to_vec()),
        HirKind::Class(Class::Unicode(c)) => {
            Node::Unicode(c.ranges().iter().map(|r| (r.start(), r.end())).collect())
        }
        HirKind::Class(Class::Bytes(c)) => {
            Node::Bytes(c.ranges().iter().map(|r| (r.start(), r.end())).collect())
        }
        HirKind::Look(look) => Node::Look(look.as_repr()),
        HirKind::Repetition(r) => Node::Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(node(&r.sub)),
        },
        HirKind::Capture(c) => Node::Capture {
            index: c.index,
            name: c.name.as_deref().map(str::to_string),
            sub: Box::new(node(&c.sub)),
        },
        HirKind::Concat(v) => Node::Concat(v.iter().map(node).collect()),
        HirKind::Alternation(v) => Node::Alternation(v.iter().map(node).collect()),
    }
}

fn hir(n: Node) -> Option<Hir> {
    Some(match n {
        Node::Empty => Hir::empty(),
        Node::Literal(bytes) => Hir::literal(bytes),
        Node::Unicode(ranges) => Hir::class(Class::Unicode(ClassUnicode::new(
            ranges
                .into_iter()
                .map(|(a, b)| ClassUnicodeRange::new(a, b)),
        ))),
        Node::Bytes(ranges) => Hir::class(Class::Bytes(ClassBytes::new(
            ranges.into_iter().map(|(a, b)| ClassBytesRange::new(a, b)),
        ))),
        Node::Look(repr) => Hir::look(Look::from_repr(repr)?),
        Node::Repetition {
            min,
            max,
            greedy,
            sub,
        } => Hir::repetition(Repetition {
            min,
            max,
            greedy,
            sub: Box::new(hir(*sub)?),
        }),
        Node::Capture { index, name, sub } => Hir::capture(Capture {
            index,
            name: name.map(String::into_boxed_str),
            sub: Box::new(hir(*sub)?),
        }),
        Node::Concat(v) => Hir::concat(v.into_iter().map(hir).collect::<Option<_>>()?),
        Node::Alternation(v) => Hir::alternation(v.into_iter().map(hir).collect::<Option<_>>()?),
    })
}

/// A syntax tree as bytes.
pub fn to_bytes(h: &Hir) -> Vec<u8> {
    // Serialising nodes of numbers, bytes and strings cannot fail.
    postcard::to_stdvec(&node(h)).unwrap_or_default()
}

/// The syntax tree of [`to_bytes`]; `None` for bytes that are not one (a plans file is
/// checked whole before it is used, so only a bug would give such bytes).
pub fn from_bytes(bytes: &[u8]) -> Option<Hir> {
    let (n, rest): (Node, &[u8]) = postcard::take_from_bytes(bytes).ok()?;
    if !rest.is_empty() {
        return None;
    }
    hir(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuilt_trees_equal_parsed_ones() {
        let mut patterns: Vec<(String, bool)> = vec![
            (
                r"(?i)^(?P<n>\d{1,3})\s*%|[^.;]{0,120}?\bnir\b".into(),
                false,
            ),
            (r"(?-u:\b)caf[eé]\s+(?:noir|crème)+?$".into(), true),
            (r"(?m)^[ \t]*(?:#{1,6}[ \t]*)?article\s+\d+".into(), false),
            (r"(?-u:[\x00-\xff])".into(), false),
            (r"".into(), false),
        ];
        let (set, errors) = crate::compile::compile(&crate::packs::builtin(), &Default::default());
        assert!(errors.is_empty(), "{errors:?}");
        for a in set.packs.iter().flat_map(|p| p.patterns.iter()) {
            patterns.push((a.pattern().to_string(), a.case_insensitive));
        }
        assert!(patterns.len() > 100);
        for (p, ci) in patterns {
            let mut parser = regex_syntax::ParserBuilder::new();
            parser.case_insensitive(ci).utf8(!p.contains("(?-u:[\\x00"));
            let parsed = parser.build().parse(&p).unwrap();
            let bytes = to_bytes(&parsed);
            assert_eq!(from_bytes(&bytes), Some(parsed), "{p}");
            // Cut bytes are no tree.
            assert_eq!(from_bytes(&bytes[..bytes.len() - 1]), None, "{p}");
        }
    }
}
