# Tests for RBAC-CLUSTER-ADMIN-BINDING (cluster_admin_binding.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.cluster_admin_binding_test

import data.palisade.rbac.cluster_admin_binding

binding(kind, ref_kind, ref_name, subjects) := {"review": {"kind": {"kind": kind}, "object": {
	"kind": kind,
	"metadata": {"name": "b", "namespace": "shop"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": ref_kind, "name": ref_name},
	"subjects": subjects,
}}}

ops := [{"kind": "Group", "name": "ops"}]

test_cluster_role_binding_to_cluster_admin_is_critical if {
	v := cluster_admin_binding.deny with input as binding("ClusterRoleBinding", "ClusterRole", "cluster-admin", ops)
	count(v) == 1
	some f in v
	f.path == "/roleRef/name"
	not f.severity
}

test_role_binding_to_cluster_admin_is_high if {
	v := cluster_admin_binding.deny with input as binding("RoleBinding", "ClusterRole", "cluster-admin", ops)
	{f.severity | some f in v} == {"high"}
}

test_other_roles_are_fine if {
	count(cluster_admin_binding.deny) == 0 with input as binding("ClusterRoleBinding", "ClusterRole", "view", ops)
}

test_role_named_cluster_admin_is_only_noted if {
	input_ := binding("RoleBinding", "Role", "cluster-admin", ops)
	count(cluster_admin_binding.deny) == 0 with input as input_
	count(cluster_admin_binding.warn) == 1 with input as input_
}

test_system_masters_subject if {
	v := cluster_admin_binding.deny with input as binding("RoleBinding", "Role", "reader", [{"kind": "User", "name": "a"}, {"kind": "Group", "name": "system:masters"}])
	{f.path | some f in v} == {"/subjects/1/name"}
}

test_inventory_superuser_role if {
	inv := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRole": {"root": {"rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}}}}}
	count(cluster_admin_binding.deny) == 1 with input as binding("ClusterRoleBinding", "ClusterRole", "root", ops) with data.inventory as inv
	count(cluster_admin_binding.deny) == 0 with input as binding("ClusterRoleBinding", "ClusterRole", "root", ops)
}
