# Tests for RBAC-SECRETS-WRITE (secrets_write.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.secrets_write_test

import data.palisade.rbac.secrets_write

role(kind, ns, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r", "namespace": ns}, "rules": rules}}}

write := [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "patch", "update"]}]

test_cluster_role_reaches_kube_system if {
	v := secrets_write.deny with input as role("ClusterRole", null, write)
	count(v) == 1
	some f in v
	not f.severity
	f.path == "/rules/0/verbs/2"
	contains(f.msg, "patch, update secrets")
	contains(f.msg, "kube-system included")
}

test_role_in_kube_system_is_high if {
	v := secrets_write.deny with input as role("Role", "kube-system", write)
	count(v) == 1
	some f in v
	not f.severity
	contains(f.msg, "in kube-system")
}

test_role_in_kube_system_from_the_request if {
	input_ := {"review": {"kind": {"kind": "Role"}, "namespace": "kube-system", "object": {"kind": "Role", "metadata": {"name": "r"}, "rules": write}}}
	v := secrets_write.deny with input as input_
	{f.severity | some f in v; f.severity} == set()
	count(v) == 1
}

test_role_in_an_application_namespace_is_medium if {
	v := secrets_write.deny with input as role("Role", "shop", write)
	count(v) == 1
	some f in v
	f.severity == "medium"
	contains(f.msg, "its namespace")
}

test_create_alone_counts if {
	count(secrets_write.deny) == 1 with input as role("Role", "shop", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}])
}

test_wildcards_reach_secrets if {
	count(secrets_write.deny) == 1 with input as role("ClusterRole", null, [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(secrets_write.deny) == 1 with input as role("Role", "shop", [{"apiGroups": [""], "resources": ["*"], "verbs": ["update"]}])
	count(secrets_write.deny) == 1 with input as role("Role", "shop", [{"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["*"]}])
}

test_read_delete_subresources_and_other_groups_are_fine if {
	count(secrets_write.deny) == 0 with input as role("ClusterRole", null, [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch", "delete"]}])
	count(secrets_write.deny) == 0 with input as role("ClusterRole", null, [{"apiGroups": [""], "resources": ["*/status"], "verbs": ["patch"]}])
	count(secrets_write.deny) == 0 with input as role("ClusterRole", null, [{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["patch"]}])
}

test_narrowed_is_low_and_create_is_ineffective if {
	input_ := role("ClusterRole", null, [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "update"], "resourceNames": ["webhook-tls"]}])
	v := secrets_write.deny with input as input_
	count(v) == 1
	some f in v
	f.severity == "low"
	f.path == "/rules/0/resourceNames"
	contains(f.msg, "update secrets only")
	w := secrets_write.warn with input as input_
	count(w) == 1
	some g in w
	g.severity == "info"
	contains(g.msg, "create secrets")
}

test_wrong_case_verbs_grant_nothing if {
	input_ := role("ClusterRole", null, [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["Create", "PATCH"]}])
	count(secrets_write.deny) == 0 with input as input_
	count(secrets_write.warn) == 1 with input as input_
}
