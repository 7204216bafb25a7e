//! The two questions: who may make a request, and what a subject may do. Both walk every binding,
//! its role and its rules, and keep the chain of each answer.

use super::model::{Binding, Located, Rbac, Role, Rule, SubjectRef};
use super::subject::Subject;
use serde::Serialize;

/// A request, as `kubectl auth can-i VERB RESOURCE [-n NS] [NAME]` asks it.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub verb: String,
    /// API group ("" for the core group).
    pub group: String,
    pub resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subresource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Resources that live outside namespaces: a Role, or a RoleBinding, grants nothing on them.
const CLUSTER_SCOPED: [&str; 22] = [
    "nodes",
    "namespaces",
    "persistentvolumes",
    "clusterroles",
    "clusterrolebindings",
    "customresourcedefinitions",
    "apiservices",
    "certificatesigningrequests",
    "storageclasses",
    "validatingwebhookconfigurations",
    "mutatingwebhookconfigurations",
    "priorityclasses",
    "csidrivers",
    "csinodes",
    "runtimeclasses",
    "ingressclasses",
    "volumeattachments",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicybindings",
    "signers",
];

/// The API group of built-in resources outside the core group, by plural name: a bare
/// `deployments` means `deployments.apps`, as kubectl's discovery resolves it (`kubectl auth can-i
/// update deployments`). A name not listed is in the core group unless a group is given.
const GROUPS: [(&str, &str); 37] = [
    ("deployments", "apps"),
    ("daemonsets", "apps"),
    ("statefulsets", "apps"),
    ("replicasets", "apps"),
    ("controllerrevisions", "apps"),
    ("jobs", "batch"),
    ("cronjobs", "batch"),
    ("ingresses", "networking.k8s.io"),
    ("ingressclasses", "networking.k8s.io"),
    ("networkpolicies", "networking.k8s.io"),
    ("roles", "rbac.authorization.k8s.io"),
    ("rolebindings", "rbac.authorization.k8s.io"),
    ("clusterroles", "rbac.authorization.k8s.io"),
    ("clusterrolebindings", "rbac.authorization.k8s.io"),
    ("poddisruptionbudgets", "policy"),
    ("horizontalpodautoscalers", "autoscaling"),
    ("storageclasses", "storage.k8s.io"),
    ("csidrivers", "storage.k8s.io"),
    ("csinodes", "storage.k8s.io"),
    ("csistoragecapacities", "storage.k8s.io"),
    ("volumeattachments", "storage.k8s.io"),
    ("customresourcedefinitions", "apiextensions.k8s.io"),
    ("apiservices", "apiregistration.k8s.io"),
    ("certificatesigningrequests", "certificates.k8s.io"),
    ("signers", "certificates.k8s.io"),
    (
        "validatingwebhookconfigurations",
        "admissionregistration.k8s.io",
    ),
    (
        "mutatingwebhookconfigurations",
        "admissionregistration.k8s.io",
    ),
    (
        "validatingadmissionpolicies",
        "admissionregistration.k8s.io",
    ),
    (
        "validatingadmissionpolicybindings",
        "admissionregistration.k8s.io",
    ),
    ("mutatingadmissionpolicies", "admissionregistration.k8s.io"),
    (
        "mutatingadmissionpolicybindings",
        "admissionregistration.k8s.io",
    ),
    ("priorityclasses", "scheduling.k8s.io"),
    ("runtimeclasses", "node.k8s.io"),
    ("leases", "coordination.k8s.io"),
    ("endpointslices", "discovery.k8s.io"),
    ("tokenreviews", "authentication.k8s.io"),
    ("subjectaccessreviews", "authorization.k8s.io"),
];

impl Request {
    /// `RESOURCE` as kubectl takes it: `pods`, `deployments` (the group of a built-in resource
    /// is found as kubectl finds it), `deployments.apps`, `pods/exec`, `deployments.apps/scale`.
    pub fn new(
        verb: &str,
        resource: &str,
        namespace: Option<String>,
        name: Option<String>,
    ) -> Result<Request, String> {
        let (main, sub) = match resource.split_once('/') {
            Some((m, s)) => (m, Some(s.to_string())),
            None => (resource, None),
        };
        let (res, group) = main.split_once('.').unwrap_or_else(|| {
            let known = GROUPS.iter().find(|(r, _)| *r == main);
            (main, known.map_or("", |(_, g)| g))
        });
        if verb.is_empty() || res.is_empty() || sub.as_deref() == Some("") {
            return Err(format!(
                "bad request `{verb} {resource}`: expected VERB RESOURCE[.GROUP][/SUBRESOURCE]"
            ));
        }
        Ok(Request {
            verb: verb.to_string(),
            group: group.to_string(),
            resource: res.to_string(),
            subresource: sub,
            namespace,
            name,
        })
    }

    fn cluster_scoped(&self) -> bool {
        CLUSTER_SCOPED.contains(&self.resource.as_str())
    }
}

/// One chain: subject ← binding → role → rule, and where it holds.
#[derive(Debug, Clone, Serialize)]
pub struct Grant {
    pub subject: SubjectRef,
    pub binding: String,
    pub binding_at: Located,
    pub role: String,
    /// None for cluster-admin, which is not in the files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_at: Option<Located>,
    /// The rule index (None for cluster-admin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_detail: Option<Rule>,
    /// "cluster-wide" or `namespace "NS"`.
    pub scope: String,
}

/// A who-can answer: a grant, and the names it is limited to when resourceNames narrow it.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    #[serde(flatten)]
    pub grant: Grant,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_names: Vec<String>,
}

fn pattern(list: &[String], value: &str) -> bool {
    list.iter().any(|v| v == "*" || v == value)
}

/// Whether `rule` grants the request, and to which names: Some(vec![]) for any name.
fn grants(rule: &Rule, req: &Request) -> Option<Vec<String>> {
    let full = match &req.subresource {
        Some(sub) => format!("{}/{sub}", req.resource),
        None => req.resource.clone(),
    };
    let resource_ok = rule.resources.iter().any(|r| {
        r == "*"
            || *r == full
            || req
                .subresource
                .as_ref()
                .is_some_and(|s| *r == format!("*/{s}"))
    });
    if !pattern(&rule.verbs, &req.verb) || !pattern(&rule.api_groups, &req.group) || !resource_ok {
        return None;
    }
    if rule.resource_names.is_empty() {
        return Some(Vec::new());
    }
    let unnamed =
        req.subresource.is_none() && matches!(req.verb.as_str(), "create" | "deletecollection");
    match &req.name {
        _ if unnamed => None,
        Some(name) => rule.resource_names.contains(name).then(Vec::new),
        None => Some(rule.resource_names.clone()),
    }
}

/// Every binding whose role is known (in the files, or cluster-admin), with its role and where
/// it grants: `cluster-wide` for a ClusterRoleBinding, the namespace of a RoleBinding.
fn chains(rbac: &Rbac) -> impl Iterator<Item = (&Binding, Option<&Role>, String)> {
    rbac.bindings.iter().filter_map(move |b| {
        let scope = match &b.namespace {
            Some(ns) => format!("namespace {ns:?}"),
            None => "cluster-wide".to_string(),
        };
        let role = rbac.role_of(b);
        let admin = b.role_kind == "ClusterRole" && b.role_name == "cluster-admin";
        (role.is_some() || admin).then_some((b, role, scope))
    })
}

fn grant(
    subject: &SubjectRef,
    b: &Binding,
    role: Option<&Role>,
    rule: Option<&Rule>,
    scope: &str,
) -> Grant {
    let binding = match &b.namespace {
        Some(ns) => format!("{} {ns}/{}", b.kind, b.name),
        None => format!("{} {}", b.kind, b.name),
    };
    let role_text = match role.and_then(|r| r.namespace.as_ref()) {
        Some(ns) => format!("{} {ns}/{}", b.role_kind, b.role_name),
        None => format!("{} {}", b.role_kind, b.role_name),
    };
    Grant {
        subject: subject.clone(),
        binding,
        binding_at: b.at.clone(),
        role: role_text,
        role_at: role.map(|r| r.at.clone()),
        rule: rule.map(|r| r.index),
        rule_detail: rule.cloned(),
        scope: scope.to_string(),
    }
}

/// Every subject the bindings allow to make `req`, each with its chain.
pub fn who_can(rbac: &Rbac, req: &Request) -> Vec<Answer> {
    let mut out = Vec::new();
    for (b, role, scope) in chains(rbac) {
        if b.namespace.is_some() && req.cluster_scoped() {
            continue;
        }
        if let (Some(ns), Some(want)) = (&b.namespace, &req.namespace)
            && ns != want
        {
            continue;
        }
        let matched: Vec<(Option<&Rule>, Vec<String>)> = match role {
            Some(role) => role
                .rules
                .iter()
                .filter_map(|r| grants(r, req).map(|n| (Some(r), n)))
                .collect(),
            None => vec![(None, Vec::new())],
        };
        for (rule, only_names) in matched {
            for s in &b.subjects {
                let grant = grant(s, b, role, rule, &scope);
                out.push(Answer {
                    grant,
                    only_names: only_names.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.grant.subject, &a.grant.binding, a.grant.rule).cmp(&(
            &b.grant.subject,
            &b.grant.binding,
            b.grant.rule,
        ))
    });
    out
}

/// Every rule the bindings give `subject`, each with its chain.
pub fn show(rbac: &Rbac, subject: &Subject) -> Vec<Grant> {
    let mut out = Vec::new();
    for (b, role, scope) in chains(rbac) {
        for s in b.subjects.iter().filter(|s| subject.named_by(s)) {
            match role {
                Some(role) => out.extend(
                    role.rules
                        .iter()
                        .map(|r| grant(s, b, Some(role), Some(r), &scope)),
                ),
                None => out.push(grant(s, b, None, None, &scope)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Request;

    fn group_of(resource: &str) -> String {
        Request::new("get", resource, None, None)
            .unwrap_or_else(|e| panic!("{e}"))
            .group
    }

    #[test]
    fn a_bare_built_in_resource_gets_its_group_as_kubectl_finds_it() {
        assert_eq!(group_of("deployments"), "apps");
        assert_eq!(group_of("deployments/scale"), "apps");
        assert_eq!(group_of("cronjobs"), "batch");
        assert_eq!(group_of("clusterroles"), "rbac.authorization.k8s.io");
        assert_eq!(group_of("pods"), "");
        assert_eq!(group_of("pods/exec"), "");
        // A group given is kept, a custom resource without one is read in the core group.
        assert_eq!(group_of("deployments.example.com"), "example.com");
        assert_eq!(group_of("widgets"), "");
    }
}
