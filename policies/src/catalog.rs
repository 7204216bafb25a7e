//! Rule metadata: the `metadata` object every policy package declares, parsed and validated once.

use crate::{LoadError, Severity};
use serde::Serialize;
use serde_json::Value;

/// Pod Security Standards level a rule belongs to. `Restricted` includes `Baseline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    Baseline,
    Restricted,
}

impl PssLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }
}

impl std::str::FromStr for PssLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "baseline" => Ok(PssLevel::Baseline),
            "restricted" => Ok(PssLevel::Restricted),
            other => Err(format!(
                "unknown Pod Security level `{other}` (expected baseline or restricted)"
            )),
        }
    }
}

/// One rule of the catalogue (one policy package).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub kinds: Vec<String>,
    /// Subresources (`status`, `scale`, …) whose requests the rule judges at admission; requests
    /// for other subresources (but `ephemeralcontainers`, judged as a pod update) are not judged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subresources: Vec<String>,
    pub remediation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pss_level: Option<PssLevel>,
    /// First PSS minor version the rule applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<u32>,
    /// Rego package, e.g. `palisade.pss.privileged`.
    pub package: String,
    /// File the package was loaded from (`builtin:…` for embedded policies).
    pub file: String,
    pub builtin: bool,
}

impl RuleMeta {
    /// Parses a package's `metadata` value. A package without metadata (a plain user policy)
    /// gets its package name as id and `medium` severity.
    pub fn parse(
        package: &str,
        file: &str,
        builtin: bool,
        metadata: &Value,
    ) -> Result<Self, LoadError> {
        let err = |reason: String| LoadError::Metadata {
            package: package.to_string(),
            file: file.to_string(),
            reason,
        };
        let obj = match metadata {
            Value::Null => {
                if builtin {
                    return Err(err("built-in policies must declare metadata".into()));
                }
                &serde_json::Map::new()
            }
            Value::Object(o) => o,
            other => return Err(err(format!("metadata must be an object, got {other}"))),
        };
        let text = |key: &str| -> Result<Option<String>, LoadError> {
            match obj.get(key) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(err(format!("`{key}` must be a string, got {other}"))),
            }
        };
        let id = text("id")?.unwrap_or_else(|| package.to_string());
        let severity = match text("severity")? {
            Some(s) => s
                .parse::<Severity>()
                .map_err(|e| err(format!("`severity`: {e}")))?,
            None => Severity::Medium,
        };
        let strings = |key: &str| -> Result<Vec<String>, LoadError> {
            match obj.get(key) {
                None => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|k| k.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| err(format!("`{key}` must be a list of strings"))),
                Some(other) => Err(err(format!("`{key}` must be a list, got {other}"))),
            }
        };
        let kinds = strings("kinds")?;
        let subresources = strings("subresources")?;
        let pss_level = match text("pss_level")? {
            Some(s) => Some(
                s.parse::<PssLevel>()
                    .map_err(|e| err(format!("`pss_level`: {e}")))?,
            ),
            None => None,
        };
        let since =
            match obj.get("since") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(
                    || {
                        err(format!(
                            "`since` must be a PSS minor version number, got {v}"
                        ))
                    },
                )?),
            };
        if builtin && (id.is_empty() || text("title")?.is_none()) {
            return Err(err("built-in policies need `id` and `title`".into()));
        }
        Ok(RuleMeta {
            title: text("title")?.unwrap_or_else(|| id.clone()),
            id,
            severity,
            kinds,
            subresources,
            remediation: text("remediation")?.unwrap_or_default(),
            pss_level,
            since,
            package: package.to_string(),
            file: file.to_string(),
            builtin,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_full_metadata() {
        let m = RuleMeta::parse(
            "palisade.pss.x",
            "builtin:x.rego",
            true,
            &json!({"id": "PSS-X", "title": "X", "severity": "high", "kinds": ["Pod"], "pss_level": "baseline", "since": 0}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.id, "PSS-X");
        assert_eq!(m.pss_level, Some(PssLevel::Baseline));
        assert_eq!(m.since, Some(0));
    }

    #[test]
    fn user_policy_without_metadata_gets_defaults() {
        let m = RuleMeta::parse("acme.rules", "a.rego", false, &Value::Null)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.id, "acme.rules");
        assert_eq!(m.severity, Severity::Medium);
    }

    #[test]
    fn bad_metadata_names_the_field() {
        let e = RuleMeta::parse("p", "f.rego", false, &json!({"severity": "awful"})).err();
        assert!(format!("{e:?}").contains("severity"));
        let e = RuleMeta::parse("p", "f.rego", false, &json!({"kinds": "Pod"})).err();
        assert!(format!("{e:?}").contains("kinds"));
        let e = RuleMeta::parse("p", "f.rego", false, &json!({"subresources": [1]})).err();
        assert!(format!("{e:?}").contains("subresources"));
    }
}
