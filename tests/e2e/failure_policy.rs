//! Group `failure_policy`: what the API server does when the webhook does not answer. The
//! process is stopped (SIGSTOP: connections are accepted by the kernel, nothing answers, so
//! every call runs into `timeoutSeconds`), resumed, and finally killed (SIGKILL: connections are
//! refused). Throughout, `Fail` webhooks (pods, RBAC) reject the request and `Ignore` webhooks
//! (NetworkPolicies, mutation) let it through. The timeouts are lowered to 1 s here so that
//! waiting for them stays short (the manifests' 5 s are checked first).

use super::harness::{Attempt, Harness, Outcome, Webhook, run_cases};
use super::objects::{cluster_role, network_policy, privileged_pod, restricted_pod};
use serde_json::json;
use std::time::{Duration, Instant};

const NS: &str = "default";
const VALIDATE: &str = "workloads-rbac.validate.palisade.dev";

#[test]
fn failure_policy() {
    let mut h = Harness::start(Webhook::builder());
    for hook in &mut h.api.webhooks {
        assert_eq!(
            hook.timeout_seconds, 5,
            "{}: the manifests' timeoutSeconds",
            hook.name
        );
        hook.timeout_seconds = 1;
    }
    run_cases(
        "failure_policy",
        &h,
        &[
            ("answering", answering),
            ("stopped_fail_rejects_ignore_admits", stopped),
            ("resumed_answers_again", answering),
            ("killed_fail_rejects_ignore_admits", killed),
        ],
    );
}

fn answering(h: &Harness) {
    let out = h.admit(Attempt::create(privileged_pod("privileged", NS)));
    assert!(!out.allowed && out.code == 403, "{out:#?}");
    assert!(
        out.denied_rules().iter().any(|r| r == "PSS-PRIVILEGED"),
        "{}",
        out.message
    );
}

/// Rejected by the validating webhook's failurePolicy Fail, the failure described.
fn failed_closed(out: &Outcome, cause: &str) {
    assert!(!out.allowed && out.code == 500, "{out:#?}");
    let prefix = format!("Internal error occurred: failed calling webhook \"{VALIDATE}\": ");
    assert!(out.message.starts_with(&prefix), "{}", out.message);
    let message = out.message.to_lowercase();
    assert!(message.contains(cause), "{cause} not in: {}", out.message);
}

/// Resumes the process when dropped, so that a failing case leaves it running.
struct Resume<'a>(&'a Harness);

impl Drop for Resume<'_> {
    fn drop(&mut self) {
        self.0.webhook.signal("CONT");
    }
}

fn stopped(h: &Harness) {
    h.webhook.signal("STOP");
    let _resume = Resume(h);
    let timed = |attempt: Attempt| {
        let started = Instant::now();
        let out = h.admit(attempt);
        (out, started.elapsed())
    };
    // Mutation (Ignore) times out and is skipped, then validation (Fail) times out: rejected.
    let (out, took) = timed(Attempt::create(restricted_pod("web", NS)));
    failed_closed(&out, "context deadline exceeded");
    let mutate = out
        .calls
        .iter()
        .find(|c| c.webhook.starts_with("pod-templates.mutate"));
    assert!(mutate.is_some_and(|c| c.result.is_err()), "{out:#?}");
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(4),
        "{took:?}"
    );
    // A NetworkPolicy (Ignore) is admitted once the timeout is over.
    let (out, took) = timed(Attempt::create(network_policy("deny-all", NS)));
    assert!(
        out.allowed && out.calls.len() == 1 && out.calls[0].result.is_err(),
        "{out:#?}"
    );
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

fn killed(h: &Harness) {
    h.webhook.kill();
    // The connection kept from before fails in whatever way it notices first…
    failed_closed(&h.admit(Attempt::create(restricted_pod("web", NS))), "");
    // …and new connections are refused.
    let refused = "connection refused";
    for attempt in [
        Attempt::create(privileged_pod("privileged", NS)),
        Attempt::create(restricted_pod("web", NS)),
        Attempt::create(cluster_role(
            "reader",
            json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]),
        )),
    ] {
        failed_closed(&h.admit(attempt), refused);
    }
    let out = h.admit(Attempt::create(network_policy("deny-all", NS)));
    assert!(out.allowed, "{out:#?}");
    let error = out.calls.first().and_then(|c| c.result.as_ref().err());
    assert!(
        error.is_some_and(|e| e.to_lowercase().contains(refused)),
        "{out:#?}"
    );
    // Not sent at all: unaffected.
    let out = h.admit(Attempt::create(privileged_pod("privileged", "kube-system")));
    assert!(out.allowed && out.calls.is_empty(), "{out:#?}");
}
