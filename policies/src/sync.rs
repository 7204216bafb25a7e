//! `data.inventory`: the objects rules need to see beside the one under review, in Gatekeeper's
//! sync shape (`cluster[apiVersion][kind][name]`, `namespace[ns][apiVersion][kind][name]`). The
//! linter builds it from the whole file set, the webhook from an inventory file (and later from
//! the cluster's watch cache); both then hand it to [`crate::Engine::inventory`].

use crate::settings::NamespaceLabels;
use serde_json::{Map, Value};

/// Kinds copied into the inventory (what the built-in rules look at).
pub const INVENTORY_KINDS: [&str; 8] = [
    "Namespace",
    "NetworkPolicy",
    "Service",
    "ServiceAccount",
    "ClusterRoleBinding",
    "RoleBinding",
    "ClusterRole",
    "Role",
];

/// Cluster-scoped kinds among [`INVENTORY_KINDS`].
const CLUSTER_SCOPED: [&str; 3] = ["Namespace", "ClusterRoleBinding", "ClusterRole"];

/// Builds the inventory from objects.
#[derive(Debug, Default)]
pub struct InventoryBuilder {
    cluster: Map<String, Value>,
    namespaced: Map<String, Value>,
    /// Namespace labels, for exemptions by namespace label.
    pub namespace_labels: NamespaceLabels,
}

impl InventoryBuilder {
    /// True for objects the inventory keeps.
    pub fn wants(object: &Value) -> bool {
        let kind = object.get("kind").and_then(Value::as_str);
        kind.is_some_and(|k| INVENTORY_KINDS.contains(&k))
    }

    pub fn add(&mut self, object: Value) {
        if !Self::wants(&object) {
            return;
        }
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let api_version = object
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let meta = object.get("metadata");
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if kind == "Namespace" {
            let labels = meta
                .and_then(|m| m.get("labels"))
                .and_then(Value::as_object)
                .map(|l| {
                    l.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default();
            self.namespace_labels.insert(name.to_string(), labels);
        }
        let root = if CLUSTER_SCOPED.contains(&kind) {
            &mut self.cluster
        } else {
            let ns = meta
                .and_then(|m| m.get("namespace"))
                .and_then(Value::as_str)
                .unwrap_or("default");
            object_at(&mut self.namespaced, ns)
        };
        let by_kind = object_at(object_at(root, api_version), kind);
        let name = name.to_string();
        by_kind.insert(name, object);
    }

    /// Adds every object of a list (`kind: List` / `*List` items are expanded).
    pub fn extend(&mut self, objects: impl IntoIterator<Item = Value>) {
        for mut object in objects {
            let is_list = object
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k.ends_with("List"));
            match object.get_mut("items").map(Value::take) {
                Some(Value::Array(items)) if is_list => self.extend(items),
                _ => self.add(object),
            }
        }
    }

    /// The `data.inventory` value and the namespace labels.
    pub fn build(self) -> (Value, NamespaceLabels) {
        let mut inv = Map::new();
        inv.insert("cluster".into(), Value::Object(self.cluster));
        inv.insert("namespace".into(), Value::Object(self.namespaced));
        (Value::Object(inv), self.namespace_labels)
    }
}

fn object_at<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let slot = map
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    match slot {
        Value::Object(m) => m,
        _ => unreachable!("slot was just made an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gatekeeper_shape() {
        let mut b = InventoryBuilder::default();
        b.add(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"team": "a"}}}));
        b.add(json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np", "namespace": "shop"}}));
        b.add(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}));
        let (inv, labels) = b.build();
        assert!(inv.pointer("/cluster/v1/Namespace/shop").is_some());
        assert!(
            inv.pointer("/namespace/shop/networking.k8s.io~1v1/NetworkPolicy/np")
                .is_some()
        );
        assert!(inv.pointer("/namespace/default").is_none());
        assert_eq!(labels["shop"]["team"], "a");
    }
}
