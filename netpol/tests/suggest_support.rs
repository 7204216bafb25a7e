//! Helpers of the suggest tests: worlds from JSON objects, flow records, the suggested YAML
//! read back through the linter's YAML reader (as the CLI reads it), simulation and lint.

use palisade_netpol::simulate::simulate;
use palisade_netpol::suggest::{SuggestOptions, Suggestion, suggest_all};
use palisade_netpol::{Origin, Policy, World};
use palisade_probe::{Endpoint, FlowRecord, Proto};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub fn world(objects: &[Value]) -> World {
    World::build(
        objects.iter().map(|o| (o, Origin::new("t.yaml", 1))),
        "default",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

pub fn deployment(ns: &str, name: &str, labels: Value, selector: Value, ports: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"selector": {"matchLabels": selector}, "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "c", "image": "x", "ports": ports}]}}}})
}

pub fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// An in-cluster endpoint named by namespace, workload and labels.
pub fn pod_end(ns: &str, workload: &str, l: &[(&str, &str)]) -> Endpoint {
    Endpoint {
        namespace: Some(ns.into()),
        workload: Some(workload.into()),
        labels: labels(l),
        ..Endpoint::default()
    }
}

pub fn ip_end(ip: &str) -> Endpoint {
    Endpoint {
        ip: ip.parse().ok(),
        ..Endpoint::default()
    }
}

pub fn flow(src: Endpoint, mut dst: Endpoint, proto: Proto, port: u16) -> FlowRecord {
    dst.port = Some(port);
    FlowRecord {
        ts: "2026-11-04T00:00:00.000Z".into(),
        node: "n1".into(),
        proto,
        src,
        dst,
        count: 3,
        first_seen: "2026-11-01T00:00:00.000Z".into(),
        last_seen: "2026-11-04T00:00:00.000Z".into(),
    }
}

/// The suggested YAML, every namespace's file concatenated.
pub fn text(s: &Suggestion) -> String {
    s.files().into_values().collect()
}

/// Policies read back from `yaml` through the linter's YAML reader, as the CLI reads files.
pub fn reparse(yaml: &str) -> Vec<Policy> {
    let source = palisade_linter::SourceFile {
        name: "suggested.yaml".into(),
        text: yaml.into(),
    };
    let parsed = palisade_linter::parse_file(&source).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    parsed
        .objects
        .iter()
        .map(|obj| {
            let value = parsed
                .value(obj)
                .unwrap_or_else(|| panic!("no value\n{yaml}"));
            Policy::parse(value, Origin::new("suggested.yaml", 1), "default")
                .unwrap_or_else(|e| panic!("{e}\n{yaml}"))
        })
        .collect()
}

/// Suggests for `flows`, adds the policies read back to the world, and returns the YAML and
/// how many of `judged` the result blocks.
pub fn suggest_and_simulate(
    w: &World,
    flows: &[FlowRecord],
    judged: &[FlowRecord],
    opts: &SuggestOptions,
) -> (String, usize, Suggestion) {
    let (_, suggestion) = suggest_all(w, flows, opts);
    let yaml = text(&suggestion);
    let mut with = w.clone();
    with.policies.extend(reparse(&yaml));
    with.index();
    let sim = simulate(&with, judged);
    (yaml, sim.summary.blocked, suggestion)
}

/// Findings at or above medium (and input errors) that `palisade lint` reports on `yaml`.
pub fn lint_problems(yaml: &str) -> Vec<String> {
    static ENGINE: OnceLock<palisade_policies::Engine> = OnceLock::new();
    let engine = ENGINE
        .get_or_init(|| palisade_policies::Engine::builtin().unwrap_or_else(|e| panic!("{e}")));
    let linter = palisade_linter::Linter::new(engine.clone(), palisade_linter::Config::default());
    let run = linter.lint(
        vec![palisade_linter::SourceFile {
            name: "suggested.yaml".into(),
            text: yaml.into(),
        }],
        &std::sync::atomic::AtomicUsize::new(0),
    );
    let mut out: Vec<String> = run.errors.iter().map(ToString::to_string).collect();
    out.extend(
        run.report
            .findings
            .iter()
            .filter(|f| f.severity >= palisade_policies::Severity::Medium)
            .map(|f| format!("{} {}", f.rule, f.message)),
    );
    out
}
