//! What every request reads — the compiled policies, the verdict settings and the inventory — held
//! as one immutable [`Snapshot`] that a reload replaces whole, so a request sees either the old
//! state or the new one, never a mix. Where policies and inventory come from is the caller's
//! business ([`Source`]): the CLI reads `.palisade.yaml`, policy directories and an inventory file.

use crate::metrics::Metrics;
use crate::options::ServerOptions;
use crate::pool::Pool;
use crate::tls::Resolver;
use palisade_policies::{Deriver, Engine, Inventory, InventoryBuilder, NamespaceLabels, Verdict};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// A compiled policy set and what configuration says about verdicts and mutation.
#[derive(Debug, Clone)]
pub struct PolicySet {
    pub engine: Engine,
    pub verdict: Verdict,
    /// Namespaces whose pods get the restricted defaults patched in.
    pub mutation_namespaces: Vec<String>,
    /// Derives facts over the inventory plus the object under review (the NETPOL rules').
    pub deriver: Option<Arc<dyn Deriver>>,
}

/// Where the webhook's policies and inventory come from.
pub trait Source: Send + Sync + 'static {
    /// Compiles the policies and reads the configuration.
    fn load(&self) -> Result<PolicySet, String>;
    /// Files and directories whose change means [`Source::load`] should run again.
    fn watched(&self) -> Vec<PathBuf>;
    /// The inventory file, when one is configured.
    fn inventory_path(&self) -> Option<PathBuf>;
    /// The objects of the inventory file (a `List` or a multi-document stream).
    fn read_inventory(&self) -> Result<Vec<Value>, String>;
}

/// Everything one request reads.
#[derive(Debug)]
pub(crate) struct Snapshot {
    /// Changes with every reload; evaluators are rebuilt when it changes.
    pub generation: u64,
    pub policies: Arc<PolicySet>,
    pub inventory: Inventory,
    pub namespace_labels: NamespaceLabels,
    /// The inventory objects the policy set's deriver wants.
    pub derived_from: Vec<Value>,
}

/// The server's shared state.
pub(crate) struct State {
    snapshot: RwLock<Arc<Snapshot>>,
    /// The inventory objects last read successfully (rebuilt against each new policy set).
    objects: Mutex<Vec<Value>>,
    generation: AtomicU64,
    pub metrics: Metrics,
    pub options: ServerOptions,
    pub shutting_down: AtomicBool,
    pub pool: Pool,
    pub resolver: Arc<Resolver>,
    pub source: Arc<dyn Source>,
    /// A live inventory's kinds not yet listed (`None`: no live inventory).
    pub inventory_waiting: RwLock<Option<Vec<String>>>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("generation", &self.generation)
            .finish()
    }
}

impl State {
    pub fn new(
        policies: PolicySet,
        objects: Vec<Value>,
        options: ServerOptions,
        resolver: Arc<Resolver>,
        source: Arc<dyn Source>,
    ) -> std::io::Result<State> {
        let snapshot = build(0, Arc::new(policies), &objects);
        Ok(State {
            snapshot: RwLock::new(Arc::new(snapshot)),
            objects: Mutex::new(objects),
            generation: AtomicU64::new(0),
            metrics: Metrics::default(),
            pool: Pool::new(options.concurrency)?,
            options,
            shutting_down: AtomicBool::new(false),
            resolver,
            source,
            inventory_waiting: RwLock::new(None),
        })
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the policies (the inventory is rebuilt for them).
    pub fn set_policies(&self, policies: PolicySet) {
        let objects = lock(&self.objects).clone();
        self.publish(Arc::new(policies), &objects);
    }

    /// Replaces the inventory objects.
    pub fn set_inventory(&self, objects: Vec<Value>) {
        let policies = self.snapshot().policies.clone();
        self.publish(policies, &objects);
        *lock(&self.objects) = objects;
    }

    fn publish(&self, policies: Arc<PolicySet>, objects: &[Value]) {
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        let snapshot = Arc::new(build(generation, policies, objects));
        match self.snapshot.write() {
            Ok(mut s) => *s = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
    }

    /// The kinds a live inventory still waits for (`None`: no live inventory, or synced).
    pub fn inventory_waiting(&self) -> Option<Vec<String>> {
        let waiting = match self.inventory_waiting.read() {
            Ok(w) => w.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        waiting.filter(|w| !w.is_empty())
    }

    /// Ready: policies compiled (always, once constructed), certificate loaded, not stopping.
    pub fn ready(&self) -> bool {
        !self.shutting_down.load(Ordering::Relaxed)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// A snapshot of `policies` with the inventory of `objects`, its facts computed by the engine.
fn build(generation: u64, policies: Arc<PolicySet>, objects: &[Value]) -> Snapshot {
    let mut builder = InventoryBuilder::default();
    builder.extend(objects.iter().cloned());
    let (inventory, namespace_labels) = builder.build();
    let derived_from = match &policies.deriver {
        Some(d) => objects
            .iter()
            .filter(|o| d.wants(o.get("kind").and_then(Value::as_str).unwrap_or_default()))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    Snapshot {
        generation,
        inventory: policies.engine.inventory(inventory),
        policies,
        namespace_labels,
        derived_from,
    }
}
