//! The ends of a suggested rule: the pods of one workload, selected by the workload's own
//! selector (never by labels controllers stamp on each pod), or an address block outside the
//! cluster.

use crate::cidr::Cidr;
use crate::labels::Labels;
use crate::resolve::Resolved;
use crate::world::{Pod, World};
use std::fmt;
use std::net::IpAddr;

/// One end of an aggregated connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    /// The pods of workload `workload` (`Kind/name`) in `namespace`, selected by `selector`
    /// (empty: nothing to select them by, so only "every pod of the namespace" reaches them).
    Pods {
        namespace: String,
        workload: String,
        selector: Labels,
        /// Read from the manifests (not only known from a flow record).
        in_manifests: bool,
    },
    /// Outside the cluster, or a node: an address or a block given by `--external-cidr`.
    External(Cidr),
}

impl Party {
    /// `namespace/Kind/name`, or the block.
    pub fn id(&self) -> String {
        self.to_string()
    }

    /// The namespace of in-cluster pods.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Self::Pods { namespace, .. } => Some(namespace),
            Self::External(_) => None,
        }
    }

    /// `(namespace, Kind/name)` of in-cluster pods.
    pub fn workload_key(&self) -> Option<(String, String)> {
        match self {
            Self::Pods {
                namespace,
                workload,
                ..
            } => Some((namespace.clone(), workload.clone())),
            Self::External(_) => None,
        }
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pods {
                namespace,
                workload,
                ..
            } => write!(f, "{namespace}/{workload}"),
            Self::External(cidr) => write!(f, "{cidr}"),
        }
    }
}

/// Whether a label is stamped by a controller on each pod (or each run) rather than written
/// in the template: such labels change with every rollout and never make a selector.
pub fn is_controller_label(key: &str) -> bool {
    matches!(
        key,
        "pod-template-hash"
            | "controller-revision-hash"
            | "pod-template-generation"
            | "statefulset.kubernetes.io/pod-name"
            | "apps.kubernetes.io/pod-index"
            | "job-name"
            | "controller-uid"
    ) || key.starts_with("batch.kubernetes.io/")
}

/// `labels` without controller-stamped ones.
pub fn selectable(labels: &Labels) -> Labels {
    labels
        .iter()
        .filter(|(k, _)| !is_controller_label(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The block an external address is allowed by: the first of `summaries` holding it, else
/// the address alone (`/32` or `/128`).
pub fn block_of(ip: IpAddr, summaries: &[Cidr]) -> Cidr {
    summaries
        .iter()
        .find(|c| c.contains(ip))
        .copied()
        .unwrap_or_else(|| Cidr::host(ip))
}

/// The party a resolved endpoint is (`made`: the resolver's pods known only from records).
/// Err says why no rule can name the endpoint.
pub fn party_of(
    world: &World,
    made: &[Pod],
    at: Resolved,
    summaries: &[Cidr],
) -> Result<Party, String> {
    match at {
        Resolved::Pod(_, ip) | Resolved::Made(_, ip) => {
            let (pod, in_manifests) = match at {
                Resolved::Pod(i, _) => (world.pods.get(i), true),
                Resolved::Made(i, _) => (made.get(i), false),
                Resolved::External(_) => (None, false),
            };
            let Some(pod) = pod else {
                return Err("an endpoint the world does not hold".into());
            };
            if pod.host_network {
                // NetworkPolicies never select host-network pods; only their address can.
                return match ip.or_else(|| pod.ips.first().copied()) {
                    Some(ip) => Ok(Party::External(block_of(ip, summaries))),
                    None => Err(format!(
                        "{}/{} uses the host network and no address is known for it",
                        pod.namespace,
                        pod.workload()
                    )),
                };
            }
            let selector = selectable(pod.selector.as_ref().unwrap_or(&pod.labels));
            Ok(Party::Pods {
                namespace: pod.namespace.clone(),
                workload: pod.workload(),
                selector,
                in_manifests,
            })
        }
        Resolved::External(Some(ip)) => Ok(Party::External(block_of(ip, summaries))),
        Resolved::External(None) => Err("an endpoint with no address, pod or workload".into()),
    }
}
