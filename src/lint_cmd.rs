//! `palisade lint`: read manifests, evaluate, report; exit 0 clean, 1 findings, 2 input error.

use crate::cli::LintArgs;
use crate::progress::Progress;
use crate::setup::engine_and_config;
use anyhow::Result;
use palisade_linter::Linter;
use std::process::ExitCode;

pub fn run(args: LintArgs) -> Result<ExitCode> {
    crate::report_out::format(&args.report)?;
    let (engine, mut config) = engine_and_config(&args.policy)?;
    if let Some(fail_on) = args.report.fail_on {
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
    let progress = Progress::start(!args.report.quiet);
    let run = linter.lint_inputs(inputs, &progress.done);
    drop(progress);
    let mut errors: Vec<String> = run.errors.iter().map(ToString::to_string).collect();
    if !args.allow_empty {
        errors.extend(crate::lint_paths::empty(&given, &run));
    }

    // With --fix --diff, stdout carries the diff.
    crate::report_out::write(&run.report, &args.report, args.diff)?;
    if !args.report.quiet {
        for file in given.iter().flat_map(|p| &p.kustomize_patches) {
            eprintln!("{}", crate::lint_paths::patch_note(file));
        }
        for (file, line) in &run.skipped {
            eprintln!(
                "palisade: note: {file}:{line}: skipped a document that is not a Kubernetes object (no apiVersion/kind)"
            );
        }
    }
    Ok(crate::report_out::exit_code(&run.report, &errors))
}
