//! `palisade netpol apply --flows FILE… [PATH…] [--dry-run]`: the policies `netpol suggest` makes,
//! server-side applied with field manager `palisade`. Each policy's diff against what the cluster
//! holds comes first, then a kubectl-style line (`… created`, `configured`, `unchanged`); a
//! policy already there and equal is left alone. `--dry-run` asks the API server to dry-run the
//! applies (`dryRun=All`): it validates them and changes nothing. A policy the API server refuses
//! is reported and the others are still applied; the exit code is then 2.

use crate::netpol_suggest::PlanArgs;
use anyhow::{Context, Result};
use palisade_cluster::apply::{Applied, Change, apply_network_policy};
use palisade_cluster::{client, resolve};
use palisade_linter::{SourceFile, parse_file};
use palisade_netpol::suggest::render;
use serde_json::Value;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Have the API server dry-run the applies: validated, nothing changed.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub cluster: crate::cli::ClusterArgs,
}

pub fn run(args: ApplyArgs) -> Result<ExitCode> {
    let planned = args.plan.planned()?;
    let mut policies: Vec<Value> = Vec::new();
    planned.each(&mut |plan| {
        policies.push(object_of(&render::policy(&plan)).map_err(std::io::Error::other)?);
        Ok(())
    })?;
    if policies.is_empty() {
        eprintln!("palisade: note: no policy to apply");
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let settings = args.cluster.settings();
    let mut out = std::io::stdout().lock();
    let failed = runtime.block_on(async {
        let (config, origin) = resolve(&settings).await?;
        let client = client(config)?;
        eprintln!("palisade: applying through {origin}");
        let mut failed = 0;
        for policy in &policies {
            match apply_network_policy(&client, policy, args.dry_run).await {
                Ok(applied) => report(&mut out, &applied, args.dry_run)?,
                Err(e) => {
                    failed += 1;
                    eprintln!("palisade: error: {e}");
                }
            }
        }
        anyhow::Ok(failed)
    })?;
    if failed > 0 {
        eprintln!(
            "palisade: {failed} of {} policies not applied",
            policies.len()
        );
        return Ok(ExitCode::from(crate::cli::EXIT_INPUT));
    }
    Ok(ExitCode::SUCCESS)
}

/// The object of one rendered policy (the YAML `netpol suggest` prints, read back).
fn object_of(text: &str) -> Result<Value, String> {
    let source = SourceFile {
        name: "suggested policy".into(),
        text: text.to_string(),
    };
    let file = parse_file(&source).map_err(|e| e.to_string())?;
    file.objects
        .first()
        .and_then(|o| file.value(o))
        .cloned()
        .ok_or_else(|| format!("a suggested policy that is not an object:\n{text}"))
}

/// The diff of a policy that changes, and kubectl's line for it.
fn report(out: &mut dyn Write, applied: &Applied, dry_run: bool) -> std::io::Result<()> {
    let id = format!("{}/{}", applied.namespace, applied.name);
    if applied.change != Change::Unchanged {
        let before = applied.before.as_ref().map(yaml).unwrap_or_default();
        let after = yaml(&applied.after);
        let diff = similar::TextDiff::from_lines(&before, &after);
        let old = match applied.before {
            Some(_) => format!("{id} (cluster)"),
            None => "/dev/null".to_string(),
        };
        write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&old, &format!("{id} (suggested)"))
        )?;
    }
    let suffix = if dry_run { " (server dry run)" } else { "" };
    writeln!(
        out,
        "networkpolicy.networking.k8s.io/{} {}{suffix}",
        applied.name,
        applied.change.as_str()
    )?;
    out.flush()
}

/// A JSON value as block YAML, keys in the order they come (for a diff, not to be read back).
fn yaml(value: &Value) -> String {
    let mut out = String::new();
    block(&mut out, value, 0);
    out
}

fn block(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", render::scalar(k)));
                        block(out, v, indent + 2);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", render::scalar(k)));
                        block(out, v, indent);
                    }
                    _ => out.push_str(&format!("{pad}{}: {}\n", render::scalar(k), inline(v))),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                let mut inner = String::new();
                match item {
                    Value::Object(m) if !m.is_empty() => block(&mut inner, item, indent + 2),
                    Value::Array(a) if !a.is_empty() => block(&mut inner, item, indent + 2),
                    _ => inner = format!("{pad}  {}\n", inline(item)),
                }
                // The first line of the item follows its dash.
                let body = inner.get(indent + 2..).unwrap_or_default();
                out.push_str(&format!("{pad}- {body}"));
            }
        }
        other => out.push_str(&format!("{pad}{}\n", inline(other))),
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::String(s) => render::scalar(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_for_a_diff_nests_lists_of_objects_under_their_dash() {
        let v = json!({"spec": {"podSelector": {}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"port": 80, "protocol": "TCP"}]}], "policyTypes": ["Ingress"]}});
        assert_eq!(
            yaml(&v),
            "spec:\n  podSelector: {}\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: web\n    ports:\n    - port: 80\n      protocol: TCP\n  policyTypes:\n  - Ingress\n"
        );
    }

    #[test]
    fn a_rendered_policy_reads_back_as_its_object() {
        let text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n  ingress: []\n";
        let v = object_of(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v["metadata"]["namespace"], "shop");
        assert_eq!(v["spec"]["ingress"], json!([]));
    }
}
