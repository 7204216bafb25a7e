//! `.palisade.yaml` parsing: valid files load; every mistake names the key and its line.

use palisade_linter::Config;
use palisade_policies::{Enforcement, PssLevel, PssVersion, Severity};

fn err(text: &str) -> String {
    match Config::parse(".palisade.yaml", text) {
        Ok(c) => panic!("accepted: {c:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn full_config_loads() {
    let text = r#"
pss:
  level: baseline
  version: v1.29
fail-on: high
policies: [extra/]
rules:
  disable: [RBAC-WILDCARD]
  severity:
    RBAC-SECRETS-READ: low
exemptions:
  - rules: [PSS-HOST-NAMESPACES]
    namespaces: [monitoring]
    namespace-labels: {team: infra}
    kinds: [DaemonSet]
    names: [node-exporter]
    reason: reads host metrics
parameters:
  registry: example.org
"#;
    let c = Config::parse("c.yaml", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.pss_level, Some(PssLevel::Baseline));
    assert_eq!(c.pss_version, Some(PssVersion::Minor(29)));
    assert_eq!(c.settings.fail_on, Severity::High);
    assert!(!c.rule_enabled("RBAC-WILDCARD"));
    assert!(c.rule_enabled("PSS-PRIVILEGED"));
    assert_eq!(
        c.settings.severity.get("RBAC-SECRETS-READ"),
        Some(&Severity::Low)
    );
    assert_eq!(
        c.settings.exemptions[0].scope.namespace_labels["team"],
        "infra"
    );
    assert_eq!(c.parameters["registry"], "example.org");
    let lines: Vec<usize> = c.rule_refs.iter().map(|(_, l)| *l).collect();
    assert_eq!(lines, [8, 10, 12]);
}

#[test]
fn enable_limits_rules() {
    let c =
        Config::parse("c", "rules: {enable: [PSS-PRIVILEGED]}").unwrap_or_else(|e| panic!("{e}"));
    assert!(c.rule_enabled("PSS-PRIVILEGED"));
    assert!(!c.rule_enabled("PSS-HOST-PORTS"));
    let c = Config::parse("c", "rules:\n  unsuppressible: [PSS-PRIVILEGED]\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(c.settings.unsuppressible.contains("PSS-PRIVILEGED"));
    assert_eq!(c.rule_refs, [("PSS-PRIVILEGED".to_string(), 2)]);
}

#[test]
fn empty_config_is_default() {
    let c = Config::parse("c", "# nothing\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.pss_level, None);
    assert!(c.rule_enabled("ANY"));
    // Both doors block at medium and above unless configured otherwise.
    assert_eq!(c.settings.fail_on, Severity::Medium);
}

/// `err(text)` starts with `.palisade.yaml:LINE:COLUMN: ` and names every one of `words`.
fn assert_error_at(text: &str, (line, column): (usize, usize), words: &[&str]) {
    let e = err(text);
    let at = format!(".palisade.yaml:{line}:{column}: ");
    assert!(e.starts_with(&at), "{text:?}: expected {at}…, got {e}");
    for word in words {
        assert!(e.contains(word), "{text:?}: {word} not in {e}");
    }
}

#[test]
fn mistakes_name_key_and_line() {
    let cases: [(&str, (usize, usize), &[&str]); 6] = [
        (
            "pss:\n  level: restricted\n  versoin: latest\n",
            (3, 3),
            &["`versoin`", "in `pss`"],
        ),
        ("fail-on: severe\n", (1, 1), &["fail-on", "severe"]),
        (
            "rules:\n  disable: RBAC-WILDCARD\n",
            (2, 3),
            &["rules.disable"],
        ),
        ("exemptions:\n  - namespaces: [a]\n", (2, 5), &["reason"]),
        ("pss:\n  level: strict\n", (2, 3), &["strict"]),
        // Regression: this said "in `the top level`".
        (
            "colour: red\n",
            (1, 1),
            &["unknown key `colour` at the top level (expected one of: pss,"],
        ),
    ];
    for (text, at, words) in cases {
        assert_error_at(text, at, words);
    }
    let e = err("- a\n- b\n");
    assert!(e.contains("mapping"), "{e}");
    let e = err("pss: {level: [\n");
    assert!(e.contains("YAML syntax error"), "{e}");
}

#[test]
fn admission_keys_load() {
    let text = r#"
exemptions:
  - users: [alice]
    groups: [platform-admins]
    service-accounts: [flux-system/kustomize-controller]
    reason: the platform team deploys node agents
enforcement:
  - action: dryrun
    rules: [RBAC-WILDCARD]
  - action: warn
    namespaces: [legacy]
    namespace-labels: {tier: legacy}
mutation:
  namespaces: [team-a]
"#;
    let c = Config::parse("c.yaml", text).unwrap_or_else(|e| panic!("{e}"));
    let ex = &c.settings.exemptions[0].scope;
    assert_eq!(ex.users, ["alice"]);
    assert_eq!(ex.groups, ["platform-admins"]);
    assert_eq!(ex.service_accounts, ["flux-system/kustomize-controller"]);
    let en = &c.settings.enforcement;
    assert_eq!(en[0].action, Enforcement::Dryrun);
    assert_eq!(en[0].scope.rules, ["RBAC-WILDCARD"]);
    assert_eq!(en[1].action, Enforcement::Warn);
    assert_eq!(en[1].scope.namespace_labels["tier"], "legacy");
    assert_eq!(c.mutation_namespaces, ["team-a"]);
    // The rule id is checked against the catalogue later, with its line.
    assert_eq!(c.rule_refs, [("RBAC-WILDCARD".to_string(), 9)]);
}

#[test]
fn admission_key_mistakes_name_key_and_line() {
    let cases: [(&str, (usize, usize), &[&str]); 5] = [
        ("enforcement:\n  - namespaces: [a]\n", (2, 5), &["action"]),
        ("enforcement:\n  - action: block\n", (2, 5), &["block"]),
        (
            "exemptions:\n  - service-accounts: [ci]\n    reason: x\n",
            (2, 24),
            &["`ci`", "namespace/name"],
        ),
        (
            "mutation:\n  labels: [a]\n",
            (2, 3),
            &["`labels`", "in `mutation`"],
        ),
        (
            "exemptions:\n  - userz: [a]\n    reason: x\n",
            (2, 5),
            &["userz", "service-accounts"],
        ),
    ];
    for (text, at, words) in cases {
        assert_error_at(text, at, words);
    }
}
