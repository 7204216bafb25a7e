//! NetworkPolicy semantics on small hand-written worlds: each test is one rule of the
//! Kubernetes API reference, checked through `World::connectivity`.

use palisade_netpol::{Direction, Endpoint, Origin, World};
use palisade_probe::Proto;
use serde_json::{Value, json};

fn world(objects: &[Value]) -> World {
    World::build(
        objects.iter().map(|o| (o, Origin::new("t.yaml", 1))),
        "default",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn ns(name: &str, labels: Value) -> Value {
    json!({"kind": "Namespace", "metadata": {"name": name, "labels": labels}})
}

fn pod(ns: &str, name: &str, labels: Value) -> Value {
    json!({"kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"containers": [{"name": "c", "ports": [
            {"name": "http", "containerPort": 8080},
            {"name": "dns", "containerPort": 53, "protocol": "UDP"}]}]}})
}

fn policy(ns: &str, name: &str, spec: Value) -> Value {
    json!({"kind": "NetworkPolicy", "metadata": {"name": name, "namespace": ns}, "spec": spec})
}

/// Whether `src` may reach `dst` on `proto`/`port` (pods named `ns/name`).
fn allowed(w: &World, src: &str, dst: &str, proto: Proto, port: u16) -> bool {
    let end = |id: &str| {
        let (ns, name) = id.split_once('/').unwrap_or_else(|| panic!("{id}"));
        let i = w
            .find(ns, "Pod", name)
            .unwrap_or_else(|| panic!("no pod {id}"));
        Endpoint::pod(&w.pods[i])
    };
    w.connectivity(&end(src), &end(dst))
        .allowed
        .contains(proto, port)
}

fn base() -> Vec<Value> {
    vec![
        ns("a", json!({"team": "a"})),
        ns("b", json!({"team": "b"})),
        pod("a", "web", json!({"app": "web"})),
        pod("a", "db", json!({"app": "db"})),
        pod("b", "client", json!({"app": "client"})),
        pod("b", "web", json!({"app": "web"})),
    ]
}

#[test]
fn no_policy_allows_everything() {
    let w = world(&base());
    assert!(allowed(&w, "a/web", "a/db", Proto::Tcp, 5432));
    assert!(allowed(&w, "b/client", "a/db", Proto::Udp, 1));
}

#[test]
fn isolation_is_per_direction_and_both_ends_must_allow() {
    let mut objects = base();
    // db isolated for ingress, allowing web; web isolated for egress, allowing nothing.
    objects.push(policy(
        "a",
        "db-in",
        json!({"podSelector": {"matchLabels": {"app": "db"}},
        "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}]}),
    ));
    let w = world(&objects);
    assert!(allowed(&w, "a/web", "a/db", Proto::Tcp, 5432));
    assert!(
        !allowed(&w, "b/client", "a/db", Proto::Tcp, 5432),
        "podSelector alone: own namespace"
    );
    // db's egress is not isolated by an ingress-only policy.
    assert!(allowed(&w, "a/db", "b/client", Proto::Tcp, 80));
    objects.push(policy(
        "a",
        "web-out",
        json!({"podSelector": {"matchLabels": {"app": "web"}},
        "policyTypes": ["Egress"]}),
    ));
    let w = world(&objects);
    assert!(
        !allowed(&w, "a/web", "a/db", Proto::Tcp, 5432),
        "egress of the source denies"
    );
    let c = {
        let web = &w.pods[w.find("a", "Pod", "web").unwrap_or_default()];
        let db = &w.pods[w.find("a", "Pod", "db").unwrap_or_default()];
        w.connectivity(&Endpoint::pod(web), &Endpoint::pod(db))
    };
    assert_eq!(c.blocked_by(Proto::Tcp, 5432), vec![Direction::Egress]);
}

#[test]
fn empty_rule_list_denies_and_empty_rule_allows() {
    let mut deny = base();
    deny.push(policy("a", "p", json!({"podSelector": {}, "ingress": []})));
    let w = world(&deny);
    assert!(!allowed(&w, "a/web", "a/db", Proto::Tcp, 1));
    let mut allow = base();
    allow.push(policy(
        "a",
        "p",
        json!({"podSelector": {}, "ingress": [{}]}),
    ));
    let w = world(&allow);
    assert!(allowed(&w, "b/client", "a/db", Proto::Sctp, 9));
}

#[test]
fn selectors_in_one_peer_are_anded_and_peers_are_ored() {
    let mut and = base();
    and.push(policy(
        "a",
        "p",
        json!({"podSelector": {"matchLabels": {"app": "db"}},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "b"}},
                               "podSelector": {"matchLabels": {"app": "web"}}}]}]}),
    ));
    let w = world(&and);
    assert!(allowed(&w, "b/web", "a/db", Proto::Tcp, 1));
    assert!(!allowed(&w, "b/client", "a/db", Proto::Tcp, 1));
    assert!(!allowed(&w, "a/web", "a/db", Proto::Tcp, 1));
    let mut or = base();
    or.push(policy(
        "a",
        "p",
        json!({"podSelector": {"matchLabels": {"app": "db"}},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "b"}}},
                              {"podSelector": {"matchLabels": {"app": "web"}}}]}]}),
    ));
    let w = world(&or);
    assert!(allowed(&w, "b/client", "a/db", Proto::Tcp, 1));
    assert!(allowed(&w, "a/web", "a/db", Proto::Tcp, 1));
}

#[test]
fn namespace_selectors_see_the_name_label() {
    let mut objects = base();
    objects.push(policy("a", "p", json!({"podSelector": {},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "b"}}}]}]})));
    let w = world(&objects);
    assert!(allowed(&w, "b/client", "a/web", Proto::Tcp, 1));
    assert!(!allowed(&w, "a/db", "a/web", Proto::Tcp, 1));
}

#[test]
fn named_ports_resolve_on_the_destination() {
    let mut objects = base();
    objects.push(policy(
        "a",
        "p",
        json!({"podSelector": {},
        "ingress": [{"ports": [{"port": "http"}, {"port": "dns", "protocol": "UDP"}]}]}),
    ));
    let w = world(&objects);
    assert!(allowed(&w, "b/client", "a/web", Proto::Tcp, 8080));
    assert!(allowed(&w, "b/client", "a/web", Proto::Udp, 53));
    assert!(!allowed(&w, "b/client", "a/web", Proto::Tcp, 53));
    assert!(!allowed(&w, "b/client", "a/web", Proto::Tcp, 80));
}

#[test]
fn ip_blocks_match_external_addresses_with_exceptions() {
    let mut objects = base();
    objects.push(policy(
        "a",
        "p",
        json!({"podSelector": {}, "policyTypes": ["Egress"],
        "egress": [{"to": [{"ipBlock": {"cidr": "198.18.0.0/15", "except": ["198.19.0.0/16"]}}],
                    "ports": [{"port": 443}]}]}),
    ));
    let w = world(&objects);
    let web = &w.pods[w.find("a", "Pod", "web").unwrap_or_default()];
    let to = |ip: &str| {
        let ip = ip.parse().ok();
        w.connectivity(&Endpoint::pod(web), &Endpoint::External(ip))
            .allowed
            .contains(Proto::Tcp, 443)
    };
    assert!(to("198.18.3.4"));
    assert!(!to("198.19.3.4"));
    assert!(!to("203.0.113.1"));
    assert!(
        !allowed(&w, "a/web", "b/client", Proto::Tcp, 443),
        "pods without addresses do not match"
    );
}

#[test]
fn workloads_are_modelled_by_their_pod_templates() {
    let objects = vec![
        json!({"kind": "CronJob", "metadata": {"name": "backup", "namespace": "a"},
            "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "backup"}},
                "spec": {"containers": [{"name": "c"}]}}}}}}),
        policy(
            "a",
            "p",
            json!({"podSelector": {"matchLabels": {"app": "backup"}}, "egress": [{}]}),
        ),
    ];
    let w = world(&objects);
    let i = w
        .find("a", "CronJob", "backup")
        .unwrap_or_else(|| panic!("no workload"));
    assert_eq!(w.pods[i].workload(), "CronJob/backup");
    assert_eq!(w.selecting(&w.pods[i], Direction::Egress).len(), 1);
    assert_eq!(w.selecting(&w.pods[i], Direction::Ingress).len(), 1);
}
