//! Property: for any observed flows, the suggested policies, read back through the linter's
//! YAML reader and added to the world, block none of those flows — whatever the scope, DNS
//! setting, external blocks and default-deny — and lint clean.

use crate::suggest_support::*;
use palisade_netpol::cidr::Cidr;
use palisade_netpol::suggest::{Scope, SuggestOptions};
use palisade_probe::{Endpoint, FlowRecord, Proto};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::time::Duration;

const NAMESPACES: [&str; 3] = ["alpha", "beta", "gamma"];
const KINDS: [&str; 3] = ["Deployment", "StatefulSet", "DaemonSet"];

/// A workload: namespace, kind, name, extra template label, in the manifests or not.
#[derive(Debug, Clone)]
struct Workload {
    ns: &'static str,
    kind: &'static str,
    name: String,
    tier: Option<&'static str>,
    in_manifests: bool,
}

impl Workload {
    fn labels(&self) -> Vec<(String, String)> {
        let mut l = vec![("app".to_owned(), format!("{}-{}", self.name, self.ns))];
        if let Some(t) = self.tier {
            l.push(("tier".into(), t.into()));
        }
        l
    }

    fn end(&self) -> Endpoint {
        let mut labels: Vec<(String, String)> = self.labels();
        // Controller-stamped labels a flow record may still carry.
        labels.push(("controller-revision-hash".into(), "abc".into()));
        Endpoint {
            namespace: Some(self.ns.into()),
            workload: Some(format!("{}/{}", self.kind, self.name)),
            labels: labels.into_iter().collect(),
            ..Endpoint::default()
        }
    }

    fn manifest(&self) -> Value {
        let labels: serde_json::Map<String, Value> = self
            .labels()
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        json!({"apiVersion": "apps/v1", "kind": self.kind,
            "metadata": {"name": self.name, "namespace": self.ns},
            "spec": {"selector": {"matchLabels": {"app": format!("{}-{}", self.name, self.ns)}},
                "template": {"metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": 8080}]}]}}}})
    }
}

fn workload() -> impl Strategy<Value = Workload> {
    (
        0..3usize,
        0..3usize,
        0..4u8,
        prop::option::of(prop::sample::select(vec!["a", "b"])),
        any::<bool>(),
    )
        .prop_map(|(ns, kind, n, tier, in_manifests)| Workload {
            ns: NAMESPACES[ns],
            kind: KINDS[kind],
            name: format!("w{n}"),
            tier,
            in_manifests,
        })
}

/// An endpoint: one of the workloads, cluster DNS, or an external address.
#[derive(Debug, Clone)]
enum End {
    Workload(usize),
    Dns,
    External(String),
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![
        4 => any::<prop::sample::Index>().prop_map(|i| End::Workload(i.index(64))),
        1 => Just(End::Dns),
        1 => (0..16u8).prop_map(|b| End::External(format!("203.0.113.{b}"))),
        1 => (0..4u8).prop_map(|b| End::External(format!("2001:db8::{b}"))),
    ]
}

fn proto() -> impl Strategy<Value = Proto> {
    prop::sample::select(vec![Proto::Tcp, Proto::Udp, Proto::Sctp])
}

fn port() -> impl Strategy<Value = u16> {
    prop_oneof![
        prop::sample::select(vec![53u16, 80, 443, 5432, 8080, 9090]),
        1..=65535u16
    ]
}

type FlowSpec = (End, End, Proto, u16, u8, u8);

fn flows_of(workloads: &[Workload], specs: &[FlowSpec]) -> Vec<FlowRecord> {
    let resolve = |e: &End| match e {
        End::Workload(i) => workloads[i % workloads.len()].end(),
        End::Dns => Endpoint {
            namespace: Some("kube-system".into()),
            workload: Some("Deployment/coredns".into()),
            labels: labels(&[("k8s-app", "kube-dns"), ("pod-template-hash", "6d4b")]),
            ..Endpoint::default()
        },
        End::External(ip) => ip_end(ip),
    };
    specs
        .iter()
        .map(|(s, d, proto, port, first, span)| {
            let mut f = flow(resolve(s), resolve(d), *proto, *port);
            f.first_seen = format!("2026-11-{:02}T00:00:00.000Z", 1 + first % 5);
            f.last_seen = format!("2026-11-{:02}T12:00:00.000Z", 1 + (first % 5) + span % 4);
            f
        })
        .collect()
}

fn options() -> impl Strategy<Value = SuggestOptions> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(namespace, allow_dns, summarise, default_deny, force)| SuggestOptions {
                scope: if namespace {
                    Scope::Namespace
                } else {
                    Scope::Workload
                },
                allow_dns,
                external_cidrs: if summarise {
                    Cidr::parse("203.0.113.0/29").into_iter().collect()
                } else {
                    Vec::new()
                },
                default_deny,
                force: default_deny && force,
                min_window: Duration::from_secs(24 * 3600),
                ..SuggestOptions::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn suggested_policies_block_no_observed_flow(
        workloads in prop::collection::vec(workload(), 1..6),
        specs in prop::collection::vec((end(), end(), proto(), port(), any::<u8>(), any::<u8>()), 1..12),
        opts in options(),
    ) {
        let mut workloads = workloads;
        // One workload per namespace and name.
        workloads.sort_by(|a, b| (a.ns, &a.name).cmp(&(b.ns, &b.name)));
        workloads.dedup_by(|a, b| a.ns == b.ns && a.name == b.name);
        let objects: Vec<Value> = workloads.iter().filter(|w| w.in_manifests).map(Workload::manifest).collect();
        let w = world(&objects);
        let flows = flows_of(&workloads, &specs);
        let (yaml, blocked, _) = suggest_and_simulate(&w, &flows, &flows, &opts);
        prop_assert_eq!(blocked, 0, "{}", yaml);
        for needle in ["controller-revision-hash", "pod-template-hash"] {
            prop_assert!(!yaml.contains(needle), "{}", yaml);
        }
    }
}

#[test]
fn suggested_policies_lint_clean() {
    let workloads = [
        Workload {
            ns: "alpha",
            kind: "Deployment",
            name: "w0".into(),
            tier: Some("a"),
            in_manifests: true,
        },
        Workload {
            ns: "beta",
            kind: "StatefulSet",
            name: "w1".into(),
            tier: None,
            in_manifests: true,
        },
        Workload {
            ns: "gamma",
            kind: "DaemonSet",
            name: "w2".into(),
            tier: None,
            in_manifests: false,
        },
    ];
    let specs: Vec<FlowSpec> = vec![
        (End::Workload(0), End::Workload(1), Proto::Tcp, 5432, 0, 3),
        (End::Workload(2), End::Workload(0), Proto::Udp, 9000, 0, 3),
        (End::Workload(0), End::Dns, Proto::Udp, 53, 0, 3),
        (
            End::External("203.0.113.4".into()),
            End::Workload(0),
            Proto::Tcp,
            8080,
            0,
            3,
        ),
        (
            End::Workload(1),
            End::External("2001:db8::1".into()),
            Proto::Sctp,
            3868,
            0,
            3,
        ),
    ];
    let objects: Vec<Value> = workloads
        .iter()
        .filter(|w| w.in_manifests)
        .map(Workload::manifest)
        .collect();
    let flows = flows_of(&workloads, &specs);
    for scope in [Scope::Workload, Scope::Namespace] {
        let opts = SuggestOptions {
            scope,
            default_deny: true,
            force: true,
            ..SuggestOptions::default()
        };
        let (yaml, blocked, _) = suggest_and_simulate(&world(&objects), &flows, &flows, &opts);
        assert_eq!(blocked, 0, "{yaml}");
        assert_eq!(lint_problems(&yaml), Vec::<String>::new(), "{yaml}");
    }
}
