//! The linter's whole-set steps that do not depend on files: a preset inventory (objects given
//! beside the files, for `palisade audit`) and the facts derived over the set.

use super::Linter;
use super::pass::FirstPass;
use palisade_policies::{InventoryBuilder, NamespaceLabels};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;

/// Objects given beside the files (a cluster's, for `palisade audit`): the inventory and the
/// deriver's world of every run, built once.
#[derive(Debug)]
pub(super) struct Preset {
    pub(super) inventory: palisade_policies::Inventory,
    pub(super) labels: NamespaceLabels,
    /// The objects the deriver wants.
    pub(super) world: Vec<Value>,
}

impl Linter {
    /// Lints every run against `objects` as the inventory (and, with a deriver, as the world its
    /// facts are derived over) instead of what the files hold: nothing waits for the whole file
    /// set, so each run's files are judged as they are read (how `palisade audit` streams a
    /// cluster page by page). Call after [`Linter::with_deriver`].
    pub fn with_preset(mut self, objects: Vec<Value>) -> Self {
        let mut builder = InventoryBuilder::default();
        for o in objects.iter().filter(|o| InventoryBuilder::wants(o)) {
            builder.add(o.clone());
        }
        let (inventory, labels) = builder.build();
        let world = objects
            .into_iter()
            .filter(|o| self.derives(o.get("kind").and_then(Value::as_str).unwrap_or_default()))
            .collect();
        self.preset = Some(Arc::new(Preset {
            inventory: self.engine.inventory(inventory),
            labels,
            world,
        }));
        self
    }

    /// Derives facts over the objects the deriver wants, across every file, and hands each
    /// file its objects' facts (in object order).
    pub(super) fn derive(&self, passes: &mut [FirstPass]) {
        let Some(deriver) = &self.deriver else {
            return;
        };
        let own: Vec<&Value> = passes.iter().flat_map(|p| p.world.iter()).collect();
        // The preset's objects first (but those the files hold themselves), their facts unused.
        let id = |o: &Value| {
            let text = |p: &str| o.pointer(p).and_then(Value::as_str).unwrap_or_default();
            (
                text("/kind").to_string(),
                text("/metadata/namespace").to_string(),
                text("/metadata/name").to_string(),
            )
        };
        let mine: HashSet<_> = own.iter().map(|o| id(o)).collect();
        let mut objects: Vec<&Value> = self
            .preset
            .iter()
            .flat_map(|p| p.world.iter())
            .filter(|o| !mine.contains(&id(o)))
            .collect();
        let skip = objects.len();
        objects.extend(own);
        let mut facts = deriver.derive(&objects).into_iter().skip(skip);
        for pass in passes {
            let n = pass.world.len();
            pass.facts = facts.by_ref().take(n).collect();
            pass.world = Vec::new();
        }
    }
}
