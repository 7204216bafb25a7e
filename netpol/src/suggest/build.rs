//! From chosen connections to policy plans: which workloads (or namespaces) get a policy, the
//! rules of each direction (one per peer, every observed server port an entry of its own),
//! the DNS rule, and the comments that say which flows justify each rule.

use super::aggregate::Connection;
use super::party::Party;
use super::{Scope, SuggestOptions};
use crate::cidr::Cidr;
use crate::labels::Labels;
use crate::world::NAME_LABEL;
use palisade_probe::Proto;
use std::collections::{BTreeMap, BTreeSet};

/// The labels cluster DNS pods carry in every common distribution (kube-dns and CoreDNS).
pub const DNS_LABEL: (&str, &str) = ("k8s-app", "kube-dns");
/// Where cluster DNS runs.
pub const DNS_NAMESPACE: &str = "kube-system";

/// A peer as a policy in `namespace` writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeerPlan {
    /// Pods selected by `selector` (empty: every pod) in the policy's namespace (None) or in
    /// the namespace named (by `kubernetes.io/metadata.name`).
    Pods {
        namespace: Option<String>,
        selector: Labels,
    },
    Block(Cidr),
}

/// A protocol and port (None: every port of the protocol).
pub type PortPlan = (Proto, Option<u16>);

/// One rule: its peers, the ports it allows, and the comment lines that justify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulePlan {
    pub why: Vec<String>,
    pub peers: Vec<PeerPlan>,
    /// Protocol and port (None: every port of the protocol).
    pub ports: Vec<(Proto, Option<u16>)>,
}

/// One NetworkPolicy to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyPlan {
    pub namespace: String,
    pub name: String,
    /// The workload (`Kind/name`) it is for; None for namespace-wide policies.
    pub workload: Option<String>,
    /// Comment lines written above the policy.
    pub about: Vec<String>,
    /// Pods selected (None: every pod of the namespace).
    pub target: Option<Labels>,
    /// Rules of each direction the policy isolates.
    pub ingress: Option<Vec<RulePlan>>,
    pub egress: Option<Vec<RulePlan>>,
}

/// The peer `party` is, seen from a policy in `namespace`.
pub fn peer_of(party: &Party, namespace: &str) -> PeerPlan {
    match party {
        Party::Pods {
            namespace: ns,
            selector,
            ..
        } => PeerPlan::Pods {
            namespace: (ns != namespace).then(|| ns.clone()),
            selector: selector.clone(),
        },
        Party::External(cidr) => PeerPlan::Block(*cidr),
    }
}

/// `src → dst PROTO/port: N connection(s) in R record(s), FIRST … LAST`.
pub fn why(c: &Connection) -> String {
    format!(
        "{}: {} connection(s) in {} record(s), {} … {}",
        c.describe(),
        c.count,
        c.records,
        c.first_seen,
        c.last_seen
    )
}

/// Whether `c` is a lookup of cluster DNS that the DNS rule covers.
pub fn is_dns(c: &Connection) -> bool {
    c.port == Some(53)
        && matches!(c.proto, Proto::Udp | Proto::Tcp)
        && matches!(c.dst, Party::Pods { .. })
}

/// The DNS servers egress rules allow: every in-cluster destination of DNS lookups among
/// `all`, by the labels those pods carry; `k8s-app: kube-dns` in kube-system when none was
/// observed.
pub fn dns_servers(all: &[Connection]) -> BTreeSet<Party> {
    let mut servers: BTreeSet<Party> = all
        .iter()
        .filter(|c| is_dns(c))
        .map(|c| c.dst.clone())
        .collect();
    if servers.is_empty() {
        servers.insert(Party::Pods {
            namespace: DNS_NAMESPACE.into(),
            workload: "Deployment/coredns".into(),
            selector: Labels::from([(DNS_LABEL.0.into(), DNS_LABEL.1.into())]),
            in_manifests: false,
        });
    }
    servers
}

/// The rules of one direction from `conns` (the peer of each is `peer`), plus the DNS rule
/// for egress when `dns` is given. With `allow_dns`, a DNS lookup allowed peer by peer (the
/// DNS server's ingress) is allowed on UDP and TCP 53 both.
pub fn rules(
    namespace: &str,
    conns: &[&Connection],
    peer: impl Fn(&Connection) -> &Party,
    dns: Option<&BTreeSet<Party>>,
    allow_dns: bool,
) -> Vec<RulePlan> {
    let mut by_peer: BTreeMap<PeerPlan, (BTreeSet<PortPlan>, Vec<String>)> = BTreeMap::new();
    let mut dns_why = Vec::new();
    for c in conns {
        if dns.is_some() && is_dns(c) {
            dns_why.push(why(c));
            continue;
        }
        let entry = by_peer.entry(peer_of(peer(c), namespace)).or_default();
        if allow_dns && is_dns(c) {
            entry
                .0
                .extend([(Proto::Udp, Some(53)), (Proto::Tcp, Some(53))]);
        } else {
            entry.0.insert((c.proto, c.port));
        }
        entry.1.push(why(c));
    }
    let mut out = Vec::new();
    if let Some(servers) = dns {
        let mut why = vec!["cluster DNS on UDP and TCP 53".to_owned()];
        if dns_why.is_empty() {
            why.push("(allowed by --allow-dns; no lookup observed)".into());
        }
        why.extend(dns_why);
        let peers: BTreeSet<PeerPlan> = servers.iter().map(|s| peer_of(s, namespace)).collect();
        out.push(RulePlan {
            why,
            peers: peers.into_iter().collect(),
            ports: vec![(Proto::Udp, Some(53)), (Proto::Tcp, Some(53))],
        });
    }
    for (peer, (ports, why)) in by_peer {
        out.push(RulePlan {
            why,
            peers: vec![peer],
            ports: ports.into_iter().collect(),
        });
    }
    out
}

/// Human duration of `ms` milliseconds: `2d21h15m`, `45m`, `0m`.
pub fn duration_text(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    let (d, h, m) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let mut s = String::new();
    if d > 0 {
        s.push_str(&format!("{d}d"));
    }
    if h > 0 {
        s.push_str(&format!("{h}h"));
    }
    if m > 0 || s.is_empty() {
        s.push_str(&format!("{m}m"));
    }
    s
}

/// Observation windows (first to last sighting, in ms) of every workload in `all`.
pub fn windows(all: &[Connection]) -> BTreeMap<(String, String), (i64, i64)> {
    let mut out: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for c in all {
        let (Some(first), Some(last)) = c.span_ms() else {
            continue;
        };
        for key in [c.src.workload_key(), c.dst.workload_key()]
            .into_iter()
            .flatten()
        {
            let w = out.entry(key).or_insert((first, last));
            w.0 = w.0.min(first);
            w.1 = w.1.max(last);
        }
    }
    out
}

/// A policy name for `workload` (`Kind/name`) in a namespace where `taken` are used.
pub fn policy_name(opts: &SuggestOptions, workload: &str, taken: &mut BTreeSet<String>) -> String {
    let (kind, name) = workload.split_once('/').unwrap_or(("", workload));
    let base = match opts.scope {
        Scope::Workload => format!("{}{}", opts.name_prefix, name.to_ascii_lowercase()),
        Scope::Namespace => format!("{}{}", opts.name_prefix, workload.to_ascii_lowercase()),
    };
    let mut candidate = base.clone();
    if taken.contains(&candidate) {
        candidate = format!("{base}-{}", kind.to_ascii_lowercase());
    }
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// The namespace selector of `namespace`, as written in peers.
pub fn namespace_selector(namespace: &str) -> (&'static str, &str) {
    (NAME_LABEL, namespace)
}
