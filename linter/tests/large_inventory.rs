//! Regression: rules that consult `data.inventory` stay within the VM's instruction budget and
//! give the right verdict when the run holds hundreds of bindings.

use palisade_linter::{Config, Linter, SourceFile};
use palisade_policies::Engine;
use std::fmt::Write;
use std::sync::atomic::AtomicUsize;

#[test]
fn narrowed_impersonation_checked_against_many_bindings() {
    let mut text = String::from(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: dashboard}\nrules:\n- apiGroups: [\"\"]\n  resources: [groups]\n  verbs: [impersonate]\n  resourceNames: [team-a, ops-admins]\n",
    );
    for i in 0..400 {
        let role = if i == 399 { "cluster-admin" } else { "view" };
        let group = if i == 399 {
            "ops-admins".to_string()
        } else {
            format!("team-{i}")
        };
        let _ = write!(
            text,
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: b{i}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {role}}}\nsubjects:\n- {{kind: Group, name: {group}, apiGroup: rbac.authorization.k8s.io}}\n"
        );
    }
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let run = Linter::new(engine, Config::default()).lint(
        vec![SourceFile {
            name: "rbac.yaml".into(),
            text,
        }],
        &AtomicUsize::new(0),
    );
    assert!(run.errors.is_empty(), "{:?}", run.errors.first());
    let critical: Vec<_> = run
        .report
        .findings
        .iter()
        .filter(|f| {
            f.rule == "RBAC-IMPERSONATE"
                && f.name == "dashboard"
                && f.severity == palisade_policies::Severity::Critical
        })
        .collect();
    assert_eq!(critical.len(), 1, "{:#?}", run.report.findings);
    assert!(
        critical[0].message.contains("ops-admins"),
        "{}",
        critical[0].message
    );
    assert_eq!(critical[0].line, 8);
}
