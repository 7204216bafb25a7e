# Tests for RBAC-CONFIGMAPS-WRITE (configmaps_write.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.configmaps_write_test

import data.palisade.rbac.configmaps_write

role(kind, ns, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r", "namespace": ns}, "rules": rules}}}

write := [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "patch", "update"]}]

test_cluster_role_reaches_kube_system if {
	v := configmaps_write.deny with input as role("ClusterRole", null, write)
	count(v) == 1
	some f in v
	not f.severity
	f.path == "/rules/0/verbs/2"
	contains(f.msg, "patch, update configmaps")
	contains(f.msg, "kube-system included")
}

test_role_in_kube_system_is_high if {
	v := configmaps_write.deny with input as role("Role", "kube-system", write)
	count(v) == 1
	some f in v
	not f.severity
	contains(f.msg, "in kube-system")
}

test_role_in_kube_system_from_the_request if {
	input_ := {"review": {"kind": {"kind": "Role"}, "namespace": "kube-system", "object": {"kind": "Role", "metadata": {"name": "r"}, "rules": write}}}
	v := configmaps_write.deny with input as input_
	{f.severity | some f in v; f.severity} == set()
	count(v) == 1
}

test_role_in_an_application_namespace_is_low if {
	v := configmaps_write.deny with input as role("Role", "shop", write)
	count(v) == 1
	some f in v
	f.severity == "low"
	contains(f.msg, "its namespace")
}

test_create_alone_counts if {
	count(configmaps_write.deny) == 1 with input as role("Role", "shop", [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create"]}])
}

test_wildcards_reach_configmaps if {
	count(configmaps_write.deny) == 1 with input as role("ClusterRole", null, [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(configmaps_write.deny) == 1 with input as role("Role", "shop", [{"apiGroups": [""], "resources": ["*"], "verbs": ["update"]}])
	count(configmaps_write.deny) == 1 with input as role("Role", "shop", [{"apiGroups": ["*"], "resources": ["configmaps"], "verbs": ["*"]}])
}

test_read_delete_subresources_and_other_groups_are_fine if {
	count(configmaps_write.deny) == 0 with input as role("ClusterRole", null, [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch", "delete"]}])
	count(configmaps_write.deny) == 0 with input as role("ClusterRole", null, [{"apiGroups": [""], "resources": ["*/status"], "verbs": ["patch"]}])
	count(configmaps_write.deny) == 0 with input as role("ClusterRole", null, [{"apiGroups": ["apps"], "resources": ["configmaps"], "verbs": ["patch"]}])
}

test_narrowed_is_low_and_create_is_ineffective if {
	input_ := role("ClusterRole", null, [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create", "update"], "resourceNames": ["leader-lock"]}])
	v := configmaps_write.deny with input as input_
	count(v) == 1
	some f in v
	f.severity == "low"
	f.path == "/rules/0/resourceNames"
	contains(f.msg, "update configmaps only")
	w := configmaps_write.warn with input as input_
	count(w) == 1
	some g in w
	g.severity == "info"
	contains(g.msg, "create configmaps")
}

test_wrong_case_verbs_grant_nothing if {
	input_ := role("ClusterRole", null, [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["Create", "PATCH"]}])
	count(configmaps_write.deny) == 0 with input as input_
	count(configmaps_write.warn) == 1 with input as input_
}
