//! The door for a live inventory: [`LiveInventory`] lets whoever watches the cluster (the binary
//! wires `palisade-cluster` to it) replace the inventory, report sync progress and count watch
//! restarts. The webhook serves from its first moment, with whatever inventory it has; readiness
//! stays on while the inventory syncs (rules that need no inventory are served all along), and
//! `/readyz` says what it still waits for, `/readyz/inventory` answers 503 until then.

use crate::state::State;
use serde_json::Value;
use std::sync::Arc;

/// A handle on a running server's inventory.
#[derive(Debug, Clone)]
pub struct LiveInventory {
    pub(crate) state: Arc<State>,
}

impl LiveInventory {
    /// Replaces the inventory; computes its facts, so call it off the async workers.
    pub fn publish(&self, objects: Vec<Value>) {
        let count = objects.len();
        self.state.set_inventory(objects);
        self.state.metrics.set_inventory_objects(count);
        self.state.metrics.reload("inventory", true);
    }

    /// The kinds not yet listed once (empty: synced).
    pub fn set_waiting(&self, waiting: &[String]) {
        let mut slot = match self.state.inventory_waiting.write() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        };
        *slot = Some(waiting.to_vec());
        self.state.metrics.set_inventory_synced(waiting.is_empty());
    }

    /// A watch that failed and is retried.
    pub fn watch_restarted(&self, kind: &str, reason: &str) {
        self.state.metrics.watch_restart(kind, reason);
    }
}
