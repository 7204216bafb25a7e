//! Compiling a policy set once: modules are parsed into one regorus engine, metadata is read, and
//! every policy's entry points are compiled to one RVM program. A package the RVM cannot compile
//! (it uses `with`, say) is evaluated by the interpreter instead, with the same results.

use crate::batch::{self, Batches};
use crate::catalog::RuleMeta;
use crate::discover::{discover, mark_inventory_readers};
use crate::policy::{BUILTIN_FACTS, Backend, Fact, LATE_FACTS, Policy};
use crate::{LoadError, Options, PolicySource, builtin_sources, kinds};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use std::sync::Arc;

pub(crate) struct Inner {
    pub policies: Vec<Policy>,
    pub compiled: regorus::CompiledPolicy,
    pub program: Option<Arc<Program>>,
    /// Generated entry points that run many RVM policies in one execution.
    pub batches: Batches,
    /// Library rules computed once per inventory.
    pub facts: Vec<Fact>,
    /// Interpreter with every module, for fallback packages (cloned per evaluator).
    pub interpreter: regorus::Engine,
    pub options: Options,
    /// Instruction budget of one RVM entry-point execution.
    pub max_instructions: usize,
}

/// Default instruction budget of one RVM entry-point execution: far above what the built-in rules
/// need on large inventories, low enough that a runaway user policy stops with an error.
pub const DEFAULT_MAX_INSTRUCTIONS: usize = 10_000_000;

/// A compiled policy set. Cheap to clone; share it across threads and take one
/// [`crate::Evaluator`] per worker ([`Engine::evaluator`]).
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("policies", &self.inner.policies.len())
            .field("rvm", &self.inner.program.is_some())
            .finish()
    }
}

/// Builds an [`Engine`] from the built-in library and user sources.
#[derive(Debug, Clone)]
pub struct EngineBuilder {
    builtin: bool,
    user: Vec<PolicySource>,
    options: Options,
    interpreter_only: bool,
    max_instructions: usize,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            builtin: true,
            user: Vec::new(),
            options: Options::default(),
            interpreter_only: false,
            max_instructions: DEFAULT_MAX_INSTRUCTIONS,
        }
    }
}

impl EngineBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to load the built-in library (default true).
    pub fn builtin(mut self, yes: bool) -> Self {
        self.builtin = yes;
        self
    }

    /// Adds user modules. A user policy whose rule id equals a built-in one replaces it.
    pub fn add_sources(mut self, sources: impl IntoIterator<Item = PolicySource>) -> Self {
        self.user.extend(sources);
        self
    }

    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Instruction budget of one RVM entry-point execution (default [`DEFAULT_MAX_INSTRUCTIONS`]).
    pub fn max_instructions(mut self, max: usize) -> Self {
        self.max_instructions = max;
        self
    }

    /// Runs every policy on the interpreter (for comparing the two backends).
    pub fn interpreter_only(mut self, yes: bool) -> Self {
        self.interpreter_only = yes;
        self
    }

    pub fn build(self) -> Result<Engine, LoadError> {
        let mut sources: Vec<PolicySource> = Vec::new();
        if self.builtin {
            sources.extend(builtin_sources());
        }
        sources.extend(self.user);
        sources.retain(|s| !s.is_test());
        let mut rego = rego_engine();
        for src in &sources {
            rego.add_policy(src.path.clone(), src.text.clone())
                .map_err(|e| LoadError::Compile {
                    file: src.path.clone(),
                    detail: e.to_string(),
                })?;
        }
        let mut policies = discover(&mut rego, &sources)?;
        if policies.is_empty() {
            return Err(LoadError::Empty);
        }
        mark_inventory_readers(&sources, &mut policies);
        let first: Arc<str> = Arc::from(policies[0].entries[0].path.as_str());
        let first_file = policies[0].meta.file.clone();
        let compile = |rego: &mut regorus::Engine| {
            rego.compile_with_entrypoint(&first)
                .map_err(|e| LoadError::Compile {
                    file: first_file.clone(),
                    detail: e.to_string(),
                })
        };
        let mut compiled = compile(&mut rego)?;
        if self.interpreter_only {
            for p in &mut policies {
                p.backend = Backend::Interpreter;
            }
        } else {
            choose_backends(&compiled, &mut policies)?;
        }
        let mut batches = Batches::plan(&policies);
        if let Some(module) = batches.module(&policies) {
            rego.add_policy(format!("{}.rego", batch::PACKAGE), module)
                .map_err(|e| LoadError::Compile {
                    file: batch::PACKAGE.into(),
                    detail: e.to_string(),
                })?;
            compiled = compile(&mut rego)?;
        }
        let packages = rego.get_packages().unwrap_or_default();
        let early = BUILTIN_FACTS.iter().map(|f| (f, false));
        let late = LATE_FACTS.iter().map(|f| (f, true));
        let mut facts: Vec<Fact> = early
            .chain(late)
            .filter(|((pkg, _), _)| {
                packages
                    .iter()
                    .any(|p| p.trim_start_matches("data.") == *pkg)
            })
            .map(|((pkg, rule), late)| Fact::new(pkg, rule, late))
            .collect();
        let program = compile_program(&compiled, &mut policies, &mut batches, &mut facts)?;
        Ok(Engine {
            inner: Arc::new(Inner {
                policies,
                compiled,
                program,
                batches,
                facts,
                interpreter: rego,
                options: self.options,
                max_instructions: self.max_instructions,
            }),
        })
    }
}

/// A regorus engine set up as Palisade evaluates — policies in every door and their Rego tests
/// alike: a built-in error (`to_number("lots")`) makes its expression undefined, as in OPA and
/// Gatekeeper, instead of failing the evaluation. (The RVM does the same by default.)
pub(crate) fn rego_engine() -> regorus::Engine {
    let mut rego = regorus::Engine::new();
    rego.set_strict_builtin_errors(false);
    rego
}

/// Marks every policy the RVM cannot compile (it uses `with`, say) for the interpreter.
fn choose_backends(
    compiled: &regorus::CompiledPolicy,
    policies: &mut [Policy],
) -> Result<(), LoadError> {
    // Usually every policy compiles: one compilation says so.
    let all: Vec<&str> = policies
        .iter()
        .flat_map(|p| p.entries.iter().map(|e| e.path.as_str()))
        .collect();
    if Compiler::compile_from_policy(compiled, &all).is_ok() {
        return Ok(());
    }
    for policy in policies {
        let eps: Vec<&str> = policy.entries.iter().map(|e| e.path.as_str()).collect();
        if let Err(e) = Compiler::compile_from_policy(compiled, &eps) {
            let detail = e.to_string();
            if detail.contains("not supported by the compiler") {
                policy.backend = Backend::Interpreter;
            } else {
                return Err(LoadError::Compile {
                    file: policy.meta.file.clone(),
                    detail,
                });
            }
        }
    }
    Ok(())
}

/// Compiles one program with an entry point per RVM policy entry and one per batch.
fn compile_program(
    compiled: &regorus::CompiledPolicy,
    policies: &mut [Policy],
    batches: &mut Batches,
    facts: &mut [Fact],
) -> Result<Option<Arc<Program>>, LoadError> {
    let mut eps: Vec<String> = Vec::new();
    for policy in policies.iter_mut() {
        if policy.backend != Backend::Rvm {
            continue;
        }
        for entry in &mut policy.entries {
            entry.rvm_index = Some(eps.len());
            eps.push(entry.path.clone());
        }
    }
    if eps.is_empty() {
        return Ok(None);
    }
    for group in &mut batches.groups {
        group.rvm_index = eps.len();
        eps.push(group.path.clone());
    }
    for fact in facts.iter_mut() {
        fact.rvm_index = Some(eps.len());
        eps.push(fact.path.clone());
    }
    let refs: Vec<&str> = eps.iter().map(String::as_str).collect();
    let program =
        Compiler::compile_from_policy(compiled, &refs).map_err(|e| LoadError::Compile {
            file: "policies".into(),
            detail: e.to_string(),
        })?;
    Ok(Some(program))
}

impl Engine {
    /// An engine with the built-in library and default options.
    pub fn builtin() -> Result<Engine, LoadError> {
        EngineBuilder::new().build()
    }

    /// The rule catalogue, sorted by id.
    pub fn rules(&self) -> impl Iterator<Item = &RuleMeta> {
        self.inner.policies.iter().map(|p| &p.meta)
    }

    /// Which backend runs the rule with `id`.
    pub fn backend_of(&self, id: &str) -> Option<Backend> {
        self.inner
            .policies
            .iter()
            .find(|p| p.meta.id == id)
            .map(|p| p.backend)
    }

    /// Whether any rule for objects of `kind` may read `data.inventory`: such objects must be
    /// evaluated once the inventory is complete; every other object can be evaluated at once.
    pub fn reads_inventory(&self, kind: &str) -> bool {
        self.inner
            .policies
            .iter()
            .any(|p| p.reads_inventory && kinds::applies(&p.meta.kinds, kind))
    }

    pub fn options(&self) -> &Options {
        &self.inner.options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference to a package as a whole (`import data.palisade.lib.pods` then `pods.spec`)
    /// compiles to a virtual-document lookup that evaluates every rule of the package each time
    /// it runs; the built-in rules name library rules in full instead.
    #[test]
    fn built_in_rules_never_look_up_a_whole_package() {
        let engine = Engine::builtin().unwrap_or_else(|e| panic!("built-in policies: {e}"));
        let Some(program) = engine.inner.program.as_ref() else {
            panic!("the built-in policies compile to an RVM program");
        };
        let lookups = &program.instruction_data.virtual_data_document_lookup_params;
        let paths: Vec<String> = lookups
            .iter()
            .map(|p| {
                let parts: Vec<String> = p
                    .path_components
                    .iter()
                    .map(|c| match c {
                        regorus::rvm::instructions::LiteralOrRegister::Literal(l) => {
                            program.literals[usize::from(*l)].to_string()
                        }
                        regorus::rvm::instructions::LiteralOrRegister::Register(r) => {
                            format!("r{r}")
                        }
                    })
                    .collect();
                format!("data.{}", parts.join("."))
            })
            .collect();
        assert!(paths.is_empty(), "virtual-document lookups: {paths:?}");
    }
}
