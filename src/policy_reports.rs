//! `palisade audit --write-reports`: an audit's findings as wg-policy reports
//! (`wgpolicyk8s.io/v1alpha2`, the format Kyverno, Trivy and Policy Reporter share): one
//! `PolicyReport` named `palisade-audit` per namespace that holds judged objects, one
//! `ClusterPolicyReport` for cluster-scoped objects.
//!
//! Sized for etcd, whose objects stop at 1.5 MiB and whose every byte every watcher receives:
//! - only findings become results (`fail` when the finding fails the run, `warn` otherwise);
//!   clean objects are counted in `summary.pass`, never listed one by one;
//! - at most `max_results` results per report, most severe first; past that, the last result
//!   (`rule: results-truncated`, `result: skip`) says how many were left out, per rule, and
//!   `summary` still counts them all;
//! - messages are cut at [`MAX_MESSAGE`] bytes.

use palisade_linter::{LintFinding, LintedObject, Report};
use palisade_policies::{Enforcement, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// The name of every report Palisade writes.
pub const REPORT_NAME: &str = "palisade-audit";
/// Longest message kept in a result, in bytes.
pub const MAX_MESSAGE: usize = 1024;

/// The reports of `report` (every namespace with judged objects, and the cluster scope when it
/// has any); `api_version` gives a kind's apiVersion for the resource references.
pub fn build(
    report: &Report,
    max_results: usize,
    api_version: &dyn Fn(&str) -> String,
    now: SystemTime,
) -> Vec<Value> {
    let mut scopes: BTreeMap<&str, (Vec<&LintFinding>, usize)> = BTreeMap::new();
    let with_findings: std::collections::HashSet<(&str, &str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.kind.as_str(), f.namespace.as_str(), f.name.as_str()))
        .collect();
    for o in report.objects.iter().filter(|o| o.judged) {
        let clean = !with_findings.contains(&key(o));
        scopes.entry(&o.namespace).or_default().1 += usize::from(clean);
    }
    for f in &report.findings {
        scopes.entry(&f.namespace).or_default().0.push(f);
    }
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    scopes
        .into_iter()
        .map(|(ns, (findings, clean))| one(ns, findings, clean, max_results, api_version, seconds))
        .collect()
}

fn key(o: &LintedObject) -> (&str, &str, &str) {
    (o.kind.as_str(), o.namespace.as_str(), o.name.as_str())
}

/// An empty report of `kind` in `namespace`: what an earlier report becomes when its scope has
/// no judged objects left (kept up to date, not deleted).
pub fn emptied(kind: &str, namespace: &str) -> Value {
    report_object(kind, namespace, Vec::new(), summary(0, 0, 0))
}

fn one(
    namespace: &str,
    mut sorted: Vec<&LintFinding>,
    clean: usize,
    max_results: usize,
    api_version: &dyn Fn(&str) -> String,
    seconds: u64,
) -> Value {
    // Most severe first (critical is the greatest severity), then by object and rule.
    sorted.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| (&a.kind, &a.name, &a.rule).cmp(&(&b.kind, &b.name, &b.rule)))
    });
    let fails = sorted.iter().filter(|f| failing(f)).count();
    let warns = sorted.len() - fails;
    let keep = if sorted.len() > max_results {
        max_results.saturating_sub(1)
    } else {
        sorted.len()
    };
    let mut results: Vec<Value> = sorted[..keep]
        .iter()
        .map(|f| result(f, api_version, seconds))
        .collect();
    if keep < sorted.len() {
        let mut left: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &sorted[keep..] {
            *left.entry(&f.rule).or_default() += 1;
        }
        let per_rule: Vec<String> = left.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
        results.push(json!({
            "policy": "palisade",
            "rule": "results-truncated",
            "result": "skip",
            "scored": false,
            "source": "palisade",
            "timestamp": {"seconds": seconds, "nanos": 0},
            "message": cut(&format!(
                "{} more results not listed (at most {max_results} per report, \
                 --max-report-results): {}; `palisade audit` lists them all",
                sorted.len() - keep,
                per_rule.join(", ")
            )),
        }));
    }
    let kind = if namespace.is_empty() {
        "ClusterPolicyReport"
    } else {
        "PolicyReport"
    };
    report_object(kind, namespace, results, summary(clean, fails, warns))
}

fn failing(f: &LintFinding) -> bool {
    f.outcome == Enforcement::Deny
}

fn summary(pass: usize, fail: usize, warn: usize) -> Value {
    json!({"pass": pass, "fail": fail, "warn": warn, "error": 0, "skip": 0})
}

fn report_object(kind: &str, namespace: &str, results: Vec<Value>, summary: Value) -> Value {
    let mut metadata = json!({
        "name": REPORT_NAME,
        "labels": {"app.kubernetes.io/managed-by": "palisade"},
    });
    if !namespace.is_empty() {
        metadata["namespace"] = json!(namespace);
    }
    json!({
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": kind,
        "metadata": metadata,
        "summary": summary,
        "results": results,
    })
}

fn result(f: &LintFinding, api_version: &dyn Fn(&str) -> String, seconds: u64) -> Value {
    let mut resource = json!({"apiVersion": api_version(&f.kind), "kind": f.kind, "name": f.name});
    if !f.namespace.is_empty() {
        resource["namespace"] = json!(f.namespace);
    }
    let mut properties = json!({"line": f.line.to_string()});
    if let Some(path) = &f.path {
        properties["path"] = json!(path);
    }
    json!({
        "policy": f.rule,
        "rule": f.rule,
        "category": category(&f.rule),
        "severity": severity(f.severity),
        "result": if failing(f) { "fail" } else { "warn" },
        "scored": true,
        "source": "palisade",
        "message": cut(&f.message),
        "timestamp": {"seconds": seconds, "nanos": 0},
        "resources": [resource],
        "properties": properties,
    })
}

/// The rule family: `PSS-PRIVILEGED` → "Pod Security", `RBAC-…` → "RBAC", …
fn category(rule: &str) -> String {
    match rule.split('-').next().unwrap_or_default() {
        "PSS" => "Pod Security".into(),
        "NETPOL" => "NetworkPolicy".into(),
        other => other.into(),
    }
}

/// wg-policy severities are critical, high, medium, low and info: Palisade's own names.
fn severity(s: Severity) -> Value {
    serde_json::to_value(s).unwrap_or_else(|_| json!("info"))
}

/// `text` cut at [`MAX_MESSAGE`] bytes, on a character boundary, with an ellipsis.
fn cut(text: &str) -> String {
    if text.len() <= MAX_MESSAGE {
        return text.to_string();
    }
    let mut end = MAX_MESSAGE - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(ns: &str, name: &str, rule: &str, severity: Severity, deny: bool) -> LintFinding {
        LintFinding {
            rule: rule.into(),
            severity,
            file: format!("pod/{ns}/{name}"),
            line: 7,
            column: 3,
            kind: "Pod".into(),
            name: name.into(),
            namespace: ns.into(),
            message: "m".repeat(3000),
            path: Some("/spec/containers/0".into()),
            remediation: None,
            outcome: if deny {
                Enforcement::Deny
            } else {
                Enforcement::Warn
            },
        }
    }

    fn object(ns: &str, kind: &str, name: &str) -> LintedObject {
        LintedObject {
            file: String::new(),
            line: 1,
            kind: kind.into(),
            name: name.into(),
            namespace: ns.into(),
            judged: true,
        }
    }

    fn v1(_: &str) -> String {
        "v1".into()
    }

    #[test]
    fn one_report_per_scope_failing_findings_fail_clean_objects_only_counted() {
        let report = Report {
            findings: vec![
                finding("shop", "bad", "PSS-PRIVILEGED", Severity::Critical, true),
                finding(
                    "shop",
                    "bad",
                    "NETPOL-MISSING-INGRESS",
                    Severity::Low,
                    false,
                ),
            ],
            objects: vec![
                object("shop", "Pod", "bad"),
                object("shop", "Pod", "good"),
                object("", "ClusterRole", "view"),
            ],
            ..Report::default()
        };
        let reports = build(&report, 10, &v1, UNIX_EPOCH);
        assert_eq!(reports.len(), 2);
        let cluster = &reports[0];
        assert_eq!(cluster["kind"], "ClusterPolicyReport");
        assert!(cluster["metadata"].get("namespace").is_none());
        assert_eq!(cluster["summary"]["pass"], 1);
        assert_eq!(cluster["results"], json!([]));
        let shop = &reports[1];
        assert_eq!(shop["kind"], "PolicyReport");
        assert_eq!(shop["metadata"]["namespace"], "shop");
        assert_eq!(shop["metadata"]["name"], REPORT_NAME);
        assert_eq!(
            shop["summary"],
            json!({"pass": 1, "fail": 1, "warn": 1, "error": 0, "skip": 0})
        );
        let first = &shop["results"][0];
        assert_eq!(first["policy"], "PSS-PRIVILEGED");
        assert_eq!(
            (&first["result"], &first["severity"]),
            (&json!("fail"), &json!("critical"))
        );
        assert_eq!(first["category"], "Pod Security");
        assert_eq!(
            first["resources"],
            json!([{"apiVersion": "v1", "kind": "Pod", "name": "bad", "namespace": "shop"}])
        );
        assert_eq!(
            first["properties"],
            json!({"line": "7", "path": "/spec/containers/0"})
        );
        let message = first["message"].as_str().unwrap_or_default();
        assert!(
            message.len() <= MAX_MESSAGE && message.ends_with('…'),
            "{}",
            message.len()
        );
        assert_eq!(shop["results"][1]["result"], "warn");
    }

    #[test]
    fn a_huge_scope_keeps_the_most_severe_and_summarises_the_rest() {
        let mut findings: Vec<LintFinding> = (0..5)
            .map(|i| {
                finding(
                    "shop",
                    &format!("p{i}"),
                    "NETPOL-MISSING-INGRESS",
                    Severity::Low,
                    false,
                )
            })
            .collect();
        findings.push(finding(
            "shop",
            "x",
            "PSS-PRIVILEGED",
            Severity::Critical,
            true,
        ));
        let report = Report {
            findings,
            ..Report::default()
        };
        let reports = build(&report, 3, &v1, UNIX_EPOCH);
        let results = reports[0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(results.len(), 3);
        assert_eq!(results[0]["policy"], "PSS-PRIVILEGED");
        assert_eq!(results[2]["rule"], "results-truncated");
        assert_eq!(results[2]["result"], "skip");
        let message = results[2]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("4 more results"), "{message}");
        assert!(message.contains("NETPOL-MISSING-INGRESS ×4"), "{message}");
        assert_eq!(reports[0]["summary"]["warn"], 5);
        assert_eq!(reports[0]["summary"]["fail"], 1);
    }

    #[test]
    fn cut_keeps_short_text_and_respects_character_boundaries() {
        assert_eq!(cut("short"), "short");
        let long = "é".repeat(MAX_MESSAGE);
        let c = cut(&long);
        assert!(c.len() <= MAX_MESSAGE && c.ends_with('…'));
    }
}
