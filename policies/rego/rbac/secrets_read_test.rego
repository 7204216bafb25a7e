# Tests for RBAC-SECRETS-READ (secrets_read.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.secrets_read_test

import data.palisade.rbac.secrets_read

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

# The Weave GitOps server's ClusterRole: impersonation and secret reads narrowed to names.
weave_gitops := [
	{"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"], "resourceNames": ["wego-admin", "ops-team"]},
	{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"], "resourceNames": ["cluster-user-auth", "oidc-auth"]},
	{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]},
	{"apiGroups": ["apiextensions.k8s.io"], "resources": ["customresourcedefinitions"], "verbs": ["list"]},
]

test_get_list_secrets_denied if {
	v := secrets_read.deny with input as role("ClusterRole", [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["create", "list", "get"]},
	])
	count(v) == 1
	some f in v
	f.path == "/rules/1/verbs/1"
	contains(f.msg, "get, list")
}

# Every namespace only when a ClusterRoleBinding binds the ClusterRole.
test_reach_says_every_namespace_only_when_cluster_bound if {
	rules := [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]
	unbound := secrets_read.deny with input as role("ClusterRole", rules)
	{f.msg | some f in unbound} == {"rule 0 can get every Secret in any namespace it is bound in"}
	crb := {"kind": "ClusterRoleBinding", "metadata": {"name": "readers"}, "roleRef": {"kind": "ClusterRole", "name": "r"}}
	inv := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRoleBinding": {"readers": crb}}}}
	bound := secrets_read.deny with input as role("ClusterRole", rules) with data.inventory as inv
	{f.msg | some f in bound} == {"rule 0 can get every Secret in every namespace (through the ClusterRoleBinding readers)"}
	in_role := secrets_read.deny with input as role("Role", rules) with data.inventory as inv
	{f.msg | some f in in_role} == {"rule 0 can get every Secret in its namespace"}
}

test_watch_alone_is_a_read if {
	v := secrets_read.deny with input as role("Role", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["watch"]}])
	count(v) == 1
}

test_wildcards_read_secrets if {
	count(secrets_read.deny) == 1 with input as role("Role", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(secrets_read.deny) == 1 with input as role("Role", [{"apiGroups": [""], "resources": ["*"], "verbs": ["get"]}])
	count(secrets_read.deny) == 1 with input as role("Role", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]}])
}

test_write_only_is_not_a_read if {
	count(secrets_read.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "update", "patch"]}])
}

test_wrong_group_is_not_secrets if {
	count(secrets_read.deny) == 0 with input as role("Role", [{"apiGroups": ["batch"], "resources": ["secrets"], "verbs": ["get"]}])
}

test_secret_subresource_wildcard_is_not_secrets if {
	count(secrets_read.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["*/status"], "verbs": ["get"]}])
}

test_narrowed_read_is_only_noted if {
	input_ := role("ClusterRole", weave_gitops)
	count(secrets_read.deny) == 0 with input as input_
	w := secrets_read.warn with input as input_
	count(w) == 1
	some f in w
	f.path == "/rules/1/resourceNames"
	f.severity == "low"
	contains(f.msg, "cluster-user-auth, oidc-auth")
}
