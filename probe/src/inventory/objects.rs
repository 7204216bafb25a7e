//! The few fields of Pods, Services, ReplicaSets, Jobs and Nodes that attribution reads,
//! deserialised from YAML or JSON. Unknown fields are ignored; `kind: List` (and `*List`)
//! documents are flattened into their items.

use super::owners::Owner;
use crate::error::InventoryError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A Kubernetes object (or a List of them), reduced to attribution's fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct KubeObject {
    pub kind: String,
    pub metadata: Metadata,
    pub spec: Spec,
    pub status: Status,
    pub items: Vec<KubeObject>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Metadata {
    pub name: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub owner_references: Vec<OwnerReference>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OwnerReference {
    pub kind: String,
    pub name: String,
    pub controller: Option<bool>,
}

/// Union of the spec fields read from Pods (`hostNetwork`, `nodeName`) and Services
/// (`clusterIP`, `clusterIPs`, `externalIPs`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Spec {
    pub host_network: bool,
    pub node_name: String,
    #[serde(rename = "clusterIP")]
    pub cluster_ip: String,
    #[serde(rename = "clusterIPs")]
    pub cluster_ips: Vec<String>,
    #[serde(rename = "externalIPs")]
    pub external_ips: Vec<String>,
}

/// Union of the status fields read from Pods and Nodes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Status {
    pub phase: String,
    #[serde(rename = "podIP")]
    pub pod_ip: String,
    #[serde(rename = "podIPs")]
    pub pod_ips: Vec<IpEntry>,
    #[serde(rename = "hostIP")]
    pub host_ip: String,
    #[serde(rename = "hostIPs")]
    pub host_ips: Vec<IpEntry>,
    pub addresses: Vec<NodeAddress>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IpEntry {
    pub ip: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NodeAddress {
    #[serde(rename = "type")]
    pub kind: String,
    pub address: String,
}

impl KubeObject {
    /// ownerReferences as resolution wants them.
    pub fn owners(&self) -> Vec<Owner> {
        self.metadata
            .owner_references
            .iter()
            .map(|o| Owner {
                kind: o.kind.clone(),
                name: o.name.clone(),
                controller: o.controller.unwrap_or(false),
            })
            .collect()
    }

    /// `status.podIP` and `status.podIPs`, deduplicated.
    pub fn pod_ips(&self) -> Vec<String> {
        unique(
            std::iter::once(&self.status.pod_ip).chain(self.status.pod_ips.iter().map(|e| &e.ip)),
        )
    }

    /// `status.hostIP` and `status.hostIPs`, deduplicated.
    pub fn host_ips(&self) -> Vec<String> {
        unique(
            std::iter::once(&self.status.host_ip).chain(self.status.host_ips.iter().map(|e| &e.ip)),
        )
    }

    /// ClusterIPs (not `None`) and externalIPs, each with the field it came from.
    pub fn service_ips(&self) -> Vec<(&'static str, String)> {
        let cluster = std::iter::once(&self.spec.cluster_ip).chain(self.spec.cluster_ips.iter());
        let mut out: Vec<(&'static str, String)> =
            unique(cluster.filter(|ip| ip.as_str() != "None"))
                .into_iter()
                .map(|ip| ("spec.clusterIPs", ip))
                .collect();
        out.extend(
            self.spec
                .external_ips
                .iter()
                .map(|ip| ("spec.externalIPs", ip.clone())),
        );
        out
    }

    /// InternalIP and ExternalIP addresses of a Node.
    pub fn node_addresses(&self) -> Vec<String> {
        let ips = self
            .status
            .addresses
            .iter()
            .filter(|a| a.kind.ends_with("IP"))
            .map(|a| &a.address);
        unique(ips)
    }
}

fn unique<'a>(values: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !v.is_empty() && !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// Parses YAML (one List, or a `---` stream of objects and Lists) into flat objects.
pub fn parse_objects(text: &str, path: &Path) -> Result<Vec<KubeObject>, InventoryError> {
    let documents: Vec<KubeObject> = serde_saphyr::from_multiple_with_options(text, options())
        .map_err(|e| InventoryError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
    let mut flat = Vec::new();
    for document in documents {
        flatten(document, &mut flat);
    }
    Ok(flat)
}

fn flatten(object: KubeObject, out: &mut Vec<KubeObject>) {
    if object.kind == "List" || object.kind.ends_with("List") || !object.items.is_empty() {
        for item in object.items {
            flatten(item, out);
        }
    } else if !object.kind.is_empty() {
        out.push(object);
    }
}

/// Parser options sized for whole-cluster inventories (tens of thousands of pods).
fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.budget = None;
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_streams_flatten_to_objects() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a, namespace: n}\n  status: {podIP: 198.18.0.2, podIPs: [{ip: 198.18.0.2}, {ip: 'fd00::2'}]}\n---\nkind: Service\nmetadata: {name: s, namespace: n}\nspec: {clusterIP: None}\n";
        let objects = parse_objects(text, Path::new("inv.yaml")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(objects.len(), 2);
        assert_eq!(
            objects[0].pod_ips(),
            vec!["198.18.0.2".to_owned(), "fd00::2".to_owned()]
        );
        assert!(objects[1].service_ips().is_empty());
    }

    #[test]
    fn bad_yaml_names_the_file() {
        let err = parse_objects("kind: [", Path::new("inv.yaml"))
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.starts_with("inv.yaml: ")));
    }
}
