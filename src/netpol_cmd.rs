//! `palisade netpol`: NetworkPolicy tools over manifests and observed flows. This module
//! parses the arguments and loads manifests into the netpol world; each subcommand lives in a
//! module of its own.

use anyhow::{Context, Result};
use palisade_netpol::{Origin, World};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct NetpolArgs {
    #[command(subcommand)]
    pub command: NetpolCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum NetpolCommand {
    /// Which workloads do NetworkPolicies isolate, for ingress and egress, and by which policies?
    Coverage(crate::netpol_coverage::CoverageArgs),
    /// Which observed flows would the NetworkPolicies in PATH block?
    Simulate(crate::netpol_simulate::SimulateArgs),
    /// Suggest NetworkPolicies that allow the observed flows and nothing else.
    Suggest(crate::netpol_suggest::SuggestArgs),
}

/// Output format of the netpol commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: NetpolArgs) -> Result<ExitCode> {
    match args.command {
        NetpolCommand::Coverage(args) => crate::netpol_coverage::run(args),
        NetpolCommand::Simulate(args) => crate::netpol_simulate::run(args),
        // Suggest writes its policies to stdout itself; a closed reader ends them, and the
        // command would have succeeded.
        NetpolCommand::Suggest(args) => {
            crate::netpol_suggest::run(args).or_else(|e| match crate::stdout::closed_reader(&e) {
                true => Ok(ExitCode::SUCCESS),
                false => Err(e),
            })
        }
    }
}

/// Reads the manifests under `paths` (files, directories, `-` for stdin) into a world; objects
/// without a namespace land in `namespace`. A NetworkPolicy the API server would reject is an
/// error naming its file, line and field.
pub fn load_world(paths: &[PathBuf], namespace: &str) -> Result<World> {
    let mut parsed = Vec::new();
    let mut stdin = false;
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            stdin = true;
        } else {
            files.push(path.clone());
        }
    }
    let mut sources = Vec::new();
    if stdin {
        sources.push(palisade_linter::read_stdin()?);
    }
    for file in palisade_linter::discover(&files)? {
        sources.push(palisade_linter::read(&file)?);
    }
    for source in &sources {
        parsed.push(palisade_linter::parse_file(source)?);
    }
    let objects = parsed.iter().flat_map(|file| {
        file.objects.iter().filter_map(move |obj| {
            let value = file.value(obj)?;
            let line = file.locate(obj, "").line;
            Some((value, Origin::new(file.name.clone(), line)))
        })
    });
    World::build(objects, namespace).context("cannot model the manifests")
}
