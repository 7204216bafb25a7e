//! Batched evaluation: the RVM runs every policy that applies to an object's kind and level in one
//! execution. These tests pin what batching must not change.

use palisade_policies::{
    Decision, EngineBuilder, EvalError, Options, PolicySource, PssLevel, input,
};
use serde_json::{Value, json};

fn user(path: &str, text: &str) -> PolicySource {
    PolicySource {
        path: path.into(),
        text: text.into(),
        builtin: false,
    }
}

fn privileged_pod() -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "a", "image": "x", "securityContext": {"privileged": true}}]}})
}

fn rules(d: &Decision) -> Vec<&str> {
    let mut ids: Vec<&str> = d.findings.iter().map(|f| f.rule.as_str()).collect();
    ids.dedup();
    ids
}

fn evaluate(sources: Vec<PolicySource>, object: &Value, options: Options) -> Decision {
    let engine = EngineBuilder::new()
        .add_sources(sources)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    engine
        .evaluator()
        .evaluate_with(&input::from_object(object, &Default::default()), &options)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn undefined_complete_rule_does_not_hide_other_policies() {
    // `deny` here is a complete rule that is undefined for this input.
    let text = r#"package acme.never
metadata := {"id": "ACME-NEVER", "title": "never", "severity": "low", "kinds": ["Pod"]}
deny := {"never"} if input.review.object.kind == "NoSuchKind"
"#;
    let d = evaluate(
        vec![user("never.rego", text)],
        &privileged_pod(),
        Options::default(),
    );
    let ids = rules(&d);
    assert!(ids.contains(&"PSS-PRIVILEGED"), "{ids:?}");
    assert!(!ids.contains(&"ACME-NEVER"), "{ids:?}");
}

#[test]
fn levels_select_their_rules() {
    let restricted = evaluate(vec![], &privileged_pod(), Options::default());
    let baseline = evaluate(
        vec![],
        &privileged_pod(),
        Options {
            pss_level: PssLevel::Baseline,
            ..Options::default()
        },
    );
    assert!(rules(&restricted).contains(&"PSS-RUN-AS-NON-ROOT"));
    assert!(rules(&baseline).contains(&"PSS-PRIVILEGED"));
    assert!(!rules(&baseline).contains(&"PSS-RUN-AS-NON-ROOT"));
}

#[test]
fn kinds_select_their_rules() {
    let any = r#"package acme.any
metadata := {"id": "ACME-ANY", "title": "any", "severity": "low", "kinds": ["*"]}
deny contains "seen" if input.review.object.metadata.name
"#;
    let config_maps = r#"package acme.cm
metadata := {"id": "ACME-CM", "title": "cm", "severity": "low", "kinds": ["ConfigMap"]}
deny contains "config map" if input.review.object.metadata.name
"#;
    let sources = || vec![user("any.rego", any), user("cm.rego", config_maps)];
    let pod = evaluate(sources(), &privileged_pod(), Options::default());
    assert!(rules(&pod).contains(&"ACME-ANY"));
    assert!(!rules(&pod).contains(&"ACME-CM"));
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
    assert_eq!(
        rules(&evaluate(sources(), &cm, Options::default())),
        ["ACME-ANY", "ACME-CM"]
    );
    // A kind no policy names gets only the policies for every kind.
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
    assert_eq!(
        rules(&evaluate(sources(), &secret, Options::default())),
        ["ACME-ANY"]
    );
}

#[test]
fn an_error_in_a_batch_names_its_rule() {
    // Far more instructions than the budget below; every built-in rule fits in it alone.
    let text = r#"package acme.heavy
metadata := {"id": "ACME-HEAVY", "title": "heavy", "severity": "low", "kinds": ["Pod"]}
deny contains "never" if {
	some i in numbers.range(1, 200000)
	i == -1
}
"#;
    let engine = EngineBuilder::new()
        .add_sources([user("heavy.rego", text)])
        .max_instructions(100_000)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = engine
        .evaluator()
        .evaluate(&input::from_object(&privileged_pod(), &Default::default()))
        .err()
        .unwrap_or_else(|| panic!("the budget was not enforced"));
    match err {
        EvalError::Rego { rule, .. } => assert_eq!(rule, "ACME-HEAVY"),
        other => panic!("unexpected error {other}"),
    }
}

#[test]
fn facts_computed_once_give_the_same_findings() {
    let engine = EngineBuilder::new()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let inventory = json!({"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRoleBinding": {
        "platform-admins": {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "platform-admins"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": [{"kind": "Group", "name": "platform"}]
        }
    }}}});
    let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "impersonator"},
        "rules": [{"apiGroups": [""], "resources": ["groups"], "verbs": ["impersonate"], "resourceNames": ["platform"]}]});
    let with_facts = engine.inventory(inventory.clone());
    assert_eq!(
        with_facts.facts(),
        Some(json!({
            "palisade.lib.rbac_admin_subjects.computed": [{"kind": "Group", "name": "platform"}],
            "palisade.lib.rbac_aggregate.computed": {},
            "palisade.lib.rbac_scope.computed": {"cluster-admin": ["platform-admins"]},
            // No service account is bound: no role powers, no identity chains.
            "rbac.role_powers": {},
            "palisade.lib.rbac_identity.by_key": {}
        }))
    );
    let plain = palisade_policies::Inventory::new(inventory);
    assert_eq!(plain.facts(), None);
    let review = input::from_object(&role, &Default::default());
    let decide = |inv: &palisade_policies::Inventory, interpreter: bool| {
        let engine = EngineBuilder::new()
            .interpreter_only(interpreter)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ev = engine.evaluator();
        ev.set_inventory(inv);
        ev.evaluate(&review).unwrap_or_else(|e| panic!("{e}"))
    };
    let a = decide(&with_facts, false);
    assert!(
        a.findings
            .iter()
            .any(|f| f.rule == "RBAC-IMPERSONATE" && f.message.contains("holds cluster-admin")),
        "{a:?}"
    );
    assert_eq!(a, decide(&plain, false));
    assert_eq!(a, decide(&plain, true));
    assert_eq!(a, decide(&with_facts, true));
}
