//! Facts: library rules that depend on `data.inventory` alone, computed once per inventory
//! instead of once per object. A rule that checks a subject against the holders of cluster-admin
//! would otherwise walk every ClusterRoleBinding for every object — quadratic in a large corpus.
//!
//! The engine evaluates each fact's rule once when an [`Inventory`] is built with
//! [`Engine::inventory`] and serves the value as `data.palisade_facts["<package>.<rule>"]`. The
//! Rego side reads that entry first and computes the rule itself when it is missing (Rego tests,
//! an inventory built with [`Inventory::new`]), so both give the same results.
//!
//! Which rules are facts, and the key they are served under, are in `policy`; the role powers
//! of the workload identity join are computed in Rust (`role_powers`).

use crate::policy::{AGGREGATE_UNIONS, GROUPED_FACTS, GroupedFact};
use crate::role_powers::ROLE_POWERS_KEY;
use crate::{Engine, EvalError, Inventory};
use serde_json::Value as Json;

impl Engine {
    /// `data.inventory` for this engine's rules, with its facts computed once. Should a fact fail
    /// to evaluate, the inventory is returned without facts: rules then compute them on their
    /// own, with the same results, and report the error on the objects that need them.
    ///
    /// Facts are computed in two rounds: the first ones; then, when the engine has the workload
    /// identity join, the role powers (see `role_powers`, which judges roles with rules that read
    /// the first facts) and the facts that read them.
    pub fn inventory(&self, inventory: Json) -> Inventory {
        let late = self.inner.facts.iter().any(|f| f.late);
        let raw = late.then(|| inventory.clone());
        let plain = Inventory::new(inventory);
        if self.inner.facts.is_empty() {
            return plain;
        }
        let mut facts = match self.compute_facts(&plain, false, regorus::Value::new_object()) {
            Ok(facts) => group(facts),
            Err(_) => return plain,
        };
        if let Some(raw) = raw {
            let first = plain.clone().with_facts(facts.clone());
            let unions = facts
                .as_object()
                .ok()
                .and_then(|m| m.get(&regorus::Value::from(AGGREGATE_UNIONS)))
                .and_then(|v| serde_json::to_value(v).ok())
                .unwrap_or(Json::Null);
            let powers = self.role_powers(&raw, &first, &unions);
            if let Ok(map) = facts.as_object_mut() {
                map.insert(
                    regorus::Value::from(ROLE_POWERS_KEY),
                    regorus::Value::from(powers),
                );
            }
            let served = plain.clone().with_facts(facts.clone());
            match self.compute_facts(&served, true, facts) {
                Ok(all) => facts = group(all),
                Err(_) => return plain,
            }
        }
        plain.with_facts(facts)
    }

    /// Evaluates the facts of one round (`late` or not) against `plain` and adds them to `facts`.
    fn compute_facts(
        &self,
        plain: &Inventory,
        late: bool,
        mut facts: regorus::Value,
    ) -> Result<regorus::Value, EvalError> {
        let mut ev = self.evaluator();
        ev.set_inventory(plain);
        for fact in self.inner.facts.iter().filter(|f| f.late == late) {
            let value = ev.fact(fact)?;
            if value != regorus::Value::Undefined {
                facts
                    .as_object_mut()
                    .map_err(|e| EvalError::Rego {
                        rule: fact.key.clone(),
                        detail: e.to_string(),
                    })?
                    .insert(regorus::Value::from(fact.key.as_str()), value);
            }
        }
        Ok(facts)
    }
}

/// Replaces every fact of [`GROUPED_FACTS`] present (a set) by its elements grouped.
fn group(mut facts: regorus::Value) -> regorus::Value {
    let Ok(map) = facts.as_object_mut() else {
        return facts;
    };
    for GroupedFact {
        raw,
        served,
        group,
        keep,
    } in GROUPED_FACTS
    {
        let Some(set) = map.remove(&regorus::Value::from(raw)) else {
            continue;
        };
        let mut by_group: std::collections::BTreeMap<regorus::Value, Vec<regorus::Value>> =
            std::collections::BTreeMap::new();
        if let Ok(set) = set.as_set() {
            for element in set.iter() {
                let kept = keep.map_or_else(|| element.clone(), |k| k.of(element));
                by_group.entry(group.of(element)).or_default().push(kept);
            }
        }
        let mut out = regorus::Value::new_object();
        if let Ok(obj) = out.as_object_mut() {
            for (key, list) in by_group {
                obj.insert(key, regorus::Value::from(list));
            }
        }
        map.insert(regorus::Value::from(served), out);
    }
    facts
}
