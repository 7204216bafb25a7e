//! Reading observed flows: Palisade flow records (JSON lines, what `palisade probe` and
//! `palisade flows import` write), a MicroShield `flows.json` or a Hubble JSON export — told
//! apart by the first line's content. Captures from other tools are attributed and aggregated
//! by the probe crate's importer. A malformed line is an error naming the file and line.

use crate::error::NetpolError;
use palisade_probe::FlowRecord;
use palisade_probe::import::{ImportFormat, Importer, detect};
use rayon::prelude::*;
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

/// Flow records handed to a consumer at a time.
pub const CHUNK: usize = 16_384;

/// Flow records read together, with the JSON lines they were parsed from when the file held
/// flow records (captures from other tools have none: their records are aggregated).
#[derive(Debug, Default)]
pub struct Chunk {
    pub records: Vec<FlowRecord>,
    pub lines: Option<Vec<String>>,
}

/// A consumer of chunks.
pub type Consume<'a> = dyn FnMut(Chunk) -> Result<(), NetpolError> + 'a;

/// Reads every file; records keep the order of the files and their lines (captures from
/// other tools come out aggregated, in the importer's order).
pub fn read_flows(paths: &[impl AsRef<Path>]) -> Result<Vec<FlowRecord>, NetpolError> {
    let mut out = Vec::new();
    for_each_chunk(paths, &mut |chunk| {
        out.extend(chunk.records);
        Ok(())
    })?;
    Ok(out)
}

/// Streams the flows of every file to `consume` in chunks of at most [`CHUNK`] records, in
/// order, parsing each chunk's lines in parallel; memory stays bounded by a chunk (captures
/// from other tools: by their aggregated flows). The first chunk with a malformed line ends
/// the read with an error naming the lines.
pub fn for_each_chunk(
    paths: &[impl AsRef<Path>],
    consume: &mut Consume<'_>,
) -> Result<(), NetpolError> {
    for path in paths {
        read_file(path.as_ref(), consume)?;
    }
    Ok(())
}

fn read_file(path: &Path, consume: &mut Consume<'_>) -> Result<(), NetpolError> {
    let name = path.display().to_string();
    let io = |source| NetpolError::Io {
        path: name.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut lines = std::io::BufReader::with_capacity(1 << 20, file).lines();
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
            let mut batch = vec![(number, first)];
            let mut done = false;
            while !done {
                match lines.next() {
                    Some(line) => {
                        number += 1;
                        let line = line.map_err(io)?;
                        if !line.trim().is_empty() {
                            batch.push((number, line));
                        }
                    }
                    None => done = true,
                }
                if batch.len() >= CHUNK || (done && !batch.is_empty()) {
                    let records = parse_batch(&batch).map_err(|errors| bad(summarise(&errors)))?;
                    let lines = std::mem::take(&mut batch)
                        .into_iter()
                        .map(|(_, l)| l)
                        .collect();
                    consume(Chunk {
                        records,
                        lines: Some(lines),
                    })?;
                }
            }
            Ok(())
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
            let records = importer.finish().0;
            for chunk in records.chunks(CHUNK) {
                consume(Chunk {
                    records: chunk.to_vec(),
                    lines: None,
                })?;
            }
            Ok(())
        }
        None => Err(bad(format!(
            "line {number}: not a flow record, MicroShield flow or Hubble event"
        ))),
    }
}

/// Parses numbered lines in parallel; every malformed line is reported.
fn parse_batch(batch: &[(usize, String)]) -> Result<Vec<FlowRecord>, Vec<String>> {
    let parsed: Vec<Result<FlowRecord, String>> = batch
        .par_iter()
        .map(|(n, line)| {
            serde_json::from_str::<FlowRecord>(line)
                .map_err(|e| format!("line {n}: not a flow record: {e}"))
        })
        .collect();
    let errors: Vec<String> = parsed
        .iter()
        .filter_map(|r| r.as_ref().err().cloned())
        .collect();
    if errors.is_empty() {
        Ok(parsed.into_iter().filter_map(Result::ok).collect())
    } else {
        Err(errors)
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
