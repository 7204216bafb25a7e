//! Writing wg-policy reports (`wgpolicyk8s.io/v1alpha2` PolicyReport and ClusterPolicyReport)
//! for `palisade audit --write-reports`: each server-side applied with field manager
//! `palisade` (created or updated in one request; `results` and `summary` replaced whole), and
//! the reports an earlier run wrote whose scope is no longer reported emptied. The CRDs come with
//! Kyverno or the wg-policy prototypes; without them the API server answers 404 and the error
//! says so.

use crate::apply::FIELD_MANAGER;
use crate::error::ClusterError;
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::ApiResource;
use serde_json::Value;
use std::collections::BTreeSet;

/// The label on every report Palisade writes.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by=palisade";

fn resource(kind: &str) -> ApiResource {
    let plural = format!("{}s", kind.to_ascii_lowercase());
    let gvk = GroupVersionKind::gvk("wgpolicyk8s.io", "v1alpha2", kind);
    ApiResource::from_gvk_with_plural(&gvk, &plural)
}

fn api(client: &kube::Client, kind: &str, namespace: &str) -> Api<DynamicObject> {
    let r = resource(kind);
    if namespace.is_empty() {
        Api::all_with(client.clone(), &r)
    } else {
        Api::namespaced_with(client.clone(), namespace, &r)
    }
}

fn text<'a>(report: &'a Value, pointer: &str) -> &'a str {
    report
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn api_error(what: String) -> impl FnOnce(kube::Error) -> ClusterError {
    move |source| match source {
        kube::Error::Api(status) if status.code == 404 => ClusterError::Invalid(format!(
            "{what}: the API server does not serve wgpolicyk8s.io/v1alpha2 reports (404): \
             install the PolicyReport CRDs (they come with Kyverno, or from \
             kubernetes-sigs/wg-policy-prototypes) or drop --write-reports"
        )),
        source => ClusterError::Api { what, source },
    }
}

/// Applies every report (each named `name`), then empties the earlier reports (named `name`,
/// labelled as Palisade's) of scopes `reports` no longer covers; `empty(kind, namespace)`
/// builds such an empty one. Returns `(kind, namespace)` of every report written, emptied ones
/// included.
pub async fn write_reports(
    client: &kube::Client,
    name: &str,
    reports: &[Value],
    empty: &dyn Fn(&str, &str) -> Value,
) -> Result<Vec<(String, String)>, ClusterError> {
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let mut written = Vec::new();
    for report in reports {
        let (kind, ns) = (text(report, "/kind"), text(report, "/metadata/namespace"));
        let what = format!(
            "{kind} {}{name}",
            if ns.is_empty() {
                String::new()
            } else {
                format!("{ns}/")
            }
        );
        api(client, kind, ns)
            .patch(name, &params, &Patch::Apply(report))
            .await
            .map_err(api_error(what))?;
        written.push((kind.to_string(), ns.to_string()));
    }
    let covered: BTreeSet<(String, String)> = written.iter().cloned().collect();
    for kind in ["PolicyReport", "ClusterPolicyReport"] {
        let listed = api(client, kind, "")
            .list(&ListParams::default().labels(MANAGED_BY))
            .await
            .map_err(api_error(format!("listing {kind}s")))?;
        for old in listed.items {
            let ns = old.metadata.namespace.clone().unwrap_or_default();
            let ours = old.metadata.name.as_deref() == Some(name);
            if !ours || covered.contains(&(kind.to_string(), ns.clone())) {
                continue;
            }
            api(client, kind, &ns)
                .patch(name, &params, &Patch::Apply(empty(kind, &ns)))
                .await
                .map_err(api_error(format!("emptying {kind} {ns}/{name}")))?;
            written.push((kind.to_string(), ns));
        }
    }
    Ok(written)
}
