//! What an evaluation returns: findings (from `deny`, `warn` and Gatekeeper `violation` rules),
//! and, when asked for, RFC 6902 patch operations (from `patch` rules).

use crate::Severity;
use serde::Serialize;

/// Whether a finding blocks (`deny`, `violation`) or only warns (`warn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Deny,
    Warn,
}

/// One finding of one rule about one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `PSS-PRIVILEGED`.
    pub rule: String,
    pub severity: Severity,
    pub action: Action,
    pub message: String,
    /// JSON pointer to the field the finding is about, when the rule gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How to fix this finding, when it differs from the rule's `remediation` (a finding already
    /// narrowed by resourceNames is not fixed by narrowing it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
}

/// The findings of every applicable policy about one input. Patch rules are not run for it:
/// see [`crate::Evaluator::mutations`] and [`crate::mutation`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Decision {
    /// Sorted by rule id, then path, then message, so output is deterministic.
    pub findings: Vec<Finding>,
}

/// One RFC 6902 operation of a `patch` rule, as the rule gave it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Patch {
    /// Id of the rule that gave it.
    pub rule: String,
    /// The operation object (`{"op": "add", "path": …, "value": …}`).
    pub op: serde_json::Value,
}

impl Decision {
    /// True when any finding blocks.
    pub fn denied(&self) -> bool {
        self.findings.iter().any(|f| f.action == Action::Deny)
    }

    pub(crate) fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| (&a.rule, &a.path, &a.message).cmp(&(&b.rule, &b.path, &b.message)));
        self.findings.dedup();
    }
}
