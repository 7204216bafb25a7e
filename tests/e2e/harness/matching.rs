//! Which webhooks the API server calls for a request, as its admission plugins decide: the
//! namespaceSelector (against the namespace's labels; cluster-scoped objects always match,
//! except a Namespace, which is matched against its own labels), the objectSelector (the object's
//! or the old object's labels), then the rules (operations, API groups and versions, resources
//! with `*` and subresources, scope). matchPolicy `Equivalent` is not modelled: the tests send
//! only the versions the rules name. matchConditions (CEL) are not evaluated either, see
//! [`super::config::WebhookConfig::match_conditions`].

use super::config::{LabelSelector, Rule, WebhookConfig};
use super::review::Attempt;
use serde_json::Value;
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

/// Whether the API server calls `hook` for `attempt`; `Err` is the error it answers with (a
/// namespace it cannot find, a selector it cannot parse).
pub fn should_call(
    hook: &WebhookConfig,
    attempt: &Attempt,
    namespaces: &BTreeMap<String, Labels>,
) -> Result<bool, (u16, String)> {
    let ns = namespace_matches(&hook.namespace_selector, attempt, namespaces);
    if let Ok(false) = ns {
        return Ok(false);
    }
    let object_match = object_matches(&hook.object_selector, attempt);
    if let Ok(false) = object_match {
        return Ok(false);
    }
    if !hook.rules.iter().any(|r| rule_matches(r, attempt)) {
        return Ok(false);
    }
    ns?;
    object_match?;
    Ok(true)
}

/// The objectSelector: the object's labels or the old object's (an absent object matches no
/// selector but the empty one).
fn object_matches(selector: &LabelSelector, attempt: &Attempt) -> Result<bool, (u16, String)> {
    if is_empty(selector) {
        return Ok(true);
    }
    let mut hit = false;
    for object in [&attempt.object, &attempt.old_object].into_iter().flatten() {
        hit |= selector_matches(selector, &labels_of(object)).map_err(|e| (500, e))?;
    }
    Ok(hit)
}

fn is_empty(selector: &LabelSelector) -> bool {
    selector.match_labels.is_empty() && selector.match_expressions.is_empty()
}

fn namespace_matches(
    selector: &LabelSelector,
    attempt: &Attempt,
    namespaces: &BTreeMap<String, Labels>,
) -> Result<bool, (u16, String)> {
    let is_namespace = attempt.resource == "namespaces";
    if attempt.namespace.is_empty() && !is_namespace {
        return Ok(true);
    }
    if is_empty(selector) {
        return Ok(true);
    }
    // A Namespace being created or updated is judged by its new labels.
    let own = is_namespace
        && attempt.sub_resource.is_empty()
        && matches!(attempt.operation.as_str(), "CREATE" | "UPDATE");
    let labels = match (&attempt.object, own) {
        (Some(object), true) => labels_of(object),
        _ => namespaces
            .get(&attempt.namespace)
            .cloned()
            .ok_or_else(|| (404, format!("namespaces {:?} not found", attempt.namespace)))?,
    };
    selector_matches(selector, &labels).map_err(|e| (500, e))
}

/// An object's `metadata.labels`.
pub fn labels_of(object: &Value) -> Labels {
    let labels = object["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten();
    labels
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// A label selector against a label set; an empty selector selects everything.
pub fn selector_matches(selector: &LabelSelector, labels: &Labels) -> Result<bool, String> {
    let mut ok = selector
        .match_labels
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v));
    for r in &selector.match_expressions {
        let value = labels.get(&r.key);
        let with_values = |matches: bool| {
            if r.values.is_empty() {
                Err(format!("{}: operator {} needs values", r.key, r.operator))
            } else {
                Ok(matches)
            }
        };
        let without_values = |matches: bool| {
            if r.values.is_empty() {
                Ok(matches)
            } else {
                Err(format!(
                    "{}: operator {} takes no values",
                    r.key, r.operator
                ))
            }
        };
        let hit = match r.operator.as_str() {
            "In" => with_values(value.is_some_and(|v| r.values.contains(v)))?,
            "NotIn" => with_values(value.is_none_or(|v| !r.values.contains(v)))?,
            "Exists" => without_values(value.is_some())?,
            "DoesNotExist" => without_values(value.is_none())?,
            other => return Err(format!("{}: unknown operator {other}", r.key)),
        };
        ok &= hit;
    }
    Ok(ok)
}

/// One rule against a request (the API server's `rules.Matcher`).
pub fn rule_matches(rule: &Rule, a: &Attempt) -> bool {
    let any = |list: &[String], value: &str| list.iter().any(|x| x == "*" || x == value);
    let resource = rule.resources.iter().any(|r| {
        let (res, sub) = r.split_once('/').unwrap_or((r, ""));
        (res == "*" || res == a.resource) && (sub == "*" || sub == a.sub_resource)
    });
    let scope = match rule.scope.as_str() {
        "*" => true,
        "Namespaced" => a.resource != "namespaces" && !a.namespace.is_empty(),
        "Cluster" => a.resource == "namespaces" || a.namespace.is_empty(),
        _ => false,
    };
    any(&rule.operations, &a.operation)
        && any(&rule.api_groups, &a.group)
        && any(&rule.api_versions, &a.version)
        && resource
        && scope
}
