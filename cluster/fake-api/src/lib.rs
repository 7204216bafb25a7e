//! A fake Kubernetes API server for tests, on `127.0.0.1` over plain HTTP: enough of list and
//! watch for kube-rs reflectors. One resourceVersion counter for everything, as etcd has; a
//! history of changes that watches replay from the version they ask for; watches asking for a
//! version older than the last [`FakeApi::compact`] get `ERROR 410 Expired` (how the real API
//! server answers, in the watch stream), [`FakeApi::bookmark`] sends BOOKMARK events,
//! [`FakeApi::disconnect_watches`] ends every open watch. Lists page with `limit` and
//! `continue`; metadata-only requests (`Accept: …;as=PartialObjectMetadataList`) get
//! PartialObjectMetadata. Objects answer GET, server-side apply (`PATCH` with
//! `application/apply-patch+yaml`, `fieldManager`, `dryRun=All`, `force`), create, replace with
//! optimistic concurrency and JSON patch (`write.rs`). Requests are counted
//! per resource and verb, so tests can tell a resumed watch from a relist. Kinds are found by
//! plural name (`clusterrolebindings`).

mod apply;
mod routes;
mod write;

pub use apply::Applied;

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;

/// A running fake API server; stops when dropped.
#[derive(Debug)]
pub struct FakeApi {
    pub addr: SocketAddr,
    state: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What open watches are told.
#[derive(Debug, Clone)]
pub(crate) enum Message {
    /// A change: (resourceVersion, plural, ADDED|MODIFIED|DELETED, object).
    Change(u64, String, &'static str, Value),
    Bookmark(u64),
    Disconnect,
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    pub rv: u64,
    /// Current objects by (plural, namespace, name).
    pub objects: BTreeMap<(String, String, String), Value>,
    /// Every change, for watches that start from an older version.
    pub history: Vec<(u64, String, &'static str, Value)>,
    /// Watches from versions below this get 410.
    pub compacted: u64,
    /// Requests by (plural, "list" | "watch").
    pub requests: HashMap<(String, &'static str), usize>,
    /// The resourceVersion the last watch of each plural started from.
    pub watched_from: HashMap<String, u64>,
    /// Every server-side apply answered, in order.
    pub applies: Vec<Applied>,
    /// Plurals whose writes are refused with 403.
    pub refused: HashSet<String>,
    /// Plurals the server does not serve (404, as for a CRD not installed).
    pub unserved: HashSet<String>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub store: Mutex<Store>,
    pub watchers: broadcast::Sender<Message>,
}

impl Shared {
    pub fn store(&self) -> MutexGuard<'_, Store> {
        match self.store.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Keeps a change in the history and tells open watches. Called under the store's lock, so
    /// a watch that subscribes while replaying history misses nothing.
    pub fn record(
        &self,
        store: &mut Store,
        rv: u64,
        plural: String,
        kind: &'static str,
        obj: Value,
    ) {
        store.history.push((rv, plural.clone(), kind, obj.clone()));
        let _ = self.watchers.send(Message::Change(rv, plural, kind, obj));
    }

    /// Stores `object` under `key` with the next resourceVersion (ADDED or MODIFIED); returns it
    /// as stored.
    pub fn commit(
        &self,
        store: &mut Store,
        key: (String, String, String),
        mut object: Value,
    ) -> Value {
        store.rv += 1;
        let rv = store.rv;
        object["metadata"]["resourceVersion"] = json!(rv.to_string());
        let kind = if store.objects.insert(key.clone(), object.clone()).is_some() {
            "MODIFIED"
        } else {
            "ADDED"
        };
        self.record(store, rv, key.0, kind, object.clone());
        object
    }

    /// Counts a request of `verb` on `plural`.
    pub fn count(store: &mut Store, plural: &str, verb: &'static str) {
        *store
            .requests
            .entry((plural.to_string(), verb))
            .or_default() += 1;
    }
}

/// The plural resource name of a kind, as the API server names its collection.
pub fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    match lower.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{lower}s"),
    }
}

/// A loopback port nobody listens on (yet): an API server that is down, or one
/// [`FakeApi::start_on`] starts later.
pub fn unused_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("bind 127.0.0.1:0: {e}"))
        .port()
}

/// Writes `dir/kubeconfig` for an API server at `url` (context `fake`, token auth).
pub fn kubeconfig_for(url: &str, dir: &Path) -> PathBuf {
    let path = dir.join("kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake\n  \
         cluster:\n    server: {url}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    \
         user: fake\nusers:\n- name: fake\n  user:\n    token: fake-token\n"
    );
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

impl FakeApi {
    /// Binds a free port on loopback and serves (on the current runtime).
    pub async fn start() -> FakeApi {
        Self::start_on(0).await
    }

    /// Serves on `127.0.0.1:port` (0: a free port).
    pub async fn start_on(port: u16) -> FakeApi {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap_or_else(|e| panic!("fake API server: bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("fake API server: {e}"));
        let (watchers, _) = broadcast::channel(1024);
        let state = Arc::new(Shared {
            store: Mutex::new(Store {
                rv: 1,
                ..Store::default()
            }),
            watchers,
        });
        let app = routes::router(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeApi { addr, state, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Writes a kubeconfig for this server (context `fake`, token auth) into `dir`.
    pub fn kubeconfig(&self, dir: &Path) -> PathBuf {
        kubeconfig_for(&self.url(), dir)
    }

    /// Creates or replaces an object (it needs `kind` and `metadata.name`); returns its version.
    pub fn apply(&self, object: Value) -> u64 {
        let kind = object["kind"].as_str().unwrap_or_default().to_string();
        let name = object["metadata"]["name"].as_str().unwrap_or_default();
        let ns = object["metadata"]["namespace"].as_str().unwrap_or_default();
        let key = (plural(&kind), ns.to_string(), name.to_string());
        let mut store = self.state.store();
        self.state.commit(&mut store, key, object);
        store.rv
    }

    /// Deletes an object; false if there was none.
    pub fn delete(&self, kind: &str, namespace: &str, name: &str) -> bool {
        let key = (plural(kind), namespace.to_string(), name.to_string());
        let mut store = self.state.store();
        let Some(mut object) = store.objects.remove(&key) else {
            return false;
        };
        store.rv += 1;
        let rv = store.rv;
        object["metadata"]["resourceVersion"] = json!(rv.to_string());
        self.record(&mut store, rv, key.0, "DELETED", object);
        true
    }

    fn record(&self, store: &mut Store, rv: u64, plural: String, kind: &'static str, obj: Value) {
        self.state.record(store, rv, plural, kind, obj);
    }

    /// Forgets the history: watches from an older version get 410 Gone and must relist. Open
    /// watches are disconnected (they resume from their version, and meet the 410).
    pub fn compact(&self) {
        let mut store = self.state.store();
        store.rv += 1;
        store.compacted = store.rv;
        store.history.clear();
        let _ = self.state.watchers.send(Message::Disconnect);
    }

    /// Ends every open watch (clients resume from the last version they saw).
    pub fn disconnect_watches(&self) {
        let _store = self.state.store();
        let _ = self.state.watchers.send(Message::Disconnect);
    }

    /// Sends a BOOKMARK with the current version to every open watch.
    pub fn bookmark(&self) -> u64 {
        let store = self.state.store();
        let _ = self.state.watchers.send(Message::Bookmark(store.rv));
        store.rv
    }

    /// Every server-side apply answered so far, in order.
    pub fn applies(&self) -> Vec<Applied> {
        self.state.store().applies.clone()
    }

    /// Refuses every later create, update and patch of `plural` with 403 Forbidden (as RBAC
    /// would), until [`FakeApi::allow`].
    pub fn refuse(&self, plural: &str) {
        self.state.store().refused.insert(plural.to_string());
    }

    /// Answers 404 for every request on `plural`, as the API server does for a resource type it
    /// does not serve (a CRD not installed).
    pub fn unserve(&self, plural: &str) {
        self.state.store().unserved.insert(plural.to_string());
    }

    /// Serves writes of `plural` again.
    pub fn allow(&self, plural: &str) {
        self.state.store().refused.remove(plural);
    }

    /// The stored object, if any (`namespace` "" for a cluster-scoped kind).
    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        let key = (plural(kind), namespace.to_string(), name.to_string());
        self.state.store().objects.get(&key).cloned()
    }

    /// The caBundle of every webhook of the Validating- and MutatingWebhookConfiguration named
    /// `name` (in that order), decoded from base64 ("" where unset).
    pub fn ca_bundles(&self, name: &str) -> Vec<String> {
        use base64::Engine as _;
        [
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration",
        ]
        .iter()
        .flat_map(|kind| {
            let config = self.get(kind, "", name).unwrap_or_default();
            config["webhooks"].as_array().cloned().unwrap_or_default()
        })
        .map(|w| {
            let encoded = w["clientConfig"]["caBundle"].as_str().unwrap_or_default();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap_or_default();
            String::from_utf8(bytes).unwrap_or_default()
        })
        .collect()
    }

    /// Requests served for `plural` and `verb` ("list", "watch", "get", "create", "update" or
    /// "patch").
    pub fn requests(&self, plural: &str, verb: &'static str) -> usize {
        let store = self.state.store();
        store
            .requests
            .get(&(plural.to_string(), verb))
            .copied()
            .unwrap_or(0)
    }

    /// The resourceVersion the last watch of `plural` asked to start from.
    pub fn last_watch_from(&self, plural: &str) -> Option<u64> {
        self.state.store().watched_from.get(plural).copied()
    }

    /// Open watch streams.
    pub fn open_watches(&self) -> usize {
        self.state.watchers.receiver_count()
    }
}
