//! A recording [`InventorySink`], a client for a fake API server, and waiting with a deadline.

use palisade_cluster::{ClientSettings, InventoryOptions, InventorySink, LiveInventory};
use palisade_fake_api::FakeApi;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a change may take to reach the sink.
pub const WAIT: Duration = Duration::from_secs(15);

/// What the reflectors reported.
#[derive(Debug, Default)]
pub struct Recorded {
    pub objects: Option<Vec<Value>>,
    pub publishes: usize,
    pub waiting: Vec<String>,
    pub restarts: Vec<(String, &'static str)>,
}

#[derive(Debug, Default)]
pub struct Sink(pub Mutex<Recorded>);

impl Sink {
    pub fn with<T>(&self, f: impl FnOnce(&Recorded) -> T) -> T {
        match self.0.lock() {
            Ok(r) => f(&r),
            Err(p) => f(&p.into_inner()),
        }
    }

    /// Names (`Kind/namespace/name`) of the objects last published.
    pub fn names(&self) -> Vec<String> {
        self.with(|r| {
            let mut names: Vec<String> = r
                .objects
                .iter()
                .flatten()
                .map(|o| {
                    let m = &o["metadata"];
                    let ns = m["namespace"].as_str().unwrap_or("");
                    format!(
                        "{}/{ns}/{}",
                        o["kind"].as_str().unwrap_or("?"),
                        m["name"].as_str().unwrap_or("?")
                    )
                })
                .collect();
            names.sort();
            names
        })
    }

    /// The object last published with this kind and name.
    pub fn object(&self, kind: &str, name: &str) -> Option<Value> {
        self.with(|r| {
            r.objects
                .iter()
                .flatten()
                .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
                .cloned()
        })
    }

    /// Waits until `condition` holds; fails with `what` and the last state otherwise.
    pub async fn wait(&self, what: &str, condition: impl Fn(&Sink) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !condition(self) {
            assert!(
                Instant::now() < deadline,
                "{what}: not within {WAIT:?}; published {:?}, waiting for {:?}, restarts {:?}",
                self.names(),
                self.with(|r| r.waiting.clone()),
                self.with(|r| r.restarts.clone()),
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl InventorySink for Sink {
    fn publish(&self, objects: Vec<Value>) {
        if let Ok(mut r) = self.0.lock() {
            r.objects = Some(objects);
            r.publishes += 1;
        }
    }

    fn sync_status(&self, waiting: &[String]) {
        if let Ok(mut r) = self.0.lock() {
            r.waiting = waiting.to_vec();
        }
    }

    fn watch_restarted(&self, kind: &str, reason: &'static str) {
        if let Ok(mut r) = self.0.lock() {
            r.restarts.push((kind.to_string(), reason));
        }
    }
}

/// A fake API server, reflectors against it, and their sink.
pub struct Cluster {
    pub api: FakeApi,
    pub sink: Arc<Sink>,
    _inventory: LiveInventory,
    _dir: tempfile::TempDir,
}

/// Fast settings for tests.
pub fn options() -> InventoryOptions {
    InventoryOptions {
        debounce: Duration::from_millis(50),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_millis(500),
        ..InventoryOptions::default()
    }
}

impl Cluster {
    /// Starts a fake API server holding `objects` and reflectors against it.
    pub async fn start(objects: Vec<Value>, options: InventoryOptions) -> Cluster {
        Self::start_kinds(objects, palisade_cluster::kinds::watched(), options).await
    }

    /// The same, watching `kinds`.
    pub async fn start_kinds(
        objects: Vec<Value>,
        kinds: Vec<palisade_cluster::kinds::Watched>,
        options: InventoryOptions,
    ) -> Cluster {
        let api = FakeApi::start().await;
        for o in objects {
            api.apply(o);
        }
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let settings = ClientSettings {
            kubeconfig: Some(api.kubeconfig(dir.path())),
            context: None,
        };
        let (config, _) = palisade_cluster::resolve(&settings)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let client = palisade_cluster::client(config).unwrap_or_else(|e| panic!("{e}"));
        let sink = Arc::new(Sink::default());
        let inventory = LiveInventory::spawn_kinds(client, kinds, sink.clone(), options);
        Cluster {
            api,
            sink,
            _inventory: inventory,
            _dir: dir,
        }
    }

    /// Waits until every kind has synced and `name` (`Kind/ns/name`) is published.
    pub async fn wait_for(&self, name: &str) {
        let name = name.to_string();
        self.sink
            .wait(&format!("{name} published"), move |s| {
                s.with(|r| r.waiting.is_empty()) && s.names().contains(&name)
            })
            .await;
    }

    pub async fn wait_gone(&self, name: &str) {
        let name = name.to_string();
        self.sink
            .wait(&format!("{name} gone"), move |s| !s.names().contains(&name))
            .await;
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("tokio runtime: {e}"))
}

pub fn namespace(name: &str, labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels},
           "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
}

pub fn cluster_role_binding(name: &str, role: &str, group: &str) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
           "metadata": {"name": name, "managedFields": [{"manager": "kubectl", "operation": "Apply"}]},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
           "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}]})
}

pub fn role_binding(name: &str, namespace: &str) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
           "metadata": {"name": name, "namespace": namespace},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
           "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": namespace}]})
}

pub fn network_policy(name: &str, namespace: &str) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
           "metadata": {"name": name, "namespace": namespace},
           "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}})
}
