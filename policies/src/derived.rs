//! Derived facts: what a rule needs to know about an object that only a view across many objects
//! gives, computed in Rust rather than in Rego — NetworkPolicy coverage needs the exact
//! NetworkPolicy semantics of the netpol crate, which Rego must not re-implement.
//!
//! A [`Deriver`] turns a set of objects into facts per object. Each door hands an object's facts
//! to the rules in the input, as `input.palisade_derived` (an object: rule id → list of
//! `{"msg", "path"}`). The rules themselves stay ordinary Rego packages — `metadata` (id, title,
//! severity, remediation) plus a `deny` rule that reports the facts — so they are in the one
//! catalogue and go through the one verdict (enable/disable, overrides, suppressions,
//! exemptions, enforcement), and every reporter locates their `path` like any other finding.
//! The linter derives over its whole file set; the webhook over its inventory plus the object
//! under review.

use serde_json::Value;

/// Input key of an object's derived facts.
pub const DERIVED_KEY: &str = "palisade_derived";

/// Computes derived facts over a set of objects.
pub trait Deriver: Send + Sync + std::fmt::Debug {
    /// Whether objects of `kind` take part: they are part of the set facts are derived over, and
    /// they are judged with their facts (in the linter, once the whole set is read).
    fn wants(&self, kind: &str) -> bool;

    /// The facts of each of `objects` (same order; `Value::Null` where there are none). Objects
    /// without a namespace are in `default`.
    fn derive(&self, objects: &[&Value]) -> Vec<Value>;
}

/// Adds `facts` to a Rego input (nothing when they are null).
pub fn add_to_input(input: &mut Value, facts: Value) {
    if facts.is_null() {
        return;
    }
    if let Value::Object(map) = input {
        map.insert(DERIVED_KEY.into(), facts);
    }
}
