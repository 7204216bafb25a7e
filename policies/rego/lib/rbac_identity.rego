# Workload identity: which service accounts hold which RBAC powers, and through which binding and
# role. The join runs once per inventory (see `chains`); a workload then looks its service account
# up in it, so judging a pod costs a few lookups whatever the size of the inventory.
#
# A role's powers are not judged here: the engine evaluates the RBAC rules themselves on every
# role a service account is bound to and serves their findings of medium severity and above as
# data.palisade_facts["rbac.role_powers"] (see policies/src/role_powers.rs), keyed by
# `<kind>/<namespace>/<name>`:
# - `ClusterRole//<name>`: a ClusterRole bound by a ClusterRoleBinding (judged as a ClusterRole);
# - `ClusterRole/<ns>/<name>`: a ClusterRole bound by a RoleBinding in `ns`, judged as a Role in
#   `ns` (it grants only namespaced resources, only there);
# - `Role/<ns>/<name>`: a Role bound in its namespace.
# Each power is {"rule", "severity", "msg"}. Without that entry (Rego tests, an inventory built
# without the engine) only bindings to cluster-admin carry powers; tests supply the entry with
# `with data.palisade_facts as {"rbac.role_powers": …}`.
package palisade.lib.rbac_identity

rbac := "rbac.authorization.k8s.io/v1"

# Two definitions rather than `else` (see rbac_admin_subjects.rego).
role_powers := data.palisade_facts["rbac.role_powers"]

role_powers := {} if not data.palisade_facts["rbac.role_powers"]

# Subject key → the chains that grant it something: {"key", "binding", "role", "namespace" (where
# it grants; "" for cluster-wide), "powers"}. Keys: `serviceaccount:<ns>:<name>`,
# `group:system:serviceaccounts`, `group:system:serviceaccounts:<ns>`. The engine evaluates
# `all_chains` once per inventory and groups it by key in Rust (linear; the comprehension below is
# quadratic in the number of chains), serving the result as
# data.palisade_facts["palisade.lib.rbac_identity.by_key"].
chains := data.palisade_facts["palisade.lib.rbac_identity.by_key"]

chains := by_key if not data.palisade_facts["palisade.lib.rbac_identity.by_key"]

by_key[key] := [c | some c in all_chains; c.key == key] if {
	some key in {c.key | some c in all_chains}
}

all_chains contains c if {
	some name, b in data.inventory.cluster[rbac].ClusterRoleBinding
	b.roleRef.kind == "ClusterRole"
	not data.palisade.lib.rbac_admin.admin_role_ref(b.roleRef)
	some key in subject_keys(b, "")
	c := chain(key, sprintf("ClusterRoleBinding %q", [name]), b.roleRef, "", sprintf("ClusterRole//%s", [b.roleRef.name]))
}

all_chains contains c if {
	some name, b in data.inventory.cluster[rbac].ClusterRoleBinding
	data.palisade.lib.rbac_admin.admin_role_ref(b.roleRef)
	some key in subject_keys(b, "")
	c := admin_chain(key, sprintf("ClusterRoleBinding %q", [name]), b.roleRef, "", "critical", "every verb on every resource in every namespace")
}

all_chains contains c if {
	some ns, apis in data.inventory.namespace
	some name, b in apis[rbac].RoleBinding
	not data.palisade.lib.rbac_admin.admin_role_ref(b.roleRef)
	some key in subject_keys(b, ns)
	c := chain(key, sprintf("RoleBinding %q", [sprintf("%s/%s", [ns, name])]), b.roleRef, ns, sprintf("%s/%s/%s", [b.roleRef.kind, ns, b.roleRef.name]))
}

all_chains contains c if {
	some ns, apis in data.inventory.namespace
	some name, b in apis[rbac].RoleBinding
	data.palisade.lib.rbac_admin.admin_role_ref(b.roleRef)
	some key in subject_keys(b, ns)
	msg := sprintf("full control of namespace %q, its Secrets and RBAC included", [ns])
	c := admin_chain(key, sprintf("RoleBinding %q", [sprintf("%s/%s", [ns, name])]), b.roleRef, ns, "high", msg)
}

chain(key, binding, ref, ns, powers_key) := {
	"key": key,
	"binding": binding,
	"role": role_text(ref, ns),
	"namespace": ns,
	"powers": object.get(role_powers, powers_key, []),
}

admin_chain(key, binding, ref, ns, severity, msg) := {
	"key": key,
	"binding": binding,
	"role": role_text(ref, ns),
	"namespace": ns,
	"powers": [{"rule": "RBAC-CLUSTER-ADMIN-BINDING", "severity": severity, "msg": msg}],
}

role_text(ref, ns) := sprintf("Role %q", [sprintf("%s/%s", [ns, ref.name])]) if ref.kind == "Role"

role_text(ref, _) := sprintf("ClusterRole %q", [ref.name]) if ref.kind == "ClusterRole"

# The service-account keys of a binding's subjects; `ns` is the binding's namespace ("" for a
# ClusterRoleBinding), which a ServiceAccount subject without a namespace defaults to, as in the
# authorizer.
subject_keys(b, ns) := {k |
	some s in data.palisade.lib.rbac.array_or_empty(b, "subjects")
	is_object(s)
	some k in subject_key(s, ns)
}

subject_key(s, ns) := {sprintf("serviceaccount:%s:%s", [sa_ns, s.name])} if {
	s.kind == "ServiceAccount"
	is_string(s.name)
	sa_ns := subject_namespace(s, ns)
	sa_ns != ""
} else := {sprintf("serviceaccount:%s:%s", [parts[2], parts[3]])} if {
	s.kind == "User"
	is_string(s.name)
	parts := split(s.name, ":")
	count(parts) == 4
	parts[0] == "system"
	parts[1] == "serviceaccount"
} else := {sprintf("group:%s", [s.name])} if {
	s.kind == "Group"
	is_string(s.name)
	sa_group(s.name)
} else := set()

sa_group(name) if name == "system:serviceaccounts"

sa_group(name) if {
	startswith(name, "system:serviceaccounts:")
	count(split(name, ":")) == 3
}

subject_namespace(s, ns) := s.namespace if {
	is_string(s.namespace)
	s.namespace != ""
} else := ns

# The chains that give a workload's service account `name` in namespace `ns` its powers.
chains_of(ns, name) := [c |
	some key in [
		sprintf("serviceaccount:%s:%s", [ns, name]),
		"group:system:serviceaccounts",
		sprintf("group:system:serviceaccounts:%s", [ns]),
	]
	some c in object.get(chains, key, [])
]
