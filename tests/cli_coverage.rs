//! `palisade netpol coverage` and the NETPOL rules of `palisade lint` (with `--flows`), through
//! the real binary, on the shop example.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn palisade() -> Command {
    Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"))
}

/// The shop example with `extra` NetworkPolicy YAML next to it in a temporary directory.
fn shop_with(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let shop = root().join("examples/netpol/shop.yaml");
    std::fs::copy(&shop, dir.path().join("shop.yaml")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("policies.yaml"), extra).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn run_json(args: &[&str], path: &Path) -> (i32, Value) {
    let out = palisade()
        .args(args)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), json)
}

/// (rule, kind/name) of every lint finding.
fn lint(dir: &Path, extra: &[&str]) -> (i32, Vec<(String, String)>) {
    let mut args = vec!["lint", "--format", "json"];
    args.extend(extra);
    let (code, report) = run_json(&args, dir);
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("rule"), format!("{}/{}", s("kind"), s("name")))
        })
        .collect();
    found.sort();
    (code, found)
}

const WORKLOADS: [&str; 3] = [
    "Deployment/backend",
    "Deployment/frontend",
    "StatefulSet/db",
];

const DENY_ALL: &str = "
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
";

fn dns_policy(protocols: &[&str]) -> String {
    let ports: Vec<String> = protocols
        .iter()
        .map(|p| format!("{{protocol: {p}, port: 53}}"))
        .collect();
    format!(
        "---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: dns, namespace: shop}}
spec:
  podSelector: {{}}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: kube-system}}}}
          podSelector: {{matchLabels: {{k8s-app: kube-dns}}}}
      ports: [{}]
",
        ports.join(", ")
    )
}

fn with_rule(rule: &str) -> Vec<(String, String)> {
    WORKLOADS
        .iter()
        .map(|w| (rule.to_string(), (*w).to_string()))
        .collect()
}

#[test]
fn every_shop_workload_lacks_both_directions() {
    let (code, json) = run_json(
        &["netpol", "coverage", "--format", "json"],
        &root().join("examples/netpol"),
    );
    assert_eq!(code, 1);
    let workloads = json["workloads"].as_array().cloned().unwrap_or_default();
    assert_eq!(workloads.len(), 3);
    for w in &workloads {
        assert_eq!(w["ingress"]["isolated"], false, "{w}");
        assert_eq!(w["egress"]["isolated"], false, "{w}");
        assert_eq!(w["dns"], Value::Null, "{w}");
        assert!(w["file"].as_str().is_some_and(|f| f.ends_with("shop.yaml")));
    }
    assert_eq!(json["summary"]["not_covered"], 3);
    // Lint: low findings only, so CI passes by default and fails at --fail-on low.
    let (code, found) = lint(&root().join("examples/netpol"), &[]);
    assert_eq!(code, 0);
    let mut expected = with_rule("NETPOL-MISSING-EGRESS");
    expected.extend(with_rule("NETPOL-MISSING-INGRESS"));
    assert_eq!(found, expected);
    let (code, _) = lint(&root().join("examples/netpol"), &["--fail-on", "low"]);
    assert_eq!(code, 1);
}

#[test]
fn human_table_names_policies_and_dns() {
    let dir = shop_with(&format!("{DENY_ALL}{}", dns_policy(&["TCP"])));
    let out = palisade()
        .args(["netpol", "coverage"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.starts_with("WORKLOAD"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("shop/Deployment/frontend")
                && l.contains("shop/default-deny,shop/dns")
                && l.contains("no UDP")),
        "{text}"
    );
    assert!(text.contains("3 workloads: 3 isolated for ingress, 3 for egress; 0 not isolated in both directions, 3 without DNS"), "{text}");
}

#[test]
fn default_deny_egress_blocks_dns_until_udp_and_tcp_are_allowed() {
    let (code, found) = lint(shop_with(DENY_ALL).path(), &[]);
    assert_eq!((code, found), (1, with_rule("NETPOL-DNS-BLOCKED")));
    // TCP only: still blocked, naming UDP.
    let dir = shop_with(&format!("{DENY_ALL}{}", dns_policy(&["TCP"])));
    let (code, report) = run_json(&["lint", "--format", "json"], dir.path());
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 3);
    for f in &findings {
        assert_eq!(f["rule"], "NETPOL-DNS-BLOCKED");
        let msg = f["message"].as_str().unwrap_or_default();
        assert!(msg.ends_with("on UDP 53"), "{msg}");
        assert!(f["line"].as_u64().is_some_and(|l| l > 1));
    }
    // UDP and TCP: clean, and covered.
    let dir = shop_with(&format!("{DENY_ALL}{}", dns_policy(&["UDP", "TCP"])));
    assert_eq!(lint(dir.path(), &["--fail-on", "low"]), (0, vec![]));
    let (code, json) = run_json(&["netpol", "coverage", "--format", "json"], dir.path());
    assert_eq!(
        (code, json["summary"]["dns_blocked"].clone()),
        (0, 0.into())
    );
}

#[test]
fn allow_all_rule_is_reported_at_the_rule() {
    let open = "
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: shop}
spec:
  podSelector: {}
  ingress:
    - from: [{podSelector: {matchLabels: {app: frontend}}}]
    - {}
";
    let dir = shop_with(open);
    let (_, report) = run_json(&["lint", "--format", "json"], dir.path());
    let allow: Vec<&Value> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "NETPOL-ALLOW-ALL")
        .collect();
    assert_eq!(allow.len(), 1, "{report}");
    assert_eq!(allow[0]["path"], "/spec/ingress/1");
    assert_eq!(allow[0]["line"], 9);
    assert_eq!(allow[0]["severity"], "medium");
}

#[test]
fn lint_flows_reports_what_the_policies_drop() {
    let flows = root().join("examples/netpol/microshield-flows.jsonl");
    let flows = flows.to_string_lossy();
    // No policy: nothing dropped (the workloads are linted: they lack policies).
    let (_, found) = lint(shop_with("").path(), &["--flows", &flows]);
    assert!(
        found.iter().any(|(r, _)| r == "NETPOL-MISSING-INGRESS"),
        "{found:?}"
    );
    assert!(
        found.iter().all(|(r, _)| r != "NETPOL-FLOW-BLOCKED"),
        "{found:?}"
    );
    // Deny-all with DNS: every service-to-service flow is dropped twice (egress of the source,
    // ingress of the destination); DNS queries are allowed.
    let dir = shop_with(&format!("{DENY_ALL}{}", dns_policy(&["UDP", "TCP"])));
    let (code, found) = lint(dir.path(), &["--flows", &flows]);
    assert_eq!(code, 1);
    let blocked: Vec<&str> = found
        .iter()
        .filter(|(r, _)| r == "NETPOL-FLOW-BLOCKED")
        .map(|(_, w)| w.as_str())
        .collect();
    assert_eq!(
        blocked,
        [
            "Deployment/backend",
            "Deployment/backend",
            "Deployment/frontend",
            "StatefulSet/db"
        ]
    );
    let (_, report) = run_json(&["lint", "--format", "json", "--flows", &flows], dir.path());
    let msg = report["findings"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(msg.starts_with("observed flow shop/"), "{msg}");
    assert!(msg.contains("would be dropped by"), "{msg}");
}

#[test]
fn netpol_rules_follow_the_configuration() {
    let dir = shop_with("");
    let config = dir.path().join("palisade.yaml");
    std::fs::write(
        &config,
        "rules:\n  severity: {NETPOL-MISSING-INGRESS: medium}\n  disable: [NETPOL-MISSING-EGRESS]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = config.to_string_lossy().to_string();
    let shop = dir.path().join("shop.yaml");
    let (code, found) = lint(&shop, &["--config", &config]);
    assert_eq!((code, found), (1, with_rule("NETPOL-MISSING-INGRESS")));
    // A suppression annotation silences them on its object, like any rule's.
    let text = std::fs::read_to_string(&shop).unwrap_or_else(|e| panic!("{e}"));
    let annotated = text.replacen(
        "  name: frontend\n",
        "  name: frontend\n  annotations:\n    palisade.dev/ignore: \"NETPOL-MISSING-INGRESS: public entry point\"\n",
        1,
    );
    std::fs::write(&shop, annotated).unwrap_or_else(|e| panic!("{e}"));
    let (_, found) = lint(&shop, &["--config", &config]);
    let mut expected = with_rule("NETPOL-MISSING-INGRESS");
    expected.retain(|(_, w)| w != "Deployment/frontend");
    assert_eq!(found, expected);
}

#[test]
fn bad_input_is_exit_2() {
    let dir = shop_with(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x}\nspec: {}\n",
    );
    let out = palisade()
        .args(["netpol", "coverage"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("spec.podSelector"));
}

/// Regression: `netpol coverage` and `netpol simulate` on a path holding no manifests (a typo in
/// a CI path) judged nothing and passed; they exit 2 naming the path, as `palisade lint` does.
#[test]
fn a_path_without_objects_is_exit_2() {
    let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(empty.path().join("notes.yaml"), "# nothing here\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let shop = root().join("examples/netpol");
    let flows = root().join("examples/netpol/microshield-flows.jsonl");
    let runs: [Vec<&std::ffi::OsStr>; 2] = [
        vec!["netpol".as_ref(), "coverage".as_ref()],
        vec![
            "netpol".as_ref(),
            "simulate".as_ref(),
            "--flows".as_ref(),
            flows.as_os_str(),
        ],
    ];
    for args in runs {
        let out = palisade()
            .args(&args)
            .arg(&shop)
            .arg(empty.path())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let named = format!("{}: no Kubernetes object", empty.path().display());
        assert!(stderr.contains(&named), "{args:?}: {stderr}");
        // The same command on the example alone judges it.
        let ok = palisade()
            .args(&args)
            .arg(&shop)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(ok.status.code(), Some(2), "{args:?}");
    }
}
