//! Mutation against the upstream Pod Security Admission fixtures of the newest version: every
//! `restricted` `fail` pod whose problem is a missing field the defaults set passes restricted
//! once mutated; every other `fail` pod (an explicit `true`, an added capability, `runAsUser: 0`…)
//! is still denied by the rule of its check; every `pass` pod still passes.

use crate::mutation::{evaluate, mutate};
use crate::psa_conformance::{check_of, rule_for, yaml_files};
use serde_json::Value;
use std::collections::BTreeMap;

/// Every container of a pod, with its securityContext (`Null` when absent).
fn containers(pod: &Value) -> Vec<&Value> {
    ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .flat_map(|field| pod["spec"][field].as_array().into_iter().flatten())
        .map(|c| &c["securityContext"])
        .collect()
}

/// Whether the restricted defaults can fix a fixture pod that fails `check`, judged from the
/// fixture itself: the failing field is missing, not set to a bad value.
fn fixable(check: &str, pod: &Value) -> bool {
    let pod_sc = &pod["spec"]["securityContext"];
    let scs = containers(pod);
    let bad_profile = |sc: &Value| {
        let t = &sc["seccompProfile"]["type"];
        !sc["seccompProfile"].is_null() && t != "RuntimeDefault" && t != "Localhost"
    };
    match check {
        "allowprivilegeescalation" => scs
            .iter()
            .all(|sc| sc["allowPrivilegeEscalation"] != true && sc["privileged"] != true),
        "seccompprofile_restricted" => {
            !bad_profile(pod_sc) && !scs.iter().any(|sc| bad_profile(sc))
        }
        "capabilities_restricted" => scs.iter().all(|sc| {
            let added = sc["capabilities"]["add"].as_array().into_iter().flatten();
            added.into_iter().all(|c| c == "NET_BIND_SERVICE")
        }),
        "runasnonroot" => {
            pod_sc["runAsNonRoot"] != false
                && scs.iter().all(|sc| {
                    let user = sc["runAsUser"].as_u64().or(pod_sc["runAsUser"].as_u64());
                    sc["runAsNonRoot"] != false && user.is_some_and(|u| u > 0)
                })
        }
        _ => false,
    }
}

fn pss_rules(decision: &palisade_policies::Decision) -> Vec<String> {
    decision
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("PSS-"))
        .map(|f| f.rule.clone())
        .collect()
}

#[test]
fn restricted_fixtures_of_the_newest_version_after_mutation() {
    let Some(root) = palisade_policies::fixtures::dir("pod-security-admission") else {
        return;
    };
    let minor = palisade_policies::LATEST_PSS_VERSION;
    let dir = root.join(format!("restricted/v1.{minor}"));
    let engine = crate::mutation::engine();
    // check → (fixed, still failing)
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut problems = Vec::new();
    for verdict in ["fail", "pass"] {
        for file in yaml_files(&dir.join(verdict)) {
            let name = format!("{verdict}/{}", file.display());
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
            let pod: Value =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let check = check_of(&file);
            let m = mutate(&engine, &pod);
            let after = pss_rules(&evaluate(&engine, &m.object));
            if verdict == "pass" {
                if !after.is_empty() {
                    problems.push(format!("{name}: denied after mutation by {after:?}"));
                }
                continue;
            }
            let entry = tally.entry(check.clone()).or_default();
            if fixable(&check, &pod) {
                entry.0 += 1;
                if !after.is_empty() {
                    problems.push(format!("{name}: fixable, still denied by {after:?}"));
                }
            } else {
                entry.1 += 1;
                let (rule, _) = rule_for(&check).unwrap_or_else(|| panic!("{check}"));
                if !after.iter().any(|r| r == rule) {
                    problems.push(format!("{name}: no longer denied by {rule}: {:?}", m.patch));
                }
            }
        }
    }
    let fixed: usize = tally.values().map(|t| t.0).sum();
    let kept: usize = tally.values().map(|t| t.1).sum();
    println!("restricted v1.{minor} fail fixtures: {fixed} fixed by mutation, {kept} still denied");
    for (check, (f, k)) in &tally {
        if *f > 0 {
            println!("  {check:<28} {f} fixed, {k} still denied");
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    for check in [
        "allowprivilegeescalation",
        "seccompprofile_restricted",
        "capabilities_restricted",
    ] {
        assert!(
            tally.get(check).is_some_and(|t| t.0 > 0 && t.1 > 0),
            "{check}: expected fixed and still-denied fixtures, got {:?}",
            tally.get(check)
        );
    }
}
