//! Group `live_inventory`: the real `palisade webhook --kubeconfig FILE` against a fake API
//! server (`palisade-fake-api`, plain HTTP on loopback). An impersonation ClusterRole narrowed to
//! a group that the fake API binds to cluster-admin is denied; once the fake API drops that
//! binding, the watch delivers the deletion and the same ClusterRole is admitted (with the low
//! "narrowed" warning). And a webhook whose API server is unreachable starts, serves the rules
//! that need no inventory, and says on `/readyz` what it waits for.

use super::harness::process::Webhook;
use super::harness::{Attempt, Harness, Outcome, runtime};
use super::objects::{cluster_role, privileged_pod};
use palisade_fake_api::FakeApi;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const GROUP: &str = "platform-admins";
/// How long a change in the fake API may take to reach the verdict.
const CHANGE_TIMEOUT: Duration = Duration::from_secs(20);

fn admins_binding() -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
           "metadata": {"name": "platform-admins"},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
           "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": GROUP}]})
}

fn impersonate_admins() -> Attempt {
    let rules = json!([{"apiGroups": [""], "resources": ["groups"], "verbs": ["impersonate"],
                        "resourceNames": [GROUP]}]);
    Attempt::create(cluster_role("impersonate-platform-admins", rules))
}

fn denied_for_impersonation(out: &Outcome) -> bool {
    !out.allowed && out.denied_rules().iter().any(|r| r == "RBAC-IMPERSONATE")
}

/// Waits until `path` on the metrics listener answers `code`; returns the body.
fn wait_for(webhook: &Webhook, path: &str, code: u16) -> String {
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    loop {
        let got = webhook.get(path);
        match got {
            Some((c, body)) if c == code => return body,
            _ if Instant::now() > deadline => {
                panic!("{path}: {got:?}, not {code}\n{}", webhook.log())
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

#[test]
fn live_inventory() {
    let fake_rt = runtime();
    let api = fake_rt.block_on(FakeApi::start());
    api.apply(admins_binding());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let kubeconfig = api.kubeconfig(dir.path());
    let h = Harness::start(
        Webhook::builder()
            .arg(&format!("--kubeconfig={}", kubeconfig.display()))
            .arg("--inventory-debounce=50ms"),
    );
    wait_for(&h.webhook, "/readyz/inventory", 200);

    let out = h.admit(impersonate_admins());
    assert!(
        denied_for_impersonation(&out),
        "not denied while the group holds cluster-admin: {out:#?}"
    );
    assert!(out.message.contains(GROUP), "{}", out.message);

    assert!(api.delete("ClusterRoleBinding", "", "platform-admins"));
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    let out = loop {
        let out = h.admit(impersonate_admins());
        if !denied_for_impersonation(&out) || Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        out.allowed,
        "still denied after the binding was dropped: {out:#?}\n{}",
        h.webhook.log()
    );
    assert!(
        out.warned_rules().iter().any(|r| r == "RBAC-IMPERSONATE"),
        "{out:#?}"
    );

    // And denied again once the fake API binds the group anew.
    api.apply(admins_binding());
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    while !denied_for_impersonation(&h.admit(impersonate_admins())) {
        assert!(
            Instant::now() < deadline,
            "not denied after the binding came back"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let metrics = wait_for(&h.webhook, "/metrics", 200);
    assert!(
        metrics.contains("\npalisade_inventory_synced 1\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("\npalisade_inventory_objects 1\n"),
        "{metrics}"
    );
    assert_eq!(
        api.requests("pods", "list") + api.requests("pods", "watch"),
        0
    );
}

#[test]
fn unreachable_api_server() {
    let port = palisade_fake_api::unused_port();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let kubeconfig =
        palisade_fake_api::kubeconfig_for(&format!("http://127.0.0.1:{port}"), dir.path());
    let h =
        Harness::start(Webhook::builder().arg(&format!("--kubeconfig={}", kubeconfig.display())));
    let ready = wait_for(&h.webhook, "/readyz", 200);
    assert!(
        ready.contains("inventory: waiting for Namespace, Service"),
        "{ready}"
    );
    let waiting = wait_for(&h.webhook, "/readyz/inventory", 503);
    assert!(waiting.contains("ClusterRoleBinding"), "{waiting}");
    let out = h.admit(Attempt::create(privileged_pod("privileged", "default")));
    assert!(
        !out.allowed && out.denied_rules().iter().any(|r| r == "PSS-PRIVILEGED"),
        "{out:#?}"
    );
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    loop {
        let metrics = wait_for(&h.webhook, "/metrics", 200);
        if metrics.contains("palisade_inventory_watch_restarts_total{kind=\"ClusterRoleBinding\",reason=\"list_failed\"}") {
            assert!(metrics.contains("\npalisade_inventory_synced 0\n"), "{metrics}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no watch restart counted:\n{metrics}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_bad_kubeconfig_or_context_exits_2() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let kubeconfig = palisade_fake_api::kubeconfig_for("http://127.0.0.1:1", dir.path());
    let out = std::process::Command::new(super::harness::process::palisade())
        .args([
            "webhook",
            "--cert=/nonexistent",
            "--key=/nonexistent",
            "--context=staging",
        ])
        .arg(format!("--kubeconfig={}", kubeconfig.display()))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no context named `staging` (contexts: fake)"),
        "{stderr}"
    );
}
