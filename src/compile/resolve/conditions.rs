//! Conditions and scopes: names resolved, windows and numbers checked.

use super::*;

impl Builder<'_> {
    pub(super) fn scope(
        &mut self,
        file: usize,
        s: &ast::Scope,
        params: &HashMap<String, f64>,
    ) -> Option<Scope> {
        match s {
            ast::Scope::First { n, inner, .. } => {
                let words = self.whole(file, n, params)?;
                let inner = self.scope(file, inner, params)?;
                Some(Scope::First {
                    words,
                    inner: Box::new(inner),
                })
            }
            ast::Scope::Path { first, second, .. } => {
                let section = |b: &mut Self, id: &ast::Ident| -> Option<usize> {
                    match b.defs.get(&id.name) {
                        Some(&(Def::Section(i), _, _)) => Some(i),
                        _ => {
                            let mut names: Vec<&str> = b
                                .defs
                                .iter()
                                .filter(|(_, d)| matches!(d.0, Def::Section(_)))
                                .map(|(n, _)| n.as_str())
                                .collect();
                            if second.is_none() {
                                names.extend([
                                    "document", "tender", "rc", "ccap", "cctp", "ae", "avis", "bpu",
                                ]);
                            }
                            let help = match crate::suggest(&id.name, names) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "a scope is `document`, `tender`, a document kind (rc, ccap, cctp, ae, avis, bpu), a section, or `kind.section`".into(),
                            };
                            b.err(
                                file,
                                id.span,
                                format!("unknown section `{}`", id.name),
                                "no such section or scope",
                                Some(help),
                            );
                            None
                        }
                    }
                };
                match (first.name.as_str(), second) {
                    ("document", None) => Some(Scope::Document),
                    ("tender", None) => Some(Scope::Tender),
                    (k, None) if Kind::parse(k).is_some_and(|k| k != Kind::Other) => {
                        Some(Scope::Kind(Kind::parse(k)?))
                    }
                    (_, None) => Some(Scope::Section {
                        kind: None,
                        section: section(self, first)?,
                    }),
                    (k, Some(sec)) => {
                        let kind = match Kind::parse(k) {
                            Some(kind) if kind != Kind::Other => kind,
                            _ => {
                                self.err(file, first.span, format!("unknown document kind `{k}`"), "not a document kind", Some("before the dot comes a kind: rc, ccap, cctp, ae, avis or bpu".into()));
                                return None;
                            }
                        };
                        Some(Scope::Section {
                            kind: Some(kind),
                            section: section(self, sec)?,
                        })
                    }
                }
            }
        }
    }

    fn cond(
        &mut self,
        file: usize,
        c: &ast::Cond,
        params: &HashMap<String, f64>,
    ) -> Option<Condition> {
        Some(match c {
            ast::Cond::Atom(a) => Condition::Atom(self.atom(file, a)?, self.mention_default),
            ast::Cond::Differs { atom, .. } => Condition::Differs {
                atom: self.atom(file, atom)?,
                mention: self.mention_default,
            },
            ast::Cond::Mention { mention, atom, .. } => {
                Condition::Atom(self.atom(file, atom)?, *mention)
            }
            ast::Cond::Near { a, b, within, .. } => {
                let (a, b, w) = (
                    self.atom(file, a),
                    self.atom(file, b),
                    self.window(file, within, params),
                );
                let (within, unit) = w?;
                Condition::Near {
                    a: a?,
                    b: b?,
                    within: within.unwrap_or(usize::MAX),
                    unit,
                    mention: self.mention_default,
                }
            }
            ast::Cond::Before { a, b, within, .. } => {
                let (a, b) = (self.atom(file, a), self.atom(file, b));
                // Without a window, `before` is the order of the whole scope.
                let (within, unit) = match within {
                    Some(w) => self.window(file, w, params)?,
                    None => (None, None),
                };
                Condition::Before {
                    a: a?,
                    b: b?,
                    within,
                    unit,
                    mention: self.mention_default,
                }
            }
            ast::Cond::Count {
                atom,
                cmp,
                n,
                distinct,
                ..
            } => {
                let (a, n) = (self.atom(file, atom), self.number(file, n, params));
                Condition::Count {
                    atom: a?,
                    cmp: *cmp,
                    n: n?,
                    distinct: *distinct,
                    mention: self.mention_default,
                }
            }
            ast::Cond::Value { atom, cmp, n, .. } => {
                let (id, n) = (self.atom(file, atom), self.number(file, n, params));
                let id = id?;
                if self.atoms[id].value_group.is_none() {
                    self.err(
                        file,
                        atom.span(),
                        format!("`value` needs a regex with a capture group, and {} has none", self.atoms[id].label),
                        "no capture group",
                        Some("capture the number: /(\\d+) ?%/ (or name the group `n`: /(?P<n>\\d+)/)".into()),
                    );
                    return None;
                }
                Condition::Value {
                    atom: id,
                    cmp: *cmp,
                    n: n?,
                    mention: self.mention_default,
                }
            }
            ast::Cond::And { items, .. } => Condition::And(self.conds(file, items, params)?),
            ast::Cond::Or { items, .. } => Condition::Or(self.conds(file, items, params)?),
            ast::Cond::Not { inner, .. } => {
                Condition::Not(Box::new(self.cond(file, inner, params)?))
            }
            ast::Cond::Group { inner, .. } => self.cond(file, inner, params)?,
            ast::Cond::In { inner, scope, .. } => {
                let (c, s) = (
                    self.cond(file, inner, params),
                    self.scope(file, scope, params),
                );
                let s = s?;
                if s.is_tender() {
                    // `in tender` inside a condition widens to the whole tender: allowed.
                }
                Condition::In(Box::new(c?), s)
            }
        })
    }

    fn conds(
        &mut self,
        file: usize,
        items: &[ast::Cond],
        params: &HashMap<String, f64>,
    ) -> Option<Vec<Condition>> {
        let all: Vec<Option<Condition>> =
            items.iter().map(|c| self.cond(file, c, params)).collect();
        all.into_iter().collect()
    }

    /// A window's distance in words (`None`: any) and the unit it stays in (`None`: across
    /// paragraphs).
    fn window(
        &mut self,
        file: usize,
        w: &ast::Window,
        params: &HashMap<String, f64>,
    ) -> Option<(Option<usize>, Option<Unit>)> {
        let words = match &w.words {
            Some(n) => Some(self.whole(file, n, params)?),
            None => None,
        };
        let unit = match (&w.unit, w.across) {
            (_, true) => None,
            (Some((u, _)), false) => Some(*u),
            (None, false) => Some(Unit::Paragraph),
        };
        Some((words, unit))
    }

    pub(super) fn check(
        &mut self,
        file: usize,
        c: &ast::Cond,
        params: &HashMap<String, f64>,
    ) -> Option<Check> {
        self.check_as(file, c, params, Mention::Any)
    }

    /// A condition whose atoms written alone count the mentions `mention_default` says.
    pub(super) fn check_as(
        &mut self,
        file: usize,
        c: &ast::Cond,
        params: &HashMap<String, f64>,
        mention_default: Mention,
    ) -> Option<Check> {
        self.mention_default = mention_default;
        let cond = self.cond(file, c, params);
        self.mention_default = Mention::Any;
        let cond = cond?;
        let span = c.span();
        Some(Check {
            cond,
            text: self.files[file].text[span.offset..span.end()].to_string(),
            label: None,
        })
    }
}
