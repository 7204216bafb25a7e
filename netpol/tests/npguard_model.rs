//! np-guard's view of a case, computed with our semantics: workloads named as np-guard names
//! them (a pod by its controller owner), connections between every two of them, and
//! connections to and from IPv4 ranges outside the cluster; compared with np-guard's lines.

use crate::fixtures::{Document, flatten};
use crate::npguard_lines::{Line, Peer, range_name};
use palisade_netpol::{ConnSet, Endpoint, Origin, Peer as RulePeer, World};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr};

/// A documented difference between np-guard's model and ours; a case allowed one is compared
/// under np-guard's rule instead, and must then agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upstream {
    /// np-guard lets policies select `hostNetwork: true` pods like any other. Kubernetes leaves
    /// this to the network plugin, and the most common behaviour (the one we model) is that
    /// podSelector and namespaceSelector ignore host-network pods, whose traffic is the node's.
    HostNetworkSelectable,
}

/// Differences between our connections and np-guard's `expected` lines, one line each.
pub fn compare(docs: &[Document], expected: &[Line], upstream: Option<Upstream>) -> Vec<String> {
    let mut world = match World::build(
        docs.iter()
            .map(|d| (&d.value, Origin::new(d.file.clone(), 1))),
        "default",
    ) {
        Ok(world) => world,
        Err(e) => return vec![format!("World::build: {e}")],
    };
    if upstream == Some(Upstream::HostNetworkSelectable) {
        for pod in &mut world.pods {
            pod.host_network = false;
        }
    }
    let workloads = workloads(docs, &world);
    let mut out = Vec::new();
    for line in expected {
        for peer in [&line.src, &line.dst] {
            if let Peer::Workload(name) = peer
                && !workloads.contains_key(name)
            {
                out.push(format!("np-guard names {name}, which we do not model"));
            }
        }
    }
    // Workload to workload.
    let mut theirs: BTreeMap<(&str, &str), &ConnSet> = BTreeMap::new();
    for line in expected {
        if let (Peer::Workload(s), Peer::Workload(d)) = (&line.src, &line.dst) {
            theirs.insert((s, d), &line.conns);
        }
    }
    for (src, &s) in &workloads {
        for (dst, &d) in &workloads {
            if src == dst {
                continue;
            }
            let ours = world
                .connectivity(
                    &Endpoint::pod(&world.pods[s]),
                    &Endpoint::pod(&world.pods[d]),
                )
                .allowed;
            let none = ConnSet::none();
            let exp = theirs
                .get(&(src.as_str(), dst.as_str()))
                .copied()
                .unwrap_or(&none);
            if &ours != exp {
                out.push(format!("{src} => {dst} : np-guard {exp}, ours {ours}"));
            }
        }
    }
    // Workload and the outside, on ranges cut at every boundary of both sides.
    let cuts = policy_cuts(&world);
    for (name, &i) in &workloads {
        let pod = Endpoint::pod(&world.pods[i]);
        for egress in [true, false] {
            let lines: Vec<(u32, u32, &ConnSet)> = expected
                .iter()
                .filter_map(|l| match (&l.src, &l.dst, egress) {
                    (Peer::Workload(w), Peer::External(lo, hi), true)
                    | (Peer::External(lo, hi), Peer::Workload(w), false)
                        if w == name =>
                    {
                        Some((*lo, *hi, &l.conns))
                    }
                    _ => None,
                })
                .collect();
            let mut starts = cuts.clone();
            for &(lo, hi, _) in &lines {
                starts.insert(lo);
                if let Some(next) = hi.checked_add(1) {
                    starts.insert(next);
                }
            }
            let starts: Vec<u32> = starts.into_iter().collect();
            for (k, &lo) in starts.iter().enumerate() {
                let hi = starts.get(k + 1).map_or(u32::MAX, |n| n - 1);
                let ext = Endpoint::External(Some(IpAddr::V4(Ipv4Addr::from(lo))));
                let ours = if egress {
                    world.connectivity(&pod, &ext).allowed
                } else {
                    world.connectivity(&ext, &pod).allowed
                };
                let none = ConnSet::none();
                let exp = lines
                    .iter()
                    .find(|(l, h, _)| *l <= lo && lo <= *h)
                    .map_or(&none, |(_, _, c)| *c);
                if &ours != exp {
                    let range = range_name(lo, hi);
                    let pair = if egress {
                        format!("{name} => {range}")
                    } else {
                        format!("{range} => {name}")
                    };
                    out.push(format!("{pair} : np-guard {exp}, ours {ours}"));
                }
            }
        }
    }
    out
}

/// np-guard's workload names, each with the index of one pod (the first) in `world.pods`.
fn workloads(docs: &[Document], world: &World) -> BTreeMap<String, usize> {
    let mut flat = Vec::new();
    for doc in docs {
        flatten(&doc.value, &mut flat);
    }
    // Pods with a controller owner: (namespace, name) -> (owner kind, owner name). An owner
    // reference without `kind` is reported as `[Pod]`, one of kind Node not at all.
    let mut owners: HashMap<(String, String), (String, String)> = HashMap::new();
    for (kind, o) in flat {
        if kind != "Pod" {
            continue;
        }
        let owner = o
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
            .and_then(|r| {
                let kind = r.get("kind").and_then(Value::as_str).unwrap_or("Pod");
                let name = r.get("name")?.as_str()?;
                (kind != "Node").then(|| (kind.to_owned(), name.to_owned()))
            });
        let s = |p: &str| o.pointer(p).and_then(Value::as_str);
        if let Some(owner) = owner {
            let ns = s("/metadata/namespace").unwrap_or("default");
            let name = s("/metadata/name").unwrap_or_default();
            owners.insert((ns.to_owned(), name.to_owned()), owner);
        }
    }
    let mut out = BTreeMap::new();
    for (i, pod) in world.pods.iter().enumerate() {
        let key = (pod.namespace.clone(), pod.name.clone());
        let (kind, name) = match owners.get(&key) {
            Some(owner) if pod.kind == "Pod" => owner.clone(),
            _ => (pod.kind.clone(), pod.name.clone()),
        };
        out.entry(format!("{}/{name}[{kind}]", pod.namespace))
            .or_insert(i);
    }
    out
}

/// Where the policies' IPv4 `ipBlock`s (CIDRs and exceptions) start and end: the starts of
/// ranges on which our answer for an outside address cannot change.
fn policy_cuts(world: &World) -> BTreeSet<u32> {
    let mut cuts = BTreeSet::from([0]);
    for policy in &world.policies {
        let rules = policy.ingress.iter().chain(policy.egress.iter()).flatten();
        for peer in rules.flat_map(|r| &r.peers) {
            let RulePeer::Block(block) = peer else {
                continue;
            };
            for cidr in std::iter::once(&block.cidr).chain(&block.except) {
                if let IpAddr::V4(net) = cidr.network() {
                    let lo = u32::from(net);
                    cuts.insert(lo);
                    let hi = lo | u32::MAX.checked_shr(u32::from(cidr.prefix())).unwrap_or(0);
                    if let Some(next) = hi.checked_add(1) {
                        cuts.insert(next);
                    }
                }
            }
        }
    }
    cuts
}
