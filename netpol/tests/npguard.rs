//! Conformance with np-guard netpol-analyzer's golden connlist outputs
//! (`../shared/fixtures/netpol/np-guard-netpol-analyzer`): for every case whose inputs hold only
//! kinds we model, the connections between all workloads, and between workloads and the address
//! ranges outside the cluster, must be the ones np-guard lists.
//!
//! How np-guard reports, and how this test mirrors it (see `npguard_model.rs`): a pod with a
//! controller owner reference is reported as its owner (`ns/name[ReplicaSet]`), a workload object
//! as `ns/name[Deployment]` (one pod stands for all pods of a workload); a
//! workload's connection to itself is never listed, nor a pair with no connection. External
//! peers are IPv4 ranges cut at the `ipBlock` boundaries of the policies; we compare them on
//! the ranges cut at both np-guard's and our boundaries, so a difference in how the address
//! space is split is not a difference in connectivity.
//!
//! Run: `cargo test -p palisade-netpol --test netpol npguard -- --nocapture`.

use crate::fixtures;
use crate::npguard_lines;
use crate::npguard_model::{Upstream, compare};
use std::collections::BTreeMap;

/// Cases that agree today; fewer is a regression.
const FLOOR: usize = 29;

/// Upstream differences (see [`Upstream`]): np-guard's answer is not ours by a documented
/// choice. A case listed here must differ under our rule (or the entry is stale) and agree
/// under np-guard's.
const ALLOWED: &[(&str, Upstream)] = &[
    // Pod lists captured from a cluster where these DaemonSet pods run with hostNetwork: true
    // (their podIP is the node's hostIP).
    ("ipblockstest", Upstream::HostNetworkSelectable),
    ("ipblockstest_2", Upstream::HostNetworkSelectable),
    ("ipblockstest_3", Upstream::HostNetworkSelectable),
    ("ipblockstest_4", Upstream::HostNetworkSelectable),
    (
        "multiple_topology_resources_1",
        Upstream::HostNetworkSelectable,
    ),
    (
        "multiple_topology_resources_2",
        Upstream::HostNetworkSelectable,
    ),
    (
        "semanticDiff-same-topologies-new1",
        Upstream::HostNetworkSelectable,
    ),
    (
        "semanticDiff-same-topologies-new1a",
        Upstream::HostNetworkSelectable,
    ),
    (
        "semanticDiff-same-topologies-new2",
        Upstream::HostNetworkSelectable,
    ),
    (
        "semanticDiff-same-topologies-new3",
        Upstream::HostNetworkSelectable,
    ),
    (
        "semanticDiff-same-topologies-old1",
        Upstream::HostNetworkSelectable,
    ),
    (
        "semanticDiff-same-topologies-old2",
        Upstream::HostNetworkSelectable,
    ),
    (
        "semanticDiff-same-topologies-old3",
        Upstream::HostNetworkSelectable,
    ),
];

/// Kinds we do not model, and the skip reason they give.
const UNMODELLED: &[(&str, &str)] = &[
    (
        "AdminNetworkPolicy",
        "AdminNetworkPolicy/BaselineAdminNetworkPolicy not modelled",
    ),
    (
        "BaselineAdminNetworkPolicy",
        "AdminNetworkPolicy/BaselineAdminNetworkPolicy not modelled",
    ),
    (
        "UserDefinedNetwork",
        "secondary networks (UDN, CUDN, NAD, MultiNetworkPolicy) not modelled",
    ),
    (
        "ClusterUserDefinedNetwork",
        "secondary networks (UDN, CUDN, NAD, MultiNetworkPolicy) not modelled",
    ),
    (
        "NetworkAttachmentDefinition",
        "secondary networks (UDN, CUDN, NAD, MultiNetworkPolicy) not modelled",
    ),
    (
        "MultiNetworkPolicy",
        "secondary networks (UDN, CUDN, NAD, MultiNetworkPolicy) not modelled",
    ),
    ("VirtualMachine", "KubeVirt virtual machines not modelled"),
    (
        "VirtualMachineInstance",
        "KubeVirt virtual machines not modelled",
    ),
    (
        "Route",
        "Route/Ingress (np-guard adds ingress-controller connections) not modelled",
    ),
    (
        "Ingress",
        "Route/Ingress (np-guard adds ingress-controller connections) not modelled",
    ),
];

#[derive(Default)]
struct Report {
    agreed: Vec<String>,
    allowed: Vec<String>,
    differing: Vec<(String, Vec<String>)>,
    skipped: BTreeMap<&'static str, Vec<String>>,
}

#[test]
fn np_guard_connlist_outputs_agree() {
    let Some(root) = fixtures::dir("netpol/np-guard-netpol-analyzer") else {
        return;
    };
    let outputs = root.join("test_outputs/connlist");
    let mut names: Vec<String> = std::fs::read_dir(&outputs)
        .unwrap_or_else(|e| panic!("{}: {e}", outputs.display()))
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            file.strip_suffix("_connlist_output.txt").map(str::to_owned)
        })
        .collect();
    names.sort();
    let mut report = Report::default();
    for name in names {
        let case = root.join("tests").join(&name);
        if !case.is_dir() {
            let why = "focus, explain or connection-filter variant of a case";
            report.skipped.entry(why).or_default().push(name);
            continue;
        }
        let (docs, errors) = fixtures::load_tree(&case);
        if let Some(why) = unmodelled(&docs) {
            report.skipped.entry(why).or_default().push(name);
            continue;
        }
        let path = outputs.join(format!("{name}_connlist_output.txt"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let expected =
            npguard_lines::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut mismatches: Vec<String> =
            errors.into_iter().map(|e| format!("YAML: {e}")).collect();
        mismatches.extend(compare(&docs, &expected, None));
        match ALLOWED.iter().find(|(case, _)| *case == name) {
            None if mismatches.is_empty() => report.agreed.push(name),
            None => report.differing.push((name, mismatches)),
            Some(_) if mismatches.is_empty() => {
                panic!("{name} is allow-listed but agrees: drop it from ALLOWED")
            }
            Some(&(_, upstream)) => {
                let under_theirs = compare(&docs, &expected, Some(upstream));
                if under_theirs.is_empty() {
                    report.allowed.push(name);
                } else {
                    let label = format!("{name} (under {upstream:?})");
                    report.differing.push((label, under_theirs));
                }
            }
        }
    }
    print(&report);
    assert!(
        report.differing.is_empty(),
        "{} np-guard cases differ (fix netpol/src, or explain them in ALLOWED)",
        report.differing.len()
    );
    assert!(
        report.agreed.len() >= FLOOR,
        "only {} np-guard cases agree; {FLOOR} did",
        report.agreed.len()
    );
}

fn unmodelled(docs: &[fixtures::Document]) -> Option<&'static str> {
    let mut flat = Vec::new();
    for doc in docs {
        fixtures::flatten(&doc.value, &mut flat);
    }
    flat.iter().find_map(|(kind, _)| {
        UNMODELLED
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, why)| *why)
    })
}

fn print(report: &Report) {
    let compared = report.agreed.len() + report.allowed.len() + report.differing.len();
    let skipped: usize = report.skipped.values().map(Vec::len).sum();
    println!(
        "np-guard connlist: {} of {compared} compared cases agree, {} differ by an allow-listed \
         upstream difference, {} differ; {skipped} skipped",
        report.agreed.len(),
        report.allowed.len(),
        report.differing.len()
    );
    for (why, cases) in &report.skipped {
        println!("  skipped {:>3}: {why}", cases.len());
    }
    for case in &report.allowed {
        if let Some((_, why)) = ALLOWED.iter().find(|(c, _)| c == case) {
            println!("  upstream difference {why:?}: {case} (agrees under np-guard's rule)");
        }
    }
    for (case, mismatches) in &report.differing {
        println!("  DIFFERS {case} ({} mismatches):", mismatches.len());
        for m in mismatches.iter().take(12) {
            println!("    {m}");
        }
    }
}
