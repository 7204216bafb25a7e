//! One problem, one finding. Where two rules flag the same field for the same reason — a hostPath
//! volume fails PSS-HOST-PATH-VOLUMES and PSS-VOLUME-TYPES, an added capability beyond the
//! default set fails PSS-CAPABILITIES-BASELINE and PSS-CAPABILITIES-RESTRICTED — the verdict
//! reports it once, under the more specific rule, saying it also fails the other
//! ([`crate::Verdict::judge`] decides what the pair does).

use crate::Finding;
use std::collections::HashMap;

/// (more specific rule, broader rule): a finding of the broader rule at the very field where the
/// specific rule reports is the same problem. The specific rule's check implies the broader one's
/// (every hostPath volume is a restricted volume type; every capability beyond the default set is
/// more than NET_BIND_SERVICE), so the specific rule's finding stands for both.
pub const OVERLAPS: [(&str, &str); 2] = [
    ("PSS-HOST-PATH-VOLUMES", "PSS-VOLUME-TYPES"),
    ("PSS-CAPABILITIES-BASELINE", "PSS-CAPABILITIES-RESTRICTED"),
];

/// The findings for which `active` holds, grouped by problem: each group is the index of the
/// finding that reports it, then the indices of the findings it stands for. Groups keep the order
/// of the findings that report them.
pub(crate) fn groups(findings: &[Finding], active: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
    let specific = |f: &Finding| OVERLAPS.iter().any(|(s, _)| *s == f.rule);
    let mut reporter: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if let Some(path) = f.path.as_deref()
            && specific(f)
            && active(i)
        {
            reporter.entry((f.rule.as_str(), path)).or_insert(i);
        }
    }
    let stands_for = |i: usize, f: &Finding| -> Option<usize> {
        let path = f.path.as_deref()?;
        OVERLAPS
            .iter()
            .filter(|(_, broader)| *broader == f.rule)
            .find_map(|(s, _)| reporter.get(&(*s, path)).copied())
            .filter(|&host| host != i)
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    let mut absorbed: Vec<(usize, usize)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if !active(i) {
            continue;
        }
        match stands_for(i, f) {
            Some(host) => absorbed.push((host, i)),
            None => {
                group_of.insert(i, groups.len());
                groups.push(vec![i]);
            }
        }
    }
    for (host, i) in absorbed {
        if let Some(&g) = group_of.get(&host) {
            groups[g].push(i);
        }
    }
    groups
}

/// What the reporting finding's message gains for a finding it stands for:
/// ` — also fails PSS-VOLUME-TYPES (restricted volume types)`, the other finding's message up to
/// its details.
pub(crate) fn also_fails(other: &Finding) -> String {
    let head = other
        .message
        .split_once(" (")
        .map_or(other.message.as_str(), |(head, _)| head);
    format!(" — also fails {} ({head})", other.rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, Severity};

    fn finding(rule: &str, path: &str, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::High,
            action: Action::Deny,
            message: message.into(),
            path: (!path.is_empty()).then(|| path.into()),
            remediation: None,
        }
    }

    #[test]
    fn the_broader_finding_at_the_same_field_joins_the_specific_one() {
        let add = "/spec/containers/0/securityContext/capabilities/add/0";
        let drop = "/spec/containers/0/securityContext";
        let findings = [
            finding(
                "PSS-CAPABILITIES-BASELINE",
                add,
                "non-default capabilities (x)",
            ),
            finding(
                "PSS-CAPABILITIES-RESTRICTED",
                drop,
                "unrestricted capabilities (d)",
            ),
            finding(
                "PSS-CAPABILITIES-RESTRICTED",
                add,
                "unrestricted capabilities (a)",
            ),
            finding(
                "PSS-VOLUME-TYPES",
                "/spec/volumes/0/nfs",
                "restricted volume types (n)",
            ),
        ];
        assert_eq!(groups(&findings, |_| true), [vec![0, 2], vec![1], vec![3]]);
    }

    #[test]
    fn an_inactive_specific_finding_stands_for_nothing() {
        let path = "/spec/volumes/1/hostPath";
        let findings = [
            finding("PSS-VOLUME-TYPES", path, "restricted volume types (v)"),
            finding("PSS-HOST-PATH-VOLUMES", path, "hostPath volumes (v)"),
        ];
        assert_eq!(groups(&findings, |_| true), [vec![1, 0]]);
        assert_eq!(groups(&findings, |i| i == 0), [vec![0]]);
        assert_eq!(groups(&findings, |i| i == 1), [vec![1]]);
    }

    #[test]
    fn findings_without_a_path_or_of_other_rules_stay_alone() {
        let findings = [
            finding("PSS-HOST-PATH-VOLUMES", "", "hostPath volumes"),
            finding("PSS-VOLUME-TYPES", "", "restricted volume types"),
            finding("PSS-PRIVILEGED", "/spec/volumes/0/hostPath", "privileged"),
            finding("PSS-VOLUME-TYPES", "/spec/volumes/0/hostPath", "restricted"),
        ];
        assert_eq!(
            groups(&findings, |_| true),
            [vec![0], vec![1], vec![2], vec![3]]
        );
    }

    #[test]
    fn also_fails_names_the_rule_and_the_reason() {
        let other = finding(
            "PSS-VOLUME-TYPES",
            "/p",
            "restricted volume types (volume \"h\")",
        );
        assert_eq!(
            also_fails(&other),
            " — also fails PSS-VOLUME-TYPES (restricted volume types)"
        );
        let plain = finding("ACME", "/p", "no details");
        assert_eq!(also_fails(&plain), " — also fails ACME (no details)");
    }

    #[test]
    fn no_rule_is_both_specific_and_broader() {
        for (s, _) in OVERLAPS {
            assert!(OVERLAPS.iter().all(|(_, b)| *b != s), "{s}");
        }
    }
}
