# Tests for where a role's rules reach (rbac_scope.rego).
package palisade.lib.rbac_scope_test

import data.palisade.lib.rbac_scope

review(kind, name) := {"review": {"object": {"kind": kind, "metadata": {"name": name, "namespace": "ns"}}}}

crb(name, kind, role) := {"kind": "ClusterRoleBinding", "metadata": {"name": name}, "roleRef": {"kind": kind, "name": role}}

inventory(bindings) := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRoleBinding": {b.metadata.name: b | some b in bindings}}}}

test_a_role_reaches_its_namespace if {
	rbac_scope.scope == "its namespace" with input as review("Role", "r")
}

test_an_unbound_cluster_role_reaches_where_it_is_bound if {
	rbac_scope.scope == "any namespace it is bound in" with input as review("ClusterRole", "reader")
	s := rbac_scope.scope with input as review("ClusterRole", "reader")
		with data.inventory as inventory([crb("other", "ClusterRole", "viewer"), crb("odd", "Role", "reader")])
	s == "any namespace it is bound in"
}

test_a_cluster_role_binding_reaches_every_namespace if {
	s := rbac_scope.scope with input as review("ClusterRole", "reader")
		with data.inventory as inventory([crb("b", "ClusterRole", "reader"), crb("a", "ClusterRole", "reader"), crb("c", "ClusterRole", "viewer")])
	s == "every namespace (through the ClusterRoleBinding a, b)"
}

test_served_facts_are_read_first if {
	s := rbac_scope.scope with input as review("ClusterRole", "reader")
		with data.palisade_facts as {"palisade.lib.rbac_scope.computed": {"reader": ["served"]}}
	s == "every namespace (through the ClusterRoleBinding served)"
}
