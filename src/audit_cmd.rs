//! `palisade audit`: the objects already in a cluster, judged as `palisade lint` judges
//! manifests (same rules, configuration, verdict and output formats; exit 0 clean, 1 findings,
//! 2 error). The inventory kinds (namespaces, RBAC, service accounts, NetworkPolicies, Services)
//! are read first, whole; then every judged kind is read a page at a time (`--page-size`) and each
//! page is judged and dropped before the next is asked for, so memory holds the inventory, one
//! page and the findings — never the cluster.
//!
//! With `--write-reports` the findings also go into the cluster as wg-policy reports
//! (`policy_reports`).
//!
//! Each object is reported as `kind/namespace/name` (`kind/name` when cluster-scoped); a
//! finding's line and column are those of `kubectl get KIND NAME -n NAMESPACE -o json`.

use crate::cli::{ClusterArgs, PolicyArgs, ReportArgs};
use crate::progress::Progress;
use crate::setup::engine_and_config;
use anyhow::{Context, Result};
use palisade_linter::{Input, Linter, Report, SourceFile, Summary};
use serde::Serialize;
use serde_json::{Map, Value};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Objects per list request.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub page_size: u32,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Also write the findings into the cluster as wg-policy reports: a PolicyReport
    /// `palisade-audit` per namespace, a ClusterPolicyReport for cluster-scoped objects.
    #[arg(long)]
    pub write_reports: bool,
    /// With --write-reports: results per report at most (the most severe kept, the rest
    /// summarised in one result).
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u32).range(2..=5000))]
    pub max_report_results: u32,
}

pub fn run(args: AuditArgs) -> Result<ExitCode> {
    crate::report_out::format(&args.report)?;
    let (engine, mut config) = engine_and_config(&args.policy)?;
    if let Some(fail_on) = args.report.fail_on {
        config.settings.fail_on = fail_on;
    }
    let settings = args.cluster.settings();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let mut report = Report::default();
    let mut errors: Vec<String> = Vec::new();
    runtime.block_on(async {
        let (client_config, origin) = palisade_cluster::resolve(&settings).await?;
        let client = palisade_cluster::client(client_config)?;
        if !args.report.quiet {
            eprintln!("palisade: auditing through {origin}");
        }
        let mut inventory = Vec::new();
        for watched in palisade_cluster::kinds::watched() {
            palisade_cluster::list::list_pages(
                &client,
                &watched.resource,
                args.page_size,
                &mut |page| inventory.extend(page),
            )
            .await?;
        }
        let linter = crate::netpol_coverage::with_netpol_rules(
            Linter::new(engine.clone(), config),
            &engine,
            &[],
        )?
        .with_preset(inventory);
        let progress = Progress::start(!args.report.quiet);
        for resource in palisade_cluster::list::audited() {
            palisade_cluster::list::list_pages(&client, &resource, args.page_size, &mut |page| {
                let inputs = page
                    .into_iter()
                    .map(|o| Input::Source(source(&o)))
                    .collect();
                let run = linter.lint_inputs(inputs, &progress.done);
                errors.extend(run.errors.iter().map(ToString::to_string));
                report.findings.extend(run.report.findings);
                report.objects.extend(run.report.objects);
                if report.rules.is_empty() {
                    report.rules = run.report.rules;
                }
            })
            .await?;
        }
        drop(progress);
        if args.write_reports {
            let reports = crate::policy_reports::build(
                &report,
                args.max_report_results as usize,
                &palisade_cluster::list::api_version,
                std::time::SystemTime::now(),
            );
            let written = palisade_cluster::reports::write_reports(
                &client,
                crate::policy_reports::REPORT_NAME,
                &reports,
                &crate::policy_reports::emptied,
            )
            .await?;
            if !args.report.quiet {
                eprintln!("palisade: {} wg-policy reports written", written.len());
            }
        }
        anyhow::Ok(())
    })?;
    // Read from a cluster: no files.
    report.summary = Summary::of(0, &report.objects, &report.findings);
    crate::report_out::write(&report, &args.report, false)?;
    Ok(crate::report_out::exit_code(&report, &errors))
}

/// One object as a source: named `kind/namespace/name`, its text as `kubectl get -o json` prints
/// it (apiVersion and kind first, four-space indentation), so lines and columns point there.
fn source(object: &Value) -> SourceFile {
    let text = |p: &str| {
        object
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let kind = text("/kind").to_ascii_lowercase();
    let name = match text("/metadata/namespace") {
        "" => format!("{kind}/{}", text("/metadata/name")),
        ns => format!("{kind}/{ns}/{}", text("/metadata/name")),
    };
    SourceFile {
        name,
        text: kubectl_json(object),
    }
}

/// `kubectl get -o json`'s layout of an object.
pub fn kubectl_json(object: &Value) -> String {
    let mut ordered = Map::new();
    if let Value::Object(map) = object {
        for key in ["apiVersion", "kind"] {
            if let Some(v) = map.get(key) {
                ordered.insert(key.into(), v.clone());
            }
        }
        for (k, v) in map {
            if k != "apiVersion" && k != "kind" {
                ordered.insert(k.clone(), v.clone());
            }
        }
    }
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    let _ = Value::Object(ordered).serialize(&mut ser);
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
}
