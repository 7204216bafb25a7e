//! Group `mutation`: the restricted defaults in namespaces labelled
//! `palisade.dev/mutate: restricted-defaults` (known to the webhook from its `--inventory`). The
//! contract: a pod container without a securityContext comes back with
//! `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]` and a `RuntimeDefault` seccomp
//! profile (on the container or the pod); validation then judges the mutated pod; and a second
//! pass through `/mutate` returns no patch. Pods elsewhere are left alone.

use super::harness::{Attempt, Harness, Webhook, review, run_cases};
use super::objects::{bare_pod, list, namespace};
use serde_json::{Value, json};

const MUTATED: &str = "team-mutate";
const PLAIN: &str = "team-plain";
const MUTATE: &str = "pod-templates.mutate.palisade.dev";

#[test]
fn mutation() {
    let inventory = list(&[
        namespace(
            MUTATED,
            json!({"palisade.dev/mutate": "restricted-defaults"}),
        ),
        namespace(PLAIN, json!({})),
    ]);
    let h = Harness::start(Webhook::builder().inventory(&inventory));
    run_cases(
        "mutation",
        &h,
        &[
            ("restricted_defaults_applied", restricted_defaults_applied),
            (
                "validation_judges_the_mutated_pod",
                validation_judges_mutated,
            ),
            ("second_pass_returns_no_patch", second_pass_returns_no_patch),
            ("other_namespaces_not_mutated", other_namespaces_not_mutated),
        ],
    );
}

/// Checks the restricted defaults on every container of a pod.
fn assert_hardened(pod: &Value) {
    let pod_seccomp = &pod["spec"]["securityContext"]["seccompProfile"]["type"];
    let containers = pod["spec"]["containers"].as_array();
    let containers = containers.unwrap_or_else(|| panic!("no containers: {pod:#}"));
    for c in containers {
        let sc = &c["securityContext"];
        assert_eq!(sc["allowPrivilegeEscalation"], false, "{pod:#}");
        assert_eq!(sc["capabilities"]["drop"], json!(["ALL"]), "{pod:#}");
        let seccomp = &sc["seccompProfile"]["type"];
        assert!(
            seccomp == "RuntimeDefault" || (seccomp.is_null() && pod_seccomp == "RuntimeDefault"),
            "no RuntimeDefault seccomp profile: {pod:#}"
        );
    }
}

/// The patch the mutating webhook returned, if any.
fn patch_of(out: &super::harness::Outcome) -> Option<Value> {
    let call = out.calls.iter().find(|c| c.webhook == MUTATE);
    let call = call.unwrap_or_else(|| panic!("{MUTATE} not called: {out:#?}"));
    let answer = call
        .result
        .as_ref()
        .unwrap_or_else(|e| panic!("{MUTATE}: {e}"));
    answer.patch.clone()
}

fn restricted_defaults_applied(h: &Harness) {
    let out = h.admit(Attempt::create(bare_pod("plain", MUTATED)));
    assert!(patch_of(&out).is_some(), "no patch: {out:#?}");
    let mutated = out
        .object
        .clone()
        .unwrap_or_else(|| panic!("no object: {out:#?}"));
    assert_hardened(&mutated);
}

fn validation_judges_mutated(h: &Harness) {
    // Without runAsNonRoot the pod is still denied — but only for that: what mutation fixed is
    // not what validation complains about.
    let out = h.admit(Attempt::create(bare_pod("plain", MUTATED)));
    assert!(!out.allowed, "{out:#?}");
    let denied = out.denied_rules();
    assert!(
        denied.iter().any(|r| r == "PSS-RUN-AS-NON-ROOT"),
        "{denied:?}"
    );
    for fixed in [
        "PSS-ALLOW-PRIVILEGE-ESCALATION",
        "PSS-CAPABILITIES-RESTRICTED",
        "PSS-SECCOMP-RESTRICTED",
    ] {
        assert!(
            !denied.iter().any(|r| r == fixed),
            "{fixed} after mutation: {}",
            out.message
        );
    }
    // With a non-root pod security context, the mutated pod is admitted.
    let mut pod = bare_pod("non-root", MUTATED);
    pod["spec"]["securityContext"] = json!({"runAsNonRoot": true, "runAsUser": 10001});
    let out = h.admit(Attempt::create(pod));
    assert!(out.allowed, "{out:#?}");
}

fn second_pass_returns_no_patch(h: &Harness) {
    let out = h.admit(Attempt::create(bare_pod("plain", MUTATED)));
    let mutated = out
        .object
        .clone()
        .unwrap_or_else(|| panic!("no object: {out:#?}"));
    assert_hardened(&mutated);
    // Straight to /mutate, as a reinvocation would send it…
    let uid = review::uid();
    let request = Attempt::create(mutated.clone()).request(&uid);
    let (status, body) = h.post("/mutate", &review::review("v1", request));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["allowed"], true, "{body}");
    assert!(
        body["response"].get("patch").is_none(),
        "patched again: {body}"
    );
    // …and through the chain: called, no patch, object unchanged.
    let again = h.admit(Attempt::create(mutated.clone()));
    assert_eq!(patch_of(&again), None, "{again:#?}");
    assert_eq!(again.object, Some(mutated));
}

fn other_namespaces_not_mutated(h: &Harness) {
    let pod = bare_pod("plain", PLAIN);
    let out = h.admit(Attempt::create(pod.clone()));
    assert_eq!(patch_of(&out), None, "{out:#?}");
    assert_eq!(out.object, Some(pod));
}
