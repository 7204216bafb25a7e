//! The `json` format: a stable document that scripts can rely on.
//!
//! ```text
//! {"findings":[{"rule","severity","file","line","column","kind","name","namespace","message","path","outcome"}],
//!  "summary":{"files","objects","findings","by_severity":{"critical","high","medium","low","info"},
//!             "not_judged","not_judged_kinds":{"<Kind>":n}}}
//! ```
//!
//! Keys appear in exactly this order, `path` is `null` when the rule named no field, `outcome` is
//! what the finding does (`deny`: fails the run and would be denied at admission; `warn`;
//! `dryrun`), and every severity is present in `by_severity`. `not_judged` counts the objects of
//! kinds no active rule judges (an OpenShift `DeploymentConfig`, a `ConfigMap`), and
//! `not_judged_kinds` counts them by kind, in kind order (`{}` when every object was judged). The document has its own serialised types rather than deriving
//! from the Rust ones, so that adding a field to [`LintFinding`] cannot change it by accident; it is
//! streamed, so a large report is never copied into one JSON tree.

use super::severity_count;
use crate::{LintFinding, Report};
use palisade_policies::Severity;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub(super) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let by_severity: Map<String, Value> = Severity::ALL
        .into_iter()
        .map(|s| (s.as_str().to_string(), json!(severity_count(report, s))))
        .collect();
    let doc = Document {
        findings: Findings(&report.findings),
        summary: Summary {
            files: report.summary.files,
            objects: report.summary.objects,
            findings: report.summary.findings,
            by_severity,
            not_judged: report.summary.not_judged_total(),
            not_judged_kinds: &report.summary.not_judged,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The document, borrowed from the report and streamed: findings are never copied into one tree.
#[derive(Serialize)]
struct Document<'a> {
    findings: Findings<'a>,
    summary: Summary<'a>,
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    objects: usize,
    findings: usize,
    by_severity: Map<String, Value>,
    not_judged: usize,
    not_judged_kinds: &'a BTreeMap<String, usize>,
}

struct Findings<'a>(&'a [LintFinding]);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(JsonFinding::from))
    }
}

/// One finding, field by field in the documented order.
#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'static str,
    file: &'a str,
    line: usize,
    column: usize,
    kind: &'a str,
    name: &'a str,
    namespace: &'a str,
    message: &'a str,
    path: Option<&'a str>,
    outcome: &'static str,
    /// Only when the finding has a remediation of its own (else its rule's, as `palisade rules`
    /// lists it).
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<&'a str>,
}

impl<'a> From<&'a LintFinding> for JsonFinding<'a> {
    fn from(f: &'a LintFinding) -> Self {
        JsonFinding {
            rule: &f.rule,
            severity: f.severity.as_str(),
            file: &f.file,
            line: f.line,
            column: f.column,
            kind: &f.kind,
            name: &f.name,
            namespace: &f.namespace,
            message: &f.message,
            path: f.path.as_deref(),
            outcome: f.outcome.as_str(),
            remediation: f.remediation.as_deref(),
        }
    }
}

#[cfg(test)]
fn document(report: &Report) -> Value {
    let mut buf = Vec::new();
    render(report, &mut buf).unwrap_or_default();
    serde_json::from_slice(&buf).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_report_lists_every_severity_in_order() {
        let doc = document(&Report::default());
        let keys: Vec<&str> = doc["summary"]["by_severity"]
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["critical", "high", "medium", "low", "info"]);
        assert_eq!(doc["findings"], json!([]));
        assert_eq!(doc["summary"]["not_judged"], 0);
        assert_eq!(doc["summary"]["not_judged_kinds"], json!({}));
    }
}
