# Who holds cluster-admin, from the rule under review and data.inventory. Kept apart from
# palisade.lib.rbac so that only the rules that ask pay for walking the inventory.
package palisade.lib.rbac_admin

# ClusterRoles that grant everything: cluster-admin, and any ClusterRole in data.inventory
# (Gatekeeper's sync shape) with a rule that is `*` in apiGroups, resources and verbs.
admin_cluster_role(name) if name == "cluster-admin"

admin_cluster_role(name) if {
	role := data.inventory.cluster["rbac.authorization.k8s.io/v1"].ClusterRole[name]
	some r in data.palisade.lib.rbac.array_or_empty(role, "rules")
	data.palisade.lib.rbac.full_wildcard(data.palisade.lib.rbac.normalized(r))
}

admin_role_ref(ref) if {
	ref.kind == "ClusterRole"
	admin_cluster_role(ref.name)
}

# Subjects (kind and name) that hold cluster-admin: the group system:masters (always, by the
# API server's own bootstrap binding), and the subjects of ClusterRoleBindings in data.inventory
# whose role grants everything. Service accounts match by name in any namespace.
admin_subject(kind, name) if {
	kind == "Group"
	name == "system:masters"
}

admin_subject(kind, name) if {
	{"kind": kind, "name": name} in data.palisade.lib.rbac_admin_subjects.subjects
}
