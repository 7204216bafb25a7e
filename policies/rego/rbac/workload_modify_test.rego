# Tests for RBAC-WORKLOAD-MODIFY (workload_modify.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.workload_modify_test

import data.palisade.rbac.workload_modify

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r", "namespace": "apps"}, "rules": rules}}}

test_patch_deployments_and_update_pods if {
	v := workload_modify.deny with input as role("Role", [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "update"]},
		{"apiGroups": ["apps"], "resources": ["deployments", "daemonsets"], "verbs": ["list", "patch"]},
	])
	{f.path | some f in v} == {"/rules/0/verbs/1", "/rules/1/verbs/1"}
	some f in v
	contains(f.msg, "patch daemonsets, deployments")
	contains(f.msg, "its namespace")
	not f.severity
}

test_every_controller_counts if {
	every t in workload_modify.targets {
		count(workload_modify.deny) == 1 with input as role("Role", [{"apiGroups": [t.group], "resources": [t.resource], "verbs": ["patch"]}])
	}
}

test_cluster_role_reaches_any_namespace_it_is_bound_in if {
	v := workload_modify.deny with input as role("ClusterRole", [{"apiGroups": ["batch"], "resources": ["cronjobs"], "verbs": ["update"]}])
	some f in v
	contains(f.msg, "any namespace it is bound in")
}

test_wildcards_reach_workloads if {
	v := workload_modify.deny with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(v) == 1
	count(workload_modify.deny) == 1 with input as role("Role", [{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["patch"]}])
	count(workload_modify.deny) == 1 with input as role("Role", [{"apiGroups": ["*"], "resources": ["statefulsets"], "verbs": ["*"]}])
}

test_create_read_and_wrong_group_are_not_this_rule if {
	count(workload_modify.deny) == 0 with input as role("Role", [{"apiGroups": ["", "apps", "batch"], "resources": ["pods", "deployments", "jobs"], "verbs": ["get", "list", "watch", "create", "delete"]}])
	count(workload_modify.deny) == 0 with input as role("Role", [{"apiGroups": ["apps"], "resources": ["pods", "jobs"], "verbs": ["patch"]}])
}

test_status_and_scale_subresources_are_not_templates if {
	count(workload_modify.deny) == 0 with input as role("ClusterRole", [{"apiGroups": ["", "apps"], "resources": ["*/status", "deployments/scale", "pods/ephemeralcontainers"], "verbs": ["update", "patch"]}])
}

test_narrowed_is_low if {
	v := workload_modify.deny with input as role("Role", [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "patch"], "resourceNames": ["web"]}])
	count(v) == 1
	some f in v
	f.severity == "low"
	f.path == "/rules/0/resourceNames"
	contains(f.msg, "web")
}

test_wrong_case_verbs_grant_nothing if {
	input_ := role("Role", [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["Patch", "Update"]}])
	count(workload_modify.deny) == 0 with input as input_
	w := workload_modify.warn with input as input_
	count(w) == 1
	some f in w
	f.severity == "info"
}
