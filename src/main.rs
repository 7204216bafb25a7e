//! `palisade`: command-line entry point. Parses arguments and hands off to one command module.

mod audit_cmd;
mod certs_cmd;
mod cli;
mod fix_cmd;
mod flows_cmd;
mod lint_cmd;
mod lint_paths;
mod logs;
mod netpol_apply;
mod netpol_cmd;
mod netpol_coverage;
mod netpol_simulate;
mod netpol_suggest;
mod netpol_suggest_fix;
mod policy_reports;
mod probe_cmd;
mod probe_watch;
mod progress;
mod rbac_cmd;
mod report_out;
mod rules_cmd;
mod setup;
mod stdout;
mod test_cmd;
mod webhook_certs;
mod webhook_cmd;
mod webhook_inventory;

use clap::Parser;
use std::process::ExitCode;

// Parsing and policy evaluation allocate many small values from every worker thread; mimalloc
// serves them with less contention and fragmentation than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Lint(args) => lint_cmd::run(args),
        cli::Command::Audit(args) => audit_cmd::run(args),
        cli::Command::Rules(args) => rules_cmd::run(args),
        cli::Command::Test(args) => test_cmd::run(args),
        cli::Command::Probe(args) => probe_cmd::run(args),
        cli::Command::Flows(args) => flows_cmd::run(args),
        cli::Command::Webhook(args) => webhook_cmd::run(*args),
        cli::Command::Certs(args) => certs_cmd::run(args),
        cli::Command::Netpol(args) => netpol_cmd::run(args),
        cli::Command::Rbac(args) => rbac_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("palisade: error: {err:#}");
            ExitCode::from(cli::EXIT_INPUT)
        }
    }
}
