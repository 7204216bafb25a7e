//! Reading what a cluster holds, a page at a time (`limit` + `continue`), for `palisade audit`:
//! memory holds one page, whatever the cluster's size. Objects come as the inventory holds them
//! (`apiVersion` and `kind` set, `managedFields` and the last-applied copy dropped).

use crate::error::ClusterError;
use crate::kinds::{full_object, trim};
use kube::api::{Api, DynamicObject, GroupVersionKind, ListParams};
use kube::discovery::ApiResource;
use serde_json::Value;

/// (group, version, kind, plural) of the built-in kinds `palisade audit` reads: every kind a
/// built-in rule judges.
const AUDITED: [(&str, &str, &str, &str); 14] = [
    ("", "v1", "Pod", "pods"),
    ("", "v1", "ReplicationController", "replicationcontrollers"),
    ("apps", "v1", "Deployment", "deployments"),
    ("apps", "v1", "ReplicaSet", "replicasets"),
    ("apps", "v1", "StatefulSet", "statefulsets"),
    ("apps", "v1", "DaemonSet", "daemonsets"),
    ("batch", "v1", "Job", "jobs"),
    ("batch", "v1", "CronJob", "cronjobs"),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles"),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
    ),
    (
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
    ),
    ("", "v1", "Namespace", "namespaces"),
];

/// The kinds `palisade audit` reads, in a fixed order (workloads first).
pub fn audited() -> Vec<ApiResource> {
    AUDITED
        .iter()
        .map(|(group, version, kind, plural)| {
            ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural)
        })
        .collect()
}

/// The apiVersion of an audited kind (`apps/v1` for Deployment); `v1` for others.
pub fn api_version(kind: &str) -> String {
    match AUDITED.iter().find(|(_, _, k, _)| *k == kind) {
        Some(("", version, _, _)) => (*version).to_string(),
        Some((group, version, _, _)) => format!("{group}/{version}"),
        None => "v1".to_string(),
    }
}

/// Lists every object of `resource` in every namespace, `page_size` at a time, handing each page
/// to `each` before the next is asked for.
pub async fn list_pages(
    client: &kube::Client,
    resource: &ApiResource,
    page_size: u32,
    each: &mut dyn FnMut(Vec<Value>),
) -> Result<(), ClusterError> {
    let api = Api::<DynamicObject>::all_with(client.clone(), resource);
    let mut token: Option<String> = None;
    loop {
        let mut params = ListParams::default().limit(page_size.max(1));
        if let Some(t) = &token {
            params = params.continue_token(t);
        }
        let page = api
            .list(&params)
            .await
            .map_err(|source| ClusterError::Api {
                what: format!("listing {}", resource.plural),
                source,
            })?;
        token = page.metadata.continue_.clone().filter(|t| !t.is_empty());
        let objects = page
            .items
            .into_iter()
            .map(|mut o| {
                trim(&mut o.metadata);
                full_object(resource, &o)
            })
            .collect();
        each(objects);
        if token.is_none() {
            return Ok(());
        }
    }
}
