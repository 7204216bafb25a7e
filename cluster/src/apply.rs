//! Server-side apply of NetworkPolicies, with field manager `palisade`: what is in the cluster is
//! read first, a policy already there and equal is left alone (no request that would bump its
//! resourceVersion), and the others are applied (forced: Palisade owns the fields it writes), or
//! only dry-run by the API server. "Equal" is judged as the API server stores a policy: empty
//! lists and nulls dropped (every list of the NetworkPolicy API is `omitempty`), a port's protocol
//! `TCP` when unset, and labels and annotations compared only on the keys the policy sets (apply
//! merges them into the others).

use crate::error::ClusterError;
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::{Api, Patch, PatchParams};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The field manager of every apply.
pub const FIELD_MANAGER: &str = "palisade";

/// What an apply did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Configured,
    Unchanged,
}

impl Change {
    /// As kubectl says it.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Configured => "configured",
            Change::Unchanged => "unchanged",
        }
    }
}

/// The outcome for one policy: the change, and the policy as compared (see [`view`]) before and
/// after, for a diff.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub namespace: String,
    pub name: String,
    pub change: Change,
    /// What the cluster holds, as compared; `None` when it holds no such policy.
    pub before: Option<Value>,
    /// The policy applied, as compared.
    pub after: Value,
}

/// Applies one NetworkPolicy (an object with `metadata.name` and `metadata.namespace`), or only
/// dry-runs it on the API server.
pub async fn apply_network_policy(
    client: &kube::Client,
    policy: &Value,
    dry_run: bool,
) -> Result<Applied, ClusterError> {
    let text = |field: &str| {
        policy["metadata"][field]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                ClusterError::Invalid(format!("a NetworkPolicy without metadata.{field}"))
            })
    };
    let (namespace, name) = (text("namespace")?, text("name")?);
    let what = || format!("networkpolicy {namespace}/{name}");
    let api: Api<NetworkPolicy> = Api::namespaced(client.clone(), &namespace);
    let current = api
        .get_opt(&name)
        .await
        .map_err(|source| ClusterError::Api {
            what: what(),
            source,
        })?;
    let before = match current {
        Some(p) => Some(view(
            &serde_json::to_value(p).map_err(|e| ClusterError::Invalid(e.to_string()))?,
            policy,
        )),
        None => None,
    };
    let after = view(policy, policy);
    if before.as_ref() == Some(&after) {
        return Ok(Applied {
            namespace,
            name,
            change: Change::Unchanged,
            before,
            after,
        });
    }
    let mut params = PatchParams::apply(FIELD_MANAGER).force();
    if dry_run {
        params = params.dry_run();
    }
    api.patch(&name, &params, &Patch::Apply(policy))
        .await
        .map_err(|source| ClusterError::Api {
            what: what(),
            source,
        })?;
    let change = if before.is_some() {
        Change::Configured
    } else {
        Change::Created
    };
    Ok(Applied {
        namespace,
        name,
        change,
        before,
        after,
    })
}

/// A NetworkPolicy as compared: apiVersion, kind, name, namespace, the labels and annotations
/// `desired` sets (with the values `object` has for them), and the spec as the API server stores
/// it.
pub fn view(object: &Value, desired: &Value) -> Value {
    let mut metadata = Map::new();
    for field in ["name", "namespace"] {
        metadata.insert(field.into(), object["metadata"][field].clone());
    }
    for field in ["labels", "annotations"] {
        if let Some(Value::Object(wanted)) = desired["metadata"].get(field) {
            let have: Map<String, Value> = wanted
                .keys()
                .filter_map(|k| {
                    object["metadata"][field]
                        .get(k)
                        .map(|v| (k.clone(), v.clone()))
                })
                .collect();
            metadata.insert(field.into(), Value::Object(have));
        }
    }
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata,
        "spec": stored(object.get("spec").cloned().unwrap_or(Value::Null)),
    })
}

/// The spec as the API server keeps it: nulls and empty lists dropped, protocols defaulted; keys
/// sorted, so that a diff of two views shows only what differs.
fn stored(value: Value) -> Value {
    match value {
        Value::Object(mut map) => {
            // Defaulted before the ports are themselves stored (which sorts their keys).
            if let Some(Value::Array(ports)) = map.get_mut("ports") {
                for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                    port.entry("protocol").or_insert_with(|| json!("TCP"));
                }
            }
            let mut out: BTreeMap<String, Value> = BTreeMap::new();
            for (k, v) in map {
                let v = stored(v);
                let empty = v.is_null() || v.as_array().is_some_and(Vec::is_empty);
                if !empty {
                    out.insert(k, v);
                }
            }
            Value::Object(out.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(stored).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(spec: Value) -> Value {
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
               "metadata": {"name": "p", "namespace": "shop"}, "spec": spec})
    }

    #[test]
    fn a_policy_compares_equal_to_what_the_api_server_stores_of_it() {
        let desired = policy(json!({
            "podSelector": {"matchLabels": {"app": "web"}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [],
            "egress": [{"to": [{"podSelector": {}}], "ports": [{"port": 53}]}],
        }));
        let mut stored_copy = policy(json!({
            "podSelector": {"matchLabels": {"app": "web"}},
            "policyTypes": ["Ingress", "Egress"],
            "egress": [{"to": [{"podSelector": {}}], "ports": [{"port": 53, "protocol": "TCP"}]}],
        }));
        stored_copy["metadata"]["uid"] = json!("x");
        stored_copy["metadata"]["labels"] = json!({"team": "a"});
        assert_eq!(view(&stored_copy, &desired), view(&desired, &desired));
    }

    #[test]
    fn a_different_port_protocol_or_label_is_a_change() {
        let mut desired =
            policy(json!({"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]}));
        desired["metadata"]["labels"] = json!({"app.kubernetes.io/managed-by": "palisade"});
        let mut other = desired.clone();
        other["spec"]["ingress"][0]["ports"][0]["protocol"] = json!("UDP");
        assert_ne!(view(&other, &desired), view(&desired, &desired));
        let mut unlabelled = desired.clone();
        unlabelled["metadata"]["labels"] = json!({});
        assert_ne!(view(&unlabelled, &desired), view(&desired, &desired));
        // An empty podSelector is kept: it selects every pod.
        let mut selecting = desired.clone();
        selecting["spec"]["podSelector"] = json!({"matchLabels": {"app": "x"}});
        assert_ne!(view(&selecting, &desired), view(&desired, &desired));
    }
}
