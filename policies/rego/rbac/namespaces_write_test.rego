# Tests for RBAC-NAMESPACES-WRITE (namespaces_write.rego): findings, their paths and severities, and what must pass.
package palisade.rbac.namespaces_write_test

import data.palisade.rbac.namespaces_write

role(kind, rules) := {"review": {"kind": {"kind": kind}, "object": {"kind": kind, "metadata": {"name": "r"}, "rules": rules}}}

test_patch_namespaces_is_high if {
	v := namespaces_write.deny with input as role("ClusterRole", [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["patch"]},
		{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "patch"]},
	])
	count(v) == 1
	some f in v
	not f.severity
	f.path == "/rules/1/verbs/1"
	contains(f.msg, "patch namespaces")
}

test_wildcards_reach_namespaces if {
	count(namespaces_write.deny) == 1 with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	count(namespaces_write.deny) == 1 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["*"]}])
	count(namespaces_write.deny) == 1 with input as role("ClusterRole", [{"apiGroups": ["*"], "resources": ["namespaces"], "verbs": ["update"]}])
}

test_read_create_and_subresources_are_not_this_rule if {
	count(namespaces_write.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch", "create"]}])
	count(namespaces_write.deny) == 0 with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["*/status", "namespaces/finalize"], "verbs": ["update"]}])
	count(namespaces_write.deny) == 0 with input as role("ClusterRole", [{"apiGroups": ["apps"], "resources": ["namespaces"], "verbs": ["patch"]}])
}

test_narrowed_is_low if {
	v := namespaces_write.deny with input as role("ClusterRole", [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["update"], "resourceNames": ["team-a"]}])
	count(v) == 1
	some f in v
	f.severity == "low"
	f.path == "/rules/0/resourceNames"
	contains(f.msg, "team-a")
}

test_role_grants_nothing_on_namespaces if {
	input_ := role("Role", [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["patch"]}])
	count(namespaces_write.deny) == 0 with input as input_
	w := namespaces_write.warn with input as input_
	count(w) == 1
	some f in w
	f.severity == "info"
}

test_wrong_case_verbs_grant_nothing if {
	input_ := role("ClusterRole", [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["Update"]}])
	count(namespaces_write.deny) == 0 with input as input_
	count(namespaces_write.warn) == 1 with input as input_
}
