//! Importers: the same traffic captured by MicroShield (`flows.json`) and by Hubble
//! (`hubble observe -o json`) imports into the same flow records; malformed lines are reported
//! with their line numbers and skipped.

use palisade_probe::import::{ImportFormat, Importer, LineError};
use palisade_probe::inventory::Inventory;
use palisade_probe::record::FlowRecord;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn import(
    name: &str,
    format: ImportFormat,
    inventory: Option<&Inventory>,
) -> (
    Vec<String>,
    Vec<LineError>,
    palisade_probe::import::ImportSummary,
) {
    let mut importer = Importer::new(inventory);
    let mut errors = Vec::new();
    importer
        .import_file(&data(name), format, &mut |e| errors.push(e.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    let (records, summary) = importer.finish();
    let lines = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    (lines, errors, summary)
}

const EXPECTED: &str = r#"{"ts":"2025-03-01T10:00:03.500Z","node":"node-1","proto":"TCP","src":{"ip":"10.0.1.20","pod":"cart-5c7f9d8b4-q8w7e","namespace":"shop","workload":"Deployment/cart","labels":{"app":"cart"}},"dst":{"ip":"10.0.3.4","port":5432,"pod":"db-0","namespace":"shop","workload":"StatefulSet/db","labels":{"app":"db"}},"count":1,"first_seen":"2025-03-01T10:00:03.500Z","last_seen":"2025-03-01T10:00:03.500Z"}
{"ts":"2025-03-01T10:00:05.000Z","node":"node-1","proto":"TCP","src":{"ip":"10.0.1.10","pod":"frontend-7d4b9c8f6d-x2x9k","namespace":"shop","workload":"Deployment/frontend","labels":{"app":"frontend"}},"dst":{"ip":"10.0.1.20","port":8080,"pod":"cart-5c7f9d8b4-q8w7e","namespace":"shop","workload":"Deployment/cart","labels":{"app":"cart"},"service":"shop/cart"},"count":2,"first_seen":"2025-03-01T10:00:00.000Z","last_seen":"2025-03-01T10:00:05.000Z"}
{"ts":"2025-03-01T10:00:02.000Z","node":"node-1","proto":"TCP","src":{"ip":"10.0.1.10","pod":"frontend-7d4b9c8f6d-x2x9k","namespace":"shop","workload":"Deployment/frontend","labels":{"app":"frontend"}},"dst":{"ip":"203.0.113.10","port":443},"count":1,"first_seen":"2025-03-01T10:00:02.000Z","last_seen":"2025-03-01T10:00:02.000Z"}
{"ts":"2025-03-01T10:00:01.000Z","node":"node-1","proto":"UDP","src":{"ip":"10.0.1.10","pod":"frontend-7d4b9c8f6d-x2x9k","namespace":"shop","workload":"Deployment/frontend","labels":{"app":"frontend"}},"dst":{"ip":"10.0.2.5","port":53,"pod":"coredns-5d78c9869d-abcde","namespace":"kube-system","workload":"Deployment/coredns","labels":{"k8s-app":"kube-dns"},"service":"kube-system/kube-dns"},"count":1,"first_seen":"2025-03-01T10:00:01.000Z","last_seen":"2025-03-01T10:00:01.000Z"}"#;

fn expected() -> Vec<String> {
    EXPECTED.lines().map(str::to_owned).collect()
}

#[test]
fn microshield_flows_import_into_flow_records() {
    let (records, errors, summary) =
        import("microshield-flows.json", ImportFormat::MicroShield, None);
    assert_eq!(records, expected());
    let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 6]);
    assert!(
        errors[1].message.contains("tuple.dst_port"),
        "{}",
        errors[1]
    );
    assert!(
        errors[0]
            .to_string()
            .contains("microshield-flows.json:3: not JSON"),
        "{}",
        errors[0]
    );
    assert_eq!(
        (summary.lines, summary.imported, summary.malformed),
        (7, 5, 2)
    );
}

#[test]
fn hubble_flows_import_into_the_same_records() {
    let (records, errors, summary) = import("hubble-flows.json", ImportFormat::Hubble, None);
    assert_eq!(records, expected());
    let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [5, 9]);
    assert!(
        errors[1].message.contains("IP.destination"),
        "{}",
        errors[1]
    );
    assert_eq!(
        (summary.lines, summary.imported, summary.malformed),
        (10, 6, 2)
    );
    assert_eq!(
        summary.ignored,
        vec![("reply direction", 1), ("verdict not forwarded", 1)]
    );
}

#[test]
fn auto_detects_each_format() {
    for name in ["microshield-flows.json", "hubble-flows.json"] {
        let (records, _, _) = import(name, ImportFormat::Auto, None);
        assert_eq!(records, expected(), "{name}");
    }
}

#[test]
fn an_inventory_overrides_what_the_capture_says() {
    let inventory_yaml = "kind: List\nitems:\n- kind: Pod\n  metadata: {name: db-0, namespace: shop, labels: {app: db, tier: data}, ownerReferences: [{kind: StatefulSet, name: database, controller: true}]}\n  status: {podIP: 10.0.3.4}\n- kind: Service\n  metadata: {name: db, namespace: shop}\n  spec: {clusterIP: 10.96.3.4}\n";
    let inventory = Inventory::from_yaml(inventory_yaml, Path::new("inline.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (records, _, _) = import(
        "microshield-flows.json",
        ImportFormat::MicroShield,
        Some(&inventory),
    );
    let db: FlowRecord = serde_json::from_str(&records[0]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(db.dst.workload.as_deref(), Some("StatefulSet/database"));
    assert_eq!(db.dst.labels.get("tier").map(String::as_str), Some("data"));
}
