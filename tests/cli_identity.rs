//! RBAC-WORKLOAD-IDENTITY through `palisade lint`: the join workload → service account → bindings →
//! role powers across the file set, each finding at its exact line and severity, and the
//! workloads that must get none (a narrowed role, the token turned off, a RoleBinding elsewhere).

use crate::support::line_of;
use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn repo(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .display()
        .to_string()
}

fn lint(args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("palisade")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["lint", "--format", "json"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), json)
}

/// (name, line, severity, message) of every RBAC-WORKLOAD-IDENTITY finding.
fn identity(json: &Value) -> Vec<(String, usize, String, String)> {
    let mut out: Vec<_> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "RBAC-WORKLOAD-IDENTITY")
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            let line = f["line"].as_u64().unwrap_or(0) as usize;
            (s("name"), line, s("severity"), s("message"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn workload_identity_at_exact_lines() {
    let file = repo("tests/data/rbac/workload-identity.yaml");
    let (code, json) = lint(&[&file]);
    assert_eq!(code, 1, "{json:#}");
    let found = identity(&json);
    let got: Vec<(&str, usize, &str)> = found
        .iter()
        .map(|(n, l, s, _)| (n.as_str(), *l, s.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "deployer-projected",
                line_of(&file, "# deployer-projected"),
                "critical"
            ),
            (
                "exporter-backfill",
                line_of(&file, "# exporter-job"),
                "high"
            ),
            ("reports", line_of(&file, "# billing-reports"), "high"),
            ("weave-scope-agent", line_of(&file, "# scope-agent"), "high"),
        ],
        "{json:#}"
    );
    let message = |name: &str| {
        found
            .iter()
            .find(|f| f.0 == name)
            .map(|f| f.3.clone())
            .unwrap_or_default()
    };
    let scope = message("weave-scope-agent");
    for part in [
        "service account \"weave/weave-scope\" holds, through ClusterRoleBinding \"weave-scope\" → ClusterRole \"weave-scope\" cluster-wide",
        "RBAC-POD-DELETE medium: rule 0 can delete pods in every namespace",
        "RBAC-WORKLOAD-MODIFY medium: rule 1 can update deployments in every namespace",
        "its token sits on every node",
    ] {
        assert!(scope.contains(part), "{part} not in {scope}");
    }
    let billing = message("reports");
    assert!(
        billing.contains("RoleBinding \"billing/reports-secrets\" → ClusterRole \"secrets-reader\" in namespace \"billing\"")
            && billing.contains("RBAC-SECRETS-READ high: rule 0 can get, list every Secret in namespace \"billing\""),
        "{billing}"
    );
    assert!(
        message("deployer-projected").contains("RBAC-CLUSTER-ADMIN-BINDING critical"),
        "{found:?}"
    );
}

#[test]
fn workload_identity_is_in_the_catalogue() {
    let out = Command::cargo_bin("palisade")
        .unwrap_or_else(|e| panic!("{e}"))
        .args(["rules", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let rule = json["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == "RBAC-WORKLOAD-IDENTITY")
        .unwrap_or_else(|| panic!("not listed: {json}"));
    assert_eq!(rule["severity"], "critical");
    let kinds = rule["kinds"].to_string();
    for kind in [
        "Pod",
        "Deployment",
        "DaemonSet",
        "CronJob",
        "ReplicationController",
    ] {
        assert!(kinds.contains(kind), "{kinds}");
    }
}
