//! One problem, one finding, on real findings of the built-in rules: a hostPath volume and a
//! capability beyond the default set are each reported once, under the more specific rule, naming
//! the other; suppressing or exempting either rule silences the pair; a disabled rule takes no part.

use palisade_policies::{
    Enforcement, Engine, EngineBuilder, Exemption, Finding, Judged, Judgement, Operation, Options,
    PssLevel, Scope, Settings, Severity, Subject, Suppression, UserInfo, Verdict, input,
};
use serde_json::{Value, json};
use std::sync::OnceLock;

fn engine(level: PssLevel) -> &'static Engine {
    static RESTRICTED: OnceLock<Engine> = OnceLock::new();
    static BASELINE: OnceLock<Engine> = OnceLock::new();
    let cell = match level {
        PssLevel::Restricted => &RESTRICTED,
        PssLevel::Baseline => &BASELINE,
    };
    cell.get_or_init(|| {
        let options = Options {
            pss_level: level,
            ..Options::default()
        };
        let built = EngineBuilder::new().options(options).build();
        built.unwrap_or_else(|e| panic!("{e}"))
    })
}

/// A pod with a hostPath volume (`/var/log`, not a sensitive path) and a container that adds
/// SYS_ADMIN (beyond the default set) and CHOWN (in it), and `annotation` as its ignore annotation.
fn pod(annotation: Option<&str>) -> Value {
    let mut p = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ops"},
        "spec": {
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "a", "image": "x", "securityContext": {
                "allowPrivilegeEscalation": false,
                "capabilities": {"drop": ["ALL"], "add": ["SYS_ADMIN", "CHOWN"]}},
                "volumeMounts": [{"name": "logs", "mountPath": "/logs", "readOnly": true}]}],
            "volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}]}});
    if let Some(a) = annotation {
        p["metadata"]["annotations"] = json!({"palisade.dev/ignore": a});
    }
    p
}

fn raw(level: PssLevel, object: &Value) -> Vec<Finding> {
    let review = input::from_object(object, &UserInfo::default());
    let decision = engine(level).evaluator().evaluate(&review);
    decision.unwrap_or_else(|e| panic!("{e}")).findings
}

fn judge_with(
    level: PssLevel,
    settings: Settings,
    object: &Value,
    operation: Operation,
    before: Option<&[Finding]>,
) -> Judgement {
    let user = UserInfo::default();
    let suppression = Suppression::of(object);
    let subject = Subject {
        kind: "Pod",
        name: "p",
        namespace: "ops",
        namespace_labels: None,
        user: &user,
        operation,
        suppression: suppression.as_ref(),
    };
    let verdict = Verdict::new(settings, engine(level));
    verdict.judge(&subject, raw(level, object), before)
}

fn judge(settings: Settings, object: &Value) -> Judgement {
    judge_with(
        PssLevel::Restricted,
        settings,
        object,
        Operation::Create,
        None,
    )
}

fn by_rule<'j>(j: &'j Judgement, rule: &str) -> Vec<&'j Judged> {
    j.findings
        .iter()
        .filter(|f| f.finding.rule == rule)
        .collect()
}

const ADD_SYS_ADMIN: &str = "/spec/containers/0/securityContext/capabilities/add/0";
const ADD_CHOWN: &str = "/spec/containers/0/securityContext/capabilities/add/1";
const HOST_PATH: &str = "/spec/volumes/0/hostPath";

#[test]
fn the_engine_still_reports_each_rule() {
    let rules: Vec<(String, Option<String>)> = raw(PssLevel::Restricted, &pod(None))
        .into_iter()
        .map(|f| (f.rule, f.path))
        .collect();
    for (rule, path) in [
        ("PSS-HOST-PATH-VOLUMES", HOST_PATH),
        ("PSS-VOLUME-TYPES", HOST_PATH),
        ("PSS-CAPABILITIES-BASELINE", ADD_SYS_ADMIN),
        ("PSS-CAPABILITIES-RESTRICTED", ADD_SYS_ADMIN),
        ("PSS-CAPABILITIES-RESTRICTED", ADD_CHOWN),
    ] {
        assert!(
            rules.contains(&(rule.to_string(), Some(path.to_string()))),
            "{rule} at {path}: {rules:?}"
        );
    }
}

#[test]
fn each_problem_is_reported_once_under_the_specific_rule() {
    let j = judge(Settings::default(), &pod(None));
    let host = by_rule(&j, "PSS-HOST-PATH-VOLUMES");
    assert_eq!(host.len(), 1, "{j:#?}");
    assert_eq!(host[0].also, ["PSS-VOLUME-TYPES"]);
    assert!(
        host[0]
            .finding
            .message
            .ends_with(" — also fails PSS-VOLUME-TYPES (restricted volume types)"),
        "{}",
        host[0].finding.message
    );
    assert!(by_rule(&j, "PSS-VOLUME-TYPES").is_empty(), "{j:#?}");
    let caps = by_rule(&j, "PSS-CAPABILITIES-BASELINE");
    assert_eq!(caps.len(), 1, "{j:#?}");
    assert_eq!(caps[0].finding.path.as_deref(), Some(ADD_SYS_ADMIN));
    assert_eq!(caps[0].also, ["PSS-CAPABILITIES-RESTRICTED"]);
    assert!(
        caps[0]
            .finding
            .message
            .contains("also fails PSS-CAPABILITIES-RESTRICTED (unrestricted capabilities)")
    );
    // CHOWN is in the default set: only the restricted rule fails it, and says so alone.
    let restricted = by_rule(&j, "PSS-CAPABILITIES-RESTRICTED");
    assert_eq!(restricted.len(), 1, "{j:#?}");
    assert_eq!(restricted[0].finding.path.as_deref(), Some(ADD_CHOWN));
    assert!(restricted[0].also.is_empty());
    // The pair is as severe as the worse of the two and denies.
    assert_eq!(host[0].finding.severity, Severity::High);
    assert_eq!(host[0].outcome, Enforcement::Deny);
}

#[test]
fn at_baseline_there_is_no_pair() {
    let j = judge_with(
        PssLevel::Baseline,
        Settings::default(),
        &pod(None),
        Operation::Create,
        None,
    );
    let host = by_rule(&j, "PSS-HOST-PATH-VOLUMES");
    assert_eq!(host.len(), 1, "{j:#?}");
    assert!(host[0].also.is_empty());
    assert!(!host[0].finding.message.contains("also fails"));
}

#[test]
fn suppressing_either_rule_suppresses_the_pair() {
    for rule in ["PSS-HOST-PATH-VOLUMES", "PSS-VOLUME-TYPES"] {
        let j = judge(
            Settings::default(),
            &pod(Some(&format!("{rule}: reads node logs"))),
        );
        assert!(
            !j.findings
                .iter()
                .any(|f| f.finding.path.as_deref() == Some(HOST_PATH)),
            "{rule}: {j:#?}"
        );
    }
    for rule in ["PSS-CAPABILITIES-BASELINE", "PSS-CAPABILITIES-RESTRICTED"] {
        let j = judge(
            Settings::default(),
            &pod(Some(&format!("{rule}: needs it"))),
        );
        let at = |p: &str| {
            j.findings
                .iter()
                .any(|f| f.finding.path.as_deref() == Some(p))
        };
        assert!(!at(ADD_SYS_ADMIN), "{rule}: {j:#?}");
        // CHOWN is a problem of the restricted rule alone.
        assert_eq!(at(ADD_CHOWN), rule == "PSS-CAPABILITIES-BASELINE", "{rule}");
    }
}

#[test]
fn an_unsuppressible_rule_keeps_the_pair() {
    let settings = Settings {
        unsuppressible: ["PSS-HOST-PATH-VOLUMES".to_string()].into(),
        ..Default::default()
    };
    let j = judge(settings, &pod(Some("PSS-VOLUME-TYPES: reads node logs")));
    let host = by_rule(&j, "PSS-HOST-PATH-VOLUMES");
    assert_eq!(host.len(), 1, "{j:#?}");
    assert_eq!(host[0].also, ["PSS-VOLUME-TYPES"]);
}

#[test]
fn exempting_either_rule_exempts_the_pair() {
    for rule in ["PSS-HOST-PATH-VOLUMES", "PSS-VOLUME-TYPES"] {
        let settings = Settings {
            exemptions: vec![Exemption {
                scope: Scope {
                    rules: vec![rule.into()],
                    namespaces: vec!["ops".into()],
                    ..Default::default()
                },
                reason: "node log reader".into(),
            }],
            ..Default::default()
        };
        let j = judge(settings, &pod(None));
        assert!(
            !j.findings
                .iter()
                .any(|f| f.finding.path.as_deref() == Some(HOST_PATH)),
            "{rule}: {j:#?}"
        );
    }
}

#[test]
fn a_disabled_rule_leaves_the_other_alone() {
    let mut settings = Settings::default();
    settings.disable.insert("PSS-HOST-PATH-VOLUMES".into());
    let j = judge(settings, &pod(None));
    let types = by_rule(&j, "PSS-VOLUME-TYPES");
    assert_eq!(types.len(), 1, "{j:#?}");
    assert_eq!(types[0].finding.path.as_deref(), Some(HOST_PATH));
    assert!(types[0].also.is_empty());
    assert_eq!(types[0].finding.severity, Severity::Medium);
    let mut settings = Settings::default();
    settings.disable.insert("PSS-VOLUME-TYPES".into());
    let j = judge(settings, &pod(None));
    let host = by_rule(&j, "PSS-HOST-PATH-VOLUMES");
    assert_eq!(host.len(), 1, "{j:#?}");
    assert!(host[0].also.is_empty());
}

#[test]
fn the_pair_does_what_the_worse_of_the_two_would() {
    // The specific rule lowered below fail-on: the broader one still denies, as it did alone.
    let mut settings = Settings::default();
    settings
        .severity
        .insert("PSS-HOST-PATH-VOLUMES".into(), Severity::Low);
    let j = judge(settings, &pod(None));
    let host = by_rule(&j, "PSS-HOST-PATH-VOLUMES");
    assert_eq!(host.len(), 1, "{j:#?}");
    assert_eq!(host[0].finding.severity, Severity::Medium);
    assert_eq!(host[0].outcome, Enforcement::Deny);
    // Both below fail-on: a warning.
    let mut settings = Settings::default();
    for rule in ["PSS-HOST-PATH-VOLUMES", "PSS-VOLUME-TYPES"] {
        settings.severity.insert(rule.into(), Severity::Low);
    }
    let j = judge(settings, &pod(None));
    assert_eq!(
        by_rule(&j, "PSS-HOST-PATH-VOLUMES")[0].outcome,
        Enforcement::Warn
    );
}

#[test]
fn an_update_that_keeps_the_pair_only_warns_and_one_that_adds_it_denies() {
    let object = pod(None);
    let before = raw(PssLevel::Restricted, &object);
    let j = judge_with(
        PssLevel::Restricted,
        Settings::default(),
        &object,
        Operation::Update,
        Some(&before),
    );
    let host = by_rule(&j, "PSS-HOST-PATH-VOLUMES");
    assert_eq!(host[0].outcome, Enforcement::Warn, "{j:#?}");
    assert!(host[0].preexisting);
    let mut clean = object.clone();
    clean["spec"]["volumes"] = json!([{"name": "logs", "emptyDir": {}}]);
    let before = raw(PssLevel::Restricted, &clean);
    let j = judge_with(
        PssLevel::Restricted,
        Settings::default(),
        &object,
        Operation::Update,
        Some(&before),
    );
    let host = by_rule(&j, "PSS-HOST-PATH-VOLUMES");
    assert_eq!(host[0].outcome, Enforcement::Deny, "{j:#?}");
    assert!(!host[0].preexisting);
}
