//! The `caBundle` of Palisade's webhook configurations in the cluster: read (does every webhook
//! trust a CA yet?) and written (a JSON merge patch of the `webhooks` list, carrying the
//! resourceVersion read, so a concurrent change is never overwritten: the API server answers
//! 409 and the next round reads again). Only get and patch are used, so the RBAC can be
//! narrowed by resourceNames to these configurations.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::ApiResource;
use palisade_certs::certificates_der;
use palisade_certs::managed::bundle_trusts;
use serde_json::{Value, json};

/// The two kinds whose webhooks carry a caBundle, with their plural names.
const KINDS: [(&str, &str); 2] = [
    (
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
    ),
    (
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
    ),
];

/// The configurations named, of either kind.
#[derive(Debug, Clone)]
pub(crate) struct WebhookConfigs {
    apis: Vec<(&'static str, Api<DynamicObject>)>,
    names: Vec<String>,
}

/// One configuration found in the cluster.
#[derive(Debug)]
pub(crate) struct Found {
    api: Api<DynamicObject>,
    pub kind: &'static str,
    pub name: String,
    object: DynamicObject,
}

impl Found {
    /// Each webhook's caBundle, decoded (empty when unset or not base64).
    fn bundles(&self) -> Vec<String> {
        let webhooks = self.object.data["webhooks"].as_array().cloned();
        webhooks
            .unwrap_or_default()
            .iter()
            .map(|w| {
                let encoded = w["clientConfig"]["caBundle"].as_str().unwrap_or_default();
                let bytes = STANDARD.decode(encoded).unwrap_or_default();
                String::from_utf8(bytes).unwrap_or_default()
            })
            .collect()
    }
}

impl WebhookConfigs {
    pub fn new(client: &kube::Client, names: Vec<String>) -> Self {
        let apis = KINDS
            .iter()
            .map(|(kind, plural)| {
                let gvk = GroupVersionKind::gvk("admissionregistration.k8s.io", "v1", kind);
                let resource = ApiResource::from_gvk_with_plural(&gvk, plural);
                (*kind, Api::all_with(client.clone(), &resource))
            })
            .collect();
        WebhookConfigs { apis, names }
    }

    /// The named configurations that exist.
    pub async fn read(&self) -> Result<Vec<Found>, kube::Error> {
        let mut found = Vec::new();
        for (kind, api) in &self.apis {
            for name in &self.names {
                if let Some(object) = api.get_opt(name).await? {
                    found.push(Found {
                        api: api.clone(),
                        kind,
                        name: name.clone(),
                        object,
                    });
                }
            }
        }
        Ok(found)
    }
}

/// Whether every webhook of `found` trusts `ca_pem` (vacuously, when there are none: no
/// webhook calls a replica then).
pub(crate) fn all_trust(found: &[Found], ca_pem: &str) -> bool {
    found
        .iter()
        .flat_map(Found::bundles)
        .all(|bundle| bundle_trusts(&bundle, ca_pem))
}

/// Sets `bundle` (PEM) as the caBundle of every webhook of `found` that holds other
/// certificates (in any order: the same set is left alone); returns the configurations patched.
pub(crate) async fn patch_all(found: &[Found], bundle: &str) -> Result<Vec<String>, kube::Error> {
    let sorted = |pem: &str| {
        let mut der = certificates_der(pem);
        der.sort();
        der
    };
    let wanted = sorted(bundle);
    let encoded = STANDARD.encode(bundle);
    let mut patched = Vec::new();
    for config in found {
        if config.bundles().iter().all(|b| sorted(b) == wanted) {
            continue;
        }
        let mut webhooks = config.object.data["webhooks"].clone();
        for webhook in webhooks.as_array_mut().into_iter().flatten() {
            if let Some(w) = webhook.as_object_mut() {
                let client = w.entry("clientConfig").or_insert_with(|| json!({}));
                if let Some(c) = client.as_object_mut() {
                    c.insert("caBundle".into(), json!(encoded));
                }
            }
        }
        let patch = json!({
            "metadata": {"resourceVersion": config.object.metadata.resource_version},
            "webhooks": webhooks,
        });
        config
            .api
            .patch(
                &config.name,
                &PatchParams::default(),
                &Patch::Merge::<Value>(patch),
            )
            .await?;
        patched.push(format!("{} {}", config.kind, config.name));
    }
    Ok(patched)
}
