//! Real kernel traffic: a node namespace routing between pod namespaces, an nftables DNAT
//! Service with two backends, HTTP and UDP between pods, and the probe's conntrack reader in
//! the node namespace. Asserts the exact flow records, Service → backend resolution included.
//! Skips (with the reason printed) when not root or when `ip`/`nft` are missing.

#[path = "support/topology.rs"]
mod topology;
#[path = "support/traffic.rs"]
mod traffic;

use palisade_probe::conntrack::{ConntrackEvents, dump};
use palisade_probe::inventory::Inventory;
use palisade_probe::record::FlowRecord;
use palisade_probe::tracker::{EntrySource, FlowTracker};
use std::sync::Arc;
use std::time::{Duration, Instant};
use topology::{SERVICE_IP, Topology, skip_reason, within};

const SERVICE_RULES: &str = "table ip svc {
  chain pre {
    type nat hook prerouting priority dstnat;
    ip daddr 198.18.100.1 tcp dport 80 dnat to numgen inc mod 2 map { 0 : 198.18.0.30, 1 : 198.18.0.40 } : 8080
    ip daddr 198.18.100.1 udp dport 53 dnat to 198.18.0.30:5353
  }
}
";

fn topology_or_skip() -> Option<Topology> {
    if let Some(reason) = skip_reason() {
        eprintln!("skipping netns test: {reason}");
        return None;
    }
    Some(Topology::build(
        &["198.18.0.20", "198.18.0.30", "198.18.0.40"],
        SERVICE_RULES,
    ))
}

fn inventory() -> Arc<Inventory> {
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/netns-inventory.yaml"
    ));
    Arc::new(Inventory::load(path).unwrap_or_else(|e| panic!("{e}")))
}

/// Records as sorted JSON lines with times blanked. With `any_member`, the destination pod
/// and address of a workload flow (whichever pod was seen first) are blanked too.
fn normalised(mut records: Vec<FlowRecord>, any_member: bool) -> Vec<String> {
    for r in &mut records {
        (r.ts, r.first_seen, r.last_seen) = (String::new(), String::new(), String::new());
        if any_member && r.dst.workload.is_some() {
            (r.dst.ip, r.dst.pod) = (None, None);
        }
    }
    let mut lines: Vec<String> = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    lines.sort();
    lines
}

fn expected(any_member: bool) -> Vec<String> {
    // Exact records expected from `make_traffic`, with times blanked.
    let text = include_str!("data/netns-expected.jsonl");
    let records = text
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    normalised(records, any_member)
}

/// 4 HTTP calls to the Service (alternating backends), 1 direct HTTP call to the second
/// backend, 3 UDP exchanges with the Service, 1 HTTP call from the node to the first backend.
fn make_traffic(topology: &Topology) {
    let servers = traffic::start_backends(topology);
    let client = topology.pod(0).to_owned();
    let bodies = within(&client, || {
        let mut bodies: Vec<String> = (0..4)
            .map(|_| traffic::http_get(&format!("{SERVICE_IP}:80")))
            .collect();
        bodies.push(traffic::http_get("198.18.0.40:8080"));
        traffic::udp_exchanges(&format!("{SERVICE_IP}:53"), 3);
        bodies
    });
    assert_eq!(
        bodies,
        [
            "198.18.0.30",
            "198.18.0.40",
            "198.18.0.30",
            "198.18.0.40",
            "198.18.0.40"
        ]
    );
    assert_eq!(
        within(&topology.node, || traffic::http_get("198.18.0.30:8080")),
        "198.18.0.30"
    );
    for server in servers {
        server
            .join()
            .unwrap_or_else(|_| panic!("a backend server panicked"));
    }
}

#[test]
fn events_and_dump_give_exact_flow_records_with_service_resolution() {
    let Some(topology) = topology_or_skip() else {
        return;
    };
    let mut events = within(&topology.node, || {
        ConntrackEvents::subscribe(1 << 20).unwrap_or_else(|e| panic!("subscribe: {e}"))
    });
    make_traffic(&topology);

    let mut tracker = FlowTracker::new(inventory(), "node-a", 1000);
    let deadline = Instant::now() + Duration::from_secs(10);
    let total = |t: &FlowTracker| {
        t.aggregator()
            .snapshot(chrono::Utc::now())
            .iter()
            .map(|r| r.count)
            .sum::<u64>()
    };
    while total(&tracker) < 9 && Instant::now() < deadline {
        let batch = events
            .recv(Duration::from_millis(200))
            .unwrap_or_else(|e| panic!("recv: {e}"));
        for entry in &batch.entries {
            tracker.apply(entry, EntrySource::Event, chrono::Utc::now());
        }
    }
    let from_events = tracker.aggregator().snapshot(chrono::Utc::now());
    assert_eq!(
        normalised(from_events, false),
        expected(false),
        "records from NEW events"
    );

    let table = within(&topology.node, || {
        dump().unwrap_or_else(|e| panic!("dump: {e}"))
    });
    let mut fresh = FlowTracker::new(inventory(), "node-a", 1000);
    fresh.apply_dump(&table.entries, chrono::Utc::now());
    // A dump lists entries in hash order, so the Service flow's first-seen backend may differ.
    let from_dump = fresh.aggregator().snapshot(chrono::Utc::now());
    assert_eq!(
        normalised(from_dump, true),
        expected(true),
        "records from a dump"
    );
    assert_eq!(table.malformed, 0);
}

#[test]
fn overrun_is_counted_and_a_resync_recovers_every_connection() {
    let Some(topology) = topology_or_skip() else {
        return;
    };
    let connections = 400;
    let (subscribed_tx, subscribed_rx) = std::sync::mpsc::channel();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let state = Arc::new(palisade_probe::http::ProbeState::new(FlowTracker::new(
        inventory(),
        "node-a",
        1000,
    )));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (state, stop) = (state.clone(), stop.clone());
        topology::in_netns(&topology.node, move || {
            // A tiny buffer that the burst below overflows before the reader starts reading.
            let events = ConntrackEvents::subscribe(1).unwrap_or_else(|e| panic!("subscribe: {e}"));
            subscribed_tx.send(()).unwrap_or_else(|e| panic!("{e}"));
            go_rx.recv().unwrap_or_else(|e| panic!("{e}"));
            palisade_probe::reader::read_events(events, state, stop);
        })
    };
    subscribed_rx.recv().unwrap_or_else(|e| panic!("{e}"));
    within(topology.pod(0), move || {
        traffic::udp_burst("198.18.0.30:9", connections)
    });
    go_tx.send(()).unwrap_or_else(|e| panic!("{e}"));

    let deadline = Instant::now() + Duration::from_secs(10);
    let count = || {
        state
            .tracker()
            .aggregator()
            .snapshot(chrono::Utc::now())
            .iter()
            .map(|r| r.count)
            .sum::<u64>()
    };
    while (count() < connections as u64
        || palisade_probe::metrics::Metrics::get(&state.metrics.resyncs) == 0)
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    reader.join().unwrap_or_else(|_| panic!("reader panicked"));
    let m = &state.metrics;
    assert!(
        palisade_probe::metrics::Metrics::get(&m.enobufs) >= 1,
        "the burst overflowed the socket"
    );
    assert!(
        palisade_probe::metrics::Metrics::get(&m.resyncs) >= 1,
        "a resync followed"
    );
    assert_eq!(
        count(),
        connections as u64,
        "every connection counted exactly once"
    );
}

#[test]
fn the_probe_runner_writes_records_live_and_serves_http() {
    use palisade_probe::runner::{ProbeConfig, run};
    let Some(topology) = topology_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let output = dir.path().join("flows.jsonl");
    let config = ProbeConfig {
        node: "node-a".into(),
        inventory: inventory(),
        listen: Some("127.0.0.1:9477".parse().unwrap_or_else(|e| panic!("{e}"))),
        output: Some(output.clone()),
        rotate_bytes: 1 << 20,
        rotate_keep: 1,
        flush_interval: Duration::from_secs(1),
        max_flows: 1000,
        receive_buffer: 1 << 20,
        duration: Some(Duration::from_secs(5)),
        inventory_reload: None,
        inventory_feed: None,
    };
    let probe = topology::in_netns(&topology.node, move || run(config));
    std::thread::sleep(Duration::from_millis(800));
    make_traffic(&topology);
    std::thread::sleep(Duration::from_millis(1500));
    let written_live = std::fs::read_to_string(&output).unwrap_or_default();
    let (health, flows, metrics) = within(&topology.node, || {
        let get = |path| traffic::http_request("127.0.0.1:9477", path);
        (get("/healthz"), get("/flows"), get("/metrics"))
    });
    let summary = probe
        .join()
        .unwrap_or_else(|_| panic!("probe thread panicked"));
    let summary = summary.unwrap_or_else(|e| panic!("probe: {e}"));

    assert!(
        written_live.lines().count() >= 4,
        "records are written while the probe runs"
    );
    assert_eq!(health, ("HTTP/1.1 200 OK".to_owned(), "ok\n".to_owned()));
    assert_eq!(flows.0, "HTTP/1.1 200 OK");
    let parse = |text: &str| -> Vec<FlowRecord> {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
            .collect()
    };
    assert_eq!(
        normalised(parse(&flows.1), false),
        expected(false),
        "GET /flows"
    );
    assert!(
        metrics.1.contains("palisade_probe_flows 4\n"),
        "{}",
        metrics.1
    );
    assert!(
        metrics.1.contains("palisade_probe_enobufs_total 0\n"),
        "{}",
        metrics.1
    );
    // The file holds every version of each record; the last one per flow is the final state.
    let mut last = std::collections::BTreeMap::new();
    for record in parse(&std::fs::read_to_string(&output).unwrap_or_default()) {
        last.insert(
            format!(
                "{:?}{:?}{:?}{:?}",
                record.proto, record.src.pod, record.dst.ip, record.dst.service
            ),
            record,
        );
    }
    assert_eq!(
        normalised(last.into_values().collect(), false),
        expected(false),
        "--output file"
    );
    assert_eq!(summary.flows, 4);
}
