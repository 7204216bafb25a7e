//! Typed errors of loading and evaluating policies. Every load error names the file.

use std::path::PathBuf;

/// A policy set could not be loaded or compiled.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read policy {path}: {error}")]
    Read {
        path: PathBuf,
        /// Not a `source`: the message already carries it, and chains would print it twice.
        error: std::io::Error,
    },
    /// Rego syntax or semantic error; `detail` carries regorus's `file:line:col` excerpt.
    #[error("policy {file} does not compile:{detail}")]
    Compile { file: String, detail: String },
    #[error("policy package {package} ({file}): invalid metadata: {reason}")]
    Metadata {
        package: String,
        file: String,
        reason: String,
    },
    #[error("rule id {id} is declared twice: by {first} and by {second}")]
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
    #[error("no policies to evaluate (built-ins disabled and no user policy directory given)")]
    Empty,
}

/// An evaluation failed (a policy raised a runtime error or returned a malformed value).
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("rule {rule}: evaluation failed: {detail}")]
    Rego { rule: String, detail: String },
    #[error("rule {rule}: {what} must be {expected}, got {got}")]
    Shape {
        rule: String,
        what: &'static str,
        expected: &'static str,
        got: String,
    },
}
