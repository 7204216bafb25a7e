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
    /// Server-side apply the suggested NetworkPolicies (field manager `palisade`), showing each
    /// diff against the cluster first.
    Apply(crate::netpol_apply::ApplyArgs),
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
        NetpolCommand::Apply(args) => crate::netpol_apply::run(args),
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
    load(paths, namespace, false)
}

/// [`load_world`] for the commands that judge the manifests (`coverage`, `simulate`): a path
/// that holds no Kubernetes object is an error naming it, as in `palisade lint` — a typo in a CI
/// path must not pass green with nothing judged.
pub fn load_judged_world(paths: &[PathBuf], namespace: &str) -> Result<World> {
    load(paths, namespace, true)
}

fn load(paths: &[PathBuf], namespace: &str, require_objects: bool) -> Result<World> {
    // Each path given and the sources read from it (standard input first, as it is read first).
    let mut given: Vec<(String, Vec<palisade_linter::SourceFile>)> = Vec::new();
    if paths.iter().any(|p| p.as_os_str() == "-") {
        given.push(("-".into(), vec![palisade_linter::read_stdin()?]));
    }
    for path in paths.iter().filter(|p| p.as_os_str() != "-") {
        let mut sources = Vec::new();
        for file in crate::lint_paths::discover_noting(std::slice::from_ref(path))? {
            sources.push(palisade_linter::read(&file)?);
        }
        given.push((path.display().to_string(), sources));
    }
    let mut parsed = Vec::new();
    for (path, sources) in &given {
        let before = parsed.len();
        for source in sources {
            parsed.push(palisade_linter::parse_file(source)?);
        }
        let objects: usize = parsed[before..].iter().map(|f| f.objects.len()).sum();
        if require_objects && objects == 0 {
            anyhow::bail!(
                "{path}: no Kubernetes object (apiVersion and kind) here; check the path"
            );
        }
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
