//! Conformance with mattfenwick/cyclonus's data (`../shared/fixtures/netpol/cyclonus`): every
//! NetworkPolicy it ships must be read as the API server reads it, and the truth tables of
//! `cyclonus analyze --mode probe` (policies `networkpolicies/simple-example/`, cluster and
//! probes `examples/probe.json`) must be ours, cell by cell, for ingress, egress and combined.
//!
//! Run: `cargo test -p palisade-netpol --test netpol cyclonus -- --nocapture`.

use crate::fixtures;
use palisade_netpol::{Endpoint, Origin, Policy, World};
use palisade_probe::Proto;
use serde_json::{Value, json};
use std::path::Path;

/// Every NetworkPolicy in `networkpolicies/` is valid: the API server accepts all 14 (12 files,
/// one a `kind: List` of three), including `from: []` (every source) and `egress: [{}]`.
#[test]
fn cyclonus_policies_are_read_as_the_api_server_reads_them() {
    let Some(root) = fixtures::dir("netpol/cyclonus") else {
        return;
    };
    let (docs, errors) = fixtures::load_tree(&root.join("networkpolicies"));
    assert!(errors.is_empty(), "{errors:?}");
    let mut read = 0;
    for doc in &docs {
        let mut flat = Vec::new();
        fixtures::flatten(&doc.value, &mut flat);
        for (kind, object) in flat {
            assert_eq!(kind, "NetworkPolicy", "{}", doc.file);
            Policy::parse(object, Origin::new(doc.file.clone(), 1), "default")
                .unwrap_or_else(|e| panic!("{e}"));
            read += 1;
        }
    }
    println!("cyclonus: {read} NetworkPolicies read, none rejected (the API server accepts all)");
    assert_eq!(read, 14);
}

#[test]
fn cyclonus_probe_truth_tables_agree() {
    let Some(root) = fixtures::dir("netpol/cyclonus") else {
        return;
    };
    let probe: Value = read_json(&root.join("examples/probe.json"));
    let (docs, errors) = fixtures::load_tree(&root.join("networkpolicies/simple-example"));
    assert!(errors.is_empty(), "{errors:?}");
    let mut objects = cluster(&probe);
    objects.extend(docs.into_iter().map(|d| d.value));
    let world = World::build(
        objects.iter().map(|o| (o, Origin::new("probe.json", 1))),
        "default",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let probes: Vec<(Proto, u16)> = probe["Probes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let proto = Proto::parse(p["Protocol"].as_str()?)?;
            Some((proto, u16::try_from(p["Port"].as_u64()?).ok()?))
        })
        .collect();
    let path = root.join("examples/cyclonus-output/analyze-probe.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let (mut compared, mut not_served, mut wrong) = (0, 0, Vec::new());
    for cell in cells(&text) {
        let Some(&(proto, port)) = probes.get(cell.probe) else {
            panic!(
                "table for probe {} but probe.json has {}",
                cell.probe,
                probes.len()
            );
        };
        if matches!(cell.mark, 'N' | '?') {
            // No container serves the port (TCP 82): cyclonus leaves it unjudged.
            not_served += 1;
            continue;
        }
        let pod = |id: &str| {
            let (ns, name) = id.split_once('/').unwrap_or_else(|| panic!("{id}"));
            let i = world
                .find(ns, "Pod", name)
                .unwrap_or_else(|| panic!("{id}"));
            Endpoint::pod(&world.pods[i])
        };
        let c = world.connectivity(&pod(&cell.src), &pod(&cell.dst));
        let ours = match cell.table.as_str() {
            "Ingress" => c.ingress.allowed.contains(proto, port),
            "Egress" => c.egress.allowed.contains(proto, port),
            _ => c.allowed.contains(proto, port),
        };
        compared += 1;
        if ours != (cell.mark == '.') {
            wrong.push(format!(
                "{proto} {port} {} {} -> {}: cyclonus {}, ours {ours}",
                cell.table, cell.src, cell.dst, cell.mark
            ));
        }
    }
    println!(
        "cyclonus probe tables: {} of {compared} cells agree ({not_served} cells of an unserved \
         port not compared)",
        compared - wrong.len()
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
    // 3 probes x 3 tables x 81 pairs, of which the TCP 82 probe's are unjudged.
    assert_eq!((compared, not_served), (2 * 3 * 81, 3 * 81));
}

/// Namespaces and pods of a cyclonus probe file, as Kubernetes objects.
fn cluster(probe: &Value) -> Vec<Value> {
    let resources = &probe["Resources"];
    let mut out: Vec<Value> = resources["Namespaces"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, labels)| {
            json!({"kind": "Namespace", "metadata": {"name": name, "labels": labels}})
        })
        .collect();
    for pod in resources["Pods"].as_array().into_iter().flatten() {
        let containers: Vec<Value> = pod["Containers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let proto = c["Protocol"].as_str().unwrap_or("TCP").to_ascii_uppercase();
                json!({"name": c["Name"], "ports": [{"containerPort": c["Port"],
                    "name": c["PortName"], "protocol": proto}]})
            })
            .collect();
        out.push(json!({"kind": "Pod",
            "metadata": {"name": pod["Name"], "namespace": pod["Namespace"], "labels": pod["Labels"]},
            "spec": {"containers": containers}, "status": {"podIP": pod["IP"]}}));
    }
    out
}

/// One cell of a truth table: the source is the row, the destination the column.
struct Cell {
    probe: usize,
    table: String,
    src: String,
    dst: String,
    mark: char,
}

fn cells(text: &str) -> Vec<Cell> {
    let (mut out, mut probe, mut table, mut columns) = (Vec::new(), 0, String::new(), Vec::new());
    let mut seen_combined = false;
    for line in text.lines() {
        let line = line.trim_end();
        if let Some(name) = line.strip_suffix(':').filter(|n| !n.contains(' ')) {
            if name == "Ingress" && seen_combined {
                probe += 1;
                seen_combined = false;
            }
            seen_combined |= name == "Combined";
            table = name.to_owned();
            continue;
        }
        let Some(row) = line.strip_prefix('|').and_then(|r| r.strip_suffix('|')) else {
            continue;
        };
        let fields: Vec<&str> = row.split('|').map(str::trim).collect();
        match fields.first() {
            Some(&"") => columns = fields[1..].iter().map(|c| c.to_lowercase()).collect(),
            Some(src) => {
                for (dst, mark) in columns.iter().zip(&fields[1..]) {
                    out.push(Cell {
                        probe,
                        table: table.clone(),
                        src: (*src).to_owned(),
                        dst: dst.clone(),
                        mark: mark.chars().next().unwrap_or(' '),
                    });
                }
            }
            None => {}
        }
    }
    out
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
