//! `palisade probe`'s own watch of the API server: the cluster crate's reflectors over Pods,
//! Services and Nodes (cut down to the fields attribution reads) and the ReplicaSets and Jobs a
//! pod's workload is found through (metadata only), feeding the probe a new attribution
//! inventory after each change (debounced). Read-only: list and watch, nothing else.
//!
//! The source is chosen as the webhook's is: `--inventory FILE` wins; else `--kubeconfig` and/or
//! `--context`, or the pod's service account when running in a pod, unless `--no-cluster`;
//! otherwise addresses are reported as plain IPs.

use anyhow::{Context, Result};
use palisade_cluster::{ClientSettings, InventoryOptions, InventorySink};
use palisade_probe::inventory::Inventory;
use palisade_probe::inventory::objects::KubeObject;
use palisade_probe::runner::InventoryFeed;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Starts the watch on a thread of its own; it runs until the process ends. The client
/// configuration is resolved first (a bad kubeconfig or context is an error, exit 2).
pub fn start(settings: ClientSettings, feed: InventoryFeed, debounce: Duration) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the watch's runtime")?;
    let client = runtime.block_on(async {
        let (config, origin) = palisade_cluster::resolve(&settings)
            .await
            .context("probe inventory")?;
        tracing::info!(%origin, server = %config.cluster_url, "probe inventory: watching the cluster");
        palisade_cluster::client(config).context("probe inventory")
    })?;
    std::thread::Builder::new()
        .name("inventory-watch".into())
        .spawn(move || {
            runtime.block_on(async move {
                let options = InventoryOptions {
                    debounce,
                    ..InventoryOptions::default()
                };
                let _watch = palisade_cluster::LiveInventory::spawn_kinds(
                    client,
                    palisade_cluster::kinds::probe_watched(),
                    Arc::new(Sink(feed)),
                    options,
                );
                std::future::pending::<()>().await;
            });
        })
        .context("starting the watch's thread")?;
    Ok(())
}

/// The probe's feed, as the cluster crate's sink.
struct Sink(InventoryFeed);

impl InventorySink for Sink {
    fn publish(&self, objects: Vec<Value>) {
        match inventory_of(objects) {
            Ok(inventory) => {
                let (pods, services, hosts) = inventory.counts();
                tracing::info!(pods, services, hosts, "probe inventory rebuilt");
                *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(inventory);
            }
            Err(e) => {
                tracing::warn!(error = %e, "probe inventory not rebuilt; keeping the previous one")
            }
        }
    }

    fn sync_status(&self, waiting: &[String]) {
        if waiting.is_empty() {
            tracing::info!("probe inventory synced");
        } else {
            tracing::debug!(?waiting, "probe inventory: waiting for the first lists");
        }
    }

    fn watch_restarted(&self, kind: &str, reason: &'static str) {
        tracing::debug!(kind, reason, "probe inventory: watch restarted");
    }
}

/// The attribution inventory of the watched objects.
pub fn inventory_of(objects: Vec<Value>) -> Result<Inventory> {
    let items = objects
        .into_iter()
        .map(serde_json::from_value::<KubeObject>)
        .collect::<Result<Vec<_>, _>>()
        .context("an object from the API server")?;
    Ok(Inventory::from_objects(
        &items,
        Path::new("the API server"),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn watched_objects_attribute_a_pod_to_its_deployment() {
        let objects = vec![
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "web-5d9-x", "namespace": "shop", "labels": {"app": "web"},
                                "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d9", "controller": true}]},
                   "spec": {"nodeName": "n1"},
                   "status": {"phase": "Running", "podIP": "198.18.0.5", "podIPs": [{"ip": "198.18.0.5"}]}}),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                   "metadata": {"name": "web-5d9", "namespace": "shop",
                                "ownerReferences": [{"kind": "Deployment", "name": "web", "controller": true}]}}),
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "namespace": "shop"},
                   "spec": {"clusterIP": "198.19.0.10", "clusterIPs": ["198.19.0.10"]}}),
        ];
        let inventory = inventory_of(objects).unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(inventory.counts(), (1, 1, 0));
        let pod = inventory
            .pod_named("shop", "web-5d9-x")
            .unwrap_or_else(|| panic!("the pod is not in the inventory"));
        assert_eq!(pod.workload.as_deref(), Some("Deployment/web"));
        let ip = "198.19.0.10".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            inventory.service_at(&ip).map(|s| s.as_ref()),
            Some("shop/web")
        );
    }
}
