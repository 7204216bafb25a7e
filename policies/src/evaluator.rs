//! Evaluating one input against a compiled policy set. An [`Evaluator`] owns its VM and
//! interpreter clone, so workers never share mutable state or take a lock.

use crate::batch::{self, Purpose};
use crate::policy::{Backend, Entry, FACTS_KEY, Fact, Policy};
use crate::{Decision, Engine, EvalError, Options, Patch, PssLevel, collect};
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
            data: crate::rego_value::from_json(&Json::Object(data)),
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

impl Engine {
    /// A new evaluator for one worker thread.
    pub fn evaluator(&self) -> Evaluator {
        Evaluator {
            engine: self.clone(),
            vm: None,
            interpreter: None,
            data: regorus::Value::new_object(),
        }
    }
}

impl Evaluator {
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
    /// Findings only: `patch` rules are not run (see [`Evaluator::mutations`]).
    pub fn evaluate_with(
        &mut self,
        input: &Json,
        options: &Options,
    ) -> Result<Decision, EvalError> {
        let mut decision = Decision::default();
        let purpose = Purpose::Validate(options.pss_level);
        self.run(input, options, purpose, &mut |policy, entry, result| {
            collect::findings(policy, entry, result, &mut decision)
        })?;
        decision.sort();
        Ok(decision)
    }

    /// The operations of every `patch` rule that applies to the input's kind, with the rule that
    /// gave each, in rule order. Patch rules run at restricted whatever the level configured
    /// (restricted defaults are wanted in a baseline namespace too) and whatever the version
    /// (a default is never harmful where a check does not exist yet). The raw operations may
    /// overlap; [`crate::mutation`] turns them into one safe patch.
    pub fn mutations(&mut self, input: &Json) -> Result<Vec<Patch>, EvalError> {
        let options = Options {
            pss_level: PssLevel::Restricted,
            ..self.engine.inner.options.clone()
        };
        let mut patches = Vec::new();
        self.run(
            input,
            &options,
            Purpose::Mutate,
            &mut |policy, entry, result| collect::patches(policy, entry, result, &mut patches),
        )?;
        Ok(patches)
    }

    /// Runs the entries of `purpose` that apply to the input's kind and hands each result to
    /// `sink`: the kind's batch on the RVM (one execution), then the interpreter's policies.
    fn run(
        &mut self,
        input: &Json,
        options: &Options,
        purpose: Purpose,
        sink: &mut dyn FnMut(&Policy, &Entry, &regorus::Value) -> Result<(), EvalError>,
    ) -> Result<(), EvalError> {
        let kind = input
            .pointer("/review/kind/kind")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let value = input_value(input, options);
        let engine = self.engine.clone();
        let inner = &engine.inner;
        let wanted = |policy: &Policy| purpose == Purpose::Mutate || in_version(policy, options);
        if let Some(group) = inner.batches.group(&kind, purpose) {
            let vm = self.vm()?;
            vm.set_input(value.clone());
            match vm.execute_entry_point_by_index(group.rvm_index) {
                Ok(result) => {
                    for (p, e, key) in &group.members {
                        let policy = &inner.policies[*p];
                        if wanted(policy) {
                            // `[value]`, or `[]` when the rule is undefined.
                            sink(policy, &policy.entries[*e], &result[key][0])?;
                        }
                    }
                }
                // Run the members one by one, so an error names its rule.
                Err(_) => {
                    for (p, e, _) in &group.members {
                        let policy = &inner.policies[*p];
                        if !wanted(policy) {
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
                        sink(policy, entry, &result)?;
                    }
                }
            }
        }
        let mut interp_ready = false;
        for policy in &inner.policies {
            if policy.backend != Backend::Interpreter
                || !batch::applies(policy, &kind, purpose.level())
                || !wanted(policy)
            {
                continue;
            }
            for entry in policy.entries.iter().filter(|e| purpose.runs(e)) {
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
                sink(policy, entry, &result)?;
            }
        }
        Ok(())
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
fn input_value(input: &Json, options: &Options) -> regorus::Value {
    let mut value = crate::rego_value::from_json(input);
    let key = regorus::Value::from("parameters");
    if let Ok(map) = value.as_object_mut()
        && !map.contains_key(&key)
    {
        map.insert(
            key,
            crate::rego_value::from_json(&options.parameters_value()),
        );
    }
    value
}

/// Whether a Pod Security policy's check exists at the options' version (its `since`). Batches
/// are planned by kind and level only, so this is the one check left for their members.
/// Patch rules are not filtered by version.
fn in_version(policy: &Policy, options: &Options) -> bool {
    let meta = &policy.meta;
    meta.pss_level.is_none()
        || meta
            .since
            .is_none_or(|since| options.pss_version.minor() >= since)
}
