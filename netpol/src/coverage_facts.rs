//! The NETPOL rules' facts for the policy engine: [`NetpolDeriver`] is the [`Deriver`] both doors
//! use. It models the objects it is given as one world (a NetworkPolicy the API server would
//! reject is left out: it would not exist), runs [`rule_findings`] and hands each finding to the
//! object it is about, as `{"NETPOL-…": [{"msg", "path"}]}`. The Rego packages
//! `palisade.netpol.*` report them; see `palisade_policies::Deriver` for the design.

use crate::coverage_rules::{Subject, rule_findings};
use crate::error::Origin;
use crate::policy::Policy;
use crate::world::{WORKLOAD_KINDS, World};
use palisade_policies::Deriver;
use palisade_probe::FlowRecord;
use serde_json::{Map, Value, json};

/// Kinds the NETPOL rules look at besides workloads.
const KINDS: [&str; 4] = ["Pod", "NetworkPolicy", "Namespace", "Service"];

/// Derives the NETPOL rules' facts; `flows` are judged for NETPOL-FLOW-BLOCKED.
#[derive(Debug, Clone, Default)]
pub struct NetpolDeriver {
    flows: Vec<FlowRecord>,
}

impl NetpolDeriver {
    pub fn new(flows: Vec<FlowRecord>) -> Self {
        Self { flows }
    }
}

impl Deriver for NetpolDeriver {
    fn wants(&self, kind: &str) -> bool {
        KINDS.contains(&kind) || WORKLOAD_KINDS.iter().any(|(k, _)| *k == kind)
    }

    fn derive(&self, objects: &[&Value]) -> Vec<Value> {
        let mut facts = vec![Map::new(); objects.len()];
        // The origin's line is the object's index + 1 (0: not from `objects`).
        let origin = |i: usize| Origin::new("", i + 1);
        let modelled = objects.iter().enumerate().filter(|(i, o)| {
            o.get("kind").and_then(Value::as_str) != Some("NetworkPolicy")
                || Policy::parse(o, origin(*i), "default").is_ok()
        });
        let Ok(world) = World::build(modelled.map(|(i, o)| (*o, origin(i))), "default") else {
            return vec![Value::Null; objects.len()];
        };
        for finding in rule_findings(&world, &self.flows) {
            let line = match finding.subject {
                Subject::Pod(i) => world.pods[i].origin.line,
                Subject::Policy(i) => world.policies[i].origin.line,
            };
            let Some(slot) = line.checked_sub(1).and_then(|i| facts.get_mut(i)) else {
                continue;
            };
            let list = slot
                .entry(finding.rule)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(json!({"msg": finding.message, "path": finding.path}));
            }
        }
        facts
            .into_iter()
            .map(|m| {
                if m.is_empty() {
                    Value::Null
                } else {
                    Value::Object(m)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_land_on_their_objects() {
        let ns = json!({"kind": "Namespace", "metadata": {"name": "shop"}});
        let web = json!({"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {}}}});
        let open = json!({"kind": "NetworkPolicy", "metadata": {"name": "open", "namespace": "shop"},
            "spec": {"podSelector": {}, "ingress": [{}]}});
        let broken = json!({"kind": "NetworkPolicy", "metadata": {"name": "bad", "namespace": "shop"},
            "spec": {"podSelector": {}, "ingress": [{"from": [{}]}]}});
        let facts = NetpolDeriver::default().derive(&[&ns, &web, &open, &broken]);
        assert_eq!(facts[0], Value::Null);
        assert!(facts[1].get("NETPOL-MISSING-INGRESS").is_none());
        assert_eq!(
            facts[1]["NETPOL-MISSING-EGRESS"][0]["path"],
            "/spec/template/metadata/labels"
        );
        assert_eq!(facts[2]["NETPOL-ALLOW-ALL"][0]["path"], "/spec/ingress/0");
        // The policy the API server would reject covers nothing and gets no facts.
        assert_eq!(facts[3], Value::Null);
        assert!(
            NetpolDeriver::default().wants("CronJob") && !NetpolDeriver::default().wants("Role")
        );
    }
}
