//! Coverage: for every workload (each pod template, and each bare Pod) of a world, whether
//! NetworkPolicies isolate its pods for ingress and for egress, and by which policies; and, where
//! egress is isolated, whether the pods can still reach cluster DNS on UDP and TCP 53.
//!
//! "Cluster DNS" is the pods labelled `k8s-app: kube-dns` in `kube-system`. When the world has
//! none (manifests rarely include the cluster's own DNS), one such pod is assumed, with CoreDNS's
//! ports (`dns` 53/UDP, `dns-tcp` 53/TCP), and judged with [`World::connectivity`] like any pod.

use crate::evaluate::Endpoint;
use crate::policy::Direction;
use crate::ports::ContainerPort;
use crate::world::{Pod, World};
use palisade_probe::Proto;

/// Namespace of cluster DNS.
pub const DNS_NAMESPACE: &str = "kube-system";
/// Label (key, value) of cluster DNS pods.
pub const DNS_LABEL: (&str, &str) = ("k8s-app", "kube-dns");
/// The DNS port.
pub const DNS_PORT: u16 = 53;

/// Whether the pods can reach cluster DNS, per protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DnsReach {
    pub udp: bool,
    pub tcp: bool,
}

impl DnsReach {
    /// Both protocols reach DNS.
    pub fn ok(self) -> bool {
        self.udp && self.tcp
    }

    /// The protocols that do not reach DNS (`UDP`, `TCP`).
    pub fn missing(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if !self.udp {
            out.push(Proto::Udp.as_str());
        }
        if !self.tcp {
            out.push(Proto::Tcp.as_str());
        }
        out
    }
}

/// The coverage of one workload (or bare Pod).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadCoverage {
    /// Index into `World::pods`.
    pub pod: usize,
    /// Policies (indices into `World::policies`) that select the pods for ingress; empty: not
    /// isolated.
    pub ingress: Vec<usize>,
    /// Same for egress.
    pub egress: Vec<usize>,
    /// Host-network pods: NetworkPolicies cannot select them, so they are never isolated.
    pub host_network: bool,
    /// Reach of cluster DNS, when egress is isolated (and the pods are not DNS themselves).
    pub dns: Option<DnsReach>,
}

impl WorkloadCoverage {
    /// Isolated in both directions (host-network pods cannot be, and are not counted as gaps).
    pub fn covered(&self) -> bool {
        self.host_network || (!self.ingress.is_empty() && !self.egress.is_empty())
    }

    /// Egress isolated without a path to DNS on UDP and TCP 53.
    pub fn dns_blocked(&self) -> bool {
        self.dns.is_some_and(|d| !d.ok())
    }
}

/// The coverage of every pod and workload of `world`, in world order.
pub fn coverage(world: &World) -> Vec<WorkloadCoverage> {
    let dns = dns_pods(world);
    world
        .pods
        .iter()
        .enumerate()
        .map(|(i, pod)| {
            let ingress = world.selecting(pod, Direction::Ingress);
            let egress = world.selecting(pod, Direction::Egress);
            let reach = (!egress.is_empty() && !is_dns(pod)).then(|| dns_reach(world, pod, &dns));
            WorkloadCoverage {
                pod: i,
                ingress,
                egress,
                host_network: pod.host_network,
                dns: reach,
            }
        })
        .collect()
}

/// Whether `pod` is a cluster DNS pod.
pub fn is_dns(pod: &Pod) -> bool {
    pod.namespace == DNS_NAMESPACE
        && pod.labels.get(DNS_LABEL.0).map(String::as_str) == Some(DNS_LABEL.1)
}

/// The cluster DNS pods of `world`, or the one assumed when it has none.
pub fn dns_pods(world: &World) -> Vec<Pod> {
    let found: Vec<Pod> = world.pods.iter().filter(|p| is_dns(p)).cloned().collect();
    if !found.is_empty() {
        return found;
    }
    let port = |name: &str, proto| ContainerPort {
        name: Some(name.to_owned()),
        port: DNS_PORT,
        proto,
    };
    vec![Pod {
        namespace: DNS_NAMESPACE.to_owned(),
        name: "kube-dns".to_owned(),
        kind: "Pod".to_owned(),
        labels: [(DNS_LABEL.0.to_owned(), DNS_LABEL.1.to_owned())].into(),
        ports: vec![port("dns", Proto::Udp), port("dns-tcp", Proto::Tcp)],
        ..Pod::default()
    }]
}

/// Whether `pod` reaches any of `dns` on UDP 53 and on TCP 53 (egress of the pod AND ingress of
/// the DNS pod).
pub fn dns_reach(world: &World, pod: &Pod, dns: &[Pod]) -> DnsReach {
    let mut reach = DnsReach {
        udp: false,
        tcp: false,
    };
    for target in dns {
        let conn = world.connectivity(&Endpoint::pod(pod), &Endpoint::pod(target));
        reach.udp |= conn.allowed.contains(Proto::Udp, DNS_PORT);
        reach.tcp |= conn.allowed.contains(Proto::Tcp, DNS_PORT);
        if reach.ok() {
            break;
        }
    }
    reach
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Origin;
    use serde_json::{Value, json};

    fn world(objects: &[Value]) -> World {
        World::build(
            objects.iter().map(|o| (o, Origin::new("t.yaml", 1))),
            "default",
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn deployment(name: &str) -> Value {
        json!({"kind": "Deployment", "metadata": {"name": name, "namespace": "shop"},
               "spec": {"template": {"metadata": {"labels": {"app": name}}, "spec": {}}}})
    }

    fn policy(name: &str, spec: Value) -> Value {
        json!({"kind": "NetworkPolicy", "metadata": {"name": name, "namespace": "shop"}, "spec": spec})
    }

    fn dns_rule(protocols: &[&str]) -> Value {
        let ports: Vec<Value> = protocols
            .iter()
            .map(|p| json!({"protocol": p, "port": 53}))
            .collect();
        json!({"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
               "ports": ports})
    }

    #[test]
    fn no_policy_covers_nothing() {
        let cov = coverage(&world(&[deployment("web")]));
        assert_eq!(cov.len(), 1);
        assert!(cov[0].ingress.is_empty() && cov[0].egress.is_empty());
        assert!(!cov[0].covered() && cov[0].dns.is_none());
    }

    #[test]
    fn policy_in_another_namespace_never_covers() {
        let mut other = policy(
            "deny",
            json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        );
        other["metadata"]["namespace"] = json!("elsewhere");
        let cov = coverage(&world(&[deployment("web"), other]));
        assert!(cov[0].ingress.is_empty() && cov[0].egress.is_empty());
    }

    #[test]
    fn default_deny_isolates_both_and_blocks_dns() {
        let deny = policy(
            "deny",
            json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        );
        let cov = coverage(&world(&[deployment("web"), deny]));
        assert_eq!(
            (cov[0].ingress.clone(), cov[0].egress.clone()),
            (vec![0], vec![0])
        );
        assert!(cov[0].covered());
        let dns = cov[0].dns.unwrap_or_else(|| panic!("egress isolated"));
        assert_eq!(dns.missing(), vec!["UDP", "TCP"]);
    }

    #[test]
    fn dns_rule_needs_both_protocols() {
        let deny = policy(
            "deny",
            json!({"podSelector": {}, "policyTypes": ["Egress"]}),
        );
        let tcp_only = policy(
            "dns",
            json!({"podSelector": {}, "egress": [dns_rule(&["TCP"])]}),
        );
        let cov = coverage(&world(&[deployment("web"), deny.clone(), tcp_only]));
        assert_eq!(cov[0].dns.map(DnsReach::missing), Some(vec!["UDP"]));
        let both = policy(
            "dns",
            json!({"podSelector": {}, "egress": [dns_rule(&["UDP", "TCP"])]}),
        );
        let cov = coverage(&world(&[deployment("web"), deny, both]));
        assert_eq!(
            cov[0].dns,
            Some(DnsReach {
                udp: true,
                tcp: true
            })
        );
        assert!(!cov[0].dns_blocked());
    }

    #[test]
    fn dns_by_named_port_and_by_address_block() {
        let named = policy(
            "dns",
            json!({"podSelector": {}, "egress": [{"ports": [
            {"protocol": "UDP", "port": "dns"}, {"protocol": "TCP", "port": "dns-tcp"}]}]}),
        );
        let cov = coverage(&world(&[deployment("web"), named]));
        assert!(cov[0].dns.is_some_and(DnsReach::ok));
        // 0.0.0.0/0 holds the DNS pod whatever its address.
        let anywhere = policy(
            "dns",
            json!({"podSelector": {}, "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]}),
        );
        let cov = coverage(&world(&[deployment("web"), anywhere]));
        assert!(cov[0].dns.is_some_and(DnsReach::ok));
    }

    #[test]
    fn real_dns_pods_are_used_and_their_ingress_counts() {
        let mut coredns = deployment("coredns");
        coredns["metadata"]["namespace"] = json!("kube-system");
        coredns["spec"]["template"]["metadata"]["labels"] = json!({"k8s-app": "kube-dns"});
        let mut lock = policy("lock", json!({"podSelector": {}}));
        lock["metadata"]["namespace"] = json!("kube-system");
        let open = policy(
            "dns",
            json!({"podSelector": {}, "egress": [dns_rule(&["UDP", "TCP"])]}),
        );
        // DNS pods without ports: the numeric rule still applies; their ingress isolation (no
        // rules) drops everything.
        let cov = coverage(&world(&[deployment("web"), coredns, lock, open]));
        assert_eq!(cov[0].dns.map(DnsReach::missing), Some(vec!["UDP", "TCP"]));
        // The DNS pods themselves are not judged for DNS.
        assert!(cov[1].dns.is_none());
    }

    #[test]
    fn host_network_is_never_a_gap() {
        let mut agent = deployment("agent");
        agent["spec"]["template"]["spec"]["hostNetwork"] = json!(true);
        let cov = coverage(&world(&[agent]));
        assert!(cov[0].host_network && cov[0].covered());
    }
}
