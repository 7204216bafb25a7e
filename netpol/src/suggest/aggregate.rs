//! Observed flows aggregated into connections: one per source party, destination party,
//! protocol and destination (server) port — the port is part of the key, so two ports to one
//! peer stay two connections, and the client's ephemeral source port is never looked at.

use super::party::{Party, party_of};
use crate::cidr::Cidr;
use crate::resolve::Resolver;
use crate::world::World;
use palisade_probe::record::parse_time;
use palisade_probe::{FlowRecord, Proto};
use std::collections::{BTreeMap, BTreeSet};

/// All observed traffic from one party to another on one protocol and server port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub src: Party,
    pub dst: Party,
    pub proto: Proto,
    /// The destination port (None: the record gave none).
    pub port: Option<u16>,
    /// Connections observed, summed over the records.
    pub count: u64,
    /// Records aggregated.
    pub records: usize,
    /// Earliest `first_seen` and latest `last_seen` of the records, as written there.
    pub first_seen: String,
    pub last_seen: String,
    first_ms: Option<i64>,
    last_ms: Option<i64>,
}

impl Connection {
    /// `src → dst PROTO/port`.
    pub fn describe(&self) -> String {
        let port = self.port.map_or_else(|| "*".into(), |p| p.to_string());
        format!("{} → {} {}/{port}", self.src, self.dst, self.proto)
    }

    /// Milliseconds between the first and last sighting (0 when the times cannot be read).
    pub fn span_ms(&self) -> (Option<i64>, Option<i64>) {
        (self.first_ms, self.last_ms)
    }
}

/// Connections, in a deterministic order, and what could not be made into one.
#[derive(Debug, Clone, Default)]
pub struct Aggregate {
    pub connections: Vec<Connection>,
    pub warnings: Vec<String>,
}

/// Resolves and aggregates `flows` against `world` (endpoints resolve exactly as
/// `simulate` resolves them); addresses inside one of `summaries` become that block.
pub fn aggregate(world: &World, flows: &[FlowRecord], summaries: &[Cidr]) -> Aggregate {
    let mut resolver = Resolver::new(world);
    let mut by_key: BTreeMap<(Party, Party, Proto, Option<u16>), Connection> = BTreeMap::new();
    let mut warnings = BTreeSet::new();
    for flow in flows {
        let src = resolver.resolve(world, &flow.src);
        let dst = resolver.resolve(world, &flow.dst);
        if let Some(service) = &flow.dst.service {
            note_selectorless(world, service, &mut warnings);
        }
        let made = resolver.made();
        let (src, dst) = match (
            party_of(world, made, src, summaries),
            party_of(world, made, dst, summaries),
        ) {
            (Ok(s), Ok(d)) => (s, d),
            (Err(why), _) | (_, Err(why)) => {
                warnings.insert(format!("a flow left out: {why}"));
                continue;
            }
        };
        let first_ms = parse_time(&flow.first_seen).map(|t| t.timestamp_millis());
        let last_ms = parse_time(&flow.last_seen).map(|t| t.timestamp_millis());
        let key = (src.clone(), dst.clone(), flow.proto, flow.dst.port);
        let entry = by_key.entry(key).or_insert_with(|| Connection {
            src,
            dst,
            proto: flow.proto,
            port: flow.dst.port,
            count: 0,
            records: 0,
            first_seen: flow.first_seen.clone(),
            last_seen: flow.last_seen.clone(),
            first_ms,
            last_ms,
        });
        entry.count += flow.count;
        entry.records += 1;
        if first_ms.is_some() && (entry.first_ms.is_none() || first_ms < entry.first_ms) {
            entry.first_ms = first_ms;
            entry.first_seen = flow.first_seen.clone();
        }
        if last_ms > entry.last_ms {
            entry.last_ms = last_ms;
            entry.last_seen = flow.last_seen.clone();
        }
    }
    Aggregate {
        connections: by_key.into_values().collect(),
        warnings: warnings.into_iter().collect(),
    }
}

/// A Service without a selector selects no pod: a rule "to its pods" would allow nothing, and
/// an empty `{}` selector would allow every pod. Say so once per Service.
fn note_selectorless(world: &World, service: &str, warnings: &mut BTreeSet<String>) {
    let Some((ns, name)) = service.split_once('/') else {
        return;
    };
    if world
        .services
        .iter()
        .any(|s| s.namespace == ns && s.name == name && s.selector.is_none())
    {
        warnings.insert(format!(
            "Service {service} has no selector: it selects no pod, so a rule selecting its pods would allow nothing; its flows are allowed by their addresses (ipBlock), or left out when they carry none"
        ));
    }
}
