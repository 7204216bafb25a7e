//! `palisade lint`: read manifests, evaluate, report; exit 0 clean, 1 findings, 2 input error.

use crate::cli::{ColorChoice, EXIT_FINDINGS, EXIT_INPUT, LintArgs};
use crate::progress::Progress;
use crate::setup::engine_and_config;
use anyhow::{Context, Result};
use palisade_linter::report::{Format, HumanStyle, render};
use palisade_linter::{InputError, Linter, SourceFile, discover, read, read_stdin};
use palisade_policies::Severity;
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: LintArgs) -> Result<ExitCode> {
    let format: Format = args.format.parse().map_err(anyhow::Error::msg)?;
    let (engine, config) = engine_and_config(&args.policy)?;
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(Severity::Low);
    let (sources, mut errors) = read_sources(&args.paths)?;
    let linter = Linter::new(engine, config);
    let progress = Progress::start(!args.quiet);
    let run = linter.lint(sources, &progress.done);
    drop(progress);
    errors.extend(run.errors);

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let style = HumanStyle {
        color: match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
        },
        quiet: args.quiet,
    };
    match &args.output {
        Some(path) => {
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            );
            render(&run.report, format, &style, &mut file)?;
            file.flush()?;
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            render(&run.report, format, &style, &mut out)?;
            out.flush()?;
        }
    }
    if !args.quiet {
        for (file, line) in &run.skipped {
            eprintln!(
                "palisade: note: {file}:{line}: skipped a document that is not a Kubernetes object (no apiVersion/kind)"
            );
        }
    }
    for e in &errors {
        eprintln!("palisade: error: {e}");
    }
    if !errors.is_empty() {
        return Ok(ExitCode::from(EXIT_INPUT));
    }
    let failing = run.report.findings.iter().any(|f| f.severity >= fail_on);
    Ok(if failing {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads every path (directories walked, `-` = stdin). Unreadable or binary files are collected
/// as errors so the rest is still linted; a path that does not exist stops the run.
fn read_sources(paths: &[std::path::PathBuf]) -> Result<(Vec<SourceFile>, Vec<InputError>)> {
    let mut files = Vec::new();
    let mut stdin = false;
    for p in paths {
        if p == Path::new("-") {
            stdin = true;
        } else {
            files.extend(discover(std::slice::from_ref(p))?);
        }
    }
    let read: Vec<Result<SourceFile, InputError>> = files.par_iter().map(|p| read(p)).collect();
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    if stdin {
        sources.push(read_stdin()?);
    }
    for r in read {
        match r {
            Ok(s) => sources.push(s),
            Err(e) => errors.push(e),
        }
    }
    Ok((sources, errors))
}
