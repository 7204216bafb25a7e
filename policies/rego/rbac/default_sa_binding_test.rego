# Tests for RBAC-DEFAULT-SA-BINDING (default_sa_binding.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.default_sa_binding_test

import data.palisade.rbac.default_sa_binding

binding(kind, ref_name, subjects) := {"review": {"kind": {"kind": kind}, "object": {
	"kind": kind,
	"metadata": {"name": "b", "namespace": "shop"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": ref_name},
	"subjects": subjects,
}}}

default_sa := {"kind": "ServiceAccount", "name": "default", "namespace": "shop"}

by_path(findings) := {f.path: f.severity | some f in findings}

test_role_binding_to_default_is_medium if {
	v := default_sa_binding.deny with input as binding("RoleBinding", "edit", [{"kind": "ServiceAccount", "name": "web", "namespace": "shop"}, default_sa])
	by_path(v) == {"/subjects/1/name": "medium"}
}

test_cluster_role_binding_to_default_is_high if {
	v := default_sa_binding.deny with input as binding("ClusterRoleBinding", "view", [default_sa])
	by_path(v) == {"/subjects/0/name": "high"}
}

test_cluster_admin_to_default_is_critical if {
	v := default_sa_binding.deny with input as binding("RoleBinding", "cluster-admin", [default_sa])
	by_path(v) == {"/subjects/0/name": "critical"}
}

test_service_account_groups if {
	v := default_sa_binding.deny with input as binding("RoleBinding", "view", [{"kind": "Group", "name": "system:serviceaccounts"}, {"kind": "Group", "name": "system:serviceaccounts:shop"}])
	by_path(v) == {"/subjects/0/name": "high", "/subjects/1/name": "medium"}
}

test_dedicated_service_account_passes if {
	count(default_sa_binding.deny) == 0 with input as binding("RoleBinding", "edit", [{"kind": "ServiceAccount", "name": "web", "namespace": "shop"}, {"kind": "User", "name": "default"}])
}
