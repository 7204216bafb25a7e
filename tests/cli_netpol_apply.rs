//! `palisade netpol apply` through the real binary against the fake API server: the shop
//! example's suggested policies are dry-run (nothing stored), applied with field manager
//! `palisade` (created, with a diff from nothing), applied again (unchanged: no request at
//! all, though the API server stores them defaulted), and after a policy is changed in the
//! cluster, configured back with a diff that shows the change. An API server that refuses or
//! cannot be reached is exit 2 naming the policy.

use crate::support::runtime;
use assert_cmd::Command;
use palisade_fake_api::FakeApi;
use serde_json::json;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `palisade netpol apply` of the shop example through `kubeconfig`: (exit code, stdout, stderr).
fn apply(kubeconfig: &std::path::Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("palisade")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["netpol", "apply", "--default-deny", "--flows"])
        .arg(root().join("examples/netpol/microshield-flows.jsonl"))
        .arg(root().join("examples/netpol/shop.yaml"))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(extra)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const POLICIES: [&str; 4] = [
    "palisade-frontend",
    "palisade-backend",
    "palisade-db",
    "palisade-default-deny",
];

#[test]
fn suggested_policies_are_dry_run_applied_left_alone_and_reconfigured() {
    let rt = runtime();
    let api = rt.block_on(FakeApi::start());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let kubeconfig = api.kubeconfig(dir.path());

    // A dry run: validated by the API server, nothing stored.
    let (code, out, err) = apply(&kubeconfig, &["--dry-run"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    for name in POLICIES {
        let line = format!("networkpolicy.networking.k8s.io/{name} created (server dry run)");
        assert!(out.contains(&line), "{line}\n{out}");
        assert!(
            api.get("NetworkPolicy", "shop", name).is_none(),
            "{name} stored by a dry run"
        );
    }
    let applies = api.applies();
    assert_eq!(applies.len(), POLICIES.len(), "{applies:?}");
    assert!(
        applies
            .iter()
            .all(|a| a.dry_run && a.force && a.field_manager == "palisade")
    );
    assert!(
        out.contains("--- /dev/null\n+++ shop/palisade-frontend (suggested)"),
        "{out}"
    );

    // Applied: created, stored as the API server stores them.
    let (code, out, err) = apply(&kubeconfig, &[]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(err.contains("applying through kubeconfig"), "{err}");
    for name in POLICIES {
        assert!(out.contains(&format!("{name} created\n")), "{out}");
        let stored = api
            .get("NetworkPolicy", "shop", name)
            .unwrap_or_else(|| panic!("{name} not stored"));
        assert_eq!(
            stored["metadata"]["managedFields"][0]["manager"],
            "palisade"
        );
    }
    let patches = api.requests("networkpolicies", "patch");

    // Again: every policy is there and equal, so nothing is sent.
    let (code, out, err) = apply(&kubeconfig, &[]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    for name in POLICIES {
        assert!(out.contains(&format!("{name} unchanged\n")), "{out}");
    }
    assert!(
        !out.contains("---"),
        "a diff for unchanged policies:\n{out}"
    );
    assert_eq!(api.requests("networkpolicies", "patch"), patches);

    // Someone widens a policy in the cluster: it is configured back, the diff shows what goes.
    let mut widened = api
        .get("NetworkPolicy", "shop", "palisade-db")
        .unwrap_or_else(|| panic!("palisade-db not stored"));
    widened["spec"]["ingress"] = json!([{}]);
    api.apply(widened);
    let (code, out, err) = apply(&kubeconfig, &[]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("palisade-db configured\n"), "{out}");
    assert!(
        out.contains("--- shop/palisade-db (cluster)\n+++ shop/palisade-db (suggested)"),
        "{out}"
    );
    assert!(
        out.contains("\n-  - {}\n"),
        "the widening rule is not shown going:\n{out}"
    );
    assert!(out.contains("palisade-frontend unchanged\n"), "{out}");
    let db = api
        .get("NetworkPolicy", "shop", "palisade-db")
        .unwrap_or_else(|| panic!("palisade-db gone"));
    assert_ne!(db["spec"]["ingress"], json!([{}]), "{db}");
}

#[test]
fn an_unreachable_api_server_is_exit_2_naming_each_policy() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("http://127.0.0.1:{}", palisade_fake_api::unused_port());
    let kubeconfig = palisade_fake_api::kubeconfig_for(&url, dir.path());
    let (code, out, err) = apply(&kubeconfig, &[]);
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(
        err.contains("networkpolicy shop/palisade-frontend:"),
        "{err}"
    );
    assert!(err.contains("4 of 4 policies not applied"), "{err}");
}

#[test]
fn a_kubeconfig_that_cannot_be_read_is_exit_2() {
    let (code, _, err) = apply(std::path::Path::new("/nonexistent/kubeconfig"), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("kubeconfig /nonexistent/kubeconfig"), "{err}");
}
