# The subjects of ClusterRoleBindings in data.inventory whose role grants everything. A complete
# rule in a package of its own: it is computed at most once per evaluation, and only by the
# rules that check a name against it.
package palisade.lib.rbac_admin_subjects

subjects contains {"kind": s.kind, "name": s.name} if {
	some b in data.inventory.cluster["rbac.authorization.k8s.io/v1"].ClusterRoleBinding
	data.palisade.lib.rbac_admin.admin_role_ref(b.roleRef)
	some s in data.palisade.lib.rbac.array_or_empty(b, "subjects")
}

