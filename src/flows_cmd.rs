//! `palisade flows import FILE…`: MicroShield `flows.json` and Hubble JSON captures → flow
//! records (JSON lines) on stdout. Malformed lines are reported on stderr with their file and
//! line number and skipped; a summary follows. Exit 0, or 2 when a file cannot be read.

use anyhow::Result;
use palisade_probe::import::{ImportFormat, Importer};
use palisade_probe::inventory::Inventory;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct FlowsArgs {
    #[command(subcommand)]
    pub command: FlowsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum FlowsCommand {
    /// Convert flow captures from other tools into Palisade flow records.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Capture files (JSON lines).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Capture format; `auto` decides per file from its first line.
    #[arg(long, value_name = "FORMAT", default_value = "auto", value_parser = ["microshield", "hubble", "auto"])]
    pub from: String,
    /// Attribute addresses and pods with this inventory
    /// (`kubectl get pods,services,replicasets -A -o yaml`) instead of the capture's labels.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
}

pub fn run(args: FlowsArgs) -> Result<ExitCode> {
    match args.command {
        FlowsCommand::Import(args) => import(args),
    }
}

fn import(args: ImportArgs) -> Result<ExitCode> {
    let format: ImportFormat = args.from.parse()?;
    let inventory = args.inventory.as_deref().map(Inventory::load).transpose()?;
    let mut importer = Importer::new(inventory.as_ref());
    let mut report =
        |e: &palisade_probe::import::LineError| eprintln!("palisade: {e} (line skipped)");
    for file in &args.files {
        importer.import_file(file, format, &mut report)?;
    }
    let (records, summary) = importer.finish();
    let mut out = std::io::BufWriter::new(crate::stdout::Stdout::lock());
    for record in &records {
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    let ignored: Vec<String> = summary
        .ignored
        .iter()
        .map(|(why, n)| format!("{n} {why}"))
        .collect();
    eprintln!(
        "palisade: {} flow records from {} of {} lines; {} malformed lines skipped{}{}",
        records.len(),
        summary.imported,
        summary.lines,
        summary.malformed,
        if ignored.is_empty() {
            String::new()
        } else {
            format!("; ignored: {}", ignored.join(", "))
        },
        if summary.dropped > 0 {
            format!("; {} dropped (too many flows)", summary.dropped)
        } else {
            String::new()
        },
    );
    Ok(ExitCode::SUCCESS)
}
