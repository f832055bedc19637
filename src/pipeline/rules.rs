//! The first stage: the configuration that applies to a path, and the rules it asks for
//! (built-in packs, rule files, their compiled patterns' plans from the cache).

use std::path::{Path, PathBuf};

use super::{Request, Run};
use crate::compile::{self, RuleSet};
use crate::config::Config;
use crate::packs;
use crate::search::cache;

/// The configuration that applies to `path` (or the one given), with its errors.
pub fn config_for(path: &Path, given: Option<&Path>) -> (Config, Vec<crate::lang::RuleFileError>) {
    let file = given.map(Path::to_path_buf).or_else(|| Config::find(path));
    match file {
        Some(f) => match Config::load(&f) {
            Ok(c) => (c, Vec::new()),
            Err(e) => (Config::default(), e.into_iter().map(Into::into).collect()),
        },
        None => (Config::default(), Vec::new()),
    }
}

/// Loads and compiles the rules a configuration asks for.
pub fn rules_for(config: &Config, req: &Request, run: &mut Run) -> RuleSet {
    let mut sources = if req.no_default_rules {
        Vec::new()
    } else {
        packs::builtin()
    };
    let extra: Vec<PathBuf> = config
        .rules
        .iter()
        .map(|r| r.value.clone())
        .chain(req.rules.iter().cloned())
        .collect();
    let (loaded, errors) = packs::load(&extra);
    sources.extend(loaded);
    run.input_errors.extend(errors);
    let cache = req
        .cache_dir
        .as_ref()
        .map(|dir| dir.join(cache::file_name(&compile::digest_parts(&sources))));
    let known = cache.as_deref().and_then(cache::read).unwrap_or_default();
    let params = config.param_values();
    let (set, errors) = compile::compile_with_plans(&sources, &params, known, &config.limits);
    // The literal automata are built while the documents are read.
    for pack in &set.packs {
        pack.patterns.warm_up();
    }
    if let Some(file) = cache.filter(|_| set.has_new_plans()) {
        cache::keep(&file, &set.plans());
    }
    run.rule_errors.extend(errors);
    run.rule_errors
        .extend(config.validate(&set).into_iter().map(Into::into));
    set
}
