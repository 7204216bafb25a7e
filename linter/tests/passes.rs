//! A run evaluates most objects while it reads the files and the objects whose rules read the
//! inventory once every file is read. Neither file order nor that split may change the verdict.

use palisade_linter::{Config, LintRun, Linter, SourceFile};
use palisade_policies::Engine;
use std::sync::atomic::AtomicUsize;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: infra}\nspec:\n  hostNetwork: true\n  containers:\n  - {name: a, image: x}\n";
const NAMESPACE: &str =
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: infra\n  labels: {team: infra}\n";
const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: switcher}\nrules:\n- apiGroups: [\"\"]\n  resources: [groups]\n  verbs: [impersonate]\n  resourceNames: [platform]\n";
const BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: platform-admins}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects:\n- {kind: Group, name: platform, apiGroup: rbac.authorization.k8s.io}\n";

fn lint(files: &[(&str, &str)], config: &str) -> LintRun {
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let config = Config::parse(".palisade.yaml", config).unwrap_or_else(|e| panic!("{e}"));
    let sources = files
        .iter()
        .map(|(name, text)| SourceFile {
            name: name.to_string(),
            text: text.to_string(),
        })
        .collect();
    let run = Linter::new(engine, config).lint(sources, &AtomicUsize::new(0));
    assert!(run.errors.is_empty(), "{:?}", run.errors);
    run
}

fn rules_of(run: &LintRun, name: &str) -> Vec<String> {
    let mut rules: Vec<String> = run
        .report
        .findings
        .iter()
        .filter(|f| f.name == name)
        .map(|f| f.rule.clone())
        .collect();
    rules.dedup();
    rules
}

#[test]
fn namespace_label_exemption_applies_whatever_the_file_order() {
    let config = "exemptions:\n- namespace-labels: {team: infra}\n  reason: node agents\n";
    for files in [
        [("a.yaml", POD), ("z.yaml", NAMESPACE)],
        [("a.yaml", NAMESPACE), ("z.yaml", POD)],
    ] {
        let exempted = lint(&files, config);
        assert!(rules_of(&exempted, "agent").is_empty(), "{files:?}");
        let plain = lint(&files, "");
        assert!(rules_of(&plain, "agent").contains(&"PSS-HOST-NAMESPACES".to_string()));
    }
}

#[test]
fn inventory_rules_see_bindings_from_any_file() {
    let both = format!("{ROLE}---\n{BINDING}");
    for files in [
        vec![("a.yaml", ROLE), ("z.yaml", BINDING)],
        vec![("a.yaml", BINDING), ("z.yaml", ROLE)],
        vec![("a.yaml", both.as_str())],
    ] {
        let run = lint(&files, "");
        let critical = run.report.findings.iter().any(|f| {
            f.name == "switcher"
                && f.rule == "RBAC-IMPERSONATE"
                && f.severity == palisade_policies::Severity::Critical
        });
        assert!(critical, "{files:?}: {:#?}", run.report.findings);
        assert_eq!(run.report.summary.objects, 2);
    }
}

#[test]
fn findings_of_both_passes_are_sorted_by_position_within_a_file() {
    let text = format!("{ROLE}---\n{POD}---\n{BINDING}");
    let run = lint(&[("all.yaml", text.as_str())], "");
    let lines: Vec<usize> = run.report.findings.iter().map(|f| f.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    assert!(rules_of(&run, "switcher").contains(&"RBAC-IMPERSONATE".to_string()));
    assert!(rules_of(&run, "agent").contains(&"PSS-HOST-NAMESPACES".to_string()));
}
