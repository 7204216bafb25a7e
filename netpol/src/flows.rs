//! Reading observed flows: Palisade flow records (JSON lines, what `palisade probe` and
//! `palisade flows import` write), a MicroShield `flows.json` or a Hubble JSON export — told
//! apart by the first line's content. Captures from other tools are attributed and aggregated
//! by the probe crate's importer. A malformed line is an error naming the file and line.

use crate::error::NetpolError;
use palisade_probe::FlowRecord;
use palisade_probe::import::{ImportFormat, Importer, detect};
use std::io::BufRead;
use std::path::Path;

/// Most malformed lines listed in one error.
const LISTED_ERRORS: usize = 5;

/// What a flows file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowFormat {
    Records,
    MicroShield,
    Hubble,
}

/// Whether a JSON line is a Palisade flow record.
fn is_record(value: &serde_json::Value) -> bool {
    ["proto", "src", "dst", "count"]
        .iter()
        .all(|k| value.get(k).is_some())
}

/// The format of the file whose first non-empty line is `line`.
pub fn format_of(line: &str) -> Option<FlowFormat> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    if is_record(&value) {
        return Some(FlowFormat::Records);
    }
    match detect(&value)? {
        ImportFormat::MicroShield => Some(FlowFormat::MicroShield),
        _ => Some(FlowFormat::Hubble),
    }
}

/// Reads every file; records keep the order of the files and their lines (captures from
/// other tools come out aggregated, in the importer's order).
pub fn read_flows(paths: &[impl AsRef<Path>]) -> Result<Vec<FlowRecord>, NetpolError> {
    let mut out = Vec::new();
    for path in paths {
        read_file(path.as_ref(), &mut out)?;
    }
    Ok(out)
}

fn read_file(path: &Path, out: &mut Vec<FlowRecord>) -> Result<(), NetpolError> {
    let name = path.display().to_string();
    let io = |source| NetpolError::Io {
        path: name.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut lines = std::io::BufReader::new(file).lines();
    let mut number = 0usize;
    let first = loop {
        match lines.next() {
            None => return Ok(()),
            Some(line) => {
                number += 1;
                let line = line.map_err(io)?;
                if !line.trim().is_empty() {
                    break line;
                }
            }
        }
    };
    let bad = |message: String| NetpolError::Flows {
        path: name.clone(),
        message,
    };
    if first.trim_start().starts_with('[') {
        return Err(bad(
            "a JSON array; flows files are JSON lines (one flow record, MicroShield or Hubble event per line)".into(),
        ));
    }
    match format_of(&first) {
        Some(FlowFormat::Records) => {
            let mut errors = Vec::new();
            let mut parse = |n: usize, line: &str| match serde_json::from_str::<FlowRecord>(line) {
                Ok(record) => out.push(record),
                Err(e) => errors.push(format!("line {n}: not a flow record: {e}")),
            };
            parse(number, &first);
            for line in lines {
                number += 1;
                let line = line.map_err(io)?;
                if !line.trim().is_empty() {
                    parse(number, &line);
                }
            }
            if errors.is_empty() {
                Ok(())
            } else {
                Err(bad(summarise(&errors)))
            }
        }
        Some(FlowFormat::MicroShield | FlowFormat::Hubble) => {
            let mut importer = Importer::new(None);
            let mut errors = Vec::new();
            importer
                .import_file(path, ImportFormat::Auto, &mut |e| {
                    errors.push(format!("line {}: {}", e.line, e.message));
                })
                .map_err(|e| bad(e.to_string()))?;
            if !errors.is_empty() {
                return Err(bad(summarise(&errors)));
            }
            out.extend(importer.finish().0);
            Ok(())
        }
        None => Err(bad(format!(
            "line {number}: not a flow record, MicroShield flow or Hubble event"
        ))),
    }
}

fn summarise(errors: &[String]) -> String {
    let mut text = errors
        .iter()
        .take(LISTED_ERRORS)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if errors.len() > LISTED_ERRORS {
        text.push_str(&format!("; and {} more", errors.len() - LISTED_ERRORS));
    }
    text
}
