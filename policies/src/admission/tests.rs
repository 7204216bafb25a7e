//! AdmissionReview parsing and response writing.

use super::*;
use crate::verdict::Judged;
use crate::{Action, Finding, Severity};

fn review(request: Value) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"apiVersion": API_VERSION, "kind": "AdmissionReview", "request": request}),
    )
    .unwrap_or_default()
}

fn minimal() -> Value {
    json!({"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
           "operation": "CREATE", "userInfo": {"username": "alice", "groups": ["dev"]},
           "namespace": "shop", "object": {"kind": "Pod"}})
}

fn err(body: &[u8]) -> String {
    match parse_review(body) {
        Ok(r) => panic!("accepted {r:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn reads_the_fields_palisade_needs_and_keeps_the_rest() {
    let mut raw = minimal();
    raw["subResource"] = json!("ephemeralcontainers");
    raw["dryRun"] = json!(true);
    raw["extra"] = json!({"kept": 1});
    let r = parse_review(&review(raw)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.uid.as_str(), r.kind.as_str()), ("u-1", "Pod"));
    assert_eq!(r.operation, Operation::Create);
    assert_eq!(r.user.username, "alice");
    assert_eq!(r.user.groups, ["dev"]);
    assert_eq!(r.sub_resource, "ephemeralcontainers");
    assert!(r.dry_run);
    assert_eq!(r.raw["extra"]["kept"], 1);
}

#[test]
fn bad_reviews_name_the_field() {
    assert!(err(b"{not json").contains("not JSON"));
    assert!(err(b"[]").contains("object"));
    let wrong = serde_json::to_vec(&json!({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": minimal()}))
        .unwrap_or_default();
    assert!(err(&wrong).contains("apiVersion"));
    let mut no_uid = minimal();
    no_uid.as_object_mut().map(|m| m.remove("uid"));
    assert!(err(&review(no_uid)).contains("request.uid"));
    let mut empty_uid = minimal();
    empty_uid["uid"] = json!("");
    assert!(err(&review(empty_uid)).contains("request.uid"));
    let mut op = minimal();
    op["operation"] = json!("PATCH");
    assert!(err(&review(op)).contains("request.operation"));
    let mut groups = minimal();
    groups["userInfo"]["groups"] = json!([1]);
    assert!(err(&review(groups)).contains("groups"));
    let no_request =
        serde_json::to_vec(&json!({"apiVersion": API_VERSION, "kind": "AdmissionReview"}))
            .unwrap_or_default();
    assert!(err(&no_request).contains("request"));
}

fn judged(rule: &str, message: &str, outcome: Enforcement) -> Judged {
    Judged {
        finding: Finding {
            rule: rule.into(),
            severity: Severity::High,
            action: Action::Deny,
            message: message.into(),
            path: None,
            remediation: None,
        },
        outcome,
        preexisting: false,
        also: Vec::new(),
        source: Some(0),
    }
}

#[test]
fn denial_lists_rules_and_warnings_are_bounded() {
    let mut j = Judgement::default();
    j.findings.push(judged(
        "PSS-PRIVILEGED",
        "privileged\ncontainer",
        Enforcement::Deny,
    ));
    for i in 0..15 {
        j.findings
            .push(judged("RBAC-X", &"w".repeat(200 + i), Enforcement::Warn));
    }
    j.findings
        .push(judged("RBAC-Y", "recorded only", Enforcement::Dryrun));
    let r = Response::judged("u-1", &j);
    assert!(!r.allowed);
    let doc = r.to_review();
    assert_eq!(doc["apiVersion"], API_VERSION);
    assert_eq!(doc["kind"], "AdmissionReview");
    assert_eq!(doc["response"]["uid"], "u-1");
    assert_eq!(doc["response"]["status"]["code"], 403);
    let message = doc["response"]["status"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("[PSS-PRIVILEGED] privileged container"),
        "{message}"
    );
    let warnings = r.warnings;
    assert_eq!(warnings.len(), MAX_WARNINGS);
    for w in &warnings {
        assert!(
            w.chars().count() <= MAX_WARNING_CHARS && !w.contains('\n'),
            "{w}"
        );
    }
    assert!(
        warnings[MAX_WARNINGS - 1].contains("6 more"),
        "{warnings:?}"
    );
    assert!(!warnings.iter().any(|w| w.contains("recorded only")));
}

#[test]
fn a_long_denial_is_cut() {
    let mut j = Judgement::default();
    for _ in 0..100 {
        j.findings
            .push(judged("R", &"x".repeat(100), Enforcement::Deny));
    }
    let message = Response::judged("u", &j).message.unwrap_or_default();
    assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS);
    assert!(message.ends_with('…'));
}

#[test]
fn patch_is_padded_standard_base64_of_the_operations() {
    let mut r = Response::allow("u");
    r.patch = Some(vec![json!({"op": "add", "path": "/a", "value": 1})]);
    let doc = r.to_review();
    assert_eq!(doc["response"]["patchType"], "JSONPatch");
    let text = doc["response"]["patch"].as_str().unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_default();
    let ops: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    assert_eq!(ops, json!([{"op": "add", "path": "/a", "value": 1}]));
    assert!(doc["response"].get("status").is_none());
    // An empty patch is no patch.
    r.patch = Some(Vec::new());
    assert!(r.to_review()["response"].get("patchType").is_none());
}
