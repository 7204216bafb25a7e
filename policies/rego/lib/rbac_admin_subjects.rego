# The subjects of ClusterRoleBindings in data.inventory whose role grants everything. It depends
# on the inventory alone, so the engine computes `computed` once per inventory and serves it as
# data.palisade_facts["palisade.lib.rbac_admin_subjects.computed"]; without that entry (Rego
# tests, say) the rule computes it here. A package of its own: it is computed at most once per
# evaluation, and only by the rules that check a name against it.
package palisade.lib.rbac_admin_subjects

# Two definitions rather than `else`: regorus's VM (0.14) does not take the `else` branch when
# the first body looks up a missing data document.
subjects := data.palisade_facts["palisade.lib.rbac_admin_subjects.computed"]

subjects := computed if not data.palisade_facts["palisade.lib.rbac_admin_subjects.computed"]

computed contains {"kind": s.kind, "name": s.name} if {
	some b in data.inventory.cluster["rbac.authorization.k8s.io/v1"].ClusterRoleBinding
	data.palisade.lib.rbac_admin.admin_role_ref(b.roleRef)
	some s in data.palisade.lib.rbac.array_or_empty(b, "subjects")
}
