//! `palisade audit` through the real binary against the fake API server: objects already in the
//! cluster are judged as lint judges manifests — a privileged pod, a wildcard ClusterRole, and a
//! Deployment whose service account the cluster binds to that role (workload identity, which
//! reads the inventory) — with lists paged (`--page-size 1`: every object its own request), each
//! finding's line that of `kubectl get -o json`, and lint's exit codes.

use crate::support::runtime;
use assert_cmd::Command;
use palisade_fake_api::FakeApi;
use serde_json::{Value, json};

fn audit(kubeconfig: &std::path::Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("palisade")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["audit", "--kubeconfig"])
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

fn privileged_pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": "shop", "managedFields": [{"manager": "kubectl"}]},
           "spec": {"containers": [{"name": "app", "image": "app:1",
                                    "securityContext": {"privileged": true}}]}})
}

fn cluster() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        privileged_pod("bad-1"),
        privileged_pod("bad-2"),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
               "metadata": {"name": "everything"},
               "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": "api-everything"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "everything"},
               "subjects": [{"kind": "ServiceAccount", "name": "api", "namespace": "shop"}]}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "api", "namespace": "shop"},
               "spec": {"selector": {"matchLabels": {"app": "api"}},
                        "template": {"metadata": {"labels": {"app": "api"}},
                                     "spec": {"serviceAccountName": "api",
                                              "containers": [{"name": "api", "image": "api:1"}]}}}}),
    ]
}

#[test]
fn objects_in_the_cluster_are_judged_page_by_page_as_lint_judges_them() {
    let rt = runtime();
    let api = rt.block_on(FakeApi::start());
    for o in cluster() {
        api.apply(o);
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let kubeconfig = api.kubeconfig(dir.path());
    let (code, out, err) = audit(&kubeconfig, &["--format", "json", "--page-size", "1"]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let has = |rule: &str, file: &str| {
        findings
            .iter()
            .any(|f| f["rule"] == rule && f["file"] == file)
    };
    for pod in ["pod/shop/bad-1", "pod/shop/bad-2"] {
        assert!(has("PSS-PRIVILEGED", pod), "{pod}: {out}");
    }
    assert!(has("RBAC-WILDCARD", "clusterrole/everything"), "{out}");
    // Judged with the cluster's bindings as the inventory.
    assert!(
        has("RBAC-WORKLOAD-IDENTITY", "deployment/shop/api"),
        "{out}"
    );
    // The line is that of `kubectl get pod bad-1 -n shop -o json`.
    let privileged = findings
        .iter()
        .find(|f| f["rule"] == "PSS-PRIVILEGED" && f["file"] == "pod/shop/bad-1")
        .unwrap_or_else(|| panic!("{out}"));
    let line = privileged["line"].as_u64().unwrap_or_default() as usize;
    let shown = api
        .get("Pod", "shop", "bad-1")
        .unwrap_or_else(|| panic!("bad-1 not stored"));
    let mut expected = shown.clone();
    if let Some(meta) = expected["metadata"].as_object_mut() {
        meta.remove("managedFields");
    }
    let text = palisade_kubectl_json(&expected);
    let at = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    assert!(
        at.contains("\"privileged\": true"),
        "line {line}: {at:?}\n{text}"
    );
    // Paged: two pods, one per request (and the last, empty continuation).
    assert!(
        api.requests("pods", "list") >= 2,
        "{}",
        api.requests("pods", "list")
    );
    assert_eq!(report["summary"]["objects"], 6, "{}", report["summary"]);
    assert_eq!(report["summary"]["files"], 0, "{}", report["summary"]);
}

/// `kubectl get -o json`'s layout: apiVersion and kind first, four-space indentation.
fn palisade_kubectl_json(object: &Value) -> String {
    use serde::Serialize;
    let mut ordered = serde_json::Map::new();
    for key in ["apiVersion", "kind"] {
        ordered.insert(key.into(), object[key].clone());
    }
    for (k, v) in object.as_object().into_iter().flatten() {
        if k != "apiVersion" && k != "kind" {
            ordered.insert(k.clone(), v.clone());
        }
    }
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    Value::Object(ordered)
        .serialize(&mut ser)
        .unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8(out).unwrap_or_default()
}

#[test]
fn a_clean_cluster_is_exit_0_and_an_unreachable_one_exit_2() {
    let rt = runtime();
    let api = rt.block_on(FakeApi::start());
    api.apply(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "empty"}}));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = audit(&api.kubeconfig(dir.path()), &["--quiet"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(
        out.contains("No findings in 1 object (1 not judged"),
        "{out}"
    );

    let url = format!("http://127.0.0.1:{}", palisade_fake_api::unused_port());
    let kubeconfig = palisade_fake_api::kubeconfig_for(&url, dir.path());
    let (code, out, err) = audit(&kubeconfig, &["--quiet"]);
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(err.contains("listing"), "{err}");
}
