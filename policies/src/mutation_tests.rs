//! Normalisation of patch operations: merging, never overwriting, minimal output.

use super::*;

fn op(rule: &str, path: &str, value: Value) -> Patch {
    Patch {
        rule: rule.into(),
        op: json!({"op": "add", "path": path, "value": value}),
    }
}

fn normalised(object: &Value, patches: &[Patch]) -> Mutation {
    let m = normalise(object, patches).unwrap_or_else(|e| panic!("{e}"));
    // The patch applies cleanly to the original and gives the merged object.
    let ops: json_patch::Patch = serde_json::from_value(Value::Array(m.patch.clone()))
        .unwrap_or_else(|e| panic!("not an RFC 6902 patch: {e}"));
    let mut applied = object.clone();
    json_patch::patch(&mut applied, &ops).unwrap_or_else(|e| panic!("does not apply: {e}"));
    assert_eq!(applied, m.object, "patch {:?}", m.patch);
    m
}

#[test]
fn operations_on_one_missing_parent_become_one() {
    let pod = json!({"spec": {"containers": [{"name": "a"}]}});
    let sc = "/spec/containers/0/securityContext";
    let m = normalised(
        &pod,
        &[
            op("A", sc, json!({"allowPrivilegeEscalation": false})),
            op("C", sc, json!({"capabilities": {"drop": ["ALL"]}})),
        ],
    );
    assert_eq!(
        m.patch,
        [json!({"op": "add", "path": sc, "value": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}})]
    );
    assert_eq!(m.rules, ["A", "C"]);
}

#[test]
fn missing_parents_are_created_and_null_counts_as_missing() {
    let pod = json!({"spec": {"securityContext": null, "containers": []}});
    let m = normalised(
        &pod,
        &[op(
            "S",
            "/spec/securityContext/seccompProfile/type",
            json!("RuntimeDefault"),
        )],
    );
    assert_eq!(
        m.patch,
        [json!({"op": "add", "path": "/spec/securityContext",
                "value": {"seccompProfile": {"type": "RuntimeDefault"}}})]
    );
}

#[test]
fn arrays_get_what_they_lack_appended() {
    let pod = json!({"drop": ["NET_RAW"]});
    let m = normalised(&pod, &[op("C", "/drop/-", json!("ALL"))]);
    assert_eq!(
        m.patch,
        [json!({"op": "add", "path": "/drop/1", "value": "ALL"})]
    );
    let merged = normalised(&pod, &[op("C", "", json!({"drop": ["ALL", "NET_RAW"]}))]);
    assert_eq!(merged.object, json!({"drop": ["NET_RAW", "ALL"]}));
    let present = json!({"drop": ["ALL"]});
    assert!(normalised(&present, &[op("C", "/drop/-", json!("ALL"))]).is_empty());
}

#[test]
fn values_set_are_never_replaced() {
    let sc = json!({"allowPrivilegeEscalation": true, "seccompProfile": {"type": "Unconfined"},
                    "capabilities": "odd", "runAsUser": 0, "list": []});
    let m = normalised(
        &sc,
        &[
            op("A", "/allowPrivilegeEscalation", json!(false)),
            op("S", "/seccompProfile", json!({"type": "RuntimeDefault"})),
            op("C", "/capabilities/drop", json!(["ALL"])),
            op("R", "/runAsUser/x", json!(1)),
            op("X", "/list/0/x", json!(1)),
        ],
    );
    assert!(m.is_empty(), "{:?}", m.patch);
    assert!(m.rules.is_empty());
    assert_eq!(m.object, sc);
}

#[test]
fn applying_the_patch_then_normalising_again_gives_nothing() {
    let pod =
        json!({"spec": {"containers": [{"name": "a", "securityContext": {}}, {"name": "b"}]}});
    let ops = [
        op(
            "A",
            "/spec/containers/0/securityContext/allowPrivilegeEscalation",
            json!(false),
        ),
        op("A", "/spec/containers/1/securityContext", json!({"x": 1})),
        op("B", "/spec/containers/-", json!({"name": "c"})),
    ];
    let once = normalised(&pod, &ops);
    assert_eq!(once.patch.len(), 3, "{:?}", once.patch);
    assert!(normalised(&once.object, &ops).is_empty());
}

#[test]
fn only_well_formed_add_operations_are_accepted() {
    let pod = json!({});
    let bad = [
        json!({"op": "replace", "path": "/a", "value": 1}),
        json!({"op": "add", "path": "a", "value": 1}),
        json!({"op": "add", "value": 1}),
        json!({"op": "add", "path": "/a"}),
    ];
    for op in bad {
        let patch = Patch {
            rule: "R".into(),
            op: op.clone(),
        };
        match normalise(&pod, &[patch]) {
            Err(MutationError::Invalid { rule, .. }) => assert_eq!(rule, "R"),
            other => panic!("{op} gave {other:?}"),
        }
    }
}

#[test]
fn escaped_pointer_tokens_round_trip() {
    let obj = json!({"metadata": {"annotations": {}}});
    let m = normalised(
        &obj,
        &[op("A", "/metadata/annotations/a~1b~0c", json!("v"))],
    );
    assert_eq!(m.object["metadata"]["annotations"]["a/b~c"], "v");
    assert_eq!(m.patch[0]["path"], "/metadata/annotations/a~1b~0c");
}
