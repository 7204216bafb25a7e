//! The cluster a policy set is judged in: namespaces and their labels, pods (and workloads, as
//! the pods their templates make) with labels, container ports and addresses, Services, and the
//! NetworkPolicies, indexed by namespace.

use crate::error::{ModelError, Origin};
use crate::labels::{Labels, labels_of};
use crate::policy::Policy;
use crate::ports::ContainerPort;
use palisade_probe::Proto;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

/// The label the API server puts on every Namespace.
pub const NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Kinds whose pod template makes pods, and where the template is.
pub const WORKLOAD_KINDS: [(&str, &str); 7] = [
    ("Deployment", "/spec/template"),
    ("StatefulSet", "/spec/template"),
    ("DaemonSet", "/spec/template"),
    ("ReplicaSet", "/spec/template"),
    ("ReplicationController", "/spec/template"),
    ("Job", "/spec/template"),
    ("CronJob", "/spec/jobTemplate/spec/template"),
];

/// A pod, or the pods a workload's template makes (then `name` is the workload's name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pod {
    pub namespace: String,
    pub name: String,
    /// `Pod`, or the workload kind.
    pub kind: String,
    pub labels: Labels,
    /// A workload's own selector: the template labels its `spec.selector` names (None for pods,
    /// and for workloads without a selector).
    pub selector: Option<Labels>,
    pub ports: Vec<ContainerPort>,
    /// Addresses from `status.podIPs` (pods only).
    pub ips: Vec<IpAddr>,
    /// Host-network pods use the node's address; NetworkPolicies do not select them.
    pub host_network: bool,
    pub origin: Origin,
}

impl Pod {
    /// `Kind/name`, as flow records name workloads.
    pub fn workload(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// A Service: its selector (None: a Service without one, which selects no pod) and ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub namespace: String,
    pub name: String,
    pub selector: Option<Labels>,
    pub ports: Vec<ServicePort>,
    pub origin: Origin,
}

/// A Service port and the pod port it sends to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    pub port: u16,
    pub proto: Proto,
    /// `targetPort`: a number, or a container port name.
    pub target: Option<crate::ports::PortRef>,
}

/// Everything a policy set is judged against.
#[derive(Debug, Clone, Default)]
pub struct World {
    namespaces: BTreeMap<String, Labels>,
    pub pods: Vec<Pod>,
    pub services: Vec<Service>,
    pub policies: Vec<Policy>,
    policies_in: HashMap<String, Vec<usize>>,
}

impl World {
    /// Builds the world from objects; objects of other kinds are ignored, objects without a
    /// namespace land in `default_namespace`. A NetworkPolicy that the API server would reject
    /// is an error naming its file, line and field.
    pub fn build<'a>(
        objects: impl IntoIterator<Item = (&'a Value, Origin)>,
        default_namespace: &str,
    ) -> Result<Self, ModelError> {
        let mut world = World::default();
        for (object, origin) in objects {
            world.add(object, origin, default_namespace, "")?;
        }
        world.index();
        Ok(world)
    }

    /// Adds `object`; `implied` is the kind of an item of a typed list (`PodList`), whose items
    /// the API server writes without `kind`.
    fn add(
        &mut self,
        object: &Value,
        origin: Origin,
        default_ns: &str,
        implied: &str,
    ) -> Result<(), ModelError> {
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or(implied);
        let meta = object.get("metadata");
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let namespace = meta
            .and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
            .unwrap_or(default_ns);
        match kind {
            "Namespace" => {
                let mut labels = labels_of(meta.and_then(|m| m.get("labels")));
                labels.insert(NAME_LABEL.to_owned(), name.to_owned());
                self.namespaces.insert(name.to_owned(), labels);
            }
            "NetworkPolicy" => self
                .policies
                .push(Policy::parse(object, origin, default_ns)?),
            "Service" => self.services.push(service(object, namespace, name, origin)),
            "Pod" => {
                let mut pod = pod_of(object, namespace, name, "Pod", origin);
                pod.ips = pod_ips(object);
                self.pods.push(pod);
            }
            // `kind: List`, and the typed lists the API server returns (`PodList`, …).
            list if list.ends_with("List") => {
                let implied = list.strip_suffix("List").unwrap_or_default();
                for item in object
                    .get("items")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    self.add(item, origin.clone(), default_ns, implied)?;
                }
            }
            _ => {
                if let Some((kind, path)) = WORKLOAD_KINDS.iter().find(|(k, _)| *k == kind)
                    && let Some(template) = object.pointer(path)
                {
                    let mut pod = pod_of(template, namespace, name, kind, origin);
                    let at = path.strip_suffix("/template").unwrap_or(path);
                    pod.selector = selector_labels(object.pointer(&format!("{at}/selector")), &pod);
                    self.pods.push(pod);
                }
            }
        }
        Ok(())
    }

    /// Rebuilds the namespace index; call after changing `policies`.
    pub fn index(&mut self) {
        self.policies_in.clear();
        for (i, p) in self.policies.iter().enumerate() {
            self.policies_in
                .entry(p.namespace.clone())
                .or_default()
                .push(i);
        }
    }

    /// Labels of namespace `name` (from its Namespace object, or only the name label).
    pub fn namespace_labels(&self, name: &str) -> std::borrow::Cow<'_, Labels> {
        match self.namespaces.get(name) {
            Some(labels) => std::borrow::Cow::Borrowed(labels),
            None => {
                std::borrow::Cow::Owned(Labels::from([(NAME_LABEL.to_owned(), name.to_owned())]))
            }
        }
    }

    /// Namespaces known from Namespace objects.
    pub fn namespaces(&self) -> impl Iterator<Item = (&String, &Labels)> {
        self.namespaces.iter()
    }

    /// Indices into `policies` of the policies in `namespace`.
    pub fn policies_in(&self, namespace: &str) -> &[usize] {
        self.policies_in.get(namespace).map_or(&[], Vec::as_slice)
    }

    /// The pod or workload `namespace`/`name` of `kind` (`Pod`, `Deployment`, …).
    pub fn find(&self, namespace: &str, kind: &str, name: &str) -> Option<usize> {
        self.pods
            .iter()
            .position(|p| p.namespace == namespace && p.kind == kind && p.name == name)
    }
}

fn pod_of(template: &Value, namespace: &str, name: &str, kind: &str, origin: Origin) -> Pod {
    let spec = template.get("spec").unwrap_or(&Value::Null);
    let mut ports = Vec::new();
    for list in ["containers", "initContainers"] {
        for c in spec
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for p in c
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(port) = p
                    .get("containerPort")
                    .and_then(Value::as_u64)
                    .and_then(|n| u16::try_from(n).ok())
                else {
                    continue;
                };
                let proto = p
                    .get("protocol")
                    .and_then(Value::as_str)
                    .and_then(Proto::parse)
                    .unwrap_or(Proto::Tcp);
                let name = p.get("name").and_then(Value::as_str).map(str::to_owned);
                ports.push(ContainerPort { name, port, proto });
            }
        }
    }
    Pod {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        kind: kind.to_owned(),
        labels: labels_of(template.pointer("/metadata/labels")),
        selector: None,
        ports,
        ips: Vec::new(),
        host_network: spec.get("hostNetwork").and_then(Value::as_bool) == Some(true),
        origin,
    }
}

/// The template labels a workload's `spec.selector` names (by `matchLabels` or
/// `matchExpressions` key); None when it names none of them.
fn selector_labels(selector: Option<&Value>, pod: &Pod) -> Option<Labels> {
    let selector = selector?;
    let mut keys: Vec<&str> = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    keys.extend(
        selector
            .get("matchExpressions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| e.get("key").and_then(Value::as_str)),
    );
    let labels: Labels = pod
        .labels
        .iter()
        .filter(|(k, _)| keys.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (!labels.is_empty()).then_some(labels)
}

fn pod_ips(pod: &Value) -> Vec<IpAddr> {
    let mut ips: Vec<IpAddr> = pod
        .pointer("/status/podIPs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("ip").and_then(Value::as_str)?.parse().ok())
        .collect();
    if let Some(ip) = pod
        .pointer("/status/podIP")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        && !ips.contains(&ip)
    {
        ips.push(ip);
    }
    ips
}

fn service(object: &Value, namespace: &str, name: &str, origin: Origin) -> Service {
    let spec = object.get("spec").unwrap_or(&Value::Null);
    let selector = spec
        .get("selector")
        .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))
        .map(|s| labels_of(Some(s)));
    let ports = spec
        .get("ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let port = u16::try_from(p.get("port")?.as_u64()?).ok()?;
            let proto = p
                .get("protocol")
                .and_then(Value::as_str)
                .and_then(Proto::parse)
                .unwrap_or(Proto::Tcp);
            let target = match p.get("targetPort") {
                Some(Value::Number(n)) => n
                    .as_u64()
                    .and_then(|n| u16::try_from(n).ok())
                    .map(crate::ports::PortRef::Number),
                Some(Value::String(s)) => Some(crate::ports::PortRef::Name(s.clone())),
                _ => None,
            };
            Some(ServicePort {
                port,
                proto,
                target,
            })
        })
        .collect();
    Service {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        selector,
        ports,
        origin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_lists_are_read_like_list_with_their_item_kind() {
        let objects = [
            json!({"kind": "NamespaceList", "items": [
                {"kind": "Namespace", "metadata": {"name": "a", "labels": {"team": "a"}}}]}),
            // Items of a typed list come without `kind`.
            json!({"kind": "PodList", "items": [{"metadata": {"name": "p", "namespace": "a"}}]}),
            json!({"kind": "NetworkPolicyList", "items": [{"kind": "NetworkPolicy",
                "metadata": {"name": "deny", "namespace": "a"}, "spec": {"podSelector": {}}}]}),
        ];
        let world = World::build(
            objects.iter().map(|o| (o, Origin::new("l.yaml", 1))),
            "default",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            world.namespace_labels("a").get("team").map(String::as_str),
            Some("a")
        );
        assert_eq!((world.pods.len(), world.policies.len()), (1, 1));
    }
}
