//! `palisade rbac who-can` and `palisade rbac show` on manifests: answers with their chain (file
//! and line of the binding and the role, the rule index), API groups and subresources, scope of
//! Roles and RoleBindings, resourceNames, groups, "nobody" (exit 0) and bad input (exit 2).

use crate::support::line_of;
use assert_cmd::Command;
use serde_json::Value;

const IDENTITY: &str = "tests/data/rbac/workload-identity.yaml";

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("palisade")
        .unwrap_or_else(|e| panic!("{e}"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("rbac")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.insert(1, "--format=json");
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// (subject, scope, binding, only_names) of each answer.
fn answers(v: &Value) -> Vec<(String, String, String, String)> {
    v["answers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            let s = &a["subject"];
            let who = match s["namespace"].as_str() {
                Some(ns) => format!(
                    "{} {ns}/{}",
                    s["kind"].as_str().unwrap_or_default(),
                    s["name"].as_str().unwrap_or_default()
                ),
                None => format!(
                    "{} {}",
                    s["kind"].as_str().unwrap_or_default(),
                    s["name"].as_str().unwrap_or_default()
                ),
            };
            let text = |k: &str| a[k].as_str().unwrap_or_default().to_string();
            (
                who,
                text("scope"),
                text("binding"),
                a["only_names"].to_string(),
            )
        })
        .collect()
}

#[test]
fn who_can_delete_pods_in_the_examples_names_the_chain() {
    let (code, out, err) = run(&["who-can", "delete", "pods", "examples/"]);
    assert_eq!(code, 0, "{err}");
    let file = "examples/scope-probe-rbac.yaml";
    let binding = line_of(file, "kind: ClusterRoleBinding") - 1;
    let role = line_of(file, "kind: ClusterRole") - 1;
    let want = format!(
        "ServiceAccount observability/scope-agent  cluster-wide\n    ← ClusterRoleBinding scope-agent ({file}:{binding}) → ClusterRole scope-agent ({file}:{role}) rule 0\n"
    );
    assert!(out.starts_with("who can delete pods:\n"), "{out}");
    assert!(out.contains(&want), "{out}");
    // `deployments` is `deployments.apps`, as kubectl resolves it; another group grants nothing.
    for resource in ["deployments", "deployments.apps"] {
        let v = json(&["who-can", "update", resource, "examples/"]);
        assert_eq!(v["request"]["group"], "apps", "{v}");
        assert_eq!(answers(&v).len(), 1, "{v}");
        assert_eq!(v["answers"][0]["rule"], 1);
    }
    let v = json(&["who-can", "update", "deployments.example.com", "examples/"]);
    assert!(answers(&v).is_empty(), "{v}");
}

#[test]
fn nobody_is_an_answer() {
    let (code, out, _) = run(&["who-can", "create", "pods/exec", "examples/"]);
    assert_eq!(code, 0);
    assert!(out.contains("nobody"), "{out}");
}

#[test]
fn role_bindings_grant_only_in_their_namespace_and_names_narrow() {
    // ci/deployer is bound to cluster-admin, which is not in the files and grants everything.
    let admin = (
        "ServiceAccount ci/deployer".to_string(),
        "cluster-wide".to_string(),
        "ClusterRoleBinding ci-deployer".to_string(),
        "null".to_string(),
    );
    let exporter = (
        "ServiceAccount shop/exporter".to_string(),
        "cluster-wide".to_string(),
        "ClusterRoleBinding exporter-secrets".to_string(),
        "null".to_string(),
    );
    let v = json(&["who-can", "list", "secrets", "-n", "billing", IDENTITY]);
    let billing = (
        "ServiceAccount billing/reports".to_string(),
        "namespace \"billing\"".to_string(),
        "RoleBinding billing/reports-secrets".to_string(),
        "null".to_string(),
    );
    assert_eq!(answers(&v), [admin.clone(), exporter.clone(), billing]);
    // The RoleBinding in billing grants nothing in shop; the narrowed Role there grants get of
    // web-tls only.
    let v = json(&["who-can", "list", "secrets", "-n", "shop", IDENTITY]);
    assert_eq!(answers(&v), [admin.clone(), exporter.clone()]);
    let v = json(&["who-can", "get", "secrets", "-n", "shop", IDENTITY]);
    let web = (
        "ServiceAccount shop/web".to_string(),
        "namespace \"shop\"".to_string(),
        "RoleBinding shop/web".to_string(),
        "[\"web-tls\"]".to_string(),
    );
    assert_eq!(answers(&v), [admin.clone(), exporter.clone(), web]);
    let v = json(&[
        "who-can", "get", "secrets", "-n", "shop", "--name", "other", IDENTITY,
    ]);
    assert_eq!(answers(&v), [admin, exporter]);
    // Nodes are cluster-scoped: only cluster-admin reaches them here.
    let v = json(&["who-can", "patch", "nodes", IDENTITY]);
    let who: Vec<String> = answers(&v).into_iter().map(|a| a.0).collect();
    assert_eq!(who, ["ServiceAccount ci/deployer"], "{v}");
}

#[test]
fn show_lists_what_a_subject_may_do_through_groups_too() {
    let v = json(&["show", "system:serviceaccount:weave:weave-scope", IDENTITY]);
    let rules: Vec<&Value> = v["grants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| &g["rule"])
        .collect();
    assert_eq!(rules, [&Value::from(0), &Value::from(1)], "{v}");
    assert_eq!(
        v["grants"][1]["rule_detail"]["verbs"],
        serde_json::json!(["get", "list", "watch", "update"])
    );
    let (code, out, _) = run(&["show", "serviceaccount:ci:deployer", IDENTITY]);
    assert_eq!(code, 0);
    assert!(
        out.contains("everything (cluster-admin)  cluster-wide"),
        "{out}"
    );
    let group = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: all}\nroleRef: {kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: Group, name: system:authenticated}]\n";
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("all.yaml");
    std::fs::write(&file, group).unwrap_or_else(|e| panic!("{e}"));
    let file = file.display().to_string();
    let v = json(&["show", "user:alice", &file]);
    assert_eq!(
        v["grants"][0]["subject"]["name"], "system:authenticated",
        "{v}"
    );
    let v = json(&["show", "group:system:masters", &file]);
    assert_eq!(v["grants"], serde_json::json!([]));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let (code, _, err) = run(&["show", "alice", "examples/"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad SUBJECT `alice`"), "{err}");
    let (code, _, err) = run(&["who-can", "get", "pods", "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/dir"), "{err}");
    let (code, _, err) = run(&["who-can", "get", "pods/", "examples/"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad request"), "{err}");
}
