//! The fake's HTTP side: collection paths (`/api/v1/{plural}`, `/apis/{group}/{version}/{plural}`,
//! either with `namespaces/{ns}/` before the plural) answered as a list or, with `watch=true`, as
//! a stream of watch events, one JSON object per line; object paths (a name after the plural)
//! answered to GET, PUT and PATCH (server-side apply in `apply.rs`, the others in `write.rs`);
//! POST on a collection creates. Lists honour equality label selectors.

use crate::{Message, Shared};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

pub(crate) fn router(state: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// What a path names: a collection (plural, namespace or "" for all), or one object of it.
pub(crate) struct Target {
    pub plural: String,
    pub namespace: String,
    pub name: Option<String>,
}

fn target(path: &str) -> Option<Target> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let rest = match parts.as_slice() {
        ["api", "v1", rest @ ..] => rest,
        ["apis", _group, _version, rest @ ..] => rest,
        _ => return None,
    };
    let at = |plural: &str, namespace: &str, name: Option<&str>| Target {
        plural: plural.to_string(),
        namespace: namespace.to_string(),
        name: name.map(str::to_string),
    };
    match rest {
        [plural] => Some(at(plural, "", None)),
        ["namespaces", ns, plural] => Some(at(plural, ns, None)),
        ["namespaces", ns, plural, name] => Some(at(plural, ns, Some(name))),
        [plural, name] => Some(at(plural, "", Some(name))),
        _ => None,
    }
}

async fn handle(
    State(state): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let Some(target) = target(uri.path()) else {
        return status(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find it",
        );
    };
    if state.store().unserved.contains(&target.plural) {
        return status(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find the requested resource",
        );
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or_default();
    if let Some(name) = &target.name {
        return match method {
            Method::GET => get(&state, &target, name),
            Method::PUT => crate::write::replace(&state, &target, name, &body),
            Method::PATCH if content_type.starts_with("application/apply-patch") => {
                crate::apply::patch(&state, &target, name, &query, &body)
            }
            Method::PATCH => crate::write::patch(&state, &target, name, content_type, &body),
            _ => status(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "objects serve get, put and patch",
            ),
        };
    }
    if method == Method::POST {
        return crate::write::create(&state, &target, &body);
    }
    let metadata_only = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("as=PartialObjectMetadata"));
    let view = View {
        plural: target.plural,
        namespace: target.namespace,
        metadata_only,
    };
    if query.get("watch").is_some_and(|w| w == "true" || w == "1") {
        watch(&state, view, &query)
    } else {
        list(&state, &view, &query)
    }
}

fn get(state: &Shared, target: &Target, name: &str) -> Response {
    let mut store = state.store();
    *store
        .requests
        .entry((target.plural.clone(), "get"))
        .or_default() += 1;
    let key = (
        target.plural.clone(),
        target.namespace.clone(),
        name.to_string(),
    );
    match store.objects.get(&key) {
        Some(object) => json_body(object).into_response(),
        None => status(
            StatusCode::NOT_FOUND,
            "NotFound",
            &format!("{} \"{name}\" not found", target.plural),
        ),
    }
}

/// What one request sees of the objects.
struct View {
    plural: String,
    namespace: String,
    metadata_only: bool,
}

impl View {
    fn wants(&self, plural: &str, object: &Value) -> bool {
        plural == self.plural
            && (self.namespace.is_empty()
                || object["metadata"]["namespace"].as_str() == Some(&self.namespace))
    }

    /// The object as this request gets it (list items carry no apiVersion and kind).
    fn shape(&self, object: &Value, in_list: bool) -> Value {
        if self.metadata_only {
            let mut meta = json!({"metadata": object["metadata"]});
            if !in_list {
                meta["apiVersion"] = json!("meta.k8s.io/v1");
                meta["kind"] = json!("PartialObjectMetadata");
            }
            return meta;
        }
        let mut object = object.clone();
        if in_list && let Some(map) = object.as_object_mut() {
            map.remove("apiVersion");
            map.remove("kind");
        }
        object
    }
}

pub(crate) fn status(code: StatusCode, reason: &str, message: &str) -> Response {
    let body = json!({"apiVersion": "v1", "kind": "Status", "status": "Failure",
                      "reason": reason, "message": message, "code": code.as_u16()});
    (code, json_body(&body)).into_response()
}

fn list(state: &Shared, view: &View, query: &HashMap<String, String>) -> Response {
    let mut store = state.store();
    *store
        .requests
        .entry((view.plural.clone(), "list"))
        .or_default() += 1;
    let selector = query.get("labelSelector").cloned().unwrap_or_default();
    let all: Vec<Value> = store
        .objects
        .iter()
        .filter(|((plural, _, _), o)| view.wants(plural, o) && labels_match(&selector, o))
        .map(|(_, o)| view.shape(o, true))
        .collect();
    let start: usize = match query.get("continue").map(|c| c.parse()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return status(StatusCode::BAD_REQUEST, "BadRequest", "bad continue"),
    };
    let limit = query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let end = start.saturating_add(limit).min(all.len());
    let items = all.get(start..end).unwrap_or_default().to_vec();
    let mut metadata = json!({"resourceVersion": store.rv.to_string()});
    if end < all.len() {
        metadata["continue"] = json!(end.to_string());
    }
    let kind = if view.metadata_only {
        "PartialObjectMetadataList"
    } else {
        "List"
    };
    json_body(&json!({"apiVersion": "v1", "kind": kind, "metadata": metadata, "items": items}))
        .into_response()
}

/// Whether `object` has every `key=value` of an equality label selector (`a=b,c=d`).
fn labels_match(selector: &str, object: &Value) -> bool {
    selector
        .split(',')
        .filter(|term| !term.is_empty())
        .all(|term| match term.split_once('=') {
            Some((key, value)) => object["metadata"]["labels"][key].as_str() == Some(value),
            None => object["metadata"]["labels"].get(term).is_some(),
        })
}

pub(crate) fn json_body(value: &Value) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(value).unwrap_or_default(),
    )
}

fn line(event: &Value) -> Bytes {
    let mut bytes = serde_json::to_vec(event).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

fn watch(state: &Shared, view: View, query: &HashMap<String, String>) -> Response {
    let from: u64 = query
        .get("resourceVersion")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let bookmarks = query
        .get("allowWatchBookmarks")
        .is_some_and(|b| b == "true");
    let timeout = query
        .get("timeoutSeconds")
        .and_then(|t| t.parse().ok())
        .map_or(Duration::from_secs(290), Duration::from_secs);
    let (tx, rx) = mpsc::unbounded_channel::<Bytes>();
    let mut updates = {
        let mut store = state.store();
        *store
            .requests
            .entry((view.plural.clone(), "watch"))
            .or_default() += 1;
        store.watched_from.insert(view.plural.clone(), from);
        if from < store.compacted {
            let gone = json!({"type": "ERROR", "object": {"apiVersion": "v1", "kind": "Status",
                "status": "Failure", "reason": "Expired", "code": 410,
                "message": format!("too old resource version: {from} ({})", store.compacted)}});
            let _ = tx.send(line(&gone));
            drop(tx);
            return stream(rx);
        }
        for (rv, plural, kind, object) in &store.history {
            if *rv > from && view.wants(plural, object) {
                let event = json!({"type": kind, "object": view.shape(object, false)});
                let _ = tx.send(line(&event));
            }
        }
        state.watchers.subscribe()
    };
    tokio::spawn(async move {
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            let message = tokio::select! {
                m = updates.recv() => m,
                () = &mut deadline => break,
            };
            let event = match message {
                Ok(Message::Change(rv, plural, kind, object)) => {
                    if rv <= from || !view.wants(&plural, &object) {
                        continue;
                    }
                    json!({"type": kind, "object": view.shape(&object, false)})
                }
                Ok(Message::Bookmark(rv)) if bookmarks => json!({"type": "BOOKMARK",
                    "object": {"apiVersion": "v1", "kind": "Bookmark",
                               "metadata": {"resourceVersion": rv.to_string()}}}),
                Ok(Message::Bookmark(_)) => continue,
                Ok(Message::Disconnect) | Err(broadcast::error::RecvError::Closed) => break,
                // A watcher that falls behind is cut off, as the real API server does.
                Err(broadcast::error::RecvError::Lagged(_)) => break,
            };
            if tx.send(line(&event)).is_err() {
                break;
            }
        }
    });
    stream(rx)
}

fn stream(rx: mpsc::UnboundedReceiver<Bytes>) -> Response {
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(body),
    )
        .into_response()
}
