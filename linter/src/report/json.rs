//! The `json` format: a stable document that scripts can rely on.
//!
//! ```text
//! {"findings":[{"rule","severity","file","line","column","kind","name","namespace","message","path"}],
//!  "summary":{"files","objects","findings","by_severity":{"critical","high","medium","low","info"}}}
//! ```
//!
//! Keys appear in exactly this order, `path` is `null` when the rule named no field, and every
//! severity is present in `by_severity`. The document is built field by field rather than derived
//! from the Rust types, so that adding a field to [`LintFinding`] cannot change it by accident.

use super::severity_count;
use crate::{LintFinding, Report};
use palisade_policies::Severity;
use serde_json::{Map, Value, json};
use std::io::{self, Write};

pub(super) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)
}

fn document(report: &Report) -> Value {
    let by_severity: Map<String, Value> = Severity::ALL
        .into_iter()
        .map(|s| (s.as_str().to_string(), json!(severity_count(report, s))))
        .collect();
    json!({
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
        "summary": {
            "files": report.summary.files,
            "objects": report.summary.objects,
            "findings": report.summary.findings,
            "by_severity": by_severity,
        },
    })
}

fn finding(f: &LintFinding) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "kind": f.kind,
        "name": f.name,
        "namespace": f.namespace,
        "message": f.message,
        "path": f.path,
    })
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
    }
}
