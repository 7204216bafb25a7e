//! `palisade lint` and `palisade rules` on sensitive host mounts and on findings two rules share:
//! POD-SENSITIVE-HOST-MOUNT at the exact line and column of the host path, on every pod template
//! kind, not hidden by a PSS suppression; a hostPath volume and an added capability reported once.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const RULE: &str = "POD-SENSITIVE-HOST-MOUNT";

/// The host paths of examples/scope-probe-privileged.yaml (`mountPath` has a capital P).
const SOCKET: &str = "path: /var/run/docker.sock";
const DEBUGFS: &str = "path: /sys/kernel/debug";

fn repo(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .display()
        .to_string()
}

fn palisade() -> Command {
    Command::cargo_bin("palisade").unwrap_or_else(|e| panic!("{e}"))
}

/// `palisade lint --format json ARGS` (stdin when given): exit code and report.
fn lint(args: &[&str], stdin: Option<&str>) -> (i32, Value) {
    let mut cmd = palisade();
    cmd.args(["lint", "--format", "json"]).args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), json)
}

fn findings<'j>(json: &'j Value, rule: &str) -> Vec<&'j Value> {
    let all = json["findings"].as_array().into_iter().flatten();
    all.filter(|f| f["rule"] == rule).collect()
}

/// 1-based (line, column) of `part` of `context`, which `text` holds once. A finding is located
/// at its field's key.
fn position(text: &str, context: &str, value: &str) -> (u64, u64) {
    assert_eq!(text.matches(context).count(), 1, "{context}");
    let (line, l) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(context))
        .unwrap_or_else(|| panic!("{context}"));
    let column = l.find(context).unwrap_or_default() + context.find(value).unwrap_or_default();
    (line as u64 + 1, column as u64 + 1)
}

fn at(f: &Value) -> (u64, u64) {
    (
        f["line"].as_u64().unwrap_or(0),
        f["column"].as_u64().unwrap_or(0),
    )
}

#[test]
fn the_runtime_socket_and_debugfs_of_the_example_are_reported_at_their_paths() {
    let file = repo("examples/scope-probe-privileged.yaml");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
    let (code, json) = lint(&[&file], None);
    assert_eq!(code, 1, "{json}");
    let mounts = findings(&json, RULE);
    let got: Vec<((u64, u64), &str)> = mounts
        .iter()
        .map(|f| (at(f), f["severity"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        got,
        [
            (position(&text, SOCKET, "path"), "critical"),
            (position(&text, DEBUGFS, "path"), "critical"),
        ],
        "{json}"
    );
    let socket = mounts[0]["message"].as_str().unwrap_or_default();
    assert!(
        socket.contains("Docker container runtime socket") && socket.contains("writable"),
        "{socket}"
    );
    // The human report puts it at file:line:column.
    let out = palisade()
        .args(["lint", "--color", "never", &file])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let human = String::from_utf8_lossy(&out.stdout);
    let (line, column) = position(&text, SOCKET, "path");
    let row = format!("{line}:{column}");
    assert!(
        human
            .lines()
            .any(|l| l.trim_start().starts_with(&row) && l.contains(RULE)),
        "{human}"
    );
}

#[test]
fn a_hostpath_volume_is_reported_once_naming_the_other_rule() {
    let file = repo("examples/scope-probe-privileged.yaml");
    let (_, json) = lint(&[&file], None);
    let host = findings(&json, "PSS-HOST-PATH-VOLUMES");
    assert_eq!(host.len(), 2, "{json}");
    for f in &host {
        let message = f["message"].as_str().unwrap_or_default();
        assert!(
            message.ends_with("also fails PSS-VOLUME-TYPES (restricted volume types)"),
            "{message}"
        );
    }
    assert!(findings(&json, "PSS-VOLUME-TYPES").is_empty(), "{json}");
    // At baseline the restricted rule is not checked, and nothing is said of it.
    let (_, json) = lint(&["--pss-level", "baseline", &file], None);
    let host = findings(&json, "PSS-HOST-PATH-VOLUMES");
    assert_eq!(host.len(), 2, "{json}");
    assert!(host.iter().all(|f| {
        let message = f["message"].as_str().unwrap_or_default();
        !message.contains("also fails")
    }));
    assert_eq!(findings(&json, RULE).len(), 2, "not a PSS rule: {json}");
}

/// The rules that report each object of the equivalence case `host-mounts.yaml`.
#[test]
fn suppressing_pss_rules_hides_the_pair_but_not_the_sensitive_mount() {
    let file = repo("tests/data/equivalence/host-mounts.yaml");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
    let (code, json) = lint(&[&file], None);
    assert_eq!(code, 1, "{json}");
    let rules_of = |name: &str| -> BTreeSet<&str> {
        let all = json["findings"].as_array().into_iter().flatten();
        all.filter(|f| f["name"] == name)
            .filter_map(|f| f["rule"].as_str())
            .filter(|r| !r.starts_with("NETPOL-MISSING-"))
            .collect()
    };
    assert_eq!(rules_of("log-agent"), BTreeSet::from([RULE]), "{json}");
    assert_eq!(rules_of("ca-reader"), BTreeSet::new(), "{json}");
    assert_eq!(
        rules_of("packet-tool"),
        BTreeSet::from(["PSS-CAPABILITIES-BASELINE"]),
        "{json}"
    );
    let socket = findings(&json, RULE);
    assert_eq!(socket.len(), 1, "{json}");
    let context = "path: /var/run//docker.sock";
    assert_eq!(at(socket[0]), position(&text, context, "path"));
    let message = socket[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("read-only") && message.contains("(read as /run/docker.sock)"),
        "{message}"
    );
    let caps = findings(&json, "PSS-CAPABILITIES-BASELINE");
    let message = caps[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("also fails PSS-CAPABILITIES-RESTRICTED (unrestricted capabilities)"),
        "{message}"
    );
}

#[test]
fn every_pod_template_kind_is_judged() {
    let template = "    metadata: {labels: {app: a}}\n    spec:\n      containers: [{name: a, image: x}]\n      volumes:\n      - name: kubelet\n        hostPath: {path: /var/lib/kubelet/}\n";
    let indent = |t: &str, n: usize| -> String {
        t.lines()
            .map(|l| format!("{}{l}\n", " ".repeat(n)))
            .collect()
    };
    let mut docs = vec![
        "apiVersion: v1\nkind: Pod\nmetadata: {name: pod}\nspec:\n  containers: [{name: a, image: x}]\n  volumes:\n  - name: kubelet\n    hostPath: {path: /var/lib/kubelet/}\n".to_string(),
    ];
    for (api, kind) in [
        ("apps/v1", "Deployment"),
        ("apps/v1", "ReplicaSet"),
        ("apps/v1", "StatefulSet"),
        ("apps/v1", "DaemonSet"),
        ("batch/v1", "Job"),
        ("v1", "ReplicationController"),
    ] {
        docs.push(format!(
            "apiVersion: {api}\nkind: {kind}\nmetadata: {{name: {}}}\nspec:\n  template:\n{template}",
            kind.to_lowercase()
        ));
    }
    docs.push(format!(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: cronjob}}\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n{}",
        indent(template, 4)
    ));
    let text = docs.join("---\n");
    let (code, json) = lint(&["--pss-level", "baseline", "-"], Some(&text));
    assert_eq!(code, 1, "{json}");
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("path: /var/lib/kubelet/"))
        .map(|(i, _)| i + 1)
        .collect();
    let mut got: Vec<(String, u64)> = findings(&json, RULE)
        .iter()
        .map(|f| {
            let kind = f["kind"].as_str().unwrap_or_default().to_string();
            (kind, f["line"].as_u64().unwrap_or(0))
        })
        .collect();
    got.sort_by_key(|(_, line)| *line);
    let kinds: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "Pod",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "DaemonSet",
            "Job",
            "ReplicationController",
            "CronJob"
        ],
        "{json}"
    );
    let got_lines: Vec<usize> = got.iter().map(|(_, l)| *l as usize).collect();
    assert_eq!(got_lines, lines);
    // No container mounts the volume, so it is graded as read-only kubelet state.
    assert!(
        findings(&json, RULE)
            .iter()
            .all(|f| f["severity"] == "high")
    );
}

#[test]
fn the_catalogue_lists_the_rule() {
    let out = palisade()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let all = json["rules"].as_array().into_iter().flatten();
    let rule: Vec<&Value> = all.filter(|r| r["id"] == RULE).collect();
    assert_eq!(rule.len(), 1, "{json}");
    assert_eq!(rule[0]["severity"], "critical");
    assert!(rule[0].get("pss_level").is_none(), "not a PSS rule");
    let kinds: Vec<&str> = rule[0]["kinds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        kinds,
        [
            "Pod",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "DaemonSet",
            "Job",
            "CronJob",
            "ReplicationController"
        ]
    );
    let table = palisade()
        .arg("rules")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with(RULE) && l.contains("critical")),
        "{table}"
    );
}
