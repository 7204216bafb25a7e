//! A small hand-built report: five objects in two files — three with findings, one that passes,
//! one of a kind no rule judges — four findings, one rule missing from the catalogue, one active
//! rule that fired nothing, and a message full of characters every format escapes.

use palisade_linter::{LintFinding, LintedObject, Report, Summary};
use palisade_policies::{Enforcement, PssLevel, RuleMeta, Severity};

/// The message that needs escaping in XML, JSON, workflow commands and terminals alike.
pub const NASTY: &str =
    "verbs: [\"*\"] on <all> resources & 100% of \"secrets\",\nnarrow it: list, get";

fn rule(id: &str, title: &str, severity: Severity, remediation: &str) -> RuleMeta {
    RuleMeta {
        id: id.to_string(),
        title: title.to_string(),
        severity,
        kinds: if id.starts_with("RBAC") {
            vec!["ClusterRole".into(), "Role".into()]
        } else {
            vec!["Pod".into(), "Deployment".into()]
        },
        subresources: Vec::new(),
        remediation: remediation.to_string(),
        pss_level: id.starts_with("PSS").then_some(PssLevel::Baseline),
        since: None,
        package: format!("palisade.{}", id.to_ascii_lowercase()),
        file: format!("builtin:{}.rego", id.to_ascii_lowercase()),
        builtin: true,
    }
}

fn finding(
    file: &str,
    (line, column): (usize, usize),
    rule: &str,
    severity: Severity,
    (kind, namespace, name): (&str, &str, &str),
    message: &str,
    path: Option<&str>,
) -> LintFinding {
    LintFinding {
        rule: rule.to_string(),
        severity,
        file: file.to_string(),
        line,
        column,
        kind: kind.to_string(),
        name: name.to_string(),
        namespace: namespace.to_string(),
        message: message.to_string(),
        path: path.map(str::to_string),
        remediation: None,
        outcome: Enforcement::Deny,
    }
}

fn object(
    file: &str,
    line: usize,
    (kind, namespace, name): (&str, &str, &str),
    judged: bool,
) -> LintedObject {
    LintedObject {
        file: file.to_string(),
        line,
        kind: kind.to_string(),
        name: name.to_string(),
        namespace: namespace.to_string(),
        judged,
    }
}

/// The objects of [`report`], in file and document order.
fn objects() -> Vec<LintedObject> {
    vec![
        object(
            "./deploy/web.yaml",
            1,
            ("Deployment", "default", "web"),
            true,
        ),
        object("./deploy/web.yaml", 35, ("Service", "default", "web"), true),
        object(
            "./deploy/web.yaml",
            50,
            ("DeploymentConfig", "default", "legacy"),
            false,
        ),
        object(
            "rbac/ops role.yaml",
            1,
            ("ClusterRole", "", "ops-admin"),
            true,
        ),
        object(
            "rbac/ops role.yaml",
            20,
            ("ClusterRoleBinding", "", "ops-admin"),
            true,
        ),
    ]
}

/// Findings of every kind the reporters treat differently.
pub fn report() -> Report {
    let web = ("Deployment", "default", "web");
    let findings = vec![
        finding(
            "./deploy/web.yaml",
            (1, 1),
            "NETPOL-MISSING-INGRESS",
            Severity::Low,
            web,
            "no NetworkPolicy selects the pods of Deployment default/web for ingress",
            None,
        ),
        finding(
            "./deploy/web.yaml",
            (21, 15),
            "PSS-PRIVILEGED",
            Severity::High,
            web,
            "container \"app\" is privileged",
            Some("/spec/template/spec/containers/0/securityContext/privileged"),
        ),
        finding(
            "./deploy/web.yaml",
            (40, 3),
            "acme.team-label",
            Severity::Medium,
            ("Service", "default", "web"),
            "label `team` is missing",
            Some("/metadata/labels"),
        ),
        finding(
            "rbac/ops role.yaml",
            (9, 5),
            "RBAC-WILDCARD",
            Severity::Critical,
            ("ClusterRole", "", "ops-admin"),
            NASTY,
            Some("/rules/0/verbs"),
        ),
    ];
    // The low finding warns: it does not fail the run.
    let mut findings = findings;
    findings[0].outcome = Enforcement::Warn;
    let objects = objects();
    Report {
        summary: Summary::of(2, &objects, &findings),
        findings,
        objects,
        rules: vec![
            rule(
                "NETPOL-MISSING-INGRESS",
                "Workload without an ingress NetworkPolicy",
                Severity::Low,
                "Add a NetworkPolicy with policyTypes [Ingress] that selects the workload's pods.",
            ),
            rule(
                "PSS-PRIVILEGED",
                "Privileged containers",
                Severity::High,
                "Remove securityContext.privileged or set it to false.",
            ),
            rule("PSS-HOST-PORTS", "Host ports", Severity::Medium, ""),
            rule(
                "RBAC-WILDCARD",
                "Wildcard in an RBAC rule",
                Severity::Critical,
                "List the apiGroups, resources and verbs the subject needs.\nNever use `*`.",
            ),
        ],
    }
}

/// A clean run over two files and three objects, every one judged, with the same catalogue.
pub fn empty_report() -> Report {
    let mut report = report();
    report.findings.clear();
    report.objects.retain(|o| o.judged && o.kind != "Service");
    report.summary = Summary::of(2, &report.objects, &[]);
    report
}

/// A run that read one file and found no object in it.
pub fn no_objects_report() -> Report {
    let mut report = empty_report();
    report.objects.clear();
    report.summary = Summary::of(1, &[], &[]);
    report
}
