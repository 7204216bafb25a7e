# Where a Role's or ClusterRole's rules reach: a Role, its namespace; a ClusterRole, any namespace
# a binding grants it in, and every namespace only when a ClusterRoleBinding binds it (in
# data.inventory: the linter's file set, the webhook's cluster). A package of its own, apart from
# palisade.lib.rbac, so that only the rules whose messages say where they reach read the inventory.
package palisade.lib.rbac_scope

obj := input.review.object

scope := "its namespace" if obj.kind == "Role"

scope := sprintf("every namespace (through the ClusterRoleBinding %s)", [data.palisade.lib.rbac.list(names)]) if {
	obj.kind == "ClusterRole"
	names := bindings[obj.metadata.name]
}

scope := "any namespace it is bound in" if {
	obj.kind == "ClusterRole"
	not bindings[obj.metadata.name]
}

# ClusterRole name → the names of the ClusterRoleBindings that bind it, sorted. It depends on the
# inventory alone, so the engine evaluates `binding_pairs` once per inventory, groups the pairs by
# role (in linear time; `computed` is quadratic in the number of bindings) and serves the result
# as data.palisade_facts["palisade.lib.rbac_scope.computed"]; without that entry (Rego tests, say)
# `computed` is evaluated here. Two definitions rather than `else` (see rbac_admin_subjects.rego).
bindings := data.palisade_facts["palisade.lib.rbac_scope.computed"]

bindings := computed if not data.palisade_facts["palisade.lib.rbac_scope.computed"]

computed[role] := sort(names) if {
	some b in cluster_role_bindings
	role := b.roleRef.name
	names := [name | some name, c in cluster_role_bindings; c.roleRef.name == role]
}

# [ClusterRole name, ClusterRoleBinding name] for every binding of a ClusterRole.
binding_pairs contains [b.roleRef.name, name] if {
	some name, b in cluster_role_bindings
}

# The inventory's ClusterRoleBindings to ClusterRoles, by name.
cluster_role_bindings[name] := b if {
	some name, b in data.inventory.cluster["rbac.authorization.k8s.io/v1"].ClusterRoleBinding
	b.roleRef.kind == "ClusterRole"
	is_string(b.roleRef.name)
}
