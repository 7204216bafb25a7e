//! JSON to regorus values, directly. regorus's own conversion goes through serde, inserting every
//! object key into a map one by one and checking its allocator limit at each entry; an input is
//! converted for every object evaluated, so this walks the JSON tree once instead and builds
//! each object from its sorted entries. The result is the value serde would give.

use regorus::Value;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The regorus value of a JSON value.
pub(crate) fn from_json(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => number(n),
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => Value::from(items.iter().map(from_json).collect::<Vec<_>>()),
        Json::Object(map) if map.is_empty() => Value::new_object(),
        Json::Object(map) => {
            let mut entries: Vec<(Value, Value)> = map
                .iter()
                .map(|(k, v)| (Value::from(k.as_str()), from_json(v)))
                .collect();
            // JSON object keys are distinct strings: sorting needs no tie-break.
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            Value::from(BTreeMap::from_iter(entries))
        }
    }
}

/// As serde hands a JSON number to regorus: unsigned, else signed, else a float.
fn number(n: &serde_json::Number) -> Value {
    if let Some(u) = n.as_u64() {
        Value::from(u)
    } else if let Some(i) = n.as_i64() {
        Value::from(i)
    } else {
        Value::from(n.as_f64().unwrap_or_default())
    }
}

#[cfg(test)]
#[path = "../benches/fixtures/objects.rs"]
mod objects;

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    fn by_serde(json: &Json) -> Value {
        Value::deserialize(json).unwrap_or_else(|e| panic!("serde: {e}"))
    }

    #[test]
    fn gives_what_serde_gives() {
        let cases = [
            json!(null),
            json!(true),
            json!(0),
            json!(-7),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(2.5),
            json!(1e300),
            json!(""),
            json!("héllo"),
            json!([]),
            json!({}),
            json!([1, "a", null, [], {}]),
            json!({"z": 1, "a": {"m": [1, 2, {"k": false}], "b": {}}, "": "empty key", "A": null}),
        ];
        for case in &cases {
            assert_eq!(from_json(case), by_serde(case), "{case}");
        }
        let objects = [
            super::objects::pod_restricted_clean(),
            super::objects::pod_risky(),
            super::objects::deployment(),
            super::objects::cluster_role(),
            super::objects::rbac_inventory(3),
        ];
        for object in &objects {
            assert_eq!(from_json(object), by_serde(object), "{object}");
        }
    }

    #[test]
    fn objects_are_looked_up_by_key() {
        let v = from_json(&json!({"b": 2, "a": 1, "c": {"d": "x"}}));
        assert_eq!(v["a"], Value::from(1u64));
        assert_eq!(v["c"]["d"], Value::from("x"));
        assert_eq!(v["missing"], Value::Undefined);
    }
}
