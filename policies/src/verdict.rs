//! The verdict: one function, both doors. Given the findings the engine returned for an object,
//! it decides which apply (enabled rules, suppressions, exemptions), at what severity (a configured
//! override sets a rule's top severity and never raises a finding the rule graded lower) and what
//! each does: a `deny` finding at or above `fail-on` in a namespace whose enforcement is `deny`
//! blocks; every other finding warns (or is recorded only, under `dryrun`).
//!
//! Admission adds two rules. DELETE is never blocked by built-in rules (deleting a bad object
//! must always work). On UPDATE a finding the old object already had (same rule, same message)
//! is a warning, not a denial: only what the update introduces blocks.

use crate::settings::{Enforcement, Settings, Subject};
use crate::{Action, Engine, Finding, IGNORE_ANNOTATION, IGNORE_POINTER, Operation, Severity};
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
        let mut out = Vec::with_capacity(findings.len());
        for (index, mut finding) in findings.into_iter().enumerate() {
            let rule = finding.rule.as_str();
            let info = self.rules.get(rule).copied();
            if !self.settings.rule_enabled(rule)
                || (subject.suppression.is_some_and(|s| s.covers(rule))
                    && !self.settings.unsuppressible.contains(rule))
                || self.settings.exemption(rule, subject).is_some()
                || (subject.operation == Operation::Delete && info.is_some_and(|i| i.builtin))
            {
                continue;
            }
            let top = info.map_or(finding.severity, |i| i.top);
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
            out.push(Judged {
                finding,
                outcome,
                preexisting,
                source: Some(index),
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
                },
                outcome: Enforcement::Warn,
                preexisting: false,
                source: None,
            });
        }
        Judgement { findings: out }
    }
}
