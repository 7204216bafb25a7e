//! The plain-HTTP listener: `GET /healthz` (the process answers), `GET /readyz` (policies
//! compiled, certificate loaded, not shutting down; the body also says whether a live inventory
//! has synced), `GET /readyz/inventory` (503 until a live inventory has synced) and
//! `GET /metrics` (Prometheus text).
//!
//! A live inventory that has not synced does not make the webhook unready: it serves every rule
//! that needs no inventory, and an unready webhook would serve none (the API server would apply
//! the failure policy to everything).

use crate::state::State;
use axum::Router;
use axum::extract::State as Shared;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/readyz/inventory", get(inventory))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn ready(Shared(state): Shared<Arc<State>>) -> Response {
    if state.ready() {
        let body = match state.inventory_waiting() {
            None => "ready\n".to_string(),
            Some(kinds) => format!("ready\ninventory: waiting for {}\n", kinds.join(", ")),
        };
        (StatusCode::OK, body).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response()
    }
}

async fn inventory(Shared(state): Shared<Arc<State>>) -> Response {
    match state.inventory_waiting() {
        None => (StatusCode::OK, "inventory synced\n").into_response(),
        Some(kinds) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("inventory: waiting for {}\n", kinds.join(", ")),
        )
            .into_response(),
    }
}

async fn metrics(Shared(state): Shared<Arc<State>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
