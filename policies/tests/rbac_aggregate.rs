//! Aggregated ClusterRoles on both backends: the RVM and the interpreter give the same findings,
//! with the union served as a fact (`Engine::inventory`) and computed per object
//! (`Inventory::new`) alike; and a ClusterRole under review that the inventory does not hold (a
//! CREATE at admission) is judged on its own selectors.

use palisade_policies::{Decision, Engine, EngineBuilder, Finding, Inventory, Severity, input};
use serde_json::{Value, json};

fn cluster_role(name: &str, labels: Value, rules: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": name, "labels": labels}, "rules": rules})
}

fn aggregating(name: &str, selectors: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": name}, "aggregationRule": {"clusterRoleSelectors": selectors}})
}

fn sources() -> Vec<Value> {
    vec![
        cluster_role(
            "mon-secrets",
            json!({"example.com/monitoring": "true"}),
            json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]),
        ),
        cluster_role(
            "mon-proxy",
            json!({"example.com/team": "observability"}),
            json!([{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}]),
        ),
        cluster_role(
            "payments-exec",
            json!({"example.com/team": "payments"}),
            json!([{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]),
        ),
    ]
}

fn monitoring() -> Value {
    aggregating(
        "monitoring",
        json!([
            {"matchLabels": {"example.com/monitoring": "true"}},
            {"matchExpressions": [{"key": "example.com/team", "operator": "In", "values": ["observability"]}]},
        ]),
    )
}

fn inventory(roles: &[Value]) -> Value {
    let by_name: serde_json::Map<String, Value> = roles
        .iter()
        .map(|r| {
            (
                r["metadata"]["name"].as_str().unwrap_or("").to_string(),
                r.clone(),
            )
        })
        .collect();
    json!({"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRole": by_name}}, "namespace": {}})
}

/// The findings about `object` on both backends, with and without served facts: all four the same.
fn decide(object: &Value, inv: &Value) -> Decision {
    let load = |b: EngineBuilder| b.build().unwrap_or_else(|e| panic!("built-ins: {e}"));
    let engines: [Engine; 2] = [
        load(EngineBuilder::new()),
        load(EngineBuilder::new().interpreter_only(true)),
    ];
    let review = input::from_object(object, &Default::default());
    let mut decisions = Vec::new();
    for engine in &engines {
        let served = engine.inventory(inv.clone());
        let facts = served.facts().unwrap_or_default();
        let key = "palisade.lib.rbac_aggregate.computed";
        assert!(
            facts[key].is_object(),
            "the union is not served as a fact: {facts}"
        );
        for inventory in [served, Inventory::new(inv.clone())] {
            let mut ev = engine.evaluator();
            ev.set_inventory(&inventory);
            decisions.push(ev.evaluate(&review).unwrap_or_else(|e| panic!("{e}")));
        }
    }
    for d in &decisions[1..] {
        assert_eq!(d, &decisions[0], "backends or facts disagree");
    }
    decisions.swap_remove(0)
}

fn rbac(d: &Decision) -> Vec<(&str, Severity, Option<&str>, &str)> {
    let rbac = d.findings.iter().filter(|f| f.rule.starts_with("RBAC-"));
    rbac.map(|f: &Finding| {
        (
            f.rule.as_str(),
            f.severity,
            f.path.as_deref(),
            f.message.as_str(),
        )
    })
    .collect()
}

#[test]
fn aggregated_role_is_judged_on_the_roles_its_selectors_pick() {
    let mut roles = sources();
    roles.push(monitoring());
    let d = decide(&monitoring(), &inventory(&roles));
    let got = rbac(&d);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[0].0, "RBAC-NODES-PROXY");
    assert_eq!(got[0].1, Severity::Critical);
    assert_eq!(got[0].2, Some("/aggregationRule/clusterRoleSelectors/1"));
    assert!(
        got[0]
            .3
            .starts_with("rule 0 of ClusterRole mon-proxy can get nodes/proxy"),
        "{got:#?}"
    );
    assert_eq!(got[1].0, "RBAC-SECRETS-READ");
    assert_eq!(got[1].1, Severity::High);
    assert_eq!(got[1].2, Some("/aggregationRule/clusterRoleSelectors/0"));
    assert!(
        got[1]
            .3
            .starts_with("rule 0 of ClusterRole mon-secrets can get, list every Secret")
    );
}

#[test]
fn a_new_aggregated_role_is_judged_on_its_own_selectors() {
    // The inventory holds `monitoring` with other selectors; the request brings new ones.
    let mut roles = sources();
    roles.push(aggregating(
        "monitoring",
        json!([{"matchLabels": {"nothing": "here"}}]),
    ));
    let changed = aggregating(
        "monitoring",
        json!([{"matchExpressions": [{"key": "example.com/team", "operator": "NotIn", "values": ["observability"]}]}]),
    );
    let d = decide(&changed, &inventory(&roles));
    let got = rbac(&d);
    let rules: Vec<&str> = got.iter().map(|f| f.0).collect();
    // NotIn picks roles without the label too: mon-secrets (secrets) and payments-exec (exec).
    assert_eq!(rules, ["RBAC-POD-EXEC", "RBAC-SECRETS-READ"], "{got:#?}");
    assert!(got[0].3.contains("of ClusterRole payments-exec"));
    // Aggregating nothing, it grants nothing.
    let idle = aggregating("idle", json!([{"matchLabels": {"nothing": "here"}}]));
    assert!(rbac(&decide(&idle, &inventory(&roles))).is_empty());
}

#[test]
fn a_role_aggregated_into_edit_says_who_gets_it() {
    let extra = cluster_role(
        "extra",
        json!({"rbac.authorization.k8s.io/aggregate-to-edit": "true"}),
        json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]),
    );
    let d = decide(&extra, &inventory(std::slice::from_ref(&extra)));
    let got = rbac(&d);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].2, Some("/rules/0/verbs/0"));
    assert!(
        got[0].3.starts_with(
            "rule 0 (aggregated into edit: every user with edit or admin gets it) can list"
        ),
        "{got:#?}"
    );
}
