//! What the API server answers a user: allowed or the error (its code and message, worded as
//! the API server words webhook denials and failures), the warnings, the object after mutation,
//! and which webhooks were called with what result.

use super::config::{FailurePolicy, WebhookConfig};
use super::review::Answer;
use serde_json::Value;

/// One webhook called for a request, and what came of it.
#[derive(Debug, Clone)]
pub struct Call {
    pub webhook: String,
    pub result: Result<Answer, String>,
}

/// The API server's answer to the user.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub allowed: bool,
    /// 200 when allowed; else the status code of the error.
    pub code: u16,
    pub message: String,
    pub warnings: Vec<String>,
    /// The object after mutation.
    pub object: Option<Value>,
    pub calls: Vec<Call>,
}

impl Outcome {
    pub(super) fn reject(mut self, code: u16, message: String) -> Outcome {
        (self.allowed, self.code, self.message) = (false, code, message);
        self
    }

    /// Rule ids named `[RULE]` in the denial message.
    pub fn denied_rules(&self) -> Vec<String> {
        bracketed(&self.message)
    }

    /// Rule ids named `[RULE]` in the warnings.
    pub fn warned_rules(&self) -> Vec<String> {
        self.warnings.iter().flat_map(|w| bracketed(w)).collect()
    }

    /// Whether a webhook whose name starts with `prefix` was called.
    pub fn called(&self, prefix: &str) -> bool {
        self.calls.iter().any(|c| c.webhook.starts_with(prefix))
    }
}

/// Rule ids as the webhook writes them, `[RULE-ID]` at the start of a text or after `: ` or
/// `; ` (brackets inside a finding's message are not ids).
pub fn bracketed(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for (at, _) in text.match_indices('[') {
        let before = &text[..at];
        if !(before.is_empty() || before.ends_with(": ") || before.ends_with("; ")) {
            continue;
        }
        let Some((id, _)) = text[at + 1..].split_once(']') else {
            continue;
        };
        let id_like = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if id_like {
            ids.push(id.to_string());
        }
    }
    ids
}

/// A failed call: the API server's error under `Fail`, nothing under `Ignore`.
pub(super) fn failed(hook: &WebhookConfig, error: &str) -> Option<String> {
    (hook.failure_policy == FailurePolicy::Fail).then(|| {
        format!(
            "Internal error occurred: failed calling webhook {:?}: {error}",
            hook.name
        )
    })
}

/// A denial as the API server words it (`ToStatusErr`).
pub(super) fn denial(webhook: &str, status: &Value) -> (u16, String) {
    let code = status["code"]
        .as_u64()
        .and_then(|c| u16::try_from(c).ok())
        .unwrap_or(0);
    let denied = format!("admission webhook {webhook:?} denied the request");
    let message = match (status["message"].as_str(), status["reason"].as_str()) {
        (Some(m), _) if !m.is_empty() => format!("{denied}: {m}"),
        (_, Some(r)) if !r.is_empty() => format!("{denied}: {r}"),
        _ => format!("{denied} without explanation"),
    };
    (code.max(400), message)
}
