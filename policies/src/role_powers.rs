//! The powers of the roles service accounts are bound to, judged by the RBAC rules themselves.
//!
//! RBAC-WORKLOAD-IDENTITY reports a workload whose service account holds a critical or high
//! power. What a role grants is exactly what the RBAC rules already judge on that role, so rather
//! than a second copy of their logic, the engine evaluates its own rules on every Role and
//! ClusterRole in the inventory that a binding gives to a service account, once per inventory,
//! and serves their findings as `data.palisade_facts["rbac.role_powers"]` (read by
//! `policies/rego/lib/rbac_identity.rego`, which documents the keys):
//!
//! - a ClusterRole bound by a ClusterRoleBinding is judged as it is (`ClusterRole//<name>`);
//! - a ClusterRole bound by a RoleBinding is judged as a Role in the binding's namespace
//!   (`ClusterRole/<ns>/<name>`): through a RoleBinding it grants only namespaced resources, and
//!   only there, which is what a Role there is judged on;
//! - a Role by a RoleBinding in its namespace (`Role/<ns>/<name>`).
//!
//! A power is a finding of medium severity or above (graded by its rule: a narrowed `low` Secret
//! read is not one) of an RBAC rule other than RBAC-WILDCARD, which judges how a rule is written;
//! what a wildcard reaches is judged by the others.

use crate::input::{UserInfo, from_object};
use crate::{Engine, Evaluator, Inventory, Severity};
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;

/// Key of the fact under `data.palisade_facts`.
pub(crate) const ROLE_POWERS_KEY: &str = "rbac.role_powers";

const RBAC: &str = "rbac.authorization.k8s.io/v1";

/// A role to judge: the object as it is judged and how messages name its scope.
struct Judged {
    object: Json,
    /// For a role bound by a RoleBinding: the namespace the messages' "its namespace" means.
    namespace: Option<String>,
}

impl Engine {
    /// The powers of every role a service account is bound to in `inventory` (the raw sync
    /// shape), evaluated against `served` (the same inventory with its first facts). A role whose
    /// evaluation fails has no entry: it is reported with its error where it is linted.
    ///
    /// `unions` is the aggregation fact (aggregating ClusterRole name → the rules it takes): a
    /// ClusterRole judged as a Role is no longer aggregated by the rules, so it is judged on the
    /// union here.
    pub(crate) fn role_powers(&self, inventory: &Json, served: &Inventory, unions: &Json) -> Json {
        let mut ev = self.evaluator();
        ev.set_inventory(served);
        let mut out = Map::new();
        for (key, judged) in roles_to_judge(inventory, unions) {
            if let Some(powers) = powers(&mut ev, &judged) {
                out.insert(key, powers);
            }
        }
        Json::Object(out)
    }
}

fn powers(ev: &mut Evaluator, judged: &Judged) -> Option<Json> {
    let input = from_object(&judged.object, &UserInfo::default());
    let decision = ev.evaluate(&input).ok()?;
    let powers = decision
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("RBAC-") && f.rule != "RBAC-WILDCARD")
        .filter(|f| f.severity >= Severity::Medium)
        .map(|f| {
            let msg = match &judged.namespace {
                Some(ns) => f
                    .message
                    .replace("its namespace", &format!("namespace {ns:?}")),
                None => f.message.clone(),
            };
            json!({"rule": f.rule, "severity": f.severity.as_str(), "msg": msg})
        })
        .collect();
    Some(Json::Array(powers))
}

/// The roles bound to service accounts, by fact key (see the module documentation).
fn roles_to_judge(inventory: &Json, unions: &Json) -> BTreeMap<String, Judged> {
    let mut out = BTreeMap::new();
    let cluster = inventory.get("cluster").and_then(|c| c.get(RBAC));
    let cluster_role = |name: &str| cluster?.get("ClusterRole")?.get(name);
    let cluster_bindings = cluster.and_then(|c| c.get("ClusterRoleBinding"));
    for binding in values(cluster_bindings) {
        let Some((kind, name)) = role_ref(binding) else {
            continue;
        };
        if kind != "ClusterRole" || !binds_service_accounts(binding) {
            continue;
        }
        if let Some(role) = cluster_role(name) {
            let judged = Judged {
                object: role.clone(),
                namespace: None,
            };
            out.insert(format!("ClusterRole//{name}"), judged);
        }
    }
    let namespaces = inventory.get("namespace").and_then(Json::as_object);
    for (ns, apis) in namespaces.into_iter().flatten() {
        let by_kind = apis.get(RBAC);
        let bindings = by_kind.and_then(|k| k.get("RoleBinding"));
        for binding in values(bindings) {
            let Some((kind, name)) = role_ref(binding) else {
                continue;
            };
            if !binds_service_accounts(binding) {
                continue;
            }
            let key = format!("{kind}/{ns}/{name}");
            let judged = match kind {
                "Role" => by_kind
                    .and_then(|k| k.get("Role"))
                    .and_then(|roles| roles.get(name))
                    .map(|role| Judged {
                        object: in_namespace(role.clone(), "Role", ns),
                        namespace: Some(ns.clone()),
                    }),
                "ClusterRole" => cluster_role(name).map(|role| Judged {
                    object: in_namespace(aggregated(role, unions.get(name)), "Role", ns),
                    namespace: Some(ns.clone()),
                }),
                _ => None,
            };
            if let Some(judged) = judged {
                out.insert(key, judged);
            }
        }
    }
    out
}

fn values(map: Option<&Json>) -> impl Iterator<Item = &Json> {
    map.and_then(Json::as_object)
        .into_iter()
        .flat_map(|m| m.values())
}

fn role_ref(binding: &Json) -> Option<(&str, &str)> {
    let r = binding.get("roleRef")?;
    Some((r.get("kind")?.as_str()?, r.get("name")?.as_str()?))
}

/// Whether any subject of `binding` is a service account or one of the service-account groups.
fn binds_service_accounts(binding: &Json) -> bool {
    let subjects = binding.get("subjects").and_then(Json::as_array);
    subjects.into_iter().flatten().any(|s| {
        let name = s.get("name").and_then(Json::as_str).unwrap_or_default();
        match s.get("kind").and_then(Json::as_str) {
            Some("ServiceAccount") => true,
            Some("User") => name.starts_with("system:serviceaccount:"),
            Some("Group") => name.starts_with("system:serviceaccounts"),
            _ => false,
        }
    })
}

/// `role` with the rules its aggregation gives it, when it aggregates (`union` is its entry in
/// the aggregation fact: `[{"rule": …, …}, …]`); `role` unchanged otherwise.
fn aggregated(role: &Json, union: Option<&Json>) -> Json {
    let mut role = role.clone();
    let (Some(map), Some(union)) = (role.as_object_mut(), union.and_then(Json::as_array)) else {
        return role;
    };
    if map.remove("aggregationRule").is_some() {
        let rules = union.iter().filter_map(|e| e.get("rule")).cloned();
        map.insert("rules".into(), Json::Array(rules.collect()));
    }
    role
}

/// `role` as a `kind` in namespace `ns` (a ClusterRole bound by a RoleBinding, or a Role whose
/// manifest leaves its namespace to the inventory's default).
fn in_namespace(mut role: Json, kind: &str, ns: &str) -> Json {
    if let Json::Object(map) = &mut role {
        map.insert("kind".into(), json!(kind));
        let meta = map.entry("metadata").or_insert_with(|| json!({}));
        if let Json::Object(meta) = meta {
            meta.insert("namespace".into(), json!(ns));
        }
    }
    role
}
