//! Writes besides server-side apply, as the API server answers them: create (`POST` on a
//! collection: 201, or 409 AlreadyExists), replace (`PUT` on an object: 409 Conflict when the
//! body's `metadata.resourceVersion` is not the stored one — optimistic concurrency — 404 when
//! there is no object) and patches (`PATCH` with `application/json-patch+json`, whose failed
//! `test` operation answers 422, or `application/merge-patch+json`, whose `metadata.resourceVersion`, when given, must be
//! the stored one). [`crate::FakeApi::refuse`]
//! makes the next writes of a resource fail with 403, as RBAC would.

use crate::Shared;
use crate::routes::{Target, json_body, status};
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The body as a JSON object (None: answer [`not_an_object`]).
fn object_of(body: &Bytes) -> Option<Value> {
    serde_json::from_slice(body).ok().filter(Value::is_object)
}

fn not_an_object() -> Response {
    status(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        "body is not a JSON object",
    )
}

fn refused(state: &Shared, target: &Target, verb: &str) -> Option<Response> {
    let store = state.store();
    store.refused.contains(&target.plural).then(|| {
        status(
            StatusCode::FORBIDDEN,
            "Forbidden",
            &format!("{} is forbidden: cannot {verb} (fake RBAC)", target.plural),
        )
    })
}

/// `POST` on a collection.
pub(crate) fn create(state: &Shared, target: &Target, body: &Bytes) -> Response {
    let Some(mut object) = object_of(body) else {
        return not_an_object();
    };
    let Some(name) = object["metadata"]["name"].as_str().map(str::to_string) else {
        return status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid",
            "metadata.name: Required value",
        );
    };
    if let Some(r) = refused(state, target, "create") {
        return r;
    }
    let mut store = state.store();
    Shared::count(&mut store, &target.plural, "create");
    let key = (
        target.plural.clone(),
        target.namespace.clone(),
        name.clone(),
    );
    if store.objects.contains_key(&key) {
        return status(
            StatusCode::CONFLICT,
            "AlreadyExists",
            &format!("{} \"{name}\" already exists", target.plural),
        );
    }
    if !target.namespace.is_empty() {
        object["metadata"]["namespace"] = json!(target.namespace);
    }
    object["metadata"]["uid"] = json!(format!("fake-{}-{name}", target.namespace));
    let stored = state.commit(&mut store, key, object);
    (StatusCode::CREATED, json_body(&stored)).into_response()
}

/// `PUT` on an object.
pub(crate) fn replace(state: &Shared, target: &Target, name: &str, body: &Bytes) -> Response {
    let Some(mut object) = object_of(body) else {
        return not_an_object();
    };
    if let Some(r) = refused(state, target, "update") {
        return r;
    }
    let mut store = state.store();
    Shared::count(&mut store, &target.plural, "update");
    let key = (
        target.plural.clone(),
        target.namespace.clone(),
        name.to_string(),
    );
    let Some(current) = store.objects.get(&key) else {
        return not_found(target, name);
    };
    let stored_rv = current["metadata"]["resourceVersion"].clone();
    let given = &object["metadata"]["resourceVersion"];
    if !given.is_null() && *given != stored_rv {
        return status(
            StatusCode::CONFLICT,
            "Conflict",
            &format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; \
                 please apply your changes to the latest version and try again",
                target.plural
            ),
        );
    }
    object["metadata"]["uid"] = current["metadata"]["uid"].clone();
    let stored = state.commit(&mut store, key, object);
    json_body(&stored).into_response()
}

/// `PATCH` with a JSON patch or a JSON merge patch.
pub(crate) fn patch(
    state: &Shared,
    target: &Target,
    name: &str,
    content_type: &str,
    body: &Bytes,
) -> Response {
    if let Some(r) = refused(state, target, "patch") {
        return r;
    }
    let mut store = state.store();
    Shared::count(&mut store, &target.plural, "patch");
    let key = (
        target.plural.clone(),
        target.namespace.clone(),
        name.to_string(),
    );
    let Some(mut object) = store.objects.get(&key).cloned() else {
        return not_found(target, name);
    };
    let outcome = if content_type.starts_with("application/json-patch+json") {
        serde_json::from_slice::<json_patch::Patch>(body)
            .map_err(|e| (StatusCode::BAD_REQUEST, format!("not a JSON patch: {e}")))
            .and_then(|p| {
                json_patch::patch(&mut object, &p)
                    .map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))
            })
    } else if content_type.starts_with("application/merge-patch+json") {
        match serde_json::from_slice::<Value>(body) {
            Err(e) => Err((StatusCode::BAD_REQUEST, format!("not JSON: {e}"))),
            // A resourceVersion in the patch is a precondition, as on the API server.
            Ok(p)
                if !p["metadata"]["resourceVersion"].is_null()
                    && p["metadata"]["resourceVersion"]
                        != object["metadata"]["resourceVersion"] =>
            {
                Err((
                    StatusCode::CONFLICT,
                    format!(
                        "Operation cannot be fulfilled on {} \"{name}\": the object has been modified",
                        target.plural
                    ),
                ))
            }
            Ok(p) => {
                json_patch::merge(&mut object, &p);
                Ok(())
            }
        }
    } else {
        Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("the fake does not serve {content_type:?} patches"),
        ))
    };
    if let Err((code, message)) = outcome {
        let reason = if code == StatusCode::CONFLICT {
            "Conflict"
        } else {
            "Invalid"
        };
        return status(code, reason, &message);
    }
    let stored = state.commit(&mut store, key, object);
    json_body(&stored).into_response()
}

fn not_found(target: &Target, name: &str) -> Response {
    status(
        StatusCode::NOT_FOUND,
        "NotFound",
        &format!("{} \"{name}\" not found", target.plural),
    )
}
