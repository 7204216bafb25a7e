//! The webhook's live inventory: one kube-rs reflector (watcher + store) per watched kind
//! ([`crate::kinds`]), and one task that turns the stores into `data.inventory` when they change.
//!
//! Cost is bounded three ways: memory by the watched kinds alone (never Pods; Namespaces
//! metadata-only; managedFields and last-applied copies dropped before the store), API-server
//! load by one list and one watch per kind (lists from the watch cache, resumed watches after a
//! disconnect, relists only after 410 Gone), and CPU by debouncing — changes arriving within the
//! debounce window are rebuilt once, and a rebuild never starts sooner than twice the time the
//! previous one took after it, so rebuilding takes at most a third of a core however fast the
//! cluster changes.
//!
//! Nothing here blocks the webhook: watches start in the background, retry with backoff while
//! the API server is unreachable, and report through an [`InventorySink`].

use crate::backoff::WatchBackoff;
use crate::kinds::{Watched, full_object, metadata_object, trim, trim_object};
use futures_util::{FutureExt, Stream, StreamExt};
use kube::api::{Api, DynamicObject, PartialObjectMeta};
use kube::runtime::reflector::store::Writer;
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Where the inventory goes: the webhook implements it (through the binary, which wires crates).
pub trait InventorySink: Send + Sync + 'static {
    /// Every inventory object, after a change. Runs on a blocking thread and may take a while
    /// (the webhook computes the inventory's facts here).
    fn publish(&self, objects: Vec<Value>);
    /// The kinds not yet listed once, reported after each rebuild (so "synced" means published);
    /// empty once every kind has synced (and stays synced through
    /// later relists, which keep serving the last complete list until the new one is done).
    fn sync_status(&self, waiting: &[String]);
    /// A watch that failed and is retried (`reason`: `list_failed`, `watch_failed`, `expired`
    /// for 410 Gone and the relist that follows, …).
    fn watch_restarted(&self, kind: &str, reason: &'static str);
}

/// Settings of the reflectors.
#[derive(Debug, Clone)]
pub struct InventoryOptions {
    /// Changes arriving within this window are rebuilt once.
    pub debounce: Duration,
    /// First retry delay after a failed list or watch (doubling up to `backoff_max`).
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// Objects per list page.
    pub page_size: u32,
}

impl Default for InventoryOptions {
    fn default() -> Self {
        InventoryOptions {
            debounce: Duration::from_millis(500),
            backoff_min: Duration::from_millis(800),
            backoff_max: Duration::from_secs(30),
            page_size: 500,
        }
    }
}

/// Running reflectors; dropping it stops them.
#[derive(Debug)]
pub struct LiveInventory {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for LiveInventory {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Turns one store into inventory objects.
type Snapshot = Box<dyn Fn() -> Vec<Value> + Send + Sync>;

struct Shared {
    kinds: Vec<String>,
    synced: Vec<AtomicBool>,
    changed: Notify,
    sink: Arc<dyn InventorySink>,
}

impl Shared {
    /// The kinds not listed once yet.
    fn waiting(&self) -> Vec<String> {
        self.kinds
            .iter()
            .zip(&self.synced)
            .filter(|(_, s)| !s.load(Ordering::Relaxed))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

impl LiveInventory {
    /// Starts a reflector per watched kind and the rebuild task (on the current runtime).
    pub fn spawn(
        client: kube::Client,
        sink: Arc<dyn InventorySink>,
        options: InventoryOptions,
    ) -> LiveInventory {
        Self::spawn_kinds(client, crate::kinds::watched(), sink, options)
    }

    /// Starts a reflector per kind of `watched` (the probe's, say: [`crate::kinds::probe_watched`])
    /// and the rebuild task.
    pub fn spawn_kinds(
        client: kube::Client,
        watched: Vec<Watched>,
        sink: Arc<dyn InventorySink>,
        options: InventoryOptions,
    ) -> LiveInventory {
        let shared = Arc::new(Shared {
            kinds: watched.iter().map(|w| w.resource.kind.clone()).collect(),
            synced: watched.iter().map(|_| AtomicBool::new(false)).collect(),
            changed: Notify::new(),
            sink,
        });
        shared.sink.sync_status(&shared.waiting());
        let mut tasks = Vec::new();
        let mut snapshots: Vec<Snapshot> = Vec::new();
        for (index, w) in watched.into_iter().enumerate() {
            let (task, snapshot) = if w.metadata_only {
                reflect_metadata(&client, w, index, &shared, &options)
            } else {
                reflect_full(&client, w, index, &shared, &options)
            };
            tasks.push(task);
            snapshots.push(snapshot);
        }
        tasks.push(tokio::spawn(rebuild(
            shared,
            Arc::new(snapshots),
            options.debounce,
        )));
        LiveInventory { tasks }
    }
}

fn config(options: &InventoryOptions) -> watcher::Config {
    // Lists are served from the API server's watch cache (resourceVersion=0), as informers do.
    watcher::Config::default()
        .any_semantic()
        .page_size(options.page_size)
}

fn reflect_full(
    client: &kube::Client,
    w: Watched,
    index: usize,
    shared: &Arc<Shared>,
    options: &InventoryOptions,
) -> (JoinHandle<()>, Snapshot) {
    let writer = Writer::<DynamicObject>::new(w.resource.clone());
    let store = writer.as_reader();
    let api = Api::<DynamicObject>::all_with(client.clone(), &w.resource);
    let cut = w.clone();
    let stream = watcher(api, config(options))
        .modify(move |o| trim_object(&cut, o))
        .backoff(WatchBackoff::new(options.backoff_min, options.backoff_max))
        .reflect(writer);
    let task = tokio::spawn(drive(index, stream, shared.clone()));
    let resource = w.resource;
    let snapshot: Snapshot = Box::new(move || {
        let state = store.state();
        state.iter().map(|o| full_object(&resource, o)).collect()
    });
    (task, snapshot)
}

fn reflect_metadata(
    client: &kube::Client,
    w: Watched,
    index: usize,
    shared: &Arc<Shared>,
    options: &InventoryOptions,
) -> (JoinHandle<()>, Snapshot) {
    let writer = Writer::<PartialObjectMeta<DynamicObject>>::new(w.resource.clone());
    let store = writer.as_reader();
    let api = Api::<PartialObjectMeta<DynamicObject>>::all_with(client.clone(), &w.resource);
    let stream = watcher(api, config(options))
        .modify(|o| trim(&mut o.metadata))
        .backoff(WatchBackoff::new(options.backoff_min, options.backoff_max))
        .reflect(writer);
    let task = tokio::spawn(drive(index, stream, shared.clone()));
    let resource = w.resource;
    let snapshot: Snapshot = Box::new(move || {
        let state = store.state();
        state
            .iter()
            .map(|o| metadata_object(&resource, &o.metadata))
            .collect()
    });
    (task, snapshot)
}

/// Follows one kind's events: sync progress, changes, restarts.
async fn drive<K>(
    index: usize,
    stream: impl Stream<Item = watcher::Result<watcher::Event<K>>>,
    shared: Arc<Shared>,
) {
    let kind = shared.kinds.get(index).cloned().unwrap_or_default();
    futures_util::pin_mut!(stream);
    while let Some(item) = stream.next().await {
        match item {
            Ok(watcher::Event::InitDone) => {
                // Reported synced by the rebuild that publishes this list.
                if let Some(s) = shared.synced.get(index)
                    && !s.swap(true, Ordering::Relaxed)
                {
                    tracing::info!(kind, "inventory: listed");
                }
                shared.changed.notify_one();
            }
            Ok(watcher::Event::Apply(_) | watcher::Event::Delete(_)) => {
                shared.changed.notify_one();
            }
            Ok(watcher::Event::Init | watcher::Event::InitApply(_)) => {}
            Err(e) => {
                let reason = reason(&e);
                tracing::warn!(kind, reason, "inventory watch restarts: {e}");
                shared.sink.watch_restarted(&kind, reason);
            }
        }
    }
}

/// A metric label for a watch error.
fn reason(e: &watcher::Error) -> &'static str {
    match e {
        watcher::Error::InitialListFailed(_) => "list_failed",
        watcher::Error::WatchStartFailed(_) => "watch_start_failed",
        watcher::Error::WatchError(status) if status.code == 410 => "expired",
        watcher::Error::WatchError(_) => "watch_error",
        watcher::Error::WatchFailed(_) => "watch_failed",
        watcher::Error::NoResourceVersion => "no_resource_version",
    }
}

/// Rebuilds the inventory after changes, debounced (see the module documentation).
async fn rebuild(shared: Arc<Shared>, snapshots: Arc<Vec<Snapshot>>, debounce: Duration) {
    let mut last_cost = Duration::ZERO;
    loop {
        shared.changed.notified().await;
        tokio::time::sleep(debounce.max(last_cost * 2)).await;
        // Changes that arrived while waiting are in this rebuild: forget their wake-up.
        let _ = shared.changed.notified().now_or_never();
        let started = Instant::now();
        // Read before the stores: a kind is reported synced only once a rebuild holds its list.
        let waiting = shared.waiting();
        let (snaps, sink) = (snapshots.clone(), shared.sink.clone());
        let built = tokio::task::spawn_blocking(move || {
            let objects: Vec<Value> = snaps.iter().flat_map(|s| s()).collect();
            let count = objects.len();
            sink.publish(objects);
            count
        })
        .await;
        last_cost = started.elapsed();
        match built {
            Ok(count) => {
                tracing::debug!(objects = count, took = ?last_cost, "inventory rebuilt");
                shared.sink.sync_status(&waiting);
            }
            Err(e) => tracing::error!("inventory rebuild failed: {e}"),
        }
    }
}
