//! `palisade netpol simulate --flows FILE… PATH…`: judges each observed flow against the
//! NetworkPolicies in PATH. Exit 0 when nothing would be blocked, 1 when anything would, 2 on
//! bad input.

use crate::cli::EXIT_FINDINGS;
use crate::netpol_cmd::{Format, load_world};
use anyhow::Result;
use palisade_netpol::flows::read_flows;
use palisade_netpol::simulate::{FlowVerdict, Simulation, simulate};
use palisade_probe::{Endpoint, FlowRecord};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Observed flows: flow records, a MicroShield flows.json or a Hubble JSON export. Repeatable.
    #[arg(long = "flows", value_name = "FILE", required = true)]
    pub flows: Vec<PathBuf>,
    /// Manifests: Namespaces, Pods and workloads, Services, NetworkPolicies (`-` reads stdin).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Namespace of objects that name none.
    #[arg(long, short = 'n', default_value = "default", value_name = "NS")]
    pub namespace: String,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

pub fn run(args: SimulateArgs) -> Result<ExitCode> {
    let world = load_world(&args.paths, &args.namespace)?;
    let flows = read_flows(&args.flows)?;
    let simulation = simulate(world, &flows);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => write_json(&mut out, &flows, &simulation)?,
        Format::Human => write_human(&mut out, &flows, &simulation)?,
    }
    out.flush()?;
    Ok(if simulation.summary.blocked > 0 {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_json(out: &mut impl Write, flows: &[FlowRecord], sim: &Simulation) -> Result<()> {
    let items: Vec<serde_json::Value> = flows
        .iter()
        .zip(&sim.verdicts)
        .map(|(flow, verdict)| {
            let mut value = serde_json::to_value(flow)?;
            if let (Some(map), serde_json::Value::Object(extra)) =
                (value.as_object_mut(), serde_json::to_value(verdict)?)
            {
                map.extend(extra);
            }
            Ok(value)
        })
        .collect::<Result<_, serde_json::Error>>()?;
    let doc = serde_json::json!({"flows": items, "summary": sim.summary});
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

/// `ns/Kind/name`, or the address of an endpoint outside the cluster.
fn name(end: &Endpoint) -> String {
    let who = end
        .workload
        .clone()
        .or_else(|| end.pod.as_ref().map(|p| format!("Pod/{p}")))
        .or_else(|| end.service.as_ref().map(|s| format!("Service/{s}")));
    match (&end.namespace, who) {
        (Some(ns), Some(who)) => format!("{ns}/{who}"),
        (None, Some(who)) => who,
        _ => match (&end.host, end.ip) {
            (Some(host), _) => format!("node {host}"),
            (None, Some(ip)) => ip.to_string(),
            (None, None) => "?".into(),
        },
    }
}

fn write_human(out: &mut impl Write, flows: &[FlowRecord], sim: &Simulation) -> Result<()> {
    let mut groups: BTreeMap<String, Vec<(&FlowRecord, &FlowVerdict)>> = BTreeMap::new();
    for (flow, verdict) in flows.iter().zip(&sim.verdicts) {
        groups
            .entry(name(&flow.src))
            .or_default()
            .push((flow, verdict));
    }
    for (source, rows) in &groups {
        writeln!(out, "{source}")?;
        for (flow, v) in rows {
            let port = flow.dst.port.map_or_else(|| "?".into(), |p| p.to_string());
            let why = if v.blocked_by.is_empty() {
                String::new()
            } else {
                let mut parts = Vec::new();
                if !v.policies.egress.is_empty() && v.blocked_by.contains(&"egress") {
                    parts.push(format!(
                        "egress isolated by {}",
                        v.policies.egress.join(", ")
                    ));
                }
                if !v.policies.ingress.is_empty() && v.blocked_by.contains(&"ingress") {
                    parts.push(format!(
                        "ingress isolated by {}",
                        v.policies.ingress.join(", ")
                    ));
                }
                format!("  ({})", parts.join("; "))
            };
            writeln!(
                out,
                "  {:<8} → {} {}/{port}{why}",
                v.verdict,
                name(&flow.dst),
                flow.proto
            )?;
        }
    }
    let s = &sim.summary;
    writeln!(
        out,
        "{} flows: {} allowed, {} blocked",
        s.flows, s.allowed, s.blocked
    )?;
    Ok(())
}
