//! AdmissionReview v1, in one place: reading the API server's request (validated, with errors
//! that name the field) and writing the response it expects. The request's JSON is kept as sent
//! and becomes `input.review` unchanged (Gatekeeper's shape); the typed fields are what Palisade
//! itself needs. The response is written here rather than taken from a client library so that
//! `patch` is the base64 string the API server expects.

use crate::input::{Operation, UserInfo};
use crate::settings::Enforcement;
use crate::verdict::Judgement;
use base64::Engine as _;
use serde_json::{Map, Value, json};

/// The only AdmissionReview version served.
pub const API_VERSION: &str = "admission.k8s.io/v1";
/// Most warnings in one response; the rest are summarised in one more.
pub const MAX_WARNINGS: usize = 10;
/// Longest warning, in characters (the API server truncates long ones itself).
pub const MAX_WARNING_CHARS: usize = 120;
/// Longest denial message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2048;

/// Why a request body is not an AdmissionReview Palisade can answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("request body is not JSON: {0}")]
    NotJson(String),
    #[error("`{field}`: {problem}")]
    Field {
        field: &'static str,
        problem: String,
    },
}

/// An AdmissionRequest: the raw JSON (the Rego input) and the fields Palisade reads.
#[derive(Debug, Clone)]
pub struct Request {
    pub raw: Value,
    pub uid: String,
    pub kind: String,
    pub group: String,
    pub namespace: String,
    pub name: String,
    pub operation: Operation,
    /// Empty unless the request is for a subresource (`ephemeralcontainers`, `status`, …).
    pub sub_resource: String,
    pub user: UserInfo,
    pub dry_run: bool,
}

/// Parses an AdmissionReview v1 body and returns its request.
pub fn parse_review(body: &[u8]) -> Result<Request, ReviewError> {
    let mut review: Value =
        serde_json::from_slice(body).map_err(|e| ReviewError::NotJson(e.to_string()))?;
    let field = |field: &'static str, problem: String| ReviewError::Field { field, problem };
    let text = |v: &Value, f: &'static str| -> Result<String, ReviewError> {
        match v.get(f) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(field(f, format!("must be a string, got {other}"))),
            None => Err(field(f, "is missing".into())),
        }
    };
    if !review.is_object() {
        return Err(field("", "an AdmissionReview must be a JSON object".into()));
    }
    let api_version = text(&review, "apiVersion")?;
    if api_version != API_VERSION {
        return Err(field(
            "apiVersion",
            format!("`{api_version}` is not served (only {API_VERSION})"),
        ));
    }
    let kind = text(&review, "kind")?;
    if kind != "AdmissionReview" {
        return Err(field(
            "kind",
            format!("expected AdmissionReview, got `{kind}`"),
        ));
    }
    let raw = match review.get_mut("request").map(Value::take) {
        Some(v @ Value::Object(_)) => v,
        Some(_) => return Err(field("request", "must be an object".into())),
        None => return Err(field("request", "is missing".into())),
    };
    request(raw)
}

/// Reads a bare AdmissionRequest (the `request` of a review).
pub fn request(raw: Value) -> Result<Request, ReviewError> {
    let field = |field: &'static str, problem: String| ReviewError::Field { field, problem };
    let string_at = |ptr: &str, name: &'static str, required: bool| match raw.pointer(ptr) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) if !required => Ok(String::new()),
        None | Some(Value::Null) => Err(field(name, "is missing".into())),
        Some(other) => Err(field(name, format!("must be a string, got {other}"))),
    };
    let uid = string_at("/uid", "request.uid", true)?;
    if uid.is_empty() {
        return Err(field("request.uid", "must not be empty".into()));
    }
    let kind = string_at("/kind/kind", "request.kind.kind", true)?;
    let group = string_at("/kind/group", "request.kind.group", false)?;
    let operation = string_at("/operation", "request.operation", true)?
        .parse()
        .map_err(|e| field("request.operation", e))?;
    let groups = match raw.pointer("/userInfo/groups") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|g| g.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| field("request.userInfo.groups", "must be strings".into()))?,
        Some(_) => return Err(field("request.userInfo.groups", "must be a list".into())),
    };
    let dry_run = match raw.get("dryRun") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(field(
                "request.dryRun",
                format!("must be a boolean, got {other}"),
            ));
        }
    };
    Ok(Request {
        namespace: string_at("/namespace", "request.namespace", false)?,
        name: string_at("/name", "request.name", false)?,
        sub_resource: string_at("/subResource", "request.subResource", false)?,
        user: UserInfo {
            username: string_at("/userInfo/username", "request.userInfo.username", false)?,
            groups,
        },
        uid,
        kind,
        group,
        operation,
        dry_run,
        raw,
    })
}

/// The response to one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    pub uid: String,
    pub allowed: bool,
    /// Denial message (with `allowed: false`).
    pub message: Option<String>,
    /// HTTP-like status code of a denial (403 for a policy denial).
    pub code: u16,
    pub warnings: Vec<String>,
    /// An RFC 6902 patch (mutation).
    pub patch: Option<Vec<Value>>,
    pub audit_annotations: Map<String, Value>,
}

impl Response {
    /// Allows `uid` with no message.
    pub fn allow(uid: &str) -> Response {
        Response {
            uid: uid.to_string(),
            allowed: true,
            ..Default::default()
        }
    }

    /// The response for a judgement: denied when a finding denies, warnings for the rest.
    pub fn judged(uid: &str, judgement: &Judgement) -> Response {
        let mut response = Response::allow(uid);
        let denials: Vec<String> = judgement
            .with(Enforcement::Deny)
            .map(|j| format!("[{}] {}", j.finding.rule, one_line(&j.finding.message)))
            .collect();
        if !denials.is_empty() {
            response.allowed = false;
            response.code = 403;
            // Every denying rule id first, so a long message cut at the limit still names them.
            let mut ids: Vec<&str> = judgement
                .with(Enforcement::Deny)
                .map(|j| j.finding.rule.as_str())
                .collect();
            ids.dedup();
            let text = format!(
                "denied by palisade ({}): {}",
                ids.join(", "),
                denials.join("; ")
            );
            response.message = Some(truncate(&text, MAX_MESSAGE_CHARS));
        }
        response.warnings = warnings(judgement.with(Enforcement::Warn).map(|j| {
            let pre = if j.preexisting {
                " (already present)"
            } else {
                ""
            };
            format!("[{}] {}{pre}", j.finding.rule, one_line(&j.finding.message))
        }));
        response
    }

    /// The AdmissionReview v1 JSON of this response.
    pub fn to_review(&self) -> Value {
        let mut r = Map::new();
        r.insert("uid".into(), json!(self.uid));
        r.insert("allowed".into(), json!(self.allowed));
        if !self.allowed || self.message.is_some() {
            let code = if self.code == 0 { 403 } else { self.code };
            r.insert(
                "status".into(),
                json!({
                    "code": code,
                    "reason": if code == 403 { "Forbidden" } else { "InternalError" },
                    "message": self.message.clone().unwrap_or_default(),
                }),
            );
        }
        if !self.warnings.is_empty() {
            r.insert("warnings".into(), json!(self.warnings));
        }
        if let Some(patch) = self.patch.as_ref().filter(|p| !p.is_empty()) {
            let bytes = serde_json::to_vec(patch).unwrap_or_default();
            r.insert("patchType".into(), json!("JSONPatch"));
            r.insert(
                "patch".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
            );
        }
        if !self.audit_annotations.is_empty() {
            r.insert(
                "auditAnnotations".into(),
                Value::Object(self.audit_annotations.clone()),
            );
        }
        json!({"apiVersion": API_VERSION, "kind": "AdmissionReview", "response": r})
    }
}

/// Warnings as the API server wants them: one line each, at most [`MAX_WARNING_CHARS`], at most
/// [`MAX_WARNINGS`] of them (the last one summarising the rest).
pub fn warnings(items: impl Iterator<Item = String>) -> Vec<String> {
    let all: Vec<String> = items.collect();
    if all.len() <= MAX_WARNINGS {
        return all.iter().map(|w| truncate(w, MAX_WARNING_CHARS)).collect();
    }
    let keep = MAX_WARNINGS - 1;
    let mut out: Vec<String> = all[..keep]
        .iter()
        .map(|w| truncate(w, MAX_WARNING_CHARS))
        .collect();
    out.push(format!(
        "palisade: {} more findings (run `palisade lint` on the manifest for all)",
        all.len() - keep
    ));
    out
}

/// Newlines and control characters become spaces; runs of whitespace collapse.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most `max` characters, ending in `…` when cut.
fn truncate(text: &str, max: usize) -> String {
    let text = one_line(text);
    if text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
