//! Event processing speed: synthesised ctnetlink messages (NEW and DESTROY, Service DNAT and
//! direct) parsed, attributed against an inventory of 10,000 pods and aggregated, on one core.
//! After the criterion run it prints one timed pass and the peak RSS of the process.
//!
//! Run: `cargo bench -p palisade-probe --bench pipeline`

use criterion::{Criterion, Throughput};
use palisade_probe::conntrack::encode::encode_entry;
use palisade_probe::conntrack::wire::messages;
use palisade_probe::conntrack::{ConntrackEntry, EntryChange, Tuple, parse_entry};
use palisade_probe::inventory::Inventory;
use palisade_probe::record::Proto;
use palisade_probe::tracker::{EntrySource, FlowTracker};
use std::fmt::Write as _;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Instant;

const PODS: u32 = 10_000;
const PODS_PER_DEPLOYMENT: u32 = 10;
const DEPLOYMENTS: u32 = PODS / PODS_PER_DEPLOYMENT;
const CONNECTIONS: u32 = 100_000;

fn pod_ip(pod: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        10,
        64 + (pod >> 16) as u8,
        (pod >> 8) as u8,
        pod as u8,
    ))
}

fn service_ip(deployment: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        10,
        96,
        (deployment >> 8) as u8,
        deployment as u8,
    ))
}

/// `kubectl get pods,services,replicasets -A -o yaml`-shaped text for the synthetic cluster.
fn inventory_yaml() -> String {
    let mut y = String::with_capacity(PODS as usize * 600);
    y.push_str("apiVersion: v1\nkind: List\nitems:\n");
    for d in 0..DEPLOYMENTS {
        let ns = format!("team-{}", d % 50);
        let _ = write!(
            y,
            "- apiVersion: apps/v1\n  kind: ReplicaSet\n  metadata:\n    name: app{d}-7f9c6b5d4\n    namespace: {ns}\n    ownerReferences:\n    - {{apiVersion: apps/v1, kind: Deployment, name: app{d}, controller: true}}\n\
             - apiVersion: v1\n  kind: Service\n  metadata:\n    name: app{d}\n    namespace: {ns}\n  spec:\n    clusterIP: {}\n    clusterIPs: [{}]\n    ports: [{{port: 80, targetPort: 8080, protocol: TCP}}]\n",
            service_ip(d),
            service_ip(d)
        );
        for p in 0..PODS_PER_DEPLOYMENT {
            let pod = d * PODS_PER_DEPLOYMENT + p;
            let _ = write!(
                y,
                "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: app{d}-7f9c6b5d4-p{p:04}\n    namespace: {ns}\n    labels: {{app: app{d}, tier: backend, pod-template-hash: 7f9c6b5d4}}\n    ownerReferences:\n    - {{apiVersion: apps/v1, kind: ReplicaSet, name: app{d}-7f9c6b5d4, controller: true}}\n  spec:\n    nodeName: node-{}\n  status:\n    phase: Running\n    hostIP: 192.0.2.{}\n    podIP: {}\n    podIPs: [{{ip: {}}}]\n",
                pod % 20,
                pod % 20 + 1,
                pod_ip(pod),
                pod_ip(pod)
            );
        }
    }
    y
}

/// A deterministic event stream, one encoded message at a time: each connection's NEW, and
/// its DESTROY 1,000 connections later; 70 % through a Service (DNAT), 30 % direct; each
/// deployment talks to 5 others.
fn event_stream(mut emit: impl FnMut(&[u8])) {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u32| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % u64::from(n)) as u32
    };
    let mut recent: std::collections::VecDeque<ConntrackEntry> =
        std::collections::VecDeque::with_capacity(1001);
    for id in 0..CONNECTIONS {
        let from = next(DEPLOYMENTS);
        let to = (from * 7 + next(5) * 13 + 1) % DEPLOYMENTS;
        let client = pod_ip(from * PODS_PER_DEPLOYMENT + next(PODS_PER_DEPLOYMENT));
        let backend = pod_ip(to * PODS_PER_DEPLOYMENT + next(PODS_PER_DEPLOYMENT));
        let sport = 32_768 + next(28_000) as u16;
        let via_service = next(10) < 7;
        let (dst, dport) = if via_service {
            (service_ip(to), 80)
        } else {
            (backend, 8080)
        };
        let entry = ConntrackEntry {
            change: EntryChange::New,
            proto: Proto::Tcp,
            id: Some(id),
            original: Tuple {
                src: client,
                dst,
                src_port: sport,
                dst_port: dport,
            },
            reply: Tuple {
                src: backend,
                dst: client,
                src_port: 8080,
                dst_port: sport,
            },
        };
        emit(&encode_entry(&entry));
        recent.push_back(entry);
        if recent.len() > 1000
            && let Some(old) = recent.pop_front()
        {
            emit(&encode_entry(&ConntrackEntry {
                change: EntryChange::Destroy,
                ..old
            }));
        }
    }
}

fn datagrams() -> Vec<Vec<u8>> {
    let mut out = Vec::with_capacity(2 * CONNECTIONS as usize);
    event_stream(|m| out.push(m.to_vec()));
    out
}

fn process(inventory: &Arc<Inventory>, datagrams: &[Vec<u8>]) -> usize {
    let mut tracker = FlowTracker::new(inventory.clone(), "node-1", 100_000);
    let now = chrono::Utc::now();
    for datagram in datagrams {
        for message in messages(datagram).flatten() {
            if let Ok(Some(entry)) = parse_entry(&message) {
                tracker.apply(&entry, EntrySource::Event, now);
            }
        }
    }
    tracker.aggregator().len()
}

/// A `/proc/self/status` memory line (`VmRSS:`, `VmHWM:`) in MB.
fn rss_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Memory run (in a child process, so nothing of the speed run is counted): load the
/// inventory from YAML, then stream the events in batches through one tracker.
fn memory_run() {
    let inventory = Arc::new(
        Inventory::from_yaml(&inventory_yaml(), std::path::Path::new("synthetic.yaml"))
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let after_load = rss_mb("VmRSS:");
    let mut tracker = FlowTracker::new(inventory, "node-1", 100_000);
    let now = chrono::Utc::now();
    let mut events = 0u64;
    event_stream(|datagram| {
        for message in messages(datagram).flatten() {
            if let Ok(Some(entry)) = parse_entry(&message) {
                tracker.apply(&entry, EntrySource::Event, now);
                events += 1;
            }
        }
    });
    println!(
        "memory: RSS {after_load:.1} MB after loading 10,000 pods; peak RSS {:.1} MB after {events} \
         events into {} flows",
        rss_mb("VmHWM:"),
        tracker.aggregator().len(),
    );
}

fn main() {
    if std::env::var_os("PROBE_BENCH_MEMORY").is_some() {
        memory_run();
        return;
    }
    let yaml = inventory_yaml();
    let started = Instant::now();
    let inventory = Inventory::from_yaml(&yaml, std::path::Path::new("synthetic.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let load = started.elapsed();
    drop(yaml);
    let inventory = Arc::new(inventory);
    let datagrams = datagrams();
    let events = datagrams.len() as u64;

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("probe");
    group.throughput(Throughput::Elements(events));
    group.sample_size(20);
    group.bench_function("parse+attribute+aggregate", |b| {
        b.iter(|| black_box(process(&inventory, &datagrams)))
    });
    group.finish();
    criterion.final_summary();

    let started = Instant::now();
    let flows = process(&inventory, &datagrams);
    let secs = started.elapsed().as_secs_f64();
    let (pods, services, hosts) = inventory.counts();
    println!(
        "inventory: {pods} pods, {services} services, {hosts} node addresses, loaded in {:.2} s\n\
         one pass: {events} events in {secs:.3} s = {:.0} events/s on one core, {flows} flows",
        load.as_secs_f64(),
        events as f64 / secs,
    );
    let child = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .env("PROBE_BENCH_MEMORY", "1")
            .output()
    });
    match child {
        Ok(out) => print!("{}", String::from_utf8_lossy(&out.stdout)),
        Err(err) => eprintln!("memory run failed: {err}"),
    }
}
