//! Which kinds a run judges: an object is judged when some active rule applies to its kind.
//! Objects of other kinds (an OpenShift `DeploymentConfig`, a `ConfigMap`) are read — they may
//! be inventory for other rules — and counted in the summary as not judged, never silently.

use palisade_policies::RuleMeta;
use std::collections::HashSet;

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
