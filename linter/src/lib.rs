//! Palisade's manifest linter: finds manifests, reads YAML with positions, evaluates every object
//! with the policy engine and reports findings at the exact line of the offending field.

mod finding;

pub use finding::{LintFinding, Report, Summary};
