//! `palisade lint --fix [--diff]`: lint once, write the fixes of the rules that reported findings
//! into the files (or print them as a unified diff), and hand the fixed texts on so that the
//! report is about the fixed text.

use crate::cli::LintArgs;
use anyhow::{Context, Result, bail};
use palisade_linter::fix::{fix_sources, unified_diff};
use palisade_linter::{Input, Linter, SourceFile, read};
use palisade_policies::Engine;
use std::io::Write;
use std::sync::atomic::AtomicUsize;

/// Fixes the inputs; returns what the report should be about: the fixed texts (and the paths that
/// could not be read, for the report's errors).
pub fn apply(
    args: &LintArgs,
    engine: &Engine,
    linter: &Linter,
    inputs: Vec<Input>,
) -> Result<Vec<Input>> {
    let mut sources: Vec<SourceFile> = Vec::new();
    let mut unreadable: Vec<Input> = Vec::new();
    for input in inputs {
        match input {
            Input::Source(s) => sources.push(s),
            Input::Path(p) => match read(&p) {
                Ok(s) => sources.push(s),
                Err(_) => unreadable.push(Input::Path(p)),
            },
        }
    }
    if !args.diff && sources.iter().any(|s| s.name == "-") {
        bail!("--fix cannot write back to standard input; use --fix --diff to see the fixes");
    }
    let run = linter.lint(sources.clone(), &AtomicUsize::new(0));
    let fixes = fix_sources(engine, &sources, &run.report.findings);
    let mut out = std::io::BufWriter::new(crate::stdout::Stdout::lock());
    let (mut objects, mut files) = (0, 0);
    for (source, fix) in sources.iter_mut().zip(fixes) {
        for note in &fix.notes {
            eprintln!("palisade: note: {note}");
        }
        let Some(fixed) = fix.fixed else {
            continue;
        };
        objects += fix.objects;
        files += 1;
        if args.diff {
            out.write_all(unified_diff(&source.name, &source.text, &fixed).as_bytes())?;
        } else {
            std::fs::write(&source.name, &fixed)
                .with_context(|| format!("cannot write the fixed {}", source.name))?;
        }
        source.text = fixed;
    }
    out.flush()?;
    if !args.report.quiet {
        let verb = if args.diff { "would fix" } else { "fixed" };
        eprintln!("palisade: {verb} {objects} object(s) in {files} file(s)");
    }
    let mut fixed: Vec<Input> = sources.into_iter().map(Input::Source).collect();
    fixed.extend(unreadable);
    Ok(fixed)
}
