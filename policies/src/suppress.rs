//! In-manifest suppressions: `metadata.annotations["palisade.dev/ignore"] = "RULE-ID[,RULE-ID]: reason"`.
//! A reason is required; an annotation without one is not honoured and is itself reported.

use serde_json::Value;

/// The annotation key.
pub const IGNORE_ANNOTATION: &str = "palisade.dev/ignore";

/// JSON pointer to the annotation (for locating problems with it).
pub const IGNORE_POINTER: &str = "/metadata/annotations/palisade.dev~1ignore";

/// What an object's ignore annotation says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Suppression {
    /// Rule ids suppressed (honoured only when `problem` is `None`).
    pub rules: Vec<String>,
    pub reason: String,
    /// Why the annotation is not honoured, if it is not.
    pub problem: Option<String>,
}

impl Suppression {
    /// Reads the annotation of `object`; `None` when there is none.
    pub fn of(object: &Value) -> Option<Suppression> {
        let raw = object
            .pointer("/metadata/annotations")?
            .get(IGNORE_ANNOTATION)?;
        let Some(text) = raw.as_str() else {
            return Some(Suppression {
                problem: Some(format!("{IGNORE_ANNOTATION} must be a string")),
                ..Default::default()
            });
        };
        Some(Self::parse(text))
    }

    /// Parses `"RULE-ID[,RULE-ID]: reason"`.
    pub fn parse(text: &str) -> Suppression {
        let (ids, reason) = match text.split_once(':') {
            Some((ids, reason)) => (ids, reason.trim()),
            None => (text, ""),
        };
        let rules: Vec<String> = ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let problem = if rules.is_empty() {
            Some(format!(
                "{IGNORE_ANNOTATION} names no rule (expected \"RULE-ID[,RULE-ID]: reason\")"
            ))
        } else if reason.is_empty() {
            Some(format!(
                "{IGNORE_ANNOTATION} for {} gives no reason, so it is not honoured (expected \"RULE-ID: reason\")",
                rules.join(",")
            ))
        } else {
            None
        };
        Suppression {
            rules,
            reason: reason.to_string(),
            problem,
        }
    }

    /// True when this (valid) suppression silences `rule`.
    pub fn covers(&self, rule: &str) -> bool {
        self.problem.is_none() && self.rules.iter().any(|r| r == rule || r == "*")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_rules_and_reason() {
        let s = Suppression::parse(
            "PSS-HOST-NAMESPACES, PSS-CAPABILITIES-BASELINE: probe needs the host network",
        );
        assert_eq!(
            s.rules,
            ["PSS-HOST-NAMESPACES", "PSS-CAPABILITIES-BASELINE"]
        );
        assert!(s.covers("PSS-HOST-NAMESPACES"));
        assert!(!s.covers("PSS-PRIVILEGED"));
    }

    #[test]
    fn missing_reason_is_not_honoured() {
        for text in [
            "PSS-PRIVILEGED",
            "PSS-PRIVILEGED:",
            "PSS-PRIVILEGED:   ",
            ": because",
        ] {
            let s = Suppression::parse(text);
            assert!(s.problem.is_some(), "{text}");
            assert!(!s.covers("PSS-PRIVILEGED"), "{text}");
        }
    }

    #[test]
    fn reads_from_object() {
        let obj = json!({"metadata": {"annotations": {"palisade.dev/ignore": "RBAC-WILDCARD: operator"}}});
        assert!(Suppression::of(&obj).is_some_and(|s| s.covers("RBAC-WILDCARD")));
        assert!(Suppression::of(&json!({"metadata": {}})).is_none());
        let bad = json!({"metadata": {"annotations": {"palisade.dev/ignore": 3}}});
        assert!(Suppression::of(&bad).is_some_and(|s| s.problem.is_some()));
        assert_eq!(
            obj.pointer(IGNORE_POINTER),
            Some(&json!("RBAC-WILDCARD: operator"))
        );
    }
}
