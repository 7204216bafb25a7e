//! `palisade netpol simulate --flows FILE… PATH…`: judges each observed flow against the
//! NetworkPolicies in PATH. Exit 0 when nothing would be blocked, 1 when anything would, 2 on
//! bad input.

use crate::cli::EXIT_FINDINGS;
use crate::netpol_cmd::{Format, load_judged_world};
use anyhow::Result;
use palisade_netpol::NetpolError;
use palisade_netpol::flows::for_each_chunk;
use palisade_netpol::judge::SideCheck;
use palisade_netpol::simulate::{FlowVerdict, SimulationSummary, Simulator};
use palisade_probe::{Endpoint, FlowRecord};
use rayon::prelude::*;
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
    let world = load_judged_world(&args.paths, &args.namespace)?;
    let mut simulator = Simulator::new(&world);
    let mut out = std::io::BufWriter::with_capacity(1 << 20, crate::stdout::Stdout::lock());
    let summary = match args.format {
        Format::Json => {
            out.write_all(b"{\"flows\":[")?;
            let ids: Vec<String> = simulator
                .policy_ids()
                .iter()
                .map(|id| serde_json::to_string(id).unwrap_or_default())
                .collect();
            let mut first = true;
            for_each_chunk(&args.flows, &mut |chunk| {
                let checks = simulator.check(&chunk.records);
                let lines: Vec<Vec<u8>> = (0..chunk.records.len())
                    .into_par_iter()
                    .map(|i| {
                        let line = chunk.lines.as_ref().and_then(|l| l.get(i));
                        json_line(&chunk.records[i], line, &checks[i], &ids)
                    })
                    .collect();
                for line in lines {
                    let sep: &[u8] = if first { b"\n" } else { b",\n" };
                    first = false;
                    out.write_all(sep)
                        .and_then(|()| out.write_all(&line))
                        .map_err(write_error)?;
                }
                Ok(())
            })?;
            let summary = simulator.summary.clone();
            writeln!(
                out,
                "\n],\"summary\":{}}}",
                serde_json::to_string(&summary)?
            )?;
            summary
        }
        Format::Human => {
            let mut rows = Vec::new();
            for_each_chunk(&args.flows, &mut |chunk| {
                let verdicts = simulator.judge(&chunk.records);
                rows.extend(chunk.records.into_iter().zip(verdicts));
                Ok(())
            })?;
            write_human(&mut out, &rows, &simulator.summary)?;
            simulator.summary.clone()
        }
    };
    out.flush()?;
    Ok(if summary.blocked > 0 {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_error(source: std::io::Error) -> NetpolError {
    NetpolError::Io {
        path: "stdout".into(),
        source,
    }
}

/// The flow record (its input line when there is one) with the verdict's fields added, on
/// one line: `verdict`, `blocked_by`, `policies` (`ids` are the policies' JSON strings).
fn json_line(
    flow: &FlowRecord,
    line: Option<&String>,
    check: &[SideCheck; 2],
    ids: &[String],
) -> Vec<u8> {
    let mut out = match line.map(|l| l.trim_end()).filter(|l| l.ends_with('}')) {
        Some(l) => l.as_bytes().to_vec(),
        None => serde_json::to_vec(flow).unwrap_or_else(|_| b"{}".to_vec()),
    };
    out.pop();
    let [egress, ingress] = check;
    let blocked = !(egress.allowed && ingress.allowed);
    let sep = if out.len() > 1 { "," } else { "" };
    out.extend_from_slice(sep.as_bytes());
    out.extend_from_slice(if blocked {
        br#""verdict":"blocked","blocked_by":["#
    } else {
        br#""verdict":"allowed","blocked_by":["#
    });
    let mut by = Vec::new();
    if !egress.allowed {
        by.push(r#""egress""#);
    }
    if !ingress.allowed {
        by.push(r#""ingress""#);
    }
    out.extend_from_slice(by.join(",").as_bytes());
    out.extend_from_slice(br#"],"policies":{"egress":["#);
    push_ids(&mut out, egress, ids);
    out.extend_from_slice(br#"],"ingress":["#);
    push_ids(&mut out, ingress, ids);
    out.extend_from_slice(b"]}}");
    out
}

fn push_ids(out: &mut Vec<u8>, side: &SideCheck, ids: &[String]) {
    for (n, &i) in side.policies.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(ids.get(i).map_or("\"?\"", String::as_str).as_bytes());
    }
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

fn write_human(
    out: &mut impl Write,
    rows: &[(FlowRecord, FlowVerdict)],
    s: &SimulationSummary,
) -> Result<()> {
    let mut groups: BTreeMap<String, Vec<(&FlowRecord, &FlowVerdict)>> = BTreeMap::new();
    for (flow, verdict) in rows {
        groups
            .entry(name(&flow.src))
            .or_default()
            .push((flow, verdict));
    }
    for (source, rows) in &groups {
        writeln!(out, "{source}")?;
        // Records that differ only in the node that saw them read as one line, with a count.
        let mut lines: BTreeMap<(bool, String), usize> = BTreeMap::new();
        for (flow, v) in rows {
            let port = flow.dst.port.map_or_else(|| "?".into(), |p| p.to_string());
            let mut why = Vec::new();
            for (direction, policies) in [
                ("egress", &v.policies.egress),
                ("ingress", &v.policies.ingress),
            ] {
                if v.blocked_by.contains(&direction) {
                    if policies.is_empty() {
                        why.push(format!("{direction} not allowed"));
                    } else {
                        why.push(format!("{direction} isolated by {}", policies.join(", ")));
                    }
                }
            }
            let why = if why.is_empty() {
                String::new()
            } else {
                format!("  ({})", why.join("; "))
            };
            let line = format!(
                "{:<8} → {} {}/{port}{why}",
                v.verdict,
                name(&flow.dst),
                flow.proto
            );
            *lines.entry((v.blocked(), line)).or_default() += 1;
        }
        for ((_, line), n) in lines.iter().rev() {
            if *n > 1 {
                writeln!(out, "  {line}  [{n} records]")?;
            } else {
                writeln!(out, "  {line}")?;
            }
        }
    }
    writeln!(
        out,
        "{} flows: {} allowed, {} blocked",
        s.flows, s.allowed, s.blocked
    )?;
    Ok(())
}
