//! `palisade lint`: read manifests, evaluate, report; exit 0 clean, 1 findings, 2 input error.

use crate::cli::{ColorChoice, EXIT_FINDINGS, EXIT_INPUT, LintArgs};
use crate::progress::Progress;
use crate::setup::engine_and_config;
use crate::stdout::Stdout;
use anyhow::{Context, Result};
use palisade_linter::Linter;
use palisade_linter::report::{Format, HumanStyle, render};
use palisade_policies::Enforcement;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub fn run(args: LintArgs) -> Result<ExitCode> {
    let format: Format = args.format.parse().map_err(anyhow::Error::msg)?;
    let (engine, mut config) = engine_and_config(&args.policy)?;
    if let Some(fail_on) = args.fail_on {
        config.settings.fail_on = fail_on;
    }
    if args.fix && !args.flows.is_empty() {
        match crate::netpol_suggest_fix::apply(&args) {
            // `--diff` printed to a closed stdout: the rest of the diff goes nowhere.
            Err(e) if !crate::stdout::closed_reader(&e) => return Err(e),
            _ => {}
        }
    }
    let (inputs, given) = crate::lint_paths::inputs(&args.paths)?;
    let linter = crate::netpol_coverage::with_netpol_rules(
        Linter::new(engine.clone(), config),
        &engine,
        &args.flows,
    )?;
    let inputs = match args.fix {
        true => crate::fix_cmd::apply(&args, &engine, &linter, inputs)?,
        false => inputs,
    };
    let progress = Progress::start(!args.quiet);
    let run = linter.lint_inputs(inputs, &progress.done);
    drop(progress);
    let mut errors: Vec<String> = run.errors.iter().map(ToString::to_string).collect();
    if !args.allow_empty {
        errors.extend(crate::lint_paths::empty(&given, &run));
    }

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
        // With --fix --diff, stdout carries the diff.
        None if args.diff => render(&run.report, format, &style, &mut std::io::stderr().lock())?,
        None => {
            let mut out = std::io::BufWriter::new(Stdout::lock());
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
    let failing = run
        .report
        .findings
        .iter()
        .any(|f| f.outcome == Enforcement::Deny);
    Ok(if failing {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}
