//! `netpol suggest`: the choices the synthesis makes — selectors, external blocks, selection
//! expressions, the default-deny window, namespace scope. Every suggestion is read back through
//! the linter's YAML reader and simulated against the flows it came from.

use crate::suggest::{api, coredns, reaches, shop, web};
use crate::suggest_support::*;
use palisade_netpol::cidr::Cidr;
use palisade_netpol::suggest::aggregate::{aggregate, aggregate_files};
use palisade_netpol::suggest::select::{Expr, choose};
use palisade_netpol::suggest::{Scope, SuggestOptions, manifest_workloads, suggest, suggest_all};
use palisade_probe::Proto;
use serde_json::json;
use std::time::Duration;

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

#[test]
fn only_cluster_dns_is_open_to_every_workload() {
    let mut objects = shop();
    objects.push(deployment(
        "kube-system",
        "coredns",
        json!({"k8s-app": "kube-dns"}),
        json!({"k8s-app": "kube-dns"}),
        json!([{"name": "dns", "containerPort": 53, "protocol": "UDP"}]),
    ));
    objects.push(deployment(
        "infra",
        "unbound",
        json!({"app": "unbound"}),
        json!({"app": "unbound"}),
        json!([{"name": "dns", "containerPort": 53, "protocol": "UDP"}]),
    ));
    let unbound_end = pod_end("infra", "Deployment/unbound", &[("app", "unbound")]);
    let flows = [
        flow(web(), unbound_end, Proto::Udp, 53),
        flow(api(), coredns(&[("k8s-app", "kube-dns")]), Proto::Udp, 53),
        flow(web(), api(), Proto::Tcp, 8080),
    ];
    let (yaml, blocked, _) =
        suggest_and_simulate(&world(&objects), &flows, &flows, &SuggestOptions::default());
    assert_eq!(blocked, 0, "{yaml}");
    let (web, api) = (("shop", "Deployment", "web"), ("shop", "Deployment", "api"));
    let unbound = ("infra", "Deployment", "unbound");
    let coredns = ("kube-system", "Deployment", "coredns");
    for proto in [Proto::Udp, Proto::Tcp] {
        // The app's own resolver: its client only, on both protocols.
        assert!(reaches(&objects, &yaml, web, unbound, proto, 53), "{yaml}");
        assert!(!reaches(&objects, &yaml, api, unbound, proto, 53), "{yaml}");
        // Cluster DNS: every workload, the one whose lookups were never observed too; its own
        // policy admits lookups from every pod.
        assert!(reaches(&objects, &yaml, web, coredns, proto, 53), "{yaml}");
        assert!(reaches(&objects, &yaml, api, coredns, proto, 53), "{yaml}");
    }
}

#[test]
fn aggregation_streams_in_chunks_to_the_same_connections() {
    let objects = shop();
    let w = world(&objects);
    // More records than one chunk, a handful of connections, times out of order.
    let mut flows = Vec::new();
    for i in 0..40_000u32 {
        let (dst, port) = match i % 3 {
            0 => (api(), 8080),
            1 => (api(), 9090),
            _ => (ip_end("203.0.113.7"), 443),
        };
        let mut f = flow(web(), dst, Proto::Tcp, port);
        let day = 1 + (i * 7919) % 28;
        f.first_seen = format!("2026-11-{day:02}T00:00:00.000Z");
        f.last_seen = format!("2026-11-{day:02}T06:30:00.250Z");
        f.count = u64::from(i % 4);
        flows.push(f);
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("flows.jsonl");
    let lines: Vec<String> = flows
        .iter()
        .map(|f| serde_json::to_string(f).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap_or_else(|e| panic!("{e}"));
    let streamed = aggregate_files(&w, &[&path], &[]).unwrap_or_else(|e| panic!("{e}"));
    let mut reversed = flows.clone();
    reversed.reverse();
    let at_once = aggregate(&w, &reversed, &[]);
    let summary = |a: &palisade_netpol::suggest::aggregate::Aggregate| -> Vec<String> {
        a.connections
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} {} {}",
                    c.describe(),
                    c.records,
                    c.count,
                    c.first_seen(),
                    c.last_seen()
                )
            })
            .collect()
    };
    assert_eq!(summary(&streamed), summary(&at_once));
    let expected: u64 = (0..40_000u64).filter(|i| i % 3 == 0).map(|i| i % 4).sum();
    assert_eq!(
        summary(&streamed),
        [
            format!(
                "shop/Deployment/web → shop/Deployment/api TCP/8080 13334 {expected} 2026-11-01T00:00:00.000Z 2026-11-28T06:30:00.250Z"
            ),
            format!(
                "shop/Deployment/web → shop/Deployment/api TCP/9090 13333 {} 2026-11-01T00:00:00.000Z 2026-11-28T06:30:00.250Z",
                (0..40_000u64)
                    .filter(|i| i % 3 == 1)
                    .map(|i| i % 4)
                    .sum::<u64>()
            ),
            format!(
                "shop/Deployment/web → 203.0.113.7/32 TCP/443 13333 {} 2026-11-01T00:00:00.000Z 2026-11-28T06:30:00.250Z",
                (0..40_000u64)
                    .filter(|i| i % 3 == 2)
                    .map(|i| i % 4)
                    .sum::<u64>()
            ),
        ]
    );
}
