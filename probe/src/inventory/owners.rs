//! Owning workload of a pod, as `Kind/name`: from ownerReferences followed through the
//! inventory's ReplicaSets (→ Deployment) and Jobs (→ CronJob), or, when those objects are not
//! in the inventory (or the source has no ownerReferences, like flow captures), from the
//! labels the controllers stamp on their pods.

use std::collections::{BTreeMap, HashMap};

/// Labels that differ between pods of one workload; dropped from flow records so that all
/// pods of a workload carry the same labels.
pub const INSTANCE_LABELS: &[&str] = &[
    "pod-template-hash",
    "controller-revision-hash",
    "pod-template-generation",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-completion-index",
];

/// An ownerReference, reduced to what resolution needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub kind: String,
    pub name: String,
    pub controller: bool,
}

/// Owners of the inventory's ReplicaSets and Jobs, by (namespace, name).
#[derive(Debug, Default)]
pub struct OwnerIndex {
    pub replica_sets: HashMap<(String, String), Vec<Owner>>,
    pub jobs: HashMap<(String, String), Vec<Owner>>,
}

/// The managing owner: the one marked `controller: true`, else the first.
pub fn controller_of(owners: &[Owner]) -> Option<&Owner> {
    owners
        .iter()
        .find(|o| o.controller)
        .or_else(|| owners.first())
}

impl OwnerIndex {
    /// Resolves a pod's workload. `None` for bare pods and mirror pods (owned by a Node).
    pub fn workload(
        &self,
        namespace: &str,
        pod_name: &str,
        owners: &[Owner],
        labels: &BTreeMap<String, String>,
    ) -> Option<String> {
        let Some(owner) = controller_of(owners) else {
            return workload_from_labels(pod_name, labels);
        };
        let key = (namespace.to_owned(), owner.name.clone());
        match owner.kind.as_str() {
            "ReplicaSet" => match self.replica_sets.get(&key) {
                Some(rs_owners) => Some(match controller_of(rs_owners) {
                    Some(top) => format!("{}/{}", top.kind, top.name),
                    None => format!("ReplicaSet/{}", owner.name),
                }),
                None => Some(deployment_of_replica_set(&owner.name, labels)),
            },
            "Job" => match self.jobs.get(&key) {
                Some(job_owners) => Some(match controller_of(job_owners) {
                    Some(top) => format!("{}/{}", top.kind, top.name),
                    None => format!("Job/{}", owner.name),
                }),
                None => Some(cron_job_of_job(&owner.name)),
            },
            "Node" => None,
            kind => Some(format!("{kind}/{}", owner.name)),
        }
    }
}

/// `Deployment/x` for a ReplicaSet named `x-<pod-template-hash>`, else `ReplicaSet/name`.
fn deployment_of_replica_set(rs_name: &str, labels: &BTreeMap<String, String>) -> String {
    if let Some(hash) = labels.get("pod-template-hash")
        && let Some(base) = rs_name
            .strip_suffix(hash.as_str())
            .and_then(|b| b.strip_suffix('-'))
        && !base.is_empty()
    {
        return format!("Deployment/{base}");
    }
    format!("ReplicaSet/{rs_name}")
}

/// `CronJob/x` for a Job named `x-<scheduled minute>` (8 or more digits), else `Job/name`.
fn cron_job_of_job(job_name: &str) -> String {
    if let Some((base, suffix)) = job_name.rsplit_once('-')
        && suffix.len() >= 8
        && suffix.bytes().all(|b| b.is_ascii_digit())
        && !base.is_empty()
    {
        return format!("CronJob/{base}");
    }
    format!("Job/{job_name}")
}

/// Infers the workload from controller-stamped labels and the pod's generated name.
pub fn workload_from_labels(pod_name: &str, labels: &BTreeMap<String, String>) -> Option<String> {
    if let Some(hash) = labels.get("pod-template-hash") {
        let rs = pod_name.rsplit_once('-').map_or(pod_name, |(rs, _)| rs);
        if rs.ends_with(hash.as_str()) {
            return Some(deployment_of_replica_set(rs, labels));
        }
    }
    let job = labels
        .get("batch.kubernetes.io/job-name")
        .or_else(|| labels.get("job-name"));
    if let Some(job) = job {
        return Some(cron_job_of_job(job));
    }
    if labels.contains_key("controller-revision-hash") {
        let (base, suffix) = pod_name.rsplit_once('-')?;
        if labels
            .get("statefulset.kubernetes.io/pod-name")
            .map(String::as_str)
            == Some(pod_name)
            && suffix.bytes().all(|b| b.is_ascii_digit())
        {
            return Some(format!("StatefulSet/{base}"));
        }
        if labels.contains_key("pod-template-generation") {
            return Some(format!("DaemonSet/{base}"));
        }
    }
    None
}

/// Pod labels without [`INSTANCE_LABELS`].
pub fn workload_labels(labels: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    labels
        .iter()
        .filter(|(k, _)| !INSTANCE_LABELS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn owner(kind: &str, name: &str) -> Vec<Owner> {
        vec![Owner {
            kind: kind.into(),
            name: name.into(),
            controller: true,
        }]
    }

    #[test]
    fn replica_set_resolves_to_its_deployment_through_the_index() {
        let mut index = OwnerIndex::default();
        index.replica_sets.insert(
            ("shop".into(), "web-5d9c".into()),
            owner("Deployment", "web"),
        );
        let got = index.workload(
            "shop",
            "web-5d9c-abcde",
            &owner("ReplicaSet", "web-5d9c"),
            &labels(&[]),
        );
        assert_eq!(got.as_deref(), Some("Deployment/web"));
        let orphan = index.workload("shop", "x-1", &owner("ReplicaSet", "x"), &labels(&[]));
        assert_eq!(orphan.as_deref(), Some("ReplicaSet/x"));
    }

    #[test]
    fn missing_owners_fall_back_to_names_and_labels() {
        let index = OwnerIndex::default();
        let hash = labels(&[("pod-template-hash", "7f8b6c")]);
        let got = index.workload(
            "a",
            "api-7f8b6c-xyz12",
            &owner("ReplicaSet", "api-7f8b6c"),
            &hash,
        );
        assert_eq!(got.as_deref(), Some("Deployment/api"));
        let cron = index.workload(
            "a",
            "backup-28930140-q",
            &owner("Job", "backup-28930140"),
            &hash,
        );
        assert_eq!(cron.as_deref(), Some("CronJob/backup"));
        assert_eq!(index.workload("a", "p", &owner("Node", "n1"), &hash), None);
        assert_eq!(
            index
                .workload("a", "db-0", &owner("StatefulSet", "db"), &hash)
                .as_deref(),
            Some("StatefulSet/db")
        );
    }

    #[test]
    fn labels_alone_identify_common_controllers() {
        let deploy = labels(&[("app", "web"), ("pod-template-hash", "5d9c")]);
        assert_eq!(
            workload_from_labels("web-5d9c-abcde", &deploy).as_deref(),
            Some("Deployment/web")
        );
        let sts = labels(&[
            ("controller-revision-hash", "db-6b"),
            ("statefulset.kubernetes.io/pod-name", "db-2"),
        ]);
        assert_eq!(
            workload_from_labels("db-2", &sts).as_deref(),
            Some("StatefulSet/db")
        );
        let ds = labels(&[
            ("controller-revision-hash", "1"),
            ("pod-template-generation", "1"),
        ]);
        assert_eq!(
            workload_from_labels("agent-x7k2p", &ds).as_deref(),
            Some("DaemonSet/agent")
        );
        assert_eq!(
            workload_from_labels("solo", &labels(&[("app", "solo")])),
            None
        );
        assert_eq!(workload_labels(&deploy), labels(&[("app", "web")]));
    }
}
