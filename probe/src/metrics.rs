//! Probe counters, shared between the conntrack reader and the HTTP endpoint, rendered in the
//! Prometheus text exposition format.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters and gauges of one probe.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Conntrack NEW events received.
    pub events_new: AtomicU64,
    /// Conntrack DESTROY events received.
    pub events_destroy: AtomicU64,
    /// Entries read by table dumps (start and resyncs).
    pub dump_entries: AtomicU64,
    /// Netlink messages that could not be parsed.
    pub malformed: AtomicU64,
    /// Socket overruns (ENOBUFS): events were lost.
    pub enobufs: AtomicU64,
    /// Table dumps made to resynchronise after an overrun.
    pub resyncs: AtomicU64,
    /// Observations dropped because the flow table was full (gauge mirrored from the table).
    pub dropped: AtomicU64,
    /// Flows held (gauge).
    pub flows: AtomicU64,
    /// Flow records written to the sink.
    pub records_written: AtomicU64,
}

impl Metrics {
    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// Sets a gauge.
    pub fn set(gauge: &AtomicU64, value: u64) {
        gauge.store(value, Ordering::Relaxed);
    }

    /// Reads a counter or gauge.
    pub fn get(value: &AtomicU64) -> u64 {
        value.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(1024);
        let events_help = "Conntrack events received, by type.";
        header(
            &mut out,
            "palisade_probe_events_total",
            events_help,
            "counter",
        );
        let new = Self::get(&self.events_new);
        let destroy = Self::get(&self.events_destroy);
        let _ = writeln!(out, "palisade_probe_events_total{{type=\"new\"}} {new}");
        let _ = writeln!(
            out,
            "palisade_probe_events_total{{type=\"destroy\"}} {destroy}"
        );
        let simple = [
            (
                "palisade_probe_dump_entries_total",
                "Conntrack entries read by table dumps.",
                "counter",
                &self.dump_entries,
            ),
            (
                "palisade_probe_malformed_messages_total",
                "Netlink messages that could not be parsed.",
                "counter",
                &self.malformed,
            ),
            (
                "palisade_probe_enobufs_total",
                "Netlink socket overruns (ENOBUFS); events were lost.",
                "counter",
                &self.enobufs,
            ),
            (
                "palisade_probe_resyncs_total",
                "Conntrack table dumps made to resynchronise after an overrun.",
                "counter",
                &self.resyncs,
            ),
            (
                "palisade_probe_dropped_total",
                "Observations dropped because the flow table was full.",
                "counter",
                &self.dropped,
            ),
            (
                "palisade_probe_flows",
                "Flows held in memory.",
                "gauge",
                &self.flows,
            ),
            (
                "palisade_probe_records_written_total",
                "Flow records written to the output.",
                "counter",
                &self.records_written,
            ),
        ];
        for (name, help, kind, value) in simple {
            header(&mut out, name, help, kind);
            let _ = writeln!(out, "{name} {}", Self::get(value));
        }
        out
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_every_metric_with_help_and_type() {
        let m = Metrics::default();
        Metrics::add(&m.enobufs, 2);
        Metrics::set(&m.flows, 7);
        let text = m.render();
        assert!(text.contains("palisade_probe_enobufs_total 2\n"));
        assert!(text.contains("# TYPE palisade_probe_flows gauge\npalisade_probe_flows 7\n"));
        assert!(text.contains("palisade_probe_events_total{type=\"new\"} 0\n"));
        assert_eq!(text.matches("# HELP").count(), 8);
    }
}
