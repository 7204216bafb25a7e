//! `palisade flows import`: flow captures from other tools → flow records. Each input line is
//! one observation; observations are attributed (labels → workload, or the inventory) and
//! aggregated exactly like the probe's. Malformed lines are reported with their line number
//! and skipped; lines that are valid but not flows to record (Hubble replies, drops, ICMP)
//! are counted as ignored.

pub mod hubble;
pub mod microshield;

use crate::aggregate::{Aggregator, FlowKey, PeerKey};
use crate::error::ImportError;
use crate::inventory::owners::{workload_from_labels, workload_labels};
use crate::inventory::{Inventory, Owned};
use crate::record::{Endpoint, FlowRecord, Proto};
use chrono::{DateTime, Utc};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Flows held at most while importing.
const MAX_IMPORTED_FLOWS: usize = 1_000_000;

/// Input format of `flows import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// MicroShield `flows.json` (JSON lines with `tuple`, `src`, `dst`).
    MicroShield,
    /// `hubble observe -o json` (JSON lines, each a flow or `{"flow": …}`).
    Hubble,
    /// Decide per file from its first JSON line.
    Auto,
}

impl FromStr for ImportFormat {
    type Err = ImportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "microshield" => Ok(Self::MicroShield),
            "hubble" => Ok(Self::Hubble),
            "auto" => Ok(Self::Auto),
            _ => Err(ImportError::FormatName(s.to_owned())),
        }
    }
}

/// One connection or packet event read from a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub time: DateTime<Utc>,
    pub node: String,
    pub proto: Proto,
    pub src: Endpoint,
    /// Destination with `port` and, when known, `service`.
    pub dst: Endpoint,
    /// Connections this observation stands for (0 for mid-connection packets).
    pub connections: u64,
}

/// What parsing one line gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOutcome {
    Flow(Box<Observation>),
    /// Valid, but not a flow to record; the reason is counted.
    Ignored(&'static str),
}

/// A line that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub path: PathBuf,
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// Totals of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub lines: u64,
    pub imported: u64,
    pub malformed: u64,
    /// Ignored lines by reason.
    pub ignored: Vec<(&'static str, u64)>,
    pub dropped: u64,
}

/// Reads captures and aggregates them into flow records.
#[derive(Debug)]
pub struct Importer<'a> {
    inventory: Option<&'a Inventory>,
    aggregator: Aggregator,
    summary: ImportSummary,
}

impl<'a> Importer<'a> {
    /// An importer that attributes with `inventory` when given.
    pub fn new(inventory: Option<&'a Inventory>) -> Self {
        Self {
            inventory,
            aggregator: Aggregator::new(MAX_IMPORTED_FLOWS),
            summary: ImportSummary::default(),
        }
    }

    /// Imports one file; each malformed line is passed to `on_error` and skipped.
    pub fn import_file(
        &mut self,
        path: &Path,
        format: ImportFormat,
        on_error: &mut dyn FnMut(&LineError),
    ) -> Result<(), ImportError> {
        let read_error = |source| ImportError::Read {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read_error)?;
        let mut format = format;
        for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(read_error)?;
            let number = index as u64 + 1;
            if line.trim().is_empty() {
                continue;
            }
            self.summary.lines += 1;
            let value: serde_json::Value = match serde_json::from_str(&line) {
                Ok(value) => value,
                Err(err) => {
                    self.malformed(path, number, format!("not JSON: {err}"), on_error);
                    continue;
                }
            };
            if format == ImportFormat::Auto {
                format = detect(&value).ok_or_else(|| ImportError::UnknownFormat {
                    path: path.to_owned(),
                })?;
            }
            let parsed = match format {
                ImportFormat::Hubble => hubble::parse_line(&value),
                _ => microshield::parse_line(&value),
            };
            match parsed {
                Ok(LineOutcome::Flow(observation)) => self.add(*observation),
                Ok(LineOutcome::Ignored(reason)) => self.ignore(reason),
                Err(message) => self.malformed(path, number, message, on_error),
            }
        }
        Ok(())
    }

    fn malformed(
        &mut self,
        path: &Path,
        line: u64,
        message: String,
        on_error: &mut dyn FnMut(&LineError),
    ) {
        self.summary.malformed += 1;
        on_error(&LineError {
            path: path.to_owned(),
            line,
            message,
        });
    }

    fn ignore(&mut self, reason: &'static str) {
        match self.summary.ignored.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.summary.ignored.push((reason, 1)),
        }
    }

    /// Attributes and aggregates one observation.
    pub fn add(&mut self, mut observation: Observation) {
        enrich(&mut observation.src, self.inventory);
        enrich(&mut observation.dst, self.inventory);
        if observation.dst.service.is_none() {
            let service = self
                .inventory
                .zip(observation.dst.ip)
                .and_then(|(i, ip)| i.service_at(&ip).cloned());
            observation.dst.service = service.map(|s| s.to_string());
        }
        let key = FlowKey {
            node: observation.node.as_str().into(),
            proto: observation.proto,
            src: PeerKey::of(&observation.src),
            dst: PeerKey::of(&observation.dst),
            service: observation.dst.service.as_deref().map(Into::into),
            dst_port: observation.dst.port.unwrap_or(0),
        };
        let Observation {
            src,
            dst,
            time,
            connections,
            ..
        } = observation;
        self.aggregator
            .observe(key, time, connections, || (src, dst));
        self.summary.imported += 1;
    }

    /// The aggregated records (sorted, `ts` = `last_seen`) and the totals.
    pub fn finish(self) -> (Vec<FlowRecord>, ImportSummary) {
        let mut summary = self.summary;
        summary.dropped = self.aggregator.dropped();
        let mut records = self.aggregator.snapshot(Utc::now());
        for record in &mut records {
            record.ts = record.last_seen.clone();
        }
        (records, summary)
    }
}

/// Guesses the format from one parsed line.
pub fn detect(value: &serde_json::Value) -> Option<ImportFormat> {
    if value.get("tuple").is_some() {
        Some(ImportFormat::MicroShield)
    } else if ["flow", "IP", "l4", "verdict"]
        .iter()
        .any(|k| value.get(k).is_some())
    {
        Some(ImportFormat::Hubble)
    } else {
        None
    }
}

/// Completes an endpoint from the inventory (by pod name, else by IP), else infers its
/// workload from its labels; per-instance labels are removed either way.
fn enrich(endpoint: &mut Endpoint, inventory: Option<&Inventory>) {
    if let Some(inventory) = inventory {
        let by_name = match (&endpoint.namespace, &endpoint.pod) {
            (Some(ns), Some(pod)) => inventory.pod_named(ns, pod),
            _ => None,
        };
        let owner = match (by_name, endpoint.ip) {
            (Some(pod), _) => Owned::Pod(pod),
            (None, Some(ip)) if endpoint.pod.is_none() && endpoint.host.is_none() => {
                inventory.owner_of(&ip)
            }
            _ => Owned::Unknown,
        };
        match owner {
            Owned::Pod(pod) => {
                endpoint.pod = Some(pod.name.to_string());
                endpoint.namespace = Some(pod.namespace.to_string());
                endpoint.workload = pod.workload.as_ref().map(|w| w.to_string());
                endpoint.labels = pod.labels.clone();
                return;
            }
            Owned::Host(node) => endpoint.host = Some(node.to_string()),
            Owned::Unknown => {}
        }
    }
    if endpoint.workload.is_none()
        && let Some(pod) = &endpoint.pod
    {
        endpoint.workload = workload_from_labels(pod, &endpoint.labels);
    }
    endpoint.labels = workload_labels(&endpoint.labels);
}
