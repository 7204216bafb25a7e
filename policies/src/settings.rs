//! What configuration says about verdicts, validated: which rules run, their top severities, the
//! severity at which a `deny` finding blocks, exemptions and per-namespace enforcement. Both doors
//! read these from the same `.palisade.yaml`; [`crate::Verdict`] applies them.

use crate::{Operation, Severity, Suppression, UserInfo};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a finding does once judged; also what configuration asks of a rule in a namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    /// Blocks: lint exits 1, admission answers `allowed: false`.
    Deny,
    /// Reported (a lint finding, an admission warning) but never blocks.
    Warn,
    /// Recorded only (lint reports it, the webhook logs and counts it; the user sees nothing).
    Dryrun,
}

impl Enforcement {
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::Deny => "deny",
            Enforcement::Warn => "warn",
            Enforcement::Dryrun => "dryrun",
        }
    }
}

impl std::str::FromStr for Enforcement {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "deny" => Ok(Enforcement::Deny),
            "warn" => Ok(Enforcement::Warn),
            "dryrun" => Ok(Enforcement::Dryrun),
            other => Err(format!(
                "unknown enforcement `{other}` (expected deny, warn or dryrun)"
            )),
        }
    }
}

/// Namespace labels by namespace name (from the inventory's Namespace objects).
pub type NamespaceLabels = BTreeMap<String, BTreeMap<String, String>>;

/// Which objects and requests a configured entry covers. Every criterion given must match; an
/// empty criterion matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Rule ids; empty = every rule.
    pub rules: Vec<String>,
    pub namespaces: Vec<String>,
    /// Labels the object's Namespace must carry (all of them).
    pub namespace_labels: BTreeMap<String, String>,
    pub kinds: Vec<String>,
    pub names: Vec<String>,
    /// Requesting users (`username`).
    pub users: Vec<String>,
    /// Groups, any of which the requesting user is in.
    pub groups: Vec<String>,
    /// Service accounts as `namespace/name` (the user `system:serviceaccount:namespace:name`).
    pub service_accounts: Vec<String>,
}

/// The object under review and the request: what configuration selects on, and what else the
/// verdict reads.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    /// Empty for cluster-scoped objects.
    pub namespace: &'a str,
    /// Labels of the object's namespace, when the inventory knows it.
    pub namespace_labels: Option<&'a BTreeMap<String, String>>,
    pub user: &'a UserInfo,
    /// The request's operation (a manifest in CI is a CREATE).
    pub operation: Operation,
    /// The object's ignore annotation, if it has one.
    pub suppression: Option<&'a Suppression>,
}

impl Scope {
    /// True when the scope covers `rule` for this subject.
    pub fn covers(&self, rule: &str, s: &Subject) -> bool {
        let any = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        any(&self.rules, rule)
            && any(&self.kinds, s.kind)
            && any(&self.names, s.name)
            && any(&self.namespaces, s.namespace)
            && (self.namespace_labels.is_empty()
                || s.namespace_labels.is_some_and(|labels| {
                    self.namespace_labels
                        .iter()
                        .all(|(k, v)| labels.get(k) == Some(v))
                }))
            && any(&self.users, &s.user.username)
            && (self.groups.is_empty() || s.user.groups.iter().any(|g| self.groups.contains(g)))
            && (self.service_accounts.is_empty()
                || service_account(&s.user.username)
                    .is_some_and(|sa| self.service_accounts.contains(&sa)))
    }
}

/// `namespace/name` of a service-account username (`system:serviceaccount:namespace:name`).
fn service_account(username: &str) -> Option<String> {
    let rest = username.strip_prefix("system:serviceaccount:")?;
    let (ns, name) = rest.split_once(':')?;
    Some(format!("{ns}/{name}"))
}

/// Objects (or requesters) exempt from some or all rules, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exemption {
    pub scope: Scope,
    pub reason: String,
}

/// An enforcement other than `deny` for some rules or namespaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnforcementOverride {
    pub action: Enforcement,
    pub scope: Scope,
}

/// The validated verdict settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// A `deny` finding at or above this severity blocks (default `medium`).
    pub fail_on: Severity,
    /// When set, only these rules run.
    pub enable: Option<BTreeSet<String>>,
    pub disable: BTreeSet<String>,
    /// Rules an ignore annotation cannot silence. At admission an annotation is a self-exemption
    /// by whoever writes the object; these rules hold regardless (in both doors).
    pub unsuppressible: BTreeSet<String>,
    /// Top severity per rule: findings at the rule's own top severity take it; findings the rule
    /// graded lower keep theirs unless it is lower still.
    pub severity: BTreeMap<String, Severity>,
    pub exemptions: Vec<Exemption>,
    /// First match wins; no match means `deny`.
    pub enforcement: Vec<EnforcementOverride>,
}

/// The default `fail-on` of both doors.
pub const DEFAULT_FAIL_ON: Severity = Severity::Medium;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            fail_on: DEFAULT_FAIL_ON,
            enable: None,
            disable: BTreeSet::new(),
            unsuppressible: BTreeSet::new(),
            severity: BTreeMap::new(),
            exemptions: Vec::new(),
            enforcement: Vec::new(),
        }
    }
}

impl Settings {
    /// True when `rule` runs at all.
    pub fn rule_enabled(&self, rule: &str) -> bool {
        self.enable.as_ref().is_none_or(|e| e.contains(rule)) && !self.disable.contains(rule)
    }

    /// The exemption that covers `rule` for this subject, if any.
    pub fn exemption(&self, rule: &str, subject: &Subject) -> Option<&Exemption> {
        self.exemptions
            .iter()
            .find(|e| e.scope.covers(rule, subject))
    }

    /// What configuration asks of `rule` for this subject.
    pub fn enforcement(&self, rule: &str, subject: &Subject) -> Enforcement {
        self.enforcement
            .iter()
            .find(|o| o.scope.covers(rule, subject))
            .map_or(Enforcement::Deny, |o| o.action)
    }

    /// A finding's severity after the configured override: `top` is the rule's own top severity.
    pub fn severity(&self, rule: &str, graded: Severity, top: Severity) -> Severity {
        match self.severity.get(rule) {
            None => graded,
            Some(&set) if graded >= top => set,
            Some(&set) => graded.min(set),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, groups: &[&str]) -> UserInfo {
        UserInfo {
            username: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    fn subject<'a>(ns: &'a str, user: &'a UserInfo) -> Subject<'a> {
        Subject {
            kind: "Pod",
            name: "p",
            namespace: ns,
            namespace_labels: None,
            user,
            operation: Operation::Create,
            suppression: None,
        }
    }

    #[test]
    fn an_override_never_raises_a_graded_finding() {
        let mut s = Settings::default();
        s.severity
            .insert("RBAC-SECRETS-READ".into(), Severity::Medium);
        let r = "RBAC-SECRETS-READ";
        // The rule's top severity is high: its top findings take the override...
        assert_eq!(
            s.severity(r, Severity::High, Severity::High),
            Severity::Medium
        );
        // ...a narrowed finding graded low stays low.
        assert_eq!(s.severity(r, Severity::Low, Severity::High), Severity::Low);
        // A stricter override raises top findings only.
        s.severity.insert(r.into(), Severity::Critical);
        assert_eq!(
            s.severity(r, Severity::High, Severity::High),
            Severity::Critical
        );
        assert_eq!(s.severity(r, Severity::Low, Severity::High), Severity::Low);
        assert_eq!(
            s.severity("OTHER", Severity::Low, Severity::High),
            Severity::Low
        );
    }

    #[test]
    fn scopes_match_users_groups_and_service_accounts() {
        let sa = user(
            "system:serviceaccount:ci:deployer",
            &["system:serviceaccounts"],
        );
        let alice = user("alice", &["admins"]);
        let by_sa = Scope {
            service_accounts: vec!["ci/deployer".into()],
            ..Default::default()
        };
        assert!(by_sa.covers("X", &subject("", &sa)));
        assert!(!by_sa.covers("X", &subject("", &alice)));
        let by_group = Scope {
            groups: vec!["admins".into()],
            rules: vec!["X".into()],
            ..Default::default()
        };
        assert!(by_group.covers("X", &subject("", &alice)));
        assert!(!by_group.covers("Y", &subject("", &alice)));
        assert!(!by_group.covers("X", &subject("", &sa)));
    }

    #[test]
    fn namespace_labels_must_be_known_to_match() {
        let u = UserInfo::default();
        let scope = Scope {
            namespace_labels: [("team".to_string(), "a".to_string())].into(),
            ..Default::default()
        };
        assert!(!scope.covers("X", &subject("shop", &u)));
        let labels: BTreeMap<String, String> = [("team".to_string(), "a".to_string())].into();
        let mut s = subject("shop", &u);
        s.namespace_labels = Some(&labels);
        assert!(scope.covers("X", &s));
    }

    #[test]
    fn first_enforcement_override_wins() {
        let u = UserInfo::default();
        let s = Settings {
            enforcement: vec![
                EnforcementOverride {
                    action: Enforcement::Dryrun,
                    scope: Scope {
                        rules: vec!["A".into()],
                        ..Default::default()
                    },
                },
                EnforcementOverride {
                    action: Enforcement::Warn,
                    scope: Scope {
                        namespaces: vec!["legacy".into()],
                        ..Default::default()
                    },
                },
            ],
            ..Default::default()
        };
        assert_eq!(
            s.enforcement("A", &subject("legacy", &u)),
            Enforcement::Dryrun
        );
        assert_eq!(
            s.enforcement("B", &subject("legacy", &u)),
            Enforcement::Warn
        );
        assert_eq!(s.enforcement("B", &subject("shop", &u)), Enforcement::Deny);
    }
}
