//! Which webhooks the harness calls, checked without a webhook: the manifests read as the API
//! server reads them, and label selectors and rules matched with the API server's semantics —
//! so that a case that "is not sent" is not sent for the right reason.

use super::harness::config::{self, FailurePolicy, LabelSelector, Phase, Rule, WebhookConfig};
use super::harness::matching::{Labels, rule_matches, selector_matches, should_call};
use super::harness::{Attempt, repo};
use super::objects::{cluster_role, namespace, privileged_pod};
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn selector(value: Value) -> LabelSelector {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn manifests_read_as_the_api_server_reads_them() {
    let hooks = config::load(&repo("manifests/webhook"), "Y2E=");
    let names: Vec<(&str, Phase, FailurePolicy)> = hooks
        .iter()
        .map(|h| (h.name.as_str(), h.phase, h.failure_policy))
        .collect();
    assert_eq!(
        names,
        [
            (
                "pod-templates.mutate.palisade.dev",
                Phase::Mutating,
                FailurePolicy::Ignore
            ),
            (
                "workloads-rbac.validate.palisade.dev",
                Phase::Validating,
                FailurePolicy::Fail
            ),
            (
                "networkpolicies.validate.palisade.dev",
                Phase::Validating,
                FailurePolicy::Ignore
            ),
        ]
    );
    for hook in &hooks {
        assert_eq!(hook.client_config.ca_bundle, "Y2E=");
        assert_eq!(
            hook.client_config.service.server_name(),
            "palisade-webhook.palisade-system.svc"
        );
        assert_eq!(
            (
                hook.timeout_seconds,
                hook.admission_review_versions.as_slice()
            ),
            (5, &["v1".to_string()][..])
        );
        // The harness does not evaluate CEL: the one condition there is may be skipped because
        // it only spares UPDATEs of objects already being deleted, which no case sends.
        let expressions: Vec<&str> = hook
            .match_conditions
            .iter()
            .filter_map(|c| c["expression"].as_str())
            .collect();
        assert_eq!(
            expressions,
            ["request.operation != 'UPDATE' || !has(oldObject.metadata.deletionTimestamp)"],
            "{}",
            hook.name
        );
    }
}

#[test]
fn label_selectors_match_as_the_api_server_does() {
    let set = labels(&[("team", "a"), ("tier", "web")]);
    let cases = [
        (json!({}), true),
        (json!({"matchLabels": {"team": "a"}}), true),
        (json!({"matchLabels": {"team": "b"}}), false),
        (
            json!({"matchExpressions": [{"key": "team", "operator": "In", "values": ["a", "b"]}]}),
            true,
        ),
        (
            json!({"matchExpressions": [{"key": "owner", "operator": "In", "values": ["a"]}]}),
            false,
        ),
        (
            json!({"matchExpressions": [{"key": "team", "operator": "NotIn", "values": ["a"]}]}),
            false,
        ),
        // NotIn matches where the label is absent.
        (
            json!({"matchExpressions": [{"key": "owner", "operator": "NotIn", "values": ["a"]}]}),
            true,
        ),
        (
            json!({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}),
            true,
        ),
        (
            json!({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}),
            false,
        ),
        (
            json!({"matchExpressions": [{"key": "owner", "operator": "DoesNotExist"}]}),
            true,
        ),
        // All requirements must hold.
        (
            json!({"matchLabels": {"team": "a"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["db"]}]}),
            false,
        ),
    ];
    for (sel, want) in cases {
        assert_eq!(
            selector_matches(&selector(sel.clone()), &set),
            Ok(want),
            "{sel}"
        );
    }
    for bad in [
        json!({"matchExpressions": [{"key": "team", "operator": "In"}]}),
        json!({"matchExpressions": [{"key": "team", "operator": "Exists", "values": ["a"]}]}),
        json!({"matchExpressions": [{"key": "team", "operator": "Gt", "values": ["1"]}]}),
    ] {
        assert!(
            selector_matches(&selector(bad.clone()), &set).is_err(),
            "{bad}"
        );
    }
}

fn rule(value: Value) -> Rule {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn rules_match_resources_subresources_and_scope() {
    let pod = Attempt::create(privileged_pod("p", "team-a"));
    let debug = Attempt::update(privileged_pod("p", "team-a"), privileged_pod("p", "team-a"))
        .subresource("ephemeralcontainers");
    let role = Attempt::create(cluster_role("r", json!([])));
    let ns = Attempt::create(namespace("team-b", json!({})));
    let base =
        json!({"operations": ["CREATE", "UPDATE"], "apiGroups": ["*"], "apiVersions": ["*"]});
    let with = |resources: Value, scope: &str| {
        let mut r = base.clone();
        r["resources"] = resources;
        r["scope"] = json!(scope);
        rule(r)
    };
    let cases = [
        (with(json!(["pods"]), "*"), [true, false, false, false]),
        (with(json!(["*"]), "*"), [true, false, true, true]),
        (with(json!(["*/*"]), "*"), [true, true, true, true]),
        // `sub == "*"` matches the empty subresource too: `pods/*` is pods and all their subresources.
        (with(json!(["pods/*"]), "*"), [true, true, false, false]),
        (
            with(json!(["pods/ephemeralcontainers"]), "*"),
            [false, true, false, false],
        ),
        (
            with(json!(["*/ephemeralcontainers"]), "*"),
            [false, true, false, false],
        ),
        (
            with(json!(["*"]), "Namespaced"),
            [true, false, false, false],
        ),
        // A Namespace is cluster-scoped, although its request carries its own name as namespace.
        (with(json!(["*"]), "Cluster"), [false, false, true, true]),
    ];
    for (r, want) in cases {
        let got = [&pod, &debug, &role, &ns].map(|a| rule_matches(&r, a));
        assert_eq!(got, want, "{:?} {}", r.resources, r.scope);
    }
    let delete = Attempt::delete(privileged_pod("p", "team-a"));
    assert!(
        !rule_matches(&with(json!(["*"]), "*"), &delete),
        "DELETE is not in the operations"
    );
}

fn hook(namespace_selector: Value, object_selector: Value) -> WebhookConfig {
    serde_json::from_value(json!({
        "name": "test.palisade.dev",
        "admissionReviewVersions": ["v1"],
        "sideEffects": "None",
        "clientConfig": {"service": {"name": "s", "namespace": "n"}},
        "namespaceSelector": namespace_selector,
        "objectSelector": object_selector,
        "rules": [{"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"]}],
    }))
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn namespace_and_object_selectors() {
    let mut namespaces = BTreeMap::new();
    namespaces.insert(
        "team-a".to_string(),
        labels(&[("kubernetes.io/metadata.name", "team-a"), ("env", "prod")]),
    );
    let prod = hook(json!({"matchLabels": {"env": "prod"}}), json!({}));
    let call = |h: &WebhookConfig, a: &Attempt| should_call(h, a, &namespaces);
    assert_eq!(
        call(&prod, &Attempt::create(privileged_pod("p", "team-a"))),
        Ok(true)
    );
    // Cluster-scoped objects are always matched by the namespaceSelector…
    assert_eq!(
        call(
            &prod,
            &Attempt::create(cluster_role("r", json!([]))).clone()
        ),
        Ok(true)
    );
    // …except a Namespace, matched against its own (new) labels.
    assert_eq!(
        call(
            &prod,
            &Attempt::create(namespace("team-b", json!({"env": "dev"})))
        ),
        Ok(false)
    );
    assert_eq!(
        call(
            &prod,
            &Attempt::create(namespace("team-b", json!({"env": "prod"})))
        ),
        Ok(true)
    );
    // A namespace the API server does not know is an error (404), once the rules match.
    let unknown = call(&prod, &Attempt::create(privileged_pod("p", "nowhere")));
    assert!(matches!(unknown, Err((404, _))), "{unknown:?}");
    // The objectSelector looks at the object and the old object.
    let labelled = hook(json!({}), json!({"matchLabels": {"app": "p"}}));
    let plain = privileged_pod("q", "team-a");
    let update = |old: &Value, new: &Value| Attempt::update(old.clone(), new.clone());
    assert_eq!(
        call(&labelled, &Attempt::create(privileged_pod("p", "team-a"))),
        Ok(true)
    );
    assert_eq!(call(&labelled, &Attempt::create(plain.clone())), Ok(false));
    assert_eq!(
        call(&labelled, &update(&privileged_pod("p", "team-a"), &plain)),
        Ok(true)
    );
    assert_eq!(
        call(&labelled, &Attempt::delete(privileged_pod("p", "team-a"))),
        Ok(true)
    );
    assert_eq!(call(&labelled, &Attempt::delete(plain)), Ok(false));
}
