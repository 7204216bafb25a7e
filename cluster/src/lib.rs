//! Palisade's one door to a Kubernetes API server (kube-rs, rustls with ring): client
//! configuration resolved as kubectl resolves it ([`resolve`], [`ClientSettings`]) and the
//! webhook's live inventory ([`LiveInventory`]: reflectors over the kinds the rules read,
//! `data.inventory` rebuilt on change, debounced), server-side apply of NetworkPolicies
//! ([`apply`]), and the webhook's self-managed certificates ([`CertManager`]: a Secret, a Lease,
//! the caBundle of its webhook configurations). The webhook does not depend on this crate, nor
//! this crate on the webhook: the binary connects them through [`InventorySink`].

pub mod apply;
mod backoff;
mod config;
mod error;
mod inventory;
pub mod kinds;
mod lease;
pub mod list;
mod managed_certs;
pub mod reports;
mod webhook_configs;

pub use config::{
    ClientSettings, ConfigOrigin, SERVICE_ACCOUNT_TOKEN, client, in_cluster, resolve,
};
pub use error::ClusterError;
pub use inventory::{InventoryOptions, InventorySink, LiveInventory};
pub use kube::Client;
pub use managed_certs::{CertManager, CertSettings, Round};
