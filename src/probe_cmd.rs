//! `palisade probe`: records which pods talk to which from the conntrack table of the network
//! namespace it runs in (the node's, in the DaemonSet), as flow records on stdout or a file,
//! and serves `/flows`, `/metrics` and `/healthz`.

use anyhow::{Context, Result};
use palisade_probe::inventory::Inventory;
use palisade_probe::runner::{ProbeConfig, run as run_probe};
use palisade_probe::sink::{DEFAULT_ROTATE_BYTES, DEFAULT_ROTATE_KEEP};
use palisade_probe::{ProbeError, SocketError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Default address of the HTTP endpoint (loopback: opt in to wider exposure with `--listen`).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9477";

#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    /// Pods, Services and ReplicaSets to attribute addresses with: the output of
    /// `kubectl get pods,services,replicasets -A -o yaml` (Jobs and Nodes are used too). Without
    /// it, the probe watches them in the cluster (see --kubeconfig).
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Re-read `--inventory` whenever it changes, checking every SECONDS (for a sidecar that
    /// refreshes the file).
    #[arg(long, value_name = "SECONDS", requires = "inventory")]
    pub inventory_reload: Option<u64>,
    /// Without --inventory: watch Pods, Services, Nodes, ReplicaSets and Jobs through this
    /// kubeconfig [default in a pod: its service account].
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use [default: its current context].
    #[arg(long, value_name = "NAME", conflicts_with = "inventory")]
    pub context: Option<String>,
    /// In a pod, do not watch the cluster (addresses reported as plain IPs unless --inventory).
    #[arg(long, conflicts_with_all = ["kubeconfig", "context"])]
    pub no_cluster: bool,
    /// Node name written into every record [default: $NODE_NAME, else the hostname].
    #[arg(long, value_name = "NAME")]
    pub node: Option<String>,
    /// Address for GET /flows, /metrics and /healthz.
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// Serve no HTTP endpoint.
    #[arg(long, conflicts_with = "listen")]
    pub no_http: bool,
    /// Write flow records to FILE (rotated by size) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rotate `--output` when it would pass this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_ROTATE_BYTES)]
    pub rotate_bytes: u64,
    /// Rotated files kept (FILE.1 … FILE.N).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ROTATE_KEEP)]
    pub rotate_keep: usize,
    /// Seconds between writes of updated counts (new flows are written within a second).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub flush_interval: u64,
    /// Flows held in memory at most; new flows past this are dropped and counted.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_flows: usize,
    /// Kernel receive buffer of the event socket, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 8 << 20)]
    pub receive_buffer: usize,
    /// Stop after this many seconds [default: run until SIGINT or SIGTERM].
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<u64>,
    /// Log format on stderr.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
}

pub fn run(args: ProbeArgs) -> Result<ExitCode> {
    crate::logs::init(&args.log_format);
    let inventory = match &args.inventory {
        // With --inventory-reload the file may appear (or be fixed) later.
        Some(path) if args.inventory_reload.is_some() => {
            Inventory::load(path).unwrap_or_else(|err| {
                tracing::warn!(error = %err, "starting without an inventory until the file loads");
                Inventory::default()
            })
        }
        Some(path) => Inventory::load(path)?,
        None => Inventory::default(),
    };
    let choice = crate::webhook_inventory::Choice {
        inventory: args.inventory.clone(),
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.clone(),
        no_cluster: args.no_cluster,
    };
    let feed = match crate::webhook_inventory::live_settings(&choice) {
        Some(settings) => {
            let feed = palisade_probe::runner::InventoryFeed::default();
            crate::probe_watch::start(settings, feed.clone(), Duration::from_secs(1))?;
            Some(feed)
        }
        None => {
            if args.inventory.is_none() {
                tracing::warn!(
                    "no --inventory and no cluster to watch: addresses are reported as plain IPs"
                );
            }
            None
        }
    };
    let (pods, services, hosts) = inventory.counts();
    tracing::info!(pods, services, hosts, "inventory loaded");
    let config = ProbeConfig {
        node: args.node.clone().unwrap_or_else(node_name),
        inventory: Arc::new(inventory),
        listen: (!args.no_http).then_some(args.listen),
        output: args.output.clone(),
        rotate_bytes: args.rotate_bytes,
        rotate_keep: args.rotate_keep,
        flush_interval: Duration::from_secs(args.flush_interval.max(1)),
        max_flows: args.max_flows,
        receive_buffer: args.receive_buffer,
        duration: args.duration.map(Duration::from_secs),
        inventory_reload: args
            .inventory
            .clone()
            .zip(args.inventory_reload.map(|s| Duration::from_secs(s.max(1)))),
        inventory_feed: feed,
    };
    let summary = run_probe(config)
        .map_err(explain)
        .context("palisade probe")?;
    tracing::info!(
        events = summary.events,
        dump_entries = summary.dump_entries,
        flows = summary.flows,
        enobufs = summary.enobufs,
        resyncs = summary.resyncs,
        dropped = summary.dropped,
        records = summary.records_written,
        "probe stopped"
    );
    Ok(ExitCode::SUCCESS)
}

/// Adds what to do about the failures an operator can fix.
fn explain(err: ProbeError) -> anyhow::Error {
    let denied = match &err {
        ProbeError::Socket(SocketError::Io { source, .. }) => {
            source.kind() == std::io::ErrorKind::PermissionDenied
        }
        _ => false,
    };
    let err = anyhow::Error::new(err);
    if denied {
        err.context("reading conntrack needs CAP_NET_ADMIN in the node's network namespace")
    } else {
        err
    }
}

fn node_name() -> String {
    std::env::var("NODE_NAME")
        .ok()
        .filter(|n| !n.is_empty())
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|n| n.trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}
