//! The TLS listener's routes: `POST /validate` and `POST /mutate`. A handler reads the body (with
//! a size limit and a read timeout), hands the review to the blocking pool, applies the failure
//! mode when the evaluation times out or fails, and records metrics and audit lines.

use crate::options::FailureMode;
use crate::pool::{Failure, Slot};
use crate::review::{self, Answer, Reviewed};
use crate::state::State;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State as Shared;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use palisade_policies::Enforcement;
use palisade_policies::admission::{self, Request};
use std::sync::Arc;
use std::time::Instant;

/// Which endpoint a request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Validate,
    Mutate,
}

impl Endpoint {
    fn as_str(self) -> &'static str {
        match self {
            Endpoint::Validate => "validate",
            Endpoint::Mutate => "mutate",
        }
    }
}

pub(crate) fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/validate", post(validate))
        .route("/mutate", post(mutate))
        .with_state(state)
}

async fn validate(Shared(state): Shared<Arc<State>>, body: Body) -> Response {
    handle(state, Endpoint::Validate, body).await
}

async fn mutate(Shared(state): Shared<Arc<State>>, body: Body) -> Response {
    handle(state, Endpoint::Mutate, body).await
}

async fn handle(state: Arc<State>, endpoint: Endpoint, body: Body) -> Response {
    let started = Instant::now();
    let _in_flight = state.metrics.in_flight();
    let bytes = match read_body(&state, body).await {
        Ok(b) => b,
        Err((status, message)) => return reject(&state, status, message),
    };
    let request = match admission::parse_review(&bytes) {
        Ok(r) => r,
        Err(e) => return reject(&state, StatusCode::BAD_REQUEST, e.to_string()),
    };
    drop(bytes);
    let summary = summary(&request);
    let snapshot = state.snapshot();
    let work = move |slot: &mut Slot| {
        let began = Instant::now();
        let ev = slot.evaluator(&snapshot);
        let answer = match endpoint {
            Endpoint::Validate => review::validate(&snapshot, ev, request),
            Endpoint::Mutate => review::mutate(&snapshot, ev, request),
        };
        (answer, began.elapsed())
    };
    let deadline = tokio::time::Instant::from_std(started) + state.options.timeout;
    let response = match state.pool.run(deadline, work).await {
        Ok((answer, took)) => {
            state.metrics.evaluation_time(took);
            match answer {
                Answer::Reviewed(r) => answered(&state, endpoint, &r),
                Answer::Failed(error) => {
                    failure(&state, endpoint, &summary, &Failure::Crashed(error))
                }
            }
        }
        Err(f) => failure(&state, endpoint, &summary, &f),
    };
    state
        .metrics
        .request_time(endpoint.as_str(), started.elapsed());
    response
}

/// The body, or the HTTP error to answer with.
async fn read_body(state: &State, body: Body) -> Result<Bytes, (StatusCode, String)> {
    let limit = state.options.max_body;
    match tokio::time::timeout(
        state.options.read_timeout,
        axum::body::to_bytes(body, limit),
    )
    .await
    {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            let e = e.into_inner();
            if e.is::<http_body_util::LengthLimitError>() {
                Err((
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("request body over the limit of {limit} bytes"),
                ))
            } else {
                Err((
                    StatusCode::BAD_REQUEST,
                    format!("cannot read the request body: {e}"),
                ))
            }
        }
        Err(_) => Err((
            StatusCode::REQUEST_TIMEOUT,
            "request body not received in time".into(),
        )),
    }
}

fn reject(state: &State, status: StatusCode, message: String) -> Response {
    state.metrics.rejected(status.as_u16());
    tracing::warn!(status = status.as_u16(), %message, "rejected request");
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message + "\n",
    )
        .into_response()
}

fn json(review: serde_json::Value) -> Response {
    let body = serde_json::to_vec(&review).unwrap_or_default();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// An answered review: metrics, audit lines, and the AdmissionReview response.
fn answered(state: &State, endpoint: Endpoint, r: &Reviewed) -> Response {
    let req = &r.request;
    let verdict = if !r.response.allowed {
        "denied"
    } else if r.response.patch.is_some() {
        "patched"
    } else if !r.response.warnings.is_empty() {
        "warned"
    } else {
        "allowed"
    };
    state.metrics.request(
        endpoint.as_str(),
        req.operation.as_str(),
        &req.kind,
        verdict,
    );
    if let Some(judgement) = &r.judgement {
        for j in &judgement.findings {
            state.metrics.finding(&j.finding.rule, j.outcome.as_str());
        }
        for outcome in [Enforcement::Deny, Enforcement::Warn, Enforcement::Dryrun] {
            let rules: Vec<&str> = judgement
                .with(outcome)
                .map(|j| j.finding.rule.as_str())
                .collect();
            if !rules.is_empty() {
                audit(req, &r.name, outcome.as_str(), &rules.join(","));
            }
        }
    }
    if let Some(patch) = &r.response.patch {
        tracing::info!(target: "palisade::audit", uid = %req.uid, kind = %req.kind, namespace = %req.namespace, name = %r.name, operations = patch.len(), dry_run = req.dry_run, "mutated");
    }
    json(r.response.to_review())
}

/// One audit line per denial, warning and dry-run record.
fn audit(req: &Request, name: &str, outcome: &str, rules: &str) {
    tracing::info!(
        target: "palisade::audit",
        uid = %req.uid,
        operation = req.operation.as_str(),
        kind = %req.kind,
        namespace = %req.namespace,
        name,
        user = %req.user.username,
        dry_run = req.dry_run,
        outcome,
        rules,
        "admission finding"
    );
}

/// The request without its objects: what a failure response and its log line need.
fn summary(r: &Request) -> Request {
    Request {
        raw: serde_json::Value::Null,
        uid: r.uid.clone(),
        kind: r.kind.clone(),
        group: r.group.clone(),
        namespace: r.namespace.clone(),
        name: r.name.clone(),
        operation: r.operation,
        sub_resource: r.sub_resource.clone(),
        user: r.user.clone(),
        dry_run: r.dry_run,
    }
}

/// The failure mode applied to an evaluation that timed out or failed.
fn failure(state: &State, endpoint: Endpoint, req: &Request, f: &Failure) -> Response {
    let mode = state.options.failure_mode;
    let what = match f {
        Failure::Timeout => format!("evaluation timed out after {:?}", state.options.timeout),
        Failure::Overloaded => "too many reviews queued".to_string(),
        Failure::Crashed(e) => format!("evaluation failed: {e}"),
    };
    let mode_name = match (endpoint, mode) {
        // Mutation never denies: a failed mutation admits the object unchanged.
        (Endpoint::Mutate, _) | (_, FailureMode::Open) => "fail-open",
        (_, FailureMode::Closed) => "fail-closed",
    };
    state.metrics.failure(f.reason(), mode_name);
    tracing::error!(uid = %req.uid, endpoint = endpoint.as_str(), mode = mode_name, "{what}");
    let mut response = admission::Response::allow(&req.uid);
    if mode_name == "fail-closed" {
        response.allowed = false;
        response.code = 500;
        response.message = Some(format!("palisade: {what}; denied (fail-closed)"));
    } else {
        response.warnings = vec![format!("palisade: {what}; admitted unchecked (fail-open)")];
    }
    let verdict = if response.allowed {
        "failed-open"
    } else {
        "failed-closed"
    };
    state.metrics.request(
        endpoint.as_str(),
        req.operation.as_str(),
        &req.kind,
        verdict,
    );
    json(response.to_review())
}
