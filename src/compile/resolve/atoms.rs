//! Atoms (term lists and regexes, named or written inline) and numbers (literals or params).

use super::patterns::{regex_help, too_costly, value_group};
use super::*;
use crate::search::plans::Plan;
use crate::search::{
    Pattern, check_syntax, fold_regex, parse_pattern, plan_key_of_terms, terms_hir,
};

impl Builder<'_> {
    pub(super) fn terms_atom(
        &mut self,
        file: usize,
        label: String,
        terms: &[ast::StrLit],
    ) -> Option<AtomId> {
        for t in terms {
            if t.value.trim().is_empty() {
                self.err(
                    file,
                    t.span,
                    "empty term",
                    "this term is empty",
                    Some("write the words to look for, or remove the term".into()),
                );
                return None;
            }
        }
        // Every character of a term is escaped: the pattern is valid by construction, and its
        // syntax tree is built directly, not parsed (parsing 70 KB of generated alternatives was
        // most of the cost of loading the MIQ pack); with a known plan, only when needed. The
        // pattern itself is written out only if asked for.
        let values: Vec<String> = terms.iter().map(|t| t.value.clone()).collect();
        let key = plan_key_of_terms(&values);
        let known = self.known_plan(&key, false);
        let mut atom = Pattern::terms(label, values);
        match known {
            Some(plan) => atom.plan = Some(plan),
            None => {
                atom = atom.with_syntax(terms_hir(terms.iter().map(|t| t.value.as_str())));
            }
        }
        Some(self.push_atom(atom, key, false))
    }

    /// The plan a previous run worked out for a pattern (by its key: see [`Pattern::plan_key`]),
    /// taken out of the known plans, or copied from the atom that took it.
    fn known_plan(&mut self, key: &str, original: bool) -> Option<Plan> {
        self.known.take(key, original).or_else(|| {
            let &id = self.taken.get(&(key.to_string(), original))?;
            self.atoms[id].plan.clone()
        })
    }

    /// Adds an atom; one with a plan may lend it to a later atom of the same pattern.
    fn push_atom(&mut self, atom: Pattern, key: String, original: bool) -> AtomId {
        let id = self.atoms.len();
        if atom.plan.is_some() {
            self.taken.entry((key, original)).or_insert(id);
        }
        self.atoms.push(atom);
        id
    }

    pub(super) fn regex_atom(
        &mut self,
        file: usize,
        label: String,
        lit: &ast::RegexLit,
    ) -> Option<AtomId> {
        let original = lit.flags.contains('c');
        let pattern = if original {
            lit.pattern.clone()
        } else {
            fold_regex(&lit.pattern)
        };
        // A plan of a previous run for this very pattern: it parsed, and how it runs is known.
        if let Some(plan) = self.known_plan(&pattern, original) {
            let mut atom = Pattern::new(
                label,
                pattern.clone(),
                plan.case_insensitive,
                original,
                plan.value_group,
            );
            atom.plan = Some(plan);
            return Some(self.push_atom(atom, pattern, original));
        }
        let limit = self.limits.max_regex_bytes;
        match parse_pattern(&pattern, !original, limit) {
            Ok((hir, _)) if let Some((message, help)) = too_costly(&hir, limit) => {
                self.err(file, lit.span, message, "this regex", Some(help));
                None
            }
            Ok((hir, case_insensitive)) => {
                let value_group = value_group(&hir);
                let atom = Pattern::new(label, pattern, case_insensitive, original, value_group)
                    .with_syntax(hir);
                self.atoms.push(atom);
                Some(self.atoms.len() - 1)
            }
            Err(e) => {
                // The error speaks of what the author wrote, when that is what fails.
                let e = match check_syntax(&lit.pattern, !original, limit) {
                    Err(own) => own,
                    Ok(_) => e,
                };
                self.err(
                    file,
                    lit.span,
                    "invalid regex",
                    "this regex",
                    Some(regex_help(&e)),
                );
                None
            }
        }
    }

    pub(super) fn atom(&mut self, file: usize, a: &ast::Atom) -> Option<AtomId> {
        match a {
            ast::Atom::Name(id) => match self.defs.get(&id.name) {
                Some(&(Def::Atom(i), _, _)) => Some(i),
                Some(&(other, _, _)) => {
                    let help = match other {
                        Def::Section(_) => format!(
                            "`{}` is a section: use it as a scope, `… in {}`",
                            id.name, id.name
                        ),
                        _ => format!(
                            "`{}` is {}, not a term list or regex",
                            id.name,
                            other.what()
                        ),
                    };
                    self.err(
                        file,
                        id.span,
                        format!("`{}` is not a term list or regex", id.name),
                        "expected a term list or regex",
                        Some(help),
                    );
                    None
                }
                None => {
                    let names: Vec<&str> = self
                        .defs
                        .iter()
                        .filter(|(_, d)| matches!(d.0, Def::Atom(_)))
                        .map(|(n, _)| n.as_str())
                        .collect();
                    let help = match crate::suggest(&id.name, names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "define it with `terms NAME = \"…\"` or `regex NAME = /…/`".into(),
                    };
                    self.err(
                        file,
                        id.span,
                        format!("unknown term list or regex `{}`", id.name),
                        "not defined in this pack",
                        Some(help),
                    );
                    None
                }
            },
            ast::Atom::Term(s) => {
                let key = format!("t{}", s.value);
                if let Some(&i) = self.inline.get(&key) {
                    return Some(i);
                }
                let i =
                    self.terms_atom(file, format!("« {} »", s.value), std::slice::from_ref(s))?;
                self.inline.insert(key, i);
                Some(i)
            }
            ast::Atom::Regex(r) => {
                let key = format!("r{}/{}", r.pattern, r.flags);
                if let Some(&i) = self.inline.get(&key) {
                    return Some(i);
                }
                let i = self.regex_atom(file, format!("/{}/", r.pattern), r)?;
                self.inline.insert(key, i);
                Some(i)
            }
        }
    }

    pub(super) fn number(
        &mut self,
        file: usize,
        n: &ast::Number,
        params: &HashMap<String, f64>,
    ) -> Option<f64> {
        match n {
            ast::Number::Lit(l) => Some(l.value),
            ast::Number::Param(id) => match self.defs.get(&id.name) {
                Some(&(Def::Param(v), _, _)) => Some(params.get(&id.name).copied().unwrap_or(v)),
                _ => {
                    let names: Vec<&str> = self
                        .defs
                        .iter()
                        .filter(|(_, d)| matches!(d.0, Def::Param(_)))
                        .map(|(n, _)| n.as_str())
                        .collect();
                    let help = match crate::suggest(&id.name, names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "use a number, or define it with `param NAME = 50`".into(),
                    };
                    self.err(
                        file,
                        id.span,
                        format!("unknown param `{}`", id.name),
                        "not a param of this pack",
                        Some(help),
                    );
                    None
                }
            },
        }
    }

    pub(super) fn whole(
        &mut self,
        file: usize,
        n: &ast::Number,
        params: &HashMap<String, f64>,
    ) -> Option<usize> {
        let v = self.number(file, n, params)?;
        if v.fract() != 0.0 || v < 0.0 {
            self.err(
                file,
                n.span(),
                "expected a whole number of words",
                "not a whole number",
                None,
            );
            return None;
        }
        Some(v as usize)
    }
}
