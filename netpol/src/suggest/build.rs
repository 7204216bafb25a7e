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
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use crate::coverage::{DNS_LABEL, DNS_NAMESPACE};

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
    /// Every pod of every namespace (`namespaceSelector: {}`).
    EveryPod,
}

/// The rule a direction gives DNS: to cluster DNS in every egress policy, and, on the DNS
/// servers' own ingress, from every pod of the cluster.
#[derive(Debug, Clone)]
pub struct DnsRule {
    /// The first comment line.
    pub about: &'static str,
    pub peers: Vec<PeerPlan>,
}

impl DnsRule {
    /// Egress of a policy in `namespace` to `servers`.
    pub fn to(servers: &DnsServers, namespace: &str) -> Self {
        Self {
            about: "cluster DNS on UDP and TCP 53",
            peers: servers.peers(namespace),
        }
    }

    /// Ingress of cluster DNS: a policy on it must not cut off clients not observed yet.
    pub fn from_everyone() -> Self {
        Self {
            about: "lookups from every pod of the cluster on UDP and TCP 53 (this is cluster DNS)",
            peers: vec![PeerPlan::EveryPod],
        }
    }
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
        c.first_seen(),
        c.last_seen()
    )
}

/// Whether `c` is a DNS lookup: UDP or TCP 53 to pods (allowed on both protocols, as a
/// resolver falls back to TCP for large answers).
pub fn is_lookup(c: &Connection) -> bool {
    c.port == Some(53)
        && matches!(c.proto, Proto::Udp | Proto::Tcp)
        && matches!(*c.dst, Party::Pods { .. })
}

/// Whether `party` is cluster DNS: pods in kube-system or labelled `k8s-app: kube-dns`.
pub fn is_cluster_dns(party: &Party) -> bool {
    match party {
        Party::Pods {
            namespace,
            selector,
            ..
        } => {
            namespace == DNS_NAMESPACE
                || selector.get(DNS_LABEL.0).map(String::as_str) == Some(DNS_LABEL.1)
        }
        Party::External(_) => false,
    }
}

/// Whether `c` is a lookup of cluster DNS, which the DNS rule of every egress policy covers.
/// A lookup of any other server is a connection like the others: only its clients may reach
/// it.
pub fn is_dns(c: &Connection) -> bool {
    is_lookup(c) && is_cluster_dns(&c.dst)
}

/// The DNS servers egress rules allow: every cluster DNS server ([`is_dns`]) looked up in the
/// connections, by the labels those pods carry; `k8s-app: kube-dns` in kube-system when
/// none was observed.
#[derive(Debug, Clone)]
pub struct DnsServers {
    /// Each server as a peer named with its namespace, in order, without repeats.
    peers: Vec<(String, Labels)>,
}

impl DnsServers {
    /// The servers as peers of a policy in `namespace`, in the order rules list peers.
    pub fn peers(&self, namespace: &str) -> Vec<PeerPlan> {
        let here = self.peers.iter().filter(|(ns, _)| ns == namespace);
        let there = self.peers.iter().filter(|(ns, _)| ns != namespace);
        here.map(|(_, selector)| PeerPlan::Pods {
            namespace: None,
            selector: selector.clone(),
        })
        .chain(there.map(|(ns, selector)| PeerPlan::Pods {
            namespace: Some(ns.clone()),
            selector: selector.clone(),
        }))
        .collect()
    }
}

/// The DNS servers of `all` (see [`DnsServers`]).
pub fn dns_servers(all: &[Connection]) -> DnsServers {
    let mut seen: HashMap<*const Party, &Party> = HashMap::new();
    for c in all.iter().filter(|c| is_dns(c)) {
        seen.entry(std::ptr::from_ref(&*c.dst)).or_insert(&c.dst);
    }
    let mut peers: BTreeSet<(String, Labels)> = seen
        .into_values()
        .filter_map(|p| match p {
            Party::Pods {
                namespace,
                selector,
                ..
            } => Some((namespace.clone(), selector.clone())),
            Party::External(_) => None,
        })
        .collect();
    if peers.is_empty() {
        peers.insert((
            DNS_NAMESPACE.into(),
            Labels::from([(DNS_LABEL.0.into(), DNS_LABEL.1.into())]),
        ));
    }
    DnsServers {
        peers: peers.into_iter().collect(),
    }
}

/// The rules of one direction from `conns` (the peer of each is `peer`), plus the DNS rule
/// when `dns` is given (its lookups are listed there). With `allow_dns`, a DNS lookup allowed peer by peer (a DNS
/// server's ingress, or a lookup of a server other than cluster DNS) is allowed on UDP and
/// TCP 53 both.
pub fn rules(
    namespace: &str,
    conns: &[&Connection],
    peer: impl Fn(&Connection) -> &Party,
    dns: Option<DnsRule>,
    allow_dns: bool,
) -> Vec<RulePlan> {
    // Grouped by party first (parties are shared, so their address names them), then by the
    // peer each party is written as: labels are cloned and compared once per party.
    let mut by_party: HashMap<*const Party, Vec<&Connection>> = HashMap::new();
    let mut dns_why = Vec::new();
    for c in conns {
        // The DNS rule admits pods only: a lookup from outside the cluster gets its own rule.
        if dns.is_some() && is_dns(c) && matches!(peer(c), Party::Pods { .. }) {
            dns_why.push(why(c));
            continue;
        }
        by_party
            .entry(std::ptr::from_ref(peer(c)))
            .or_default()
            .push(c);
    }
    let mut by_peer: BTreeMap<PeerPlan, (BTreeSet<PortPlan>, Vec<&Connection>)> = BTreeMap::new();
    for group in by_party.into_values() {
        let entry = by_peer
            .entry(peer_of(peer(group[0]), namespace))
            .or_default();
        for c in group {
            if allow_dns && is_lookup(c) {
                entry
                    .0
                    .extend([(Proto::Udp, Some(53)), (Proto::Tcp, Some(53))]);
            } else {
                entry.0.insert((c.proto, c.port));
            }
            entry.1.push(c);
        }
    }
    let mut out = Vec::new();
    if let Some(dns) = dns {
        let mut why = vec![dns.about.to_owned()];
        if dns_why.is_empty() {
            why.push("(allowed by --allow-dns; no lookup observed)".into());
        }
        why.extend(dns_why);
        out.push(RulePlan {
            why,
            peers: dns.peers,
            ports: vec![(Proto::Udp, Some(53)), (Proto::Tcp, Some(53))],
        });
    }
    for (peer, (ports, mut conns)) in by_peer {
        // In the order the connections came (parties merged into one peer interleave).
        conns.sort_by_key(|c| (c.src_id, c.dst_id, c.proto, c.port));
        out.push(RulePlan {
            why: conns.into_iter().map(why).collect(),
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
    // By party id first: one entry per party, not one key per connection.
    let mut by_id: Vec<Option<(&Party, i64, i64)>> = Vec::new();
    for c in all {
        let (Some(first), Some(last)) = c.span_ms() else {
            continue;
        };
        for (id, party) in [(c.src_id, &c.src), (c.dst_id, &c.dst)] {
            let id = id as usize;
            if by_id.len() <= id {
                by_id.resize(id + 1, None);
            }
            let w = by_id[id].get_or_insert((party, first, last));
            w.1 = w.1.min(first);
            w.2 = w.2.max(last);
        }
    }
    let mut out: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for (party, first, last) in by_id.into_iter().flatten() {
        if let Some(key) = party.workload_key() {
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
