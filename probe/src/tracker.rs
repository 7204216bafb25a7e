//! Connections → flows. Counts each connection once, whether it is seen by a dump, a NEW
//! event, a DESTROY event, or several of them (a resync after an overrun dumps entries
//! already counted; a DESTROY whose NEW was lost still counts); see [`LiveEntries`].

use crate::aggregate::{Aggregator, Observed};
use crate::attribution::{AttributedFlow, attribute};
use crate::conntrack::{ConntrackEntry, EntryChange};
use crate::inventory::Inventory;
use crate::live_entries::LiveEntries;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::Arc;

/// Live entry ids remembered for de-duplication, at most.
pub const DEFAULT_MAX_TRACKED: usize = 262_144;

/// Where an entry was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntrySource {
    /// An event from the NEW or DESTROY group.
    Event,
    /// A table dump (at start and on resync).
    Dump,
}

/// Attributes conntrack entries and aggregates them into flows.
#[derive(Debug)]
pub struct FlowTracker {
    inventory: Arc<Inventory>,
    node: Arc<str>,
    aggregator: Aggregator,
    live: LiveEntries,
}

impl FlowTracker {
    /// A tracker for `node` holding at most `max_flows` flows.
    pub fn new(inventory: Arc<Inventory>, node: &str, max_flows: usize) -> Self {
        Self {
            inventory,
            node: Arc::from(node),
            aggregator: Aggregator::new(max_flows),
            live: LiveEntries::new(DEFAULT_MAX_TRACKED),
        }
    }

    /// Replaces the inventory used for new entries (flows already held keep their records).
    pub fn set_inventory(&mut self, inventory: Arc<Inventory>) {
        self.inventory = inventory;
    }

    /// The inventory new entries are attributed with.
    pub fn inventory(&self) -> &Arc<Inventory> {
        &self.inventory
    }

    /// Applies one entry. `None` when the entry is not a flow (loopback traffic).
    pub fn apply(
        &mut self,
        entry: &ConntrackEntry,
        source: EntrySource,
        time: DateTime<Utc>,
    ) -> Option<Observed> {
        let AttributedFlow { key, src, dst } = attribute(&self.inventory, &self.node, entry)?;
        let connections = connections(&mut self.live, entry, source);
        let endpoints = || (src.endpoint(), dst.endpoint());
        Some(self.aggregator.observe(key, time, connections, endpoints))
    }

    /// Applies a whole table dump, then forgets ids of entries the dump no longer has (their
    /// DESTROY events were lost), so the de-duplication set cannot grow without bound.
    pub fn apply_dump(&mut self, entries: &[ConntrackEntry], time: DateTime<Utc>) {
        let mut listed = HashSet::with_capacity(entries.len());
        for entry in entries {
            self.apply(entry, EntrySource::Dump, time);
            listed.extend(entry.id);
        }
        self.live.keep_only(&listed);
    }

    /// The flow table.
    pub fn aggregator(&self) -> &Aggregator {
        &self.aggregator
    }

    /// The flow table, for taking changed records.
    pub fn aggregator_mut(&mut self) -> &mut Aggregator {
        &mut self.aggregator
    }

    /// Live entries remembered for de-duplication.
    pub fn tracked(&self) -> usize {
        self.live.len()
    }
}

/// 1 when this entry has not been counted yet, else 0.
fn connections(live: &mut LiveEntries, entry: &ConntrackEntry, source: EntrySource) -> u64 {
    let Some(id) = entry.id else {
        return u64::from(entry.change == EntryChange::New);
    };
    match (source, entry.change) {
        (EntrySource::Event, EntryChange::New) => live.new_event(id),
        (EntrySource::Event, EntryChange::Destroy) => live.destroy_event(id),
        (EntrySource::Dump, _) => live.dumped(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conntrack::Tuple;
    use crate::record::Proto;

    fn entry(id: u32, change: EntryChange, src_port: u16) -> ConntrackEntry {
        let a = "198.18.0.20".parse().unwrap_or_else(|e| panic!("{e}"));
        let b = "198.18.0.30".parse().unwrap_or_else(|e| panic!("{e}"));
        ConntrackEntry {
            change,
            proto: Proto::Udp,
            id: Some(id),
            original: Tuple {
                src: a,
                dst: b,
                src_port,
                dst_port: 53,
            },
            reply: Tuple {
                src: b,
                dst: a,
                src_port: 53,
                dst_port: src_port,
            },
        }
    }

    #[test]
    fn each_connection_counts_once_across_dump_new_and_destroy() {
        let mut t = FlowTracker::new(Arc::new(Inventory::default()), "n", 100);
        let now = Utc::now();
        t.apply(&entry(1, EntryChange::New, 1000), EntrySource::Dump, now);
        t.apply(&entry(1, EntryChange::New, 1000), EntrySource::Event, now);
        t.apply(
            &entry(1, EntryChange::Destroy, 1000),
            EntrySource::Event,
            now,
        );
        t.apply(
            &entry(2, EntryChange::Destroy, 1001),
            EntrySource::Event,
            now,
        );
        t.apply(&entry(3, EntryChange::New, 1002), EntrySource::Event, now);
        let records = t.aggregator_mut().take_changed(now);
        assert_eq!(records.len(), 1, "source ports never split a flow");
        assert_eq!(records[0].count, 3);
        assert_eq!(t.tracked(), 1);
    }
}
