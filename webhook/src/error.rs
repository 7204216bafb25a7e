//! Why the webhook cannot start (or a reload cannot apply), naming the file or address.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("{path}: {detail}")]
    Certificate { path: PathBuf, detail: String },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("policies: {0}")]
    Policies(String),
    #[error("inventory: {0}")]
    Inventory(String),
}
