//! The NETPOL-* rules, computed from a world (and observed flows) with the same semantics as
//! `netpol simulate`: which workload or NetworkPolicy each finding is about, its message, and the
//! field (a JSON pointer inside that object) it points at. Turning these into rule input is the
//! business of `coverage_facts`; the rules' ids, titles and severities are Rego metadata.

use crate::coverage::{DNS_PORT, WorkloadCoverage, coverage, is_dns};
use crate::evaluate::Endpoint;
use crate::policy::{Direction, Peer, Rule};
use crate::resolve::{Resolved, Resolver};
use crate::world::{Pod, WORKLOAD_KINDS, World};
use palisade_probe::FlowRecord;
use std::collections::BTreeSet;

pub const MISSING_INGRESS: &str = "NETPOL-MISSING-INGRESS";
pub const MISSING_EGRESS: &str = "NETPOL-MISSING-EGRESS";
pub const ALLOW_ALL: &str = "NETPOL-ALLOW-ALL";
pub const DNS_BLOCKED: &str = "NETPOL-DNS-BLOCKED";
pub const FLOW_BLOCKED: &str = "NETPOL-FLOW-BLOCKED";

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// `World::pods[i]` (a workload's pod template, or a bare Pod).
    Pod(usize),
    /// `World::policies[i]`.
    Policy(usize),
}

/// One finding of a NETPOL rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleFinding {
    pub subject: Subject,
    pub rule: &'static str,
    pub message: String,
    /// JSON pointer inside the subject's object.
    pub path: String,
}

/// Every finding of the NETPOL rules over `world`, judging `flows` for NETPOL-FLOW-BLOCKED.
/// Pods added to the world after it was built (endpoints known only from flows) get none.
pub fn rule_findings(world: &World, flows: &[FlowRecord]) -> Vec<RuleFinding> {
    let mut out = BTreeSet::new();
    // (pod, protocol) pairs without DNS: a flow to DNS they drop is NETPOL-DNS-BLOCKED's.
    let mut no_dns = BTreeSet::new();
    for cov in coverage(world) {
        workload_findings(world, &cov, &mut out);
        for proto in cov.dns.map(|d| d.missing()).unwrap_or_default() {
            no_dns.insert((cov.pod, proto));
        }
    }
    for (i, policy) in world.policies.iter().enumerate() {
        for direction in [Direction::Ingress, Direction::Egress] {
            for (r, rule) in policy
                .rules(direction)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if let Some((why, path)) = admits_everyone(rule, direction, r) {
                    out.insert(RuleFinding {
                        subject: Subject::Policy(i),
                        rule: ALLOW_ALL,
                        message: format!(
                            "{} rule {r} admits every peer on every port ({why})",
                            direction.as_str()
                        ),
                        path,
                    });
                }
            }
        }
    }
    flow_findings(world, flows, &no_dns, &mut out);
    out.into_iter().collect()
}

/// JSON pointer of the labels of a pod or pod template (what policies select).
pub fn labels_pointer(kind: &str) -> String {
    let template = WORKLOAD_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |(_, p)| p);
    format!("{template}/metadata/labels")
}

/// `Kind namespace/name`.
fn describe(pod: &Pod) -> String {
    format!("{} {}/{}", pod.kind, pod.namespace, pod.name)
}

fn ids(world: &World, policies: &[usize]) -> String {
    let names: Vec<String> = policies.iter().map(|&i| world.policies[i].id()).collect();
    names.join(", ")
}

fn workload_findings(world: &World, cov: &WorkloadCoverage, out: &mut BTreeSet<RuleFinding>) {
    let pod = &world.pods[cov.pod];
    if cov.host_network {
        return;
    }
    let path = labels_pointer(&pod.kind);
    let finding = |rule, message| RuleFinding {
        subject: Subject::Pod(cov.pod),
        rule,
        message,
        path: path.clone(),
    };
    if cov.ingress.is_empty() {
        out.insert(finding(
            MISSING_INGRESS,
            format!(
                "no NetworkPolicy in namespace {} selects the pods of {} for ingress: any pod or address can connect to them",
                pod.namespace,
                describe(pod)
            ),
        ));
    }
    if cov.egress.is_empty() {
        out.insert(finding(
            MISSING_EGRESS,
            format!(
                "no NetworkPolicy in namespace {} selects the pods of {} for egress: they can connect anywhere",
                pod.namespace,
                describe(pod)
            ),
        ));
    }
    if let Some(dns) = cov.dns.filter(|d| !d.ok()) {
        let missing: Vec<String> = dns.missing().iter().map(|p| format!("{p} 53")).collect();
        out.insert(finding(
            DNS_BLOCKED,
            format!(
                "egress of {} is isolated (by {}) with no path to cluster DNS (k8s-app=kube-dns in kube-system) on {}",
                describe(pod),
                ids(world, &cov.egress),
                missing.join(" and ")
            ),
        ));
    }
}

/// Why a rule admits every peer on every port, and the pointer to it; `None` when it does not.
fn admits_everyone(rule: &Rule, direction: Direction, index: usize) -> Option<(String, String)> {
    if !rule.ports.is_empty() {
        return None;
    }
    let (rules_key, peers_key) = match direction {
        Direction::Ingress => ("ingress", "from"),
        Direction::Egress => ("egress", "to"),
    };
    let at = format!("/spec/{rules_key}/{index}");
    if rule.peers.is_empty() {
        return Some((format!("no `{peers_key}`"), at));
    }
    rule.peers.iter().enumerate().find_map(|(j, peer)| {
        let why = match peer {
            Peer::Pods {
                pods,
                namespaces: Some(ns),
            } if ns.is_everything() && pods.as_ref().is_none_or(|p| p.is_everything()) => {
                "every pod in every namespace"
            }
            Peer::Block(block) if block.cidr.prefix() == 0 && block.except.is_empty() => {
                return Some((
                    format!(
                        "`{peers_key}[{j}]` is ipBlock {} without except",
                        block.cidr
                    ),
                    format!("{at}/{peers_key}/{j}/ipBlock"),
                ));
            }
            _ => return None,
        };
        Some((
            format!("`{peers_key}[{j}]` selects {why}"),
            format!("{at}/{peers_key}/{j}"),
        ))
    })
}

/// NETPOL-FLOW-BLOCKED: each observed flow the policies drop, on the workload whose policies
/// drop it — the source for egress, the destination for ingress — or, for an endpoint that no
/// manifest describes, on the first policy that isolates it. A DNS query a workload's egress drops
/// is reported once, by NETPOL-DNS-BLOCKED (`no_dns`).
fn flow_findings(
    world: &World,
    flows: &[FlowRecord],
    no_dns: &BTreeSet<(usize, &str)>,
    out: &mut BTreeSet<RuleFinding>,
) {
    if flows.is_empty() {
        return;
    }
    let mut resolver = Resolver::new(world);
    let ends: Vec<(Resolved, Resolved)> = flows
        .iter()
        .map(|f| {
            (
                resolver.resolve(world, &f.src),
                resolver.resolve(world, &f.dst),
            )
        })
        .collect();
    let made = resolver.made();
    let w = world;
    for (flow, (src, dst)) in flows.iter().zip(ends) {
        let pod = |at: Resolved| match at {
            Resolved::Pod(i, _) => w.pods.get(i),
            Resolved::Made(i, _) => made.get(i),
            Resolved::External(_) => None,
        };
        let end = |at: Resolved| match (at, pod(at)) {
            (Resolved::Pod(_, ip) | Resolved::Made(_, ip), Some(pod)) => Endpoint::Pod { pod, ip },
            (Resolved::External(ip), _) => Endpoint::External(ip),
            (_, None) => Endpoint::External(None),
        };
        let conn = w.connectivity(&end(src), &end(dst));
        let port = flow.dst.port.unwrap_or(0);
        let name = |at: Resolved, e: &palisade_probe::Endpoint| match pod(at) {
            Some(p) if matches!(at, Resolved::Pod(..)) || !p.name.is_empty() => {
                format!("{}/{}/{}", p.namespace, p.kind, p.name)
            }
            _ => {
                e.ip.map_or_else(|| "an unknown endpoint".into(), |ip| ip.to_string())
            }
        };
        let what = format!(
            "observed flow {} → {} {} {port} ({} connection{})",
            name(src, &flow.src),
            name(dst, &flow.dst),
            flow.proto.as_str(),
            flow.count,
            if flow.count == 1 { "" } else { "s" }
        );
        for direction in conn.blocked_by(flow.proto, port) {
            let (side, at) = match direction {
                Direction::Egress => (&conn.egress, src),
                Direction::Ingress => (&conn.ingress, dst),
            };
            let subject = match at {
                Resolved::Pod(i, _) => {
                    let to_dns = port == DNS_PORT && pod(dst).is_some_and(is_dns);
                    if direction == Direction::Egress
                        && to_dns
                        && no_dns.contains(&(i, flow.proto.as_str()))
                    {
                        continue;
                    }
                    Subject::Pod(i)
                }
                _ => match side.selecting.first() {
                    Some(&p) => Subject::Policy(p),
                    None => continue,
                },
            };
            let path = match subject {
                Subject::Pod(i) => labels_pointer(&w.pods[i].kind),
                Subject::Policy(_) => "/spec/podSelector".into(),
            };
            out.insert(RuleFinding {
                subject,
                rule: FLOW_BLOCKED,
                message: format!(
                    "{what} would be dropped by {}: {} isolate{} it and none admits it",
                    direction.as_str(),
                    ids(w, &side.selecting),
                    if side.selecting.len() == 1 { "s" } else { "" }
                ),
                path,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Origin;
    use serde_json::{Value, json};

    fn world(objects: &[Value]) -> World {
        World::build(objects.iter().map(|o| (o, Origin::default())), "default")
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn policy(spec: Value) -> Value {
        json!({"kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "a"}, "spec": spec})
    }

    fn allow_all(spec: Value) -> Vec<(String, String)> {
        rule_findings(&world(&[policy(spec)]), &[])
            .into_iter()
            .filter(|f| f.rule == ALLOW_ALL)
            .map(|f| (f.message, f.path))
            .collect()
    }

    #[test]
    fn allow_all_names_the_rule_and_the_peer() {
        let found = allow_all(json!({"podSelector": {}, "ingress": [
            {"from": [{"podSelector": {"matchLabels": {"app": "x"}}}]},
            {}]}));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "/spec/ingress/1");
        assert!(
            found[0].0.starts_with("ingress rule 1 admits every peer"),
            "{found:?}"
        );
        let found = allow_all(json!({"podSelector": {}, "egress": [
            {"to": [{"podSelector": {}, "namespaceSelector": {}}]},
            {"to": [{"ipBlock": {"cidr": "::/0"}}]}]}));
        let paths: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(
            paths,
            ["/spec/egress/0/to/0", "/spec/egress/1/to/0/ipBlock"]
        );
    }

    #[test]
    fn narrowed_rules_are_not_allow_all() {
        for spec in [
            // Ports narrow it.
            json!({"podSelector": {}, "ingress": [{"ports": [{"port": 80}]}]}),
            // An exception narrows the block.
            json!({"podSelector": {}, "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}]}]}),
            // Every namespace, but only some pods; every pod, but only this namespace.
            json!({"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"a": "b"}}}]}]}),
            json!({"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]}),
            // Egress rules of a policy that does not isolate egress are ignored.
            json!({"podSelector": {}, "policyTypes": ["Ingress"], "egress": [{}]}),
        ] {
            assert_eq!(allow_all(spec.clone()), vec![], "{spec}");
        }
    }

    #[test]
    fn host_network_and_covered_workloads_are_not_missing() {
        let deny = policy(
            json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "egress": [
            {"ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]}),
        );
        let pod = |name: &str, host: bool| {
            json!({"kind": "Pod", "metadata": {"name": name, "namespace": "a"},
            "spec": {"hostNetwork": host}})
        };
        let found = rule_findings(&world(&[deny, pod("ok", false), pod("agent", true)]), &[]);
        assert_eq!(found, vec![]);
    }
}
