//! What a compiled policy set is made of, shared by the modules that build it (`engine`,
//! `discover`, `batch`) and those that run it (`evaluator`, `collect`, `facts`): policies and
//! their entry points, the backend that runs each, and the facts of the built-in library.

use crate::catalog::RuleMeta;

/// The rule kinds a policy package may declare, in evaluation order.
pub(crate) const ENTRY_RULES: [&str; 4] = ["deny", "violation", "warn", "patch"];

/// Which evaluator runs a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// regorus's bytecode VM (the fast path).
    Rvm,
    /// regorus's tree-walking interpreter (for modules the VM cannot compile).
    Interpreter,
}

/// One entry point (`data.<package>.<rule>`) of one policy.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub rule: &'static str,
    pub path: String,
    /// Index in the RVM program, when the RVM runs it.
    pub rvm_index: Option<usize>,
}

/// One policy package and how to run it.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub meta: RuleMeta,
    pub entries: Vec<Entry>,
    pub backend: Backend,
    /// Whether it may read `data.inventory` (see `deps`).
    pub reads_inventory: bool,
}

/// `data` key under which facts are served (see `facts`).
pub const FACTS_KEY: &str = "palisade_facts";

/// (package, rule) of every fact of the built-in library.
pub(crate) const BUILTIN_FACTS: [(&str, &str); 3] = [
    ("palisade.lib.rbac_admin_subjects", "computed"),
    ("palisade.lib.rbac_aggregate", "computed"),
    ("palisade.lib.rbac_scope", "binding_pairs"),
];

/// (package, rule) of the facts computed after the role powers (`role_powers`), which they read.
/// Their values are served as they are, but for those of [`GROUPED_FACTS`] (see `facts`).
pub(crate) const LATE_FACTS: [(&str, &str); 1] = [("palisade.lib.rbac_identity", "all_chains")];

/// The key of the aggregation fact (aggregating ClusterRole name → the rules it takes), which the
/// role powers read.
pub(crate) const AGGREGATE_UNIONS: &str = "palisade.lib.rbac_aggregate.computed";

/// Facts evaluated as a set and served grouped, which Rego can only do in quadratic time: (the
/// key evaluated, the key served, what groups an element, what is kept of it; `None` keeps the
/// element whole). The served object maps each group to its elements in set order.
pub(crate) const GROUPED_FACTS: [GroupedFact; 2] = [
    // ClusterRole name → the ClusterRoleBindings binding it, sorted: from [role, binding] pairs.
    GroupedFact {
        raw: "palisade.lib.rbac_scope.binding_pairs",
        served: "palisade.lib.rbac_scope.computed",
        group: Field::Index(0),
        keep: Some(Field::Index(1)),
    },
    // Subject key → the identity chains that grant it something.
    GroupedFact {
        raw: "palisade.lib.rbac_identity.all_chains",
        served: "palisade.lib.rbac_identity.by_key",
        group: Field::Key("key"),
        keep: None,
    },
];

/// See [`GROUPED_FACTS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct GroupedFact {
    pub raw: &'static str,
    pub served: &'static str,
    pub group: Field,
    pub keep: Option<Field>,
}

/// A part of a fact's element: an array index or an object key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Field {
    Index(usize),
    Key(&'static str),
}

impl Field {
    pub fn of(self, v: &regorus::Value) -> regorus::Value {
        match self {
            Field::Index(i) => v[i].clone(),
            Field::Key(k) => v[&regorus::Value::from(k)].clone(),
        }
    }
}

/// One fact of a compiled engine.
#[derive(Debug, Clone)]
pub(crate) struct Fact {
    /// `<package>.<rule>`: the key under `data.palisade_facts`.
    pub key: String,
    /// `data.<package>.<rule>`.
    pub path: String,
    /// Index in the RVM program, when the RVM runs it.
    pub rvm_index: Option<usize>,
    /// Computed after the role powers, which it reads (see [`LATE_FACTS`]).
    pub late: bool,
}

impl Fact {
    pub fn new(package: &str, rule: &str, late: bool) -> Fact {
        Fact {
            key: format!("{package}.{rule}"),
            path: format!("data.{package}.{rule}"),
            rvm_index: None,
            late,
        }
    }
}
