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
    /// For a kind watched whole: the only fields kept besides the metadata (two-level JSON
    /// pointers such as `/spec/nodeName`), and no annotations; `None` keeps the object (less
    /// managedFields and the last-applied copy).
    pub keep: Option<&'static [&'static str]>,
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
            resource: resource(group, version, kind, plural),
            metadata_only: *metadata_only,
            keep: None,
        })
        .collect()
}

fn resource(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural)
}

/// The fields of a Pod that attribution reads (besides name, namespace, labels and owners).
const POD_FIELDS: &[&str] = &[
    "/spec/hostNetwork",
    "/spec/nodeName",
    "/status/phase",
    "/status/podIP",
    "/status/podIPs",
    "/status/hostIP",
    "/status/hostIPs",
];
const SERVICE_FIELDS: &[&str] = &["/spec/clusterIP", "/spec/clusterIPs", "/spec/externalIPs"];
const NODE_FIELDS: &[&str] = &["/status/addresses"];

/// What `palisade probe` watches to attribute addresses: Pods, Services and Nodes cut down to the
/// fields attribution reads, and the owners a pod's workload is found through (ReplicaSets and
/// Jobs, metadata only: their ownerReferences).
pub fn probe_watched() -> Vec<Watched> {
    let whole = |group, version, kind, plural, keep| Watched {
        resource: resource(group, version, kind, plural),
        metadata_only: false,
        keep: Some(keep),
    };
    let owners = |group, version, kind, plural| Watched {
        resource: resource(group, version, kind, plural),
        metadata_only: true,
        keep: None,
    };
    vec![
        whole("", "v1", "Pod", "pods", POD_FIELDS),
        whole("", "v1", "Service", "services", SERVICE_FIELDS),
        whole("", "v1", "Node", "nodes", NODE_FIELDS),
        owners("apps", "v1", "ReplicaSet", "replicasets"),
        owners("batch", "v1", "Job", "jobs"),
    ]
}

/// Cuts a watched object down as `watched` says (see [`Watched::keep`]).
pub fn trim_object(watched: &Watched, object: &mut DynamicObject) {
    trim(&mut object.metadata);
    let Some(keep) = watched.keep else {
        return;
    };
    object.metadata.annotations = None;
    let mut kept = json!({});
    for pointer in keep {
        if let Some(v) = object.data.pointer(pointer) {
            let mut parts = pointer.trim_start_matches('/').split('/');
            if let (Some(a), Some(b)) = (parts.next(), parts.next()) {
                kept[a][b] = v.clone();
            }
        }
    }
    object.data = kept;
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

/// A metadata-only object as the inventory holds it: name, namespace, labels and owners.
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
    if let Some(owners) = meta.owner_references.as_ref().filter(|o| !o.is_empty()) {
        metadata.insert("ownerReferences".into(), json!(owners));
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
    fn the_probe_keeps_of_a_pod_only_what_attribution_reads() {
        let pods = probe_watched()
            .into_iter()
            .find(|w| w.resource.kind == "Pod")
            .unwrap_or_else(|| panic!("Pod not watched"));
        let mut pod: DynamicObject = serde_json::from_value(json!({
            "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"},
                         "annotations": {"note": "x"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                              "name": "web-5d9", "uid": "u", "controller": true}]},
            "spec": {"nodeName": "n1", "containers": [{"name": "web", "image": "web:1", "env": []}]},
            "status": {"phase": "Running", "podIP": "10.0.0.5", "podIPs": [{"ip": "10.0.0.5"}],
                       "conditions": [{"type": "Ready"}]},
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        trim_object(&pods, &mut pod);
        let value = full_object(&pods.resource, &pod);
        assert_eq!(value["spec"], json!({"nodeName": "n1"}));
        assert_eq!(
            value["status"],
            json!({"phase": "Running", "podIP": "10.0.0.5", "podIPs": [{"ip": "10.0.0.5"}]})
        );
        assert_eq!(value["metadata"]["labels"], json!({"app": "web"}));
        assert_eq!(value["metadata"]["ownerReferences"][0]["name"], "web-5d9");
        assert!(value["metadata"].get("annotations").is_none(), "{value}");
    }

    #[test]
    fn owners_keep_their_own_owners() {
        let rs = probe_watched()
            .into_iter()
            .find(|w| w.resource.kind == "ReplicaSet")
            .unwrap_or_else(|| panic!("ReplicaSet not watched"));
        let meta: ObjectMeta = serde_json::from_value(json!({
            "name": "web-5d9", "namespace": "shop",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                 "uid": "u", "controller": true}],
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let value = metadata_object(&rs.resource, &meta);
        assert_eq!(
            value["metadata"]["ownerReferences"][0]["kind"],
            "Deployment"
        );
        assert_eq!(value["kind"], "ReplicaSet");
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
