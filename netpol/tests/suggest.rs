//! `netpol suggest`: one regression test per known bug of other generators (MicroShield,
//! hubble-audit2policy), named for it (the choices the synthesis makes are in
//! `suggest_choices.rs`). Every suggestion is read back through the linter's YAML reader and
//! simulated against the flows it came from.

use crate::suggest_support::*;
use palisade_netpol::evaluate::Endpoint as End;
use palisade_netpol::flows::read_flows;
use palisade_netpol::suggest::{SuggestOptions, suggest_all};
use palisade_probe::Proto;
use serde_json::{Value, json};

pub(crate) fn shop() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        deployment(
            "shop",
            "web",
            json!({"app": "web", "version": "v2"}),
            json!({"app": "web"}),
            json!([{"name": "http", "containerPort": 8080}]),
        ),
        deployment(
            "shop",
            "api",
            json!({"app": "api"}),
            json!({"app": "api"}),
            json!([{"name": "http", "containerPort": 8080}, {"name": "admin", "containerPort": 9090}]),
        ),
    ]
}

pub(crate) fn web() -> palisade_probe::Endpoint {
    pod_end(
        "shop",
        "Deployment/web",
        &[("app", "web"), ("version", "v2")],
    )
}

pub(crate) fn api() -> palisade_probe::Endpoint {
    pod_end("shop", "Deployment/api", &[("app", "api")])
}

pub(crate) fn coredns(l: &[(&str, &str)]) -> palisade_probe::Endpoint {
    pod_end("kube-system", "Deployment/coredns", l)
}

/// Whether the policies in `yaml` let `src` reach `dst` (workloads of `objects`) on a port.
pub(crate) fn reaches(
    objects: &[Value],
    yaml: &str,
    src: (&str, &str, &str),
    dst: (&str, &str, &str),
    proto: Proto,
    port: u16,
) -> bool {
    let mut w = world(objects);
    w.policies.extend(reparse(yaml));
    w.index();
    let find = |(ns, kind, name): (&str, &str, &str)| {
        w.find(ns, kind, name)
            .unwrap_or_else(|| panic!("{ns}/{kind}/{name}"))
    };
    let (s, d) = (find(src), find(dst));
    w.connectivity(&End::pod(&w.pods[s]), &End::pod(&w.pods[d]))
        .allowed
        .contains(proto, port)
}

#[test]
fn microshield_port_not_in_the_dedup_key() {
    let objects = shop();
    let flows = [
        flow(web(), api(), Proto::Tcp, 8080),
        flow(web(), api(), Proto::Tcp, 9090),
    ];
    let (yaml, blocked, _) =
        suggest_and_simulate(&world(&objects), &flows, &flows, &SuggestOptions::default());
    assert_eq!(blocked, 0, "{yaml}");
    let web = ("shop", "Deployment", "web");
    let api = ("shop", "Deployment", "api");
    assert!(
        reaches(&objects, &yaml, web, api, Proto::Tcp, 8080),
        "{yaml}"
    );
    assert!(
        reaches(&objects, &yaml, web, api, Proto::Tcp, 9090),
        "{yaml}"
    );
    assert!(
        !reaches(&objects, &yaml, web, api, Proto::Tcp, 7070),
        "{yaml}"
    );
    assert!(
        !reaches(&objects, &yaml, api, web, Proto::Tcp, 8080),
        "{yaml}"
    );
    assert!(
        lint_problems(&yaml).is_empty(),
        "{:?}",
        lint_problems(&yaml)
    );
}

#[test]
fn microshield_dns_allowed_on_udp_only() {
    let mut objects = shop();
    objects.push(deployment(
        "kube-system",
        "coredns",
        json!({"k8s-app": "kube-dns"}),
        json!({"k8s-app": "kube-dns"}),
        json!([{"containerPort": 53, "protocol": "UDP"}, {"containerPort": 53}]),
    ));
    // Only UDP lookups were observed; large answers fall back to TCP.
    let flows = [flow(
        web(),
        coredns(&[("k8s-app", "kube-dns")]),
        Proto::Udp,
        53,
    )];
    let (yaml, blocked, _) =
        suggest_and_simulate(&world(&objects), &flows, &flows, &SuggestOptions::default());
    assert_eq!(blocked, 0, "{yaml}");
    let (web, dns) = (
        ("shop", "Deployment", "web"),
        ("kube-system", "Deployment", "coredns"),
    );
    assert!(reaches(&objects, &yaml, web, dns, Proto::Udp, 53), "{yaml}");
    assert!(reaches(&objects, &yaml, web, dns, Proto::Tcp, 53), "{yaml}");
}

#[test]
fn microshield_service_without_selector_produces_an_empty_selector() {
    let mut objects = shop();
    objects.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "legacy", "namespace": "shop"},
        "spec": {"ports": [{"port": 5432}]}}));
    let to_legacy = |ip: Option<&str>| palisade_probe::Endpoint {
        ip: ip.and_then(|i| i.parse().ok()),
        service: Some("shop/legacy".into()),
        ..palisade_probe::Endpoint::default()
    };
    // With the address the Service's manual Endpoints sent the connection to: that address.
    let flows = [flow(web(), to_legacy(Some("192.0.2.40")), Proto::Tcp, 5432)];
    let (yaml, blocked, s) =
        suggest_and_simulate(&world(&objects), &flows, &flows, &SuggestOptions::default());
    assert_eq!(blocked, 0, "{yaml}");
    assert!(yaml.contains("cidr: \"192.0.2.40/32\""), "{yaml}");
    assert!(!yaml.contains("podSelector: {}"), "{yaml}");
    // Without an address nothing can be allowed, and the user is told why.
    let flows = [flow(web(), to_legacy(None), Proto::Tcp, 5432)];
    let (agg, s2) = suggest_all(&world(&objects), &flows, &SuggestOptions::default());
    let yaml = text(&s2);
    assert!(!yaml.contains("podSelector: {}"), "{yaml}");
    assert!(!yaml.contains("5432"), "{yaml}");
    assert!(
        agg.warnings
            .iter()
            .any(|w| w.contains("Service shop/legacy has no selector")),
        "{:?}",
        agg.warnings
    );
    drop(s);
}

#[test]
fn hubble_audit2policy_dns_dropped_because_coredns_carries_k8s_app_not_app() {
    let objects = shop();
    // kube-system is not in the manifests: the DNS pods are known by the labels they carry.
    let flows = [
        flow(
            web(),
            coredns(&[("k8s-app", "kube-dns"), ("pod-template-hash", "6d4b")]),
            Proto::Udp,
            53,
        ),
        flow(web(), api(), Proto::Tcp, 8080),
    ];
    let (yaml, blocked, _) =
        suggest_and_simulate(&world(&objects), &flows, &flows, &SuggestOptions::default());
    assert_eq!(blocked, 0, "{yaml}");
    assert!(yaml.contains("k8s-app: kube-dns"), "{yaml}");
    assert!(
        !yaml.contains("app: coredns") && !yaml.contains("pod-template-hash"),
        "{yaml}"
    );
    // A cluster whose DNS pods carry other labels: those labels, not a guess.
    let flows = [flow(
        web(),
        coredns(&[("k8s-app", "coredns-custom")]),
        Proto::Udp,
        53,
    )];
    let (yaml, blocked, _) =
        suggest_and_simulate(&world(&objects), &flows, &flows, &SuggestOptions::default());
    assert_eq!(blocked, 0, "{yaml}");
    assert!(
        yaml.contains("k8s-app: coredns-custom") && !yaml.contains("k8s-app: kube-dns"),
        "{yaml}"
    );
}

#[test]
fn hubble_audit2policy_reply_packets_turned_into_rules_on_ephemeral_ports() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("hubble.json");
    let end = |ns: &str, app: &str, pod: &str| {
        json!({"namespace": ns, "labels": [format!("k8s:app={app}")], "pod_name": pod,
        "workloads": [{"name": app, "kind": "Deployment"}]})
    };
    let event = |src: Value,
                 dst: Value,
                 sip: &str,
                 dip: &str,
                 sport: u16,
                 dport: u16,
                 reply: bool,
                 flags: Value| {
        json!({"flow": {
        "time": "2026-11-02T10:00:00.000Z", "verdict": "FORWARDED", "is_reply": reply,
        "IP": {"source": sip, "destination": dip}, "l4": {"TCP": {"source_port": sport, "destination_port": dport, "flags": flags}},
        "source": src, "destination": dst, "node_name": "n1", "Type": "L3_L4"}})
    };
    let web_end = end("shop", "web", "web-7d4b9c8f6d-x2x9k");
    let api_end = end("shop", "api", "api-5c7f9d8b4-q8w7e");
    let lines = [
        event(
            web_end.clone(),
            api_end.clone(),
            "10.0.1.10",
            "10.0.1.20",
            51514,
            8080,
            false,
            json!({"SYN": true}),
        ),
        event(
            api_end,
            web_end,
            "10.0.1.20",
            "10.0.1.10",
            8080,
            51514,
            true,
            json!({"SYN": true, "ACK": true}),
        ),
    ];
    let text_lines: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&path, text_lines.join("\n")).unwrap_or_else(|e| panic!("{e}"));
    let flows = read_flows(&[&path]).unwrap_or_else(|e| panic!("{e}"));
    let objects = shop();
    let (yaml, blocked, _) =
        suggest_and_simulate(&world(&objects), &flows, &flows, &SuggestOptions::default());
    assert_eq!(blocked, 0, "{yaml}");
    assert!(!yaml.contains("51514"), "{yaml}");
    let (web, api) = (("shop", "Deployment", "web"), ("shop", "Deployment", "api"));
    assert!(
        reaches(&objects, &yaml, web, api, Proto::Tcp, 8080),
        "{yaml}"
    );
    assert!(
        !reaches(&objects, &yaml, api, web, Proto::Tcp, 51514),
        "{yaml}"
    );
}
