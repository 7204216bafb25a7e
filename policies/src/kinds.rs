//! Kubernetes kinds the built-in rules know how to read.

/// Every kind that carries a pod template, with the JSON pointer to its pod spec.
pub const POD_TEMPLATE_KINDS: [(&str, &str); 8] = [
    ("Pod", "/spec"),
    ("Deployment", "/spec/template/spec"),
    ("ReplicaSet", "/spec/template/spec"),
    ("StatefulSet", "/spec/template/spec"),
    ("DaemonSet", "/spec/template/spec"),
    ("Job", "/spec/template/spec"),
    ("CronJob", "/spec/jobTemplate/spec/template/spec"),
    ("ReplicationController", "/spec/template/spec"),
];

/// True when a rule declaring `kinds` applies to an object of `kind`. An empty list or `*` means all.
pub fn applies(kinds: &[String], kind: &str) -> bool {
    kinds.is_empty() || kinds.iter().any(|k| k == "*" || k == kind)
}

/// The JSON pointer to the pod spec inside an object of `kind`, if it has one.
pub fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    POD_TEMPLATE_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, p)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_apply() {
        assert!(applies(&[], "Pod"));
        assert!(applies(&["*".into()], "Pod"));
        assert!(!applies(&["Role".into()], "Pod"));
        assert_eq!(
            pod_spec_pointer("CronJob"),
            Some("/spec/jobTemplate/spec/template/spec")
        );
        assert_eq!(pod_spec_pointer("Service"), None);
    }
}
