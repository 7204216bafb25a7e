//! `palisade netpol coverage PATH…`: per workload (each pod template, and each bare Pod), whether
//! NetworkPolicies isolate it for ingress and for egress, by which policies, and whether an
//! isolated egress still reaches cluster DNS on UDP and TCP 53. Exit 0 when every workload is
//! isolated in both directions with DNS reachable, 1 when some workload is not (like a lint
//! finding: a gap), 2 on bad input. Host-network pods cannot be selected by NetworkPolicies:
//! they are listed but never a gap.
//!
//! Also wires the NETPOL rules' facts into `palisade lint` ([`with_netpol_rules`]) and the
//! webhook ([`netpol_deriver`]).

use crate::cli::EXIT_FINDINGS;
use crate::netpol_cmd::{Format, load_judged_world};
use anyhow::Result;
use palisade_linter::Linter;
use palisade_netpol::World;
use palisade_netpol::coverage::{WorkloadCoverage, coverage};
use palisade_netpol::coverage_facts::NetpolDeriver;
use palisade_netpol::flows::read_flows;
use palisade_policies::{Deriver, Engine};
use palisade_probe::FlowRecord;
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// Manifests: Namespaces, Pods and workloads, NetworkPolicies (`-` reads stdin).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Namespace of objects that name none.
    #[arg(long, short = 'n', default_value = "default", value_name = "NS")]
    pub namespace: String,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

pub fn run(args: CoverageArgs) -> Result<ExitCode> {
    let world = load_judged_world(&args.paths, &args.namespace)?;
    let rows = coverage(&world);
    let mut out = std::io::BufWriter::new(crate::stdout::Stdout::lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &to_json(&world, &rows))?;
            writeln!(out)?;
        }
        Format::Human => write_human(&mut out, &world, &rows)?,
    }
    out.flush()?;
    let gap = rows.iter().any(|c| !c.covered() || c.dns_blocked());
    Ok(if gap {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

/// The linter with the NETPOL rules' facts derived over its file set (and `flows`), when the
/// engine has any NETPOL rule.
pub fn with_netpol_rules(linter: Linter, engine: &Engine, flows: &[PathBuf]) -> Result<Linter> {
    let flows = if flows.is_empty() {
        Vec::new()
    } else {
        read_flows(flows)?
    };
    Ok(match netpol_deriver(engine, flows) {
        Some(deriver) => linter.with_deriver(deriver),
        None => linter,
    })
}

/// The NETPOL rules' deriver, when the engine has any NETPOL rule (the webhook's has no flows).
pub fn netpol_deriver(engine: &Engine, flows: Vec<FlowRecord>) -> Option<Arc<dyn Deriver>> {
    engine
        .rules()
        .any(|r| r.id.starts_with("NETPOL-"))
        .then(|| Arc::new(NetpolDeriver::new(flows)) as Arc<dyn Deriver>)
}

fn names(world: &World, policies: &[usize]) -> Vec<String> {
    policies.iter().map(|&i| world.policies[i].id()).collect()
}

fn to_json(world: &World, rows: &[WorkloadCoverage]) -> Value {
    let workloads: Vec<Value> = rows
        .iter()
        .map(|c| {
            let pod = &world.pods[c.pod];
            let side =
                |p: &[usize]| json!({"isolated": !p.is_empty(), "policies": names(world, p)});
            json!({
                "kind": pod.kind,
                "namespace": pod.namespace,
                "name": pod.name,
                "file": pod.origin.file,
                "line": pod.origin.line,
                "host_network": c.host_network,
                "ingress": side(&c.ingress),
                "egress": side(&c.egress),
                "dns": c.dns.map(|d| json!({"udp": d.udp, "tcp": d.tcp})),
                "covered": c.covered() && !c.dns_blocked(),
            })
        })
        .collect();
    json!({"workloads": workloads, "summary": summary(rows)})
}

fn summary(rows: &[WorkloadCoverage]) -> Value {
    let count = |f: &dyn Fn(&WorkloadCoverage) -> bool| rows.iter().filter(|c| f(c)).count();
    json!({
        "workloads": rows.len(),
        "ingress_isolated": count(&|c| !c.ingress.is_empty()),
        "egress_isolated": count(&|c| !c.egress.is_empty()),
        "not_covered": count(&|c| !c.covered()),
        "dns_blocked": count(&|c| c.dns_blocked()),
        "host_network": count(&|c| c.host_network),
    })
}

fn write_human(out: &mut impl Write, world: &World, rows: &[WorkloadCoverage]) -> Result<()> {
    let side = |c: &WorkloadCoverage, p: &[usize]| match (c.host_network, p.is_empty()) {
        (true, _) => "host network".to_string(),
        (false, true) => "-".to_string(),
        (false, false) => names(world, p).join(","),
    };
    let mut table = vec![[
        "WORKLOAD".to_string(),
        "INGRESS".into(),
        "EGRESS".into(),
        "DNS".into(),
        "WHERE".into(),
    ]];
    for c in rows {
        let pod = &world.pods[c.pod];
        let dns = match c.dns {
            None => String::new(),
            Some(d) if d.ok() => "ok".into(),
            Some(d) => format!("no {}", d.missing().join("+")),
        };
        table.push([
            format!("{}/{}/{}", pod.namespace, pod.kind, pod.name),
            side(c, &c.ingress),
            side(c, &c.egress),
            dns,
            pod.origin.to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            table
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &table {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    let s = summary(rows);
    writeln!(
        out,
        "{} workloads: {} isolated for ingress, {} for egress; {} not isolated in both directions, {} without DNS",
        s["workloads"],
        s["ingress_isolated"],
        s["egress_isolated"],
        s["not_covered"],
        s["dns_blocked"]
    )?;
    Ok(())
}
