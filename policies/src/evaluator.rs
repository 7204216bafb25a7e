//! Evaluating one input against a compiled policy set. An [`Evaluator`] owns its VM and
//! interpreter clone, so workers never share mutable state or take a lock.

use crate::batch;
use crate::engine::{Backend, Entry, Policy};
use crate::facts::{FACTS_KEY, Fact};
use crate::{Action, Decision, Engine, EvalError, Finding, Options};
use regorus::rvm::RegoVM;
use serde_json::Value as Json;

/// `data.inventory`, converted once and shared cheaply by every evaluator of a run.
#[derive(Debug, Clone)]
pub struct Inventory {
    data: regorus::Value,
}

impl Inventory {
    /// Wraps the inventory object (Gatekeeper's sync shape) as `data.inventory`.
    pub fn new(inventory: Json) -> Self {
        let mut data = serde_json::Map::new();
        data.insert("inventory".into(), inventory);
        Inventory {
            data: regorus::Value::from(Json::Object(data)),
        }
    }

    /// The facts computed for this inventory by [`Engine::inventory`], if any.
    pub fn facts(&self) -> Option<Json> {
        let facts = &self.data[&regorus::Value::from(FACTS_KEY)];
        match facts {
            regorus::Value::Undefined => None,
            v => serde_json::to_value(v).ok(),
        }
    }

    /// The same inventory with precomputed facts (see `facts`).
    pub(crate) fn with_facts(mut self, facts: regorus::Value) -> Self {
        if let Ok(map) = self.data.as_object_mut() {
            map.insert(regorus::Value::from(FACTS_KEY), facts);
        }
        self
    }
}

/// Per-worker evaluation state. Create one per thread with [`Engine::evaluator`].
pub struct Evaluator {
    engine: Engine,
    vm: Option<RegoVM>,
    interpreter: Option<regorus::Engine>,
    data: regorus::Value,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator")
            .field("engine", &self.engine)
            .finish()
    }
}

impl Evaluator {
    pub(crate) fn new(engine: Engine) -> Self {
        Evaluator {
            engine,
            vm: None,
            interpreter: None,
            data: regorus::Value::new_object(),
        }
    }

    /// Sets `data.inventory` (objects a rule needs to see beside the one under review).
    pub fn set_inventory(&mut self, inventory: &Inventory) {
        self.data = inventory.data.clone();
        self.vm = None;
        self.interpreter = None;
    }

    /// Evaluates an input (`{"review": …}`; `parameters` are added from the engine's options).
    pub fn evaluate(&mut self, input: &Json) -> Result<Decision, EvalError> {
        let options = self.engine.inner.options.clone();
        self.evaluate_with(input, &options)
    }

    /// Evaluates with options other than the engine's (a namespace's own PSS level, say).
    pub fn evaluate_with(
        &mut self,
        input: &Json,
        options: &Options,
    ) -> Result<Decision, EvalError> {
        let kind = input
            .pointer("/review/kind/kind")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let value = input_value(input, options)?;
        let engine = self.engine.clone();
        let inner = &engine.inner;
        let mut decision = Decision::default();
        if let Some(group) = inner.batches.group(&kind, options.pss_level) {
            let vm = self.vm()?;
            vm.set_input(value.clone());
            match vm.execute_entry_point_by_index(group.rvm_index) {
                Ok(result) => {
                    for (p, e, key) in &group.members {
                        let policy = &inner.policies[*p];
                        if in_version(policy, options) {
                            // `[value]`, or `[]` when the rule is undefined.
                            let value = &result[key][0];
                            collect(policy, &policy.entries[*e], value, &mut decision)?;
                        }
                    }
                }
                // Run the members one by one, so an error names its rule.
                Err(_) => {
                    for (p, e, _) in &group.members {
                        let policy = &inner.policies[*p];
                        if !in_version(policy, options) {
                            continue;
                        }
                        let entry = &policy.entries[*e];
                        let index = entry.rvm_index.unwrap_or_default();
                        let result = vm.execute_entry_point_by_index(index).map_err(|e| {
                            EvalError::Rego {
                                rule: policy.meta.id.clone(),
                                detail: e.to_string(),
                            }
                        })?;
                        collect(policy, entry, &result, &mut decision)?;
                    }
                }
            }
        }
        let mut interp_ready = false;
        for policy in &inner.policies {
            if policy.backend != Backend::Interpreter || !selected(policy, &kind, options) {
                continue;
            }
            for entry in &policy.entries {
                let interp = self.interpreter();
                if !interp_ready {
                    interp.set_input(value.clone());
                    interp_ready = true;
                }
                let result = interp
                    .eval_rule(entry.path.clone())
                    .map_err(|e| EvalError::Rego {
                        rule: policy.meta.id.clone(),
                        detail: e.to_string(),
                    })?;
                collect(policy, entry, &result, &mut decision)?;
            }
        }
        decision.sort();
        Ok(decision)
    }

    /// Evaluates a fact's rule against the inventory alone (an empty input).
    pub(crate) fn fact(&mut self, fact: &Fact) -> Result<regorus::Value, EvalError> {
        let input = regorus::Value::new_object();
        let result = match fact.rvm_index {
            Some(index) => {
                let vm = self.vm()?;
                vm.set_input(input);
                vm.execute_entry_point_by_index(index)
                    .map_err(|e| e.to_string())
            }
            None => {
                let interp = self.interpreter();
                interp.set_input(input);
                interp
                    .eval_rule(fact.path.clone())
                    .map_err(|e| e.to_string())
            }
        };
        result.map_err(|detail| EvalError::Rego {
            rule: fact.key.clone(),
            detail,
        })
    }

    fn vm(&mut self) -> Result<&mut RegoVM, EvalError> {
        if self.vm.is_none() {
            let inner = &self.engine.inner;
            let mut vm = RegoVM::new_with_policy(inner.compiled.clone());
            vm.set_max_instructions(inner.max_instructions);
            if let Some(program) = &inner.program {
                vm.load_program(program.clone());
            }
            vm.set_data(self.data.clone())
                .map_err(|e| EvalError::Rego {
                    rule: "data".into(),
                    detail: e.to_string(),
                })?;
            self.vm = Some(vm);
        }
        self.vm.as_mut().ok_or_else(|| EvalError::Rego {
            rule: "data".into(),
            detail: "virtual machine unavailable".into(),
        })
    }

    fn interpreter(&mut self) -> &mut regorus::Engine {
        let data = &self.data;
        let engine = &self.engine;
        self.interpreter.get_or_insert_with(|| {
            let mut interp = engine.inner.interpreter.clone();
            interp.clear_data();
            // Data is an object built by `set_inventory`; adding it cannot conflict after clear.
            let _ = interp.add_data(data.clone());
            interp
        })
    }
}

/// The input as a VM value, with `parameters` from the options unless the input has its own.
fn input_value(input: &Json, options: &Options) -> Result<regorus::Value, EvalError> {
    use serde::Deserialize;
    let invalid = |e: String| EvalError::Rego {
        rule: "input".into(),
        detail: e,
    };
    let mut value = regorus::Value::deserialize(input).map_err(|e| invalid(e.to_string()))?;
    let key = regorus::Value::from("parameters");
    if let Ok(map) = value.as_object_mut()
        && !map.contains_key(&key)
    {
        map.insert(key, regorus::Value::from(options.parameters_value()));
    }
    Ok(value)
}

/// Whether a policy applies to this kind at these options.
fn selected(policy: &Policy, kind: &str, options: &Options) -> bool {
    batch::applies(policy, kind, options.pss_level) && in_version(policy, options)
}

/// Whether a Pod Security policy's check exists at the options' version (its `since`). Batches
/// are planned by kind and level only, so this is the one check left for their members.
fn in_version(policy: &Policy, options: &Options) -> bool {
    let meta = &policy.meta;
    meta.pss_level.is_none()
        || meta
            .since
            .is_none_or(|since| options.pss_version.minor() >= since)
}

/// Turns one entry's result (a set or array) into findings or patches, reading the VM's values
/// directly: only patches are converted to JSON.
fn collect(
    policy: &Policy,
    entry: &Entry,
    result: &regorus::Value,
    out: &mut Decision,
) -> Result<(), EvalError> {
    use regorus::Value as V;
    let rule = &policy.meta.id;
    let shape = |expected: &'static str, got: &V| EvalError::Shape {
        rule: rule.clone(),
        what: entry.rule,
        expected,
        got: serde_json::to_string(got).unwrap_or_else(|e| e.to_string()),
    };
    let items: Vec<&V> = match result {
        V::Undefined | V::Null => return Ok(()),
        V::Set(set) => set.iter_sorted().collect(),
        V::Array(array) => array.iter().collect(),
        other => return Err(shape("a set", other)),
    };
    if items.is_empty() {
        return Ok(());
    }
    if entry.rule == "patch" {
        for item in items {
            out.patches
                .push(serde_json::to_value(item).map_err(|e| EvalError::Rego {
                    rule: rule.clone(),
                    detail: e.to_string(),
                })?);
        }
        return Ok(());
    }
    let action = if entry.rule == "warn" {
        Action::Warn
    } else {
        Action::Deny
    };
    let (msg_key, path_key, severity_key) = (V::from("msg"), V::from("path"), V::from("severity"));
    let text = |v: &V| v.as_string().ok().map(|s| s.to_string());
    for item in items {
        let (message, path, severity) = match item {
            V::String(s) => (s.to_string(), None, None),
            V::Object(_) => (
                text(&item[&msg_key]).unwrap_or_default(),
                text(&item[&path_key]),
                text(&item[&severity_key]).and_then(|s| s.parse().ok()),
            ),
            other => return Err(shape("a set of objects with `msg` or of strings", other)),
        };
        out.findings.push(Finding {
            rule: rule.clone(),
            severity: severity.unwrap_or(policy.meta.severity),
            action,
            message,
            path,
        });
    }
    Ok(())
}
