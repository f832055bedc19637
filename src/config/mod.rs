//! `tenderlint.toml`: rule selection, level overrides, packs, extra rule folders, document
//! kinds by path, rule parameters, excluded paths and the exit policy. Found by walking up from
//! each checked path (or given with `--config`). Mistakes are diagnostics pointing into the TOML.
//! The `[[overrides]]` of some paths are in [`overrides`].

mod overrides;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::compile::{Level, RuleSet};
use crate::document::Kind;
use crate::lang::SourceFile;
use crate::lang::ast::Span;

pub const FILE_NAME: &str = "tenderlint.toml";

pub use crate::lang::ConfigError;
pub use overrides::{Layers, Override};

/// The keys of a configuration file.
const KEYS_HELP: &str = "the keys are: select, ignore, exclude, rules, fail-on, [levels], [packs], [kinds], [params], [limits], [[overrides]]";

/// When `check` exits with status 1 (`fail-on` in the configuration, `--fail-on` on the command
/// line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// A finding of level error.
    #[default]
    Error,
    /// A finding of level warning or error.
    Warning,
    /// Any finding, whatever its level.
    Info,
    /// No finding (unreadable inputs and invalid rules still give status 2).
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "info" => Some(FailOn::Info),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }
    /// Whether a finding of this level makes the run fail.
    pub fn fails(self, level: Level) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Error => level == Level::Error,
            FailOn::Warning => level >= Level::Warning,
            FailOn::Info => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PackMode {
    On,
    Off,
    Auto,
}

/// A TOML table of names to names, with their places.
type Table = BTreeMap<Spanned<String>, Spanned<String>>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    rules: Option<Vec<Spanned<String>>>,
    fail_on: Option<Spanned<String>>,
    levels: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    packs: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    kinds: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    params: Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    limits: Option<crate::limits::Limits>,
    overrides: Option<Vec<overrides::RawOverride>>,
}

/// A value of the configuration with the place it was written.
#[derive(Debug, Clone, Serialize)]
pub struct Item<T> {
    pub value: T,
    #[serde(skip)]
    pub span: Span,
}

/// The effective configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The file it came from, if any.
    pub file: Option<String>,
    /// The folder paths in the configuration are relative to.
    #[serde(skip)]
    pub root: PathBuf,
    pub select: Vec<Item<String>>,
    pub ignore: Vec<Item<String>>,
    pub exclude: Vec<Item<String>>,
    pub rules: Vec<Item<PathBuf>>,
    pub fail_on: FailOn,
    pub levels: BTreeMap<String, Item<Level>>,
    pub packs: BTreeMap<String, Item<PackMode>>,
    pub kinds: Vec<(Item<String>, Kind)>,
    pub params: BTreeMap<String, Item<f64>>,
    pub limits: crate::limits::Limits,
    /// Selection and levels for some paths, in the order written (a later one wins).
    pub overrides: Vec<Override>,
    #[serde(skip)]
    pub source: Option<SourceFile>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            file: None,
            root: PathBuf::from("."),
            select: Vec::new(),
            ignore: Vec::new(),
            exclude: Vec::new(),
            rules: Vec::new(),
            fail_on: FailOn::Error,
            levels: BTreeMap::new(),
            packs: BTreeMap::new(),
            kinds: Vec::new(),
            params: BTreeMap::new(),
            limits: crate::limits::Limits::default(),
            overrides: Vec::new(),
            source: None,
        }
    }
}

fn span<T>(s: &Spanned<T>) -> Span {
    Span::new(s.span().start, s.span().end)
}

/// A list of names with their places.
fn items(v: Option<Vec<Spanned<String>>>) -> Vec<Item<String>> {
    v.unwrap_or_default()
        .into_iter()
        .map(|s| Item {
            span: span(&s),
            value: s.into_inner(),
        })
        .collect()
}

/// A `[levels]` table: rule ids to levels; a wrong level is passed to `err` and left out.
fn read_levels(
    levels: Option<Table>,
    err: &mut impl FnMut(Span, String, String),
) -> BTreeMap<String, Item<Level>> {
    let mut read = BTreeMap::new();
    for (rule, level) in levels.unwrap_or_default() {
        match Level::parse(level.get_ref()) {
            Some(l) => {
                read.insert(
                    rule.get_ref().clone(),
                    Item {
                        value: l,
                        span: span(&rule),
                    },
                );
            }
            None => err(
                span(&level),
                format!("unknown level `{}`", level.get_ref()),
                "use error, warning or info".into(),
            ),
        }
    }
    read
}

/// A list as TOML (`["a", "b"]`).
fn toml_list(v: &[Item<String>]) -> String {
    format!(
        "[{}]",
        v.iter()
            .map(|i| format!("{:?}", i.value))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Config {
    /// The configuration file that applies to `path`: `tenderlint.toml` in its folder or the
    /// nearest parent folder.
    pub fn find(path: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(path).ok()?;
        let start = if abs.is_dir() {
            abs.as_path()
        } else {
            abs.parent()?
        };
        start
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|f| f.is_file())
    }

    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, Vec<ConfigError>> {
        let display = path.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![ConfigError::new(
                &SourceFile::new(display.clone(), ""),
                Span::default(),
                format!("cannot read the configuration: {e}"),
                "",
                "check the file's path and permissions, or give another one with `--config FILE`",
            )]
        })?;
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Config::parse(&display, &text, root)
    }

    /// Parses a configuration text (`name` is shown in errors).
    pub fn parse(name: &str, text: &str, root: PathBuf) -> Result<Config, Vec<ConfigError>> {
        let file = SourceFile::new(name, text.to_string());
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let sp = e
                .span()
                .map(|r| Span::new(r.start, r.end))
                .unwrap_or_default();
            let msg = e.message().to_string();
            let help = if msg.starts_with("unknown field") && msg.contains("`files`") {
                overrides::KEYS_HELP
            } else if msg.starts_with("unknown field") {
                KEYS_HELP
            } else if msg.starts_with("missing field `files`") {
                overrides::FILES_HELP
            } else {
                "the configuration is TOML: README.md shows an example with every key"
            };
            vec![ConfigError::new(
                &file,
                sp,
                format!("invalid configuration: {msg}"),
                "here",
                help,
            )]
        })?;
        let mut errors = Vec::new();
        let mut err = |sp: Span, message: String, help: String| {
            errors.push(ConfigError::new(&file, sp, message, "here", help))
        };
        let mut config = Config {
            file: Some(name.to_string()),
            root: root.clone(),
            source: Some(file.clone()),
            ..Default::default()
        };
        config.limits = raw.limits.unwrap_or_default();
        config.select = items(raw.select);
        config.ignore = items(raw.ignore);
        config.exclude = items(raw.exclude);
        config.rules = items(raw.rules)
            .into_iter()
            .map(|i| Item {
                value: root.join(&i.value),
                span: i.span,
            })
            .collect();
        if let Some(f) = raw.fail_on {
            match FailOn::parse(f.get_ref()) {
                Some(v) => config.fail_on = v,
                None => err(
                    span(&f),
                    format!("unknown fail-on value `{}`", f.get_ref()),
                    "use error, warning, info or never".into(),
                ),
            }
        }
        config.read_tables(raw.levels, raw.packs, raw.kinds, raw.params, &mut err);
        config.overrides = overrides::read(raw.overrides.unwrap_or_default(), &mut err);
        for e in &config.exclude {
            if let Err(x) = globset::Glob::new(&e.value) {
                err(
                    e.span,
                    format!("invalid exclude pattern: {x}"),
                    "use a gitignore-style pattern such as \"archives/\"".into(),
                );
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// Reads the tables of a configuration: `[levels]`, `[packs]`, `[kinds]`, `[params]`;
    /// a wrong entry is passed to `err` and left out.
    fn read_tables(
        &mut self,
        levels: Option<Table>,
        packs: Option<Table>,
        kinds: Option<Table>,
        params: Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
        err: &mut impl FnMut(Span, String, String),
    ) {
        self.levels = read_levels(levels, err);
        for (pack, mode) in packs.unwrap_or_default() {
            let m = match mode.get_ref().as_str() {
                "on" => PackMode::On,
                "off" => PackMode::Off,
                "auto" => PackMode::Auto,
                other => {
                    err(
                        span(&mode),
                        format!("unknown pack mode `{other}`"),
                        "use on (always), off (never) or auto (when the pack's condition holds)"
                            .into(),
                    );
                    continue;
                }
            };
            self.packs.insert(
                pack.get_ref().clone(),
                Item {
                    value: m,
                    span: span(&pack),
                },
            );
        }
        for (glob, kind) in kinds.unwrap_or_default() {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                err(
                    span(&glob),
                    format!("invalid path pattern: {e}"),
                    "use a glob such as \"**/*cahier*\"".into(),
                );
                continue;
            }
            match Kind::parse(&kind.get_ref().to_lowercase()) {
                Some(k) => self.kinds.push((
                    Item {
                        value: glob.get_ref().clone(),
                        span: span(&glob),
                    },
                    k,
                )),
                None => err(
                    span(&kind),
                    format!("unknown document kind `{}`", kind.get_ref()),
                    "the kinds are rc, ccap, cctp, ae, avis, bpu and other".into(),
                ),
            }
        }
        for (name, value) in params.unwrap_or_default() {
            let v = match value.get_ref() {
                toml::Value::Integer(i) => *i as f64,
                toml::Value::Float(f) => *f,
                _ => {
                    err(
                        span(&value),
                        format!("param `{}` must be a number", name.get_ref()),
                        "write a number, e.g. 60".into(),
                    );
                    continue;
                }
            };
            self.params.insert(
                name.get_ref().clone(),
                Item {
                    value: v,
                    span: span(&name),
                },
            );
        }
    }

    /// Checks the names the configuration uses against the rule set: rule ids, tags, packs and
    /// params must exist.
    pub fn validate(&self, rules: &RuleSet) -> Vec<ConfigError> {
        let Some(file) = &self.source else {
            return Vec::new();
        };
        let ids: Vec<&str> = rules.rules().map(|(_, r)| r.id.as_str()).collect();
        let mut selectors: Vec<&str> = ids.clone();
        let tags: Vec<&str> = rules
            .packs
            .iter()
            .flat_map(|p| p.tags.iter().map(|t| t.name.as_str()))
            .collect();
        selectors.extend(&tags);
        let packs: Vec<&str> = rules.packs.iter().map(|p| p.id.as_str()).collect();
        selectors.extend(&packs);
        let params: Vec<&str> = rules
            .packs
            .iter()
            .flat_map(|p| p.params.keys().map(String::as_str))
            .collect();
        let mut errors = Vec::new();
        let mut unknown = |what: &str, value: &str, sp: Span, candidates: &[&str]| {
            let help = match crate::suggest(value, candidates.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("`tenderlint rules` lists the {what}s"),
            };
            errors.push(ConfigError::new(
                file,
                sp,
                format!("unknown {what} `{value}`"),
                "not found in the loaded packs",
                help,
            ));
        };
        let over = &self.overrides;
        let selections = over.iter().flat_map(|o| o.select.iter().chain(&o.ignore));
        for s in self.select.iter().chain(&self.ignore).chain(selections) {
            if !selectors
                .iter()
                .any(|x| x.eq_ignore_ascii_case(&s.value) || x.starts_with(&s.value))
            {
                unknown("rule, tag or pack", &s.value, s.span, &selectors);
            }
        }
        for (id, l) in self
            .levels
            .iter()
            .chain(over.iter().flat_map(|o| &o.levels))
        {
            if !ids.iter().any(|x| x.eq_ignore_ascii_case(id)) {
                unknown("rule", id, l.span, &ids);
            }
        }
        for (p, m) in &self.packs {
            if !packs.contains(&p.as_str()) {
                unknown("pack", p, m.span, &packs);
            }
        }
        for (p, v) in &self.params {
            if !params.contains(&p.as_str()) {
                unknown("param", p, v.span, &params);
            }
        }
        errors
    }

    /// The params to compile the packs with.
    pub fn param_values(&self) -> std::collections::HashMap<String, f64> {
        self.params
            .iter()
            .map(|(k, v)| (k.clone(), v.value))
            .collect()
    }

    /// Whether a selector (`select`/`ignore` entry) matches a rule.
    fn matches(selector: &str, rule: &str, tags: &[String], pack: &str) -> bool {
        rule.eq_ignore_ascii_case(selector)
            || rule.starts_with(selector)
            || tags.iter().any(|t| t == selector)
            || pack == selector
    }

    /// Whether findings of this rule are reported.
    pub fn selects(&self, rule: &str, tags: &[String], pack: &str) -> bool {
        (self.select.is_empty()
            || self
                .select
                .iter()
                .any(|s| Self::matches(&s.value, rule, tags, pack)))
            && !self
                .ignore
                .iter()
                .any(|s| Self::matches(&s.value, rule, tags, pack))
    }

    /// The level of a rule after overrides.
    pub fn level(&self, rule: &str, default: Level) -> Level {
        self.levels
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(rule))
            .map(|(_, v)| v.value)
            .unwrap_or(default)
    }

    /// The document kind forced by a `[kinds]` pattern for this path, if any.
    pub fn kind_for(&self, path: &Path) -> Option<Kind> {
        let abs = std::path::absolute(path).ok()?;
        let root = std::path::absolute(&self.root).ok()?;
        let rel = abs.strip_prefix(&root).unwrap_or(&abs);
        self.kinds
            .iter()
            .find(|(g, _)| {
                globset::Glob::new(&g.value).is_ok_and(|g| g.compile_matcher().is_match(rel))
            })
            .map(|(_, k)| *k)
    }

    /// The effective configuration as TOML (for `tenderlint config`).
    pub fn to_toml(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "# {}\n",
            self.file
                .as_deref()
                .map(|f| format!("from {f}"))
                .unwrap_or_else(|| "no tenderlint.toml found: defaults".into())
        ));
        let list = toml_list;
        s.push_str(&format!("select = {}\n", list(&self.select)));
        s.push_str(&format!("ignore = {}\n", list(&self.ignore)));
        s.push_str(&format!("exclude = {}\n", list(&self.exclude)));
        let rules: Vec<Item<String>> = self
            .rules
            .iter()
            .map(|r| Item {
                value: r.value.to_string_lossy().into_owned(),
                span: r.span,
            })
            .collect();
        s.push_str(&format!("rules = {}\n", list(&rules)));
        s.push_str(&format!(
            "fail-on = \"{}\"\n",
            serde_json::to_value(self.fail_on)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ));
        s.push_str("\n[levels]\n");
        for (k, v) in &self.levels {
            s.push_str(&format!("{k} = \"{}\"\n", v.value));
        }
        s.push_str("\n[packs]\n");
        for (k, v) in &self.packs {
            s.push_str(&format!(
                "{k} = \"{}\"\n",
                serde_json::to_value(v.value)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            ));
        }
        s.push_str("\n[kinds]\n");
        for (g, k) in &self.kinds {
            s.push_str(&format!("{:?} = \"{}\"\n", g.value, k.as_str()));
        }
        s.push_str("\n[params]\n");
        for (k, v) in &self.params {
            s.push_str(&format!("{k} = {}\n", v.value));
        }
        s.push_str("\n[limits]\n");
        s.push_str(&toml::to_string(&self.limits).unwrap_or_default());
        for o in &self.overrides {
            s.push('\n');
            s.push_str(&o.to_toml());
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::Diagnostic;

    fn parse(text: &str) -> Result<Config, Vec<(String, String, Option<String>)>> {
        Config::parse("tenderlint.toml", text, PathBuf::from(".")).map_err(|errs| {
            errs.into_iter()
                .map(|ConfigError(e)| {
                    (
                        e.message.clone(),
                        e.labelled_text().to_string(),
                        e.help.clone(),
                    )
                })
                .collect()
        })
    }

    #[test]
    fn reads_every_key() {
        let c = parse("select = [\"MIQ1\", \"public\"]\nignore = [\"MIQ403\"]\nexclude = [\"archives/\"]\nrules = [\"local\"]\nfail-on = \"warning\"\n[levels]\nMIQ303 = \"info\"\n[packs]\nmiq = \"on\"\n[kinds]\n\"**/*cahier*\" = \"cctp\"\n[params]\npoids_min_insertion = 60\n").unwrap();
        assert_eq!(c.fail_on, FailOn::Warning);
        assert_eq!(c.levels["MIQ303"].value, Level::Info);
        assert_eq!(c.packs["miq"].value, PackMode::On);
        assert_eq!(c.params["poids_min_insertion"].value, 60.0);
        assert_eq!(c.kinds[0].1, Kind::Cctp);
        assert!(c.selects("MIQ101", &["objet".into()], "miq"));
        assert!(c.selects("MIQ301", &["public".into()], "miq"));
        assert!(!c.selects("MIQ403", &["encadrement".into()], "miq"));
        assert!(!c.selects("MIQ201", &["support".into()], "miq"));
    }

    #[test]
    fn errors_point_into_the_toml() {
        let e = parse("selct = [\"x\"]\n").unwrap_err();
        assert!(
            e[0].0
                .starts_with("invalid configuration: unknown field `selct`"),
            "{e:?}"
        );
        assert_eq!(e[0].1, "selct");
        let e = parse("[levels]\nMIQ101 = \"eror\"\n").unwrap_err();
        assert_eq!(
            (e[0].0.as_str(), e[0].1.as_str()),
            ("unknown level `eror`", "\"eror\"")
        );
        let e = parse("fail-on = \"sometimes\"\n").unwrap_err();
        assert_eq!(e[0].0, "unknown fail-on value `sometimes`");
        let e = parse("[params]\nseuil = \"beaucoup\"\n").unwrap_err();
        assert_eq!(e[0].0, "param `seuil` must be a number");
    }

    #[test]
    fn errors_have_the_config_code_and_a_help() {
        for text in [
            "selct = 1\n",
            "select = [\n",
            "[levels]\nMIQ101 = \"eror\"\n",
        ] {
            let e = Config::parse("tenderlint.toml", text, PathBuf::from(".")).unwrap_err();
            let code = e[0].code().map(|c| c.to_string());
            assert_eq!(code.as_deref(), Some("tenderlint::config"), "{text}");
            assert!(e[0].help().is_some(), "{text}");
            let wrapped = crate::lang::RuleFileError::from(e[0].clone());
            assert_eq!(wrapped.code().map(|c| c.to_string()), code);
        }
        let e = Config::load(Path::new("/nonexistent/tenderlint.toml")).unwrap_err();
        assert!(e[0].0.message.starts_with("cannot read the configuration"));
        assert!(e[0].help().is_some());
    }
}
