//! `.palisade.yaml`: which rules run, at which severity, for which objects — one file for both
//! doors (the linter and the webhook). Parsed strictly: an unknown key or a wrong type is an
//! error naming the key and its line.
//!
//! ```yaml
//! pss: {level: restricted, version: latest}
//! policies: [policies/]          # extra Rego directories, relative to this file
//! builtin: true                  # false = user policies only
//! fail-on: medium                # a deny finding at or above this blocks (default medium)
//! rules:
//!   enable: [PSS-PRIVILEGED]     # only these (optional)
//!   disable: [RBAC-WILDCARD]
//!   unsuppressible: [PSS-PRIVILEGED]     # no palisade.dev/ignore annotation silences these
//!   severity: {RBAC-SECRETS-READ: low}   # a rule's top severity
//! exemptions:                    # every criterion given must match
//!   - rules: [PSS-HOST-NAMESPACES]     # omitted = every rule
//!     namespaces: [monitoring]
//!     namespace-labels: {team: infra}
//!     kinds: [DaemonSet]
//!     names: [node-exporter]
//!     users: [alice]                   # admission: the requesting user…
//!     groups: [platform-admins]        # …one of its groups…
//!     service-accounts: [flux-system/kustomize-controller]   # …or service account
//!     reason: node-exporter reads host metrics
//! enforcement:                   # first match wins; default deny
//!   - action: warn               # deny | warn | dryrun
//!     namespaces: [legacy]       # same criteria as exemptions
//! mutation:
//!   namespaces: [team-a]         # restricted defaults patched in at admission
//! parameters: {}                 # merged into input.parameters
//! ```

mod reader;

use crate::InputError;
use crate::yaml::parse_documents;
use palisade_policies::{PssLevel, PssVersion, Settings};
use reader::Reader;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The default configuration file name, looked up in the current directory.
pub const DEFAULT_CONFIG: &str = ".palisade.yaml";

/// A validated configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub pss_level: Option<PssLevel>,
    pub pss_version: Option<PssVersion>,
    pub policies: Vec<PathBuf>,
    pub builtin: Option<bool>,
    /// The verdict settings (`fail-on`, `rules`, `exemptions`, `enforcement`).
    pub settings: Settings,
    /// Namespaces whose pods get the restricted defaults patched in at admission.
    pub mutation_namespaces: Vec<String>,
    pub parameters: Map<String, Value>,
    /// Every rule id the file names, with its line (checked against the catalogue later).
    pub rule_refs: Vec<(String, usize)>,
    /// The file, for messages.
    pub file: String,
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, InputError> {
        let text = std::fs::read_to_string(path).map_err(|e| InputError::io(path, e))?;
        let mut config = Config::parse(&path.display().to_string(), &text)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for dir in &mut config.policies {
            if dir.is_relative() {
                *dir = base.join(&*dir);
            }
        }
        Ok(config)
    }

    /// Parses configuration text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Config, InputError> {
        let docs = parse_documents(text).map_err(|e| {
            InputError::at(
                file,
                e.line,
                e.column,
                format!("YAML syntax error: {}", e.message),
            )
        })?;
        let mut config = Config {
            file: file.to_string(),
            ..Default::default()
        };
        let Some(doc) = docs.first() else {
            return Ok(config);
        };
        let r = Reader { file, doc };
        let root = r.object("")?;
        for (key, value) in root {
            let ptr = format!("/{}", esc(key));
            match key.as_str() {
                "pss" => {
                    for (k, _) in r.object(&ptr)? {
                        let p = format!("{ptr}/{}", esc(k));
                        match k.as_str() {
                            "level" => config.pss_level = Some(r.parse(&p)?),
                            "version" => config.pss_version = Some(r.parse(&p)?),
                            _ => return Err(r.unknown(&p, k, "level, version")),
                        }
                    }
                }
                "policies" => {
                    config.policies = r.strings(&ptr)?.into_iter().map(PathBuf::from).collect()
                }
                "builtin" => config.builtin = Some(r.bool(&ptr, value)?),
                "fail-on" => config.settings.fail_on = r.parse(&ptr)?,
                "rules" => r.rules(&ptr, &mut config)?,
                "exemptions" => config.settings.exemptions = r.exemptions(&ptr, &mut config)?,
                "enforcement" => config.settings.enforcement = r.enforcement(&ptr, &mut config)?,
                "mutation" => {
                    for (k, _) in r.object(&ptr)? {
                        let p = format!("{ptr}/{}", esc(k));
                        match k.as_str() {
                            "namespaces" => config.mutation_namespaces = r.strings(&p)?,
                            _ => return Err(r.unknown(&p, k, "namespaces")),
                        }
                    }
                }
                "parameters" => config.parameters = r.object(&ptr)?.clone(),
                _ => {
                    return Err(r.unknown(
                        &ptr,
                        key,
                        "pss, policies, builtin, fail-on, rules, exemptions, enforcement, mutation, parameters",
                    ));
                }
            }
        }
        Ok(config)
    }

    /// True when `rule` should run at all.
    pub fn rule_enabled(&self, rule: &str) -> bool {
        self.settings.rule_enabled(rule)
    }
}

/// Escapes a key for a JSON pointer.
pub(crate) fn esc(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
