//! The fast judge (used by `simulate`) against the direct semantics (`World::connectivity`):
//! on random worlds — labels, namespaces, policies with every peer and port form — every flow
//! between pods, to and from outside addresses, and from pods known only by their labels gets
//! the same verdict from both.

use palisade_netpol::simulate::simulate;
use palisade_netpol::{Endpoint, Origin, World};
use palisade_probe::{Endpoint as FlowEnd, FlowRecord, Proto};
use proptest::prelude::*;
use serde_json::{Value, json};

const APPS: [&str; 3] = ["a", "b", "c"];

fn selector() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({})),
        (0..3usize).prop_map(|i| json!({"matchLabels": {"app": APPS[i]}})),
        (0..4usize, 0..3usize).prop_map(|(op, i)| {
            let ops = ["In", "NotIn", "Exists", "DoesNotExist"];
            match op {
                0 | 1 => json!({"matchExpressions": [{"key": "app", "operator": ops[op], "values": [APPS[i]]}]}),
                _ => json!({"matchExpressions": [{"key": "tier", "operator": ops[op]}]}),
            }
        }),
    ]
}

fn ns_selector() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({})),
        (0..2usize).prop_map(|i| json!({"matchLabels": {"env": (["prod", "dev"][i])}})),
    ]
}

fn peer() -> impl Strategy<Value = Value> {
    prop_oneof![
        selector().prop_map(|s| json!({"podSelector": s})),
        ns_selector().prop_map(|s| json!({"namespaceSelector": s})),
        (selector(), ns_selector())
            .prop_map(|(p, n)| json!({"podSelector": p, "namespaceSelector": n})),
        Just(json!({"ipBlock": {"cidr": "198.18.0.0/15", "except": ["198.18.1.0/24"]}})),
        Just(json!({"ipBlock": {"cidr": "0.0.0.0/0"}})),
    ]
}

fn ports() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!([])),
        Just(json!([{"port": 80}])),
        Just(json!([{"port": "web"}, {"port": 53, "protocol": "UDP"}])),
        Just(json!([{"port": 70, "endPort": 90, "protocol": "TCP"}])),
        Just(json!([{"protocol": "SCTP"}])),
    ]
}

fn rule(key: &'static str) -> impl Strategy<Value = Value> {
    (prop::collection::vec(peer(), 0..3), ports()).prop_map(move |(peers, ports)| {
        let mut r = json!({"ports": ports});
        if !peers.is_empty() {
            r[key] = Value::Array(peers);
        }
        r
    })
}

fn policy(i: usize) -> impl Strategy<Value = Value> {
    (0..2usize, selector(), prop::collection::vec(rule("from"), 0..3), prop::collection::vec(rule("to"), 0..3), 0..3usize)
        .prop_map(move |(ns, sel, ingress, egress, types)| {
            let mut spec = json!({"podSelector": sel, "ingress": ingress, "egress": egress});
            spec["policyTypes"] = match types {
                0 => json!(["Ingress"]),
                1 => json!(["Egress"]),
                _ => json!(["Ingress", "Egress"]),
            };
            json!({"kind": "NetworkPolicy", "metadata": {"name": format!("p{i}"), "namespace": (["x", "y"][ns])}, "spec": spec})
        })
}

fn world_objects() -> impl Strategy<Value = Vec<Value>> {
    (
        prop::collection::vec((0..2usize, 0..3usize, any::<bool>(), any::<bool>()), 1..6),
        (0..6usize).prop_flat_map(|n| (0..n).map(policy).collect::<Vec<_>>()),
    )
        .prop_map(|(pods, policies)| {
            let mut out = vec![
                json!({"kind": "Namespace", "metadata": {"name": "x", "labels": {"env": "prod"}}}),
                json!({"kind": "Namespace", "metadata": {"name": "y", "labels": {"env": "dev"}}}),
            ];
            for (i, (ns, app, tier, addressed)) in pods.into_iter().enumerate() {
                let mut labels = json!({"app": APPS[app]});
                if tier {
                    labels["tier"] = json!("t");
                }
                let mut pod = json!({"kind": "Pod",
                    "metadata": {"name": format!("pod{i}"), "namespace": (["x", "y"][ns]), "labels": labels},
                    "spec": {"containers": [{"name": "c", "ports": [{"name": "web", "containerPort": 80}]}]}});
                // Some pods have no known address (as workloads' pods never do).
                if addressed {
                    pod["status"] = json!({"podIP": format!("198.18.{}.{}", i % 2, 10 + i)});
                }
                out.push(pod);
            }
            out.extend(policies);
            out
        })
}

fn end(world: &World, i: usize) -> FlowEnd {
    let pod = &world.pods[i];
    FlowEnd {
        ip: pod.ips.first().copied(),
        pod: Some(pod.name.clone()),
        namespace: Some(pod.namespace.clone()),
        labels: pod.labels.clone(),
        ..FlowEnd::default()
    }
}

fn record(src: FlowEnd, mut dst: FlowEnd, proto: Proto, port: u16) -> FlowRecord {
    dst.port = Some(port);
    FlowRecord {
        ts: String::new(),
        node: String::new(),
        proto,
        src,
        dst,
        count: 1,
        first_seen: String::new(),
        last_seen: String::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn the_judge_agrees_with_connectivity(objects in world_objects()) {
        let world = World::build(objects.iter().map(|o| (o, Origin::default())), "default")
            .unwrap_or_else(|e| panic!("{e}"));
        let conns = [(Proto::Tcp, 80), (Proto::Tcp, 85), (Proto::Udp, 53), (Proto::Sctp, 9), (Proto::Tcp, 443)];
        let outside = ["198.18.0.99", "198.18.1.99", "203.0.113.9"];
        let mut flows = Vec::new();
        let mut expected = Vec::new();
        let n = world.pods.len();
        for s in 0..n {
            for (proto, port) in conns {
                for d in 0..n {
                    flows.push(record(end(&world, s), end(&world, d), proto, port));
                    let c = world.connectivity(&Endpoint::pod(&world.pods[s]), &Endpoint::pod(&world.pods[d]));
                    expected.push(c.allowed.contains(proto, port));
                }
                for ip in outside {
                    let ip = ip.parse().ok();
                    let ext = FlowEnd { ip, ..FlowEnd::default() };
                    flows.push(record(end(&world, s), ext.clone(), proto, port));
                    expected.push(world.connectivity(&Endpoint::pod(&world.pods[s]), &Endpoint::External(ip)).allowed.contains(proto, port));
                    flows.push(record(ext, end(&world, s), proto, port));
                    expected.push(world.connectivity(&Endpoint::External(ip), &Endpoint::pod(&world.pods[s])).allowed.contains(proto, port));
                }
                // A pod known only by its namespace and labels (not in the world).
                let mut stranger = end(&world, s);
                stranger.pod = Some("stranger".into());
                stranger.ip = None;
                let mut as_pod = world.pods[s].clone();
                as_pod.ips.clear();
                as_pod.ports.clear();
                for d in 0..n {
                    flows.push(record(stranger.clone(), end(&world, d), proto, port));
                    expected.push(world.connectivity(&Endpoint::pod(&as_pod), &Endpoint::pod(&world.pods[d])).allowed.contains(proto, port));
                }
            }
        }
        let sim = simulate(&world, &flows);
        for (k, (v, want)) in sim.verdicts.iter().zip(&expected).enumerate() {
            prop_assert_eq!(!v.blocked(), *want, "flow {}: {:?} → {:?}", k, flows[k].src, flows[k].dst);
        }
    }
}
