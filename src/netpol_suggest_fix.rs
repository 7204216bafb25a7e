//! `palisade lint --fix --flows FILE… PATH…`: for every workload of the manifests that no
//! NetworkPolicy of its namespace selects for a direction, the policy `netpol suggest` would
//! write for that direction, from the observed flows, written next to the workload's manifest:
//! `networkpolicies.palisade.yaml` in its directory, or `networkpolicies.palisade.<ns>.yaml`
//! when the directory holds workloads of several namespaces. No other file is touched; new
//! policies are appended to such a file when it exists, and a second run finds the workloads
//! covered and changes nothing. With `--diff` the change is printed, not written.

use crate::cli::LintArgs;
use crate::netpol_cmd::load_world;
use anyhow::{Context, Result, bail};
use palisade_linter::fix::unified_diff;
use palisade_netpol::suggest::aggregate::aggregate_files;
use palisade_netpol::suggest::{SuggestOptions, Wanted, manifest_workloads, render, suggest};
use palisade_netpol::{Direction, World};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where a workload's policies go: the file beside its manifest.
type Placement = BTreeMap<(String, String), PathBuf>;

fn placement(world: &World) -> Placement {
    let dir_of = |file: &str| -> PathBuf {
        match Path::new(file).parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    let mut spaces: BTreeMap<PathBuf, BTreeSet<&str>> = BTreeMap::new();
    for pod in world.pods.iter().filter(|p| !p.origin.file.is_empty()) {
        spaces
            .entry(dir_of(&pod.origin.file))
            .or_default()
            .insert(&pod.namespace);
    }
    let mut out = Placement::new();
    for pod in world.pods.iter().filter(|p| !p.origin.file.is_empty()) {
        let dir = dir_of(&pod.origin.file);
        let file = if spaces.get(&dir).is_some_and(|s| s.len() > 1) {
            format!("networkpolicies.palisade.{}.yaml", pod.namespace)
        } else {
            "networkpolicies.palisade.yaml".to_owned()
        };
        out.entry((pod.namespace.clone(), pod.workload()))
            .or_insert_with(|| dir.join(file));
    }
    out
}

/// Workloads lacking a policy for some direction, and the directions missing.
fn uncovered(world: &World) -> BTreeMap<(String, String), Wanted> {
    let mut out = BTreeMap::new();
    for pod in world.pods.iter().filter(|p| !p.host_network) {
        let wanted = Wanted {
            ingress: world.selecting(pod, Direction::Ingress).is_empty(),
            egress: world.selecting(pod, Direction::Egress).is_empty(),
        };
        if wanted.ingress || wanted.egress {
            out.insert((pod.namespace.clone(), pod.workload()), wanted);
        }
    }
    out
}

/// Writes (or, with `--diff`, prints) the policies of uncovered workloads.
pub fn apply(args: &LintArgs) -> Result<()> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("--fix --flows writes policies next to manifest files; it cannot read stdin");
    }
    let mut world = load_world(&args.paths, "default")?;
    // Policy files written by an earlier run count even when PATH names single files.
    let listed: BTreeSet<PathBuf> = palisade_linter::discover(&args.paths)?
        .into_iter()
        .collect();
    let earlier: Vec<PathBuf> = placement(&world)
        .into_values()
        .filter(|f| f.exists() && !listed.contains(f))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !earlier.is_empty() {
        let mut paths = args.paths.clone();
        paths.extend(earlier);
        world = load_world(&paths, "default")?;
    }
    let only = uncovered(&world);
    let files = placement(&world);
    let opts = SuggestOptions {
        only: Some(only),
        ..SuggestOptions::default()
    };
    let agg = aggregate_files(&world, &args.flows, &opts.external_cidrs)?;
    let chosen = vec![true; agg.connections.len()];
    let suggestion = suggest(
        &manifest_workloads(&world),
        &agg.connections,
        &chosen,
        &opts,
    );
    let mut by_file: BTreeMap<&PathBuf, Vec<String>> = BTreeMap::new();
    for p in &suggestion.policies {
        let Some(file) = p
            .workload
            .as_ref()
            .and_then(|w| files.get(&(p.namespace.clone(), w.clone())))
        else {
            continue;
        };
        by_file.entry(file).or_default().push(render::policy(p));
    }
    let mut out = std::io::stdout().lock();
    let mut written = 0;
    for (file, docs) in &by_file {
        let before = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
        };
        let mut after = if before.is_empty() {
            "# NetworkPolicies suggested from observed flows by `palisade lint --fix --flows`.\n"
                .to_owned()
        } else {
            let mut text = before.clone();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        };
        for doc in docs {
            after.push_str("---\n");
            after.push_str(doc);
        }
        let name = file.display().to_string();
        if args.diff {
            out.write_all(unified_diff(&name, &before, &after).as_bytes())?;
        } else {
            std::fs::write(file, &after).with_context(|| format!("cannot write {name}"))?;
        }
        written += docs.len();
    }
    out.flush()?;
    if !args.report.quiet {
        let verb = if args.diff { "would write" } else { "wrote" };
        eprintln!(
            "palisade: {verb} {written} NetworkPolicy(ies) from flows in {} file(s)",
            by_file.len()
        );
    }
    Ok(())
}
