# Tests for RBAC-NODES-WRITE (nodes_write.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.nodes_write_test

import data.palisade.rbac.nodes_write

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

test_patch_nodes_is_high if {
	v := nodes_write.deny with input as role("ClusterRole", [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["patch"]},
		{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "patch"]},
	])
	count(v) == 1
	some f in v
	f.path == "/rules/1/verbs/2"
	not f.severity
	contains(f.msg, "patch nodes")
}

test_delete_nodes_and_status_updates_count if {
	count(nodes_write.deny) == 1 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["delete"]}])
	v := nodes_write.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes/status"], "verbs": ["update"]}])
	some f in v
	contains(f.msg, "update nodes/status")
}

test_wildcards_reach_nodes if {
	count(nodes_write.deny) == 1 with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(nodes_write.deny) == 1 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["*"]}])
	count(nodes_write.deny) == 1 with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["nodes"], "verbs": ["update"]}])
}

test_star_status_reaches_nodes_status if {
	v := nodes_write.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["*/status"], "verbs": ["patch"]}])
	some f in v
	contains(f.msg, "patch nodes/status")
	not contains(f.msg, "nodes;")
}

test_read_and_other_subresources_are_fine if {
	count(nodes_write.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes", "nodes/status"], "verbs": ["get", "list", "watch"]}])
	count(nodes_write.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes/metrics", "nodes/stats"], "verbs": ["*"]}])
	count(nodes_write.deny) == 0 with input as role("ClusterRole", [{"apiGroups": ["apps"], "resources": ["nodes"], "verbs": ["patch"]}])
}

test_narrowed_is_low if {
	input_ := role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["patch", "deletecollection"], "resourceNames": ["edge-1"]}])
	v := nodes_write.deny with input as input_
	count(v) == 1
	some f in v
	f.severity == "low"
	f.path == "/rules/0/resourceNames"
	w := nodes_write.warn with input as input_
	{h.severity | some h in w} == {"info"}
	some g in w
	contains(g.msg, "deletecollection")
}

test_role_grants_nothing_on_nodes if {
	input_ := role("Role", [{"apiGroups": [""], "resources": ["nodes", "nodes/status"], "verbs": ["patch"]}])
	count(nodes_write.deny) == 0 with input as input_
	w := nodes_write.warn with input as input_
	count(w) == 1
	some f in w
	f.severity == "info"
	f.path == "/rules/0"
	# A `*` in a Role means its namespaced resources: no note.
	count(nodes_write.warn) == 0 with input as role("Role", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
}

test_wrong_case_verbs_grant_nothing if {
	input_ := role("ClusterRole", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["Patch", "DELETE"]}])
	count(nodes_write.deny) == 0 with input as input_
	w := nodes_write.warn with input as input_
	count(w) == 1
	some f in w
	contains(f.msg, "DELETE, Patch")
}
