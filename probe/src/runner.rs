//! `palisade probe`: subscribes to conntrack events, dumps the table, then runs the reader
//! thread, the record writer and (optionally) the HTTP endpoint until SIGINT/SIGTERM or the
//! configured duration. New flows are written within a second; updated counts every
//! `flush_interval`; everything changed once more on exit.

use crate::conntrack::ConntrackEvents;
use crate::error::ProbeError;
use crate::http::{ProbeState, router};
use crate::inventory::Inventory;
use crate::metrics::Metrics;
use crate::reader::{initial_dump, read_events};
use crate::sink::JsonLinesSink;
use crate::tracker::FlowTracker;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often new flows are written.
const NEW_FLOW_INTERVAL: Duration = Duration::from_secs(1);

/// Validated probe settings.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    /// Node name written into every record.
    pub node: String,
    pub inventory: Arc<Inventory>,
    /// Address of the HTTP endpoint; `None` serves nothing.
    pub listen: Option<SocketAddr>,
    /// `--output FILE`; stdout when `None`.
    pub output: Option<PathBuf>,
    pub rotate_bytes: u64,
    pub rotate_keep: usize,
    /// How often updated counts of known flows are written.
    pub flush_interval: Duration,
    pub max_flows: usize,
    /// Kernel receive buffer of the event socket, in bytes.
    pub receive_buffer: usize,
    /// Stop after this long (for tests and load runs); `None` runs until a signal.
    pub duration: Option<Duration>,
    /// Re-read this inventory file whenever it changes, checking at this interval (for a
    /// sidecar that refreshes it); `None` keeps the inventory given at start.
    pub inventory_reload: Option<(PathBuf, Duration)>,
    /// New inventories from elsewhere (the binary's watch of the API server): whoever feeds it
    /// puts the latest one here, and it is taken within a second.
    pub inventory_feed: Option<InventoryFeed>,
}

/// Totals at exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeSummary {
    pub events: u64,
    pub dump_entries: u64,
    pub flows: u64,
    pub enobufs: u64,
    pub resyncs: u64,
    pub dropped: u64,
    pub records_written: u64,
}

/// Runs the probe in the current network namespace.
pub fn run(config: ProbeConfig) -> Result<ProbeSummary, ProbeError> {
    let tracker = FlowTracker::new(config.inventory.clone(), &config.node, config.max_flows);
    let state = Arc::new(ProbeState::new(tracker));
    let events = ConntrackEvents::subscribe(config.receive_buffer)?;
    initial_dump(&state)?;
    let mut sink = JsonLinesSink::open(
        config.output.as_deref(),
        config.rotate_bytes,
        config.rotate_keep,
    )?;
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (state, stop) = (state.clone(), stop.clone());
        std::thread::Builder::new()
            .name("conntrack-reader".into())
            .spawn(move || read_events(events, state, stop))
            .map_err(ProbeError::Runtime)?
    };
    state.reader_alive.store(true, Ordering::Relaxed);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ProbeError::Runtime)?;
    let served = runtime.block_on(serve_until_stopped(&config, &state, &mut sink));
    stop.store(true, Ordering::Relaxed);
    if reader.join().is_err() {
        tracing::error!("the conntrack reader thread panicked");
    }
    served?;
    write(&state, &mut sink, |t| {
        t.aggregator_mut().take_changed(chrono::Utc::now())
    })?;
    state.refresh_gauges();
    let m = &state.metrics;
    Ok(ProbeSummary {
        events: Metrics::get(&m.events_new) + Metrics::get(&m.events_destroy),
        dump_entries: Metrics::get(&m.dump_entries),
        flows: Metrics::get(&m.flows),
        enobufs: Metrics::get(&m.enobufs),
        resyncs: Metrics::get(&m.resyncs),
        dropped: Metrics::get(&m.dropped),
        records_written: Metrics::get(&m.records_written),
    })
}

async fn serve_until_stopped(
    config: &ProbeConfig,
    state: &Arc<ProbeState>,
    sink: &mut JsonLinesSink,
) -> Result<(), ProbeError> {
    let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    let server = match config.listen {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| ProbeError::Listen {
                    addr: addr.to_string(),
                    source,
                })?;
            tracing::info!(%addr, "serving /flows, /metrics and /healthz");
            let mut rx = shutdown_rx.clone();
            let app = router(state.clone());
            Some(tokio::spawn(async move {
                let stopped = async move {
                    let _ = rx.wait_for(|stop| *stop).await;
                };
                axum::serve(listener, app)
                    .with_graceful_shutdown(stopped)
                    .await
            }))
        }
        None => None,
    };
    let deadline = async {
        match config.duration {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(ProbeError::Runtime)?;
    let mut new_flows = tokio::time::interval(NEW_FLOW_INTERVAL);
    let mut updates = tokio::time::interval(config.flush_interval);
    updates.tick().await;
    let mut reload = InventoryReload::new(config.inventory_reload.clone());
    let mut reload_tick = tokio::time::interval(reload.interval());
    reload_tick.tick().await;
    let result = loop {
        tokio::select! {
            _ = new_flows.tick() => {
                take_fed(config.inventory_feed.as_ref(), state);
                if let Err(e) = write(state, sink, |t| t.aggregator_mut().take_new(chrono::Utc::now())) {
                    break Err(e);
                }
            }
            _ = updates.tick() => {
                if let Err(e) = write(state, sink, |t| t.aggregator_mut().take_changed(chrono::Utc::now())) {
                    break Err(e);
                }
            }
            _ = reload_tick.tick() => reload.check(state),
            _ = tokio::signal::ctrl_c() => break Ok(()),
            _ = terminate.recv() => break Ok(()),
            () = &mut deadline => break Ok(()),
        }
    };
    let _ = shutdown_tx.send(true);
    if let Some(server) = server {
        match server.await {
            Ok(Err(err)) => tracing::warn!(error = %err, "HTTP endpoint stopped with an error"),
            Err(err) => tracing::warn!(error = %err, "HTTP endpoint task failed"),
            Ok(Ok(())) => {}
        }
    }
    result
}

/// Where an inventory from elsewhere waits to be taken (the latest replaces one not yet taken).
pub type InventoryFeed = Arc<std::sync::Mutex<Option<Inventory>>>;

/// Installs the inventory waiting in `feed`, if any.
fn take_fed(feed: Option<&InventoryFeed>, state: &ProbeState) {
    let latest = feed.and_then(|f| {
        f.lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    });
    let Some(latest) = latest else {
        return;
    };
    let (pods, services, hosts) = latest.counts();
    state.tracker().set_inventory(Arc::new(latest));
    tracing::debug!(
        pods,
        services,
        hosts,
        "inventory updated from the API server"
    );
}

/// Re-reads the inventory file when its modification time changes; a file that fails to
/// load keeps the previous inventory (and says why).
#[derive(Debug)]
struct InventoryReload {
    watched: Option<(PathBuf, Duration)>,
    last_modified: Option<std::time::SystemTime>,
}

impl InventoryReload {
    fn new(watched: Option<(PathBuf, Duration)>) -> Self {
        let last_modified = watched.as_ref().and_then(|(path, _)| modified(path));
        Self {
            watched,
            last_modified,
        }
    }

    fn interval(&self) -> Duration {
        self.watched
            .as_ref()
            .map_or(Duration::from_secs(3600), |(_, every)| *every)
    }

    fn check(&mut self, state: &ProbeState) {
        let Some((path, _)) = &self.watched else {
            return;
        };
        let now = modified(path);
        if now.is_none() || now == self.last_modified {
            return;
        }
        self.last_modified = now;
        match Inventory::load(path) {
            Ok(inventory) => {
                let (pods, services, hosts) = inventory.counts();
                state.tracker().set_inventory(Arc::new(inventory));
                tracing::info!(pods, services, hosts, "inventory reloaded");
            }
            Err(err) => {
                tracing::warn!(error = %err, "inventory not reloaded; keeping the previous one")
            }
        }
    }
}

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn write(
    state: &ProbeState,
    sink: &mut JsonLinesSink,
    take: impl FnOnce(&mut FlowTracker) -> Vec<crate::record::FlowRecord>,
) -> Result<(), ProbeError> {
    let records = take(&mut state.tracker());
    if records.is_empty() {
        return Ok(());
    }
    sink.write(&records)?;
    Metrics::add(&state.metrics.records_written, records.len() as u64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_fed_inventory_is_taken_once() {
        let state = ProbeState::new(FlowTracker::new(Arc::new(Inventory::default()), "n1", 10));
        let feed = InventoryFeed::default();
        take_fed(Some(&feed), &state);
        assert_eq!(state.tracker().inventory().counts(), (0, 0, 0));
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {clusterIP: 198.19.0.10}\n";
        let inventory =
            Inventory::from_yaml(text, Path::new("test")).unwrap_or_else(|e| panic!("{e}"));
        *feed.lock().unwrap_or_else(|p| p.into_inner()) = Some(inventory);
        take_fed(Some(&feed), &state);
        assert_eq!(state.tracker().inventory().counts(), (0, 1, 0));
        assert!(
            feed.lock().unwrap_or_else(|p| p.into_inner()).is_none(),
            "not taken"
        );
        // Nothing new: the inventory stays.
        take_fed(Some(&feed), &state);
        assert_eq!(state.tracker().inventory().counts(), (0, 1, 0));
    }
}
