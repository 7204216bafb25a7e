//! Writing a lint or audit report where `ReportArgs` say, and the exit code of a run: 0 clean,
//! 1 when a finding denies, 2 on input errors (printed here).

use crate::cli::{ColorChoice, EXIT_FINDINGS, EXIT_INPUT, ReportArgs};
use crate::stdout::Stdout;
use anyhow::{Context, Result};
use palisade_linter::Report;
use palisade_linter::report::{Format, HumanStyle, render};
use palisade_policies::Enforcement;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// The report format asked for.
pub fn format(args: &ReportArgs) -> Result<Format> {
    args.format.parse().map_err(anyhow::Error::msg)
}

/// Writes `report` to `--output`, to stderr when `to_stderr` (stdout carries something else),
/// else to stdout; colour as `--color` says (auto: a terminal without NO_COLOR).
pub fn write(report: &Report, args: &ReportArgs, to_stderr: bool) -> Result<()> {
    let format = format(args)?;
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
            render(report, format, &style, &mut file)?;
            file.flush()?;
        }
        None if to_stderr => render(report, format, &style, &mut std::io::stderr().lock())?,
        None => {
            let mut out = std::io::BufWriter::new(Stdout::lock());
            render(report, format, &style, &mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Prints the input errors, then the run's exit code.
pub fn exit_code(report: &Report, errors: &[String]) -> ExitCode {
    for e in errors {
        eprintln!("palisade: error: {e}");
    }
    if !errors.is_empty() {
        return ExitCode::from(EXIT_INPUT);
    }
    if report
        .findings
        .iter()
        .any(|f| f.outcome == Enforcement::Deny)
    {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}
