//! Where `palisade webhook` gets its inventory, and the wiring of a live one: the cluster crate's
//! reflectors feed the webhook's [`LiveInventory`] handle (neither crate knows the other).
//!
//! The source is chosen once, at start:
//! - `--inventory FILE`: the file, re-read when it changes (clusterless use; no API server);
//! - `--kubeconfig FILE` and/or `--context NAME`: watched live through that kubeconfig (with only
//!   `--context`, KUBECONFIG or `~/.kube/config`, as kubectl);
//! - neither, in a pod with a service account (`KUBERNETES_SERVICE_HOST` and the mounted token):
//!   watched live in-cluster, unless `--no-cluster`;
//! - otherwise no inventory. A KUBECONFIG in a developer's shell alone does not turn a local
//!   webhook into a cluster client: that takes `--kubeconfig` or `--context`.

use anyhow::{Context, Result};
use palisade_cluster::{ClientSettings, InventoryOptions, InventorySink};
use palisade_webhook::LiveInventory;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The flags that choose the source.
#[derive(Debug, Clone)]
pub struct Choice {
    pub inventory: Option<PathBuf>,
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub no_cluster: bool,
}

/// The client settings of a live inventory, when the flags and the environment ask for one.
pub fn live_settings(choice: &Choice) -> Option<ClientSettings> {
    if choice.inventory.is_some() || choice.no_cluster {
        return None;
    }
    if choice.kubeconfig.is_some() || choice.context.is_some() || palisade_cluster::in_cluster() {
        return Some(ClientSettings {
            kubeconfig: choice.kubeconfig.clone(),
            context: choice.context.clone(),
        });
    }
    None
}

/// Resolves the client configuration (a bad kubeconfig or context is an input error, exit 2);
/// nothing is sent to the API server yet.
pub async fn client(settings: &ClientSettings) -> Result<palisade_cluster::Client> {
    let (config, origin) = palisade_cluster::resolve(settings)
        .await
        .context("live inventory")?;
    tracing::info!(%origin, server = %config.cluster_url, "live inventory: watching the cluster");
    palisade_cluster::client(config).context("live inventory")
}

/// Starts the reflectors feeding `live`; they stop when the returned value is dropped.
pub fn spawn(
    client: palisade_cluster::Client,
    live: LiveInventory,
    debounce: Duration,
) -> palisade_cluster::LiveInventory {
    let options = InventoryOptions {
        debounce,
        ..InventoryOptions::default()
    };
    palisade_cluster::LiveInventory::spawn(client, Arc::new(Sink(live)), options)
}

/// The webhook's handle, as the cluster crate's sink.
#[derive(Debug)]
struct Sink(LiveInventory);

impl InventorySink for Sink {
    fn publish(&self, objects: Vec<Value>) {
        let count = objects.len();
        self.0.publish(objects);
        tracing::info!(objects = count, "live inventory rebuilt");
    }

    fn sync_status(&self, waiting: &[String]) {
        if waiting.is_empty() {
            tracing::info!("live inventory synced");
        }
        self.0.set_waiting(waiting);
    }

    fn watch_restarted(&self, kind: &str, reason: &'static str) {
        self.0.watch_restarted(kind, reason);
    }
}
