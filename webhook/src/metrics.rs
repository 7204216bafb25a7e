//! Prometheus metrics, rendered in the text exposition format on `GET /metrics`: requests by
//! endpoint, operation, kind and verdict; request and evaluation latency histograms; failures
//! handled by the failure mode; rejected requests; reloads; certificate expiry; in-flight
//! requests and readiness.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Histogram bucket upper bounds, in seconds.
const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// A latency histogram.
#[derive(Debug, Default)]
struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_nanos: AtomicU64,
}

impl Histogram {
    fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.counts[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, count) in BUCKETS.iter().zip(&self.counts) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}"
            );
        }
        let total = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {total}");
        let sum = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let braces = |s: &str| {
            if s.is_empty() {
                String::new()
            } else {
                format!("{{{s}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {sum}", braces(labels));
        let _ = writeln!(out, "{name}_count{} {total}", braces(labels));
    }
}

/// Counters keyed by label values.
#[derive(Debug, Default)]
struct Counters(Mutex<BTreeMap<Vec<String>, u64>>);

impl Counters {
    fn inc(&self, labels: &[&str]) {
        let key: Vec<String> = labels.iter().map(|s| s.to_string()).collect();
        let mut map = match self.0.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        *map.entry(key).or_default() += 1;
    }

    fn render(&self, out: &mut String, name: &str, help: &str, names: &[&str]) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        let map = match self.0.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (values, count) in map.iter() {
            let labels: Vec<String> = names
                .iter()
                .zip(values)
                .map(|(n, v)| format!("{n}=\"{}\"", escape(v)))
                .collect();
            let _ = writeln!(out, "{name}{{{}}} {count}", labels.join(","));
        }
    }
}

/// Every metric of one server.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Counters,
    validate_seconds: Histogram,
    mutate_seconds: Histogram,
    evaluation_seconds: Histogram,
    failures: Counters,
    rejected: Counters,
    reloads: Counters,
    findings: Counters,
    watch_restarts: Counters,
    inventory_objects: AtomicI64,
    inventory_synced: AtomicI64,
    cert_not_after: AtomicI64,
    in_flight: AtomicI64,
    ready: AtomicI64,
}

impl Metrics {
    /// One answered review.
    pub(crate) fn request(&self, endpoint: &str, operation: &str, kind: &str, verdict: &str) {
        self.requests.inc(&[endpoint, operation, kind, verdict]);
    }

    pub(crate) fn request_time(&self, endpoint: &str, d: Duration) {
        match endpoint {
            "mutate" => self.mutate_seconds.observe(d),
            _ => self.validate_seconds.observe(d),
        }
    }

    pub(crate) fn evaluation_time(&self, d: Duration) {
        self.evaluation_seconds.observe(d);
    }

    /// An evaluation that timed out or failed, and what the failure mode made of it.
    pub(crate) fn failure(&self, reason: &str, mode: &str) {
        self.failures.inc(&[reason, mode]);
    }

    /// A request answered with an HTTP error (bad body, too large, …).
    pub(crate) fn rejected(&self, status: u16) {
        self.rejected.inc(&[&status.to_string()]);
    }

    /// A reload of `what` (certificate, policies, inventory) that succeeded or failed.
    pub(crate) fn reload(&self, what: &str, ok: bool) {
        self.reloads.inc(&[what, if ok { "ok" } else { "failed" }]);
    }

    /// A judged finding, by rule and outcome (dryrun findings are only visible here and in logs).
    pub(crate) fn finding(&self, rule: &str, outcome: &str) {
        self.findings.inc(&[rule, outcome]);
    }

    /// A live inventory's watch that failed and is retried.
    pub(crate) fn watch_restart(&self, kind: &str, reason: &str) {
        self.watch_restarts.inc(&[kind, reason]);
    }

    pub(crate) fn set_inventory_objects(&self, count: usize) {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        self.inventory_objects.store(count, Ordering::Relaxed);
    }

    pub(crate) fn set_inventory_synced(&self, synced: bool) {
        self.inventory_synced
            .store(i64::from(synced), Ordering::Relaxed);
    }

    pub(crate) fn set_cert_not_after(&self, seconds: i64) {
        self.cert_not_after.store(seconds, Ordering::Relaxed);
    }

    pub(crate) fn set_ready(&self, ready: bool) {
        self.ready.store(i64::from(ready), Ordering::Relaxed);
    }

    /// Counts a request in flight until the guard is dropped.
    pub(crate) fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(&self.in_flight)
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(8192);
        self.requests.render(
            &mut out,
            "palisade_admission_requests_total",
            "AdmissionReviews answered, by endpoint, operation, kind and verdict.",
            &["endpoint", "operation", "kind", "verdict"],
        );
        let _ = writeln!(
            out,
            "# HELP palisade_admission_request_duration_seconds Time from request to response.\n# TYPE palisade_admission_request_duration_seconds histogram"
        );
        let name = "palisade_admission_request_duration_seconds";
        self.validate_seconds
            .render(&mut out, name, "endpoint=\"validate\"");
        self.mutate_seconds
            .render(&mut out, name, "endpoint=\"mutate\"");
        let name = "palisade_evaluation_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Policy evaluation time of one object (old object included).\n# TYPE {name} histogram"
        );
        self.evaluation_seconds.render(&mut out, name, "");
        self.failures.render(
            &mut out,
            "palisade_evaluation_failures_total",
            "Evaluations that timed out or failed, by reason and the failure mode applied.",
            &["reason", "mode"],
        );
        self.rejected.render(
            &mut out,
            "palisade_rejected_requests_total",
            "Requests answered with an HTTP error, by status code.",
            &["code"],
        );
        self.reloads.render(
            &mut out,
            "palisade_reloads_total",
            "Reloads of certificates, policies and inventory, by result.",
            &["what", "result"],
        );
        self.findings.render(
            &mut out,
            "palisade_findings_total",
            "Judged findings at admission, by rule and outcome.",
            &["rule", "outcome"],
        );
        self.watch_restarts.render(
            &mut out,
            "palisade_inventory_watch_restarts_total",
            "Live inventory watches that failed and were retried (expired: 410 Gone, relisted), by kind and reason.",
            &["kind", "reason"],
        );
        let gauges = [
            (
                "palisade_inventory_objects",
                "Objects in the inventory served to the rules.",
                self.inventory_objects.load(Ordering::Relaxed),
            ),
            (
                "palisade_inventory_synced",
                "1 when every kind of the inventory has been listed (always 1 without a live inventory).",
                self.inventory_synced.load(Ordering::Relaxed),
            ),
            (
                "palisade_certificate_expiry_timestamp_seconds",
                "notAfter of the serving certificate.",
                self.cert_not_after.load(Ordering::Relaxed),
            ),
            (
                "palisade_in_flight_requests",
                "Requests being handled.",
                self.in_flight.load(Ordering::Relaxed),
            ),
            (
                "palisade_ready",
                "1 when policies are compiled, the certificate is loaded and not shutting down.",
                self.ready.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        out
    }
}

/// Decrements the in-flight gauge when dropped.
#[derive(Debug)]
pub(crate) struct InFlight<'a>(&'a AtomicI64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Escapes a label value.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
