//! Observation windows: workloads that no flow names or that were seen for less than
//! `--min-window` are reported, and a namespace gets a default-deny policy only when all its
//! workloads were observed long enough (or when forced).

use super::build::{DnsRule, DnsServers, PolicyPlan, duration_text, policy_name, rules};
use super::{Scope, SuggestOptions};
use std::collections::{BTreeMap, BTreeSet};

/// Notes the workloads of the manifests that no flow names.
pub(super) fn unobserved(
    manifest: &[(String, String)],
    windows: &BTreeMap<(String, String), (i64, i64)>,
    notes: &mut Vec<String>,
) {
    for (ns, workload) in manifest {
        if !windows.contains_key(&(ns.clone(), workload.clone())) {
            notes.push(format!(
                "{ns}/{workload}: no flow observed; it gets no policy"
            ));
        }
    }
}

/// The default-deny policy of namespace `ns` (DNS still allowed with `--allow-dns`) when its
/// workloads were all observed for at least the minimum window, or with `force`; else a note.
#[allow(clippy::too_many_arguments)]
pub(super) fn default_deny(
    ns: &str,
    manifest: &[(String, String)],
    windows: &BTreeMap<(String, String), (i64, i64)>,
    min_ms: i64,
    opts: &SuggestOptions,
    dns: Option<&DnsServers>,
    taken: &mut BTreeSet<String>,
    notes: &mut Vec<String>,
) -> Option<PolicyPlan> {
    let mut workloads: BTreeSet<(String, String)> =
        manifest.iter().filter(|(n, _)| n == ns).cloned().collect();
    workloads.extend(windows.keys().filter(|(n, _)| n == ns).cloned());
    let short: Vec<String> = workloads
        .iter()
        .filter(|k| windows.get(*k).is_none_or(|(a, b)| b - a < min_ms))
        .map(|(_, w)| w.clone())
        .collect();
    if !short.is_empty() && !opts.force {
        notes.push(format!(
            "namespace {ns}: no default-deny, as {} observed for less than --min-window {} (--force adds it anyway)",
            short.join(", "),
            duration_text(min_ms)
        ));
        return None;
    }
    let name = policy_name(
        &SuggestOptions {
            scope: Scope::Workload,
            ..opts.clone()
        },
        "default-deny",
        taken,
    );
    Some(PolicyPlan {
        namespace: ns.to_owned(),
        name,
        workload: None,
        about: vec![format!(
            "namespace {ns}: whatever no other policy allows is denied"
        )],
        target: None,
        ingress: Some(Vec::new()),
        egress: Some(rules(
            ns,
            &[],
            |c| &c.dst,
            dns.map(|d| DnsRule::to(d, ns)),
            opts.allow_dns,
        )),
    })
}
