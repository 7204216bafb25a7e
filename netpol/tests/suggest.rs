//! `netpol suggest`: one regression test per known bug of other generators (MicroShield,
//! hubble-audit2policy), named for it, and the choices the synthesis makes (selectors,
//! external blocks, selection, the default-deny window). Every suggestion is read back through
//! the linter's YAML reader and simulated against the flows it came from.

use crate::suggest_support::*;
use palisade_netpol::cidr::Cidr;
use palisade_netpol::evaluate::Endpoint as End;
use palisade_netpol::flows::read_flows;
use palisade_netpol::suggest::select::{Expr, choose};
use palisade_netpol::suggest::{Scope, SuggestOptions, manifest_workloads, suggest, suggest_all};
use palisade_probe::Proto;
use serde_json::{Value, json};
use std::time::Duration;

fn shop() -> Vec<Value> {
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

fn web() -> palisade_probe::Endpoint {
    pod_end(
        "shop",
        "Deployment/web",
        &[("app", "web"), ("version", "v2")],
    )
}

fn api() -> palisade_probe::Endpoint {
    pod_end("shop", "Deployment/api", &[("app", "api")])
}

fn coredns(l: &[(&str, &str)]) -> palisade_probe::Endpoint {
    pod_end("kube-system", "Deployment/coredns", l)
}

/// Whether the policies in `yaml` let `src` reach `dst` (workloads of `objects`) on a port.
fn reaches(
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

#[test]
fn peers_are_selected_by_the_workload_selector_never_by_controller_labels() {
    let objects = shop();
    let job = pod_end(
        "batch",
        "CronJob/report",
        &[
            ("app", "report"),
            ("job-name", "report-29000000"),
            ("batch.kubernetes.io/job-name", "report-29000000"),
            ("controller-uid", "1b2c"),
        ],
    );
    let flows = [
        flow(web(), api(), Proto::Tcp, 8080),
        flow(job, api(), Proto::Tcp, 9090),
    ];
    let (yaml, blocked, _) =
        suggest_and_simulate(&world(&objects), &flows, &flows, &SuggestOptions::default());
    assert_eq!(blocked, 0, "{yaml}");
    // web's template has `version: v2`, its selector only `app: web`.
    assert!(!yaml.contains("version"), "{yaml}");
    for controller in ["job-name", "controller-uid", "batch.kubernetes.io"] {
        assert!(!yaml.contains(controller), "{controller}\n{yaml}");
    }
    // The cross-namespace peer: its namespace by name AND its pods.
    assert!(
        yaml.contains("kubernetes.io/metadata.name: batch"),
        "{yaml}"
    );
}

#[test]
fn external_peers_are_single_addresses_or_the_given_blocks() {
    let objects = shop();
    let flows = [
        flow(web(), ip_end("203.0.113.7"), Proto::Tcp, 443),
        flow(web(), ip_end("203.0.113.9"), Proto::Tcp, 443),
        flow(web(), ip_end("2001:db8::5"), Proto::Tcp, 443),
        flow(ip_end("198.51.100.4"), web(), Proto::Tcp, 8080),
    ];
    let w = world(&objects);
    let (yaml, blocked, _) = suggest_and_simulate(&w, &flows, &flows, &SuggestOptions::default());
    assert_eq!(blocked, 0, "{yaml}");
    for cidr in [
        "203.0.113.7/32",
        "203.0.113.9/32",
        "2001:db8::5/128",
        "198.51.100.4/32",
    ] {
        assert!(yaml.contains(cidr), "{cidr}\n{yaml}");
    }
    let opts = SuggestOptions {
        external_cidrs: Cidr::parse("203.0.113.0/24").into_iter().collect(),
        ..SuggestOptions::default()
    };
    let (yaml, blocked, _) = suggest_and_simulate(&w, &flows, &flows, &opts);
    assert_eq!(blocked, 0, "{yaml}");
    assert!(
        yaml.contains("203.0.113.0/24") && !yaml.contains("203.0.113.7"),
        "{yaml}"
    );
}

#[test]
fn selection_expressions_choose_connections() {
    let objects = shop();
    let flows = [
        flow(web(), api(), Proto::Tcp, 8080),
        flow(web(), coredns(&[("k8s-app", "kube-dns")]), Proto::Udp, 53),
        flow(web(), ip_end("203.0.113.7"), Proto::Tcp, 443),
    ];
    let w = world(&objects);
    let (agg, _) = suggest_all(&w, &flows, &SuggestOptions::default());
    let parse = |s: &str| s.parse::<Expr>().unwrap_or_else(|e| panic!("{e}"));
    let count = |sel: &[&str], exc: &[&str]| {
        let sel: Vec<Expr> = sel.iter().map(|s| parse(s)).collect();
        let exc: Vec<Expr> = exc.iter().map(|s| parse(s)).collect();
        choose(&agg.connections, &sel, &exc)
            .iter()
            .filter(|b| **b)
            .count()
    };
    assert_eq!(count(&[], &[]), 3);
    assert_eq!(count(&["dst-ns=kube-system"], &[]), 1);
    assert_eq!(count(&["src=shop/Deployment/web,port=8080"], &[]), 1);
    assert_eq!(count(&["src=web,proto=tcp"], &[]), 2);
    assert_eq!(count(&["dst=203.0.113.7"], &[]), 1);
    assert_eq!(count(&["port=1-1000"], &["proto=UDP"]), 1);
    assert_eq!(count(&["dst=shop/*", "port=53"], &[]), 2);
    for bad in ["", "port=x", "who=web", "proto=icmp", "src"] {
        assert!(bad.parse::<Expr>().is_err(), "{bad}");
    }
    // Cancelled connections are not allowed by the result.
    let chosen = choose(&agg.connections, &[], &[parse("dst=api")]);
    let s = suggest(
        &manifest_workloads(&w),
        &agg.connections,
        &chosen,
        &SuggestOptions::default(),
    );
    let yaml = text(&s);
    assert!(!yaml.contains("8080"), "{yaml}");
}

#[test]
fn default_deny_waits_for_the_observation_window_unless_forced() {
    let mut objects = shop();
    // A weekly job, never seen.
    objects.push(json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "weekly", "namespace": "shop"},
        "spec": {"schedule": "0 3 * * 0", "jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "weekly"}},
        "spec": {"containers": [{"name": "c", "image": "x"}]}}}}}}));
    let flows = [flow(web(), api(), Proto::Tcp, 8080)];
    let w = world(&objects);
    let opts = SuggestOptions {
        default_deny: true,
        ..SuggestOptions::default()
    };
    let (_, s) = suggest_all(&w, &flows, &opts);
    assert!(!text(&s).contains("palisade-default-deny"), "{}", text(&s));
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("no default-deny") && n.contains("CronJob/weekly")),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("CronJob/weekly: no flow observed")),
        "{:?}",
        s.notes
    );
    let forced = SuggestOptions {
        force: true,
        ..opts.clone()
    };
    let (yaml, blocked, _) = suggest_and_simulate(&w, &flows, &flows, &forced);
    assert_eq!(blocked, 0, "{yaml}");
    assert!(yaml.contains("name: palisade-default-deny"), "{yaml}");
    // A short window is reported even without --default-deny.
    let long = SuggestOptions {
        min_window: Duration::from_secs(30 * 86_400),
        ..SuggestOptions::default()
    };
    let (_, s) = suggest_all(&w, &flows, &long);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("shop/Deployment/web: observed for 3d only")),
        "{:?}",
        s.notes
    );
}

#[test]
fn namespace_scope_makes_one_policy_for_all_pods() {
    let objects = shop();
    let flows = [
        flow(web(), api(), Proto::Tcp, 8080),
        flow(api(), ip_end("203.0.113.7"), Proto::Tcp, 443),
    ];
    let opts = SuggestOptions {
        scope: Scope::Namespace,
        ..SuggestOptions::default()
    };
    let (yaml, blocked, s) = suggest_and_simulate(&world(&objects), &flows, &flows, &opts);
    assert_eq!(blocked, 0, "{yaml}");
    assert_eq!(s.policies.len(), 1, "{yaml}");
    assert!(
        yaml.contains("podSelector: {}") && yaml.contains("name: palisade-shop"),
        "{yaml}"
    );
    assert!(
        lint_problems(&yaml).is_empty(),
        "{:?}",
        lint_problems(&yaml)
    );
}
