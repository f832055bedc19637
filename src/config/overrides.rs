//! `[[overrides]]`: the selection and levels of the documents whose path matches some
//! gitignore-style globs, relative to the configuration's folder. Each override has the
//! meaning of the top-level keys for the documents it matches; they are layered over the top
//! level in the order written, a later one winning over an earlier one (as ruff's and eslint's
//! per-file settings).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Config, Item, Table, items, read_levels, span, toml_list};
use crate::compile::Level;
use crate::lang::ast::Span;

/// The keys of an override.
pub(super) const KEYS_HELP: &str =
    "the keys of an [[overrides]] entry are: files, select, ignore, [overrides.levels]";

/// What an override without `files` needs.
pub(super) const FILES_HELP: &str = "every [[overrides]] entry needs `files`, the paths it applies to, e.g. files = [\"annexes/**\"]";

/// An override as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverride {
    files: Spanned<Vec<Spanned<String>>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    levels: Option<Table>,
}

/// Selection and levels for the documents whose path matches `files`.
#[derive(Debug, Clone, Serialize)]
pub struct Override {
    /// Gitignore-style globs, relative to the configuration's folder.
    pub files: Vec<Item<String>>,
    /// Same meaning as the top-level `select`: when not empty, only these rules (rule id
    /// prefixes, tags or packs) are reported for the documents matched.
    pub select: Vec<Item<String>>,
    pub ignore: Vec<Item<String>>,
    pub levels: BTreeMap<String, Item<Level>>,
    #[serde(skip)]
    matcher: Gitignore,
}

/// Reads the overrides of a configuration; a wrong one is passed to `err` and left out.
pub(super) fn read(
    raw: Vec<RawOverride>,
    err: &mut impl FnMut(Span, String, String),
) -> Vec<Override> {
    let mut read = Vec::new();
    for r in raw {
        let files_span = span(&r.files);
        let files = items(Some(r.files.into_inner()));
        let levels = read_levels(r.levels, err);
        if files.is_empty() {
            err(
                files_span,
                "an override's `files` is empty: it would apply to no document".into(),
                FILES_HELP.into(),
            );
            continue;
        }
        // The paths given to the matcher are already relative to the configuration's folder.
        let mut builder = GitignoreBuilder::new("");
        let mut valid = true;
        for f in &files {
            if let Err(e) = builder.add_line(None, &f.value) {
                err(
                    f.span,
                    format!("invalid override path pattern: {e}"),
                    "use a gitignore-style pattern relative to the configuration's folder, such as \"annexes/**\" or \"**/*BPU*\"".into(),
                );
                valid = false;
            }
        }
        let matcher = match builder.build() {
            Ok(m) if valid => m,
            Ok(_) => continue,
            Err(e) => {
                err(
                    files_span,
                    format!("invalid override path patterns: {e}"),
                    "use gitignore-style patterns such as \"annexes/**\"".into(),
                );
                continue;
            }
        };
        read.push(Override {
            files,
            select: items(r.select),
            ignore: items(r.ignore),
            levels,
            matcher,
        });
    }
    read
}

impl Override {
    /// Whether the override applies to a path relative to the configuration's folder.
    fn matches(&self, relative: &Path) -> bool {
        self.matcher
            .matched_path_or_any_parents(relative, false)
            .is_ignore()
    }

    /// The override as TOML (for `tenderlint config`).
    pub(super) fn to_toml(&self) -> String {
        let mut s = String::from("[[overrides]]\n");
        s.push_str(&format!("files = {}\n", toml_list(&self.files)));
        s.push_str(&format!("select = {}\n", toml_list(&self.select)));
        s.push_str(&format!("ignore = {}\n", toml_list(&self.ignore)));
        s.push_str("[overrides.levels]\n");
        for (k, v) in &self.levels {
            s.push_str(&format!("{k} = \"{}\"\n", v.value));
        }
        s
    }
}

/// The selection and levels that apply to one document: the top level of a configuration,
/// then the overrides that match the document's path, in order.
#[derive(Debug, Clone)]
pub struct Layers<'a> {
    config: &'a Config,
    overrides: Vec<&'a Override>,
}

impl Config {
    /// The selection and levels for the document at `path`. A document outside the
    /// configuration's folder matches no override.
    pub fn for_path(&self, path: &Path) -> Layers<'_> {
        let relative = (!self.overrides.is_empty())
            .then(|| self.relative(path))
            .flatten();
        let overrides = match relative {
            Some(rel) => self.overrides.iter().filter(|o| o.matches(&rel)).collect(),
            None => Vec::new(),
        };
        Layers {
            config: self,
            overrides,
        }
    }

    /// The top level alone, for a finding whose document is unknown.
    pub fn top_level(&self) -> Layers<'_> {
        Layers {
            config: self,
            overrides: Vec::new(),
        }
    }

    /// `path` relative to the configuration's folder, if it is under it.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        let root = if self.root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.root
        };
        let root = std::path::absolute(root).ok()?;
        let abs = std::path::absolute(path).ok()?;
        let rel = abs.strip_prefix(&root).ok()?;
        // `absolute` keeps `..`: a path that climbs out of the folder is not under it.
        let under = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        (under && !rel.as_os_str().is_empty()).then(|| rel.to_path_buf())
    }
}

impl Layers<'_> {
    /// Whether findings of this rule are reported for the document: the top level decides,
    /// then each override in turn (a non-empty `select` replaces the selection, `ignore`
    /// removes from it).
    pub fn selects(&self, rule: &str, tags: &[String], pack: &str) -> bool {
        let any = |v: &[Item<String>]| {
            v.iter()
                .any(|s| Config::matches(&s.value, rule, tags, pack))
        };
        let mut on = self.config.selects(rule, tags, pack);
        for o in &self.overrides {
            if !o.select.is_empty() {
                on = any(&o.select);
            }
            if any(&o.ignore) {
                on = false;
            }
        }
        on
    }

    /// The level of a rule for the document: the last override that sets it, else the top
    /// level's, else `default`.
    pub fn level(&self, rule: &str, default: Level) -> Level {
        self.overrides
            .iter()
            .rev()
            .find_map(|o| {
                o.levels
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(rule))
                    .map(|(_, v)| v.value)
            })
            .unwrap_or_else(|| self.config.level(rule, default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        Config::parse("tenderlint.toml", text, PathBuf::from("/dce")).unwrap()
    }

    fn errors(text: &str) -> Vec<(String, String, Option<String>)> {
        Config::parse("tenderlint.toml", text, PathBuf::from("/dce"))
            .unwrap_err()
            .into_iter()
            .map(|super::super::ConfigError(e)| {
                (
                    e.message.clone(),
                    e.labelled_text().to_string(),
                    e.help.clone(),
                )
            })
            .collect()
    }

    const TEXT: &str = "ignore = [\"MIQ4\"]\n[levels]\nMIQ101 = \"warning\"\n\n[[overrides]]\nfiles = [\"annexes/**\", \"**/*BPU*\"]\nignore = [\"MIQ2\"]\n[overrides.levels]\nMIQ101 = \"info\"\n\n[[overrides]]\nfiles = [\"annexes/garde.md\"]\nselect = [\"MIQ2\", \"MIQ4\"]\n[overrides.levels]\nmiq101 = \"error\"\n";

    #[test]
    fn overrides_are_layered_in_order() {
        let c = parse(TEXT);
        assert_eq!(c.overrides.len(), 2);
        let tags: &[String] = &[];
        let top = c.for_path(Path::new("/dce/CCTP.md"));
        assert!(top.selects("MIQ201", tags, "miq") && !top.selects("MIQ401", tags, "miq"));
        assert_eq!(top.level("MIQ101", Level::Error), Level::Warning);
        let annex = c.for_path(Path::new("/dce/annexes/plan.md"));
        assert!(!annex.selects("MIQ201", tags, "miq") && annex.selects("MIQ101", tags, "miq"));
        assert_eq!(annex.level("MIQ101", Level::Error), Level::Info);
        assert_eq!(annex.level("MIQ102", Level::Error), Level::Error);
        let bpu = c.for_path(Path::new("/dce/lot1/BPU-lot1.md"));
        assert!(!bpu.selects("MIQ201", tags, "miq"));
        // The later override selects again what the earlier one and the top level ignore.
        let garde = c.for_path(Path::new("/dce/annexes/garde.md"));
        assert!(garde.selects("MIQ201", tags, "miq") && garde.selects("MIQ401", tags, "miq"));
        assert!(!garde.selects("MIQ101", tags, "miq"));
        assert_eq!(garde.level("MIQ101", Level::Warning), Level::Error);
        // Outside the configuration's folder, no override applies.
        let out = c.for_path(Path::new("/ailleurs/annexes/plan.md"));
        assert!(out.selects("MIQ201", tags, "miq"));
        assert!(
            c.for_path(Path::new("/dce/../annexes/x.md"))
                .overrides
                .is_empty()
        );
    }

    #[test]
    fn the_effective_configuration_reads_back_the_same() {
        let c = parse(TEXT);
        let text = c.to_toml();
        assert!(text.contains("[[overrides]]\nfiles = [\"annexes/**\", \"**/*BPU*\"]\nselect = []\nignore = [\"MIQ2\"]\n[overrides.levels]\nMIQ101 = \"info\"\n"), "{text}");
        let again = parse(&text);
        assert_eq!(again.overrides.len(), 2);
        assert_eq!(again.to_toml(), text);
    }

    #[test]
    fn wrong_overrides_point_into_the_toml() {
        let e = errors("[[overrides]]\nfiles = []\nignore = [\"MIQ2\"]\n");
        assert_eq!(
            (e[0].0.as_str(), e[0].1.as_str()),
            (
                "an override's `files` is empty: it would apply to no document",
                "[]"
            )
        );
        let e = errors("[[overrides]]\nfiles = [\"annexes/{BPU,DPGF\"]\n");
        assert!(e[0].0.starts_with("invalid override path pattern"), "{e:?}");
        assert_eq!(e[0].1, "\"annexes/{BPU,DPGF\"");
        let e = errors("[[overrides]]\nfiles = [\"a/**\"]\nignor = [\"MIQ2\"]\n");
        assert!(e[0].0.contains("unknown field `ignor`"), "{e:?}");
        assert_eq!(
            (e[0].1.as_str(), e[0].2.as_deref()),
            ("ignor", Some(KEYS_HELP))
        );
        let e = errors("[[overrides]]\nignore = [\"MIQ2\"]\n");
        assert!(e[0].0.contains("missing field `files`"), "{e:?}");
        assert_eq!(e[0].2.as_deref(), Some(FILES_HELP));
        let e =
            errors("[[overrides]]\nfiles = [\"a/**\"]\n[overrides.levels]\nMIQ101 = \"eror\"\n");
        assert_eq!(e[0].0, "unknown level `eror`");
    }
}
