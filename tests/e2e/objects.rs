//! The objects the cases send: pods at each Pod Security level, a pod controller, roles,
//! NetworkPolicies and namespaces, and the repository's examples.

use serde_json::{Value, json};

/// A pod that meets Pod Security `restricted`: non-root, RuntimeDefault seccomp, no privilege
/// escalation, every capability dropped.
pub fn restricted_pod(name: &str, namespace: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "securityContext": {
                "runAsNonRoot": true,
                "runAsUser": 10001,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [{
                "name": "app",
                "image": "registry.example/app:1.4.2",
                "securityContext": {
                    "allowPrivilegeEscalation": false,
                    "capabilities": {"drop": ["ALL"]},
                    "readOnlyRootFilesystem": true,
                },
            }],
        },
    })
}

/// A pod whose only container is privileged.
pub fn privileged_pod(name: &str, namespace: &str) -> Value {
    let mut pod = restricted_pod(name, namespace);
    pod["spec"]["containers"][0]["securityContext"] = json!({"privileged": true});
    pod
}

/// A pod with no securityContext at all.
pub fn bare_pod(name: &str, namespace: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"containers": [{"name": "app", "image": "registry.example/app:1.4.2"}]},
    })
}

/// `object` with one more label.
pub fn labelled(object: &Value, key: &str, value: &str) -> Value {
    let mut object = object.clone();
    if !object["metadata"]["labels"].is_object() {
        object["metadata"]["labels"] = json!({});
    }
    object["metadata"]["labels"][key] = json!(value);
    object
}

/// An ephemeral container (`kubectl debug`), privileged or restricted.
pub fn debug_container(privileged: bool) -> Value {
    let security = if privileged {
        json!({"privileged": true})
    } else {
        json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}})
    };
    json!({"name": "debugger", "image": "registry.example/debug:1.0", "securityContext": security})
}

/// A Deployment whose pod template is `pod`'s spec.
pub fn deployment(name: &str, namespace: &str, pod: &Value) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": pod["spec"].clone()},
        },
    })
}

pub fn cluster_role(name: &str, rules: Value) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name},
        "rules": rules,
    })
}

pub fn network_policy(name: &str, namespace: &str) -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    })
}

pub fn namespace(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
}

/// A YAML `List` of `items` (JSON is YAML), as `kubectl get -o yaml` writes an inventory.
pub fn list(items: &[Value]) -> String {
    json!({"apiVersion": "v1", "kind": "List", "items": items}).to_string()
}

/// The objects of `examples/<file>`.
pub fn example(file: &str) -> Vec<Value> {
    let path = super::harness::repo(&format!("examples/{file}"));
    let text = super::harness::process::read(&path);
    palisade_linter::yaml::parse_documents(&text)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .into_iter()
        .map(|d| d.value)
        .collect()
}
