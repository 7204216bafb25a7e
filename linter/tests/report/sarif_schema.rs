//! The SARIF output validated against the official SARIF 2.1.0 JSON schemas (see
//! `tests/data/README.md`), plus the cross-references a schema cannot check.

use crate::report::fixture::{empty_report, report};
use crate::report::{PLAIN, rendered};
use palisade_linter::Report;
use palisade_linter::report::Format;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::Path;

const SCHEMAS: [&str; 2] = [
    "sarif-schema-2.1.0.json",
    "sarif-schema-2.1.0-errata01.json",
];

fn sarif(report: &Report) -> Value {
    let out = rendered(report, Format::Sarif, PLAIN);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("SARIF is not JSON: {e}\n{out}"))
}

fn validators() -> Vec<(&'static str, jsonschema::Validator)> {
    SCHEMAS
        .into_iter()
        .map(|name| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data")
                .join(name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // The SARIF 2.1.0 schema's language pattern has a stray `]`, a literal in ECMA 262
            // regexes that the validator's stricter regex check rejects; escape it (same meaning).
            let text = text.replace(
                r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
                r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
            );
            let schema: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let validator = jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{name} does not compile: {e}"));
            (name, validator)
        })
        .collect()
}

fn assert_valid(doc: &Value) {
    for (name, validator) in validators() {
        let errors: Vec<String> = validator
            .iter_errors(doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "invalid against {name}:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn sarif_report_is_valid_sarif_2_1_0() {
    assert_valid(&sarif(&report()));
}

#[test]
fn sarif_report_without_findings_is_valid_sarif_2_1_0() {
    let doc = sarif(&empty_report());
    assert_valid(&doc);
    assert_eq!(doc["runs"][0]["results"], json!([]));
    assert_eq!(
        doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
}

#[test]
fn sarif_report_with_an_empty_catalogue_is_valid_sarif_2_1_0() {
    assert_valid(&sarif(&Report::default()));
}

#[test]
fn schemas_reject_a_broken_sarif_report() {
    let mut doc = sarif(&report());
    doc["runs"][0]["results"][0]["level"] = json!("fatal");
    for (name, validator) in validators() {
        assert!(!validator.is_valid(&doc), "{name} accepted level `fatal`");
    }
}

#[test]
fn sarif_report_results_point_at_their_rules() {
    let doc = sarif(&report());
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "NETPOL-MISSING-INGRESS",
            "PSS-PRIVILEGED",
            "PSS-HOST-PORTS",
            "RBAC-WILDCARD",
            "acme.team-label"
        ]
    );
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 4);
    let mut fingerprints = HashSet::new();
    for result in &results {
        let index = result["ruleIndex"].as_u64().unwrap_or(u64::MAX);
        let rule = usize::try_from(index).ok().and_then(|i| rules.get(i));
        assert_eq!(rule.map(|r| &r["id"]), Some(&result["ruleId"]), "{result}");
        let fingerprint = result["partialFingerprints"]["palisade/v1"].as_str();
        assert!(fingerprint.is_some_and(|f| f.len() == 16), "{result}");
        fingerprints.insert(fingerprint.map(str::to_string));
    }
    assert_eq!(
        fingerprints.len(),
        4,
        "fingerprints must tell findings apart"
    );
}

#[test]
fn sarif_report_fingerprints_ignore_lines_but_not_objects() {
    let fingerprint =
        |report: &Report| sarif(report)["runs"][0]["results"][1]["partialFingerprints"].clone();
    let original = fingerprint(&report());
    let mut moved = report();
    moved.findings[1].line += 10;
    assert_eq!(fingerprint(&moved), original, "a line moved: same alert");
    let mut other = report();
    other.findings[1].name = "api".into();
    assert_ne!(
        fingerprint(&other),
        original,
        "another object: another alert"
    );
}

#[test]
fn sarif_report_tells_duplicate_findings_apart() {
    let mut twice = report();
    let copy = twice.findings[1].clone();
    twice.findings.insert(2, copy);
    let doc = sarif(&twice);
    let fingerprint = |i: usize| doc["runs"][0]["results"][i]["partialFingerprints"].clone();
    assert_ne!(fingerprint(1), fingerprint(2));
    assert_eq!(
        fingerprint(1),
        sarif(&report())["runs"][0]["results"][1]["partialFingerprints"]
    );
}
