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

/// A stored report's results, by `(policy, resource name)`.
fn results(api: &FakeApi, kind: &str, ns: &str) -> Vec<(String, String, String)> {
    let report = api.get(kind, ns, "palisade-audit").unwrap_or_default();
    report["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["policy"].as_str().unwrap_or_default().to_string(),
                r["resources"][0]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                r["result"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn write_reports_keeps_one_policy_report_per_namespace_up_to_date() {
    let rt = runtime();
    let api = rt.block_on(FakeApi::start());
    for o in cluster() {
        api.apply(o);
    }
    api.apply(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web"}}));
    api.apply(
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                     "metadata": {"name": "reader", "namespace": "web"},
                     "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}),
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let kubeconfig = api.kubeconfig(dir.path());
    let (code, out, err) = audit(&kubeconfig, &["--write-reports", "--format", "json"]);
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(err.contains("3 wg-policy reports written"), "{err}");

    let shop = api
        .get("PolicyReport", "shop", "palisade-audit")
        .unwrap_or_default();
    assert_eq!(shop["apiVersion"], "wgpolicyk8s.io/v1alpha2");
    assert_eq!(
        shop["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "palisade"
    );
    assert_eq!(shop["metadata"]["managedFields"][0]["manager"], "palisade");
    let shop_results = results(&api, "PolicyReport", "shop");
    for pod in ["bad-1", "bad-2"] {
        let want = (
            "PSS-PRIVILEGED".to_string(),
            pod.to_string(),
            "fail".to_string(),
        );
        assert!(shop_results.contains(&want), "{shop_results:?}");
    }
    assert!(
        shop_results
            .iter()
            .any(|(p, n, _)| p == "RBAC-WORKLOAD-IDENTITY" && n == "api"),
        "{shop_results:?}"
    );
    let resource = &shop["results"][0]["resources"][0];
    assert_eq!(resource["namespace"], "shop");
    assert!(resource["apiVersion"].is_string(), "{resource}");
    // The cluster-scoped wildcard role goes into the ClusterPolicyReport.
    let cluster_results = results(&api, "ClusterPolicyReport", "");
    assert!(
        cluster_results
            .iter()
            .any(|(p, n, _)| p == "RBAC-WILDCARD" && n == "everything"),
        "{cluster_results:?}"
    );
    // A namespace whose objects are clean gets a report with none listed, only counted.
    let web = api
        .get("PolicyReport", "web", "palisade-audit")
        .unwrap_or_default();
    assert_eq!(web["results"], json!([]), "{web}");
    assert_eq!(web["summary"]["pass"], 1, "{web}");

    // Fixed in the cluster: the next audit updates the same reports in place, and the shop
    // report of a namespace with no judged objects left is emptied, not left stale.
    assert!(api.delete("Pod", "shop", "bad-1"));
    assert!(api.delete("Pod", "shop", "bad-2"));
    assert!(api.delete("Deployment", "shop", "api"));
    let (_, out, err) = audit(
        &kubeconfig,
        &["--write-reports", "--quiet", "--max-report-results", "2"],
    );
    let shop_results = results(&api, "PolicyReport", "shop");
    assert!(shop_results.is_empty(), "{shop_results:?}\n{out}\n{err}");
    let shop = api
        .get("PolicyReport", "shop", "palisade-audit")
        .unwrap_or_default();
    assert_eq!(shop["summary"]["fail"], 0, "{shop}");
    // At most two results per report: the ClusterPolicyReport's extra ones are summarised.
    let cluster = api
        .get("ClusterPolicyReport", "", "palisade-audit")
        .unwrap_or_default();
    let total = cluster["summary"]["fail"].as_u64().unwrap_or(0)
        + cluster["summary"]["warn"].as_u64().unwrap_or(0);
    assert!(
        total > 2,
        "the wildcard role has more findings than that: {cluster}"
    );
    assert_eq!(
        cluster["results"].as_array().map_or(0, Vec::len),
        2,
        "{cluster}"
    );
    assert_eq!(
        cluster["results"][1]["rule"], "results-truncated",
        "{cluster}"
    );
}

#[test]
fn write_reports_without_the_crds_is_an_error_that_says_so() {
    let rt = runtime();
    let api = rt.block_on(FakeApi::start());
    for o in cluster() {
        api.apply(o);
    }
    api.unserve("policyreports");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (code, out, err) = audit(&api.kubeconfig(dir.path()), &["--write-reports", "--quiet"]);
    assert_eq!(code, Some(2), "{out}\n{err}");
    assert!(err.contains("install the PolicyReport CRDs"), "{err}");
    assert!(err.contains("PolicyReport shop/palisade-audit"), "{err}");
}
