//! The upstream Pod Security Admission fixtures through the verdict (run by `psa_conformance`).
//! One problem, one finding changes the findings list, never the verdict: every fixture is denied
//! by its judged findings exactly when it is by the engine's own, a `fail` pod's check still names
//! its problem (as the rule of a judged finding or in its `also`), and no broader rule of
//! [`OVERLAPS`] reports a field its more specific rule reports.

use palisade_policies::{
    Action, Decision, Judgement, OVERLAPS, Operation, Settings, Subject, UserInfo, Verdict,
};
use serde_json::Value;

/// The judged findings of one fixture pod (no suppression, no exemption, default settings).
pub(crate) fn judge(verdict: &Verdict, pod: &Value, decision: &Decision) -> Judgement {
    let text = |p: &str| pod.pointer(p).and_then(Value::as_str).unwrap_or("");
    let user = UserInfo::default();
    let subject = Subject {
        kind: text("/kind"),
        name: text("/metadata/name"),
        namespace: text("/metadata/namespace"),
        namespace_labels: None,
        user: &user,
        operation: Operation::Create,
        suppression: None,
    };
    verdict.judge(&subject, decision.findings.clone(), None)
}

/// What is wrong with the judgement of the fixture `verdict/check`, if anything.
pub(crate) fn problem(
    judgement: &Judgement,
    decision: &Decision,
    verdict: &str,
    rule: Option<&str>,
) -> Option<String> {
    let fail_on = Settings::default().fail_on;
    let denied = decision
        .findings
        .iter()
        .any(|f| f.action == Action::Deny && f.severity >= fail_on);
    if judgement.denied() != denied {
        return Some(format!(
            "the verdict changed: denied {denied} by the engine's findings, {} once judged",
            judgement.denied()
        ));
    }
    for (specific, broader) in OVERLAPS {
        let at = |rule: &str| -> Vec<Option<&str>> {
            let of_rule = judgement.findings.iter().filter(|j| j.finding.rule == rule);
            of_rule.map(|j| j.finding.path.as_deref()).collect()
        };
        let twice: Vec<_> = at(broader)
            .into_iter()
            .filter(|p| p.is_some() && at(specific).contains(p))
            .collect();
        if !twice.is_empty() {
            return Some(format!("{specific} and {broader} both report {twice:?}"));
        }
    }
    let rule = rule.filter(|_| verdict == "fail")?;
    let named = judgement
        .findings
        .iter()
        .any(|j| j.finding.rule == rule || j.also.iter().any(|a| a == rule));
    (!named).then(|| format!("no judged finding names {rule}"))
}

/// How many judged findings stand for another rule's finding too.
pub(crate) fn folded(judgement: &Judgement) -> usize {
    judgement.findings.iter().map(|j| j.also.len()).sum()
}
