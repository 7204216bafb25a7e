//! `palisade test`: runs the `test_*` rules of Rego policies (the built-in library, or directories).

use crate::cli::{EXIT_FINDINGS, TestArgs};
use anyhow::{Context, Result};
use palisade_policies::{builtin_sources, load_dir, run_rego_tests};
use std::process::ExitCode;

pub fn run(args: TestArgs) -> Result<ExitCode> {
    let mut sources = Vec::new();
    if args.paths.is_empty() {
        sources = builtin_sources();
    }
    for dir in &args.paths {
        sources.extend(load_dir(dir).with_context(|| format!("loading {}", dir.display()))?);
    }
    let outcomes = run_rego_tests(&sources)?;
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    for o in &outcomes {
        match (&o.error, o.passed) {
            (_, true) if !args.verbose => {}
            (_, true) => println!("PASS {}", o.name),
            (Some(e), false) => println!("FAIL {}: {}", o.name, e.trim()),
            (None, false) => println!("FAIL {}", o.name),
        }
    }
    println!("{} passed, {failed} failed", outcomes.len() - failed);
    Ok(if failed > 0 || outcomes.is_empty() {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}
