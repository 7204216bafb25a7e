//! The promise: one manifest, one verdict, in CI and at admission. Each case — the shipped
//! examples and `tests/data/equivalence/` (a privileged DaemonSet, a hardened Deployment,
//! impersonation ClusterRoles narrowed and not, a binding to cluster-admin, a CronJob with
//! hostPID, a suppressed finding, an exempted namespace, NetworkPolicy rules, host mounts and
//! findings two rules share, aggregated ClusterRoles, a DaemonSet judged by its service account's
//! bindings) — is linted by the real `palisade lint`
//! and sent, object by object, through the API-server harness to the real webhook, both reading
//! `tests/data/equivalence/palisade.yaml`. The webhook's inventory holds the file's own objects,
//! as the linter's does. Lint exits 1 exactly when some object is denied, and for every object
//! the rules that deny and the rules that warn are the same in both doors.

use super::harness::process::{palisade, read};
use super::harness::{Attempt, Harness, Webhook, repo};
use palisade_linter::{SourceFile, parse_file};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const CASES: [(&str, bool); 13] = [
    ("examples/scope-probe-privileged.yaml", true),
    ("examples/scope-app-hardened.yaml", false),
    ("examples/gitops-impersonation.yaml", false),
    (
        "tests/data/equivalence/impersonation-unrestricted.yaml",
        true,
    ),
    ("tests/data/equivalence/cluster-admin-binding.yaml", true),
    ("tests/data/equivalence/cronjob-hostpid.yaml", true),
    ("tests/data/equivalence/suppressed.yaml", false),
    ("tests/data/equivalence/exempted-namespace.yaml", false),
    ("tests/data/equivalence/netpol.yaml", true),
    ("tests/data/equivalence/host-mounts.yaml", true),
    // Aggregated ClusterRoles: the webhook's union comes from its inventory's facts.
    ("tests/data/rbac/aggregated.yaml", true),
    ("tests/data/equivalence/workload-identity.yaml", true),
    // The same exempted DaemonSet without its exemption's namespace is denied.
    (
        "tests/data/equivalence/exempted-namespace.yaml#elsewhere",
        true,
    ),
];

/// Denying and warning rule ids of one object.
type Verdicts = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn key(kind: &str, namespace: &str, name: &str) -> String {
    format!("{kind}/{namespace}/{name}")
}

/// The file's objects (for the `#elsewhere` variant, moved out of the `monitoring` namespace).
fn objects(path: &str) -> (String, Vec<Value>) {
    let (file, elsewhere) = match path.split_once('#') {
        Some((f, _)) => (f, true),
        None => (path, false),
    };
    let mut text = read(&repo(file));
    if elsewhere {
        text = text.replace("namespace: monitoring", "namespace: observability");
    }
    let parsed = parse_file(&SourceFile {
        name: file.to_string(),
        text: text.clone(),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let values = parsed
        .objects
        .iter()
        .filter_map(|o| parsed.value(o).cloned())
        .collect();
    (text, values)
}

/// `palisade lint` on the text: its exit code and the verdicts per object.
fn lint(text: &str, config: &str) -> (i32, Verdicts) {
    let out = assert_cmd::Command::new(palisade())
        .args(["lint", "--format", "json", "--config", config, "-"])
        .write_stdin(text)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut verdicts = Verdicts::new();
    for f in report["findings"].as_array().into_iter().flatten() {
        let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
        let entry = verdicts
            .entry(key(&s("kind"), &s("namespace"), &s("name")))
            .or_default();
        match s("outcome").as_str() {
            "deny" => entry.0.insert(s("rule")),
            "warn" => entry.1.insert(s("rule")),
            _ => false,
        };
    }
    (out.status.code().unwrap_or(-1), verdicts)
}

#[test]
fn lint_and_admission_agree() {
    let config_path = repo("tests/data/equivalence/palisade.yaml");
    let config = read(&config_path);
    let mut failures = Vec::new();
    for (case, expect_denied) in CASES {
        let (text, objects) = objects(case);
        let (code, linted) = lint(&text, &config_path.display().to_string());
        let inventory = json!({"apiVersion": "v1", "kind": "List", "items": objects});
        let mut h = Harness::start(
            Webhook::builder()
                .config(&config)
                .inventory(&inventory.to_string()),
        );
        let mut admitted = Verdicts::new();
        let mut any_denied = false;
        for object in &objects {
            let meta = |k: &str| {
                object["metadata"][k]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            };
            if !meta("namespace").is_empty() {
                h.api
                    .add_namespace(&json!({"metadata": {"name": meta("namespace")}}));
            }
            let out = h.admit(Attempt::create(object.clone()));
            any_denied |= !out.allowed;
            let kind = object["kind"].as_str().unwrap_or_default();
            let verdict = (
                out.denied_rules().into_iter().collect(),
                out.warned_rules().into_iter().collect(),
            );
            if verdict != <(BTreeSet<String>, BTreeSet<String>)>::default() {
                admitted.insert(key(kind, &meta("namespace"), &meta("name")), verdict);
            }
        }
        println!("{case}: lint exit {code}, denied at admission: {any_denied}; {admitted:?}");
        if (code == 1) != any_denied || code > 1 {
            failures.push(format!("{case}: lint exit {code} but denied={any_denied}"));
        }
        if any_denied != expect_denied {
            failures.push(format!("{case}: expected denied={expect_denied}"));
        }
        if linted != admitted {
            failures.push(format!("{case}: lint {linted:?} ≠ admission {admitted:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
