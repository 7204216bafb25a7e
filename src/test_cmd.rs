//! `palisade test`: runs the `test_*` rules of Rego policies (the built-in library, or directories).

use crate::cli::{EXIT_FINDINGS, TestArgs};
use crate::stdout::Stdout;
use anyhow::{Context, Result};
use palisade_policies::{builtin_sources, load_dir, run_rego_tests};
use std::io::Write;
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
    let mut out = std::io::BufWriter::new(Stdout::lock());
    for o in &outcomes {
        match (&o.error, o.passed) {
            (_, true) if !args.verbose => {}
            (_, true) => writeln!(out, "PASS {}", o.name)?,
            (Some(e), false) => writeln!(out, "FAIL {}: {}", o.name, e.trim())?,
            (None, false) => writeln!(out, "FAIL {}", o.name)?,
        }
    }
    writeln!(out, "{} passed, {failed} failed", outcomes.len() - failed)?;
    out.flush()?;
    Ok(if failed > 0 || outcomes.is_empty() {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}
