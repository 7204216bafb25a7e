//! The same checks on a real kind cluster (`kind.sh` beside this file): ignored here, because it
//! needs Docker and kind. Run it with
//! `cargo test --release --test integration e2e::kind -- --ignored`, or the script directly.

use super::harness::{process, repo};
use std::process::Command;

#[test]
#[ignore = "needs Docker and kind: tests/e2e/kind.sh"]
fn kind_cluster() {
    let script = repo("tests/e2e/kind.sh");
    let status = Command::new("bash")
        .arg(&script)
        .env("PALISADE", process::palisade())
        .status()
        .unwrap_or_else(|e| panic!("{}: {e}", script.display()));
    assert!(status.success(), "{} failed: {status}", script.display());
}
