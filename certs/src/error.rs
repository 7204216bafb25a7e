//! Errors of certificate generation, inspection and caBundle patching. Each names what it is about:
//! the flag, the file, or the file, line and column of a manifest.

use std::path::PathBuf;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// A Service or namespace name that cannot be a DNS label.
    #[error("{field}: `{value}` is not a valid {what}: {reason}")]
    InvalidName {
        field: &'static str,
        value: String,
        what: &'static str,
        reason: String,
    },
    /// A validity period that is zero or too long.
    #[error("{0}")]
    InvalidValidity(String),
    /// Text that is not the PEM certificate or key it should be.
    #[error("{0}")]
    Pem(String),
    /// A certificate or key that parses but cannot be used as asked.
    #[error("{0}")]
    Unusable(String),
    /// rcgen refused to build or sign a certificate.
    #[error("certificate generation failed: {0}")]
    Generate(#[from] rcgen::Error),
    /// Reading or writing a file.
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// An error about the content of one file.
    #[error("{path}: {error}")]
    File {
        path: PathBuf,
        error: Box<CertError>,
    },
    /// A manifest that cannot be read or patched, at its line and column.
    #[error("{file}:{line}:{column}: {message}")]
    Manifest {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// `--patch-manifests` found nothing to patch.
    #[error("{0}")]
    NothingToPatch(String),
}

impl CertError {
    pub(crate) fn io(path: impl Into<PathBuf>, error: std::io::Error) -> CertError {
        CertError::Io {
            path: path.into(),
            error,
        }
    }

    /// Puts the file an error is about in front of it.
    pub(crate) fn in_file(self, path: impl Into<PathBuf>) -> CertError {
        CertError::File {
            path: path.into(),
            error: Box::new(self),
        }
    }
}

/// Results of this crate.
pub type Result<T, E = CertError> = std::result::Result<T, E>;
