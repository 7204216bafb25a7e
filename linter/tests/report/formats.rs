//! Snapshots of every format, and the properties of each that a snapshot alone would not show.

use crate::report::fixture::{NASTY, empty_report, report};
use crate::report::{PLAIN, rendered};
use insta::assert_snapshot;
use palisade_linter::report::{Format, HumanStyle};
use serde_json::{Value, json};

/// Leaves the crate version out of the SARIF snapshot, so a release does not invalidate it.
fn without_version(sarif: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    sarif
        .replace(
            &format!("\"version\": \"{version}\""),
            "\"version\": \"[version]\"",
        )
        .replace(
            &format!("\"semanticVersion\": \"{version}\""),
            "\"semanticVersion\": \"[version]\"",
        )
}

#[test]
fn human_report_snapshot() {
    assert_snapshot!("human", rendered(&report(), Format::Human, PLAIN));
}

#[test]
fn human_report_quiet_snapshot() {
    let style = HumanStyle {
        color: false,
        quiet: true,
    };
    assert_snapshot!("human_quiet", rendered(&report(), Format::Human, style));
}

#[test]
fn human_report_colour_snapshot() {
    let style = HumanStyle {
        color: true,
        quiet: false,
    };
    let out = rendered(&report(), Format::Human, style);
    // ESC shown as ␛ so the snapshot can be read.
    assert_snapshot!("human_color", out.replace('\x1b', "␛"));
    let plain = rendered(&report(), Format::Human, PLAIN);
    assert!(!plain.contains('\x1b'), "colour codes without colour");
}

#[test]
fn human_report_without_findings_is_the_summary_alone() {
    for quiet in [false, true] {
        let style = HumanStyle {
            color: false,
            quiet,
        };
        let out = rendered(&empty_report(), Format::Human, style);
        assert_eq!(out, "No findings in 2 files, 3 objects.\n");
    }
}

#[test]
fn json_report_snapshot() {
    let out = rendered(&report(), Format::Json, PLAIN);
    assert!(out.ends_with("}\n"), "pretty JSON with a trailing newline");
    assert_snapshot!("json", out);
}

#[test]
fn json_report_round_trips_messages_and_null_paths() {
    let out = rendered(&report(), Format::Json, PLAIN);
    let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(doc["findings"][0]["path"], Value::Null);
    assert_eq!(doc["findings"][3]["message"], json!(NASTY));
    assert_eq!(
        doc["summary"]["by_severity"],
        json!({"critical": 1, "high": 1, "medium": 1, "low": 1, "info": 0})
    );
    assert_eq!(doc["summary"]["objects"], 5);
    assert_eq!(doc["summary"]["not_judged"], 1);
    assert_eq!(
        doc["summary"]["not_judged_kinds"],
        json!({"DeploymentConfig": 1})
    );
}

#[test]
fn json_report_without_findings_snapshot() {
    assert_snapshot!("json_empty", rendered(&empty_report(), Format::Json, PLAIN));
}

#[test]
fn sarif_report_snapshot() {
    let out = rendered(&report(), Format::Sarif, PLAIN);
    assert_snapshot!("sarif", without_version(&out));
}

#[test]
fn junit_report_snapshot() {
    assert_snapshot!("junit", rendered(&report(), Format::Junit, PLAIN));
}

#[test]
fn junit_report_without_findings_snapshot() {
    assert_snapshot!(
        "junit_empty",
        rendered(&empty_report(), Format::Junit, PLAIN)
    );
}

#[test]
fn github_report_snapshot() {
    let out = rendered(&report(), Format::Github, PLAIN);
    // One command per finding and the summary: an escaped newline cannot start a new command.
    assert_eq!(out.lines().count(), 5, "{out}");
    assert_snapshot!("github", out);
}

#[test]
fn every_report_format_renders_the_same_bytes_twice() {
    for format in Format::ALL {
        let first = rendered(&report(), format, PLAIN);
        assert_eq!(first, rendered(&report(), format, PLAIN), "{format}");
    }
}
