//! Helpers the CLI tests share.

use std::path::Path;

/// The line (1-based) of the first occurrence of `needle` in `file` (relative to the project
/// root, or absolute).
pub fn line_of(file: &str, needle: &str) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle} not in {file}"))
}

/// A runtime for a fake API server the binary under test talks to.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("tokio runtime: {e}"))
}
