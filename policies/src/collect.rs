//! Turning one entry point's result (a set or an array) into findings or patch operations,
//! reading the VM's values directly: only patch operations are converted to JSON.

use crate::policy::{Entry, Policy};
use crate::{Action, Decision, EvalError, Finding, Patch};
use regorus::Value as V;

/// The items of a rule's result: nothing when the rule is undefined.
fn items<'a>(policy: &Policy, entry: &Entry, result: &'a V) -> Result<Vec<&'a V>, EvalError> {
    match result {
        V::Undefined | V::Null => Ok(Vec::new()),
        V::Set(set) => Ok(set.iter_sorted().collect()),
        V::Array(array) => Ok(array.iter().collect()),
        other => Err(shape(policy, entry, "a set", other)),
    }
}

fn shape(policy: &Policy, entry: &Entry, expected: &'static str, got: &V) -> EvalError {
    EvalError::Shape {
        rule: policy.meta.id.clone(),
        what: entry.rule,
        expected,
        got: serde_json::to_string(got).unwrap_or_else(|e| e.to_string()),
    }
}

/// Findings of a `deny`, `violation` or `warn` entry.
pub(crate) fn findings(
    policy: &Policy,
    entry: &Entry,
    result: &V,
    out: &mut Decision,
) -> Result<(), EvalError> {
    let items = items(policy, entry, result)?;
    if items.is_empty() {
        return Ok(());
    }
    let action = if entry.rule == "warn" {
        Action::Warn
    } else {
        Action::Deny
    };
    let (msg_key, path_key, severity_key) = (V::from("msg"), V::from("path"), V::from("severity"));
    let remediation_key = V::from("remediation");
    // A match, not `as_string`: its error for a missing field builds an anyhow error, which
    // captures a backtrace when RUST_BACKTRACE is set — a cost on every finding.
    let text = |v: &V| match v {
        V::String(s) => Some(s.to_string()),
        _ => None,
    };
    for item in items {
        let (message, path, severity, remediation) = match item {
            V::String(s) => (s.to_string(), None, None, None),
            V::Object(_) => (
                text(&item[&msg_key]).unwrap_or_default(),
                text(&item[&path_key]),
                text(&item[&severity_key]).and_then(|s| s.parse().ok()),
                text(&item[&remediation_key]).filter(|r| !r.trim().is_empty()),
            ),
            other => {
                let expected = "a set of objects with `msg` or of strings";
                return Err(shape(policy, entry, expected, other));
            }
        };
        out.findings.push(Finding {
            rule: policy.meta.id.clone(),
            severity: severity.unwrap_or(policy.meta.severity),
            action,
            message,
            path,
            remediation,
        });
    }
    Ok(())
}

/// Operations of a `patch` entry, each an object (RFC 6902).
pub(crate) fn patches(
    policy: &Policy,
    entry: &Entry,
    result: &V,
    out: &mut Vec<Patch>,
) -> Result<(), EvalError> {
    for item in items(policy, entry, result)? {
        if !matches!(item, V::Object(_)) {
            return Err(shape(
                policy,
                entry,
                "a set of RFC 6902 operation objects",
                item,
            ));
        }
        let op = serde_json::to_value(item).map_err(|e| EvalError::Rego {
            rule: policy.meta.id.clone(),
            detail: e.to_string(),
        })?;
        out.push(Patch {
            rule: policy.meta.id.clone(),
            op,
        });
    }
    Ok(())
}
