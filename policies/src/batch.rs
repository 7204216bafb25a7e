//! Batches: one generated RVM entry point per group of policies that apply to the same kinds at
//! the same Pod Security level. Running a group is one VM execution instead of one per policy,
//! so library rules (`data.palisade.lib.pods.containers`, …) are computed once per object: the
//! VM's rule cache lives for one execution.
//!
//! Validation groups hold the `deny`, `violation` and `warn` entries; `patch` entries are in
//! groups of their own, run only when patches are asked for ([`crate::Evaluator::mutations`]),
//! so validation never pays for them. Patch groups apply at restricted whatever the level
//! configured: restricted defaults are wanted in a baseline namespace too.
//!
//! A batch is an object rule in a generated package, one key per entry point, whose value is
//! `[x | x := data.<package>.<rule>]`: an empty array when the rule is undefined, so one undefined
//! rule cannot make the whole object undefined. The evaluator falls back to one execution per
//! entry point when a batch fails, so an error still names its rule.

use crate::policy::{Backend, Entry, Policy};
use crate::{PssLevel, kinds};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The generated package; a name no Rego package can clash with by accident.
pub(crate) const PACKAGE: &str = "palisade_engine_internal_batches";

/// Stands for every kind no policy lists by name.
const OTHER_KIND: &str = "";

/// One batch entry point and the policy entries it runs.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// `data.<PACKAGE>.batch_<n>`.
    pub path: String,
    /// Index in the RVM program, set when the program is compiled.
    pub rvm_index: usize,
    /// (policy index, entry index, key in the batch object) of every member, in policy order.
    pub members: Vec<(usize, usize, regorus::Value)>,
}

/// What a group of entry points is run for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Findings (`deny`, `violation`, `warn`) at a Pod Security level.
    Validate(PssLevel),
    /// `patch` operations, of the policies that apply at restricted.
    Mutate,
}

impl Purpose {
    const ALL: [Purpose; 3] = [
        Purpose::Validate(PssLevel::Baseline),
        Purpose::Validate(PssLevel::Restricted),
        Purpose::Mutate,
    ];

    fn slot(self) -> usize {
        match self {
            Purpose::Validate(PssLevel::Baseline) => 0,
            Purpose::Validate(PssLevel::Restricted) => 1,
            Purpose::Mutate => 2,
        }
    }

    /// The level whose policies apply.
    pub fn level(self) -> PssLevel {
        match self {
            Purpose::Validate(level) => level,
            Purpose::Mutate => PssLevel::Restricted,
        }
    }

    /// Whether this purpose runs `entry`.
    pub fn runs(self, entry: &Entry) -> bool {
        (entry.rule == "patch") == (self == Purpose::Mutate)
    }
}

/// Which group runs for an object of a kind, for each purpose.
#[derive(Debug, Clone, Default)]
pub(crate) struct Batches {
    pub groups: Vec<Group>,
    /// Group index per kind name and purpose (see [`Purpose::slot`]).
    by_kind: HashMap<String, [Option<usize>; 3]>,
}

impl Batches {
    /// Groups the entries of the RVM policies by the (kind, purpose) pairs they apply to.
    pub fn plan(policies: &[Policy]) -> Batches {
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for p in policies {
            names.extend(
                p.meta
                    .kinds
                    .iter()
                    .map(String::as_str)
                    .filter(|k| *k != "*"),
            );
        }
        names.insert(OTHER_KIND);
        // (policy index, entry index) of every member → group number.
        let mut sets: BTreeMap<Vec<(usize, usize)>, usize> = BTreeMap::new();
        let mut batches = Batches::default();
        for kind in names {
            for purpose in Purpose::ALL {
                let members: Vec<(usize, usize)> = policies
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.backend == Backend::Rvm && applies(p, kind, purpose.level()))
                    .flat_map(|(i, p)| {
                        let entries = p.entries.iter().enumerate();
                        entries
                            .filter(move |(_, e)| purpose.runs(e))
                            .map(move |(e, _)| (i, e))
                    })
                    .collect();
                if members.is_empty() {
                    continue;
                }
                let next = sets.len();
                let group = *sets.entry(members).or_insert(next);
                batches.by_kind.entry(kind.to_string()).or_default()[purpose.slot()] = Some(group);
            }
        }
        let mut ordered: Vec<(usize, Vec<(usize, usize)>)> =
            sets.into_iter().map(|(m, g)| (g, m)).collect();
        ordered.sort();
        for (n, members) in ordered {
            batches.groups.push(Group {
                path: format!("data.{PACKAGE}.batch_{n}"),
                rvm_index: 0,
                members: members
                    .into_iter()
                    .map(|(p, e)| {
                        let path = policies[p].entries[e].path.as_str();
                        (p, e, regorus::Value::from(path))
                    })
                    .collect(),
            });
        }
        batches
    }

    /// The generated Rego module, or `None` when there is nothing to batch.
    pub fn module(&self, policies: &[Policy]) -> Option<String> {
        if self.groups.is_empty() {
            return None;
        }
        let mut text = format!("package {PACKAGE}\n");
        for (n, group) in self.groups.iter().enumerate() {
            text.push_str(&format!("\nbatch_{n} := {{\n"));
            for &(p, e, _) in &group.members {
                let path = &policies[p].entries[e].path;
                text.push_str(&format!("\t{path:?}: [x | x := {path}],\n"));
            }
            text.push_str("}\n");
        }
        Some(text)
    }

    /// The group for an object of `kind`, for `purpose`.
    pub fn group(&self, kind: &str, purpose: Purpose) -> Option<&Group> {
        let slots = self
            .by_kind
            .get(kind)
            .or_else(|| self.by_kind.get(OTHER_KIND))?;
        self.groups.get(slots[purpose.slot()]?)
    }
}

/// Whether a policy applies to `kind` at `level` (its `since` version is checked per evaluation).
pub(crate) fn applies(policy: &Policy, kind: &str, level: PssLevel) -> bool {
    let meta = &policy.meta;
    if kind == OTHER_KIND {
        // A kind no policy names: only policies for every kind apply.
        if !(meta.kinds.is_empty() || meta.kinds.iter().any(|k| k == "*")) {
            return false;
        }
    } else if !kinds::applies(&meta.kinds, kind) {
        return false;
    }
    !(meta.pss_level == Some(PssLevel::Restricted) && level == PssLevel::Baseline)
}
