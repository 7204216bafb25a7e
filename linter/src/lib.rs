//! Palisade's manifest linter: finds manifests, reads YAML with positions, evaluates every object
//! with the policy engine and reports findings at the exact line of the offending field.

pub mod config;
mod error;
mod finding;
pub mod fix;
mod kustomize;
mod lint;
mod objects;
pub mod rbac;
pub mod report;
mod source;
pub mod yaml;

pub use config::Config;
pub use error::InputError;
pub use finding::{LintFinding, LintedObject, Report, Summary};
pub use lint::{LintRun, Linter};
pub use objects::{ObjectRef, ParsedFile, parse_file};
pub use palisade_policies::SUPPRESSION_RULE;
pub use source::{Discovered, Input, SourceFile, decode, discover, discover_all, read, read_stdin};
