//! A finding located in a file, the objects a run linted, and the report a lint run produces.

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
    /// How to fix this finding, when it differs from its rule's remediation.
    pub remediation: Option<String>,
    /// What the finding does: `deny` fails the run (and would be denied at admission).
    pub outcome: Enforcement,
}

/// One object a run linted, with or without findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintedObject {
    /// Path as given on the command line (`-` for stdin).
    pub file: String,
    /// 1-based line of the object's first line.
    pub line: usize,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// Whether some active rule applies to the object's kind. Objects of other kinds (an
    /// OpenShift `DeploymentConfig`, a `ConfigMap`) are read, but no rule judges them.
    pub judged: bool,
}

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub objects: usize,
    pub findings: usize,
    /// Count per severity name, every severity present (zero when none).
    pub by_severity: BTreeMap<Severity, usize>,
    /// Objects of kinds no active rule judges: count per kind (none when every object was judged).
    pub not_judged: BTreeMap<String, usize>,
}

impl Summary {
    /// The totals of `objects` and `findings` read from `files` files.
    pub fn of(files: usize, objects: &[LintedObject], findings: &[LintFinding]) -> Summary {
        let mut by_severity: BTreeMap<Severity, usize> =
            Severity::ALL.iter().map(|s| (*s, 0)).collect();
        for f in findings {
            *by_severity.entry(f.severity).or_default() += 1;
        }
        let mut not_judged: BTreeMap<String, usize> = BTreeMap::new();
        for o in objects.iter().filter(|o| !o.judged) {
            *not_judged.entry(o.kind.clone()).or_default() += 1;
        }
        Summary {
            files,
            objects: objects.len(),
            findings: findings.len(),
            by_severity,
            not_judged,
        }
    }

    /// How many objects no rule judged.
    pub fn not_judged_total(&self) -> usize {
        self.not_judged.values().sum()
    }
}

/// Everything a reporter needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Sorted by file, line, column, rule.
    pub findings: Vec<LintFinding>,
    pub summary: Summary,
    /// Every object linted, file by file in input order, each file's in document order.
    pub objects: Vec<LintedObject>,
    /// Catalogue of the rules that were active (for SARIF rule descriptors).
    pub rules: Vec<palisade_policies::RuleMeta>,
}
