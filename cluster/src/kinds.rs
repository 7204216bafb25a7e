//! The kinds the webhook's inventory watches — exactly `palisade_policies::INVENTORY_KINDS`, what
//! the built-in rules read beside the object under review — and how a watched object becomes an
//! inventory object: `apiVersion` and `kind` set (list items carry neither), `managedFields` and
//! the last-applied annotation dropped (often the bulk of an object, and no rule reads them).
//! Namespaces are watched metadata-only: rules read their labels, nothing else.
//!
//! ServiceAccounts are watched whole (RBAC-WORKLOAD-IDENTITY reads their
//! `automountServiceAccountToken`), Roles too (what a RoleBinding grants). Pods never are: the
//! object under review arrives in the AdmissionReview.

use kube::api::{DynamicObject, GroupVersionKind, ObjectMeta};
use kube::discovery::ApiResource;
use serde_json::{Map, Value, json};

/// The annotation `kubectl apply` writes: a whole copy of the object.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// One watched kind.
#[derive(Debug, Clone)]
pub struct Watched {
    pub resource: ApiResource,
    /// Watched as PartialObjectMetadata (labels and names suffice).
    pub metadata_only: bool,
}

/// (group, version, kind, plural, metadata only) of every watched kind.
const TABLE: [(&str, &str, &str, &str, bool); 8] = [
    ("", "v1", "Namespace", "namespaces", true),
    ("", "v1", "Service", "services", false),
    ("", "v1", "ServiceAccount", "serviceaccounts", false),
    (
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        false,
    ),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", false),
];

/// The watched kinds, in a fixed order.
pub fn watched() -> Vec<Watched> {
    TABLE
        .iter()
        .map(|(group, version, kind, plural, metadata_only)| Watched {
            resource: ApiResource::from_gvk_with_plural(
                &GroupVersionKind::gvk(group, version, kind),
                plural,
            ),
            metadata_only: *metadata_only,
        })
        .collect()
}

/// Drops what no rule reads from an object's metadata.
pub fn trim(meta: &mut ObjectMeta) {
    meta.managed_fields = None;
    if let Some(annotations) = meta.annotations.as_mut() {
        annotations.remove(LAST_APPLIED);
        if annotations.is_empty() {
            meta.annotations = None;
        }
    }
}

/// A watched object as the inventory holds it.
pub fn full_object(resource: &ApiResource, object: &DynamicObject) -> Value {
    let mut value = match serde_json::to_value(object) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    value.insert("apiVersion".into(), resource.api_version.clone().into());
    value.insert("kind".into(), resource.kind.clone().into());
    Value::Object(value)
}

/// A metadata-only object as the inventory holds it: name, namespace and labels.
pub fn metadata_object(resource: &ApiResource, meta: &ObjectMeta) -> Value {
    let mut metadata = Map::new();
    if let Some(name) = &meta.name {
        metadata.insert("name".into(), name.clone().into());
    }
    if let Some(namespace) = &meta.namespace {
        metadata.insert("namespace".into(), namespace.clone().into());
    }
    if let Some(labels) = &meta.labels {
        metadata.insert("labels".into(), json!(labels));
    }
    json!({"apiVersion": resource.api_version, "kind": resource.kind, "metadata": metadata})
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_policies::INVENTORY_KINDS;

    #[test]
    fn watches_exactly_what_the_inventory_keeps() {
        let mut watched: Vec<String> = watched().into_iter().map(|w| w.resource.kind).collect();
        let mut kept: Vec<String> = INVENTORY_KINDS.iter().map(|k| k.to_string()).collect();
        watched.sort();
        kept.sort();
        assert_eq!(watched, kept);
    }

    #[test]
    fn list_items_get_their_kind_and_lose_what_no_rule_reads() {
        let all = watched();
        let resource = &all
            .iter()
            .find(|w| w.resource.kind == "ClusterRole")
            .unwrap_or_else(|| panic!("ClusterRole not watched"))
            .resource;
        let mut object: DynamicObject = serde_json::from_value(json!({
            "metadata": {
                "name": "viewer",
                "annotations": {LAST_APPLIED: "{…}"},
                "managedFields": [{"manager": "kubectl"}],
            },
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}],
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        trim(&mut object.metadata);
        let value = full_object(resource, &object);
        assert_eq!(
            value,
            json!({
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": "viewer"},
                "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}],
            })
        );
    }

    #[test]
    fn namespaces_keep_name_and_labels() {
        let resource = &watched()[0].resource;
        let meta: ObjectMeta = serde_json::from_value(json!({
            "name": "team-a", "labels": {"tier": "prod"}, "uid": "1", "resourceVersion": "7",
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            metadata_object(resource, &meta),
            json!({"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": "team-a", "labels": {"tier": "prod"}}})
        );
    }
}
