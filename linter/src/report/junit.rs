//! The `junit` format: JUnit XML for CI systems that show test results.
//!
//! One `<testsuite>` per file that holds objects, one `<testcase>` per linted object (`classname`
//! is the file, `name` is `Kind/namespace/name`), so a dashboard counts every object, passing ones
//! included. A case fails as the verdict does: one `<failure>` per finding that fails the run
//! (outcome `deny`; `message` is `RULE: message`, `type` is the severity, the text gives
//! `file:line:column` and the field). Warnings do not fail a case: they are listed in its
//! `<system-out>`, one `file:line:column: RULE (severity, outcome): message` line each. An object
//! of a kind no rule judges (an OpenShift `DeploymentConfig`) is `<skipped>`; any other object
//! passes. Objects with the same kind, namespace and name in one file are one test case.
//! A run without objects is one passing testcase (`classname="palisade" name="lint"`, the summary
//! in `<system-out>`), so that CI tools which reject a report without tests accept it.
//!
//! Escaping is written out here: attribute values keep their newlines and tabs as character
//! references, and characters XML 1.0 cannot carry at all become U+FFFD.

use super::{display_file, object_name, summary_line};
use crate::{LintFinding, Report};
use palisade_policies::Enforcement;
use std::collections::HashMap;
use std::io::{self, Write};

/// One object's test case.
struct Case<'a> {
    name: String,
    kind: &'a str,
    judged: bool,
    findings: Vec<&'a LintFinding>,
}

impl Case<'_> {
    fn skipped(&self) -> bool {
        !self.judged && self.findings.is_empty()
    }

    fn failed(&self) -> bool {
        self.findings.iter().any(|f| fails(f))
    }
}

/// Whether a finding fails the run (and so its test case).
fn fails(f: &LintFinding) -> bool {
    f.outcome == Enforcement::Deny
}

/// The test cases of one file, in order of first appearance.
type Suite<'a> = (&'a str, Vec<Case<'a>>);

pub(super) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    let suites = group(report);
    if suites.is_empty() {
        writeln!(
            out,
            r#"<testsuites name="palisade" tests="1" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"  <testsuite name="palisade" tests="1" failures="0" errors="0" skipped="0">"#
        )?;
        writeln!(out, r#"    <testcase classname="palisade" name="lint">"#)?;
        writeln!(
            out,
            "      <system-out>{}</system-out>",
            text(&summary_line(report))
        )?;
        writeln!(out, "    </testcase>")?;
        writeln!(out, "  </testsuite>")?;
        return writeln!(out, "</testsuites>");
    }

    let all = suites.iter().flat_map(|(_, cases)| cases);
    let tests = all.clone().count();
    let failures = all.filter(|c| c.failed()).count();
    writeln!(
        out,
        r#"<testsuites name="palisade" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    for (file, cases) in &suites {
        let file = attr(display_file(file));
        let tests = cases.len();
        let failures = cases.iter().filter(|c| c.failed()).count();
        let skipped = cases.iter().filter(|c| c.skipped()).count();
        writeln!(
            out,
            r#"  <testsuite name="{file}" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}">"#
        )?;
        for case in cases {
            let open = format!(
                r#"    <testcase classname="{file}" name="{}""#,
                attr(&case.name)
            );
            if case.skipped() {
                writeln!(out, "{open}>")?;
                writeln!(
                    out,
                    r#"      <skipped message="{}"/>"#,
                    attr(&format!("no rule judges kind {}", case.kind))
                )?;
                writeln!(out, "    </testcase>")?;
            } else if case.findings.is_empty() {
                writeln!(out, "{open}/>")?;
            } else {
                writeln!(out, "{open}>")?;
                for finding in case.findings.iter().filter(|f| fails(f)) {
                    failure(finding, out)?;
                }
                let warnings: Vec<String> = case
                    .findings
                    .iter()
                    .filter(|f| !fails(f))
                    .map(|f| warning(f))
                    .collect();
                if !warnings.is_empty() {
                    writeln!(
                        out,
                        "      <system-out>{}</system-out>",
                        text(&warnings.join("\n"))
                    )?;
                }
                writeln!(out, "    </testcase>")?;
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// `file:line:column: RULE (severity, outcome): message`.
fn warning(f: &LintFinding) -> String {
    format!(
        "{}:{}:{}: {} ({}, {}): {}",
        display_file(&f.file),
        f.line,
        f.column,
        f.rule,
        f.severity,
        f.outcome.as_str(),
        f.message
    )
}

fn failure(f: &LintFinding, out: &mut dyn Write) -> io::Result<()> {
    let mut body = format!(
        "{}:{}:{}: {} ({}): {}",
        display_file(&f.file),
        f.line,
        f.column,
        f.rule,
        f.severity,
        f.message
    );
    if let Some(path) = &f.path {
        body.push_str("\nfield: ");
        body.push_str(path);
    }
    writeln!(
        out,
        r#"      <failure message="{}" type="{}">{}</failure>"#,
        attr(&format!("{}: {}", f.rule, f.message)),
        f.severity,
        text(&body)
    )
}

/// Every linted object as a test case, and each finding in its object's case; a finding whose
/// object the report does not list gets a case of its own.
fn group(report: &Report) -> Vec<Suite<'_>> {
    let mut grouping = Grouping::default();
    for o in &report.objects {
        if let Some(c) = grouping.case(&o.file, &o.kind, &o.namespace, &o.name) {
            c.judged |= o.judged;
        }
    }
    for f in &report.findings {
        if let Some(c) = grouping.case(&f.file, &f.kind, &f.namespace, &f.name) {
            c.findings.push(f);
        }
    }
    grouping.suites
}

/// Suites and cases by file and by object, as they are first met.
#[derive(Default)]
struct Grouping<'a> {
    suites: Vec<Suite<'a>>,
    suite_at: HashMap<&'a str, usize>,
    case_at: HashMap<(&'a str, &'a str, &'a str, &'a str), usize>,
}

impl<'a> Grouping<'a> {
    fn case(
        &mut self,
        file: &'a str,
        kind: &'a str,
        namespace: &'a str,
        name: &'a str,
    ) -> Option<&mut Case<'a>> {
        let suites = &mut self.suites;
        let s = *self.suite_at.entry(file).or_insert_with(|| {
            suites.push((file, Vec::new()));
            suites.len() - 1
        });
        let cases = &mut suites.get_mut(s)?.1;
        let c = *self
            .case_at
            .entry((file, kind, namespace, name))
            .or_insert_with(|| {
                cases.push(Case {
                    name: object_name(kind, namespace, name),
                    kind,
                    judged: false,
                    findings: Vec::new(),
                });
                cases.len() - 1
            });
        cases.get_mut(c)
    }
}

/// A character XML 1.0 can carry, or U+FFFD.
fn xml_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
        _ => c,
    }
}

/// Escapes element content.
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes a double-quoted attribute value, keeping whitespace that parsers would normalise.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(xml_char) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_whitespace_and_forbidden_characters() {
        assert_eq!(text("a<b & c>\"d\"\r\n"), "a&lt;b &amp; c&gt;\"d\"&#13;\n");
        assert_eq!(
            attr("a\t\"b\"\n<&>"),
            "a&#9;&quot;b&quot;&#10;&lt;&amp;&gt;"
        );
        assert_eq!(text("bell\u{7} esc\u{1b}"), "bell\u{fffd} esc\u{fffd}");
        assert_eq!(attr("\u{ffff}"), "\u{fffd}");
    }
}
