//! Group `fixtures`: every real AdmissionReview and AdmissionRequest of the public fixtures
//! (`admission-review/`, see SOURCES.md there; plain API objects are skipped) replayed straight
//! to `/validate`, as recorded. Each must get a well-formed answer — HTTP 200, the same
//! apiVersion and kind, its uid echoed — never a 5xx. For a CREATE the denial must agree with
//! `palisade lint` on the same object: the request is sent again with a fresh uid and the object
//! completed as an API server always sends it (many fixtures leave `apiVersion`/`kind` out), and
//! the rule ids that deny — in the webhook's audit line, and in its message unless that was
//! shortened — must be the ones lint denies with.

use super::harness::outcome::bracketed;
use super::harness::{Harness, Webhook, review};
use palisade_linter::{Config, Linter, decode};
use palisade_policies::{Enforcement, Engine};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;

#[test]
fn fixtures() {
    let Some(dir) = palisade_policies::fixtures::dir("admission-review") else {
        return;
    };
    let mut files = Vec::new();
    walk(&dir, &mut files);
    files.sort();
    let h = Harness::start(Webhook::builder());
    let engine = Engine::builtin().unwrap_or_else(|e| panic!("{e}"));
    let linter = Linter::new(engine, Config::default());
    let (mut replayed, mut skipped) = (0, 0);
    let mut problems = Vec::new();
    let mut not_comparable = Vec::new();
    // (fixture, fresh uid, allowed, ids in the message, whether it was shortened, lint's ids)
    let mut compared = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let text = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let value: Value = serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let recorded = if value["kind"] == "AdmissionReview" && value["request"].is_object() {
            value
        } else if value["operation"].is_string() && value.get("uid").is_some() {
            review::review("v1", value)
        } else {
            skipped += 1;
            continue;
        };
        replayed += 1;
        if let Err(problem) = well_formed(&h, &recorded) {
            problems.push(format!("{name}: {problem}"));
            continue;
        }
        let mut request = recorded["request"].clone();
        if request["operation"] != "CREATE" || !request["object"].is_object() {
            continue;
        }
        complete(&mut request);
        if request["object"]["kind"] != request["kind"]["kind"] {
            not_comparable.push(name);
            continue;
        }
        let uid = review::uid();
        request["uid"] = json!(uid);
        let (_, body) = h.post("/validate", &review::review("v1", request.clone()));
        let message = body["response"]["status"]["message"]
            .as_str()
            .unwrap_or_default();
        let allowed = body["response"]["allowed"] == true;
        let in_message: BTreeSet<String> = bracketed(message).into_iter().collect();
        let lint = lint_denials(&linter, &name, &request["object"]);
        compared.push((name, uid, allowed, in_message, message.ends_with('…'), lint));
    }
    let audit = audit_denials(&h.webhook.log());
    let mut denied = 0;
    for (name, uid, allowed, in_message, shortened, lint) in &compared {
        let audited = audit.get(uid).cloned().unwrap_or_default();
        denied += usize::from(!allowed);
        let agrees = *allowed == lint.is_empty()
            && audited == *lint
            && (in_message == lint || (*shortened && in_message.is_subset(lint)));
        if !agrees {
            problems.push(format!(
                "{name}: webhook allowed={allowed}, denies {audited:?} (message: {in_message:?}), lint {lint:?}"
            ));
        }
    }
    println!(
        "e2e::fixtures: {replayed} replayed ({skipped} plain objects skipped), {} CREATEs agree with lint ({denied} denied); not comparable (request kind is not the object's): {not_comparable:?}",
        compared.len()
    );
    assert!(
        replayed >= 200 && compared.len() >= 190,
        "too few: {replayed}, {}",
        compared.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// HTTP 200, the same apiVersion and kind, the uid echoed, `allowed` a boolean.
fn well_formed(h: &Harness, sent: &Value) -> Result<(), String> {
    let (status, body) = h.post("/validate", sent);
    let response = &body["response"];
    let ok = status == 200
        && body["apiVersion"] == sent["apiVersion"]
        && body["kind"] == "AdmissionReview"
        && response["uid"] == sent["request"]["uid"]
        && response["allowed"].is_boolean();
    if ok {
        Ok(())
    } else {
        Err(format!("HTTP {status}: {body}"))
    }
}

/// Gives the object the `apiVersion` and `kind` of the request where the fixture left them out.
fn complete(request: &mut Value) {
    let kind = request["kind"].clone();
    let object = &mut request["object"];
    if !object["kind"].is_string() {
        object["kind"] = kind["kind"].clone();
    }
    if !object["apiVersion"].is_string() {
        let group = kind["group"].as_str().unwrap_or_default();
        let version = kind["version"].as_str().unwrap_or_default();
        let api_version = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        object["apiVersion"] = json!(api_version);
    }
}

/// The rule ids `palisade lint` denies `object` with.
fn lint_denials(linter: &Linter, name: &str, object: &Value) -> BTreeSet<String> {
    let text = serde_json::to_vec(object).unwrap_or_default();
    let source = decode(format!("{name}.json"), text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let run = linter.lint(vec![source], &AtomicUsize::new(0));
    assert!(run.errors.is_empty(), "{name}: lint: {:?}", run.errors);
    let findings = run.report.findings.iter();
    findings
        .filter(|f| f.outcome == Enforcement::Deny)
        .map(|f| f.rule.clone())
        .collect()
}

/// Rule ids each request uid was denied with, from the webhook's audit lines.
fn audit_denials(log: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut denials: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in log.lines() {
        let Ok(entry) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let fields = &entry["fields"];
        if entry["target"] == "palisade::audit" && fields["outcome"] == "deny" {
            let uid = fields["uid"].as_str().unwrap_or_default().to_string();
            let rules = fields["rules"].as_str().unwrap_or_default().split(',');
            denials
                .entry(uid)
                .or_default()
                .extend(rules.map(str::to_string));
        }
    }
    denials
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}
