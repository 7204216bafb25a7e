//! Every object a run reads is in its report: judged by some rule, or counted as not judged
//! (an OpenShift `DeploymentConfig`, a `ConfigMap`), never silently left out.

use palisade_linter::{Config, LintRun, Linter, SourceFile};
use palisade_policies::Engine;
use std::sync::atomic::AtomicUsize;

const FILE: &str = "\
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata: {name: legacy, namespace: shop}
spec:
  template:
    spec:
      hostNetwork: true
      containers: [{name: a, image: x}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: shop}
  spec:
    containers: [{name: a, image: x}]
- apiVersion: apps.openshift.io/v1
  kind: DeploymentConfig
  metadata: {name: worker, namespace: shop}
";

fn lint(config: &str) -> LintRun {
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let config = Config::parse(".palisade.yaml", config).unwrap_or_else(|e| panic!("{e}"));
    let source = SourceFile {
        name: "openshift.yaml".into(),
        text: FILE.into(),
    };
    let run = Linter::new(engine, config).lint(vec![source], &AtomicUsize::new(0));
    assert!(run.errors.is_empty(), "{:?}", run.errors);
    run
}

#[test]
fn objects_of_kinds_no_rule_judges_are_counted_not_judged() {
    let run = lint("");
    let listed: Vec<(&str, &str, usize, bool)> = run
        .report
        .objects
        .iter()
        .map(|o| (o.kind.as_str(), o.name.as_str(), o.line, o.judged))
        .collect();
    assert_eq!(
        listed,
        [
            ("DeploymentConfig", "legacy", 1, false),
            ("ConfigMap", "settings", 10, false),
            ("Pod", "web", 17, true),
            ("DeploymentConfig", "worker", 22, false),
        ]
    );
    let summary = &run.report.summary;
    assert_eq!(summary.objects, 4);
    assert_eq!(summary.not_judged_total(), 3);
    let kinds: Vec<(&str, usize)> = summary
        .not_judged
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    assert_eq!(kinds, [("ConfigMap", 1), ("DeploymentConfig", 2)]);
    // The host-network pod template in a DeploymentConfig is not judged: no finding about it.
    assert!(
        run.report.findings.iter().all(|f| f.kind == "Pod"),
        "{:#?}",
        run.report.findings
    );
}

#[test]
fn a_kind_whose_rules_are_all_disabled_is_not_judged() {
    let run = lint("");
    assert!(
        run.report
            .objects
            .iter()
            .any(|o| o.kind == "Pod" && o.judged)
    );
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let pod_rules: Vec<String> = engine
        .rules()
        .filter(|r| r.kinds.iter().any(|k| k == "Pod"))
        .map(|r| r.id.clone())
        .collect();
    assert!(!pod_rules.is_empty());
    let run = lint(&format!("rules:\n  disable: [{}]\n", pod_rules.join(", ")));
    let pod = run.report.objects.iter().find(|o| o.kind == "Pod");
    assert_eq!(pod.map(|o| o.judged), Some(false));
    assert_eq!(run.report.summary.not_judged.get("Pod"), Some(&1));
}
