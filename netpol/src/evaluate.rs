//! Whether traffic is allowed: a connection passes only when the source's egress AND the
//! destination's ingress allow it. A pod is isolated for a direction only when some policy in
//! its namespace selects it for that direction; then only what those policies' rules allow
//! (their union) passes.

use crate::policy::{Direction, Peer, Policy};
use crate::ports::{ConnSet, ContainerPort};
use crate::world::{Pod, World};
use palisade_probe::Proto;
use std::net::IpAddr;

/// One end of a connection.
#[derive(Debug, Clone, Copy)]
pub enum Endpoint<'a> {
    /// A pod (or a workload's pods); `ip`, when known, is the address the connection used.
    Pod { pod: &'a Pod, ip: Option<IpAddr> },
    /// Outside the cluster (or a node): only `ipBlock` peers can match it.
    External(Option<IpAddr>),
}

impl<'a> Endpoint<'a> {
    pub fn pod(pod: &'a Pod) -> Self {
        Self::Pod { pod, ip: None }
    }

    /// The pod, when it is one NetworkPolicies can select.
    fn selectable(&self) -> Option<&'a Pod> {
        match self {
            Self::Pod { pod, .. } if !pod.host_network => Some(pod),
            _ => None,
        }
    }

    fn ports(&self) -> Option<&'a [ContainerPort]> {
        match self {
            Self::Pod { pod, .. } => Some(&pod.ports),
            Self::External(_) => None,
        }
    }
}

/// What one direction allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// Some policy selects the pod for this direction.
    pub isolated: bool,
    /// Allowed connections (everything when not isolated).
    pub allowed: ConnSet,
    /// Policies selecting the pod for this direction (indices into `World::policies`).
    pub selecting: Vec<usize>,
    /// Of those, the ones with a rule that admits the peer, and on what.
    pub allowed_by: Vec<(usize, ConnSet)>,
}

impl Side {
    fn open() -> Self {
        Self {
            isolated: false,
            allowed: ConnSet::all(),
            selecting: Vec::new(),
            allowed_by: Vec::new(),
        }
    }

    /// The policies that admit `proto`/`port` on this side.
    pub fn allowing(&self, proto: Proto, port: u16) -> impl Iterator<Item = usize> + '_ {
        self.allowed_by
            .iter()
            .filter(move |(_, set)| set.contains(proto, port))
            .map(|(i, _)| *i)
    }
}

/// Both directions of a connection between two endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connectivity {
    pub egress: Side,
    pub ingress: Side,
    /// `egress.allowed ∩ ingress.allowed`.
    pub allowed: ConnSet,
}

impl Connectivity {
    /// The directions that drop `proto`/`port` (empty: allowed).
    pub fn blocked_by(&self, proto: Proto, port: u16) -> Vec<Direction> {
        let mut out = Vec::new();
        if !self.egress.allowed.contains(proto, port) {
            out.push(Direction::Egress);
        }
        if !self.ingress.allowed.contains(proto, port) {
            out.push(Direction::Ingress);
        }
        out
    }
}

impl World {
    /// Policies in `pod`'s namespace that select it for `direction`.
    pub fn selecting(&self, pod: &Pod, direction: Direction) -> Vec<usize> {
        if pod.host_network {
            return Vec::new();
        }
        self.policies_in(&pod.namespace)
            .iter()
            .copied()
            .filter(|&i| {
                let p = &self.policies[i];
                p.rules(direction).is_some() && p.pod_selector.matches(&pod.labels)
            })
            .collect()
    }

    /// What `src` → `dst` may carry.
    pub fn connectivity(&self, src: &Endpoint<'_>, dst: &Endpoint<'_>) -> Connectivity {
        let egress = match src.selectable() {
            Some(pod) => self.side(pod, Direction::Egress, dst, dst.ports()),
            None => Side::open(),
        };
        let ingress = match dst.selectable() {
            Some(pod) => self.side(pod, Direction::Ingress, src, Some(&pod.ports)),
            None => Side::open(),
        };
        let allowed = egress.allowed.intersect(&ingress.allowed);
        Connectivity {
            egress,
            ingress,
            allowed,
        }
    }

    /// The side of `pod` for `direction`, `peer` being the other end; named ports resolve
    /// against `dst_ports` (the destination's).
    fn side(
        &self,
        pod: &Pod,
        direction: Direction,
        peer: &Endpoint<'_>,
        dst_ports: Option<&[ContainerPort]>,
    ) -> Side {
        let selecting = self.selecting(pod, direction);
        if selecting.is_empty() {
            return Side::open();
        }
        let mut allowed = ConnSet::none();
        let mut allowed_by = Vec::new();
        for &i in &selecting {
            let policy = &self.policies[i];
            let mut by_policy = ConnSet::none();
            for rule in policy.rules(direction).unwrap_or_default() {
                if !(rule.peers.is_empty()
                    || rule
                        .peers
                        .iter()
                        .any(|p| self.peer_matches(policy, p, peer)))
                {
                    continue;
                }
                let conns = if rule.ports.is_empty() {
                    ConnSet::all()
                } else {
                    let mut set = ConnSet::none();
                    for spec in &rule.ports {
                        set.union(&spec.conns(dst_ports));
                    }
                    set
                };
                by_policy.union(&conns);
            }
            if !by_policy.is_empty() {
                allowed.union(&by_policy);
                allowed_by.push((i, by_policy));
            }
        }
        Side {
            isolated: true,
            allowed,
            selecting,
            allowed_by,
        }
    }

    /// Whether `peer` of `policy` matches endpoint `other`.
    fn peer_matches(&self, policy: &Policy, peer: &Peer, other: &Endpoint<'_>) -> bool {
        match (peer, other) {
            (Peer::Pods { pods, namespaces }, Endpoint::Pod { pod, .. }) if !pod.host_network => {
                let in_namespace = match namespaces {
                    None => pod.namespace == policy.namespace,
                    Some(sel) => sel.matches(&self.namespace_labels(&pod.namespace)),
                };
                in_namespace && pods.as_ref().is_none_or(|s| s.matches(&pod.labels))
            }
            (Peer::Block(block), Endpoint::Pod { pod, ip }) => match ip {
                Some(ip) => block.contains(*ip),
                // A pod whose address is not known is still in a block of a whole address
                // family with no exception (`0.0.0.0/0`, `::/0`).
                None if pod.ips.is_empty() => block.cidr.prefix() == 0 && block.except.is_empty(),
                None => pod.ips.iter().any(|ip| block.contains(*ip)),
            },
            (Peer::Block(block), Endpoint::External(Some(ip))) => block.contains(*ip),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Origin;
    use serde_json::json;

    /// Regression: a workload's pods have no known address, yet `0.0.0.0/0` (no except) holds
    /// them; a narrower block, or one with an exception, may not.
    #[test]
    fn unknown_address_is_in_a_whole_family_block_only() {
        let egress = |block: serde_json::Value| {
            json!({"kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "a"},
                   "spec": {"podSelector": {}, "policyTypes": ["Egress"],
                            "egress": [{"to": [{"ipBlock": block}]}]}})
        };
        let pod = json!({"kind": "Pod", "metadata": {"name": "x", "namespace": "a"}, "spec": {}});
        for (block, allowed) in [
            (json!({"cidr": "0.0.0.0/0"}), true),
            (json!({"cidr": "::/0"}), true),
            (
                json!({"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}),
                false,
            ),
            (json!({"cidr": "10.0.0.0/8"}), false),
        ] {
            let policy = egress(block.clone());
            let world = World::build(
                [(&pod, Origin::default()), (&policy, Origin::default())],
                "default",
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let src = Endpoint::pod(&world.pods[0]);
            let conn = world.connectivity(&src, &src);
            assert_eq!(conn.allowed.contains(Proto::Tcp, 80), allowed, "{block}");
        }
    }
}
