//! The harness: a webhook process ([`process`], described by a [`builder`]); the API server's
//! HTTPS client for it ([`client`], connections kept by [`transport`]); the webhook
//! configurations ([`config`]) and how the API server matches requests against them
//! ([`matching`]); the AdmissionReview it sends and the checks it makes of the answer
//! ([`review`]); the admission chain itself ([`apiserver`]) and what it answers the user
//! ([`outcome`]). [`Harness`] ties one webhook and one API server together for synchronous test
//! cases, and [`run_cases`] runs a group of them.

pub mod apiserver;
pub mod builder;
pub mod client;
pub mod config;
pub mod matching;
pub mod outcome;
pub mod process;
pub mod review;
pub mod transport;

pub use apiserver::{ApiServer, Attempt, Outcome};
pub use builder::WebhookBuilder;
pub use process::Webhook;

use client::{Alpn, Connection};
use rustls::pki_types::CertificateDer;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A path in the repository.
pub fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// One webhook process, an API server configured for it from `manifests/webhook/`, and a
/// runtime to drive both from synchronous tests.
#[derive(Debug)]
pub struct Harness {
    pub rt: tokio::runtime::Runtime,
    pub api: ApiServer,
    // Dropped last: the process is killed and its directory removed after the client is gone.
    pub webhook: Webhook,
}

impl Harness {
    /// Starts the webhook `builder` describes and an API server that routes the manifests'
    /// Service to it.
    pub fn start(builder: WebhookBuilder) -> Harness {
        let rt = runtime();
        let webhook = builder.start();
        let api = ApiServer::from_manifests(&repo("manifests/webhook"), &webhook);
        Harness { rt, api, webhook }
    }

    /// The admission chain for one request.
    pub fn admit(&self, attempt: Attempt) -> Outcome {
        self.rt.block_on(self.api.admit(attempt))
    }

    /// A new connection to the webhook, verifying its certificate as `server_name` with
    /// `ca_pem` as the only root.
    pub fn connect(
        &self,
        server_name: &str,
        ca_pem: &str,
        alpn: Alpn,
    ) -> Result<Connection, String> {
        let config = client::tls_config(ca_pem.as_bytes(), alpn)?;
        self.rt
            .block_on(client::connect(self.webhook.addr, server_name, 443, config))
    }

    /// The certificate a new connection is served.
    pub fn served_certificate(&self) -> CertificateDer<'static> {
        let name = format!("{}.{}.svc", process::SERVICE, process::NAMESPACE);
        self.connect(&name, &self.webhook.ca_pem(), Alpn::Both)
            .unwrap_or_else(|e| panic!("connecting to the webhook: {e}"))
            .peer
    }

    /// POSTs `review` straight to `path` (bypassing rules and selectors): HTTP status and body.
    pub fn post(&self, path: &str, review: &Value) -> (u16, Value) {
        let body = serde_json::to_vec(review).unwrap_or_else(|e| panic!("{e}"));
        let (status, bytes) = self
            .rt
            .block_on(self.api.post_raw(path, body))
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let json = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, json)
    }
}

/// A runtime for a group: two workers, like the machine the suite is sized for.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("tokio runtime: {e}"))
}

/// A named case of a group.
pub type Case<C> = (&'static str, fn(&C));

/// Runs every case of `group` in order (a failing case does not stop the others), prints one
/// line per case and fails naming the cases that failed.
pub fn run_cases<C>(group: &str, ctx: &C, cases: &[Case<C>]) {
    let mut failed = Vec::new();
    for (name, case) in cases {
        let started = Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(ctx)));
        let took = started.elapsed();
        match result {
            Ok(()) => println!("e2e::{group}::{name} ... ok ({took:.2?})"),
            Err(_) => {
                println!("e2e::{group}::{name} ... FAILED ({took:.2?})");
                failed.push(*name);
            }
        }
    }
    assert!(
        failed.is_empty(),
        "e2e::{group}: {} of {} cases failed: {}",
        failed.len(),
        cases.len(),
        failed.join(", ")
    );
}
