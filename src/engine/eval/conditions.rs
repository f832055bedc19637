//! Whether a condition holds in some regions, with the occurrences that make it hold.

use super::*;

/// The two atoms of `near` or `before`, and which of their mentions count.
#[derive(Clone, Copy)]
struct Pair(AtomId, AtomId, Mention);

/// Whether two values of `differs` agree: numbers when equal; texts when they share a word of
/// four letters or more (« l'entretien des espaces verts » and « les espaces verts de la
/// ville »).
fn values_agree(x: &str, y: &str) -> bool {
    let words = |k: &str| -> Vec<String> {
        k.split(|c: char| !c.is_alphanumeric() && c != '_')
            .filter(|w| w.chars().count() >= 4 && !w.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_string)
            .collect()
    };
    let number = |k: &str| k.chars().any(|c| c.is_ascii_digit());
    x == y
        || (!number(x) && !number(y) && {
            let wx = words(x);
            !wx.is_empty() && words(y).iter().any(|w| wx.contains(w))
        })
}

impl Evaluator<'_> {
    /// How many different keys (see [`Self::match_key`]) some matches have.
    pub(super) fn distinct_keys(&self, ms: &[(usize, Match)]) -> usize {
        let mut keys: Vec<String> = ms.iter().map(|(d, m)| self.match_key(*d, m)).collect();
        keys.sort();
        keys.dedup();
        keys.len()
    }

    /// What `count distinct` compares: the captured number, else the captured (or matched)
    /// folded text with its spaces trimmed.
    pub(super) fn match_key(&self, doc: usize, m: &Match) -> String {
        if let Some(v) = m.value() {
            return format!("{v}");
        }
        let (s, e) = m.group().unwrap_or((m.start(), m.end()));
        self.docs[doc].folded.text[s..e].trim().to_string()
    }

    /// Whether a condition holds on the regions, with up to `need` occurrences that make it
    /// hold (in document order, so that a smaller `need` gives a prefix of a larger one).
    pub(super) fn eval(&self, c: &Condition, regions: &[Region], need: Need) -> Outcome {
        match c {
            Condition::Atom(a, m) if *m != Mention::Any => {
                let ms = self.mentions_in(*a, regions, *m);
                Outcome::of_matches(!ms.is_empty(), &ms, need)
            }
            Condition::Atom(a, _) => {
                if need == 0 {
                    return Outcome::new(self.count_in(*a, regions, 1) > 0, Vec::new());
                }
                let ms = self.matches_in(*a, regions, need);
                Outcome::of_matches(!ms.is_empty(), &ms, need)
            }
            Condition::Near {
                a,
                b,
                within,
                unit,
                mention,
            } => self.near(Pair(*a, *b, *mention), *within, *unit, regions, need),
            Condition::Before {
                a,
                b,
                within,
                unit,
                mention,
            } => self.before(Pair(*a, *b, *mention), *within, *unit, regions, need),
            Condition::Count {
                atom,
                cmp,
                n,
                distinct,
                mention,
            } if *mention != Mention::Any => {
                let ms = self.mentions_in(*atom, regions, *mention);
                let count = if *distinct {
                    self.distinct_keys(&ms)
                } else {
                    ms.len()
                };
                let holds = cmp.holds(count as f64, *n);
                Outcome::of_matches(holds, &ms, if holds { need } else { 0 })
            }
            Condition::Count {
                atom,
                cmp,
                n,
                distinct,
                ..
            } => self.count(*atom, *cmp, *n, *distinct, regions, need),
            Condition::Value {
                atom,
                cmp,
                n,
                mention,
            } => {
                let ms: Vec<(usize, Match)> = self
                    .mentions_in(*atom, regions, *mention)
                    .into_iter()
                    .filter(|(_, m)| m.value().is_some_and(|v| cmp.holds(v, *n)))
                    .collect();
                Outcome::of_matches(!ms.is_empty(), &ms, need)
            }
            Condition::Differs { atom, mention } => self.differs(*atom, *mention, regions, need),
            Condition::And(items) => {
                let mut occs = Vec::new();
                for i in items {
                    let o = self.eval(i, regions, need);
                    if !o.holds {
                        return Outcome::new(false, Vec::new());
                    }
                    occs.extend(o.occs);
                }
                occs.truncate(need);
                Outcome::new(true, occs)
            }
            Condition::Or(items) => {
                let mut holds = false;
                let mut occs = Vec::new();
                for i in items {
                    let o = self.eval(i, regions, need);
                    if o.holds {
                        holds = true;
                        occs.extend(o.occs);
                        if occs.len() >= need {
                            break;
                        }
                    }
                }
                occs.truncate(need);
                Outcome::new(holds, occs)
            }
            Condition::Not(inner) => Outcome::new(!self.eval(inner, regions, 0).holds, Vec::new()),
            Condition::In(inner, scope) => {
                let rs = self.resolve(scope, regions);
                self.eval(inner, &rs, need)
            }
        }
    }

    /// The occurrences of a pair: each mention of `A` (in order) with the mention of `B` that
    /// `partner` picks among those of its document, at most `need` of them.
    fn pairs(
        &self,
        pair: Pair,
        regions: &[Region],
        need: Need,
        partner: impl Fn(usize, &Match, &[Match]) -> Option<Match>,
    ) -> Outcome {
        let Pair(a, b, mention) = pair;
        let groups = group_by_doc(&self.mentions_in(b, regions, mention));
        let mut occs = Vec::new();
        let mut holds = false;
        for (doc, am) in &self.mentions_in(a, regions, mention) {
            let Some(bs) = groups.get(doc) else { continue };
            if let Some(mb) = partner(*doc, am, bs) {
                holds = true;
                if occs.len() >= need {
                    break;
                }
                occs.push(Occ::of(*doc, &[am, &mb]));
            }
        }
        Outcome::new(holds, occs)
    }

    /// `A near B within N words`: a `B` at most `within` words from an `A`, in the same unit
    /// of the structure when one is given.
    fn near(
        &self,
        pair: Pair,
        within: usize,
        unit: Option<Unit>,
        regions: &[Region],
        need: Need,
    ) -> Outcome {
        self.pairs(pair, regions, need, |doc, am, bs| {
            // Only the `B`s in the same unit of the structure as this `A`.
            let bs = match unit {
                Some(u) => {
                    let r = self.unit_of(doc, am, u);
                    let lo = bs.partition_point(|m| m.start() < r.start);
                    let hi = bs.partition_point(|m| m.start() < r.end);
                    let inner: Vec<Match> = bs[lo..hi]
                        .iter()
                        .filter(|m| m.end() <= r.end)
                        .copied()
                        .collect();
                    std::borrow::Cow::Owned(inner)
                }
                None => std::borrow::Cow::Borrowed(bs),
            };
            let (dist, mb) = self.nearest(doc, am, &bs, within)?;
            (dist <= within).then_some(*mb)
        })
    }

    /// `A before B`: the first `B` after an `A`, in the same unit when one is given, at most
    /// `within` words further when a distance is given.
    fn before(
        &self,
        pair: Pair,
        within: Option<usize>,
        unit: Option<Unit>,
        regions: &[Region],
        need: Need,
    ) -> Outcome {
        self.pairs(pair, regions, need, |doc, ma, bs| {
            let mb = bs.get(bs.partition_point(|mb| mb.start() < ma.end()))?;
            let in_unit = unit.is_none_or(|u| mb.end() <= self.unit_of(doc, ma, u).end);
            let close = within.is_none_or(|w| self.words_between(doc, ma, mb, w) <= w);
            (in_unit && close).then_some(*mb)
        })
    }

    /// `count A CMP N` over every match (or `count distinct`).
    fn count(
        &self,
        atom: AtomId,
        cmp: crate::compile::Cmp,
        n: f64,
        distinct: bool,
        regions: &[Region],
        need: Need,
    ) -> Outcome {
        let count = if distinct {
            self.distinct_keys(&self.matches_in(atom, regions, ALL))
        } else {
            // Any count above `n` compares the same way: stop there.
            let cap = if n.is_finite() && n >= 0.0 {
                (n.floor() as usize).saturating_add(1)
            } else {
                ALL
            };
            self.count_in(atom, regions, cap)
        };
        let holds = cmp.holds(count as f64, n);
        if holds && need > 0 {
            let ms = self.matches_in(atom, regions, need);
            Outcome::of_matches(true, &ms, need)
        } else {
            Outcome::new(holds, Vec::new())
        }
    }

    /// `A differs between documents`: two documents whose values of `A` all disagree.
    fn differs(&self, atom: AtomId, mention: Mention, regions: &[Region], need: Need) -> Outcome {
        // The values each document gives (folded keys, as `count distinct` compares).
        let ms = self.mentions_in(atom, regions, mention);
        let mut docs: Vec<(usize, Vec<String>)> = Vec::new();
        for (d, m) in &ms {
            let key = self.match_key(*d, m);
            match docs.iter_mut().find(|(x, _)| x == d) {
                Some((_, keys)) => keys.push(key),
                None => docs.push((*d, vec![key])),
            }
        }
        let disjoint =
            |a: &[String], b: &[String]| !a.iter().any(|x| b.iter().any(|y| values_agree(x, y)));
        let pair = docs.iter().enumerate().find_map(|(i, (da, ka))| {
            docs[i + 1..]
                .iter()
                .find(|(_, kb)| disjoint(ka, kb))
                .map(|(db, _)| (*da, *db))
        });
        let occs = match pair {
            Some((da, db)) => ms
                .iter()
                .filter(|(d, _)| *d == da || *d == db)
                .take(need)
                .map(|(d, m)| Occ::of(*d, &[m]))
                .collect(),
            None => Vec::new(),
        };
        Outcome::new(pair.is_some(), occs)
    }

    /// Occurrences of what the negated parts of a condition exclude (for pack applicability):
    /// every `not X` whose `X` is found, wherever it stands in the condition.
    pub(super) fn exclusions(&self, c: &Condition, regions: &[Region], out: &mut Vec<String>) {
        match c {
            Condition::Not(inner) => {
                if let Some(occ) = self.eval(inner, regions, 1).occs.first() {
                    let q = self.quote(occ);
                    if !out.contains(&q) {
                        out.push(q);
                    }
                }
            }
            Condition::And(items) | Condition::Or(items) => {
                items.iter().for_each(|i| self.exclusions(i, regions, out))
            }
            Condition::In(inner, scope) => {
                self.exclusions(inner, &self.resolve(scope, regions), out)
            }
            _ => {}
        }
    }

    /// Whether the pack applies to the tender, and why, in French.
    pub fn applicability(&self) -> (bool, String) {
        let Some(check) = &self.pack.applies else {
            return (true, "appliqué : ce pack s’applique à tout dossier".into());
        };
        let regions = self.all_docs();
        let o = self.eval(&check.cond, &regions, 1);
        if o.holds {
            let because = o
                .occs
                .first()
                .map(|occ| format!(" ; le dossier se présente comme tel : {}", self.quote(occ)))
                .unwrap_or_default();
            (true, format!("appliqué{because}"))
        } else {
            {
                let mut excluded = Vec::new();
                self.exclusions(&check.cond, &regions, &mut excluded);
                excluded.truncate(3);
                let found = if excluded.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ; le dossier relève d’autre chose : {}",
                        excluded.join(", ")
                    )
                };
                (
                    false,
                    format!(
                        "non appliqué : le dossier ne se présente pas comme relevant du pack « {} » (sa condition d’application n’est pas remplie){found}",
                        self.pack.name
                    ),
                )
            }
        }
    }
}
