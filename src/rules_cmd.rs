//! `palisade rules`: the rule catalogue, as a table or JSON.

use crate::cli::RulesArgs;
use crate::setup::engine_and_config;
use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: RulesArgs) -> Result<ExitCode> {
    let (engine, _config) = engine_and_config(&args.policy)?;
    let rules: Vec<_> = engine.rules().collect();
    let mut out = std::io::BufWriter::new(crate::stdout::Stdout::lock());
    if args.format == "json" {
        serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "rules": rules }))?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let id_w = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    writeln!(
        out,
        "{:<id_w$}  {:<8}  {:<10}  TITLE  [KINDS]",
        "ID", "SEVERITY", "LEVEL"
    )?;
    for r in &rules {
        let level = r.pss_level.map(|l| l.as_str()).unwrap_or("-");
        let kinds = if r.kinds.is_empty() {
            "*".to_string()
        } else {
            r.kinds.join(",")
        };
        writeln!(
            out,
            "{:<id_w$}  {:<8}  {:<10}  {}  [{kinds}]",
            r.id,
            r.severity.as_str(),
            level,
            r.title
        )?;
    }
    writeln!(out, "{} rules", rules.len())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
