//! Flow aggregation: observations keyed by (node, protocol, source workload, destination
//! workload or Service, destination port) with count, first and last seen. Source ports are
//! never part of a key. Memory is bounded: past `max_flows` keys, new keys are dropped and
//! counted.

use crate::record::{Endpoint, FlowRecord, Proto, format_time};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

/// Identity of one side of a flow for aggregation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeerKey {
    /// Pods of one workload (`Kind/name`) in a namespace.
    Workload {
        namespace: Arc<str>,
        workload: Arc<str>,
    },
    /// A pod without a workload.
    Pod { namespace: Arc<str>, pod: Arc<str> },
    /// A node (host network).
    Host(Arc<str>),
    /// An address nothing is known about.
    Ip(IpAddr),
    /// No address either (imports with incomplete records).
    Unknown,
}

impl PeerKey {
    /// The identity an endpoint aggregates under.
    pub fn of(endpoint: &Endpoint) -> Self {
        match (
            &endpoint.namespace,
            &endpoint.workload,
            &endpoint.pod,
            &endpoint.host,
        ) {
            (Some(ns), Some(w), _, _) => Self::Workload {
                namespace: ns.as_str().into(),
                workload: w.as_str().into(),
            },
            (Some(ns), None, Some(pod), _) => Self::Pod {
                namespace: ns.as_str().into(),
                pod: pod.as_str().into(),
            },
            (_, _, _, Some(host)) => Self::Host(host.as_str().into()),
            _ => endpoint.ip.map_or(Self::Unknown, Self::Ip),
        }
    }
}

/// The aggregation key of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowKey {
    pub node: Arc<str>,
    pub proto: Proto,
    pub src: PeerKey,
    pub dst: PeerKey,
    /// The Service addressed (`namespace/name`), when the flow went through one.
    pub service: Option<Arc<str>>,
    pub dst_port: u16,
}

/// What [`Aggregator::observe`] did with an observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    /// A new flow key.
    New,
    /// An existing flow's counters were updated.
    Updated,
    /// The table is full; the observation was dropped.
    Dropped,
}

#[derive(Debug, Clone)]
struct FlowState {
    node: Arc<str>,
    proto: Proto,
    src: Endpoint,
    dst: Endpoint,
    count: u64,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    /// Changed since last written.
    dirty: bool,
    /// Never written yet.
    fresh: bool,
}

impl FlowState {
    fn record(&self, ts: DateTime<Utc>) -> FlowRecord {
        FlowRecord {
            ts: format_time(ts),
            node: self.node.to_string(),
            proto: self.proto,
            src: self.src.clone(),
            dst: self.dst.clone(),
            count: self.count,
            first_seen: format_time(self.first_seen),
            last_seen: format_time(self.last_seen),
        }
    }
}

/// The in-memory flow table.
#[derive(Debug)]
pub struct Aggregator {
    flows: HashMap<FlowKey, FlowState>,
    max_flows: usize,
    dropped: u64,
}

impl Aggregator {
    /// A table that holds at most `max_flows` flows.
    pub fn new(max_flows: usize) -> Self {
        Self {
            flows: HashMap::new(),
            max_flows,
            dropped: 0,
        }
    }

    /// Records one observation. `connections` is added to the count (0 when the connection
    /// was already counted, e.g. its DESTROY after its NEW). `endpoints` builds the record's
    /// representative source and destination; it runs only for a new key.
    pub fn observe(
        &mut self,
        key: FlowKey,
        time: DateTime<Utc>,
        connections: u64,
        endpoints: impl FnOnce() -> (Endpoint, Endpoint),
    ) -> Observed {
        if let Some(state) = self.flows.get_mut(&key) {
            state.count += connections;
            state.first_seen = state.first_seen.min(time);
            state.last_seen = state.last_seen.max(time);
            state.dirty |= connections > 0;
            return Observed::Updated;
        }
        if self.flows.len() >= self.max_flows {
            self.dropped += 1;
            return Observed::Dropped;
        }
        let (mut src, mut dst) = endpoints();
        src.port = None;
        dst.port = Some(key.dst_port);
        dst.service = key.service.as_ref().map(|s| s.to_string());
        let state = FlowState {
            node: key.node.clone(),
            proto: key.proto,
            src,
            dst,
            count: connections.max(1),
            first_seen: time,
            last_seen: time,
            dirty: true,
            fresh: true,
        };
        self.flows.insert(key, state);
        Observed::New
    }

    /// Records of flows changed since last written (new flows or higher counts), marking
    /// them written; sorted by key so output is stable.
    pub fn take_changed(&mut self, ts: DateTime<Utc>) -> Vec<FlowRecord> {
        self.take(ts, |s| s.dirty)
    }

    /// Records of flows never written yet, marking them written.
    pub fn take_new(&mut self, ts: DateTime<Utc>) -> Vec<FlowRecord> {
        self.take(ts, |s| s.fresh)
    }

    fn take(&mut self, ts: DateTime<Utc>, wanted: impl Fn(&FlowState) -> bool) -> Vec<FlowRecord> {
        let mut chosen: Vec<(&FlowKey, &mut FlowState)> =
            self.flows.iter_mut().filter(|(_, s)| wanted(s)).collect();
        chosen.sort_by(|a, b| a.0.cmp(b.0));
        chosen
            .into_iter()
            .map(|(_, state)| {
                state.dirty = false;
                state.fresh = false;
                state.record(ts)
            })
            .collect()
    }

    /// Records of every flow, sorted by key.
    pub fn snapshot(&self, ts: DateTime<Utc>) -> Vec<FlowRecord> {
        let mut all: Vec<(&FlowKey, &FlowState)> = self.flows.iter().collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all.into_iter().map(|(_, s)| s.record(ts)).collect()
    }

    /// Number of flows held.
    pub fn len(&self) -> usize {
        self.flows.len()
    }

    /// True when no flow is held.
    pub fn is_empty(&self) -> bool {
        self.flows.is_empty()
    }

    /// Observations dropped because the table was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(src: &str, port: u16) -> FlowKey {
        FlowKey {
            node: "n".into(),
            proto: Proto::Tcp,
            src: PeerKey::Workload {
                namespace: "a".into(),
                workload: src.into(),
            },
            dst: PeerKey::Ip([198, 18, 0, 9].into()),
            service: None,
            dst_port: port,
        }
    }

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap_or_default()
    }

    #[test]
    fn counts_and_times_accumulate_per_key() {
        let mut agg = Aggregator::new(10);
        let ends = || (Endpoint::default(), Endpoint::default());
        assert_eq!(
            agg.observe(key("Deployment/x", 80), at(5), 1, ends),
            Observed::New
        );
        assert_eq!(
            agg.observe(key("Deployment/x", 80), at(1), 1, ends),
            Observed::Updated
        );
        assert_eq!(
            agg.observe(key("Deployment/x", 80), at(9), 0, ends),
            Observed::Updated
        );
        let records = agg.take_changed(at(10));
        assert_eq!(records.len(), 1);
        assert_eq!((records[0].count, records[0].dst.port), (2, Some(80)));
        assert_eq!(records[0].first_seen, format_time(at(1)));
        assert_eq!(records[0].last_seen, format_time(at(9)));
        assert!(agg.take_changed(at(11)).is_empty());
    }

    #[test]
    fn a_full_table_drops_new_keys_and_counts_them() {
        let mut agg = Aggregator::new(1);
        let ends = || (Endpoint::default(), Endpoint::default());
        agg.observe(key("a", 1), at(0), 1, ends);
        assert_eq!(agg.observe(key("b", 1), at(0), 1, ends), Observed::Dropped);
        assert_eq!(agg.observe(key("a", 1), at(0), 1, ends), Observed::Updated);
        assert_eq!((agg.len(), agg.dropped()), (1, 1));
    }
}
