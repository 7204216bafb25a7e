//! The `human` format, for a terminal.
//!
//! By default: for each file a header line, then one line per finding
//! `  L:C  severity  RULE-ID  message  (Kind/namespace/name)` with columns aligned within the
//! file, a blank line; then `How to fix:` with the remediation of each rule that fired, once;
//! then the summary line.
//!
//! Quiet (`--quiet`, meant for CI logs): one line per finding,
//! `file:L:C: severity RULE-ID message (Kind/namespace/name)`, which editors and CI log viewers
//! turn into links, then the summary line. With no findings both modes print only the summary.
//!
//! Text from manifests and policies is shown with control characters escaped, so a name or a
//! message cannot move the cursor or recolour the terminal. Colour uses plain ANSI codes and only
//! when [`HumanStyle::color`] is set.

use super::{HumanStyle, display_file, object_ref, summary_line};
use crate::{LintFinding, Report};
use palisade_policies::Severity;
use std::io::{self, Write};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const GREEN: &str = "\x1b[32m";
/// Width of the longest severity name, `critical`.
const SEVERITY_WIDTH: usize = 8;

pub(super) fn render(report: &Report, style: &HumanStyle, out: &mut dyn Write) -> io::Result<()> {
    let paint = Painter(style.color);
    if style.quiet {
        for f in &report.findings {
            let location = format!("{}:{}:{}", display_file(&f.file), f.line, f.column);
            let message: Vec<&str> = f.message.lines().map(str::trim).collect();
            writeln!(
                out,
                "{}: {} {} {} {}",
                paint.apply(BOLD, &clean(&location)),
                paint.apply(severity_color(f.severity), f.severity.as_str()),
                clean(&f.rule),
                clean(&message.join(" ")),
                paint.apply(DIM, &format!("({})", clean(&object_ref(f))))
            )?;
        }
    } else {
        for group in report.findings.chunk_by(|a, b| a.file == b.file) {
            file_group(group, paint, out)?;
        }
        remediation(report, paint, out)?;
    }
    let summary = summary_line(report);
    let code = if report.summary.findings == 0 {
        GREEN
    } else {
        BOLD
    };
    writeln!(out, "{}", paint.apply(code, &summary))
}

/// One file's header and findings. Findings arrive sorted by file, so a file is one run.
fn file_group(group: &[LintFinding], paint: Painter, out: &mut dyn Write) -> io::Result<()> {
    let Some(first) = group.first() else {
        return Ok(());
    };
    writeln!(
        out,
        "{}",
        paint.apply(BOLD, &clean(display_file(&first.file)))
    )?;
    let locations: Vec<String> = group
        .iter()
        .map(|f| format!("{}:{}", f.line, f.column))
        .collect();
    let rules: Vec<String> = group.iter().map(|f| clean(&f.rule)).collect();
    let location_width = width(&locations);
    let rule_width = width(&rules);
    // Continuation lines of a message start under its first line.
    let indent = " ".repeat(2 + location_width + 2 + SEVERITY_WIDTH + 2 + rule_width + 2);
    for ((f, location), rule) in group.iter().zip(&locations).zip(&rules) {
        let message = clean_lines(&f.message).join(&format!("\n{indent}"));
        writeln!(
            out,
            "  {}  {}  {}  {}  {}",
            pad(&paint.apply(DIM, location), location, location_width),
            pad(
                &paint.apply(severity_color(f.severity), f.severity.as_str()),
                f.severity.as_str(),
                SEVERITY_WIDTH
            ),
            pad(rule, rule, rule_width),
            message,
            paint.apply(DIM, &format!("({})", clean(&object_ref(f))))
        )?;
    }
    writeln!(out)
}

/// `How to fix:` and the remediation of every rule that fired, in order of first finding: the
/// rule's own, and each distinct remediation a finding carries instead (a narrowed finding's).
fn remediation(report: &Report, paint: Painter, out: &mut dyn Write) -> io::Result<()> {
    let mut fixes: Vec<(String, Vec<String>)> = Vec::new();
    for f in &report.findings {
        let meta = report.rules.iter().find(|meta| meta.id == f.rule);
        let text = match (&f.remediation, meta) {
            (Some(own), _) => own.trim(),
            (None, Some(meta)) => meta.remediation.trim(),
            (None, None) => "",
        };
        if text.is_empty() {
            continue;
        }
        let fix = (clean(&f.rule), clean_lines(text));
        if !fixes.contains(&fix) {
            fixes.push(fix);
        }
    }
    if fixes.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", paint.apply(BOLD, "How to fix:"))?;
    let rule_width = width(fixes.iter().map(|(rule, _)| rule));
    let indent = " ".repeat(2 + rule_width + 2);
    for (rule, lines) in &fixes {
        let text = lines.join(&format!("\n{indent}"));
        writeln!(out, "  {}  {text}", pad(rule, rule, rule_width))?;
    }
    writeln!(out)
}

fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "\x1b[1;31m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Info => "\x1b[34m",
    }
}

/// Wraps text in an ANSI code when colour is on.
#[derive(Debug, Clone, Copy)]
struct Painter(bool);

impl Painter {
    fn apply(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// `shown` (perhaps painted) followed by the spaces that make `plain` `width` characters wide.
fn pad(shown: &str, plain: &str, width: usize) -> String {
    let fill = width.saturating_sub(plain.chars().count());
    format!("{shown}{}", " ".repeat(fill))
}

fn width<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> usize {
    items
        .into_iter()
        .map(|s| s.as_ref().chars().count())
        .max()
        .unwrap_or(0)
}

/// The text with control characters (newlines included) shown as escapes.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The lines of a multi-line text, each cleaned.
fn clean_lines(s: &str) -> Vec<String> {
    let lines: Vec<String> = s.lines().map(clean).collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clean("a\u{1b}[31mb\tc"), "a\\u{1b}[31mb\\tc");
        assert_eq!(clean_lines("one\r\ntwo\n"), ["one", "two"]);
        assert_eq!(clean_lines(""), [""]);
    }

    #[test]
    fn padding_ignores_colour_codes() {
        let painted = Painter(true).apply(DIM, "1:2");
        assert_eq!(pad(&painted, "1:2", 5), format!("{painted}  "));
        assert_eq!(Painter(false).apply(DIM, "x"), "x");
    }
}
