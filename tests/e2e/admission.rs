//! Group `admission`: pods, pod controllers and RBAC objects through the API server's chain
//! with the manifests' webhook configurations — denials name the rule, compliant objects pass
//! without warnings, UPDATEs are judged on what they introduce, DELETE and dry runs behave, the
//! ephemeral-containers subresource is judged, and excluded namespaces are never sent.

use super::harness::{Attempt, Harness, Outcome, Webhook, run_cases};
use super::objects::{
    cluster_role, debug_container, deployment, example, labelled, list, namespace, network_policy,
    privileged_pod, restricted_pod,
};
use serde_json::json;

const NS: &str = "team-a";
const VALIDATE: &str = "workloads-rbac.validate.palisade.dev";

#[test]
fn admission() {
    let inventory = list(&[namespace(NS, json!({"team": "a"}))]);
    let h = Harness::start(Webhook::builder().inventory(&inventory));
    run_cases(
        "admission",
        &h,
        &[
            ("privileged_pod_denied", privileged_pod_denied),
            (
                "restricted_pod_admitted_without_warnings",
                restricted_pod_admitted,
            ),
            ("wildcard_cluster_role_denied", wildcard_cluster_role_denied),
            (
                "unrestricted_impersonation_denied",
                unrestricted_impersonation_denied,
            ),
            (
                "gitops_roles_admitted_with_warnings",
                gitops_roles_admitted_with_warnings,
            ),
            (
                "delete_of_privileged_pod_allowed",
                delete_of_privileged_pod_allowed,
            ),
            (
                "label_only_update_allowed_with_warning",
                label_only_update_warns,
            ),
            (
                "update_making_pod_privileged_denied",
                update_making_privileged_denied,
            ),
            ("dry_run_same_verdict", dry_run_same_verdict),
            ("ephemeral_containers_judged", ephemeral_containers_judged),
            (
                "excluded_namespaces_never_sent",
                excluded_namespaces_never_sent,
            ),
        ],
    );
}

fn denied_by(out: &Outcome, rule: &str) {
    assert!(!out.allowed, "expected a denial by {rule}: {out:#?}");
    assert_eq!(out.code, 403, "{out:#?}");
    let prefix =
        format!("admission webhook \"{VALIDATE}\" denied the request: denied by palisade (");
    assert!(out.message.starts_with(&prefix), "{}", out.message);
    // The ids lead the message, so a long denial cut at its limit still names every rule.
    let (ids, _) = out.message[prefix.len()..]
        .split_once("): ")
        .unwrap_or_else(|| panic!("no rule ids before the findings: {}", out.message));
    assert!(ids.split(", ").any(|r| r == rule), "{rule} not among {ids}");
    assert!(
        out.denied_rules().iter().any(|r| r == rule),
        "{rule} not in: {}",
        out.message
    );
}

fn privileged_pod_denied(h: &Harness) {
    let before = h.webhook.answered();
    let out = h.admit(Attempt::create(privileged_pod("privileged", NS)));
    denied_by(&out, "PSS-PRIVILEGED");
    assert!(
        out.called("pod-templates.mutate") && out.called(VALIDATE),
        "{out:#?}"
    );
    assert_eq!(
        h.webhook.answered(),
        before + 2,
        "one /mutate and one /validate"
    );
}

fn restricted_pod_admitted(h: &Harness) {
    let out = h.admit(Attempt::create(restricted_pod("web", NS)));
    assert!(out.allowed && out.code == 200, "{out:#?}");
    // Only the low warnings of a namespace without NetworkPolicies (none in this inventory).
    assert!(
        only_missing_policies(&out.warned_rules()),
        "{:?}",
        out.warnings
    );
    assert!(out.called(VALIDATE), "{out:#?}");
    assert_eq!(
        out.object,
        Some(restricted_pod("web", NS)),
        "no mutation outside opted-in namespaces"
    );
}

fn wildcard_cluster_role_denied(h: &Harness) {
    let rules = json!([{"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["*"]}]);
    let out = h.admit(Attempt::create(cluster_role("pod-and-secret-admin", rules)));
    denied_by(&out, "RBAC-WILDCARD");
    assert!(
        out.called(VALIDATE),
        "a cluster-scoped object is always sent"
    );
}

fn unrestricted_impersonation_denied(h: &Harness) {
    let rules = json!([{
        "apiGroups": [""],
        "resources": ["users", "groups", "serviceaccounts"],
        "verbs": ["impersonate"],
    }]);
    let out = h.admit(Attempt::create(cluster_role("impersonate-anyone", rules)));
    denied_by(&out, "RBAC-IMPERSONATE");
}

fn gitops_roles_admitted_with_warnings(h: &Harness) {
    let objects = example("gitops-impersonation.yaml");
    assert_eq!(objects.len(), 2, "ClusterRole and ClusterRoleBinding");
    let mut warned = Vec::new();
    for object in objects {
        let out = h.admit(Attempt::create(object));
        assert!(out.allowed, "{out:#?}");
        assert!(out.called(VALIDATE), "{out:#?}");
        warned.extend(out.warned_rules());
    }
    for rule in ["RBAC-IMPERSONATE", "RBAC-SECRETS-READ"] {
        assert!(
            warned.iter().any(|r| r == rule),
            "{rule} not warned: {warned:?}"
        );
    }
}

fn delete_of_privileged_pod_allowed(h: &Harness) {
    let delete = Attempt::delete(privileged_pod("privileged", NS));
    // The manifests' rules leave DELETE out: the API server does not call the webhook…
    let out = h.admit(delete.clone());
    assert!(out.allowed && out.calls.is_empty(), "{out:#?}");
    // …but a DELETE sent anyway (`object: null`) must be answered, and allowed.
    let uid = super::harness::review::uid();
    let review = super::harness::review::review("v1", delete.request(&uid));
    assert!(review["request"]["object"].is_null());
    let (status, body) = h.post("/validate", &review);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["uid"], uid.as_str(), "{body}");
    assert_eq!(body["response"]["allowed"], true, "{body}");
}

fn label_only_update_warns(h: &Harness) {
    let old = privileged_pod("legacy", NS);
    let new = labelled(&old, "release", "2");
    let out = h.admit(Attempt::update(old, new));
    assert!(out.allowed, "{out:#?}");
    let warning = out
        .warnings
        .iter()
        .find(|w| w.starts_with("[PSS-PRIVILEGED]"));
    let warning = warning.unwrap_or_else(|| panic!("no PSS-PRIVILEGED warning: {out:#?}"));
    assert!(warning.ends_with("(already present)"), "{warning}");
}

fn update_making_privileged_denied(h: &Harness) {
    // A pod's containers are immutable (the API server refuses such an UPDATE before
    // validating webhooks run); the template of a Deployment is how a pod becomes privileged.
    let old = deployment("web", NS, &restricted_pod("web", NS));
    let new = deployment("web", NS, &privileged_pod("web", NS));
    denied_by(&h.admit(Attempt::update(old, new)), "PSS-PRIVILEGED");
    // The webhook judges a Pod UPDATE the same way, should one reach it.
    let (old, new) = (restricted_pod("web", NS), privileged_pod("web", NS));
    denied_by(&h.admit(Attempt::update(old, new)), "PSS-PRIVILEGED");
}

fn dry_run_same_verdict(h: &Harness) {
    let wet = h.admit(Attempt::create(privileged_pod("privileged", NS)));
    let dry = h.admit(Attempt::create(privileged_pod("privileged", NS)).dry_run());
    denied_by(&dry, "PSS-PRIVILEGED");
    assert_eq!((dry.code, &dry.message), (wet.code, &wet.message));
    let dry = h.admit(Attempt::create(restricted_pod("web", NS)).dry_run());
    assert!(
        dry.allowed && only_missing_policies(&dry.warned_rules()),
        "{dry:#?}"
    );
}

/// Whether `rules` are exactly the NETPOL-MISSING-* warnings every workload gets in a namespace
/// without NetworkPolicies.
fn only_missing_policies(rules: &[String]) -> bool {
    let mut rules = rules.to_vec();
    rules.sort();
    rules == ["NETPOL-MISSING-EGRESS", "NETPOL-MISSING-INGRESS"]
}

fn ephemeral_containers_judged(h: &Harness) {
    let pod = restricted_pod("web", NS);
    for (privileged, allowed) in [(true, false), (false, true)] {
        let mut debugged = pod.clone();
        debugged["spec"]["ephemeralContainers"] = json!([debug_container(privileged)]);
        let attempt = Attempt::update(pod.clone(), debugged).subresource("ephemeralcontainers");
        let out = h.admit(attempt);
        assert_eq!(out.allowed, allowed, "privileged={privileged}: {out:#?}");
        if !allowed {
            denied_by(&out, "PSS-PRIVILEGED");
        }
        assert!(
            out.called(VALIDATE),
            "pods/ephemeralcontainers is in the rules"
        );
        assert!(
            !out.called("pod-templates.mutate"),
            "`pods` does not match a subresource"
        );
    }
    // Debugging a pod that was privileged already: allowed, the old finding a warning.
    let pod = privileged_pod("cni", NS);
    let mut debugged = pod.clone();
    debugged["spec"]["ephemeralContainers"] = json!([debug_container(false)]);
    let out = h.admit(Attempt::update(pod, debugged).subresource("ephemeralcontainers"));
    assert!(out.allowed, "{out:#?}");
    assert!(
        out.warned_rules().iter().any(|r| r == "PSS-PRIVILEGED"),
        "{out:#?}"
    );
}

fn excluded_namespaces_never_sent(h: &Harness) {
    let before = h.webhook.answered();
    for ns in ["kube-system", "palisade-system"] {
        let out = h.admit(Attempt::create(privileged_pod("privileged", ns)));
        assert!(out.allowed && out.calls.is_empty(), "{ns}: {out:#?}");
        let out = h.admit(Attempt::create(network_policy("deny-all", ns)));
        assert!(out.allowed && out.calls.is_empty(), "{ns}: {out:#?}");
    }
    assert_eq!(h.webhook.answered(), before, "the webhook saw a request");
    // The same NetworkPolicy elsewhere is sent (to the Ignore webhook) and admitted.
    let out = h.admit(Attempt::create(network_policy("deny-all", NS)));
    assert!(
        out.allowed && out.called("networkpolicies.validate"),
        "{out:#?}"
    );
}
