//! The `junit` format: JUnit XML for CI systems that show test results.
//!
//! One `<testsuite>` per file with findings, one `<testcase>` per object with findings
//! (`classname` is the file, `name` is `Kind/namespace/name`), and one `<failure>` per finding
//! (`message` is `RULE: message`, `type` is the severity, the text gives `file:line:column` and the
//! field). A [`Report`] does not list the objects that passed, so they do not appear; a run
//! without findings is one passing testcase (`classname="palisade" name="lint"`, the summary in
//! `<system-out>`), so that CI tools which reject a report without tests accept it.
//!
//! Escaping is written out here: attribute values keep their newlines and tabs as character
//! references, and characters XML 1.0 cannot carry at all become U+FFFD.

use super::{display_file, object_ref, summary_line};
use crate::{LintFinding, Report};
use std::collections::HashMap;
use std::io::{self, Write};

/// Findings of one file, by object, both in order of first appearance.
type Suite<'a> = (&'a str, Vec<(String, Vec<&'a LintFinding>)>);

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

    let cases: usize = suites.iter().map(|(_, objects)| objects.len()).sum();
    writeln!(
        out,
        r#"<testsuites name="palisade" tests="{cases}" failures="{cases}" errors="0">"#
    )?;
    for (file, objects) in &suites {
        let file = attr(display_file(file));
        let n = objects.len();
        writeln!(
            out,
            r#"  <testsuite name="{file}" tests="{n}" failures="{n}" errors="0" skipped="0">"#
        )?;
        for (object, findings) in objects {
            writeln!(
                out,
                r#"    <testcase classname="{file}" name="{}">"#,
                attr(object)
            )?;
            for finding in findings {
                failure(finding, out)?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
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

fn group(report: &Report) -> Vec<Suite<'_>> {
    let mut suites: Vec<Suite<'_>> = Vec::new();
    let mut suite_at: HashMap<&str, usize> = HashMap::new();
    let mut case_at: HashMap<(&str, &str, &str, &str), usize> = HashMap::new();
    for f in &report.findings {
        let s = *suite_at.entry(&f.file).or_insert_with(|| {
            suites.push((&f.file, Vec::new()));
            suites.len() - 1
        });
        let Some((_, objects)) = suites.get_mut(s) else {
            continue;
        };
        let key = (
            f.file.as_str(),
            f.kind.as_str(),
            f.namespace.as_str(),
            f.name.as_str(),
        );
        let c = *case_at.entry(key).or_insert_with(|| {
            objects.push((object_ref(f), Vec::new()));
            objects.len() - 1
        });
        if let Some((_, findings)) = objects.get_mut(c) {
            findings.push(f);
        }
    }
    suites
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
