//! The webhook configurations as the API server holds them: every Mutating- and
//! ValidatingWebhookConfiguration in a directory of manifests (read with the linter's YAML
//! reader), with the caBundle filled in, in the API server's order (configurations by name, then
//! webhooks in order; mutating before validating) and with its defaults for unset fields.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Mutating,
    Validating,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum FailurePolicy {
    Fail,
    Ignore,
}

/// One webhook of a configuration (`admissionregistration.k8s.io/v1`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookConfig {
    pub name: String,
    pub admission_review_versions: Vec<String>,
    pub side_effects: String,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    #[serde(default = "default_failure_policy")]
    pub failure_policy: FailurePolicy,
    pub client_config: ClientConfig,
    #[serde(default)]
    pub namespace_selector: LabelSelector,
    #[serde(default)]
    pub object_selector: LabelSelector,
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// CEL expressions. The harness has no CEL engine and does not evaluate them: the
    /// manifests' only condition skips UPDATEs of objects already being deleted, which no case
    /// sends.
    #[serde(default)]
    pub match_conditions: Vec<Value>,
    #[serde(skip, default = "default_phase")]
    pub phase: Phase,
}

fn default_timeout() -> u64 {
    10
}

fn default_failure_policy() -> FailurePolicy {
    FailurePolicy::Fail
}

fn default_phase() -> Phase {
    Phase::Validating
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientConfig {
    /// Base64 of PEM CA certificates.
    #[serde(default)]
    pub ca_bundle: String,
    pub service: ServiceRef,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServiceRef {
    pub name: String,
    pub namespace: String,
    #[serde(default)]
    pub path: String,
    #[serde(default = "default_port")]
    pub port: u16,
}

fn default_port() -> u16 {
    443
}

impl ServiceRef {
    /// The name the serving certificate must carry: `name.namespace.svc`.
    pub fn server_name(&self) -> String {
        format!("{}.{}.svc", self.name, self.namespace)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub operations: Vec<String>,
    pub api_groups: Vec<String>,
    pub api_versions: Vec<String>,
    pub resources: Vec<String>,
    #[serde(default = "default_scope")]
    pub scope: String,
}

fn default_scope() -> String {
    "*".into()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default)]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub match_expressions: Vec<Requirement>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Requirement {
    pub key: String,
    pub operator: String,
    #[serde(default)]
    pub values: Vec<String>,
}

/// Every webhook of every configuration in `dir`, with `ca_bundle` (base64 PEM) filled in.
pub fn load(dir: &Path, ca_bundle: &str) -> Vec<WebhookConfig> {
    let mut configs: Vec<(Phase, String, Vec<WebhookConfig>)> = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = super::process::read(&path);
        let docs = palisade_linter::yaml::parse_documents(&text)
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        for doc in docs {
            let phase = match doc.value["kind"].as_str() {
                Some("MutatingWebhookConfiguration") => Phase::Mutating,
                Some("ValidatingWebhookConfiguration") => Phase::Validating,
                _ => continue,
            };
            let name = doc.value["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let mut hooks: Vec<WebhookConfig> =
                serde_json::from_value(doc.value["webhooks"].clone())
                    .unwrap_or_else(|e| panic!("{}: webhooks: {e}", path.display()));
            for hook in &mut hooks {
                hook.phase = phase;
                hook.client_config.ca_bundle = ca_bundle.to_string();
            }
            configs.push((phase, name, hooks));
        }
    }
    configs.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    configs
        .into_iter()
        .flat_map(|(_, _, hooks)| hooks)
        .collect()
}
