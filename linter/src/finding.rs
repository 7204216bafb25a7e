//! A finding located in a file, and the report a lint run produces.

use palisade_policies::{Enforcement, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// One finding of one rule about one object, with the file position of the offending field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintFinding {
    pub rule: String,
    pub severity: Severity,
    /// Path as given on the command line (`-` for stdin).
    pub file: String,
    /// 1-based line and column of the field the rule named, else of the object's first line.
    pub line: usize,
    pub column: usize,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub message: String,
    /// JSON pointer of the field, when the rule gave one.
    pub path: Option<String>,
    /// What the finding does: `deny` fails the run (and would be denied at admission).
    pub outcome: Enforcement,
}

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub objects: usize,
    pub findings: usize,
    /// Count per severity name, every severity present (zero when none).
    pub by_severity: BTreeMap<Severity, usize>,
}

/// Everything a reporter needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Sorted by file, line, column, rule.
    pub findings: Vec<LintFinding>,
    pub summary: Summary,
    /// Catalogue of the rules that were active (for SARIF rule descriptors).
    pub rules: Vec<palisade_policies::RuleMeta>,
}
