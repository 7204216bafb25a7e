//! Facts: library rules that depend on `data.inventory` alone, computed once per inventory
//! instead of once per object. A rule that checks a subject against the holders of cluster-admin
//! would otherwise walk every ClusterRoleBinding for every object — quadratic in a large corpus.
//!
//! The engine evaluates each fact's rule once when an [`Inventory`] is built with
//! [`Engine::inventory`] and serves the value as `data.palisade_facts["<package>.<rule>"]`. The
//! Rego side reads that entry first and computes the rule itself when it is missing (Rego tests,
//! an inventory built with [`Inventory::new`]), so both give the same results.

use crate::{Engine, EvalError, Inventory};
use serde_json::Value as Json;

/// `data` key under which facts are served.
pub const FACTS_KEY: &str = "palisade_facts";

/// (package, rule) of every fact of the built-in library.
pub(crate) const BUILTIN_FACTS: [(&str, &str); 2] = [
    ("palisade.lib.rbac_admin_subjects", "computed"),
    ("palisade.lib.rbac_scope", "computed"),
];

/// One fact of a compiled engine.
#[derive(Debug, Clone)]
pub(crate) struct Fact {
    /// `<package>.<rule>`: the key under `data.palisade_facts`.
    pub key: String,
    /// `data.<package>.<rule>`.
    pub path: String,
    /// Index in the RVM program, when the RVM runs it.
    pub rvm_index: Option<usize>,
}

impl Fact {
    pub fn new(package: &str, rule: &str) -> Fact {
        Fact {
            key: format!("{package}.{rule}"),
            path: format!("data.{package}.{rule}"),
            rvm_index: None,
        }
    }
}

impl Engine {
    /// `data.inventory` for this engine's rules, with its facts computed once. Should a fact fail
    /// to evaluate, the inventory is returned without facts: rules then compute them on their
    /// own, with the same results, and report the error on the objects that need them.
    pub fn inventory(&self, inventory: Json) -> Inventory {
        let plain = Inventory::new(inventory);
        if self.inner.facts.is_empty() {
            return plain;
        }
        match self.compute_facts(&plain) {
            Ok(facts) => plain.with_facts(facts),
            Err(_) => plain,
        }
    }

    fn compute_facts(&self, plain: &Inventory) -> Result<regorus::Value, EvalError> {
        let mut ev = self.evaluator();
        ev.set_inventory(plain);
        let mut facts = regorus::Value::new_object();
        for fact in &self.inner.facts {
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
