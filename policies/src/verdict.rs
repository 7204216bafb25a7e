//! The verdict: one function, both doors. Given the findings the engine returned for an object,
//! it decides which apply (enabled rules, suppressions, exemptions), at what severity (a configured
//! override sets a rule's top severity and never raises a finding the rule graded lower) and what
//! each does: a `deny` finding at or above `fail-on` in a namespace whose enforcement is `deny`
//! blocks; every other finding warns (or is recorded only, under `dryrun`). Two rules' findings
//! about one problem are reported as one ([`crate::overlap`]).
//!
//! Admission adds two rules. DELETE is never blocked by built-in rules (deleting a bad object
//! must always work). On UPDATE a finding the old object already had (same rule, same message)
//! is a warning, not a denial: only what the update introduces blocks.

use crate::settings::{Enforcement, Settings, Subject};
use crate::{
    Action, Engine, Finding, IGNORE_ANNOTATION, IGNORE_POINTER, Operation, Severity, overlap,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Rule id of findings about `palisade.dev/ignore` annotations that are not honoured.
pub const SUPPRESSION_RULE: &str = "PALISADE-SUPPRESSION";

/// One finding, judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judged {
    /// The finding, with its severity after configuration.
    #[serde(flatten)]
    pub finding: Finding,
    pub outcome: Enforcement,
    /// Set when an UPDATE denial became a warning because the old object had the same finding.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub preexisting: bool,
    /// The other rules this one finding also stands for (one problem, one finding): their
    /// findings about the same field are folded into it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// Index of the finding in the list given to [`Verdict::judge`]; `None` for a finding the
    /// verdict adds itself (an ignore annotation that is not honoured).
    #[serde(skip)]
    pub source: Option<usize>,
}

/// The judged findings of one object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Judgement {
    pub findings: Vec<Judged>,
}

impl Judgement {
    /// True when any finding blocks.
    pub fn denied(&self) -> bool {
        self.findings.iter().any(|j| j.outcome == Enforcement::Deny)
    }

    /// The findings with an outcome.
    pub fn with(&self, outcome: Enforcement) -> impl Iterator<Item = &Judged> {
        self.findings.iter().filter(move |j| j.outcome == outcome)
    }
}

/// What is needed of one rule of the catalogue to judge its findings.
#[derive(Debug, Clone, Copy)]
struct RuleInfo {
    top: Severity,
    builtin: bool,
}

/// Settings plus what the verdict needs of the engine's catalogue. Build once per policy set.
#[derive(Debug, Clone)]
pub struct Verdict {
    settings: Settings,
    rules: BTreeMap<String, RuleInfo>,
}

impl Verdict {
    pub fn new(settings: Settings, engine: &Engine) -> Self {
        let rules = engine
            .rules()
            .map(|r| {
                let info = RuleInfo {
                    top: r.severity,
                    builtin: r.builtin,
                };
                (r.id.clone(), info)
            })
            .collect();
        Verdict { settings, rules }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Judges the findings of one object; `before` are the findings of the old object of an
    /// UPDATE. The result keeps the order of `findings`, with the suppression note last.
    ///
    /// Findings of two rules about one problem ([`crate::overlap`]) become one, under the more
    /// specific rule, naming the other in its message and in `also`: it is dropped when either
    /// rule is suppressed (unless either is unsuppressible) or exempted, and it is as severe and
    /// does what the worse of the two would have done. A disabled rule takes no part.
    pub fn judge(
        &self,
        subject: &Subject,
        findings: Vec<Finding>,
        before: Option<&[Finding]>,
    ) -> Judgement {
        let earlier: HashSet<(&str, &str)> = before
            .unwrap_or_default()
            .iter()
            .map(|f| (f.rule.as_str(), f.message.as_str()))
            .collect();
        let groups = overlap::groups(&findings, |i| self.takes_part(&findings[i], subject));
        let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
        let mut out = Vec::with_capacity(slots.len());
        for group in groups {
            let rules = group
                .iter()
                .filter_map(|&i| slots[i].as_ref().map(|f| f.rule.as_str()));
            if self.silenced(rules, subject) {
                continue;
            }
            let mut members = group.iter().filter_map(|&i| slots[i].take());
            let Some(mut finding) = members.next() else {
                continue;
            };
            let (mut outcome, mut preexisting) = self.grade(&mut finding, subject, &earlier);
            let mut also = Vec::new();
            for mut other in members {
                let (o, p) = self.grade(&mut other, subject, &earlier);
                finding.message.push_str(&overlap::also_fails(&other));
                finding.severity = finding.severity.max(other.severity);
                if other.action == Action::Deny {
                    finding.action = Action::Deny;
                }
                outcome = stronger(outcome, o);
                preexisting |= p;
                also.push(other.rule);
            }
            out.push(Judged {
                finding,
                outcome,
                preexisting: preexisting && outcome != Enforcement::Deny,
                also,
                source: Some(group[0]),
            });
        }
        let overreach: Vec<&str> = subject
            .suppression
            .filter(|s| s.problem.is_none())
            .map(|s| {
                s.rules
                    .iter()
                    .filter(|r| self.settings.unsuppressible.contains(*r))
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default();
        let problem = subject
            .suppression
            .and_then(|s| s.problem.clone())
            .or_else(|| {
                (!overreach.is_empty()).then(|| {
                    format!(
                        "{IGNORE_ANNOTATION} cannot silence {} (configured as unsuppressible)",
                        overreach.join(",")
                    )
                })
            });
        if let Some(problem) = problem
            && self.settings.rule_enabled(SUPPRESSION_RULE)
        {
            out.push(Judged {
                finding: Finding {
                    rule: SUPPRESSION_RULE.into(),
                    severity: Severity::Low,
                    action: Action::Warn,
                    message: problem,
                    path: Some(IGNORE_POINTER.into()),
                    remediation: None,
                },
                outcome: Enforcement::Warn,
                preexisting: false,
                also: Vec::new(),
                source: None,
            });
        }
        Judgement { findings: out }
    }

    /// Whether a finding is judged at all: its rule is enabled, and a DELETE is never judged by
    /// built-in rules.
    fn takes_part(&self, finding: &Finding, subject: &Subject) -> bool {
        let builtin = self.rules.get(&finding.rule).is_some_and(|i| i.builtin);
        self.settings.rule_enabled(&finding.rule)
            && !(subject.operation == Operation::Delete && builtin)
    }

    /// Whether the findings of `rules` (one problem) are silenced: a valid ignore annotation names
    /// one of them and none is unsuppressible, or an exemption covers one of them.
    fn silenced<'r>(
        &self,
        rules: impl Iterator<Item = &'r str> + Clone,
        subject: &Subject,
    ) -> bool {
        let unsuppressible = |r: &str| self.settings.unsuppressible.contains(r);
        let suppressed = subject.suppression.is_some_and(|s| {
            rules.clone().any(|r| s.covers(r)) && !rules.clone().any(unsuppressible)
        });
        suppressed
            || rules
                .into_iter()
                .any(|r| self.settings.exemption(r, subject).is_some())
    }

    /// Sets the finding's configured severity; returns its outcome and whether an UPDATE denial
    /// became a warning because the old object had the same finding.
    fn grade(
        &self,
        finding: &mut Finding,
        subject: &Subject,
        earlier: &HashSet<(&str, &str)>,
    ) -> (Enforcement, bool) {
        let rule = finding.rule.as_str();
        let top = self.rules.get(rule).map_or(finding.severity, |i| i.top);
        finding.severity = self.settings.severity(rule, finding.severity, top);
        let enforcement = self.settings.enforcement(rule, subject);
        let would_deny = finding.action == Action::Deny
            && finding.severity >= self.settings.fail_on
            && enforcement == Enforcement::Deny;
        let preexisting = would_deny && earlier.contains(&(rule, finding.message.as_str()));
        let outcome = match enforcement {
            Enforcement::Dryrun => Enforcement::Dryrun,
            _ if would_deny && !preexisting => Enforcement::Deny,
            _ => Enforcement::Warn,
        };
        (outcome, preexisting)
    }
}

/// The outcome that does more: deny over warn over dryrun.
fn stronger(a: Enforcement, b: Enforcement) -> Enforcement {
    let rank = |e| match e {
        Enforcement::Deny => 2,
        Enforcement::Warn => 1,
        Enforcement::Dryrun => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}
