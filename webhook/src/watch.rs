//! Hot reload: every interval, the certificate pair, the policy files (configuration and policy
//! directories) and the inventory file are fingerprinted by content; a change reloads that part.
//! Polling by content works with how Kubernetes updates mounted Secrets and ConfigMaps (an atomic
//! swap of a symlinked directory) and needs no platform notification API. A reload that fails
//! keeps what is being served, logs why and counts it; a later change is tried again.

use crate::options::ServerOptions;
use crate::state::{Source, State};
use crate::tls;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::watch;

/// A fingerprint of files and directory trees (names and contents); missing paths count too.
pub(crate) fn fingerprint_paths(paths: &[PathBuf]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in paths {
        add_path(&mut h, p, 0);
    }
    h.finish()
}

fn add_path(h: &mut impl Hasher, path: &Path, depth: usize) {
    path.hash(h);
    if depth > 16 {
        return;
    }
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            // Kubernetes keeps old volume contents in `..<timestamp>` directories beside `..data`.
            let hidden_version = e
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("..") && n != "..data");
            if !hidden_version {
                add_path(h, &e, depth + 1);
            }
        }
    } else {
        match std::fs::read(path) {
            Ok(bytes) => bytes.hash(h),
            Err(e) => e.kind().to_string().hash(h),
        }
    }
}

/// Fingerprints of what the server loads, taken before it loads them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen {
    cert: u64,
    policies: u64,
    inventory: u64,
}

impl Seen {
    pub(crate) fn now(options: &ServerOptions, source: &dyn Source) -> Self {
        let inventory: Vec<PathBuf> = source.inventory_path().into_iter().collect();
        Self {
            cert: fingerprint_paths(&[options.cert.clone(), options.key.clone()]),
            policies: fingerprint_paths(&source.watched()),
            inventory: fingerprint_paths(&inventory),
        }
    }
}

/// Watches until `stop` turns true; `seen` is what was loaded.
pub(crate) async fn run(state: Arc<State>, seen: Seen, mut stop: watch::Receiver<bool>) {
    let opts = state.options.clone();
    let cert_paths = vec![opts.cert.clone(), opts.key.clone()];
    let Seen {
        mut cert,
        mut policies,
        mut inventory,
    } = seen;
    let inventory_path: Vec<PathBuf> = state.source.inventory_path().into_iter().collect();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(opts.reload_interval) => {}
            _ = stop.changed() => return,
        }
        let now = fingerprint_paths(&cert_paths);
        if now != cert {
            cert = now;
            reload_certificate(&state);
        }
        let watched = state.source.watched();
        let now = fingerprint_paths(&watched);
        if now != policies {
            policies = now;
            let source = state.source.clone();
            let loaded = tokio::task::spawn_blocking(move || source.load()).await;
            match loaded {
                Ok(Ok(set)) => {
                    state.set_policies(set);
                    state.metrics.reload("policies", true);
                    tracing::info!("policies and configuration reloaded");
                }
                Ok(Err(e)) => failed(&state, "policies", &e),
                Err(e) => failed(&state, "policies", &e.to_string()),
            }
        }
        if !inventory_path.is_empty() {
            let now = fingerprint_paths(&inventory_path);
            if now != inventory {
                inventory = now;
                match state.source.read_inventory() {
                    Ok(objects) => {
                        let count = objects.len();
                        state.set_inventory(objects);
                        state.metrics.reload("inventory", true);
                        tracing::info!(objects = count, "inventory reloaded");
                    }
                    Err(e) => failed(&state, "inventory", &e),
                }
            }
        }
    }
}

fn reload_certificate(state: &State) {
    let opts = &state.options;
    match tls::load(&opts.cert, &opts.key) {
        Ok(loaded) => {
            state.resolver.replace(loaded.key);
            state.metrics.set_cert_not_after(loaded.not_after);
            state.metrics.reload("certificate", true);
            tracing::info!(not_after = loaded.not_after, "serving certificate reloaded");
        }
        Err(e) => failed(state, "certificate", &e.to_string()),
    }
}

fn failed(state: &State, what: &str, why: &str) {
    state.metrics.reload(what, false);
    tracing::error!(
        what,
        "reload failed, still serving the last good {what}: {why}"
    );
}
