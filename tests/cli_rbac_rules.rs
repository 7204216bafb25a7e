//! RBAC rules through `palisade lint`, at exact lines and severities: aggregated ClusterRoles
//! (`tests/data/rbac/aggregated.yaml`), cluster-scoped resources in a Role and wrong-case verbs
//! (`cluster-scoped-in-role.yaml`), and the remediation of findings already narrowed by
//! resourceNames (`narrowed.yaml`).

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

/// `palisade lint --format json FILE`: exit code and the parsed report.
fn lint(file: &str) -> (i32, Value) {
    let mut cmd = Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"));
    let out = cmd
        .args(["lint", "--format", "json", file])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json)
}

/// (object name, rule, line, severity) of every finding, sorted.
fn located(json: &Value) -> Vec<(String, String, usize, String)> {
    let text = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    let mut got: Vec<_> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let line = f["line"].as_u64().unwrap_or(0) as usize;
            (text(f, "name"), text(f, "rule"), line, text(f, "severity"))
        })
        .collect();
    got.sort();
    got
}

fn message<'j>(json: &'j Value, name: &str, rule: &str) -> &'j str {
    let findings = json["findings"].as_array().into_iter().flatten();
    findings
        .filter(|f| f["name"] == name && f["rule"] == rule)
        .find_map(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {rule} on {name}: {json:#}"))
}

/// An aggregated ClusterRole is judged on the rules of the ClusterRoles its selectors pick, each
/// finding on the line of the selector that picks the source and naming it; a role its labels
/// put into `edit` says that every user with edit or admin gets it.
#[test]
fn aggregated_cluster_roles_at_the_selector_that_picks_each_power() {
    let file = repo("tests/data/rbac/aggregated.yaml");
    let (code, json) = lint(&file);
    assert_eq!(code, 1, "{json:#}");
    let at = |name: &str, rule: &str, needle: &str, severity: &str| {
        let line = line_of(&file, needle);
        (name.into(), rule.into(), line, severity.into())
    };
    let mut want = vec![
        at("monitoring", "RBAC-SECRETS-READ", "# selector-0", "high"),
        at("monitoring", "RBAC-NODES-PROXY", "# selector-1", "critical"),
        at(
            "monitoring-secrets",
            "RBAC-SECRETS-READ",
            "# source-secrets",
            "high",
        ),
        at(
            "monitoring-nodes",
            "RBAC-NODES-PROXY",
            "# source-proxy",
            "critical",
        ),
        at("not-picked", "RBAC-POD-EXEC", "# not-picked", "high"),
        at("extra-edit", "RBAC-NODES-WRITE", "# extra-edit", "high"),
    ];
    want.sort();
    assert_eq!(located(&json), want, "{json:#}");
    let secrets = message(&json, "monitoring", "RBAC-SECRETS-READ");
    assert!(
        secrets.starts_with("rule 0 of ClusterRole monitoring-secrets can get, list every Secret"),
        "{secrets}"
    );
    let proxy = message(&json, "monitoring", "RBAC-NODES-PROXY");
    assert!(proxy.starts_with("rule 0 of ClusterRole monitoring-nodes can get nodes/proxy"));
    let edit = message(&json, "extra-edit", "RBAC-NODES-WRITE");
    assert!(
        edit.starts_with(
            "rule 0 (aggregated into edit: every user with edit or admin gets it) can patch nodes"
        ),
        "{edit}"
    );
}

/// Cluster-scoped resources named in a Role are one info note per rule that judges them, on the
/// rule's line, and a wrong-case verb is an info note, not a grant.
#[test]
fn cluster_scoped_resources_in_a_role_and_wrong_case_verbs_are_notes() {
    let file = repo("tests/data/rbac/cluster-scoped-in-role.yaml");
    let (code, json) = lint(&file);
    assert_eq!(code, 0, "{json:#}");
    let at = |name: &str, rule: &str, needle: &str| {
        let line = line_of(&file, needle);
        (name.into(), rule.into(), line, "info".into())
    };
    let mut want = vec![
        at(
            "storage-in-a-role",
            "RBAC-PERSISTENT-VOLUMES",
            "# pv-in-role",
        ),
        at("storage-in-a-role", "RBAC-CSR-APPROVE", "# csr-in-role"),
        at("storage-in-a-role", "RBAC-NODES-PROXY", "# proxy-in-role"),
        at("miscased", "RBAC-PERSISTENT-VOLUMES", "# pv-miscased"),
    ];
    want.sort();
    assert_eq!(located(&json), want, "{json:#}");
    assert_eq!(
        message(&json, "storage-in-a-role", "RBAC-PERSISTENT-VOLUMES"),
        "rule 0 grants persistentvolumes in a Role; these are cluster-scoped, so this grants nothing"
    );
    assert_eq!(
        message(&json, "miscased", "RBAC-PERSISTENT-VOLUMES"),
        "rule 0 lists Patch: verbs are case-sensitive, so these grant nothing"
    );
}

/// A finding already narrowed by resourceNames does not tell the user to narrow it with
/// resourceNames: its own remediation says to check the names, in JSON and under "How to fix".
#[test]
fn narrowed_findings_carry_their_own_remediation() {
    let file = repo("tests/data/rbac/narrowed.yaml");
    let (code, json) = lint(&file);
    assert_eq!(code, 0, "{json:#}");
    let line = line_of(&file, "# narrowed");
    let want = vec![(
        "cert-rotator".into(),
        "RBAC-SECRETS-WRITE".into(),
        line,
        "low".into(),
    )];
    assert_eq!(located(&json), want, "{json:#}");
    let remediation = json["findings"][0]["remediation"]
        .as_str()
        .unwrap_or_default();
    assert!(
        remediation.starts_with("This rule is already narrowed by resourceNames: check"),
        "{json:#}"
    );
    let mut cmd = Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"));
    let out = cmd
        .args(["lint", &file])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let human = String::from_utf8_lossy(&out.stdout);
    let fix = human.split("How to fix:").nth(1).unwrap_or_default();
    assert!(
        fix.contains("RBAC-SECRETS-WRITE  This rule is already narrowed by resourceNames"),
        "{human}"
    );
    assert!(!fix.contains("narrow it with resourceNames"), "{human}");
}
