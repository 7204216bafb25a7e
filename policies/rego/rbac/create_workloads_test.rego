# Tests for RBAC-CREATE-WORKLOADS (create_workloads.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.create_workloads_test

import data.palisade.rbac.create_workloads

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

test_create_pods_and_deployments if {
	v := create_workloads.deny with input as role("Role", [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "create"]},
		{"apiGroups": ["apps"], "resources": ["deployments", "statefulsets"], "verbs": ["create"]},
	])
	{f.path | some f in v} == {"/rules/0/verbs/1", "/rules/1/verbs/0"}
	some f in v
	contains(f.msg, "deployments, statefulsets")
}

test_batch_and_wildcards if {
	count(create_workloads.deny) == 1 with input as role("Role", [{"apiGroups": ["batch"], "resources": ["cronjobs"], "verbs": ["*"]}])
	count(create_workloads.deny) == 1 with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["create"]}])
}

test_wrong_group_is_not_a_workload if {
	count(create_workloads.deny) == 0 with input as role("Role", [{"apiGroups": ["apps"], "resources": ["pods", "jobs"], "verbs": ["create"]}])
}

test_read_only_is_fine if {
	count(create_workloads.deny) == 0 with input as role("Role", [{"apiGroups": ["", "apps"], "resources": ["pods", "deployments"], "verbs": ["get", "list", "watch"]}])
}

test_create_with_resource_names_is_ineffective if {
	input_ := role("Role", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create"], "resourceNames": ["debug"]}])
	count(create_workloads.deny) == 0 with input as input_
	w := create_workloads.warn with input as input_
	count(w) == 1
	some f in w
	f.severity == "info"
	f.path == "/rules/0/resourceNames"
}
