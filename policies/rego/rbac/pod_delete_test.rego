# Tests for RBAC-POD-DELETE (pod_delete.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.pod_delete_test

import data.palisade.rbac.pod_delete

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r", "namespace": "apps"}, "rules": rules}}}

test_delete_pods_is_medium if {
	v := pod_delete.deny with input as role("Role", [
		{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["delete"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "delete"]},
	])
	count(v) == 1
	some f in v
	f.path == "/rules/1/verbs/2"
	not f.severity
	contains(f.msg, "delete pods in its namespace")
}

test_deletecollection_and_eviction_count if {
	count(pod_delete.deny) == 1 with input as role("Role", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["deletecollection"]}])
	v := pod_delete.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["pods/eviction"], "verbs": ["create"]}])
	some f in v
	contains(f.msg, "create pods/eviction")
	contains(f.msg, "any namespace it is bound in")
}

test_wildcards_reach_pods if {
	v := pod_delete.deny with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	some f in v
	contains(f.msg, "create pods/eviction; delete, deletecollection pods")
	count(pod_delete.deny) == 1 with input as role("Role", [{"apiGroups": [""], "resources": ["*/eviction"], "verbs": ["create"]}])
}

test_other_verbs_and_subresources_are_fine if {
	count(pod_delete.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["pods", "pods/eviction"], "verbs": ["get", "list", "watch", "update"]}])
	count(pod_delete.deny) == 0 with input as role("Role", [{"apiGroups": [""], "resources": ["pods/exec", "*/status"], "verbs": ["create", "delete"]}])
	count(pod_delete.deny) == 0 with input as role("Role", [{"apiGroups": ["apps"], "resources": ["pods"], "verbs": ["delete"]}])
}

test_narrowed_delete_and_eviction_are_low if {
	input_ := role("Role", [{"apiGroups": [""], "resources": ["pods", "pods/eviction"], "verbs": ["delete", "create"], "resourceNames": ["canary-0"]}])
	v := pod_delete.deny with input as input_
	count(v) == 1
	some f in v
	f.severity == "low"
	contains(f.msg, "create pods/eviction; delete pods")
	count(pod_delete.warn) == 0 with input as input_
}

test_narrowed_deletecollection_is_ineffective if {
	input_ := role("Role", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["deletecollection"], "resourceNames": ["canary-0"]}])
	count(pod_delete.deny) == 0 with input as input_
	w := pod_delete.warn with input as input_
	count(w) == 1
	some f in w
	f.severity == "info"
	f.path == "/rules/0/resourceNames"
}

test_wrong_case_verbs_grant_nothing if {
	input_ := role("Role", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["Delete"]}])
	count(pod_delete.deny) == 0 with input as input_
	count(pod_delete.warn) == 1 with input as input_
}
