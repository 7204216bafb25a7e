//! The probe's HTTP endpoint (axum): `GET /flows` (every flow held, as JSON lines),
//! `GET /metrics` (Prometheus text) and `GET /healthz` (200 while the conntrack reader runs).

use crate::metrics::Metrics;
use crate::tracker::FlowTracker;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// State shared by the conntrack reader, the writer and the HTTP endpoint.
#[derive(Debug)]
pub struct ProbeState {
    pub tracker: Mutex<FlowTracker>,
    pub metrics: Metrics,
    /// Set by the reader while it runs.
    pub reader_alive: AtomicBool,
}

impl ProbeState {
    /// Wraps a tracker.
    pub fn new(tracker: FlowTracker) -> Self {
        Self {
            tracker: Mutex::new(tracker),
            metrics: Metrics::default(),
            reader_alive: AtomicBool::new(false),
        }
    }

    /// Locks the tracker; a panic elsewhere while holding it does not make the data unusable.
    pub fn tracker(&self) -> MutexGuard<'_, FlowTracker> {
        self.tracker
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Copies the table's size and drop count into the gauges.
    pub fn refresh_gauges(&self) {
        let tracker = self.tracker();
        Metrics::set(&self.metrics.flows, tracker.aggregator().len() as u64);
        Metrics::set(&self.metrics.dropped, tracker.aggregator().dropped());
    }
}

/// The router serving the three endpoints.
pub fn router(state: Arc<ProbeState>) -> Router {
    Router::new()
        .route("/flows", get(flows))
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(state)
}

async fn flows(State(state): State<Arc<ProbeState>>) -> impl IntoResponse {
    let records = state.tracker().aggregator().snapshot(chrono::Utc::now());
    let mut body = String::with_capacity(records.len() * 256);
    for record in &records {
        if let Ok(line) = serde_json::to_string(record) {
            body.push_str(&line);
            body.push('\n');
        }
    }
    ([(header::CONTENT_TYPE, "application/x-ndjson")], body)
}

async fn metrics(State(state): State<Arc<ProbeState>>) -> impl IntoResponse {
    state.refresh_gauges();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

async fn healthz(State(state): State<Arc<ProbeState>>) -> impl IntoResponse {
    if state.reader_alive.load(Ordering::Relaxed) {
        (StatusCode::OK, "ok\n")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "conntrack reader is not running\n",
        )
    }
}
