//! Palisade's policy engine.
//!
//! One [`Engine`] compiles every Rego module once — the built-in library embedded in the binary
//! plus any user directories — and hands out cheap per-worker [`Evaluator`]s. Built-in rules run on
//! regorus's bytecode VM; a module the VM cannot compile falls back to the interpreter with the same
//! results. The input is Gatekeeper-shaped and built by [`input::review`], shared by every door.

pub mod admission;
mod batch;
mod bundle;
mod catalog;
mod collect;
mod deps;
mod derived;
mod discover;
mod engine;
mod error;
mod evaluator;
mod facts;
mod finding;
pub mod fixtures;
pub mod input;
pub mod kinds;
pub mod mutation;
mod options;
mod overlap;
mod policy;
mod rego_tests;
mod rego_value;
mod role_powers;
mod settings;
mod severity;
mod suppress;
mod sync;
mod verdict;

pub use bundle::{PolicySource, builtin_sources, load_dir};
pub use catalog::{PssLevel, RuleMeta};
pub use derived::{DERIVED_KEY, Deriver, add_to_input as add_derived};
pub use engine::{DEFAULT_MAX_INSTRUCTIONS, Engine, EngineBuilder};
pub use error::{EvalError, LoadError};
pub use evaluator::{Evaluator, Inventory};
pub use finding::{Action, Decision, Finding, Patch};
pub use input::{Operation, UserInfo};
pub use mutation::{Mutation, MutationError};
pub use options::{LATEST_PSS_VERSION, Options, PssVersion};
pub use overlap::OVERLAPS;
pub use policy::{Backend, FACTS_KEY};
pub use rego_tests::{TestOutcome, run_rego_tests};
pub use settings::{
    DEFAULT_FAIL_ON, Enforcement, EnforcementOverride, Exemption, NamespaceLabels, Scope, Settings,
    Subject,
};
pub use severity::Severity;
pub use suppress::{IGNORE_ANNOTATION, IGNORE_POINTER, Suppression};
pub use sync::{INVENTORY_KINDS, InventoryBuilder};
pub use verdict::{Judged, Judgement, SUPPRESSION_RULE, Verdict};
