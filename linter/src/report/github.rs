//! The `github` format: GitHub Actions workflow commands, which the runner turns into annotations
//! on the pull request's diff.
//!
//! One line per finding, `::LEVEL file=F,line=L,col=C,title=RULE::MESSAGE (Kind/namespace/name)`,
//! where LEVEL is `error` for critical and high, `warning` for medium and `notice` for low and
//! info. Findings read from stdin have no file to point at and carry only the title. The last
//! line is the plain summary, which the log shows as it is.
//!
//! Values are escaped as the runner unescapes them: `%`, CR and LF in the message; also `:` and
//! `,` in properties. An escaped message cannot end the command early or start a new one.

use super::{object_ref, summary_line};
use crate::{LintFinding, Report};
use palisade_policies::Severity;
use std::io::{self, Write};

pub(super) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        writeln!(out, "{}", command(finding))?;
    }
    writeln!(out, "{}", summary_line(report))
}

fn command(f: &LintFinding) -> String {
    let level = match f.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    };
    let mut properties = Vec::with_capacity(4);
    if f.file != "-" {
        let file = f.file.replace('\\', "/");
        let file = file.trim_start_matches("./");
        properties.push(format!("file={}", escape_property(file)));
        properties.push(format!("line={}", f.line.max(1)));
        properties.push(format!("col={}", f.column.max(1)));
    }
    properties.push(format!("title={}", escape_property(&f.rule)));
    let message = format!("{} ({})", f.message, object_ref(f));
    format!(
        "::{level} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// The message of a workflow command.
fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// A `key=value` property of a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(file: &str, severity: Severity) -> LintFinding {
        LintFinding {
            rule: "R,1:x".into(),
            severity,
            file: file.into(),
            line: 3,
            column: 5,
            kind: "Pod".into(),
            name: "p".into(),
            namespace: "ns".into(),
            message: "50% done\r\n::error::injected, a:b".into(),
            path: None,
            remediation: None,
            outcome: palisade_policies::Enforcement::Deny,
        }
    }

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(
            command(&finding("./a,b:c.yaml", Severity::High)),
            "::error file=a%2Cb%3Ac.yaml,line=3,col=5,title=R%2C1%3Ax::\
             50%25 done%0D%0A::error::injected, a:b (Pod/ns/p)"
        );
    }

    #[test]
    fn stdin_findings_have_no_location_and_levels_follow_severity() {
        let line = command(&finding("-", Severity::Medium));
        assert!(line.starts_with("::warning title=R%2C1%3Ax::"), "{line}");
        let line = command(&finding("a.yaml", Severity::Info));
        assert!(line.starts_with("::notice file=a.yaml,"), "{line}");
    }
}
