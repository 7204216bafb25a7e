//! Who owns an IP: pods (namespace, name, labels, owning workload), Service ClusterIPs and
//! node addresses, built from `kubectl get pods,services,replicasets -A -o yaml` (a `List`,
//! or a stream of objects; Jobs and Nodes are used too when present).

pub mod objects;
pub mod owners;

use crate::aggregate::PeerKey;
use crate::error::InventoryError;
use crate::record::Endpoint;
use objects::KubeObject;
use owners::{Owner, OwnerIndex, workload_labels};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

/// A pod as flow records describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodInfo {
    pub namespace: Arc<str>,
    pub name: Arc<str>,
    /// `Kind/name` of the owning workload; `None` for bare pods.
    pub workload: Option<Arc<str>>,
    /// Labels without per-instance ones.
    pub labels: BTreeMap<String, String>,
    /// Aggregation identity: the workload, or the pod itself when it has none.
    pub key: PeerKey,
    terminal: bool,
}

impl PodInfo {
    /// Builds a pod entry; `workload` decides the aggregation identity.
    pub fn new(
        namespace: &str,
        name: &str,
        workload: Option<String>,
        labels: &BTreeMap<String, String>,
    ) -> Self {
        let namespace: Arc<str> = Arc::from(namespace);
        let name: Arc<str> = Arc::from(name);
        let workload: Option<Arc<str>> = workload.map(Arc::from);
        let key = match &workload {
            Some(w) => PeerKey::Workload {
                namespace: namespace.clone(),
                workload: w.clone(),
            },
            None => PeerKey::Pod {
                namespace: namespace.clone(),
                pod: name.clone(),
            },
        };
        Self {
            namespace,
            name,
            workload,
            labels: workload_labels(labels),
            key,
            terminal: false,
        }
    }

    /// The endpoint of this pod at `ip`.
    pub fn endpoint(&self, ip: IpAddr) -> Endpoint {
        Endpoint {
            ip: Some(ip),
            pod: Some(self.name.to_string()),
            namespace: Some(self.namespace.to_string()),
            workload: self.workload.as_ref().map(|w| w.to_string()),
            labels: self.labels.clone(),
            ..Endpoint::default()
        }
    }
}

/// What an address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owned<'a> {
    Pod(&'a PodInfo),
    /// A node (its own address, or a hostNetwork pod's, which is the same).
    Host(&'a Arc<str>),
    /// Not in the inventory: an external peer, or a pod the inventory does not know yet.
    Unknown,
}

/// IP → pod / Service / node lookups.
#[derive(Debug, Default)]
pub struct Inventory {
    pods_by_ip: HashMap<IpAddr, Arc<PodInfo>>,
    pods_by_name: HashMap<(Arc<str>, Arc<str>), Arc<PodInfo>>,
    services_by_ip: HashMap<IpAddr, Arc<str>>,
    hosts_by_ip: HashMap<IpAddr, Arc<str>>,
}

impl Inventory {
    /// Reads an inventory file (YAML or JSON).
    pub fn load(path: &Path) -> Result<Self, InventoryError> {
        let text = std::fs::read_to_string(path).map_err(|source| InventoryError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_yaml(&text, path)
    }

    /// Parses inventory text; `path` is only used in error messages.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Self, InventoryError> {
        let items = objects::parse_objects(text, path)?;
        Self::from_objects(&items, path)
    }

    /// Builds the lookups from parsed objects (Lists already flattened).
    pub fn from_objects(items: &[KubeObject], path: &Path) -> Result<Self, InventoryError> {
        let mut owners = OwnerIndex::default();
        for item in items {
            let key = (item.metadata.namespace.clone(), item.metadata.name.clone());
            match item.kind.as_str() {
                "ReplicaSet" => {
                    owners.replica_sets.insert(key, item.owners());
                }
                "Job" => {
                    owners.jobs.insert(key, item.owners());
                }
                _ => {}
            }
        }
        let mut inventory = Self::default();
        for (index, item) in items.iter().enumerate() {
            let field_error = |field: &str, message: String| InventoryError::Field {
                path: path.to_owned(),
                item: format!(
                    "item {index} ({} {}/{})",
                    item.kind, item.metadata.namespace, item.metadata.name
                ),
                field: field.to_owned(),
                message,
            };
            match item.kind.as_str() {
                "Pod" => inventory.add_pod(item, &owners, field_error)?,
                "Service" => {
                    let id: Arc<str> = Arc::from(format!(
                        "{}/{}",
                        item.metadata.namespace, item.metadata.name
                    ));
                    for (field, ip) in item.service_ips() {
                        let ip = parse_ip(&ip).map_err(|m| field_error(field, m))?;
                        inventory.services_by_ip.insert(ip, id.clone());
                    }
                }
                "Node" => {
                    let node: Arc<str> = Arc::from(item.metadata.name.as_str());
                    for address in item.node_addresses() {
                        let ip =
                            parse_ip(&address).map_err(|m| field_error("status.addresses", m))?;
                        inventory.hosts_by_ip.insert(ip, node.clone());
                    }
                }
                _ => {}
            }
        }
        Ok(inventory)
    }

    fn add_pod(
        &mut self,
        item: &KubeObject,
        owners: &OwnerIndex,
        field_error: impl Fn(&str, String) -> InventoryError,
    ) -> Result<(), InventoryError> {
        let meta = &item.metadata;
        let node: Arc<str> = Arc::from(item.spec.node_name.as_str());
        for host_ip in item.host_ips() {
            let ip = parse_ip(&host_ip).map_err(|m| field_error("status.hostIP", m))?;
            if !node.is_empty() {
                self.hosts_by_ip.insert(ip, node.clone());
            }
        }
        let pod_owners: Vec<Owner> = item.owners();
        let workload = owners.workload(&meta.namespace, &meta.name, &pod_owners, &meta.labels);
        let mut pod = PodInfo::new(&meta.namespace, &meta.name, workload, &meta.labels);
        pod.terminal = matches!(item.status.phase.as_str(), "Succeeded" | "Failed");
        let pod = Arc::new(pod);
        for pod_ip in item.pod_ips() {
            let ip = parse_ip(&pod_ip).map_err(|m| field_error("status.podIP", m))?;
            if item.spec.host_network {
                if !node.is_empty() {
                    self.hosts_by_ip.insert(ip, node.clone());
                }
                continue;
            }
            // A finished pod keeps its IP in status after the IP was given to a new pod.
            let replace = self
                .pods_by_ip
                .get(&ip)
                .is_none_or(|old| old.terminal || !pod.terminal);
            if replace {
                self.pods_by_ip.insert(ip, pod.clone());
            }
        }
        self.pods_by_name
            .insert((pod.namespace.clone(), pod.name.clone()), pod);
        Ok(())
    }

    /// Adds or replaces a pod at `ip` (for watches and tests).
    pub fn insert_pod(&mut self, ip: IpAddr, pod: PodInfo) {
        let pod = Arc::new(pod);
        self.pods_by_name
            .insert((pod.namespace.clone(), pod.name.clone()), pod.clone());
        self.pods_by_ip.insert(ip, pod);
    }

    /// Adds a Service ClusterIP (`id` is `namespace/name`).
    pub fn insert_service(&mut self, ip: IpAddr, id: &str) {
        self.services_by_ip.insert(ip, Arc::from(id));
    }

    /// Adds a node address.
    pub fn insert_host(&mut self, ip: IpAddr, node: &str) {
        self.hosts_by_ip.insert(ip, Arc::from(node));
    }

    /// What `ip` belongs to. Node addresses win over pods (hostNetwork pods share them).
    pub fn owner_of(&self, ip: &IpAddr) -> Owned<'_> {
        if let Some(node) = self.hosts_by_ip.get(ip) {
            return Owned::Host(node);
        }
        match self.pods_by_ip.get(ip) {
            Some(pod) => Owned::Pod(pod),
            None => Owned::Unknown,
        }
    }

    /// The Service (`namespace/name`) whose ClusterIP is `ip`.
    pub fn service_at(&self, ip: &IpAddr) -> Option<&Arc<str>> {
        self.services_by_ip.get(ip)
    }

    /// A pod by namespace and name.
    pub fn pod_named(&self, namespace: &str, name: &str) -> Option<&PodInfo> {
        self.pods_by_name
            .get(&(Arc::from(namespace), Arc::from(name)))
            .map(Arc::as_ref)
    }

    /// Pods, Services and node addresses known.
    pub fn counts(&self) -> (usize, usize, usize) {
        (
            self.pods_by_name.len(),
            self.services_by_ip.len(),
            self.hosts_by_ip.len(),
        )
    }
}

fn parse_ip(text: &str) -> Result<IpAddr, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not an IP address"))
}
