//! RBAC-WORKLOAD-IDENTITY through the engine: the role powers are the RBAC rules' own findings on
//! the bound roles (computed once per inventory by `Engine::inventory`), a ClusterRole bound by a
//! RoleBinding is judged in that namespace only, and the RVM and the interpreter agree on every
//! workload — with the facts served and without them (the Rego fallback).

use palisade_policies::{Engine, EngineBuilder, Finding, Inventory, InventoryBuilder, input};
use serde_json::{Value, json};

fn objects() -> Vec<Value> {
    let rbac = "rbac.authorization.k8s.io/v1";
    vec![
        json!({"apiVersion": rbac, "kind": "ClusterRole", "metadata": {"name": "scope"},
        "rules": [
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "delete"]},
            {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "update"]},
        ]}),
        json!({"apiVersion": rbac, "kind": "ClusterRoleBinding", "metadata": {"name": "scope"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "scope"},
            "subjects": [{"kind": "ServiceAccount", "name": "scope", "namespace": "weave"}]}),
        json!({"apiVersion": rbac, "kind": "ClusterRole", "metadata": {"name": "secrets"},
        "rules": [
            {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]},
            {"apiGroups": [""], "resources": ["nodes"], "verbs": ["patch"]},
        ]}),
        json!({"apiVersion": rbac, "kind": "RoleBinding", "metadata": {"name": "secrets", "namespace": "shop"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "secrets"},
            "subjects": [{"kind": "ServiceAccount", "name": "api", "namespace": "shop"}]}),
        json!({"apiVersion": rbac, "kind": "Role", "metadata": {"name": "login", "namespace": "shop"},
            "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["login"]}]}),
        json!({"apiVersion": rbac, "kind": "RoleBinding", "metadata": {"name": "login", "namespace": "shop"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "login"},
            "subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": "shop"}]}),
    ]
}

fn workload(kind: &str, ns: &str, sa: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "w", "namespace": ns},
        "spec": {"template": {"spec": {"serviceAccountName": sa, "containers": [{"name": "c", "image": "x"}]}}}})
}

fn inventory(engine: &Engine, served: bool) -> Inventory {
    let mut builder = InventoryBuilder::default();
    builder.extend(objects());
    let (raw, _) = builder.build();
    if served {
        engine.inventory(raw)
    } else {
        Inventory::new(raw)
    }
}

fn identity(engine: &Engine, inventory: &Inventory, object: &Value) -> Vec<Finding> {
    let mut ev = engine.evaluator();
    ev.set_inventory(inventory);
    let decision = ev
        .evaluate(&input::from_object(object, &Default::default()))
        .unwrap_or_else(|e| panic!("{e}"));
    decision
        .findings
        .into_iter()
        .filter(|f| f.rule == "RBAC-WORKLOAD-IDENTITY")
        .collect()
}

fn engines() -> [(&'static str, Engine); 2] {
    let rvm = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let interp = EngineBuilder::new()
        .interpreter_only(true)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    [("rvm", rvm), ("interpreter", interp)]
}

#[test]
fn role_powers_are_the_rbac_rules_findings() {
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let facts = inventory(&engine, true)
        .facts()
        .unwrap_or_else(|| panic!("no facts"));
    let powers = &facts["rbac.role_powers"];
    let rules = |key: &str| -> Vec<(String, String)> {
        powers[key]
            .as_array()
            .unwrap_or_else(|| panic!("no powers for {key}: {powers}"))
            .iter()
            .map(|p| (p["rule"].to_string(), p["severity"].to_string()))
            .collect()
    };
    assert_eq!(
        rules("ClusterRole//scope"),
        [
            ("\"RBAC-POD-DELETE\"".into(), "\"medium\"".into()),
            ("\"RBAC-WORKLOAD-MODIFY\"".into(), "\"medium\"".into())
        ]
    );
    // Through a RoleBinding, the ClusterRole is judged in `shop`: its nodes rule grants nothing.
    assert_eq!(
        rules("ClusterRole/shop/secrets"),
        [("\"RBAC-SECRETS-READ\"".into(), "\"high\"".into())]
    );
    let msg = powers["ClusterRole/shop/secrets"][0]["msg"].as_str();
    assert_eq!(
        msg,
        Some("rule 0 can get, list every Secret in namespace \"shop\"")
    );
    // A narrowed read is low: no power.
    assert!(rules("Role/shop/login").is_empty());
}

#[test]
fn workloads_are_judged_alike_on_both_backends_with_and_without_facts() {
    let cases = [
        (workload("DaemonSet", "weave", "scope"), Some("high")),
        (workload("Deployment", "weave", "scope"), None),
        (workload("DaemonSet", "shop", "api"), Some("critical")),
        (workload("Deployment", "shop", "api"), Some("high")),
        (workload("StatefulSet", "other", "api"), None),
        (workload("Deployment", "shop", "web"), None),
    ];
    let mut seen = Vec::new();
    for (name, engine) in engines() {
        let served = inventory(&engine, true);
        for (object, severity) in &cases {
            let found = identity(&engine, &served, object);
            let got = found.first().map(|f| f.severity.as_str());
            assert_eq!(got, *severity, "{name}: {object}");
            assert!(found.len() <= 1, "{name}: {found:?}");
            seen.push(found);
        }
        // Without facts only cluster-admin bindings carry powers: none here.
        let plain = inventory(&engine, false);
        for (object, _) in &cases {
            assert!(identity(&engine, &plain, object).is_empty(), "{name}");
        }
    }
    let (rvm, interp) = seen.split_at(cases.len());
    assert_eq!(rvm, interp);
    assert!(
        rvm[0][0]
            .message
            .contains("through ClusterRoleBinding \"scope\" → ClusterRole \"scope\" cluster-wide"),
        "{}",
        rvm[0][0].message
    );
    assert!(
        rvm[3][0].message.contains(
            "through RoleBinding \"shop/secrets\" → ClusterRole \"secrets\" in namespace \"shop\""
        ),
        "{}",
        rvm[3][0].message
    );
}

#[test]
fn cluster_admin_without_facts_on_both_backends() {
    for (name, engine) in engines() {
        let mut builder = InventoryBuilder::default();
        builder.extend([
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "ci"}, "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]}),
        ]);
        let (raw, _) = builder.build();
        for inv in [engine.inventory(raw.clone()), Inventory::new(raw.clone())] {
            let found = identity(&engine, &inv, &workload("Job", "ci", "deployer"));
            assert_eq!(found.len(), 1, "{name}");
            assert_eq!(found[0].severity.as_str(), "critical", "{name}");
        }
    }
}

#[test]
fn an_aggregated_cluster_role_bound_in_a_namespace_is_judged_on_its_union() {
    let rbac = "rbac.authorization.k8s.io/v1";
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let mut builder = InventoryBuilder::default();
    builder.extend([
        // The aggregating role lists nothing itself: the controller fills it in.
        json!({"apiVersion": rbac, "kind": "ClusterRole", "metadata": {"name": "ops"},
            "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"ops": "true"}}]},
            "rules": []}),
        json!({"apiVersion": rbac, "kind": "ClusterRole",
            "metadata": {"name": "ops-secrets", "labels": {"ops": "true"}},
            "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]}),
        json!({"apiVersion": rbac, "kind": "RoleBinding", "metadata": {"name": "ops", "namespace": "shop"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "ops"},
            "subjects": [{"kind": "ServiceAccount", "name": "ops", "namespace": "shop"}]}),
    ]);
    let (raw, _) = builder.build();
    let served = engine.inventory(raw);
    let powers = &served.facts().unwrap_or_else(|| panic!("no facts"))["rbac.role_powers"];
    let rules: Vec<&str> = powers["ClusterRole/shop/ops"]
        .as_array()
        .unwrap_or_else(|| panic!("no powers: {powers}"))
        .iter()
        .filter_map(|p| p["rule"].as_str())
        .collect();
    assert_eq!(rules, ["RBAC-SECRETS-READ"]);
    let found = identity(&engine, &served, &workload("Deployment", "shop", "ops"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity.as_str(), "high");
}
