//! Mutation with the built-in patch rules: the restricted defaults on every pod template, never
//! over a value the user set, idempotent, and available whatever the level configured.

use palisade_policies::mutation::{self, Mutation};
use palisade_policies::{
    Decision, Engine, EngineBuilder, Options, PolicySource, PssLevel, input, kinds,
};
use serde_json::{Value, json};

pub(crate) fn engine() -> Engine {
    Engine::builtin().unwrap_or_else(|e| panic!("built-in policies do not load: {e}"))
}

/// The normalised patch of every built-in rule for `object`; checks that it applies with the
/// `json-patch` crate and gives the merged object.
pub(crate) fn mutate(engine: &Engine, object: &Value) -> Mutation {
    let review = input::from_object(object, &Default::default());
    let m = mutation::patch_for(&mut engine.evaluator(), &review, |_| true)
        .unwrap_or_else(|e| panic!("{e}"));
    let ops: json_patch::Patch = serde_json::from_value(Value::Array(m.patch.clone()))
        .unwrap_or_else(|e| panic!("not an RFC 6902 patch: {e}"));
    let mut applied = object.clone();
    json_patch::patch(&mut applied, &ops).unwrap_or_else(|e| panic!("does not apply: {e}"));
    assert_eq!(applied, m.object);
    m
}

pub(crate) fn evaluate(engine: &Engine, object: &Value) -> Decision {
    let review = input::from_object(object, &Default::default());
    engine
        .evaluator()
        .evaluate(&review)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// An object of `kind` holding `spec` as its pod spec.
fn wrap(kind: &str, spec: &Value) -> Value {
    let pointer = kinds::pod_spec_pointer(kind).unwrap_or_else(|| panic!("{kind}"));
    let mut object = json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": "x"}});
    let mut node = &mut object;
    for token in pointer.trim_start_matches('/').split('/') {
        node = &mut node[token];
    }
    *node = spec.clone();
    object
}

/// Pod specs in the shapes a securityContext comes in.
fn shapes() -> Vec<(&'static str, Value)> {
    vec![
        ("no securityContext", json!({"containers": [{"name": "a"}]})),
        (
            "empty securityContext",
            json!({"securityContext": {}, "containers": [{"name": "a", "securityContext": {}}]}),
        ),
        (
            "null securityContext",
            json!({"securityContext": null, "containers": [{"name": "a", "securityContext": null}]}),
        ),
        (
            "existing drop list",
            json!({"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": ["NET_RAW"], "add": ["NET_BIND_SERVICE"]}}}]}),
        ),
        (
            "explicit true and Unconfined",
            json!({"containers": [{"name": "a", "securityContext": {"allowPrivilegeEscalation": true, "seccompProfile": {"type": "Unconfined"}}}, {"name": "b"}]}),
        ),
        (
            "pod-level seccomp",
            json!({"securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}, "containers": [{"name": "a"}]}),
        ),
        (
            "non-zero users",
            json!({"securityContext": {"runAsUser": 1000}, "containers": [{"name": "a"}, {"name": "b", "securityContext": {"runAsUser": 0}}]}),
        ),
        (
            "init and ephemeral containers",
            json!({"containers": [{"name": "a"}], "initContainers": [{"name": "i", "securityContext": {"runAsUser": 5}}], "ephemeralContainers": [{"name": "e"}]}),
        ),
        (
            "privileged",
            json!({"containers": [{"name": "a", "securityContext": {"privileged": true}}]}),
        ),
    ]
}

#[test]
fn patches_apply_and_a_second_pass_adds_nothing_on_every_kind_and_shape() {
    let engine = engine();
    let mut patched = 0;
    for (kind, _) in kinds::POD_TEMPLATE_KINDS {
        for (shape, spec) in shapes() {
            let object = wrap(kind, &spec);
            let once = mutate(&engine, &object);
            patched += usize::from(!once.is_empty());
            let twice = mutate(&engine, &once.object);
            assert!(
                twice.is_empty(),
                "{kind}, {shape}: second patch {:?}",
                twice.patch
            );
        }
    }
    assert_eq!(patched, kinds::POD_TEMPLATE_KINDS.len() * shapes().len());
}

#[test]
fn a_bare_pod_gets_the_four_defaults_in_one_operation_per_field() {
    let engine = engine();
    let pod = wrap(
        "Deployment",
        &json!({"securityContext": {"runAsUser": 1000}, "containers": [{"name": "a"}]}),
    );
    let m = mutate(&engine, &pod);
    assert_eq!(
        m.patch,
        [
            json!({"op": "add", "path": "/spec/template/spec/securityContext/runAsNonRoot", "value": true}),
            json!({"op": "add", "path": "/spec/template/spec/securityContext/seccompProfile", "value": {"type": "RuntimeDefault"}}),
            json!({"op": "add", "path": "/spec/template/spec/containers/0/securityContext", "value": {
                "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}),
        ]
    );
    assert_eq!(
        m.rules,
        [
            "PSS-ALLOW-PRIVILEGE-ESCALATION",
            "PSS-CAPABILITIES-RESTRICTED",
            "PSS-RUN-AS-NON-ROOT",
            "PSS-SECCOMP-RESTRICTED"
        ]
    );
    let after = evaluate(&engine, &m.object);
    assert!(after.findings.is_empty(), "{:?}", after.findings);
}

#[test]
fn values_the_user_set_are_kept() {
    let engine = engine();
    let pod = wrap(
        "Pod",
        &json!({"containers": [
            {"name": "a", "securityContext": {"allowPrivilegeEscalation": true, "seccompProfile": {"type": "Unconfined"},
             "capabilities": {"drop": ["NET_RAW"], "add": ["SYS_TIME"]}}}]}),
    );
    let m = mutate(&engine, &pod);
    let sc = &m.object["spec"]["containers"][0]["securityContext"];
    assert_eq!(sc["allowPrivilegeEscalation"], true);
    assert_eq!(sc["seccompProfile"], json!({"type": "Unconfined"}));
    assert_eq!(
        sc["capabilities"],
        json!({"drop": ["NET_RAW", "ALL"], "add": ["SYS_TIME"]})
    );
    // Validation still judges what the user set.
    let rules: Vec<String> = evaluate(&engine, &m.object)
        .findings
        .into_iter()
        .map(|f| f.rule)
        .collect();
    for rule in [
        "PSS-ALLOW-PRIVILEGE-ESCALATION",
        "PSS-SECCOMP-RESTRICTED",
        "PSS-CAPABILITIES-RESTRICTED",
    ] {
        assert!(
            rules.iter().any(|r| r == rule),
            "{rule} missing from {rules:?}"
        );
    }
}

#[test]
fn mutation_is_available_at_baseline_and_validation_runs_no_patch_rule() {
    let baseline = EngineBuilder::new()
        .options(Options {
            pss_level: PssLevel::Baseline,
            ..Options::default()
        })
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let pod = wrap("Pod", &json!({"containers": [{"name": "a"}]}));
    assert!(evaluate(&baseline, &pod).findings.is_empty());
    let m = mutate(&baseline, &pod);
    assert_eq!(m.rules.len(), 3, "{:?}", m.rules);
    // Only the rules a caller keeps contribute.
    let review = input::from_object(&pod, &Default::default());
    let kept = mutation::patch_for(&mut baseline.evaluator(), &review, |r| {
        r == "PSS-SECCOMP-RESTRICTED"
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept.rules, ["PSS-SECCOMP-RESTRICTED"]);
    // Objects without a pod template, and deletions (no object), get nothing.
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
    assert!(mutate(&baseline, &cm).is_empty());
}

#[test]
fn user_patch_rules_run_on_either_backend() {
    // `with` sends this policy to the interpreter.
    let text = r#"package acme.label
metadata := {"id": "ACME-LABEL", "title": "team label", "severity": "low", "kinds": ["Pod"]}
team := "none"
patch contains {"op": "add", "path": "/metadata/labels", "value": {"team": t}} if {
    not input.review.object.metadata.labels.team
    t := team with input as {}
}
"#;
    let source = PolicySource {
        path: "label.rego".into(),
        text: text.into(),
        builtin: false,
    };
    let engine = EngineBuilder::new()
        .add_sources([source])
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let pod = wrap("Pod", &json!({"containers": [{"name": "a"}]}));
    let m = mutate(&engine, &pod);
    assert!(m.rules.contains(&"ACME-LABEL".to_string()), "{:?}", m.rules);
    assert_eq!(m.object["metadata"]["labels"], json!({"team": "none"}));
}

#[test]
fn only_what_the_api_server_accepts_for_the_operation() {
    let engine = engine();
    let old = wrap(
        "Pod",
        &json!({"containers": [{"name": "a"}], "ephemeralContainers": [{"name": "d1"}]}),
    );
    let mut new = old.clone();
    new["spec"]["ephemeralContainers"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("no list"))
        .push(json!({"name": "d2"}));
    let mut review = input::from_object(&new, &Default::default());
    review["review"]["operation"] = json!("UPDATE");
    review["review"]["subResource"] = json!("ephemeralcontainers");
    review["review"]["oldObject"] = old.clone();
    let patch = |review: &Value| {
        mutation::patch_for(&mut engine.evaluator(), review, |_| true)
            .unwrap_or_else(|e| panic!("{e}"))
            .patch
    };
    // The pod's spec is immutable: only the new ephemeral container gets the defaults.
    assert_eq!(
        patch(&review),
        [
            json!({"op": "add", "path": "/spec/ephemeralContainers/1/securityContext",
                "value": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}})
        ]
    );
    // A workload's pod template may change on UPDATE.
    let deployment = wrap("Deployment", &json!({"containers": [{"name": "a"}]}));
    let mut update = input::from_object(&deployment, &Default::default());
    update["review"]["operation"] = json!("UPDATE");
    assert_eq!(patch(&update).len(), 2);
    update["review"]["operation"] = json!("DELETE");
    assert!(patch(&update).is_empty());
}
