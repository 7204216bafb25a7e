//! Server-side apply on the fake: `PATCH` of one object with `Content-Type:
//! application/apply-patch+yaml` (a JSON body is YAML too). As the API server does, it needs a
//! `fieldManager`, creates the object when it is missing (201) and otherwise merges the applied
//! fields into it (200), and with `dryRun=All` answers with the result without storing it. The
//! merge is simpler than the real one (which tracks field ownership): each top-level field
//! applied (`spec`, a report's `results`) is replaced whole,
//! labels and annotations are merged, `managedFields` names the manager. NetworkPolicies are
//! defaulted as the API server stores them: empty `ingress`/`egress` lists dropped, a port's
//! protocol `TCP` when unset. Every apply is recorded for tests ([`crate::FakeApi::applies`]).

use crate::Shared;
use crate::routes::{Target, json_body, status};
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;

/// One apply request the fake answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub plural: String,
    pub namespace: String,
    pub name: String,
    pub field_manager: String,
    pub dry_run: bool,
    pub force: bool,
}

pub(crate) fn patch(
    state: &Shared,
    target: &Target,
    name: &str,
    query: &HashMap<String, String>,
    body: &Bytes,
) -> Response {
    let Some(field_manager) = query.get("fieldManager").filter(|m| !m.is_empty()) else {
        return status(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        );
    };
    let applied: Value = match serde_json::from_slice(body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            return status(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                "body is not an object",
            );
        }
    };
    if applied["metadata"]["name"].as_str() != Some(name) {
        return status(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "the name of the object does not match the name on the URL",
        );
    }
    let dry_run = query.get("dryRun").is_some_and(|d| d == "All");
    let force = query.get("force").is_some_and(|f| f == "true");
    let key = (
        target.plural.clone(),
        target.namespace.clone(),
        name.to_string(),
    );
    let mut store = state.store();
    Shared::count(&mut store, &target.plural, "patch");
    store.applies.push(Applied {
        plural: target.plural.clone(),
        namespace: target.namespace.clone(),
        name: name.to_string(),
        field_manager: field_manager.clone(),
        dry_run,
        force,
    });
    let existing = store.objects.get(&key).cloned();
    let created = existing.is_none();
    let mut object = merge(existing, &applied, &target.namespace);
    object["metadata"]["managedFields"] = json!([{
        "manager": field_manager, "operation": "Apply",
        "apiVersion": applied["apiVersion"], "fieldsType": "FieldsV1",
    }]);
    if target.plural == "networkpolicies" {
        default_network_policy(&mut object);
    }
    if !dry_run {
        object = state.commit(&mut store, key, object);
    }
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (code, json_body(&object)).into_response()
}

/// The stored object after an apply of `applied` over `existing`.
fn merge(existing: Option<Value>, applied: &Value, namespace: &str) -> Value {
    let Some(mut object) = existing else {
        let mut object = applied.clone();
        if !namespace.is_empty() {
            object["metadata"]["namespace"] = json!(namespace);
        }
        object["metadata"]["uid"] = json!(format!(
            "fake-{}-{}",
            namespace,
            applied["metadata"]["name"].as_str().unwrap_or_default()
        ));
        return object;
    };
    // Every top-level field applied replaces the stored one whole (as for atomic fields).
    for (key, value) in applied.as_object().into_iter().flatten() {
        if !matches!(key.as_str(), "apiVersion" | "kind" | "metadata" | "status") {
            object[key.as_str()] = value.clone();
        }
    }
    for field in ["labels", "annotations"] {
        if let Some(Value::Object(given)) = applied["metadata"].get(field) {
            let meta = &mut object["metadata"];
            if !meta[field].is_object() {
                meta[field] = json!({});
            }
            if let Some(have) = meta[field].as_object_mut() {
                have.extend(given.clone());
            }
        }
    }
    object
}

/// As the API server stores a NetworkPolicy: `omitempty` drops empty rule lists, and a port's
/// protocol defaults to TCP.
fn default_network_policy(object: &mut Value) {
    let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    for key in ["ingress", "egress"] {
        if spec
            .get(key)
            .is_some_and(|v| v.as_array().is_some_and(Vec::is_empty))
        {
            spec.remove(key);
        }
        let Some(rules) = spec.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        for rule in rules {
            let Some(ports) = rule.get_mut("ports").and_then(Value::as_array_mut) else {
                continue;
            };
            for port in ports {
                if let Some(p) = port.as_object_mut() {
                    p.entry("protocol").or_insert_with(|| json!("TCP"));
                }
            }
        }
    }
}
