//! One review, start to finish, on a blocking thread: parse the AdmissionReview, evaluate the
//! object (and on UPDATE the old object), judge with the shared verdict, and write the response.
//! Mutation computes the restricted-defaults patch for namespaces that opted in.

use crate::state::Snapshot;
use palisade_policies::admission::{Request, Response};
use palisade_policies::{
    Evaluator, Judgement, Operation, Subject, Suppression, add_derived, input, kinds, mutation,
};
use serde_json::Value;

/// Namespace label that opts a namespace into mutation…
pub const MUTATE_LABEL: &str = "palisade.dev/mutate";
/// …with this value.
pub const MUTATE_LABEL_VALUE: &str = "restricted-defaults";

/// What a review produced.
#[derive(Debug)]
pub(crate) enum Answer {
    /// Answered (allowed or denied).
    Reviewed(Box<Reviewed>),
    /// Evaluation failed: the failure mode decides.
    Failed(String),
}

/// An answered review and what logs and metrics need of it.
#[derive(Debug)]
pub(crate) struct Reviewed {
    pub request: Request,
    /// The object's name (the request's, else from the object's metadata).
    pub name: String,
    pub response: Response,
    /// The judgement, when the request was evaluated.
    pub judgement: Option<Judgement>,
}

/// `POST /validate`.
pub(crate) fn validate(snapshot: &Snapshot, ev: &mut Evaluator, mut request: Request) -> Answer {
    // Requests for a subresource other than ephemeral containers (status, scale, …) are judged
    // only by the rules that ask for that subresource.
    let sub = request.sub_resource.as_str();
    let asking: Vec<&str> = match sub {
        "" | "ephemeralcontainers" => Vec::new(),
        _ => snapshot
            .policies
            .engine
            .rules()
            .filter(|r| r.subresources.iter().any(|s| s == sub))
            .map(|r| r.id.as_str())
            .collect(),
    };
    let whole = sub.is_empty() || sub == "ephemeralcontainers";
    if request.operation == Operation::Connect || (!whole && asking.is_empty()) {
        let response = Response::allow(&request.uid);
        return reviewed(request, response, None);
    }
    let facts = match request.operation {
        Operation::Delete => Value::Null,
        _ => derived(snapshot, &request, request.raw.get("object")),
    };
    // The request becomes the Rego input as it is (moved, not copied).
    let mut input = serde_json::json!({"review": std::mem::take(&mut request.raw)});
    add_derived(&mut input, facts);
    let raw = &input["review"];
    let mut findings = match ev.evaluate(&input) {
        Ok(d) => d.findings,
        Err(e) => return Answer::Failed(e.to_string()),
    };
    if !whole {
        findings.retain(|f| asking.contains(&f.rule.as_str()));
    }
    let before = match old_object(request.operation, raw) {
        Some(old) => match ev.evaluate(&{
            let mut before = input::from_admission_request(&with_object(raw, old.clone()));
            add_derived(&mut before, derived(snapshot, &request, Some(old)));
            before
        }) {
            Ok(d) => Some(d.findings),
            Err(e) => return Answer::Failed(e.to_string()),
        },
        None => None,
    };
    let object = raw.get("object").unwrap_or(&Value::Null);
    let suppression = Suppression::of(object);
    let name = object_name(&request.name, raw);
    let subject = Subject {
        kind: &request.kind,
        name: &name,
        namespace: &request.namespace,
        namespace_labels: snapshot.namespace_labels.get(&request.namespace),
        user: &request.user,
        operation: request.operation,
        suppression: suppression.as_ref(),
    };
    let judgement = snapshot
        .policies
        .verdict
        .judge(&subject, findings, before.as_deref());
    let response = Response::judged(&request.uid, &judgement);
    if let Some(review) = input.get_mut("review") {
        request.raw = review.take();
    }
    reviewed(request, response, Some(judgement))
}

/// `POST /mutate`: the restricted defaults, for pod templates in namespaces that opted in.
pub(crate) fn mutate(snapshot: &Snapshot, ev: &mut Evaluator, request: Request) -> Answer {
    let applies = matches!(request.operation, Operation::Create | Operation::Update)
        && (request.sub_resource.is_empty() || request.sub_resource == "ephemeralcontainers")
        && kinds::pod_spec_pointer(&request.kind).is_some()
        && mutation_enabled(snapshot, &request.namespace);
    let mut response = Response::allow(&request.uid);
    if applies {
        match patch(snapshot, ev, &request) {
            Ok(ops) if !ops.is_empty() => response.patch = Some(ops),
            Ok(_) => {}
            Err(error) => return Answer::Failed(error),
        }
    }
    reviewed(request, response, None)
}

/// Whether pods in `namespace` get the restricted defaults.
fn mutation_enabled(snapshot: &Snapshot, namespace: &str) -> bool {
    snapshot
        .policies
        .mutation_namespaces
        .iter()
        .any(|n| n == namespace)
        || snapshot
            .namespace_labels
            .get(namespace)
            .and_then(|l| l.get(MUTATE_LABEL))
            .is_some_and(|v| v == MUTATE_LABEL_VALUE)
}

/// The restricted-defaults patch for the request's object: the fixes of the enabled rules,
/// normalised into one patch that never overwrites what the user set.
fn patch(snapshot: &Snapshot, ev: &mut Evaluator, request: &Request) -> Result<Vec<Value>, String> {
    let settings = snapshot.policies.verdict.settings();
    let input = input::from_admission_request(&request.raw);
    mutation::patch_for(ev, &input, |rule| settings.rule_enabled(rule))
        .map(|m| m.patch)
        .map_err(|e| e.to_string())
}

/// The derived facts of `object` (the object under review, or the old one of an UPDATE): derived
/// over the inventory's objects with `object` in place of the inventory's version of it.
fn derived(snapshot: &Snapshot, request: &Request, object: Option<&Value>) -> Value {
    let (Some(deriver), Some(object)) = (&snapshot.policies.deriver, object) else {
        return Value::Null;
    };
    if !deriver.wants(&request.kind) || !object.is_object() {
        return Value::Null;
    }
    let mut subject = object.clone();
    if subject.pointer("/metadata/namespace").is_none()
        && !request.namespace.is_empty()
        && let Some(meta) = subject.get_mut("metadata").and_then(Value::as_object_mut)
    {
        meta.insert("namespace".into(), Value::from(request.namespace.as_str()));
    }
    let id = |o: &Value| {
        let text = |p: &str| o.pointer(p).and_then(Value::as_str).map(str::to_owned);
        (
            text("/kind"),
            text("/metadata/namespace"),
            text("/metadata/name"),
        )
    };
    let me = id(&subject);
    let mut objects: Vec<&Value> = snapshot
        .derived_from
        .iter()
        .filter(|o| id(o) != me)
        .collect();
    objects.push(&subject);
    deriver.derive(&objects).pop().unwrap_or_default()
}

/// The old object of an UPDATE, when there is one.
fn old_object(operation: Operation, raw: &Value) -> Option<&Value> {
    if operation != Operation::Update {
        return None;
    }
    raw.get("oldObject").filter(|o| o.is_object())
}

/// The request as it would have been had `object` been submitted (for judging the old object).
fn with_object(raw: &Value, object: Value) -> Value {
    let mut review = serde_json::Map::new();
    if let Value::Object(fields) = raw {
        for (k, v) in fields {
            if k != "object" && k != "oldObject" {
                review.insert(k.clone(), v.clone());
            }
        }
    }
    review.insert("object".into(), object);
    review.insert("oldObject".into(), Value::Null);
    Value::Object(review)
}

/// The object's name: the request's, else `metadata.name`, else `metadata.generateName`.
fn object_name(name: &str, raw: &Value) -> String {
    if !name.is_empty() {
        return name.to_string();
    }
    let meta = |k: &str| {
        raw.pointer(&format!("/object/metadata/{k}"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    match meta("name") {
        n if n.is_empty() => meta("generateName"),
        n => n,
    }
}

fn reviewed(request: Request, response: Response, judgement: Option<Judgement>) -> Answer {
    Answer::Reviewed(Box::new(Reviewed {
        name: object_name(&request.name, &request.raw),
        request,
        response,
        judgement,
    }))
}
