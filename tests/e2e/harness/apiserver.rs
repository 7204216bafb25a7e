//! The admission chain of the API server: mutating webhooks one after the other (their
//! JSONPatches applied to the object), then the validating webhooks all at once on the mutated
//! object; warnings collected from every answer. A webhook that cannot be called, times out
//! (`timeoutSeconds`) or answers something the API server would not accept is a failure its
//! `failurePolicy` decides: `Fail` rejects the request (500), `Ignore` goes on without it.
//! Denials become the API server's error (`admission webhook "…" denied the request: …`).
//! Reinvocation (`reinvocationPolicy: IfNeeded`) is not modelled: it only matters when a later
//! mutating webhook changes the object, and there is one mutating webhook; the `mutation` group
//! checks instead that a second pass changes nothing.

pub use super::review::Attempt;

use super::client::Alpn;
use super::config::{self, Phase, WebhookConfig};
use super::matching::{Labels, labels_of, should_call};
pub use super::outcome::{Call, Outcome};
use super::outcome::{denial, failed};
use super::process::Webhook;
use super::review::{self, Answer};
pub use super::transport::Transport;
use hyper::body::Bytes;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The API server's side: webhook configurations, the cluster's namespaces, where each Service
/// is, and the HTTPS transport.
#[derive(Debug, Clone)]
pub struct ApiServer {
    pub webhooks: Vec<WebhookConfig>,
    /// Labels of every namespace (with `kubernetes.io/metadata.name`).
    pub namespaces: BTreeMap<String, Labels>,
    /// `namespace/name` of a Service → the loopback address standing in for it.
    pub routes: BTreeMap<String, SocketAddr>,
    pub transport: Arc<Transport>,
}

impl ApiServer {
    /// The configurations in `dir` with `webhook`'s CA as caBundle, the manifests' Service routed
    /// to `webhook`, and the namespaces of its inventory besides `default`, `kube-system` and
    /// `palisade-system`.
    pub fn from_manifests(dir: &Path, webhook: &Webhook) -> ApiServer {
        let bundle = palisade_certs::ca_bundle(&webhook.ca_pem());
        let webhooks = config::load(dir, &bundle);
        assert!(
            !webhooks.is_empty(),
            "no webhook configuration in {}",
            dir.display()
        );
        let mut api = ApiServer {
            webhooks,
            namespaces: BTreeMap::new(),
            routes: BTreeMap::new(),
            transport: Arc::new(Transport::new(Alpn::Both, None)),
        };
        api.route(webhook);
        for name in ["default", "kube-system", "palisade-system"] {
            api.add_namespace(&serde_json::json!({"metadata": {"name": name}}));
        }
        let inventory = webhook.path("inventory.yaml");
        if inventory.is_file() {
            let text = super::process::read(&inventory);
            let docs = palisade_linter::yaml::parse_documents(&text)
                .unwrap_or_else(|e| panic!("inventory: {e:?}"));
            for doc in docs {
                for item in doc.value["items"].as_array().into_iter().flatten() {
                    if item["kind"] == "Namespace" {
                        api.add_namespace(item);
                    }
                }
            }
        }
        api
    }

    /// Routes the manifests' Service to `webhook` (e.g. after a restart on new ports).
    pub fn route(&mut self, webhook: &Webhook) {
        let service = format!("{}/{}", super::process::NAMESPACE, super::process::SERVICE);
        self.routes.insert(service, webhook.addr);
    }

    /// Adds (or replaces) a namespace, labelled as the API server labels it.
    pub fn add_namespace(&mut self, namespace: &Value) {
        let name = namespace["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut labels = labels_of(namespace);
        labels.insert("kubernetes.io/metadata.name".into(), name.clone());
        self.namespaces.insert(name, labels);
    }

    /// The same API server with its own connections.
    pub fn with_transport(&self, transport: Transport) -> ApiServer {
        ApiServer {
            transport: Arc::new(transport),
            ..self.clone()
        }
    }

    /// Admission of one request.
    pub async fn admit(&self, attempt: Attempt) -> Outcome {
        let mut attempt = attempt;
        let mut out = Outcome {
            allowed: true,
            code: 200,
            message: String::new(),
            warnings: Vec::new(),
            object: None,
            calls: Vec::new(),
        };
        for hook in self.webhooks.iter().filter(|h| h.phase == Phase::Mutating) {
            match self.invoke(hook, &attempt).await {
                Invoked::Skipped => {}
                Invoked::Rejected(code, message) => return out.reject(code, message),
                Invoked::Called(call) => {
                    let result = call.result.clone();
                    out.calls.push(call);
                    match result {
                        Err(e) => match failed(hook, &e) {
                            Some(message) => return out.reject(500, message),
                            None => continue,
                        },
                        Ok(answer) => {
                            out.warnings.extend(answer.warnings.iter().cloned());
                            if !answer.allowed {
                                let (code, message) = denial(&hook.name, &answer.status);
                                return out.reject(code, message);
                            }
                            if let Some(patch) = &answer.patch
                                && let Err(e) = apply(&hook.name, &mut attempt, patch)
                            {
                                return out.reject(500, format!("Internal error occurred: {e}"));
                            }
                        }
                    }
                }
            }
        }
        out.object = attempt.object.clone();
        let mut running = tokio::task::JoinSet::new();
        for (i, hook) in self.webhooks.iter().enumerate() {
            if hook.phase == Phase::Validating {
                let (api, hook, attempt) = (self.clone(), hook.clone(), attempt.clone());
                running.spawn(async move { (i, api.invoke(&hook, &attempt).await) });
            }
        }
        let mut results: Vec<(usize, Invoked)> = running.join_all().await;
        // The API server answers with whichever error arrives first; here: the first in order.
        results.sort_by_key(|(i, _)| *i);
        let mut error = None;
        for (i, invoked) in results {
            let hook = &self.webhooks[i];
            let problem = match invoked {
                Invoked::Skipped => None,
                Invoked::Rejected(code, message) => Some((code, message)),
                Invoked::Called(call) => {
                    let problem = match &call.result {
                        Err(e) => failed(hook, e).map(|m| (500, m)),
                        Ok(answer) => {
                            out.warnings.extend(answer.warnings.iter().cloned());
                            (!answer.allowed).then(|| denial(&hook.name, &answer.status))
                        }
                    };
                    out.calls.push(call);
                    problem
                }
            };
            error = error.or(problem);
        }
        match error {
            Some((code, message)) => out.reject(code, message),
            None => out,
        }
    }

    /// Whether `hook` is called for `attempt`, and the call.
    async fn invoke(&self, hook: &WebhookConfig, attempt: &Attempt) -> Invoked {
        match should_call(hook, attempt, &self.namespaces) {
            Ok(false) => return Invoked::Skipped,
            Err((code, message)) => return Invoked::Rejected(code, message),
            Ok(true) => {}
        }
        if attempt.dry_run && !matches!(hook.side_effects.as_str(), "None" | "NoneOnDryRun") {
            let message = format!("admission webhook {:?} does not support dry run", hook.name);
            return Invoked::Rejected(400, message);
        }
        let result = self.call(hook, attempt).await;
        Invoked::Called(Call {
            webhook: hook.name.clone(),
            result,
        })
    }

    /// One HTTPS call within `timeoutSeconds`, its answer checked.
    async fn call(&self, hook: &WebhookConfig, attempt: &Attempt) -> Result<Answer, String> {
        let supported = ["v1", "v1beta1"];
        let versions = &hook.admission_review_versions;
        let version = versions.iter().find(|v| supported.contains(&v.as_str()));
        let version = version.ok_or_else(|| {
            format!("webhook does not accept a known AdmissionReview version: {versions:?}")
        })?;
        let uid = review::uid();
        let review = review::review(version, attempt.request(&uid));
        let body = serde_json::to_vec(&review).map_err(|e| e.to_string())?;
        let svc = &hook.client_config.service;
        let path = format!("{}?timeout={}s", svc.path, hook.timeout_seconds);
        let url = format!("https://{}:{}{path}", svc.server_name(), svc.port);
        let timeout = Duration::from_secs(hook.timeout_seconds);
        let post = self.post(hook, &path, body);
        let (status, bytes) = match tokio::time::timeout(timeout, post).await {
            Err(_) => return Err(format!("{CALL}: Post {url:?}: context deadline exceeded")),
            Ok(Err(e)) => return Err(format!("{CALL}: Post {url:?}: {e}")),
            Ok(Ok(answer)) => answer,
        };
        if status != 200 {
            let text = String::from_utf8_lossy(&bytes);
            let text = text.trim();
            return Err(format!(
                "{CALL}: the server responded with status {status}: {text}"
            ));
        }
        review::verify(&bytes, version, &uid, hook.phase == Phase::Mutating)
            .map_err(|e| format!("received invalid webhook response: {e}"))
    }

    async fn post(
        &self,
        hook: &WebhookConfig,
        path: &str,
        body: Vec<u8>,
    ) -> Result<(u16, Bytes), String> {
        let svc = &hook.client_config.service;
        let key = format!("{}/{}", svc.namespace, svc.name);
        let addr = *self
            .routes
            .get(&key)
            .ok_or_else(|| format!("service {key:?} not found"))?;
        let bundle = &hook.client_config.ca_bundle;
        self.transport
            .post(addr, &svc.server_name(), svc.port, bundle, path, body)
            .await
    }

    /// POSTs `body` to `path` of the first webhook's Service, answer unchecked.
    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> Result<(u16, Bytes), String> {
        self.post(&self.webhooks[0], path, body).await
    }
}

/// How the API server begins the reason of a call that got no answer.
const CALL: &str = "failed to call webhook";

enum Invoked {
    Skipped,
    Rejected(u16, String),
    Called(Call),
}

/// Applies a mutating webhook's JSONPatch to the object.
fn apply(webhook: &str, attempt: &mut Attempt, patch: &Value) -> Result<(), String> {
    let ops = patch.as_array().map_or(0, Vec::len);
    if ops == 0 {
        return Ok(());
    }
    let Some(object) = attempt.object.as_mut() else {
        return Err(format!(
            "admission webhook {webhook:?} attempted to modify the object, which is not supported for this operation"
        ));
    };
    let patch: json_patch::Patch =
        serde_json::from_value(patch.clone()).map_err(|e| e.to_string())?;
    json_patch::patch(object, &patch).map_err(|e| e.to_string())
}
