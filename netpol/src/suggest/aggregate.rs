//! Observed flows aggregated into connections: one per source party, destination party,
//! protocol and destination (server) port — the port is part of the key, so two ports to one
//! peer stay two connections, and the client's ephemeral source port is never looked at.
//!
//! Records stream through an [`Aggregator`] a chunk at a time; parties are interned (every
//! connection shares its ends), so memory grows with the distinct connections, not with the
//! records.

use super::party::{Party, party_of};
use crate::cidr::Cidr;
use crate::resolve::{Resolved, Resolver};
use crate::world::World;
use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use palisade_probe::record::{format_time, parse_time};
use palisade_probe::{FlowRecord, Proto};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::hash::BuildHasher;
use std::sync::Arc;

/// All observed traffic from one party to another on one protocol and server port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub src: Arc<Party>,
    pub dst: Arc<Party>,
    /// Indices of `src` and `dst` in [`Aggregate::parties`].
    pub src_id: u32,
    pub dst_id: u32,
    pub proto: Proto,
    /// The destination port (None: the record gave none).
    pub port: Option<u16>,
    /// Records aggregated.
    pub records: u32,
    /// Connections observed, summed over the records.
    pub count: u64,
    /// Earliest `first_seen` and latest `last_seen` of the records, ms since the epoch
    /// (`i64::MAX` and `i64::MIN` while no record's time could be read).
    first_ms: i64,
    last_ms: i64,
}

impl Connection {
    /// `src → dst PROTO/port`.
    pub fn describe(&self) -> String {
        let port = self.port.map_or_else(|| "*".into(), |p| p.to_string());
        format!("{} → {} {}/{port}", self.src, self.dst, self.proto)
    }

    /// Milliseconds since the epoch of the first and last sighting.
    pub fn span_ms(&self) -> (Option<i64>, Option<i64>) {
        (
            (self.first_ms != i64::MAX).then_some(self.first_ms),
            (self.last_ms != i64::MIN).then_some(self.last_ms),
        )
    }

    /// The first sighting, RFC 3339 UTC (`unknown` when no record's time could be read).
    pub fn first_seen(&self) -> String {
        time_text(self.span_ms().0)
    }

    /// The last sighting, RFC 3339 UTC.
    pub fn last_seen(&self) -> String {
        time_text(self.span_ms().1)
    }
}

fn time_text(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(|| "unknown".into(), format_time)
}

/// Connections, in a deterministic order, the parties they name, and what could not be made
/// into one.
#[derive(Debug, Clone, Default)]
pub struct Aggregate {
    pub parties: Vec<Arc<Party>>,
    pub connections: Vec<Connection>,
    pub warnings: Vec<String>,
}

/// Resolves and aggregates `flows` against `world` (endpoints resolve exactly as
/// `simulate` resolves them); addresses inside one of `summaries` become that block.
pub fn aggregate(world: &World, flows: &[FlowRecord], summaries: &[Cidr]) -> Aggregate {
    let mut agg = Aggregator::new(world, summaries);
    agg.add(flows);
    agg.finish()
}

/// Reads and aggregates the flows of every file in `paths` a chunk at a time, so memory grows
/// with the distinct connections, not with the records.
pub fn aggregate_files(
    world: &World,
    paths: &[impl AsRef<std::path::Path>],
    summaries: &[Cidr],
) -> Result<Aggregate, crate::error::NetpolError> {
    let mut agg = Aggregator::new(world, summaries);
    crate::flows::for_each_chunk(paths, &mut |chunk| {
        agg.add(&chunk.records);
        Ok(())
    })?;
    Ok(agg.finish())
}

/// A resolved endpoint, as far as the party it is depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum EndKey {
    Pod(usize),
    Made(usize),
    /// An address: outside the cluster, or a host-network pod's.
    Address(Cidr),
}

type ConnKey = (u32, u32, Proto, Option<u16>);

/// Aggregates flow records a chunk at a time.
#[derive(Debug)]
pub struct Aggregator<'w> {
    world: &'w World,
    summaries: &'w [Cidr],
    resolver: Resolver,
    /// Party id of each resolved endpoint already seen (Err: why it names no party).
    ends: HashMap<EndKey, Result<u32, Arc<str>>>,
    party_ids: HashMap<Arc<Party>, u32>,
    parties: Vec<Arc<Party>>,
    /// Indices into `connections`, by their key.
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    connections: Vec<Connection>,
    warnings: BTreeSet<String>,
}

impl<'w> Aggregator<'w> {
    pub fn new(world: &'w World, summaries: &'w [Cidr]) -> Self {
        Self {
            world,
            summaries,
            resolver: Resolver::new(world),
            ends: HashMap::new(),
            party_ids: HashMap::new(),
            parties: Vec::new(),
            index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            connections: Vec::new(),
            warnings: BTreeSet::new(),
        }
    }

    /// Adds `flows` (times are read in parallel).
    pub fn add(&mut self, flows: &[FlowRecord]) {
        let ms = |t: &str, none| parse_time(t).map_or(none, |t| t.timestamp_millis());
        let times: Vec<(i64, i64)> = flows
            .par_iter()
            .map(|f| (ms(&f.first_seen, i64::MAX), ms(&f.last_seen, i64::MIN)))
            .collect();
        for (flow, (first_ms, last_ms)) in flows.iter().zip(times) {
            let src = self.resolver.resolve(self.world, &flow.src);
            let dst = self.resolver.resolve(self.world, &flow.dst);
            if let Some(service) = &flow.dst.service {
                note_selectorless(self.world, service, &mut self.warnings);
            }
            let (src, dst) = match (self.party(src), self.party(dst)) {
                (Ok(s), Ok(d)) => (s, d),
                (Err(why), _) | (_, Err(why)) => {
                    self.warnings.insert(format!("a flow left out: {why}"));
                    continue;
                }
            };
            let key: ConnKey = (src, dst, flow.proto, flow.dst.port);
            let hash = self.hasher.hash_one(key);
            let conns = &self.connections;
            let found = self
                .index
                .find(hash, |&i| key_of(&conns[i as usize]) == key)
                .copied();
            let at = match found {
                Some(i) => i as usize,
                None => {
                    let next = self.connections.len();
                    let (hasher, conns) = (&self.hasher, &self.connections);
                    self.index.insert_unique(hash, next as u32, |&i| {
                        hasher.hash_one(key_of(&conns[i as usize]))
                    });
                    next
                }
            };
            if at == self.connections.len() {
                self.connections.push(Connection {
                    src: self.parties[src as usize].clone(),
                    dst: self.parties[dst as usize].clone(),
                    src_id: src,
                    dst_id: dst,
                    proto: flow.proto,
                    port: flow.dst.port,
                    count: 0,
                    records: 0,
                    first_ms,
                    last_ms,
                });
            }
            let entry = &mut self.connections[at];
            entry.count += flow.count;
            entry.records = entry.records.saturating_add(1);
            entry.first_ms = entry.first_ms.min(first_ms);
            entry.last_ms = entry.last_ms.max(last_ms);
        }
    }

    /// The party id of a resolved endpoint.
    fn party(&mut self, at: Resolved) -> Result<u32, Arc<str>> {
        let key = match at {
            Resolved::Pod(i, ip) if self.world.pods.get(i).is_some_and(|p| p.host_network) => {
                host_key(ip.or_else(|| self.world.pods[i].ips.first().copied()), self)
            }
            Resolved::Pod(i, _) => Some(EndKey::Pod(i)),
            Resolved::Made(i, _) => Some(EndKey::Made(i)),
            Resolved::External(ip) => host_key(ip, self),
        };
        if let Some(key) = key
            && let Some(known) = self.ends.get(&key)
        {
            return known.clone();
        }
        let made = self.resolver.made();
        let id = match party_of(self.world, made, at, self.summaries) {
            Ok(party) => {
                let party = Arc::new(party);
                let next = u32::try_from(self.parties.len()).unwrap_or(u32::MAX);
                let id = *self.party_ids.entry(party.clone()).or_insert(next);
                if id == next {
                    self.parties.push(party);
                }
                Ok(id)
            }
            Err(why) => Err(Arc::from(why)),
        };
        if let Some(key) = key {
            self.ends.insert(key, id.clone());
        }
        id
    }

    /// The connections in a deterministic order (by source, destination, protocol, port).
    pub fn finish(self) -> Aggregate {
        let Self {
            parties,
            mut connections,
            warnings,
            ..
        } = self;
        // Parties renumbered in their own order, so ids (and the order below) do not depend
        // on the order records came in.
        let mut order: Vec<u32> = (0..parties.len() as u32).collect();
        order.sort_by(|a, b| parties[*a as usize].cmp(&parties[*b as usize]));
        let mut rank = vec![0u32; parties.len()];
        for (new, old) in order.iter().enumerate() {
            rank[*old as usize] = new as u32;
        }
        for c in &mut connections {
            c.src_id = rank[c.src_id as usize];
            c.dst_id = rank[c.dst_id as usize];
        }
        connections.par_sort_unstable_by_key(|c| (c.src_id, c.dst_id, c.proto, c.port));
        Aggregate {
            parties: order.iter().map(|i| parties[*i as usize].clone()).collect(),
            connections,
            warnings: warnings.into_iter().collect(),
        }
    }
}

fn key_of(c: &Connection) -> ConnKey {
    (c.src_id, c.dst_id, c.proto, c.port)
}

/// The key of an address end (None: no address, so nothing to share with other ends).
fn host_key(ip: Option<std::net::IpAddr>, agg: &Aggregator<'_>) -> Option<EndKey> {
    ip.map(|ip| EndKey::Address(super::party::block_of(ip, agg.summaries)))
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
