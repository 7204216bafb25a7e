//! The verdict on real findings of the built-in rules: fail-on, severity overrides, suppressions,
//! exemptions, enforcement, DELETE and UPDATE.

use palisade_policies::{
    Enforcement, EnforcementOverride, Engine, Exemption, Finding, Judgement, Operation, Scope,
    Settings, Severity, Subject, Suppression, UserInfo, Verdict, input,
};
use serde_json::{Value, json};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::builtin().unwrap_or_else(|e| panic!("{e}")))
}

fn findings(object: &Value) -> Vec<Finding> {
    let mut ev = engine().evaluator();
    ev.evaluate(&input::from_object(object, &UserInfo::default()))
        .unwrap_or_else(|e| panic!("{e}"))
        .findings
}

fn pod(ns: &str, sc: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": ns},
           "spec": {"containers": [{"name": "a", "image": "x", "securityContext": sc}]}})
}

fn secrets_reader(names: Option<&[&str]>) -> Value {
    let mut rule = json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]});
    if let Some(names) = names {
        rule["resourceNames"] = json!(names);
    }
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
           "metadata": {"name": "reader"}, "rules": [rule]})
}

struct Case<'a> {
    object: &'a Value,
    user: UserInfo,
    operation: Operation,
    before: Option<Vec<Finding>>,
}

impl<'a> Case<'a> {
    fn new(object: &'a Value) -> Self {
        Case {
            object,
            user: UserInfo::default(),
            operation: Operation::Create,
            before: None,
        }
    }

    fn judge(&self, settings: &Settings) -> Judgement {
        let verdict = Verdict::new(settings.clone(), engine());
        let text = |p: &str| self.object.pointer(p).and_then(Value::as_str).unwrap_or("");
        let suppression = Suppression::of(self.object);
        let subject = Subject {
            kind: text("/kind"),
            name: text("/metadata/name"),
            namespace: text("/metadata/namespace"),
            namespace_labels: None,
            user: &self.user,
            operation: self.operation,
            suppression: suppression.as_ref(),
        };
        verdict.judge(&subject, findings(self.object), self.before.as_deref())
    }
}

fn rules(j: &Judgement, outcome: Enforcement) -> Vec<String> {
    j.with(outcome).map(|f| f.finding.rule.clone()).collect()
}

#[test]
fn default_fail_on_is_medium_so_narrowed_rbac_warns() {
    let narrowed = secrets_reader(Some(&["cluster-user-auth", "oidc-auth"]));
    let j = Case::new(&narrowed).judge(&Settings::default());
    assert!(!j.denied(), "{j:?}");
    assert_eq!(rules(&j, Enforcement::Warn), ["RBAC-SECRETS-READ"]);
    let all = secrets_reader(None);
    let j = Case::new(&all).judge(&Settings::default());
    assert!(j.denied(), "{j:?}");
}

/// Regression: an override meant to be more lenient turned narrowed `low` findings into `medium`.
#[test]
fn a_severity_override_never_raises_a_graded_finding() {
    let mut settings = Settings::default();
    settings
        .severity
        .insert("RBAC-SECRETS-READ".into(), Severity::Medium);
    let narrowed = secrets_reader(Some(&["cluster-user-auth"]));
    let j = Case::new(&narrowed).judge(&settings);
    assert!(!j.denied(), "{j:?}");
    let graded: Vec<(&str, Severity)> = j
        .findings
        .iter()
        .map(|f| (f.finding.rule.as_str(), f.finding.severity))
        .collect();
    assert_eq!(graded, [("RBAC-SECRETS-READ", Severity::Low)], "{j:?}");
    // The unrestricted finding is at the rule's top (high) and takes the override.
    let all = secrets_reader(None);
    let j = Case::new(&all).judge(&settings);
    assert!(
        j.findings
            .iter()
            .any(|f| f.finding.severity == Severity::Medium)
    );
    assert!(j.denied());
}

#[test]
fn suppressions_and_their_problems() {
    let mut p = pod("shop", json!({"privileged": true}));
    p["metadata"]["annotations"] = json!({"palisade.dev/ignore": "PSS-PRIVILEGED"});
    let j = Case::new(&p).judge(&Settings::default());
    // No reason: not honoured, and said so.
    assert!(rules(&j, Enforcement::Deny).contains(&"PSS-PRIVILEGED".to_string()));
    assert!(rules(&j, Enforcement::Warn).contains(&"PALISADE-SUPPRESSION".to_string()));
    p["metadata"]["annotations"] = json!({"palisade.dev/ignore": "PSS-PRIVILEGED: debug image"});
    let j = Case::new(&p).judge(&Settings::default());
    assert!(
        !j.findings
            .iter()
            .any(|f| f.finding.rule == "PSS-PRIVILEGED")
    );
}

#[test]
fn unsuppressible_rules_ignore_the_annotation_and_say_so() {
    let mut p = pod("shop", json!({"privileged": true}));
    p["metadata"]["annotations"] =
        json!({"palisade.dev/ignore": "PSS-PRIVILEGED,PSS-RUN-AS-NON-ROOT: debug image"});
    let settings = Settings {
        unsuppressible: ["PSS-PRIVILEGED".to_string()].into(),
        ..Default::default()
    };
    let j = Case::new(&p).judge(&settings);
    assert!(rules(&j, Enforcement::Deny).contains(&"PSS-PRIVILEGED".to_string()));
    assert!(
        !j.findings
            .iter()
            .any(|f| f.finding.rule == "PSS-RUN-AS-NON-ROOT")
    );
    let note = j
        .findings
        .iter()
        .find(|f| f.finding.rule == "PALISADE-SUPPRESSION")
        .unwrap_or_else(|| panic!("no note in {j:?}"));
    assert!(
        note.finding
            .message
            .contains("cannot silence PSS-PRIVILEGED"),
        "{note:?}"
    );
}

#[test]
fn exemptions_by_service_account_apply_to_its_requests_only() {
    let p = pod("shop", json!({"privileged": true}));
    let mut settings = Settings::default();
    settings.exemptions.push(Exemption {
        scope: Scope {
            service_accounts: vec!["flux-system/kustomize-controller".into()],
            ..Default::default()
        },
        reason: "trusted deployer".into(),
    });
    let mut case = Case::new(&p);
    assert!(case.judge(&settings).denied());
    case.user = UserInfo {
        username: "system:serviceaccount:flux-system:kustomize-controller".into(),
        groups: vec!["system:serviceaccounts".into()],
    };
    assert!(case.judge(&settings).findings.is_empty());
}

#[test]
fn enforcement_warn_and_dryrun_never_deny() {
    let p = pod("legacy", json!({"privileged": true}));
    let mut settings = Settings::default();
    settings.enforcement.push(EnforcementOverride {
        action: Enforcement::Dryrun,
        scope: Scope {
            rules: vec!["PSS-PRIVILEGED".into()],
            ..Default::default()
        },
    });
    settings.enforcement.push(EnforcementOverride {
        action: Enforcement::Warn,
        scope: Scope {
            namespaces: vec!["legacy".into()],
            ..Default::default()
        },
    });
    let j = Case::new(&p).judge(&settings);
    assert!(!j.denied(), "{j:?}");
    assert_eq!(rules(&j, Enforcement::Dryrun), ["PSS-PRIVILEGED"]);
    assert!(!rules(&j, Enforcement::Warn).is_empty());
}

#[test]
fn delete_is_never_blocked_by_builtin_rules() {
    let p = pod("shop", json!({"privileged": true}));
    let mut case = Case::new(&p);
    case.operation = Operation::Delete;
    let j = case.judge(&Settings::default());
    assert!(j.findings.is_empty(), "{j:?}");
}

#[test]
fn update_denies_only_what_it_introduces() {
    let old = pod("shop", json!({"privileged": true}));
    let mut new = old.clone();
    new["metadata"]["labels"] = json!({"tier": "web"});
    let mut case = Case::new(&new);
    case.operation = Operation::Update;
    case.before = Some(findings(&old));
    let j = case.judge(&Settings::default());
    assert!(!j.denied(), "{j:?}");
    assert!(j.findings.iter().any(|f| f.preexisting));
    // Adding hostPID on top: the new finding denies, the old ones still warn.
    new["spec"]["hostPID"] = json!(true);
    let mut case = Case::new(&new);
    case.operation = Operation::Update;
    case.before = Some(findings(&old));
    let j = case.judge(&Settings::default());
    assert_eq!(rules(&j, Enforcement::Deny), ["PSS-HOST-NAMESPACES"]);
}

#[test]
fn disabled_rules_and_warn_rules_do_not_deny() {
    let p = pod("shop", json!({"privileged": true}));
    let mut settings = Settings {
        enable: Some(["PSS-RUN-AS-NON-ROOT".to_string()].into()),
        ..Default::default()
    };
    let j = Case::new(&p).judge(&settings);
    let found: std::collections::BTreeSet<&str> =
        j.findings.iter().map(|f| f.finding.rule.as_str()).collect();
    assert_eq!(found, ["PSS-RUN-AS-NON-ROOT"].into(), "{j:?}");
    settings.enable = None;
    settings.fail_on = Severity::Critical;
    let j = Case::new(&p).judge(&settings);
    // Only PSS-PRIVILEGED is critical.
    assert_eq!(rules(&j, Enforcement::Deny), ["PSS-PRIVILEGED"]);
}
