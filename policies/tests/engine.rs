//! Engine behaviour: loading, backends, errors, user policies.

use palisade_policies::{
    Backend, Engine, EngineBuilder, LoadError, PolicySource, Severity, builtin_sources, input,
    run_rego_tests,
};
use serde_json::json;

fn user(path: &str, text: &str) -> PolicySource {
    PolicySource {
        path: path.into(),
        text: text.into(),
        builtin: false,
    }
}

fn privileged_pod() -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "a", "image": "x", "securityContext": {"privileged": true}}]}})
}

#[test]
fn engine_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Engine>();
    fn send<T: Send>() {}
    send::<palisade_policies::Evaluator>();
}

#[test]
fn builtin_flags_privileged_pod_with_path() {
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let mut ev = engine.evaluator();
    let d = ev
        .evaluate(&input::from_object(&privileged_pod(), &Default::default()))
        .unwrap_or_else(|e| panic!("{e}"));
    let f = d
        .findings
        .iter()
        .find(|f| f.rule == "PSS-PRIVILEGED")
        .unwrap_or_else(|| panic!("no PSS-PRIVILEGED in {:?}", d.findings));
    assert_eq!(
        f.path.as_deref(),
        Some("/spec/containers/0/securityContext/privileged")
    );
    assert_eq!(f.severity, Severity::Critical);
    assert!(d.denied());
}

#[test]
fn builtin_rules_run_on_the_rvm() {
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    for rule in engine.rules() {
        assert_eq!(
            engine.backend_of(&rule.id),
            Some(Backend::Rvm),
            "{} fell back to the interpreter",
            rule.id
        );
    }
}

#[test]
fn builtin_rego_tests_pass() {
    let outcomes = run_rego_tests(&builtin_sources()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!outcomes.is_empty(), "no Rego tests found");
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    assert!(failed.is_empty(), "failing Rego tests: {failed:#?}");
    println!("{} Rego tests passed", outcomes.len());
}

#[test]
fn policy_with_with_falls_back_to_interpreter_with_same_findings() {
    let text = r#"package acme.nolatest
metadata := {"id": "ACME-LATEST", "severity": "low", "kinds": ["Pod"]}
image_of(c) := c.image
deny contains {"msg": sprintf("%s uses :latest", [c.name]), "path": sprintf("/spec/containers/%d/image", [i])} if {
    some i, c in input.review.object.spec.containers
    endswith(c.image, ":latest")
    x := image_of(c) with input as {}
    x == c.image
}
"#;
    let engine = EngineBuilder::new()
        .builtin(false)
        .add_sources([user("acme.rego", text)])
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(engine.backend_of("ACME-LATEST"), Some(Backend::Interpreter));
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "a", "image": "nginx:latest"}]}});
    let d = engine
        .evaluator()
        .evaluate(&input::from_object(&pod, &Default::default()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.findings.len(), 1);
    assert_eq!(
        d.findings[0].path.as_deref(),
        Some("/spec/containers/0/image")
    );
}

#[test]
fn syntax_error_names_file_and_line() {
    let err = EngineBuilder::new()
        .builtin(false)
        .add_sources([user(
            "bad.rego",
            "package bad\ndeny contains 1 if {\n  input.a ==\n}\n",
        )])
        .build()
        .err()
        .unwrap_or_else(|| panic!("bad policy loaded"));
    let text = err.to_string();
    assert!(text.contains("bad.rego:4:"), "{text}");
}

#[test]
fn unknown_builtin_is_a_load_error() {
    let err = EngineBuilder::new()
        .builtin(false)
        .add_sources([user(
            "u.rego",
            "package u\ndeny contains \"x\" if { foo.bar(1) }\n",
        )])
        .build()
        .err()
        .unwrap_or_else(|| panic!("policy with unknown builtin loaded"));
    assert!(matches!(err, LoadError::Compile { .. }));
    let text = err.to_string();
    assert!(
        text.contains("foo.bar") && text.contains("u.rego:2:"),
        "{text}"
    );
}

#[test]
fn user_policy_with_builtin_id_replaces_it() {
    let text = r#"package acme.priv
metadata := {"id": "PSS-PRIVILEGED", "title": "mine", "severity": "low", "kinds": ["Pod"]}
deny contains {"msg": "custom"} if { input.review.object.kind == "Pod" }
"#;
    let engine = EngineBuilder::new()
        .add_sources([user("mine.rego", text)])
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<_> = engine
        .rules()
        .filter(|r| r.id == "PSS-PRIVILEGED")
        .collect();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].title, "mine");
    assert!(!rules[0].builtin);
}

#[test]
fn both_backends_agree_on_builtins() {
    let rvm = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let interp = EngineBuilder::new()
        .interpreter_only(true)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let pod = privileged_pod();
    let i = input::from_object(&pod, &Default::default());
    let a = rvm
        .evaluator()
        .evaluate(&i)
        .unwrap_or_else(|e| panic!("{e}"));
    let b = interp
        .evaluator()
        .evaluate(&i)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b);
    assert!(!a.findings.is_empty());
}

#[test]
fn rules_reading_the_inventory_are_known_by_kind() {
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    // Workloads read it for RBAC-WORKLOAD-IDENTITY (their service account's bindings).
    for kind in [
        "ClusterRole",
        "Role",
        "ClusterRoleBinding",
        "RoleBinding",
        "Pod",
        "Deployment",
    ] {
        assert!(engine.reads_inventory(kind), "{kind}");
    }
    for kind in ["Service", "ConfigMap"] {
        assert!(!engine.reads_inventory(kind), "{kind}");
    }
    let text = r#"package acme.quota
metadata := {"id": "ACME-QUOTA", "title": "quota", "severity": "low", "kinds": ["Pod"]}
deny contains "no quota" if { not data.acme.lib.has_quota }
"#;
    let lib = "package acme.lib\nhas_quota if data.inventory.namespace[input.review.namespace]\n";
    let engine = EngineBuilder::new()
        .builtin(false)
        .add_sources([user("quota.rego", text), user("lib.rego", lib)])
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(engine.reads_inventory("Pod"));
    assert!(!engine.reads_inventory("Service"));
}

/// A user policy that compares replicas with a limit read from an annotation by `to_number`,
/// which raises a built-in error on a value that is not a number.
const REPLICAS: &str = r#"package acme.replicas

metadata := {"id": "ACME-REPLICAS", "title": "Replicas within the team's limit", "severity": "medium", "kinds": ["Deployment"]}

deny contains {"msg": "more replicas than acme/max-replicas allows", "path": "/spec/replicas"} if {
	input.review.object.spec.replicas > to_number(input.review.object.metadata.annotations["acme/max-replicas"])
}
"#;

const REPLICAS_TEST: &str = r#"package acme.replicas_test

import data.acme.replicas

deployment(max) := {"review": {"object": {"metadata": {"annotations": {"acme/max-replicas": max}}, "spec": {"replicas": 5}}}}

test_over_the_limit if {
	count(replicas.deny) == 1 with input as deployment("2")
}

test_unparsable_limit_is_no_finding if {
	count(replicas.deny) == 0 with input as deployment("lots")
}
"#;

/// Regression: `palisade test` raised built-in errors (`to_number("lots")`) that evaluation
/// treats as undefined, so a test could fail on what lint and the webhook accept, or pass on
/// what they do not. Both now treat them the same way: the expression is undefined.
#[test]
fn builtin_errors_are_undefined_in_rego_tests_as_in_evaluation() {
    let sources = [
        user("replicas.rego", REPLICAS),
        user("replicas_test.rego", REPLICAS_TEST),
    ];
    let outcomes = run_rego_tests(&sources).unwrap_or_else(|e| panic!("{e}"));
    let results: Vec<(&str, bool, Option<&str>)> = outcomes
        .iter()
        .map(|o| (o.name.as_str(), o.passed, o.error.as_deref()))
        .collect();
    assert_eq!(
        results,
        [
            ("data.acme.replicas_test.test_over_the_limit", true, None),
            (
                "data.acme.replicas_test.test_unparsable_limit_is_no_finding",
                true,
                None
            ),
        ]
    );
    for backend in [false, true] {
        let engine = EngineBuilder::new()
            .builtin(false)
            .interpreter_only(backend)
            .add_sources([user("replicas.rego", REPLICAS)])
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        for (max, findings) in [("2", 1), ("lots", 0)] {
            let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "d", "annotations": {"acme/max-replicas": max}},
                "spec": {"replicas": 5}});
            let d = engine
                .evaluator()
                .evaluate(&input::from_object(&deployment, &Default::default()))
                .unwrap_or_else(|e| panic!("{max}: {e}"));
            assert_eq!(d.findings.len(), findings, "{max}, interpreter {backend}");
        }
    }
}
