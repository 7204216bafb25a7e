//! `palisade netpol simulate`: observed flows judged against the policies in the manifests,
//! through the real binary.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn palisade() -> Command {
    Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"))
}

/// The shop example with `extra` NetworkPolicy YAML written next to it in a temporary dir.
fn shop_with(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let shop = root().join("examples/netpol/shop.yaml");
    std::fs::copy(&shop, dir.path().join("shop.yaml")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("policies.yaml"), extra).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn simulate_json(dir: &Path) -> (i32, serde_json::Value) {
    let flows = root().join("examples/netpol/microshield-flows.jsonl");
    let out = palisade()
        .args(["netpol", "simulate", "--format", "json", "--flows"])
        .arg(&flows)
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn no_policy_blocks_nothing() {
    let dir = shop_with("");
    let (code, json) = simulate_json(dir.path());
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["summary"]["blocked"], 0);
    assert_eq!(
        json["summary"]["flows"],
        json["flows"].as_array().map_or(0, Vec::len)
    );
}

#[test]
fn a_default_deny_egress_blocks_dns_and_names_the_policy() {
    let dir = shop_with(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-egress, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n",
    );
    let (code, json) = simulate_json(dir.path());
    assert_eq!(code, 1, "{json}");
    let flows = json["flows"].as_array().cloned().unwrap_or_default();
    assert!(!flows.is_empty());
    for f in &flows {
        assert_eq!(f["verdict"], "blocked", "{f}");
        assert_eq!(f["blocked_by"], serde_json::json!(["egress"]), "{f}");
        assert_eq!(
            f["policies"]["egress"],
            serde_json::json!(["shop/deny-egress"]),
            "{f}"
        );
        assert!(f["src"]["workload"].is_string(), "input record kept: {f}");
    }
}

#[test]
fn an_ingress_policy_admits_only_its_port() {
    // db admits backend on 5432 only: backend → db passes, nothing else is affected.
    let dir = shop_with(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n    - from: [{podSelector: {matchLabels: {app: backend}}}]\n      ports: [{port: postgres}]\n",
    );
    let (code, json) = simulate_json(dir.path());
    assert_eq!(code, 0, "{json}");
    let to_db: Vec<_> = json["flows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["dst"]["workload"] == "StatefulSet/db")
        .collect();
    assert_eq!(to_db.len(), 1, "{json}");
    assert_eq!(
        to_db[0]["policies"]["ingress"],
        serde_json::json!(["shop/db"])
    );
}

#[test]
fn bad_input_exits_2_naming_file_line_and_field() {
    let dir = shop_with(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: broken, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n    - ports: [{port: 0}]\n",
    );
    let out = palisade()
        .args(["netpol", "simulate", "--flows"])
        .arg(root().join("examples/netpol/microshield-flows.jsonl"))
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("policies.yaml:1: NetworkPolicy shop/broken: spec.ingress[0].ports[0].port"),
        "{err}"
    );
    // A flows file that is not JSON lines.
    let flows = dir.path().join("flows.jsonl");
    std::fs::write(
        &flows,
        "{\"proto\":\"TCP\",\"src\":{},\"dst\":{},\"count\":1}\nnot json\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = palisade()
        .args(["netpol", "simulate", "--flows"])
        .arg(&flows)
        .arg(root().join("examples/netpol/shop.yaml"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("flows.jsonl: line 1: not a flow record") && err.contains("line 2"),
        "{err}"
    );
}

#[test]
fn hubble_and_microshield_captures_are_told_apart_by_content() {
    // The first lines of the probe's Hubble sample (the later ones are malformed on purpose).
    let sample = std::fs::read_to_string(root().join("probe/tests/data/hubble-flows.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let hubble = dir.path().join("capture.json");
    let head: Vec<&str> = sample.lines().take(4).collect();
    std::fs::write(&hubble, head.join("\n")).unwrap_or_else(|e| panic!("{e}"));
    let out = palisade()
        .args(["netpol", "simulate", "--format", "json", "--flows"])
        .arg(&hubble)
        .arg("--flows")
        .arg(root().join("examples/netpol/microshield-flows.jsonl"))
        .arg(root().join("examples/netpol/shop.yaml"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {err}"));
    let flows = json["flows"].as_array().cloned().unwrap_or_default();
    assert!(
        flows
            .iter()
            .any(|f| f["dst"]["workload"] == "Deployment/cart"),
        "{json}"
    );
    assert!(
        flows
            .iter()
            .any(|f| f["dst"]["workload"] == "StatefulSet/db"),
        "{json}"
    );
    // The full sample has malformed lines: refused, naming them.
    let out = palisade()
        .args(["netpol", "simulate", "--flows"])
        .arg(root().join("probe/tests/data/hubble-flows.json"))
        .arg(root().join("examples/netpol/shop.yaml"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("hubble-flows.json: line 5: not JSON"), "{err}");
}
