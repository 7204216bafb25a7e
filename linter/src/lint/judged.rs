//! What a run judges: the active rules, and the kinds they apply to. An object is judged when
//! some active rule applies to its kind. Objects of other kinds (an OpenShift `DeploymentConfig`,
//! a `ConfigMap`) are read — they may be inventory for other rules — and listed in the report as
//! not judged, never left out silently.

use super::Linter;
use super::pass::suppression_rule;
use crate::LintedObject;
use crate::objects::{ObjectRef, ParsedFile};
use palisade_policies::RuleMeta;
use serde_json::Value;
use std::collections::HashSet;

impl Linter {
    /// The catalogue of rules this run applies (plus the suppression pseudo-rule).
    pub fn active_rules(&self) -> Vec<RuleMeta> {
        let mut rules: Vec<RuleMeta> = self
            .engine
            .rules()
            .filter(|r| self.verdict.settings().rule_enabled(&r.id))
            .cloned()
            .map(|mut r| {
                if let Some(s) = self.verdict.settings().severity.get(&r.id) {
                    r.severity = *s;
                }
                r
            })
            .collect();
        rules.push(suppression_rule());
        rules
    }

    /// The object as the report lists it, judged or not.
    pub(super) fn linted(&self, file: &ParsedFile, obj: &ObjectRef) -> LintedObject {
        let value = file.value(obj);
        let text = |ptr: &str| {
            value
                .and_then(|v| v.pointer(ptr))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let kind = text("/kind");
        LintedObject {
            file: file.name.clone(),
            line: file.locate(obj, "").line,
            judged: self.judged.judges(&kind),
            kind,
            name: text("/metadata/name"),
            namespace: text("/metadata/namespace"),
        }
    }
}

/// The kinds the active rules name, computed once per linter.
#[derive(Debug, Clone, Default)]
pub(super) struct JudgedKinds {
    /// Some active rule applies to every kind (no `kinds`, or `*`: see `palisade_policies::kinds`).
    all: bool,
    kinds: HashSet<String>,
}

impl JudgedKinds {
    pub(super) fn of<'a>(rules: impl IntoIterator<Item = &'a RuleMeta>) -> Self {
        let mut judged = JudgedKinds::default();
        for rule in rules {
            judged.all |= rule.kinds.is_empty() || rule.kinds.iter().any(|k| k == "*");
            judged.kinds.extend(rule.kinds.iter().cloned());
        }
        judged
    }

    pub(super) fn judges(&self, kind: &str) -> bool {
        self.all || self.kinds.contains(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_policies::Engine;

    #[test]
    fn builtin_rules_judge_workloads_and_rbac_not_openshift_or_configmaps() {
        let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
        let judged = JudgedKinds::of(engine.rules());
        for kind in ["Pod", "Deployment", "CronJob", "ClusterRole", "RoleBinding"] {
            assert!(judged.judges(kind), "{kind}");
        }
        for kind in ["DeploymentConfig", "ConfigMap", "", "pod"] {
            assert!(!judged.judges(kind), "{kind}");
        }
    }

    #[test]
    fn a_rule_without_kinds_judges_every_kind() {
        let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
        let mut any = engine
            .rules()
            .next()
            .cloned()
            .unwrap_or_else(|| panic!("no rules"));
        any.kinds = Vec::new();
        assert!(JudgedKinds::of([&any]).judges("DeploymentConfig"));
        any.kinds = vec!["*".into()];
        assert!(JudgedKinds::of([&any]).judges("DeploymentConfig"));
    }
}
