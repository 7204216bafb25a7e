//! The Rego input, built one way for every door. `input.review` is an AdmissionRequest
//! (Gatekeeper's shape); the webhook passes the API server's request through, the linter builds
//! one from a manifest as a CREATE by a named CI user. `input.parameters` is added at evaluation.

use serde::Serialize;
use serde_json::{Value, json};

/// The user the linter acts as when it builds a review from a manifest.
pub const CI_USER: &str = "palisade:ci";

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    pub username: String,
    pub groups: Vec<String>,
}

impl Default for UserInfo {
    fn default() -> Self {
        UserInfo {
            username: CI_USER.to_string(),
            groups: vec!["system:authenticated".to_string()],
        }
    }
}

/// The operation of the request under review (a manifest in CI is a CREATE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operation {
    Create,
    Update,
    Delete,
    Connect,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Connect => "CONNECT",
        }
    }
}

impl std::str::FromStr for Operation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "CREATE" => Ok(Operation::Create),
            "UPDATE" => Ok(Operation::Update),
            "DELETE" => Ok(Operation::Delete),
            "CONNECT" => Ok(Operation::Connect),
            other => Err(format!(
                "unknown operation `{other}` (expected CREATE, UPDATE, DELETE or CONNECT)"
            )),
        }
    }
}

/// The input for an AdmissionRequest received from the API server (`request` of an AdmissionReview).
pub fn from_admission_request(request: &Value) -> Value {
    json!({ "review": request })
}

/// The input for a manifest, reviewed as a CREATE by `user`.
pub fn from_object(object: &Value, user: &UserInfo) -> Value {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let meta = object.get("metadata");
    let field = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let name = match field("name") {
        "" => field("generateName"),
        n => n,
    };
    json!({
        "review": {
            "uid": "",
            "kind": {"group": group, "version": version, "kind": kind},
            "resource": {"group": group, "version": version, "resource": resource_of(kind)},
            "name": name,
            "namespace": field("namespace"),
            "operation": "CREATE",
            "userInfo": {"username": user.username, "groups": user.groups},
            "object": object,
            "oldObject": null,
            "dryRun": false,
            "options": null,
        }
    })
}

/// Lower-case plural resource name for a kind (what the API server would put in `resource`).
fn resource_of(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.ends_with('s') || lower.ends_with("sh") || lower.ends_with("ch") {
        format!("{lower}es")
    } else if let Some(stem) = lower
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_ci_create_review() {
        let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}});
        let input = from_object(&obj, &UserInfo::default());
        assert_eq!(
            input["review"]["kind"],
            json!({"group": "apps", "version": "v1", "kind": "Deployment"})
        );
        assert_eq!(input["review"]["resource"]["resource"], "deployments");
        assert_eq!(input["review"]["operation"], "CREATE");
        assert_eq!(input["review"]["namespace"], "shop");
        assert_eq!(input["review"]["userInfo"]["username"], CI_USER);
        assert_eq!(input["review"]["object"], obj);
    }

    #[test]
    fn core_group_and_plurals() {
        let input = from_object(
            &json!({"apiVersion": "v1", "kind": "Pod"}),
            &UserInfo::default(),
        );
        assert_eq!(input["review"]["kind"]["group"], "");
        assert_eq!(resource_of("NetworkPolicy"), "networkpolicies");
        assert_eq!(resource_of("Ingress"), "ingresses");
        assert_eq!(resource_of("Gateway"), "gateways");
    }
}
