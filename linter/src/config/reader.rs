//! Reading typed values out of the configuration document, with errors at the right line.

use super::{Config, esc};
use crate::InputError;
use crate::yaml::Document;
use palisade_policies::{Enforcement, EnforcementOverride, Exemption, Scope};
use serde_json::{Map, Value};

/// Reads typed values out of the configuration document, with errors at the right line.
pub(super) struct Reader<'a> {
    pub file: &'a str,
    pub doc: &'a Document,
}

impl Reader<'_> {
    pub(super) fn err(&self, ptr: &str, message: String) -> InputError {
        let pos = self.doc.locate(ptr);
        InputError::at(self.file, pos.line, pos.column, message)
    }

    fn key(ptr: &str) -> String {
        ptr.trim_start_matches('/')
            .replace('/', ".")
            .replace("~1", "/")
            .replace("~0", "~")
    }

    pub(super) fn unknown(&self, ptr: &str, key: &str, expected: &str) -> InputError {
        let parent = Self::key(ptr.rsplit_once('/').map_or("", |p| p.0));
        let place = match parent.is_empty() {
            true => "at the top level".to_string(),
            false => format!("in `{parent}`"),
        };
        self.err(
            ptr,
            format!("unknown key `{key}` {place} (expected one of: {expected})"),
        )
    }

    fn get(&self, ptr: &str) -> &Value {
        self.doc.value.pointer(ptr).unwrap_or(&Value::Null)
    }

    pub(super) fn object(&self, ptr: &str) -> Result<&Map<String, Value>, InputError> {
        match self.get(ptr) {
            Value::Object(m) => Ok(m),
            Value::Null if ptr.is_empty() => {
                Err(self.err(ptr, "configuration must be a mapping".into()))
            }
            _ => Err(self.err(ptr, format!("`{}` must be a mapping", Self::key(ptr)))),
        }
    }

    pub(super) fn strings(&self, ptr: &str) -> Result<Vec<String>, InputError> {
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

    pub(super) fn bool(&self, ptr: &str, value: &Value) -> Result<bool, InputError> {
        value
            .as_bool()
            .ok_or_else(|| self.err(ptr, format!("`{}` must be true or false", Self::key(ptr))))
    }

    pub(super) fn parse<T: std::str::FromStr<Err = String>>(
        &self,
        ptr: &str,
    ) -> Result<T, InputError> {
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

    pub(super) fn rules(&self, ptr: &str, config: &mut Config) -> Result<(), InputError> {
        for (k, _) in self.object(ptr)? {
            let p = format!("{ptr}/{}", esc(k));
            match k.as_str() {
                "enable" => {
                    config.settings.enable = Some(self.rule_ids(&p, config)?.into_iter().collect())
                }
                "disable" => {
                    config.settings.disable = self.rule_ids(&p, config)?.into_iter().collect()
                }
                "unsuppressible" => {
                    config.settings.unsuppressible =
                        self.rule_ids(&p, config)?.into_iter().collect()
                }
                "severity" => {
                    for (id, _) in self.object(&p)? {
                        let sp = format!("{p}/{}", esc(id));
                        config
                            .rule_refs
                            .push((id.clone(), self.doc.locate(&sp).line));
                        config
                            .settings
                            .severity
                            .insert(id.clone(), self.parse(&sp)?);
                    }
                }
                _ => return Err(self.unknown(&p, k, "enable, disable, unsuppressible, severity")),
            }
        }
        Ok(())
    }

    pub(super) fn exemptions(
        &self,
        ptr: &str,
        config: &mut Config,
    ) -> Result<Vec<Exemption>, InputError> {
        let mut out = Vec::new();
        for (i, ip) in self.list(ptr, "exemptions")?.into_iter().enumerate() {
            let mut ex = Exemption::default();
            for (k, v) in self.object(&ip)? {
                let p = format!("{ip}/{}", esc(k));
                match k.as_str() {
                    "reason" => ex.reason = v.as_str().unwrap_or_default().trim().to_string(),
                    _ => self.scope_key(&p, k, &mut ex.scope, config, "reason")?,
                }
            }
            if ex.reason.is_empty() {
                return Err(self.err(&ip, format!("exemption {} needs a `reason`", i + 1)));
            }
            out.push(ex);
        }
        Ok(out)
    }

    pub(super) fn enforcement(
        &self,
        ptr: &str,
        config: &mut Config,
    ) -> Result<Vec<EnforcementOverride>, InputError> {
        let mut out = Vec::new();
        for (i, ip) in self.list(ptr, "enforcement")?.into_iter().enumerate() {
            let mut action: Option<Enforcement> = None;
            let mut scope = Scope::default();
            for (k, _) in self.object(&ip)? {
                let p = format!("{ip}/{}", esc(k));
                match k.as_str() {
                    "action" => action = Some(self.parse(&p)?),
                    "reason" => {}
                    _ => self.scope_key(&p, k, &mut scope, config, "action, reason")?,
                }
            }
            let Some(action) = action else {
                return Err(self.err(
                    &ip,
                    format!(
                        "enforcement {} needs an `action` (deny, warn or dryrun)",
                        i + 1
                    ),
                ));
            };
            out.push(EnforcementOverride { action, scope });
        }
        Ok(out)
    }

    /// Pointers to the items of the list at `ptr`.
    fn list(&self, ptr: &str, what: &str) -> Result<Vec<String>, InputError> {
        match self.get(ptr) {
            Value::Array(items) => Ok((0..items.len()).map(|i| format!("{ptr}/{i}")).collect()),
            _ => Err(self.err(ptr, format!("`{what}` must be a list"))),
        }
    }

    /// Reads one selection criterion (`rules`, `namespaces`, …) into `scope`.
    fn scope_key(
        &self,
        p: &str,
        key: &str,
        scope: &mut Scope,
        config: &mut Config,
        also: &str,
    ) -> Result<(), InputError> {
        match key {
            "rules" => scope.rules = self.rule_ids(p, config)?,
            "namespaces" => scope.namespaces = self.strings(p)?,
            "kinds" => scope.kinds = self.strings(p)?,
            "names" => scope.names = self.strings(p)?,
            "users" => scope.users = self.strings(p)?,
            "groups" => scope.groups = self.strings(p)?,
            "service-accounts" => {
                scope.service_accounts = self.strings(p)?;
                for (i, sa) in scope.service_accounts.iter().enumerate() {
                    let valid = sa
                        .split_once('/')
                        .is_some_and(|(ns, name)| !ns.is_empty() && !name.is_empty());
                    if !valid {
                        return Err(self.err(
                            &format!("{p}/{i}"),
                            format!("service account `{sa}` must be written namespace/name"),
                        ));
                    }
                }
            }
            "namespace-labels" => {
                for (lk, lv) in self.object(p)? {
                    let value = lv.as_str().ok_or_else(|| {
                        self.err(
                            &format!("{p}/{}", esc(lk)),
                            "label values must be strings".into(),
                        )
                    })?;
                    scope.namespace_labels.insert(lk.clone(), value.to_string());
                }
            }
            _ => {
                return Err(self.unknown(
                    p,
                    key,
                    &format!(
                        "rules, namespaces, namespace-labels, kinds, names, users, groups, service-accounts, {also}"
                    ),
                ));
            }
        }
        Ok(())
    }
}
