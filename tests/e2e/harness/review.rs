//! The request side of the API server: an [`Attempt`] (what a user asked for: operation,
//! resource, object, old object, user, dry run), the AdmissionReview the API server writes for it
//! (every request field filled as the API server fills it, a fresh uid each time), and the
//! checks it makes of the answer before believing it.

use base64::Engine as _;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

/// A user's request, before admission.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub operation: String,
    pub group: String,
    pub version: String,
    pub kind: String,
    /// Plural resource (`pods`).
    pub resource: String,
    /// Empty, or the subresource (`ephemeralcontainers`).
    pub sub_resource: String,
    /// Empty for cluster-scoped objects; a Namespace's own name for a Namespace.
    pub namespace: String,
    pub name: String,
    pub object: Option<Value>,
    pub old_object: Option<Value>,
    pub user: Value,
    pub dry_run: bool,
}

/// Group, version, plural resource and whether it is namespaced, for the kinds the tests send.
pub fn resource_of(api_version: &str, kind: &str) -> (String, String, String, bool) {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let cluster = [
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "Node",
        "PersistentVolume",
    ];
    let plural = match kind {
        "NetworkPolicy" => "networkpolicies".to_string(),
        "Ingress" => "ingresses".to_string(),
        k => format!("{}s", k.to_lowercase()),
    };
    (
        group.into(),
        version.into(),
        plural,
        !cluster.contains(&kind),
    )
}

impl Attempt {
    /// CREATE of `object`, by a developer.
    pub fn create(object: Value) -> Attempt {
        let mut object = object;
        default_namespace_label(&mut object);
        let api_version = object["apiVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let kind = object["kind"].as_str().unwrap_or_default().to_string();
        let (group, version, resource, namespaced) = resource_of(&api_version, &kind);
        let name = object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let namespace = match (kind.as_str(), namespaced) {
            ("Namespace", _) => name.clone(),
            (_, true) => object["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
                .to_string(),
            (_, false) => String::new(),
        };
        Attempt {
            operation: "CREATE".into(),
            group,
            version,
            kind,
            resource,
            sub_resource: String::new(),
            namespace,
            name,
            object: Some(object),
            old_object: None,
            user: json!({
                "username": "jane@example.com",
                "uid": "6a1c4ca4-0b5e-4c1a-9d1e-7d3f3c1b2a10",
                "groups": ["developers", "system:authenticated"],
            }),
            dry_run: false,
        }
    }

    /// UPDATE of `old` to `new`.
    pub fn update(old: Value, new: Value) -> Attempt {
        let mut old = old;
        default_namespace_label(&mut old);
        let mut attempt = Attempt::create(new);
        attempt.operation = "UPDATE".into();
        attempt.old_object = Some(old);
        attempt
    }

    /// DELETE of `old` (the API server sends `object: null`).
    pub fn delete(old: Value) -> Attempt {
        let mut attempt = Attempt::create(old);
        attempt.operation = "DELETE".into();
        attempt.old_object = attempt.object.take();
        attempt
    }

    /// The same request for a subresource.
    pub fn subresource(mut self, sub: &str) -> Attempt {
        self.sub_resource = sub.into();
        self
    }

    pub fn dry_run(mut self) -> Attempt {
        self.dry_run = true;
        self
    }

    /// The AdmissionRequest, as the API server fills it.
    pub fn request(&self, uid: &str) -> Value {
        let kind = json!({"group": self.group, "version": self.version, "kind": self.kind});
        let resource =
            json!({"group": self.group, "version": self.version, "resource": self.resource});
        let options = match self.operation.as_str() {
            "CREATE" => "CreateOptions",
            "UPDATE" => "UpdateOptions",
            _ => "DeleteOptions",
        };
        let mut request = json!({
            "uid": uid,
            "kind": kind,
            "resource": resource,
            "requestKind": kind,
            "requestResource": resource,
            "name": self.name,
            "operation": self.operation,
            "userInfo": self.user,
            "object": self.object,
            "oldObject": self.old_object,
            "dryRun": self.dry_run,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": options},
        });
        if !self.sub_resource.is_empty() {
            request["subResource"] = json!(self.sub_resource);
            request["requestSubResource"] = json!(self.sub_resource);
        }
        if !self.namespace.is_empty() {
            request["namespace"] = json!(self.namespace);
        }
        request
    }
}

/// A Namespace carries `kubernetes.io/metadata.name` once the API server has defaulted it.
fn default_namespace_label(object: &mut Value) {
    if object["kind"] == "Namespace" {
        let name = object["metadata"]["name"].clone();
        if !object["metadata"]["labels"].is_object() {
            object["metadata"]["labels"] = json!({});
        }
        object["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
    }
}

/// The AdmissionReview of `version` (`v1`, `v1beta1`) for `request`.
pub fn review(version: &str, request: Value) -> Value {
    json!({
        "apiVersion": format!("admission.k8s.io/{version}"),
        "kind": "AdmissionReview",
        "request": request,
    })
}

/// A fresh request uid (UUID-shaped, unique in this process and across runs).
pub fn uid() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(n);
    let r = h.finish();
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        r >> 32,
        (r >> 16) & 0xffff,
        r & 0xfff,
        n & 0xfff,
        (n >> 12) ^ (r & 0xffff_ffff_ffff)
    )
}

/// A webhook's answer, as the API server accepts it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub allowed: bool,
    /// `status` of a denial: code, reason, message.
    pub status: Value,
    pub warnings: Vec<String>,
    /// The decoded JSONPatch of a mutating webhook.
    pub patch: Option<Value>,
}

/// Checks an answer as the API server does (`VerifyAdmissionResponse`); an error here is a
/// failure to call the webhook, which its failurePolicy decides.
pub fn verify(body: &[u8], version: &str, uid: &str, mutating: bool) -> Result<Answer, String> {
    let review: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let want = format!("admission.k8s.io/{version}");
    if review["apiVersion"] != want.as_str() || review["kind"] != "AdmissionReview" {
        return Err(format!(
            "expected webhook response of {want}, Kind=AdmissionReview, got {}, Kind={}",
            review["apiVersion"], review["kind"]
        ));
    }
    let response = review.get("response").filter(|r| r.is_object());
    let response = response.ok_or("webhook response was absent")?;
    if response["uid"] != uid {
        return Err(format!(
            "expected response.uid={uid:?}, got {}",
            response["uid"]
        ));
    }
    let patch_type = response["patchType"].as_str().unwrap_or_default();
    let patch = response["patch"].as_str().unwrap_or_default();
    if !mutating && (!patch.is_empty() || !patch_type.is_empty()) {
        return Err("validating webhooks may not return patches".into());
    }
    if !patch.is_empty() && patch_type.is_empty() {
        return Err("webhook returned response.patch but not response.patchType".into());
    }
    if !patch_type.is_empty() && patch_type != "JSONPatch" {
        return Err(format!(
            "webhook returned invalid response.patchType of {patch_type:?}"
        ));
    }
    let patch = if patch.is_empty() {
        None
    } else {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(patch)
            .map_err(|e| format!("response.patch is not base64: {e}"))?;
        Some(serde_json::from_slice(&bytes).map_err(|e| format!("response.patch: {e}"))?)
    };
    let warnings = response["warnings"].as_array().into_iter().flatten();
    Ok(Answer {
        allowed: response["allowed"].as_bool().unwrap_or(false),
        status: response["status"].clone(),
        warnings: warnings
            .filter_map(|w| w.as_str().map(str::to_string))
            .collect(),
        patch,
    })
}
