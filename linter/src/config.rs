//! `.palisade.yaml`: which rules run, at which severity, for which objects. Parsed strictly —
//! an unknown key or a wrong type is an error naming the key and its line.
//!
//! ```yaml
//! pss: {level: restricted, version: latest}
//! policies: [policies/]          # extra Rego directories, relative to this file
//! builtin: true                  # false = user policies only
//! fail-on: medium
//! rules:
//!   enable: [PSS-PRIVILEGED]     # only these (optional)
//!   disable: [RBAC-WILDCARD]
//!   severity: {RBAC-SECRETS-READ: low}
//! exemptions:
//!   - rules: [PSS-HOST-NAMESPACES]     # omitted = every rule
//!     namespaces: [monitoring]
//!     namespace-labels: {team: infra}
//!     kinds: [DaemonSet]
//!     names: [node-exporter]
//!     reason: node-exporter reads host metrics
//! parameters: {}                 # merged into input.parameters
//! ```

use crate::InputError;
use crate::yaml::{Document, parse_documents};
use palisade_policies::{PssLevel, PssVersion, Severity};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
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
    pub fail_on: Option<Severity>,
    pub enable: Option<Vec<String>>,
    pub disable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub exemptions: Vec<Exemption>,
    pub parameters: Map<String, Value>,
    /// Every rule id the file names, with its line (checked against the catalogue later).
    pub rule_refs: Vec<(String, usize)>,
    /// The file, for messages.
    pub file: String,
}

/// Objects exempt from some or all rules. Every given criterion must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exemption {
    pub rules: Vec<String>,
    pub namespaces: Vec<String>,
    pub namespace_labels: BTreeMap<String, String>,
    pub kinds: Vec<String>,
    pub names: Vec<String>,
    pub reason: String,
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
                "fail-on" => config.fail_on = Some(r.parse(&ptr)?),
                "rules" => r.rules(&ptr, &mut config)?,
                "exemptions" => config.exemptions = r.exemptions(&ptr, &mut config)?,
                "parameters" => config.parameters = r.object(&ptr)?.clone(),
                _ => {
                    return Err(r.unknown(
                        &ptr,
                        key,
                        "pss, policies, builtin, fail-on, rules, exemptions, parameters",
                    ));
                }
            }
        }
        Ok(config)
    }

    /// True when `rule` should run at all.
    pub fn rule_enabled(&self, rule: &str) -> bool {
        self.enable
            .as_ref()
            .is_none_or(|e| e.iter().any(|r| r == rule))
            && !self.disable.iter().any(|r| r == rule)
    }
}

/// Reads typed values out of the configuration document, with errors at the right line.
struct Reader<'a> {
    file: &'a str,
    doc: &'a Document,
}

impl Reader<'_> {
    fn err(&self, ptr: &str, message: String) -> InputError {
        let pos = self.doc.locate(ptr);
        InputError::at(self.file, pos.line, pos.column, message)
    }

    fn key(ptr: &str) -> String {
        ptr.trim_start_matches('/')
            .replace('/', ".")
            .replace("~1", "/")
            .replace("~0", "~")
    }

    fn unknown(&self, ptr: &str, key: &str, expected: &str) -> InputError {
        self.err(
            ptr,
            format!(
                "unknown key `{key}` in `{}` (expected one of: {expected})",
                Self::key(ptr.rsplit_once('/').map_or("", |p| p.0)).if_empty("the top level")
            ),
        )
    }

    fn get(&self, ptr: &str) -> &Value {
        self.doc.value.pointer(ptr).unwrap_or(&Value::Null)
    }

    fn object(&self, ptr: &str) -> Result<&Map<String, Value>, InputError> {
        match self.get(ptr) {
            Value::Object(m) => Ok(m),
            Value::Null if ptr.is_empty() => {
                Err(self.err(ptr, "configuration must be a mapping".into()))
            }
            _ => Err(self.err(ptr, format!("`{}` must be a mapping", Self::key(ptr)))),
        }
    }

    fn strings(&self, ptr: &str) -> Result<Vec<String>, InputError> {
        match self.get(ptr) {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(self.err(
                        &format!("{ptr}/{i}"),
                        format!("`{}` must be a list of strings", Self::key(ptr)),
                    )),
                })
                .collect(),
            _ => Err(self.err(
                ptr,
                format!("`{}` must be a list of strings", Self::key(ptr)),
            )),
        }
    }

    fn bool(&self, ptr: &str, value: &Value) -> Result<bool, InputError> {
        value
            .as_bool()
            .ok_or_else(|| self.err(ptr, format!("`{}` must be true or false", Self::key(ptr))))
    }

    fn parse<T: std::str::FromStr<Err = String>>(&self, ptr: &str) -> Result<T, InputError> {
        let text = match self.get(ptr) {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        text.parse::<T>()
            .map_err(|e| self.err(ptr, format!("`{}`: {e}", Self::key(ptr))))
    }

    fn rule_ids(&self, ptr: &str, config: &mut Config) -> Result<Vec<String>, InputError> {
        let ids = self.strings(ptr)?;
        for (i, id) in ids.iter().enumerate() {
            config
                .rule_refs
                .push((id.clone(), self.doc.locate(&format!("{ptr}/{i}")).line));
        }
        Ok(ids)
    }

    fn rules(&self, ptr: &str, config: &mut Config) -> Result<(), InputError> {
        for (k, _) in self.object(ptr)? {
            let p = format!("{ptr}/{}", esc(k));
            match k.as_str() {
                "enable" => config.enable = Some(self.rule_ids(&p, config)?),
                "disable" => config.disable = self.rule_ids(&p, config)?,
                "severity" => {
                    for (id, _) in self.object(&p)? {
                        let sp = format!("{p}/{}", esc(id));
                        config
                            .rule_refs
                            .push((id.clone(), self.doc.locate(&sp).line));
                        config.severity.insert(id.clone(), self.parse(&sp)?);
                    }
                }
                _ => return Err(self.unknown(&p, k, "enable, disable, severity")),
            }
        }
        Ok(())
    }

    fn exemptions(&self, ptr: &str, config: &mut Config) -> Result<Vec<Exemption>, InputError> {
        let Value::Array(items) = self.get(ptr) else {
            return Err(self.err(ptr, "`exemptions` must be a list".into()));
        };
        let mut out = Vec::new();
        for i in 0..items.len() {
            let ip = format!("{ptr}/{i}");
            let mut ex = Exemption::default();
            for (k, v) in self.object(&ip)? {
                let p = format!("{ip}/{}", esc(k));
                match k.as_str() {
                    "rules" => ex.rules = self.rule_ids(&p, config)?,
                    "namespaces" => ex.namespaces = self.strings(&p)?,
                    "kinds" => ex.kinds = self.strings(&p)?,
                    "names" => ex.names = self.strings(&p)?,
                    "namespace-labels" => {
                        for (lk, lv) in self.object(&p)? {
                            let value = lv.as_str().ok_or_else(|| {
                                self.err(
                                    &format!("{p}/{}", esc(lk)),
                                    "label values must be strings".into(),
                                )
                            })?;
                            ex.namespace_labels.insert(lk.clone(), value.to_string());
                        }
                    }
                    "reason" => ex.reason = v.as_str().unwrap_or_default().trim().to_string(),
                    _ => {
                        return Err(self.unknown(
                            &p,
                            k,
                            "rules, namespaces, namespace-labels, kinds, names, reason",
                        ));
                    }
                }
            }
            if ex.reason.is_empty() {
                return Err(self.err(&ip, format!("exemption {} needs a `reason`", i + 1)));
            }
            out.push(ex);
        }
        Ok(out)
    }
}

trait IfEmpty {
    fn if_empty(self, other: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, other: &str) -> String {
        if self.is_empty() {
            other.to_string()
        } else {
            self
        }
    }
}

/// Escapes a key for a JSON pointer.
pub(crate) fn esc(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
