//! Label selectors as the API server applies them: every `matchLabels` pair AND every
//! `matchExpressions` requirement (In, NotIn, Exists, DoesNotExist); an empty selector selects
//! everything.

use crate::error::FieldError;
use serde_json::Value;
use std::collections::BTreeMap;

/// Labels of a pod or namespace.
pub type Labels = BTreeMap<String, String>;

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Requirement {
    Equals(String, String),
    In(String, Vec<String>),
    /// Matches when the label is absent or its value is not listed.
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl Requirement {
    fn matches(&self, labels: &Labels) -> bool {
        match self {
            Self::Equals(k, v) => labels.get(k) == Some(v),
            Self::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Self::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Self::Exists(k) => labels.contains_key(k),
            Self::DoesNotExist(k) => !labels.contains_key(k),
        }
    }
}

/// A parsed `LabelSelector`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

impl Selector {
    /// A selector of `matchLabels` only.
    pub fn from_labels(labels: &Labels) -> Self {
        Self {
            requirements: labels
                .iter()
                .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
                .collect(),
        }
    }

    /// The requirements, ANDed.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// Whether this is the empty selector (selects everything).
    pub fn is_everything(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Parses a `LabelSelector` at `field` (null is the empty selector).
    pub fn parse(value: &Value, field: &str) -> Result<Self, FieldError> {
        let map = match value {
            Value::Null => return Ok(Self::default()),
            Value::Object(map) => map,
            _ => {
                return Err(FieldError::new(
                    field,
                    "must be a label selector (a mapping)",
                ));
            }
        };
        let mut requirements = Vec::new();
        for key in map.keys() {
            if key != "matchLabels" && key != "matchExpressions" {
                return Err(FieldError::new(
                    format!("{field}.{key}"),
                    "unknown field (a selector has matchLabels and matchExpressions)",
                ));
            }
        }
        match map.get("matchLabels") {
            None | Some(Value::Null) => {}
            Some(Value::Object(labels)) => {
                for (k, v) in labels {
                    let v = scalar(v).ok_or_else(|| {
                        FieldError::new(format!("{field}.matchLabels.{k}"), "must be a string")
                    })?;
                    requirements.push(Requirement::Equals(k.clone(), v));
                }
            }
            Some(_) => {
                return Err(FieldError::new(
                    format!("{field}.matchLabels"),
                    "must be a mapping of label to value",
                ));
            }
        }
        match map.get("matchExpressions") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{field}.matchExpressions[{i}]");
                    requirements.push(expression(item, &at)?);
                }
            }
            Some(_) => {
                return Err(FieldError::new(
                    format!("{field}.matchExpressions"),
                    "must be a list",
                ));
            }
        }
        Ok(Self { requirements })
    }
}

fn expression(item: &Value, at: &str) -> Result<Requirement, FieldError> {
    let key = item
        .get("key")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| FieldError::new(format!("{at}.key"), "is required"))?
        .to_owned();
    let operator = item
        .get("operator")
        .and_then(Value::as_str)
        .ok_or_else(|| FieldError::new(format!("{at}.operator"), "is required"))?;
    let values = match item.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(vs)) => vs
            .iter()
            .enumerate()
            .map(|(j, v)| {
                scalar(v)
                    .ok_or_else(|| FieldError::new(format!("{at}.values[{j}]"), "must be a string"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(FieldError::new(format!("{at}.values"), "must be a list")),
    };
    let need_values = |r: Requirement| {
        if values.is_empty() {
            Err(FieldError::new(
                format!("{at}.values"),
                format!("must be non-empty when operator is {operator}"),
            ))
        } else {
            Ok(r)
        }
    };
    let no_values = |r: Requirement| {
        if values.is_empty() {
            Ok(r)
        } else {
            Err(FieldError::new(
                format!("{at}.values"),
                format!("must be empty when operator is {operator}"),
            ))
        }
    };
    match operator {
        "In" => need_values(Requirement::In(key, values.clone())),
        "NotIn" => need_values(Requirement::NotIn(key, values.clone())),
        "Exists" => no_values(Requirement::Exists(key)),
        "DoesNotExist" => no_values(Requirement::DoesNotExist(key)),
        other => Err(FieldError::new(
            format!("{at}.operator"),
            format!("{other:?} is not one of In, NotIn, Exists, DoesNotExist"),
        )),
    }
}

/// A label value: a string, or a number or boolean YAML wrote unquoted.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Labels from a `metadata.labels`-like mapping (non-string values read as YAML wrote them).
pub fn labels_of(value: Option<&Value>) -> Labels {
    value
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| scalar(v).map(|v| (k.clone(), v)))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn every_operator_matches_as_the_api_server_does() {
        let s = Selector::parse(
            &json!({"matchLabels": {"app": "web"}, "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["a", "b"]},
                {"key": "env", "operator": "NotIn", "values": ["prod"]},
                {"key": "team", "operator": "Exists"},
                {"key": "legacy", "operator": "DoesNotExist"}]}),
            "spec.podSelector",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let base = [("app", "web"), ("tier", "a"), ("team", "x")];
        assert!(s.matches(&labels(&base)));
        // NotIn matches an absent label, not a listed value.
        let mut prod = base.to_vec();
        prod.push(("env", "prod"));
        assert!(!s.matches(&labels(&prod)));
        let mut legacy = base.to_vec();
        legacy.push(("legacy", ""));
        assert!(!s.matches(&labels(&legacy)));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "c"), ("team", "x")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("tier", "a")])));
    }

    #[test]
    fn empty_and_null_selectors_select_everything() {
        for v in [json!({}), json!(null), json!({"matchLabels": {}})] {
            let s = Selector::parse(&v, "s").unwrap_or_else(|e| panic!("{e}"));
            assert!(s.is_everything());
            assert!(s.matches(&Labels::new()));
        }
    }

    #[test]
    fn invalid_selectors_name_the_field() {
        let cases = [
            (
                json!({"matchExpressions": [{"key": "a", "operator": "In"}]}),
                "s.matchExpressions[0].values",
            ),
            (
                json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}),
                "s.matchExpressions[0].values",
            ),
            (
                json!({"matchExpressions": [{"key": "a", "operator": "Equals", "values": ["x"]}]}),
                "s.matchExpressions[0].operator",
            ),
            (json!({"matchLabels": {"a": ["x"]}}), "s.matchLabels.a"),
            (json!({"matchLabel": {"a": "x"}}), "s.matchLabel"),
            (json!("app=web"), "s"),
        ];
        for (value, field) in cases {
            let err = Selector::parse(&value, "s")
                .err()
                .unwrap_or_else(|| panic!("{value} accepted"));
            assert_eq!(err.field, field, "{value}: {err}");
        }
    }
}
