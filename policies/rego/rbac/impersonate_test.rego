# Tests for RBAC-IMPERSONATE (impersonate.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.impersonate_test

import data.palisade.rbac.impersonate

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

weave_gitops := [
	{"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"], "resourceNames": ["wego-admin", "ops-team"]},
	{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"], "resourceNames": ["cluster-user-auth", "oidc-auth"]},
	{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]},
]

severities(findings) := {f.severity | some f in findings}

crb(name, role_name, subjects) := {"kind": "ClusterRoleBinding", "metadata": {"name": name}, "roleRef": {"kind": "ClusterRole", "name": role_name}, "subjects": subjects}

test_unrestricted_users_is_critical if {
	v := impersonate.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]}])
	count(v) == 2
	severities(v) == {"critical"}
	every f in v { f.path == "/rules/0/verbs/0" }
}

test_wildcard_rule_impersonates_everyone if {
	v := impersonate.deny with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	"critical" in severities(v)
	some f in v
	contains(f.msg, "any group")
}

test_weave_gitops_pattern_is_low if {
	v := impersonate.deny with input as role("ClusterRole", weave_gitops)
	count(v) == 1
	some f in v
	f.severity == "low"
	f.path == "/rules/0/resourceNames"
	contains(f.msg, "groups, users named ops-team, wego-admin")
}

# One true finding, not a low "narrowed" one beside a critical one for the same names.
test_narrowed_to_system_masters_is_critical if {
	v := impersonate.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["groups"], "verbs": ["impersonate"], "resourceNames": ["developers", "system:masters"]}])
	count(v) == 1
	some f in v
	f.severity == "critical"
	f.path == "/rules/0/resourceNames/1"
}

test_narrowed_to_cluster_admin_subject_from_inventory if {
	inv := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRoleBinding": {"ops-admin": crb("ops-admin", "cluster-admin", [{"kind": "Group", "name": "ops-team"}])}}}}
	v := impersonate.deny with input as role("ClusterRole", weave_gitops) with data.inventory as inv
	severities(v) == {"critical"}
	some f in v
	f.path == "/rules/0/resourceNames/1"
	contains(f.msg, "ops-team")
}

test_inventory_without_admin_binding_stays_low if {
	inv := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRoleBinding": {"viewers": crb("viewers", "view", [{"kind": "Group", "name": "ops-team"}])}}}}
	v := impersonate.deny with input as role("ClusterRole", weave_gitops) with data.inventory as inv
	severities(v) == {"low"}
}

test_user_named_like_admin_group_is_not_the_group if {
	v := impersonate.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"], "resourceNames": ["system:masters"]}])
	severities(v) == {"low"}
}

test_service_accounts_in_role_are_high if {
	v := impersonate.deny with input as role("Role", [{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]}])
	severities(v) == {"high"}
}

test_users_in_role_grant_nothing if {
	input_ := role("Role", [{"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]}])
	count(impersonate.deny) == 0 with input as input_
	w := impersonate.warn with input as input_
	count(w) == 1
}

test_uids_and_user_extras if {
	v := impersonate.deny with input as role("ClusterRole", [
		{"apiGroups": ["authentication.k8s.io"], "resources": ["uids"], "verbs": ["impersonate"]},
		{"apiGroups": ["authentication.k8s.io"], "resources": ["userextras/scopes"], "verbs": ["impersonate"], "resourceNames": ["view"]},
	])
	{f.path | some f in v} == {"/rules/0/verbs/0", "/rules/1/resources/0"}
	severities(v) == {"medium", "low"}
}

test_other_verbs_are_not_impersonation if {
	count(impersonate.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["users", "groups", "serviceaccounts"], "verbs": ["get", "list"]}])
}

test_impersonate_on_unrelated_resources_is_nothing if {
	count(impersonate.deny) == 0 with input as role("ClusterRole", [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["impersonate"]}])
}
