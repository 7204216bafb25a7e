//! From a flow record's endpoint to a pod of the world: by namespace and pod name, else by
//! namespace and workload (`Kind/name`), else by address, else a pod made from the record's
//! own namespace and labels; a Service-only destination goes to the Service's backing pods.
//! An endpoint with only an address (or a node's) is outside the cluster.

use crate::labels::Selector;
use crate::world::{Pod, World};
use palisade_probe::Endpoint as FlowEnd;
use std::collections::HashMap;
use std::net::IpAddr;

/// Where an endpoint resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolved {
    /// `World::pods[index]`, reached at `ip` when the record gives one.
    Pod(usize, Option<IpAddr>),
    External(Option<IpAddr>),
}

/// How an endpoint was found, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    PodName,
    Workload,
    Address,
    Labels,
    Service,
    External,
}

/// A pod made from a record: namespace, `Kind/name`, labels.
type MadeKey = (String, String, crate::labels::Labels);

/// Resolves endpoints against a world, adding pods for endpoints known only by their labels.
#[derive(Debug)]
pub struct Resolver {
    world: World,
    pods: HashMap<(String, String), usize>,
    workloads: HashMap<(String, String), usize>,
    addresses: HashMap<IpAddr, usize>,
    made: HashMap<MadeKey, usize>,
}

impl Resolver {
    pub fn new(world: World) -> Self {
        let mut pods = HashMap::new();
        let mut workloads = HashMap::new();
        let mut addresses = HashMap::new();
        for (i, pod) in world.pods.iter().enumerate() {
            if pod.kind == "Pod" {
                pods.entry((pod.namespace.clone(), pod.name.clone()))
                    .or_insert(i);
            }
            workloads
                .entry((pod.namespace.clone(), pod.workload()))
                .or_insert(i);
            for ip in &pod.ips {
                addresses.entry(*ip).or_insert(i);
            }
        }
        Self {
            world,
            pods,
            workloads,
            addresses,
            made: HashMap::new(),
        }
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// Resolves `end`; `port` is the flow's destination port when `end` is the destination.
    pub fn resolve(&mut self, end: &FlowEnd) -> (Resolved, Match) {
        let ip = end.ip;
        if end.host.is_some() {
            return (Resolved::External(ip), Match::External);
        }
        if let Some(ns) = &end.namespace {
            if let Some(pod) = &end.pod
                && let Some(&i) = self.pods.get(&(ns.clone(), pod.clone()))
            {
                return (Resolved::Pod(i, ip), Match::PodName);
            }
            if let Some(workload) = &end.workload
                && let Some(&i) = self.workloads.get(&(ns.clone(), workload.clone()))
            {
                return (Resolved::Pod(i, ip), Match::Workload);
            }
        }
        if let Some(addr) = ip
            && let Some(&i) = self.addresses.get(&addr)
        {
            return (Resolved::Pod(i, ip), Match::Address);
        }
        if let Some(ns) = &end.namespace
            && (!end.labels.is_empty() || end.pod.is_some() || end.workload.is_some())
        {
            return (Resolved::Pod(self.made_pod(ns, end), ip), Match::Labels);
        }
        if let Some(service) = &end.service
            && let Some(i) = self.backing_pod(service)
        {
            return (Resolved::Pod(i, ip), Match::Service);
        }
        (Resolved::External(ip), Match::External)
    }

    /// A pod made from the record: its namespace and labels, no ports.
    fn made_pod(&mut self, ns: &str, end: &FlowEnd) -> usize {
        let (kind, name) = match (&end.workload, &end.pod) {
            (Some(w), _) => w
                .split_once('/')
                .map_or(("Pod", w.as_str()), |(k, n)| (k, n)),
            (None, Some(p)) => ("Pod", p.as_str()),
            (None, None) => ("Pod", ""),
        };
        let key = (ns.to_owned(), format!("{kind}/{name}"), end.labels.clone());
        if let Some(&i) = self.made.get(&key) {
            return i;
        }
        let i = self.world.push_pod(Pod {
            namespace: ns.to_owned(),
            name: name.to_owned(),
            kind: kind.to_owned(),
            labels: end.labels.clone(),
            ..Pod::default()
        });
        self.made.insert(key, i);
        i
    }

    /// The first pod a Service (`namespace/name`) selects.
    fn backing_pod(&self, service: &str) -> Option<usize> {
        let (ns, name) = service.split_once('/')?;
        let svc = self
            .world
            .services
            .iter()
            .find(|s| s.namespace == ns && s.name == name)?;
        let selector = Selector::from_labels(svc.selector.as_ref()?);
        self.world
            .pods
            .iter()
            .position(|p| p.namespace == ns && selector.matches(&p.labels))
    }
}
