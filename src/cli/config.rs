//! `config`: the effective configuration for a path.

use std::io::Write;
use std::path::PathBuf;

use tenderlint::pipeline::Run;

use super::exit;
use super::terminal::print_input_errors;

pub fn show_config(path: Option<PathBuf>, config: Option<PathBuf>, out: &mut dyn Write) -> u8 {
    let path = path.unwrap_or_else(|| PathBuf::from("."));
    // The configuration is looked for upwards from the path: from a path that does not exist,
    // that would show the configuration of some other folder as if it were this one's.
    if !path.exists() {
        eprintln!(
            "error: {}: no such file or folder",
            tenderlint::document::shown(&path)
        );
        return exit::TROUBLE;
    }
    let (cfg, errors) = tenderlint::pipeline::config_for(&path, config.as_deref());
    let mut run = Run::default();
    run.rule_errors.extend(errors);
    if cfg.file.is_some() {
        let request = tenderlint::pipeline::Request::default();
        let _ = tenderlint::pipeline::rules_for(&cfg, &request, &mut run);
    }
    print_input_errors(&run);
    let _ = out.write_all(cfg.to_toml().as_bytes());
    exit::inputs(&run)
}
