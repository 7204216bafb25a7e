//! Reporters for `palisade lint`: one [`Report`] rendered as text for people (`human`), as a
//! stable JSON document (`json`), as SARIF 2.1.0 for code scanning (`sarif`), as JUnit XML for CI
//! test tabs (`junit`) or as GitHub Actions workflow commands (`github`).
//!
//! Every reporter is a pure function of the report: no clock, no working directory, no
//! environment, so the same run always renders the same bytes.

mod github;
mod human;
mod json;
mod junit;
mod sarif;

use crate::{LintFinding, Report};
use palisade_policies::Severity;
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

/// Output format of `palisade lint --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Findings grouped by file, for a terminal.
    #[default]
    Human,
    /// The stable JSON document (see `report/json.rs` for its shape).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML, for CI systems that show test results.
    Junit,
    /// GitHub Actions workflow commands (`::error file=…::…`), shown as annotations on a PR.
    Github,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 5] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
    ];

    /// The name accepted on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown output format `{s}` (expected one of: human, json, sarif, junit, github)"
                )
            })
    }
}

/// How the `human` format looks. The other formats ignore it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HumanStyle {
    /// Colour severities and headers with ANSI escape codes.
    pub color: bool,
    /// One compact `file:line:column` line per finding and the summary, nothing else.
    pub quiet: bool,
}

/// Writes `report` to `out` in `format`. Only I/O can fail.
pub fn render(
    report: &Report,
    format: Format,
    style: &HumanStyle,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, style, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Junit => junit::render(report, out),
        Format::Github => github::render(report, out),
    }
}

/// The object a finding is about: `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects.
fn object_ref(finding: &LintFinding) -> String {
    object_name(&finding.kind, &finding.namespace, &finding.name)
}

/// `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object.
fn object_name(kind: &str, namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{namespace}/{name}")
    }
}

/// The file as people read it: `<stdin>` for `-`, otherwise as given.
fn display_file(file: &str) -> &str {
    if file == "-" { "<stdin>" } else { file }
}

/// Count of findings of one severity, zero when the summary has no entry for it.
fn severity_count(report: &Report, severity: Severity) -> usize {
    report
        .summary
        .by_severity
        .get(&severity)
        .copied()
        .unwrap_or(0)
}

/// `4 findings (1 critical, 2 high, 1 low) in 2 files, 3 objects.` or
/// `No findings in 2 files, 3 objects (1 not judged: DeploymentConfig).`
fn summary_line(report: &Report) -> String {
    let summary = &report.summary;
    // No files: objects read from elsewhere (`palisade audit` reads a cluster).
    let scope = match summary.files {
        0 => format!(
            "{}{}",
            plural(summary.objects, "object"),
            not_judged(summary)
        ),
        files => format!(
            "{}, {}{}",
            plural(files, "file"),
            plural(summary.objects, "object"),
            not_judged(summary)
        ),
    };
    if summary.findings == 0 {
        return format!("No findings in {scope}.");
    }
    let counts: Vec<String> = Severity::ALL
        .into_iter()
        .filter_map(|severity| match severity_count(report, severity) {
            0 => None,
            n => Some(format!("{n} {severity}")),
        })
        .collect();
    let findings = plural(summary.findings, "finding");
    if counts.is_empty() {
        format!("{findings} in {scope}.")
    } else {
        format!("{findings} ({}) in {scope}.", counts.join(", "))
    }
}

/// How many kinds the summary names before `…`.
const NOT_JUDGED_KINDS_SHOWN: usize = 4;

/// ` (3 not judged: ConfigMap, DeploymentConfig)`, or nothing when every object was judged.
fn not_judged(summary: &crate::Summary) -> String {
    let total = summary.not_judged_total();
    if total == 0 {
        return String::new();
    }
    let mut kinds: Vec<&str> = summary
        .not_judged
        .keys()
        .take(NOT_JUDGED_KINDS_SHOWN)
        .map(|k| {
            if k.is_empty() {
                "(no kind)"
            } else {
                k.as_str()
            }
        })
        .collect();
    if summary.not_judged.len() > NOT_JUDGED_KINDS_SHOWN {
        kinds.push("…");
    }
    format!(" ({total} not judged: {})", kinds.join(", "))
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_parses_every_name_and_explains_a_bad_one() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
        }
        let err = "xml".parse::<Format>().err().unwrap_or_default();
        assert!(err.contains("`xml`"), "{err}");
        assert!(err.contains("human, json, sarif, junit, github"), "{err}");
    }

    #[test]
    fn summary_line_counts_and_pluralises() {
        let mut report = Report::default();
        report.summary.files = 1;
        report.summary.objects = 1;
        assert_eq!(summary_line(&report), "No findings in 1 file, 1 object.");
        report.summary.files = 0;
        assert_eq!(summary_line(&report), "No findings in 1 object.");
        report.summary.files = 1;
        report.summary.findings = 1;
        report.summary.by_severity.insert(Severity::Info, 1);
        assert_eq!(
            summary_line(&report),
            "1 finding (1 info) in 1 file, 1 object."
        );
    }

    #[test]
    fn summary_line_names_the_kinds_not_judged() {
        let mut report = Report::default();
        report.summary.files = 1;
        report.summary.objects = 9;
        for (kind, n) in [("DeploymentConfig", 2), ("ConfigMap", 1)] {
            report.summary.not_judged.insert(kind.into(), n);
        }
        assert_eq!(
            summary_line(&report),
            "No findings in 1 file, 9 objects (3 not judged: ConfigMap, DeploymentConfig)."
        );
        for kind in ["Route", "Service", "Template"] {
            report.summary.not_judged.insert(kind.into(), 1);
        }
        assert_eq!(
            summary_line(&report),
            "No findings in 1 file, 9 objects (6 not judged: ConfigMap, DeploymentConfig, Route, Service, …)."
        );
    }

    #[test]
    fn object_ref_leaves_out_an_empty_namespace() {
        let finding = LintFinding {
            rule: "R".into(),
            severity: Severity::Low,
            file: "-".into(),
            line: 1,
            column: 1,
            kind: "ClusterRole".into(),
            name: "admin".into(),
            namespace: String::new(),
            message: String::new(),
            path: None,
            remediation: None,
            outcome: palisade_policies::Enforcement::Warn,
        };
        assert_eq!(object_ref(&finding), "ClusterRole/admin");
        assert_eq!(display_file(&finding.file), "<stdin>");
    }
}
