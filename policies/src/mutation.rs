//! Mutation: the raw operations of `patch` rules turned into one safe, minimal RFC 6902 patch.
//!
//! Several rules may patch the same missing field (every restricted default adds to a container's
//! `securityContext`), and raw `add` operations would clobber each other: `add` onto an existing
//! member replaces it. So the operations are applied here with add-if-absent semantics:
//!
//! - only `add` operations are accepted (a patch rule sets defaults; it never removes or replaces);
//! - a member that is absent or null is set, its missing parents created as objects;
//! - a member that is set is never replaced: objects are merged member by member with the same
//!   rule, arrays get the items they lack appended (`drop: [NET_RAW]` + `[ALL]` →
//!   `[NET_RAW, ALL]`), and any other value is left as the user wrote it;
//! - an item added to an array (`/…/drop/-`) is added only when the array lacks it;
//! - an operation whose path runs through a scalar or a missing array item does nothing.
//!
//! The result is the difference between the object before and after, as `add` operations that
//! apply in order to the original object. Applying a patch and evaluating again gives an empty one.

use crate::{EvalError, Evaluator, Patch};
use serde_json::{Map, Value, json};

/// The normalised patch for one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Mutation {
    /// RFC 6902 `add` operations, to apply in order to the original object; empty when nothing
    /// needs to change.
    pub patch: Vec<Value>,
    /// Ids of the rules whose operations changed something, sorted.
    pub rules: Vec<String>,
    /// The object with the patch applied.
    pub object: Value,
}

impl Mutation {
    /// True when the object needs no change.
    pub fn is_empty(&self) -> bool {
        self.patch.is_empty()
    }
}

/// Why no patch could be made.
#[derive(Debug, thiserror::Error)]
pub enum MutationError {
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// A rule gave something other than a well-formed `add` operation.
    #[error("rule {rule}: patch operation {op}: {reason}")]
    Invalid {
        rule: String,
        op: String,
        reason: String,
    },
}

/// The normalised patch for the object under review (`input.review.object`): the operations of
/// every `patch` rule that applies to its kind and for which `keep(rule_id)` holds, applied with
/// add-if-absent semantics (see the module documentation).
///
/// Only what the API server would accept is kept, by `input.review.operation`: everything on a
/// CREATE (or when no operation is given, as for a manifest); on an UPDATE of a Pod, whose spec
/// is immutable but for new ephemeral containers (`pods/ephemeralcontainers`), only operations on
/// the ephemeral containers the old object lacks; nothing on DELETE or CONNECT.
pub fn patch_for(
    evaluator: &mut Evaluator,
    input: &Value,
    keep: impl Fn(&str) -> bool,
) -> Result<Mutation, MutationError> {
    let object = input.pointer("/review/object").unwrap_or(&Value::Null);
    let mut patches = evaluator.mutations(input)?;
    let admissible = admissible(input);
    patches.retain(|p| keep(&p.rule) && admissible(p));
    normalise(object, &patches)
}

/// Which raw operations the API server would accept for the request in `input`.
fn admissible(input: &Value) -> impl Fn(&Patch) -> bool + use<> {
    let text = |pointer: &str| input.pointer(pointer).and_then(Value::as_str);
    let operation = text("/review/operation").unwrap_or("CREATE").to_string();
    let pod = text("/review/kind/kind") == Some("Pod");
    let old_ephemeral = input
        .pointer("/review/oldObject/spec/ephemeralContainers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    move |patch: &Patch| match operation.as_str() {
        "CREATE" => true,
        "UPDATE" if !pod => true,
        "UPDATE" => {
            let path = patch
                .op
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or_default();
            path.strip_prefix("/spec/ephemeralContainers/")
                .and_then(|rest| rest.split('/').next())
                .and_then(|index| index.parse::<usize>().ok())
                .is_some_and(|index| index >= old_ephemeral)
        }
        _ => false,
    }
}

/// Applies `patches` to `object` with add-if-absent semantics and returns the difference as one
/// patch.
pub fn normalise(object: &Value, patches: &[Patch]) -> Result<Mutation, MutationError> {
    let mut after = object.clone();
    let mut rules: Vec<String> = Vec::new();
    for patch in patches {
        let (tokens, value) = parse(patch)?;
        if add_if_absent(&mut after, &tokens, value) && !rules.contains(&patch.rule) {
            rules.push(patch.rule.clone());
        }
    }
    rules.sort();
    let mut ops = Vec::new();
    diff(object, &after, &mut String::new(), &mut ops);
    Ok(Mutation {
        patch: ops,
        rules,
        object: after,
    })
}

/// The reference tokens and the value of an `add` operation.
fn parse(patch: &Patch) -> Result<(Vec<String>, &Value), MutationError> {
    let invalid = |reason: &str| MutationError::Invalid {
        rule: patch.rule.clone(),
        op: patch.op.to_string(),
        reason: reason.to_string(),
    };
    let kind = patch.op.get("op").and_then(Value::as_str);
    if kind != Some("add") {
        return Err(invalid(
            "only `add` operations are supported: a patch rule sets defaults, it never removes or replaces",
        ));
    }
    let Some(path) = patch.op.get("path").and_then(Value::as_str) else {
        return Err(invalid("`path` must be a string"));
    };
    let Some(value) = patch.op.get("value") else {
        return Err(invalid("`value` is missing"));
    };
    if path.is_empty() {
        return Ok((Vec::new(), value));
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(invalid("`path` must be a JSON pointer starting with `/`"));
    };
    let tokens = rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    Ok((tokens, value))
}

/// Adds `value` at `tokens` below `node` without replacing anything set; true if it changed.
fn add_if_absent(node: &mut Value, tokens: &[String], value: &Value) -> bool {
    let Some((token, rest)) = tokens.split_first() else {
        return merge(node, value);
    };
    match node {
        Value::Object(map) => match map.get_mut(token) {
            Some(child) if !child.is_null() => add_if_absent(child, rest, value),
            _ => {
                map.insert(token.clone(), nest(rest, value));
                true
            }
        },
        Value::Array(items) if rest.is_empty() => {
            if items.contains(value) {
                return false;
            }
            let at = match token.as_str() {
                "-" => items.len(),
                index => match index.parse::<usize>() {
                    Ok(i) if i <= items.len() => i,
                    _ => return false,
                },
            };
            items.insert(at, value.clone());
            true
        }
        Value::Array(items) => match token.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
            Some(child) => add_if_absent(child, rest, value),
            None => false,
        },
        _ => false,
    }
}

/// `value` inside one object per token of `tokens`.
fn nest(tokens: &[String], value: &Value) -> Value {
    tokens.iter().rev().fold(value.clone(), |inner, token| {
        let mut map = Map::new();
        map.insert(token.clone(), inner);
        Value::Object(map)
    })
}

/// Merges `value` into `node` without replacing anything set; true if it changed.
fn merge(node: &mut Value, value: &Value) -> bool {
    match (node, value) {
        (node @ Value::Null, _) => {
            *node = value.clone();
            !value.is_null()
        }
        (Value::Object(map), Value::Object(more)) => {
            let mut changed = false;
            for (key, v) in more {
                match map.get_mut(key) {
                    Some(child) if !child.is_null() => changed |= merge(child, v),
                    _ if v.is_null() => {}
                    _ => {
                        map.insert(key.clone(), v.clone());
                        changed = true;
                    }
                }
            }
            changed
        }
        (Value::Array(items), Value::Array(more)) => {
            let mut changed = false;
            for v in more {
                if !items.contains(v) {
                    items.push(v.clone());
                    changed = true;
                }
            }
            changed
        }
        _ => false,
    }
}

/// Appends to `out` the `add` operations that turn `before` into `after`, where `after` only
/// adds to `before` (members set where absent or null, array items inserted).
fn diff(before: &Value, after: &Value, path: &mut String, out: &mut Vec<Value>) {
    let len = path.len();
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, value) in new {
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                match old.get(key) {
                    Some(same) if same == value => {}
                    Some(old_value) if !old_value.is_null() => diff(old_value, value, path, out),
                    _ => out.push(json!({"op": "add", "path": path.as_str(), "value": value})),
                }
                path.truncate(len);
            }
        }
        (Value::Array(old), Value::Array(new)) => {
            // Each original item is matched, in order, with the first later item that extends
            // it; the items left over were inserted. Indices are those of `after`, so the
            // operations apply in order.
            let mut next = 0;
            for (index, value) in new.iter().enumerate() {
                path.push_str(&format!("/{index}"));
                match old.get(next) {
                    Some(old_value) if extends(value, old_value) => {
                        diff(old_value, value, path, out);
                        next += 1;
                    }
                    _ => out.push(json!({"op": "add", "path": path.as_str(), "value": value})),
                }
                path.truncate(len);
            }
        }
        (old, new) if old.is_null() && !new.is_null() && path.is_empty() => {
            out.push(json!({"op": "add", "path": "", "value": new}));
        }
        _ => {}
    }
}

/// Whether `new` holds everything `old` holds (it is `old` with additions).
fn extends(new: &Value, old: &Value) -> bool {
    match (new, old) {
        (Value::Object(n), Value::Object(o)) => o
            .iter()
            .all(|(k, v)| v.is_null() || n.get(k).is_some_and(|w| extends(w, v))),
        (Value::Array(n), Value::Array(o)) => {
            let mut rest = n.iter();
            o.iter().all(|v| rest.any(|w| extends(w, v)))
        }
        _ => new == old,
    }
}

#[cfg(test)]
#[path = "mutation_tests.rs"]
mod tests;
