//! The `sarif` format: a SARIF 2.1.0 log with one run, as GitHub code scanning reads it.
//!
//! - `tool.driver.rules` holds one reporting descriptor per active rule of `report.rules`, in
//!   catalogue order, followed by one for each rule that produced findings but is missing from
//!   the catalogue, so every result's `ruleIndex` points at a descriptor.
//! - Levels: critical and high are `error`, medium is `warning`, low and info are `note`.
//!   `properties.security-severity` carries the severity as GitHub's 0–10 score.
//! - Each result has one physical location (the file as a relative URI reference with forward
//!   slashes, `stdin` for `-`; an absolute path becomes a `file://` URI) and one logical location
//!   (the Kubernetes object).
//! - `partialFingerprints["palisade/v1"]` is an FNV-1a hash of rule, file, object and field
//!   pointer — not the line, so an alert survives edits above it. When one run has several
//!   findings with the same identity, the second and later ones also hash their ordinal.

use super::object_ref;
use crate::{LintFinding, Report};
use palisade_policies::{RuleMeta, Severity};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT_KEY: &str = "palisade/v1";
const TAGS: [&str; 2] = ["security", "kubernetes"];

pub(super) fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    writeln!(out)
}

fn log(report: &Report) -> Value {
    let mut descriptors = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for meta in &report.rules {
        if !index.contains_key(meta.id.as_str()) {
            index.insert(&meta.id, descriptors.len());
            descriptors.push(descriptor(meta));
        }
    }
    for finding in &report.findings {
        if !index.contains_key(finding.rule.as_str()) {
            index.insert(&finding.rule, descriptors.len());
            descriptors.push(uncatalogued_descriptor(finding));
        }
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            let identity = identity(finding);
            let ordinal = seen.entry(identity.clone()).or_insert(0);
            let hash = match *ordinal {
                0 => fnv1a(identity.as_bytes()),
                n => fnv1a(format!("{identity}\0{n}").as_bytes()),
            };
            *ordinal += 1;
            let rule_index = index.get(finding.rule.as_str()).copied().unwrap_or(0);
            result(finding, rule_index, hash)
        })
        .collect();

    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "palisade",
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": descriptors,
                },
            },
            "results": results,
        }],
    })
}

fn descriptor(meta: &RuleMeta) -> Value {
    let help = if meta.remediation.trim().is_empty() {
        format!(
            "No remediation is given; see policy package `{}` in {}.",
            meta.package, meta.file
        )
    } else {
        meta.remediation.clone()
    };
    json!({
        "id": meta.id,
        "name": pascal_case(&meta.id),
        "shortDescription": { "text": meta.title },
        "fullDescription": { "text": full_description(meta) },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": properties(meta.severity),
    })
}

/// A descriptor for a rule that reported findings but is not in the catalogue of the run.
fn uncatalogued_descriptor(finding: &LintFinding) -> Value {
    json!({
        "id": finding.rule,
        "name": pascal_case(&finding.rule),
        "shortDescription": { "text": finding.rule },
        "defaultConfiguration": { "level": level(finding.severity) },
        "properties": properties(finding.severity),
    })
}

fn full_description(meta: &RuleMeta) -> String {
    let mut text = meta.title.trim().to_string();
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    if !meta.kinds.is_empty() {
        text.push_str(&format!(" Applies to {}.", meta.kinds.join(", ")));
    }
    if let Some(pss) = meta.pss_level {
        text.push_str(&format!(" Pod Security Standards level: {}.", pss.as_str()));
    }
    text
}

fn properties(severity: Severity) -> Value {
    json!({ "security-severity": security_severity(severity), "tags": TAGS })
}

fn result(finding: &LintFinding, rule_index: usize, fingerprint: u64) -> Value {
    let message = if finding.message.trim().is_empty() {
        finding.rule.as_str()
    } else {
        finding.message.as_str()
    };
    let mut properties = json!({ "severity": finding.severity.as_str() });
    if let Some(path) = &finding.path {
        properties["path"] = json!(path);
    }
    json!({
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": artifact_uri(&finding.file) },
                "region": {
                    "startLine": finding.line.max(1),
                    "startColumn": finding.column.max(1),
                },
            },
            "logicalLocations": [{
                "name": finding.name,
                "fullyQualifiedName": object_ref(finding),
                "kind": "resource",
            }],
        }],
        "partialFingerprints": { FINGERPRINT_KEY: format!("{fingerprint:016x}") },
        "properties": properties,
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's score: over 9.0 is critical, 7.0–8.9 high, 4.0–6.9 medium, below low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// What makes two findings the same alert from one run to the next.
fn identity(finding: &LintFinding) -> String {
    [
        finding.rule.as_str(),
        &artifact_uri(&finding.file),
        &finding.kind,
        &finding.namespace,
        &finding.name,
        finding.path.as_deref().unwrap_or(""),
    ]
    .join("\0")
}

/// 64-bit FNV-1a: tiny, and stable across Rust versions and platforms (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The file as a URI reference: forward slashes, no leading `./`, percent-encoded; `stdin` for
/// `-`; absolute paths as `file://` URIs.
fn artifact_uri(file: &str) -> String {
    if file == "-" {
        return "stdin".to_string();
    }
    let slashed = file.replace('\\', "/");
    let mut path = slashed.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    match path.as_bytes() {
        [b'/', ..] => format!("file://{}", percent_encode(path)),
        [drive, b':', b'/', ..] if drive.is_ascii_alphabetic() => format!(
            "file:///{}:{}",
            char::from(*drive),
            percent_encode(path.get(2..).unwrap_or_default())
        ),
        _ => percent_encode(path),
    }
}

/// Percent-encodes everything but unreserved characters, sub-delimiters, `@` and `/`.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `PSS-RUN-AS-NON-ROOT` → `PssRunAsNonRoot`: the descriptor's `name`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .flat_map(|word| {
            let mut chars = word.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars.flat_map(char::to_lowercase))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn artifact_uris_are_relative_slashed_and_encoded() {
        assert_eq!(artifact_uri("-"), "stdin");
        assert_eq!(artifact_uri("./deploy/app.yaml"), "deploy/app.yaml");
        assert_eq!(artifact_uri(r"deploy\app.yaml"), "deploy/app.yaml");
        assert_eq!(artifact_uri("a b/c#1%.yaml"), "a%20b/c%231%25.yaml");
        assert_eq!(artifact_uri("x:y.yaml"), "x%3Ay.yaml");
        assert_eq!(
            artifact_uri("/srv/k8s/ä.yaml"),
            "file:///srv/k8s/%C3%A4.yaml"
        );
        assert_eq!(artifact_uri(r"C:\k8s\a.yaml"), "file:///C:/k8s/a.yaml");
    }

    #[test]
    fn levels_and_scores_follow_severity() {
        let levels: Vec<_> = Severity::ALL.into_iter().map(level).collect();
        assert_eq!(levels, ["error", "error", "warning", "note", "note"]);
        let scores: Vec<_> = Severity::ALL.into_iter().map(security_severity).collect();
        assert_eq!(scores, ["9.5", "8.0", "5.5", "3.0", "1.0"]);
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("PSS-RUN-AS-NON-ROOT"), "PssRunAsNonRoot");
        assert_eq!(pascal_case("acme.team-label"), "AcmeTeamLabel");
    }
}
