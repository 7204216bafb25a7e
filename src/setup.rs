//! Turning policy flags and the configuration file into an engine: flags win over the file.

use crate::cli::PolicyArgs;
use anyhow::{Context, Result, bail};
use palisade_linter::SUPPRESSION_RULE;
use palisade_linter::config::{Config, DEFAULT_CONFIG};
use palisade_policies::{Engine, EngineBuilder, Options, load_dir};
use std::path::Path;

/// Loads the configuration (explicit, or `.palisade.yaml` when present) and builds the engine.
pub fn engine_and_config(args: &PolicyArgs) -> Result<(Engine, Config)> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None if Path::new(DEFAULT_CONFIG).is_file() => Config::load(Path::new(DEFAULT_CONFIG))?,
        None => Config::default(),
    };
    let defaults = Options::default();
    let options = Options {
        pss_level: args
            .pss_level
            .or(config.pss_level)
            .unwrap_or(defaults.pss_level),
        pss_version: args
            .pss_version
            .or(config.pss_version)
            .unwrap_or(defaults.pss_version),
        parameters: config.parameters.clone(),
    };
    let builtin = !args.no_builtin && config.builtin.unwrap_or(true);
    let mut builder = EngineBuilder::new().builtin(builtin).options(options);
    for dir in config.policies.iter().chain(&args.policies) {
        let sources =
            load_dir(dir).with_context(|| format!("loading policies from {}", dir.display()))?;
        builder = builder.add_sources(sources);
    }
    if !builtin && config.policies.is_empty() && args.policies.is_empty() {
        bail!("--no-builtin needs at least one --policies DIR");
    }
    let engine = builder.build()?;
    for (id, line) in &config.rule_refs {
        if id != SUPPRESSION_RULE && !engine.rules().any(|r| &r.id == id) {
            bail!(
                "{}:{line}: unknown rule id `{id}` (see `palisade rules`)",
                config.file
            );
        }
    }
    Ok((engine, config))
}
