//! From a flow record's endpoint to a pod of the world: by namespace and pod name, else by
//! namespace and workload (`Kind/name`), else by address, else a pod made from the record's
//! own namespace and labels; a Service-only destination goes to the Service's backing pods.
//! An endpoint with only an address (or a node's) is outside the cluster.

use crate::labels::{Labels, Selector};
use crate::world::{Pod, World};
use hashbrown::HashMap;
use palisade_probe::Endpoint as FlowEnd;
use std::net::IpAddr;

/// Where an endpoint resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolved {
    /// `World::pods[index]`, reached at `ip` when the record gives one.
    Pod(usize, Option<IpAddr>),
    /// `Resolver::made()[index]`: a pod known only from the record.
    Made(usize, Option<IpAddr>),
    External(Option<IpAddr>),
}

/// Names to indices, looked up without allocating.
type ByName = HashMap<String, HashMap<String, usize>>;

/// A pod made from a record: namespace, `Kind/name`, labels.
type MadeKey = (String, String, Labels);

/// Resolves endpoints against a world; endpoints known only by their labels become pods of
/// their own (`made`).
#[derive(Debug, Default)]
pub struct Resolver {
    pods: ByName,
    workloads: ByName,
    addresses: HashMap<IpAddr, usize>,
    made: Vec<Pod>,
    made_index: HashMap<MadeKey, usize>,
}

impl Resolver {
    pub fn new(world: &World) -> Self {
        let mut r = Self::default();
        for (i, pod) in world.pods.iter().enumerate() {
            if pod.kind == "Pod" {
                r.pods
                    .entry(pod.namespace.clone())
                    .or_default()
                    .entry(pod.name.clone())
                    .or_insert(i);
            }
            r.workloads
                .entry(pod.namespace.clone())
                .or_default()
                .entry(pod.workload())
                .or_insert(i);
            for ip in &pod.ips {
                r.addresses.entry(*ip).or_insert(i);
            }
        }
        r
    }

    /// Pods made from records.
    pub fn made(&self) -> &[Pod] {
        &self.made
    }

    /// Resolves `end`.
    pub fn resolve(&mut self, world: &World, end: &FlowEnd) -> Resolved {
        let ip = end.ip;
        if end.host.is_some() {
            return Resolved::External(ip);
        }
        if let Some(ns) = &end.namespace {
            let lookup = |map: &ByName, key: &Option<String>| {
                map.get(ns.as_str())
                    .and_then(|m| m.get(key.as_deref()?))
                    .copied()
            };
            if let Some(i) = lookup(&self.pods, &end.pod) {
                return Resolved::Pod(i, ip);
            }
            if let Some(i) = lookup(&self.workloads, &end.workload) {
                return Resolved::Pod(i, ip);
            }
        }
        if let Some(i) = ip.and_then(|a| self.addresses.get(&a)) {
            return Resolved::Pod(*i, ip);
        }
        if let Some(ns) = &end.namespace
            && (!end.labels.is_empty() || end.pod.is_some() || end.workload.is_some())
        {
            return Resolved::Made(self.made_pod(ns, end), ip);
        }
        if let Some(i) = end.service.as_deref().and_then(|s| backing_pod(world, s)) {
            return Resolved::Pod(i, ip);
        }
        Resolved::External(ip)
    }

    fn made_pod(&mut self, ns: &str, end: &FlowEnd) -> usize {
        let (kind, name) = match (&end.workload, &end.pod) {
            (Some(w), _) => w
                .split_once('/')
                .map_or(("Pod", w.as_str()), |(k, n)| (k, n)),
            (None, Some(p)) => ("Pod", p.as_str()),
            (None, None) => ("Pod", ""),
        };
        let key = (ns.to_owned(), format!("{kind}/{name}"), end.labels.clone());
        if let Some(&i) = self.made_index.get(&key) {
            return i;
        }
        self.made.push(Pod {
            namespace: ns.to_owned(),
            name: name.to_owned(),
            kind: kind.to_owned(),
            labels: end.labels.clone(),
            ..Pod::default()
        });
        self.made_index.insert(key, self.made.len() - 1);
        self.made.len() - 1
    }
}

/// The first pod a Service (`namespace/name`) selects.
fn backing_pod(world: &World, service: &str) -> Option<usize> {
    let (ns, name) = service.split_once('/')?;
    let svc = world
        .services
        .iter()
        .find(|s| s.namespace == ns && s.name == name)?;
    let selector = Selector::from_labels(svc.selector.as_ref()?);
    world
        .pods
        .iter()
        .position(|p| p.namespace == ns && selector.matches(&p.labels))
}
